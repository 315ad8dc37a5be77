//! Journals: chat history and the last incoming/outgoing messages.

use serde_json::json;

use super::JsonObject;
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::registry::Op;

impl Client {
    /// `getChatHistory`: the last `count` messages of a chat, newest first.
    pub fn get_chat_history(&self, chat: &str, count: u32) -> Result<Vec<JsonObject>> {
        self.typed(
            Op::GetChatHistory,
            json!({ "chatId": chat, "count": count }),
            None,
        )
    }

    /// `getChatHistory` as JSON text, unchanged: a long history is passed
    /// through without building it in memory twice.
    pub fn get_chat_history_text(&self, chat: &str, count: u32) -> Result<String> {
        self.call_op(
            Op::GetChatHistory,
            super::object(json!({ "chatId": chat, "count": count }))?,
            None,
        )
    }

    /// `lastIncomingMessages?minutes=N`.
    pub fn last_incoming_messages(&self, minutes: u32) -> Result<Vec<JsonObject>> {
        self.typed(
            Op::LastIncomingMessages,
            json!({ "minutes": minutes }),
            None,
        )
    }

    /// `lastOutgoingMessages?minutes=N`.
    pub fn last_outgoing_messages(&self, minutes: u32) -> Result<Vec<JsonObject>> {
        self.typed(
            Op::LastOutgoingMessages,
            json!({ "minutes": minutes }),
            None,
        )
    }
}
