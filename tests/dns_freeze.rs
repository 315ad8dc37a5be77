//! Issue 16, item 1: a hung DNS lookup must not freeze 1C. A shim of the
//! system resolver (`getaddrinfo`, loaded with `LD_PRELOAD`) sleeps for names
//! under `.invalid`; a call to such a host fails within its timeout, and then
//! freeing the client, writing a property and destroying the object each
//! return in well under a second. Before the fix each waited for the
//! sleeping resolver thread (the shim's 6 s).
#![cfg(target_os = "linux")]

mod common;

use std::ffi::{c_char, CString};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sdkwa1c::ffi::*;

/// How long the shim's `getaddrinfo` sleeps.
const SHIM_SLEEP_SECS: u64 = 6;
/// A name no resolver can answer, and whose lookups the shim hangs.
const HOST: &str = "sdkwa-dns-freeze.invalid";

/// The `getaddrinfo` shim, compiled once with `cc`.
fn shim() -> &'static PathBuf {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let src = dir.join("slow_getaddrinfo.c");
        let so = dir.join("libslow_getaddrinfo.so");
        std::fs::write(
            &src,
            format!(
                r#"#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
/* Hangs like an unreachable DNS server for names under .invalid; others resolve normally. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {{
    size_t n = node ? strlen(node) : 0;
    if (n >= 8 && strcmp(node + n - 8, ".invalid") == 0) {{
        sleep({SHIM_SLEEP_SECS});
        return EAI_AGAIN;
    }}
    gai_fn real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
    return real(node, service, hints, res);
}}
"#
            ),
        )
        .unwrap();
        let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-shared", "-fPIC", "-O1", "-o"])
            .arg(&so)
            .arg(&src)
            .arg("-ldl")
            .status()
            .expect("a C compiler (cc) is installed");
        assert!(status.success(), "the getaddrinfo shim compiles");
        so
    })
}

/// The C ABI in a child process (this test binary again) with the shim preloaded.
#[test]
fn c_abi_free_does_not_wait_for_a_hung_resolver() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "c_abi_child", "--nocapture", "--test-threads=1"])
        .env("SDKWA_DNS_FREEZE_CHILD", "1")
        .env("LD_PRELOAD", shim())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("MEASURED ").map(|(_, m)| m))
        .unwrap_or_else(|| panic!("no measurement in:\n{stdout}"));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    eprintln!("C ABI with a hung getaddrinfo: {v}");
    let call_ms = v["call_ms"].as_u64().unwrap();
    let free_ms = v["free_ms"].as_u64().unwrap();
    assert_ne!(v["code"], SDKWA_OK, "{v}");
    assert!(call_ms < 1_800, "the call ends within its 1 s timeout: {v}");
    assert!(free_ms < 1_000, "sdkwa_client_free returns at once: {v}");
}

/// Runs only inside the child started above (a no-op in a normal run).
#[test]
fn c_abi_child() {
    if std::env::var_os("SDKWA_DNS_FREEZE_CHILD").is_none() {
        return;
    }
    let cfg = CString::new(format!(
        r#"{{"idInstance":"1101000001","apiToken":"dns-freeze-token","apiUrl":"https://{HOST}","timeoutSeconds":1,"maxRetries":0}}"#
    ))
    .unwrap();
    // SAFETY: a valid C string.
    let c = unsafe { sdkwa_client_new(cfg.as_ptr()) };
    assert!(!c.is_null());
    let method = CString::new("getStateInstance").unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    let t = Instant::now();
    // SAFETY: a live client, valid strings and out pointer.
    let code = unsafe { sdkwa_call(c, method.as_ptr(), std::ptr::null(), &mut out) };
    let call_ms = t.elapsed().as_millis();
    // SAFETY: the library set out_json; freed once.
    unsafe { sdkwa_string_free(out) };
    let t = Instant::now();
    // SAFETY: made by sdkwa_client_new, freed once, no call running.
    unsafe { sdkwa_client_free(c) };
    let free_ms = t.elapsed().as_millis();
    println!(r#"MEASURED {{"code":{code},"call_ms":{call_ms},"free_ms":{free_ms}}}"#);
}

/// The add-in in the C++ host emulator with the shim preloaded: a property
/// write after a failed call, and DestroyObject, each return at once.
#[test]
fn addin_property_write_and_destroy_do_not_wait_for_a_hung_resolver() {
    let script = format!(
        "load\t{}\nnew\nset\tIdInstance\ts:1101000001\nset\tApiToken\ts:dns-freeze-token\n\
         set\tАдресAPI\ts:https://{HOST}\nset\tТаймаут\ti:1\n\
         clock\ncall\tПолучитьСостояниеИнстанса\nclock\n\
         set\tТаймаут\ti:2\nclock\n\
         call\tПолучитьСостояниеИнстанса\nclock\n\
         destroy\nclock\n",
        common::cdylib_path().display()
    );
    common::host::emulator();
    shim();
    let t = Instant::now();
    let out = run_emulator_with_shim(&script);
    let total = t.elapsed();
    let clocks: Vec<u64> = out
        .iter()
        .filter(|l| l.len() > 2 && l[1] == "clock")
        .map(|l| l[2].parse().unwrap())
        .collect();
    assert_eq!(clocks.len(), 5, "{out:?}");
    let first_call = clocks[1] - clocks[0];
    let property_write = clocks[2] - clocks[1];
    let second_call = clocks[3] - clocks[2];
    let destroy = clocks[4] - clocks[3];
    eprintln!(
        "add-in with a hung getaddrinfo: call {first_call} ms, Таймаут = 2 {property_write} ms, \
         call {second_call} ms, DestroyObject {destroy} ms, whole run {total:?}"
    );
    let fails = out.iter().filter(|l| l[1] == "fail").count();
    assert_eq!(fails, 2, "both calls fail: {out:?}");
    assert!(first_call < 1_800, "the call ends within Таймаут = 1");
    assert!(second_call < 2_800, "the call ends within Таймаут = 2");
    assert!(property_write < 1_000, "a property write returns at once");
    assert!(destroy < 1_000, "DestroyObject returns at once");
    assert!(total < Duration::from_secs(SHIM_SLEEP_SECS), "{total:?}");
}

/// 1C unloads the add-in while a lookup is still hung: the lookup thread
/// wakes up later inside the library's code, which must still be mapped
/// (the library pins itself when a client leaves such a thread behind).
#[test]
fn unloading_the_addin_with_a_lookup_still_hung_does_not_crash() {
    let script = format!(
        "load\t{}\nnew\nset\tIdInstance\ts:1101000001\nset\tApiToken\ts:dns-freeze-token\n\
         set\tАдресAPI\ts:https://{HOST}\nset\tТаймаут\ti:1\n\
         call\tПолучитьСостояниеИнстанса\nunload\nsleep\t{}\nclock\n",
        common::cdylib_path().display(),
        SHIM_SLEEP_SECS * 1000 + 1500
    );
    let out = run_emulator_with_shim(&script);
    assert_eq!(out[6][1], "fail", "{out:?}");
    assert_eq!(out[7][1..], ["ok", "0"], "dlclose succeeded: {out:?}");
    assert_eq!(
        out.last().unwrap()[1],
        "clock",
        "the host lived on: {out:?}"
    );
}

fn run_emulator_with_shim(script: &str) -> Vec<common::host::Line> {
    // `env` as the runner's wrapper: the same emulator run, with the shim preloaded.
    let preload = format!("LD_PRELOAD={}", shim().display());
    common::host::results(common::host::run_with(&["env", &preload], script).0)
}
