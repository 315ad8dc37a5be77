//! One prepared call: what the transport sends.

use std::time::Duration;

use super::file::LoadedFile;
use super::spec::{HttpMethod, MethodSpec};

/// The body of a prepared call.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// No body.
    Empty,
    /// A serialized JSON body.
    Json(Vec<u8>),
    /// A file's bytes as `application/octet-stream` (shared, not copied, by retries).
    Raw(bytes::Bytes),
    /// `multipart/form-data`: text fields plus one `file` part.
    Multipart {
        fields: Vec<(String, String)>,
        file: LoadedFile,
    },
}

/// A call ready for the transport.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The service method (for the URL and for error texts).
    pub method: String,
    /// The HTTP verb.
    pub http: HttpMethod,
    /// A path segment after the method (`deleteNotification/{receiptId}`).
    pub path_suffix: Option<String>,
    /// URL query pairs.
    pub query: Vec<(String, String)>,
    /// What is sent.
    pub body: Body,
    /// Whether the transport may repeat it on 429/5xx/connect failures.
    pub idempotent: bool,
    /// Time added to the configured timeout (the wait of a long poll).
    pub extra_timeout: Duration,
}

impl Request {
    /// A call of `spec` with no parameters yet.
    pub fn new(spec: &MethodSpec) -> Request {
        Request {
            method: spec.name.to_string(),
            http: spec.http,
            path_suffix: None,
            query: Vec::new(),
            body: Body::Empty,
            idempotent: spec.idempotent,
            extra_timeout: Duration::ZERO,
        }
    }

    /// A call of a method by name, for methods the table lacks.
    pub fn custom(name: &str, http: HttpMethod) -> Request {
        Request {
            method: name.to_string(),
            http,
            path_suffix: None,
            query: Vec::new(),
            body: Body::Empty,
            idempotent: http == HttpMethod::Get,
            extra_timeout: Duration::ZERO,
        }
    }

    /// Sets a JSON body from any serializable value.
    pub fn json(mut self, body: &impl serde::Serialize) -> Request {
        // Serializing plain structs and maps into a Vec cannot fail.
        self.body = Body::Json(serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()));
        self
    }
}
