//! Ctrl-C (and SIGTERM: systemd, `docker stop`) for the long commands
//! (`receive`, `batch`): the first one asks the command to stop at a safe
//! point, a second one ends the process at once.
//! The other commands keep the default behaviour (Ctrl-C ends them).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use sdkwa1c::api::Cancel;

/// Installs the handler; the returned signal is raised by the first Ctrl-C.
pub fn install() -> Arc<Cancel> {
    let cancel = Arc::new(Cancel::new());
    let raised = cancel.clone();
    let hits = AtomicU32::new(0);
    // If a handler cannot be installed, Ctrl-C keeps ending the process:
    // nothing is deleted that was not printed either way.
    let _ = ctrlc::set_handler(move || {
        if hits.fetch_add(1, Ordering::SeqCst) > 0 {
            std::process::exit(i32::from(crate::exit::INTERRUPTED));
        }
        raised.cancel();
    });
    cancel
}
