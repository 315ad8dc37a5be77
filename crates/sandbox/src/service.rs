//! The sdkwa methods as the sandbox implements them: validation like the
//! service's (400 with a `message`), state changes, notifications.

use std::collections::HashMap;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::qr::qr_png;
use super::state::{now, Group, Instance, Shared, StoredFile, SANDBOX_CODE};
use sdkwa1c::api::Op;

/// Longest text the service accepts in one message.
pub const MAX_MESSAGE_CHARS: usize = 20_000;

/// What a method received.
#[derive(Debug, Default)]
pub struct Input {
    /// The JSON body, or the text fields of a multipart body.
    pub json: Map<String, Value>,
    /// URL query.
    pub query: HashMap<String, String>,
    /// The path segment after the method (`deleteNotification/{id}`).
    pub path_arg: Option<String>,
    /// The uploaded file (multipart `file` part or a raw body).
    pub file: Option<StoredFile>,
}

/// An error answer: status and the `message` field.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The service-like explanation.
    pub message: String,
}

/// A method's answer.
pub type Reply = Result<Value, ApiError>;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError {
        status: 400,
        message: message.into(),
    }
}

/// Operations that only an authorized account can perform.
fn needs_authorization(op: Op) -> bool {
    matches!(
        op,
        Op::SendMessage
            | Op::SendContact
            | Op::SendFileByUpload
            | Op::SendFileByUrl
            | Op::SendLocation
            | Op::CreateGroup
            | Op::UploadFile
            | Op::SetProfileName
            | Op::SetProfileStatus
            | Op::SetProfilePicture
    )
}

/// Runs `op` on `inst`. `receiveNotification` (it waits), `getInstance`
/// and the account operations are the caller's.
pub fn call(shared: &Shared, inst: &mut Instance, op: Op, input: Input) -> Reply {
    if needs_authorization(op) && inst.state != "authorized" {
        return Err(bad(format!(
            "Instance is not authorized (stateInstance = {}): link it by scanning the QR code (qr) or with a registration code first",
            inst.state
        )));
    }
    let j = &input.json;
    match op {
        Op::GetSettings => Ok(Value::Object(inst.settings.clone())),
        Op::SetSettings => {
            for (k, v) in j {
                if k != "wid" {
                    inst.settings.insert(k.clone(), v.clone());
                }
            }
            Ok(json!({ "saveSettings": true }))
        }
        Op::GetStateInstance => Ok(json!({ "stateInstance": inst.state })),
        Op::GetWarmingPhoneStatus => Ok(json!({
            "warmingType": "none",
            "status": 0,
            "isWarmingRunning": "false",
            "forWarming": 0,
            "notWarmed": 0,
            "warmed": 0,
        })),
        Op::Reboot => Ok(json!({ "isReboot": true })),
        Op::Logout => {
            inst.set_state("notAuthorized");
            Ok(json!({ "isLogout": true }))
        }
        Op::Qr => Ok(qr(inst)),
        Op::GetAuthorizationCode => {
            phone(j, "phoneNumber")?;
            Ok(json!({ "status": true, "code": "SDKW-A123" }))
        }
        Op::RequestRegistrationCode => {
            let p = phone(j, "phoneNumber")?;
            let m = text(j, "method")?;
            if m != "sms" && m != "voice" {
                return Err(bad("method must be \"sms\" or \"voice\""));
            }
            // The service's answer passes on WhatsApp's own registration fields.
            Ok(json!({
                "status": "sent", "method": m, "login": p.to_string(), "length": "6",
                "reason": "", "flash_type": 0, "retry_after": 60, "sms_wait": 60,
                "voice_wait": "60", "wa_old_wait": "0",
            }))
        }
        Op::SendRegistrationCode | Op::SignInWithConfirmationCode => {
            let code = text(j, "code")?;
            if code != SANDBOX_CODE {
                return Err(bad(format!(
                    "Wrong code (the sandbox accepts {SANDBOX_CODE})"
                )));
            }
            inst.set_state("authorized");
            Ok(if op == Op::SendRegistrationCode {
                json!({ "type": "success", "message": "The account is registered and linked" })
            } else {
                json!({ "result": true, "message": "Signed in" })
            })
        }
        Op::SetProfileName => {
            inst.profile.insert("name".into(), text(j, "name")?.into());
            Ok(json!({ "setProfileName": true }))
        }
        Op::SetProfileStatus => {
            inst.profile
                .insert("status".into(), text(j, "status")?.into());
            Ok(json!({ "setProfileStatus": true }))
        }
        Op::SetProfilePicture => {
            let f = input.file.ok_or_else(|| bad("file is required"))?;
            let url = shared.store_file(&f.name, &f.mime, f.data);
            inst.profile.insert("urlAvatar".into(), url.clone().into());
            Ok(json!({ "setProfilePicture": true, "urlAvatar": url, "reason": "" }))
        }
        Op::SendMessage => send_message(shared, inst, j),
        Op::SendContact => send_contact(shared, inst, j),
        Op::SendFileByUrl => {
            let chat = chat_id(j, "chatId")?;
            let url = text(j, "urlFile")?;
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(bad("urlFile must be an http(s) URL"));
            }
            let name = file_name(j)?;
            let caption = opt_text(j, "caption");
            let id = send_file(shared, inst, &chat, &url, &name, &caption);
            Ok(json!({ "idMessage": id }))
        }
        Op::SendFileByUpload => {
            let chat = chat_id(j, "chatId")?;
            let f = input
                .file
                .ok_or_else(|| bad("file is required (multipart part \"file\")"))?;
            let name = opt_text(j, "fileName");
            let name = if name.is_empty() {
                f.name.clone()
            } else {
                name
            };
            if !name.contains('.') {
                return Err(bad("fileName must have an extension, e.g. report.pdf"));
            }
            let url = shared.store_file(&name, &f.mime, f.data);
            let caption = opt_text(j, "caption");
            let id = send_file(shared, inst, &chat, &url, &name, &caption);
            Ok(json!({ "idMessage": id, "urlFile": url }))
        }
        Op::SendLocation => {
            let chat = chat_id(j, "chatId")?;
            let lat = number(j, "latitude", 90.0)?;
            let lon = number(j, "longitude", 180.0)?;
            let data = json!({
                "nameLocation": opt_text(j, "nameLocation"),
                "address": opt_text(j, "address"),
                "latitude": lat,
                "longitude": lon,
                "jpegThumbnail": "",
            });
            let id = outgoing(
                shared,
                inst,
                &chat,
                "locationMessage",
                "locationMessageData",
                data.clone(),
                data,
            );
            Ok(json!({ "idMessage": id }))
        }
        Op::UploadFile => {
            let f = input
                .file
                .filter(|f| !f.data.is_empty())
                .ok_or_else(|| bad("the body must hold the file's bytes"))?;
            Ok(json!({ "urlFile": shared.store_file(&f.name, &f.mime, f.data) }))
        }
        Op::ShowMessagesQueue => Ok(json!([])),
        Op::ClearMessagesQueue => Ok(json!({ "isCleared": true })),
        Op::DeleteNotification => {
            let id: i64 = input
                .path_arg
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("receiptId must be a number"))?;
            let before = inst.queue.len();
            inst.queue.retain(|(r, _)| *r != id);
            inst.raw.remove(&id);
            Ok(json!({ "result": inst.queue.len() < before }))
        }
        Op::GetChatHistory => {
            let chat = chat_id(j, "chatId")?;
            let count = j.get("count").and_then(Value::as_u64).unwrap_or(100) as usize;
            let list: Vec<Value> = inst
                .messages
                .iter()
                .rev()
                .filter(|m| m["chatId"] == chat.as_str())
                .take(count)
                .cloned()
                .collect();
            Ok(Value::Array(list))
        }
        Op::LastIncomingMessages | Op::LastOutgoingMessages => {
            let minutes: i64 = input
                .query
                .get("minutes")
                .and_then(|m| m.parse().ok())
                .unwrap_or(1440);
            let since = now() - minutes * 60;
            let kind = if op == Op::LastIncomingMessages {
                "incoming"
            } else {
                "outgoing"
            };
            let list: Vec<Value> = inst
                .messages
                .iter()
                .rev()
                .filter(|m| m["type"] == kind && m["timestamp"].as_i64().unwrap_or(0) >= since)
                .cloned()
                .collect();
            Ok(Value::Array(list))
        }
        Op::GetContacts => Ok(Value::Array(
            inst.contacts
                .iter()
                .map(|(id, name)| json!({ "id": id, "name": name, "type": "user" }))
                .collect(),
        )),
        Op::GetChats => Ok(chats(inst)),
        Op::GetContactInfo => {
            let chat = chat_id(j, "chatId")?;
            Ok(json!({
                "avatar": "",
                "name": inst.chat_name(&chat),
                "email": "",
                "category": "",
                "description": "",
                "products": [],
                "chatId": chat,
                "lastSeen": null,
                "isArchive": inst.archived.contains(&chat),
                "isDisappearing": false,
                "isMute": false,
                "muteExpiration": null,
                "messageExpiration": 0,
            }))
        }
        Op::CheckWhatsapp => {
            let p = phone(j, "phoneNumber")?.to_string();
            // Documented rule: numbers ending in 000 have no WhatsApp in the sandbox.
            Ok(json!({ "existsWhatsapp": !p.ends_with("000") }))
        }
        Op::GetAvatar => {
            let chat = chat_id(j, "chatId")?;
            let url = inst
                .groups
                .get(&chat)
                .and_then(|g| g.picture.clone())
                .unwrap_or_default();
            Ok(
                json!({ "existsWhatsapp": !chat.ends_with("000@c.us"), "urlAvatar": url, "reason": "" }),
            )
        }
        Op::ReadChat => {
            chat_id(j, "chatId")?;
            Ok(json!({ "setRead": true }))
        }
        Op::ArchiveChat | Op::UnarchiveChat => {
            let chat = chat_id(j, "chatId")?;
            if op == Op::ArchiveChat {
                inst.archived.insert(chat);
            } else {
                inst.archived.remove(&chat);
            }
            Ok(json!({}))
        }
        Op::DeleteMessage => {
            let chat = chat_id(j, "chatId")?;
            let id = text(j, "idMessage")?;
            let before = inst.messages.len();
            inst.messages
                .retain(|m| !(m["idMessage"] == id.as_str() && m["chatId"] == chat.as_str()));
            if inst.messages.len() == before {
                return Err(bad(format!("message {id} in {chat} not found")));
            }
            Ok(json!({}))
        }
        Op::CreateGroup => create_group(shared, inst, j),
        Op::UpdateGroupName => {
            let name = text(j, "groupName")?;
            group(inst, j)?.subject = name;
            Ok(json!({ "updateGroupName": true }))
        }
        Op::GetGroupData => {
            let g = group(inst, j)?;
            Ok(json!({
                "groupId": g.id,
                "owner": g.owner,
                "subject": g.subject,
                "creation": g.creation,
                "participants": g.participants.iter().map(|(id, admin)| json!({
                    "id": id, "isAdmin": *admin, "isSuperAdmin": *id == g.owner,
                })).collect::<Vec<_>>(),
                "subjectTime": g.creation,
                "subjectOwner": g.owner,
                "groupInviteLink": g.invite,
            }))
        }
        Op::AddGroupParticipant
        | Op::RemoveGroupParticipant
        | Op::SetGroupAdmin
        | Op::RemoveAdmin => {
            let who = chat_id(j, "participantChatId")?;
            let g = group(inst, j)?;
            let key = match op {
                Op::AddGroupParticipant => {
                    g.participants.entry(who).or_insert(false);
                    "addParticipant"
                }
                Op::RemoveGroupParticipant => {
                    if g.participants.remove(&who).is_none() {
                        return Err(bad(format!("{who} is not a participant")));
                    }
                    "removeParticipant"
                }
                _ => {
                    let admin = op == Op::SetGroupAdmin;
                    match g.participants.get_mut(&who) {
                        Some(a) => *a = admin,
                        None => return Err(bad(format!("{who} is not a participant"))),
                    }
                    if admin {
                        "setGroupAdmin"
                    } else {
                        "removeAdmin"
                    }
                }
            };
            Ok(json!({ key: true }))
        }
        Op::LeaveGroup => {
            let wid = inst.wid.clone();
            let g = group(inst, j)?;
            g.participants.remove(&wid);
            Ok(json!({ "leaveGroup": true }))
        }
        Op::SetGroupPicture => {
            let f = input.file.ok_or_else(|| bad("file is required"))?;
            let url = shared.store_file(&f.name, &f.mime, f.data);
            group(inst, j)?.picture = Some(url.clone());
            Ok(json!({ "setGroupPicture": true, "urlAvatar": url, "reason": "" }))
        }
        Op::CreateApp => {
            for k in ["title", "shortName", "url", "description"] {
                text(j, k)?;
            }
            Ok(json!({ "result": true, "data": { "appId": shared.next_id().to_string() } }))
        }
        Op::SendConfirmationCode => {
            phone(j, "phoneNumber")?;
            Ok(json!({ "result": true, "message": "Confirmation code sent" }))
        }
        Op::GetPairingCode => {
            phone(j, "phoneNumber")?;
            Ok(json!({ "result": true, "data": { "pairingCode": "SDKW-A123" } }))
        }
        Op::RequestAuthorizationCode => {
            phone(j, "phoneNumber")?;
            text(j, "method")?;
            Ok(json!({ "result": true, "message": "Authorization code sent" }))
        }
        // Served by the HTTP layer (bytes, a long poll, no instance).
        Op::DownloadFile
        | Op::ReceiveNotification
        | Op::GetInstance
        | Op::GetInstances
        | Op::CreateInstance
        | Op::ExtendInstance
        | Op::DeleteInstance
        | Op::RestoreInstance => Err(ApiError {
            status: 404,
            message: format!("Method {op} not found"),
        }),
    }
}

/// `downloadFile/{idMessage}`: the bytes of the file of a message of the
/// chat, as the service answers them (`application/octet-stream`).
pub fn download_file(
    shared: &Shared,
    inst: &Instance,
    input: &Input,
) -> Result<StoredFile, ApiError> {
    let chat = chat_id(&input.json, "chatId")?;
    let id = input
        .path_arg
        .clone()
        .ok_or_else(|| bad("idMessage is required in the path: downloadFile/{idMessage}"))?;
    let url = inst
        .messages
        .iter()
        .find(|m| m["idMessage"] == id.as_str() && m["chatId"] == chat.as_str())
        .and_then(|m| {
            m.get("downloadUrl")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| bad(format!("message {id} in {chat} not found or has no file")))?;
    shared
        .file_by_url(&url)
        .ok_or_else(|| bad(format!("the file of message {id} is no longer stored")))
}

fn qr(inst: &Instance) -> Value {
    if inst.state == "authorized" {
        return json!({ "type": "alreadyLogged", "message": "instance account already authorized" });
    }
    let payload = format!("sdkwa-sandbox://link/{}/{}", inst.id, now());
    let png = qr_png(&payload);
    json!({ "type": "qrCode", "message": base64::engine::general_purpose::STANDARD.encode(png) })
}

fn send_message(shared: &Shared, inst: &mut Instance, j: &Map<String, Value>) -> Reply {
    let chat = chat_id(j, "chatId")?;
    let msg = match j.get("message") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(bad("message is required and must be a non-empty string")),
    };
    if msg.chars().count() > MAX_MESSAGE_CHARS {
        return Err(bad(format!(
            "message is longer than {MAX_MESSAGE_CHARS} characters"
        )));
    }
    let data = json!({ "textMessage": msg });
    let history = json!({ "textMessage": msg });
    let id = outgoing(
        shared,
        inst,
        &chat,
        "textMessage",
        "textMessageData",
        data,
        history,
    );
    if inst.echo {
        incoming_text(shared, inst, &chat, &format!("Echo: {msg}"));
    }
    Ok(json!({ "idMessage": id }))
}

fn send_contact(shared: &Shared, inst: &mut Instance, j: &Map<String, Value>) -> Reply {
    let chat = chat_id(j, "chatId")?;
    let c = j
        .get("contact")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("contact is required and must be an object"))?;
    let phone = phone(c, "phoneContact")?;
    let name = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let display = [name("firstName"), name("middleName"), name("lastName")]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let vcard = format!(
        "BEGIN:VCARD\nVERSION:3.0\nN:{};{};{};;\nFN:{display}\nORG:{}\nTEL;type=CELL;waid={phone}:+{phone}\nEND:VCARD",
        name("lastName"),
        name("firstName"),
        name("middleName"),
        name("company"),
    );
    let data = json!({ "displayName": display, "vcard": vcard });
    let id = outgoing(
        shared,
        inst,
        &chat,
        "contactMessage",
        "contactMessageData",
        data.clone(),
        data,
    );
    Ok(json!({ "idMessage": id }))
}

fn create_group(shared: &Shared, inst: &mut Instance, j: &Map<String, Value>) -> Reply {
    let name = text(j, "groupName")?;
    let ids = j
        .get("chatIds")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad("chatIds must be a non-empty array"))?;
    let mut participants = std::collections::BTreeMap::new();
    for v in ids {
        let id = v
            .as_str()
            .filter(|s| valid_chat(s))
            .ok_or_else(|| bad(format!("chatIds: invalid chat id {v}")))?;
        participants.insert(id.to_string(), false);
    }
    participants.insert(inst.wid.clone(), true);
    let n = shared.next_id();
    let id = format!("120363{:012}@g.us", n);
    let invite = format!("https://chat.whatsapp.com/SANDBOX{n:08}");
    inst.groups.insert(
        id.clone(),
        Group {
            id: id.clone(),
            subject: name,
            owner: inst.wid.clone(),
            participants,
            creation: now(),
            invite: invite.clone(),
            picture: None,
        },
    );
    Ok(json!({ "created": true, "chatId": id, "groupInviteLink": invite }))
}

fn chats(inst: &Instance) -> Value {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |id: &str, kind: &str| {
        if seen.insert(id.to_string()) {
            out.push(json!({ "id": id, "name": inst.chat_name(id), "type": kind }));
        }
    };
    for m in inst.messages.iter().rev() {
        if let Some(c) = m["chatId"].as_str() {
            push(
                c,
                if c.ends_with("@g.us") {
                    "group"
                } else {
                    "user"
                },
            );
        }
    }
    for id in inst.groups.keys() {
        push(id, "group");
    }
    for id in inst.contacts.keys() {
        push(id, "user");
    }
    Value::Array(out)
}

/// Records an outgoing API message, queues its notifications, returns its id.
fn outgoing(
    shared: &Shared,
    inst: &mut Instance,
    chat: &str,
    type_message: &str,
    data_key: &str,
    data: Value,
    history: Value,
) -> String {
    let id = shared.message_id();
    let ts = now();
    let mut entry = json!({
        "type": "outgoing",
        "idMessage": id,
        "timestamp": ts,
        "typeMessage": type_message,
        "chatId": chat,
        "statusMessage": "sent",
        "sendByApi": true,
    });
    merge(&mut entry, history);
    inst.messages.push(entry);
    let body = json!({
        "typeWebhook": "outgoingAPIMessageReceived",
        "instanceData": inst.instance_data(),
        "timestamp": ts,
        "idMessage": id,
        "senderData": { "chatId": chat, "sender": inst.wid, "chatName": inst.chat_name(chat), "senderName": "" },
        "messageData": { "typeMessage": type_message, data_key: data },
    });
    inst.notify_webhook(body);
    let status = json!({
        "typeWebhook": "outgoingMessageStatus",
        "chatId": chat,
        "instanceData": inst.instance_data(),
        "timestamp": ts,
        "idMessage": id,
        "status": "sent",
        "sendByApi": true,
    });
    inst.notify_webhook(status);
    id
}

fn send_file(
    shared: &Shared,
    inst: &mut Instance,
    chat: &str,
    url: &str,
    name: &str,
    caption: &str,
) -> String {
    let mime = mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_string();
    let type_message = file_message_type(&mime);
    let data = json!({ "downloadUrl": url, "caption": caption, "fileName": name, "jpegThumbnail": "", "mimeType": mime });
    outgoing(
        shared,
        inst,
        chat,
        type_message,
        "fileMessageData",
        data.clone(),
        data,
    )
}

/// `imageMessage`, `videoMessage`, `audioMessage` or `documentMessage` by MIME type.
pub fn file_message_type(mime: &str) -> &'static str {
    match mime.split('/').next().unwrap_or("") {
        "image" => "imageMessage",
        "video" => "videoMessage",
        "audio" => "audioMessage",
        _ => "documentMessage",
    }
}

/// Records an incoming text and queues its notification.
pub fn incoming_text(
    shared: &Shared,
    inst: &mut Instance,
    chat: &str,
    text: &str,
) -> (String, Option<i64>) {
    incoming(
        shared,
        inst,
        chat,
        "textMessage",
        json!({ "textMessageData": { "textMessage": text } }),
        json!({ "textMessage": text }),
    )
}

/// Records an incoming message of any type and queues its notification.
pub fn incoming(
    shared: &Shared,
    inst: &mut Instance,
    chat: &str,
    type_message: &str,
    message_data: Value,
    history: Value,
) -> (String, Option<i64>) {
    let id = shared.message_id();
    let ts = now();
    let name = inst.chat_name(chat);
    let mut entry = json!({
        "type": "incoming",
        "idMessage": id,
        "timestamp": ts,
        "typeMessage": type_message,
        "chatId": chat,
        "senderId": chat,
        "senderName": name,
    });
    merge(&mut entry, history);
    inst.messages.push(entry);
    let mut md = json!({ "typeMessage": type_message });
    merge(&mut md, message_data);
    let body = json!({
        "typeWebhook": "incomingMessageReceived",
        "instanceData": inst.instance_data(),
        "timestamp": ts,
        "idMessage": id,
        "senderData": { "chatId": chat, "sender": chat, "chatName": name, "senderName": name },
        "messageData": md,
    });
    let receipt = inst.notify_webhook(body);
    (id, receipt)
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

/// The service's chat id shapes: `digits@c.us`, `digits[-digits]@g.us`.
pub fn valid_chat(s: &str) -> bool {
    let check = |local: &str, dash: bool| {
        !local.is_empty()
            && local.len() <= 40
            && local
                .chars()
                .all(|c| c.is_ascii_digit() || dash && c == '-')
            && local.starts_with(|c: char| c.is_ascii_digit())
    };
    if let Some(l) = s.strip_suffix("@c.us") {
        check(l, false)
    } else if let Some(l) = s.strip_suffix("@g.us") {
        check(l, true)
    } else {
        false
    }
}

fn chat_id(j: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match j.get(key) {
        Some(Value::String(s)) if valid_chat(s) => Ok(s.clone()),
        Some(v) => Err(bad(format!(
            "{key} has an invalid format: {v} (expected 79001234567@c.us or …@g.us)"
        ))),
        None => Err(bad(format!("{key} is required"))),
    }
}

fn group<'a>(inst: &'a mut Instance, j: &Map<String, Value>) -> Result<&'a mut Group, ApiError> {
    let id = chat_id(j, "groupId")?;
    inst.groups
        .get_mut(&id)
        .ok_or_else(|| bad(format!("group {id} not found")))
}

fn text(j: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match j.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(_) => Err(bad(format!("{key} must be a non-empty string"))),
        None => Err(bad(format!("{key} is required"))),
    }
}

fn opt_text(j: &Map<String, Value>, key: &str) -> String {
    j.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn file_name(j: &Map<String, Value>) -> Result<String, ApiError> {
    let n = text(j, "fileName")?;
    if !n.contains('.') {
        return Err(bad("fileName must have an extension, e.g. report.pdf"));
    }
    Ok(n)
}

fn phone(j: &Map<String, Value>, key: &str) -> Result<u64, ApiError> {
    match j.get(key) {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|p| (10_000..=999_999_999_999_999).contains(p))
            .ok_or_else(|| bad(format!("{key} must be a phone number of 5-15 digits"))),
        Some(_) => Err(bad(format!("{key} must be a number, e.g. 79001234567"))),
        None => Err(bad(format!("{key} is required"))),
    }
}

fn number(j: &Map<String, Value>, key: &str, limit: f64) -> Result<f64, ApiError> {
    match j.get(key).and_then(Value::as_f64) {
        Some(x) if x.abs() <= limit => Ok(x),
        Some(_) => Err(bad(format!("{key} must be between -{limit} and {limit}"))),
        None => Err(bad(format!("{key} is required and must be a number"))),
    }
}
