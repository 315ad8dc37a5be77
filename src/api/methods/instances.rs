//! The account API: the user's instances, by the account's user id and
//! token (`x-user-id`, `x-user-token`), without any instance token.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{JsonObject, NoParams};
use crate::api::client::Client;
use crate::api::error::Result;
use crate::api::registry::Op;
use crate::api::secret::Secret;

/// One instance of the account, as `instances/list` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    /// The instance id (a string here, a number in the other account calls).
    #[serde(deserialize_with = "id_text")]
    pub id_instance: String,
    /// The instance's API token (hidden from `Debug`).
    pub api_token_instance: Secret,
    /// `whatsapp` or `telegram`.
    #[serde(default)]
    pub type_instance: String,
    /// The instance's name in the account.
    #[serde(default)]
    pub name: String,
    /// The tariff.
    #[serde(default)]
    pub tariff: String,
    /// Deleted (restorable with [`Client::restore_instance`]).
    #[serde(default)]
    pub deleted: bool,
    /// Payment overdue.
    #[serde(default)]
    pub is_expired: bool,
    /// Other fields (`timeCreated`, `expirationDate`, …).
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The answer of `instances/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instances {
    /// Whether the service answered the list.
    pub result: bool,
    /// The instances.
    #[serde(default)]
    pub data: Vec<InstanceInfo>,
    /// Other fields (`error`).
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The order of a new or extended instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceOrder {
    /// The tariff (`DEVELOPER`, `BUSINESS`, …).
    pub tariff: String,
    /// The period (`month1`, `month3`, `month6`, `month12`, `day1`, `infinitely`).
    pub period: String,
    /// How it is paid, when the account offers a choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<String>,
}

fn id_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "idInstance: expected a string or a number, got {other}"
        ))),
    }
}

impl Client {
    /// `instances/list`: every instance of the account, with its token.
    /// Needs `user_id` and `user_token` in the configuration; no instance.
    pub fn get_instances(&self) -> Result<Instances> {
        self.typed(Op::GetInstances, NoParams {}, None)
    }

    /// `instance/createByOrder`: orders a new instance.
    pub fn create_instance(&self, order: &InstanceOrder) -> Result<JsonObject> {
        self.typed(Op::CreateInstance, order, None)
    }

    /// `instance/extendByOrder`: extends a paid instance.
    pub fn extend_instance(&self, id_instance: u64, order: &InstanceOrder) -> Result<JsonObject> {
        let mut p = super::object(order)?;
        p.insert("idInstance".into(), id_instance.into());
        self.typed(Op::ExtendInstance, p, None)
    }

    /// `instance/delete`.
    pub fn delete_instance(&self, id_instance: u64) -> Result<JsonObject> {
        self.typed(
            Op::DeleteInstance,
            json!({ "idInstance": id_instance }),
            None,
        )
    }

    /// `instance/restore`.
    pub fn restore_instance(&self, id_instance: u64) -> Result<JsonObject> {
        self.typed(
            Op::RestoreInstance,
            json!({ "idInstance": id_instance }),
            None,
        )
    }
}
