//! The clients the library is compared with: a hand-written keep-alive
//! HTTP/1.1 exchange (the floor), the reqwest client a Rust user would
//! write, and the official Python client in a process of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

/// The chat and text every variant sends.
pub const CHAT: &str = "79001234567";
/// The text every variant sends.
pub const TEXT: &str = "benchmark";

/// The floor: the same request written by hand on one keep-alive connection.
pub struct Raw {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Raw {
    /// Connects to `port` and prepares the request for instance `id`.
    pub fn new(port: u16, id: &str, token: &str) -> Raw {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        let body = format!(r#"{{"chatId":"{CHAT}@c.us","message":"{TEXT}"}}"#);
        let request = format!(
            "POST /whatsapp/{id}/sendMessage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        Raw {
            stream: BufReader::new(stream),
            request: request.into_bytes(),
        }
    }

    /// One sendMessage; checks the answer carries an idMessage.
    pub fn send(&mut self) {
        self.stream.get_mut().write_all(&self.request).unwrap();
        let mut len = 0;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).unwrap();
        assert!(body.starts_with(b"{\"idMessage\""));
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SendMessage<'a> {
    chat_id: &'a str,
    message: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sent {
    id_message: String,
}

/// The client a Rust user would write with no library: reqwest 0.12 async
/// (rustls), one `Client` (keep-alive pool), a current-thread tokio runtime
/// and `block_on` on the caller's thread, JSON in and out with serde.
pub struct BareReqwest {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    url: String,
    token: String,
}

impl BareReqwest {
    /// A client for instance `id` at `base`.
    pub fn new(base: &str, id: &str, token: &str) -> BareReqwest {
        BareReqwest {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: reqwest::Client::builder().use_rustls_tls().build().unwrap(),
            url: format!("{base}/whatsapp/{id}/sendMessage"),
            token: token.to_string(),
        }
    }

    /// One sendMessage.
    pub fn send(&self) {
        let chat = format!("{CHAT}@c.us");
        let sent: Sent = self
            .runtime
            .block_on(async {
                self.client
                    .post(&self.url)
                    .bearer_auth(&self.token)
                    .json(&SendMessage {
                        chat_id: &chat,
                        message: TEXT,
                    })
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await
            })
            .unwrap();
        assert!(!sent.id_message.is_empty());
    }
}

/// The official Python client (`pip install sdkwa-whatsapp-api-client`) in
/// its own process, told over a pipe how many sends to make; it times them
/// itself: wall-clock and its own CPU (user + system), µs per call.
pub struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    /// Starts it and warms it up with `warm` sends; `None` when the Python
    /// client is not installed.
    pub fn start(base: &str, id: &str, token: &str, warm: usize) -> Option<Python> {
        let script = format!(
            "import sys, time\nfrom sdkwa import SDKWA\n\
             api = SDKWA(id_instance='{id}', api_token_instance='{token}', api_host='{base}')\n\
             for _ in range({warm}): api.send_message('{CHAT}@c.us', '{TEXT}')\n\
             print('ready', flush=True)\n\
             for line in sys.stdin:\n    n = int(line)\n    c = time.process_time(); t = time.perf_counter()\n\
             \x20   for _ in range(n): api.send_message('{CHAT}@c.us', '{TEXT}')\n\
             \x20   w = time.perf_counter() - t; c = time.process_time() - c\n\
             \x20   print(w / n * 1e6, c / n * 1e6, flush=True)\n"
        );
        let mut child = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()))
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take()?;
        let mut stdout = BufReader::new(child.stdout.take()?);
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 || line.trim() != "ready" {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        Some(Python {
            child,
            stdin,
            stdout,
        })
    }

    /// `n` sends: (wall-clock µs, CPU µs) per call, as the Python process saw them.
    pub fn batch(&mut self, n: usize) -> (f64, f64) {
        writeln!(self.stdin, "{n}").unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let mut it = line.split_whitespace().map(|v| v.parse::<f64>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
