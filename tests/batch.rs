//! Bulk sending (`Client::call_batch` / `run_batch`) against the sandbox:
//! order, isolation of failures, the 429 pause, no duplicate send under
//! faults, a stop in the middle, and the speed-up that is the point of it.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sdkwa1c::api::batch::Outcome;
use sdkwa1c::api::Cancel;
use sdkwa1c::{Client, Lang};
use sdkwa_sandbox::pace::PaceConfig;
use sdkwa_sandbox::{FaultKind, Sandbox, SandboxConfig, DEFAULT_ID};
use serde_json::{json, Value};

/// A batch of `n` sendMessage items with texts `{tag}-{i}`.
fn sends(n: usize, tag: &str) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("{tag}-{i}")}}))
        .collect()
}

/// How many times each text reached the sandbox: in its request log and in its journal.
fn seen(sb: &Sandbox) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut requests = HashMap::new();
    for r in sb.requests() {
        if let Some(t) = r.pointer("/body/message").and_then(Value::as_str) {
            *requests.entry(t.to_string()).or_default() += 1;
        }
    }
    let mut journal = HashMap::new();
    for m in sb.messages(DEFAULT_ID) {
        if let Some(t) = m.get("textMessage").and_then(Value::as_str) {
            *journal.entry(t.to_string()).or_default() += 1;
        }
    }
    (requests, journal)
}

fn results(c: &Client, batch: &[Value], concurrency: u32) -> Vec<Value> {
    let out = c
        .call_batch(
            &Value::from(batch.to_vec()).to_string(),
            concurrency,
            Lang::En,
        )
        .expect("a well-formed batch runs");
    serde_json::from_str(&out).expect("the answer is a JSON array")
}

#[test]
fn results_come_in_input_order_and_a_bad_item_fails_alone() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    let mut batch = sends(6, "order");
    batch.insert(
        1,
        json!({"method": "sendMesage", "params": {"chatId": "79001234567", "message": "typo"}}),
    );
    batch.insert(
        3,
        json!({"method": "sendMessage", "params": {"message": "no chat"}}),
    );
    batch.insert(5, json!({"method": "getStateInstance"}));
    batch.insert(6, json!("not an object"));
    let r = results(&c, &batch, 4);
    assert_eq!(r.len(), batch.len());
    for (item, res) in batch.iter().zip(&r) {
        match item.pointer("/params/message").and_then(Value::as_str) {
            Some(t) if t.starts_with("order-") => {
                assert_eq!(res["ok"], true, "{res}");
                assert!(res["result"]["idMessage"].is_string(), "{res}");
            }
            Some(_) | None if item["method"] == "getStateInstance" => {
                assert_eq!(res["result"]["stateInstance"], "authorized", "{res}")
            }
            _ => {
                assert_eq!(res["ok"], false, "{res}");
                assert_eq!(res["error"]["kind"], "invalidArgument", "{res}");
            }
        }
    }
    assert_eq!(r[3]["error"]["method"], "sendMessage", "{}", r[3]);
    assert!(r[3]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("chatId"));
    // The journal holds the six good sends in input order (concurrency 4
    // may reorder their arrival, so compare as sets) and nothing else.
    let (requests, journal) = seen(&sb);
    assert_eq!(requests.len(), 6, "bad items were never sent: {requests:?}");
    assert!(journal.values().all(|n| *n == 1) && journal.len() == 6);
}

#[test]
fn a_malformed_batch_or_concurrency_is_refused_as_a_whole() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    for bad in ["{}", "not json", "[1,"] {
        let e = c.call_batch(bad, 8, Lang::En).unwrap_err();
        assert!(e.to_string().contains("batch_json"), "{e}");
    }
    for n in [0, 65] {
        let e = c.call_batch("[]", n, Lang::Ru).unwrap_err();
        assert!(e.message(Lang::Ru).contains("concurrency"), "{e}");
    }
    assert_eq!(c.call_batch("[]", 64, Lang::En).unwrap(), "[]");
}

#[test]
fn a_rate_limit_pauses_the_batch_and_every_message_arrives_once() {
    let sb = common::sandbox();
    sb.set_pace(PaceConfig {
        rate_limit: 25,
        retry_after: 1,
        ..PaceConfig::default()
    });
    let c = common::client(&sb);
    let t = Instant::now();
    let r = results(&c, &sends(60, "limited"), 8);
    assert!(r.iter().all(|r| r["ok"] == true), "{r:?}");
    assert!(sb.rate_limited() > 0, "the limit was hit");
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "60 at 25/s take ≥ 2 windows"
    );
    let (requests, journal) = seen(&sb);
    assert_eq!(journal.len(), 60);
    assert!(journal.values().all(|n| *n == 1), "{journal:?}");
    // A 429 is answered before the sandbox logs the request: each text was accepted once.
    assert!(requests.values().all(|n| *n == 1), "{requests:?}");
}

#[test]
fn a_send_that_may_have_arrived_is_never_repeated() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.timeout = Duration::from_millis(700);
    cfg.max_retries = 3;
    let c = Client::new(cfg).unwrap();
    sb.add_fault(common::fault(FaultKind::Reset, 3, "sendMessage"));
    sb.add_fault(common::fault(
        FaultKind::Delay { delay_ms: 1500 },
        2,
        "sendMessage",
    ));
    sb.add_fault(common::fault(
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        2,
        "sendMessage",
    ));
    let r = results(&c, &sends(20, "faults"), 4);
    let failed: Vec<&Value> = r.iter().filter(|r| r["ok"] == false).collect();
    assert_eq!(failed.len(), 7, "3 resets, 2 timeouts, 2 × 503: {failed:?}");
    let kinds = |k: &str| failed.iter().filter(|f| f["error"]["kind"] == k).count();
    assert_eq!(
        (kinds("connect"), kinds("timeout"), kinds("server")),
        (3, 2, 2)
    );
    // A delayed one may still be accepted after the client gave up (unless
    // the server dropped it with the connection): give it time to land.
    std::thread::sleep(Duration::from_millis(1200));
    let (requests, journal) = seen(&sb);
    assert_eq!(requests.len(), 20);
    assert!(requests.values().all(|n| *n == 1), "repeated: {requests:?}");
    assert!(journal.values().all(|n| *n == 1), "doubled: {journal:?}");
    // Resets and 503s were refused before the sandbox accepted anything.
    assert!((13..=15).contains(&journal.len()), "{journal:?}");
}

#[test]
fn a_refused_connection_is_tried_again_because_nothing_was_sent() {
    // Reserve a port, free it, and start the sandbox there only after the batch began.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = common::config(&common::sandbox());
    cfg.api_url = format!("http://127.0.0.1:{port}");
    cfg.max_retries = 4;
    let c = Client::new(cfg).unwrap();
    let late = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        Sandbox::start(SandboxConfig {
            addr: ([127, 0, 0, 1], port).into(),
            authorized: true,
            echo: false,
            ..SandboxConfig::default()
        })
        .unwrap()
    });
    let r = results(&c, &sends(3, "refused"), 3);
    let sb = late.join().unwrap();
    assert!(r.iter().all(|r| r["ok"] == true), "{r:?}");
    let (_, journal) = seen(&sb);
    assert_eq!(journal.len(), 3);
    assert!(journal.values().all(|n| *n == 1));
}

#[test]
fn a_stop_in_the_middle_reports_what_was_and_was_not_sent() {
    let sb = common::sandbox();
    sb.set_pace(PaceConfig {
        latency_ms: 100,
        ..PaceConfig::default()
    });
    let c = common::client(&sb);
    let cancel = Cancel::new();
    let batch = Value::from(sends(40, "stop")).to_string();
    let mut outcomes: Vec<Option<(bool, bool)>> = vec![None; 40];
    let summary = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(350));
            cancel.cancel();
        });
        c.run_batch(&batch, 2, &cancel, |i, o| {
            assert!(outcomes[i].is_none(), "item {i} reported twice");
            outcomes[i] = Some((o.is_ok(), matches!(o, Outcome::NotSent)));
            true
        })
        .unwrap()
    });
    assert!(outcomes.iter().all(Option::is_some), "every item reported");
    assert_eq!(summary.ok + summary.failed + summary.not_sent, 40);
    assert!(summary.ok >= 4 && summary.not_sent >= 20, "{summary:?}");
    assert_eq!(summary.failed, 0, "in-flight requests finish in the grace");
    // What was reported sent is exactly what the sandbox got.
    let (requests, journal) = seen(&sb);
    assert_eq!(journal.len(), summary.ok);
    assert_eq!(requests.len(), summary.ok);
    for (i, o) in outcomes.iter().enumerate() {
        let sent = journal.contains_key(&format!("stop-{i}"));
        assert_eq!(sent, o.unwrap().0, "item {i}");
    }
}

#[test]
fn concurrency_makes_a_slow_service_fast() {
    let sb = common::sandbox();
    sb.set_pace(PaceConfig {
        latency_ms: 50,
        ..PaceConfig::default()
    });
    let c = common::client(&sb);
    let n = 100;
    let mut took = Vec::new();
    for (k, concurrency) in [1, 8, 16].into_iter().enumerate() {
        let t = Instant::now();
        let r = results(&c, &sends(n, &format!("speed{k}")), concurrency);
        took.push(t.elapsed());
        assert!(r.iter().all(|r| r["ok"] == true));
    }
    eprintln!("{n} sends at 50 ms: concurrency 1/8/16 took {took:?}");
    assert!(
        took[0] >= took[1] * 5,
        "concurrency 8 is at least 5× faster: {took:?}"
    );
    let (_, journal) = seen(&sb);
    assert_eq!(journal.len(), 3 * n);
    assert!(journal.values().all(|n| *n == 1));
}

#[test]
fn a_429_pauses_every_item_not_only_the_one_refused() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    sb.add_fault(common::fault(
        FaultKind::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
        "sendMessage",
    ));
    let batch = Value::from(sends(20, "pause")).to_string();
    let t = Instant::now();
    std::thread::scope(|s| {
        let run = s.spawn(|| c.call_batch(&batch, 4, Lang::En).unwrap());
        std::thread::sleep(Duration::from_millis(500));
        // The refused one and at most the three already in flight; nothing new.
        let early = sb.requests().len();
        assert!(early <= 4, "{early} requests went out during the pause");
        let r: Vec<Value> = serde_json::from_str(&run.join().unwrap()).unwrap();
        assert!(r.iter().all(|r| r["ok"] == true), "{r:?}");
    });
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    let (_, journal) = seen(&sb);
    assert_eq!(journal.len(), 20);
    assert!(journal.values().all(|n| *n == 1));
}
