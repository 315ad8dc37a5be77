//! Bulk sending against a distant service: `sdkwa-sandbox` runs as its own
//! process (pinned to the other core by `scripts/bench.sh`, so it does not
//! compete with the client) with a simulated latency; the same number of
//! sendMessage calls go one by one and as batches at concurrency 8 and 16,
//! then once more with a rate limit on. Every message must be in the
//! sandbox's journal exactly once. Writes `target/bench/batch.md`.
//!
//! Environment: `BATCH_N` (default 1000) messages per round,
//! `BATCH_LATENCY_MS` (default 50), `SANDBOX_CPU` (core for the sandbox, default 1).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sdkwa1c::{Client, Config, Lang};
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};
use serde_json::{json, Value};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One HTTP/1.1 exchange with the sandbox's control API.
fn control(port: u16, verb: &str, path: &str, body: &str) -> Value {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("sandbox reachable");
    write!(
        s,
        "{verb} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// Starts `sdkwa-sandbox` on a free port, pinned with taskset when it exists.
fn start_sandbox(latency_ms: u64) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("sdkwa-sandbox");
    let args = [
        "--port".to_string(),
        port.to_string(),
        "--authorized".into(),
        "--no-echo".into(),
        "--latency-ms".into(),
        latency_ms.to_string(),
    ];
    let cpu = env_or("SANDBOX_CPU", 1).to_string();
    let pinned = Command::new("taskset").arg("--version").output().is_ok();
    let mut cmd = if pinned {
        let mut c = Command::new("taskset");
        c.args(["-c", &cpu]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let mut child = cmd
        .args(&args)
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (cargo build --release -p sdkwa-sandbox)",
                bin.display()
            )
        });
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("sdkwa-sandbox did not start");
}

fn batch(n: usize, tag: &str) -> String {
    Value::from(
        (0..n)
            .map(|i| json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("{tag}-{i}")}}))
            .collect::<Vec<_>>(),
    )
    .to_string()
}

/// How many of `tag`'s messages the journal holds, and whether each exactly once.
fn journal(port: u16, tag: &str, n: usize) -> (usize, bool) {
    let msgs = control(
        port,
        "GET",
        &format!("/sandbox/instances/{DEFAULT_ID}/messages"),
        "",
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in msgs.as_array().into_iter().flatten() {
        if let Some(t) = m["textMessage"]
            .as_str()
            .filter(|t| t.starts_with(&format!("{tag}-")))
        {
            *seen.entry(t.to_string()).or_default() += 1;
        }
    }
    (
        seen.len(),
        seen.len() == n && seen.values().all(|c| *c == 1),
    )
}

fn main() {
    let n = env_or("BATCH_N", 1000) as usize;
    let latency = env_or("BATCH_LATENCY_MS", 50);
    let (mut child, port) = start_sandbox(latency);
    let mut cfg = Config::new(DEFAULT_ID, DEFAULT_TOKEN);
    cfg.api_url = format!("http://127.0.0.1:{port}");
    let client = Client::new(cfg).unwrap();
    // Sends queue notifications: keep the queue empty.
    client
        .call("setSettings", Some(r#"{"outgoingAPIMessageWebhook":"no"}"#))
        .unwrap();

    let mut rows = Vec::new();
    let t = Instant::now();
    for i in 0..n {
        let p = json!({"chatId": "79001234567", "message": format!("seq-{i}")}).to_string();
        client.call("sendMessage", Some(&p)).unwrap();
    }
    let seq = t.elapsed();
    rows.push((
        "sequential (ОтправитьТекст in a loop)".to_string(),
        seq,
        journal(port, "seq", n),
    ));
    for c in [8u32, 16] {
        let tag = format!("c{c}");
        let text = batch(n, &tag);
        let t = Instant::now();
        let out = client.call_batch(&text, c, Lang::En).unwrap();
        let took = t.elapsed();
        assert!(!out.contains(r#""ok":false"#), "a batch item failed");
        rows.push((
            format!("SendBatch, concurrency {c}"),
            took,
            journal(port, &tag, n),
        ));
    }
    // A rate limit of half what concurrency 16 would reach.
    let limit = (16_000 / latency.max(1) / 2).max(1);
    control(
        port,
        "POST",
        "/sandbox/pace",
        &json!({"latencyMs": latency, "rateLimit": limit, "retryAfter": 1}).to_string(),
    );
    let text = batch(n, "limited");
    let t = Instant::now();
    let out = client.call_batch(&text, 16, Lang::En).unwrap();
    let took = t.elapsed();
    assert!(!out.contains(r#""ok":false"#), "a rate-limited item failed");
    let rejected = control(port, "GET", "/sandbox/pace", "")["rejected"]
        .as_u64()
        .unwrap_or(0);
    rows.push((
        format!("SendBatch, concurrency 16, limit {limit}/s ({rejected} × 429)"),
        took,
        journal(port, "limited", n),
    ));
    let _ = child.kill();
    let _ = child.wait();

    let mut md = format!(
        "# Bulk sending: {n} sendMessage at {latency} ms simulated latency\n\n\
         | run | wall-clock | per message | speed-up | in journal | exactly once |\n|---|---|---|---|---|---|\n"
    );
    for (name, took, (count, once)) in &rows {
        md.push_str(&format!(
            "| {name} | {:.2} s | {:.1} ms | {:.1}× | {count} | {} |\n",
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / n as f64,
            seq.as_secs_f64() / took.as_secs_f64(),
            if *once { "yes" } else { "NO" }
        ));
    }
    print!("{md}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("batch.md"), &md).unwrap();
    assert!(rows.iter().all(|r| r.2 .1), "every message exactly once");
}
