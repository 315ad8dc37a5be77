//! The rules of the house that the compiler does not check by itself, read
//! from the sources: the layers (the core sees no host; the C ABI and the
//! add-in never see each other), no import cycle between the modules of one
//! folder, and `unsafe` only where it is allowed — everywhere else forbidden
//! by an attribute, so that the compiler holds the line from then on.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository's root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.rs` files right in `dir` (not below).
fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    v.sort();
    v
}

/// A file's code without its comment lines (doc links are not imports).
fn code(p: &Path) -> String {
    fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// `a` → the sibling modules it names (`super::b`, or `crate::<path>::b`).
fn imports(dir: &str, crate_path: Option<&str>) -> BTreeMap<String, BTreeSet<String>> {
    let fs = files(dir);
    let names: BTreeSet<String> = fs
        .iter()
        .map(|p| stem(p))
        .filter(|s| !["mod", "lib", "main"].contains(&s.as_str()))
        .collect();
    let mut g = BTreeMap::new();
    for p in &fs {
        let me = stem(p);
        if !names.contains(&me) {
            continue;
        }
        let text = code(p);
        let mut uses = BTreeSet::new();
        for other in names.iter().filter(|n| **n != me) {
            let mut needles = vec![format!("super::{other}::"), format!("super::{other}}}")];
            needles.push(format!("super::{other},"));
            needles.push(format!("super::{other};"));
            needles.push(format!("super::{{{other}"));
            if let Some(c) = crate_path {
                needles.push(format!("{c}::{other}::"));
            }
            if needles.iter().any(|n| text.contains(n.as_str())) {
                uses.insert(other.clone());
            }
        }
        g.insert(me, uses);
    }
    g
}

/// A cycle in the graph, if any (as the path that closes it).
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(n, g, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_a_folder_import_each_other_in_one_direction_only() {
    for (dir, crate_path) in [
        ("src/addin", Some("crate::addin")),
        ("src/ffi", Some("crate::ffi")),
        ("src/api", Some("crate::api")),
        ("src/api/methods", Some("crate::api::methods")),
        ("crates/sandbox/src", None),
        ("crates/cli/src", None),
        ("crates/cli/src/cmd", None),
    ] {
        let g = imports(dir, crate_path);
        assert!(g.len() > 2, "{dir}: read {} modules", g.len());
        if let Some(c) = cycle(&g) {
            panic!("{dir}: an import cycle: {}", c.join(" → "));
        }
    }
    // The check sees a cycle when there is one.
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert!(cycle(&g).is_some());
}

#[test]
fn the_core_sees_no_host_and_the_two_faces_never_see_each_other() {
    let rules = [
        ("src/api", &["crate::ffi", "crate::addin"][..]),
        ("src/api/methods", &["crate::ffi", "crate::addin"][..]),
        ("src/ffi", &["crate::addin"][..]),
        ("src/addin", &["crate::ffi"][..]),
    ];
    for (dir, banned) in rules {
        for p in files(dir) {
            let text = code(&p);
            for b in banned {
                assert!(!text.contains(b), "{} uses {b}", p.display());
            }
        }
    }
}

#[test]
fn unsafe_lives_only_in_the_ffi_the_add_in_and_the_loader_pin() {
    const FORBID: &str = "#![forbid(unsafe_code)]";
    let allowed = |p: &Path| {
        let rel = p
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        rel.starts_with("src/ffi/") || rel.starts_with("src/addin/") || rel == "src/pin.rs"
    };
    let mut with_unsafe = 0;
    for dir in ["src", "src/addin", "src/ffi"] {
        for p in files(dir) {
            let text = code(&p);
            if text.contains("unsafe ") && !text.contains(FORBID) {
                assert!(allowed(&p), "{} uses unsafe", p.display());
                with_unsafe += 1;
            } else if dir != "src" && stem(&p) != "mod" {
                // A safe module of a layer that allows unsafe says so.
                assert!(
                    text.contains(FORBID),
                    "{} has no unsafe: forbid it",
                    p.display()
                );
            }
        }
    }
    assert!(with_unsafe >= 5, "the FFI files were read");
    // The core and every tool forbid it at their root.
    for p in [
        "src/api/mod.rs",
        "crates/sandbox/src/lib.rs",
        "crates/cli/src/main.rs",
        "crates/demo/src/main.rs",
    ] {
        assert!(code(&root().join(p)).contains(FORBID), "{p}");
    }
}
