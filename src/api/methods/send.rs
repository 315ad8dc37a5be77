//! Sending: text, files, locations, contacts, the send queue.

use serde::{Deserialize, Serialize};

use super::{JsonObject, NoParams};
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::file::FileSource;
use crate::api::registry::Op;

/// `sendMessage` request. `chat_id` takes a phone number in any format or a chat id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessage {
    /// Recipient: phone number or `…@c.us` / `…@g.us`.
    pub chat_id: String,
    /// The text (up to 20 000 characters).
    pub message: String,
    /// Reply to this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
    /// Archive the chat after sending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_chat: Option<bool>,
    /// Show a preview of the first link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_preview: Option<bool>,
}

impl SendMessage {
    /// A plain text to `chat`.
    pub fn new(chat: impl Into<String>, text: impl Into<String>) -> Self {
        SendMessage {
            chat_id: chat.into(),
            message: text.into(),
            ..Default::default()
        }
    }
}

/// A contact card for [`SendContact`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The contact's phone number (any format; sent as a number).
    pub phone_contact: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub middle_name: String,
    /// Last name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    /// Company.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub company: String,
}

/// `sendContact` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendContact {
    /// Recipient.
    pub chat_id: String,
    /// The card.
    pub contact: Contact,
    /// Reply to this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
}

/// `sendFileByUrl` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendFileByUrl {
    /// Recipient.
    pub chat_id: String,
    /// Where the service downloads the file from.
    pub url_file: String,
    /// The name the recipient sees (its extension sets the type).
    pub file_name: String,
    /// Text under the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Reply to this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
    /// Archive the chat after sending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_chat: Option<bool>,
}

/// `sendLocation` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendLocation {
    /// Recipient.
    pub chat_id: String,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// The place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_location: Option<String>,
    /// The place's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Reply to this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
}

/// The optional fields of `sendFileByUpload`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadOptions {
    /// The name the recipient sees; defaults to the file's own name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Text under the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Reply to this message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<String>,
}

/// `{idMessage}`: the answer of every send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    /// The new message's id.
    pub id_message: String,
    /// Other fields (`urlFile` for uploads …).
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `{urlFile}` of `uploadFile`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    /// Where the file is stored; pass it to [`Client::send_file_by_url`].
    pub url_file: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Client {
    /// `sendMessage`. Never retried: a repeated send would deliver twice.
    pub fn send_message(&self, req: &SendMessage) -> Result<SentMessage> {
        self.typed(Op::SendMessage, req, None)
    }

    /// `sendContact`.
    pub fn send_contact(&self, req: &SendContact) -> Result<SentMessage> {
        self.typed(Op::SendContact, req, None)
    }

    /// `sendFileByUrl`.
    pub fn send_file_by_url(&self, req: &SendFileByUrl) -> Result<SentMessage> {
        self.typed(Op::SendFileByUrl, req, None)
    }

    /// `sendFileByUpload`: `file_name` defaults to the file's own name.
    pub fn send_file_by_upload(
        &self,
        chat: &str,
        file: FileSource,
        file_name: Option<&str>,
        caption: Option<&str>,
    ) -> Result<SentMessage> {
        let opts = UploadOptions {
            file_name: file_name.filter(|n| !n.is_empty()).map(str::to_string),
            caption: caption.filter(|c| !c.is_empty()).map(str::to_string),
            quoted_message_id: None,
        };
        self.send_file_by_upload_with(chat, file, &opts)
    }

    /// `sendFileByUpload` with every optional field (a reply among them).
    pub fn send_file_by_upload_with(
        &self,
        chat: &str,
        file: FileSource,
        opts: &UploadOptions,
    ) -> Result<SentMessage> {
        let mut p = super::object(opts)?;
        p.insert("chatId".into(), chat.into());
        self.typed(Op::SendFileByUpload, p, Some(file))
    }

    /// `sendLocation`.
    pub fn send_location(&self, req: &SendLocation) -> Result<SentMessage> {
        self.typed(Op::SendLocation, req, None)
    }

    /// `uploadFile`: stores a file and returns its URL for later sends.
    pub fn upload_file(&self, file: FileSource) -> Result<UploadedFile> {
        self.typed(Op::UploadFile, NoParams {}, Some(file))
    }

    /// `showMessagesQueue`: messages waiting to be sent.
    pub fn show_messages_queue(&self) -> Result<Vec<JsonObject>> {
        self.typed(Op::ShowMessagesQueue, NoParams {}, None)
    }

    /// `clearMessagesQueue`: `{isCleared}`.
    pub fn clear_messages_queue(&self) -> Result<JsonObject> {
        self.typed(Op::ClearMessagesQueue, NoParams {}, None)
    }
}
