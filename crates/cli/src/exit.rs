//! Exit codes: one per failure class, so a script can tell a wrong token
//! from a service that is down without reading the message.

use sdkwa1c::ErrorKind;

/// The command did what it was asked.
pub const OK: u8 = 0;
/// A bug in sdkwa (please report it).
pub const INTERNAL: u8 = 1;
/// Bad command line, configuration or parameter: nothing was sent.
pub const USAGE: u8 = 2;
/// The service rejected the instance id or a token (HTTP 401/403).
pub const AUTH: u8 = 3;
/// The service could not be reached (connection refused, DNS, proxy).
pub const UNREACHABLE: u8 = 4;
/// No answer within the timeout.
pub const TIMEOUT: u8 = 5;
/// The service failed (HTTP 5xx; a read is retried first).
pub const SERVICE: u8 = 6;
/// The service rejected the request as invalid (HTTP 400, or no QR code to show).
pub const REJECTED: u8 = 7;
/// The method, the instance or the message does not exist (HTTP 404).
pub const NOT_FOUND: u8 = 8;
/// Too many requests (HTTP 429) after the allowed retries.
pub const RATE_LIMITED: u8 = 9;
/// The TLS handshake or the certificate check failed.
pub const TLS: u8 = 10;
/// The service's answer was malformed or too large.
pub const BAD_ANSWER: u8 = 11;
/// A local file could not be read or written (stdout included).
pub const FILE: u8 = 12;
/// `batch`: some items failed (each line's result says which and why).
pub const PARTIAL: u8 = 13;
/// The service answered a status nothing else covers (a redirect to another
/// address, not followed so the token stays home; 402, 409, 418, …).
pub const UNEXPECTED_STATUS: u8 = 14;
/// Stopped by Ctrl-C (`receive --follow` exits 0 instead: that is how it ends).
pub const INTERRUPTED: u8 = 130;

/// The exit code of a failure of `kind`. Exhaustive on purpose: a new kind
/// in the core does not compile here until it has its code.
pub fn code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidArgument => USAGE,
        ErrorKind::Validation => REJECTED,
        ErrorKind::Unauthorized => AUTH,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::RateLimited => RATE_LIMITED,
        ErrorKind::Server => SERVICE,
        ErrorKind::Http => UNEXPECTED_STATUS,
        ErrorKind::Timeout => TIMEOUT,
        ErrorKind::Connect => UNREACHABLE,
        ErrorKind::Tls => TLS,
        ErrorKind::Decode => BAD_ANSWER,
        ErrorKind::Io => FILE,
        ErrorKind::Internal => INTERNAL,
    }
}

/// The table `sdkwa --help` prints (docs/cli.md has the same, in both languages).
pub const TABLE: &str = "\
Exit codes:
  0    success
  1    internal error (a bug in sdkwa)
  2    bad command line, configuration or parameter (nothing was sent)
  3    the service rejected the instance id or a token (401/403)
  4    the service could not be reached (connection refused, DNS, proxy)
  5    timeout
  6    the service failed (5xx; a read is retried first)
  7    the service rejected the request (400; qr: no QR code to show)
  8    not found (404: method, instance or message)
  9    too many requests (429) after the retries
  10   TLS / certificate error
  11   malformed answer from the service
  12   a local file (or stdout) could not be read or written
  13   batch: some items failed (every line's result says why)
  14   an unexpected answer status (a redirect elsewhere, not followed; 402, 409, …)
  130  stopped by Ctrl-C (receive --follow exits 0: that is how it ends)";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error kind has a code of its own, and no kind takes a code
    /// reserved for something else (success, batch, Ctrl-C).
    #[test]
    fn each_kind_has_its_own_code() {
        let mut seen = std::collections::HashMap::new();
        for kind in ErrorKind::ALL {
            let c = code(kind);
            assert!(![OK, PARTIAL, INTERRUPTED].contains(&c), "{kind:?} → {c}");
            if let Some(other) = seen.insert(c, kind) {
                panic!("{kind:?} and {other:?} share exit code {c}");
            }
        }
    }

    /// The --help table lists every code a failure can exit with.
    #[test]
    fn the_table_lists_every_code() {
        for kind in ErrorKind::ALL {
            let c = code(kind);
            assert!(
                TABLE
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{c} "))),
                "{kind:?} → {c} missing from the table"
            );
        }
    }
}
