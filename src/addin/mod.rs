//! The 1C:Enterprise Native API add-in: class `Client`
//! (`Новый("AddIn.SDKWA.Client")`). One small file per ABI concern; the
//! methods and properties come from the one table in `table.rs`.

pub mod abi;
mod ack;
mod actions;
mod batcher;
mod batching;
mod component;
mod convert;
mod dispatch;
pub mod exports;
mod host;
mod memory;
mod messages;
mod receiver;
mod receiving;
pub mod schema;
pub mod table;
pub mod variant;
mod vtables;
