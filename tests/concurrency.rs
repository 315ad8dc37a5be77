//! Concurrency, in one process so a race detector sees every side: 8 threads
//! × 1000 calls on one C ABI client, and several add-in objects used from
//! several threads while one of them receives in the background. Run
//! normally by the test command and again under ThreadSanitizer by
//! `scripts/tsan.sh` (the C ABI and the add-in are called in-process, not
//! through a loaded library, so their code is instrumented too).

mod common;

use std::collections::HashSet;
use std::ffi::{c_char, CStr, CString};
use std::sync::Mutex;

use sdkwa1c::ffi::{sdkwa_call, sdkwa_client_free, sdkwa_client_new, sdkwa_string_free};
use sdkwa1c_host::{Host1C, Value1C};
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

/// A client pointer that may cross threads (the C ABI promises it).
#[derive(Clone, Copy)]
struct Shared(*mut sdkwa1c::ffi::SdkwaClient);
// SAFETY: the C ABI documents that a client may be shared by threads.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

fn call(c: Shared, method: &str, params: &str) -> (i32, serde_json::Value) {
    let m = CString::new(method).unwrap();
    let p = CString::new(params).unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live client, NUL-terminated strings, a writable out pointer.
    let code = unsafe { sdkwa_call(c.0, m.as_ptr(), p.as_ptr(), &mut out) };
    // SAFETY: the library returned a NUL-terminated string it allocated.
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
    // SAFETY: freed once, with the library's own function.
    unsafe { sdkwa_string_free(out) };
    (code, serde_json::from_str(&text).unwrap())
}

#[test]
fn eight_threads_times_a_thousand_calls_on_one_c_client() {
    const THREADS: usize = 8;
    const PAIRS: usize = 500; // a send and a read: 1000 calls per thread
    let sb = common::sandbox();
    let config = CString::new(
        serde_json::json!({
            "idInstance": DEFAULT_ID,
            "apiToken": DEFAULT_TOKEN,
            "apiUrl": sb.url(),
            "timeoutSeconds": 30,
        })
        .to_string(),
    )
    .unwrap();
    // SAFETY: a NUL-terminated configuration.
    let c = Shared(unsafe { sdkwa_client_new(config.as_ptr()) });
    assert!(!c.0.is_null());
    let ids = Mutex::new(HashSet::new());
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let ids = &ids;
            s.spawn(move || {
                let chat = format!("7900200{t:04}");
                for i in 0..PAIRS {
                    let text = format!("t{t} #{i}");
                    let (code, v) = call(
                        c,
                        "sendMessage",
                        &serde_json::json!({"chatId": chat, "message": text}).to_string(),
                    );
                    assert_eq!(code, 0, "{v}");
                    let id = v["idMessage"].as_str().unwrap().to_string();
                    assert!(ids.lock().unwrap().insert(id), "an id twice");
                    let (code, v) = call(
                        c,
                        "getChatHistory",
                        &serde_json::json!({"chatId": chat, "count": 1}).to_string(),
                    );
                    assert_eq!(code, 0, "{v}");
                    assert_eq!(v[0]["textMessage"], text, "each thread reads its own");
                }
            });
        }
    });
    assert_eq!(ids.lock().unwrap().len(), THREADS * PAIRS);
    assert_eq!(sb.messages(DEFAULT_ID).len(), THREADS * PAIRS);
    // SAFETY: the client is freed once, after every thread ended.
    unsafe { sdkwa_client_free(c.0) };
}

#[test]
fn several_addin_objects_in_one_process_with_a_background_receiver() {
    const THREADS: usize = 4;
    const CALLS: usize = 100;
    const INCOMING: usize = 50;
    let sb = common::sandbox();
    let setup = |obj: &sdkwa1c_host::Object1C| {
        obj.set("IdInstance", &Value1C::Str(DEFAULT_ID.into()))
            .unwrap();
        obj.set("ApiToken", &Value1C::Str(DEFAULT_TOKEN.into()))
            .unwrap();
        obj.set("АдресAPI", &Value1C::Str(sb.url())).unwrap();
    };

    // One host with a receiving object, as a 1C client with a form open.
    let receiving_host = Host1C::in_process();
    let receiver = receiving_host.create().unwrap();
    setup(&receiver);
    receiver.call("НачатьПолучениеУведомлений", &[]).unwrap();

    // Objects used by other threads while the receiver runs; two share a host.
    let shared_host = Host1C::in_process();
    let shared_host = &shared_host;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let setup = &setup;
            s.spawn(move || {
                let own_host;
                let host = if t < 2 {
                    shared_host
                } else {
                    own_host = Host1C::in_process();
                    &own_host
                };
                let obj = host.create().unwrap();
                setup(&obj);
                let chat = 79_003_000_000_i64 + t as i64;
                for i in 0..CALLS {
                    let text = format!("object {t} #{i}");
                    let sent = obj
                        .call(
                            "ОтправитьТекст",
                            &[Value1C::Num(chat as f64), Value1C::Str(text.clone())],
                        )
                        .unwrap();
                    assert!(sent.as_str().unwrap().contains("idMessage"));
                    let history = obj
                        .call(
                            "ПолучитьИсториюСообщенийЧата",
                            &[Value1C::Num(chat as f64), Value1C::Int(1)],
                        )
                        .unwrap();
                    let v: serde_json::Value =
                        serde_json::from_str(history.as_str().unwrap()).unwrap();
                    assert_eq!(v[0]["textMessage"], text);
                }
            });
        }
        // Incoming messages for the receiver, meanwhile.
        s.spawn(|| {
            for i in 0..INCOMING {
                sb.incoming_text(DEFAULT_ID, "79001112233", &format!("in {i}"));
            }
        });
    });

    let mut got = HashSet::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while got.len() < INCOMING && std::time::Instant::now() < deadline {
        if let Some((kind, data)) = receiving_host.next_event(std::time::Duration::from_millis(500))
        {
            if kind == "incomingMessageReceived" {
                let v: serde_json::Value = serde_json::from_str(&data).unwrap();
                let text = v["body"]["messageData"]["textMessageData"]["textMessage"]
                    .as_str()
                    .unwrap()
                    .to_string();
                got.insert(text);
            }
        }
    }
    receiver
        .call("ОстановитьПолучениеУведомлений", &[])
        .unwrap();
    assert_eq!(got.len(), INCOMING, "every incoming message reached 1C");
    assert_eq!(
        sb.messages(DEFAULT_ID)
            .iter()
            .filter(|m| m["type"] == "outgoing")
            .count(),
        THREADS * CALLS
    );
}
