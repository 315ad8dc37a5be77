//! Issue 16, item 3: no secret in any text that leaves the library. A hostile
//! server (also used as the HTTP proxy, so it sees every credential) echoes
//! each request's head back in every shape an error quotes: a 200 that is
//! not JSON, a typed answer of the wrong shape, 4xx/5xx texts and JSON
//! messages, a QR error, a redirect elsewhere; each secret placed across the
//! 120- and 300-character cuts. Every output of the core, the C ABI and the
//! add-in is searched for any 6-character piece of any secret.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::time::Duration;

use base64::Engine as _;
use common::echo::{Answer, Echo};
use sdkwa1c::api::HttpMethod;
use sdkwa1c::ffi::*;
use sdkwa1c::{Client, Config, Lang, Secret};

const API_TOKEN: &str = "AtK7q2Zp9Lm4Xw8Rv3Tn6Yb1Hc5Jd0Fg";
const USER_TOKEN: &str = "UtQ4w7Er2Ty9Ui3Op8As1Df6Gh5Jk0Lz";
const PROXY_USER: &str = "pxuser";
const PROXY_PASS: &str = "PpX3c8Vb2Nm7Qa4Ws9Ed1Rf6Tg";
const WEBHOOK_TOKEN: &str = "WhY5u2Ij8Ko3Lp7Az1Sx4Dc9Fv";

fn basic() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASS}"))
}

fn secrets() -> Vec<String> {
    vec![
        API_TOKEN.into(),
        USER_TOKEN.into(),
        PROXY_PASS.into(),
        WEBHOOK_TOKEN.into(),
        basic(),
    ]
}

/// Fails if any 6-character piece of any secret appears in `text`.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        let chars: Vec<char> = s.chars().collect();
        for w in chars.windows(6) {
            let piece: String = w.iter().collect();
            assert!(
                !text.contains(&piece),
                "{what}: a piece of a secret ({piece}) leaked in:\n{text}"
            );
        }
    }
}

/// The head as a hostile page shows it, with the proxy's Basic credentials decoded too.
fn shown(head: &str) -> String {
    format!(
        "<html>you sent:\n{head}\ndecoded proxy login: {PROXY_USER}:{PROXY_PASS}\n{}</html>",
        "-".repeat(400)
    )
}

/// `text` shifted so that `secret` starts 3 characters before `limit`.
fn straddle(text: &str, secret: &str, limit: usize) -> String {
    let at = text.find(secret).expect("the secret is in the echoed text");
    let want = limit - 3;
    if at <= want {
        format!("{}{text}", " ".repeat(want - at))
    } else {
        text[at - want..].to_string()
    }
}

/// The cases: the method the request names → what the server answers.
fn answer(head: &str) -> Answer {
    let line = head.lines().next().unwrap_or_default();
    let page = shown(head);
    let case =
        |name: &str| line.contains(&format!("/{name} ")) || line.contains(&format!("/{name}?"));
    let json_msg = |msg: String| serde_json::json!({ "message": msg }).to_string();
    if case("getStateInstance") {
        // A typed answer of the wrong shape: its decode error quotes the text.
        let body = serde_json::json!({ "stateInstance": 5, "page": page }).to_string();
        return Answer::new(200, straddle(&body, API_TOKEN, 120));
    }
    if case("qr") {
        return Answer::new(
            200,
            serde_json::json!({ "type": "error", "message": page }).to_string(),
        );
    }
    let mut a = match [
        "leakA", "leakB", "leakC", "leakD", "leakE", "leakF", "leakG", "leakH",
    ]
    .iter()
    .find(|n| case(n))
    {
        Some(&"leakA") => Answer::new(200, straddle(&page, API_TOKEN, 120)),
        Some(&"leakB") => Answer::new(200, straddle(&page, USER_TOKEN, 120)),
        Some(&"leakC") => Answer::new(200, straddle(&page, PROXY_PASS, 120)),
        Some(&"leakD") => Answer::new(200, straddle(&page, &basic(), 120)),
        Some(&"leakE") => Answer::new(400, straddle(&page, API_TOKEN, 300)),
        Some(&"leakF") => Answer::new(500, json_msg(straddle(&page, USER_TOKEN, 300))),
        Some(&"leakG") => Answer::new(401, page.clone()),
        Some(&"leakH") => {
            let mut a = Answer::new(302, "");
            a.headers.push((
                "Location".into(),
                format!("http://127.0.0.2:9/steal?t={API_TOKEN}&u={USER_TOKEN}&p={PROXY_PASS}"),
            ));
            a
        }
        _ => Answer::new(404, page.clone()),
    };
    a.headers.push(("Content-Type".into(), "text/html".into()));
    a
}

const LEAKS: [&str; 8] = [
    "leakA", "leakB", "leakC", "leakD", "leakE", "leakF", "leakG", "leakH",
];

fn proxy_url(echo: &Echo) -> String {
    echo.url
        .replace("http://", &format!("http://{PROXY_USER}:{PROXY_PASS}@"))
}

#[test]
fn core_outputs_hold_no_piece_of_a_secret() {
    let echo = Echo::start(answer);
    let mut cfg = Config::new("1101000001", API_TOKEN);
    cfg.api_url = echo.url.clone();
    cfg.user_id = Some("user-1".into());
    cfg.user_token = Some(Secret::new(USER_TOKEN));
    cfg.proxy = Some(proxy_url(&echo));
    cfg.timeout = Duration::from_secs(3);
    cfg.max_retries = 0;
    assert_clean("Config Debug", &format!("{cfg:?}"));
    let client = Client::new(cfg).unwrap();
    assert_clean("Client Debug", &format!("{client:?}"));

    let mut errors = Vec::new();
    for m in LEAKS {
        errors.push(
            client
                .call_raw(m, HttpMethod::Get, Default::default())
                .unwrap_err(),
        );
    }
    errors.push(client.get_state_instance().unwrap_err());
    errors.push(client.qr_png().unwrap_err());
    // The user token travels only to the account API.
    errors.push(client.get_instances().unwrap_err());
    // The echo really carried every secret (the test would prove nothing otherwise).
    let heads = echo.heads().join("\n");
    for s in [API_TOKEN, USER_TOKEN, &basic()] {
        assert!(heads.contains(s), "the server saw {s}");
    }
    for e in &errors {
        let mut out = format!(
            "{e}\n{e:?}\n{}\n{}\n{}",
            e.message(Lang::Ru),
            e.to_json(Lang::En),
            e.to_json(Lang::Ru)
        );
        let mut cur = std::error::Error::source(e);
        while let Some(c) = cur {
            out.push_str(&format!("\n{c}\n{c:?}"));
            cur = c.source();
        }
        assert_clean("core error", &out);
    }
    // The errors stay clean after their client is gone.
    drop(client);
    for e in &errors {
        assert_clean(
            "core error after the client",
            &format!("{e:?}{}", e.to_json(Lang::En)),
        );
    }

    // A scheme-less proxy with a password is not quoted whole.
    let mut cfg = Config::new("1101000001", API_TOKEN);
    cfg.proxy = Some(format!("{PROXY_USER}:{PROXY_PASS}@127.0.0.1:3128"));
    let e = Client::new(cfg).unwrap_err();
    assert!(e.to_string().contains("'proxy'"), "{e}");
    assert_clean("proxy error", &format!("{e}{e:?}"));

    // The webhook check: the expected token never appears in its errors.
    for (body, auth) in [
        (
            format!(r#"{{"typeWebhook":5,"t":"{WEBHOOK_TOKEN}"}}"#),
            format!("Bearer {WEBHOOK_TOKEN}"),
        ),
        (
            format!("not json {WEBHOOK_TOKEN}"),
            format!("Bearer {WEBHOOK_TOKEN}"),
        ),
        ("{}".to_string(), format!("Bearer x{WEBHOOK_TOKEN}")),
    ] {
        let e = sdkwa1c::api::webhook::parse(&body, WEBHOOK_TOKEN, &auth).unwrap_err();
        assert_clean("webhook error", &format!("{e}{e:?}{}", e.to_json(Lang::Ru)));
    }
}

#[test]
fn c_abi_outputs_hold_no_piece_of_a_secret() {
    let echo = Echo::start(answer);
    let cfg = CString::new(
        serde_json::json!({
            "idInstance": "1101000001",
            "apiToken": API_TOKEN,
            "apiUrl": echo.url,
            "userId": "user-1",
            "userToken": USER_TOKEN,
            "proxy": proxy_url(&echo),
            "timeoutSeconds": 3,
            "maxRetries": 0,
        })
        .to_string(),
    )
    .unwrap();
    // SAFETY: a valid C string.
    let c = unsafe { sdkwa_client_new(cfg.as_ptr()) };
    assert!(!c.is_null());
    for m in LEAKS.iter().chain(&["getStateInstance"]) {
        let method = CString::new(*m).unwrap();
        let params = CString::new("{}").unwrap();
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: a live client, valid strings and out pointer.
        let code = unsafe { sdkwa_call(c, method.as_ptr(), params.as_ptr(), &mut out) };
        // SAFETY: set by the library; freed once below.
        let text = unsafe { CStr::from_ptr(out) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: valid until the next call on this thread.
        let last = unsafe { CStr::from_ptr(sdkwa_last_error()) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: from this library, freed once.
        unsafe { sdkwa_string_free(out) };
        if *m != "getStateInstance" {
            assert_ne!(code, SDKWA_OK, "{m}: {text}");
        }
        if code != SDKWA_OK {
            assert_clean(m, &format!("{text}\n{last}"));
        }
    }
    // SAFETY: from sdkwa_client_new, freed once.
    unsafe { sdkwa_client_free(c) };
    // A configuration error quoting a scheme-less proxy.
    let bad = CString::new(format!(
        r#"{{"idInstance":"1","apiToken":"{API_TOKEN}","proxy":"{PROXY_USER}:{PROXY_PASS}@127.0.0.1:3128"}}"#
    ))
    .unwrap();
    // SAFETY: a valid C string.
    assert!(unsafe { sdkwa_client_new(bad.as_ptr()) }.is_null());
    // SAFETY: valid until the next call on this thread.
    let last = unsafe { CStr::from_ptr(sdkwa_last_error()) }
        .to_string_lossy()
        .into_owned();
    assert!(last.contains("proxy"), "{last}");
    assert_clean("C config error", &last);
}

#[test]
fn addin_outputs_hold_no_piece_of_a_secret() {
    let echo = Echo::start(answer);
    let mut script = format!(
        "load\t{}\nnew\nset\tIdInstance\ts:1101000001\nset\tApiToken\ts:{API_TOKEN}\n\
         set\tАдресAPI\ts:{}\nset\tТаймаут\ti:3\nset\tИдентификаторПользователя\ts:user-1\n\
         set\tТокенПользователя\ts:{USER_TOKEN}\nset\tПрокси\ts:{}\n\
         get\tПрокси\nget\tApiToken\nget\tТокенПользователя\n",
        common::cdylib_path().display(),
        echo.url,
        proxy_url(&echo)
    );
    for throw in ["1", "0"] {
        script.push_str(&format!("set\tВызыватьИсключения\tb:{throw}\n"));
        for m in LEAKS {
            script.push_str(&format!(
                "call\tВыполнитьМетод\ts:{m}\ts:\ts:GET\nget\tПоследняяОшибка\n"
            ));
        }
        script.push_str("call\tПолучитьQRКартинку\nget\tПоследняяОшибка\n");
        // The user token travels only to the account API.
        script.push_str("call\tПолучитьИнстансы\nget\tПоследняяОшибка\n");
        script.push_str(&format!(
            "call\tРазобратьУведомление\ts:not json {WEBHOOK_TOKEN}\ts:{WEBHOOK_TOKEN}\ts:Bearer {WEBHOOK_TOKEN}\nget\tПоследняяОшибка\n"
        ));
    }
    // A scheme-less proxy with a password: refused without quoting it.
    script.push_str(&format!(
        "set\tПрокси\ts:{PROXY_USER}:{PROXY_PASS}@127.0.0.1:3128\nget\tПрокси\ncall\tВыполнитьМетод\ts:leakA\ts:\ts:GET\nget\tПоследняяОшибка\n"
    ));
    let (lines, stderr) = common::host::run_with(&[], &script);
    let results: Vec<&common::host::Line> = lines.iter().filter(|l| l[0] == "R").collect();
    let proxy_read = &results[9];
    assert_eq!(
        proxy_read[2],
        format!("s:{}", proxy_url(&echo).replace(PROXY_PASS, "****")),
        "Прокси reads back masked"
    );
    let fails = results.iter().filter(|l| l[1] == "fail").count();
    assert!(fails >= LEAKS.len() + 2, "the calls failed: {results:?}");
    let heads = echo.heads().join("\n");
    assert!(heads.contains(API_TOKEN) && heads.contains(USER_TOKEN));
    let all: Vec<String> = lines.iter().map(|l| l.join("\t")).collect();
    assert_clean("add-in output", &format!("{}\n{stderr}", all.join("\n")));
}
