//! The sandbox's users: who owns which instance. Plain data, held by the
//! shared state (`state.rs`) and served by the account API (`account.rs`);
//! a leaf module, so that neither of those imports the other both ways.

use std::collections::BTreeMap;

/// The sandbox account's user id (`x-user-id`).
pub const DEFAULT_USER_ID: &str = "sandbox-user";
/// The sandbox account's user token (`x-user-token`).
pub const DEFAULT_USER_TOKEN: &str = "sandbox-user-token-3e7a1c95d4b2";

/// What the account knows of one of its instances.
#[derive(Debug, Clone)]
pub struct Owned {
    /// Display name.
    pub name: String,
    /// Tariff.
    pub tariff: String,
    /// `timeCreated`.
    pub created: String,
    /// Set once deleted; the instance's API answers 401 meanwhile.
    pub deleted: Option<String>,
    /// Paid until, once extended.
    pub expires: Option<String>,
}

/// A user and the instances they own.
#[derive(Debug, Clone)]
pub struct Account {
    /// `x-user-token`.
    pub token: String,
    /// Instance id → its account data.
    pub instances: BTreeMap<String, Owned>,
}

impl Account {
    /// The default user with no instances yet.
    pub fn sandbox() -> Account {
        Account {
            token: DEFAULT_USER_TOKEN.to_string(),
            instances: BTreeMap::new(),
        }
    }
}
