//! # sdkwa1c
//!
//! WhatsApp and Telegram messaging through the sdkwa REST service for
//! 1C:Enterprise (a Native API add-in), C/C++ hosts (a C ABI) and Rust.
//!
//! * [`api`]: the core client, pure safe Rust.
//! * [`ffi`]: the C ABI declared in `include/sdkwa1c.h`.
//! * [`addin`]: the 1C:Enterprise Native API add-in.
//!
//! The offline sandbox server (`crates/sandbox`), the Rust 1C host
//! (`crates/host`), the demo and the `sdkwa` command line live in their own
//! packages of the workspace: this crate ships only the product.
//!
//! The rules of the house are lints, not reviewers' memory: `unsafe` only in
//! the FFI and add-in layers (every other module forbids it), every unsafe
//! block with a `// SAFETY:` comment and unsafe operations inside `unsafe fn`
//! spelled out (both set for every package and target, tests and benches
//! included, in the workspace's `Cargo.toml`), and documented public items.
#![warn(missing_docs)]

pub mod addin;
pub mod api;
pub mod ffi;
mod pin;

pub use api::{Client, Config, Error, ErrorKind, FileSource, Lang, Messenger, Result, Secret};

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
