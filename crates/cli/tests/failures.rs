//! The exit codes of a service that misbehaves, each reached through a real
//! command against the sandbox's fault injection (or its TLS mode): 5
//! timeout, 6 server error, 9 too many requests, 10 TLS, 11 malformed
//! answer, 14 unexpected status (and 8 not found, from a wrong address). No token in any output (`common::run`).

mod common;

use std::time::{Duration, Instant};

use common::*;
use sdkwa_sandbox::pace::PaceConfig;
use sdkwa_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

/// Every request of `method` (all methods when `None`) fails with `kind`.
fn always(sb: &Sandbox, kind: FaultKind, method: Option<&str>) {
    sb.add_fault(Fault {
        kind,
        count: 1000,
        method: method.map(str::to_string),
    });
}

fn status(status: u16, retry_after: Option<u64>) -> FaultKind {
    FaultKind::Status {
        status,
        retry_after,
    }
}

#[test]
fn a_5xx_is_a_server_error() {
    let sb = sandbox();
    always(&sb, status(503, None), None);
    // A send is not repeated (it may have reached the service): one 503 is the answer.
    let out = run(good(&sb), &["send", "79001234567", "x"]);
    assert_eq!(out.status.code(), Some(6), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("503"),
        "{out:?}"
    );
    // A read is repeated, then gives up with the same code.
    let before = sb.pending_faults();
    expect(good(&sb), &["state"], 6);
    assert!(before - sb.pending_faults() > 1, "state was retried");
    sb.clear_faults();
    expect(good(&sb), &["state"], 0);
}

#[test]
fn no_answer_within_the_timeout() {
    let sb = sandbox();
    sb.set_pace(PaceConfig {
        latency_ms: 3000,
        ..PaceConfig::default()
    });
    let t = Instant::now();
    expect(good(&sb), &["state", "--timeout", "0.5"], 5);
    // The whole call, retries included, stays within its timeout.
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t.elapsed()
    );
    // The same with a delay injected into one method only.
    sb.set_pace(PaceConfig::default());
    always(
        &sb,
        FaultKind::Delay { delay_ms: 3000 },
        Some("sendMessage"),
    );
    expect(
        good(&sb),
        &["send", "79001234567", "x", "--timeout", "0.5"],
        5,
    );
    expect(good(&sb), &["state", "--timeout", "0.5"], 0);
}

#[test]
fn too_many_requests() {
    let sb = sandbox();
    // A Retry-After longer than the call may wait: it ends at once, code 9.
    always(&sb, status(429, Some(60)), None);
    let t = Instant::now();
    let out = run(good(&sb), &["state"]);
    assert_eq!(out.status.code(), Some(9), "{out:?}");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("60 s"),
        "says how long to wait: {out:?}"
    );
    // A send is not repeated: its first 429 is the answer.
    sb.clear_faults();
    always(&sb, status(429, None), Some("sendMessage"));
    expect(good(&sb), &["send", "79001234567", "x"], 9);
    assert!(sb.messages(ID).is_empty());
}

#[test]
fn an_untrusted_certificate_is_a_tls_error() {
    let sb = Sandbox::start(SandboxConfig {
        authorized: true,
        tls: true,
        ..SandboxConfig::default()
    })
    .unwrap();
    assert!(sb.url().starts_with("https://"), "{}", sb.url());
    expect(good(&sb), &["state"], 10);
    // Trusting its certificate is all it takes: it was the certificate.
    let dir = tempfile::tempdir().unwrap();
    let ca = file(
        dir.path(),
        "ca.pem",
        sb.certificate_pem().unwrap().as_bytes(),
    );
    expect(good(&sb), &["state", "--ca-file", &ca], 0);
}

#[test]
fn a_malformed_answer() {
    let sb = sandbox();
    for kind in [
        FaultKind::Malformed,
        FaultKind::WrongContentType,
        // Past the 32 MiB answer limit.
        FaultKind::Oversized { bytes: 33 << 20 },
    ] {
        sb.add_fault(Fault {
            kind: kind.clone(),
            count: 1,
            method: None,
        });
        let out = run(good(&sb), &["state"]);
        assert_eq!(out.status.code(), Some(11), "{kind:?}: {out:?}");
    }
    expect(good(&sb), &["state"], 0);
}

#[test]
fn an_unexpected_status() {
    let sb = sandbox();
    // A redirect to another origin (another port) is not followed: the token stays home.
    sb.add_fault(Fault {
        kind: FaultKind::Redirect {
            location: "http://127.0.0.1:9/elsewhere".to_string(),
        },
        count: 1,
        method: None,
    });
    let out = run(good(&sb), &["state"]);
    assert_eq!(out.status.code(), Some(14), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:9/elsewhere"),
        "{out:?}"
    );
    // A status no other code covers.
    sb.add_fault(Fault {
        kind: status(418, None),
        count: 1,
        method: None,
    });
    expect(good(&sb), &["send", "79001234567", "x"], 14);
    assert!(sb.messages(ID).is_empty());
}

#[test]
fn a_wrong_api_address_is_not_found() {
    let sb = sandbox();
    // The sandbox's host with a path it does not serve: its 404.
    let out = run(
        good(&sb),
        &["state", "--api-url", &format!("{}/wrong-prefix", sb.url())],
    );
    assert_eq!(out.status.code(), Some(8), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("404"),
        "{out:?}"
    );
}
