//! Every C and Rust example in the README and `docs/` is a file under
//! `examples/`, shown verbatim, and each file runs against the sandbox: the
//! examples cannot drift from the code or from what the docs show.

mod common;

use std::path::Path;
use std::process::Command;

use sdkwa_sandbox::{Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN};

#[allow(dead_code)] // its `main` is not called here; `run` is
#[path = "../examples/send_and_receive.rs"]
mod rust_example;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The bodies of the fenced blocks of language `lang` in a Markdown text.
fn code_blocks(md: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{lang}") => current = Some(String::new()),
            Some(body) if line.trim_end() == "```" => {
                blocks.push(std::mem::take(body));
                current = None;
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// README.md and every Markdown file in docs/.
fn documents() -> Vec<(String, String)> {
    let mut docs = vec![("README.md".to_string(), read("README.md"))];
    let mut names: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    for n in names {
        let text = read(&format!("docs/{n}"));
        docs.push((format!("docs/{n}"), text));
    }
    docs
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_c_and_rust_block_in_the_docs_is_an_example_file() {
    let files = [
        ("c", read("examples/c/send_and_receive.c")),
        ("rust", read("examples/send_and_receive.rs")),
    ];
    let mut shown = [0, 0];
    for (name, text) in documents() {
        for (i, (lang, file)) in files.iter().enumerate() {
            for block in code_blocks(&text, lang) {
                assert!(
                    block == *file,
                    "{name}: a ```{lang} block differs from its file under examples/ (paste the file)"
                );
                shown[i] += 1;
            }
        }
    }
    assert!(shown[0] >= 1, "the C example is shown somewhere");
    assert!(shown[1] >= 1, "the Rust example is shown somewhere");
    let readme = read("README.md");
    assert_eq!(
        code_blocks(&readme, "c").len(),
        1,
        "the README shows the C example"
    );
}

fn linked_sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        authorized: true,
        echo: true,
        ..SandboxConfig::default()
    })
    .expect("sandbox starts on 127.0.0.1")
}

#[test]
fn the_c_example_compiles_and_runs_against_the_sandbox() {
    let sb = linked_sandbox();
    let lib = common::cdylib_path();
    let lib_dir = lib.parent().unwrap();
    let out = tempfile::tempdir().unwrap();
    let exe = out.path().join("send_and_receive");
    // The build line docs/c-and-rust.md gives, as written (the library
    // directory and the output path substituted).
    let doc = read("docs/c-and-rust.md");
    let start = doc
        .find("cc -std=c99")
        .expect("docs/c-and-rust.md shows the build line");
    let line = doc[start..]
        .split_once("-o send_and_receive")
        .expect("the build line names its output")
        .0
        .replace("\\\n", " ")
        .replace("target/release", &lib_dir.display().to_string())
        .replace("$PWD/", "");
    let doc_exe = out.path().join("from-the-docs");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{line} -o '{}'", doc_exe.display()))
        .current_dir(ROOT)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the build line of docs/c-and-rust.md works: {line}"
    );
    let run = Command::new(&doc_exe).arg(sb.url()).output().unwrap();
    assert!(run.status.success(), "{run:?}");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    // Strictly: warnings are errors.
    let status = Command::new(&cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror"])
        .arg(format!("-I{ROOT}/include"))
        .arg(format!("{ROOT}/examples/c/send_and_receive.c"))
        .arg(format!("-L{}", lib_dir.display()))
        .arg("-lsdkwa1c")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "examples/c/send_and_receive.c compiles");
    for by_env in [false, true] {
        let mut cmd = Command::new(&exe);
        cmd.env_remove("SDKWA_ID_INSTANCE")
            .env_remove("SDKWA_API_TOKEN");
        if by_env {
            cmd.env("SDKWA_API_URL", sb.url());
        } else {
            cmd.env_remove("SDKWA_API_URL").arg(sb.url());
        }
        let run = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stdout.starts_with("sent: {\"idMessage\":"), "{stdout}");
        assert!(stdout.contains("Echo: Hello from C"), "{stdout}");
        assert!(stdout.contains("history: [{"), "{stdout}");
        assert!(stderr.is_empty(), "{stderr}");
    }
    assert!(
        sb.queue_len(DEFAULT_ID) == 0,
        "every notification was deleted"
    );
}

#[test]
fn the_rust_example_runs_against_the_sandbox() {
    let sb = linked_sandbox();
    rust_example::run(Some(sb.url()), DEFAULT_ID, DEFAULT_TOKEN).expect("the example succeeds");
    let sent = sb.messages(DEFAULT_ID);
    assert!(
        sent.iter()
            .any(|m| m["textMessage"] == "Hello from Rust" && m["chatId"] == "79001234567@c.us"),
        "{sent:?}"
    );
    assert!(
        sb.queue_len(DEFAULT_ID) == 0,
        "every notification was deleted"
    );
}
