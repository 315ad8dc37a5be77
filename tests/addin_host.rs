//! The 1C add-in driven by the C++ host emulator (1C's own headers) against
//! the sandbox: every method and property by both names, the argument type
//! matrix, defaults, errors in both modes and languages, files, the
//! background receiver with back-pressure, several objects, and valgrind.

mod common;

use common::host::{json, prelude, run, run_with, Line, PRELUDE_LINES};
use sdkwa_sandbox::DEFAULT_ID;

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
    ("ОтправитьТекст", "SendMessage", 5),
    ("ОтправитьТекстВГруппу", "SendMessageToGroup", 3),
    (
        "ОтправитьВидеоАудиоИзображениеДокументПоURL",
        "SendFileByUrl",
        6,
    ),
    (
        "ОтправитьВидеоАудиоИзображениеДокумент",
        "SendFileByUpload",
        5,
    ),
    ("ОтправитьГеолокацию", "SendLocation", 6),
    ("ОтправитьКонтакт", "SendContact", 7),
    ("ЗагрузитьФайл", "UploadFile", 1),
    ("ПолучитьУведомление", "ReceiveNotification", 1),
    ("УдалитьУведомление", "DeleteNotification", 1),
    ("НачатьПолучениеУведомлений", "StartNotifications", 0),
    ("ОстановитьПолучениеУведомлений", "StopNotifications", 0),
    ("СкачатьФайл", "DownloadFile", 3),
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
    ("ПолучитьСтатусПрогреваТелефона", "GetWarmingPhoneStatus", 0),
    ("ПолучитьКодСопряжения", "GetPairingCode", 1),
    ("ЗапроситьКодАвторизации", "RequestAuthorizationCode", 2),
    ("ПолучитьДанныеИнстанса", "GetInstance", 0),
    ("СоздатьПриложениеTelegram", "CreateTelegramApp", 4),
    ("ОтправитьКодПодтверждения", "SendConfirmationCode", 1),
    ("ВойтиПоКодуПодтверждения", "SignInWithConfirmationCode", 1),
    ("ПолучитьИнстансы", "GetInstances", 0),
    ("СоздатьИнстанс", "CreateInstance", 3),
    ("ПродлитьИнстанс", "ExtendInstance", 4),
    ("УдалитьИнстанс", "DeleteInstance", 1),
    ("ВосстановитьИнстанс", "RestoreInstance", 1),
    ("ВыполнитьМетод", "CallMethod", 3),
    ("РазобратьУведомление", "ParseWebhook", 3),
    ("ПодтвердитьУведомление", "AckNotification", 1),
    ("ОтправитьПакет", "SendBatch", 2),
    ("НачатьОтправкуПакета", "StartBatch", 2),
    ("ОстановитьОтправкуПакета", "StopBatch", 1),
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
    ("ПодтверждениеВручную", "ManualAck", true, true),
    (
        "РазрешитьНезащищенноеСоединение",
        "AllowInsecureHttp",
        true,
        true,
    ),
    ("ПараллельныхЗапросов", "Concurrency", true, true),
];

fn script(sb: &sdkwa_sandbox::Sandbox, body: &str) -> Vec<Line> {
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
        let procedure = matches!(
            *en,
            "StartNotifications" | "StopNotifications" | "AckNotification"
        );
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
         call\t{}\tr:79001234567\ts:Привет из 1С 👋\n\
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
    assert_eq!(json(&next())["type"], "success");
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
        history[2]["textMessage"], "Echo: Привет из 1С 👋",
        "the echo reply"
    );
    assert_eq!(history[3]["textMessage"], "Привет из 1С 👋");
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
        // DownloadFile of a message without a file is the service's 400: with
        // exceptions off a ДвоичныеДанные method returns Неопределено and
        // ПоследняяОшибка says why.
        let out = script(
            &sb,
            &format!("set\tВызыватьИсключения\tb:0\ncall\t{hist}\ts:79001234567\ts:{id}\nget\tПоследняяОшибка\n"),
        );
        assert_eq!(out[1][1..], ["ok", "e:"], "{:?}", out[1]);
        assert_eq!(json(&out[2])["kind"], "validation");
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
    // linkPreview at its default (Истина, the service's own) is not sent; an
    // explicit Ложь reaches the service.
    let sends: Vec<serde_json::Value> = sb
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "sendMessage")
        .collect();
    for field in ["linkPreview", "archiveChat", "quotedMessageId"] {
        assert!(
            sends[0]["body"].get(field).is_none(),
            "{field} at the service's default is not sent: {}",
            sends[0]["body"]
        );
    }
    assert!(sends.iter().any(|r| r["body"]["linkPreview"] == false));
}

#[test]
fn wrong_parameter_counts_and_raw_calls() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "raw\tОтправитьТекст\ts:79001234567\ts:x\ts:\tb:1\tb:0\ts:extra\n\
         raw\tОтправитьТекст\ts:79001234567\n\
         raw\tПолучитьКонтакты\n\
         rawnum\t9999\n\
         rawnum\t-1\n",
    );
    assert_eq!(out[0][1], "fail");
    assert!(out[0][2].contains("не более 5"), "{:?}", out[0]);
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
    assert_eq!(out[21][1], "fail", "a bad proxy is refused when assigned");
    assert!(out[21][2].contains("Прокси"), "{:?}", out[21]);
    assert_eq!(out[22][1], "ok", "the refused value was not kept");
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

use sdkwa_sandbox::{Sandbox, SandboxConfig};

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
    sb.add_fault(sdkwa_sandbox::Fault {
        kind: sdkwa_sandbox::FaultKind::Status {
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

/// Runs `body` after the prelude in the host emulator under memcheck and
/// checks the report: no error, nothing definitely lost. 32-bit memcheck may
/// be unavailable: then the same script runs without it and the test says so.
fn under_memcheck(sb: &sdkwa_sandbox::Sandbox, body: &str) -> Vec<Line> {
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
        &format!("{}{body}", prelude(sb)),
    );
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
        .expect("the script ends with stats");
    assert_eq!(
        stats[2], stats[3],
        "every block the add-in allocated for 1C was freed by 1C (allocs = frees)"
    );
    lines
}

#[test]
fn valgrind_memcheck_is_clean_over_thousands_of_calls() {
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
    body.push_str("call\tПолучитьQRКартинку\nset\tВызыватьИсключения\tb:0\ncall\tПроверитьПодключение\ncall\tНачатьПолучениеУведомлений\ntake\t100\t2000\ncall\tОстановитьПолучениеУведомлений\n");
    // Manual acknowledgement, a refused acknowledgement, the platform info
    // (refused on the server) and a blob upload: the paths added for issue 16.
    body.push_str("set\tПодтверждениеВручную\tb:1\ncall\tНачатьПолучениеУведомлений\ntakeack\t20\t5000\ncall\tAckNotification\ti:999999\nget\tLastError\ncall\tStopNotifications\napptype\t3\ncall\tStartNotifications\napptype\t0\ncall\tЗагрузитьФайл\tx:0102030405\nmeta\nstats\n");
    let lines = under_memcheck(&sb, &body);
    let results = lines.iter().filter(|l| l[0] == "R").count();
    assert!(results >= 2000, "thousands of calls ran: {results}");
    let acked = lines
        .iter()
        .find(|l| l[0] == "R" && l[1] == "takeack")
        .unwrap();
    assert!(
        acked[2] != "0" && acked[3] == "0",
        "manual acknowledgement ran: {acked:?}"
    );
}

/// The contract's additions through the 1C host: the file itself from
/// СкачатьФайл, the account API (instances with their tokens), pairing and
/// authorization codes, quotes and archiving on sends, and Telegram's login.
#[test]
fn contract_methods_through_the_host() {
    use sdkwa_sandbox::{DEFAULT_TOKEN, DEFAULT_USER_ID, DEFAULT_USER_TOKEN, SANDBOX_CODE};
    let sb = common::sandbox();
    let content: Vec<u8> = (0..=255u8).chain(*b"%PDF-1.4 invoice").collect();
    let id = sb
        .incoming_file(DEFAULT_ID, "79001234567", "счёт.pdf", &content)
        .unwrap();
    let hex: String = content.iter().map(|b| format!("{b:02x}")).collect();
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("сохранено.pdf");
    let out = script(
        &sb,
        &format!(
            "call\tСкачатьФайл\tr:79001234567\ts:{id}\n\
             call\tDownloadFile\ts:79001234567@c.us\ts:{id}\ts:{}\n\
             call\tСкачатьФайл\tr:79001234567\ts:NOSUCHMESSAGE\n\
             set\tИдентификаторПользователя\ts:{DEFAULT_USER_ID}\n\
             set\tТокенПользователя\ts:{DEFAULT_USER_TOKEN}\n\
             call\tПолучитьИнстансы\n\
             call\tСоздатьИнстанс\ts:DEVELOPER\ts:month1\n\
             call\tПродлитьИнстанс\ts:{DEFAULT_ID}\ts:BUSINESS\ts:month3\n\
             call\tУдалитьИнстанс\tr:{DEFAULT_ID}\n\
             call\tПолучитьСостояниеИнстанса\n\
             call\tВосстановитьИнстанс\ti:{DEFAULT_ID}\n\
             call\tПолучитьСостояниеИнстанса\n\
             call\tПолучитьСтатусПрогреваТелефона\n\
             call\tПолучитьКодСопряжения\ts:+7 900 123-45-67\n\
             call\tЗапроситьКодАвторизации\tr:79001234567\n\
             call\tПолучитьДанныеИнстанса\n\
             call\tОтправитьТекст\ts:79001234567\ts:ответ\ts:{id}\tb:1\tb:1\n\
             call\tОтправитьКодПодтверждения\tr:79001234567\n",
            saved.display()
        ),
    );
    let bytes = |l: &Line| {
        assert_eq!(l[1], "ok", "{l:?}");
        l[2].strip_prefix("x:")
            .unwrap_or_else(|| panic!("not ДвоичныеДанные: {l:?}"))
            .to_string()
    };
    assert_eq!(bytes(&out[0]), hex, "СкачатьФайл returns the file itself");
    assert_eq!(bytes(&out[1]), hex);
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        content,
        "and saves it when given a path"
    );
    assert_eq!(out[2][1], "fail", "{:?}", out[2]);
    assert!(out[2][2].contains("NOSUCHMESSAGE"), "{:?}", out[2]);
    let list = json(&out[5]);
    let mine = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["idInstance"] == DEFAULT_ID)
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(
        mine["apiTokenInstance"], DEFAULT_TOKEN,
        "the instance's token, for the wizard"
    );
    let created = json(&out[6]);
    assert!(
        created["data"]["idInstance"].as_u64().is_some(),
        "{created}"
    );
    assert_eq!(json(&out[7])["result"], true);
    assert_eq!(json(&out[8])["data"]["deleteInstanceAccount"], true);
    assert_eq!(
        out[9][1], "fail",
        "a deleted instance is refused: {:?}",
        out[9]
    );
    assert_eq!(json(&out[10])["data"]["restoreInstanceAccount"], true);
    assert_eq!(json(&out[11])["stateInstance"], "authorized");
    assert!(json(&out[12]).is_object());
    assert!(json(&out[13])["data"]["pairingCode"].is_string());
    assert_eq!(json(&out[14])["result"], true);
    assert_eq!(json(&out[15])["data"]["instanceId"], DEFAULT_ID);
    assert_eq!(json(&out[16])["idMessage"].as_str().unwrap().len(), 32);
    assert_eq!(
        out[17][1], "fail",
        "a Telegram method under WhatsApp: {:?}",
        out[17]
    );
    assert!(out[17][2].contains("telegram"), "{:?}", out[17]);
    // The quote and the archive flag reached the service; the account's
    // requests carried the user headers and no instance token.
    let reqs = sb.requests();
    let send = reqs
        .iter()
        .rev()
        .find(|r| r["method"] == "sendMessage")
        .unwrap();
    assert_eq!(send["body"]["quotedMessageId"], id.as_str());
    assert_eq!(send["body"]["archiveChat"], true);
    let list_req = reqs
        .iter()
        .find(|r| r["method"] == "instances/list")
        .unwrap();
    assert_eq!(list_req["userId"], DEFAULT_USER_ID);
    assert_eq!(list_req["hasAuthorization"], false);
    let dl = reqs.iter().find(|r| r["method"] == "downloadFile").unwrap();
    assert_eq!(dl["pathArg"], id.as_str(), "idMessage in the path");
    assert_eq!(
        dl["body"],
        serde_json::json!({"chatId": "79001234567@c.us"})
    );
    for r in reqs
        .iter()
        .filter(|r| r["method"] != "instances/list" && r["idInstance"].is_string())
    {
        assert!(
            r["userId"].is_null(),
            "no user headers on instance calls: {r}"
        );
    }

    // Telegram's login on a new instance: app, confirmation code, sign-in.
    sb.add_instance("1101000077", "telegram-token-0123456789", false);
    let out = script(
        &sb,
        &format!(
            "set\tIdInstance\ts:1101000077\n\
             set\tApiToken\ts:telegram-token-0123456789\n\
             set\tМессенджер\ts:telegram\n\
             call\tПолучитьСостояниеИнстанса\n\
             call\tСоздатьПриложениеTelegram\ts:Склад\ts:sklad\ts:https://example.invalid\ts:Бот склада\n\
             call\tОтправитьКодПодтверждения\ts:+7 900 123-45-67\n\
             call\tВойтиПоКодуПодтверждения\ts:000000\n\
             call\tВойтиПоКодуПодтверждения\ts:{SANDBOX_CODE}\n\
             call\tПолучитьСостояниеИнстанса\n"
        ),
    );
    assert_eq!(json(&out[3])["stateInstance"], "notAuthorized");
    assert!(json(&out[4])["data"]["appId"].is_string());
    assert_eq!(json(&out[5])["result"], true);
    assert_eq!(out[6][1], "fail", "a wrong code: {:?}", out[6]);
    assert_eq!(json(&out[7])["result"], true);
    assert_eq!(json(&out[8])["stateInstance"], "authorized");
    let tg = sb.requests();
    assert!(tg
        .iter()
        .filter(|r| r["method"] == "createApp")
        .all(|r| r["messenger"] == "telegram"));
}

/// The script's result lines that failed, with the text 1C shows.
fn fail_text(line: &Line) -> &str {
    assert_eq!(line[1], "fail", "{line:?}");
    line[2].strip_prefix("1006|SDKWA|").unwrap_or(&line[2])
}

#[test]
fn bad_addresses_are_refused_when_assigned_naming_the_property() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "set\tПрокси\ts:ftp://x\nget\tПрокси\n\
         set\tАдресAPI\ts:not a url\nget\tАдресAPI\n\
         set\tApiUrl\ts:http://\n\
         locale\ten_US\nset\tProxy\ts:ftp://x\nset\tApiUrl\ts:not a url\n\
         call\tGetStateInstance\n\
         set\tProxy\ts:socks5://127.0.0.1:1080\nset\tProxy\ts:\nset\tApiUrl\ts:\nget\tApiUrl\n",
    );
    let t = fail_text(&out[0]);
    assert!(
        t.contains("«Прокси/Proxy»") && t.contains("socks5://"),
        "{t}"
    );
    assert!(
        !t.contains("ftp://x"),
        "a proxy address may hold a password: {t}"
    );
    assert_eq!(out[1][2], "s:", "the refused proxy was not kept");
    let t = fail_text(&out[2]);
    assert!(
        t.contains("«АдресAPI/ApiUrl»") && t.contains("not a url"),
        "{t}"
    );
    assert_eq!(
        out[3][2],
        format!("s:{}", sb.url()),
        "the old address stays"
    );
    fail_text(&out[4]);
    assert!(fail_text(&out[6]).starts_with("Invalid parameter 'Прокси/Proxy'"));
    assert!(fail_text(&out[7]).starts_with("Invalid parameter 'АдресAPI/ApiUrl'"));
    assert_eq!(out[8][1], "ok", "the client still works: {:?}", out[8]);
    assert_eq!(out[9][1], "ok");
    assert_eq!(
        out[12][2], "s:https://api.sdkwa.pro",
        "empty = the default address"
    );
}

#[test]
fn silent_adjustments_are_refused() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "set\tТаймаут\tr:2.5\nget\tТаймаут\nset\tТаймаут\ts:0.4\nset\tТаймаут\tr:7\nget\tТаймаут\n\
         call\tПолучитьУведомление\ti:61\ncall\tПолучитьУведомление\ti:-1\n\
         call\tПолучитьУведомление\tr:1.5\ncall\tПолучитьУведомление\ti:0\n\
         locale\ten_US\ncall\tReceiveNotification\ti:61\n",
    );
    let t = fail_text(&out[0]);
    assert!(t.contains("Таймаут") && t.contains("целое"), "{t}");
    assert_eq!(out[1][2], "i:5", "a refused value changes nothing");
    fail_text(&out[2]);
    assert_eq!(out[4][2], "i:7");
    let t = fail_text(&out[5]);
    assert!(
        t.contains("ПолучитьУведомление: параметр 1 «СекундОжидания»") && t.contains("0..60"),
        "{t}"
    );
    fail_text(&out[6]);
    fail_text(&out[7]);
    assert_eq!(out[8][1..], ["ok", "s:"], "0 = do not wait");
    let t = fail_text(&out[10]);
    assert!(t.contains("ReceiveNotification: parameter 1"), "{t}");
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r["method"] == "receiveNotification")
            .count(),
        1,
        "only the accepted wait reached the service"
    );
}

#[test]
fn upload_without_a_derivable_name_is_refused_before_any_request() {
    let sb = common::sandbox();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("report");
    std::fs::write(&bare, b"hello").unwrap();
    let named = dir.path().join("report.txt");
    std::fs::write(&named, b"hello").unwrap();
    let out = script(
        &sb,
        &format!(
            "call\tОтправитьВидеоАудиоИзображениеДокумент\ts:79001234567\tx:48656c6c6f\n\
             call\tОтправитьВидеоАудиоИзображениеДокумент\ts:79001234567\ts:{bare}\n\
             locale\ten_US\ncall\tSendFileByUpload\ts:79001234567\tx:48656c6c6f\n\
             call\tSendFileByUpload\ts:79001234567\ts:{bare}\ts:report.txt\n\
             call\tSendFileByUpload\ts:79001234567\ts:{named}\n",
            bare = bare.display(),
            named = named.display()
        ),
    );
    let t = fail_text(&out[0]);
    assert!(
        t.contains("параметр 3 «ИмяФайла» обязателен") && t.contains("ДвоичнымиДанными"),
        "{t}"
    );
    assert!(fail_text(&out[1]).contains("«ИмяФайла»"));
    assert!(fail_text(&out[3]).contains("SendFileByUpload: parameter 3 'FileName' is required"));
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r["method"] == "sendFileByUpload")
            .count(),
        2,
        "only the two calls with a name reached the service"
    );
    assert!(json(&out[4])["urlFile"]
        .as_str()
        .unwrap()
        .ends_with("/report.txt"));
    assert!(json(&out[5])["urlFile"]
        .as_str()
        .unwrap()
        .ends_with("/report.txt"));
}

#[test]
fn qr_image_on_a_linked_instance_says_so() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "call\tПолучитьQRКартинку\nget\tПоследняяОшибка\nlocale\ten_US\ncall\tGetQRImage\n",
    );
    let t = fail_text(&out[0]);
    assert!(t.contains("инстанс уже авторизован"), "{t}");
    let last: serde_json::Value =
        serde_json::from_str(out[1][2].strip_prefix("s:").unwrap()).unwrap();
    assert_eq!(last["kind"], "validation");
    assert!(fail_text(&out[3]).contains("the instance is already authorized"));
}

#[test]
fn the_1c_guide_quotes_the_real_texts() {
    let sb = common::sandbox();
    let out = script(
        &sb,
        "set\tПрокси\ts:ftp://x\ncall\tПолучитьQRКартинку\n\
         locale\ten_US\nset\tProxy\ts:ftp://x\ncall\tGetQRImage\n",
    );
    // Line breaks of the Markdown source do not count.
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/1c.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for i in [0, 3] {
        let text = fail_text(&out[i]);
        assert!(guide.contains(text), "docs/1c.md quotes «{text}»");
    }
    for (i, words) in [
        (1, "QR-код не получен: инстанс уже авторизован"),
        (4, "No QR code: the instance is already authorized"),
    ] {
        assert!(fail_text(&out[i]).contains(words), "{:?}", out[i]);
        assert!(guide.contains(words), "docs/1c.md says «{words}»");
    }
}

/// A batch of `n` sendMessage items as an `s:` script value.
fn batch_value(n: usize, tag: &str) -> String {
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| serde_json::json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("{tag}-{i}")}}))
        .collect();
    format!("s:{}", serde_json::Value::from(items))
}

#[test]
fn send_batch_and_its_property_by_both_names() {
    let sb = common::sandbox();
    let bad = r#"s:[{"method":"sendMessage","params":{"chatId":"79001234567","message":"b-0"}},{"method":"nope"}]"#;
    let out = script(
        &sb,
        &format!(
            "get\tПараллельныхЗапросов\nset\tConcurrency\ti:0\nset\tПараллельныхЗапросов\ti:65\nset\tConcurrency\tr:2.5\n\
             set\tConcurrency\ti:16\nget\tConcurrency\ncall\tОтправитьПакет\t{}\ti:4\ncall\tSendBatch\t{bad}\n\
             call\tSendBatch\t{bad}\ti:65\ncall\tSendBatch\ts:{{}}\n",
            batch_value(5, "a")
        ),
    );
    assert_eq!(out[0][2], "i:8", "the default");
    for l in &out[1..4] {
        assert!(fail_text(l).contains("ПараллельныхЗапросов"), "{l:?}");
    }
    assert_eq!(out[5][2], "i:16");
    let r = json(&out[6]);
    let texts: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            assert_eq!(x["ok"], true, "{x}");
            x["result"]["idMessage"].as_str().unwrap()
        })
        .collect();
    assert_eq!(texts.len(), 5);
    let r = json(&out[7]);
    assert_eq!(
        (r[0]["ok"].as_bool(), r[1]["ok"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(r[1]["error"]["kind"], "invalidArgument");
    assert!(fail_text(&out[8]).contains("Параллельно"), "{:?}", out[8]);
    assert!(fail_text(&out[9]).contains("batch_json"), "{:?}", out[9]);
    assert_eq!(sb.messages(DEFAULT_ID).len(), 6);
}

#[test]
fn start_batch_hands_every_result_to_1c_loss_free_under_back_pressure() {
    const N: usize = 40;
    let sb = common::sandbox();
    // A busy 1C: the event buffer holds 3; the script takes events slowly.
    let mut body = format!(
        "fixdepth\t3\ncall\tНачатьОтправкуПакета\t{}\ti:4\n",
        batch_value(N, "bg")
    );
    for _ in 0..10 {
        body.push_str("sleep\t20\ntake\t3\t2000\n");
    }
    // The rest: N + 1 events in all (the items, then batchDone).
    body.push_str(&format!("take\t{}\t5000\ncall\tStopBatch\n", N + 1 - 30));
    let (lines, _) = run_with(&[], &format!("{}{body}", prelude(&sb)));
    let r: Vec<&Line> = lines.iter().filter(|l| l[0] == "R").collect();
    // After the prelude: fixdepth's line, then StartBatch's.
    let id = r[PRELUDE_LINES + 1][2]
        .strip_prefix("s:")
        .unwrap()
        .to_string();
    assert!(id.starts_with("batch-"), "{id}");
    let rejected: usize = r
        .iter()
        .filter(|l| l[1] == "events")
        .map(|l| l[4].parse::<usize>().unwrap())
        .max()
        .unwrap();
    assert!(rejected > 0, "back-pressure exercised");
    let events: Vec<&Line> = lines.iter().filter(|l| l[0] == "E").collect();
    let items: Vec<serde_json::Value> = events
        .iter()
        .filter(|e| e[2] == "batchItem")
        .map(|e| serde_json::from_str(&e[3]).unwrap())
        .collect();
    let mut indexes: Vec<u64> = items.iter().map(|v| v["index"].as_u64().unwrap()).collect();
    indexes.sort_unstable();
    assert_eq!(
        indexes,
        (0..N as u64).collect::<Vec<_>>(),
        "each item exactly once"
    );
    assert!(items
        .iter()
        .all(|v| v["ok"] == true && v["batch"] == id.as_str()));
    let done: Vec<&&Line> = events.iter().filter(|e| e[2] == "batchDone").collect();
    assert_eq!(done.len(), 1);
    let d: serde_json::Value = serde_json::from_str(&done[0][3]).unwrap();
    assert_eq!(
        (
            d["ok"].as_u64(),
            d["failed"].as_u64(),
            d["notSent"].as_u64()
        ),
        (Some(N as u64), Some(0), Some(0))
    );
    assert_eq!(d["stopped"], false);
    assert_eq!(events.last().unwrap()[2], "batchDone", "the last event");
    assert_eq!(sb.messages(DEFAULT_ID).len(), N);
    // Stopping by no id once the batch has run to its end stops nothing.
    assert_eq!(r.last().unwrap()[1..3], ["ok", "s:[]"]);
}

#[test]
fn stop_batch_lists_only_what_it_stopped() {
    let sb = common::sandbox();
    sb.set_pace(sdkwa_sandbox::pace::PaceConfig {
        latency_ms: 100,
        ..Default::default()
    });
    // batch-1 (one item) is still running when batch-2 starts, and has run to
    // its end when everything is stopped; batch-3 ends before it is named.
    let body = format!(
        "call\tStartBatch\t{}\ti:1\ncall\tStartBatch\t{}\ti:2\nsleep\t600\ncall\tStopBatch\n\
         call\tStartBatch\t{}\ti:1\nsleep\t600\ncall\tStopBatch\ts:batch-3\ntake\t1000\t2000\n",
        batch_value(1, "one"),
        batch_value(40, "long"),
        batch_value(1, "named"),
    );
    let (lines, _) = run_with(&[], &format!("{}{body}", prelude(&sb)));
    let r: Vec<&Line> = lines.iter().filter(|l| l[0] == "R").collect();
    // `sleep` answers a line too.
    let ids: Vec<&str> = [0, 1, 4]
        .iter()
        .map(|i| r[PRELUDE_LINES + i][2].as_str())
        .collect();
    assert_eq!(ids, ["s:batch-1", "s:batch-2", "s:batch-3"]);
    let all = json(r[PRELUDE_LINES + 3]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1, "only the batch it cut short: {all:?}");
    assert_eq!(
        (all[0]["batch"].as_str(), all[0]["stopped"].as_bool()),
        (Some("batch-2"), Some(true))
    );
    assert!(all[0]["notSent"].as_u64().unwrap() > 0, "{}", all[0]);
    // Named, a finished batch is listed as it ended — like its batchDone.
    let named = json(r[PRELUDE_LINES + 6]);
    assert_eq!(
        named,
        serde_json::json!([{"batch": "batch-3", "ok": 1, "failed": 0, "notSent": 0, "total": 1, "stopped": false}])
    );
    let done: Vec<serde_json::Value> = batch_events(&lines, "batch-3")
        .into_iter()
        .filter(|(kind, _)| *kind == "batchDone")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(done, named.as_array().unwrap().clone());
}

#[test]
fn stop_batch_reports_what_was_and_was_not_sent_and_destroy_does_not_wait() {
    const N: usize = 40;
    let sb = common::sandbox();
    sb.set_pace(sdkwa_sandbox::pace::PaceConfig {
        latency_ms: 100,
        ..Default::default()
    });
    let body = format!(
        "call\tStartBatch\t{}\ti:2\nsleep\t350\ncall\tОстановитьОтправкуПакета\ntake\t1000\t2000\n\
         call\tStopBatch\ts:batch-999999\ncall\tStartBatch\t{}\ti:2\nsleep\t150\nclock\ndestroy\nclock\n",
        batch_value(N, "stop"),
        batch_value(N, "gone")
    );
    let (lines, _) = run_with(&[], &format!("{}{body}", prelude(&sb)));
    let r: Vec<&Line> = lines.iter().filter(|l| l[0] == "R").collect();
    let id = r[PRELUDE_LINES][2].strip_prefix("s:").unwrap();
    let stopped = json(r[PRELUDE_LINES + 2]);
    let s = &stopped[0];
    assert_eq!(s["batch"], id);
    assert_eq!(s["stopped"], true);
    let (ok, failed, not_sent) = (
        s["ok"].as_u64().unwrap(),
        s["failed"].as_u64().unwrap(),
        s["notSent"].as_u64().unwrap(),
    );
    assert_eq!(ok + failed + not_sent, N as u64, "{s}");
    assert!(ok >= 2 && not_sent >= 20, "{s}");
    // The events say the same, item by item, and end with batchDone.
    let events: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l[0] == "E" && l[3].contains(id))
        .map(|e| serde_json::from_str(&e[3]).unwrap())
        .collect();
    assert_eq!(events.len(), N + 1, "every item, then batchDone");
    let sent: Vec<u64> = events
        .iter()
        .filter(|v| v["ok"] == true && v.get("index").is_some())
        .map(|v| v["index"].as_u64().unwrap())
        .collect();
    assert_eq!(sent.len() as u64, ok);
    let not: usize = events.iter().filter(|v| v["notSent"] == true).count();
    assert_eq!(not as u64, not_sent);
    assert_eq!(events.last().unwrap()["notSent"], not_sent);
    let journal: std::collections::BTreeSet<String> = sb
        .messages(DEFAULT_ID)
        .iter()
        .filter_map(|m| m["textMessage"].as_str().map(str::to_string))
        .filter(|t| t.starts_with("stop-"))
        .collect();
    let expected: std::collections::BTreeSet<String> =
        sent.iter().map(|i| format!("stop-{i}")).collect();
    assert_eq!(journal, expected, "what was reported sent is what arrived");
    assert!(fail_text(r[PRELUDE_LINES + 4]).contains("batch-999999"));
    // Destroying the object stops its batch: no thread outlives it.
    let n = r.len();
    let ms = |l: &Line| l[2].parse::<u64>().unwrap();
    assert!(ms(r[n - 1]) - ms(r[n - 3]) < 3000, "{:?}", &r[n - 3..]);
}

/// `n` batch items as an `s:` value: sends, but every 7th names a method that
/// does not exist and every 11th a send without its text (both refused before
/// any request). Returns the value and the indexes of the bad items.
fn mixed_batch(n: usize, tag: &str) -> (String, Vec<usize>) {
    let mut bad = Vec::new();
    let items: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            if i % 7 == 3 {
                bad.push(i);
                serde_json::json!({"method": "noSuchMethod", "params": {}})
            } else if i % 11 == 5 {
                bad.push(i);
                serde_json::json!({"method": "sendMessage", "params": {"chatId": "79001234567"}})
            } else {
                serde_json::json!({"method": "sendMessage", "params": {"chatId": "79001234567", "message": format!("{tag}-{i}")}})
            }
        })
        .collect();
    (format!("s:{}", serde_json::Value::from(items)), bad)
}

/// The batch events (`batchItem`, `batchDone`) of batch `id` in the output.
fn batch_events<'a>(lines: &'a [Line], id: &str) -> Vec<(&'a str, serde_json::Value)> {
    lines
        .iter()
        .filter(|l| l[0] == "E" && l[1] == "SDKWA" && l[2].starts_with("batch"))
        .map(|l| (l[2].as_str(), serde_json::from_str(&l[3]).unwrap()))
        .filter(|(_, v): &(&str, serde_json::Value)| v["batch"] == id)
        .collect()
}

#[test]
fn valgrind_memcheck_is_clean_on_the_batch_path() {
    use sdkwa_sandbox::FaultKind;
    const SYNC: usize = 300;
    const BG: usize = 100;
    let sb = common::sandbox();
    // A distant service (20 ms a request), so a stop lands in the middle.
    sb.set_pace(sdkwa_sandbox::pace::PaceConfig {
        latency_ms: 20,
        ..Default::default()
    });
    // Failures from the service too: ten 500s and five answers broken
    // mid-body, taken by the synchronous batch's first sends (a failed send
    // is never repeated, so exactly 15 items fail that way).
    let status = FaultKind::Status {
        status: 500,
        retry_after: None,
    };
    sb.add_fault(common::fault(status, 10, "sendMessage"));
    sb.add_fault(common::fault(FaultKind::Reset, 5, "sendMessage"));
    let (sync, sync_bad) = mixed_batch(SYNC, "sync");
    let (bg, bg_bad) = mixed_batch(BG, "bg");
    let (stop, _) = mixed_batch(SYNC, "stop");
    let (gone, _) = mixed_batch(SYNC, "gone");
    let body = format!(
        "call\tОтправитьПакет\t{sync}\ti:8\n\
         call\tНачатьОтправкуПакета\t{bg}\ti:4\ntake\t{}\t120000\n\
         call\tStartBatch\t{stop}\ti:2\nsleep\t500\ncall\tStopBatch\ntake\t1000\t3000\n\
         call\tStartBatch\t{gone}\ti:2\nsleep\t200\ndestroy\nstats\n",
        BG + 1
    );
    let lines = under_memcheck(&sb, &body);
    let r: Vec<&Line> = lines.iter().filter(|l| l[0] == "R").collect();

    // The synchronous batch: every item in input order, the bad ones failed alone.
    let out = json(r[PRELUDE_LINES]);
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), SYNC);
    let failed: Vec<usize> = (0..SYNC).filter(|i| out[*i]["ok"] == false).collect();
    for i in &sync_bad {
        assert_eq!(out[*i]["error"]["kind"], "invalidArgument", "{}", out[*i]);
    }
    assert_eq!(
        failed.len(),
        sync_bad.len() + 15,
        "the bad items and the 15 service faults, nothing else: {:?}",
        failed
            .iter()
            .filter(|i| !sync_bad.contains(i))
            .map(|i| &out[*i]["error"])
            .collect::<Vec<_>>()
    );

    // The background batch: one event per item, then batchDone with the counts.
    let id = r[PRELUDE_LINES + 1][2].strip_prefix("s:").unwrap();
    let events = batch_events(&lines, id);
    assert_eq!(events.len(), BG + 1, "every item, then batchDone");
    let mut indexes: Vec<u64> = events[..BG]
        .iter()
        .map(|(_, v)| v["index"].as_u64().unwrap())
        .collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..BG as u64).collect::<Vec<_>>());
    let (kind, done) = &events[BG];
    assert_eq!(*kind, "batchDone");
    assert_eq!(done["failed"], bg_bad.len(), "{done}");
    assert_eq!(done["ok"], BG - bg_bad.len(), "{done}");

    // The stopped batch: stopped in the middle, every item accounted for.
    let stop_id = r[PRELUDE_LINES + 3][2].strip_prefix("s:").unwrap();
    let stopped = json(r[PRELUDE_LINES + 5]);
    let s = &stopped[0];
    assert_eq!(
        (s["batch"].as_str(), s["stopped"].as_bool()),
        (Some(stop_id), Some(true))
    );
    let (ok, not_sent) = (s["ok"].as_u64().unwrap(), s["notSent"].as_u64().unwrap());
    assert!(ok > 0 && not_sent > 0, "stopped in the middle: {s}");
    assert_eq!(
        ok + s["failed"].as_u64().unwrap() + not_sent,
        SYNC as u64,
        "{s}"
    );
    assert_eq!(batch_events(&lines, stop_id).len(), SYNC + 1);
}

/// The emulator's `repeat`, which `benches/overhead.rs` times as the add-in
/// row in a process of its own, makes real calls: every one reaches the
/// service, none fails, and every block handed to the host is freed.
#[test]
fn the_benchmarks_repeat_makes_every_call_and_frees_what_it_got() {
    let sb = common::sandbox();
    let lines = run(&format!(
        "{}repeat\t50\tОтправитьТекст\ts:79001234567\ts:повтор 👋\nstats\n",
        prelude(&sb)
    ));
    let out = common::host::results(lines);
    let timed = &out[PRELUDE_LINES];
    assert_eq!(timed[1], "repeat", "{timed:?}");
    let wall: f64 = timed[2].parse().unwrap();
    let cpu: f64 = timed[3].parse().unwrap();
    assert!(wall > 0.0 && cpu > 0.0, "{timed:?}");
    let sent = sb.messages(DEFAULT_ID);
    assert_eq!(sent.len(), 50);
    assert!(
        sent.iter().all(|m| m["textMessage"] == "повтор 👋"),
        "{sent:?}"
    );
    let stats = &out[PRELUDE_LINES + 1];
    assert_eq!(stats[2], stats[3], "allocs = frees: {stats:?}");
}
