//! `receive --follow` and Ctrl-C (SIGINT): it stops with exit 0, and no
//! notification is lost: each one printed was deleted, each one not printed
//! is still in the sandbox's queue.
#![cfg(unix)]

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use sdkwa_sandbox::pace::PaceConfig;

fn sigint(child: &Child) {
    signal(child, Signal::SIGINT);
}

fn signal(child: &Child, which: Signal) {
    kill(Pid::from_raw(child.id() as i32), which).expect("the signal is sent");
}

/// Waits for `child`, reads its stderr, and checks what it printed (the
/// stdout lines the test read, and stderr) for the tokens, as `common::run`
/// does for the commands that run to their end.
fn finish(mut child: Child, stdout: &[String], what: &[&str]) -> (ExitStatus, String) {
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    no_secret_in(&stdout.join("\n"), what);
    no_secret_in(&stderr, what);
    (status, stderr)
}

/// Starts `sdkwa receive --follow` and returns it with a reader of its stdout.
fn follow(sb: &sdkwa_sandbox::Sandbox) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut c = good(sb);
    c.args(["receive", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("sdkwa starts");
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

#[test]
fn ctrl_c_in_the_middle_of_a_stream_loses_nothing() {
    let sb = sandbox();
    const TOTAL: usize = 300;
    sb.incoming_bulk(ID, TOTAL);
    // A little latency per request, so the stream is still running when Ctrl-C comes.
    sb.set_pace(PaceConfig {
        latency_ms: 2,
        ..PaceConfig::default()
    });
    let (child, mut out) = follow(&sb);
    let mut printed = Vec::new();
    let mut line = String::new();
    while printed.len() < 5 {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the stream ended early"
        );
        printed.push(line.trim().to_string());
    }
    sigint(&child);
    // Everything it still prints after the signal counts as printed too.
    for l in out.lines() {
        printed.push(l.unwrap());
    }
    let (status, stderr) = finish(child, &printed, &["receive", "--follow"]);
    assert_eq!(
        status.code(),
        Some(0),
        "a stopped follow is a success: {stderr}"
    );
    assert!(stderr.is_empty(), "{stderr}");
    let receipts: HashSet<i64> = printed
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["receiptId"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(receipts.len(), printed.len(), "nothing printed twice");
    assert!(
        printed.len() < TOTAL,
        "stopped in the middle ({} printed)",
        printed.len()
    );
    assert_eq!(
        sb.queue_len(ID),
        TOTAL - printed.len(),
        "every printed notification was deleted, every other one is still queued"
    );
    // What is left comes out on the next run, in order, from where it stopped.
    sb.set_pace(PaceConfig::default());
    let rest = expect(good(&sb), &["receive"], 0);
    assert_eq!(rest.lines().count(), TOTAL - printed.len());
    let first_left: i64 = serde_json::from_str::<serde_json::Value>(rest.lines().next().unwrap())
        .unwrap()["receiptId"]
        .as_i64()
        .unwrap();
    assert_eq!(first_left, receipts.iter().max().unwrap() + 1);
}

#[test]
fn ctrl_c_while_waiting_stops_at_once_and_later_messages_stay_queued() {
    stop_while_waiting(Signal::SIGINT);
}

/// SIGTERM (systemd, `docker stop`) stops it the same way.
#[test]
fn sigterm_stops_it_like_ctrl_c() {
    stop_while_waiting(Signal::SIGTERM);
}

fn stop_while_waiting(which: Signal) {
    let sb = sandbox();
    let (child, mut out) = follow(&sb);
    sb.incoming_text(ID, "79001234567@c.us", "first").unwrap();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.contains("first"), "{line}");
    // Now it waits on an empty queue (a long poll in flight).
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    signal(&child, which);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let (status, stderr) = finish(child, &[line, rest.clone()], &["receive", "--follow"]);
    let took = t.elapsed();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(took < Duration::from_secs(2), "stopped promptly: {took:?}");
    assert_eq!(rest, "", "nothing printed after the stop");
    assert_eq!(sb.queue_len(ID), 0);
    sb.incoming_text(ID, "79001234567@c.us", "after").unwrap();
    assert_eq!(
        sb.queue_len(ID),
        1,
        "a message after the stop waits for the next run"
    );
}

/// Ctrl-C stops a batch: exit 130, a result line for every item (those not
/// started say `notSent`), and the journal holds exactly the items reported ok.
#[test]
fn ctrl_c_stops_a_batch_and_reports_every_item() {
    let sb = sandbox();
    sb.set_pace(PaceConfig {
        latency_ms: 20,
        ..PaceConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..100)
        .map(|i| serde_json::json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("b-{i}")}}).to_string())
        .collect();
    let f = file(dir.path(), "m.jsonl", lines.join("\n").as_bytes());
    let args = ["batch", &f, "--concurrency", "1"];
    let mut c = good(&sb);
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    sigint(&child);
    let mut results = vec![first.trim().to_string()];
    results.extend(out.lines().map(Result::unwrap));
    let (status, stderr) = finish(child, &results, &args);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(results.len(), 100, "a line for every item");
    let parsed: Vec<serde_json::Value> = results
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ok = parsed.iter().filter(|r| r["ok"] == true).count();
    let not_sent = parsed.iter().filter(|r| r["notSent"] == true).count();
    assert!(
        ok >= 1 && not_sent > 50,
        "stopped early: {ok} ok, {not_sent} not sent"
    );
    assert_eq!(
        ok + not_sent,
        100,
        "nothing of unknown outcome at concurrency 1 with a short latency"
    );
    assert_eq!(
        sb.messages(ID).len(),
        ok,
        "the journal holds exactly the items reported sent"
    );
    for (i, r) in parsed.iter().enumerate() {
        assert_eq!(r["line"], i + 1);
    }
}
