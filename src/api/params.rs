//! Turns a method name plus a JSON object of parameters into a prepared
//! call. Every face of the library ends here: the typed Rust API serializes
//! its request structs into such an object, the C ABI passes the caller's
//! JSON, the add-in builds it from 1C values. So phone numbers, chat ids and
//! required fields are checked in exactly one place.

use std::borrow::Cow;
use std::time::Duration;

use serde_json::{Map, Value};

use super::chat;
use super::error::{Error, Result};
use super::file::FileSource;
use super::registry::{Field, HttpMethod, Kind, Op, ParamsIn, Spec};
use super::request::{Body, Request};

/// Longest client-side wait accepted by `receiveNotification`'s `receiveTimeout`.
pub const MAX_RECEIVE_WAIT_SECS: u64 = 60;

/// Prepares a call of `op` with `params`.
///
/// `file` supplies the upload for multipart/raw operations; without it the
/// `file` parameter is read as a path.
pub(crate) fn prepare(
    op: Op,
    params: Map<String, Value>,
    file: Option<FileSource>,
) -> Result<Request> {
    prepare_spec(op, params, file).map_err(|e| match e.method() {
        Some(_) => e,
        None => e.with_method(op.name()),
    })
}

fn prepare_spec(op: Op, params: Map<String, Value>, file: Option<FileSource>) -> Result<Request> {
    let spec = op.spec();
    let mut params = params;
    check_required(spec, &params, file.is_some())?;
    normalize(spec, &mut params)?;
    let mut req = Request::new(op);
    if let Some(name) = spec.path_field {
        let v = params.remove(name).unwrap_or(Value::Null);
        req.path_suffix = Some(path_segment(name, &v)?);
    }
    for f in spec.fields.iter().filter(|f| f.kind == Kind::ClientWait) {
        if let Some(wait) = params.remove(f.key) {
            req.client_wait = Some(client_wait(f.key, &wait)?);
        }
    }
    match spec.params {
        ParamsIn::Nothing => {
            if let Some(key) = params.keys().next() {
                return Err(Error::invalid_argument(
                    key,
                    &format!("{} takes no parameters", spec.name),
                    &format!("{} не принимает параметров", spec.name),
                ));
            }
        }
        ParamsIn::Json => req = req.json(&params),
        ParamsIn::Query => {
            req.query = params
                .iter()
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect()
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
                // The upload's name travels with the file part; a `fileName`
                // text field only where the operation declares one.
                if spec.field("fileName").is_some() {
                    params.insert("fileName".into(), Value::String(loaded.file_name.clone()));
                } else {
                    params.remove("fileName");
                }
                let fields = params
                    .iter()
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

/// Prepares a call by name: a registry operation when the name is one
/// (any case), else — only when `custom` allows it, for `ВыполнитьМетод` and
/// `sdkwa_call_raw` — an instance-scoped call of a method the registry does
/// not know yet, sent as JSON (POST) or query (GET/DELETE) with `http`.
pub(crate) fn prepare_named(
    name: &str,
    params: Map<String, Value>,
    file: Option<FileSource>,
    custom: Option<HttpMethod>,
) -> Result<Request> {
    let name = name.trim();
    if let Some(op) = Op::find(name) {
        return prepare(op, params, file);
    }
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '_');
    if !valid {
        return Err(Error::invalid_argument(
            "method",
            &format!("expected a service method name such as sendMessage, got \"{name}\""),
            &format!("ожидается имя метода сервиса, например sendMessage, получено \"{name}\""),
        ));
    }
    let Some(http) = custom else {
        return Err(Error::invalid_argument(
            "method",
            &format!("\"{name}\" is not a method of the service this library knows (a typo?); call a new service method with sdkwa_call_raw / ВыполнитьМетод"),
            &format!("\"{name}\" — не метод сервиса из реестра библиотеки (опечатка?); новый метод сервиса вызывается через sdkwa_call_raw / ВыполнитьМетод"),
        ));
    };
    let mut req = Request::custom(name, http);
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

fn check_required(spec: &Spec, params: &Map<String, Value>, have_file: bool) -> Result<()> {
    for f in spec.fields.iter().filter(|f| f.required) {
        if f.kind == Kind::File && have_file {
            continue;
        }
        let present = match params.get(f.key) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) if f.kind == Kind::Message => !s.is_empty(),
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(_) => true,
        };
        if !present {
            return Err(Error::invalid_argument(
                f.key,
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

/// Checks and normalizes every declared field by its kind.
fn normalize(spec: &Spec, params: &mut Map<String, Value>) -> Result<()> {
    for f in spec.fields {
        if let Some(v) = params.get_mut(f.key) {
            if !v.is_null() {
                if let Some(n) = normalize_field(f, v)? {
                    *v = n;
                }
            }
        }
    }
    Ok(())
}

/// The field's value checked and normalized; `None` when it stays as it is.
fn normalize_field(f: &Field, v: &Value) -> Result<Option<Value>> {
    let key = f.key;
    Ok(Some(match f.kind {
        Kind::ChatId => Value::String(chat::chat_id(&scalar_text_checked(v, key)?, key)?),
        Kind::GroupId => Value::String(chat::group_id(&scalar_text_checked(v, key)?, key)?),
        Kind::Phone => Value::from(chat::phone_number(&scalar_text_checked(v, key)?, key)?),
        Kind::ChatIds => {
            let items: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .map(|x| scalar_text_checked(x, key).map(Cow::into_owned))
                    .collect::<Result<_>>()?,
                Value::String(s) => list_from_text(s)?,
                other => vec![scalar_text_checked(other, key)?.into_owned()],
            };
            Value::Array(
                items
                    .iter()
                    .map(|s| chat::chat_id(s, key).map(Value::String))
                    .collect::<Result<_>>()?,
            )
        }
        Kind::Contact => {
            let mut contact = v.clone();
            if let Some(p) = contact.get_mut("phoneContact") {
                *p = Value::from(chat::phone_number(
                    &scalar_text_checked(p, "phoneContact")?,
                    "phoneContact",
                )?);
            }
            contact
        }
        Kind::Latitude => Value::from(coordinate(v, key, 90.0)?),
        Kind::Longitude => Value::from(coordinate(v, key, 180.0)?),
        Kind::Int | Kind::InstanceId => Value::from(whole_number(v, key)?),
        Kind::Bool => Value::Bool(boolean(v, key)?),
        Kind::PathId => Value::String(path_segment(key, v)?),
        Kind::Text | Kind::Message | Kind::FileName | Kind::File | Kind::Any | Kind::ClientWait => {
            return Ok(None)
        }
    }))
}

fn whole_number(v: &Value, key: &str) -> Result<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    n.ok_or_else(|| {
        Error::invalid_argument(key, "expected a whole number", "ожидается целое число")
    })
}

fn boolean(v: &Value, key: &str) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(Error::invalid_argument(
            key,
            "expected true or false",
            "ожидается Истина или Ложь (true/false)",
        )),
    }
}

fn client_wait(key: &str, v: &Value) -> Result<Duration> {
    v.as_f64()
        .filter(|s| s.fract() == 0.0 && (0.0..=MAX_RECEIVE_WAIT_SECS as f64).contains(s))
        .map(|s| Duration::from_secs(s as u64))
        .ok_or_else(|| {
            Error::invalid_argument(
                key,
                &format!("expected whole seconds from 0 to {MAX_RECEIVE_WAIT_SECS}"),
                &format!("ожидается целое число секунд от 0 до {MAX_RECEIVE_WAIT_SECS}"),
            )
        })
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
            .map(|x| scalar_text_checked(x, "chatIds").map(Cow::into_owned))
            .collect();
    }
    Ok(t.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

fn coordinate(v: &Value, key: &str, limit: f64) -> Result<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
        _ => None,
    };
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

fn scalar_text_checked<'a>(v: &'a Value, key: &str) -> Result<Cow<'a, str>> {
    match v {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => number_text(n).map(Cow::Owned).ok_or_else(|| {
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

    fn body(r: &Request) -> Value {
        let Body::Json(b) = &r.body else {
            panic!("not a JSON body")
        };
        serde_json::from_slice(b).unwrap()
    }

    #[test]
    fn normalizes_and_builds_json() {
        let r = prepare_named(
            "SENDMESSAGE",
            obj(json!({"chatId": 79001234567u64, "message": "hi"})),
            None,
            None,
        )
        .unwrap();
        assert_eq!(r.op, Some(Op::SendMessage));
        assert_eq!(body(&r)["chatId"], "79001234567@c.us");

        let r = prepare(
            Op::CheckWhatsapp,
            obj(json!({"phoneNumber": "+7 (900) 123-45-67"})),
            None,
        )
        .unwrap();
        assert_eq!(body(&r)["phoneNumber"], json!(79001234567u64));

        let r = prepare(
            Op::CreateGroup,
            obj(json!({"groupName": "g", "chatIds": "79001234567, +7 900 765 43 21"})),
            None,
        )
        .unwrap();
        assert_eq!(
            body(&r)["chatIds"],
            json!(["79001234567@c.us", "79007654321@c.us"])
        );

        let r = prepare(
            Op::ExtendInstance,
            obj(json!({"idInstance": "1101000001", "tariff": "t", "period": "month1"})),
            None,
        )
        .unwrap();
        assert_eq!(body(&r)["idInstance"], json!(1101000001u64));
    }

    #[test]
    fn path_field_goes_only_into_the_path() {
        let r = prepare(Op::DeleteNotification, obj(json!({"receiptId": 17})), None).unwrap();
        assert_eq!(r.path_suffix.as_deref(), Some("17"));
        assert!(matches!(r.body, Body::Empty));
        let r = prepare(
            Op::DownloadFile,
            obj(json!({"chatId": "79001234567", "idMessage": "ABC123"})),
            None,
        )
        .unwrap();
        assert_eq!(r.path_suffix.as_deref(), Some("ABC123"));
        assert_eq!(body(&r), json!({"chatId": "79001234567@c.us"}));
        let e = prepare(
            Op::DownloadFile,
            obj(json!({"chatId": "79001234567", "idMessage": "../x"})),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'idMessage'"), "{e}");
    }

    #[test]
    fn receive_wait_stays_on_the_client() {
        let r = prepare(
            Op::ReceiveNotification,
            obj(json!({"receiveTimeout": 5})),
            None,
        )
        .unwrap();
        assert_eq!(r.client_wait, Some(Duration::from_secs(5)));
        assert!(r.query.is_empty());
        assert!(matches!(r.body, Body::Empty));
        assert!(prepare(
            Op::ReceiveNotification,
            obj(json!({"receiveTimeout": 600})),
            None
        )
        .is_err());
        let e = prepare(Op::GetStateInstance, obj(json!({"x": 1})), None).unwrap_err();
        assert!(e.to_string().contains("'x'"), "{e}");
    }

    #[test]
    fn unknown_names_need_the_escape_hatch() {
        let e = prepare_named("sendMesage", Map::new(), None, None).unwrap_err();
        assert!(e.to_string().contains("sendMesage"), "{e}");
        let r = prepare_named(
            "someNewMethod",
            obj(json!({"a": 1})),
            None,
            Some(HttpMethod::Post),
        )
        .unwrap();
        assert_eq!(r.op, None);
        assert_eq!(r.name, "someNewMethod");
    }

    #[test]
    fn missing_and_bad_parameters_are_named() {
        let e = prepare(Op::SendMessage, obj(json!({"chatId": "79001234567"})), None).unwrap_err();
        assert!(e.to_string().contains("'message'"), "{e}");
        let e = prepare(
            Op::SendLocation,
            obj(json!({"chatId": "79001234567", "latitude": "north", "longitude": 1})),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'latitude'"), "{e}");
        let e = prepare(
            Op::GetGroupData,
            obj(json!({"groupId": "79001234567"})),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'groupId'"), "{e}");
        let e = prepare_named("bad method!", Map::new(), None, Some(HttpMethod::Post)).unwrap_err();
        assert!(e.to_string().contains("'method'"), "{e}");
        let e = prepare(
            Op::SendFileByUpload,
            obj(json!({"chatId": "79001234567", "file": "/no/such/file.zip"})),
            None,
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::api::ErrorKind::Io);
        let e = prepare(
            Op::SendMessage,
            obj(json!({"chatId": "79001234567", "message": "x", "linkPreview": "maybe"})),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'linkPreview'"), "{e}");
    }

    #[test]
    fn floats_from_1c_keep_every_digit() {
        let r = prepare(
            Op::SendMessage,
            obj(json!({"chatId": 790012345673442.0, "message": "x"})),
            None,
        )
        .unwrap();
        assert_eq!(body(&r)["chatId"], "790012345673442@c.us");
    }
}
