//! A batch sent in the background (`НачатьОтправкуПакета`): one thread runs
//! it on the client's runtime and hands each item's result to 1C with
//! `ExternalEvent("SDKWA", "batchItem", {"batch","index","ok","result"/"error"})`,
//! then `"batchDone"` with the counts, so a long mailing never freezes the
//! form. Like the receiver, the thread is stopped and joined on
//! `ОстановитьОтправкуПакета` and when the object is destroyed: no thread
//! outlives the add-in.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::host::Host;
use super::receiver::EVENT_SOURCE;
use crate::api::batch::{Outcome, Summary};
use crate::api::{Cancel, Client, Lang};

/// The event of one item's result.
pub const ITEM_EVENT: &str = "batchItem";
/// The event that ends a batch.
pub const DONE_EVENT: &str = "batchDone";
/// The event buffer depth asked for at start (1C's default is small).
const EVENT_BUFFER_DEPTH: std::ffi::c_long = 1000;
/// How long `batchDone` is offered to a full event buffer.
const DONE_TRIES: u32 = 250;
const BUSY_RETRY: Duration = Duration::from_millis(20);

/// Source of batch ids, unique in the process.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A batch running in the background.
pub struct BackgroundBatch {
    id: String,
    total: usize,
    cancel: Arc<Cancel>,
    /// The counts, and whether a stop cut the run short (as `batchDone` says).
    thread: Option<JoinHandle<(Summary, bool)>>,
}

/// A JSON string literal.
fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `{"batch","ok","failed","notSent","total","stopped"}`.
fn counts(id: &str, total: usize, s: &Summary, stopped: bool) -> String {
    format!(
        r#"{{"batch":{},"ok":{},"failed":{},"notSent":{},"total":{total},"stopped":{stopped}}}"#,
        quoted(id),
        s.ok,
        s.failed,
        s.not_sent
    )
}

impl BackgroundBatch {
    /// Starts the thread for `items` (prepared and checked on 1C's thread).
    pub(crate) fn start(
        client: Arc<Client>,
        host: Host,
        items: Vec<crate::api::Result<crate::api::batch::Prepared>>,
        concurrency: u32,
        lang: Lang,
    ) -> std::io::Result<BackgroundBatch> {
        if host.event_buffer_depth() < EVENT_BUFFER_DEPTH {
            host.set_event_buffer_depth(EVENT_BUFFER_DEPTH);
        }
        let id = format!("batch-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
        let total = items.len();
        let cancel = Arc::new(Cancel::new());
        let (c2, id2) = (cancel.clone(), id.clone());
        let thread = std::thread::Builder::new()
            .name("sdkwa-batch".into())
            .spawn(move || {
                // A panic must not unwind out of the thread: the batch ends as it stands.
                let summary = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    client.run_prepared(items, concurrency, &c2, |i, o| {
                        host.external_event(EVENT_SOURCE, ITEM_EVENT, &item_event(&id2, i, o, lang))
                    })
                }))
                .unwrap_or_default();
                // Read once: the stop result and the event must agree.
                let stopped = c2.is_cancelled();
                let done = counts(&id2, total, &summary, stopped);
                for _ in 0..DONE_TRIES {
                    if host.external_event(EVENT_SOURCE, DONE_EVENT, &done) {
                        break;
                    }
                    std::thread::sleep(BUSY_RETRY);
                }
                (summary, stopped)
            })?;
        Ok(BackgroundBatch {
            id,
            total,
            cancel,
            thread: Some(thread),
        })
    }

    /// The id 1C gets back and finds in the events.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops it and waits for the thread: items not started are reported
    /// "not sent", requests in flight finish (or are abandoned after a short
    /// grace). Returns whether the stop cut the batch short — `false` when it
    /// had already run to its end (its thread may outlive `batchDone` by a
    /// moment) — and the counts as JSON, the same as its `batchDone`.
    pub fn stop(mut self) -> (bool, String) {
        self.cancel.cancel();
        let (summary, stopped) = self
            .thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or((Summary::default(), true));
        (stopped, counts(&self.id, self.total, &summary, stopped))
    }
}

impl Drop for BackgroundBatch {
    fn drop(&mut self) {
        self.cancel.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `{"batch","index",…the item's result}`.
fn item_event(id: &str, index: usize, o: &Outcome, lang: Lang) -> String {
    let result = o.to_json(lang);
    // The result is an object `{"ok":…}`: splice the batch and index in front.
    format!(
        r#"{{"batch":{},"index":{index},{}"#,
        quoted(id),
        &result[1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_event_is_one_json_object() {
        let v: serde_json::Value =
            serde_json::from_str(&item_event("b\"1", 7, &Outcome::NotSent, Lang::En)).unwrap();
        assert_eq!(v["batch"], "b\"1");
        assert_eq!(v["index"], 7);
        assert_eq!(v["ok"], false);
        assert_eq!(v["notSent"], true);
        assert_eq!(v["error"]["kind"], "notSent");
        let v: serde_json::Value =
            serde_json::from_str(&counts("x", 3, &Summary::default(), true)).unwrap();
        assert_eq!(
            (v["total"].as_u64(), v["stopped"].as_bool()),
            (Some(3), Some(true))
        );
    }
}
