//! The registry: every operation of the sdkwa service, one row each.
//!
//! A row says everything the library needs to call an operation: its wire
//! name, HTTP verb, where its URL lives (instance, messenger or account
//! scope), which field goes into the path, how it authenticates, which
//! request fields it takes (wire key, kind, required), what it answers (JSON
//! or the bytes of a file) and whether it may be repeated.
//!
//! Rows are the variants of [`Op`]; nothing else in the library names an
//! operation by a string. The typed Rust API, `sdkwa_call`, the C
//! shortcuts, the add-in's table and the sandbox all refer to `Op::…`, so a
//! misspelled operation is a compile error, and a `match` over `Op` (the
//! sandbox has one) fails to compile until a new row is served. Strings from
//! outside (`sdkwa_call`'s `method`) are looked up with [`Op::find`] and an
//! unknown name is refused before any request.
//!
//! Every row was checked against the service's OpenAPI description (kept as
//! facts in `contract/sdkwa-contract.json`; `tests/contract.rs` compares the
//! two). Where a row deliberately differs, [`Spec::deviation`] says why.

/// The HTTP verb of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// Parses `GET`/`POST`/`DELETE` in any case. An empty text is not a
    /// verb: callers that have a default say so themselves.
    pub fn parse(s: &str) -> Option<HttpMethod> {
        match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "DELETE" => Some(HttpMethod::Delete),
            _ => None,
        }
    }

    /// The verb as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// Where an operation's URL lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `{apiUrl}/{messenger}/{idInstance}/{name}`: the instance's own API.
    Instance,
    /// `{apiUrl}/{messenger}/{name}`: about the messenger, no instance in the path.
    Messenger,
    /// `{apiUrl}/api/v1/instance/user/{name}`: the sdkwa account (its instances).
    Account,
}

/// How an operation authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer {apiToken}`.
    Instance,
    /// `x-user-id` and `x-user-token` (the account's user id and token); no instance token.
    Account,
    /// Nothing (the OpenAPI declares no security for it).
    None,
}

/// Which messengers have an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Messengers {
    /// WhatsApp and Telegram.
    Any,
    /// Telegram only: its path is `/telegram/…` whatever the configuration says.
    TelegramOnly,
}

/// How the request fields travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamsIn {
    /// No fields at all.
    Nothing,
    /// A JSON object body.
    Json,
    /// The URL query (`?minutes=…`).
    Query,
    /// `multipart/form-data` with a `file` part and text fields.
    Multipart,
    /// The file's bytes as the body (`application/octet-stream`).
    RawFile,
}

/// What an operation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A JSON document (passed through as validated text).
    Json,
    /// The bytes of a file (`application/octet-stream`).
    Bytes,
}

/// What a request field holds; the kind decides how it is checked and
/// normalized before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A private or group chat id; a phone number in any human format becomes `…@c.us`.
    ChatId,
    /// A group chat id (`…@g.us`).
    GroupId,
    /// A phone number, sent as a JSON number.
    Phone,
    /// A list of chat ids (a JSON array, or a text of comma-separated items).
    ChatIds,
    /// A text; required means not blank.
    Text,
    /// A message text: required means not empty (a lone space is a message).
    Message,
    /// A whole number.
    Int,
    /// An instance id of the account API, sent as a JSON number.
    InstanceId,
    /// A boolean.
    Bool,
    /// A latitude in degrees (±90).
    Latitude,
    /// A longitude in degrees (±180).
    Longitude,
    /// A contact card object (`phoneContact` is normalized like [`Kind::Phone`]).
    Contact,
    /// An id that goes into the URL path (letters, digits, `-`, `_`).
    PathId,
    /// The uploaded file (a path, or bytes handed over by the caller).
    File,
    /// The upload's file name (with an extension).
    FileName,
    /// Any JSON value, passed through.
    Any,
    /// Not sent at all: how long the client itself waits, polling again
    /// (`receiveNotification` takes no parameter; the service waits up to 5 s per request).
    ClientWait,
}

/// One request field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The key on the wire (`chatId`).
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the call is refused without it.
    pub required: bool,
}

/// A required field.
const fn r(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: true,
    }
}

/// An optional field.
const fn o(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        required: false,
    }
}

/// One operation's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The name on the wire: the URL's last segment(s) (`sendMessage`, `instances/list`).
    pub name: &'static str,
    /// The HTTP verb.
    pub http: HttpMethod,
    /// Where the URL lives.
    pub scope: Scope,
    /// How it authenticates.
    pub auth: Auth,
    /// Which messengers have it.
    pub messengers: Messengers,
    /// How the fields travel.
    pub params: ParamsIn,
    /// The field that becomes the path segment after the name
    /// (`deleteNotification/{receiptId}`); it is never also sent in the body.
    pub path_field: Option<&'static str>,
    /// The request fields. JSON bodies also pass through fields not listed
    /// here (what the service adds later reaches it).
    pub fields: &'static [Field],
    /// What it answers.
    pub answer: Answer,
    /// Safe to repeat after a 429, a 5xx or a failed connection: reads and
    /// deletions by id. Sends never are: a repeated send delivers twice.
    pub retry: bool,
    /// Where this row knowingly differs from the service's OpenAPI, and why.
    pub deviation: Option<&'static str>,
}

impl Spec {
    /// The field with this wire key.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

use Answer::{Bytes, Json as JsonAnswer};
use HttpMethod::{Delete, Get, Post};
use Kind::*;

/// An instance-scoped row (the common case): JSON answer, bearer auth, both messengers.
const fn inst(
    name: &'static str,
    http: HttpMethod,
    params: ParamsIn,
    retry: bool,
    fields: &'static [Field],
) -> Spec {
    Spec {
        name,
        http,
        scope: Scope::Instance,
        auth: Auth::Instance,
        messengers: Messengers::Any,
        params,
        path_field: None,
        fields,
        answer: JsonAnswer,
        retry,
        deviation: None,
    }
}

/// An account-scoped row: POST, JSON, `x-user-id`/`x-user-token`.
const fn account(name: &'static str, retry: bool, fields: &'static [Field]) -> Spec {
    Spec {
        name,
        http: Post,
        scope: Scope::Account,
        auth: Auth::Account,
        messengers: Messengers::Any,
        params: if fields.is_empty() {
            ParamsIn::Nothing
        } else {
            ParamsIn::Json
        },
        path_field: None,
        fields,
        answer: JsonAnswer,
        retry,
        deviation: None,
    }
}

/// A Telegram-only row.
const fn telegram(name: &'static str, fields: &'static [Field]) -> Spec {
    Spec {
        messengers: Messengers::TelegramOnly,
        ..inst(name, Post, ParamsIn::Json, false, fields)
    }
}

const NONE: &[Field] = &[];
const QUOTED: Field = o("quotedMessageId", Text);

macro_rules! operations {
    ($( $(#[$doc:meta])* $id:ident = $spec:expr; )*) => {
        /// An operation of the service: one row of the registry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $( $(#[$doc])* $id, )*
        }

        impl Op {
            /// Every operation, in the registry's order.
            pub const ALL: &'static [Op] = &[ $( Op::$id, )* ];

            /// The operation's row.
            pub const fn spec(self) -> &'static Spec {
                match self {
                    $( Op::$id => {
                        const S: Spec = $spec;
                        &S
                    } )*
                }
            }
        }
    };
}

operations! {
    // ---- instance: settings and state
    /// Reads the instance's settings.
    GetSettings = inst("getSettings", Get, ParamsIn::Nothing, true, NONE);
    /// Changes settings; only the given keys change.
    SetSettings = inst("setSettings", Post, ParamsIn::Json, true, &[
        o("webhookUrl", Text), o("webhookUrlToken", Text), o("countryInstance", Text),
        o("delaySendMessagesMilliseconds", Int), o("markIncomingMessagesReaded", Text),
        o("markIncomingMessagesReadedOnReply", Text), o("outgoingWebhook", Text),
        o("outgoingMessageWebhook", Text), o("outgoingAPIMessageWebhook", Text),
        o("stateWebhook", Text), o("incomingWebhook", Text), o("deviceWebhook", Text),
        o("statusInstanceWebhook", Text), o("keepOnlineStatus", Text),
        o("delaySendMessagesMaxMs", Int), o("proxyInstance", Text), o("sendFromUTC", Text),
        o("sendToUTC", Text),
    ]);
    /// The authorization state.
    GetStateInstance = inst("getStateInstance", Get, ParamsIn::Nothing, true, NONE);
    /// The phone's warming status.
    GetWarmingPhoneStatus = inst("getWarmingPhoneStatus", Get, ParamsIn::Nothing, true, NONE);
    /// Restarts the instance.
    Reboot = inst("reboot", Get, ParamsIn::Nothing, false, NONE);
    /// Unlinks the phone.
    Logout = inst("logout", Get, ParamsIn::Nothing, false, NONE);
    // ---- instance: authorization
    /// The QR code to scan (base64 PNG).
    Qr = inst("qr", Get, ParamsIn::Nothing, true, NONE);
    /// An authorization code for linking by phone number.
    GetAuthorizationCode = inst("getAuthorizationCode", Post, ParamsIn::Json, false, &[r("phoneNumber", Phone)]);
    /// Requests a registration code by SMS or voice.
    RequestRegistrationCode = inst("requestRegistrationCode", Post, ParamsIn::Json, false, &[
        r("phoneNumber", Phone), r("method", Text),
    ]);
    /// Sends the registration code received.
    SendRegistrationCode = Spec {
        deviation: Some("the OpenAPI writes the path with a trailing slash (sendRegistrationCode/); \
            the official clients call it without one, as every other path"),
        ..inst("sendRegistrationCode", Post, ParamsIn::Json, false, &[r("code", Text)])
    };
    /// A pairing code for linking WhatsApp by phone number.
    GetPairingCode = inst("getPairingCode", Post, ParamsIn::Json, false, &[r("phoneNumber", Phone)]);
    /// Requests an authorization code by SMS (or another method).
    RequestAuthorizationCode = inst("requestAuthorizationCode", Post, ParamsIn::Json, false, &[
        r("phoneNumber", Phone), r("method", Text),
    ]);
    // ---- messenger scope
    /// Information about an instance (no instance in the path, no token).
    GetInstance = Spec {
        name: "getInstance",
        http: Post,
        scope: Scope::Messenger,
        auth: Auth::None,
        messengers: Messengers::Any,
        params: ParamsIn::Json,
        path_field: None,
        fields: NONE,
        answer: JsonAnswer,
        retry: true,
        deviation: None,
    };
    // ---- instance: profile
    /// Sets the profile name.
    SetProfileName = inst("setProfileName", Post, ParamsIn::Json, true, &[r("name", Text)]);
    /// Sets the profile status text.
    SetProfileStatus = inst("setProfileStatus", Post, ParamsIn::Json, true, &[r("status", Text)]);
    /// Sets the profile picture.
    SetProfilePicture = inst("setProfilePicture", Post, ParamsIn::Multipart, false, &[r("file", File)]);
    // ---- instance: sending
    /// Sends a text.
    SendMessage = inst("sendMessage", Post, ParamsIn::Json, false, &[
        r("chatId", ChatId), r("message", Message), QUOTED,
        o("archiveChat", Bool), o("linkPreview", Bool),
    ]);
    /// Sends a contact card.
    SendContact = inst("sendContact", Post, ParamsIn::Json, false, &[
        r("chatId", ChatId), r("contact", Contact), QUOTED,
    ]);
    /// Sends a file uploaded with the request.
    SendFileByUpload = inst("sendFileByUpload", Post, ParamsIn::Multipart, false, &[
        r("chatId", ChatId), r("file", File), o("fileName", FileName), o("caption", Message), QUOTED,
    ]);
    /// Sends a file the service downloads from a URL.
    SendFileByUrl = inst("sendFileByUrl", Post, ParamsIn::Json, false, &[
        r("chatId", ChatId), r("urlFile", Text), r("fileName", FileName), o("caption", Message),
        QUOTED, o("archiveChat", Bool),
    ]);
    /// Sends a location.
    SendLocation = inst("sendLocation", Post, ParamsIn::Json, false, &[
        r("chatId", ChatId), o("nameLocation", Text), o("address", Text),
        r("latitude", Latitude), r("longitude", Longitude), QUOTED,
    ]);
    /// Uploads a file to the service's storage; answers its URL.
    UploadFile = inst("uploadFile", Post, ParamsIn::RawFile, false, &[r("file", File)]);
    /// The outgoing queue.
    ShowMessagesQueue = inst("showMessagesQueue", Get, ParamsIn::Nothing, true, NONE);
    /// Empties the outgoing queue.
    ClearMessagesQueue = inst("clearMessagesQueue", Get, ParamsIn::Nothing, true, NONE);
    // ---- instance: receiving
    /// The next notification, or `null` when none came within the service's wait (up to 5 s).
    ReceiveNotification = inst("receiveNotification", Get, ParamsIn::Nothing, true, &[
        o("receiveTimeout", ClientWait),
    ]);
    /// Deletes a received notification by its receipt id.
    DeleteNotification = Spec {
        path_field: Some("receiptId"),
        ..inst("deleteNotification", Delete, ParamsIn::Nothing, true, &[r("receiptId", PathId)])
    };
    /// The bytes of a message's file.
    DownloadFile = Spec {
        path_field: Some("idMessage"),
        answer: Bytes,
        ..inst("downloadFile", Post, ParamsIn::Json, true, &[r("chatId", ChatId), r("idMessage", PathId)])
    };
    // ---- instance: journals
    /// A chat's messages, newest first.
    GetChatHistory = inst("getChatHistory", Post, ParamsIn::Json, true, &[r("chatId", ChatId), o("count", Int)]);
    /// Incoming messages of the last minutes.
    LastIncomingMessages = inst("lastIncomingMessages", Get, ParamsIn::Query, true, &[o("minutes", Int)]);
    /// Outgoing messages of the last minutes.
    LastOutgoingMessages = inst("lastOutgoingMessages", Get, ParamsIn::Query, true, &[o("minutes", Int)]);
    // ---- instance: contacts and chats
    /// The contacts.
    GetContacts = inst("getContacts", Get, ParamsIn::Nothing, true, NONE);
    /// The chats.
    GetChats = inst("getChats", Get, ParamsIn::Nothing, true, NONE);
    /// A contact's details.
    GetContactInfo = Spec {
        deviation: Some("the OpenAPI declares GET with a JSON body; a GET body is dropped by many \
            proxies and the official Python client sends POST, so POST it is"),
        ..inst("getContactInfo", Post, ParamsIn::Json, true, &[r("chatId", ChatId)])
    };
    /// Whether a number has WhatsApp.
    CheckWhatsapp = inst("checkWhatsapp", Post, ParamsIn::Json, true, &[r("phoneNumber", Phone)]);
    /// A chat's avatar URL.
    GetAvatar = inst("getAvatar", Post, ParamsIn::Json, true, &[r("chatId", ChatId)]);
    /// Marks a chat (or one message) read.
    ReadChat = inst("readChat", Post, ParamsIn::Json, true, &[r("chatId", ChatId), o("idMessage", Text)]);
    /// Archives a chat.
    ArchiveChat = inst("archiveChat", Post, ParamsIn::Json, true, &[r("chatId", ChatId)]);
    /// Unarchives a chat.
    UnarchiveChat = inst("unarchiveChat", Post, ParamsIn::Json, true, &[r("chatId", ChatId)]);
    /// Deletes a message.
    DeleteMessage = inst("deleteMessage", Post, ParamsIn::Json, true, &[r("chatId", ChatId), r("idMessage", Text)]);
    // ---- instance: groups
    /// Creates a group.
    CreateGroup = inst("createGroup", Post, ParamsIn::Json, false, &[r("groupName", Text), r("chatIds", ChatIds)]);
    /// Renames a group.
    UpdateGroupName = inst("updateGroupName", Post, ParamsIn::Json, true, &[r("groupId", GroupId), r("groupName", Text)]);
    /// A group's data.
    GetGroupData = inst("getGroupData", Post, ParamsIn::Json, true, &[r("groupId", GroupId)]);
    /// Adds a participant.
    AddGroupParticipant = inst("addGroupParticipant", Post, ParamsIn::Json, true, &[
        r("groupId", GroupId), r("participantChatId", ChatId),
    ]);
    /// Removes a participant.
    RemoveGroupParticipant = inst("removeGroupParticipant", Post, ParamsIn::Json, true, &[
        r("groupId", GroupId), r("participantChatId", ChatId),
    ]);
    /// Makes a participant an admin.
    SetGroupAdmin = inst("setGroupAdmin", Post, ParamsIn::Json, true, &[
        r("groupId", GroupId), r("participantChatId", ChatId),
    ]);
    /// Takes admin rights away.
    RemoveAdmin = inst("removeAdmin", Post, ParamsIn::Json, true, &[
        r("groupId", GroupId), r("participantChatId", ChatId),
    ]);
    /// Leaves a group.
    LeaveGroup = inst("leaveGroup", Post, ParamsIn::Json, true, &[r("groupId", GroupId)]);
    /// Sets a group's picture.
    SetGroupPicture = inst("setGroupPicture", Post, ParamsIn::Multipart, false, &[
        r("groupId", GroupId), r("file", File),
    ]);
    // ---- telegram login
    /// Creates the Telegram application the instance logs in with.
    CreateApp = telegram("createApp", &[
        r("title", Text), r("shortName", Text), r("url", Text), r("description", Text),
    ]);
    /// Sends a confirmation code to a Telegram account's phone.
    SendConfirmationCode = telegram("sendConfirmationCode", &[r("phoneNumber", Phone)]);
    /// Signs in with the confirmation code received.
    SignInWithConfirmationCode = telegram("signInWithConfirmationCode", &[r("code", Text)]);
    // ---- account: the user's instances
    /// The account's instances with their tokens.
    GetInstances = account("instances/list", true, NONE);
    /// Orders a new instance.
    CreateInstance = account("instance/createByOrder", false, &[
        r("tariff", Text), r("period", Text), o("paymentType", Text),
    ]);
    /// Extends a paid instance.
    ExtendInstance = account("instance/extendByOrder", false, &[
        r("idInstance", InstanceId), r("tariff", Text), r("period", Text), o("paymentType", Text),
    ]);
    /// Deletes an instance.
    DeleteInstance = account("instance/delete", false, &[r("idInstance", InstanceId)]);
    /// Restores a deleted instance.
    RestoreInstance = account("instance/restore", false, &[r("idInstance", InstanceId)]);
}

impl Op {
    /// Finds an operation by its wire name, ignoring case (`SendMessage`
    /// finds `sendMessage`; `instances/list` the account's list).
    pub fn find(name: &str) -> Option<Op> {
        let name = name.trim();
        Op::ALL
            .iter()
            .copied()
            .find(|op| op.spec().name.eq_ignore_ascii_case(name))
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        self.spec().name
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_in_any_case() {
        for op in Op::ALL {
            assert_eq!(Op::find(&op.name().to_uppercase()), Some(*op));
            assert_eq!(Op::ALL.iter().filter(|o| o.name() == op.name()).count(), 1);
        }
        assert!(Op::find("noSuchMethod").is_none());
        assert!(!Op::SendMessage.spec().retry);
    }

    #[test]
    fn rows_are_consistent() {
        for op in Op::ALL {
            let s = op.spec();
            if let Some(p) = s.path_field {
                let f = s
                    .field(p)
                    .unwrap_or_else(|| panic!("{op}: path field {p} not declared"));
                assert!(f.required && f.kind == Kind::PathId, "{op}");
            }
            let has_file = s.fields.iter().any(|f| f.kind == Kind::File);
            assert_eq!(
                has_file,
                matches!(s.params, ParamsIn::Multipart | ParamsIn::RawFile),
                "{op}: a file field exactly when the body carries a file"
            );
            if s.params == ParamsIn::Nothing {
                assert!(
                    s.fields
                        .iter()
                        .all(|f| Some(f.key) == s.path_field || f.kind == Kind::ClientWait),
                    "{op}: fields declared but nothing is sent"
                );
            }
            assert_eq!(s.scope == Scope::Account, s.auth == Auth::Account, "{op}");
            let mut keys: Vec<_> = s.fields.iter().map(|f| f.key).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), s.fields.len(), "{op}: a field twice");
        }
    }

    #[test]
    fn empty_verb_is_not_post() {
        assert_eq!(HttpMethod::parse(""), None);
        assert_eq!(HttpMethod::parse(" get "), Some(HttpMethod::Get));
    }
}
