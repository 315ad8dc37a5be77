//! The official Python client (PyPI `sdkwa-whatsapp-api-client`) runs
//! against the sandbox: the sandbox speaks the protocol real clients speak.
//! `.ci/run` installs the package; without it this test fails and says so.

mod common;

use std::process::Command;

#[test]
fn official_python_client_works_against_the_sandbox() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python).args(["-c", "import sdkwa"]).output();
    let installed = probe.as_ref().map(|o| o.status.success()).unwrap_or(false);
    assert!(
        installed,
        "the official client is not installed for {python}: run `{python} -m pip install sdkwa-whatsapp-api-client` (.ci/run does)"
    );
    let sb = common::sandbox();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/official_client.py"
    );
    let out = Command::new(&python)
        .arg(script)
        .arg(sb.url())
        .arg(sdkwa_sandbox::DEFAULT_ID)
        .arg(sdkwa_sandbox::DEFAULT_TOKEN)
        .arg(sdkwa_sandbox::DEFAULT_USER_ID)
        .arg(sdkwa_sandbox::DEFAULT_USER_TOKEN)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    // The official client really talked to the sandbox.
    assert!(sb.requests().iter().any(|r| r["userAgent"]
        .as_str()
        .unwrap_or("")
        .starts_with("sdkwa-python")));
}
