//! The core: a safe, synchronous Rust client for the sdkwa REST API.
//! Nothing here knows about 1C or C.
#![forbid(unsafe_code)]

pub mod batch;
pub mod cancel;
pub mod chat;
mod client;
pub mod config;
pub mod download;
pub mod error;
pub mod file;
pub mod lang;
pub mod methods;
mod mime;
mod params;
pub mod redact;
pub mod registry;
mod request;
mod resolve;
pub mod secret;
pub mod webhook;

pub use cancel::Cancel;
pub use client::Client;
pub use config::{Config, Messenger};
pub use error::{Error, ErrorKind, Result};
pub use file::FileSource;
pub use lang::{Lang, Text};
pub use methods::*;
pub use params::MAX_RECEIVE_WAIT_SECS;
pub use params::{list_from_text, params_from_text};
pub use registry::{HttpMethod, Op};
pub use secret::Secret;
