//! The background receiver against the sandbox, driven by the C++ host
//! emulator: broken notifications never block the queue nor spin, manual
//! acknowledgement never deletes what the consumer did not acknowledge (also
//! when the consumer is killed at random points), receiving is refused where
//! 1C has no event handler, and a property change restarts the receiver.

mod common;

use common::rng::XorShift;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::host::{emulator, prelude, run_with, Line, PRELUDE_LINES};
use sdkwa_sandbox::{Sandbox, DEFAULT_ID};

const CHAT: &str = "79001234567@c.us";

fn results(lines: &[Line]) -> Vec<&Line> {
    lines
        .iter()
        .filter(|l| l[0] == "R")
        .skip(PRELUDE_LINES)
        .collect()
}

fn events(lines: &[Line]) -> Vec<&Line> {
    lines.iter().filter(|l| l[0] == "E").collect()
}

/// API requests of `method` in the sandbox's journal: their path arguments.
fn requests_of(sb: &Sandbox, method: &str) -> Vec<String> {
    sb.requests()
        .iter()
        .filter(|r| r["method"] == method)
        .map(|r| r["pathArg"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Issue 16 item 4: each of these stopped the old receiver for good (it
/// neither handed them over nor deleted them, and polled ~30 times a second).
#[test]
fn unreadable_notifications_are_handed_over_as_unknown_and_deleted() {
    let sb = common::sandbox();
    let broken = [
        r#"{"receiptId":{receiptId},"body":{"typeWebhook":null,"idMessage":"A"}}"#,
        r#"{"receiptId":{receiptId},"body":{"typeWebhook":5}}"#,
        r#"{"receiptId":{receiptId}}"#,
        r#"{"receiptId":{receiptId},"body":"text"}"#,
    ];
    let ids: Vec<i64> = broken
        .iter()
        .map(|t| sb.incoming_raw(DEFAULT_ID, t).unwrap())
        .collect();
    // A receiptId written as a string of digits is still usable.
    sb.incoming_raw(
        DEFAULT_ID,
        r#"{"receiptId":"{receiptId}","body":{"typeWebhook":"stateInstanceChanged"}}"#,
    )
    .unwrap();
    sb.incoming_text(DEFAULT_ID, CHAT, "после сломанных")
        .unwrap();
    sb.clear_requests();
    let t = Instant::now();
    let (lines, _) = run_with(
        &[],
        &format!(
            "{}call\tStartNotifications\ntake\t6\t10000\nsleep\t300\ncall\tStopNotifications\nget\tLastError\n",
            prelude(&sb)
        ),
    );
    let took = t.elapsed();
    let ev = events(&lines);
    assert_eq!(ev.len(), 6, "all six delivered: {lines:?}");
    for (i, (e, raw)) in ev.iter().zip(broken).enumerate() {
        assert_eq!(e[1], "SDKWA");
        assert_eq!(e[2], "unknown", "{e:?}");
        assert_eq!(e[3], raw.replace("{receiptId}", &ids[i].to_string()));
    }
    assert_eq!(ev[4][2], "stateInstanceChanged");
    assert_eq!(ev[5][2], "incomingMessageReceived");
    assert!(ev[5][3].contains("после сломанных"));
    assert_eq!(sb.queue_len(DEFAULT_ID), 0, "each was deleted");
    let deleted = requests_of(&sb, "deleteNotification");
    let polls = requests_of(&sb, "receiveNotification").len();
    println!(
        "6 notifications (4 unreadable) in {took:?}: {polls} polls, {} deletes",
        deleted.len()
    );
    assert_eq!(deleted.len(), 6);
    assert!(polls <= 8, "no spinning: {polls} polls");
}

/// Issue 16 item 4: without a usable receiptId nothing can delete it: it is
/// reported and asked for again after a growing pause, not in a tight loop;
/// once it is gone the next notification comes.
#[test]
fn a_notification_without_a_receipt_id_is_reported_with_backoff() {
    let sb = common::sandbox();
    let stuck = sb.incoming_raw(DEFAULT_ID, "{}").unwrap();
    sb.incoming_text(DEFAULT_ID, CHAT, "после пустого").unwrap();
    sb.clear_requests();
    emulator(); // built before the clock starts
    let (lines, polls_while_stuck) = std::thread::scope(|s| {
        let cleaner = s.spawn(|| {
            // Timed from the receiver's first poll (the emulator may be compiling before).
            while requests_of(&sb, "receiveNotification").is_empty() {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(3200));
            let polls = requests_of(&sb, "receiveNotification").len();
            // Whoever can (here the test, by the sandbox's own id) removes it.
            common::client(&sb).delete_notification(stuck).unwrap();
            polls
        });
        let (lines, _) = run_with(
            &[],
            &format!(
                "{}call\tStartNotifications\nsleep\t3000\nget\tLastError\ntake\t1\t15000\ncall\tStopNotifications\n",
                prelude(&sb)
            ),
        );
        (lines, cleaner.join().unwrap())
    });
    let r = results(&lines);
    println!("polls in the first 3.2 s with an undeletable item: {polls_while_stuck}");
    assert!(
        polls_while_stuck <= 6,
        "backoff, not a tight loop: {polls_while_stuck} polls"
    );
    assert!(r[2][2].contains("receiptId"), "reported: {:?}", r[2]);
    assert!(r[2][2].contains("\"decode\""), "{:?}", r[2]);
    let ev = events(&lines);
    assert_eq!(ev.len(), 1, "{lines:?}");
    assert!(ev[0][3].contains("после пустого"));
}

/// Issue 16 item 5: with ПодтверждениеВручную nothing is deleted before the
/// acknowledgement, the next is not fetched meanwhile, an object destroyed
/// first leaves it on the service, and a wrong receiptId is a clear error.
#[test]
fn manual_ack_deletes_only_after_the_acknowledgement() {
    let sb = common::sandbox();
    sb.incoming_text(DEFAULT_ID, CHAT, "первое").unwrap();
    sb.incoming_text(DEFAULT_ID, CHAT, "второе").unwrap();
    sb.clear_requests();
    let (lines, _) = run_with(
        &[],
        &format!(
            "{}set\tПодтверждениеВручную\tb:1\nget\tManualAck\ncall\tНачатьПолучениеУведомлений\n\
             take\t1\t5000\nsleep\t800\ntake\t1\t10\ndestroy\n",
            prelude(&sb)
        ),
    );
    let r = results(&lines);
    assert_eq!(r[1][2], "b:1");
    let ev = events(&lines);
    assert_eq!(ev.len(), 1, "one at a time: {lines:?}");
    assert!(ev[0][3].contains("первое"));
    assert!(requests_of(&sb, "deleteNotification").is_empty());
    assert_eq!(sb.queue_len(DEFAULT_ID), 2, "left on the service");
    assert!(requests_of(&sb, "receiveNotification").len() <= 2);

    // Restarted: the same one again; acknowledged, it goes and the next comes.
    let (lines, _) = run_with(
        &[],
        &format!(
            "{}set\tManualAck\tb:1\ncall\tAckNotification\ti:1\ncall\tStartNotifications\n\
             takeack\t2\t5000\nsleep\t300\ncall\tПодтвердитьУведомление\ti:999\nset\tThrowErrors\tb:0\n\
             call\tAckNotification\ti:1\nget\tLastError\ncall\tStopNotifications\n",
            prelude(&sb)
        ),
    );
    let r = results(&lines);
    assert_eq!(r[1][1], "fail", "nothing runs yet: {:?}", r[1]);
    assert!(r[1][2].contains("ПодтверждениеВручную"), "{:?}", r[1]);
    let ev = events(&lines);
    assert_eq!(ev.len(), 2, "{lines:?}");
    assert!(ev[0][3].contains("первое") && ev[1][3].contains("второе"));
    assert!(
        lines.iter().all(|l| l[0] != "F"),
        "acks accepted: {lines:?}"
    );
    assert_eq!(r[5][1], "fail");
    assert!(
        r[5][2].contains("999") && r[5][2].contains("уже удалено"),
        "{:?}",
        r[5]
    );
    assert_eq!(r[7][1], "ok", "no exception with ThrowErrors = False");
    assert!(r[8][2].contains("\"invalidArgument\""), "{:?}", r[8]);
    assert_eq!(sb.queue_len(DEFAULT_ID), 0);
    assert_eq!(requests_of(&sb, "deleteNotification"), ["1", "2"]);
}

/// One consumer: an emulated 1C that receives and acknowledges until it is
/// killed (SIGKILL) after `life`; returns the receiptIds it was handed and the
/// ones it acknowledged (recorded just before each AckNotification call).
fn consumer(sb: &Sandbox, manual: bool, life: Option<Duration>) -> (Vec<i64>, Vec<i64>) {
    let mut child = Command::new(emulator())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    // Handling takes 2 ms an event in both modes, so 1C's buffer fills as
    // in a busy session.
    let mode = if manual { "ack" } else { "noack" };
    let script = format!(
        "{}set\tManualAck\tb:{}\ncall\tStartNotifications\ntakeack\t1000000\t{}\t{mode}\t2\ncall\tStopNotifications\n",
        prelude(sb),
        u8::from(manual),
        if life.is_some() { 60_000 } else { 3_000 },
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut handed, mut acked) = (Vec::new(), Vec::new());
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let f: Vec<&str> = line.split('\t').collect();
            match f[0] {
                "E" => {
                    let n: serde_json::Value = serde_json::from_str(f[3]).unwrap();
                    let id = n["receiptId"].as_i64().unwrap();
                    handed.push(id);
                    if !manual {
                        acked.push(id); // taken = handled, in the automatic mode
                    }
                }
                "A" if manual => acked.push(f[1].parse().unwrap()),
                "F" => panic!("an acknowledgement was refused: {line}"),
                _ => {}
            }
        }
        (handed, acked)
    });
    if let Some(d) = life {
        std::thread::sleep(d);
        let _ = child.kill();
    }
    let _ = child.wait();
    reader.join().unwrap()
}

/// Runs consumers killed at random points until the queue is empty; returns
/// the notifications deleted without having been acknowledged (handled, in
/// the automatic mode), the kills, and the receiptIds handed over.
fn kill_and_restart(manual: bool, n: usize, seed: u64) -> (usize, usize, BTreeSet<i64>) {
    let sb = common::sandbox();
    sb.incoming_bulk(DEFAULT_ID, n);
    let mut rng = XorShift(seed);
    let (mut handed, mut acked) = (BTreeSet::new(), BTreeSet::new());
    let mut kills = 0;
    while sb.queue_len(DEFAULT_ID) > 0 && kills < 100 {
        let life = Duration::from_millis(30 + rng.next(300));
        let (h, a) = consumer(&sb, manual, Some(life));
        handed.extend(h);
        acked.extend(a);
        kills += 1;
    }
    // A last consumer that is not killed finishes the queue.
    let (h, a) = consumer(&sb, manual, None);
    handed.extend(h);
    acked.extend(a);
    assert_eq!(sb.queue_len(DEFAULT_ID), 0, "the queue ends empty");
    let deleted: BTreeSet<i64> = requests_of(&sb, "deleteNotification")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(deleted.len(), n, "every notification was deleted once done");
    let unacked = deleted.difference(&acked).count();
    (unacked, kills, handed)
}

/// Issue 16 item 5: consumers killed at random points under load. With
/// manual acknowledgement every DELETE in the sandbox's journal is of a
/// receiptId a consumer acknowledged before; the automatic mode, for
/// contrast, deletes notifications that were queued in 1C but never handled.
#[test]
fn killed_consumers_never_lose_a_notification_with_manual_ack() {
    const N: usize = 1000;
    let t = Instant::now();
    let (unacked, kills, handed) = kill_and_restart(true, N, 0x5eed_0fac_4bad);
    println!(
        "manual: {N} notifications, {kills} consumers killed, {unacked} deleted unacknowledged, {:?}",
        t.elapsed()
    );
    assert_eq!(unacked, 0, "nothing deleted that was not acknowledged");
    assert_eq!(handed.len(), N, "every notification reached a consumer");
    let (lost, kills, handed) = kill_and_restart(false, N, 0x5eed_0fac_4bad);
    println!(
        "automatic: {N} notifications, {kills} consumers killed, {lost} deleted but never handled, {} handled",
        handed.len()
    );
}

/// Issue 16 item 6: where 1C has no ОбработкаВнешнегоСобытия the receiver
/// would delete notifications nobody handles: refused with a pointer to the
/// webhook HTTP service or polling.
#[test]
fn receiving_is_refused_on_the_server_and_in_an_external_connection() {
    let sb = common::sandbox();
    sb.incoming_text(DEFAULT_ID, CHAT, "никто не обработает")
        .unwrap();
    let (lines, _) = run_with(
        &[],
        &format!(
            "{}apptype\t3\ncall\tStartNotifications\napptype\t4\nlocale\ten\ncall\tStartNotifications\n\
             apptype\t0\ncall\tStartNotifications\ntake\t1\t5000\ncall\tStopNotifications\n",
            prelude(&sb)
        ),
    );
    let r = results(&lines);
    assert_eq!(r[1][1], "fail", "server: {:?}", r[1]);
    assert!(
        r[1][2].contains("сервере 1С") && r[1][2].contains("РазобратьУведомление"),
        "{:?}",
        r[1]
    );
    assert!(r[1][2].contains("ПолучитьУведомление"), "{:?}", r[1]);
    assert_eq!(r[4][1], "fail", "external connection: {:?}", r[4]);
    assert!(
        r[4][2].contains("external connection") && r[4][2].contains("webhook"),
        "{:?}",
        r[4]
    );
    assert_eq!(r[6][1], "ok", "the thin client receives: {:?}", r[6]);
    assert_eq!(events(&lines).len(), 1);
}

/// Issue 16 item 6: the old receiver kept its first client: after a fix of
/// the address (or the token) it went on failing against the old one.
#[test]
fn a_changed_address_or_token_restarts_the_running_receiver() {
    let sb = common::sandbox();
    sb.incoming_text(DEFAULT_ID, CHAT, "по новому адресу")
        .unwrap();
    sb.incoming_text(DEFAULT_ID, CHAT, "с новым токеном")
        .unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let (lines, _) = run_with(
        &[],
        &format!(
            "{}set\tАдресAPI\ts:{dead_url}\ncall\tStartNotifications\nsleep\t700\nget\tLastError\n\
             set\tАдресAPI\ts:{}\ntake\t1\t5000\nsleep\t300\nset\tApiToken\ts:wrong-token-000000\nsleep\t700\nget\tLastError\n\
             set\tApiToken\ts:{}\ntake\t1\t5000\ncall\tStopNotifications\n",
            prelude(&sb),
            sb.url(),
            sdkwa_sandbox::DEFAULT_TOKEN
        ),
    );
    let r = results(&lines);
    assert!(
        r[3][2].contains("\"connect\""),
        "the dead address: {:?}",
        r[3]
    );
    let ev = events(&lines);
    assert!(
        !ev.is_empty() && ev[0][3].contains("по новому адресу"),
        "restarted with the new address: {lines:?}"
    );
    let unauthorized = lines
        .iter()
        .filter(|l| l[0] == "R")
        .find(|l| l.get(2).is_some_and(|t| t.contains("\"unauthorized\"")));
    assert!(
        unauthorized.is_some(),
        "the wrong token was used: {lines:?}"
    );
    assert_eq!(ev.len(), 2, "and the right one again: {lines:?}");
    assert!(ev[1][3].contains("с новым токеном"));
}
