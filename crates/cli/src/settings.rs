//! The client configuration from `--config FILE`, then the environment and
//! the flags on top (clap merges a flag with its variable, the flag winning).

use std::path::Path;
use std::time::Duration;

use sdkwa1c::api::{Config, Error, ErrorKind, Lang, Messenger, Result, Secret, Text};

use crate::cli::Settings;

/// The configuration the settings describe (not validated yet: the client does that).
pub fn config(s: &Settings) -> Result<Config> {
    let mut cfg = match &s.config {
        Some(path) => from_file(path)?,
        None => Config::new("", ""),
    };
    if let Some(v) = given(s.api_url.as_ref().map(|a| a.0.as_str())) {
        cfg.api_url = v;
    }
    if let Some(v) = given(s.id_instance.as_deref()) {
        cfg.id_instance = v;
    }
    if let Some(v) = given(s.api_token.as_ref().map(Secret::expose)) {
        cfg.api_token = Secret::new(v);
    }
    if let Some(v) = given(s.messenger.as_deref()) {
        cfg.messenger = Messenger::parse(&v, "messenger")?;
    }
    if let Some(v) = given(s.user_id.as_deref()) {
        cfg.user_id = Some(v);
    }
    if let Some(v) = given(s.user_token.as_ref().map(Secret::expose)) {
        cfg.user_token = Some(Secret::new(v));
    }
    if let Some(v) = given(s.proxy.as_ref().map(|a| a.0.as_str())) {
        cfg.proxy = Some(v);
    }
    if let Some(v) = given(s.timeout.as_deref()) {
        cfg.timeout = timeout(&v)?;
    }
    if let Some(p) = &s.ca_file {
        cfg.ca_file = Some(p.clone());
    }
    Ok(cfg)
}

/// Every secret the settings hold, for a last redaction of what is shown
/// (the core redacts while a client lives; these also cover the time before
/// and after it).
pub fn secrets(cfg: &Config) -> Vec<String> {
    let mut out = vec![cfg.api_token.expose().to_string()];
    if let Some(t) = &cfg.user_token {
        out.push(t.expose().to_string());
    }
    for address in cfg.proxy.iter().chain([&cfg.api_url]) {
        if let Some(password) = password(address) {
            out.push(password.to_string());
        }
    }
    out.retain(|s| s.trim().chars().count() >= 4);
    out
}

/// The password of `scheme://user:password@host`.
fn password(address: &str) -> Option<&str> {
    let rest = address.split_once("://")?.1;
    let userinfo = rest.split(['/', '?', '#']).next()?.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p)
}

/// An empty flag or variable counts as not given (`SDKWA_PROXY=` keeps the file's).
fn given(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `--timeout`: positive seconds, fractions allowed.
fn timeout(v: &str) -> Result<Duration> {
    match v.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(Error::invalid_argument(
            "timeout",
            &format!("expected a positive number of seconds (up to 86400), got \"{v}\""),
            &format!("ожидается положительное число секунд (до 86400), получено \"{v}\""),
        )),
    }
}

/// Reads `--config`: the same keys as the C configuration (`idInstance`,
/// `apiToken`, `apiUrl`, `messenger`, `timeoutSeconds`, `userId`,
/// `userToken`, `proxy`, `caFile`, …), as JSON or TOML.
fn from_file(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot read the configuration file {}: {e}", path.display()),
                format!("Не удалось прочитать файл настроек {}: {e}", path.display()),
            ),
        )
    })?;
    let is_toml = match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("toml") => true,
        Some(e) if e.eq_ignore_ascii_case("json") => false,
        _ => !text.trim_start().starts_with('{'),
    };
    let json = if is_toml {
        toml_to_json(&text, path)?
    } else {
        text
    };
    Config::from_json(&json).map_err(|e| in_file(e, path))
}

fn toml_to_json(text: &str, path: &Path) -> Result<String> {
    // Only the parser's own words and the line: the offending line itself
    // could be the one holding the token.
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
            .unwrap_or(0);
        Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                format!(
                    "The configuration file {} is not valid TOML (line {line}): {}",
                    path.display(),
                    e.message()
                ),
                format!(
                    "Файл настроек {} — некорректный TOML (строка {line}): {}",
                    path.display(),
                    e.message()
                ),
            ),
        )
    })?;
    serde_json::to_string(&table).map_err(|e| {
        Error::new(
            ErrorKind::InvalidArgument,
            Text::new(
                format!("The configuration file {}: {e}", path.display()),
                format!("Файл настроек {}: {e}", path.display()),
            ),
        )
    })
}

/// A configuration error with the file named.
fn in_file(e: Error, path: &Path) -> Error {
    Error::new(
        e.kind(),
        Text::new(
            format!("{}: {}", path.display(), e.message(Lang::En)),
            format!("{}: {}", path.display(), e.message(Lang::Ru)),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_of_addresses() {
        assert_eq!(password("socks5://u:pw1234@h:1"), Some("pw1234"));
        assert_eq!(password("http://h:1/x@y"), None);
        assert_eq!(password("http://u@h"), None);
    }

    #[test]
    fn timeouts() {
        assert_eq!(timeout("2.5").unwrap(), Duration::from_millis(2500));
        for bad in ["0", "-1", "x", "NaN", "1e9"] {
            assert_eq!(timeout(bad).unwrap_err().kind(), ErrorKind::InvalidArgument);
        }
    }
}
