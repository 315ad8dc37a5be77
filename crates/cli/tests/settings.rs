//! Settings from a file, the environment and flags; the language of errors;
//! `--help` of every command with an example and without the tokens.

mod common;

use common::*;
use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

/// `sdkwa` with nothing configured but the language.
fn bare() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sdkwa"));
    c.env_clear().env("LANG", "en_US.UTF-8");
    c
}

#[test]
fn a_json_or_toml_file_configures_and_flags_and_variables_win() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let json = file(
        dir.path(),
        "sdkwa.json",
        format!(r#"{{"idInstance":"{DEFAULT_ID}","apiToken":"{DEFAULT_TOKEN}","apiUrl":"{}","timeoutSeconds":5}}"#, sb.url()).as_bytes(),
    );
    let toml = file(
        dir.path(),
        "sdkwa.toml",
        format!(
            "idInstance = \"{DEFAULT_ID}\"\napiToken = \"{DEFAULT_TOKEN}\"\napiUrl = \"{}\"\n",
            sb.url()
        )
        .as_bytes(),
    );
    for f in [&json, &toml] {
        let out = expect(bare(), &["--config", f, "state"], 0);
        assert!(out.contains("authorized"), "{f}: {out}");
        let mut c = bare();
        c.env("SDKWA_CONFIG", f);
        expect(c, &["state"], 0);
        // A variable beats the file, a flag beats both.
        let mut c = bare();
        c.env("SDKWA_API_TOKEN", BAD_TOKEN);
        expect(c, &["state", "--config", f], 3);
        let mut c = bare();
        c.env("SDKWA_API_TOKEN", BAD_TOKEN);
        expect(
            c,
            &["state", "--config", f, "--api-token", DEFAULT_TOKEN],
            0,
        );
    }
    // A broken file names itself and never shows its token line.
    let broken = file(
        dir.path(),
        "broken.toml",
        format!("apiToken = \"{DEFAULT_TOKEN}\nidInstance = 1\n").as_bytes(),
    );
    let out = run(bare(), &["--config", &broken, "state"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.toml"));
    let typo = file(dir.path(), "typo.json", br#"{"idInstanse":"1"}"#);
    let out = run(bare(), &["--config", &typo, "state"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("idInstanse"));
    expect(
        bare(),
        &[
            "--config",
            &dir.path().join("none.json").to_string_lossy(),
            "state",
        ],
        12,
    );
}

#[test]
fn errors_speak_the_users_language() {
    let sb = sandbox();
    let mut c = good(&sb);
    c.env("LANG", "ru_RU.UTF-8");
    let ru = String::from_utf8(run(c, &["send", "abc", "x"]).stderr).unwrap();
    assert!(ru.contains("Неверный параметр «chatId»"), "{ru}");
    let mut c = good(&sb);
    c.env("LANG", "ru_RU.UTF-8").env("LC_ALL", "en_US.UTF-8");
    let en = String::from_utf8(run(c, &["send", "abc", "x"]).stderr).unwrap();
    assert!(
        en.contains("Invalid parameter 'chatId'"),
        "LC_ALL wins: {en}"
    );
    let ru =
        String::from_utf8(run(good(&sb), &["--lang", "ru", "send", "abc", "x"]).stderr).unwrap();
    assert!(ru.contains("«chatId»"), "--lang wins: {ru}");
}

/// clap's own usage errors (exit 2) are told in Russian to Russian users:
/// what is wrong, naming the argument, the suggestion, the usage line and
/// where the help is; no English sentence of clap's left.
#[test]
fn usage_errors_are_russian_for_russian_users() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path(), "m.jsonl", b"");
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["--lang", "ru", "sendd"],
            &[
                "неизвестная команда «sendd»",
                "возможно, имелось в виду",
                "«send»",
                "Справка: sdkwa --help",
            ],
        ),
        (
            &["receive", "--once", "--follow"],
            &[
                "«--once» нельзя указывать вместе с «--follow»",
                "Использование: sdkwa receive",
                "Справка: sdkwa receive --help",
            ],
        ),
        (
            &["send", "79001234567"],
            &["не указаны обязательные аргументы: «<TEXT>»"],
        ),
        (
            &["batch", &f, "--concurrency", "many"],
            &["недопустимое значение «many» для «--concurrency <N>»: ожидается целое"],
        ),
        (
            &["state", "--folow"],
            &["лишний или неизвестный аргумент «--folow»"],
        ),
        (
            &["download", "1", "2", "-o"],
            &["не указано значение для «--output <FILE>»"],
        ),
    ];
    for (args, expected) in cases {
        let mut c = bare();
        c.env("LANG", "ru_RU.UTF-8");
        let out = run(c, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("sdkwa: неверная командная строка: "),
            "{args:?}: {err}"
        );
        for e in expected {
            assert!(err.contains(e), "{args:?}: no {e:?} in:\n{err}");
        }
        for english in [
            "error:",
            "Usage:",
            "For more information",
            "tip:",
            "found",
            "the following",
        ] {
            assert!(
                !err.contains(english),
                "{args:?}: English left ({english}):\n{err}"
            );
        }
    }
    // English users get clap's own text, unchanged.
    let out = run(bare(), &["receive", "--once", "--follow"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be used with"), "{err}");
    assert!(!err.contains("неверная"), "{err}");
}

#[test]
fn every_command_has_help_with_an_example_and_no_token() {
    for cmd in [
        "send",
        "send-file",
        "call",
        "state",
        "qr",
        "receive",
        "download",
        "instances",
        "batch",
    ] {
        let mut c = bare();
        c.env("SDKWA_API_TOKEN", DEFAULT_TOKEN)
            .env("SDKWA_USER_TOKEN", BAD_TOKEN)
            .env(
                "SDKWA_PROXY",
                "http://proxyuser:proxy-password-1234@127.0.0.1:1",
            );
        let out = run(c, &[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example"),
            "{cmd} --help has no example:\n{text}"
        );
        assert!(
            text.contains(&format!("sdkwa {cmd}")),
            "{cmd} --help: the example runs it:\n{text}"
        );
        assert!(
            !text.contains("proxy-password"),
            "{cmd} --help shows the proxy:\n{text}"
        );
    }
    let out = run(bare(), &["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Exit codes:") && text.contains("13 "),
        "{text}"
    );
    let out = run(bare(), &["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("sdkwa {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_token_on_the_command_line_is_not_echoed_by_usage_errors() {
    // A usage error after the token was typed: clap's message must not repeat it.
    let out = run(
        bare(),
        &["--api-token", DEFAULT_TOKEN, "state", DEFAULT_TOKEN],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(bare(), &[&format!("--api-token={BAD_TOKEN}"), "stat"]);
    assert_eq!(out.status.code(), Some(2));
}
