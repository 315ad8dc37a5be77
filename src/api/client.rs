//! The HTTP transport: reqwest's async client driven synchronously on the
//! caller's thread, retries, time limits, size limits and error mapping.
//!
//! Why not `reqwest::blocking`: it runs a hidden runtime thread per client
//! and hands every request over a channel (measured 1.3–1.5× the raw round
//! trip against 1.14–1.2× for `block_on` on the caller's thread; how it was
//! measured: docs/architecture.md). A thread of our own inside the 1C process
//! would also outlive an unloaded add-in. Here a current-thread runtime owned
//! by the client is driven by whichever thread calls; tokio lets several
//! threads `block_on` the same current-thread runtime at once (one drives
//! the I/O, the others are woken by it), so a client may be shared.
//!
//! Names are resolved by [`ThreadResolver`]: `getaddrinfo` on a thread of
//! its own per lookup, never on tokio's blocking pool, so dropping a client
//! (a property write, Done/DestroyObject, `sdkwa_client_free`) never waits
//! for a hung DNS server (see `resolve.rs` for why, and why not hickory).
//!
//! The call's time limit (`timeout`, 1C's `Таймаут`) is a deadline for the
//! whole call: every attempt, every retry and every wait between them.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;

use super::cancel::Cancel;
use super::config::Config;
use super::error::{Error, ErrorKind, Result};
use super::lang::Text;
use super::redact;
use super::registry::{Answer, Auth, HttpMethod, Messengers, Scope};
use super::request::{Body, Request};
use super::resolve::ThreadResolver;

/// Redirects followed within one attempt.
const MAX_REDIRECTS: usize = 5;
/// The longest `Retry-After` the client waits for before giving up.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// First backoff step; it doubles each retry.
const BACKOFF_BASE: Duration = Duration::from_millis(200);

/// A synchronous sdkwa client. Cheap to share between threads (`&Client`
/// or `Arc<Client>`); every method blocks the calling thread until the
/// answer arrives or the time limit passes. Do not call it from inside an
/// async runtime.
pub struct Client {
    config: Config,
    /// The bases of the three URL scopes, parsed once: parsing a URL per
    /// request cost a quarter of the client's instructions (callgrind).
    urls: Bases,
    /// The credentials as header values (marked sensitive), built once.
    auth: Credentials,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    /// The name lookups of `http` (released in `Drop`, never waited for).
    resolver: Arc<ThreadResolver>,
    /// Keeps this client's secrets in the redaction step while it lives
    /// (declared last: dropped after everything that could still report).
    _secrets: redact::Registration,
}

/// `{apiUrl}/{messenger}/{idInstance}`, `{apiUrl}/{messenger}` and `{apiUrl}/api/v1/instance/user`.
struct Bases {
    /// `None` while no idInstance is configured (an account-only client).
    instance: Option<reqwest::Url>,
    messenger: reqwest::Url,
    telegram_instance: Option<reqwest::Url>,
    account: reqwest::Url,
}

/// Header values of the configured credentials.
struct Credentials {
    bearer: Option<HeaderValue>,
    user_id: Option<HeaderValue>,
    user_token: Option<HeaderValue>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Before the runtime goes: a lookup still hung keeps the library loaded.
        self.resolver.release();
    }
}

/// Hooks of the batch engine (`batch.rs`), which decides itself what may be
/// repeated: one attempt without the client's own retries, and a way to
/// drive several of them at once on the client's runtime.
impl Client {
    /// Runs `f` to completion on the client's runtime, on the calling thread.
    pub(crate) fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// One attempt of `req` (redirects within the origin followed, nothing
    /// repeated). Errors are redacted.
    pub(crate) async fn attempt_once(&self, req: &Request) -> Attempt {
        let (result, retry_after, not_delivered) = match self.check_credentials(req) {
            Err(e) => (Err(e), None, true),
            Ok(()) => match self.send_once_within(req).await {
                Ok(a) => {
                    let retry_after = a.retry_after;
                    let r = self.finish(req, a).and_then(|b| body_text(&req.name, b));
                    (r, retry_after, false)
                }
                Err(e) => {
                    // Only a failed connect proves the request never left: a
                    // reset or a timeout after it was written may follow an
                    // accepted send.
                    let connect = e.not_delivered();
                    (Err(e), None, connect)
                }
            },
        };
        Attempt {
            // Errors are scrubbed of the client's secrets where they are built.
            result,
            retry_after,
            not_delivered,
        }
    }
}

/// What one attempt of the batch engine produced.
pub(crate) struct Attempt {
    /// The answer's JSON text, or the error.
    pub result: Result<String>,
    /// The answer's `Retry-After`, when it had one.
    pub retry_after: Option<Duration>,
    /// The request certainly did not reach the service (refused before
    /// sending, or the connection could not be made).
    pub not_delivered: bool,
}

/// What one HTTP exchange produced.
struct HttpAnswer {
    status: u16,
    retry_after: Option<Duration>,
    location: Option<String>,
    body: Vec<u8>,
}

impl Client {
    /// Validates `config` and prepares the connection pool. Nothing is sent yet.
    pub fn new(config: Config) -> Result<Client> {
        // Registered first, so that even a validation error cannot quote a secret.
        let secrets = redact::register(config.secrets());
        config.validate()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    Text::new(
                        "Cannot start the I/O runtime",
                        "Не удалось запустить среду ввода-вывода",
                    ),
                )
                .with_source(e)
            })?;
        let resolver = Arc::new(ThreadResolver::default());
        let http = build_http(&config, resolver.clone())?;
        let urls = bases(&config)?;
        let auth = credentials(&config)?;
        Ok(Client {
            config,
            urls,
            auth,
            http,
            runtime,
            resolver,
            _secrets: secrets,
        })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends a prepared call and returns the answer as validated JSON text
    /// (`null` for an empty answer). The text is passed through unchanged:
    /// no `serde_json::Value` is built, so a large answer costs its own size.
    pub(crate) fn execute(&self, req: Request) -> Result<String> {
        // Errors are scrubbed of this client's secrets where they are built (`Error::new`).
        self.runtime.block_on(self.execute_text(&req))
    }

    /// Sends a prepared call and returns the answer's bytes as they came
    /// (a downloaded file; for a JSON operation, the JSON text's bytes).
    pub(crate) fn execute_bytes(&self, req: Request) -> Result<Vec<u8>> {
        self.runtime.block_on(self.execute_async(&req))
    }

    /// Like [`Client::execute`], but returns `Ok(None)` as soon as `cancel`
    /// is raised, abandoning the request.
    pub(crate) fn execute_cancellable(
        &self,
        req: Request,
        cancel: &Cancel,
    ) -> Result<Option<String>> {
        if cancel.is_cancelled() {
            return Ok(None);
        }
        self.runtime.block_on(async {
            tokio::select! {
                r = self.execute_text(&req) => r.map(Some),
                _ = cancel.cancelled() => Ok(None),
            }
        })
    }

    /// The JSON text of the answer. A call with a client-side wait
    /// (`receiveNotification`) polls again while the answer is `null` and
    /// the wait has time left: the service itself holds each poll up to 5 s
    /// and takes no parameter for a longer wait.
    async fn execute_text(&self, req: &Request) -> Result<String> {
        if req.answer == Answer::Bytes {
            return Err(Error::invalid_argument(
                "method",
                &format!("{} answers a file's bytes, not JSON: use sdkwa_call_bytes (C) or СкачатьФайл (1C)", req.name),
                &format!("{} возвращает байты файла, а не JSON: используйте sdkwa_call_bytes (C) или СкачатьФайл (1С)", req.name),
            )
            .with_method(&req.name));
        }
        let deadline = req.client_wait.map(|w| tokio::time::Instant::now() + w);
        loop {
            let text = body_text(&req.name, self.execute_async(req).await?)?;
            match deadline {
                Some(d) if text == "null" && tokio::time::Instant::now() < d => continue,
                _ => return Ok(text),
            }
        }
    }

    /// Sends `req`, retrying the operations the registry marks safe, all
    /// within one deadline: the configured timeout (plus the wait the service
    /// may hold a long poll) bounds the whole attempt series.
    async fn execute_async(&self, req: &Request) -> Result<Vec<u8>> {
        self.check_credentials(req)?;
        let deadline = tokio::time::Instant::now() + self.budget(req);
        let mut attempt: u32 = 0;
        loop {
            let result = match tokio::time::timeout_at(deadline, self.send_once(req)).await {
                Ok(r) => r,
                Err(_) => Err(timed_out(&req.name)),
            };
            let retry_wait = match &result {
                Ok(a) if a.status == 429 || a.status >= 500 => {
                    Some(a.retry_after.unwrap_or_else(|| backoff(attempt)))
                }
                Err(e) if matches!(e.kind(), ErrorKind::Connect | ErrorKind::Timeout) => {
                    Some(backoff(attempt))
                }
                _ => None,
            };
            let may_retry = req.retry && attempt < self.config.max_retries;
            if let (Some(wait), true) = (retry_wait, may_retry) {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                if wait <= left.min(MAX_RETRY_AFTER) {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
                // The service named a wait the call cannot afford: end now and say when.
                if let Ok(a) = &result {
                    if a.retry_after.is_some() {
                        return Err(retry_later(&req.name, a.status, wait));
                    }
                }
            }
            return self.finish(req, result?);
        }
    }

    /// Refuses a call whose credentials are not configured, before anything is sent.
    fn check_credentials(&self, req: &Request) -> Result<()> {
        let missing = |param: &str, en: &str, ru: &str| {
            Err(Error::invalid_argument(param, en, ru).with_method(&req.name))
        };
        if req.scope == Scope::Instance && self.urls.instance.is_none() {
            return missing(
                "idInstance",
                "this method needs the instance id (IdInstance) from the sdkwa account",
                "для этого метода нужен идентификатор инстанса (IdInstance) из личного кабинета sdkwa",
            );
        }
        match req.auth {
            Auth::Instance if self.auth.bearer.is_none() => missing(
                "apiToken",
                "this method needs the instance token (ApiToken) from the sdkwa account",
                "для этого метода нужен токен инстанса (ApiToken) из личного кабинета sdkwa",
            ),
            Auth::Account if self.auth.user_id.is_none() || self.auth.user_token.is_none() => missing(
                "userToken",
                "the account API needs the account's user id and user token (UserId and UserToken, from the sdkwa account's access settings)",
                "методам учётной записи нужны идентификатор и токен пользователя (ИдентификаторПользователя и ТокенПользователя из настроек доступа личного кабинета sdkwa)",
            ),
            _ if req.messengers == Messengers::TelegramOnly
                && self.config.messenger != super::config::Messenger::Telegram =>
            {
                missing(
                    "messenger",
                    "this is a Telegram method: set the messenger to telegram (Мессенджер/Messenger)",
                    "это метод Telegram: установите Мессенджер = \"telegram\"",
                )
            }
            _ => Ok(()),
        }
    }

    /// Turns an answer into its body or the matching error.
    fn finish(&self, req: &Request, a: HttpAnswer) -> Result<Vec<u8>> {
        if (200..300).contains(&a.status) {
            return Ok(a.body);
        }
        if (300..400).contains(&a.status) {
            let to = a.location.unwrap_or_default();
            return Err(Error::new(
                ErrorKind::Http,
                Text::new(
                    format!("The service redirected the request to another address ({to}); it was not followed, so the token was not sent there"),
                    format!("Сервис перенаправил запрос на другой адрес ({to}); переход не выполнен, токен туда не отправлен"),
                ),
            )
            .with_method(&req.name)
            .with_status(a.status));
        }
        Err(Error::from_status(
            &req.name,
            a.status,
            service_message(&a.body),
        ))
    }

    /// How long one call of `req` may take: the configured timeout plus the
    /// wait the service itself holds a long poll.
    fn budget(&self, req: &Request) -> Duration {
        self.config.timeout + req.server_wait()
    }

    /// [`Client::send_once`] bounded by the client's timeout (plus the
    /// server-side wait of a long poll), for the batch engine's attempts.
    /// The bound is a timer around the attempt, not reqwest's per-request
    /// timeout: one timer per call instead of two ([`Client::execute_async`]
    /// has its own around all attempts), and the same `Timeout` error either way.
    async fn send_once_within(&self, req: &Request) -> Result<HttpAnswer> {
        match tokio::time::timeout(self.budget(req), self.send_once(req)).await {
            Ok(r) => r,
            Err(_) => Err(timed_out(&req.name)),
        }
    }

    /// One attempt, following redirects within the same origin. reqwest's
    /// own redirect policy is off, so the rule that keeps the token at home
    /// lives here, in one place: a redirect to another origin is returned as
    /// it is, and [`Client::finish`] reports it without following.
    /// (Measured: reqwest 0.12.28 and 0.13.5 re-parse the URL twice per
    /// request in their redirect layer whatever the policy, ~14k instructions
    /// of the ~74k a sendMessage through the add-in costs; only reqwest itself
    /// can drop that.)
    async fn send_once(&self, req: &Request) -> Result<HttpAnswer> {
        let mut hop = Hop {
            http: req.http,
            first: true,
            body: true,
        };
        // Where the last redirect pointed; `None`: the request's own URL,
        // built afresh rather than cloned, so a call that is not redirected
        // (nearly all) builds its URL once and hands it to reqwest.
        let mut redirected: Option<reqwest::Url> = None;
        for _ in 0..=MAX_REDIRECTS {
            let target = match &redirected {
                Some(u) => u.clone(),
                None => self.request_url(req),
            };
            let answer = self.send_to(req, target, hop).await?;
            if !(300..400).contains(&answer.status) {
                return Ok(answer);
            }
            let url = redirected.take().unwrap_or_else(|| self.request_url(req));
            let next = answer.location.as_deref().and_then(|l| url.join(l).ok());
            let Some(next) = next.filter(|n| same_origin(&url, n)) else {
                return Ok(answer);
            };
            // 307/308 repeat the request as it was; the older codes turn it into a GET.
            if !matches!(answer.status, 307 | 308) && hop.http != HttpMethod::Get {
                hop.http = HttpMethod::Get;
                hop.body = false;
            }
            hop.first = false;
            redirected = Some(next);
        }
        Err(Error::new(
            ErrorKind::Http,
            Text::new(
                format!("The service redirected the request more than {MAX_REDIRECTS} times"),
                format!("Сервис перенаправил запрос больше {MAX_REDIRECTS} раз"),
            ),
        )
        .with_method(&req.name))
    }

    /// The URL of `req` itself: the base of its scope plus its path.
    fn request_url(&self, req: &Request) -> reqwest::Url {
        let base = match (req.scope, req.messengers) {
            (Scope::Instance, Messengers::TelegramOnly) => self.urls.telegram_instance.as_ref(),
            (Scope::Instance, Messengers::Any) => self.urls.instance.as_ref(),
            (Scope::Messenger, _) => Some(&self.urls.messenger),
            (Scope::Account, _) => Some(&self.urls.account),
        };
        // check_credentials refused instance calls without an instance base.
        let mut url = base.unwrap_or(&self.urls.messenger).clone();
        if let Ok(mut path) = url.path_segments_mut() {
            // Names may span segments ("instances/list", a custom "a/b"): one segment per part.
            path.extend(req.name.split('/'));
            if let Some(suffix) = &req.path_suffix {
                path.push(suffix);
            }
        }
        url
    }

    async fn send_to(&self, req: &Request, url: reqwest::Url, hop: Hop) -> Result<HttpAnswer> {
        let mut rb = match hop.http {
            HttpMethod::Get => self.http.get(url),
            HttpMethod::Post => self.http.post(url),
            HttpMethod::Delete => self.http.delete(url),
        };
        // A redirect's Location carries its own query.
        if hop.first && !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        // Header names and fixed values as constants: given as text, each is
        // parsed (a value also copied) again on every call.
        const X_USER_ID: HeaderName = HeaderName::from_static("x-user-id");
        const X_USER_TOKEN: HeaderName = HeaderName::from_static("x-user-token");
        let auth = match req.auth {
            Auth::Instance => [(AUTHORIZATION, &self.auth.bearer), (AUTHORIZATION, &None)],
            Auth::Account => [
                (X_USER_ID, &self.auth.user_id),
                (X_USER_TOKEN, &self.auth.user_token),
            ],
            Auth::None => [(AUTHORIZATION, &None), (AUTHORIZATION, &None)],
        };
        for (name, value) in auth {
            if let Some(v) = value {
                rb = rb.header(name, v.clone());
            }
        }
        let body = if hop.body { &req.body } else { &Body::Empty };
        rb = match body {
            Body::Empty => rb,
            Body::Json(bytes) => rb
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            Body::Raw(bytes) => rb
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/octet-stream"),
                )
                .body(bytes.clone()),
            Body::Multipart { fields, file } => {
                let part = reqwest::multipart::Part::stream_with_length(
                    file.data.clone(),
                    file.data.len() as u64,
                )
                .file_name(file.file_name.clone())
                .mime_str(&file.mime)
                .unwrap_or_else(|_| {
                    reqwest::multipart::Part::stream_with_length(
                        file.data.clone(),
                        file.data.len() as u64,
                    )
                    .file_name(file.file_name.clone())
                });
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in fields {
                    form = form.text(k.clone(), v.clone());
                }
                rb.multipart(form.part("file", part))
            }
        };
        let mut resp = rb.send().await.map_err(|e| transport_error(&req.name, e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let limit = self.config.max_response_bytes;
        if resp.content_length().is_some_and(|n| n as usize > limit) {
            return Err(too_large(&req.name, limit));
        }
        // Sized once from Content-Length for the usual small answer; not
        // more than 1 MiB ahead of the bytes actually received, whatever a
        // server announces.
        let announced = resp.content_length().map_or(0, |n| n as usize);
        let mut body = Vec::with_capacity(announced.min(1 << 20));
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| transport_error(&req.name, e))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large(&req.name, limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpAnswer {
            status,
            retry_after,
            location,
            body,
        })
    }
}

/// How the next request of one attempt is sent.
#[derive(Clone, Copy)]
struct Hop {
    http: HttpMethod,
    /// The first request (not a redirect): the query is added to the URL.
    first: bool,
    /// The body is sent (not after a redirect that turned the request into a GET).
    body: bool,
}

/// Same scheme, host and port: the `Authorization` header may go there.
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The call's deadline passed (`timeout`, 1C's `Таймаут`).
fn timed_out(method: &str) -> Error {
    Error::new(
        ErrorKind::Timeout,
        Text::new(
            "No answer within the timeout (Timeout): the service or the network is slow",
            "Нет ответа за отведённое время (Таймаут): сервис или сеть работают медленно",
        ),
    )
    .with_method(method)
}

/// The service asked (`Retry-After`) for a longer wait than the call has left.
fn retry_later(method: &str, status: u16, wait: Duration) -> Error {
    let secs = wait.as_secs();
    let at = std::time::SystemTime::now() + wait;
    let day = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 86_400);
    let clock = format!("{:02}:{:02}:{:02} UTC", day / 3600, day / 60 % 60, day % 60);
    Error::new(
        ErrorKind::RateLimited,
        Text::new(
            format!("The service ({status}) asks to retry in {secs} s (Retry-After), longer than this call may still wait (what is left of its Timeout, never more than {} s): try again after {clock}", MAX_RETRY_AFTER.as_secs()),
            format!("Сервис ({status}) просит повторить через {secs} с (Retry-After) — дольше, чем вызов ещё может ждать (остаток Таймаута, не больше {} с): повторите после {clock}", MAX_RETRY_AFTER.as_secs()),
        ),
    )
    .with_method(method)
    .with_status(status)
    .with_retry_after(u32::try_from(secs).unwrap_or(u32::MAX))
}

fn backoff(attempt: u32) -> Duration {
    BACKOFF_BASE * 2u32.saturating_pow(attempt.min(5))
}

fn too_large(method: &str, limit: usize) -> Error {
    Error::new(
        ErrorKind::Decode,
        Text::new(
            format!("The answer is larger than the limit of {limit} bytes (maxResponseBytes)"),
            format!("Ответ больше допустимых {limit} байт (maxResponseBytes)"),
        ),
    )
    .with_method(method)
}

/// Validates that the answer is JSON and hands its text over unchanged.
fn body_text(method: &str, body: Vec<u8>) -> Result<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok("null".to_string());
    }
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        return Err(decode_error(method, &e.to_string(), &body));
    }
    // serde_json checked the UTF-8 of every string; the rest is ASCII syntax.
    String::from_utf8(body).map_err(|e| decode_error(method, "invalid UTF-8", e.as_bytes()))
}

/// Decodes JSON text into a typed answer.
pub(crate) fn decode<T: DeserializeOwned>(method: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| decode_error(method, &e.to_string(), text.as_bytes()))
}

/// How many characters of an answer an error quotes.
const QUOTED_CHARS: usize = 120;
/// How many characters of an error answer's text an error quotes.
const SERVICE_MESSAGE_CHARS: usize = 300;

fn decode_error(method: &str, why: &str, body: &[u8]) -> Error {
    // Redacted before the cut, so a secret straddling the limit leaves no piece.
    // (A generous byte window: the quote is counted in characters.)
    let window = &body[..body.len().min(64 * 1024)];
    let shown = redact::scrub_clip(&String::from_utf8_lossy(window), QUOTED_CHARS);
    Error::new(
        ErrorKind::Decode,
        Text::new(
            format!(
                "The service's answer is not the expected JSON ({why}); it begins with: {shown}"
            ),
            format!("Ответ сервиса не является ожидаемым JSON ({why}); начало ответа: {shown}"),
        ),
    )
    .with_method(method)
}

/// The `message` of an error answer, or its text when it is not JSON.
fn service_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrBody {
        message: Option<serde_json::Value>,
    }
    if let Ok(ErrBody { message: Some(m) }) = serde_json::from_slice::<ErrBody>(body) {
        let m = match m {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        return Some(redact::scrub_clip(&m, SERVICE_MESSAGE_CHARS));
    }
    let window = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(window);
    let text = text.trim();
    // Redacted before the cut (see `decode_error`).
    (!text.is_empty()).then(|| redact::scrub_clip(text, SERVICE_MESSAGE_CHARS))
}

/// Maps a transport failure to its kind, with the cause's text as detail.
fn transport_error(method: &str, e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if is_tls(&e) {
        ErrorKind::Tls
    } else {
        ErrorKind::Connect
    };
    if kind == ErrorKind::Timeout {
        return timed_out(method)
            .with_detail(&error_chain(&e))
            .with_source(e);
    }
    let text = match kind {
        ErrorKind::Tls => Text::new(
            "The secure connection failed (TLS certificate not trusted or handshake error)",
            "Не удалось установить защищённое соединение (сертификат не доверенный или ошибка TLS)",
        ),
        _ => Text::new(
            "Cannot reach the service, or the connection broke: check the API address, the network and the proxy",
            "Нет связи с сервисом или соединение оборвалось: проверьте адрес API, сеть и прокси",
        ),
    };
    let detail = error_chain(&e);
    let connect = e.is_connect();
    let err = Error::new(kind, text)
        .with_method(method)
        .with_detail(&detail)
        .with_source(e);
    // A failed connect (refused, unreachable): the request never left.
    if connect {
        err.with_not_delivered()
    } else {
        err
    }
}

/// The cause chain as one line, without the URL's query (never holds secrets here, but stays short).
fn error_chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.contains(&s) {
            parts.push(s);
        }
        cur = c.source();
    }
    parts.join(": ")
}

fn is_tls(e: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(c) = cur {
        if c.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        // io::Error hides what it wraps from source(); look inside, through nested io::Errors.
        let mut io = c.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(std::io::Error::get_ref) {
            if inner.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        cur = c.source();
    }
    false
}

/// The reqwest client: rustls, explicit proxy only, no automatic redirects
/// ([`Client::send_once`] follows those within the same origin).
fn build_http(cfg: &Config, resolver: Arc<ThreadResolver>) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(concat!("sdkwa1c/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(cfg.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(50))
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(resolver);
    // Environment proxies are ignored on purpose: a proxy is set explicitly
    // (the Proxy property) or not at all, so behaviour does not depend on
    // variables that 1C servers inherit by accident.
    b = match &cfg.proxy {
        Some(p) => b.proxy(reqwest::Proxy::all(p.as_str()).map_err(|e| {
            Error::invalid_argument(
                "proxy",
                &format!("not a usable proxy address: {e}"),
                &format!("неверный адрес прокси: {e}"),
            )
        })?),
        None => b.no_proxy(),
    };
    if let Some(path) = &cfg.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                Text::new(
                    format!(
                        "Cannot read the CA file \"{}\" (caFile): {e}",
                        path.display()
                    ),
                    format!(
                        "Не удалось прочитать файл сертификата \"{}\" (caFile): {e}",
                        path.display()
                    ),
                ),
            )
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Error::invalid_argument(
                "caFile",
                &format!("expected PEM certificates: {e}"),
                &format!("ожидаются сертификаты PEM: {e}"),
            )
        })?;
        if certs.is_empty() {
            return Err(Error::invalid_argument(
                "caFile",
                "no PEM certificate in the file",
                "в файле нет сертификатов PEM",
            ));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            Text::new(
                "Cannot build the HTTP client",
                "Не удалось создать HTTP-клиент",
            ),
        )
        .with_detail(&e.to_string())
    })
}

/// The three URL bases of `cfg`.
fn bases(cfg: &Config) -> Result<Bases> {
    let parse = |text: String| {
        reqwest::Url::parse(&text)
            .ok()
            .filter(|u| !u.cannot_be_a_base())
            .ok_or_else(|| {
                Error::invalid_argument(
                    "apiUrl",
                    "expected an address like https://api.sdkwa.pro",
                    "ожидается адрес вида https://api.sdkwa.pro",
                )
            })
    };
    let api = cfg.api_url.trim().trim_end_matches('/');
    let id = cfg.id_instance.trim();
    let instance = |messenger: &str| -> Result<Option<reqwest::Url>> {
        if id.is_empty() {
            return Ok(None);
        }
        parse(format!("{api}/{messenger}/{id}")).map(Some)
    };
    Ok(Bases {
        instance: instance(cfg.messenger.as_str())?,
        telegram_instance: instance("telegram")?,
        messenger: parse(format!("{api}/{}", cfg.messenger.as_str()))?,
        account: parse(format!("{api}/api/v1/instance/user"))?,
    })
}

/// The configured credentials as sensitive header values.
fn credentials(cfg: &Config) -> Result<Credentials> {
    let token = cfg.api_token.expose().trim();
    Ok(Credentials {
        bearer: (!token.is_empty())
            .then(|| sensitive(&format!("Bearer {token}"), "apiToken"))
            .transpose()?,
        user_id: match cfg.user_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => Some(sensitive(id, "userId")?),
            _ => None,
        },
        user_token: match cfg.user_token.as_ref().map(|t| t.expose().trim()) {
            Some(t) if !t.is_empty() => Some(sensitive(t, "userToken")?),
            _ => None,
        },
    })
}

fn sensitive(value: &str, param: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_argument(
            param,
            "contains characters that cannot be sent in an HTTP header",
            "содержит символы, недопустимые в HTTP-заголовке",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}
