//! Any body, token and Authorization header through the webhook check: an
//! accepted notification always has a non-empty typeWebhook, a wrong token is
//! always Unauthorized, an empty expected token is always refused, and no
//! error text depends on the token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdkwa1c::api::{webhook, ErrorKind, Lang};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Three fields split at the first two NUL characters.
    let mut parts = text.splitn(3, '\0');
    let body = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default();
    let header = parts.next().unwrap_or_default();
    match webhook::parse(body, token, header) {
        Ok(n) => {
            assert!(!n["typeWebhook"].as_str().unwrap().is_empty());
            // Accepted only with the right token or with the explicit "no check".
            assert!(!token.is_empty());
            if token != webhook::NO_TOKEN_CHECK {
                assert_eq!(webhook::bearer_credentials(header), token);
            }
        }
        Err(e) => {
            // The text cannot carry the token: it is the same as with no token
            // (a body error) or as with another wrong token (a token error).
            let same = match e.kind() {
                ErrorKind::InvalidArgument => webhook::parse("", "", "").unwrap_err(),
                ErrorKind::Unauthorized => webhook::parse("", "another", "").unwrap_err(),
                ErrorKind::Validation => webhook::parse(body, webhook::NO_TOKEN_CHECK, "").unwrap_err(),
                other => panic!("unexpected kind {other:?}"),
            };
            for lang in [Lang::En, Lang::Ru] {
                assert_eq!(e.message(lang), same.message(lang));
            }
        }
    }
    // The right token with the same body is never Unauthorized.
    if !token.is_empty() && !token.contains(char::is_whitespace) {
        if let Err(e) = webhook::parse(body, token, &format!("Bearer {token}")) {
            assert_eq!(e.kind(), ErrorKind::Validation);
        }
    }
});
