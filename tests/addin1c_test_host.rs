//! The add-in driven by `addin1c-test` (crates.io), a second host written
//! independently of ours, against the sandbox.

mod common;

use addin1c_test::{TestAddinLib, Variant};
use sdkwa1c::sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

/// A NUL-terminated UTF-16 name.
fn name(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// A 1C string value.
fn s(v: &str) -> Variant {
    Variant::new_str(&v.encode_utf16().collect::<Vec<_>>())
}

fn text(v: &Variant) -> String {
    String::from_utf16(v.get_str().expect("a string result")).unwrap()
}

#[test]
fn second_host_sends_receives_and_reports_errors() {
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let lib = TestAddinLib::new(common::cdylib_path())
        .expect("the library loads and registers class Client");
    let obj = lib.new_addin("Client").expect("object created");
    obj.set_property(&name("IdInstance"), &s(DEFAULT_ID))
        .unwrap();
    obj.set_property(&name("ApiToken"), &s(DEFAULT_TOKEN))
        .unwrap();
    obj.set_property(&name("АдресAPI"), &s(&sb.url())).unwrap();
    assert_eq!(
        text(&obj.get_property(&name("apitoken")).unwrap()),
        "****4c60"
    );

    let r = obj
        .call_as_func(
            &name("ОтправитьТекст"),
            &mut [
                Variant::new_f64(79007654321.0),
                s("от второго хоста"),
                s(""),
                Variant::new_bool(true),
            ],
        )
        .unwrap();
    let sent: serde_json::Value = serde_json::from_str(&text(&r)).unwrap();
    assert_eq!(sent["idMessage"].as_str().unwrap().len(), 32);

    // The outgoing notification, then the echo: receive and delete both by the English names.
    let mut got = Vec::new();
    for _ in 0..2 {
        let r = obj
            .call_as_func(&name("ReceiveNotification"), &mut [Variant::new_i32(2)])
            .unwrap();
        let n: serde_json::Value = serde_json::from_str(&text(&r)).unwrap();
        got.push(n["body"]["typeWebhook"].as_str().unwrap().to_string());
        let id = n["receiptId"].as_i64().unwrap() as i32;
        let d = obj
            .call_as_func(&name("DeleteNotification"), &mut [Variant::new_i32(id)])
            .unwrap();
        assert_eq!(text(&d), r#"{"result":true}"#);
    }
    assert_eq!(
        got,
        ["outgoingAPIMessageReceived", "incomingMessageReceived"]
    );
    let r = obj
        .call_as_func(&name("ПолучитьУведомление"), &mut [Variant::new_i32(0)])
        .unwrap();
    assert_eq!(text(&r), "", "nothing left");

    let r = obj
        .call_as_func(
            &name("GetChatHistory"),
            &mut [s("+7 900 765-43-21"), Variant::new_i32(10)],
        )
        .unwrap();
    let h: serde_json::Value = serde_json::from_str(&text(&r)).unwrap();
    assert_eq!(h[1]["textMessage"], "от второго хоста");

    // Errors: with exceptions on the call fails (this host has no AddError); off, JSON comes back.
    assert!(obj
        .call_as_func(
            &name("ОтправитьТекст"),
            &mut [
                Variant::new_bool(true),
                s("x"),
                s(""),
                Variant::new_bool(true)
            ]
        )
        .is_err());
    let last = text(&obj.get_property(&name("ПоследняяОшибка")).unwrap());
    assert!(last.contains("invalidArgument"), "{last}");
    obj.set_property(&name("ВызыватьИсключения"), &Variant::new_bool(false))
        .unwrap();
    let r = obj
        .call_as_func(
            &name("ПолучитьИнформациюОГруппе"),
            &mut [s("120363000000000009@g.us")],
        )
        .unwrap();
    let e: serde_json::Value = serde_json::from_str(&text(&r)).unwrap();
    assert_eq!(e["kind"], "validation");
    assert_eq!(e["status"], 400);
    let r = obj
        .call_as_func(&name("ПроверитьПодключение"), &mut [])
        .unwrap();
    assert_eq!(r.get_bool(), Some(true));
}
