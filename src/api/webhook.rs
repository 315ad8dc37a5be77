//! Webhooks: a notification the service POSTs to the user's HTTP endpoint
//! (in 1C, an HTTP service). The endpoint checks the token the service sends
//! in `Authorization` and that the body is a notification.

use serde_json::Value;

use super::{Error, ErrorKind, Result, Text};

/// The `ExpectedToken` value that turns the token check off on purpose:
/// for an endpoint protected by other means (a private network, a proxy
/// that checks the token itself). An empty token is refused instead, so a
/// forgotten setting cannot open the endpoint to anyone.
pub const NO_TOKEN_CHECK: &str = "-";

/// Checks a webhook and returns the notification (the body itself; for the
/// queue's `{receiptId, body}` form, its `body`).
///
/// `expected_token` is the instance's `webhookUrlToken`: `authorization`
/// must then be `Bearer <token>` (the scheme in any case, as HTTP allows) or
/// the bare token, compared in constant time so the token does not leak
/// through timing. [`NO_TOKEN_CHECK`] skips the check; an empty
/// `expected_token` is an error.
pub fn parse(body: &str, expected_token: &str, authorization: &str) -> Result<Value> {
    // Both tokens join the redaction step while the check runs (issue 16, item 3).
    let _secrets = super::redact::register([expected_token, bearer_credentials(authorization)]);
    if expected_token.is_empty() {
        return Err(Error::invalid_argument(
            "ОжидаемыйТокен/ExpectedToken",
            &format!("the webhook token (webhookUrlToken of the instance settings), or \"{NO_TOKEN_CHECK}\" to accept webhooks without checking a token"),
            &format!("токен вебхука (webhookUrlToken из настроек инстанса) или \"{NO_TOKEN_CHECK}\", чтобы принимать уведомления без проверки токена"),
        ));
    }
    if expected_token != NO_TOKEN_CHECK && !token_matches(expected_token, authorization) {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            Text::new(
                "The webhook's Authorization header does not carry the expected token (webhookUrlToken)",
                "Заголовок Authorization уведомления не содержит ожидаемый токен (webhookUrlToken)",
            ),
        ));
    }
    let v: Value = serde_json::from_str(body).map_err(|e| not_a_notification(&e.to_string()))?;
    // The queue's form {receiptId, body} and the webhook's bare body are both accepted.
    let inner = match v.get("body") {
        Some(b) if v.get("receiptId").is_some() => b.clone(),
        _ => v,
    };
    match inner.get("typeWebhook").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(inner),
        _ => Err(not_a_notification("no typeWebhook field")),
    }
}

/// The credentials of an `Authorization` value: after a `Bearer` scheme
/// (matched in any case) or the whole value.
pub fn bearer_credentials(authorization: &str) -> &str {
    let given = authorization.trim();
    match given.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => given,
    }
}

fn token_matches(expected: &str, authorization: &str) -> bool {
    let given = bearer_credentials(authorization);
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn not_a_notification(why: &str) -> Error {
    Error::new(
        ErrorKind::Validation,
        Text::new(
            format!("The webhook body is not an sdkwa notification: {why}"),
            format!("Тело уведомления не является уведомлением sdkwa: {why}"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"typeWebhook":"incomingMessageReceived","idMessage":"X"}"#;

    #[test]
    fn token_forms_and_mismatches() {
        assert!(parse(BODY, "tok", "Bearer tok").is_ok());
        assert!(parse(BODY, "tok", "  tok ").is_ok());
        // The scheme is case-insensitive (RFC 9110), the token is not.
        for ok in ["bearer tok", "BEARER tok", "BeArEr \t tok"] {
            assert!(parse(BODY, "tok", ok).is_ok(), "{ok}");
        }
        // No check only when asked for explicitly.
        assert!(parse(BODY, NO_TOKEN_CHECK, "anything").is_ok());
        assert!(parse(BODY, NO_TOKEN_CHECK, "").is_ok());
        for header in ["anything", "", "Bearer tok"] {
            let e = parse(BODY, "", header).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{header}");
            let (en, ru) = (
                e.message(crate::api::Lang::En),
                e.message(crate::api::Lang::Ru),
            );
            assert!(en.contains("ExpectedToken") && en.contains("\"-\""), "{en}");
            assert!(
                ru.contains("ОжидаемыйТокен") && ru.contains("\"-\""),
                "{ru}"
            );
        }
        for bad in [
            "Bearer bad",
            "",
            "Bearer tok2",
            "Bearer to",
            "Basic tok",
            "Bearer Tok",
            "Bearertok",
        ] {
            let e = parse(BODY, "tok", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Unauthorized, "{bad}");
            assert!(!e.to_string().contains("tok\""), "{e}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(parse(BODY, "-", "").unwrap()["idMessage"], "X");
        let queued = r#"{"receiptId":1,"body":{"typeWebhook":"stateInstanceChanged"}}"#;
        assert_eq!(
            parse(queued, "-", "").unwrap().to_string(),
            r#"{"typeWebhook":"stateInstanceChanged"}"#
        );
        for bad in [
            "{}",
            "[]",
            "not json",
            r#"{"typeWebhook":""}"#,
            r#"{"typeWebhook":5}"#,
        ] {
            assert_eq!(
                parse(bad, "-", "").unwrap_err().kind(),
                ErrorKind::Validation,
                "{bad}"
            );
        }
    }
}
