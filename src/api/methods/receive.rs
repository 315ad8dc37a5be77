//! Receiving: the notification queue and file downloads.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::JsonObject;
use crate::api::cancel::Cancel;
use crate::api::client::{decode, Client};
use crate::api::error::Result;
use crate::api::registry::Op;

/// One queued notification: hand it over, then delete it by `receipt_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The id to pass to [`Client::delete_notification`].
    pub receipt_id: i64,
    /// The webhook body.
    pub body: NotificationBody,
}

/// A webhook body: the same object the service POSTs to a webhook URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationBody {
    /// `incomingMessageReceived`, `outgoingMessageStatus`, `stateInstanceChanged`, …
    pub type_webhook: String,
    /// Unix time in seconds.
    #[serde(default)]
    pub timestamp: i64,
    /// The message id for message notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_message: Option<String>,
    /// `instanceData`, `senderData`, `messageData`, … as sent.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl NotificationBody {
    /// The text of a text message (`textMessage` or `extendedTextMessage`), if it is one.
    pub fn text(&self) -> Option<&str> {
        let md = self.extra.get("messageData")?;
        md.pointer("/textMessageData/textMessage")
            .or_else(|| md.pointer("/extendedTextMessageData/text"))
            .and_then(|v| v.as_str())
    }

    /// The chat the message came from or went to.
    pub fn chat_id(&self) -> Option<&str> {
        self.extra.get("senderData")?.get("chatId")?.as_str()
    }
}

impl Client {
    /// `receiveNotification`: the oldest queued notification, waiting up to
    /// `wait` (at most 60 s, longer is refused) for one to arrive; `None`
    /// when none came.
    /// The same notification comes again until it is deleted.
    ///
    /// The service takes no wait parameter: it holds each request up to 5 s
    /// when the queue is empty. A longer `wait` polls again on this side
    /// until it has passed, so a call may take up to 5 s more than `wait`
    /// (and up to 5 s with `wait` zero).
    pub fn receive_notification(&self, wait: Duration) -> Result<Option<Notification>> {
        let text = self.receive_notification_text(wait)?;
        decode(Op::ReceiveNotification.name(), &text)
    }

    /// Like [`Client::receive_notification`], returning the JSON text
    /// unchanged (`null` when nothing came).
    pub fn receive_notification_text(&self, wait: Duration) -> Result<String> {
        self.call_op(Op::ReceiveNotification, wait_params(wait), None)
    }

    /// Like [`Client::receive_notification_text`], but gives up at once
    /// (`Ok(None)`) when `cancel` is raised: for background receivers that
    /// must stop promptly.
    pub fn receive_notification_cancellable(
        &self,
        wait: Duration,
        cancel: &Cancel,
    ) -> Result<Option<String>> {
        self.call_op_cancellable(Op::ReceiveNotification, wait_params(wait), cancel)
    }

    /// `deleteNotification/{receiptId}`: `{result}`.
    pub fn delete_notification(&self, receipt_id: i64) -> Result<JsonObject> {
        self.typed(
            Op::DeleteNotification,
            json!({ "receiptId": receipt_id }),
            None,
        )
    }

    /// `downloadFile/{idMessage}`: the bytes of a message's file (the
    /// service answers `application/octet-stream`). `chat` takes a phone
    /// number in any format or a chat id.
    pub fn download_file(&self, chat: &str, id_message: &str) -> Result<Vec<u8>> {
        self.call_op_bytes(
            Op::DownloadFile,
            super::object(json!({ "chatId": chat, "idMessage": id_message }))?,
        )
    }
}

/// The client-side wait as the registry's `receiveTimeout` field: a wait
/// over 60 s is refused there, as in every face, not shortened silently.
fn wait_params(wait: Duration) -> serde_json::Map<String, serde_json::Value> {
    let mut params = serde_json::Map::new();
    params.insert("receiveTimeout".into(), wait.as_secs().into());
    params
}
