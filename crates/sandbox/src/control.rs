//! The control API: what a test (or a 1C developer) does to the sandbox
//! that a real phone would do — scan the QR code, write a message, break
//! the network. Each operation is a plain function (used in-process by
//! [`super::Sandbox`]) and an HTTP handler (for any other language).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::answer::{bad, body_object, reply};
use super::faults::Fault;
use super::service::{self, ApiError};
use super::state::{Instance, Shared};

type S = State<Arc<Shared>>;

fn not_found(id: &str) -> ApiError {
    ApiError {
        status: 404,
        message: format!("no instance {id}"),
    }
}

/// Runs `f` on instance `id`.
pub fn with_instance<T>(
    s: &Shared,
    id: &str,
    f: impl FnOnce(&Shared, &mut Instance) -> T,
) -> Result<T, ApiError> {
    let mut all = s.instances();
    let inst = all.get_mut(id).ok_or_else(|| not_found(id))?;
    Ok(f(s, inst))
}

/// Adds (or replaces) an instance.
pub fn add_instance(s: &Shared, id: &str, token: &str, authorized: bool, echo: bool) {
    s.instances()
        .insert(id.to_string(), Instance::new(id, token, authorized, echo));
    super::account::adopt(s, id);
}

/// The sender of an incoming message: `chatId` in any form the client
/// accepts (`79001234567`, `+7 900 …`, `…@c.us`), default `79001234567@c.us`.
fn sender(m: &Map<String, Value>) -> Result<String, ApiError> {
    let chat = match m.get("chatId") {
        None | Some(Value::Null) => "79001234567@c.us".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(bad("chatId must be a phone number or a chat id")),
    };
    sdkwa1c::api::chat::chat_id(&chat, "chatId").map_err(|e| bad(e.to_string()))
}

/// Delivers an incoming message from `chatId`: a text (`text`), or a file
/// when `fileName` is given (base64 `content`, optional `caption`). Returns
/// `{idMessage, receiptId}`.
pub fn incoming(s: &Shared, id: &str, m: &Map<String, Value>) -> Result<Value, ApiError> {
    let chat = sender(m)?;
    let file_name = m.get("fileName").and_then(Value::as_str);
    let text = m.get("text").and_then(Value::as_str).unwrap_or("");
    // A file's text is its `caption`; a `text` beside a file would otherwise
    // be taken for one, or dropped, without a word.
    if file_name.is_some() && m.contains_key("text") {
        return Err(bad(
            "a file's caption is \"caption\"; \"text\" is for text messages",
        ));
    }
    if file_name.is_none() && m.contains_key("caption") {
        return Err(bad(
            "\"caption\" needs \"fileName\" and \"content\"; a text message is \"text\"",
        ));
    }
    let caption = m.get("caption").and_then(Value::as_str).unwrap_or("");
    let (data, url) = match file_name {
        Some(name) => {
            let content = m.get("content").and_then(Value::as_str).unwrap_or("");
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content)
                .map_err(|e| bad(format!("content must be base64: {e}")))?;
            let mime = mime_guess::from_path(name)
                .first_or_octet_stream()
                .essence_str()
                .to_string();
            let url = s.store_file(name, &mime, bytes);
            (Some((name.to_string(), mime)), Some(url))
        }
        None if text.is_empty() => return Err(bad("give text, or fileName with content")),
        None => (None, None),
    };
    with_instance(s, id, |s, inst| {
        if let Some(name) = m.get("senderName").and_then(Value::as_str) {
            inst.contacts
                .entry(chat.clone())
                .or_insert_with(|| name.to_string());
        }
        let (id_message, receipt) = match (data, url) {
            (Some((name, mime)), Some(url)) => {
                let fd = json!({ "downloadUrl": url, "caption": caption, "fileName": name, "jpegThumbnail": "", "mimeType": mime });
                let t = service::file_message_type(&mime);
                service::incoming(
                    s,
                    inst,
                    &chat,
                    t,
                    json!({ "fileMessageData": fd.clone() }),
                    fd,
                )
            }
            _ => service::incoming_text(s, inst, &chat, text),
        };
        json!({ "idMessage": id_message, "receiptId": receipt })
    })
}

/// Marks the QR code as scanned: the instance becomes `authorized`.
pub fn scan_direct(s: &Shared, id: &str) -> Result<Value, ApiError> {
    with_instance(s, id, |_, i| {
        i.set_state("authorized");
        json!({ "stateInstance": i.state })
    })
}

pub(crate) async fn scan(State(s): S, Path(id): Path<String>) -> Response {
    reply(scan_direct(&s, &id))
}

pub(crate) async fn list_instances(State(s): S) -> Response {
    let list: Vec<Value> = s
        .instances()
        .values()
        .map(|i| json!({ "idInstance": i.id, "stateInstance": i.state, "queued": i.queue.len(), "echo": i.echo }))
        .collect();
    reply(Ok(Value::Array(list)))
}

pub(crate) async fn create_instance(State(s): S, body: Bytes) -> Response {
    let m = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return reply(Err(e)),
    };
    let id = match m.get("idInstance") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let token = m.get("apiToken").and_then(Value::as_str).unwrap_or("");
    if id.is_empty() || token.is_empty() {
        return reply(Err(bad("idInstance and apiToken are required")));
    }
    let authorized = m
        .get("authorized")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let echo = m.get("echo").and_then(Value::as_bool).unwrap_or(true);
    add_instance(&s, &id, token, authorized, echo);
    reply(Ok(json!({ "idInstance": id, "created": true })))
}

pub(crate) async fn set_state(State(s): S, Path(id): Path<String>, body: Bytes) -> Response {
    let m = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return reply(Err(e)),
    };
    let Some(state) = m
        .get("stateInstance")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return reply(Err(bad("stateInstance is required")));
    };
    reply(with_instance(&s, &id, |_, i| {
        i.set_state(&state);
        json!({ "stateInstance": i.state })
    }))
}

pub(crate) async fn incoming_route(State(s): S, Path(id): Path<String>, body: Bytes) -> Response {
    match body_object(&body) {
        Ok(m) => reply(incoming(&s, &id, &m)),
        Err(e) => reply(Err(e)),
    }
}

/// Queues `count` incoming texts "Message #1…N" from `chatId` at once.
pub fn incoming_bulk_direct(
    s: &Shared,
    id: &str,
    count: usize,
    chat: &str,
) -> Result<Value, ApiError> {
    with_instance(s, id, |s, inst| {
        let first = inst.next_receipt;
        for n in 1..=count {
            let body = json!({
                "typeWebhook": "incomingMessageReceived",
                "instanceData": inst.instance_data(),
                "timestamp": super::state::now(),
                "idMessage": s.message_id(),
                "senderData": { "chatId": chat, "sender": chat, "chatName": "", "senderName": "" },
                "messageData": { "typeMessage": "textMessage", "textMessageData": { "textMessage": format!("Message #{n}") } },
            });
            inst.enqueue(body);
        }
        json!({ "queued": count, "firstReceiptId": first })
    })
}

pub(crate) async fn incoming_bulk(State(s): S, Path(id): Path<String>, body: Bytes) -> Response {
    let m = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return reply(Err(e)),
    };
    let count = m
        .get("count")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .min(1_000_000) as usize;
    // The same forms as a single `incoming` accepts, normalized the same way.
    match sender(&m) {
        Ok(chat) => reply(incoming_bulk_direct(&s, &id, count, &chat)),
        Err(e) => reply(Err(e)),
    }
}

/// Queues a broken notification: `text` is served verbatim as the answer
/// to `receiveNotification` (`{receiptId}` in it becomes the item's id).
pub fn incoming_raw_direct(s: &Shared, id: &str, text: &str) -> Result<Value, ApiError> {
    with_instance(
        s,
        id,
        |_, inst| json!({ "receiptId": inst.enqueue_raw(text) }),
    )
}

pub(crate) async fn incoming_raw(State(s): S, Path(id): Path<String>, body: Bytes) -> Response {
    let m = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return reply(Err(e)),
    };
    match m.get("text").and_then(Value::as_str) {
        Some(text) => reply(incoming_raw_direct(&s, &id, text)),
        None => reply(Err(bad("text is required: the answer to serve verbatim"))),
    }
}

pub(crate) async fn echo(State(s): S, Path(id): Path<String>, body: Bytes) -> Response {
    let m = match body_object(&body) {
        Ok(m) => m,
        Err(e) => return reply(Err(e)),
    };
    let on = m.get("enabled").and_then(Value::as_bool).unwrap_or(true);
    reply(with_instance(&s, &id, |_, i| {
        i.echo = on;
        json!({ "echo": on })
    }))
}

pub(crate) async fn queue(State(s): S, Path(id): Path<String>) -> Response {
    reply(with_instance(&s, &id, |_, i| {
        let ids: Vec<i64> = i.queue.iter().map(|(r, _)| *r).collect();
        json!({ "count": ids.len(), "receiptIds": ids })
    }))
}

pub(crate) async fn messages(State(s): S, Path(id): Path<String>) -> Response {
    reply(with_instance(&s, &id, |_, i| {
        Value::Array(i.messages.clone())
    }))
}

pub(crate) async fn requests(State(s): S) -> Response {
    reply(Ok(Value::Array(s.log().iter().cloned().collect())))
}

pub(crate) async fn clear_requests(State(s): S) -> Response {
    s.log().clear();
    reply(Ok(json!({ "cleared": true })))
}

pub(crate) async fn list_faults(State(s): S) -> Response {
    reply(Ok(
        serde_json::to_value(s.faults().list()).unwrap_or(Value::Null)
    ))
}

pub(crate) async fn add_fault(State(s): S, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(f) => {
            s.faults().add(f);
            reply(Ok(json!({ "added": true })))
        }
        Err(e) => reply(Err(bad(format!(
            "expected a fault such as {{\"kind\":\"status\",\"status\":503,\"count\":2}}: {e}"
        )))),
    }
}

pub(crate) async fn clear_faults(State(s): S) -> Response {
    s.faults().clear();
    reply(Ok(json!({ "cleared": true })))
}

pub(crate) async fn get_pace(State(s): S) -> Response {
    let p = s.pace();
    let mut v = serde_json::to_value(p.config()).unwrap_or(Value::Null);
    v["rejected"] = json!(p.rejected());
    reply(Ok(v))
}

pub(crate) async fn set_pace(State(s): S, body: Bytes) -> Response {
    match serde_json::from_slice::<super::pace::PaceConfig>(&body) {
        Ok(cfg) => {
            s.pace().set(cfg);
            reply(Ok(serde_json::to_value(cfg).unwrap_or(Value::Null)))
        }
        Err(e) => reply(Err(bad(format!(
            "expected {{\"latencyMs\":50,\"jitterMs\":10,\"rateLimit\":100,\"retryAfter\":1}}: {e}"
        )))),
    }
}

pub(crate) async fn clear_pace(State(s): S) -> Response {
    s.pace().set(super::pace::PaceConfig::default());
    reply(Ok(json!({ "cleared": true })))
}
