//! Bulk calls: a JSON array of `{"method": …, "params": {…}}` run with a
//! bounded number of requests in flight on the client's pooled keep-alive
//! connections, driven on the caller's thread (no thread of our own).
//!
//! The rules that keep a mailing honest:
//! * results come back in input order; one item's failure never stops the others;
//! * an item with an unknown method or bad parameters fails alone, before any request;
//! * a 429 pauses the whole batch for its `Retry-After`, then the item is sent
//!   again (the service refused it, so repeating sends nothing twice);
//! * a send (a registry row with `retry == false`) is repeated only when the
//!   service certainly did not get it (connection refused, 429): after a reset
//!   or a timeout it may have been accepted, so it fails instead;
//! * the client's `timeout` bounds each attempt of each item;
//! * when stopped, items not started are reported "not sent"; requests in
//!   flight get a short grace to finish, then are reported as of unknown outcome.

use std::cell::Cell;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::cancel::Cancel;
use super::client::Client;
use super::error::{Error, ErrorKind, Result};
use super::lang::{Lang, Text};
use super::params::{params_from_text, prepare_named};
use super::registry::Answer;
use super::request::Request;

/// The default number of requests in flight.
pub const DEFAULT_CONCURRENCY: u32 = 8;
/// The most requests in flight a batch accepts.
pub const MAX_CONCURRENCY: u32 = 64;
/// The pause after a 429 without `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// The longest `Retry-After` honoured; a longer one fails the item.
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// How many 429s one item accepts before it fails.
const MAX_PAUSES: u32 = 50;
/// How long requests in flight may still finish after a stop.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// First backoff step for repeatable failures; doubles each time.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// How often a result the receiver could not take yet is offered again.
const BUSY_RETRY: Duration = Duration::from_millis(20);
/// How many times a result is offered after a stop before it is dropped.
const BUSY_TRIES_AFTER_STOP: u32 = 50;

/// What became of one item.
#[derive(Debug)]
pub enum Outcome {
    /// The service answered with success: the answer's JSON text.
    Ok(String),
    /// The item failed (bad parameters, the service's refusal, a broken
    /// connection, or a stop while it was in flight).
    Failed(Error),
    /// Not sent: the batch was stopped before the item reached the service.
    NotSent,
}

impl Outcome {
    /// The item's result as JSON: `{"ok":true,"result":…}`,
    /// `{"ok":false,"error":{…}}`, or for an item not sent
    /// `{"ok":false,"notSent":true,"error":{…}}`.
    pub fn to_json(&self, lang: Lang) -> String {
        match self {
            Outcome::Ok(text) => format!(r#"{{"ok":true,"result":{text}}}"#),
            Outcome::Failed(e) => format!(r#"{{"ok":false,"error":{}}}"#, e.to_json(lang)),
            Outcome::NotSent => {
                // Its own kind, not one of the service's failures: nothing was tried.
                let message = match lang {
                    Lang::En => {
                        "Not sent: the batch was stopped before this item reached the service"
                    }
                    Lang::Ru => "Не отправлено: пакет остановлен до отправки этого элемента",
                };
                format!(
                    r#"{{"ok":false,"notSent":true,"error":{}}}"#,
                    serde_json::json!({
                        "kind": "notSent",
                        "code": 0,
                        "status": null,
                        "method": null,
                        "message": message,
                        "serviceMessage": null,
                    })
                )
            }
        }
    }

    /// Whether the service accepted the item.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok(_))
    }
}

/// How a batch ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Items the service accepted.
    pub ok: usize,
    /// Items that failed.
    pub failed: usize,
    /// Items not sent because the batch was stopped.
    pub not_sent: usize,
}

impl Summary {
    fn count(&mut self, o: &Outcome) {
        match o {
            Outcome::Ok(_) => self.ok += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::NotSent => self.not_sent += 1,
        }
    }
}

fn abandoned(method: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        Text::new(
            "The batch was stopped while this request was in flight: the service may or may not have accepted it",
            "Пакет остановлен, пока запрос был в пути: сервис мог его как принять, так и не принять",
        ),
    )
    .with_method(method)
}

/// Checks a concurrency value (1–64); `param` names it in the error.
pub fn check_concurrency(n: u32, param: &str) -> Result<u32> {
    if (1..=MAX_CONCURRENCY).contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid_argument(
            param,
            &format!(
                "expected a number of requests in flight from 1 to {MAX_CONCURRENCY}, got {n}"
            ),
            &format!(
                "ожидается число одновременных запросов от 1 до {MAX_CONCURRENCY}, получено {n}"
            ),
        ))
    }
}

/// A batch item ready to send, or why it cannot be.
pub(crate) type Prepared = Request;

/// Parses a batch: the array must be well formed (else the whole call is
/// refused); each item is prepared alone, so a bad one fails only itself.
pub(crate) fn parse_batch(batch_json: &str) -> Result<Vec<Result<Request>>> {
    let bad = || {
        Error::invalid_argument(
            "batch_json",
            "expected a JSON array of {\"method\": …, \"params\": {…}}",
            "ожидается JSON-массив вида [{\"method\": …, \"params\": {…}}]",
        )
    };
    let Value::Array(items) = serde_json::from_str::<Value>(batch_json).map_err(|_| bad())? else {
        return Err(bad());
    };
    Ok(items.into_iter().map(prepare_item).collect())
}

fn prepare_item(item: Value) -> Result<Request> {
    let Value::Object(mut m) = item else {
        return Err(Error::invalid_argument(
            "method",
            "each batch item must be an object {\"method\": …, \"params\": {…}}",
            "каждый элемент пакета должен быть объектом {\"method\": …, \"params\": {…}}",
        ));
    };
    let method = match m.remove("method") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(Error::invalid_argument(
                "method",
                "each batch item needs a \"method\" text such as sendMessage",
                "каждому элементу пакета нужен текст \"method\", например sendMessage",
            ))
        }
    };
    let params = match m.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p,
        Some(Value::String(s)) => params_from_text(Some(&s))?,
        Some(_) => {
            return Err(Error::invalid_argument(
                "params",
                "expected a JSON object",
                "ожидается JSON-объект",
            )
            .with_method(method.trim()))
        }
    };
    let req = prepare_named(&method, params, None, None).map_err(|e| match e.method() {
        Some(_) => e,
        None => e.with_method(method.trim()),
    })?;
    if req.answer == Answer::Bytes {
        return Err(Error::invalid_argument(
            "method",
            &format!(
                "{} answers a file's bytes and cannot be part of a batch",
                req.name
            ),
            &format!(
                "{} возвращает байты файла и не может входить в пакет",
                req.name
            ),
        )
        .with_method(&req.name));
    }
    Ok(req)
}

impl Client {
    /// Runs a batch (a JSON array of `{"method": registry name, "params":
    /// {…}}`, params as [`Client::call`] takes them) with up to
    /// `concurrency` (1–64) requests in flight, and returns a JSON array of
    /// results in input order, each `{"ok": true, "result": …}` or
    /// `{"ok": false, "error": {…}}`. Only a malformed array or concurrency
    /// fails the whole call; see the module documentation for the rules.
    pub fn call_batch(&self, batch_json: &str, concurrency: u32, lang: Lang) -> Result<String> {
        let mut out = Vec::new();
        self.run_batch(batch_json, concurrency, &Cancel::new(), |i, o| {
            if out.len() <= i {
                out.resize(i + 1, String::new());
            }
            out[i] = o.to_json(lang);
            true
        })?;
        Ok(format!("[{}]", out.join(",")))
    }

    /// Runs a batch, handing each item's outcome to `on_item(index, outcome)`
    /// as it completes (not in order). `on_item` returns `false` when it
    /// cannot take the outcome yet: it is offered again shortly. Raising
    /// `cancel` stops the batch: see the module documentation.
    pub fn run_batch(
        &self,
        batch_json: &str,
        concurrency: u32,
        cancel: &Cancel,
        on_item: impl FnMut(usize, &Outcome) -> bool,
    ) -> Result<Summary> {
        let concurrency = check_concurrency(concurrency, "concurrency")?;
        let items = parse_batch(batch_json)?;
        Ok(self.run_prepared(items, concurrency, cancel, on_item))
    }

    /// [`Client::run_batch`] of items [`parse_batch`] prepared (the add-in
    /// parses on 1C's thread, to refuse a malformed batch at once, and runs
    /// it on its own); `concurrency` was checked.
    pub(crate) fn run_prepared(
        &self,
        items: Vec<Result<Request>>,
        concurrency: u32,
        cancel: &Cancel,
        mut on_item: impl FnMut(usize, &Outcome) -> bool,
    ) -> Summary {
        let paused_until = Cell::new(Instant::now());
        let gate = &paused_until;
        let mut summary = Summary::default();
        self.block_on(async {
            let mut results = stream::iter(items.into_iter().enumerate())
                .map(|(i, item)| async move {
                    let o = match item {
                        Ok(req) => self.run_item(req, gate, cancel).await,
                        Err(e) => Outcome::Failed(e),
                    };
                    (i, o)
                })
                .buffer_unordered(concurrency as usize);
            // After a stop, a receiver that stays full is given up on once,
            // not once per remaining item.
            let mut dropping = false;
            while let Some((i, o)) = results.next().await {
                summary.count(&o);
                let mut tries = 0;
                while !dropping && !on_item(i, &o) {
                    tries += cancel.is_cancelled() as u32;
                    dropping = tries > BUSY_TRIES_AFTER_STOP;
                    tokio::time::sleep(BUSY_RETRY).await;
                }
            }
        });
        summary
    }

    /// One item: attempts until it succeeds, fails for good, or the batch stops.
    async fn run_item(&self, req: Request, gate: &Cell<Instant>, cancel: &Cancel) -> Outcome {
        let mut pauses = 0;
        let mut retries = 0;
        // The last failure of an attempt that may have reached the service
        // (a read repeated after a timeout): a stop then reports it, not "not sent".
        let mut reached: Option<Error> = None;
        loop {
            // Wait out a pause another item's 429 asked for.
            while gate.get() > Instant::now() {
                tokio::select! {
                    _ = tokio::time::sleep_until(gate.get()) => {}
                    _ = cancel.cancelled() => return stopped(reached),
                }
            }
            if cancel.is_cancelled() {
                return stopped(reached);
            }
            let a = tokio::select! {
                a = self.attempt_once(&req) => a,
                _ = async { cancel.cancelled().await; tokio::time::sleep(STOP_GRACE).await } => {
                    return Outcome::Failed(abandoned(&req.name));
                }
            };
            let e = match a.result {
                Ok(text) => return Outcome::Ok(text),
                Err(e) => e,
            };
            if e.status() == Some(429) {
                let pause = a.retry_after.unwrap_or(DEFAULT_PAUSE);
                if pause > MAX_PAUSE || pauses >= MAX_PAUSES {
                    return Outcome::Failed(e);
                }
                pauses += 1;
                gate.set(gate.get().max(Instant::now() + pause));
                continue;
            }
            let repeatable = match e.kind() {
                ErrorKind::Connect => a.not_delivered || req.retry,
                ErrorKind::Timeout | ErrorKind::Server => req.retry,
                _ => false,
            };
            if !repeatable || retries >= self.config().max_retries {
                return Outcome::Failed(e);
            }
            let wait = BACKOFF_BASE * 2u32.saturating_pow(retries.min(5));
            retries += 1;
            if !a.not_delivered {
                reached = Some(e);
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = cancel.cancelled() => return stopped(reached),
            }
        }
    }
}

/// A stopped item: "not sent" unless an earlier attempt may have reached the service.
fn stopped(reached: Option<Error>) -> Outcome {
    match reached {
        Some(e) => Outcome::Failed(e),
        None => Outcome::NotSent,
    }
}
