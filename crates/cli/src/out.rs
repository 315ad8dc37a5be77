//! Everything written to stdout: JSON with no secret in it, and files.

use std::io::Write;
use std::path::Path;

use sdkwa1c::api::redact;
use sdkwa1c::api::{Error, ErrorKind, Result, Text};
use serde_json::Value;

/// Answer fields that hold a secret of their own (an instance's token in the
/// account's list, the webhook's token in the settings): never printed.
const SECRET_KEYS: [&str; 2] = ["apiTokenInstance", "webhookUrlToken"];

/// `text` (a JSON document) as one line with every secret removed: the
/// [`SECRET_KEYS`] fields masked and every string scrubbed of the configured
/// tokens (strings, not the text, so the JSON stays well formed).
pub fn clean_json(text: &str, secrets: &[&str]) -> Result<String> {
    let mut v: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorKind::Decode,
            Text::new(
                format!("The service's answer is not valid JSON: {e}"),
                format!("Ответ сервиса — некорректный JSON: {e}"),
            ),
        )
    })?;
    clean(&mut v, secrets);
    Ok(v.to_string())
}

/// [`clean_json`] on a parsed value.
pub fn clean(v: &mut Value, secrets: &[&str]) {
    match v {
        Value::String(s) => {
            let scrubbed = redact::scrub_with(&redact::scrub(s), secrets).into_owned();
            *s = scrubbed;
        }
        Value::Array(a) => a.iter_mut().for_each(|x| clean(x, secrets)),
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) && !matches!(x, Value::Null) {
                    *x = Value::String("****".into());
                } else {
                    clean(x, secrets);
                }
            }
        }
        _ => {}
    }
}

/// Writes one line to stdout and flushes it: only then has it been printed
/// (`receive` deletes a notification after this returns `Ok`).
pub fn line(text: &str) -> Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(text.as_bytes())
        .and_then(|_| o.write_all(b"\n"))
        .and_then(|_| o.flush())
        .map_err(stdout_error)
}

/// Writes `data` to `path`, or to stdout for `-`.
pub fn save(path: &Path, data: &[u8]) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut o = std::io::stdout().lock();
        return o
            .write_all(data)
            .and_then(|_| o.flush())
            .map_err(stdout_error);
    }
    std::fs::write(path, data).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot write {}: {e}", path.display()),
                format!("Не удалось записать {}: {e}", path.display()),
            ),
        )
    })
}

/// Reads `path`, or stdin for `-`; `what` names it in the error (EN, RU).
pub fn read(path: &Path, what: (&str, &str)) -> Result<String> {
    let r = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    r.map_err(|e| {
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot read {} {}: {e}", what.0, path.display()),
                format!("Не удалось прочитать {} {}: {e}", what.1, path.display()),
            ),
        )
    })
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        Text::new(
            format!("Cannot write to stdout: {e}"),
            format!("Не удалось вывести результат (stdout): {e}"),
        ),
    )
}
