//! The typed API: one function per service method, grouped like the
//! service's documentation. Every answer type keeps the fields it does not
//! name in `extra`, so fields the service adds later pass through.

mod account;
mod groups;
mod instances;
mod journal;
mod receive;
mod send;
mod service;
mod telegram;

pub use account::*;
pub use groups::*;
pub use instances::*;
pub use receive::*;
pub use send::*;
pub use service::*;
pub use telegram::*;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::client::{decode, Client};
use super::error::{Error, ErrorKind, Result};
use super::file::FileSource;
use super::lang::Text;
use super::params::{params_from_text, prepare, prepare_named};
use super::registry::{HttpMethod, Op};

/// An answer object whose fields vary by method (`{"setRead": true}` …).
pub type JsonObject = Map<String, Value>;

impl Client {
    /// Calls a service operation by its registry name (`sendMessage`, any
    /// case) with its parameters as a JSON object text (`None`, `""` or
    /// `null` for none) and returns the answer as JSON text, unchanged.
    /// Chat ids and phone numbers are normalized as everywhere else; a
    /// `file` parameter is a path. A name the registry does not know is
    /// refused before any request (see [`Client::call_raw`]).
    pub fn call(&self, method: &str, params_json: Option<&str>) -> Result<String> {
        let params = params_from_text(params_json).map_err(|e| e.with_method(method.trim()))?;
        self.execute(prepare_named(method, params, None, None)?)
    }

    /// Like [`Client::call`] for an operation that answers a file's bytes
    /// (`downloadFile`); for a JSON operation, the JSON text's bytes.
    pub fn call_bytes(&self, method: &str, params_json: Option<&str>) -> Result<Vec<u8>> {
        let params = params_from_text(params_json).map_err(|e| e.with_method(method.trim()))?;
        self.execute_bytes(prepare_named(method, params, None, None)?)
    }

    /// The escape hatch: calls `method` even when the registry does not
    /// know it (a method the service added later), instance-scoped, with
    /// `http` (POST sends the parameters as JSON, GET/DELETE as the query).
    /// Only the name's characters are checked. A registry name is called as
    /// its row says, whatever `http` is.
    pub fn call_raw(
        &self,
        method: &str,
        http: HttpMethod,
        params: Map<String, Value>,
    ) -> Result<String> {
        self.execute(prepare_named(method, params, None, Some(http))?)
    }

    /// Calls `op` with its parameters as a map and, for upload operations,
    /// an optional file in memory (else the `file` parameter is a path).
    pub fn call_op(
        &self,
        op: Op,
        params: Map<String, Value>,
        file: Option<FileSource>,
    ) -> Result<String> {
        self.execute(prepare(op, params, file)?)
    }

    /// Like [`Client::call_op`], returning the answer's bytes.
    pub fn call_op_bytes(&self, op: Op, params: Map<String, Value>) -> Result<Vec<u8>> {
        self.execute_bytes(prepare(op, params, None)?)
    }

    /// Like [`Client::call_op`], but returns `Ok(None)` at once when
    /// `cancel` is raised (the request is abandoned).
    pub fn call_op_cancellable(
        &self,
        op: Op,
        params: Map<String, Value>,
        cancel: &super::cancel::Cancel,
    ) -> Result<Option<String>> {
        self.execute_cancellable(prepare(op, params, None)?, cancel)
    }

    /// Calls `op` with a serializable request and decodes the answer.
    pub(crate) fn typed<T: DeserializeOwned>(
        &self,
        op: Op,
        params: impl Serialize,
        file: Option<FileSource>,
    ) -> Result<T> {
        let text = self.call_op(op, object(params)?, file)?;
        decode(op.name(), &text)
    }
}

/// A serializable request as a JSON object (`null` = no parameters).
pub(crate) fn object(params: impl Serialize) -> Result<Map<String, Value>> {
    match serde_json::to_value(params) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(Value::Null) => Ok(Map::new()),
        _ => Err(Error::new(
            ErrorKind::Internal,
            Text::new(
                "request is not a JSON object",
                "запрос не является JSON-объектом",
            ),
        )),
    }
}

/// The request of methods without parameters.
#[derive(Serialize)]
pub(crate) struct NoParams {}
