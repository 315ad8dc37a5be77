//! The C++ 1C host emulator (`tests/host/emulator.cpp`): built once per
//! test run against 1C's own headers (shipped in the addin1c-test crate),
//! driven by TAB-separated scripts.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
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

/// Whether the emulator is the 32-bit one: `SDKWA_HOST_M32=1` (set with
/// `SDKWA_ADDIN_LIB` pointing at an i686 add-in) builds it with `g++ -m32`.
pub fn m32() -> bool {
    std::env::var("SDKWA_HOST_M32").is_ok_and(|v| v == "1")
}

/// The emulator binary of the flavour `m32()` selects, compiled on first use.
pub fn emulator() -> &'static PathBuf {
    emulator_of(m32())
}

/// The 64-bit (`false`) or 32-bit (`true`, `g++ -m32`) emulator, compiled on first use.
pub fn emulator_of(m32: bool) -> &'static PathBuf {
    static EMU: [OnceLock<PathBuf>; 2] = [OnceLock::new(), OnceLock::new()];
    EMU[usize::from(m32)].get_or_init(|| {
        let name = if m32 {
            "sdkwa-1c-host-emulator-m32"
        } else {
            "sdkwa-1c-host-emulator"
        };
        compile(
            name,
            if m32 {
                &["-m32", "-g", "-O1"]
            } else {
                &["-g", "-O1"]
            },
        )
    })
}

/// The 64-bit emulator optimised as 1C's own host is (`-O2`, no debug
/// information), for the benchmarks; compiled on first use.
pub fn emulator_optimised() -> &'static PathBuf {
    static EMU: OnceLock<PathBuf> = OnceLock::new();
    EMU.get_or_init(|| compile("sdkwa-1c-host-emulator-o2", &["-O2"]))
}

/// Compiles the emulator into the target's temporary directory as `name`.
fn compile(name: &str, flags: &[&str]) -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let status = Command::new(std::env::var("CXX").unwrap_or_else(|_| "g++".into()))
        .args(flags)
        .args(["-std=c++17", "-Wall", "-Werror", "-o"])
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
        "the host emulator compiles against 1C's headers{}",
        if flags.contains(&"-m32") {
            " with -m32 (needs g++-multilib: scripts/test-all.sh installs it)"
        } else {
            ""
        }
    );
    exe
}

/// One output line of the emulator, split at TABs.
pub type Line = Vec<String>;

/// Runs `script` in the emulator (optionally under a wrapper such as valgrind)
/// and returns its output lines plus stderr.
pub fn run_with(wrapper: &[&str], script: &str) -> (Vec<Line>, String) {
    run_on(emulator(), wrapper, script)
}

/// Runs `script` in the given emulator binary (see `emulator_of`).
pub fn run_on(exe: &Path, wrapper: &[&str], script: &str) -> (Vec<Line>, String) {
    let mut cmd = if wrapper.is_empty() {
        Command::new(exe)
    } else {
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..]).arg(exe);
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
    results(run_with(&[], script).0)
}

/// Only the result lines (`R …`) of an emulator's output.
pub fn results(lines: Vec<Line>) -> Vec<Line> {
    lines.into_iter().filter(|l| l[0] == "R").collect()
}

/// A script that loads the add-in, creates one object and points it at the sandbox.
pub fn prelude(sb: &sdkwa_sandbox::Sandbox) -> String {
    format!(
        "load\t{}\nnew\nset\tIdInstance\ts:{}\nset\tApiToken\ts:{}\nset\tАдресAPI\ts:{}\nset\tТаймаут\ti:5\n",
        super::cdylib_path().display(),
        sdkwa_sandbox::DEFAULT_ID,
        sdkwa_sandbox::DEFAULT_TOKEN,
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

/// Why valgrind cannot run the 32-bit emulator here, if it cannot: 32-bit
/// memcheck needs the i386 C library's debug symbols (`libc6-dbg:i386`),
/// which only the i386 package architecture provides.
pub fn valgrind_cannot_run_m32() -> Option<String> {
    let out = Command::new("valgrind")
        .args(["--tool=memcheck", "-q"])
        .arg(emulator_of(true))
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    (!out.status.success() && stderr.contains("Fatal error at startup")).then(|| {
        let first = stderr
            .lines()
            .find(|l| l.contains("Fatal error at startup"))
            .unwrap_or_default()
            .trim_start_matches("valgrind:")
            .trim();
        format!("valgrind says \"{first}\": it needs the i386 C library's debug symbols (libc6-dbg:i386), installable only with the i386 package architecture")
    })
}
