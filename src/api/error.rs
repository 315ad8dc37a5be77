//! Errors: one kind per failure class, each with the HTTP status and the
//! service's own message where there is one, worded in Russian and English.

use std::error::Error as StdError;
use std::fmt;

use super::lang::{Lang, Text};
use super::redact;

/// What went wrong, one value per failure class. The numeric values are the
/// C ABI's result codes (`0` is success there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ErrorKind {
    /// A parameter or configuration value is missing or malformed (nothing was sent).
    InvalidArgument = 1,
    /// The service rejected the request as invalid (HTTP 400).
    Validation = 2,
    /// The service rejected the instance id or token (HTTP 401/403).
    Unauthorized = 3,
    /// The method or the instance does not exist (HTTP 404).
    NotFound = 4,
    /// Too many requests (HTTP 429), after the allowed retries.
    RateLimited = 5,
    /// The service failed (HTTP 5xx), after the allowed retries.
    Server = 6,
    /// Any other non-success HTTP status (including a refused redirect).
    Http = 7,
    /// No answer within the timeout.
    Timeout = 8,
    /// The connection could not be made or broke off.
    Connect = 9,
    /// The TLS handshake or certificate check failed.
    Tls = 10,
    /// The answer is not valid JSON, not the expected shape, or too large.
    Decode = 11,
    /// A local file could not be read or written.
    Io = 12,
    /// A bug in this library (a caught panic); the call had no effect on the host.
    Internal = 13,
}

impl ErrorKind {
    /// Every kind, in code order.
    pub const ALL: [ErrorKind; 13] = [
        ErrorKind::InvalidArgument,
        ErrorKind::Validation,
        ErrorKind::Unauthorized,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Http,
        ErrorKind::Timeout,
        ErrorKind::Connect,
        ErrorKind::Tls,
        ErrorKind::Decode,
        ErrorKind::Io,
        ErrorKind::Internal,
    ];

    /// The stable machine name, used as `kind` in error JSON.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalidArgument",
            ErrorKind::Validation => "validation",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::NotFound => "notFound",
            ErrorKind::RateLimited => "rateLimited",
            ErrorKind::Server => "server",
            ErrorKind::Http => "http",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::Decode => "decode",
            ErrorKind::Io => "io",
            ErrorKind::Internal => "internal",
        }
    }

    /// The kind for a non-success HTTP status.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::Validation,
            401 | 403 => ErrorKind::Unauthorized,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Http,
        }
    }
}

/// An error of the sdkwa client: its [`ErrorKind`], the HTTP status and the
/// service's `message` when the service answered, the method that failed,
/// a localized explanation and the underlying cause.
///
/// Nothing in an `Error` contains a secret: every text is passed through
/// [`redact::scrub`] when it is stored and again when it is shown.
pub struct Error {
    kind: ErrorKind,
    status: Option<u16>,
    /// Boxed: keeps the error small enough to return by value everywhere.
    method: Option<Box<str>>,
    service_message: Option<String>,
    /// Boxed: keeps the error small enough to return by value everywhere.
    text: Box<Text>,
    retry_after: Option<u32>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    /// The connection could not be made: the request certainly never
    /// reached the service (the batch engine may send it again).
    not_delivered: bool,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand so that even `{:?}` goes through the redaction step.
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("method", &self.method.as_deref().map(redact::scrub))
            .field(
                "service_message",
                &self.service_message.as_deref().map(redact::scrub),
            )
            .field("en", &redact::scrub(&self.text.en))
            .field("ru", &redact::scrub(&self.text.ru))
            .field("retry_after", &self.retry_after)
            .field("source", &self.source)
            .finish()
    }
}

fn scrubbed(text: String) -> String {
    match redact::scrub(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s,
    }
}

impl Error {
    /// A new error of `kind` explained by `text`.
    pub fn new(kind: ErrorKind, text: Text) -> Self {
        Error {
            kind,
            status: None,
            method: None,
            service_message: None,
            text: Box::new(Text::new(scrubbed(text.en), scrubbed(text.ru))),
            retry_after: None,
            source: None,
            not_delivered: false,
        }
    }

    /// A bad parameter: names it and says what was expected, in both languages.
    pub fn invalid_argument(param: &str, expected_en: &str, expected_ru: &str) -> Self {
        Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                format!("Invalid parameter '{param}': {expected_en}"),
                format!("Неверный параметр «{param}»: {expected_ru}"),
            ),
        )
    }

    /// An error answer of the service (non-2xx status) for `method`.
    pub fn from_status(method: &str, status: u16, service_message: Option<String>) -> Self {
        let kind = ErrorKind::from_status(status);
        let text = match kind {
            ErrorKind::Unauthorized => Text::new(
                format!("The service rejected the token ({status}): check IdInstance and ApiToken"),
                format!("Сервис отклонил токен ({status}): проверьте IdInstance и ApiToken"),
            ),
            ErrorKind::Validation => Text::new(
                format!("The service rejected the request ({status}): check the parameters"),
                format!("Сервис отклонил запрос ({status}): проверьте параметры"),
            ),
            ErrorKind::NotFound => Text::new(
                format!("Not found ({status}): check the method name, IdInstance and the API address"),
                format!("Не найдено ({status}): проверьте имя метода, IdInstance и адрес API"),
            ),
            ErrorKind::RateLimited => Text::new(
                format!("Too many requests ({status}): the service asks to slow down, try again later"),
                format!("Слишком много запросов ({status}): сервис просит снизить частоту, повторите позже"),
            ),
            ErrorKind::Server => Text::new(
                format!("The service failed ({status}): try again later"),
                format!("Ошибка на стороне сервиса ({status}): повторите позже"),
            ),
            _ => Text::new(
                format!("Unexpected HTTP status {status}"),
                format!("Неожиданный HTTP-статус {status}"),
            ),
        };
        let mut e = Error::new(kind, text).with_method(method);
        e.status = Some(status);
        e.service_message = service_message.filter(|m| !m.is_empty()).map(scrubbed);
        e
    }

    /// Attaches the name of the service method that failed.
    pub fn with_method(mut self, method: &str) -> Self {
        self.method = Some(scrubbed(method.to_string()).into_boxed_str());
        self
    }

    /// Attaches the HTTP status the service answered with.
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Attaches the underlying cause. Only its (scrubbed) text is kept: a
    /// cause's own `Display`, a URL or a header echoed by a server, could
    /// hold a secret and would reach whoever walks `source()`.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        let shown = scrubbed(source.to_string());
        self.source = Some(Box::new(RedactedCause(shown)));
        self
    }

    /// Attaches the seconds the service asked to wait (`Retry-After`).
    pub(crate) fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The seconds the service asked to wait before retrying (`Retry-After`),
    /// when the call ended because that wait did not fit in its time limit.
    pub fn retry_after(&self) -> Option<u32> {
        self.retry_after
    }

    /// Attaches a (redacted) detail text from the cause, shown after the explanation.
    /// Marks a failure to connect: nothing was sent.
    pub(crate) fn with_not_delivered(mut self) -> Self {
        self.not_delivered = true;
        self
    }

    /// Whether the request certainly never reached the service.
    pub(crate) fn not_delivered(&self) -> bool {
        self.not_delivered
    }

    pub(crate) fn with_detail(mut self, detail: &str) -> Self {
        if !detail.is_empty() {
            let detail = redact::scrub(detail);
            self.text.en = format!("{}: {detail}", self.text.en);
            self.text.ru = format!("{}: {detail}", self.text.ru);
        }
        self
    }

    /// The failure class.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The service method that failed, when known.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    /// The service's own `message` field, when it sent one.
    pub fn service_message(&self) -> Option<&str> {
        self.service_message.as_deref()
    }

    /// The full user-facing text in `lang`: what failed, why, and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = String::new();
        if let Some(m) = &self.method {
            out.push_str(m);
            out.push_str(": ");
        }
        out.push_str(self.text.get(lang));
        if let Some(sm) = &self.service_message {
            out.push_str(match lang {
                Lang::En => " (service: ",
                Lang::Ru => " (ответ сервиса: ",
            });
            out.push_str(sm);
            out.push(')');
        }
        // Stored texts were scrubbed already; this covers secrets registered since.
        scrubbed(out)
    }

    /// The error as JSON: `{"kind","code","status","method","message","serviceMessage"}`,
    /// plus `retryAfterSeconds` when the service asked for a longer wait than the call had left.
    pub fn to_json(&self, lang: Lang) -> String {
        let mut v = serde_json::json!({
            "kind": self.kind.name(),
            "code": self.kind as i32,
            "status": self.status,
            "method": self.method.as_deref().map(redact::scrub),
            "message": self.message(lang),
            "serviceMessage": self.service_message.as_deref().map(redact::scrub),
        });
        if let Some(s) = self.retry_after {
            v["retryAfterSeconds"] = s.into();
        }
        v.to_string()
    }
}

/// A cause whose text was redacted (the original may have held a secret).
#[derive(Debug)]
struct RedactedCause(String);

impl fmt::Display for RedactedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for RedactedCause {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// The result type of this library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_maps_to_kind_and_text() {
        let e = Error::from_status("sendMessage", 401, Some("Unauthorized".into()));
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(e.status(), Some(401));
        assert!(e
            .message(Lang::Ru)
            .contains("проверьте IdInstance и ApiToken"));
        assert!(e
            .message(Lang::En)
            .starts_with("sendMessage: The service rejected the token (401)"));
        let j: serde_json::Value = serde_json::from_str(&e.to_json(Lang::En)).unwrap();
        assert_eq!(j["kind"], "unauthorized");
        assert_eq!(j["status"], 401);
        assert_eq!(j["serviceMessage"], "Unauthorized");
        assert_eq!(ErrorKind::from_status(503), ErrorKind::Server);
        assert_eq!(ErrorKind::from_status(302), ErrorKind::Http);
    }

    #[test]
    fn invalid_argument_names_the_parameter() {
        let e = Error::invalid_argument("chatId", "a phone number", "номер телефона");
        assert!(e.message(Lang::Ru).contains("«chatId»"));
        assert!(e.message(Lang::En).contains("'chatId'"));
    }
}
