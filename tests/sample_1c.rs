//! The 1C sample configuration (`1c-sample/`, a Designer XML dump): its BSL
//! parses, its XML is well-formed and consistent, and every add-in method or
//! property it uses exists in the add-in that is built here, with a fitting
//! number of parameters. Renaming a row of the add-in's table breaks this test.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use common::dump::{self, local, Module};
use common::form;
use common::host;
use common::webhook;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("1c-sample")
}

/// The add-in's names as the emulated 1C sees them, lowercase → (required, total)
/// parameters for methods; lowercase names for properties (both languages).
struct AddinNames {
    methods: HashMap<String, (usize, usize)>,
    props: BTreeSet<String>,
}

fn addin_names() -> AddinNames {
    let (lines, _) = host::run_with(
        &[],
        &format!("load\t{}\nnew\nmeta\n", common::cdylib_path().display()),
    );
    let mut names = AddinNames {
        methods: HashMap::new(),
        props: BTreeSet::new(),
    };
    for l in lines {
        match l[0].as_str() {
            "P" => {
                names.props.insert(l[1].to_lowercase());
                names.props.insert(l[2].to_lowercase());
            }
            "M" => {
                let total: usize = l[3].parse().unwrap();
                let required = l[5..].iter().filter(|d| *d == "req").count();
                names.methods.insert(l[1].to_lowercase(), (required, total));
                names.methods.insert(l[2].to_lowercase(), (required, total));
            }
            _ => {}
        }
    }
    assert!(
        names.methods.len() > 80 && names.props.len() > 15,
        "meta read"
    );
    names
}

/// The BSL of both dumps: the sample's and the extension's own (its shared
/// modules are the sample's files, assembled by the packaging).
fn bsl_files() -> Vec<PathBuf> {
    let found = dump::files(&sample(), ".bsl");
    assert!(found.len() >= 6, "the sample's modules: {found:?}");
    let own = dump::files(&sample().with_file_name("1c-extension"), ".bsl");
    assert!(!own.is_empty(), "the extension's own modules");
    found.into_iter().chain(own).collect()
}

fn modules() -> Vec<Module> {
    bsl_files().iter().map(|p| dump::parse_bsl(p)).collect()
}

fn module(rel: &str) -> Module {
    dump::parse_bsl(&sample().join(rel))
}

#[test]
fn every_bsl_module_parses_without_error_or_missing_nodes() {
    let mut errors = Vec::new();
    for m in modules() {
        errors.extend(m.syntax_errors());
    }
    assert!(
        errors.is_empty(),
        "BSL syntax errors:\n{}",
        errors.join("\n")
    );

    // The grammar is strict enough to notice a broken module: guard against a
    // check that cannot fail.
    let bad = "Процедура А()\n\tЕсли Истина Тогда\nКонецПроцедуры\n".to_string();
    assert!(!dump::parse_bsl_source(Path::new("bad.bsl"), bad)
        .syntax_errors()
        .is_empty());
}

#[test]
fn every_xml_is_well_formed_and_uuids_are_unique() {
    let xml = dump::files(&sample(), ".xml");
    assert!(xml.len() >= 12, "{xml:?}");
    for path in &xml {
        let src = dump::text(path);
        roxmltree::Document::parse(&src)
            .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", path.display()));
    }
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (uuid, path) in dump::uuids(&sample()) {
        assert_eq!(uuid.len(), 36, "{uuid} in {}", path.display());
        if let Some(first) = seen.insert(uuid.clone(), path.clone()) {
            panic!(
                "UUID {uuid} twice: {} and {}",
                first.display(),
                path.display()
            );
        }
    }
    assert!(seen.len() >= 40, "{} UUIDs", seen.len());
}

#[test]
fn configuration_lists_exactly_the_objects_that_exist() {
    let root = sample();
    let listed = dump::configuration_objects(&root);
    for (kind, name) in &listed {
        let path = root.join(dump::kind_dir(kind)).join(format!("{name}.xml"));
        let src = dump::text(&path);
        let doc = roxmltree::Document::parse(&src).unwrap();
        let object = doc.root_element().first_element_child().unwrap();
        assert_eq!(local(object), kind, "{}", path.display());
        let own_name = dump::name_of(object);
        assert_eq!(own_name, Some(name.as_str()), "{}", path.display());
    }
    // And the other way: no object file that Configuration.xml does not list.
    let dirs: BTreeSet<&str> = listed.iter().map(|(k, _)| dump::kind_dir(k)).collect();
    for dir in dirs {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xml") {
                let name = path.file_stem().unwrap().to_string_lossy().to_string();
                assert!(
                    listed.iter().any(|(_, n)| *n == name),
                    "{} is not in Configuration.xml",
                    path.display()
                );
            }
        }
    }
    // Child objects of the data processor have their files.
    let dp = dump::text(&root.join("DataProcessors/SDKWA.xml"));
    let doc = roxmltree::Document::parse(&dp).unwrap();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let sub = match local(n) {
            "Form" => "Forms",
            "Template" => "Templates",
            _ => continue,
        };
        let name = n.text().unwrap();
        assert!(
            root.join("DataProcessors/SDKWA")
                .join(sub)
                .join(format!("{name}.xml"))
                .is_file(),
            "{sub}/{name}.xml"
        );
    }
}

#[test]
fn form_ids_commands_data_paths_and_handlers_fit_together() {
    let root = sample().join("DataProcessors/SDKWA/Forms/Форма/Ext");
    form_fits_together(&root, 15);
    let src = dump::text(&root.join("Form.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    // The tabs of the original processor.
    let pages: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "Page")
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(
        pages,
        [
            "СтраницаАвторизация",
            "СтраницаОтправка",
            "СтраницаПолучение",
            "СтраницаКонтакты",
            "СтраницаГруппы"
        ]
    );
}

/// The form at `root` (its `Ext` folder) resolves, with at least `min_commands`
/// commands (a form read wrong has none).
fn form_fits_together(root: &Path, min_commands: usize) {
    let report = form::check(root);
    assert!(report.problems.is_empty(), "{}", report.problems.join("\n"));
    assert!(
        report.commands >= min_commands,
        "{} commands",
        report.commands
    );
}

/// Every add-in use in `modules` (on a variable named Компонента or
/// КлиентSDKWA) checked against the built add-in: (problems, uses checked).
fn addin_problems(names: &AddinNames, modules: &[Module]) -> (Vec<String>, usize) {
    let mut checked = 0;
    let mut problems = Vec::new();
    for m in modules {
        for (line, member, args) in m.member_uses(&["Компонента", "КлиентSDKWA"]) {
            let where_ = format!("{}:{line} {member}", m.path.display());
            let lower = member.to_lowercase();
            // Asynchronous forms on the client: НачатьВызов<Метод>, НачатьУстановку<Свойство>.
            if let Some(method) = lower.strip_prefix("начатьвызов") {
                match names.methods.get(method) {
                    // The first argument is the notification.
                    Some(&(req, total)) => {
                        let n = args.unwrap() - 1;
                        if n < req || n > total {
                            problems.push(format!("{where_}: {n} args, expected {req}..={total}"));
                        }
                    }
                    None => problems.push(format!("{where_}: no such add-in method")),
                }
            } else if let Some(prop) = lower.strip_prefix("начатьустановку") {
                if !names.props.contains(prop) {
                    problems.push(format!("{where_}: no such add-in property"));
                }
            } else if let Some(prop) = lower
                .strip_prefix("начатьполучение")
                .filter(|p| names.props.contains(*p))
            {
                // НачатьПолучение<Свойство>(Оповещение): only the notification.
                // (НачатьПолучениеУведомлений is a method and falls through below.)
                if args != Some(1) {
                    problems.push(format!(
                        "{where_}: reading {prop} takes only the notification"
                    ));
                }
            } else if let Some(n) = args {
                match names.methods.get(&lower) {
                    Some(&(req, total)) if n < req || n > total => {
                        problems.push(format!("{where_}: {n} args, expected {req}..={total}"))
                    }
                    Some(_) => {}
                    None => problems.push(format!("{where_}: no such add-in method")),
                }
            } else if !names.props.contains(&lower) {
                problems.push(format!("{where_}: no such add-in property"));
            }
            checked += 1;
        }
    }
    (problems, checked)
}

#[test]
fn every_addin_call_in_the_bsl_exists_in_the_addin_with_fitting_arguments() {
    let names = addin_names();
    let (problems, checked) = addin_problems(&names, &modules());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 60, "only {checked} add-in uses found");

    // The check notices a broken copy of the chat workspace: an acknowledgement
    // with one argument too many, a property that does not exist, a reading
    // of a property that passes a value.
    let ext = sample().with_file_name("1c-extension");
    let workspace =
        ext.join("DataProcessors/SDKWAРабочееМестоЧатов/Forms/Форма/Ext/Form/Module.bsl");
    let good = dump::text(&workspace);
    let broken = good
        .replacen(
            "Итог.ИдУведомления);",
            "Итог.ИдУведомления, Истина);",
            1,
        )
        .replacen(
            "НачатьУстановкуПодтверждениеВручную(",
            "НачатьУстановкуПодтверждатьВручную(",
            1,
        )
        .replacen(
            "НачатьПолучениеПоследняяОшибка(Новый ОписаниеОповещения(\"ПоказатьОшибкуКомпоненты\", ЭтотОбъект))",
            "НачатьПолучениеПоследняяОшибка(Новый ОписаниеОповещения(\"ПоказатьОшибкуКомпоненты\", ЭтотОбъект), 1)",
            1,
        );
    assert_ne!(broken, good);
    let copy = dump::parse_bsl_source(Path::new("Module.bsl"), broken);
    let (found, _) = addin_problems(&names, &[copy]);
    let found = found.join("\n");
    assert!(
        found.contains("НачатьВызовПодтвердитьУведомление: 2 args, expected 1..=1"),
        "{found}"
    );
    assert!(
        found.contains("НачатьУстановкуПодтверждатьВручную: no such add-in property"),
        "{found}"
    );
    assert!(
        found.contains("reading последняяошибка takes only the notification"),
        "{found}"
    );
}

/// The methods of the BSL-only library's README, which the processor must keep.
const SEED_METHODS: &[&str] = &[
    "ПолучитьQRКод",
    "ОтправитьТекст",
    "ОтправитьВидеоАудиоИзображениеДокументПоURL",
    "ОтправитьВидеоАудиоИзображениеДокумент",
    "ОтправитьГеолокацию",
    "ОтправитьКонтакт",
    "ПолучитьУведомление",
    "УдалитьУведомление",
    "ПолучитьИсториюСообщенийЧата",
    "ПолучитьКонтакты",
    "ПолучитьИнфоКонтакта",
    "ПроверитьНаличиеWhatsApp",
    "ОтметитьЧатПрочитанным",
    "СоздатьГруппу",
    "ПолучитьИнформациюОГруппе",
    "ДобавитьУчастникаВГруппу",
    "ОтправитьТекстВГруппу",
];

#[test]
fn the_processor_keeps_the_seed_interface_and_wraps_the_addin_method_of_the_same_name() {
    let names = addin_names();
    let object = module("DataProcessors/SDKWA/Ext/ObjectModule.bsl");
    let defs = object.definitions();
    for m in SEED_METHODS {
        let def = defs
            .get(&m.to_lowercase())
            .unwrap_or_else(|| panic!("the processor lacks {m}"));
        assert!(def.exported, "{m} is not exported");
    }
    // Every exported wrapper whose name is an add-in method calls that method
    // (so a wrapper cannot silently call the wrong one).
    let uses = object.member_uses(&["Компонента"]);
    let mut wrapped = 0;
    for (lower, def) in &defs {
        if !def.exported || !names.methods.contains_key(lower) {
            continue;
        }
        let (first_line, last_line) = def.lines;
        assert!(
            uses.iter().any(|(l, member, args)| *l >= first_line
                && *l <= last_line
                && member.to_lowercase() == *lower
                && args.is_some()),
            "{} does not call Компонента.{}",
            def.name,
            def.name
        );
        wrapped += 1;
    }
    // The rest of interface.md as well, not only the seed's seventeen.
    assert!(wrapped >= 45, "{wrapped} wrappers");
}

#[test]
fn every_seed_example_is_in_the_sample_and_calls_an_existing_processor_method() {
    let examples = module("CommonModules/SDKWAПримеры/Ext/Module.bsl");
    let defs = examples.definitions();
    for n in 1..=14 {
        assert!(
            defs.keys().any(|k| k.starts_with(&format!("пример{n:02}"))),
            "seed example {n} is missing"
        );
    }
    let processor = module("DataProcessors/SDKWA/Ext/ObjectModule.bsl").definitions();
    let calls = examples.member_uses(&["АПИ"]);
    let mut called = BTreeSet::new();
    for (line, member, args) in &calls {
        let Some(n) = args else {
            // АПИ.IdInstance = …: the processor's attributes.
            assert!(
                ["idinstance", "apitoken", "адресapi"].contains(&member.to_lowercase().as_str()),
                "line {line}: {member}"
            );
            continue;
        };
        let def = processor
            .get(&member.to_lowercase())
            .unwrap_or_else(|| panic!("line {line}: the processor has no {member}"));
        assert!(def.exported, "line {line}: {member} is not exported");
        assert!(
            *n >= def.required && *n <= def.total,
            "line {line}: {member} with {n} args, expected {}..={}",
            def.required,
            def.total
        );
        called.insert(member.clone());
    }
    for m in SEED_METHODS {
        assert!(called.contains(*m), "no example calls {m}");
    }
}

#[test]
fn the_webhook_service_handler_and_register_fit_together() {
    let root = sample();
    let module = webhook::service_module(&root, "WhatsAppWebhook");
    // The fields the module writes are the register's.
    let reg = dump::text(&root.join("InformationRegisters/ВходящиеСообщенияSDKWA.xml"));
    let reg = roxmltree::Document::parse(&reg).unwrap();
    let fields: BTreeSet<String> = reg
        .descendants()
        .filter(|n| n.is_element() && matches!(local(*n), "Dimension" | "Resource"))
        .map(|n| dump::name_of(n).unwrap().to_string())
        .collect();
    let written: Vec<_> = module.member_uses(&["Запись"]);
    assert!(written.len() >= 7);
    for (line, field, args) in written {
        if args.is_none() {
            assert!(
                fields.contains(&field),
                "line {line}: register has no {field}"
            );
        }
    }
}

#[test]
fn no_local_name_shadows_a_global_context_name() {
    let list =
        dump::text(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/1c-global-context.txt"));
    let globals: BTreeSet<String> = list
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect();
    assert!(globals.len() > 300, "{} names", globals.len());
    let mut found = Vec::new();
    let mut names = 0;
    for m in modules() {
        for (line, name) in m.local_names() {
            names += 1;
            if globals.contains(&name.to_lowercase()) {
                found.push(format!("{}:{line} {name}", m.path.display()));
            }
        }
    }
    assert!(names > 100, "only {names} local names found");
    assert!(
        found.is_empty(),
        "local names that hide a global context name:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_qr_template_is_read_by_its_area_name() {
    // The current area of a template depends on where it was last edited;
    // the named area does not.
    let template =
        dump::text(&sample().join("DataProcessors/SDKWA/Templates/QRМакет/Ext/Template.xml"));
    let doc = roxmltree::Document::parse(&template).unwrap();
    let areas: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "namedItem")
        .filter_map(|n| {
            n.children()
                .find(|c| local(*c) == "name")
                .and_then(|c| c.text())
        })
        .collect();
    let mut reads = 0;
    for m in modules() {
        assert!(
            !m.source.contains("ТекущаяОбласть"),
            "{} reads the current area",
            m.path.display()
        );
        for (i, _) in m
            .source
            .match_indices("ПолучитьМакет(\"QRМакет\").Область(\"")
        {
            let rest = &m.source[i + "ПолучитьМакет(\"QRМакет\").Область(\"".len()..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(
                areas.contains(&name),
                "{}: no area {name} in QRМакет",
                m.path.display()
            );
            reads += 1;
        }
    }
    assert!(reads >= 1, "nothing reads the QR template");
}

#[test]
fn the_webhook_service_refuses_without_a_token_logs_and_never_fails_unhandled() {
    webhook::refuses_without_a_token_logs_and_never_fails_unhandled(&sample(), "WhatsAppWebhook");
}

#[test]
fn client_handlers_fail_clearly_and_return_at_once_during_shutdown() {
    let form = module("DataProcessors/SDKWA/Forms/Форма/Ext/Form/Module.bsl");
    let on_close = form.routine("ПриЗакрытии");
    let first: Vec<&str> = on_close.lines().skip(1).map(str::trim).take(4).collect();
    assert_eq!(first[0], "Если ЗавершениеРаботы Тогда", "{on_close}");
    assert!(first.contains(&"Возврат;"), "{on_close}");

    let client = module("CommonModules/SDKWAКлиент/Ext/Module.bsl");
    assert!(client
        .routine("ПослеПодключения")
        .contains("ТекстОшибкиПодключения()"));
    let shared = module("CommonModules/SDKWAКлиентСервер/Ext/Module.bsl");
    let text = shared.routine("ТекстОшибкиПодключения");
    for words in [
        "безопасном режиме",
        "профиле безопасности",
        "safe mode",
        "security profile",
    ] {
        assert!(
            text.contains(words),
            "the attach error does not mention {words}"
        );
    }
    // ПрочитатьОтвет: the caller chooses Структура or Соответствие; the answer's
    // keys never switch the kind.
    let read = shared.routine("ПрочитатьОтвет");
    assert!(
        read.contains("ПрочитатьТекстJSON(ТекстJSON, ВСоответствие)"),
        "{read}"
    );
    assert!(
        !read.contains("ПрочитатьТекстJSON(ТекстJSON, Истина)"),
        "{read}"
    );
}

#[test]
fn every_bsl_module_formats_unchanged_with_bslfmt() {
    // bslfmt (PyPI) formats BSL indentation and spacing by the 1C standards;
    // scripts/test-all.sh installs it.
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let available = std::process::Command::new(&python)
        .args(["-m", "bslfmt", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        // scripts/test-all.sh installs bslfmt and sets SDKWA_REQUIRE_BSLFMT=1:
        // there a missing formatter is a failure, not a silent skip.
        assert!(
            std::env::var_os("SDKWA_REQUIRE_BSLFMT").is_none_or(|v| v != "1"),
            "bslfmt is not installed and SDKWA_REQUIRE_BSLFMT=1 ({python} -m pip install bslfmt)"
        );
        eprintln!("SKIPPED: bslfmt is not installed ({python} -m pip install bslfmt; scripts/test-all.sh does it)");
        return;
    }
    let check = |files: &[PathBuf]| {
        std::process::Command::new(&python)
            .args(["-m", "bslfmt", "--check", "--diff", "--"])
            .args(files)
            .output()
            .unwrap()
    };
    let out = check(&bsl_files());
    assert!(
        out.status.success(),
        "modules bslfmt would change:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The check notices a badly indented module.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.bsl");
    std::fs::write(
        &bad,
        "Процедура А()\nЕсли Истина Тогда\nВозврат;\nКонецЕсли;\nКонецПроцедуры\n",
    )
    .unwrap();
    assert!(!check(&[bad]).status.success());
}

/// `ВыполнитьВсе` runs every one of the seed's 14 examples, each exactly once.
#[test]
fn run_all_runs_every_example() {
    let m = module("CommonModules/SDKWAПримеры/Ext/Module.bsl");
    let body = m.routine("ВыполнитьВсе");
    for n in 1..=14 {
        let prefix = format!("Пример{n:02}");
        let calls = body.matches(&prefix).count();
        assert_eq!(
            calls, 1,
            "ВыполнитьВсе calls {prefix}… {calls} times:\n{body}"
        );
        let defined = m.source.contains(&format!("Процедура {prefix}"))
            || m.source.contains(&format!("Функция {prefix}"));
        assert!(defined, "{prefix}… is defined in the module");
    }
}

/// The names of `tests/data/1c-newer-than-8.3.16.txt` that `words` use:
/// "path:line name" for each.
fn newer_than_8_3_16(modules: &[Module]) -> Vec<String> {
    let list = dump::text(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/1c-newer-than-8.3.16.txt"),
    );
    let names: Vec<String> = list
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect();
    assert!(names.len() >= 12, "{} names", names.len());
    let denied = |word: &str| {
        let word = word.to_lowercase();
        names.iter().any(|n| match n.strip_prefix('*') {
            Some(suffix) => word.ends_with(suffix),
            None => word == *n,
        })
    };
    let mut found = Vec::new();
    for m in modules {
        for (line, word) in m.code_words() {
            if denied(&word) {
                found.push(format!("{}:{line} {word}", m.path.display()));
            }
        }
    }
    found
}

#[test]
fn no_module_calls_a_global_context_method_newer_than_the_compatibility_mode() {
    // Both dumps declare compatibility 8.3.16: a method of 8.3.18 fails there.
    let found = newer_than_8_3_16(&modules());
    assert!(
        found.is_empty(),
        "methods newer than 8.3.16:\n{}",
        found.join("\n")
    );
    // The check notices the old save dialog of the chat workspace and an
    // asynchronous function, but not a comment or a string naming them.
    let bad = dump::parse_bsl_source(
        Path::new("Module.bsl"),
        "&НаКлиенте\nПроцедура А(Адрес)\n\t// НачатьПолучениеФайлаССервера\n\tТекст = \"ВопросАсинх\";\n\
         \tНачатьПолучениеФайлаССервера(Адрес, \"a.txt\", Новый ПараметрыДиалогаПолученияФайлов(\"\"));\n\
         \tПредупреждениеАсинх(Текст);\nКонецПроцедуры\n"
            .to_string(),
    );
    let found = newer_than_8_3_16(&[bad]);
    let words: Vec<&str> = found
        .iter()
        .map(|f| f.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(
        words,
        [
            "НачатьПолучениеФайлаССервера",
            "ПараметрыДиалогаПолученияФайлов",
            "ПредупреждениеАсинх"
        ],
        "{found:?}"
    );
}
