//! `sdkwa batch`: results as JSON lines in input order, each send reaching
//! the sandbox exactly once, failures isolated with their line number, and
//! the exit codes of a batch.

mod common;

use std::collections::HashMap;

use common::*;
use sdkwa_sandbox::pace::PaceConfig;
use sdkwa_sandbox::Sandbox;
use serde_json::{json, Value};

/// How many times each text is in the sandbox's journal.
fn journal(sb: &Sandbox) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for m in sb.messages(ID) {
        if let Some(t) = m.get("textMessage").and_then(Value::as_str) {
            *seen.entry(t.to_string()).or_default() += 1;
        }
    }
    seen
}

fn sends(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| json!({"method": "sendMessage", "params": {"chatId": format!("7900123{i:04}"), "message": format!("item-{i}")}}).to_string())
        .collect()
}

#[test]
fn results_in_input_order_and_each_send_exactly_once() {
    let sb = sandbox();
    // Random latency per request: items finish out of order.
    sb.set_pace(PaceConfig {
        latency_ms: 1,
        jitter_ms: 30,
        ..PaceConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let n = 40;
    let f = file(dir.path(), "mailing.jsonl", sends(n).join("\n").as_bytes());
    let out = expect(good(&sb), &["batch", &f, "--concurrency", "8"], 0);
    let results = json_lines(&out);
    assert_eq!(results.len(), n);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["line"], i + 1, "input order: {r}");
        assert_eq!(r["ok"], true, "{r}");
        assert!(r["result"]["idMessage"].is_string(), "{r}");
    }
    let seen = journal(&sb);
    assert_eq!(seen.len(), n);
    assert!(
        seen.values().all(|c| *c == 1),
        "each exactly once: {seen:?}"
    );
    // And in the right chats.
    for m in sb.messages(ID) {
        let i: usize = m["textMessage"].as_str().unwrap()[5..].parse().unwrap();
        assert_eq!(m["chatId"], format!("7900123{i:04}@c.us"));
    }
}

#[test]
fn a_bad_line_fails_alone_and_the_exit_code_says_some_failed() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = sends(3);
    lines.insert(1, "{not json".into());
    lines.insert(2, String::new());
    lines.insert(3, json!({"method": "sendMesage", "params": {}}).to_string());
    let f = file(dir.path(), "mixed.jsonl", lines.join("\n").as_bytes());
    let out = expect(good(&sb), &["batch", &f], 13);
    let results = json_lines(&out);
    let summary: Vec<(u64, bool)> = results
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [(1, true), (2, false), (4, false), (5, true), (6, true)]
    );
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{}",
        results[1]
    );
    assert_eq!(results[2]["error"]["kind"], "invalidArgument");
    assert_eq!(journal(&sb).len(), 3);
}

#[test]
fn bad_token_bad_input_and_the_service_down() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path(), "m.jsonl", sends(3).join("\n").as_bytes());
    // Every item failed the same way: that failure's own code.
    let out = expect(bad_token(&sb), &["batch", &f], 3);
    assert!(json_lines(&out)
        .iter()
        .all(|r| r["error"]["kind"] == "unauthorized"));
    let out = expect(down(), &["batch", &f], 4);
    assert_eq!(json_lines(&out).len(), 3);
    expect(good(&sb), &["batch", &f, "--concurrency", "0"], 2);
    expect(good(&sb), &["batch", &f, "--concurrency", "65"], 2);
    expect(
        good(&sb),
        &["batch", &dir.path().join("missing.jsonl").to_string_lossy()],
        12,
    );
    assert!(journal(&sb).is_empty(), "nothing was sent");
    // An empty file is an empty batch.
    let empty = file(dir.path(), "empty.jsonl", b"\n\n");
    assert_eq!(expect(good(&sb), &["batch", &empty], 0), "");
}
