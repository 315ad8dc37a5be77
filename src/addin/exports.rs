//! The C functions 1C looks up in the library.

use std::ffi::{c_int, c_long, c_void};
use std::panic::catch_unwind;

use super::vtables::AddinObject;

pub use super::table::CLASS_NAME;

/// `GetClassNames`' answer: a static, NUL-terminated UTF-16 string 1C never frees.
static CLASS_NAMES: [u16; 7] = [
    b'C' as u16,
    b'l' as u16,
    b'i' as u16,
    b'e' as u16,
    b'n' as u16,
    b't' as u16,
    0,
];

/// `eAppCapabilitiesLast`.
const APP_CAPABILITIES_LAST: c_int = 3;
/// `eCanAttachAny`: works in-process and isolated.
const ATTACH_ANY: c_int = 3;

/// The names of the classes this library provides, `|`-separated.
#[no_mangle]
pub extern "system" fn GetClassNames() -> *const u16 {
    CLASS_NAMES.as_ptr()
}

/// Creates an object of class `name` into `*component`; non-zero on success.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string; `component` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetClassObject(
    name: *const u16,
    component: *mut *mut c_void,
) -> c_long {
    catch_unwind(|| {
        if component.is_null() || name.is_null() {
            return 0;
        }
        // SAFETY: NUL-terminated by contract; we read at most CLASS_NAMES.len() units.
        let matches = unsafe {
            let mut i = 0;
            loop {
                let a = *name.add(i);
                if a != CLASS_NAMES[i] {
                    break false;
                }
                if a == 0 {
                    break true;
                }
                i += 1;
            }
        };
        if !matches {
            return 0;
        }
        let obj = Box::into_raw(AddinObject::new_boxed());
        // SAFETY: `component` is writable by contract.
        unsafe { *component = obj.cast() };
        1
    })
    .unwrap_or(0)
}

/// Destroys an object made by `GetClassObject` and sets `*component` to NULL; 0 on success.
///
/// # Safety
/// `component` is NULL or points to a pointer from `GetClassObject` not destroyed yet.
#[no_mangle]
pub unsafe extern "system" fn DestroyObject(component: *mut *mut c_void) -> c_long {
    catch_unwind(|| {
        // SAFETY: NULL-checked; by contract `*component` came from GetClassObject.
        unsafe {
            if component.is_null() || (*component).is_null() {
                return -1;
            }
            // Dropping stops the receiver thread before the memory goes.
            drop(Box::from_raw((*component).cast::<AddinObject>()));
            *component = std::ptr::null_mut();
        }
        0
    })
    .unwrap_or(-1)
}

/// Tells 1C which platform capabilities the add-in uses.
#[no_mangle]
pub extern "system" fn SetPlatformCapabilities(capabilities: c_int) -> c_int {
    // Remembered: from level 1 on, the host's connection offers IPlatformInfo
    // (where the add-in runs), which background receiving needs to know.
    super::host::set_platform_capabilities(capabilities);
    APP_CAPABILITIES_LAST
}

/// The add-in may be attached both in-process and isolated.
#[no_mangle]
pub extern "system" fn GetAttachType() -> c_int {
    ATTACH_ANY
}
