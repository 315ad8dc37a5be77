//! Cross-references of a managed form of a Designer dump: `Ext/Form.xml`
//! against its module `Ext/Form/Module.bsl`. Every command's action, every
//! event handler, every notification and idle handler the module names in a
//! string exists in the module; every data path names a form attribute (and a
//! column of it, for a table's column); item ids are unique; every command has
//! a button. Findings are returned, so a test can also show that a broken copy
//! is noticed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::dump::{self, local};

/// What `check` found: problems, and how many references it resolved.
pub struct Report {
    /// One line per problem.
    pub problems: Vec<String>,
    /// Commands of the form.
    pub commands: usize,
    /// References resolved (commands, events, data paths, handlers named in strings).
    pub resolved: usize,
}

/// Checks the form whose `Form.xml` and `Form/Module.bsl` lie in `ext` (a form's `Ext` folder).
pub fn check(ext: &Path) -> Report {
    let src = dump::text(&ext.join("Form.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let module = dump::parse_bsl(&ext.join("Form/Module.bsl"));
    let handlers = module.definitions();
    let mut problems = Vec::new();
    let mut resolved = 0;
    let section = |name: &str| {
        doc.root_element()
            .children()
            .find(|n| n.is_element() && local(*n) == name)
    };
    let child_text = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.is_element() && local(*c) == name)
            .and_then(|c| c.text())
            .map(str::to_string)
    };

    // Item ids are unique across the item tree.
    let mut ids = BTreeSet::new();
    if let Some(items) = section("ChildItems") {
        for n in items.descendants().filter(|n| n.is_element()) {
            if let Some(id) = n.attribute("id") {
                if !ids.insert(id.to_string()) {
                    problems.push(format!("item id {id} twice"));
                }
            }
        }
    }
    // Attributes with their columns.
    let mut attributes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(attrs) = section("Attributes") {
        for a in attrs.children().filter(|n| n.is_element()) {
            let columns = a
                .descendants()
                .filter(|c| c.is_element() && local(*c) == "Column")
                .filter_map(|c| c.attribute("name"))
                .map(str::to_string)
                .collect();
            attributes.insert(a.attribute("name").unwrap().to_string(), columns);
        }
    }
    let commands: BTreeMap<String, String> = section("Commands")
        .map(|c| {
            c.children()
                .filter(|n| n.is_element())
                .map(|n| {
                    (
                        n.attribute("name").unwrap().to_string(),
                        child_text(n, "Action").unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let known = |name: &str| handlers.contains_key(&name.to_lowercase());
    for (name, action) in &commands {
        if known(action) {
            resolved += 1;
        } else {
            problems.push(format!(
                "command {name}: no procedure {action} in the form module"
            ));
        }
    }
    let mut used_commands = BTreeSet::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let text = n.text().unwrap_or_default();
        match local(n) {
            "CommandName" => match text.strip_prefix("Form.Command.") {
                Some(c) if commands.contains_key(c) => {
                    used_commands.insert(c.to_string());
                }
                _ => problems.push(format!("button for unknown command {text}")),
            },
            "DataPath" => {
                let mut parts = text.split('.');
                let head = parts.next().unwrap_or_default();
                match attributes.get(head) {
                    None => problems.push(format!("data path to unknown attribute {head}")),
                    Some(columns) => match parts.next() {
                        Some(col) if !columns.is_empty() && !columns.contains(col) => {
                            problems.push(format!("data path {text}: {head} has no column {col}"))
                        }
                        _ => resolved += 1,
                    },
                }
            }
            "Event" if known(text) => resolved += 1,
            "Event" => problems.push(format!(
                "event {}: handler {text} is not in the form module",
                n.attribute("name").unwrap_or_default()
            )),
            _ => {}
        }
    }
    for c in commands.keys() {
        if !used_commands.contains(c) {
            problems.push(format!("command {c} has no button"));
        }
    }

    // Handlers the module names in strings: notifications to this form
    // (exported, as the platform requires) and idle handlers.
    for (pattern, exported) in [
        ("Новый ОписаниеОповещения(\"", true),
        ("ПодключитьОбработчикОжидания(\"", false),
    ] {
        for (i, _) in module.source.match_indices(pattern) {
            let rest = &module.source[i + pattern.len()..];
            let name = &rest[..rest.find('"').unwrap()];
            let after = rest[name.len() + 1..].trim_start();
            // A notification to another module (SDKWAКлиент) is that module's concern.
            if exported && !after.starts_with(", ЭтотОбъект") {
                continue;
            }
            let arity = if exported {
                notification_arity(&module.source[..i])
            } else {
                None
            };
            match handlers.get(&name.to_lowercase()) {
                None => problems.push(format!("handler {name}: no procedure in the form module")),
                Some(d) if exported && !d.exported => {
                    problems.push(format!("notification handler {name} is not Экспорт"))
                }
                Some(d) if arity.as_ref().is_some_and(|(_, n)| *n != d.total) => {
                    let (callee, n) = arity.unwrap();
                    problems.push(format!(
                        "notification handler {name} takes {} parameters, {callee} passes {n}",
                        d.total
                    ))
                }
                Some(_) => resolved += 1,
            }
        }
    }
    Report {
        problems,
        commands: commands.len(),
        resolved,
    }
}

/// The call a notification created in place is passed to as its first
/// argument (`Callee(Новый ОписаниеОповещения(…` ending `before`), and how
/// many parameters that call passes to the handler; `None` when it is not
/// one of the asynchronous calls the forms use.
fn notification_arity(before: &str) -> Option<(String, usize)> {
    let callee: String = before
        .trim_end()
        .strip_suffix('(')?
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n = if callee.starts_with("НачатьВызов") {
        3 // Результат, ПараметрыВызова, ДополнительныеПараметры
    } else if callee.starts_with("НачатьУстановку") {
        1 // ДополнительныеПараметры
    } else if callee.starts_with("НачатьПолучение") && callee != "НачатьПолучениеФайлаССервера"
    {
        2 // Значение, ДополнительныеПараметры
    } else {
        match callee.as_str() {
            "НачатьПомещениеФайла" => 4, // Результат, Адрес, ВыбранноеИмяФайла, ДополнительныеПараметры
            "НачатьСозданиеКлиента" | "ПоказатьВыборЭлемента" => {
                2
            }
            _ => return None,
        }
    };
    Some((callee, n))
}
