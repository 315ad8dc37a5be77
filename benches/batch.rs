//! Bulk sending against a distant service: `sdkwa-sandbox` runs as its own
//! process (pinned to the other core by `scripts/bench.sh`, so it does not
//! compete with the client) with a simulated latency; the same number of
//! sendMessage calls go one by one and as batches at concurrency 8 and 16,
//! then once more with a rate limit on. Every message must be in the
//! sandbox's journal exactly once. Writes `target/bench/batch.md`.
//!
//! Environment: `BATCH_N` (default 1000) messages per round,
//! `BATCH_LATENCY_MS` (default 50), `SANDBOX_CPU` (core for the sandbox, default 1).

mod support;

use std::collections::HashMap;
use std::time::Instant;

use sdkwa1c::{Client, Config, Lang};
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};
use serde_json::{json, Value};
use support::sandbox::{env_or, SandboxProcess};

fn batch(n: usize, tag: &str) -> String {
    Value::from(
        (0..n)
            .map(|i| json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("{tag}-{i}")}}))
            .collect::<Vec<_>>(),
    )
    .to_string()
}

/// How many of `tag`'s messages the journal holds, and whether each exactly once.
fn journal(sb: &SandboxProcess, tag: &str, n: usize) -> (usize, bool) {
    let msgs = sb.control(
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
    let sb = SandboxProcess::start(&["--latency-ms", &latency.to_string()]);
    let mut cfg = Config::new(DEFAULT_ID, DEFAULT_TOKEN);
    cfg.api_url = sb.url();
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
        journal(&sb, "seq", n),
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
            journal(&sb, &tag, n),
        ));
    }
    // A rate limit of half what concurrency 16 would reach.
    let limit = (16_000 / latency.max(1) / 2).max(1);
    sb.control(
        "POST",
        "/sandbox/pace",
        &json!({"latencyMs": latency, "rateLimit": limit, "retryAfter": 1}).to_string(),
    );
    let text = batch(n, "limited");
    let t = Instant::now();
    let out = client.call_batch(&text, 16, Lang::En).unwrap();
    let took = t.elapsed();
    assert!(!out.contains(r#""ok":false"#), "a rate-limited item failed");
    let rejected = sb.control("GET", "/sandbox/pace", "")["rejected"]
        .as_u64()
        .unwrap_or(0);
    rows.push((
        format!("SendBatch, concurrency 16, limit {limit}/s ({rejected} × 429)"),
        took,
        journal(&sb, "limited", n),
    ));
    drop(sb);

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
