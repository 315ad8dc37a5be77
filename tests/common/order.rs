//! Checks a Designer dump against facts taken from real 1C Designer dumps of
//! format 2.9 (`tests/data/1c-order/order.json`, made by `scripts/1c-order.py`,
//! sources in that folder's README): for every element, its children are
//! kinds the platform writes there, in the platform's order, and none the
//! platform always writes is missing.

use std::path::Path;

use serde_json::Value;

use super::dump::{self, local};

/// Children we write although no real 2.9 dump in the sources has them
/// there, each with the reason: (key, child).
pub const EXCEPTIONS: &[(&str, &str)] = &[];

/// The facts file.
pub fn facts() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/1c-order/order.json");
    serde_json::from_str(&dump::text(&path)).expect("order.json parses")
}

/// The key's TOP for a file (see `scripts/1c-order.py`, `file_kind`): the
/// object kind of a MetaDataObject file, with its owner's folder for a form
/// or template of an object; the root element otherwise.
pub fn file_kind(rel: &Path, root: roxmltree::Node) -> String {
    if local(root) != "MetaDataObject" {
        return local(root).to_string();
    }
    let object = root
        .first_element_child()
        .expect("MetaDataObject has an object");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    let n = parts.len();
    if n >= 4 && ["Forms", "Templates", "Commands"].contains(&parts[n - 2].as_str()) {
        format!("{}.{}", parts[n - 4], local(object))
    } else {
        local(object).to_string()
    }
}

/// Every finding for the dump at `root`, as "file: key: what".
pub fn check(root: &Path) -> Vec<String> {
    let facts = facts();
    let kinds = facts["kinds"].as_object().expect("kinds");
    let mut out = Vec::new();
    for path in dump::files(root, ".xml") {
        let rel = path.strip_prefix(root).unwrap();
        let src = dump::text(&path);
        let doc = roxmltree::Document::parse(&src).unwrap();
        let top = file_kind(rel, doc.root_element());
        for el in doc.descendants().filter(|n| n.is_element()) {
            let parent = el
                .parent_element()
                .map(|p| local(p).to_string())
                .unwrap_or_default();
            let key = format!("{top}:{parent}>{}", local(el));
            let kids: Vec<&str> = el
                .children()
                .filter(|c| c.is_element())
                .map(local)
                .collect();
            let Some(fact) = kinds.get(&key) else {
                if !kids.is_empty() {
                    out.push(format!(
                        "{}: {key}: no real dump has this element with children",
                        rel.display()
                    ));
                }
                continue;
            };
            let order: Vec<&str> = fact["order"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let free = |a: &str, b: &str| {
                fact["free"].as_array().is_some_and(|pairs| {
                    pairs.iter().any(|p| {
                        let (x, y) = (p[0].as_str().unwrap(), p[1].as_str().unwrap());
                        (x == a && y == b) || (x == b && y == a)
                    })
                })
            };
            let excepted = |c: &str| EXCEPTIONS.iter().any(|(k, x)| *k == key && *x == c);
            let mut known = Vec::new();
            for k in &kids {
                match order.iter().position(|o| o == k) {
                    Some(i) => known.push((*k, i)),
                    None if excepted(k) => {}
                    None => out.push(format!(
                        "{}: {key}: {k} is not written there by the platform",
                        rel.display()
                    )),
                }
            }
            for w in known.windows(2) {
                let ((a, ia), (b, ib)) = (w[0], w[1]);
                if ia > ib && !free(a, b) {
                    out.push(format!(
                        "{}: {key}: {b} after {a} (the platform writes {b} first)",
                        rel.display()
                    ));
                }
            }
            // An adopted object (an extension's own Configuration.xml too) writes
            // only the properties the extension changes.
            let adopted = el.children().any(|c| {
                c.is_element() && local(c) == "ObjectBelonging" && c.text() == Some("Adopted")
            });
            if let (Some(req), false) = (fact["required"].as_array(), adopted) {
                for r in req.iter().map(|v| v.as_str().unwrap()) {
                    if !kids.contains(&r) {
                        out.push(format!(
                            "{}: {key}: lacks {r}, which the platform always writes",
                            rel.display()
                        ));
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
