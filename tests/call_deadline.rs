//! Issue 16, item 2: the timeout bounds the whole call, retries and
//! `Retry-After` waits included, through the core, the C ABI and the add-in.
//! Before the fix, `Таймаут = 1` with two 503s carrying `Retry-After: 6`
//! took 12 s, and every retry had a whole timeout of its own.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::time::{Duration, Instant};

use common::fault;
use sdkwa1c::ffi::*;
use sdkwa1c::{Client, ErrorKind, Lang};
use sdkwa_sandbox::{FaultKind, DEFAULT_ID, DEFAULT_TOKEN};

fn status(status: u16, retry_after: Option<u64>) -> FaultKind {
    FaultKind::Status {
        status,
        retry_after,
    }
}

#[test]
fn core_call_ends_within_its_timeout() {
    let sb = common::sandbox();
    let mut cfg = common::config(&sb);
    cfg.timeout = Duration::from_secs(1);
    cfg.max_retries = 10;
    let c = Client::new(cfg).unwrap();

    // Retry-After longer than the call has left: ends at once, saying when to retry.
    sb.add_fault(fault(status(503, Some(6)), 2, "getContacts"));
    let t = Instant::now();
    let e = c.call("getContacts", None).unwrap_err();
    let took = t.elapsed();
    eprintln!("503 + Retry-After 6 with a 1 s timeout: {took:?}: {e}");
    assert!(took < Duration::from_millis(800), "{took:?}");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(e.retry_after(), Some(6));
    assert_eq!(e.status(), Some(503));
    assert!(e.message(Lang::En).contains("retry in 6 s"), "{e}");
    assert!(e.message(Lang::Ru).contains("повторите после"), "{e}");
    let j: serde_json::Value = serde_json::from_str(&e.to_json(Lang::En)).unwrap();
    assert_eq!(j["retryAfterSeconds"], 6);

    // Many retries with backoff: stop at the deadline, not at maxRetries.
    sb.clear_faults();
    sb.add_fault(fault(status(503, None), 20, "getContacts"));
    let t = Instant::now();
    let e = c.call("getContacts", None).unwrap_err();
    let took = t.elapsed();
    eprintln!("20 × 503, maxRetries 10, timeout 1 s: {took:?}");
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(took < Duration::from_millis(1_500), "{took:?}");

    // A stalled service: one deadline for all the attempts.
    sb.clear_faults();
    sb.add_fault(fault(FaultKind::Delay { delay_ms: 3000 }, 3, "getContacts"));
    let t = Instant::now();
    let e = c.call("getContacts", None).unwrap_err();
    let took = t.elapsed();
    eprintln!("stall × 3 with a 1 s timeout: {took:?}");
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(took < Duration::from_millis(1_500), "{took:?}");

    // A short Retry-After that fits is still honoured, and the call succeeds.
    sb.clear_faults();
    sb.add_fault(fault(status(429, Some(0)), 1, "getContacts"));
    c.call("getContacts", None).unwrap();
}

fn c_client(url: &str, extra: &str) -> Result<*mut SdkwaClient, String> {
    let cfg = CString::new(format!(
        r#"{{"idInstance":"{DEFAULT_ID}","apiToken":"{DEFAULT_TOKEN}","apiUrl":"{url}","timeoutSeconds":1{extra}}}"#
    ))
    .unwrap();
    // SAFETY: a valid C string.
    let p = unsafe { sdkwa_client_new(cfg.as_ptr()) };
    if p.is_null() {
        // SAFETY: a static-lifetime string valid until the next call on this thread.
        Err(unsafe { CStr::from_ptr(sdkwa_last_error()) }
            .to_string_lossy()
            .into_owned())
    } else {
        Ok(p)
    }
}

#[test]
fn c_abi_bounds_max_retries_and_the_call() {
    let sb = common::sandbox();
    let e = c_client(&sb.url(), r#","maxRetries":1000"#).unwrap_err();
    assert!(e.contains("'maxRetries'") && e.contains("0 to 10"), "{e}");
    let c = c_client(&sb.url(), r#","maxRetries":10"#).unwrap();
    sb.add_fault(fault(status(429, Some(30)), 1, "getContacts"));
    let m = CString::new("getContacts").unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    let t = Instant::now();
    // SAFETY: a live client, valid strings and out pointer.
    let code = unsafe { sdkwa_call(c, m.as_ptr(), std::ptr::null(), &mut out) };
    let took = t.elapsed();
    // SAFETY: the library set out; freed once below.
    let json: serde_json::Value =
        serde_json::from_str(unsafe { CStr::from_ptr(out) }.to_str().unwrap()).unwrap();
    // SAFETY: from this library, freed once; the client is freed once.
    unsafe {
        sdkwa_string_free(out);
        sdkwa_client_free(c);
    }
    assert_eq!(code, SDKWA_ERR_RATE_LIMITED, "{json}");
    assert_eq!(json["retryAfterSeconds"], 30, "{json}");
    assert!(took < Duration::from_millis(800), "{took:?}");
}

#[test]
fn addin_timeout_bounds_the_call() {
    let sb = common::sandbox();
    sb.add_fault(fault(status(503, Some(6)), 1, "getContacts"));
    sb.add_fault(fault(FaultKind::Delay { delay_ms: 3000 }, 3, "getContacts"));
    let out = common::host::run(&format!(
        "{}set\tТаймаут\ti:1\nclock\ncall\tПолучитьКонтакты\nclock\ncall\tПолучитьКонтакты\nclock\n",
        common::host::prelude(&sb)
    ));
    let r = &out[common::host::PRELUDE_LINES + 1..];
    let ms = |i: usize| r[i][2].parse::<u64>().unwrap();
    let (first, second) = (ms(2) - ms(0), ms(4) - ms(2));
    eprintln!("add-in, Таймаут = 1: Retry-After 6 → {first} ms, stall × 3 → {second} ms");
    assert_eq!(r[1][1], "fail");
    assert!(r[1][2].contains("повторите после"), "{:?}", r[1]);
    assert_eq!(r[3][1], "fail");
    assert!(r[3][2].contains("Таймаут"), "{:?}", r[3]);
    assert!(first < 800, "{first} ms");
    assert!(second < 1_500, "{second} ms");
}
