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
//! the FFI and add-in layers, every unsafe block with a `// SAFETY:` comment,
//! unsafe operations inside `unsafe fn` spelled out, and documented public items.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

pub mod addin;
pub mod api;
pub mod ffi;

pub use api::{Client, Config, Error, ErrorKind, FileSource, Lang, Messenger, Result, Secret};

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
