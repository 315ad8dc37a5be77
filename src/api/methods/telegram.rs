//! Telegram-only methods: app creation and sign-in by confirmation code.

use serde::Serialize;
use serde_json::json;

use super::JsonObject;
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::registry::Op;

/// `createApp` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApp {
    /// Application title.
    pub title: String,
    /// Short name.
    pub short_name: String,
    /// Application URL.
    pub url: String,
    /// Description.
    pub description: String,
}

impl Client {
    /// `createApp` (Telegram instances).
    pub fn create_app(&self, req: &CreateApp) -> Result<JsonObject> {
        self.typed(Op::CreateApp, req, None)
    }

    /// `sendConfirmationCode` (Telegram instances).
    pub fn send_confirmation_code(&self, phone: &str) -> Result<JsonObject> {
        self.typed(
            Op::SendConfirmationCode,
            json!({ "phoneNumber": phone }),
            None,
        )
    }

    /// `signInWithConfirmationCode` (Telegram instances).
    pub fn sign_in_with_confirmation_code(&self, code: &str) -> Result<JsonObject> {
        self.typed(
            Op::SignInWithConfirmationCode,
            json!({ "code": code }),
            None,
        )
    }
}
