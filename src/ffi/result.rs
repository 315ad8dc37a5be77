//! Result codes of the C ABI: `0` is success, every other value is one
//! [`ErrorKind`](crate::api::ErrorKind) (the same number).
#![forbid(unsafe_code)]

use crate::api::ErrorKind;

/// A result code (`SDKWA_OK` or one of the `SDKWA_ERR_*` constants).
/// A plain integer, not a C enum, so that any value a C caller passes in is
/// defined behaviour.
pub type SdkwaResult = i32;

/// Success.
pub const SDKWA_OK: SdkwaResult = 0;
/// A parameter or configuration value is missing or malformed; nothing was sent.
pub const SDKWA_ERR_INVALID_ARGUMENT: SdkwaResult = 1;
/// The service rejected the request (HTTP 400).
pub const SDKWA_ERR_VALIDATION: SdkwaResult = 2;
/// The service rejected idInstance/apiToken (HTTP 401).
pub const SDKWA_ERR_UNAUTHORIZED: SdkwaResult = 3;
/// Not found (HTTP 404).
pub const SDKWA_ERR_NOT_FOUND: SdkwaResult = 4;
/// Rate limited (HTTP 429) after the allowed retries.
pub const SDKWA_ERR_RATE_LIMITED: SdkwaResult = 5;
/// The service failed (HTTP 5xx) after the allowed retries.
pub const SDKWA_ERR_SERVER: SdkwaResult = 6;
/// Another non-success HTTP status (including a refused redirect).
pub const SDKWA_ERR_HTTP: SdkwaResult = 7;
/// No answer within the timeout.
pub const SDKWA_ERR_TIMEOUT: SdkwaResult = 8;
/// The connection failed or broke off.
pub const SDKWA_ERR_CONNECT: SdkwaResult = 9;
/// TLS handshake or certificate failure.
pub const SDKWA_ERR_TLS: SdkwaResult = 10;
/// The answer is not the expected JSON, or too large.
pub const SDKWA_ERR_DECODE: SdkwaResult = 11;
/// A local file could not be read.
pub const SDKWA_ERR_IO: SdkwaResult = 12;
/// A bug in the library (a caught panic); the host process is unharmed.
pub const SDKWA_ERR_INTERNAL: SdkwaResult = 13;

/// The code of an error kind.
pub fn code_of(kind: ErrorKind) -> SdkwaResult {
    kind as i32
}

/// The constant's name for a code, `"SDKWA_UNKNOWN"` for others.
pub fn name_of(code: SdkwaResult) -> &'static std::ffi::CStr {
    match code {
        SDKWA_OK => c"SDKWA_OK",
        SDKWA_ERR_INVALID_ARGUMENT => c"SDKWA_ERR_INVALID_ARGUMENT",
        SDKWA_ERR_VALIDATION => c"SDKWA_ERR_VALIDATION",
        SDKWA_ERR_UNAUTHORIZED => c"SDKWA_ERR_UNAUTHORIZED",
        SDKWA_ERR_NOT_FOUND => c"SDKWA_ERR_NOT_FOUND",
        SDKWA_ERR_RATE_LIMITED => c"SDKWA_ERR_RATE_LIMITED",
        SDKWA_ERR_SERVER => c"SDKWA_ERR_SERVER",
        SDKWA_ERR_HTTP => c"SDKWA_ERR_HTTP",
        SDKWA_ERR_TIMEOUT => c"SDKWA_ERR_TIMEOUT",
        SDKWA_ERR_CONNECT => c"SDKWA_ERR_CONNECT",
        SDKWA_ERR_TLS => c"SDKWA_ERR_TLS",
        SDKWA_ERR_DECODE => c"SDKWA_ERR_DECODE",
        SDKWA_ERR_IO => c"SDKWA_ERR_IO",
        SDKWA_ERR_INTERNAL => c"SDKWA_ERR_INTERNAL",
        _ => c"SDKWA_UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_named_code() {
        for k in ErrorKind::ALL {
            let name = name_of(code_of(k)).to_str().unwrap();
            assert!(name.starts_with("SDKWA_ERR_"), "{k:?}");
            let camel: String = name["SDKWA_ERR_".len()..]
                .split('_')
                .map(|w| w[..1].to_string() + &w[1..].to_lowercase())
                .collect();
            assert_eq!(camel.to_lowercase(), k.name().to_lowercase(), "{k:?}");
        }
        assert_eq!(name_of(99).to_str().unwrap(), "SDKWA_UNKNOWN");
    }
}
