//! The XML of both 1C dumps (the sample and, where a test says so, the
//! extension) is written the way the 1C Designer (format 2.9, platform 8.3.16)
//! writes it: element order, properties and the fixed sets checked against
//! facts taken from real Designer dumps (see `tests/data/1c-order/README.md`).
//! No 1C platform runs here, so this comparison stands in for loading the dump.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::dump::{self, local};
use common::order;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("1c-sample")
}

/// Both dumps: the sample configuration and the configuration extension.
fn dumps() -> [PathBuf; 2] {
    [sample(), sample().with_file_name("1c-extension")]
}

fn doc_of(path: &Path) -> String {
    dump::text(path)
}

#[test]
fn every_element_has_the_platforms_children_in_the_platforms_order() {
    let findings = order::check(&sample());
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[test]
fn the_order_check_notices_a_swapped_or_missing_or_unknown_child() {
    // A check that cannot fail proves nothing: break a copy three ways.
    let dir = tempfile::tempdir().unwrap();
    let constant = "Constants/ТокенВебхукаSDKWA.xml";
    std::fs::create_dir_all(dir.path().join("Constants")).unwrap();
    let src = doc_of(&sample().join(constant));
    let broken = src
        .replacen("<Comment/>", "", 1)
        .replacen(
            "<PasswordMode>true</PasswordMode>",
            "<PasswordMode>true</PasswordMode><Zoomable>true</Zoomable>",
            1,
        )
        .replacen("<EditFormat/>", "", 1)
        .replacen("<Format/>", "<EditFormat/><Format/>", 1);
    std::fs::write(dir.path().join(constant), broken).unwrap();
    let findings = order::check(dir.path()).join("\n");
    assert!(findings.contains("lacks Comment"), "{findings}");
    assert!(findings.contains("Zoomable is not written"), "{findings}");
    assert!(findings.contains("Format after EditFormat"), "{findings}");
}

#[test]
fn configuration_declares_the_contained_objects_of_format_2_9() {
    let facts = order::facts();
    let expected: BTreeSet<&str> = facts["contained_classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for root in dumps() {
        let src = doc_of(&root.join("Configuration.xml"));
        let doc = roxmltree::Document::parse(&src).unwrap();
        assert_eq!(
            doc.root_element().attribute("version"),
            Some("2.9"),
            "{}",
            root.display()
        );
        let ours: Vec<&str> = doc
            .descendants()
            .filter(|n| n.is_element() && local(*n) == "ClassId")
            .map(|n| n.text().unwrap())
            .collect();
        assert_eq!(ours.len(), expected.len(), "{}: {ours:?}", root.display());
        assert_eq!(
            ours.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "{}",
            root.display()
        );
    }
}

#[test]
fn the_addin_template_is_of_type_addin() {
    // The packaging script writes the add-in zip as the template's Ext/Template.bin,
    // the file name the platform uses for an AddIn template as for BinaryData.
    for root in dumps() {
        let src = doc_of(&root.join("CommonTemplates/SDKWAКомпонента.xml"));
        let doc = roxmltree::Document::parse(&src).unwrap();
        let t = doc
            .descendants()
            .find(|n| n.is_element() && local(*n) == "TemplateType")
            .and_then(|n| n.text());
        assert_eq!(t, Some("AddIn"), "{}", root.display());
    }
}

#[test]
fn a_default_role_grants_every_right_on_every_object() {
    let root = sample();
    let facts = order::facts();
    let src = doc_of(&root.join("Configuration.xml"));
    let doc = roxmltree::Document::parse(&src).unwrap();
    let defaults: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "DefaultRoles")
        .flat_map(|n| n.children().filter(|c| c.is_element()))
        .map(|n| n.text().unwrap().strip_prefix("Role.").unwrap())
        .collect();
    assert_eq!(defaults.len(), 1, "{defaults:?}");
    let name = defaults[0];
    assert!(
        dump::configuration_objects(&root).contains(&("Role".to_string(), name.to_string())),
        "the default role {name} is not in Configuration.xml"
    );
    let rights = doc_of(&root.join(format!("Roles/{name}/Ext/Rights.xml")));
    let rights = roxmltree::Document::parse(&rights).unwrap();
    let granted: BTreeSet<(String, String)> = rights
        .descendants()
        .filter(|n| n.is_element() && local(*n) == "object")
        .flat_map(|o| {
            let obj = o
                .children()
                .find(|c| local(*c) == "name")
                .unwrap()
                .text()
                .unwrap()
                .to_string();
            o.children()
                .filter(|c| c.is_element() && local(*c) == "right")
                .filter(|r| {
                    r.children()
                        .any(|v| local(v) == "value" && v.text() == Some("true"))
                })
                .map(move |r| {
                    let right = r
                        .children()
                        .find(|c| local(*c) == "name")
                        .unwrap()
                        .text()
                        .unwrap();
                    (obj.clone(), right.to_string())
                })
        })
        .collect();
    let config_name = dump::name_of(doc.root_element()).unwrap();
    let mut objects = vec![("Configuration".to_string(), config_name.to_string())];
    objects.extend(dump::configuration_objects(&root));
    let mut missing = Vec::new();
    for (kind, obj) in objects {
        let Some(names) = facts["rights"][&kind].as_array() else {
            continue; // Kinds without rights: common modules, templates, HTTP services, roles, languages.
        };
        for r in names.iter().map(|v| v.as_str().unwrap()) {
            if !granted.contains(&(format!("{kind}.{obj}"), r.to_string())) {
                missing.push(format!("{kind}.{obj}: {r}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the role lacks:\n{}",
        missing.join("\n")
    );
}
