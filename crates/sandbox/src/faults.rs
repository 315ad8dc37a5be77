//! Fault injection: the sandbox misbehaves on purpose so that clients can
//! be tested against slow, failing and hostile servers.

use serde::{Deserialize, Serialize};

/// What a fault does to the request it hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FaultKind {
    /// Waits `delayMs`, then answers normally (or never, past the client's timeout).
    Delay {
        /// Milliseconds to wait.
        #[serde(rename = "delayMs")]
        delay_ms: u64,
    },
    /// Answers with `status` (429, 500, 502, 503, …) and an error body;
    /// `retryAfter` adds a `Retry-After` header.
    Status {
        /// The HTTP status.
        status: u16,
        /// Seconds for `Retry-After`, if any.
        #[serde(
            rename = "retryAfter",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<u64>,
    },
    /// Answers 200 with a body that is not JSON.
    Malformed,
    /// Answers 200 with HTML and `Content-Type: text/html`.
    WrongContentType,
    /// Starts a 200 answer, then breaks the connection mid-body.
    Reset,
    /// Answers 200 with a valid JSON body of about `bytes` bytes.
    Oversized {
        /// Body size.
        bytes: usize,
    },
    /// Answers 307 to `location` (e.g. another host).
    Redirect {
        /// The redirect target.
        location: String,
    },
}

/// A queued fault: hits the next `count` API requests (of `method`, if set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many requests it hits (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests of this method (any case); all methods when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

fn one() -> u32 {
    1
}

/// The queue of active faults.
#[derive(Debug, Default)]
pub struct Faults {
    list: Vec<Fault>,
}

impl Faults {
    /// Adds a fault at the end of the queue.
    pub fn add(&mut self, f: Fault) {
        if f.count > 0 {
            self.list.push(f);
        }
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The faults still waiting.
    pub fn list(&self) -> &[Fault] {
        &self.list
    }

    /// Takes one hit of the first fault that applies to `method`.
    pub fn take(&mut self, method: &str) -> Option<FaultKind> {
        let i = self.list.iter().position(|f| {
            f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let f = &mut self.list[i];
        f.count -= 1;
        let kind = f.kind.clone();
        if f.count == 0 {
            self.list.remove(i);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_counts() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"status","status":429,"retryAfter":1,"count":2,"method":"getContacts"}"#,
        )
        .unwrap();
        let mut q = Faults::default();
        q.add(f);
        assert_eq!(q.take("sendMessage"), None);
        assert!(matches!(
            q.take("GETCONTACTS"),
            Some(FaultKind::Status {
                status: 429,
                retry_after: Some(1)
            })
        ));
        assert!(q.take("getContacts").is_some());
        assert!(q.take("getContacts").is_none());
    }
}
