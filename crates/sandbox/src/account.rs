//! The sdkwa account the sandbox emulates: a user (id + token) owns
//! instances; the account API lists them with their tokens, orders new ones,
//! extends, deletes and restores them.

use serde_json::{json, Map, Value};

use super::service::ApiError;
use super::state::{now, Instance, Shared};
use super::users::{Account, Owned, DEFAULT_USER_ID};
use sdkwa1c::api::Op;

/// Registers an instance as the default user's.
pub fn adopt(s: &Shared, id: &str) {
    s.accounts()
        .entry(DEFAULT_USER_ID.to_string())
        .or_insert_with(Account::sandbox)
        .instances
        .entry(id.to_string())
        .or_insert_with(|| Owned {
            name: format!("Instance {id}"),
            tariff: "DEVELOPER".into(),
            created: iso(now()),
            deleted: None,
            expires: None,
        });
}

/// Whether `id` was deleted through the account API.
pub fn is_deleted(s: &Shared, id: &str) -> bool {
    s.accounts()
        .values()
        .any(|a| a.instances.get(id).is_some_and(|o| o.deleted.is_some()))
}

fn unauthorized() -> ApiError {
    ApiError {
        status: 401,
        message: "Unauthorized: unknown x-user-id or wrong x-user-token".into(),
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError {
        status: 400,
        message: message.into(),
    }
}

/// Runs an account operation for the user the headers name.
pub fn call(
    s: &Shared,
    op: Op,
    user: &str,
    token: &str,
    body: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let known = s.accounts().get(user).map(|a| a.token == token);
    if known != Some(true) || token.is_empty() {
        return Err(unauthorized());
    }
    match op {
        Op::GetInstances => Ok(list(s, user)),
        Op::CreateInstance => {
            let tariff = text(body, "tariff")?;
            let period = text(body, "period")?;
            let id = (1_101_000_100 + s.next_id()).to_string();
            let token = format!(
                "sandbox-token-{:016x}",
                s.next_id().wrapping_mul(0x9E37_79B9_7F4A_7C15)
            );
            s.instances()
                .insert(id.clone(), Instance::new(&id, &token, false, true));
            let mut accounts = s.accounts();
            let owned = Owned {
                name: format!("Instance {id}"),
                tariff: tariff.clone(),
                created: iso(now()),
                deleted: None,
                expires: None,
            };
            if let Some(a) = accounts.get_mut(user) {
                a.instances.insert(id.clone(), owned);
            }
            Ok(order(s, &id, &tariff, &period, "create"))
        }
        Op::ExtendInstance => {
            let id = instance_id(body)?;
            let tariff = text(body, "tariff")?;
            let period = text(body, "period")?;
            let mut accounts = s.accounts();
            let owned = accounts
                .get_mut(user)
                .and_then(|a| a.instances.get_mut(&id))
                .ok_or_else(|| bad(format!("instance {id} is not in this account")))?;
            owned.tariff = tariff.clone();
            owned.expires = Some(iso(now() + 30 * 86_400));
            drop(accounts);
            Ok(order(s, &id, &tariff, &period, "extend"))
        }
        Op::DeleteInstance | Op::RestoreInstance => {
            let id = instance_id(body)?;
            let mut accounts = s.accounts();
            let owned = accounts
                .get_mut(user)
                .and_then(|a| a.instances.get_mut(&id))
                .ok_or_else(|| bad(format!("instance {id} is not in this account")))?;
            let (key, changed) = if op == Op::DeleteInstance {
                let was = owned.deleted.is_none();
                owned.deleted.get_or_insert_with(|| iso(now()));
                ("deleteInstanceAccount", was)
            } else {
                ("restoreInstanceAccount", owned.deleted.take().is_some())
            };
            Ok(json!({ "result": true, "data": { key: changed }, "error": {} }))
        }
        _ => Err(ApiError {
            status: 404,
            message: format!("Method {op} not found"),
        }),
    }
}

fn list(s: &Shared, user: &str) -> Value {
    let accounts = s.accounts();
    let instances = s.instances();
    let data: Vec<Value> = accounts
        .get(user)
        .map(|a| {
            a.instances
                .iter()
                .map(|(id, o)| {
                    let token = instances
                        .get(id)
                        .map(|i| i.token.clone())
                        .unwrap_or_default();
                    json!({
                        "idInstance": id,
                        "apiTokenInstance": token,
                        "typeInstance": "whatsapp",
                        "timeCreated": o.created,
                        "timeDeleted": o.deleted,
                        "deleted": o.deleted.is_some(),
                        "tariff": o.tariff,
                        "expirationDate": o.expires,
                        "isExpired": false,
                        "name": o.name,
                        "typeAccount": "WA_DESKTOP",
                        "releaseType": "STABLE",
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({ "result": true, "error": {}, "data": data })
}

/// The order the service answers to a create or an extension.
fn order(s: &Shared, id: &str, tariff: &str, period: &str, kind: &str) -> Value {
    let n = s.next_id();
    json!({
        "result": true,
        "error": {},
        "data": {
            "id": format!("order-{n}"),
            "idInstance": id.parse::<u64>().unwrap_or(0),
            "orderNumber": format!("SB-{n:06}"),
            "orderDate": iso(now()),
            "typeOrder": kind,
            "tariff": { "name": tariff },
            "period": period,
            "sum": "0.00",
            "paySumm": "0.00",
            "currency": "RUB",
            "payCurrency": null,
            "payDate": null,
            "isConfirmed": true,
            "paymentURL": "",
            "typeAccount": "WA_DESKTOP",
            "releaseType": "STABLE",
            "user": { "id": DEFAULT_USER_ID },
        }
    })
}

fn text(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .ok_or_else(|| bad(format!("{key} is required")))
}

fn instance_id(body: &Map<String, Value>) -> Result<String, ApiError> {
    body.get("idInstance")
        .and_then(Value::as_u64)
        .map(|n| n.to_string())
        .ok_or_else(|| bad("idInstance must be a number"))
}

/// A Unix time as the service writes times: `2023-04-25T17:44:24`.
fn iso(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates() {
        assert_eq!(super::iso(0), "1970-01-01T00:00:00");
        assert_eq!(super::iso(1_682_444_664), "2023-04-25T17:44:24");
    }
}
