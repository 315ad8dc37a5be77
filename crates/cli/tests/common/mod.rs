//! Shared by the `sdkwa` tests: a sandbox on 127.0.0.1, the built binary run
//! against it with a clean environment, and the check that no token leaks.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use sdkwa_sandbox::{
    Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN, DEFAULT_USER_ID, DEFAULT_USER_TOKEN,
};

#[allow(unused_imports)] // settings.rs names the instance itself
pub use sdkwa_sandbox::DEFAULT_ID as ID;

/// A token the sandbox does not know; it must never be printed either.
pub const BAD_TOKEN: &str = "wrong-token-9f8e7d6c5b4a3210";

/// Every secret any test configures.
pub const SECRETS: [&str; 3] = [DEFAULT_TOKEN, DEFAULT_USER_TOKEN, BAD_TOKEN];

/// A sandbox whose instance is already linked, echo bot off, short waits.
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        authorized: true,
        echo: false,
        receive_wait: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .expect("sandbox starts on 127.0.0.1")
}

/// An address where nothing listens (a port just released).
pub fn closed_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// `sdkwa` with only the given settings: no variable of the test's own
/// environment leaks in; English messages unless a test says otherwise.
pub fn sdkwa(url: &str, token: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sdkwa"));
    c.env_clear()
        .env("LANG", "en_US.UTF-8")
        .env("SDKWA_API_URL", url)
        .env("SDKWA_ID_INSTANCE", DEFAULT_ID)
        .env("SDKWA_API_TOKEN", token)
        .env("SDKWA_TIMEOUT", "5")
        .stdin(Stdio::null());
    c
}

/// `sdkwa` for the sandbox's instance with the right token.
pub fn good(sb: &Sandbox) -> Command {
    sdkwa(&sb.url(), DEFAULT_TOKEN)
}

/// `sdkwa` for the sandbox's instance with a wrong token.
pub fn bad_token(sb: &Sandbox) -> Command {
    sdkwa(&sb.url(), BAD_TOKEN)
}

/// `sdkwa` for a service that is down.
pub fn down() -> Command {
    sdkwa(&closed_url(), DEFAULT_TOKEN)
}

/// Adds the account's credentials (for `instances`).
pub fn with_account(mut c: Command, token: &str) -> Command {
    c.env("SDKWA_USER_ID", DEFAULT_USER_ID)
        .env("SDKWA_USER_TOKEN", token);
    c
}

/// Runs `c` with `args`, checks that no secret appears in what it printed,
/// and returns the output.
pub fn run(mut c: Command, args: &[&str]) -> Output {
    let out = c.args(args).output().expect("sdkwa runs");
    no_secret(&out, args);
    out
}

/// Runs and expects exit code `code`; returns stdout.
pub fn expect(c: Command, args: &[&str], code: i32) -> String {
    let out = run(c, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "sdkwa {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if code != 0 {
        assert!(
            out.stderr.starts_with(b"sdkwa"),
            "sdkwa {args:?}: a failure explains itself on stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// No secret, nor any 8 characters of its random tail, in stdout or stderr.
/// (Only the tail: the sandbox's tokens begin with words like `sandbox-user-token`
/// that the help rightly prints, as in `x-user-token`.)
pub fn no_secret(out: &Output, what: &[&str]) {
    for stream in [&out.stdout, &out.stderr] {
        no_secret_in(&String::from_utf8_lossy(stream), what);
    }
}

/// The same check on text a test collected itself (a child it read line by
/// line, then stopped).
pub fn no_secret_in(text: &str, what: &[&str]) {
    for s in SECRETS {
        assert!(!text.contains(s), "sdkwa {what:?} printed a token:\n{text}");
        let tail: Vec<char> = s.rsplit('-').next().unwrap().chars().collect();
        for w in tail.windows(8) {
            let piece: String = w.iter().collect();
            assert!(
                !text.contains(&piece),
                "sdkwa {what:?} printed a piece of a token ({piece}):\n{text}"
            );
        }
    }
}

/// The stdout lines as JSON values.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A file in `dir` with `content`.
pub fn file(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}
