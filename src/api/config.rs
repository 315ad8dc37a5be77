//! Client configuration and its validation.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use super::error::{Error, Result};
use super::redact::{mask_credentials, url_credentials};
use super::secret::Secret;

/// The service's public address.
pub const DEFAULT_API_URL: &str = "https://api.sdkwa.pro";
/// Seconds a request may take by default.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Seconds a connection may take to open by default.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
/// Retries of an idempotent call on 429/5xx/connect failures by default.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The largest answer accepted by default (a long chat history is a few MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// The most retries a configuration may ask for: the whole call is bounded
/// by its timeout anyway, and more retries only hammer a failing service.
pub const MAX_RETRIES_LIMIT: u32 = 10;

/// Which messenger the instance is: the second segment of every URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Messenger {
    /// `whatsapp` (the default).
    #[default]
    WhatsApp,
    /// `telegram`.
    Telegram,
}

impl Messenger {
    /// The URL segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Messenger::WhatsApp => "whatsapp",
            Messenger::Telegram => "telegram",
        }
    }

    /// Parses `whatsapp`/`telegram` (any case); names `param` in the error.
    /// An empty value is an error too: a caller that lets "not set" mean the
    /// default ([`Messenger::WhatsApp`]) says so where it reads the value.
    pub fn parse(value: &str, param: &str) -> Result<Messenger> {
        match value.trim().to_ascii_lowercase().as_str() {
            "whatsapp" => Ok(Messenger::WhatsApp),
            "telegram" => Ok(Messenger::Telegram),
            _ => Err(Error::invalid_argument(
                param,
                &format!("expected \"whatsapp\" or \"telegram\", got \"{value}\""),
                &format!("ожидается \"whatsapp\" или \"telegram\", получено \"{value}\""),
            )),
        }
    }
}

/// Everything a [`crate::Client`] needs. Build with [`Config::new`] and set
/// the public fields; [`crate::Client::new`] validates it.
#[derive(Clone)]
pub struct Config {
    /// The instance id (`idInstance`).
    pub id_instance: String,
    /// The instance token (`apiTokenInstance`), sent as `Authorization: Bearer`.
    pub api_token: Secret,
    /// The service address, default [`DEFAULT_API_URL`].
    pub api_url: String,
    /// WhatsApp or Telegram.
    pub messenger: Messenger,
    /// Optional account header `x-user-id`.
    pub user_id: Option<String>,
    /// Optional account header `x-user-token`.
    pub user_token: Option<Secret>,
    /// Time limit of a whole call, retries and their waits included (a long
    /// poll adds its wait to it).
    pub timeout: Duration,
    /// Time limit for opening a connection.
    pub connect_timeout: Duration,
    /// Proxy, `http://…`, `https://…` or `socks5://…`; `None` = direct.
    pub proxy: Option<String>,
    /// An extra CA certificate (PEM) to trust, e.g. a corporate proxy's root
    /// or a self-signed test server. Verification stays on.
    pub ca_file: Option<PathBuf>,
    /// How often an idempotent call is retried on 429/5xx/connect errors.
    pub max_retries: u32,
    /// Answers larger than this are refused with a decode error.
    pub max_response_bytes: usize,
    /// Allows an `http://` [`Config::api_url`] to a host that is not this
    /// machine: the token then crosses the network unencrypted. Off by default.
    pub allow_insecure_http: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // By hand: the proxy and the address may carry a password.
        f.debug_struct("Config")
            .field("id_instance", &self.id_instance)
            .field("api_token", &self.api_token)
            .field("api_url", &mask_credentials(&self.api_url))
            .field("messenger", &self.messenger)
            .field("user_id", &self.user_id)
            .field("user_token", &self.user_token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy.as_deref().map(mask_credentials))
            .field("ca_file", &self.ca_file)
            .field("max_retries", &self.max_retries)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl Config {
    /// A configuration with the defaults for everything but the credentials.
    pub fn new(id_instance: impl Into<String>, api_token: impl Into<Secret>) -> Config {
        Config {
            id_instance: id_instance.into(),
            api_token: api_token.into(),
            api_url: DEFAULT_API_URL.to_string(),
            messenger: Messenger::WhatsApp,
            user_id: None,
            user_token: None,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            connect_timeout: Duration::from_secs(DEFAULT_CONNECT_TIMEOUT_SECS),
            proxy: None,
            ca_file: None,
            max_retries: DEFAULT_MAX_RETRIES,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }

    /// Every secret this configuration holds, for the redaction step
    /// ([`crate::api::redact`]): the tokens and the credentials inside the
    /// proxy and the service address.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut out = vec![self.api_token.expose().to_string()];
        if let Some(t) = &self.user_token {
            out.push(t.expose().to_string());
        }
        if let Some(p) = &self.proxy {
            out.extend(url_credentials(p));
        }
        out.extend(url_credentials(&self.api_url));
        out
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        // Credentials may be missing here: an account-only client (UserId +
        // UserToken, to list the instances) has no instance yet. Each call
        // checks the credentials its operation needs, naming what is missing.
        let id = self.id_instance.trim();
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::invalid_argument(
                "idInstance",
                "expected the instance id from the sdkwa account (digits), got a malformed value",
                "ожидается идентификатор инстанса из личного кабинета sdkwa (цифры), получено неверное значение",
            ));
        }
        let token = self.api_token.expose();
        // A header value cannot hold control characters; say so without showing the token.
        if token.chars().any(|c| c.is_control()) {
            return Err(Error::invalid_argument(
                "apiToken",
                "the token contains control characters (a line break copied with it?)",
                "токен содержит управляющие символы (скопирован с переводом строки?)",
            ));
        }
        check_api_url(&self.api_url, "apiUrl")?;
        let url = self.api_url.trim();
        if url.starts_with("http://") && !self.allow_insecure_http && !is_loopback(url) {
            return Err(Error::invalid_argument(
                "apiUrl",
                "an http:// address to another machine would send the instance token unencrypted over the network: use https://, or allow it explicitly (allowInsecureHttp / AllowInsecureHttp) on a network you trust",
                "адрес http:// на другой компьютер передаст токен инстанса по сети в открытом виде: используйте https:// или явно разрешите это (allowInsecureHttp / РазрешитьНезащищенноеСоединение) в доверенной сети",
            ));
        }
        if let Some(p) = &self.proxy {
            check_proxy(p, "proxy")?;
        }
        if self.max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::invalid_argument(
                "maxRetries",
                &format!("expected 0 to {MAX_RETRIES_LIMIT} retries (the timeout bounds the whole call anyway), got {}", self.max_retries),
                &format!("ожидается от 0 до {MAX_RETRIES_LIMIT} повторов (таймаут и так ограничивает весь вызов), получено {}", self.max_retries),
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::invalid_argument(
                "timeoutSeconds",
                "expected a positive number of seconds",
                "ожидается положительное число секунд",
            ));
        }
        Ok(())
    }

    /// The URL prefix of every method: `{apiUrl}/{messenger}/{idInstance}`.
    pub fn base_url(&self) -> String {
        format!(
            "{}/{}/{}",
            self.api_url.trim().trim_end_matches('/'),
            self.messenger.as_str(),
            self.id_instance.trim()
        )
    }

    /// Reads the C ABI's JSON configuration: `idInstance`, `apiToken`,
    /// `apiUrl`, `messenger`, `timeoutSeconds`, `connectTimeoutSeconds`,
    /// `userId`, `userToken`, `proxy`, `caFile`, `maxRetries` (at most
    /// [`MAX_RETRIES_LIMIT`]), `maxResponseBytes`, `allowInsecureHttp`. Unknown keys are an error (a typo must not be
    /// silently ignored).
    pub fn from_json(text: &str) -> Result<Config> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::invalid_argument(
                "config",
                &format!("expected a JSON object: {e}"),
                &format!("ожидается JSON-объект: {e}"),
            )
        })?;
        let Value::Object(map) = value else {
            return Err(Error::invalid_argument(
                "config",
                "expected a JSON object",
                "ожидается JSON-объект",
            ));
        };
        let mut cfg = Config::new(
            string_field(&map, "idInstance")?.unwrap_or_default(),
            Secret::new(string_field(&map, "apiToken")?.unwrap_or_default()),
        );
        for key in map.keys() {
            match key.as_str() {
                "idInstance" | "apiToken" => {}
                "apiUrl" => cfg.api_url = string_field(&map, key)?.unwrap_or_else(|| DEFAULT_API_URL.into()),
                // Absent, null or "" keeps the default, as for the fields below.
                "messenger" => if let Some(v) = string_field(&map, key)?.filter(|s| !s.trim().is_empty()) {
                    cfg.messenger = Messenger::parse(&v, key)?;
                },
                "userId" => cfg.user_id = string_field(&map, key)?.filter(|s| !s.is_empty()),
                "userToken" => cfg.user_token = string_field(&map, key)?.filter(|s| !s.is_empty()).map(Secret::new),
                "proxy" => cfg.proxy = string_field(&map, key)?.filter(|s| !s.is_empty()),
                "caFile" => cfg.ca_file = string_field(&map, key)?.filter(|s| !s.is_empty()).map(PathBuf::from),
                "timeoutSeconds" => cfg.timeout = Duration::from_secs_f64(seconds_field(&map, key)?),
                "connectTimeoutSeconds" => cfg.connect_timeout = Duration::from_secs_f64(seconds_field(&map, key)?),
                "maxRetries" => cfg.max_retries = seconds_field(&map, key)? as u32,
                "allowInsecureHttp" => cfg.allow_insecure_http = bool_field(&map, key)?,
                "maxResponseBytes" => cfg.max_response_bytes = seconds_field(&map, key)? as usize,
                other => {
                    return Err(Error::invalid_argument(
                        other,
                        "unknown configuration key (known: idInstance, apiToken, apiUrl, messenger, timeoutSeconds, connectTimeoutSeconds, userId, userToken, proxy, caFile, maxRetries, maxResponseBytes, allowInsecureHttp)",
                        "неизвестный ключ настройки (известны: idInstance, apiToken, apiUrl, messenger, timeoutSeconds, connectTimeoutSeconds, userId, userToken, proxy, caFile, maxRetries, maxResponseBytes, allowInsecureHttp)",
                    ))
                }
            }
        }
        Ok(cfg)
    }
}

/// Checks a service address (`apiUrl`): `http://` or `https://` with a host.
/// `param` names it in the error, so the add-in can name its property
/// (`АдресAPI`) when the value is assigned rather than at the next call.
pub fn check_api_url(url: &str, param: &str) -> Result<()> {
    let url = url.trim();
    let parsed = reqwest::Url::parse(url).ok();
    let ok = parsed.is_some_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    });
    if !ok {
        // An address may carry a password (`https://user:pass@host`): masked.
        let shown = mask_credentials(url);
        return Err(Error::invalid_argument(
            param,
            &format!("expected an address like {DEFAULT_API_URL}, got \"{shown}\""),
            &format!("ожидается адрес вида {DEFAULT_API_URL}, получено \"{shown}\""),
        ));
    }
    Ok(())
}

/// Checks a proxy address (`proxy`): `http://`, `https://`, `socks5://` or
/// `socks5h://`; `param` names it in the error. The text never repeats the
/// value: a proxy address may carry a password.
pub fn check_proxy(proxy: &str, param: &str) -> Result<()> {
    let ok = ["http://", "https://", "socks5://", "socks5h://"]
        .iter()
        .any(|s| proxy.starts_with(s))
        && reqwest::Url::parse(proxy).is_ok_and(|u| u.host_str().is_some());
    if !ok {
        return Err(Error::invalid_argument(
            param,
            "expected http://host:port or socks5://host:port",
            "ожидается http://хост:порт или socks5://хост:порт",
        ));
    }
    Ok(())
}

/// A string field; numbers are accepted too (an id typed as a number).
fn string_field(map: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(Error::invalid_argument(
            key,
            "expected a string",
            "ожидается строка",
        )),
    }
}

/// A boolean field.
fn bool_field(map: &Map<String, Value>, key: &str) -> Result<bool> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(Error::invalid_argument(
            key,
            "expected true or false",
            "ожидается true или false",
        )),
    }
}

/// Whether an `http://` address names this machine (its traffic never
/// crosses a network): `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(url: &str) -> bool {
    let Some(host) = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    else {
        return false;
    };
    let host = host.trim_end_matches('.');
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// A non-negative number field.
fn seconds_field(map: &Map<String, Value>, key: &str) -> Result<f64> {
    match map.get(key).and_then(Value::as_f64) {
        Some(n) if (0.0..1e9).contains(&n) => Ok(n),
        _ => Err(Error::invalid_argument(
            key,
            "expected a non-negative number",
            "ожидается неотрицательное число",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_messenger_is_refused_unless_the_caller_means_the_default() {
        assert_eq!(
            Messenger::parse(" TELEGRAM ", "m").unwrap(),
            Messenger::Telegram
        );
        let e = Messenger::parse("", "messenger").unwrap_err();
        assert!(e.to_string().contains("messenger"), "{e}");
        // The C configuration: absent, null and "" keep the default, like its other fields.
        for v in [
            "",
            r#","messenger": null"#,
            r#","messenger": """#,
            r#","messenger": " ""#,
        ] {
            let c = Config::from_json(&format!(r#"{{"idInstance": "1", "apiToken": "t"{v}}}"#))
                .unwrap();
            assert_eq!(c.messenger, Messenger::WhatsApp, "{v}");
        }
        assert!(
            Config::from_json(r#"{"idInstance": "1", "apiToken": "t", "messenger": "viber"}"#)
                .is_err()
        );
    }

    #[test]
    fn json_config_and_validation() {
        let c = Config::from_json(r#"{"idInstance": 1101000001, "apiToken": "t0ken-abc", "apiUrl": "http://127.0.0.1:1/", "messenger": "Telegram", "timeoutSeconds": 2.5}"#).unwrap();
        assert_eq!(c.id_instance, "1101000001");
        assert_eq!(c.messenger, Messenger::Telegram);
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert_eq!(c.base_url(), "http://127.0.0.1:1/telegram/1101000001");
        c.validate().unwrap();
        assert!(!format!("{c:?}").contains("t0ken-abc"));

        let e = Config::from_json(r#"{"idInstance":"1","apiToken":"x","timeout":3}"#).unwrap_err();
        assert!(e.to_string().contains("'timeout'"), "{e}");
        let e = Config::new("1 1", "x").validate().unwrap_err();
        assert!(e.to_string().contains("idInstance"));
        let e = Config::new("1", "a\nb").validate().unwrap_err();
        assert!(e.to_string().contains("apiToken"));
        // Credentials are checked per call: an account-only client is valid.
        Config::new("", "").validate().unwrap();
        let mut c = Config::new("1", "x");
        c.api_url = "ftp://x".into();
        assert!(c.validate().unwrap_err().to_string().contains("apiUrl"));
        c.api_url = DEFAULT_API_URL.into();
        c.proxy = Some("127.0.0.1:8080".into());
        assert!(c.validate().unwrap_err().to_string().contains("proxy"));
    }
}
