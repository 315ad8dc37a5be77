//! The Native API's interface layouts, as 1C lays them out in memory: the
//! vtables of `IInitDoneBase`, `ILanguageExtenderBase`, `LocaleBase` and
//! `UserLanguageBase`, and the UTF-16 string convention. `vtables.rs` fills
//! them with our entries; a host (the Rust host in `crates/host`) calls
//! through them. Layout only: no behaviour lives here.

use std::ffi::{c_long, c_void};

use super::variant::TVariant;

/// Destructor slot(s): never called by 1C (it uses `DestroyObject`), but the
/// layout needs them; a harmless function keeps a stray call safe.
#[repr(C)]
pub struct Dtor {
    pub(super) dtor: unsafe extern "system" fn(*mut c_void),
    #[cfg(not(windows))]
    pub(super) dtor2: unsafe extern "system" fn(*mut c_void),
}

/// `IInitDoneBase`.
#[repr(C)]
pub struct InitDoneVtable {
    /// The virtual destructor slot(s).
    pub dtor: Dtor,
    /// `Init(IAddInDefBase*)`.
    pub init: unsafe extern "system" fn(*mut c_void, *mut c_void) -> bool,
    /// `setMemManager(IMemoryManager*)`.
    pub set_mem_manager: unsafe extern "system" fn(*mut c_void, *mut c_void) -> bool,
    /// `GetInfo()`: the Native API version.
    pub get_info: unsafe extern "system" fn(*mut c_void) -> c_long,
    /// `Done()`.
    pub done: unsafe extern "system" fn(*mut c_void),
}

/// `ILanguageExtenderBase`.
#[repr(C)]
pub struct LangExtenderVtable {
    /// The virtual destructor slot(s).
    pub dtor: Dtor,
    /// `RegisterExtensionAs(WCHAR_T**)`.
    pub register_extension_as: unsafe extern "system" fn(*mut c_void, *mut *mut u16) -> bool,
    /// `GetNProps()`.
    pub get_n_props: unsafe extern "system" fn(*mut c_void) -> c_long,
    /// `FindProp(name)`.
    pub find_prop: unsafe extern "system" fn(*mut c_void, *const u16) -> c_long,
    /// `GetPropName(index, alias)`.
    pub get_prop_name: unsafe extern "system" fn(*mut c_void, c_long, c_long) -> *const u16,
    /// `GetPropVal(index, tVariant*)`.
    pub get_prop_val: unsafe extern "system" fn(*mut c_void, c_long, *mut TVariant) -> bool,
    /// `SetPropVal(index, tVariant*)`.
    pub set_prop_val: unsafe extern "system" fn(*mut c_void, c_long, *mut TVariant) -> bool,
    /// `IsPropReadable(index)`.
    pub is_prop_readable: unsafe extern "system" fn(*mut c_void, c_long) -> bool,
    /// `IsPropWritable(index)`.
    pub is_prop_writable: unsafe extern "system" fn(*mut c_void, c_long) -> bool,
    /// `GetNMethods()`.
    pub get_n_methods: unsafe extern "system" fn(*mut c_void) -> c_long,
    /// `FindMethod(name)`.
    pub find_method: unsafe extern "system" fn(*mut c_void, *const u16) -> c_long,
    /// `GetMethodName(index, alias)`.
    pub get_method_name: unsafe extern "system" fn(*mut c_void, c_long, c_long) -> *const u16,
    /// `GetNParams(method)`.
    pub get_n_params: unsafe extern "system" fn(*mut c_void, c_long) -> c_long,
    /// `GetParamDefValue(method, param, tVariant*)`.
    pub get_param_def_value:
        unsafe extern "system" fn(*mut c_void, c_long, c_long, *mut TVariant) -> bool,
    /// `HasRetVal(method)`.
    pub has_ret_val: unsafe extern "system" fn(*mut c_void, c_long) -> bool,
    /// `CallAsProc(method, params, count)`.
    pub call_as_proc: unsafe extern "system" fn(*mut c_void, c_long, *mut TVariant, c_long) -> bool,
    /// `CallAsFunc(method, ret, params, count)`.
    pub call_as_func: unsafe extern "system" fn(
        *mut c_void,
        c_long,
        *mut TVariant,
        *mut TVariant,
        c_long,
    ) -> bool,
}

/// `LocaleBase`.
#[repr(C)]
pub struct LocaleVtable {
    /// The virtual destructor slot(s).
    pub dtor: Dtor,
    /// `SetLocale(loc)`.
    pub set_locale: unsafe extern "system" fn(*mut c_void, *const u16),
}

/// `UserLanguageBase`.
#[repr(C)]
pub struct UserLanguageVtable {
    /// The virtual destructor slot(s).
    pub dtor: Dtor,
    /// `SetUserInterfaceLanguageCode(lang)`.
    pub set_user_interface_language_code: unsafe extern "system" fn(*mut c_void, *const u16),
}

/// A NUL-terminated UTF-16 string from 1C as a slice (without the NUL).
///
/// # Safety
/// `p` is NULL or a NUL-terminated UTF-16 string that outlives `'a`.
pub unsafe fn wslice<'a>(p: *const u16) -> &'a [u16] {
    if p.is_null() {
        return &[];
    }
    // SAFETY: NUL-terminated by contract; the loop stops at the terminator.
    unsafe {
        let mut len = 0;
        while *p.add(len) != 0 {
            len += 1;
        }
        std::slice::from_raw_parts(p, len)
    }
}

/// A string parameter from 1C (NUL-terminated UTF-16).
///
/// # Safety
/// `p` is NULL or a NUL-terminated UTF-16 string.
pub unsafe fn wstr(p: *const u16) -> String {
    // SAFETY: the caller's contract is `wslice`'s.
    let units = unsafe { wslice(p) };
    // Sized first: from_utf16_lossy grows its string as it goes, and
    // Cyrillic names (two bytes a letter) made it reallocate on every call.
    let decoded = || {
        char::decode_utf16(units.iter().copied()).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
    };
    let mut s = String::with_capacity(decoded().map(char::len_utf8).sum());
    s.extend(decoded());
    s
}
