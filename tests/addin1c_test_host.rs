//! The add-in driven by `addin1c-test` (crates.io), a second host written
//! independently of ours, against the sandbox.

mod common;

use addin1c_test::{TestAddinLib, Variant};
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

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
                Variant::new_bool(false),
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
                Variant::new_bool(true),
                Variant::new_bool(false)
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

/// One call: the method's Russian and English names, its arguments, and
/// whether it must succeed.
struct Row {
    ru: &'static str,
    en: &'static str,
    args: fn(&Ctx) -> Vec<Variant>,
    ok: bool,
}

/// Calls with as many arguments as given (addin1c-test takes them as an
/// array of the method's exact length, and does not export its object type).
macro_rules! call_n {
    ($obj:expr, $method:expr, $args:expr; $($n:literal),*) => {
        match $args.len() {
            $($n => {
                let mut a: [Variant; $n] = match $args.try_into() {
                    Ok(a) => a,
                    Err(_) => unreachable!(),
                };
                $obj.call_as_func($method, &mut a)
            })*
            n => panic!("{n} arguments: add the arity"),
        }
    };
}

/// What later rows need from earlier ones.
struct Ctx {
    file: String,
    group: std::cell::RefCell<String>,
    message: std::cell::RefCell<String>,
}

fn g(c: &Ctx) -> Variant {
    s(&c.group.borrow())
}

/// Every method of the table, by both names, through addin1c-test.
#[test]
fn every_method_by_both_names_through_addin1c_test() {
    let rows: Vec<Row> = vec![
        Row {
            ru: "ПолучитьСостояниеИнстанса",
            en: "GetStateInstance",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПроверитьПодключение",
            en: "CheckConnection",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьQRКод",
            en: "GetQRCode",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьQRКартинку",
            en: "GetQRImage",
            args: |_| vec![],
            ok: false,
        }, // already linked: no image
        Row {
            ru: "ПолучитьКодАвторизации",
            en: "GetAuthorizationCode",
            args: |_| vec![Variant::new_f64(79001234567.0)],
            ok: true,
        },
        Row {
            ru: "ЗапроситьКодРегистрации",
            en: "RequestRegistrationCode",
            args: |_| vec![s("+7 900 123 45 67"), s("voice")],
            ok: true,
        },
        Row {
            ru: "ОтправитьКодРегистрации",
            en: "SendRegistrationCode",
            args: |_| vec![Variant::new_i32(123456)],
            ok: true,
        },
        Row {
            ru: "ПолучитьНастройки",
            en: "GetSettings",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "УстановитьНастройки",
            en: "SetSettings",
            args: |_| vec![s(r#"{"delaySendMessagesMilliseconds":900}"#)],
            ok: true,
        },
        Row {
            ru: "ПерезагрузитьИнстанс",
            en: "Reboot",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "УстановитьИмяПрофиля",
            en: "SetProfileName",
            args: |_| vec![s("Склад")],
            ok: true,
        },
        Row {
            ru: "УстановитьСтатусПрофиля",
            en: "SetProfileStatus",
            args: |_| vec![s("На связи")],
            ok: true,
        },
        Row {
            ru: "УстановитьКартинкуПрофиля",
            en: "SetProfilePicture",
            args: |c| vec![s(&c.file)],
            ok: true,
        },
        Row {
            ru: "ОтправитьТекст",
            en: "SendMessage",
            args: |_| {
                vec![
                    Variant::new_f64(79001234567.0),
                    s("текст"),
                    s(""),
                    Variant::new_bool(false),
                    Variant::new_bool(false),
                ]
            },
            ok: true,
        },
        Row {
            ru: "ОтправитьВидеоАудиоИзображениеДокументПоURL",
            en: "SendFileByUrl",
            args: |_| {
                vec![
                    s("79001234567"),
                    s("https://example.invalid/a.png"),
                    s("a.png"),
                    s(""),
                    s(""),
                    Variant::new_bool(false),
                ]
            },
            ok: true,
        },
        Row {
            ru: "ОтправитьВидеоАудиоИзображениеДокумент",
            en: "SendFileByUpload",
            args: |c| vec![s("79001234567"), s(&c.file), s(""), s("подпись"), s("")],
            ok: true,
        },
        Row {
            ru: "ОтправитьГеолокацию",
            en: "SendLocation",
            args: |_| {
                vec![
                    s("79001234567"),
                    s("Здесь"),
                    s(""),
                    Variant::new_f64(55.74),
                    Variant::new_f64(37.62),
                    s(""),
                ]
            },
            ok: true,
        },
        Row {
            ru: "ОтправитьКонтакт",
            en: "SendContact",
            args: |_| {
                vec![
                    s("79001234567"),
                    Variant::new_f64(79001234559.0),
                    s("Иван"),
                    s(""),
                    s("Петров"),
                    s(""),
                    s(""),
                ]
            },
            ok: true,
        },
        Row {
            ru: "ЗагрузитьФайл",
            en: "UploadFile",
            args: |c| vec![s(&c.file)],
            ok: true,
        },
        Row {
            ru: "ПолучитьУведомление",
            en: "ReceiveNotification",
            args: |_| vec![Variant::new_i32(0)],
            ok: true,
        },
        Row {
            ru: "УдалитьУведомление",
            en: "DeleteNotification",
            args: |_| vec![Variant::new_i32(1)],
            ok: true,
        },
        Row {
            ru: "НачатьПолучениеУведомлений",
            en: "StartNotifications",
            args: |_| vec![],
            ok: false,
        }, // this host has no Init/connection
        Row {
            ru: "ОстановитьПолучениеУведомлений",
            en: "StopNotifications",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьИсториюСообщенийЧата",
            en: "GetChatHistory",
            args: |_| vec![s("79001234567"), Variant::new_i32(3)],
            ok: true,
        },
        Row {
            ru: "СкачатьФайл",
            en: "DownloadFile",
            args: |c| vec![s("79001234567"), s(&c.message.borrow()), s("")],
            ok: true,
        },
        Row {
            ru: "ПоследниеВходящиеСообщения",
            en: "LastIncomingMessages",
            args: |_| vec![Variant::new_i32(60)],
            ok: true,
        },
        Row {
            ru: "ПоследниеИсходящиеСообщения",
            en: "LastOutgoingMessages",
            args: |_| vec![Variant::new_i32(60)],
            ok: true,
        },
        Row {
            ru: "ПолучитьОчередьСообщений",
            en: "ShowMessagesQueue",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ОчиститьОчередьСообщений",
            en: "ClearMessagesQueue",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьКонтакты",
            en: "GetContacts",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьЧаты",
            en: "GetChats",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьИнфоКонтакта",
            en: "GetContactInfo",
            args: |_| vec![s("79001234567")],
            ok: true,
        },
        Row {
            ru: "ПолучитьАватар",
            en: "GetAvatar",
            args: |_| vec![s("79001234567")],
            ok: true,
        },
        Row {
            ru: "ПроверитьНаличиеWhatsApp",
            en: "CheckWhatsapp",
            args: |_| vec![Variant::new_f64(79001234567.0)],
            ok: true,
        },
        Row {
            ru: "ОтметитьЧатПрочитанным",
            en: "ReadChat",
            args: |_| vec![s("79001234567"), s("")],
            ok: true,
        },
        Row {
            ru: "АрхивироватьЧат",
            en: "ArchiveChat",
            args: |_| vec![s("79001234567")],
            ok: true,
        },
        Row {
            ru: "РазархивироватьЧат",
            en: "UnarchiveChat",
            args: |_| vec![s("79001234567")],
            ok: true,
        },
        Row {
            ru: "УдалитьСообщение",
            en: "DeleteMessage",
            args: |c| vec![s("79001234567"), s(&c.message.borrow())],
            ok: true,
        },
        Row {
            ru: "СоздатьГруппу",
            en: "CreateGroup",
            args: |_| vec![s("Группа"), s("79001234559, 79001234567")],
            ok: true,
        },
        Row {
            ru: "ИзменитьИмяГруппы",
            en: "UpdateGroupName",
            args: |c| vec![g(c), s("Новое")],
            ok: true,
        },
        Row {
            ru: "ПолучитьИнформациюОГруппе",
            en: "GetGroupData",
            args: |c| vec![g(c)],
            ok: true,
        },
        Row {
            ru: "ДобавитьУчастникаВГруппу",
            en: "AddGroupParticipant",
            args: |c| vec![g(c), Variant::new_f64(79001234551.0)],
            ok: true,
        },
        Row {
            ru: "НазначитьАдминистратораГруппы",
            en: "SetGroupAdmin",
            args: |c| vec![g(c), s("79001234551")],
            ok: true,
        },
        Row {
            ru: "СнятьАдминистратораГруппы",
            en: "RemoveAdmin",
            args: |c| vec![g(c), s("79001234551")],
            ok: true,
        },
        Row {
            ru: "УдалитьУчастникаИзГруппы",
            en: "RemoveGroupParticipant",
            args: |c| vec![g(c), s("79001234551")],
            ok: true,
        },
        Row {
            ru: "ОтправитьТекстВГруппу",
            en: "SendMessageToGroup",
            args: |c| vec![g(c), s("Привет всем!"), s("")],
            ok: true,
        },
        Row {
            ru: "УстановитьКартинкуГруппы",
            en: "SetGroupPicture",
            args: |c| vec![g(c), s(&c.file)],
            ok: true,
        },
        Row {
            ru: "ПокинутьГруппу",
            en: "LeaveGroup",
            args: |c| vec![g(c)],
            ok: true,
        },
        Row {
            ru: "ПолучитьСтатусПрогреваТелефона",
            en: "GetWarmingPhoneStatus",
            args: |_| vec![],
            ok: true,
        },
        Row {
            ru: "ПолучитьКодСопряжения",
            en: "GetPairingCode",
            args: |_| vec![s("+7 900 123-45-67")],
            ok: true,
        },
        Row {
            ru: "ЗапроситьКодАвторизации",
            en: "RequestAuthorizationCode",
            args: |_| vec![Variant::new_f64(79001234567.0), s("sms")],
            ok: true,
        },
        Row {
            ru: "ПолучитьДанныеИнстанса",
            en: "GetInstance",
            args: |_| vec![],
            ok: true,
        },
        // Telegram's login under WhatsApp is refused before any request.
        Row {
            ru: "СоздатьПриложениеTelegram",
            en: "CreateTelegramApp",
            args: |_| {
                vec![
                    s("Склад"),
                    s("sklad"),
                    s("https://example.invalid"),
                    s("бот"),
                ]
            },
            ok: false,
        },
        Row {
            ru: "ОтправитьКодПодтверждения",
            en: "SendConfirmationCode",
            args: |_| vec![s("79001234567")],
            ok: false,
        },
        Row {
            ru: "ВойтиПоКодуПодтверждения",
            en: "SignInWithConfirmationCode",
            args: |_| vec![s("123456")],
            ok: false,
        },
        // The account API without ИдентификаторПользователя/ТокенПользователя: refused locally.
        Row {
            ru: "ПолучитьИнстансы",
            en: "GetInstances",
            args: |_| vec![],
            ok: false,
        },
        Row {
            ru: "СоздатьИнстанс",
            en: "CreateInstance",
            args: |_| vec![s("DEVELOPER"), s("month1"), s("")],
            ok: false,
        },
        Row {
            ru: "ПродлитьИнстанс",
            en: "ExtendInstance",
            args: |_| vec![s(DEFAULT_ID), s("DEVELOPER"), s("month1"), s("")],
            ok: false,
        },
        Row {
            ru: "УдалитьИнстанс",
            en: "DeleteInstance",
            args: |_| vec![s(DEFAULT_ID)],
            ok: false,
        },
        Row {
            ru: "ВосстановитьИнстанс",
            en: "RestoreInstance",
            args: |_| vec![s(DEFAULT_ID)],
            ok: false,
        },
        Row {
            ru: "ВыполнитьМетод",
            en: "CallMethod",
            args: |_| vec![s("getChats"), s(""), s("GET")],
            ok: true,
        },
        Row {
            ru: "РазобратьУведомление",
            en: "ParseWebhook",
            args: |_| {
                vec![
                    s(r#"{"typeWebhook":"incomingMessageReceived"}"#),
                    s("t"),
                    s("Bearer t"),
                ]
            },
            ok: true,
        },
        Row {
            // Nothing awaits an acknowledgement: a clear error.
            ru: "ПодтвердитьУведомление",
            en: "AckNotification",
            args: |_| vec![s("1")],
            ok: false,
        },
        Row {
            ru: "ОтправитьПакет",
            en: "SendBatch",
            args: |_| {
                vec![
                    s(r#"[{"method":"getStateInstance"},{"method":"nope"}]"#),
                    s("2"),
                ]
            },
            ok: true,
        },
        Row {
            // A malformed batch is refused before any thread starts.
            ru: "НачатьОтправкуПакета",
            en: "StartBatch",
            args: |_| vec![s("{}"), s("0")],
            ok: false,
        },
        Row {
            // Nothing runs: an empty list of stopped batches.
            ru: "ОстановитьОтправкуПакета",
            en: "StopBatch",
            args: |_| vec![s("")],
            ok: true,
        },
        Row {
            ru: "РазлогинитьИнстанс",
            en: "Logout",
            args: |_| vec![],
            ok: true,
        },
    ];
    assert_eq!(
        rows.len(),
        sdkwa1c::addin::table::METHODS.len(),
        "every table row is exercised"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("picture.png");
    std::fs::write(&file, sdkwa_sandbox::qr_png("x")).unwrap();
    let lib = TestAddinLib::new(common::cdylib_path()).unwrap();
    for english in [false, true] {
        let sb = common::sandbox();
        let obj = lib.new_addin("Client").unwrap();
        obj.set_property(&name("IdInstance"), &s(DEFAULT_ID))
            .unwrap();
        obj.set_property(&name("ApiToken"), &s(DEFAULT_TOKEN))
            .unwrap();
        obj.set_property(&name("ApiUrl"), &s(&sb.url())).unwrap();
        let ctx = Ctx {
            file: file.display().to_string(),
            group: Default::default(),
            message: Default::default(),
        };
        for row in &rows {
            let method = if english { row.en } else { row.ru };
            let args = (row.args)(&ctx);
            let r = call_n!(obj, &name(method), args; 0, 1, 2, 3, 4, 5, 6, 7);
            let last = text(&obj.get_property(&name("LastError")).unwrap());
            assert_eq!(r.is_ok(), row.ok, "{method}: {last} {:?}", r.as_ref().err());
            if !row.ok {
                assert!(
                    !last.is_empty(),
                    "{method}: a failure leaves ПоследняяОшибка"
                );
                continue;
            }
            assert!(last.is_empty(), "{method}: {last}");
            let v = r.unwrap();
            if let Some(units) = v.get_str() {
                let t = String::from_utf16(units).unwrap();
                if !t.is_empty() {
                    let j: serde_json::Value =
                        serde_json::from_str(&t).unwrap_or_else(|e| panic!("{method}: {e}: {t}"));
                    if row.en == "CreateGroup" {
                        *ctx.group.borrow_mut() = j["chatId"].as_str().unwrap().to_string();
                    }
                    if row.en == "SendFileByUpload" {
                        *ctx.message.borrow_mut() = j["idMessage"].as_str().unwrap().to_string();
                    }
                }
            }
        }
        // Six sends, one of them deleted again by DeleteMessage.
        assert_eq!(
            sb.messages(DEFAULT_ID).len(),
            5,
            "the sends reached the service"
        );
    }
}
