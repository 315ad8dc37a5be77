//! The C++ 1C host emulator (`tests/host/emulator.cpp`): built once per
//! test run against 1C's own headers (shipped in the addin1c-test crate),
//! driven by TAB-separated scripts.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The directory with 1C's headers (from the addin1c-test crate).
pub fn headers_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "addin1c-test")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("addin1c-test is a dev-dependency");
    PathBuf::from(manifest).parent().unwrap().join("include")
}

/// The emulator binary, compiled on first use.
pub fn emulator() -> &'static PathBuf {
    static EMU: OnceLock<PathBuf> = OnceLock::new();
    EMU.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let exe = dir.join("sdkwa-1c-host-emulator");
        let status = Command::new(std::env::var("CXX").unwrap_or_else(|_| "g++".into()))
            .args(["-std=c++17", "-g", "-O1", "-Wall", "-Werror", "-o"])
            .arg(&exe)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/host/emulator.cpp"
            ))
            .arg(format!("-I{}", headers_dir().display()))
            .args(["-ldl", "-pthread"])
            .status()
            .expect("g++ is installed");
        assert!(
            status.success(),
            "the host emulator compiles against 1C's headers"
        );
        exe
    })
}

/// One output line of the emulator, split at TABs.
pub type Line = Vec<String>;

/// Runs `script` in the emulator (optionally under a wrapper such as valgrind)
/// and returns its output lines plus stderr.
pub fn run_with(wrapper: &[&str], script: &str) -> (Vec<Line>, String) {
    let mut cmd = if wrapper.is_empty() {
        Command::new(emulator())
    } else {
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..]).arg(emulator());
        c
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("emulator starts");
    // Written from another thread: a long script and a long output would
    // otherwise fill both pipes and wait on each other.
    let mut stdin = child.stdin.take().unwrap();
    let script = script.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(script.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "emulator exited with {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    (
        stdout
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect(),
        stderr,
    )
}

/// Runs `script` and returns only the result lines (`R …`).
pub fn run(script: &str) -> Vec<Line> {
    run_with(&[], script)
        .0
        .into_iter()
        .filter(|l| l[0] == "R")
        .collect()
}

/// A script that loads the add-in, creates one object and points it at the sandbox.
pub fn prelude(sb: &sdkwa1c::sandbox::Sandbox) -> String {
    format!(
        "load\t{}\nnew\nset\tIdInstance\ts:{}\nset\tApiToken\ts:{}\nset\tАдресAPI\ts:{}\nset\tТаймаут\ti:5\n",
        super::cdylib_path().display(),
        sdkwa1c::sandbox::DEFAULT_ID,
        sdkwa1c::sandbox::DEFAULT_TOKEN,
        sb.url()
    )
}

/// The number of result lines the prelude prints.
pub const PRELUDE_LINES: usize = 6;

/// The JSON in an `ok s:…` result.
pub fn json(line: &Line) -> serde_json::Value {
    assert_eq!(line[1], "ok", "{line:?}");
    let s = line[2]
        .strip_prefix("s:")
        .unwrap_or_else(|| panic!("not a string: {line:?}"));
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}
