//! One prepared call: what the transport sends.

use std::time::Duration;

use super::file::LoadedFile;
use super::registry::{Answer, Auth, HttpMethod, Kind, Messengers, Op, Scope};

/// The body of a prepared call.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// No body.
    Empty,
    /// A serialized JSON body (shared, not copied, by each send and retry).
    Json(bytes::Bytes),
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
    /// The registry's operation; `None` for a method the registry does not
    /// know (the escape hatch), sent instance-scoped with the instance token.
    pub op: Option<Op>,
    /// The wire name (for the URL and for error texts).
    pub name: std::borrow::Cow<'static, str>,
    /// The HTTP verb.
    pub http: HttpMethod,
    /// Where the URL lives.
    pub scope: Scope,
    /// Which credentials go with it.
    pub auth: Auth,
    /// Which messengers have it.
    pub messengers: Messengers,
    /// JSON or the bytes of a file.
    pub answer: Answer,
    /// A path segment after the name (`deleteNotification/{receiptId}`).
    pub path_suffix: Option<String>,
    /// URL query pairs.
    pub query: Vec<(String, String)>,
    /// What is sent.
    pub body: Body,
    /// Whether the transport may repeat it on 429/5xx/connect failures.
    pub retry: bool,
    /// How long the client keeps polling again for an answer that is not
    /// `null` (`receiveNotification`'s wait, kept on the client side).
    pub client_wait: Option<Duration>,
}

/// What the service may spend waiting before it answers a long poll:
/// `receiveNotification` holds the request up to 5 s when the queue is empty.
pub(crate) const SERVICE_POLL_WAIT: Duration = Duration::from_secs(5);

impl Request {
    /// A call of `op` with no parameters yet.
    pub fn new(op: Op) -> Request {
        let spec = op.spec();
        Request {
            op: Some(op),
            // The registry's own name: no copy per call.
            name: spec.name.into(),
            http: spec.http,
            scope: spec.scope,
            auth: spec.auth,
            messengers: spec.messengers,
            answer: spec.answer,
            path_suffix: None,
            query: Vec::new(),
            body: Body::Empty,
            retry: spec.retry,
            client_wait: None,
        }
    }

    /// A call of a method by name, for methods the registry lacks.
    pub fn custom(name: &str, http: HttpMethod) -> Request {
        Request {
            op: None,
            name: name.to_string().into(),
            http,
            scope: Scope::Instance,
            auth: Auth::Instance,
            messengers: Messengers::Any,
            answer: Answer::Json,
            path_suffix: None,
            query: Vec::new(),
            body: Body::Empty,
            retry: http == HttpMethod::Get,
            client_wait: None,
        }
    }

    /// Time the service itself may hold this request before answering:
    /// a long poll, which the registry marks by its client-side wait field.
    pub fn server_wait(&self) -> Duration {
        let long_poll = self
            .op
            .is_some_and(|op| op.spec().fields.iter().any(|f| f.kind == Kind::ClientWait));
        if long_poll {
            SERVICE_POLL_WAIT
        } else {
            Duration::ZERO
        }
    }

    /// Sets a JSON body from any serializable value.
    pub fn json(mut self, body: &impl serde::Serialize) -> Request {
        // Serializing plain structs and maps into a Vec cannot fail.
        let json = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        self.body = Body::Json(json.into());
        self
    }
}
