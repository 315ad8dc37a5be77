//! Generates the C header from `src/ffi` with cbindgen.
//!
//! The header is committed (`include/sdkwa1c.h`) so C users need no Rust
//! tooling. A build writes the fresh header to `OUT_DIR`; a unit test fails
//! when the committed one differs. `SDKWA_BLESS=1 cargo build` updates it.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=SDKWA_BLESS");
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("sdkwa1c.h");
    let config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .with_src(root.join("src/ffi/result.rs"))
        .generate()
        .expect("cbindgen can parse src/ffi");
    bindings.write_to_file(&out);
    let committed = root.join("include/sdkwa1c.h");
    let fresh = std::fs::read_to_string(&out).unwrap_or_default();
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    // Only an explicit request writes into the source tree: a missing header
    // is as wrong as a stale one, and the test command fails on both.
    if fresh != current {
        if std::env::var_os("SDKWA_BLESS").is_some() {
            std::fs::create_dir_all(root.join("include")).expect("can create include/");
            std::fs::write(&committed, fresh).expect("can write include/sdkwa1c.h");
        } else {
            let what = if current.is_empty() {
                "missing"
            } else {
                "stale"
            };
            println!("cargo:warning=include/sdkwa1c.h is {what}: run SDKWA_BLESS=1 cargo build -p sdkwa1c and commit it");
        }
    }
}
