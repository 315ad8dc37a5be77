//! The service's methods as data: HTTP verb, how parameters travel and
//! whether a call may be repeated. The C ABI's `sdkwa_call`, the add-in's
//! `ВыполнитьМетод` and the typed API all route through this one table.

/// The HTTP verb of a method.
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
    /// Parses `GET`/`POST`/`DELETE` (any case).
    pub fn parse(s: &str) -> Option<HttpMethod> {
        match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(HttpMethod::Get),
            "POST" | "" => Some(HttpMethod::Post),
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

/// How a method's parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamsIn {
    /// No parameters.
    Nothing,
    /// A JSON body.
    Json,
    /// The URL query (`?minutes=…`).
    Query,
    /// `multipart/form-data` with a `file` part and text fields.
    Multipart,
    /// The file's bytes as the body (`application/octet-stream`).
    RawFile,
}

/// One service method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodSpec {
    /// The name in the URL (`sendMessage`).
    pub name: &'static str,
    /// GET, POST or DELETE.
    pub http: HttpMethod,
    /// Where parameters go.
    pub params: ParamsIn,
    /// A parameter that becomes a path segment (`deleteNotification/{receiptId}`).
    pub path_param: Option<&'static str>,
    /// Safe to repeat: reads and deletions by id. Sends never are: a repeated
    /// send would deliver the message twice.
    pub idempotent: bool,
    /// Parameters that must be present (checked before anything is sent).
    pub required: &'static [&'static str],
}

const fn m(
    name: &'static str,
    http: HttpMethod,
    params: ParamsIn,
    idempotent: bool,
    required: &'static [&'static str],
) -> MethodSpec {
    MethodSpec {
        name,
        http,
        params,
        path_param: None,
        idempotent,
        required,
    }
}

use HttpMethod::{Delete, Get, Post};
use ParamsIn::{Json, Multipart, Nothing, Query, RawFile};

/// Every method of the sdkwa API (see `shared/design/sdkwa-api.md`).
pub static METHODS: &[MethodSpec] = &[
    // account
    m("getSettings", Get, Nothing, true, &[]),
    m("setSettings", Post, Json, true, &[]),
    m("getStateInstance", Get, Nothing, true, &[]),
    m("getWarmingPhoneStatus", Get, Nothing, true, &[]),
    m("reboot", Get, Nothing, false, &[]),
    m("logout", Get, Nothing, false, &[]),
    // auth
    m("qr", Get, Nothing, true, &[]),
    m("getAuthorizationCode", Post, Json, false, &["phoneNumber"]),
    m(
        "requestRegistrationCode",
        Post,
        Json,
        false,
        &["phoneNumber"],
    ),
    m("sendRegistrationCode", Post, Json, false, &["code"]),
    // profile
    m("setProfileName", Post, Json, true, &["name"]),
    m("setProfileStatus", Post, Json, true, &["status"]),
    m("setProfilePicture", Post, Multipart, false, &["file"]),
    // sending
    m("sendMessage", Post, Json, false, &["chatId", "message"]),
    m("sendContact", Post, Json, false, &["chatId", "contact"]),
    m(
        "sendFileByUpload",
        Post,
        Multipart,
        false,
        &["chatId", "file"],
    ),
    m(
        "sendFileByUrl",
        Post,
        Json,
        false,
        &["chatId", "urlFile", "fileName"],
    ),
    m(
        "sendLocation",
        Post,
        Json,
        false,
        &["chatId", "latitude", "longitude"],
    ),
    m("uploadFile", Post, RawFile, false, &["file"]),
    m("showMessagesQueue", Get, Nothing, true, &[]),
    m("clearMessagesQueue", Get, Nothing, true, &[]),
    // receiving
    m("receiveNotification", Get, Query, true, &[]),
    MethodSpec {
        name: "deleteNotification",
        http: Delete,
        params: Nothing,
        path_param: Some("receiptId"),
        idempotent: true,
        required: &["receiptId"],
    },
    MethodSpec {
        name: "downloadFile",
        http: Post,
        params: Json,
        path_param: Some("idMessage"),
        idempotent: true,
        required: &["chatId", "idMessage"],
    },
    // journals
    m("getChatHistory", Post, Json, true, &["chatId"]),
    m("lastIncomingMessages", Get, Query, true, &[]),
    m("lastOutgoingMessages", Get, Query, true, &[]),
    // service
    m("getContacts", Get, Nothing, true, &[]),
    m("getChats", Get, Nothing, true, &[]),
    m("getContactInfo", Post, Json, true, &["chatId"]),
    m("checkWhatsapp", Post, Json, true, &["phoneNumber"]),
    m("getAvatar", Post, Json, true, &["chatId"]),
    m("readChat", Post, Json, true, &["chatId"]),
    m("archiveChat", Post, Json, true, &["chatId"]),
    m("unarchiveChat", Post, Json, true, &["chatId"]),
    m("deleteMessage", Post, Json, true, &["chatId", "idMessage"]),
    // groups
    m("createGroup", Post, Json, false, &["groupName", "chatIds"]),
    m(
        "updateGroupName",
        Post,
        Json,
        true,
        &["groupId", "groupName"],
    ),
    m("getGroupData", Post, Json, true, &["groupId"]),
    m(
        "addGroupParticipant",
        Post,
        Json,
        true,
        &["groupId", "participantChatId"],
    ),
    m(
        "removeGroupParticipant",
        Post,
        Json,
        true,
        &["groupId", "participantChatId"],
    ),
    m(
        "setGroupAdmin",
        Post,
        Json,
        true,
        &["groupId", "participantChatId"],
    ),
    m(
        "removeAdmin",
        Post,
        Json,
        true,
        &["groupId", "participantChatId"],
    ),
    m("leaveGroup", Post, Json, true, &["groupId"]),
    m(
        "setGroupPicture",
        Post,
        Multipart,
        false,
        &["groupId", "file"],
    ),
    // telegram
    m(
        "createApp",
        Post,
        Json,
        false,
        &["title", "shortName", "url", "description"],
    ),
    m("sendConfirmationCode", Post, Json, false, &["phoneNumber"]),
    m("signInWithConfirmationCode", Post, Json, false, &["code"]),
];

/// Finds a method by name, ignoring case (`SendMessage` finds `sendMessage`).
pub fn find(name: &str) -> Option<&'static MethodSpec> {
    let name = name.trim();
    METHODS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_in_any_case() {
        for s in METHODS {
            assert_eq!(find(&s.name.to_uppercase()).unwrap().name, s.name);
            assert_eq!(METHODS.iter().filter(|o| o.name == s.name).count(), 1);
        }
        assert!(find("noSuchMethod").is_none());
        assert!(!find("sendMessage").unwrap().idempotent);
    }
}
