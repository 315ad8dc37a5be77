//! Bad input at the add-in's boundary, through the real vtables (in-process
//! host): strings that are not valid UTF-16, huge strings, unknown method
//! numbers, files that are not regular files. Each is a clear error naming
//! what was wrong.

mod common;

use std::time::{Duration, Instant};

use sdkwa1c::addin::variant::{DataPtr, TVariant, VariantValue, VTYPE_PWSTR, VTYPE_R8};
use sdkwa1c_host::{Host1C, Object1C, Value1C};
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

fn connect<'a>(host: &'a Host1C, sb: &sdkwa_sandbox::Sandbox) -> Object1C<'a> {
    let obj = host.create().unwrap();
    obj.set("IdInstance", &Value1C::Str(DEFAULT_ID.into()))
        .unwrap();
    obj.set("ApiToken", &Value1C::Str(DEFAULT_TOKEN.into()))
        .unwrap();
    obj.set("АдресAPI", &Value1C::Str(sb.url())).unwrap();
    obj.set_locale("ru_RU");
    obj
}

fn wide(units: &mut [u16]) -> TVariant {
    TVariant {
        value: VariantValue {
            wstr: DataPtr {
                ptr: units.as_mut_ptr(),
                len: units.len() as u32,
            },
        },
        elements: 0,
        vt: VTYPE_PWSTR,
    }
}

fn phone() -> TVariant {
    TVariant {
        value: VariantValue { f64: 79001234567.0 },
        elements: 0,
        vt: VTYPE_R8,
    }
}

#[test]
fn a_string_with_a_lone_surrogate_is_refused_with_its_position() {
    let sb = common::sandbox();
    let host = Host1C::in_process();
    let obj = connect(&host, &sb);
    let n = obj.find_method("ОтправитьТекст").unwrap();
    // "Hi" + a lone high surrogate + "!"
    let mut text: Vec<u16> = vec![0x48, 0x69, 0xD800, 0x21];
    let mut params = [phone(), wide(&mut text)];
    // SAFETY: the string variant points into `text`, valid for its length.
    let e = unsafe { obj.call_raw(n, &mut params) }.unwrap_err();
    assert!(e.contains("ОтправитьТекст"), "{e}");
    assert!(e.contains("UTF-16"), "{e}");
    assert!(e.contains("позиции 3"), "{e}");
    assert!(sb.messages(DEFAULT_ID).is_empty(), "nothing was sent");

    // The same text, valid, goes through.
    text[2] = 0x20;
    let mut params = [phone(), wide(&mut text)];
    // SAFETY: as above.
    let ok = unsafe { obj.call_raw(n, &mut params) }.unwrap();
    assert!(ok.as_str().unwrap().contains("idMessage"));
}

#[test]
fn huge_strings_end_in_an_answer_or_a_clear_error_quickly() {
    let sb = common::sandbox();
    let host = Host1C::in_process();
    let obj = connect(&host, &sb);
    // A 4-million-character "phone number": refused, naming the parameter.
    let t = Instant::now();
    let e = obj
        .call(
            "ОтправитьТекст",
            &[
                Value1C::Str("7".repeat(4_000_000)),
                Value1C::Str("x".into()),
            ],
        )
        .unwrap_err();
    assert!(e.contains("Чат") || e.contains("chatId"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5));
    // A 1-million-character text: the service's own limit answers, clearly.
    let e = obj
        .call(
            "ОтправитьТекст",
            &[
                Value1C::Num(79001234567.0),
                Value1C::Str("Ж".repeat(1_000_000)),
            ],
        )
        .unwrap_err();
    assert!(e.contains("400") && e.contains("20000"), "{e}");
    // At the limit the text is sent whole.
    let text = "Ж".repeat(20_000);
    let sent = obj
        .call(
            "ОтправитьТекст",
            &[Value1C::Num(79001234567.0), Value1C::Str(text.clone())],
        )
        .unwrap();
    assert!(sent.as_str().unwrap().contains("idMessage"));
    let history = sb.messages(DEFAULT_ID);
    assert_eq!(history.last().unwrap()["textMessage"], text.as_str());
}

#[test]
fn unknown_method_numbers_and_non_regular_files_are_clear_errors() {
    let sb = common::sandbox();
    let host = Host1C::in_process();
    let obj = connect(&host, &sb);
    let (methods, _) = obj.counts();
    for n in [-1, methods as i32, i32::MAX] {
        // SAFETY: no parameters.
        assert!(unsafe { obj.call_raw(n as _, &mut []) }.is_err(), "{n}");
    }
    // A device, a directory: refused at once, not read forever.
    for path in ["/dev/zero", "/tmp"] {
        let t = Instant::now();
        let e = obj
            .call(
                "ОтправитьВидеоАудиоИзображениеДокумент",
                &[Value1C::Num(79001234567.0), Value1C::Str(path.into())],
            )
            .unwrap_err();
        assert!(e.contains(path), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }
    assert!(sb.messages(DEFAULT_ID).is_empty());
}
