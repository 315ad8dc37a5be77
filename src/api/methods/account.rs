//! Account and authorization: settings, state, QR, codes, profile.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{JsonObject, NoParams};
use crate::api::client::Client;
use crate::api::error::{Error, ErrorKind, Result};
use crate::api::file::FileSource;
use crate::api::lang::Text;
use crate::api::registry::Op;

/// Instance settings (`getSettings` / `setSettings`). Only the common fields
/// are named; everything else is in `extra`. Unset fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The account's own id (`79001234567@c.us`), read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wid: Option<String>,
    /// Where the service POSTs notifications; empty = use receiveNotification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Sent as `Authorization: Bearer …` with each webhook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url_token: Option<String>,
    /// Pause between queued sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_send_messages_milliseconds: Option<u64>,
    /// `yes`/`no`: mark incoming messages as read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_incoming_messages_readed: Option<String>,
    /// `yes`/`no`: notify about incoming messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incoming_webhook: Option<String>,
    /// `yes`/`no`: notify about outgoing message statuses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outgoing_webhook: Option<String>,
    /// `yes`/`no`: notify about messages sent through the API.
    #[serde(
        rename = "outgoingAPIMessageWebhook",
        skip_serializing_if = "Option::is_none"
    )]
    pub outgoing_api_message_webhook: Option<String>,
    /// `yes`/`no`: notify about state changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_webhook: Option<String>,
    /// `yes`/`no`: keep the account "online".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_online_status: Option<String>,
    /// Fields not named above.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `{saveSettings}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveSettings {
    /// Whether the settings were saved.
    pub save_settings: bool,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `{stateInstance}`: `notAuthorized`, `authorized`, `blocked`, `sleepMode`, `starting`, `yellowCard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateInstance {
    /// The state name.
    pub state_instance: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl StateInstance {
    /// `true` when the account is linked and can send.
    pub fn is_authorized(&self) -> bool {
        self.state_instance == "authorized"
    }
}

/// The `qr` answer: `type` is `qrCode` (then `message` is a base64 PNG),
/// `alreadyLogged` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QrCode {
    /// `qrCode`, `alreadyLogged` or `error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The base64 PNG, or a text for the other types.
    pub message: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `{status, code}` of `getAuthorizationCode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationCode {
    /// Whether a code was issued.
    pub status: bool,
    /// The code to type into WhatsApp ("Link with phone number").
    pub code: String,
    /// Other fields.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Client {
    /// `getSettings`.
    pub fn get_settings(&self) -> Result<Settings> {
        self.typed(Op::GetSettings, NoParams {}, None)
    }

    /// `setSettings`: only the fields set in `settings` change.
    pub fn set_settings(&self, settings: &Settings) -> Result<SaveSettings> {
        self.typed(Op::SetSettings, settings, None)
    }

    /// `getStateInstance`.
    pub fn get_state_instance(&self) -> Result<StateInstance> {
        self.typed(Op::GetStateInstance, NoParams {}, None)
    }

    /// `getWarmingPhoneStatus`.
    pub fn get_warming_phone_status(&self) -> Result<JsonObject> {
        self.typed(Op::GetWarmingPhoneStatus, NoParams {}, None)
    }

    /// `reboot`: `{isReboot}`.
    pub fn reboot(&self) -> Result<JsonObject> {
        self.typed(Op::Reboot, NoParams {}, None)
    }

    /// `logout`: `{isLogout}`; the account must be linked again afterwards.
    pub fn logout(&self) -> Result<JsonObject> {
        self.typed(Op::Logout, NoParams {}, None)
    }

    /// `qr`: the QR code to scan in WhatsApp → Linked devices.
    pub fn qr(&self) -> Result<QrCode> {
        self.typed(Op::Qr, NoParams {}, None)
    }

    /// The QR code as PNG bytes. An `alreadyLogged` answer is an error of
    /// kind `Validation` saying "the instance is already authorized"; an
    /// `error` answer is one carrying the service's text.
    pub fn qr_png(&self) -> Result<Vec<u8>> {
        let qr = self.qr()?;
        // The commonest case gets its own words: the account is already
        // linked, so there is nothing to scan (not a failure of the service).
        if qr.kind == "alreadyLogged" {
            return Err(Error::new(
                ErrorKind::Validation,
                Text::new(
                    "No QR code: the instance is already authorized (the service answered alreadyLogged: its account is linked; to link another, log the instance out first with logout)",
                    "QR-код не получен: инстанс уже авторизован (сервис ответил alreadyLogged: аккаунт привязан; чтобы привязать другой, сначала разлогиньте инстанс методом logout)",
                ),
            )
            .with_method(Op::Qr.name()));
        }
        if qr.kind != "qrCode" {
            return Err(Error::new(
                ErrorKind::Validation,
                Text::new(
                    format!(
                        "No QR code: the service answered \"{}\": {}",
                        qr.kind, qr.message
                    ),
                    format!(
                        "QR-код не получен: сервис ответил \"{}\": {}",
                        qr.kind, qr.message
                    ),
                ),
            )
            .with_method(Op::Qr.name()));
        }
        let b64 = qr.message.rsplit(',').next().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| {
                Error::new(
                    ErrorKind::Decode,
                    Text::new(
                        format!("The QR code is not valid base64: {e}"),
                        format!("QR-код не является корректным base64: {e}"),
                    ),
                )
                .with_method(Op::Qr.name())
            })
    }

    /// `getAuthorizationCode`: link by phone number instead of a QR code.
    pub fn get_authorization_code(&self, phone: &str) -> Result<AuthorizationCode> {
        self.typed(
            Op::GetAuthorizationCode,
            json!({ "phoneNumber": phone }),
            None,
        )
    }

    /// `requestRegistrationCode`: `method` is `sms` or `voice`.
    pub fn request_registration_code(&self, phone: &str, method: &str) -> Result<JsonObject> {
        self.typed(
            Op::RequestRegistrationCode,
            json!({ "phoneNumber": phone, "method": method }),
            None,
        )
    }

    /// `sendRegistrationCode`: the code received by SMS or call.
    pub fn send_registration_code(&self, code: &str) -> Result<JsonObject> {
        self.typed(Op::SendRegistrationCode, json!({ "code": code }), None)
    }

    /// `getPairingCode`: a code to type on the phone ("Link with phone
    /// number") instead of scanning the QR code.
    pub fn get_pairing_code(&self, phone: &str) -> Result<JsonObject> {
        self.typed(Op::GetPairingCode, json!({ "phoneNumber": phone }), None)
    }

    /// `requestAuthorizationCode`: asks the service to send an
    /// authorization code (`method` e.g. `sms`).
    pub fn request_authorization_code(&self, phone: &str, method: &str) -> Result<JsonObject> {
        self.typed(
            Op::RequestAuthorizationCode,
            json!({ "phoneNumber": phone, "method": method }),
            None,
        )
    }

    /// `/{messenger}/getInstance`: information about the instance (no
    /// instance id in the path and, per the service's description, no token).
    pub fn get_instance(&self) -> Result<JsonObject> {
        self.typed(Op::GetInstance, NoParams {}, None)
    }

    /// `setProfileName`.
    pub fn set_profile_name(&self, name: &str) -> Result<JsonObject> {
        self.typed(Op::SetProfileName, json!({ "name": name }), None)
    }

    /// `setProfileStatus`.
    pub fn set_profile_status(&self, status: &str) -> Result<JsonObject> {
        self.typed(Op::SetProfileStatus, json!({ "status": status }), None)
    }

    /// `setProfilePicture`: a JPEG or PNG.
    pub fn set_profile_picture(&self, file: FileSource) -> Result<JsonObject> {
        self.typed(Op::SetProfilePicture, NoParams {}, Some(file))
    }
}
