//! The fault matrix through the two outer faces: the C ABI (its exported
//! functions, called as a C host would) and the 1C add-in (through the C++
//! host emulator). Each fault gives its documented code and error kind,
//! within the time limit, and nothing crashes.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::time::{Duration, Instant};

use sdkwa1c::ffi::*;
use sdkwa_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN};

struct C(*mut SdkwaClient);

impl C {
    fn new(url: &str, extra: &str) -> C {
        let cfg = CString::new(format!(
            r#"{{"idInstance":"{DEFAULT_ID}","apiToken":"{DEFAULT_TOKEN}","apiUrl":"{url}","timeoutSeconds":1,"maxRetries":2{extra}}}"#
        ))
        .unwrap();
        // SAFETY: a valid C string.
        let p = unsafe { sdkwa_client_new(cfg.as_ptr()) };
        assert!(!p.is_null());
        C(p)
    }

    fn call(&self, method: &str) -> (i32, serde_json::Value, Duration) {
        let m = CString::new(method).unwrap();
        let p = CString::new(r#"{"chatId":"79001234567","message":"x"}"#).unwrap();
        let mut out: *mut c_char = std::ptr::null_mut();
        let t = Instant::now();
        // SAFETY: valid client, strings and out pointer.
        let code = unsafe {
            sdkwa_call(
                self.0,
                m.as_ptr(),
                if method == "sendMessage" {
                    p.as_ptr()
                } else {
                    std::ptr::null()
                },
                &mut out,
            )
        };
        let took = t.elapsed();
        // SAFETY: the library always sets out_json; freed once.
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
        // SAFETY: as above.
        unsafe { sdkwa_string_free(out) };
        (code, serde_json::from_str(&text).unwrap(), took)
    }
}

impl Drop for C {
    fn drop(&mut self) {
        // SAFETY: made by sdkwa_client_new, freed once.
        unsafe { sdkwa_client_free(self.0) };
    }
}

use common::fault;

#[test]
fn every_fault_through_the_c_abi_and_the_addin() {
    let sb = common::sandbox();
    let other = Sandbox::start(SandboxConfig {
        addr: "127.0.0.2:0".parse().unwrap(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let c = C::new(&sb.url(), "");
    let cases: Vec<(&str, Fault, i32, &str)> = vec![
        (
            "reset mid-body",
            fault(FaultKind::Reset, 3, "getContacts"),
            SDKWA_ERR_CONNECT,
            "connect",
        ),
        (
            "stall past the timeout",
            fault(FaultKind::Delay { delay_ms: 3000 }, 3, "getContacts"),
            SDKWA_ERR_TIMEOUT,
            "timeout",
        ),
        (
            "429 with Retry-After",
            fault(
                FaultKind::Status {
                    status: 429,
                    retry_after: Some(0),
                },
                3,
                "getContacts",
            ),
            SDKWA_ERR_RATE_LIMITED,
            "rateLimited",
        ),
        (
            "429 without Retry-After",
            fault(
                FaultKind::Status {
                    status: 429,
                    retry_after: None,
                },
                3,
                "getContacts",
            ),
            SDKWA_ERR_RATE_LIMITED,
            "rateLimited",
        ),
        (
            "500",
            fault(
                FaultKind::Status {
                    status: 500,
                    retry_after: None,
                },
                3,
                "getContacts",
            ),
            SDKWA_ERR_SERVER,
            "server",
        ),
        (
            "502",
            fault(
                FaultKind::Status {
                    status: 502,
                    retry_after: None,
                },
                3,
                "getContacts",
            ),
            SDKWA_ERR_SERVER,
            "server",
        ),
        (
            "503",
            fault(
                FaultKind::Status {
                    status: 503,
                    retry_after: None,
                },
                3,
                "getContacts",
            ),
            SDKWA_ERR_SERVER,
            "server",
        ),
        (
            "malformed JSON",
            fault(FaultKind::Malformed, 1, "getContacts"),
            SDKWA_ERR_DECODE,
            "decode",
        ),
        (
            "wrong content type",
            fault(FaultKind::WrongContentType, 1, "getContacts"),
            SDKWA_ERR_DECODE,
            "decode",
        ),
        (
            "50 MB body",
            fault(
                FaultKind::Oversized {
                    bytes: 50 * 1024 * 1024,
                },
                1,
                "getContacts",
            ),
            SDKWA_ERR_DECODE,
            "decode",
        ),
        (
            "redirect to another host",
            fault(
                FaultKind::Redirect {
                    location: format!("{}/whatsapp/{DEFAULT_ID}/getContacts", other.url()),
                },
                1,
                "getContacts",
            ),
            SDKWA_ERR_HTTP,
            "http",
        ),
        (
            "a send on 503 (not retried)",
            fault(
                FaultKind::Status {
                    status: 503,
                    retry_after: None,
                },
                1,
                "sendMessage",
            ),
            SDKWA_ERR_SERVER,
            "server",
        ),
    ];
    for (name, f, code, kind) in &cases {
        let method = f.method.clone().unwrap();
        sb.clear_faults();
        sb.clear_requests();
        sb.add_fault(f.clone());
        let (got, json, took) = c.call(&method);
        assert_eq!(got, *code, "{name}: {json}");
        assert_eq!(json["kind"], *kind, "{name}");
        assert!(!json["message"].as_str().unwrap().is_empty());
        // The 1 s timeout bounds the whole call, retries and backoff included.
        assert!(took < Duration::from_millis(1_500), "{name}: took {took:?}");
        let sent = sb
            .requests()
            .iter()
            .filter(|r| r["method"] == method.as_str())
            .count();
        if method == "sendMessage" {
            assert_eq!(sent, 1, "{name}: a send goes out once");
        } else if *code == SDKWA_ERR_TIMEOUT {
            // The timeout bounds the whole call: a stall uses it all, no time is left to retry.
            assert_eq!(sent, 1, "{name}: one attempt within the call's deadline");
        } else if *code != SDKWA_ERR_DECODE && *code != SDKWA_ERR_HTTP {
            assert_eq!(sent, 3, "{name}: one call and two retries");
        }
    }
    assert!(
        other.requests().is_empty(),
        "nothing reached the other host"
    );

    // The same faults through the add-in: each a 1C exception with the localized text and ПоследняяОшибка.
    let mut body = String::from("set\tТаймаут\ti:1\n");
    for (_, f, _, _) in &cases {
        let call = if f.method.as_deref() == Some("sendMessage") {
            "call\tОтправитьТекст\ts:79001234567\ts:x"
        } else {
            "call\tПолучитьКонтакты"
        };
        body.push_str(&format!("{call}\nget\tПоследняяОшибка\n"));
    }
    // Faults for the add-in run are queued in order; each call consumes its own.
    sb.clear_faults();
    for (_, f, code, _) in &cases {
        let mut f = f.clone();
        if *code == SDKWA_ERR_TIMEOUT {
            f.count = 1; // a stall takes the whole deadline: one attempt, as above
        }
        sb.add_fault(f);
    }
    let out = common::host::run(&format!("{}{body}", common::host::prelude(&sb)));
    let results = &out[common::host::PRELUDE_LINES + 1..];
    for (i, (name, _, _, kind)) in cases.iter().enumerate() {
        let (call, last) = (&results[2 * i], &results[2 * i + 1]);
        assert_eq!(call[1], "fail", "{name}: {call:?}");
        assert!(call[2].starts_with("1006|SDKWA|"), "{name}: {call:?}");
        assert!(
            last[2].contains(&format!("\"kind\":\"{kind}\"")),
            "{name}: {last:?}"
        );
    }
}

#[test]
fn server_down_is_a_connect_error_everywhere() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let c = C::new(&url, "");
    let (code, json, took) = c.call("getContacts");
    assert_eq!(code, SDKWA_ERR_CONNECT, "{json}");
    assert!(took < Duration::from_secs(3));
    let sb = common::sandbox();
    let out = common::host::run(&format!(
        "{}set\tАдресAPI\ts:{url}\ncall\tПолучитьКонтакты\n",
        common::host::prelude(&sb)
    ));
    let last = out.last().unwrap();
    assert_eq!(last[1], "fail");
    assert!(last[2].contains("Нет связи с сервисом"), "{last:?}");
}

#[test]
fn tls_through_the_c_abi() {
    let sb = Sandbox::start(SandboxConfig {
        tls: true,
        authorized: true,
        ..SandboxConfig::default()
    })
    .unwrap();
    let c = C::new(&sb.url(), "");
    assert_eq!(c.call("getContacts").0, SDKWA_ERR_TLS);
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sb.certificate_pem().unwrap()).unwrap();
    let c = C::new(&sb.url(), &format!(r#","caFile":"{}""#, ca.display()));
    assert_eq!(c.call("getContacts").0, SDKWA_OK);
}
