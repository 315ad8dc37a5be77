//! The object 1C sees: four interface pointers in a row (`IInitDoneBase`,
//! `ILanguageExtenderBase`, `LocaleBase`, `UserLanguageBase`) followed by our
//! state. A call through the N-th interface passes `this` pointing at the
//! N-th pointer; each entry steps back to the object. Every vtable starts
//! with the virtual destructor: one slot with MSVC (Windows), two with the
//! Itanium ABI (Linux, macOS). Every entry catches panics.

use std::ffi::{c_long, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::abi::{
    wslice, wstr, Dtor, InitDoneVtable, LangExtenderVtable, LocaleVtable, UserLanguageVtable,
};
use super::component::Component;
use super::dispatch;
use super::host::Host;
use super::memory::MemoryManager;
use super::table::{self, Def, PROPS};
use super::variant::{Ret, TVariant};
use crate::api::file::MAX_UPLOAD_BYTES;
use crate::api::Lang;

/// `GetInfo`: the Native API version implemented (2.0).
const ADDIN_VERSION: c_long = 2000;

/// The add-in object.
#[repr(C)]
pub struct AddinObject {
    init_done: &'static InitDoneVtable,
    lang_ext: &'static LangExtenderVtable,
    locale: &'static LocaleVtable,
    user_lang: &'static UserLanguageVtable,
    /// Our state.
    pub component: Component,
}

unsafe extern "system" fn no_dtor(_this: *mut c_void) {}

const DTOR: Dtor = Dtor {
    dtor: no_dtor,
    #[cfg(not(windows))]
    dtor2: no_dtor,
};

static INIT_DONE: InitDoneVtable = InitDoneVtable {
    dtor: DTOR,
    init,
    set_mem_manager,
    get_info,
    done,
};
static LANG_EXT: LangExtenderVtable = LangExtenderVtable {
    dtor: DTOR,
    register_extension_as,
    get_n_props,
    find_prop,
    get_prop_name,
    get_prop_val,
    set_prop_val,
    is_prop_readable,
    is_prop_writable,
    get_n_methods,
    find_method,
    get_method_name,
    get_n_params,
    get_param_def_value,
    has_ret_val,
    call_as_proc,
    call_as_func,
};
static LOCALE: LocaleVtable = LocaleVtable {
    dtor: DTOR,
    set_locale,
};
static USER_LANG: UserLanguageVtable = UserLanguageVtable {
    dtor: DTOR,
    set_user_interface_language_code,
};

impl AddinObject {
    /// A new object on the heap; 1C gets a pointer to its first interface.
    pub fn new_boxed() -> Box<AddinObject> {
        Box::new(AddinObject {
            init_done: &INIT_DONE,
            lang_ext: &LANG_EXT,
            locale: &LOCALE,
            user_lang: &USER_LANG,
            component: Component::default(),
        })
    }
}

/// The object behind a `this` that points at the interface pointer number `index`.
///
/// # Safety
/// `this` was handed to 1C by `GetClassObject` (adjusted by `index` pointers)
/// and the object is alive; 1C calls one object from one thread at a time.
unsafe fn object<'a>(this: *mut c_void, index: usize) -> &'a mut AddinObject {
    // SAFETY: the interface pointers are the object's first four fields, each one pointer wide.
    unsafe {
        &mut *(this
            .cast::<*const c_void>()
            .sub(index)
            .cast::<AddinObject>())
    }
}

/// Runs `f` on the component; a panic becomes `fallback` (and an error report).
/// Every entry reads its inputs inside `f`, so nothing unwinds into 1C.
fn guarded<T>(obj: &mut AddinObject, fallback: T, f: impl FnOnce(&mut Component) -> T) -> T {
    match catch_unwind(AssertUnwindSafe(|| f(&mut obj.component))) {
        Ok(v) => v,
        Err(_) => {
            let c = &mut obj.component;
            // Report through the normal error path; never unwind into 1C.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                let _ = c.fail(false, super::messages::internal());
            }));
            fallback
        }
    }
}

/// 1C's parameter array as a slice.
///
/// # Safety
/// `params` is NULL or points to `count` variants.
unsafe fn params<'a>(params: *mut TVariant, count: c_long) -> &'a mut [TVariant] {
    if params.is_null() || count <= 0 {
        return &mut [];
    }
    // SAFETY: 1C passes an array of `count` variants.
    unsafe { std::slice::from_raw_parts_mut(params, count as usize) }
}

fn alloc_name(c: &Component, name: &str) -> *const u16 {
    c.mem
        .and_then(|m| m.alloc_wstr(name))
        .map_or(std::ptr::null(), |(p, _)| p as *const u16)
}

unsafe extern "system" fn init(this: *mut c_void, disp: *mut c_void) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 0) }, false, |c| {
        c.host = Host::new(disp);
        true
    })
}

unsafe extern "system" fn set_mem_manager(this: *mut c_void, mem: *mut c_void) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 0) }, false, |c| {
        c.mem = MemoryManager::new(mem);
        c.mem.is_some()
    })
}

unsafe extern "system" fn get_info(this: *mut c_void) -> c_long {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 0) }, ADDIN_VERSION, |_| ADDIN_VERSION)
}

unsafe extern "system" fn done(this: *mut c_void) {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 0) }, (), |c| {
        c.stop_receiver();
        c.host = None;
    })
}

unsafe extern "system" fn register_extension_as(this: *mut c_void, name: *mut *mut u16) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        if name.is_null() {
            return false;
        }
        match c.mem.and_then(|m| m.alloc_wstr(table::CLASS_NAME)) {
            Some((p, _)) => {
                // SAFETY: `name` is a valid out-pointer from 1C.
                unsafe { *name = p };
                true
            }
            None => false,
        }
    })
}

unsafe extern "system" fn get_n_props(this: *mut c_void) -> c_long {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, 0, |_| PROPS.len() as c_long)
}

unsafe extern "system" fn find_prop(this: *mut c_void, name: *const u16) -> c_long {
    // The name is read inside the panic boundary, like every other input.
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, -1, |_| {
        // SAFETY: 1C passes a NUL-terminated name, alive for this call.
        let name = unsafe { wslice(name) };
        table::find_prop_utf16(name).map_or(-1, |i| i as c_long)
    })
}

unsafe extern "system" fn get_prop_name(
    this: *mut c_void,
    num: c_long,
    alias: c_long,
) -> *const u16 {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(
        unsafe { object(this, 1) },
        std::ptr::null(),
        |c| match PROPS.get(num as usize) {
            Some(p) => alloc_name(c, if alias == 0 { p.en } else { p.ru }),
            None => std::ptr::null(),
        },
    )
}

unsafe extern "system" fn get_prop_val(this: *mut c_void, num: c_long, val: *mut TVariant) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        let (Some(p), Some(mem)) = (PROPS.get(num as usize), c.mem) else {
            return false;
        };
        let Some(get) = p.get else { return false };
        // SAFETY: 1C passes a valid variant to fill.
        let Some(v) = (unsafe { val.as_mut() }) else {
            return false;
        };
        v.write(&get(c), &mem)
    })
}

unsafe extern "system" fn set_prop_val(this: *mut c_void, num: c_long, val: *mut TVariant) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        let Some(p) = PROPS.get(num as usize) else {
            return false;
        };
        let Some(set) = p.set else { return false };
        // SAFETY: 1C passes a valid, filled variant.
        let Some(v) = (unsafe { val.as_ref() }) else {
            return false;
        };
        // SAFETY: a variant filled by 1C.
        let arg = unsafe { v.read() };
        match set(c, &arg) {
            Ok(()) => true,
            Err(e) => {
                // A bad property value always raises: there is no result to carry it.
                c.raise(&e);
                false
            }
        }
    })
}

unsafe extern "system" fn is_prop_readable(this: *mut c_void, num: c_long) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |_| {
        PROPS.get(num as usize).is_some_and(|p| p.get.is_some())
    })
}

unsafe extern "system" fn is_prop_writable(this: *mut c_void, num: c_long) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |_| {
        PROPS.get(num as usize).is_some_and(|p| p.set.is_some())
    })
}

unsafe extern "system" fn get_n_methods(this: *mut c_void) -> c_long {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, 0, |_| {
        table::METHODS.len() as c_long
    })
}

unsafe extern "system" fn find_method(this: *mut c_void, name: *const u16) -> c_long {
    // The name is read inside the panic boundary, like every other input.
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, -1, |_| {
        // SAFETY: 1C passes a NUL-terminated name, alive for this call.
        let name = unsafe { wslice(name) };
        table::find_method_utf16(name).map_or(-1, |i| i as c_long)
    })
}

unsafe extern "system" fn get_method_name(
    this: *mut c_void,
    num: c_long,
    alias: c_long,
) -> *const u16 {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(
        unsafe { object(this, 1) },
        std::ptr::null(),
        |c| match table::METHODS.get(num as usize) {
            Some(m) => alloc_name(c, if alias == 0 { m.en } else { m.ru }),
            None => std::ptr::null(),
        },
    )
}

unsafe extern "system" fn get_n_params(this: *mut c_void, num: c_long) -> c_long {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, 0, |_| {
        table::METHODS
            .get(num as usize)
            .map_or(0, |m| m.params.len() as c_long)
    })
}

unsafe extern "system" fn get_param_def_value(
    this: *mut c_void,
    num: c_long,
    param: c_long,
    val: *mut TVariant,
) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        let Some(p) = table::METHODS
            .get(num as usize)
            .and_then(|m| m.params.get(param as usize))
        else {
            return false;
        };
        // SAFETY: 1C passes a valid variant to fill.
        let Some(v) = (unsafe { val.as_mut() }) else {
            return false;
        };
        let ret = match p.default {
            Def::Required => return false,
            Def::Str(s) => Ret::Str(s.to_string()),
            Def::Int(i) => Ret::Int(i),
            Def::Bool(b) => Ret::Bool(b),
        };
        match c.mem {
            Some(mem) => v.write(&ret, &mem),
            None => false,
        }
    })
}

unsafe extern "system" fn has_ret_val(this: *mut c_void, num: c_long) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |_| {
        table::METHODS
            .get(num as usize)
            .is_some_and(|m| m.has_ret_val())
    })
}

unsafe extern "system" fn call_as_proc(
    this: *mut c_void,
    num: c_long,
    ps: *mut TVariant,
    count: c_long,
) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        // SAFETY: 1C passes `count` filled variants.
        let args = unsafe { params(ps, count) }
            .iter()
            .map(|v| unsafe { v.read_limited(MAX_UPLOAD_BYTES) })
            .collect();
        dispatch::call(c, num as usize, args).is_some()
    })
}

unsafe extern "system" fn call_as_func(
    this: *mut c_void,
    num: c_long,
    ret: *mut TVariant,
    ps: *mut TVariant,
    count: c_long,
) -> bool {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 1) }, false, |c| {
        // SAFETY: 1C passes `count` filled variants.
        let args = unsafe { params(ps, count) }
            .iter()
            .map(|v| unsafe { v.read_limited(MAX_UPLOAD_BYTES) })
            .collect();
        let Some(result) = dispatch::call(c, num as usize, args) else {
            return false;
        };
        // SAFETY: 1C passes a valid variant for the result.
        let Some(out) = (unsafe { ret.as_mut() }) else {
            return true;
        };
        match c.mem {
            Some(mem) => out.write(&result, &mem),
            None => false,
        }
    })
}

unsafe extern "system" fn set_locale(this: *mut c_void, loc: *const u16) {
    // The name is read inside the panic boundary, like every other input.
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 2) }, (), |c| {
        // SAFETY: 1C passes a NUL-terminated locale name.
        let loc = unsafe { wstr(loc) };
        c.lang = Lang::from_locale(&loc)
    })
}

unsafe extern "system" fn set_user_interface_language_code(this: *mut c_void, lang: *const u16) {
    // SAFETY: 1C calls through our vtable with the pointer it got from GetClassObject.
    guarded(unsafe { object(this, 3) }, (), |c| {
        // SAFETY: 1C passes a NUL-terminated language code.
        let lang = unsafe { wstr(lang) };
        c.lang = Lang::from_locale(&lang)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_an_entry_becomes_an_error_not_an_abort() {
        let obj = Box::into_raw(AddinObject::new_boxed());
        // The second interface, as 1C would call it.
        // SAFETY: `obj` is a live object made above; index 1 is its second interface pointer.
        let this = unsafe { (obj as *mut *const c_void).add(1) }.cast::<c_void>();
        // SAFETY: `this` is the second interface pointer of the live object.
        let r = guarded(unsafe { object(this, 1) }, false, |_| -> bool {
            panic!("boom")
        });
        assert!(!r);
        // SAFETY: still alive; freed below.
        let last = unsafe { &(*obj).component }.last_error();
        assert!(last.contains("\"kind\":\"internal\""), "{last}");
        // An entry with a NULL variant pointer is refused, not dereferenced.
        // SAFETY: calling our own entry with a NULL result pointer.
        assert!(!unsafe { get_prop_val(this, 0, std::ptr::null_mut()) });
        // SAFETY: made by Box::into_raw above, freed once.
        drop(unsafe { Box::from_raw(obj) });
    }
}
