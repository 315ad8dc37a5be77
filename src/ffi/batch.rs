//! Bulk calls through the C ABI: the add-in's `SendBatch` format.

use std::ffi::c_char;

use crate::api::batch::DEFAULT_CONCURRENCY;

use super::boundary::required_str;
use super::result::SdkwaResult;
use super::{with_client, SdkwaClient};

/// Runs `batch_json`, a JSON array of `{"method": registry name, "params":
/// {…}}` (params as [`super::sdkwa_call`] takes them), with up to
/// `concurrency` requests in flight (1–64; 0 = 8) on the client's pooled
/// connections. On `SDKWA_OK`, `*out_json` is a JSON array of results in
/// input order, each `{"ok": true, "result": …}` or `{"ok": false, "error":
/// {…}}`: one item's failure never stops the others, and the call's own code
/// is an error only when the array or `concurrency` is malformed. A 429
/// pauses the whole batch for its `Retry-After`; a send is repeated only
/// when the service certainly did not get it (connection refused, 429).
/// Free `*out_json` with `sdkwa_string_free`. Blocks the calling thread.
///
/// # Safety
/// As [`super::sdkwa_call`].
#[no_mangle]
pub unsafe extern "C" fn sdkwa_call_batch(
    client: *const SdkwaClient,
    batch_json: *const c_char,
    concurrency: u32,
    out_json: *mut *mut c_char,
) -> SdkwaResult {
    // SAFETY: all pointers forwarded under this function's contract.
    unsafe {
        with_client(client, out_json, |c| {
            let batch = required_str(batch_json, "batch_json")?;
            let n = if concurrency == 0 {
                DEFAULT_CONCURRENCY
            } else {
                concurrency
            };
            c.client.call_batch(batch, n, c.lang)
        })
    }
}
