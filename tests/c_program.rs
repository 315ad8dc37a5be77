//! A C program compiled against the committed header and linked to the
//! cdylib sends and receives through the sandbox.

mod common;

use std::process::Command;

#[test]
fn c_program_sends_and_receives() {
    let sb = common::sandbox();
    sb.set_echo(sdkwa_sandbox::DEFAULT_ID, true);
    let lib = common::cdylib_path();
    let lib_dir = lib.parent().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().unwrap();
    let exe = out.path().join("smoke");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(format!("{root}/tests/c/smoke.c"))
        .arg(format!("-I{root}/include"))
        .arg(format!("-L{}", lib_dir.display()))
        .arg("-lsdkwa1c")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(
        status.success(),
        "the C program compiles against include/sdkwa1c.h"
    );
    let file = out.path().join("invoice.pdf");
    std::fs::write(&file, b"%PDF-1.4 test").unwrap();
    sb.add_instance("1101000078", "telegram-token-c-program-01", false);
    let run = Command::new(&exe)
        .arg(sb.url())
        .arg(sdkwa_sandbox::DEFAULT_TOKEN)
        .arg(&file)
        .arg(sdkwa_sandbox::DEFAULT_USER_ID)
        .arg(sdkwa_sandbox::DEFAULT_USER_TOKEN)
        .args(["1101000078", "telegram-token-c-program-01"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(
        stdout.contains("Echo: Hello from C") || stdout.contains("received #"),
        "{stdout}"
    );
}
