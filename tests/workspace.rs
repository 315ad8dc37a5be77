//! The shipped package holds only the product: the workspace has the tool
//! packages beside it, the product has no features and none of their
//! dependencies, and the built library exports exactly the 1C entry points
//! and the functions `include/sdkwa1c.h` declares.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// `cargo metadata` of the workspace, read once for every test here.
fn metadata() -> &'static Value {
    static META: OnceLock<Value> = OnceLock::new();
    META.get_or_init(read_metadata)
}

fn read_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn package<'a>(meta: &'a Value, name: &str) -> &'a Value {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("package {name} is not in the workspace"))
}

#[test]
fn the_workspace_has_the_product_and_its_tools() {
    let meta = metadata();
    let members: BTreeSet<String> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| {
            let id = id.as_str().unwrap();
            meta["packages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == id)
                .map(|p| p["name"].as_str().unwrap().to_string())
                .unwrap()
        })
        .collect();
    for name in [
        "sdkwa1c",
        "sdkwa-sandbox",
        "sdkwa1c-host",
        "sdkwa-demo",
        "sdkwa-cli",
    ] {
        assert!(members.contains(name), "{name} missing from {members:?}");
    }
    // The tool packages live under crates/, so the top level keeps the product's shape.
    for name in members.iter().filter(|n| *n != "sdkwa1c") {
        let manifest = package(meta, name)["manifest_path"].as_str().unwrap();
        let rel = Path::new(manifest)
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap();
        assert!(
            rel.starts_with("crates"),
            "{name} lives at {}",
            rel.display()
        );
    }
}

#[test]
fn the_shipped_package_has_no_features_and_no_server_dependencies() {
    let meta = metadata();
    let product = package(meta, "sdkwa1c");
    let features = product["features"].as_object().unwrap();
    assert!(features.is_empty(), "features: {features:?}");
    let shipped: Vec<&str> = product["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"].is_null() || d["kind"] == "build")
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for server_only in [
        "axum",
        "hyper-util",
        "tokio-rustls",
        "rcgen",
        "mime_guess",
        "qrcode",
        "png",
        "libloading",
        "sdkwa-sandbox",
        "sdkwa1c-host",
    ] {
        assert!(
            !shipped.contains(&server_only),
            "the shipped package depends on {server_only}"
        );
    }
    let targets: Vec<&str> = product["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        targets.is_empty(),
        "the product package builds binaries: {targets:?}"
    );
}

/// The functions the header declares: `sdkwa_name(`.
fn declared() -> BTreeSet<String> {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/sdkwa1c.h"))
            .unwrap();
    let mut names = BTreeSet::new();
    for (i, _) in header.match_indices("sdkwa_") {
        let rest = &header[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('(') {
            names.insert(rest[..end].to_string());
        }
    }
    names
}

#[cfg(target_os = "linux")]
#[test]
fn the_library_exports_the_1c_entry_points_and_the_header_only() {
    let lib = common::cdylib_path();
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm (binutils) runs");
    assert!(out.status.success(), "nm {}", lib.display());
    let exported: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .map(str::to_string)
        .collect();
    let mut expected = declared();
    assert!(
        expected.len() >= 15,
        "the header declares {} functions",
        expected.len()
    );
    for entry in [
        "GetClassObject",
        "DestroyObject",
        "GetClassNames",
        "SetPlatformCapabilities",
        "GetAttachType",
    ] {
        expected.insert(entry.to_string());
    }
    assert_eq!(exported, expected, "exports of {}", lib.display());
}
