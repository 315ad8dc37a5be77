//! Manual acknowledgement (`ПодтверждениеВручную`): the receiver thread hands
//! one notification to 1C and waits here until 1C's thread confirms its
//! receiptId with `ПодтвердитьУведомление`. 1C's side only flips a flag under
//! a lock: the deletion (HTTP) stays on the receiver thread.
#![forbid(unsafe_code)]

use std::sync::{Condvar, Mutex, MutexGuard};

/// The one notification awaiting its acknowledgement.
#[derive(Debug, Default)]
pub struct Ack {
    state: Mutex<State>,
    cv: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// The receiptId handed over (or about to be) and not yet deleted.
    awaiting: Option<i64>,
    /// 1C acknowledged `awaiting`.
    confirmed: bool,
    /// The receiver is stopping: waits end unconfirmed.
    closed: bool,
}

impl Ack {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Set before the hand-over: 1C's handler may acknowledge before
    /// `ExternalEvent` even returns.
    pub fn expect(&self, receipt: i64) {
        let mut s = self.lock();
        s.awaiting = Some(receipt);
        s.confirmed = false;
    }

    /// 1C acknowledges `receipt`. `Err` carries the receiptId actually
    /// awaited (`None`: none) when it is not the one. A repeat of the
    /// awaited one is harmless.
    pub fn confirm(&self, receipt: i64) -> Result<(), Option<i64>> {
        let mut s = self.lock();
        if s.awaiting != Some(receipt) {
            return Err(s.awaiting);
        }
        s.confirmed = true;
        self.cv.notify_all();
        Ok(())
    }

    /// Waits for the acknowledgement; `false` when the receiver stops first.
    pub fn wait(&self) -> bool {
        let s = self.lock();
        let s = self
            .cv
            .wait_while(s, |s| !s.confirmed && !s.closed)
            .unwrap_or_else(|p| p.into_inner());
        s.confirmed
    }

    /// The awaited notification is deleted: nothing awaits any more.
    pub fn done(&self) {
        let mut s = self.lock();
        s.awaiting = None;
        s.confirmed = false;
    }

    /// Ends any wait (the receiver stops); later acknowledgements are refused.
    pub fn close(&self) {
        let mut s = self.lock();
        s.closed = true;
        s.awaiting = None;
        self.cv.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn waits_for_the_right_receipt_or_the_stop() {
        let a = Arc::new(Ack::default());
        assert_eq!(a.confirm(1), Err(None), "nothing awaited yet");
        a.expect(7);
        assert_eq!(a.confirm(8), Err(Some(7)));
        let a2 = a.clone();
        let t = std::thread::spawn(move || a2.wait());
        std::thread::sleep(std::time::Duration::from_millis(20));
        a.confirm(7).unwrap();
        a.confirm(7).unwrap();
        assert!(t.join().unwrap());
        a.done();
        assert_eq!(a.confirm(7), Err(None));
        a.expect(9);
        let a2 = a.clone();
        let t = std::thread::spawn(move || a2.wait());
        a.close();
        assert!(!t.join().unwrap(), "a stop ends the wait unconfirmed");
    }
}
