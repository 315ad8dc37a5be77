//! The sandbox's HTTP face: the sdkwa API, the control API under
//! `/sandbox/…`, and uploaded files under `/files/…`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::account;
use super::answer::{bad, error};
use super::control;
use super::faults::FaultKind;
use super::service::{self, ApiError, Input};
use super::state::{Shared, StoredFile};
use sdkwa1c::api::registry::{Messengers, ParamsIn, Scope};
use sdkwa1c::api::Op;

/// The largest request body accepted (uploads included).
const MAX_BODY: usize = 100 * 1024 * 1024;

type S = State<Arc<Shared>>;

/// All routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/sandbox/health",
            get(|| async { Json(json!({ "status": "ok" })) }),
        )
        .route(
            "/sandbox/instances",
            get(control::list_instances).post(control::create_instance),
        )
        .route("/sandbox/instances/{id}/scan", post(control::scan))
        .route("/sandbox/instances/{id}/state", post(control::set_state))
        .route(
            "/sandbox/instances/{id}/incoming",
            post(control::incoming_route),
        )
        .route(
            "/sandbox/instances/{id}/incoming/bulk",
            post(control::incoming_bulk),
        )
        .route(
            "/sandbox/instances/{id}/incoming/raw",
            post(control::incoming_raw),
        )
        .route("/sandbox/instances/{id}/echo", post(control::echo))
        .route("/sandbox/instances/{id}/queue", get(control::queue))
        .route("/sandbox/instances/{id}/messages", get(control::messages))
        .route(
            "/sandbox/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route(
            "/sandbox/faults",
            get(control::list_faults)
                .post(control::add_fault)
                .delete(control::clear_faults),
        )
        .route(
            "/sandbox/pace",
            get(control::get_pace)
                .post(control::set_pace)
                .delete(control::clear_pace),
        )
        .route("/files/{key}/{name}", get(file))
        .route("/api/v1/instance/user/{group}/{method}", any(account_api))
        .route("/{messenger}/{method}", any(api2))
        .route("/{messenger}/{id}/{method}", any(api3))
        .route("/{messenger}/{id}/{method}/{arg}", any(api4))
        .with_state(shared)
}

/// A request's head and its body (empty when unreadable or over the limit).
async fn body_of(req: Request) -> (axum::http::request::Parts, Bytes) {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

/// The messenger scope: `/{messenger}/getInstance`, without an instance or a token.
async fn api2(
    State(s): S,
    Path((messenger, method)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, bytes) = body_of(req).await;
    let op =
        Op::find(&method).filter(|op| op.name() == method && op.spec().scope == Scope::Messenger);
    s.record(json!({
        "httpMethod": parts.method.as_str(), "messenger": messenger, "method": method,
        "hasAuthorization": parts.headers.contains_key(header::AUTHORIZATION),
        "body": serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
    }));
    if let Some(resp) = injected_fault(&s, &method).await {
        return resp;
    }
    let Some(op) = op else {
        return error(404, &format!("Method {method} not found"));
    };
    if let Some(resp) = wrong_verb(op, &parts.method) {
        return resp;
    }
    if messenger != "whatsapp" && messenger != "telegram" {
        return error(404, &format!("unknown messenger {messenger}"));
    }
    // Op::GetInstance: the first instance of the sandbox account.
    let id = s
        .accounts()
        .get(super::users::DEFAULT_USER_ID)
        .and_then(|a| a.instances.keys().next().cloned())
        .unwrap_or_default();
    Json(json!({ "result": true, "data": { "instanceId": id } })).into_response()
}

/// The account API: `x-user-id` and `x-user-token`, no instance.
async fn account_api(
    State(s): S,
    Path((group, method)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (parts, bytes) = body_of(req).await;
    let name = format!("{group}/{method}");
    let h = |k: &str| {
        parts
            .headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let body: Map<String, Value> = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => m,
        _ if bytes.iter().all(u8::is_ascii_whitespace) => Map::new(),
        _ => return error(400, "the request body must be a JSON object"),
    };
    s.record(json!({
        "httpMethod": parts.method.as_str(), "method": name,
        "hasAuthorization": parts.headers.contains_key(header::AUTHORIZATION),
        "userId": h("x-user-id"), "hasUserToken": parts.headers.contains_key("x-user-token"),
        "body": body,
    }));
    if let Some(resp) = injected_fault(&s, &name).await {
        return resp;
    }
    let Some(op) =
        Op::find(&name).filter(|op| op.name() == name && op.spec().scope == Scope::Account)
    else {
        return error(404, &format!("Method {name} not found"));
    };
    if let Some(resp) = wrong_verb(op, &parts.method) {
        return resp;
    }
    match account::call(&s, op, &h("x-user-id"), &h("x-user-token"), &body) {
        Ok(v) => Json(v).into_response(),
        // The account API answers errors as {result: false, error}.
        Err(e) => {
            let code = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            (code, Json(json!({ "result": false, "error": e.message }))).into_response()
        }
    }
}

/// The answer of a fault queued for `method`, if one is (a delay answers `None`
/// after waiting: the request then goes on normally).
async fn injected_fault(s: &Shared, method: &str) -> Option<Response> {
    // Taken out of the lock before awaiting: the guard must not live across an await.
    let fault = s.faults().take(method)?;
    apply_fault(fault).await
}

/// 405 when the request's verb is not the operation's.
fn wrong_verb(op: Op, verb: &axum::http::Method) -> Option<Response> {
    (verb.as_str() != op.spec().http.as_str()).then(|| {
        error(
            405,
            &format!("Method Not Allowed: {op} takes {}", op.spec().http.as_str()),
        )
    })
}

async fn api3(
    State(s): S,
    Path((messenger, id, method)): Path<(String, String, String)>,
    req: Request,
) -> Response {
    handle(s, messenger, id, method, None, req).await
}

async fn api4(
    State(s): S,
    Path((messenger, id, method, arg)): Path<(String, String, String, String)>,
    req: Request,
) -> Response {
    handle(s, messenger, id, method, Some(arg), req).await
}

async fn handle(
    s: Arc<Shared>,
    messenger: String,
    id: String,
    method: String,
    arg: Option<String>,
    req: Request,
) -> Response {
    // The service's distance first: a rate-limited request waits too.
    let verdict = s.pace().admit();
    if !verdict.delay.is_zero() {
        tokio::time::sleep(verdict.delay).await;
    }
    if let Some(secs) = verdict.limited {
        let mut resp = error(429, "Too many requests (sandbox rate limit)");
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    let (parts, body) = req.into_parts();
    let query: HashMap<String, String> = Query::try_from_uri(&parts.uri)
        .map(|q: Query<_>| q.0)
        .unwrap_or_default();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return error(413, "request body too large"),
    };
    let headers = parts.headers;
    let op =
        Op::find(&method).filter(|op| op.name() == method && op.spec().scope == Scope::Instance);
    let input = parse_input(op, &headers, &bytes).await;
    s.record(log_entry(
        &parts.method,
        &messenger,
        &id,
        &method,
        &arg,
        &query,
        &headers,
        &input,
    ));

    if let Some(resp) = injected_fault(&s, &method).await {
        return resp;
    }
    if messenger != "whatsapp" && messenger != "telegram" {
        return error(404, &format!("unknown messenger {messenger}"));
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let known = s.instances().get(&id).map(|i| i.token == token);
    if known != Some(true) || account::is_deleted(&s, &id) {
        return error(
            401,
            "Unauthorized: unknown idInstance or wrong apiTokenInstance",
        );
    }
    let Some(op) =
        op.filter(|op| op.spec().messengers == Messengers::Any || messenger == "telegram")
    else {
        return error(404, &format!("Method {method} not found"));
    };
    if let Some(resp) = wrong_verb(op, &parts.method) {
        return resp;
    }
    let mut input = match input {
        Ok(i) => i,
        Err(e) => return error(e.status, &e.message),
    };
    input.query = query;
    input.path_arg = arg;
    match op {
        Op::ReceiveNotification => return receive(&s, &id).await,
        Op::DownloadFile => {
            let file = match s.instances().get(&id) {
                Some(inst) => service::download_file(&s, inst, &input),
                None => return error(401, "Unauthorized"),
            };
            return match file {
                Ok(f) => {
                    ([(header::CONTENT_TYPE, "application/octet-stream")], f.data).into_response()
                }
                Err(e) => error(e.status, &e.message),
            };
        }
        _ => {}
    }
    let result = {
        let mut all = s.instances();
        match all.get_mut(&id) {
            Some(inst) => service::call(&s, inst, op, input),
            None => Err(ApiError {
                status: 401,
                message: "Unauthorized".into(),
            }),
        }
    };
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e.status, &e.message),
    }
}

/// The long poll: the oldest notification, or `null` after the wait. Like
/// the service, it takes no parameter: it holds the request up to the
/// sandbox's wait (5 s unless `--wait-seconds` says otherwise).
async fn receive(s: &Arc<Shared>, id: &str) -> Response {
    let deadline = tokio::time::Instant::now() + s.default_wait;
    loop {
        let Some(notify) = s.instances().get(id).map(|i| i.notify.clone()) else {
            return error(401, "Unauthorized");
        };
        let notified = notify.notified();
        tokio::pin!(notified);
        // Enabled before the queue is looked at: a notification queued in
        // between still wakes this poll.
        notified.as_mut().enable();
        let front = s.instances().get(id).and_then(|i| {
            i.queue
                .front()
                .map(|(r, b)| (*r, b.clone(), i.raw.get(r).cloned()))
        });
        if let Some((receipt, body, raw)) = front {
            if let Some(text) = raw {
                return ([(header::CONTENT_TYPE, "application/json")], text).into_response();
            }
            return Json(json!({ "receiptId": receipt, "body": body })).into_response();
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Json(Value::Null).into_response();
        }
    }
}

async fn parse_input(
    op: Option<Op>,
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<Input, ApiError> {
    let params = op.map_or(ParamsIn::Nothing, |op| op.spec().params);
    let mut ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if let Some(boundary) = sniff_multipart_boundary(&ct, bytes) {
        ct = format!("multipart/form-data; boundary={boundary}");
    }
    let mut input = Input::default();
    if ct.starts_with("multipart/form-data") {
        let req = Request::builder()
            .header(header::CONTENT_TYPE, ct.as_str())
            .body(Body::from(bytes.clone()))
            .map_err(|e| bad(e.to_string()))?;
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| bad(format!("invalid multipart body: {e}")))?;
        while let Some(field) = mp
            .next_field()
            .await
            .map_err(|e| bad(format!("invalid multipart body: {e}")))?
        {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                let fname = field.file_name().unwrap_or("file").to_string();
                let mime = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let data = field.bytes().await.map_err(|e| bad(e.to_string()))?;
                input.file = Some(StoredFile {
                    name: fname,
                    mime,
                    data: data.to_vec(),
                });
            } else {
                let text = field.text().await.map_err(|e| bad(e.to_string()))?;
                input.json.insert(name, Value::String(text));
            }
        }
        return Ok(input);
    }
    if params == ParamsIn::RawFile {
        let name = headers
            .get("GA-Filename")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("upload.bin")
            .to_string();
        let mime = mime_guess::from_path(&name)
            .first_or_octet_stream()
            .essence_str()
            .to_string();
        input.file = Some(StoredFile {
            name,
            mime,
            data: bytes.to_vec(),
        });
        return Ok(input);
    }
    if params == ParamsIn::Json {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(bad("the request body must be a JSON object"));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => input.json = m,
            Ok(_) => return Err(bad("the request body must be a JSON object")),
            Err(e) => return Err(bad(format!("invalid JSON in the request body: {e}"))),
        }
    }
    Ok(input)
}

/// The boundary of a multipart body sent under a wrong content type.
///
/// The official Python client 1.0.4 keeps `Content-Type: application/json`
/// in its session headers, so its uploads arrive as multipart bodies labelled
/// JSON. The sandbox accepts them, as a lenient server would.
fn sniff_multipart_boundary(ct: &str, body: &[u8]) -> Option<String> {
    if ct.starts_with("multipart/") || !body.starts_with(b"--") {
        return None;
    }
    let line_end = body.windows(2).position(|w| w == b"\r\n")?;
    let boundary = std::str::from_utf8(&body[2..line_end]).ok()?;
    let next = &body[line_end + 2..];
    let looks_multipart =
        next.len() > 31 && next[..31].eq_ignore_ascii_case(b"content-disposition: form-data;");
    (looks_multipart && !boundary.is_empty() && boundary.len() <= 70).then(|| boundary.to_string())
}

#[allow(clippy::too_many_arguments)]
fn log_entry(
    http: &axum::http::Method,
    messenger: &str,
    id: &str,
    method: &str,
    arg: &Option<String>,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    input: &Result<Input, ApiError>,
) -> Value {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (body, file) = match input {
        Ok(i) => (
            Value::Object(i.json.clone()),
            i.file
                .as_ref()
                .map(|f| json!({ "name": f.name, "mime": f.mime, "size": f.data.len() })),
        ),
        Err(_) => (Value::Null, None),
    };
    json!({
        "httpMethod": http.as_str(),
        "messenger": messenger,
        "idInstance": id,
        "method": method,
        "pathArg": arg,
        "query": query,
        "hasAuthorization": headers.contains_key(header::AUTHORIZATION),
        "userId": h("x-user-id"),
        "hasUserToken": headers.contains_key("x-user-token"),
        "contentType": h("content-type"),
        "userAgent": h("user-agent"),
        "body": body,
        "file": file,
    })
}

/// Carries out a fault; `None` means "go on and answer normally" (a delay).
async fn apply_fault(f: FaultKind) -> Option<Response> {
    use futures_util::stream;
    Some(match f {
        FaultKind::Delay { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            return None;
        }
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let mut r = error(status, &format!("Injected fault: HTTP {status}"));
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            r
        }
        FaultKind::Malformed => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"idMessage\": \"unterminated",
        )
            .into_response(),
        FaultKind::WrongContentType => (
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
        )
            .into_response(),
        FaultKind::Reset => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"idMessage\":\"")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected reset",
                )),
            ];
            (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(stream::iter(chunks)),
            )
                .into_response()
        }
        FaultKind::Oversized { bytes } => {
            const CHUNK: usize = 64 * 1024;
            let filler = Bytes::from(vec![b'x'; CHUNK]);
            let n = bytes / CHUNK + 1;
            let parts =
                std::iter::once(Ok::<_, std::io::Error>(Bytes::from_static(b"{\"data\":\"")))
                    .chain((0..n).map(move |_| Ok(filler.clone())))
                    .chain(std::iter::once(Ok(Bytes::from_static(b"\"}"))));
            (
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(stream::iter(parts)),
            )
                .into_response()
        }
        FaultKind::Redirect { location } => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
            "",
        )
            .into_response(),
    })
}

async fn file(State(s): S, Path((key, _name)): Path<(String, String)>) -> Response {
    match s.files().get(&key) {
        Some(f) => ([(header::CONTENT_TYPE, f.mime.clone())], f.data.clone()).into_response(),
        None => error(404, "file not found"),
    }
}
