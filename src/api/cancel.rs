//! Stopping a long call from another thread: the background receiver must
//! end at once when 1C stops it or unloads the add-in, not after its long
//! poll runs out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

/// A one-way stop signal shared by the thread that waits and the thread that stops it.
#[derive(Debug, Default)]
pub struct Cancel {
    flag: AtomicBool,
    wake: Notify,
    lock: Mutex<()>,
    cv: Condvar,
}

impl Cancel {
    /// A signal not raised yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the signal: running cancellable calls and sleeps return now.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        // notify_one keeps a permit when nobody waits yet, so a call that is
        // just about to start its wait still sees it.
        self.wake.notify_one();
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.cv.notify_all();
    }

    /// Whether the signal was raised.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Sleeps up to `d`; returns `false` when woken by [`Cancel::cancel`].
    pub fn sleep(&self, d: Duration) -> bool {
        let g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if self.is_cancelled() {
            return false;
        }
        let (_g, _) = self
            .cv
            .wait_timeout_while(g, d, |_| !self.is_cancelled())
            .unwrap_or_else(|p| p.into_inner());
        !self.is_cancelled()
    }

    pub(crate) async fn cancelled(&self) {
        while !self.is_cancelled() {
            self.wake.notified().await;
        }
        // Leave a permit for any other waiter of this signal.
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn sleep_ends_on_cancel() {
        let c = Arc::new(Cancel::new());
        let c2 = c.clone();
        let t = Instant::now();
        let h = std::thread::spawn(move || c2.sleep(Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        c.cancel();
        assert!(!h.join().unwrap());
        assert!(t.elapsed() < Duration::from_secs(2));
        assert!(!c.sleep(Duration::from_secs(10)), "stays raised");
        assert!(Cancel::new().sleep(Duration::from_millis(1)));
    }
}
