//! Issue 16, item 10: an `http://` address to another machine would send the
//! token in clear; it is refused unless the user opts in
//! (`allowInsecureHttp` / `РазрешитьНезащищенноеСоединение`). The opted-in
//! request goes through a local HTTP proxy (the echo server), so the test
//! touches nothing but 127.0.0.1.

mod common;

use std::ffi::{CStr, CString};

use common::echo::{Answer, Echo};
use sdkwa1c::ffi::*;
use sdkwa1c::{Client, Config, ErrorKind, Lang};

const REMOTE: &str = "http://sdkwa-insecure.example";

#[test]
fn core_refuses_cleartext_to_another_host_unless_allowed() {
    for ok in [
        "https://api.sdkwa.pro",
        "http://127.0.0.1:1",
        "http://127.8.0.3:1",
        "http://localhost:1",
        "http://[::1]:1",
    ] {
        let mut c = Config::new("1101000001", "tok-123456");
        c.api_url = ok.into();
        Client::new(c).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for bad in [REMOTE, "http://10.0.0.1:8080", "http://192.168.1.5"] {
        let mut c = Config::new("1101000001", "tok-123456");
        c.api_url = bad.into();
        let e = Client::new(c.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
        assert!(e.message(Lang::En).contains("'apiUrl'"), "{e}");
        assert!(e.message(Lang::En).contains("unencrypted"), "{e}");
        assert!(e.message(Lang::Ru).contains("в открытом виде"), "{e}");
        c.allow_insecure_http = true;
        Client::new(c).unwrap();
    }
}

#[test]
fn c_abi_needs_allow_insecure_http() {
    let cfg = |extra: &str| {
        CString::new(format!(
            r#"{{"idInstance":"1101000001","apiToken":"tok-123456","apiUrl":"{REMOTE}"{extra}}}"#
        ))
        .unwrap()
    };
    let c = cfg("");
    // SAFETY: a valid C string.
    let p = unsafe { sdkwa_client_new(c.as_ptr()) };
    assert!(p.is_null());
    // SAFETY: valid until this thread's next call.
    let e = unsafe { CStr::from_ptr(sdkwa_last_error()) }.to_string_lossy();
    assert!(
        e.contains("allowInsecureHttp") && e.contains("unencrypted"),
        "{e}"
    );
    let c = cfg(r#","allowInsecureHttp":true"#);
    // SAFETY: a valid C string.
    let p = unsafe { sdkwa_client_new(c.as_ptr()) };
    assert!(!p.is_null());
    // SAFETY: from sdkwa_client_new, freed once.
    unsafe { sdkwa_client_free(p) };
    let c = cfg(r#","allowInsecureHttp":"yes""#);
    // SAFETY: a valid C string.
    assert!(unsafe { sdkwa_client_new(c.as_ptr()) }.is_null());
}

#[test]
fn addin_property_opts_in() {
    let proxy = Echo::start(|_| Answer::new(200, r#"{"stateInstance":"authorized"}"#));
    let out = common::host::run(&format!(
        "load\t{}\nnew\nset\tIdInstance\ts:1101000001\nset\tApiToken\ts:tok-123456\n\
         set\tПрокси\ts:{}\nset\tАдресAPI\ts:{REMOTE}\n\
         get\tРазрешитьНезащищенноеСоединение\ncall\tПолучитьСостояниеИнстанса\n\
         set\tAllowInsecureHttp\tb:1\nget\tРазрешитьНезащищенноеСоединение\n\
         call\tПолучитьСостояниеИнстанса\nset\tРазрешитьНезащищенноеСоединение\ts:да\n",
        common::cdylib_path().display(),
        proxy.url
    ));
    let r = &out[6..];
    assert_eq!(r[0][1..], ["ok", "b:0"], "default Ложь: {r:?}");
    assert_eq!(r[1][1], "fail", "{r:?}");
    assert!(r[1][2].contains("в открытом виде"), "{:?}", r[1]);
    assert_eq!(r[3][1..], ["ok", "b:1"], "{r:?}");
    assert_eq!(r[4][1], "ok", "opted in, the call goes out: {r:?}");
    assert!(r[4][2].contains("authorized"), "{r:?}");
    assert_eq!(r[5][1], "fail", "a non-boolean value is refused: {r:?}");
    let heads = proxy.heads();
    assert_eq!(
        heads.len(),
        1,
        "nothing was sent before the opt-in: {heads:?}"
    );
    assert!(
        heads[0].starts_with("GET http://sdkwa-insecure.example/"),
        "{heads:?}"
    );
}
