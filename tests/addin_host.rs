//! The 1C add-in driven by the C++ host emulator (1C's own headers) against
//! the sandbox: every method and property by both names, the argument type
//! matrix, defaults, errors in both modes and languages, files, the
//! background receiver with back-pressure, several objects, and valgrind.

mod common;

use common::host::{json, prelude, run, run_with, Line, PRELUDE_LINES};
use sdkwa1c::sandbox::DEFAULT_ID;

/// interface.md §1: every method (Russian, English, parameter count).
const METHODS: &[(&str, &str, usize)] = &[
    ("ПолучитьQRКод", "GetQRCode", 0),
    ("ПолучитьQRКартинку", "GetQRImage", 0),
    ("ПолучитьКодАвторизации", "GetAuthorizationCode", 1),
    ("ЗапроситьКодРегистрации", "RequestRegistrationCode", 2),
    ("ОтправитьКодРегистрации", "SendRegistrationCode", 1),
    ("ПолучитьСостояниеИнстанса", "GetStateInstance", 0),
    ("ПроверитьПодключение", "CheckConnection", 0),
    ("ПолучитьНастройки", "GetSettings", 0),
    ("УстановитьНастройки", "SetSettings", 1),
    ("ПерезагрузитьИнстанс", "Reboot", 0),
    ("РазлогинитьИнстанс", "Logout", 0),
    ("УстановитьИмяПрофиля", "SetProfileName", 1),
    ("УстановитьСтатусПрофиля", "SetProfileStatus", 1),
    ("УстановитьКартинкуПрофиля", "SetProfilePicture", 1),
    ("ОтправитьТекст", "SendMessage", 4),
    ("ОтправитьТекстВГруппу", "SendMessageToGroup", 2),
    (
        "ОтправитьВидеоАудиоИзображениеДокументПоURL",
        "SendFileByUrl",
        4,
    ),
    (
        "ОтправитьВидеоАудиоИзображениеДокумент",
        "SendFileByUpload",
        4,
    ),
    ("ОтправитьГеолокацию", "SendLocation", 5),
    ("ОтправитьКонтакт", "SendContact", 6),
    ("ЗагрузитьФайл", "UploadFile", 1),
    ("ПолучитьУведомление", "ReceiveNotification", 1),
    ("УдалитьУведомление", "DeleteNotification", 1),
    ("НачатьПолучениеУведомлений", "StartNotifications", 0),
    ("ОстановитьПолучениеУведомлений", "StopNotifications", 0),
    ("СкачатьФайл", "DownloadFile", 2),
    ("ПолучитьИсториюСообщенийЧата", "GetChatHistory", 2),
    ("ПоследниеВходящиеСообщения", "LastIncomingMessages", 1),
    ("ПоследниеИсходящиеСообщения", "LastOutgoingMessages", 1),
    ("ПолучитьОчередьСообщений", "ShowMessagesQueue", 0),
    ("ОчиститьОчередьСообщений", "ClearMessagesQueue", 0),
    ("ПолучитьКонтакты", "GetContacts", 0),
    ("ПолучитьЧаты", "GetChats", 0),
    ("ПолучитьИнфоКонтакта", "GetContactInfo", 1),
    ("ПолучитьАватар", "GetAvatar", 1),
    ("ПроверитьНаличиеWhatsApp", "CheckWhatsapp", 1),
    ("ОтметитьЧатПрочитанным", "ReadChat", 2),
    ("АрхивироватьЧат", "ArchiveChat", 1),
    ("РазархивироватьЧат", "UnarchiveChat", 1),
    ("УдалитьСообщение", "DeleteMessage", 2),
    ("СоздатьГруппу", "CreateGroup", 2),
    ("ИзменитьИмяГруппы", "UpdateGroupName", 2),
    ("ПолучитьИнформациюОГруппе", "GetGroupData", 1),
    ("ДобавитьУчастникаВГруппу", "AddGroupParticipant", 2),
    ("УдалитьУчастникаИзГруппы", "RemoveGroupParticipant", 2),
    ("НазначитьАдминистратораГруппы", "SetGroupAdmin", 2),
    ("СнятьАдминистратораГруппы", "RemoveAdmin", 2),
    ("ПокинутьГруппу", "LeaveGroup", 1),
    ("УстановитьКартинкуГруппы", "SetGroupPicture", 2),
    ("ВыполнитьМетод", "CallMethod", 3),
    ("РазобратьУведомление", "ParseWebhook", 3),
];

/// interface.md §1: every property (Russian, English, readable, writable).
const PROPS: &[(&str, &str, bool, bool)] = &[
    ("IdInstance", "IdInstance", true, true),
    ("ApiToken", "ApiToken", true, true),
    ("АдресAPI", "ApiUrl", true, true),
    ("Мессенджер", "Messenger", true, true),
    ("ИдентификаторПользователя", "UserId", true, true),
    ("ТокенПользователя", "UserToken", true, true),
    ("Таймаут", "Timeout", true, true),
    ("Прокси", "Proxy", true, true),
    ("ВызыватьИсключения", "ThrowErrors", true, true),
    ("ПоследняяОшибка", "LastError", true, false),
    ("Версия", "Version", true, false),
];

fn script(sb: &sdkwa1c::sandbox::Sandbox, body: &str) -> Vec<Line> {
    let out = run(&format!("{}{body}", prelude(sb)));
    for l in &out[..PRELUDE_LINES] {
        assert_eq!(l[1], "ok", "prelude: {l:?}");
    }
    out[PRELUDE_LINES..].to_vec()
}

#[test]
fn tvariant_size_matches_the_header() {
    let out = run("sizeof\n");
    let n = |i: usize| out[0][i].parse::<usize>().unwrap();
    // The add-in under test has the host's pointer width (ELF class byte: 1 = 32-bit, 2 = 64-bit).
    let elf = std::fs::read(common::cdylib_path()).unwrap();
    if common::host::m32() {
        // The i686 add-in in the 32-bit host: 1C's header gives a 52-byte
        // tVariant (struct tm of 44, vt at 48), 4-byte long and pointers; the
        // library asserts the same at compile time for 32-bit Linux.
        assert_eq!(elf[4], 1, "SDKWA_ADDIN_LIB is not a 32-bit library");
        assert_eq!([n(2), n(3), n(4), n(5), n(6), n(7)], [52, 48, 44, 4, 2, 4]);
        return;
    }
    assert_eq!(elf[4], 2, "a 64-bit library for the 64-bit host");
    assert_eq!(
        n(2),
        std::mem::size_of::<sdkwa1c::addin::variant::TVariant>()
    );
    assert_eq!(
        n(3),
        std::mem::offset_of!(sdkwa1c::addin::variant::TVariant, vt)
    );
    assert_eq!([n(5), n(6)], [std::mem::size_of::<std::ffi::c_long>(), 2]);
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    assert_eq!(out[0][2], "64");
}

#[test]
fn every_name_of_the_interface_is_registered() {
    let lib = common::cdylib_path();
    let (lines, _) = run_with(&[], &format!("load\t{}\nnew\nmeta\n", lib.display()));
    assert_eq!(
        lines[0][1..],
        ["ok", "Client", "3", "3"],
        "class names, capabilities, attach type 'any'"
    );
    assert_eq!(
        lines[1][1..],
        ["ok", "Client", "11", "2000"],
        "extension name, Init+setMemManager, GetInfo"
    );
    let props: Vec<&Line> = lines.iter().filter(|l| l[0] == "P").collect();
    let methods: Vec<&Line> = lines.iter().filter(|l| l[0] == "M").collect();
    assert_eq!(props.len(), PROPS.len());
    assert_eq!(methods.len(), METHODS.len());
    for (ru, en, r, w) in PROPS {
        let p = props
            .iter()
            .find(|p| p[1] == *en)
            .unwrap_or_else(|| panic!("property {en}"));
        assert_eq!(p[2], *ru);
        assert_eq!((p[3] == "1", p[4] == "1"), (*r, *w), "{en}");
    }
    for (ru, en, n) in METHODS {
        let m = methods
            .iter()
            .find(|m| m[1] == *en)
            .unwrap_or_else(|| panic!("method {en}"));
        assert_eq!(m[2], *ru);
        assert_eq!(m[3].parse::<usize>().unwrap(), *n, "{en}");
        let procedure = matches!(*en, "StartNotifications" | "StopNotifications");
        assert_eq!(m[4] == "1", !procedure, "{en} HasRetVal");
    }
    // Both names, any case (Cyrillic too), find the same entry; an unknown name is -1.
    let out = run(&format!(
        "load\t{}\nnew\nget\tверсия\nget\tVERSION\ncall\tнетТакогоМетода\nget\tнетСвойства\n",
        lib.display()
    ));
    assert_eq!(out[2][2], format!("s:{}", sdkwa1c::VERSION));
    assert_eq!(out[3][2], out[2][2]);
    assert_eq!(out[4][1], "nomethod");
    assert_eq!(out[5][1], "noprop");
}

/// Calls every method by its `alias` names with realistic arguments and checks each answer.
fn all_methods(alias: usize) {
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("прайс.pdf");
    std::fs::write(&file, b"%PDF-1.4").unwrap();
    let name = |en: &str| {
        let m = METHODS.iter().find(|m| m.1 == en).unwrap();
        if alias == 0 {
            m.0
        } else {
            m.1
        }
    };
    let f = file.display();
    let body = format!(
        "call\t{}\n\
         call\t{}\n\
         call\t{}\ti:79001234\n\
         call\t{}\tr:79001234567\n\
         call\t{}\ts:123456\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\ts:{{\"delaySendMessagesMilliseconds\":700}}\n\
         call\t{}\n\
         call\t{}\ts:Склад\n\
         call\t{}\ts:Работаем\n\
         call\t{}\tx:89504e470d0a1a0a\n\
         call\t{}\tr:79001234567\ts:Привет из 1С\n\
         call\t{}\ts:+7 (900) 123-45-67\ts:https://example.invalid/a.png\ts:a.png\ts:картинка\n\
         call\t{}\ts:79001234567\ts:{f}\n\
         call\t{}\ti:79001234\ts:I'm here\ts:Tretyakovskaya Galereya\ts:55.740930\ts:37.620508\n\
         call\t{}\tr:7900123456858\tr:7900123456859\ts:First\ts:Middle\ts:Last\ts:Company\n\
         call\t{}\tx:0102\n\
         call\t{}\tr:79001234567\ti:10\n\
         call\t{}\ti:60\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\n\
         call\t{}\tr:79001234567\n\
         call\t{}\tr:79001234567\n\
         call\t{}\tr:79001234567\n\
         call\t{}\tr:79001234567\n\
         call\t{}\tr:79001234567\n\
         call\t{}\tr:79001234567\n\
         call\t{}\ts:getContacts\ts:\ts:GET\n",
        name("GetStateInstance"),
        name("CheckConnection"),
        name("GetAuthorizationCode"),
        name("RequestRegistrationCode"),
        name("SendRegistrationCode"),
        name("GetQRCode"),
        name("GetQRImage"),
        name("GetSettings"),
        name("SetSettings"),
        name("Reboot"),
        name("SetProfileName"),
        name("SetProfileStatus"),
        name("SetProfilePicture"),
        name("SendMessage"),
        name("SendFileByUrl"),
        name("SendFileByUpload"),
        name("SendLocation"),
        name("SendContact"),
        name("UploadFile"),
        name("GetChatHistory"),
        name("LastOutgoingMessages"),
        name("LastIncomingMessages"),
        name("ShowMessagesQueue"),
        name("ClearMessagesQueue"),
        name("GetContacts"),
        name("GetChats"),
        name("GetContactInfo"),
        name("GetAvatar"),
        name("CheckWhatsapp"),
        name("ReadChat"),
        name("ArchiveChat"),
        name("UnarchiveChat"),
        name("CallMethod"),
    );
    let out = script(&sb, &body);
    let mut i = 0;
    let mut next = || {
        i += 1;
        out[i - 1].clone()
    };
    assert_eq!(json(&next())["stateInstance"], "authorized");
    assert_eq!(next()[2], "b:1", "CheckConnection is Булево");
    assert_eq!(json(&next())["status"], true);
    assert_eq!(json(&next())["method"], "sms", "default method");
    assert_eq!(json(&next())["status"], "ok");
    assert_eq!(json(&next())["type"], "alreadyLogged");
    let qr = next();
    assert_eq!(qr[1], "fail", "no QR image for a linked account: {qr:?}");
    assert!(qr[2].contains("alreadyLogged"));
    assert_eq!(json(&next())["wid"], "79990000000@c.us");
    assert_eq!(json(&next())["saveSettings"], true);
    assert_eq!(json(&next())["isReboot"], true);
    assert_eq!(json(&next())["setProfileName"], true);
    assert_eq!(json(&next())["setProfileStatus"], true);
    assert_eq!(json(&next())["setProfilePicture"], true);
    let text = json(&next());
    let url = json(&next());
    let upload = json(&next());
    assert!(
        upload["urlFile"].as_str().unwrap().ends_with(".pdf"),
        "{upload}"
    );
    let loc = json(&next());
    let contact = json(&next());
    for v in [&text, &url, &upload, &loc, &contact] {
        assert_eq!(v["idMessage"].as_str().unwrap().len(), 32, "{v}");
    }
    assert!(json(&next())["urlFile"].is_string());
    let history = json(&next());
    assert_eq!(history[0]["typeMessage"], "documentMessage");
    assert_eq!(history[1]["typeMessage"], "imageMessage");
    assert_eq!(
        history[2]["textMessage"], "Echo: Привет из 1С",
        "the echo reply"
    );
    assert_eq!(history[3]["textMessage"], "Привет из 1С");
    assert_eq!(json(&next()).as_array().unwrap().len(), 5);
    assert_eq!(json(&next()).as_array().unwrap().len(), 1, "the echo");
    assert!(json(&next()).is_array());
    assert_eq!(json(&next())["isCleared"], true);
    assert!(json(&next()).as_array().unwrap().len() >= 3);
    assert_eq!(
        json(&next())[0]["id"],
        "7900123456858@c.us",
        "the most recent chat first"
    );
    assert_eq!(json(&next())["name"], "Иван Петров");
    assert!(json(&next())["existsWhatsapp"].is_boolean());
    assert_eq!(json(&next())["existsWhatsapp"], true);
    assert_eq!(json(&next())["setRead"], true);
    assert!(json(&next()).is_object());
    assert!(json(&next()).is_object());
    assert!(json(&next()).is_array(), "CallMethod GET getContacts");
    assert_eq!(i, out.len());

    // Location from the original README: coordinates given as strings arrive as numbers.
    let loc_entry = sb
        .messages(DEFAULT_ID)
        .into_iter()
        .find(|m| m["typeMessage"] == "locationMessage")
        .unwrap();
    assert_eq!(loc_entry["chatId"], "79001234@c.us");
    assert_eq!(loc_entry["latitude"], 55.74093);
    assert_eq!(loc_entry["nameLocation"], "I'm here");
    let contact_entry = sb
        .messages(DEFAULT_ID)
        .into_iter()
        .find(|m| m["typeMessage"] == "contactMessage")
        .unwrap();
    assert_eq!(
        contact_entry["chatId"], "7900123456858@c.us",
        "13 digits from a Число kept exactly"
    );
    assert!(contact_entry["vcard"]
        .as_str()
        .unwrap()
        .contains("waid=7900123456859"));
}

#[test]
fn every_method_by_russian_name() {
    all_methods(0);
}

#[test]
fn every_method_by_english_name() {
    all_methods(1);
}

#[test]
fn receiving_groups_and_the_rest_by_both_names() {
    let sb = common::sandbox();
    for (send, recv, del, hist) in [
        (
            "ОтправитьТекст",
            "ПолучитьУведомление",
            "УдалитьУведомление",
            "СкачатьФайл",
        ),
        (
            "SendMessage",
            "ReceiveNotification",
            "DeleteNotification",
            "DownloadFile",
        ),
    ] {
        let id = sb
            .incoming_text(DEFAULT_ID, "79001234567@c.us", "входящее")
            .unwrap();
        let out = script(&sb, &format!("call\t{recv}\ti:1\ncall\t{recv}\ti:1\n"));
        let n = json(&out[0]);
        assert_eq!(n["body"]["idMessage"], id.as_str());
        assert_eq!(
            n["body"]["messageData"]["textMessageData"]["textMessage"],
            "входящее"
        );
        assert_eq!(
            json(&out[1])["receiptId"],
            n["receiptId"],
            "not deleted: received again"
        );
        let out = script(
            &sb,
            &format!("call\t{del}\ti:{}\ncall\t{recv}\ti:0\n", n["receiptId"]),
        );
        assert_eq!(json(&out[0])["result"], true);
        assert_eq!(out[1][1..], ["ok", "s:"], "nothing queued: an empty string");
        let _ = send;
        // DownloadFile of a message without a file is the service's 400.
        let out = script(
            &sb,
            &format!("set\tВызыватьИсключения\tb:0\ncall\t{hist}\ts:79001234567\ts:{id}\n"),
        );
        assert_eq!(json(&out[1])["kind"], "validation");
    }
    // Groups by both names.
    for names in [
        [
            "СоздатьГруппу",
            "ПолучитьИнформациюОГруппе",
            "ДобавитьУчастникаВГруппу",
            "НазначитьАдминистратораГруппы",
            "СнятьАдминистратораГруппы",
            "УдалитьУчастникаИзГруппы",
            "ИзменитьИмяГруппы",
            "ОтправитьТекстВГруппу",
            "УстановитьКартинкуГруппы",
            "ПокинутьГруппу",
            "УдалитьСообщение",
        ],
        [
            "CreateGroup",
            "GetGroupData",
            "AddGroupParticipant",
            "SetGroupAdmin",
            "RemoveAdmin",
            "RemoveGroupParticipant",
            "UpdateGroupName",
            "SendMessageToGroup",
            "SetGroupPicture",
            "LeaveGroup",
            "DeleteMessage",
        ],
    ] {
        let out = script(
            &sb,
            &format!(
                "call\t{}\ts:Моя тестовая группа\ts:[79001234559, \"79001234567@c.us\"]\n",
                names[0]
            ),
        );
        let g = json(&out[0]);
        let gid = g["chatId"].as_str().unwrap();
        let body = format!(
            "# {0}\ncall\t{1}\ts:{gid}\ncall\t{2}\ts:{gid}\tr:79001234551\ncall\t{3}\ts:{gid}\ti:79001234\ncall\t{4}\ts:{gid}\ti:79001234\n\
             call\t{5}\ts:{gid}\tr:79001234551\ncall\t{6}\ts:{gid}\ts:Новое имя\ncall\t{7}\ts:{gid}\ts:Привет всем!\ncall\t{8}\ts:{gid}\tx:89504e47\n\
             call\t{1}\ts:{gid}\ncall\t{9}\ts:{gid}\ncall\t{7}\ts:79001234567\ts:не группа\n",
            names[0], names[1], names[2], names[3], names[4], names[5], names[6], names[7], names[8], names[9]
        );
        let out = script(&sb, &body);
        assert_eq!(json(&out[0])["participants"].as_array().unwrap().len(), 3);
        assert_eq!(json(&out[1])["addParticipant"], true);
        assert_eq!(out[2][1], "fail", "79001234 is not a member: {:?}", out[2]);
        assert_eq!(out[3][1], "fail");
        assert_eq!(json(&out[4])["removeParticipant"], true);
        assert_eq!(json(&out[5])["updateGroupName"], true);
        let sent = json(&out[6]);
        assert_eq!(json(&out[7])["setGroupPicture"], true);
        let data = json(&out[8]);
        assert_eq!(data["subject"], "Новое имя");
        assert_eq!(json(&out[9])["leaveGroup"], true);
        assert_eq!(out[10][1], "fail");
        assert!(out[10][2].contains("@g.us"), "{:?}", out[10]);
        let out = script(
            &sb,
            &format!(
                "call\t{}\ts:{gid}\ts:{}\n",
                names[10],
                sent["idMessage"].as_str().unwrap()
            ),
        );
        assert!(json(&out[0]).is_object());
    }
}

#[test]
fn argument_type_matrix() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "call\tОтправитьТекст\ti:79001234\ts:int\n\
         call\tОтправитьТекст\tr:790012345673442\ts:15 digits as R8\n\
         call\tОтправитьТекст\ts:+7 (900) 123-45-67\ts:formatted\n\
         call\tОтправитьТекст\ts:79001234567@c.us\ti:42\n\
         call\tОтправитьТекст\tr:7900.5\ts:fraction\n\
         call\tОтправитьТекст\tb:1\ts:bool\n\
         call\tОтправитьТекст\td:2024-01-02T03:04:05\ts:date\n\
         call\tОтправитьТекст\tx:00ff\ts:blob\n\
         call\tОтправитьТекст\tt:9\ts:interface type\n\
         call\tОтправитьТекст\ts:79001234567\tn:\n\
         call\tОтправитьТекст\ts:79001234567\te:\n\
         call\tОтправитьТекст\ts:79001234567\ts:with date text\ts:\tb:0\n\
         call\tОтправитьТекст\ts:79001234567\ts:x\ts:\ts:not a bool\n\
         call\tПолучитьИсториюСообщенийЧата\ts:79001234567\ts:2\n\
         call\tПолучитьИсториюСообщенийЧата\ts:79001234567\tn:\n\
         call\tПолучитьИсториюСообщенийЧата\ts:79001234567\tr:2.5\n\
         call\tОтправитьТекст\ts:79001234567\td:2024-01-02T03:04:05\n",
    );
    for (i, ok) in [(0, true), (1, true), (2, true), (3, true)] {
        assert_eq!(out[i][1] == "ok", ok, "{i}: {:?}", out[i]);
    }
    let chats: Vec<String> = sb
        .messages(DEFAULT_ID)
        .iter()
        .map(|m| m["chatId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        chats[..4],
        [
            "79001234@c.us",
            "790012345673442@c.us",
            "79001234567@c.us",
            "79001234567@c.us"
        ]
    );
    assert_eq!(
        sb.messages(DEFAULT_ID)[3]["textMessage"],
        "42",
        "a Число as text"
    );
    let fails = |i: usize, needles: &[&str]| {
        assert_eq!(out[i][1], "fail", "{i}: {:?}", out[i]);
        assert!(out[i][2].starts_with("1006|SDKWA|"), "{:?}", out[i]);
        for n in needles {
            assert!(out[i][2].contains(n), "{i}: {n} in {:?}", out[i]);
        }
    };
    fails(4, &["ОтправитьТекст", "«Чат»", "целым"]);
    fails(5, &["ОтправитьТекст", "параметр 1", "«Чат»", "Булево"]);
    fails(6, &["«Чат»", "Дата"]);
    fails(7, &["«Чат»", "ДвоичныеДанные"]);
    fails(8, &["«Чат»", "тип 9"]);
    fails(9, &["параметр 2", "«Текст»", "обязателен"]);
    fails(10, &["параметр 2", "«Текст»", "обязателен"]);
    assert_eq!(out[11][1], "ok");
    fails(12, &["параметр 4", "«ПредпросмотрСсылки»", "Булево"]);
    assert_eq!(
        json(&out[13]).as_array().unwrap().len(),
        2,
        "count as a Строка of digits"
    );
    assert!(
        json(&out[14]).as_array().unwrap().len() > 2,
        "default count 100"
    );
    fails(15, &["«Количество»", "целым"]);
    assert_eq!(out[16][1], "ok", "a Дата as message text: {:?}", out[16]);
    assert_eq!(
        sb.messages(DEFAULT_ID).last().unwrap()["textMessage"],
        "2024-01-02T03:04:05"
    );
    // linkPreview default Истина and an explicit Ложь reach the service.
    let sends: Vec<serde_json::Value> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "sendMessage")
        .collect();
    assert_eq!(sends[0]["body"]["linkPreview"], true);
    assert!(
        sends[0]["body"].get("quotedMessageId").is_none(),
        "an empty optional is not sent"
    );
    assert!(sends.iter().any(|r| r["body"]["linkPreview"] == false));
}

#[test]
fn wrong_parameter_counts_and_raw_calls() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "raw\tОтправитьТекст\ts:79001234567\ts:x\ts:\tb:1\ts:extra\n\
         raw\tОтправитьТекст\ts:79001234567\n\
         raw\tПолучитьКонтакты\n\
         rawnum\t9999\n\
         rawnum\t-1\n",
    );
    assert_eq!(out[0][1], "fail");
    assert!(out[0][2].contains("не более 4"), "{:?}", out[0]);
    assert_eq!(out[1][1], "fail");
    assert!(out[1][2].contains("обязателен"));
    assert_eq!(out[2][1], "ok");
    assert_eq!(
        out[3][1], "fail",
        "an unknown method number is refused, not a crash"
    );
    assert_eq!(out[4][1], "fail");
}

#[test]
fn errors_raise_or_return_json_and_last_error_follows() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "set\tApiToken\ts:wrong-token-000000000000\n\
         call\tПолучитьСостояниеИнстанса\n\
         get\tПоследняяОшибка\n\
         set\tВызыватьИсключения\tb:0\n\
         call\tПолучитьСостояниеИнстанса\n\
         call\tПроверитьПодключение\n\
         call\tПолучитьQRКартинку\n\
         get\tApiToken\n\
         set\tApiToken\ts:sandbox-token-5f1c2a9e7b3d4c60\n\
         call\tПолучитьСостояниеИнстанса\n\
         get\tПоследняяОшибка\n",
    );
    assert_eq!(out[1][1], "fail");
    assert_eq!(out[1][2], "1006|SDKWA|getStateInstance: Сервис отклонил токен (401): проверьте IdInstance и ApiToken (ответ сервиса: Unauthorized: unknown idInstance or wrong apiTokenInstance)");
    let last: serde_json::Value =
        serde_json::from_str(out[2][2].strip_prefix("s:").unwrap()).unwrap();
    assert_eq!(last["kind"], "unauthorized");
    assert_eq!(last["status"], 401);
    let e = json(&out[4]);
    assert_eq!(
        e["kind"], "unauthorized",
        "with exceptions off the error comes back as JSON"
    );
    assert_eq!(
        out[5][1..],
        ["ok", "e:"],
        "a Булево method returns Неопределено on error"
    );
    assert_eq!(out[6][1..], ["ok", "e:"]);
    assert_eq!(out[7][2], "s:****0000", "the token reads back masked");
    assert_eq!(json(&out[9])["stateInstance"], "authorized");
    assert_eq!(out[10][2], "s:", "a success clears ПоследняяОшибка");
    let dump = out.iter().flatten().cloned().collect::<Vec<_>>().join("\n");
    assert!(
        !dump.contains("wrong-token-000000000000"),
        "the token never appears"
    );
}

#[test]
fn locale_switches_the_language() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "locale\ten_US\ncall\tSendMessage\tb:0\ts:x\n\
         uilang\tru\ncall\tSendMessage\tb:0\ts:x\n\
         locale\tde_DE\ncall\tОтправитьТекст\ts:79001234567\n",
    );
    assert!(
        out[1][2].contains("SendMessage: parameter 1 'Chat' must be"),
        "{:?}",
        out[1]
    );
    assert!(
        out[3][2].contains("ОтправитьТекст: параметр 1 «Чат»"),
        "{:?}",
        out[3]
    );
    assert!(
        out[5][2].contains("SendMessage: parameter 2 'Text' is required"),
        "{:?}",
        out[5]
    );
}

#[test]
fn properties_round_trip_and_reject_bad_values() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "get\tIdInstance\nget\tАдресAPI\nget\tТаймаут\nset\tТаймаут\ts:abc\nset\tТаймаут\ti:0\nset\tTimeout\tr:12\nget\tTimeout\n\
         set\tМессенджер\ts:viber\nset\tMessenger\ts:Telegram\nget\tМессенджер\nset\tMessenger\ts:whatsapp\n\
         set\tПрокси\ts:\nget\tProxy\nset\tUserId\ts:u-1\nget\tИдентификаторПользователя\nset\tUserToken\ts:user-token-abcdef123\nget\tТокенПользователя\n\
         get\tВызыватьИсключения\nset\tВызыватьИсключения\ts:да\nset\tПоследняяОшибка\ts:x\nget\tВерсия\n\
         set\tПрокси\ts:not-a-proxy\ncall\tПолучитьСостояниеИнстанса\nset\tПрокси\ts:\ncall\tПолучитьСостояниеИнстанса\n",
    );
    assert_eq!(out[0][2], format!("s:{DEFAULT_ID}"));
    assert_eq!(out[1][2], format!("s:{}", sb.url()));
    assert_eq!(out[2][2], "i:5");
    assert_eq!(out[3][1], "fail");
    assert!(out[3][2].contains("Таймаут") || out[3][2].contains("Timeout"));
    assert_eq!(out[4][1], "fail");
    assert_eq!(out[5][1], "ok");
    assert_eq!(out[6][2], "i:12");
    assert_eq!(out[7][1], "fail");
    assert!(out[7][2].contains("viber"));
    assert_eq!(out[9][2], "s:telegram");
    assert_eq!(out[12][2], "s:");
    assert_eq!(out[14][2], "s:u-1");
    assert_eq!(out[16][2], "s:****f123");
    assert_eq!(out[17][2], "b:1");
    assert_eq!(out[18][1], "fail");
    assert_eq!(out[19][1], "fail", "ПоследняяОшибка is read-only");
    assert_eq!(out[20][2], format!("s:{}", sdkwa1c::VERSION));
    assert_eq!(out[22][1], "fail");
    assert!(out[22][2].contains("proxy"), "{:?}", out[22]);
    assert_eq!(out[24][1], "ok", "a corrected setting takes effect at once");
}

#[test]
fn files_from_paths_and_binary_data() {
    let sb = Sandbox::start(SandboxConfig::default()).unwrap();
    let out = script(
        &sb,
        "call\tПолучитьQRКартинку\n\
         call\tОтправитьВидеоАудиоИзображениеДокумент\ts:79001234567\ts:/no/such/file.zip\n\
         set\tВызыватьИсключения\tb:0\n\
         call\tЗагрузитьФайл\ts:/no/such/file.zip\n",
    );
    assert!(
        out[0][2].starts_with("x:89504e470d0a1a0a"),
        "PNG bytes as ДвоичныеДанные: {}",
        &out[0][2][..20]
    );
    assert_eq!(out[1][1], "fail");
    assert!(out[1][2].contains("/no/such/file.zip"), "{:?}", out[1]);
    assert_eq!(json(&out[3])["kind"], "io");
    sb.scan(DEFAULT_ID);
    let out = script(&sb, "call\tОтправитьВидеоАудиоИзображениеДокумент\ts:79001234567\tx:48656c6c6f\ts:hello.txt\ts:подпись\n");
    let sent = json(&out[0]);
    let url = sent["urlFile"].as_str().unwrap();
    assert!(url.ends_with("/hello.txt"), "{url}");
    let m = sb.messages(DEFAULT_ID).pop().unwrap();
    assert_eq!(m["caption"], "подпись");
    assert_eq!(m["mimeType"], "text/plain");
}

use sdkwa1c::sandbox::{Sandbox, SandboxConfig};

#[test]
fn background_receiver_delivers_everything_under_back_pressure() {
    const N: usize = 60;
    let sb = common::sandbox();
    sb.incoming_bulk(DEFAULT_ID, N);
    // A busy 1C: the event buffer holds 3 and refuses more; the script takes
    // events slowly, so the receiver must wait and offer them again.
    let mut body = String::from("fixdepth\t3\ncall\tНачатьПолучениеУведомлений\n");
    for _ in 0..30 {
        body.push_str("sleep\t30\ntake\t3\t2000\n");
    }
    body.push_str("take\t1000\t3000\ncall\tОстановитьПолучениеУведомлений\nget\tПоследняяОшибка\n");
    let (lines, _) = run_with(&[], &format!("{}{body}", prelude(&sb)));
    let events: Vec<&Line> = lines.iter().filter(|l| l[0] == "E").collect();
    let rejected: usize = lines
        .iter()
        .filter(|l| l[0] == "R" && l[1] == "events")
        .map(|l| l[4].parse::<usize>().unwrap())
        .max()
        .unwrap();
    assert!(
        rejected > 0,
        "the buffer was full at times (back-pressure exercised)"
    );
    let mut receipts = Vec::new();
    for e in &events {
        assert_eq!(e[1], "SDKWA");
        assert_eq!(e[2], "incomingMessageReceived");
        let n: serde_json::Value = serde_json::from_str(&e[3]).unwrap();
        receipts.push(n["receiptId"].as_i64().unwrap());
    }
    let unique: std::collections::BTreeSet<i64> = receipts.iter().copied().collect();
    assert_eq!(unique.len(), N, "every notification arrived");
    assert_eq!(receipts.len(), N, "and exactly once while nothing failed");
    assert!(receipts.windows(2).all(|w| w[0] < w[1]), "in queue order");
    assert_eq!(
        sb.queue_len(DEFAULT_ID),
        0,
        "each was deleted after 1C took it"
    );
    let last = lines.iter().rfind(|l| l[0] == "R").unwrap();
    assert_eq!(last[2], "s:", "no error on the way");
}

#[test]
fn receiver_stops_at_once_and_survives_network_errors() {
    let sb = common::sandbox();
    // Timed inside the host: from just before the stop to just after the destroy.
    let out = script(
        &sb,
        "call\tStartNotifications\nsleep\t200\nclock\ncall\tStopNotifications\ncall\tStartNotifications\ncall\tStartNotifications\ndestroy\nclock\n",
    );
    assert!(
        out.iter().all(|l| l[1] == "ok" || l[1] == "clock"),
        "{out:?}"
    );
    let ms = |l: &Line| l[2].parse::<u64>().unwrap();
    let took = ms(&out[7]) - ms(&out[2]);
    assert!(
        took < 2000,
        "stop and destroy did not wait for the 5 s poll: {took} ms"
    );
    // Network errors: the receiver reports them in ПоследняяОшибка and keeps going.
    sb.add_fault(sdkwa1c::sandbox::Fault {
        kind: sdkwa1c::sandbox::FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        count: 6,
        method: Some("receiveNotification".into()),
    });
    sb.incoming_text(DEFAULT_ID, "79001234567@c.us", "после сбоя")
        .unwrap();
    let (lines, _) = run_with(&[], &format!("{}call\tStartNotifications\nsleep\t1500\nget\tLastError\ntake\t1\t10000\ncall\tStopNotifications\n", prelude(&sb)));
    let r: Vec<&Line> = lines.iter().filter(|l| l[0] == "R").collect();
    assert!(
        r[PRELUDE_LINES + 2][2].contains("\"server\""),
        "the failure is visible: {:?}",
        r[PRELUDE_LINES + 2]
    );
    let e = lines
        .iter()
        .find(|l| l[0] == "E")
        .expect("delivered after the failures");
    assert!(e[3].contains("после сбоя"));
}

#[test]
fn several_objects_in_one_process() {
    let sb = common::sandbox();
    sb.add_instance("2202000002", "second-token-0123456789", true);
    sb.set_echo("2202000002", false);
    let out = script(
        &sb,
        "new\nset\tIdInstance\ts:2202000002\nset\tApiToken\ts:second-token-0123456789\nset\tАдресAPI\ts:URL\n\
         call\tОтправитьТекст\ts:79001234567\ts:from two\nuse\t0\ncall\tОтправитьТекст\ts:79001234567\ts:from one\n\
         get\tIdInstance\nuse\t1\nget\tIdInstance\ndestroy\nuse\t0\ncall\tПолучитьСостояниеИнстанса\n"
            .replace("URL", &sb.url())
            .as_str(),
    );
    assert!(out.iter().all(|l| l[1] == "ok"), "{out:?}");
    assert_eq!(out[7][2], format!("s:{DEFAULT_ID}"));
    assert_eq!(out[9][2], "s:2202000002");
    assert_eq!(sb.messages("2202000002").len(), 1);
    assert_eq!(sb.messages(DEFAULT_ID).len(), 1);
}

#[test]
fn valgrind_memcheck_is_clean_over_thousands_of_calls() {
    // 32-bit memcheck may be unavailable: then the same calls run without it.
    let no_valgrind = common::host::m32()
        .then(common::host::valgrind_cannot_run_m32)
        .flatten();
    if std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!(
            "valgrind is not installed: scripts/test-all.sh installs it (apt-get install valgrind)"
        );
    }
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let mut body = String::new();
    for i in 0..400 {
        body.push_str(&format!(
            "call\tОтправитьТекст\tr:79001234567\ts:сообщение {i}\n"
        ));
        body.push_str("call\tSendMessage\tb:1\ts:bad type\n");
        body.push_str("get\tПоследняяОшибка\n");
        body.push_str("call\tПолучитьИсториюСообщенийЧата\ts:79001234567\ti:3\n");
        body.push_str("call\tПолучитьУведомление\ti:0\n");
    }
    body.push_str("call\tПолучитьQRКартинку\nset\tВызыватьИсключения\tb:0\ncall\tПроверитьПодключение\ncall\tНачатьПолучениеУведомлений\ntake\t100\t2000\ncall\tОстановитьПолучениеУведомлений\nmeta\nstats\n");
    let log = tempfile::NamedTempFile::new().unwrap();
    let log_arg = format!("--log-file={}", log.path().display());
    let valgrind = [
        "valgrind",
        "--tool=memcheck",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--error-exitcode=99",
        &log_arg,
    ];
    let (lines, _) = run_with(
        if no_valgrind.is_some() {
            &[]
        } else {
            &valgrind
        },
        &format!("{}{body}", prelude(&sb)),
    );
    let results = lines.iter().filter(|l| l[0] == "R").count();
    assert!(results >= 2000, "thousands of calls ran: {results}");
    if let Some(why) = &no_valgrind {
        println!("NOT RUN: valgrind on the 32-bit host: {why}; the calls ran without it");
    } else {
        let report = std::fs::read_to_string(log.path()).unwrap();
        assert!(
            report.contains("ERROR SUMMARY: 0 errors"),
            "valgrind:\n{report}"
        );
        assert!(
            report.contains("definitely lost: 0 bytes")
                || report.contains("All heap blocks were freed"),
            "valgrind:\n{report}"
        );
    }
    let stats = lines
        .iter()
        .find(|l| l[0] == "R" && l[1] == "stats")
        .unwrap();
    assert_eq!(
        stats[2], stats[3],
        "every block the add-in allocated for 1C was freed by 1C (allocs = frees)"
    );
}
