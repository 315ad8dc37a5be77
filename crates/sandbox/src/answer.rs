//! How the sandbox answers: an error as `{"message": …}` with its status, a
//! control request's JSON body, a control answer. Shared by the service's
//! routes (`http.rs`) and the control API (`control.rs`), so neither
//! imports the other.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::service::ApiError;

/// An error answer: `status` with `{"message": …}`.
pub fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(json!({ "message": message }))).into_response()
}

/// A 400 with `message`.
pub fn bad(message: impl Into<String>) -> ApiError {
    ApiError {
        status: 400,
        message: message.into(),
    }
}

/// A JSON object from a control request body (empty body = `{}`).
pub fn body_object(bytes: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad("expected a JSON object")),
    }
}

/// A control answer: 200 with JSON, or 4xx with `message`.
pub fn reply(r: Result<Value, ApiError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e.status, &e.message),
    }
}
