//! docs/cli.md stays true to the binary: both halves' tables of exit codes
//! list exactly the codes `sdkwa --help` lists, in its order, and every
//! command is documented in both languages.

use std::process::Command;

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md");
    std::fs::read_to_string(path).expect("docs/cli.md")
}

fn help() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sdkwa"))
        .arg("--help")
        .env_clear()
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_exit_codes_are_documented_in_both_languages() {
    let doc = doc();
    let (en, ru) = doc
        .split_once("## Русский")
        .expect("an English and a Russian half");
    let help = help();
    let table = help
        .split_once("Exit codes:")
        .expect("--help lists the exit codes")
        .1;
    let codes: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| c.chars().all(|ch| ch.is_ascii_digit()))
        .collect();
    assert!(codes.len() >= 16, "{codes:?}");
    for (half, text) in [("English", en), ("Russian", ru)] {
        // The table's rows, `| N | …`: the same codes as --help, no more, no fewer.
        let documented: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("| ")?.split_once(" |"))
            .map(|(c, _)| c)
            .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()))
            .collect();
        assert_eq!(
            documented, codes,
            "the {half} table of exit codes differs from --help"
        );
    }
}

#[test]
fn every_command_is_documented_in_both_languages() {
    let doc = doc();
    let (en, ru) = doc.split_once("## Русский").unwrap();
    let help = help();
    let commands = help
        .split_once("Commands:")
        .unwrap()
        .1
        .split_once("Options:")
        .unwrap()
        .0;
    for cmd in commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
    {
        for (half, text) in [("English", en), ("Russian", ru)] {
            assert!(
                text.contains(&format!("| `{cmd}")),
                "{cmd} missing from the {half} command table"
            );
            assert!(
                text.contains(&format!("`sdkwa {cmd}")),
                "{cmd} has no example in the {half} half"
            );
        }
    }
}
