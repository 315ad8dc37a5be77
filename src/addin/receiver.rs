//! The background receiver: one thread long-polls `receiveNotification` and
//! hands each notification to 1C with `ExternalEvent("SDKWA", typeWebhook,
//! JSON)`. A notification is deleted only after 1C's event queue accepted
//! it; while the queue is full the thread waits and offers it again. So a
//! notification is never lost: it reaches 1C at least once (again after a
//! stop or a network failure between hand-over and deletion), always with its
//! `receiptId`, by which a handler can recognise a repeat.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Deserialize;

use super::host::Host;
use crate::api::{Cancel, Client, Error, Lang, Op};

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

/// A running receiver; [`Receiver::stop`] ends it and joins the thread.
pub struct Receiver {
    cancel: Arc<Cancel>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    receipt_id: i64,
    body: Body,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    type_webhook: String,
}

impl Receiver {
    /// Starts the thread.
    pub fn start(
        client: Arc<Client>,
        host: Host,
        last_error: Arc<Mutex<String>>,
        lang: Lang,
    ) -> Receiver {
        if host.event_buffer_depth() < EVENT_BUFFER_DEPTH {
            host.set_event_buffer_depth(EVENT_BUFFER_DEPTH);
        }
        let cancel = Arc::new(Cancel::new());
        let c2 = cancel.clone();
        let thread = std::thread::Builder::new()
            .name("sdkwa-receiver".into())
            .spawn(move || {
                // A panic here must not unwind into nothing: it ends the thread quietly
                // and is reported in ПоследняяОшибка.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run(&client, host, &c2, &last_error, lang)
                }));
                if r.is_err() {
                    *last_error.lock().unwrap_or_else(|p| p.into_inner()) =
                        super::messages::internal().to_json(lang);
                }
            })
            .ok();
        Receiver { cancel, thread }
    }

    /// Whether the thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the thread and waits for it: it ends at once, even mid-poll.
    pub fn stop(mut self) {
        self.cancel.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.cancel.cancel();
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

fn run(client: &Client, host: Host, cancel: &Cancel, last_error: &Mutex<String>, lang: Lang) {
    let report =
        |e: &Error| *last_error.lock().unwrap_or_else(|p| p.into_inner()) = e.to_json(lang);
    let mut backoff = Backoff::new();
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
        if text == "null" {
            continue;
        }
        let Ok(env) = serde_json::from_str::<Envelope>(&text) else {
            // Not a notification: nothing to hand over and no receiptId to delete.
            continue;
        };
        let kind = if env.body.type_webhook.is_empty() {
            "notification"
        } else {
            &env.body.type_webhook
        };
        // Hand over: offer until the host's queue takes it.
        while !host.external_event(EVENT_SOURCE, kind, &text) {
            if !cancel.sleep(BUSY_RETRY) {
                return; // not deleted: it will be received again next time
            }
        }
        // Delete: only now, after 1C has it. Retry until done or stopped.
        let mut params = serde_json::Map::new();
        params.insert("receiptId".into(), env.receipt_id.into());
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
    }
}
