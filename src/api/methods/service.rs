//! Contacts and chats: lists, info, avatars, read marks, archive, deletion.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{JsonObject, NoParams};
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::registry::Op;

/// An entry of `getContacts` / `getChats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatEntry {
    /// `79001234567@c.us` or `…@g.us`.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// `user` or `group`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `{existsWhatsapp}` of `checkWhatsapp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatsappCheck {
    /// Whether the number has WhatsApp.
    pub exists_whatsapp: bool,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Client {
    /// `getContacts`.
    pub fn get_contacts(&self) -> Result<Vec<ChatEntry>> {
        self.typed(Op::GetContacts, NoParams {}, None)
    }

    /// `getChats`.
    pub fn get_chats(&self) -> Result<Vec<ChatEntry>> {
        self.typed(Op::GetChats, NoParams {}, None)
    }

    /// `getContactInfo`: name, avatar, mute and archive flags, ….
    pub fn get_contact_info(&self, chat: &str) -> Result<JsonObject> {
        self.typed(Op::GetContactInfo, json!({ "chatId": chat }), None)
    }

    /// `checkWhatsapp`.
    pub fn check_whatsapp(&self, phone: &str) -> Result<WhatsappCheck> {
        self.typed(Op::CheckWhatsapp, json!({ "phoneNumber": phone }), None)
    }

    /// `getAvatar`: `{existsWhatsapp, urlAvatar}`.
    pub fn get_avatar(&self, chat: &str) -> Result<JsonObject> {
        self.typed(Op::GetAvatar, json!({ "chatId": chat }), None)
    }

    /// `readChat`: marks the chat (or one message) read; `{setRead}`.
    pub fn read_chat(&self, chat: &str, id_message: Option<&str>) -> Result<JsonObject> {
        let mut p = json!({ "chatId": chat });
        if let Some(id) = id_message.filter(|s| !s.is_empty()) {
            p["idMessage"] = id.into();
        }
        self.typed(Op::ReadChat, p, None)
    }

    /// `archiveChat`.
    pub fn archive_chat(&self, chat: &str) -> Result<serde_json::Value> {
        self.typed(Op::ArchiveChat, json!({ "chatId": chat }), None)
    }

    /// `unarchiveChat`.
    pub fn unarchive_chat(&self, chat: &str) -> Result<serde_json::Value> {
        self.typed(Op::UnarchiveChat, json!({ "chatId": chat }), None)
    }

    /// `deleteMessage`.
    pub fn delete_message(&self, chat: &str, id_message: &str) -> Result<serde_json::Value> {
        self.typed(
            Op::DeleteMessage,
            json!({ "chatId": chat, "idMessage": id_message }),
            None,
        )
    }
}
