//! The configuration extension (`1c-extension/`, a Designer XML dump): it
//! declares its purpose, name prefix and compatibility, borrows no object of
//! the configuration it extends (only the language, which every extension
//! adopts), is written the way the platform writes dumps, and keeps no second
//! copy of what it shares with `1c-sample/` (assembled by
//! `scripts/assemble-1c-dump.sh`; `tests/package.rs` checks the copies).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::dump::{self, local};
use common::form;
use common::order;
use common::webhook;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn extension() -> PathBuf {
    repo().join("1c-extension")
}

/// The paths `1c-extension/SHARED` lists.
fn shared() -> Vec<String> {
    dump::text(&extension().join("SHARED"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The shared files that also exist under `ext` (there must be none).
fn second_copies(ext: &Path) -> Vec<String> {
    shared()
        .into_iter()
        .filter(|rel| ext.join(rel).exists())
        .collect()
}

fn property<'a>(doc: &'a roxmltree::Document, name: &str) -> Option<&'a str> {
    doc.descendants()
        .find(|n| n.is_element() && local(*n) == name)
        .and_then(|n| n.text())
}

#[test]
fn the_extension_is_written_as_the_platform_writes_dumps() {
    let findings = order::check(&extension());
    assert!(findings.is_empty(), "{}", findings.join("\n"));
    for path in dump::files(&extension(), ".xml") {
        roxmltree::Document::parse(&dump::text(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn the_extension_declares_purpose_prefix_and_compatibility_and_borrows_nothing() {
    let root = extension();
    let src = dump::text(&root.join("Configuration.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    assert_eq!(doc.root_element().attribute("version"), Some("2.9"));
    assert_eq!(
        property(&doc, "ConfigurationExtensionPurpose"),
        Some("AddOn")
    );
    assert_eq!(
        property(&doc, "ConfigurationExtensionCompatibilityMode"),
        Some("Version8_3_16")
    );
    assert_eq!(property(&doc, "CompatibilityMode"), Some("Version8_3_16"));
    // Mapping by names: the ids of a typical configuration's objects are unknown here.
    assert_eq!(
        property(&doc, "KeepMappingToExtendedConfigurationObjectsByIDs"),
        Some("false")
    );
    let prefix = property(&doc, "NamePrefix").expect("a name prefix");
    assert!(!prefix.is_empty());

    let objects = dump::configuration_objects(&root);
    assert!(objects.len() >= 4, "{objects:?}");
    for (kind, name) in &objects {
        let path = root.join(dump::kind_dir(kind)).join(format!("{name}.xml"));
        let src = dump::text(&path);
        let doc = roxmltree::Document::parse(&src).unwrap();
        let object = doc.root_element().first_element_child().unwrap();
        assert_eq!(local(object), kind, "{}", path.display());
        assert_eq!(
            property(&doc, "Name"),
            Some(name.as_str()),
            "{}",
            path.display()
        );
        let adopted = property(&doc, "ObjectBelonging") == Some("Adopted");
        if kind == "Language" {
            // Every extension adopts the configuration's language.
            assert!(adopted, "{name}");
        } else {
            assert!(!adopted, "{kind}.{name} is borrowed from the configuration");
            assert!(
                name.starts_with(prefix),
                "{kind}.{name} lacks the prefix {prefix}"
            );
        }
    }
}

#[test]
fn every_object_has_its_file_and_every_uuid_is_unique() {
    let root = extension();
    // The objects this extension adds; each must be listed and have its file.
    let expected = [
        ("Catalog", "SDKWAПодключения"),
        ("InformationRegister", "SDKWAЖурналСообщений"),
        ("InformationRegister", "SDKWAТокены"),
        ("CommonModule", "SDKWAТокены"),
        ("CommonModule", "SDKWAЖурнал"),
        ("CommonModule", "SDKWAВебхукСервер"),
        ("Role", "SDKWAПолныеПрава"),
        ("HTTPService", "SDKWAВебхук"),
        ("DataProcessor", "SDKWAПомощникНастройки"),
        ("DataProcessor", "SDKWAРабочееМестоЧатов"),
    ];
    let objects = dump::configuration_objects(&root);
    for (kind, name) in expected {
        assert!(
            objects.contains(&(kind.to_string(), name.to_string())),
            "{kind}.{name} is not listed in Configuration.xml"
        );
    }
    let mut seen = std::collections::BTreeMap::new();
    for path in dump::files(&root, ".xml") {
        let src = dump::text(&path);
        let doc = roxmltree::Document::parse(&src).unwrap();
        for n in doc.descendants().filter(|n| n.is_element()) {
            let ids = n.attribute("uuid").into_iter().chain(
                ["TypeId", "ValueId", "ObjectId"]
                    .iter()
                    .filter_map(|t| (local(n) == *t).then(|| n.text()).flatten()),
            );
            for id in ids {
                if let Some(other) = seen.insert(id.to_string(), path.clone()) {
                    panic!("{id} in {} and {}", other.display(), path.display());
                }
            }
        }
    }
    assert!(seen.len() > 10, "{}", seen.len());
}

/// The rights `Roles/<role>/Ext/Rights.xml` grants: (object, right).
fn granted(root: &Path, role: &str) -> std::collections::BTreeSet<(String, String)> {
    let src = dump::text(&root.join(format!("Roles/{role}/Ext/Rights.xml")));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let child_text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.is_element() && local(*c) == name)
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let mut out = std::collections::BTreeSet::new();
    for o in doc
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "object")
    {
        for r in o
            .children()
            .filter(|c| c.is_element() && local(*c) == "right")
        {
            if child_text(r, "value") == "true" {
                out.insert((child_text(o, "name"), child_text(r, "name")));
            }
        }
    }
    out
}

#[test]
fn the_role_grants_every_right_on_the_data_but_none_on_the_tokens() {
    let root = extension();
    let facts = order::facts();
    let granted = granted(&root, "SDKWAПолныеПрава");
    let mut missing = Vec::new();
    for (kind, name) in dump::configuration_objects(&root) {
        let Some(rights) = facts["rights"][&kind].as_array() else {
            continue; // Kinds without rights: common modules, templates, roles, languages.
        };
        let object = format!("{kind}.{name}");
        if name == "SDKWAТокены" {
            // Only the privileged module SDKWAТокены reads the tokens.
            assert!(
                !granted.iter().any(|(o, _)| *o == object),
                "the role grants rights on {object}"
            );
            continue;
        }
        for r in rights.iter().map(|v| v.as_str().unwrap()) {
            if !granted.contains(&(object.clone(), r.to_string())) {
                missing.push(format!("{object}: {r}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the role lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn shared_files_live_once_in_the_sample_and_cover_the_extensions_modules() {
    let (ext, sample) = (extension(), repo().join("1c-sample"));
    let shared = shared();
    assert!(!shared.is_empty());
    for rel in &shared {
        assert!(sample.join(rel).is_file(), "1c-sample/{rel} is missing");
    }
    let copies = second_copies(&ext);
    assert!(
        copies.is_empty(),
        "second copies in 1c-extension (they are assembled from 1c-sample): {copies:?}"
    );
    // Every common module of the extension gets its code from the shared list
    // or, when only the extension has it, from its own module file.
    for (kind, name) in dump::configuration_objects(&ext) {
        if kind == "CommonModule" {
            let rel = format!("CommonModules/{name}/Ext/Module.bsl");
            assert!(
                shared.contains(&rel) || ext.join(&rel).is_file(),
                "{rel} is neither in SHARED nor in 1c-extension"
            );
        }
    }
    // What the shared code names exists in both dumps: the add-in's template.
    for rel in &shared {
        let text = dump::text(&sample.join(rel));
        for (i, _) in text.match_indices("\"ОбщийМакет.") {
            let rest = &text[i + "\"ОбщийМакет.".len()..];
            let name = &rest[..rest.find('"').unwrap()];
            for root in [&ext, &sample] {
                assert!(
                    dump::configuration_objects(root)
                        .contains(&("CommonTemplate".to_string(), name.to_string())),
                    "{rel} names the template {name}, absent from {}",
                    root.display()
                );
            }
        }
    }
}

#[test]
fn a_file_in_the_extension_that_copies_a_shared_one_is_noticed() {
    // The check above must be able to fail: a temporary dump holding a second
    // copy of a shared module.
    let dir = tempfile::tempdir().unwrap();
    let rel = &shared()[0];
    let copy = dir.path().join(rel);
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("1c-sample").join(rel), &copy).unwrap();
    assert_eq!(second_copies(dir.path()), vec![rel.to_string()]);
}

/// Every form of every data processor of `root`: (processor, form, its `Ext` folder).
fn forms(root: &Path) -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for (kind, name) in dump::configuration_objects(root) {
        if kind != "DataProcessor" {
            continue;
        }
        let src = dump::text(&root.join(format!("DataProcessors/{name}.xml")));
        let doc = roxmltree::Document::parse(&src).unwrap();
        for f in doc
            .descendants()
            .filter(|n| n.is_element() && local(*n) == "Form")
        {
            let form = f.text().unwrap().to_string();
            let dir = root.join(format!("DataProcessors/{name}/Forms"));
            assert!(
                dir.join(format!("{form}.xml")).is_file(),
                "{name}: Forms/{form}.xml"
            );
            out.push((name.clone(), form.clone(), dir.join(form).join("Ext")));
        }
    }
    out
}

#[test]
fn every_form_resolves_its_commands_events_data_paths_and_handlers() {
    let found = forms(&extension());
    let names: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(
        names,
        ["SDKWAПомощникНастройки", "SDKWAРабочееМестоЧатов"],
        "the wizard and the chat workspace"
    );
    for (processor, name, ext) in &found {
        let report = form::check(ext);
        assert!(
            report.problems.is_empty(),
            "{processor}.{name}:\n{}",
            report.problems.join("\n")
        );
        // A form read wrong resolves nothing.
        assert!(
            report.commands >= 8,
            "{processor}: {} commands",
            report.commands
        );
        assert!(
            report.resolved >= 20,
            "{processor}: {} resolved",
            report.resolved
        );
    }
}

#[test]
fn a_broken_copy_of_the_chat_workspace_is_noticed() {
    // The check above must be able to fail: a handler renamed, a command's
    // action renamed, a column that does not exist, a notification handler
    // that is not exported or takes the wrong number of parameters, an item
    // id twice.
    let ext = workspace();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("Form")).unwrap();
    let module = dump::text(&ext.join("Form/Module.bsl"))
        .replacen(
            "Процедура ЧатыПриАктивизацииСтроки(",
            "Процедура ЧатыПриАктивизацииСтрокиСтарая(",
            1,
        )
        .replacen("Процедура СнятьСвязь(", "Процедура УбратьСвязь(", 1)
        .replacen(
            "Процедура ПослеОтправки(Результат, ПараметрыВызова, Отправка) Экспорт",
            "Процедура ПослеОтправки(Результат, ПараметрыВызова, Отправка)",
            1,
        )
        .replacen(
            "Процедура ПослеПолученияИстории(Результат, ПараметрыВызова, Чат) Экспорт",
            "Процедура ПослеПолученияИстории(Результат, Чат) Экспорт",
            1,
        );
    let form = dump::text(&ext.join("Form.xml"))
        .replacen(
            "<DataPath>История.Текст</DataPath>",
            "<DataPath>История.Тест</DataPath>",
            1,
        )
        .replacen("id=\"91\"", "id=\"1\"", 1);
    std::fs::write(dir.path().join("Form/Module.bsl"), module).unwrap();
    std::fs::write(dir.path().join("Form.xml"), form).unwrap();
    let found = form::check(dir.path()).problems.join("\n");
    for expected in [
        "event OnActivateRow: handler ЧатыПриАктивизацииСтроки is not in the form module",
        "command СнятьСвязь: no procedure СнятьСвязь in the form module",
        "data path История.Тест: История has no column Тест",
        "notification handler ПослеОтправки is not Экспорт",
        "item id 1 twice",
        "notification handler ПослеПолученияИстории takes 2 parameters, НачатьВызовПолучитьИсториюСообщенийЧата passes 3",
    ] {
        assert!(found.contains(expected), "{expected} not noticed:\n{found}");
    }
}

/// The chat workspace form's `Ext` folder.
fn workspace() -> PathBuf {
    extension().join("DataProcessors/SDKWAРабочееМестоЧатов/Forms/Форма/Ext")
}

/// The source without `//` comments (a comment may name what the code must not call).
fn code_only(source: &str) -> String {
    source
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_chat_workspace_calls_the_addin_only_asynchronously_and_without_modal_windows() {
    let m = dump::parse_bsl(&workspace().join("Form/Module.bsl"));
    let uses = m.member_uses(&["КлиентSDKWA", "Компонента"]);
    assert!(uses.len() >= 15, "{} add-in uses", uses.len());
    for (line, member, args) in &uses {
        let lower = member.to_lowercase();
        assert!(
            args.is_some()
                && ["начатьвызов", "начатьустановку", "начатьполучение"]
                    .iter()
                    .any(|p| lower.starts_with(p)),
            "line {line}: {member} is a synchronous add-in use"
        );
    }
    // Modal or synchronous platform calls (forbidden when modality is off).
    let code = code_only(&m.source);
    for banned in [
        "Предупреждение(",
        "Вопрос(",
        "ОткрытьФормуМодально(",
        "ВвестиЗначение(",
        "ВвестиСтроку(",
        "ВвестиЧисло(",
        "ВвестиДату(",
        "ВыбратьЭлемент(",
        "ПоместитьФайл(",
        "ПоместитьФайлы(",
        "ПолучитьФайл(",
        "ПолучитьФайлы(",
        "ПодключитьВнешнююКомпоненту(",
        "УстановитьВнешнююКомпоненту(",
    ] {
        for (i, _) in code.match_indices(banned) {
            let before = code[..i].chars().next_back().unwrap_or(' ');
            assert!(
                before.is_alphanumeric(),
                "the chat workspace calls {banned}…"
            );
        }
    }
}

#[test]
fn the_chat_workspace_journals_each_notification_before_acknowledging_it() {
    let m = dump::parse_bsl(&workspace().join("Form/Module.bsl"));
    // Manual acknowledgement is on before receiving starts.
    let setup = m.routine("ПродолжитьНастройку");
    assert!(
        setup.contains("КлиентSDKWA.НачатьУстановкуПодтверждениеВручную(Оповещение, Истина)"),
        "{setup}"
    );
    let manual = setup.find("НачатьУстановкуПодтверждениеВручную").unwrap();
    let start = setup.find("ЗапуститьПрием()").unwrap();
    assert!(manual < start, "{setup}");
    // The external event goes to the journal (a server call) first; only a
    // written notification is acknowledged, a failed write is retried.
    assert!(m
        .routine("ВнешнееСобытие")
        .contains("ПринятьУведомление(Данные)"));
    let accept = m.routine("ПринятьУведомление");
    let write = accept.find("ЗаписатьУведомлениеНаСервере(Данные)").unwrap();
    let failed = accept.find("Если Не Итог.Успех Тогда").unwrap();
    let give_up = accept[failed..].find("Возврат;").unwrap() + failed;
    let ack = accept
        .find("КлиентSDKWA.НачатьВызовПодтвердитьУведомление(")
        .unwrap();
    assert!(
        write < failed && failed < give_up && give_up < ack,
        "{accept}"
    );
    assert!(accept[failed..give_up]
        .contains("ПодключитьОбработчикОжидания(\"ПовторитьЗаписьУведомления\""));
    assert_eq!(
        accept.matches("НачатьВызовПодтвердитьУведомление").count(),
        1
    );
    assert_eq!(
        m.source
            .matches("НачатьВызовПодтвердитьУведомление")
            .count(),
        1
    );
    let server = m.routine("ЗаписатьУведомлениеНаСервере");
    assert!(server.contains("SDKWAЖурнал.ЗаписатьУведомление(Подключение, Уведомление.body)"));
    // A notification that cannot be read as a Структура never will be: it goes
    // to the event log and is acknowledged (success), so that one broken item
    // does not stop receiving; only a failed journal write is retried.
    let read = server
        .find("Уведомление = SDKWAКлиентСервер.ПрочитатьОтвет(Данные);")
        .expect("the notification is read");
    let on_error = server[read..].find("Исключение").unwrap() + read;
    let end = server[on_error..].find("КонецПопытки;").unwrap() + on_error;
    let handler = &server[on_error..end];
    assert!(
        handler.contains("ЗаписьЖурналаРегистрации(") && handler.contains("Данные"),
        "{handler}"
    );
    assert!(
        handler.contains("Возврат Итог;") && !handler.contains("Итог.Успех = Ложь"),
        "{handler}"
    );
    let journal = server.find("SDKWAЖурнал.ЗаписатьУведомление(").unwrap();
    assert!(end < journal, "read, then journal: {server}");
    assert!(server[end..].contains("Итог.Успех = Ложь;"), "{server}");
    let lines: Vec<&str> = m.source.lines().collect();
    let def = &m.definitions()["записатьуведомлениенасервере"];
    assert_eq!(lines[def.lines.0 - 2].trim(), "&НаСервере");
}

#[test]
fn the_chat_workspace_keeps_no_token_in_the_form() {
    let ext = workspace();
    let src = dump::text(&ext.join("Form.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    for a in doc
        .descendants()
        .filter(|n| n.is_element() && matches!(local(*n), "Attribute" | "Column"))
    {
        let name = a.attribute("name").unwrap().to_lowercase();
        assert!(
            !name.contains("токен") && !name.contains("token"),
            "form attribute {name} holds a token"
        );
    }
    // The token comes from SDKWAТокены in one server function and goes
    // straight into the add-in's ApiToken.
    let m = dump::parse_bsl(&ext.join("Form/Module.bsl"));
    assert_eq!(m.source.matches("SDKWAТокены.").count(), 1);
    let settings = m.routine("НастройкиКомпоненты");
    assert!(settings.contains("SDKWAТокены.Токен(Ссылка)"), "{settings}");
    let lines: Vec<&str> = m.source.lines().collect();
    let def = &m.definitions()["настройкикомпоненты"];
    assert_eq!(lines[def.lines.0 - 2].trim(), "&НаСервереБезКонтекста");
    let setup = m.routine("ПродолжитьНастройку");
    assert!(setup.contains("Настройки.ApiToken = \"\";"), "{setup}");
}

/// Fields of the journal register that `module` names: `Запись.<Поле>` and
/// `Журнал.<Поле>` in query texts; (line or offset, field) of those the
/// register lacks, and how many were checked.
fn journal_fields_missing(
    module: &dump::Module,
    fields: &BTreeSet<String>,
) -> (Vec<String>, usize) {
    let mut missing = Vec::new();
    let mut checked = 0;
    for (line, field, args) in module.member_uses(&["Запись"]) {
        if args.is_none() {
            checked += 1;
            if !fields.contains(&field) {
                missing.push(format!("line {line}: Запись.{field}"));
            }
        }
    }
    for (i, _) in module.source.match_indices("Журнал.") {
        let field: String = module.source[i + "Журнал.".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        checked += 1;
        if !fields.contains(&field) {
            missing.push(format!("offset {i}: Журнал.{field}"));
        }
    }
    (missing, checked)
}

#[test]
fn the_journal_module_names_only_fields_of_the_register() {
    let root = extension();
    let src = dump::text(&root.join("InformationRegisters/SDKWAЖурналСообщений.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let fields: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.is_element() && matches!(local(*n), "Dimension" | "Resource" | "Attribute"))
        .filter_map(|n| dump::name_of(n).map(str::to_string))
        .collect();
    assert!(
        fields.contains("Прочитано") && fields.contains("Объект"),
        "{fields:?}"
    );
    let path = root.join("CommonModules/SDKWAЖурнал/Ext/Module.bsl");
    let (missing, checked) = journal_fields_missing(&dump::parse_bsl(&path), &fields);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(checked >= 30, "{checked} field uses");
    // The webhook and the workspace write through this module, not by hand.
    for rel in [
        "HTTPServices/SDKWAВебхук/Ext/Module.bsl",
        "DataProcessors/SDKWAРабочееМестоЧатов/Forms/Форма/Ext/Form/Module.bsl",
    ] {
        let text = dump::text(&root.join(rel));
        assert!(text.contains("SDKWAЖурнал."), "{rel}");
        assert!(
            !text.contains("РегистрыСведений.SDKWAЖурналСообщений"),
            "{rel}"
        );
    }
    // A field the register lacks is noticed.
    let copy = dump::text(&path).replacen("Запись.ИмяФайла", "Запись.ФайлИмя", 1);
    let (missing, _) = journal_fields_missing(&dump::parse_bsl_source(&path, copy), &fields);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].ends_with("Запись.ФайлИмя"), "{missing:?}");
}

#[test]
fn the_webhook_service_handler_and_url_parameter_fit_together() {
    let m = webhook::service_module(&extension(), "SDKWAВебхук");
    assert!(
        m.source.contains("SDKWAЖурнал.ЗаписатьУведомление("),
        "the service writes nothing to the journal"
    );
}

#[test]
fn the_webhook_service_refuses_without_a_token_logs_and_never_fails_unhandled() {
    webhook::refuses_without_a_token_logs_and_never_fails_unhandled(&extension(), "SDKWAВебхук");
}

#[test]
fn every_attribute_of_the_connections_catalog_is_used() {
    // A setting nobody reads misleads whoever fills it in.
    let root = extension();
    let src = dump::text(&root.join("Catalogs/SDKWAПодключения.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let attributes: Vec<String> = doc
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "Attribute")
        .map(|a| dump::name_of(a).unwrap().to_string())
        .collect();
    assert!(attributes.len() >= 4, "{attributes:?}");
    let mut code = String::new();
    for path in dump::files(&root, ".bsl")
        .into_iter()
        .chain(dump::files(&root, "Form.xml"))
    {
        code.push_str(&code_only(&dump::text(&path)));
    }
    for a in &attributes {
        // `.Name` as a whole word: Объект.Name in a form's data path,
        // Подключение.Name or a query's field in the code.
        let used = code.match_indices(&format!(".{a}")).any(|(i, m)| {
            !code[i + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        }) || code.contains(&format!("\"{a}\""));
        assert!(used, "catalog attribute {a} is used nowhere");
    }
}

#[test]
fn the_tokens_module_is_not_callable_from_the_client_and_only_server_code_calls_it() {
    let root = extension();
    let src = dump::text(&root.join("CommonModules/SDKWAТокены.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    assert_eq!(property(&doc, "ServerCall"), Some("false"));
    assert_eq!(property(&doc, "Server"), Some("true"));
    assert_eq!(property(&doc, "Privileged"), Some("true"));
    assert_eq!(property(&doc, "ClientManagedApplication"), Some("false"));
    // In a form module, every call sits in a server routine.
    let mut calls = 0;
    for path in dump::files(&root, ".bsl") {
        let m = dump::parse_bsl(&path);
        let lines: Vec<&str> = m.source.lines().collect();
        let defs = m.definitions();
        for (line, _, _) in m.member_uses(&["SDKWAТокены"]) {
            calls += 1;
            if !path.to_string_lossy().contains("/Forms/") {
                continue; // Common modules and the HTTP service run on the server.
            }
            let def = defs
                .values()
                .find(|d| d.lines.0 <= line && line <= d.lines.1)
                .unwrap();
            let directive = lines[def.lines.0 - 2].trim();
            assert!(
                directive == "&НаСервере" || directive == "&НаСервереБезКонтекста",
                "{}:{line}: SDKWAТокены called from {directive} {}",
                path.display(),
                def.name
            );
        }
    }
    assert!(calls >= 4, "{calls} calls of SDKWAТокены");
}

#[test]
fn the_wizard_refreshes_the_qr_code_until_the_instance_is_authorized() {
    // Issue 13: the QR code is refreshed until the state is `authorized`. The
    // code request answers alreadyLogged once linked; the state is polled on
    // its own timer as well, and either stops both.
    let m = dump::parse_bsl(
        &extension().join("DataProcessors/SDKWAПомощникНастройки/Forms/Форма/Ext/Form/Module.bsl"),
    );
    let show = m.routine("ПоказатьQR");
    for handler in ["ОбновитьQR", "ПроверитьАвторизацию"] {
        assert!(
            show.contains(&format!("ПодключитьОбработчикОжидания(\"{handler}\"")),
            "{show}"
        );
        assert!(
            m.definitions()[&handler.to_lowercase()].exported,
            "{handler}"
        );
    }
    let state = m.routine("ПроверитьАвторизацию");
    assert!(state.contains("\"ПолучитьСостояниеИнстанса\""), "{state}");
    let authorized = state
        .find("= \"authorized\"")
        .expect("a check for authorized");
    assert!(
        state[authorized..].contains("ЗавершитьОжиданиеАвторизации()"),
        "{state}"
    );
    assert!(
        m.routine("ОбновитьQRНаСервере")
            .contains("\"alreadyLogged\""),
        "the code request's alreadyLogged"
    );
    assert!(m
        .routine("ОбновитьQR")
        .contains("ЗавершитьОжиданиеАвторизации()"));
    let stop = m.routine("ОстановитьОжиданиеАвторизации");
    for handler in ["ОбновитьQR", "ПроверитьАвторизацию"] {
        assert!(
            stop.contains(&format!("ОтключитьОбработчикОжидания(\"{handler}\")")),
            "{stop}"
        );
    }
    assert!(m
        .routine("ЗавершитьОжиданиеАвторизации")
        .contains("ОстановитьОжиданиеАвторизации()"));
}
