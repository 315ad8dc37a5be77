//! The README's prerequisites name everything the two commands install, in
//! both halves: a package added to a script without a word in the README
//! fails here.

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The packages a script installs: `need+=(…)`/`missing+=(…)` lists,
/// literal names after `apt-get install`, and what pip, cargo install and
/// rustup add.
fn installed_by(script: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in script.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        for marker in ["need+=(", "missing+=("] {
            if let Some(rest) = line.split(marker).nth(1) {
                let list = rest.split(')').next().unwrap_or("");
                names.extend(list.split_whitespace().map(str::to_string));
            }
        }
        for marker in [
            "apt-get install",
            "pip install",
            "cargo install",
            "rustup component add",
        ] {
            if let Some(rest) = line.split(marker).nth(1) {
                let rest = rest.split(['>', '|', ';']).next().unwrap_or("");
                names.extend(
                    rest.split_whitespace()
                        .filter(|w| !w.starts_with('-') && !w.starts_with('"'))
                        .map(str::to_string),
                );
            }
        }
    }
    names
}

#[test]
fn prerequisites_name_what_the_two_commands_install() {
    let readme = read("README.md");
    let (en, ru) = readme
        .split_once("# Русская версия")
        .expect("the README has a Russian half");
    // scripts/test-all.sh runs package.sh, fuzz.sh and tsan.sh; demo.sh installs nothing.
    let mut names = Vec::new();
    for s in [
        "scripts/demo.sh",
        "scripts/test-all.sh",
        "scripts/package.sh",
        "scripts/fuzz.sh",
        "scripts/tsan.sh",
    ] {
        names.extend(installed_by(&read(s)));
    }
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let quoted = format!("`{name}`");
        assert!(en.contains(&quoted), "README (English) names {quoted}");
        assert!(ru.contains(&quoted), "README (Russian) names {quoted}");
    }
    for half in [en, ru] {
        assert!(half.contains("root"), "running as root is said");
        assert!(half.contains("`rust-version`"), "the Rust version is said");
    }
}
