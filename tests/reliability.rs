//! Loss-free receiving under stress: 10 000 queued notifications, the
//! background receiver stopped and restarted at random moments, a small
//! event buffer that fills and empties, and network faults injected at
//! random while it runs. Every notification must reach the emulated 1C at
//! least once, with its receiptId (repeats allowed only for the ones in
//! flight at a stop or a failure), and the queue must end empty.

mod common;

use common::rng::XorShift;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::host::{prelude, run_with};
use sdkwa_sandbox::{Fault, FaultKind, DEFAULT_ID};

#[test]
fn ten_thousand_notifications_survive_restarts_full_buffers_and_network_faults() {
    const N: usize = 10_000;
    let sb = common::sandbox();
    sb.incoming_bulk(DEFAULT_ID, N);
    let mut rng = XorShift(0x5d4b_7a11_c0de_2026);
    let mut script = String::from("fixdepth\t8\n");
    for _ in 0..40 {
        script.push_str("call\tStartNotifications\n");
        for _ in 0..(1 + rng.next(4)) {
            script.push_str(&format!(
                "sleep\t{}\ntake\t{}\t200\n",
                rng.next(40),
                1 + rng.next(300)
            ));
        }
        script.push_str("call\tStopNotifications\n");
    }
    script.push_str("call\tStartNotifications\ntake\t20000\t15000\ncall\tStopNotifications\n");

    let done = AtomicBool::new(false);
    let (lines, injected) = std::thread::scope(|s| {
        let injector = s.spawn(|| {
            let mut rng = XorShift(0xfeed_beef_1234_5678);
            let mut n = 0;
            // Faults at random moments, one pending at a time (a failing network, not a
            // backlog of failures), 60 in all so the run ends with a healthy network.
            while !done.load(Ordering::Relaxed) && n < 60 {
                std::thread::sleep(Duration::from_millis(50 + rng.next(150)));
                if sb.pending_faults() > 0 {
                    continue;
                }
                let kind = match rng.next(4) {
                    0 => FaultKind::Reset,
                    1 => FaultKind::Status {
                        status: 503,
                        retry_after: None,
                    },
                    2 => FaultKind::Status {
                        status: 429,
                        retry_after: Some(0),
                    },
                    _ => FaultKind::Malformed,
                };
                let method = if rng.next(2) == 0 {
                    "receiveNotification"
                } else {
                    "deleteNotification"
                };
                sb.add_fault(Fault {
                    kind,
                    count: 1,
                    method: Some(method.into()),
                });
                n += 1;
            }
            n
        });
        let (lines, _) = run_with(&[], &format!("{}{script}", prelude(&sb)));
        done.store(true, Ordering::Relaxed);
        (lines, injector.join().unwrap())
    });

    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| l[0] == "E") {
        let n: serde_json::Value = serde_json::from_str(&l[3]).unwrap();
        *seen.entry(n["receiptId"].as_i64().unwrap()).or_default() += 1;
    }
    let repeats: usize = seen.values().map(|c| c - 1).sum();
    let restarts = lines
        .iter()
        .filter(|l| l[0] == "R" && l[1] == "events")
        .count();
    println!("{} notifications, {} delivered once or more, {repeats} repeats, {injected} faults injected, {restarts} takes, 41 receiver starts", N, seen.len());
    assert_eq!(seen.len(), N, "none lost");
    assert_eq!(*seen.keys().next().unwrap(), 1);
    assert_eq!(*seen.keys().last().unwrap(), N as i64);
    assert!(
        injected >= 10,
        "faults were injected while receiving: {injected}"
    );
    let rejected = lines
        .iter()
        .filter(|l| l[0] == "R" && l[1] == "events")
        .map(|l| l[4].parse::<usize>().unwrap())
        .max()
        .unwrap();
    assert!(rejected > 0, "the event buffer was full at times");
    assert!(
        repeats <= injected + 41,
        "repeats only for notifications in flight at a stop or a failure: {repeats}"
    );
    assert_eq!(sb.queue_len(DEFAULT_ID), 0, "all deleted after delivery");
}
