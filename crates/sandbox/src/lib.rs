//! An sdkwa-compatible local server with real state.
//!
//! It speaks the service's protocol on 127.0.0.1 so that the library's
//! tests, the demo and a 1C developer's own integration tests run with no
//! account and no internet. Start it in-process with [`Sandbox::start`] or
//! as the `sdkwa-sandbox` binary; drive it like a phone would through the
//! control API (`/sandbox/…`, documented in the README).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod account;
mod answer;
mod control;
pub mod faults;
mod http;
pub mod pace;
mod qr;
mod service;
mod state;
mod tls;
mod users;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Map, Value};

pub use faults::{Fault, FaultKind};
pub use qr::qr_png;
use sdkwa1c::api::Config;
pub use state::SANDBOX_CODE;
pub use users::{DEFAULT_USER_ID, DEFAULT_USER_TOKEN};

/// The default instance's id.
pub const DEFAULT_ID: &str = "1101000001";
/// The default instance's token.
pub const DEFAULT_TOKEN: &str = "sandbox-token-5f1c2a9e7b3d4c60";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Instances as (idInstance, apiToken).
    pub instances: Vec<(String, String)>,
    /// Start the instances already linked (skip the QR step).
    pub authorized: bool,
    /// Answer each text sent with an incoming "Echo: …".
    pub echo: bool,
    /// How long `receiveNotification` holds a request while the queue is empty (the service: 5 s).
    pub receive_wait: Duration,
    /// Serve HTTPS with a fresh self-signed certificate (see [`Sandbox::certificate_pem`]).
    pub tls: bool,
    /// Simulated latency and rate limit of the instance API.
    pub pace: pace::PaceConfig,
    /// Server threads (benchmarks use 1 so the server does not compete with the client for cores).
    pub threads: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            instances: vec![(DEFAULT_ID.to_string(), DEFAULT_TOKEN.to_string())],
            authorized: false,
            echo: true,
            receive_wait: Duration::from_secs(5),
            tls: false,
            pace: pace::PaceConfig::default(),
            threads: 2,
        }
    }
}

/// A running sandbox; stops when dropped.
pub struct Sandbox {
    addr: SocketAddr,
    cert_pem: Option<String>,
    shared: Arc<state::Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

impl Sandbox {
    /// Starts a sandbox with `cfg` on its own small runtime (2 threads).
    pub fn start(cfg: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = std::net::TcpListener::bind(cfg.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let tls = if cfg.tls {
            Some(tls::self_signed()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(state::Shared::new(
            format!("{scheme}://{addr}"),
            cfg.receive_wait,
        ));
        shared.pace().set(cfg.pace);
        let cert_pem = tls.as_ref().map(|(pem, _)| pem.clone());
        for (id, token) in &cfg.instances {
            control::add_instance(&shared, id, token, cfg.authorized, cfg.echo);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cfg.threads.max(1))
            .thread_name("sdkwa-sandbox")
            .enable_all()
            .build()?;
        let app = http::router(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sdkwa-sandbox-main".into())
            .spawn(move || {
                rt.block_on(async move {
                    let Ok(l) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    match tls {
                        Some((_, acceptor)) => tokio::select! {
                            _ = tls::serve(l, app, acceptor) => {}
                            _ = rx => {}
                        },
                        None => tokio::select! {
                            _ = axum::serve(l, app) => {}
                            _ = rx => {}
                        },
                    }
                });
                // Open long polls and keep-alive connections are cut, not awaited.
                rt.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(Sandbox {
            addr,
            cert_pem,
            shared,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    /// Starts the default sandbox: one instance, echo bot on, not linked yet.
    pub fn start_default() -> std::io::Result<Sandbox> {
        Sandbox::start(SandboxConfig::default())
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS): the `apiUrl` for clients.
    pub fn url(&self) -> String {
        let scheme = if self.cert_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The self-signed certificate (PEM) of a TLS sandbox, to trust as `caFile`.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client configuration for instance `DEFAULT_ID` of this sandbox.
    pub fn client_config(&self) -> Config {
        let mut c = Config::new(DEFAULT_ID, DEFAULT_TOKEN);
        c.api_url = self.url();
        c
    }

    /// Adds an instance.
    pub fn add_instance(&self, id: &str, token: &str, authorized: bool) {
        control::add_instance(&self.shared, id, token, authorized, true);
    }

    /// Links instance `id` as if its QR code was scanned.
    pub fn scan(&self, id: &str) -> bool {
        control::scan_direct(&self.shared, id).is_ok()
    }

    /// Delivers an incoming text from `chat` to instance `id`; returns the message id.
    pub fn incoming_text(&self, id: &str, chat: &str, text: &str) -> Option<String> {
        let mut m = Map::new();
        m.insert("chatId".into(), chat.into());
        m.insert("text".into(), text.into());
        control::incoming(&self.shared, id, &m)
            .ok()
            .and_then(|v| v["idMessage"].as_str().map(str::to_string))
    }

    /// Delivers an incoming file `name` with `content` from `chat`; returns the message id.
    pub fn incoming_file(
        &self,
        id: &str,
        chat: &str,
        name: &str,
        content: &[u8],
    ) -> Option<String> {
        use base64::Engine as _;
        let mut m = Map::new();
        m.insert("chatId".into(), chat.into());
        m.insert("fileName".into(), name.into());
        m.insert(
            "content".into(),
            base64::engine::general_purpose::STANDARD
                .encode(content)
                .into(),
        );
        control::incoming(&self.shared, id, &m)
            .ok()
            .and_then(|v| v["idMessage"].as_str().map(str::to_string))
    }

    /// Queues `count` incoming texts at once (for load and loss tests).
    pub fn incoming_bulk(&self, id: &str, count: usize) {
        let _ = control::incoming_bulk_direct(&self.shared, id, count, "79001234567@c.us");
    }

    /// Queues a broken notification served verbatim (`{receiptId}` in
    /// `text` becomes its receiptId); returns the receiptId.
    pub fn incoming_raw(&self, id: &str, text: &str) -> Option<i64> {
        control::incoming_raw_direct(&self.shared, id, text)
            .ok()
            .and_then(|v| v["receiptId"].as_i64())
    }

    /// Turns the echo bot on or off.
    pub fn set_echo(&self, id: &str, on: bool) {
        let _ = control::with_instance(&self.shared, id, |_, i| i.echo = on);
    }

    /// Notifications waiting in instance `id`'s queue.
    pub fn queue_len(&self, id: &str) -> usize {
        control::with_instance(&self.shared, id, |_, i| i.queue.len()).unwrap_or(0)
    }

    /// The journal of instance `id` (sent and received messages, oldest first).
    pub fn messages(&self, id: &str) -> Vec<Value> {
        control::with_instance(&self.shared, id, |_, i| i.messages.clone()).unwrap_or_default()
    }

    /// Queues a fault for the next API requests.
    pub fn add_fault(&self, fault: Fault) {
        self.shared.faults().add(fault);
    }

    /// How many fault hits are still queued.
    pub fn pending_faults(&self) -> usize {
        self.shared
            .faults()
            .list()
            .iter()
            .map(|f| f.count as usize)
            .sum()
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
    }

    /// The API requests received so far (oldest first, the last 10 000).
    pub fn requests(&self) -> Vec<Value> {
        self.shared.log().iter().cloned().collect()
    }

    /// Sets the simulated latency and rate limit.
    pub fn set_pace(&self, cfg: pace::PaceConfig) {
        self.shared.pace().set(cfg);
    }

    /// How many requests the rate limit answered 429 so far.
    pub fn rate_limited(&self) -> u64 {
        self.shared.pace().rejected()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.log().clear();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
