//! The C ABI exercised through the built cdylib with libloading, as a C
//! host would: symbols, result codes, strings, NULLs, threads.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use libloading::{Library, Symbol};
use sdkwa_sandbox::{Sandbox, DEFAULT_ID};
use serde_json::Value;

type Opaque = std::ffi::c_void;
type NewFn = unsafe extern "C" fn(*const c_char) -> *mut Opaque;
type FreeFn = unsafe extern "C" fn(*mut Opaque);
type CallFn =
    unsafe extern "C" fn(*const Opaque, *const c_char, *const c_char, *mut *mut c_char) -> i32;
type SendFn =
    unsafe extern "C" fn(*const Opaque, *const c_char, *const c_char, *mut *mut c_char) -> i32;
type UploadFn = unsafe extern "C" fn(
    *const Opaque,
    *const c_char,
    *const c_char,
    *const c_char,
    *const c_char,
    *mut *mut c_char,
) -> i32;
type ReceiveFn = unsafe extern "C" fn(*const Opaque, u32, *mut *mut c_char) -> i32;
type DeleteFn = unsafe extern "C" fn(*const Opaque, i64, *mut *mut c_char) -> i32;
type NoArgFn = unsafe extern "C" fn(*const Opaque, *mut *mut c_char) -> i32;
type StrFreeFn = unsafe extern "C" fn(*mut c_char);
type RawFn = unsafe extern "C" fn(
    *const Opaque,
    *const c_char,
    *const c_char,
    *const c_char,
    *mut *mut c_char,
) -> i32;
type BytesFn = unsafe extern "C" fn(
    *const Opaque,
    *const c_char,
    *const c_char,
    *mut *mut u8,
    *mut usize,
    *mut *mut c_char,
) -> i32;
type BytesFreeFn = unsafe extern "C" fn(*mut u8, usize);
type NameFn = unsafe extern "C" fn(i32) -> *const c_char;
type StaticFn = unsafe extern "C" fn() -> *const c_char;

/// The loaded library and a client on it.
struct Abi {
    lib: Library,
}

impl Abi {
    fn load() -> Abi {
        // SAFETY: loading our own cdylib; its initializers are Rust statics only.
        let lib = unsafe { Library::new(common::cdylib_path()) }.expect("cdylib loads");
        Abi { lib }
    }

    fn sym<T>(&self, name: &str) -> Symbol<'_, T> {
        // SAFETY: the types above mirror include/sdkwa1c.h.
        unsafe { self.lib.get(name.as_bytes()) }.unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn new_client(&self, config: &str) -> *mut Opaque {
        let c = CString::new(config).unwrap();
        // SAFETY: a valid C string.
        unsafe { self.sym::<NewFn>("sdkwa_client_new")(c.as_ptr()) }
    }

    fn last_error(&self) -> String {
        // SAFETY: returns a thread-local C string valid until the next call.
        unsafe { CStr::from_ptr(self.sym::<StaticFn>("sdkwa_last_error")()) }
            .to_string_lossy()
            .into_owned()
    }

    /// Takes ownership of an output string and frees it through the library.
    fn take(&self, out: *mut c_char) -> String {
        assert!(!out.is_null(), "out_json is always set");
        // SAFETY: a string returned by the library, freed once below.
        let s = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
        // SAFETY: returned by the library, not freed before.
        unsafe { self.sym::<StrFreeFn>("sdkwa_string_free")(out) };
        s
    }

    fn call(&self, client: *const Opaque, method: &str, params: Option<&str>) -> (i32, Value) {
        let m = CString::new(method).unwrap();
        let p = params.map(|p| CString::new(p).unwrap());
        let mut out = ptr::null_mut();
        // SAFETY: valid pointers as the header requires.
        let code = unsafe {
            self.sym::<CallFn>("sdkwa_call")(
                client,
                m.as_ptr(),
                p.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
                &mut out,
            )
        };
        (code, serde_json::from_str(&self.take(out)).unwrap())
    }

    fn free_client(&self, c: *mut Opaque) {
        // SAFETY: a client from sdkwa_client_new, freed once.
        unsafe { self.sym::<FreeFn>("sdkwa_client_free")(c) }
    }
}

fn config_json(sb: &Sandbox) -> String {
    format!(
        r#"{{"idInstance":"{DEFAULT_ID}","apiToken":"{}","apiUrl":"{}","timeoutSeconds":5,"language":"ru"}}"#,
        sdkwa_sandbox::DEFAULT_TOKEN,
        sb.url()
    )
}

#[test]
fn static_strings_and_result_names() {
    let abi = Abi::load();
    // SAFETY: static strings.
    let v = unsafe { CStr::from_ptr(abi.sym::<StaticFn>("sdkwa_version")()) };
    assert_eq!(v.to_str().unwrap(), sdkwa1c::VERSION);
    let name = |c| {
        // SAFETY: sdkwa_result_name returns a static C string for any code.
        unsafe { CStr::from_ptr(abi.sym::<NameFn>("sdkwa_result_name")(c)) }
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(name(0), "SDKWA_OK");
    assert_eq!(name(3), "SDKWA_ERR_UNAUTHORIZED");
    assert_eq!(name(13), "SDKWA_ERR_INTERNAL");
    assert_eq!(name(-5), "SDKWA_UNKNOWN");
    assert_eq!(name(i32::MAX), "SDKWA_UNKNOWN");
}

#[test]
fn client_new_reports_bad_configuration() {
    let abi = Abi::load();
    assert!(abi.new_client("not json").is_null());
    assert!(
        abi.last_error().contains("config_json"),
        "{}",
        abi.last_error()
    );
    // Credentials are checked per call (an account-only client has no
    // instance): the client is made, an instance call names what is missing.
    let c = abi.new_client(r#"{"idInstance":"1","apiUrl":"http://127.0.0.1:9"}"#);
    assert!(!c.is_null(), "{}", abi.last_error());
    let (code, v) = abi.call(c, "getStateInstance", None);
    assert_eq!(code, 1, "{v}");
    assert!(v["message"].as_str().unwrap().contains("apiToken"), "{v}");
    let (code, v) = abi.call(c, "instances/list", None);
    assert_eq!(code, 1, "{v}");
    assert!(v["message"].as_str().unwrap().contains("userToken"), "{v}");
    abi.free_client(c);
    assert!(abi
        .new_client(r#"{"idInstance":"1 1","apiToken":"t"}"#)
        .is_null());
    assert!(
        abi.last_error().contains("idInstance"),
        "{}",
        abi.last_error()
    );
    assert!(abi
        .new_client(r#"{"idInstance":"1","apiToken":"t","timeout":5}"#)
        .is_null());
    assert!(
        abi.last_error().contains("'timeout'"),
        "{}",
        abi.last_error()
    );
    // SAFETY: NULL is allowed and reported.
    assert!(unsafe { abi.sym::<NewFn>("sdkwa_client_new")(ptr::null()) }.is_null());
    assert!(abi.last_error().contains("NULL"));
    // Freeing NULL is a no-op.
    abi.free_client(ptr::null_mut());
    // SAFETY: NULL string free is a no-op.
    unsafe { abi.sym::<StrFreeFn>("sdkwa_string_free")(ptr::null_mut()) };
}

#[test]
fn generic_call_success_and_errors() {
    let sb = common::sandbox();
    let abi = Abi::load();
    let c = abi.new_client(&config_json(&sb));
    assert!(!c.is_null(), "{}", abi.last_error());

    let (code, v) = abi.call(
        c,
        "sendMessage",
        Some(r#"{"chatId":"+7 900 123-45-67","message":"из C"}"#),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["idMessage"].as_str().unwrap().len(), 32);
    assert_eq!(abi.last_error(), "");
    assert_eq!(sb.messages(DEFAULT_ID)[0]["chatId"], "79001234567@c.us");

    let (code, v) = abi.call(c, "getContacts", None);
    assert_eq!(code, 0);
    assert!(v.as_array().unwrap().len() >= 3);

    let (code, v) = abi.call(c, "sendMessage", Some(r#"{"chatId":"79001234567"}"#));
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["kind"], "invalidArgument");
    assert!(
        v["message"].as_str().unwrap().contains("«message»"),
        "Russian texts by the language key: {v}"
    );
    assert!(abi.last_error().contains("«message»"));

    let (code, v) = abi.call(
        c,
        "getGroupData",
        Some(r#"{"groupId":"120363000000000001@g.us"}"#),
    );
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["status"], 400);
    assert!(v["serviceMessage"].as_str().unwrap().contains("not found"));

    // A name the registry does not know is refused before any request…
    let (code, v) = abi.call(c, "noSuchMethodAnywhere", None);
    assert_eq!(code, 1, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("sdkwa_call_raw"),
        "{v}"
    );
    // …the escape hatch sends it as asked: the service's 404.
    let m = CString::new("noSuchMethodAnywhere").unwrap();
    let verb = CString::new("GET").unwrap();
    let mut out = ptr::null_mut();
    // SAFETY: valid pointers as the header requires; NULL body is allowed.
    let code = unsafe {
        abi.sym::<RawFn>("sdkwa_call_raw")(c, m.as_ptr(), verb.as_ptr(), ptr::null(), &mut out)
    };
    let v: Value = serde_json::from_str(&abi.take(out)).unwrap();
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["status"], 404);

    // NULL method, NULL out, NULL client, invalid UTF-8.
    let mut out = ptr::null_mut();
    // SAFETY: NULL method is reported, out is valid.
    let code = unsafe { abi.sym::<CallFn>("sdkwa_call")(c, ptr::null(), ptr::null(), &mut out) };
    assert_eq!(code, 1);
    assert!(abi.take(out).contains("method"));
    // SAFETY: NULL out is reported without writing.
    let code = unsafe {
        abi.sym::<CallFn>("sdkwa_call")(c, c"getContacts".as_ptr(), ptr::null(), ptr::null_mut())
    };
    assert_eq!(code, 1);
    assert!(abi.last_error().contains("out_json"));
    let mut out = ptr::null_mut();
    // SAFETY: NULL client is reported.
    let code = unsafe {
        abi.sym::<CallFn>("sdkwa_call")(ptr::null(), c"getContacts".as_ptr(), ptr::null(), &mut out)
    };
    assert_eq!(code, 1);
    assert!(abi.take(out).contains("client"));
    let bad = [0x73u8, 0xff, 0xfe, 0x00];
    let mut out = ptr::null_mut();
    // SAFETY: a NUL-terminated byte string that is not UTF-8.
    let code =
        unsafe { abi.sym::<CallFn>("sdkwa_call")(c, bad.as_ptr().cast(), ptr::null(), &mut out) };
    assert_eq!(code, 1);
    assert!(abi.take(out).contains("UTF-8"));
    abi.free_client(c);
}

#[test]
fn typed_shortcuts() {
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let abi = Abi::load();
    let c = abi.new_client(&config_json(&sb));
    let mut out = ptr::null_mut();

    // SAFETY: a valid client, C strings and out pointer (the same for the calls below).
    let code = unsafe { abi.sym::<NoArgFn>("sdkwa_get_state_instance")(c, &mut out) };
    assert_eq!(
        (code, abi.take(out)),
        (0, r#"{"stateInstance":"authorized"}"#.to_string())
    );
    // SAFETY: a valid client, C strings and out pointer, as the header requires.
    let code = unsafe { abi.sym::<NoArgFn>("sdkwa_qr")(c, &mut out) };
    assert_eq!(code, 0);
    assert!(abi.take(out).contains("alreadyLogged"));

    // SAFETY: a valid client, C strings and out pointer, as the header requires.
    let code = unsafe {
        abi.sym::<SendFn>("sdkwa_send_message")(
            c,
            c"79007654321".as_ptr(),
            c"ping".as_ptr(),
            &mut out,
        )
    };
    assert_eq!(code, 0);
    let sent: Value = serde_json::from_str(&abi.take(out)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("price.pdf");
    std::fs::write(&path, b"%PDF").unwrap();
    let cpath = CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid client, C strings and out pointer, as the header requires.
    let code = unsafe {
        abi.sym::<UploadFn>("sdkwa_send_file_by_upload")(
            c,
            c"79007654321".as_ptr(),
            cpath.as_ptr(),
            ptr::null(),
            c"прайс".as_ptr(),
            &mut out,
        )
    };
    assert_eq!(code, 0);
    assert!(abi.take(out).contains("price.pdf"));
    // SAFETY: a valid client, C strings and out pointer, as the header requires.
    let code = unsafe {
        abi.sym::<UploadFn>("sdkwa_send_file_by_upload")(
            c,
            c"79007654321".as_ptr(),
            c"/no/such.pdf".as_ptr(),
            ptr::null(),
            ptr::null(),
            &mut out,
        )
    };
    assert_eq!(code, 12, "SDKWA_ERR_IO");
    assert!(abi.take(out).contains("/no/such.pdf"));

    // Drain: outgoing notification, then the echo; delete each after reading it.
    let mut texts = Vec::new();
    loop {
        // SAFETY: a valid client, C strings and out pointer, as the header requires.
        let code = unsafe { abi.sym::<ReceiveFn>("sdkwa_receive_notification")(c, 1, &mut out) };
        assert_eq!(code, 0);
        let n: Value = serde_json::from_str(&abi.take(out)).unwrap();
        if n.is_null() {
            break;
        }
        texts.push(n["body"]["typeWebhook"].as_str().unwrap().to_string());
        // SAFETY: a valid client, C strings and out pointer, as the header requires.
        let code = unsafe {
            abi.sym::<DeleteFn>("sdkwa_delete_notification")(
                c,
                n["receiptId"].as_i64().unwrap(),
                &mut out,
            )
        };
        assert_eq!(code, 0);
        assert_eq!(abi.take(out), r#"{"result":true}"#);
    }
    assert_eq!(texts[0], "outgoingAPIMessageReceived");
    assert_eq!(texts[1], "incomingMessageReceived");
    assert_eq!(texts.len(), 3, "text, echo, file: {texts:?}");
    assert!(sent["idMessage"].is_string());
    abi.free_client(c);
}

#[test]
fn eight_threads_share_one_client() {
    const THREADS: usize = 8;
    const CALLS: usize = 50;
    let sb = common::sandbox();
    let abi = Abi::load();
    let c = abi.new_client(&config_json(&sb)) as usize;
    let ids = std::sync::Mutex::new(std::collections::HashSet::new());
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (abi, ids) = (&abi, &ids);
            s.spawn(move || {
                for i in 0..CALLS {
                    let text =
                        format!("{{\"chatId\":\"7900100{t:04}\",\"message\":\"t{t} #{i}\"}}");
                    let (code, v) = abi.call(c as *const Opaque, "sendMessage", Some(&text));
                    assert_eq!(code, 0, "{v}");
                    assert!(ids
                        .lock()
                        .unwrap()
                        .insert(v["idMessage"].as_str().unwrap().to_string()));
                    let (code, v) = abi.call(
                        c as *const Opaque,
                        "getChatHistory",
                        Some(&format!("{{\"chatId\":\"7900100{t:04}\",\"count\":1}}")),
                    );
                    assert_eq!(code, 0);
                    assert_eq!(
                        v[0]["textMessage"],
                        format!("t{t} #{i}"),
                        "each thread reads its own last message"
                    );
                }
            });
        }
    });
    assert_eq!(ids.lock().unwrap().len(), THREADS * CALLS);
    assert_eq!(sb.messages(DEFAULT_ID).len(), THREADS * CALLS);
    abi.free_client(c as *mut Opaque);
}

/// `sdkwa_call_bytes`: a downloaded file's bytes, freed by `sdkwa_bytes_free`;
/// an error comes back as JSON with no bytes; `sdkwa_call` refuses a bytes method.
#[test]
fn downloads_come_back_as_bytes() {
    let sb = common::sandbox();
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let id = sb
        .incoming_file(DEFAULT_ID, "79001234567", "скан.png", &content)
        .unwrap();
    let abi = Abi::load();
    let c = abi.new_client(&config_json(&sb));
    let call_bytes = |method: &str, params: &str, want_error: bool| {
        let m = CString::new(method).unwrap();
        let p = CString::new(params).unwrap();
        let (mut bytes, mut len, mut err) = (ptr::null_mut(), 0usize, ptr::null_mut());
        // SAFETY: valid pointers as the header requires.
        let code = unsafe {
            abi.sym::<BytesFn>("sdkwa_call_bytes")(
                c,
                m.as_ptr(),
                p.as_ptr(),
                &mut bytes,
                &mut len,
                &mut err,
            )
        };
        let data = if bytes.is_null() {
            Vec::new()
        } else {
            // SAFETY: the library returned `len` bytes at `bytes`.
            unsafe { std::slice::from_raw_parts(bytes, len) }.to_vec()
        };
        // SAFETY: freed once, with the length returned.
        unsafe { abi.sym::<BytesFreeFn>("sdkwa_bytes_free")(bytes, len) };
        let error = if want_error {
            abi.take(err)
        } else {
            assert!(err.is_null());
            String::new()
        };
        (code, data, error)
    };
    let (code, data, _) = call_bytes(
        "downloadFile",
        &format!(r#"{{"chatId":"+7 900 123-45-67","idMessage":"{id}"}}"#),
        false,
    );
    assert_eq!(code, 0);
    assert_eq!(data, content, "the file itself");
    let (code, data, error) = call_bytes(
        "downloadFile",
        r#"{"chatId":"79001234567","idMessage":"NOPE"}"#,
        true,
    );
    assert_eq!(code, 2, "{error}");
    assert!(data.is_empty());
    assert!(error.contains("NOPE"), "{error}");
    let (code, v) = abi.call(
        c,
        "downloadFile",
        Some(&format!(r#"{{"chatId":"79001234567","idMessage":"{id}"}}"#)),
    );
    assert_eq!(code, 1, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("sdkwa_call_bytes"),
        "{v}"
    );
    // SAFETY: NULL bytes are a no-op.
    unsafe { abi.sym::<BytesFreeFn>("sdkwa_bytes_free")(ptr::null_mut(), 0) };
    abi.free_client(c);
}

#[test]
fn no_silent_adjustments_language_and_wait() {
    let sb = common::sandbox();
    let abi = Abi::load();
    let base = format!(
        r#""idInstance":"{DEFAULT_ID}","apiToken":"{}","apiUrl":"{}""#,
        sdkwa_sandbox::DEFAULT_TOKEN,
        sb.url()
    );
    // A language the texts do not exist in is refused, not taken for English.
    for bad in [r#""de""#, r#""""#, "1"] {
        assert!(
            abi.new_client(&format!(r#"{{{base},"language":{bad}}}"#))
                .is_null(),
            "language {bad}"
        );
        assert!(
            abi.last_error().contains("'language'"),
            "{}",
            abi.last_error()
        );
    }
    for good in ["en", "ru", "ru_RU", "en-US", "RU"] {
        let c = abi.new_client(&format!(r#"{{{base},"language":"{good}"}}"#));
        assert!(!c.is_null(), "{good}: {}", abi.last_error());
        abi.free_client(c);
    }
    let c = abi.new_client(&format!("{{{base}}}"));
    assert!(!c.is_null(), "no language = English");
    // A wait over the service's 60 s is refused before any request.
    let mut out = ptr::null_mut();
    // SAFETY: a live client and an output pointer, as the header requires.
    let code = unsafe { abi.sym::<ReceiveFn>("sdkwa_receive_notification")(c, 61, &mut out) };
    assert_eq!(code, 1, "SDKWA_ERR_INVALID_ARGUMENT");
    let e: Value = serde_json::from_str(&abi.take(out)).unwrap();
    assert!(
        e["message"].as_str().unwrap().contains("wait_seconds"),
        "{e}"
    );
    assert!(!sb
        .requests()
        .iter()
        .any(|r| r["method"] == "receiveNotification"));
    abi.free_client(c);
}

type BatchFn = unsafe extern "C" fn(*const Opaque, *const c_char, u32, *mut *mut c_char) -> i32;

/// `sdkwa_call_batch`: results in input order, a bad item fails alone, a
/// malformed array or concurrency is refused as a whole, 0 = the default.
#[test]
fn batches_through_the_c_abi() {
    let sb = common::sandbox();
    let abi = Abi::load();
    let c = abi.new_client(&config_json(&sb));
    assert!(!c.is_null(), "{}", abi.last_error());
    let batch = |json: &str, n: u32| {
        let b = CString::new(json).unwrap();
        let mut out = ptr::null_mut();
        // SAFETY: a live client, a C string and an output pointer, as the header requires.
        let code = unsafe { abi.sym::<BatchFn>("sdkwa_call_batch")(c, b.as_ptr(), n, &mut out) };
        (code, serde_json::from_str::<Value>(&abi.take(out)).unwrap())
    };
    let (code, v) = batch(
        r#"[{"method":"sendMessage","params":{"chatId":"79001234567","message":"c-1"}},
            {"method":"nope"},
            {"method":"getStateInstance"}]"#,
        0,
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v[0]["ok"], true, "{v}");
    assert!(v[0]["result"]["idMessage"].is_string(), "{v}");
    assert_eq!(v[1]["ok"], false);
    assert_eq!(v[1]["error"]["kind"], "invalidArgument");
    assert_eq!(v[2]["result"]["stateInstance"], "authorized");
    assert_eq!(sb.messages(DEFAULT_ID).len(), 1);
    let (code, v) = batch("{}", 4);
    assert_eq!(code, 1, "SDKWA_ERR_INVALID_ARGUMENT: {v}");
    assert!(v["message"].as_str().unwrap().contains("batch_json"), "{v}");
    let (code, v) = batch("[]", 65);
    assert_eq!(code, 1, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("concurrency"),
        "{v}"
    );
    abi.free_client(c);
}
