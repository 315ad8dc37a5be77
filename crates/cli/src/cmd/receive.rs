//! `receive`: notifications as JSON lines, each deleted only after its line
//! was written and flushed. A stop (Ctrl-C) abandons only the *wait*: a
//! notification already received is printed and deleted first, and one not
//! received yet stays in the service's queue. Delivery is at least once: if
//! the delete fails after printing, the same notification comes again.

use std::time::Duration;

use sdkwa1c::api::{Error, ErrorKind, Op, Result, Text, MAX_RECEIVE_WAIT_SECS};
use serde_json::Value;

use super::Ctx;
use crate::{exit, interrupt, out};

/// How many notifications to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything queued now, then exit.
    Drain,
    /// At most one; `delete == false` leaves it queued.
    Once { delete: bool },
    /// Until Ctrl-C.
    Follow,
}

impl Mode {
    /// The mode the flags select (clap already refused the conflicting ones).
    pub fn new(once: bool, follow: bool, no_delete: bool) -> Mode {
        match (once, follow, no_delete) {
            (_, _, true) => Mode::Once { delete: false },
            (true, _, _) => Mode::Once { delete: true },
            (_, true, _) => Mode::Follow,
            _ => Mode::Drain,
        }
    }
}

/// Runs `receive` in `mode`.
pub fn run(ctx: &Ctx, mode: Mode) -> Result<u8> {
    let stop = interrupt::install();
    // Following waits as long as one call may; the others only take what is
    // queued (the service still holds an empty poll a few seconds).
    let wait = match mode {
        Mode::Follow => Duration::from_secs(MAX_RECEIVE_WAIT_SECS),
        _ => Duration::ZERO,
    };
    loop {
        let Some(text) = ctx.client.receive_notification_cancellable(wait, &stop)? else {
            // Stopped while waiting: nothing was received, nothing is lost.
            return Ok(if mode == Mode::Follow {
                exit::OK
            } else {
                exit::INTERRUPTED
            });
        };
        let mut v: Value = serde_json::from_str(&text).map_err(|e| malformed(&e.to_string()))?;
        if v.is_null() {
            match mode {
                Mode::Follow if !stop.is_cancelled() => continue,
                Mode::Follow => return Ok(exit::OK),
                _ => return Ok(exit::OK),
            }
        }
        let receipt = v.get("receiptId").and_then(Value::as_i64);
        out::clean(&mut v, &ctx.secrets());
        // Printed and flushed before anything is deleted.
        out::line(&v.to_string())?;
        let delete = !matches!(mode, Mode::Once { delete: false });
        if delete {
            // Without a receipt id it cannot be deleted and would come back forever.
            let receipt = receipt.ok_or_else(|| malformed("no receiptId"))?;
            ctx.client.delete_notification(receipt)?;
        }
        if matches!(mode, Mode::Once { .. }) {
            return Ok(exit::OK);
        }
        if stop.is_cancelled() {
            return Ok(if mode == Mode::Follow {
                exit::OK
            } else {
                exit::INTERRUPTED
            });
        }
    }
}

fn malformed(why: &str) -> Error {
    Error::new(
        ErrorKind::Decode,
        Text::new(
            format!("The service sent a malformed notification ({why}); it was left in the queue"),
            format!("Сервис прислал некорректное уведомление ({why}); оно оставлено в очереди"),
        ),
    )
    .with_method(Op::ReceiveNotification.name())
}
