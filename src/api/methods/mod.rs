//! The typed API: one function per service method, grouped like the
//! service's documentation. Every answer type keeps the fields it does not
//! name in `extra`, so fields the service adds later pass through.

mod account;
mod groups;
mod journal;
mod receive;
mod send;
mod service;
mod telegram;

pub use account::*;
pub use groups::*;
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
use super::params::{params_from_text, prepare};
use super::spec::HttpMethod;

/// An answer object whose fields vary by method (`{"setRead": true}` …).
pub type JsonObject = Map<String, Value>;

impl Client {
    /// Calls any service method by name with its parameters as a JSON
    /// object text (`None`, `""` or `null` for none) and returns the answer
    /// as JSON text, unchanged. Chat ids and phone numbers in the parameters
    /// are normalized as everywhere else; a `file` parameter is a path.
    pub fn call(&self, method: &str, params_json: Option<&str>) -> Result<String> {
        let params = params_from_text(params_json).map_err(|e| e.with_method(method.trim()))?;
        self.call_params(method, params, None, None)
    }

    /// Like [`Client::call`], with the parameters as a map, an optional file
    /// in memory and, for methods this library does not know, the HTTP verb.
    pub fn call_params(
        &self,
        method: &str,
        params: Map<String, Value>,
        file: Option<FileSource>,
        http: Option<HttpMethod>,
    ) -> Result<String> {
        let req = prepare(method, params, file, http).map_err(|e| match e.method() {
            Some(_) => e,
            None => e.with_method(method.trim()),
        })?;
        self.execute(req)
    }

    /// Like [`Client::call_params`], but returns `Ok(None)` at once when
    /// `cancel` is raised (the request is abandoned).
    pub fn call_params_cancellable(
        &self,
        method: &str,
        params: Map<String, Value>,
        cancel: &super::cancel::Cancel,
    ) -> Result<Option<String>> {
        let req = prepare(method, params, None, None).map_err(|e| match e.method() {
            Some(_) => e,
            None => e.with_method(method.trim()),
        })?;
        self.execute_cancellable(req, cancel)
    }

    /// Calls a method with a serializable request and decodes the answer.
    pub(crate) fn typed<T: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
        file: Option<FileSource>,
    ) -> Result<T> {
        let params = match serde_json::to_value(params) {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            _ => {
                return Err(Error::new(
                    ErrorKind::Internal,
                    Text::new(
                        "request is not a JSON object",
                        "запрос не является JSON-объектом",
                    ),
                ))
            }
        };
        let text = self.call_params(method, params, file, None)?;
        decode(method, &text)
    }
}

/// The request of methods without parameters.
#[derive(Serialize)]
pub(crate) struct NoParams {}
