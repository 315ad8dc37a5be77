//! The build guide (docs/building.md, where the README sends a newcomer)
//! names everything the README's two commands install, in both halves: a
//! package added to a script without a word there fails here; and the README
//! stays a front door.

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
    let guide = read("docs/building.md");
    let (en, ru) = guide
        .split_once("# Русская версия")
        .expect("docs/building.md has a Russian half");
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
        assert!(
            en.contains(&quoted),
            "docs/building.md (English) names {quoted}"
        );
        assert!(
            ru.contains(&quoted),
            "docs/building.md (Russian) names {quoted}"
        );
    }
    for half in [en, ru] {
        assert!(half.contains("root"), "running as root is said");
        assert!(half.contains("`rust-version`"), "the Rust version is said");
    }
}

#[test]
fn the_readme_is_a_front_door_that_sends_newcomers_to_the_guide() {
    let readme = read("README.md");
    // About 15 KB: what it is, the two commands, a 1C and a C example, links.
    assert!(readme.len() <= 16_000, "README is {} bytes", readme.len());
    let (en, ru) = readme
        .split_once("# Русская версия")
        .expect("the README has a Russian half");
    for half in [en, ru] {
        assert!(half.contains("scripts/demo.sh") && half.contains("scripts/test-all.sh"));
        assert!(
            half.contains("docs/building.md"),
            "the prerequisites are linked"
        );
        assert!(half.contains("root") && half.contains("`rust-version`"));
    }
    // Every document the README links to exists.
    for link in readme.split("](").skip(1) {
        let target = link.split([')', '#']).next().unwrap();
        if target.starts_with("http") || target.is_empty() {
            continue;
        }
        assert!(
            Path::new(ROOT).join(target).exists(),
            "README links to {target}, which does not exist"
        );
    }
}
