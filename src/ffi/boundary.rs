//! What every export shares: the panic boundary, C string conversion and
//! the thread-local last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::api::{Error, ErrorKind, Lang, Text};

use super::result::{code_of, SdkwaResult, SDKWA_OK};

thread_local! {
    /// The last error message of this thread (`sdkwa_last_error`).
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Remembers `text` as this thread's last error.
pub fn set_last_error(text: &str) {
    let c = CString::new(text.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

/// Forgets this thread's last error (after a success).
pub fn clear_last_error() {
    LAST_ERROR.with(|e| *e.borrow_mut() = CString::default());
}

/// A pointer to this thread's last error, valid until the next call on this thread.
pub fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Runs `f`; a panic becomes an internal error instead of unwinding into C.
pub fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            set_last_error(&format!(
                "internal error in sdkwa1c (please report): {what}"
            ));
            on_panic
        }
    }
}

/// The internal-error result for a caught panic.
pub fn panic_error() -> Error {
    Error::new(
        ErrorKind::Internal,
        Text::new(
            "Internal error in sdkwa1c (a bug, please report it); the call had no effect",
            "Внутренняя ошибка sdkwa1c (сообщите разработчикам); вызов не выполнен",
        ),
    )
}

/// A required UTF-8 string parameter.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub unsafe fn required_str<'a>(p: *const c_char, param: &str) -> Result<&'a str, Error> {
    // SAFETY: the caller guarantees `p` is NULL or a valid C string.
    unsafe { optional_str(p, param) }?
        .ok_or_else(|| Error::invalid_argument(param, "must not be NULL", "не может быть NULL"))
}

/// An optional (NULL allowed) UTF-8 string parameter.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub unsafe fn optional_str<'a>(p: *const c_char, param: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and, by the caller's contract, NUL-terminated and alive for the call.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map(Some).map_err(|_| {
        Error::invalid_argument(
            param,
            "is not valid UTF-8",
            "не является корректной строкой UTF-8",
        )
    })
}

/// Hands a Rust string to C (free it with `sdkwa_string_free`).
pub fn into_c_string(s: String) -> *mut c_char {
    // JSON text never holds a raw NUL; one would only come from a bug.
    CString::new(s)
        .unwrap_or_else(|e| {
            let mut v = e.into_vec();
            v.retain(|b| *b != 0);
            CString::new(v).unwrap_or_default()
        })
        .into_raw()
}

/// Writes the outcome of a call: the answer (or error JSON) into `*out`,
/// the last error, and the result code.
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
pub unsafe fn finish(
    result: Result<String, Error>,
    out: *mut *mut c_char,
    lang: Lang,
) -> SdkwaResult {
    let (code, text) = match result {
        Ok(json) => {
            clear_last_error();
            (SDKWA_OK, json)
        }
        Err(e) => {
            set_last_error(&e.message(lang));
            (code_of(e.kind()), e.to_json(lang))
        }
    };
    if !out.is_null() {
        // SAFETY: `out` is non-NULL and, by the caller's contract, writable.
        unsafe { *out = into_c_string(text) };
    }
    code
}
