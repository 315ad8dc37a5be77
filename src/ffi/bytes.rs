//! Answers that are bytes, not JSON: a downloaded file.

use std::ffi::c_char;

use crate::api::{Error, Lang};

use super::boundary::{finish, guard, optional_str, panic_error, required_str};
use super::result::{SdkwaResult, SDKWA_ERR_INTERNAL, SDKWA_ERR_INVALID_ARGUMENT, SDKWA_OK};
use super::SdkwaClient;

/// Calls a registry method whose answer is a file's bytes (`downloadFile`
/// with `{"chatId": …, "idMessage": …}`); for a JSON method the bytes are the
/// JSON text. On `SDKWA_OK`, `*out_bytes`/`*out_len` hold the bytes (NULL
/// and 0 for an empty answer) and `*out_error_json` is NULL; free the bytes
/// with [`sdkwa_bytes_free`]. On an error `*out_bytes` is NULL and
/// `*out_error_json` holds the error JSON (free with `sdkwa_string_free`).
/// `out_error_json` may be NULL when the caller only wants the code.
///
/// # Safety
/// `client` is a live client; `method`/`params_json` are NULL or
/// NUL-terminated; `out_bytes` and `out_len` are writable; `out_error_json`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sdkwa_call_bytes(
    client: *const SdkwaClient,
    method: *const c_char,
    params_json: *const c_char,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
    out_error_json: *mut *mut c_char,
) -> SdkwaResult {
    guard(SDKWA_ERR_INTERNAL, || {
        if out_bytes.is_null() || out_len.is_null() {
            super::boundary::set_last_error(
                "Invalid parameter 'out_bytes'/'out_len': must not be NULL",
            );
            return SDKWA_ERR_INVALID_ARGUMENT;
        }
        // SAFETY: both checked non-NULL and writable by contract; cleared first
        // so a caller never frees a stale pointer.
        unsafe {
            *out_bytes = std::ptr::null_mut();
            *out_len = 0;
        }
        if !out_error_json.is_null() {
            // SAFETY: non-NULL and writable by contract.
            unsafe { *out_error_json = std::ptr::null_mut() };
        }
        // SAFETY: `client` is NULL or a live client by contract.
        let client = unsafe { client.as_ref() };
        let lang = client.map_or(Lang::En, |c| c.lang);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let c = client.ok_or_else(|| {
                Error::invalid_argument("client", "must not be NULL", "не может быть NULL")
            })?;
            // SAFETY: forwarded from this function's contract.
            let m = unsafe { required_str(method, "method") }?;
            // SAFETY: forwarded from this function's contract.
            let p = unsafe { optional_str(params_json, "params_json") }?;
            c.client.call_bytes(m, p)
        }))
        .unwrap_or_else(|_| Err(panic_error()));
        match result {
            Ok(bytes) => {
                super::boundary::clear_last_error();
                if !bytes.is_empty() {
                    let len = bytes.len();
                    let ptr = Box::into_raw(bytes.into_boxed_slice()).cast::<u8>();
                    // SAFETY: checked non-NULL above.
                    unsafe {
                        *out_bytes = ptr;
                        *out_len = len;
                    }
                }
                SDKWA_OK
            }
            Err(e) => {
                let mut error_json = std::ptr::null_mut();
                // SAFETY: a local out-pointer; finish writes the error JSON there.
                let code = unsafe { finish(Err(e), &mut error_json, lang) };
                if out_error_json.is_null() {
                    // SAFETY: came from into_c_string inside finish; freed once.
                    drop(unsafe { std::ffi::CString::from_raw(error_json) });
                } else {
                    // SAFETY: non-NULL and writable by contract.
                    unsafe { *out_error_json = error_json };
                }
                code
            }
        }
    })
}

/// Frees bytes returned by [`sdkwa_call_bytes`] (NULL is fine); `len` is
/// the length returned with them.
///
/// # Safety
/// `bytes` is NULL or a pointer from [`sdkwa_call_bytes`] with its `len`,
/// not freed yet.
#[no_mangle]
pub unsafe extern "C" fn sdkwa_bytes_free(bytes: *mut u8, len: usize) {
    guard((), || {
        if !bytes.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(bytes, len);
            // SAFETY: the pointer and length came from Box::into_raw of a
            // boxed slice in sdkwa_call_bytes and are freed once.
            drop(unsafe { Box::from_raw(slice) });
        }
    })
}
