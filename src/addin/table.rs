//! The one declarative table of the add-in: every property and method with
//! its Russian and English name, parameters, defaults and what it calls.
//! Adding a method is adding a row here.
#![forbid(unsafe_code)]

use super::actions as a;
use super::batching as bat;
use super::component::Component;
use super::convert::Kind;
use super::receiving as rcv;
pub use super::schema::{Action, Call, Def, Getter, Method, Param, Prop, Returns, Setter};
use super::variant::Ret;
use crate::api::{Error, Op};

const fn req(ru: &'static str, en: &'static str, kind: Kind) -> Param {
    Param {
        ru,
        en,
        kind,
        default: Def::Required,
    }
}

const fn opt(ru: &'static str, en: &'static str, kind: Kind, default: Def) -> Param {
    Param {
        ru,
        en,
        kind,
        default,
    }
}

const CHAT: Param = req("Чат", "Chat", Kind::Chat);
const PHONE: Param = req("Телефон", "Phone", Kind::Chat);
const GROUP: Param = req("ИдГруппы", "GroupId", Kind::Text);
const ID_MESSAGE: Param = req("ИдСообщения", "IdMessage", Kind::Text);
const FILE: Param = req("Файл", "File", Kind::File);
const ID_INSTANCE: Param = req("IdInstance", "IdInstance", Kind::Text);
const TARIFF: Param = req("Тариф", "Tariff", Kind::Text);
const PERIOD: Param = req("Период", "Period", Kind::Text);
const PAYMENT: Param = opt("СпособОплаты", "PaymentType", Kind::Text, Def::Str(""));
const QUOTED: Param = opt(
    "ИдЦитируемогоСообщения",
    "QuotedMessageId",
    Kind::Text,
    Def::Str(""),
);
const NONE: &[Param] = &[];
const BATCH: Param = req("ПакетJSON", "BatchJSON", Kind::Text);
const PARALLEL: Param = opt("Параллельно", "Parallel", Kind::Int, Def::Int(0));

const fn svc(
    ru: &'static str,
    en: &'static str,
    params: &'static [Param],
    op: Op,
    keys: &'static [&'static str],
) -> Method {
    Method {
        ru,
        en,
        params,
        returns: Returns::Json,
        action: Action::Service { op, keys },
    }
}

const fn custom(
    ru: &'static str,
    en: &'static str,
    params: &'static [Param],
    returns: Returns,
    f: fn(&mut Component, &Call) -> Result<Ret, Error>,
) -> Method {
    Method {
        ru,
        en,
        params,
        returns,
        action: Action::Custom(f),
    }
}

/// The class 1C creates: `Новый("AddIn.<name given at load>.Client")`.
pub const CLASS_NAME: &str = "Client";

/// Every property, in `GetPropName` order.
pub static PROPS: &[Prop] = &[
    Prop {
        ru: "IdInstance",
        en: "IdInstance",
        get: Some(a::get_id),
        set: Some(a::set_id),
    },
    Prop {
        ru: "ApiToken",
        en: "ApiToken",
        get: Some(a::get_token),
        set: Some(a::set_token),
    },
    Prop {
        ru: "АдресAPI",
        en: "ApiUrl",
        get: Some(a::get_url),
        set: Some(a::set_url),
    },
    Prop {
        ru: "Мессенджер",
        en: "Messenger",
        get: Some(a::get_messenger),
        set: Some(a::set_messenger),
    },
    Prop {
        ru: "ИдентификаторПользователя",
        en: "UserId",
        get: Some(a::get_user_id),
        set: Some(a::set_user_id),
    },
    Prop {
        ru: "ТокенПользователя",
        en: "UserToken",
        get: Some(a::get_user_token),
        set: Some(a::set_user_token),
    },
    Prop {
        ru: "Таймаут",
        en: "Timeout",
        get: Some(a::get_timeout),
        set: Some(a::set_timeout),
    },
    Prop {
        ru: "Прокси",
        en: "Proxy",
        get: Some(a::get_proxy),
        set: Some(a::set_proxy),
    },
    Prop {
        ru: "ВызыватьИсключения",
        en: "ThrowErrors",
        get: Some(a::get_throw),
        set: Some(a::set_throw),
    },
    Prop {
        ru: "ПоследняяОшибка",
        en: "LastError",
        get: Some(a::get_last_error),
        set: None,
    },
    Prop {
        ru: "Версия",
        en: "Version",
        get: Some(a::get_version),
        set: None,
    },
    Prop {
        ru: "ПодтверждениеВручную",
        en: "ManualAck",
        get: Some(rcv::get_manual_ack),
        set: Some(rcv::set_manual_ack),
    },
    // Appended, not inserted: property numbers stay what they were.
    Prop {
        ru: "РазрешитьНезащищенноеСоединение",
        en: "AllowInsecureHttp",
        get: Some(a::get_allow_insecure),
        set: Some(a::set_allow_insecure),
    },
    Prop {
        ru: "ПараллельныхЗапросов",
        en: "Concurrency",
        get: Some(bat::get_concurrency),
        set: Some(bat::set_concurrency),
    },
];

/// Every method, in `GetMethodName` order.
pub static METHODS: &[Method] = &[
    // authorization and account
    svc("ПолучитьQRКод", "GetQRCode", NONE, Op::Qr, &[]),
    custom(
        "ПолучитьQRКартинку",
        "GetQRImage",
        NONE,
        Returns::Blob,
        a::qr_image,
    ),
    svc(
        "ПолучитьКодАвторизации",
        "GetAuthorizationCode",
        &[PHONE],
        Op::GetAuthorizationCode,
        &["phoneNumber"],
    ),
    svc(
        "ЗапроситьКодРегистрации",
        "RequestRegistrationCode",
        &[PHONE, opt("Способ", "Method", Kind::Text, Def::Str("sms"))],
        Op::RequestRegistrationCode,
        &["phoneNumber", "method"],
    ),
    svc(
        "ОтправитьКодРегистрации",
        "SendRegistrationCode",
        &[req("Код", "Code", Kind::Text)],
        Op::SendRegistrationCode,
        &["code"],
    ),
    svc(
        "ПолучитьСостояниеИнстанса",
        "GetStateInstance",
        NONE,
        Op::GetStateInstance,
        &[],
    ),
    custom(
        "ПроверитьПодключение",
        "CheckConnection",
        NONE,
        Returns::Bool,
        a::check_connection,
    ),
    svc(
        "ПолучитьНастройки",
        "GetSettings",
        NONE,
        Op::GetSettings,
        &[],
    ),
    custom(
        "УстановитьНастройки",
        "SetSettings",
        &[req("Настройки", "Settings", Kind::Text)],
        Returns::Json,
        a::set_settings,
    ),
    svc("ПерезагрузитьИнстанс", "Reboot", NONE, Op::Reboot, &[]),
    svc("РазлогинитьИнстанс", "Logout", NONE, Op::Logout, &[]),
    svc(
        "УстановитьИмяПрофиля",
        "SetProfileName",
        &[req("Имя", "Name", Kind::Text)],
        Op::SetProfileName,
        &["name"],
    ),
    svc(
        "УстановитьСтатусПрофиля",
        "SetProfileStatus",
        &[req("Текст", "Text", Kind::Text)],
        Op::SetProfileStatus,
        &["status"],
    ),
    custom(
        "УстановитьКартинкуПрофиля",
        "SetProfilePicture",
        &[FILE],
        Returns::Json,
        a::set_profile_picture,
    ),
    // sending
    svc(
        "ОтправитьТекст",
        "SendMessage",
        &[
            CHAT,
            req("Текст", "Text", Kind::Text),
            QUOTED,
            opt(
                "ПредпросмотрСсылки",
                "LinkPreview",
                Kind::Bool,
                Def::Bool(true),
            ),
            opt(
                "АрхивироватьЧат",
                "ArchiveChat",
                Kind::Bool,
                Def::Bool(false),
            ),
        ],
        Op::SendMessage,
        &[
            "chatId",
            "message",
            "quotedMessageId",
            "linkPreview",
            "archiveChat",
        ],
    ),
    custom(
        "ОтправитьТекстВГруппу",
        "SendMessageToGroup",
        &[GROUP, req("Текст", "Text", Kind::Text), QUOTED],
        Returns::Json,
        a::send_to_group,
    ),
    svc(
        "ОтправитьВидеоАудиоИзображениеДокументПоURL",
        "SendFileByUrl",
        &[
            CHAT,
            req("URL", "Url", Kind::Text),
            req("ИмяФайла", "FileName", Kind::Text),
            opt("Подпись", "Caption", Kind::Text, Def::Str("")),
            QUOTED,
            opt(
                "АрхивироватьЧат",
                "ArchiveChat",
                Kind::Bool,
                Def::Bool(false),
            ),
        ],
        Op::SendFileByUrl,
        &[
            "chatId",
            "urlFile",
            "fileName",
            "caption",
            "quotedMessageId",
            "archiveChat",
        ],
    ),
    custom(
        "ОтправитьВидеоАудиоИзображениеДокумент",
        "SendFileByUpload",
        &[
            CHAT,
            FILE,
            opt("ИмяФайла", "FileName", Kind::Text, Def::Str("")),
            opt("Подпись", "Caption", Kind::Text, Def::Str("")),
            QUOTED,
        ],
        Returns::Json,
        a::send_file_by_upload,
    ),
    svc(
        "ОтправитьГеолокацию",
        "SendLocation",
        &[
            CHAT,
            opt("Название", "Name", Kind::Text, Def::Str("")),
            opt("Адрес", "Address", Kind::Text, Def::Str("")),
            req("Широта", "Latitude", Kind::Coord),
            req("Долгота", "Longitude", Kind::Coord),
            QUOTED,
        ],
        Op::SendLocation,
        &[
            "chatId",
            "nameLocation",
            "address",
            "latitude",
            "longitude",
            "quotedMessageId",
        ],
    ),
    custom(
        "ОтправитьКонтакт",
        "SendContact",
        &[
            CHAT,
            req("ТелефонКонтакта", "ContactPhone", Kind::Chat),
            req("Имя", "FirstName", Kind::Text),
            opt("Отчество", "MiddleName", Kind::Text, Def::Str("")),
            opt("Фамилия", "LastName", Kind::Text, Def::Str("")),
            opt("Компания", "Company", Kind::Text, Def::Str("")),
            QUOTED,
        ],
        Returns::Json,
        a::send_contact,
    ),
    custom(
        "ЗагрузитьФайл",
        "UploadFile",
        &[FILE],
        Returns::Json,
        a::upload_file,
    ),
    // receiving
    custom(
        "ПолучитьУведомление",
        "ReceiveNotification",
        &[opt("СекундОжидания", "WaitSeconds", Kind::Int, Def::Int(5))],
        Returns::Json,
        a::receive_notification,
    ),
    svc(
        "УдалитьУведомление",
        "DeleteNotification",
        &[req("ИдУведомления", "ReceiptId", Kind::Int)],
        Op::DeleteNotification,
        &["receiptId"],
    ),
    custom(
        "НачатьПолучениеУведомлений",
        "StartNotifications",
        NONE,
        Returns::Nothing,
        a::start_notifications,
    ),
    custom(
        "ОстановитьПолучениеУведомлений",
        "StopNotifications",
        NONE,
        Returns::Nothing,
        a::stop_notifications,
    ),
    custom(
        "СкачатьФайл",
        "DownloadFile",
        &[
            CHAT,
            ID_MESSAGE,
            opt("ПутьСохранения", "SavePath", Kind::Text, Def::Str("")),
        ],
        Returns::Blob,
        a::download_file,
    ),
    // journals and queue
    svc(
        "ПолучитьИсториюСообщенийЧата",
        "GetChatHistory",
        &[CHAT, opt("Количество", "Count", Kind::Int, Def::Int(100))],
        Op::GetChatHistory,
        &["chatId", "count"],
    ),
    svc(
        "ПоследниеВходящиеСообщения",
        "LastIncomingMessages",
        &[opt("Минут", "Minutes", Kind::Int, Def::Int(1440))],
        Op::LastIncomingMessages,
        &["minutes"],
    ),
    svc(
        "ПоследниеИсходящиеСообщения",
        "LastOutgoingMessages",
        &[opt("Минут", "Minutes", Kind::Int, Def::Int(1440))],
        Op::LastOutgoingMessages,
        &["minutes"],
    ),
    svc(
        "ПолучитьОчередьСообщений",
        "ShowMessagesQueue",
        NONE,
        Op::ShowMessagesQueue,
        &[],
    ),
    svc(
        "ОчиститьОчередьСообщений",
        "ClearMessagesQueue",
        NONE,
        Op::ClearMessagesQueue,
        &[],
    ),
    // contacts and chats
    svc(
        "ПолучитьКонтакты",
        "GetContacts",
        NONE,
        Op::GetContacts,
        &[],
    ),
    svc("ПолучитьЧаты", "GetChats", NONE, Op::GetChats, &[]),
    svc(
        "ПолучитьИнфоКонтакта",
        "GetContactInfo",
        &[CHAT],
        Op::GetContactInfo,
        &["chatId"],
    ),
    svc(
        "ПолучитьАватар",
        "GetAvatar",
        &[CHAT],
        Op::GetAvatar,
        &["chatId"],
    ),
    svc(
        "ПроверитьНаличиеWhatsApp",
        "CheckWhatsapp",
        &[PHONE],
        Op::CheckWhatsapp,
        &["phoneNumber"],
    ),
    svc(
        "ОтметитьЧатПрочитанным",
        "ReadChat",
        &[
            CHAT,
            opt("ИдСообщения", "IdMessage", Kind::Text, Def::Str("")),
        ],
        Op::ReadChat,
        &["chatId", "idMessage"],
    ),
    svc(
        "АрхивироватьЧат",
        "ArchiveChat",
        &[CHAT],
        Op::ArchiveChat,
        &["chatId"],
    ),
    svc(
        "РазархивироватьЧат",
        "UnarchiveChat",
        &[CHAT],
        Op::UnarchiveChat,
        &["chatId"],
    ),
    svc(
        "УдалитьСообщение",
        "DeleteMessage",
        &[CHAT, ID_MESSAGE],
        Op::DeleteMessage,
        &["chatId", "idMessage"],
    ),
    // groups
    svc(
        "СоздатьГруппу",
        "CreateGroup",
        &[
            req("Название", "Name", Kind::Text),
            req("Участники", "Participants", Kind::List),
        ],
        Op::CreateGroup,
        &["groupName", "chatIds"],
    ),
    svc(
        "ИзменитьИмяГруппы",
        "UpdateGroupName",
        &[GROUP, req("Название", "Name", Kind::Text)],
        Op::UpdateGroupName,
        &["groupId", "groupName"],
    ),
    svc(
        "ПолучитьИнформациюОГруппе",
        "GetGroupData",
        &[GROUP],
        Op::GetGroupData,
        &["groupId"],
    ),
    svc(
        "ДобавитьУчастникаВГруппу",
        "AddGroupParticipant",
        &[GROUP, CHAT],
        Op::AddGroupParticipant,
        &["groupId", "participantChatId"],
    ),
    svc(
        "УдалитьУчастникаИзГруппы",
        "RemoveGroupParticipant",
        &[GROUP, CHAT],
        Op::RemoveGroupParticipant,
        &["groupId", "participantChatId"],
    ),
    svc(
        "НазначитьАдминистратораГруппы",
        "SetGroupAdmin",
        &[GROUP, CHAT],
        Op::SetGroupAdmin,
        &["groupId", "participantChatId"],
    ),
    svc(
        "СнятьАдминистратораГруппы",
        "RemoveAdmin",
        &[GROUP, CHAT],
        Op::RemoveAdmin,
        &["groupId", "participantChatId"],
    ),
    svc(
        "ПокинутьГруппу",
        "LeaveGroup",
        &[GROUP],
        Op::LeaveGroup,
        &["groupId"],
    ),
    custom(
        "УстановитьКартинкуГруппы",
        "SetGroupPicture",
        &[GROUP, FILE],
        Returns::Json,
        a::set_group_picture,
    ),
    // authorization by code and the instance
    svc(
        "ПолучитьСтатусПрогреваТелефона",
        "GetWarmingPhoneStatus",
        NONE,
        Op::GetWarmingPhoneStatus,
        &[],
    ),
    svc(
        "ПолучитьКодСопряжения",
        "GetPairingCode",
        &[PHONE],
        Op::GetPairingCode,
        &["phoneNumber"],
    ),
    svc(
        "ЗапроситьКодАвторизации",
        "RequestAuthorizationCode",
        &[PHONE, opt("Способ", "Method", Kind::Text, Def::Str("sms"))],
        Op::RequestAuthorizationCode,
        &["phoneNumber", "method"],
    ),
    svc(
        "ПолучитьДанныеИнстанса",
        "GetInstance",
        NONE,
        Op::GetInstance,
        &[],
    ),
    // telegram login
    svc(
        "СоздатьПриложениеTelegram",
        "CreateTelegramApp",
        &[
            req("Название", "Title", Kind::Text),
            req("КороткоеИмя", "ShortName", Kind::Text),
            req("URL", "Url", Kind::Text),
            req("Описание", "Description", Kind::Text),
        ],
        Op::CreateApp,
        &["title", "shortName", "url", "description"],
    ),
    svc(
        "ОтправитьКодПодтверждения",
        "SendConfirmationCode",
        &[PHONE],
        Op::SendConfirmationCode,
        &["phoneNumber"],
    ),
    svc(
        "ВойтиПоКодуПодтверждения",
        "SignInWithConfirmationCode",
        &[req("Код", "Code", Kind::Text)],
        Op::SignInWithConfirmationCode,
        &["code"],
    ),
    // the account's instances (UserId + UserToken)
    svc(
        "ПолучитьИнстансы",
        "GetInstances",
        NONE,
        Op::GetInstances,
        &[],
    ),
    svc(
        "СоздатьИнстанс",
        "CreateInstance",
        &[TARIFF, PERIOD, PAYMENT],
        Op::CreateInstance,
        &["tariff", "period", "paymentType"],
    ),
    svc(
        "ПродлитьИнстанс",
        "ExtendInstance",
        &[ID_INSTANCE, TARIFF, PERIOD, PAYMENT],
        Op::ExtendInstance,
        &["idInstance", "tariff", "period", "paymentType"],
    ),
    svc(
        "УдалитьИнстанс",
        "DeleteInstance",
        &[ID_INSTANCE],
        Op::DeleteInstance,
        &["idInstance"],
    ),
    svc(
        "ВосстановитьИнстанс",
        "RestoreInstance",
        &[ID_INSTANCE],
        Op::RestoreInstance,
        &["idInstance"],
    ),
    // anything else
    custom(
        "ВыполнитьМетод",
        "CallMethod",
        &[
            req("Метод", "Method", Kind::Text),
            opt("ПараметрыJSON", "BodyJSON", Kind::Text, Def::Str("")),
            opt("HTTPМетод", "HttpMethod", Kind::Text, Def::Str("POST")),
        ],
        Returns::Json,
        a::call_method,
    ),
    custom(
        "РазобратьУведомление",
        "ParseWebhook",
        &[
            req("Тело", "Body", Kind::Text),
            opt("ОжидаемыйТокен", "ExpectedToken", Kind::Text, Def::Str("")),
            opt(
                "ЗаголовокAuthorization",
                "AuthorizationHeader",
                Kind::Text,
                Def::Str(""),
            ),
        ],
        Returns::Json,
        a::parse_webhook,
    ),
    custom(
        "ПодтвердитьУведомление",
        "AckNotification",
        &[req("ИдУведомления", "ReceiptId", Kind::Int)],
        Returns::Nothing,
        rcv::ack_notification,
    ),
    // bulk sending
    custom(
        "ОтправитьПакет",
        "SendBatch",
        &[BATCH, PARALLEL],
        Returns::Json,
        bat::send_batch,
    ),
    custom(
        "НачатьОтправкуПакета",
        "StartBatch",
        &[BATCH, PARALLEL],
        Returns::Json,
        bat::start_batch,
    ),
    custom(
        "ОстановитьОтправкуПакета",
        "StopBatch",
        &[opt("ИдПакета", "BatchId", Kind::Text, Def::Str(""))],
        Returns::Json,
        bat::stop_batch,
    ),
];

/// Names → index, built once: 1C looks a name up before every call, and
/// lower-casing every row each time cost more than the call itself.
struct Index {
    /// Lower-cased names, for a name written in another case.
    lower: std::collections::HashMap<String, usize>,
    /// The names as written, in 1C's own UTF-16: code names a method the
    /// way the docs spell it, and then the name is found without decoding
    /// or allocating (FindMethod comes before every call).
    exact: std::collections::HashMap<Vec<u16>, usize>,
}

impl Index {
    fn new<'a>(names: impl Iterator<Item = (&'a str, &'a str)>) -> Index {
        let mut lower = std::collections::HashMap::new();
        let mut exact = std::collections::HashMap::new();
        for (i, (ru, en)) in names.enumerate() {
            for name in [ru, en] {
                lower.entry(name.to_lowercase()).or_insert(i);
                exact.entry(name.encode_utf16().collect()).or_insert(i);
            }
        }
        Index { lower, exact }
    }

    /// Finds a name ignoring case (Cyrillic included).
    fn find(&self, wanted: &str) -> Option<usize> {
        self.lower.get(&wanted.to_lowercase()).copied()
    }

    /// The same for a name as 1C passes it: as written, found without
    /// decoding; in another case, decoded and lower-cased.
    fn find_utf16(&self, wanted: &[u16]) -> Option<usize> {
        match self.exact.get(wanted) {
            Some(i) => Some(*i),
            None => self.find(&String::from_utf16_lossy(wanted)),
        }
    }
}

static PROP_INDEX: once_cell::sync::Lazy<Index> =
    once_cell::sync::Lazy::new(|| Index::new(PROPS.iter().map(|p| (p.ru, p.en))));
static METHOD_INDEX: once_cell::sync::Lazy<Index> =
    once_cell::sync::Lazy::new(|| Index::new(METHODS.iter().map(|m| (m.ru, m.en))));

/// Index of a property by either name.
pub fn find_prop(name: &str) -> Option<usize> {
    PROP_INDEX.find(name)
}

/// Index of a method by either name.
pub fn find_method(name: &str) -> Option<usize> {
    METHOD_INDEX.find(name)
}

/// [`find_prop`] for a name in 1C's UTF-16.
pub fn find_prop_utf16(name: &[u16]) -> Option<usize> {
    PROP_INDEX.find_utf16(name)
}

/// [`find_method`] for a name in 1C's UTF-16.
pub fn find_method_utf16(name: &[u16]) -> Option<usize> {
    METHOD_INDEX.find_utf16(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (ru, en) in METHODS
            .iter()
            .map(|m| (m.ru, m.en))
            .chain(PROPS.iter().map(|p| (p.ru, p.en)))
        {
            assert!(seen.insert(ru.to_lowercase()) || ru == en, "{ru}");
            assert!(seen.insert(en.to_lowercase()) || ru == en, "{en}");
        }
        assert_eq!(find_method("отправитьтекст"), find_method("SENDMESSAGE"));
        assert_eq!(
            find_method("ОТПРАВИТЬТЕКСТ"),
            Some(METHODS.iter().position(|m| m.en == "SendMessage").unwrap())
        );
        assert_eq!(find_prop("последняяошибка"), find_prop("lasterror"));
        assert_eq!(find_method("nope"), None);
        // 1C's UTF-16: as written (no decoding), in another case, unknown.
        let w = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        let send = find_method("SendMessage");
        assert_eq!(find_method_utf16(&w("ОтправитьТекст")), send);
        assert_eq!(find_method_utf16(&w("sendMESSAGE")), send);
        assert_eq!(
            find_prop_utf16(&w("ПОСЛЕДНЯЯОШИБКА")),
            find_prop("LastError")
        );
        assert_eq!(find_method_utf16(&w("nope")), None);
    }

    #[test]
    fn service_rows_name_known_methods_and_every_parameter() {
        for m in METHODS {
            if let Action::Service { op, keys } = m.action {
                let spec = op.spec();
                assert_eq!(keys.len(), m.params.len(), "{}", m.en);
                for k in keys {
                    assert!(spec.field(k).is_some(), "{}: {op} has no field {k}", m.en);
                }
                for f in spec.fields.iter().filter(|f| f.required) {
                    assert!(keys.contains(&f.key), "{}: {op} requires {}", m.en, f.key);
                }
            }
        }
    }
}

#[cfg(test)]
mod readme_tests {
    use std::collections::BTreeSet;

    /// The names in the first two columns of the guide's tables: a cell
    /// may list several (`A / B`); each name must match exactly, so a
    /// renamed or misspelled row is not hidden by a longer name around it.
    fn documented_names(text: &str) -> BTreeSet<(String, String)> {
        let mut names = BTreeSet::new();
        for line in text.lines().filter(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() < 4 {
                continue;
            }
            let ru: Vec<&str> = cells[1].split(" / ").map(str::trim).collect();
            let en: Vec<&str> = cells[2].split(" / ").map(str::trim).collect();
            if ru.len() == en.len() {
                for (r, e) in ru.iter().zip(&en) {
                    names.insert((r.to_string(), e.to_string()));
                }
            }
        }
        names
    }

    /// Every add-in name is documented, Russian beside English, in the 1C
    /// guide's tables: renaming a row without the guide fails.
    #[test]
    fn the_guide_lists_every_method_and_property_exactly() {
        let names = documented_names(include_str!("../../docs/1c.md"));
        for (ru, en) in super::METHODS
            .iter()
            .map(|m| (m.ru, m.en))
            .chain(super::PROPS.iter().map(|p| (p.ru, p.en)))
        {
            assert!(
                names.contains(&(ru.to_string(), en.to_string())),
                "docs/1c.md has no table row naming exactly {ru} | {en}"
            );
        }
    }

    /// And the other way round: every name in the guide's tables of
    /// properties and methods is the add-in's (no stale or invented row).
    #[test]
    fn the_guide_lists_no_name_the_add_in_lacks() {
        let guide = include_str!("../../docs/1c.md");
        let section = |title: &str| {
            let start = guide.find(title).expect("the section") + title.len();
            let end = guide[start..]
                .find("\n## ")
                .map_or(guide.len(), |e| start + e);
            &guide[start..end]
        };
        let known: BTreeSet<(String, String)> = super::METHODS
            .iter()
            .map(|m| (m.ru, m.en))
            .chain(super::PROPS.iter().map(|p| (p.ru, p.en)))
            .map(|(r, e)| (r.to_string(), e.to_string()))
            .collect();
        let mut rows = 0;
        for title in ["\n## Свойства\n", "\n## Методы\n"] {
            for (ru, en) in documented_names(section(title)) {
                if ru == "Русское имя" || ru.starts_with("---") {
                    continue; // the header rows
                }
                assert!(
                    known.contains(&(ru.clone(), en.clone())),
                    "docs/1c.md names {ru} | {en}, which the add-in does not have"
                );
                rows += 1;
            }
        }
        assert!(rows >= known.len(), "read {rows} names");
    }
}
