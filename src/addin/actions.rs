//! What the table's custom rows and properties do.
#![forbid(unsafe_code)]

use std::time::Duration;

use serde_json::{Map, Value};

use super::component::Component;
use super::messages;
use super::receiving;
use super::schema::Call;
use super::variant::{Arg, Ret};
use crate::api::{Error, HttpMethod, Messenger, Op, Secret};

type R = Result<Ret, Error>;

/// After a setting changed: the next call builds a new client, and a running
/// receiver restarts with it (it must not go on with the old account or address).
fn settings_changed(c: &mut Component) {
    c.forget_client();
    receiving::restart_if_running(c);
}

/// A numeric property's value as 1C may give it (Число or a Строка of a
/// number); -1 for anything else, which every numeric property refuses.
pub(crate) fn number_prop(arg: &Arg) -> f64 {
    match arg {
        Arg::Int(i) => *i as f64,
        Arg::Num(f) => *f,
        Arg::Str(s) => s.trim().parse().unwrap_or(-1.0),
        _ => -1.0,
    }
}

fn text_prop(arg: &Arg, name: &str) -> Result<String, Error> {
    match arg {
        Arg::Str(s) => Ok(s.trim().to_string()),
        Arg::Int(i) => Ok(i.to_string()),
        Arg::Num(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(format!("{f:.0}")),
        Arg::Empty => Ok(String::new()),
        _ => Err(messages::bad_property(name, "a String", "Строка")),
    }
}

pub fn get_id(c: &Component) -> Ret {
    Ret::Str(c.settings.id.clone())
}
pub fn set_id(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.id = text_prop(a, "IdInstance")?;
    settings_changed(c);
    Ok(())
}
pub fn get_token(c: &Component) -> Ret {
    Ret::Str(c.settings.token.masked())
}
pub fn set_token(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.token = Secret::new(text_prop(a, "ApiToken")?);
    settings_changed(c);
    Ok(())
}
pub fn get_url(c: &Component) -> Ret {
    // An address with a password (`https://user:password@host`) reads back masked.
    Ret::Str(crate::api::redact::mask_credentials(&c.settings.url))
}
pub fn set_url(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let url = text_prop(a, "ApiUrl")?;
    // Checked now, with the core's rule, so the error names the property
    // being assigned rather than `apiUrl` at the next call.
    c.settings.url = if url.is_empty() {
        crate::api::config::DEFAULT_API_URL.to_string()
    } else {
        crate::api::config::check_api_url(&url, "АдресAPI/ApiUrl")?;
        url
    };
    settings_changed(c);
    Ok(())
}
pub fn get_messenger(c: &Component) -> Ret {
    Ret::Str(c.settings.messenger.as_str().to_string())
}
pub fn set_messenger(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let text = text_prop(a, "Messenger")?;
    // An empty value puts the property back to its documented default.
    c.settings.messenger = if text.trim().is_empty() {
        Messenger::default()
    } else {
        Messenger::parse(&text, "Мессенджер/Messenger")?
    };
    settings_changed(c);
    Ok(())
}
pub fn get_user_id(c: &Component) -> Ret {
    Ret::Str(c.settings.user_id.clone())
}
pub fn set_user_id(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.user_id = text_prop(a, "UserId")?;
    settings_changed(c);
    Ok(())
}
pub fn get_user_token(c: &Component) -> Ret {
    Ret::Str(c.settings.user_token.masked())
}
pub fn set_user_token(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.user_token = Secret::new(text_prop(a, "UserToken")?);
    settings_changed(c);
    Ok(())
}
pub fn get_timeout(c: &Component) -> Ret {
    Ret::Int(c.settings.timeout as i32)
}
pub fn set_timeout(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let secs = number_prop(a);
    // A fraction is refused rather than rounded: 0.4 would otherwise become
    // 0 and 2.5 become 3 without the developer knowing.
    if !(1.0..=3600.0).contains(&secs) || secs.fract() != 0.0 {
        return Err(messages::bad_property(
            "Таймаут/Timeout",
            "a whole number of seconds from 1 to 3600",
            "целое число секунд от 1 до 3600",
        ));
    }
    c.settings.timeout = secs as u32;
    settings_changed(c);
    Ok(())
}
pub fn get_proxy(c: &Component) -> Ret {
    // Reads back with the password masked, like ApiToken.
    Ret::Str(crate::api::redact::mask_credentials(&c.settings.proxy))
}
pub fn set_proxy(c: &mut Component, a: &Arg) -> Result<(), Error> {
    let proxy = text_prop(a, "Proxy")?;
    // Empty means "no proxy"; anything else is checked now, as АдресAPI is.
    if !proxy.is_empty() {
        crate::api::config::check_proxy(&proxy, "Прокси/Proxy")?;
    }
    c.settings.proxy = proxy;
    settings_changed(c);
    Ok(())
}
pub fn get_throw(c: &Component) -> Ret {
    Ret::Bool(c.settings.throw_errors)
}
pub fn set_throw(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.throw_errors = match a {
        Arg::Bool(b) => *b,
        Arg::Int(i) => *i != 0,
        _ => return Err(messages::bad_property("ThrowErrors", "Boolean", "Булево")),
    };
    Ok(())
}
pub fn get_allow_insecure(c: &Component) -> Ret {
    Ret::Bool(c.settings.allow_insecure_http)
}
pub fn set_allow_insecure(c: &mut Component, a: &Arg) -> Result<(), Error> {
    c.settings.allow_insecure_http = match a {
        Arg::Bool(b) => *b,
        Arg::Int(i) => *i != 0,
        _ => {
            return Err(messages::bad_property(
                "AllowInsecureHttp",
                "Boolean",
                "Булево",
            ))
        }
    };
    settings_changed(c);
    Ok(())
}
pub fn get_last_error(c: &Component) -> Ret {
    Ret::Str(c.last_error())
}
pub fn get_version(_: &Component) -> Ret {
    Ret::Str(crate::VERSION.to_string())
}

pub fn qr_image(c: &mut Component, _: &Call) -> R {
    Ok(Ret::Blob(c.client()?.qr_png()?))
}

pub fn check_connection(c: &mut Component, _: &Call) -> R {
    Ok(Ret::Bool(c.client()?.get_state_instance()?.is_authorized()))
}

pub fn set_settings(c: &mut Component, call: &Call) -> R {
    let text = call.text(0)?;
    let map = crate::api::params_from_text(Some(&text)).map_err(|_| {
        Error::invalid_argument(
            "Настройки/Settings",
            "expected a JSON object of settings",
            "ожидается JSON-объект настроек",
        )
    })?;
    c.client()?
        .call_op(Op::SetSettings, map, None)
        .map(Ret::Str)
}

fn file_call(
    c: &mut Component,
    op: Op,
    mut params: Map<String, Value>,
    file: crate::api::FileSource,
) -> R {
    if let crate::api::FileSource::Bytes { file_name, .. } = &file {
        params
            .entry("fileName")
            .or_insert_with(|| Value::String(file_name.clone()));
    }
    c.client()?.call_op(op, params, Some(file)).map(Ret::Str)
}

pub fn set_profile_picture(c: &mut Component, call: &Call) -> R {
    let file = call.file(0, "picture.jpg")?;
    file_call(c, Op::SetProfilePicture, Map::new(), file)
}

pub fn set_group_picture(c: &mut Component, call: &Call) -> R {
    let mut p = Map::new();
    p.insert("groupId".into(), call.json(0)?);
    let file = call.file(1, "picture.jpg")?;
    file_call(c, Op::SetGroupPicture, p, file)
}

pub fn send_to_group(c: &mut Component, call: &Call) -> R {
    let group = crate::api::chat::group_id(&call.text(0)?, "ИдГруппы/GroupId")?;
    let mut p = Map::new();
    p.insert("chatId".into(), Value::String(group));
    p.insert("message".into(), call.json(1)?);
    insert_text(&mut p, "quotedMessageId", call.text(2)?);
    c.client()?.call_op(Op::SendMessage, p, None).map(Ret::Str)
}

pub fn send_file_by_upload(c: &mut Component, call: &Call) -> R {
    let name = call.text(2)?;
    // The service needs the name's extension to pick the message type and
    // answers 400 without it: refuse before any request when it cannot be
    // taken from the path (ДвоичныеДанные, or a path without an extension).
    // A path that is not a regular file (missing, a directory, a device)
    // passes here: reading it gives the more useful error, naming the path.
    let from_path = match &call.args[1] {
        Arg::Str(p) => {
            let path = std::path::Path::new(p.trim());
            path.extension().is_some() || !path.is_file()
        }
        _ => false,
    };
    if name.is_empty() && !from_path {
        return Err(messages::file_name_required(
            call.method_name(),
            3,
            &call.method.params[2].text(),
        ));
    }
    let file = call.file(1, if name.is_empty() { "file" } else { &name })?;
    let mut p = Map::new();
    p.insert("chatId".into(), call.json(0)?);
    if !name.is_empty() {
        p.insert("fileName".into(), Value::String(name));
    }
    insert_text(&mut p, "caption", call.text(3)?);
    insert_text(&mut p, "quotedMessageId", call.text(4)?);
    file_call(c, Op::SendFileByUpload, p, file)
}

pub fn upload_file(c: &mut Component, call: &Call) -> R {
    let file = call.file(0, "file")?;
    c.client()?
        .call_op(Op::UploadFile, Map::new(), Some(file))
        .map(Ret::Str)
}

pub fn send_contact(c: &mut Component, call: &Call) -> R {
    let mut contact = Map::new();
    for (i, key) in [
        (1, "phoneContact"),
        (2, "firstName"),
        (3, "middleName"),
        (4, "lastName"),
        (5, "company"),
    ] {
        let v = call.json(i)?;
        if v != Value::String(String::new()) {
            contact.insert(key.into(), v);
        }
    }
    let mut p = Map::new();
    p.insert("chatId".into(), call.json(0)?);
    p.insert("contact".into(), Value::Object(contact));
    insert_text(&mut p, "quotedMessageId", call.text(6)?);
    c.client()?.call_op(Op::SendContact, p, None).map(Ret::Str)
}

/// Adds an optional text field; an empty text is "not given".
fn insert_text(p: &mut Map<String, Value>, key: &str, value: String) {
    if !value.is_empty() {
        p.insert(key.into(), Value::String(value));
    }
}

/// `СкачатьФайл`: the file's bytes as ДвоичныеДанные; with a save path
/// also written there (the whole file, or nothing: written to a temporary
/// name beside it first, then renamed).
pub fn download_file(c: &mut Component, call: &Call) -> R {
    let mut p = Map::new();
    p.insert("chatId".into(), call.json(0)?);
    p.insert("idMessage".into(), call.json(1)?);
    let path = call.text(2)?;
    let bytes = c.client()?.call_op_bytes(Op::DownloadFile, p)?;
    if !path.is_empty() {
        crate::api::download::save(std::path::Path::new(&path), &bytes)?;
    }
    Ok(Ret::Blob(bytes))
}

pub fn receive_notification(c: &mut Component, call: &Call) -> R {
    // The service waits at most 60 s: a longer wait is refused, not cut short silently.
    let max = crate::api::MAX_RECEIVE_WAIT_SECS;
    let wait = match call.json(0)?.as_i64() {
        Some(w) if (0..=max as i64).contains(&w) => w as u64,
        _ => {
            return Err(messages::out_of_range(
                call.method_name(),
                1,
                &call.method.params[0].text(),
                &format!("0..{max}"),
            ))
        }
    };
    let text = c
        .client()?
        .receive_notification_text(Duration::from_secs(wait))?;
    // "Nothing came" is an empty string: `Если Ответ <> "" Тогда` reads naturally in 1C.
    Ok(Ret::Str(if text == "null" { String::new() } else { text }))
}

pub fn start_notifications(c: &mut Component, _: &Call) -> R {
    super::receiving::start(c).map(|()| Ret::Empty)
}

pub fn stop_notifications(c: &mut Component, _: &Call) -> R {
    c.stop_receiver();
    Ok(Ret::Empty)
}

pub fn call_method(c: &mut Component, call: &Call) -> R {
    let method = call.text(0)?;
    let body = call.text(1)?;
    let http_text = call.text(2)?;
    // An omitted verb is POST (the table's default); an explicit empty text too.
    let http_text = if http_text.trim().is_empty() {
        "POST"
    } else {
        &http_text
    };
    let http = HttpMethod::parse(http_text).ok_or_else(|| {
        Error::invalid_argument(
            "HTTPМетод/HttpMethod",
            "expected GET, POST or DELETE",
            "ожидается GET, POST или DELETE",
        )
    })?;
    let params = crate::api::params_from_text(Some(&body))?;
    c.client()?.call_raw(&method, http, params).map(Ret::Str)
}

/// Validates a webhook received by a 1C HTTP service and returns its body.
pub fn parse_webhook(_: &mut Component, call: &Call) -> R {
    let notification = crate::api::webhook::parse(&call.text(0)?, &call.text(1)?, &call.text(2)?)?;
    Ok(Ret::Str(notification.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addin::table;
    use crate::api::ErrorKind;

    fn run(f: fn(&mut Component, &Call) -> R, name: &str, args: Vec<Arg>) -> R {
        let m = table::METHODS.iter().find(|m| m.en == name).unwrap();
        let mut c = Component::default();
        f(
            &mut c,
            &Call {
                method: m,
                args,
                lang: crate::api::Lang::Ru,
            },
        )
    }

    #[test]
    fn webhook_token_and_shape() {
        let body = r#"{"typeWebhook":"incomingMessageReceived","idMessage":"X"}"#;
        let ok = run(
            parse_webhook,
            "ParseWebhook",
            vec![
                Arg::Str(body.into()),
                Arg::Str("tok".into()),
                Arg::Str("Bearer tok".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            ok,
            Ret::Str(serde_json::from_str::<Value>(body).unwrap().to_string())
        );
        let e = run(
            parse_webhook,
            "ParseWebhook",
            vec![
                Arg::Str(body.into()),
                Arg::Str("tok".into()),
                Arg::Str("Bearer bad".into()),
            ],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        // Without ОжидаемыйТокен: refused, not accepted unchecked ("-" opts out).
        let e = run(
            parse_webhook,
            "ParseWebhook",
            vec![
                Arg::Str(body.into()),
                Arg::Str("".into()),
                Arg::Str("".into()),
            ],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = run(
            parse_webhook,
            "ParseWebhook",
            vec![
                Arg::Str("{}".into()),
                Arg::Str("-".into()),
                Arg::Str("".into()),
            ],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        let queued = r#"{"receiptId":1,"body":{"typeWebhook":"stateInstanceChanged"}}"#;
        let ok = run(
            parse_webhook,
            "ParseWebhook",
            vec![
                Arg::Str(queued.into()),
                Arg::Str("-".into()),
                Arg::Str("".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            ok,
            Ret::Str(r#"{"typeWebhook":"stateInstanceChanged"}"#.into())
        );
    }
}
