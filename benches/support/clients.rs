//! The clients the library is compared with: a hand-written keep-alive
//! HTTP/1.1 exchange (the floor), the reqwest client a Rust user would
//! write (in this process and in one of its own), the add-in in the C++ 1C
//! host emulator's process and the official Python client in its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
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

/// A client in a process of its own, told over a pipe how many sends to make
/// (one line in); it times them itself and answers with one line ending in
/// the wall-clock and its own CPU (user + system, every thread), µs per call.
/// A process of its own is how 1C runs the add-in: one copy of the HTTP
/// stack in the process, its caches not shared with another client's.
pub struct Piped {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// The line asking for `n` sends.
    ask: fn(usize) -> String,
}

impl Piped {
    /// The official Python client (`pip install sdkwa-whatsapp-api-client`),
    /// warmed up with `warm` sends; `None` when it is not installed.
    pub fn python(base: &str, id: &str, token: &str, warm: usize) -> Option<Piped> {
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
        let mut cmd = Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
        cmd.args(["-c", &script]);
        Piped::start(cmd, "", |n| format!("{n}"), |l| l.trim() == "ready")
    }

    /// The add-in `lib` loaded by the C++ 1C host emulator `emulator` (1C's
    /// own headers), configured for instance `id` at `base`, each call made
    /// as 1C makes it (the emulator's `repeat`); warmed up with `warm` sends.
    pub fn addin_cpp(
        emulator: &Path,
        lib: &Path,
        base: &str,
        id: &str,
        token: &str,
        warm: usize,
    ) -> Option<Piped> {
        let set_up = format!(
            "load\t{}\nnew\nset\tIdInstance\ts:{id}\nset\tApiToken\ts:{token}\nset\tApiUrl\ts:{base}\n\
             call\tПолучитьСостояниеИнстанса\n{}\n",
            lib.display(),
            ask_addin(warm)
        );
        Piped::start(Command::new(emulator), &set_up, ask_addin, |l| {
            assert!(!l.starts_with("R\tfail"), "the emulator failed: {l}");
            l.starts_with("R\trepeat")
        })
    }

    /// Bare reqwest in a process of its own: `exe` (the benchmark itself)
    /// run with `OVERHEAD_CHILD=bare`, see [`serve_bare`].
    pub fn bare(exe: &Path, base: &str, id: &str, token: &str) -> Option<Piped> {
        let mut cmd = Command::new(exe);
        cmd.env("OVERHEAD_CHILD", "bare")
            .env("OVERHEAD_CHILD_URL", base)
            .env("OVERHEAD_CHILD_ID", id)
            .env("OVERHEAD_CHILD_TOKEN", token);
        Piped::start(cmd, "", |n| format!("{n}"), |l| l.trim() == "ready")
    }

    /// Spawns `cmd`, writes `set_up`, reads lines until `ready` says so.
    fn start(
        mut cmd: Command,
        set_up: &str,
        ask: fn(usize) -> String,
        ready: impl Fn(&str) -> bool,
    ) -> Option<Piped> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let mut stdout = BufReader::new(child.stdout.take()?);
        stdin.write_all(set_up.as_bytes()).ok()?;
        stdin.flush().ok()?;
        let mut line = String::new();
        loop {
            line.clear();
            if stdout.read_line(&mut line).ok()? == 0 {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            if ready(&line) {
                break;
            }
        }
        Some(Piped {
            child,
            stdin,
            stdout,
            ask,
        })
    }

    /// `n` sends: (wall-clock µs, CPU µs) per call, as the client process saw them.
    pub fn batch(&mut self, n: usize) -> (f64, f64) {
        writeln!(self.stdin, "{}", (self.ask)(n)).unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert!(!line.starts_with("R\tfail"), "the client failed: {line}");
        let mut it = line
            .split_whitespace()
            .rev()
            .map(|v| v.parse::<f64>().unwrap());
        let cpu = it.next().unwrap();
        (it.next().unwrap(), cpu)
    }
}

/// The emulator's line for `n` sends through the add-in.
fn ask_addin(n: usize) -> String {
    format!("repeat\t{n}\tОтправитьТекст\ts:{CHAT}\ts:{TEXT}")
}

impl Drop for Piped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child side of [`Piped::bare`]: bare reqwest answering the pipe
/// protocol on stdin/stdout, timed as the rows in the benchmark's process are.
pub fn serve_bare() {
    let var = |k: &str| std::env::var(k).unwrap();
    let bare = BareReqwest::new(
        &var("OVERHEAD_CHILD_URL"),
        &var("OVERHEAD_CHILD_ID"),
        &var("OVERHEAD_CHILD_TOKEN"),
    );
    for _ in 0..200 {
        bare.send();
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let n: usize = line.unwrap().trim().parse().unwrap();
        let (wall, cpu) = super::cpu::time_batch(&mut || bare.send(), n);
        writeln!(out, "{wall} {cpu}").unwrap();
        out.flush().unwrap();
    }
}
