//! Checks of a webhook HTTP service of a 1C dump, shared by the sample's test
//! (`WhatsAppWebhook`) and the extension's (`SDKWAВебхук`): both services keep
//! only the lookup of their token and the writing of what they accept; the
//! intake itself is the shared common module `SDKWAВебхукСервер` (one file,
//! in `1c-sample/`).

use std::path::{Path, PathBuf};

use super::dump::{self, local, Module};

/// The shared intake module (kept once, in the sample).
pub fn intake_module() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("1c-sample/CommonModules/SDKWAВебхукСервер/Ext/Module.bsl")
}

/// The module of HTTP service `service` of the dump at `root`, after checking
/// that every handler its XML names is defined there and every URL parameter
/// it reads is a `{parameter}` of one of its templates.
pub fn service_module(root: &Path, service: &str) -> Module {
    let src = dump::text(&root.join(format!("HTTPServices/{service}.xml")));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let m = dump::parse_bsl(&root.join(format!("HTTPServices/{service}/Ext/Module.bsl")));
    let defs = m.definitions();
    let text_of = |name: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.is_element() && local(*n) == name)
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    };
    let handlers = text_of("Handler");
    assert!(!handlers.is_empty(), "{service}: no handler");
    for h in &handlers {
        assert!(defs.contains_key(&h.to_lowercase()), "{service}: no {h}");
    }
    let templates = text_of("Template").join(" ");
    let read = "ПараметрыURL.Получить(\"";
    for (i, _) in m.source.match_indices(read) {
        let rest = &m.source[i + read.len()..];
        let name = &rest[..rest.find('"').unwrap()];
        assert!(
            templates.contains(&format!("{{{name}}}")),
            "{service}: URL parameter {name} is in no template ({templates})"
        );
    }
    m
}

/// The service `service` of the dump at `root` refuses without a token, logs
/// every refusal and never turns its own error into an unhandled 500: its
/// handler is one `Попытка` around the shared intake, whose error branch
/// answers through the shared module with the service's own metadata; the
/// shared module checks the token before parsing and reads the header
/// case-insensitively. Panics naming what is missing.
pub fn refuses_without_a_token_logs_and_never_fails_unhandled(root: &Path, service: &str) {
    let m = service_module(root, service);
    let handler = m.routine("ВходящееУведомлениеPOST");
    let body: Vec<&str> = handler
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect();
    assert_eq!(body.first(), Some(&"Попытка"), "{handler}");
    assert_eq!(body.last(), Some(&"КонецФункции"), "{handler}");
    let catch = handler.find("Исключение").expect("an Исключение branch");
    let intake = handler
        .find("SDKWAВебхукСервер.ПринятьУведомление(")
        .expect("the shared intake");
    assert!(intake < catch, "{handler}");
    assert!(
        handler[catch..].contains(&format!(
            "Возврат SDKWAВебхукСервер.ОтветНаОшибку(Метаданные.HTTPСервисы.{service}, ИнформацияОбОшибке());"
        )),
        "{handler}"
    );
    // One source of truth: the service keeps no copy of the intake.
    let defs = m.definitions();
    for copy in ["токениззаголовка", "записатьотказ", "ответтекстом"]
    {
        assert!(!defs.contains_key(copy), "{service} defines its own {copy}");
    }
    assert!(
        !m.source.contains("Заголовки.Получить("),
        "a case-sensitive header lookup"
    );

    let shared = dump::parse_bsl(&intake_module());
    let work = shared.routine("ПринятьУведомление");
    let refuse = work
        .find("ПустаяСтрока(Токен)")
        .expect("a check for an empty token");
    let parse = work.find("РазобратьУведомление").unwrap();
    assert!(
        refuse < parse
            && work[refuse..parse].contains("ОтветТекстом(")
            && work[refuse..parse].contains("401"),
        "{work}"
    );
    assert!(
        shared.routine("ОтветНаОшибку").contains("ОтветТекстом(500"),
        "the handled 500"
    );
    // Header names and the Bearer prefix compared case-insensitively.
    assert!(!shared.source.contains("Заголовки.Получить("));
    let header = shared.routine("ТокенИзЗаголовка");
    assert!(
        header.contains("НРег(Заголовок.Ключ) = \"authorization\""),
        "{header}"
    );
    assert!(
        header.contains("НРег(Лев(Значение, 7)) = \"bearer \""),
        "{header}"
    );
    // Every refusal goes to the event log.
    assert!(shared
        .routine("ЗаписатьОтказ")
        .contains("ЗаписьЖурналаРегистрации("));
    let refusals = shared.source.matches("ЗаписатьОтказ(").count() - 1;
    assert!(refusals >= 3, "{refusals} refusals logged");
}
