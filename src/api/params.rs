//! Turns a method name plus a JSON object of parameters into a prepared
//! call. Every face of the library ends here: the typed Rust API serializes
//! its request structs into such an object, the C ABI passes the caller's
//! JSON, the add-in builds it from 1C values. So phone numbers, chat ids and
//! required fields are checked in exactly one place.

use std::time::Duration;

use serde_json::{Map, Value};

use super::chat;
use super::error::{Error, Result};
use super::file::FileSource;
use super::request::{Body, Request};
use super::spec::{self, HttpMethod, MethodSpec, ParamsIn};

/// Longest long-poll wait accepted by `receiveNotification` (the service's own cap).
pub const MAX_RECEIVE_WAIT_SECS: u64 = 60;

/// Parameter names that hold a private or group chat id.
const CHAT_FIELDS: &[&str] = &["chatId", "participantChatId"];
/// Parameter names that hold a phone number sent as a JSON number.
const PHONE_FIELDS: &[&str] = &["phoneNumber"];

/// Prepares a call of `method` (any case) with `params`.
///
/// `http` overrides the verb for methods missing from the table (the
/// escape hatch for new service methods); for known methods it is ignored.
/// `file` supplies the upload for multipart/raw methods; without it the
/// `file` parameter is read as a path.
pub(crate) fn prepare(
    method: &str,
    params: Map<String, Value>,
    file: Option<FileSource>,
    http: Option<HttpMethod>,
) -> Result<Request> {
    let method = method.trim();
    let Some(spec) = spec::find(method) else {
        return prepare_custom(method, params, http);
    };
    let mut params = params;
    check_required(spec, &params, file.is_some())?;
    normalize(&mut params)?;
    let mut req = Request::new(spec);
    if let Some(name) = spec.path_param {
        let v = params.get(name).cloned().unwrap_or(Value::Null);
        req.path_suffix = Some(path_segment(name, &v)?);
        if spec.params == ParamsIn::Nothing {
            params.remove(name);
        }
    }
    match spec.params {
        ParamsIn::Nothing => {}
        ParamsIn::Json => req = req.json(&params),
        ParamsIn::Query => {
            if let Some(wait) = params.get("receiveTimeout") {
                let secs = wait
                    .as_u64()
                    .filter(|s| *s <= MAX_RECEIVE_WAIT_SECS)
                    .ok_or_else(|| {
                        Error::invalid_argument(
                            "receiveTimeout",
                            &format!("expected whole seconds from 0 to {MAX_RECEIVE_WAIT_SECS}"),
                            &format!(
                                "ожидается целое число секунд от 0 до {MAX_RECEIVE_WAIT_SECS}"
                            ),
                        )
                    })?;
                req.extra_timeout = Duration::from_secs(secs);
            }
            req.query = params
                .iter()
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect();
        }
        ParamsIn::Multipart | ParamsIn::RawFile => {
            let source = match file {
                Some(f) => f,
                None => FileSource::path(string_param(&params, "file")?),
            };
            params.remove("file");
            let name = params
                .get("fileName")
                .and_then(Value::as_str)
                .map(str::to_string);
            let loaded = source.load(name.as_deref())?;
            if spec.params == ParamsIn::RawFile {
                req.body = Body::Raw(loaded.data);
            } else {
                params.insert("fileName".into(), Value::String(loaded.file_name.clone()));
                let fields = params
                    .iter()
                    .filter(|(k, _)| !(spec.name != "sendFileByUpload" && k.as_str() == "fileName"))
                    .map(|(k, v)| (k.clone(), scalar_text(v)))
                    .collect();
                req.body = Body::Multipart {
                    fields,
                    file: loaded,
                };
            }
        }
    }
    Ok(req)
}

/// A method the table does not know: sent as JSON (POST) or query (GET).
fn prepare_custom(
    method: &str,
    params: Map<String, Value>,
    http: Option<HttpMethod>,
) -> Result<Request> {
    let valid = !method.is_empty()
        && method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '_');
    if !valid {
        return Err(Error::invalid_argument(
            "method",
            &format!("expected a service method name such as sendMessage, got \"{method}\""),
            &format!("ожидается имя метода сервиса, например sendMessage, получено \"{method}\""),
        ));
    }
    let http = http.unwrap_or(HttpMethod::Post);
    let mut req = Request::custom(method, http);
    match http {
        HttpMethod::Post => req = req.json(&params),
        _ => {
            req.query = params
                .iter()
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect()
        }
    }
    Ok(req)
}

fn check_required(spec: &MethodSpec, params: &Map<String, Value>, have_file: bool) -> Result<()> {
    for name in spec.required {
        if *name == "file" && have_file {
            continue;
        }
        let present = match params.get(*name) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty() || *name == "message" && !s.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(_) => true,
        };
        if !present {
            return Err(Error::invalid_argument(
                name,
                &format!(
                    "{} requires this parameter and it is missing or empty",
                    spec.name
                ),
                &format!("параметр обязателен для {} и не заполнен", spec.name),
            )
            .with_method(spec.name));
        }
    }
    Ok(())
}

/// Normalizes chat ids, group ids and phone numbers wherever they appear.
fn normalize(params: &mut Map<String, Value>) -> Result<()> {
    for key in CHAT_FIELDS {
        if let Some(v) = params.get_mut(*key) {
            *v = Value::String(chat::chat_id(&scalar_text_checked(v, key)?, key)?);
        }
    }
    if let Some(v) = params.get_mut("groupId") {
        *v = Value::String(chat::group_id(
            &scalar_text_checked(v, "groupId")?,
            "groupId",
        )?);
    }
    for key in PHONE_FIELDS {
        if let Some(v) = params.get_mut(*key) {
            *v = Value::from(chat::phone_number(&scalar_text_checked(v, key)?, key)?);
        }
    }
    if let Some(v) = params.get_mut("chatIds") {
        let items: Vec<String> = match &*v {
            Value::Array(a) => a
                .iter()
                .map(|x| scalar_text_checked(x, "chatIds"))
                .collect::<Result<_>>()?,
            Value::String(s) => list_from_text(s)?,
            other => vec![scalar_text_checked(other, "chatIds")?],
        };
        let ids = items
            .iter()
            .map(|s| chat::chat_id(s, "chatIds").map(Value::String))
            .collect::<Result<Vec<_>>>()?;
        *v = Value::Array(ids);
    }
    if let Some(Value::Object(contact)) = params.get_mut("contact") {
        if let Some(v) = contact.get_mut("phoneContact") {
            *v = Value::from(chat::phone_number(
                &scalar_text_checked(v, "phoneContact")?,
                "phoneContact",
            )?);
        }
    }
    for key in ["latitude", "longitude"] {
        if let Some(v) = params.get_mut(key) {
            *v = Value::from(coordinate(v, key)?);
        }
    }
    Ok(())
}

/// A list given as a JSON array text or as comma/semicolon-separated items.
pub fn list_from_text(text: &str) -> Result<Vec<String>> {
    let t = text.trim();
    if t.starts_with('[') {
        let arr: Vec<Value> = serde_json::from_str(t).map_err(|e| {
            Error::invalid_argument(
                "chatIds",
                &format!("expected a JSON array of phone numbers or chat ids: {e}"),
                &format!("ожидается JSON-массив номеров или идентификаторов чатов: {e}"),
            )
        })?;
        return arr
            .iter()
            .map(|x| scalar_text_checked(x, "chatIds"))
            .collect();
    }
    Ok(t.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

fn coordinate(v: &Value, key: &str) -> Result<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
        _ => None,
    };
    let limit = if key == "latitude" { 90.0 } else { 180.0 };
    n.filter(|x| x.is_finite() && x.abs() <= limit)
        .ok_or_else(|| {
            Error::invalid_argument(
                key,
                &format!("expected a number of degrees from -{limit} to {limit}, e.g. 55.740930"),
                &format!("ожидается число градусов от -{limit} до {limit}, например 55.740930"),
            )
        })
}

/// A scalar as text: whole numbers without a fraction (phone numbers from 1C
/// arrive as floating point).
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => number_text(n).unwrap_or_else(|| n.to_string()),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn number_text(n: &serde_json::Number) -> Option<String> {
    if let Some(u) = n.as_u64() {
        return Some(u.to_string());
    }
    if let Some(i) = n.as_i64() {
        return Some(i.to_string());
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 1e16).then(|| format!("{f:.0}"))
}

fn scalar_text_checked(v: &Value, key: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => number_text(n).ok_or_else(|| {
            Error::invalid_argument(
                key,
                &format!("expected a whole number or a string, got {n}"),
                &format!("ожидается целое число или строка, получено {n}"),
            )
        }),
        _ => Err(Error::invalid_argument(
            key,
            "expected a string or a number",
            "ожидается строка или число",
        )),
    }
}

fn string_param(params: &Map<String, Value>, key: &str) -> Result<String> {
    match params.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        _ => Err(Error::invalid_argument(
            key,
            "expected a file path",
            "ожидается путь к файлу",
        )),
    }
}

fn path_segment(name: &str, v: &Value) -> Result<String> {
    let text = scalar_text_checked(v, name)?;
    let text = text.trim();
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(Error::invalid_argument(
            name,
            &format!("expected an id of letters and digits, got \"{text}\""),
            &format!("ожидается идентификатор из букв и цифр, получено \"{text}\""),
        ));
    }
    Ok(text.to_string())
}

/// Parses the `params` JSON text of the C ABI / `ВыполнитьМетод`: an object,
/// or empty/`null` for no parameters.
pub fn params_from_text(text: Option<&str>) -> Result<Map<String, Value>> {
    let t = text.map(str::trim).unwrap_or("");
    if t.is_empty() || t == "null" {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid_argument(
            "params",
            "expected a JSON object",
            "ожидается JSON-объект",
        )),
        Err(e) => Err(Error::invalid_argument(
            "params",
            &format!("expected a JSON object: {e}"),
            &format!("ожидается JSON-объект: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn normalizes_and_builds_json() {
        let r = prepare(
            "SENDMESSAGE",
            obj(json!({"chatId": 79001234567u64, "message": "hi"})),
            None,
            None,
        )
        .unwrap();
        assert_eq!(r.method, "sendMessage");
        let Body::Json(b) = r.body else { panic!() };
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["chatId"], "79001234567@c.us");

        let r = prepare(
            "checkWhatsapp",
            obj(json!({"phoneNumber": "+7 (900) 123-45-67"})),
            None,
            None,
        )
        .unwrap();
        let Body::Json(b) = r.body else { panic!() };
        assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap()["phoneNumber"],
            json!(79001234567u64)
        );

        let r = prepare(
            "createGroup",
            obj(json!({"groupName": "g", "chatIds": "79001234567, +7 900 765 43 21"})),
            None,
            None,
        )
        .unwrap();
        let Body::Json(b) = r.body else { panic!() };
        assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap()["chatIds"],
            json!(["79001234567@c.us", "79007654321@c.us"])
        );
    }

    #[test]
    fn path_and_query_params() {
        let r = prepare(
            "deleteNotification",
            obj(json!({"receiptId": 17})),
            None,
            None,
        )
        .unwrap();
        assert_eq!(r.path_suffix.as_deref(), Some("17"));
        assert!(matches!(r.body, Body::Empty));
        let r = prepare(
            "receiveNotification",
            obj(json!({"receiveTimeout": 5})),
            None,
            None,
        )
        .unwrap();
        assert_eq!(r.extra_timeout, Duration::from_secs(5));
        assert_eq!(
            r.query,
            vec![("receiveTimeout".to_string(), "5".to_string())]
        );
        assert!(prepare(
            "receiveNotification",
            obj(json!({"receiveTimeout": 600})),
            None,
            None
        )
        .is_err());
    }

    #[test]
    fn missing_and_bad_parameters_are_named() {
        let e = prepare(
            "sendMessage",
            obj(json!({"chatId": "79001234567"})),
            None,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'message'"), "{e}");
        let e = prepare(
            "sendLocation",
            obj(json!({"chatId": "79001234567", "latitude": "north", "longitude": 1})),
            None,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'latitude'"), "{e}");
        let e = prepare(
            "getGroupData",
            obj(json!({"groupId": "79001234567"})),
            None,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'groupId'"), "{e}");
        let e = prepare("bad method!", Map::new(), None, None).unwrap_err();
        assert!(e.to_string().contains("'method'"), "{e}");
        let e = prepare(
            "sendFileByUpload",
            obj(json!({"chatId": "79001234567", "file": "/no/such/file.zip"})),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::api::ErrorKind::Io);
    }

    #[test]
    fn floats_from_1c_keep_every_digit() {
        let r = prepare(
            "sendMessage",
            obj(json!({"chatId": 790012345673442.0, "message": "x"})),
            None,
            None,
        )
        .unwrap();
        let Body::Json(b) = r.body else { panic!() };
        assert_eq!(
            serde_json::from_slice::<Value>(&b).unwrap()["chatId"],
            "790012345673442@c.us"
        );
    }
}
