//! The transport against a misbehaving sandbox: retries and their bounds,
//! time limits, broken and hostile answers, redirects, secrets.

mod common;

use std::time::{Duration, Instant};

use sdkwa1c::api::*;
use sdkwa_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

use common::fault;

fn calls_of(sb: &Sandbox, method: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r["method"] == method)
        .count()
}

#[test]
fn rate_limit_honours_retry_after_then_succeeds() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    sb.add_fault(fault(
        FaultKind::Status {
            status: 429,
            retry_after: Some(1),
        },
        2,
        "getContacts",
    ));
    let t = Instant::now();
    assert!(!c.get_contacts().unwrap().is_empty());
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(2),
        "waited Retry-After twice, took {took:?}"
    );
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert_eq!(calls_of(&sb, "getContacts"), 3);
}

#[test]
fn server_errors_retry_up_to_the_bound() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.max_retries = 2;
    let c = Client::new(cfg).unwrap();
    sb.add_fault(fault(
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        10,
        "getChats",
    ));
    let e = c.get_chats().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.status(), Some(503));
    assert_eq!(e.service_message(), Some("Injected fault: HTTP 503"));
    assert_eq!(
        calls_of(&sb, "getChats"),
        3,
        "one call and two retries, no more"
    );
    // 429 without Retry-After backs off and gives up at the same bound.
    sb.clear_faults();
    sb.add_fault(fault(
        FaultKind::Status {
            status: 429,
            retry_after: None,
        },
        10,
        "getContacts",
    ));
    let e = c.get_contacts().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(calls_of(&sb, "getContacts"), 3);
}

#[test]
fn a_send_is_never_retried() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    for status in [500, 502, 503, 429] {
        sb.clear_requests();
        sb.add_fault(fault(
            FaultKind::Status {
                status,
                retry_after: Some(0),
            },
            1,
            "sendMessage",
        ));
        let e = c
            .send_message(&SendMessage::new("79001234567", "once"))
            .unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert_eq!(
            calls_of(&sb, "sendMessage"),
            1,
            "HTTP {status}: the send went out once"
        );
    }
    sb.add_fault(fault(FaultKind::Reset, 1, "sendMessage"));
    sb.clear_requests();
    let e = c
        .send_message(&SendMessage::new("79001234567", "once"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert_eq!(calls_of(&sb, "sendMessage"), 1);
}

#[test]
fn a_stall_ends_at_the_timeout() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.timeout = Duration::from_millis(700);
    cfg.max_retries = 0;
    let c = Client::new(cfg).unwrap();
    sb.add_fault(fault(
        FaultKind::Delay { delay_ms: 5_000 },
        1,
        "getStateInstance",
    ));
    let t = Instant::now();
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(
        t.elapsed() < Duration::from_millis(2_500),
        "{:?}",
        t.elapsed()
    );
    assert!(e.message(Lang::Ru).contains("Нет ответа"));
    // A short delay is just a slow answer.
    sb.add_fault(fault(
        FaultKind::Delay { delay_ms: 100 },
        1,
        "getStateInstance",
    ));
    assert!(c.get_state_instance().is_ok());
}

#[test]
fn broken_answers_are_decode_or_connect_errors() {
    let sb = common::sandbox();
    let c = common::client(&sb);
    sb.add_fault(fault(FaultKind::Malformed, 1, "getStateInstance"));
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(
        e.to_string().contains("unterminated"),
        "shows the start of the answer: {e}"
    );
    sb.add_fault(fault(FaultKind::WrongContentType, 1, "getStateInstance"));
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.to_string().contains("<html>"), "{e}");
    // A reset mid-body of an idempotent call is retried and then succeeds.
    sb.clear_requests();
    sb.add_fault(fault(FaultKind::Reset, 1, "getStateInstance"));
    assert!(c.get_state_instance().unwrap().is_authorized());
    assert_eq!(calls_of(&sb, "getStateInstance"), 2);
    // A reset every time ends as a connect error after the retries.
    sb.add_fault(fault(FaultKind::Reset, 5, "getStateInstance"));
    assert_eq!(
        c.get_state_instance().unwrap_err().kind(),
        ErrorKind::Connect
    );
}

#[test]
fn an_oversized_answer_is_refused_without_reading_it_all() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.max_response_bytes = 1024 * 1024;
    cfg.max_retries = 0;
    let c = Client::new(cfg).unwrap();
    sb.add_fault(fault(
        FaultKind::Oversized {
            bytes: 50 * 1024 * 1024,
        },
        1,
        "getChats",
    ));
    let e = c.get_chats().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.to_string().contains("1048576"), "{e}");
    // Under the limit the same kind of answer passes as text.
    sb.add_fault(fault(
        FaultKind::Oversized { bytes: 200 * 1024 },
        1,
        "getChats",
    ));
    let text = c.call("getChats", None).unwrap();
    assert!(text.len() > 200 * 1024);
}

#[test]
fn redirects_never_carry_the_token_to_another_host() {
    let sb = common::sandbox();
    let other = Sandbox::start(SandboxConfig {
        addr: "127.0.0.2:0".parse().unwrap(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let c = common::client(&sb);
    let target = format!("{}/whatsapp/1101000001/getStateInstance", other.url());
    sb.add_fault(fault(
        FaultKind::Redirect {
            location: target.clone(),
        },
        1,
        "getStateInstance",
    ));
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.status(), Some(307));
    assert!(e.to_string().contains(&target), "{e}");
    assert!(
        other.requests().is_empty(),
        "nothing at all reached the other host"
    );
    // A redirect within the same origin is followed, with the token.
    let same = format!("{}/whatsapp/1101000001/getStateInstance", sb.url());
    sb.clear_requests();
    sb.add_fault(fault(
        FaultKind::Redirect { location: same },
        1,
        "getStateInstance",
    ));
    assert!(c.get_state_instance().unwrap().is_authorized());
    let reqs = sb.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r["hasAuthorization"] == true));
    // A same-origin loop ends after five redirects with a clear error.
    let same = format!("{}/whatsapp/1101000001/getStateInstance", sb.url());
    sb.clear_requests();
    sb.add_fault(fault(
        FaultKind::Redirect { location: same },
        100,
        "getStateInstance",
    ));
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http);
    assert!(e.to_string().contains("more than 5"), "{e}");
    assert_eq!(sb.requests().len(), 6, "the request and five redirects");
}

#[test]
fn connection_refused_is_a_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = Config::new("1101000001", "tok-refused-123456");
    cfg.api_url = format!("http://127.0.0.1:{port}");
    cfg.max_retries = 1;
    let c = Client::new(cfg).unwrap();
    let t = Instant::now();
    let e = c.get_state_instance().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert!(t.elapsed() < Duration::from_secs(3));
    assert!(
        e.message(Lang::Ru).contains("проверьте адрес API"),
        "{}",
        e.message(Lang::Ru)
    );
}

#[test]
fn the_token_appears_in_no_error() {
    const TOKEN: &str = "SECRET-TOKEN-7f3a9c1e5b2d";
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.api_token = Secret::new(TOKEN);
    cfg.user_token = Some(Secret::new(TOKEN));
    cfg.max_retries = 0;
    cfg.timeout = Duration::from_millis(500);
    assert!(!format!("{cfg:?}").contains(TOKEN));
    let c = Client::new(cfg).unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    let faults = [
        FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        FaultKind::Status {
            status: 429,
            retry_after: Some(0),
        },
        FaultKind::Malformed,
        FaultKind::WrongContentType,
        FaultKind::Reset,
        FaultKind::Delay { delay_ms: 2_000 },
        FaultKind::Redirect {
            location: "http://127.0.0.2:9/x".into(),
        },
    ];
    let mut errors = vec![c.get_state_instance().unwrap_err()]; // 401: wrong token
    for f in faults {
        sb.add_fault(Fault {
            kind: f,
            count: 1,
            method: None,
        });
        errors.push(c.get_contacts().unwrap_err());
    }
    errors.push(c.send_message(&SendMessage::new("bad", "x")).unwrap_err());
    errors.push(
        c.send_file_by_upload("79001234567", FileSource::path("/no/such/file"), None, None)
            .unwrap_err(),
    );
    for e in &errors {
        let all = format!(
            "{e}|{e:?}|{}|{}|{}",
            e.message(Lang::Ru),
            e.to_json(Lang::En),
            chain(e)
        );
        assert!(!all.contains(TOKEN), "token leaked: {all}");
    }
    let kinds: std::collections::BTreeSet<_> = errors.iter().map(|e| e.kind().name()).collect();
    assert!(
        kinds.len() >= 7,
        "many different paths were exercised: {kinds:?}"
    );
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = String::new();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!("{c} / {c:?}"));
        cur = c.source();
    }
    s
}

#[test]
fn account_headers_are_sent() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.user_id = Some("user-42".into());
    cfg.user_token = Some(Secret::new("user-token-xyz"));
    let c = Client::new(cfg).unwrap();
    c.get_state_instance().unwrap();
    // The account API's headers go only to the account API, the instance's
    // token only to the instance's API.
    let r = &sb.requests()[0];
    assert!(r["userId"].is_null(), "{r}");
    assert_eq!(r["hasUserToken"], false);
    assert_eq!(r["hasAuthorization"], true);
    assert!(r["userAgent"].as_str().unwrap().starts_with("sdkwa1c/"));
    let e = c.get_instances().unwrap_err();
    assert_eq!(e.status(), Some(401), "an unknown user: {e}");
    let r = &sb.requests()[1];
    assert_eq!(r["method"], "instances/list");
    assert_eq!(r["userId"], "user-42");
    assert_eq!(r["hasUserToken"], true);
    assert_eq!(r["hasAuthorization"], false);
}

#[test]
fn tls_is_verified_and_a_ca_file_makes_a_self_signed_server_trusted() {
    let sb = Sandbox::start(SandboxConfig {
        tls: true,
        authorized: true,
        ..SandboxConfig::default()
    })
    .unwrap();
    assert!(sb.url().starts_with("https://127.0.0.1:"));
    let mut cfg = common::config(&sb);
    cfg.max_retries = 0;
    let e = Client::new(cfg.clone())
        .unwrap()
        .get_state_instance()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(
        e.message(Lang::Ru).contains("сертификат"),
        "{}",
        e.message(Lang::Ru)
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("sandbox-ca.pem");
    std::fs::write(&ca, sb.certificate_pem().unwrap()).unwrap();
    cfg.ca_file = Some(ca);
    let c = Client::new(cfg.clone()).unwrap();
    assert!(c.get_state_instance().unwrap().is_authorized());
    assert_eq!(
        c.send_message(&SendMessage::new("79001234567", "через TLS"))
            .unwrap()
            .id_message
            .len(),
        32
    );
    // A CA file that is not PEM, or missing, is a clear configuration error.
    std::fs::write(dir.path().join("bad.pem"), "not a certificate").unwrap();
    cfg.ca_file = Some(dir.path().join("bad.pem"));
    assert!(Client::new(cfg.clone())
        .unwrap_err()
        .to_string()
        .contains("caFile"));
    cfg.ca_file = Some(dir.path().join("missing.pem"));
    let e = Client::new(cfg).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("missing.pem"));
}
