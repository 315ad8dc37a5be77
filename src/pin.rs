//! Keeping this library loaded for the rest of the process: the one call
//! into the platform's loader (`dladdr`/`dlopen`, `GetModuleHandleExW`) that
//! the core needs. The resolver (`src/api/resolve.rs`) pins the library when
//! a lookup thread outlives its client, whichever face — 1C add-in, C ABI or
//! Rust — made the client. A leaf module of its own, so that the core depends
//! on no host layer; with `src/ffi` and `src/addin` the only place `unsafe`
//! is allowed.

use std::sync::Once;

/// Pins this library in memory until the process ends: a later unload by the
/// host (1C's `dlclose`/`FreeLibrary`) leaves its code mapped, so a thread
/// still inside it can finish. Idempotent; a failure only means the pin was
/// not possible (nothing is done then).
pub fn pin_library() {
    static PINNED: Once = Once::new();
    PINNED.call_once(pin_once);
}

#[cfg(unix)]
fn pin_once() {
    use std::ffi::{c_char, c_int, c_void};

    #[repr(C)]
    struct DlInfo {
        dli_fname: *const c_char,
        dli_fbase: *mut c_void,
        dli_sname: *const c_char,
        dli_saddr: *mut c_void,
    }
    extern "C" {
        fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
        fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    }
    #[cfg(target_os = "macos")]
    const FLAGS: c_int = 0x1 | 0x10 | 0x80; // RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE
    #[cfg(not(target_os = "macos"))]
    const FLAGS: c_int = 0x1 | 0x4 | 0x1000; // RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE

    let mut info = DlInfo {
        dli_fname: std::ptr::null(),
        dli_fbase: std::ptr::null_mut(),
        dli_sname: std::ptr::null(),
        dli_saddr: std::ptr::null_mut(),
    };
    // SAFETY: dladdr only reads the address (a function of this library) and
    // fills `info`, a valid, writable Dl_info.
    let found = unsafe { dladdr(pin_once as *const c_void, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return;
    }
    // SAFETY: dli_fname is the NUL-terminated path of this already-loaded
    // library; RTLD_NOLOAD loads nothing new (no initializer runs), it only
    // takes a reference and marks the library RTLD_NODELETE. The handle is
    // never closed on purpose.
    let _ = unsafe { dlopen(info.dli_fname, FLAGS) };
}

#[cfg(windows)]
fn pin_once() {
    use std::ffi::c_void;
    extern "system" {
        fn GetModuleHandleExW(flags: u32, name: *const u16, module: *mut *mut c_void) -> i32;
    }
    const FROM_ADDRESS: u32 = 0x4; // GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
    const PIN: u32 = 0x1; // GET_MODULE_HANDLE_EX_FLAG_PIN
    let mut module = std::ptr::null_mut();
    // SAFETY: with FROM_ADDRESS the name is an address inside this module (a
    // function of it); `module` is a valid out pointer. PIN keeps the module
    // loaded until the process ends.
    let _ = unsafe { GetModuleHandleExW(FROM_ADDRESS | PIN, pin_once as *const u16, &mut module) };
}

#[cfg(not(any(unix, windows)))]
fn pin_once() {}
