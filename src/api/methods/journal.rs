//! Journals: chat history and the last incoming/outgoing messages.

use serde_json::json;

use super::JsonObject;
use crate::api::client::Client;
use crate::api::error::Result;

impl Client {
    /// `getChatHistory`: the last `count` messages of a chat, newest first.
    pub fn get_chat_history(&self, chat: &str, count: u32) -> Result<Vec<JsonObject>> {
        self.typed(
            "getChatHistory",
            json!({ "chatId": chat, "count": count }),
            None,
        )
    }

    /// `getChatHistory` as JSON text, unchanged: a long history is passed
    /// through without building it in memory twice.
    pub fn get_chat_history_text(&self, chat: &str, count: u32) -> Result<String> {
        self.call(
            "getChatHistory",
            Some(&json!({ "chatId": chat, "count": count }).to_string()),
        )
    }

    /// `lastIncomingMessages?minutes=N`.
    pub fn last_incoming_messages(&self, minutes: u32) -> Result<Vec<JsonObject>> {
        self.typed("lastIncomingMessages", json!({ "minutes": minutes }), None)
    }

    /// `lastOutgoingMessages?minutes=N`.
    pub fn last_outgoing_messages(&self, minutes: u32) -> Result<Vec<JsonObject>> {
        self.typed("lastOutgoingMessages", json!({ "minutes": minutes }), None)
    }
}
