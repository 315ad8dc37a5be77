//! The background receiver: one thread long-polls `receiveNotification` and
//! hands each notification to 1C with `ExternalEvent("SDKWA", typeWebhook,
//! JSON)`. A notification is deleted only after 1C's event queue accepted
//! it; while the queue is full the thread waits and offers it again. So a
//! notification is never lost: it reaches 1C at least once (again after a
//! stop or a network failure between hand-over and deletion), always with its
//! `receiptId`, by which a handler can recognise a repeat.
//!
//! With manual acknowledgement the thread hands over one notification and
//! deletes it only after 1C confirmed its receiptId (see `ack.rs`), so
//! nothing 1C has not handled is ever deleted.
//!
//! A notification the receiver cannot read (no `typeWebhook`, no `body`,
//! not an object) is still handed over, as event `unknown` with the raw
//! text, and deleted like any other: one broken item must not stop the
//! queue. Without a usable `receiptId` it cannot be deleted: it is reported
//! in ПоследняяОшибка and asked for again only after a growing pause.
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use super::ack::Ack;
use super::host::Host;
use crate::api::{Cancel, Client, Error, ErrorKind, Lang, Op, Text};

/// How long one long poll waits for a notification.
const POLL_WAIT: Duration = Duration::from_secs(5);
/// How often a full event buffer is offered the notification again.
const BUSY_RETRY: Duration = Duration::from_millis(20);
/// Backoff after a network error: doubles up to the cap.
const ERROR_BACKOFF: Duration = Duration::from_millis(500);
const ERROR_BACKOFF_CAP: Duration = Duration::from_secs(30);
/// The event buffer depth asked for at start (1C's default is small).
const EVENT_BUFFER_DEPTH: std::ffi::c_long = 1000;

/// The event source name 1C's handler sees.
pub const EVENT_SOURCE: &str = "SDKWA";
/// The event name of a notification without a readable `typeWebhook`.
pub const UNKNOWN_EVENT: &str = "unknown";

/// A running receiver; [`Receiver::stop`] ends it and joins the thread.
pub struct Receiver {
    cancel: Arc<Cancel>,
    /// Present with manual acknowledgement.
    ack: Option<Arc<Ack>>,
    thread: Option<JoinHandle<()>>,
}

/// What the receiver makes of one answer of `receiveNotification`.
#[derive(Debug, PartialEq)]
struct Parsed {
    /// The id to delete it by, when there is a usable one.
    receipt: Option<i64>,
    /// The event name: `typeWebhook`, or [`UNKNOWN_EVENT`].
    kind: String,
}

/// Reads what it can; never fails. A receiptId is usable when it is a whole
/// number (also written as a float or a string of digits by a lenient
/// server): that is what `deleteNotification/{receiptId}` takes.
fn parse(text: &str) -> Parsed {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let receipt = match v.get("receiptId") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let kind = v
        .pointer("/body/typeWebhook")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .unwrap_or(UNKNOWN_EVENT)
        .to_string();
    Parsed { receipt, kind }
}

/// ПоследняяОшибка for a notification that cannot be deleted.
fn no_receipt(wait: Duration) -> Error {
    let secs = wait.as_secs_f64();
    Error::new(
        ErrorKind::Decode,
        Text::new(
            format!("The service sent a notification without a usable receiptId: it cannot be deleted and blocks the service's queue; asking again in {secs:.1} s"),
            format!("Сервис прислал уведомление без пригодного receiptId: его нельзя удалить, и оно задерживает очередь сервиса; повторный запрос через {secs:.1} с"),
        ),
    )
}

impl Receiver {
    /// Starts the thread.
    pub fn start(
        client: Arc<Client>,
        host: Host,
        last_error: Arc<Mutex<String>>,
        lang: Lang,
        manual_ack: bool,
    ) -> Receiver {
        if host.event_buffer_depth() < EVENT_BUFFER_DEPTH {
            host.set_event_buffer_depth(EVENT_BUFFER_DEPTH);
        }
        let cancel = Arc::new(Cancel::new());
        let c2 = cancel.clone();
        let ack = manual_ack.then(|| Arc::new(Ack::default()));
        let ack2 = ack.clone();
        let thread = std::thread::Builder::new()
            .name("sdkwa-receiver".into())
            .spawn(move || {
                // A panic here must not unwind into nothing: it ends the thread quietly
                // and is reported in ПоследняяОшибка.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run(&client, host, &c2, ack2.as_deref(), &last_error, lang)
                }));
                if r.is_err() {
                    *last_error.lock().unwrap_or_else(|p| p.into_inner()) =
                        super::messages::internal().to_json(lang);
                }
            })
            .ok();
        Receiver {
            cancel,
            ack,
            thread,
        }
    }

    /// Whether it runs with manual acknowledgement.
    pub fn manual_ack(&self) -> bool {
        self.ack.is_some()
    }

    /// 1C acknowledges notification `receipt` (manual mode): the thread
    /// deletes it and fetches the next. Only a flag is set here, on 1C's
    /// thread; `Err` carries the receiptId actually awaited, if any.
    pub fn acknowledge(&self, receipt: i64) -> Result<(), Option<i64>> {
        match &self.ack {
            Some(a) => a.confirm(receipt),
            None => Err(None),
        }
    }

    /// Raises the stop signal and ends a wait for an acknowledgement.
    fn signal_stop(&self) {
        self.cancel.cancel();
        if let Some(a) = &self.ack {
            a.close();
        }
    }

    /// Whether the thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the thread and waits for it: it ends at once, even mid-poll.
    pub fn stop(mut self) {
        self.signal_stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.signal_stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A growing pause after failures: 0.5 s doubling up to 30 s, reset by a success.
struct Backoff(Duration);

impl Backoff {
    fn new() -> Backoff {
        Backoff(ERROR_BACKOFF)
    }

    /// Waits the current pause (then doubles it); `false` when stopped meanwhile.
    fn wait(&mut self, cancel: &Cancel) -> bool {
        let go_on = cancel.sleep(self.0);
        self.0 = (self.0 * 2).min(ERROR_BACKOFF_CAP);
        go_on
    }
}

fn run(
    client: &Client,
    host: Host,
    cancel: &Cancel,
    ack: Option<&Ack>,
    last_error: &Mutex<String>,
    lang: Lang,
) {
    let report =
        |e: &Error| *last_error.lock().unwrap_or_else(|p| p.into_inner()) = e.to_json(lang);
    let mut backoff = Backoff::new();
    // Separate from the network's: it grows while the same undeletable
    // notification keeps coming back, however fast the service answers.
    let mut unreadable = Backoff::new();
    while !cancel.is_cancelled() {
        let text = match client.receive_notification_cancellable(POLL_WAIT, cancel) {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(e) => {
                report(&e);
                if !backoff.wait(cancel) {
                    return;
                }
                continue;
            }
        };
        backoff = Backoff::new();
        if text.trim() == "null" {
            unreadable = Backoff::new();
            continue;
        }
        let parsed = parse(&text);
        let Some(receipt) = parsed.receipt else {
            report(&no_receipt(unreadable.0));
            if !unreadable.wait(cancel) {
                return;
            }
            continue;
        };
        unreadable = Backoff::new();
        if let Some(a) = ack {
            a.expect(receipt);
        }
        // Hand over: offer until the host's queue takes it.
        while !host.external_event(EVENT_SOURCE, &parsed.kind, &text) {
            if !cancel.sleep(BUSY_RETRY) {
                return; // not deleted: it will be received again next time
            }
        }
        // Manual mode: nothing is deleted before 1C says it is handled.
        if let Some(a) = ack {
            if !a.wait() {
                return; // stopped first: left on the service for the next start
            }
        }
        // Delete: only now, after 1C has it. Retry until done or stopped.
        let mut params = serde_json::Map::new();
        params.insert("receiptId".into(), receipt.into());
        let mut del_backoff = Backoff::new();
        loop {
            match client.call_op_cancellable(Op::DeleteNotification, params.clone(), cancel) {
                Ok(Some(_)) => break,
                Ok(None) => return,
                Err(e) => {
                    report(&e);
                    if !del_backoff.wait(cancel) {
                        return;
                    }
                }
            }
        }
        if let Some(a) = ack {
            a.done();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_parses_to_an_event_and_maybe_a_receipt() {
        let p = |t: &str| {
            let p = parse(t);
            (p.receipt, p.kind)
        };
        let ok = r#"{"receiptId":3,"body":{"typeWebhook":"incomingMessageReceived"}}"#;
        assert_eq!(p(ok), (Some(3), "incomingMessageReceived".into()));
        let unknown = |r| (r, UNKNOWN_EVENT.to_string());
        assert_eq!(
            p(r#"{"receiptId":4,"body":{"typeWebhook":null}}"#),
            unknown(Some(4))
        );
        assert_eq!(
            p(r#"{"receiptId":5,"body":{"typeWebhook":7}}"#),
            unknown(Some(5))
        );
        assert_eq!(
            p(r#"{"receiptId":6,"body":{"typeWebhook":""}}"#),
            unknown(Some(6))
        );
        assert_eq!(p(r#"{"receiptId":7}"#), unknown(Some(7)));
        assert_eq!(p(r#"{"receiptId":8.0,"body":[]}"#), unknown(Some(8)));
        assert_eq!(p(r#"{"receiptId":" 9 ","body":1}"#), unknown(Some(9)));
        for bad in [
            "{}",
            "not json",
            "[1]",
            r#"{"receiptId":1.5,"body":{}}"#,
            r#"{"receiptId":"x","body":{}}"#,
            r#"{"receiptId":null}"#,
            r#"{"receiptId":1e300}"#,
        ] {
            assert_eq!(p(bad).0, None, "{bad}");
        }
    }
}
