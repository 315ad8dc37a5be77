//! Shared by the integration tests: a sandbox on 127.0.0.1 and clients for it.
#![allow(dead_code)]

pub mod dump;
pub mod echo;
pub mod form;
pub mod host;
pub mod order;
pub mod rng;
pub mod webhook;

use std::time::Duration;

use sdkwa1c::{Client, Config};
use sdkwa_sandbox::{Sandbox, SandboxConfig};

/// A sandbox whose instance is already linked, echo bot off, short waits.
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        authorized: true,
        echo: false,
        receive_wait: Duration::from_secs(1),
        ..SandboxConfig::default()
    })
    .expect("sandbox starts on 127.0.0.1")
}

/// A configuration for the sandbox's default instance with test-friendly timeouts.
pub fn config(sb: &Sandbox) -> Config {
    let mut c = sb.client_config();
    c.timeout = Duration::from_secs(5);
    c.connect_timeout = Duration::from_secs(2);
    c
}

/// A client for the sandbox's default instance.
pub fn client(sb: &Sandbox) -> Client {
    Client::new(config(sb)).expect("valid config")
}

/// The path of the cdylib built next to the test binaries, or the add-in
/// `SDKWA_ADDIN_LIB` names (e.g. the packaged i686 library, driven by the
/// 32-bit host emulator with `SDKWA_HOST_M32=1`).
pub fn cdylib_path() -> std::path::PathBuf {
    if let Some(lib) = std::env::var_os("SDKWA_ADDIN_LIB") {
        let p = std::path::PathBuf::from(lib);
        assert!(p.exists(), "SDKWA_ADDIN_LIB={} does not exist", p.display());
        return p;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>");
    let name = if cfg!(windows) {
        "sdkwa1c.dll"
    } else if cfg!(target_os = "macos") {
        "libsdkwa1c.dylib"
    } else {
        "libsdkwa1c.so"
    };
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} was not built: `cargo test` builds only the rlib; run `cargo build --lib` first (scripts/test-all.sh does)",
        p.display()
    );
    p
}

/// A fault that hits the next `count` requests of `method`.
pub fn fault(kind: sdkwa_sandbox::FaultKind, count: u32, method: &str) -> sdkwa_sandbox::Fault {
    sdkwa_sandbox::Fault {
        kind,
        count,
        method: Some(method.to_string()),
    }
}
