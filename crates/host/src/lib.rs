//! A 1C host in Rust: loads an add-in library the way 1C:Enterprise does
//! (`GetClassObject`, `Init`, `setMemManager`, then calls through the
//! vtables) with its own `IMemoryManager` and `IAddInDefBase`. The demo and
//! the benchmarks use it to drive the built add-in exactly as 1C would; the
//! independent checks are the C++ emulator and addin1c-test in `tests/`.
#![warn(missing_docs)]

use std::alloc::{alloc, dealloc, Layout};
use std::collections::VecDeque;
use std::ffi::{c_long, c_ulong, c_ushort, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use sdkwa1c::addin::abi::{wstr, InitDoneVtable, LangExtenderVtable, LocaleVtable};
use sdkwa1c::addin::variant::{
    Arg, DataPtr, TVariant, VariantValue, VTYPE_BLOB, VTYPE_BOOL, VTYPE_EMPTY, VTYPE_I4,
    VTYPE_PWSTR, VTYPE_R8,
};

/// A value passed to or returned by the add-in.
#[derive(Debug, Clone, PartialEq)]
pub enum Value1C {
    /// Неопределено.
    Empty,
    /// Булево.
    Bool(bool),
    /// A whole Число (`VTYPE_I4`).
    Int(i32),
    /// Any Число (`VTYPE_R8`), as 1C passes long phone numbers.
    Num(f64),
    /// Строка.
    Str(String),
    /// ДвоичныеДанные.
    Blob(Vec<u8>),
}

impl Value1C {
    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value1C::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Buffers the host owns while a call runs.
#[derive(Default)]
struct Keep {
    wide: Vec<Vec<u16>>,
    bytes: Vec<Vec<u8>>,
}

/// Bytes kept before each block to remember its size (and keep 16-byte alignment).
const HEADER: usize = 16;

#[repr(C)]
struct MemVtable {
    dtor: [usize; DTOR_SLOTS],
    alloc: unsafe extern "system" fn(*const HostMemory, *mut *mut c_void, c_ulong) -> bool,
    free: unsafe extern "system" fn(*const HostMemory, *mut *mut c_void),
}

#[cfg(windows)]
const DTOR_SLOTS: usize = 1;
#[cfg(not(windows))]
const DTOR_SLOTS: usize = 2;

#[repr(C)]
struct HostMemory {
    vt: &'static MemVtable,
}

static MEM_VT: MemVtable = MemVtable {
    dtor: [0; DTOR_SLOTS],
    alloc: mem_alloc,
    free: mem_free,
};

unsafe extern "system" fn mem_alloc(
    _: *const HostMemory,
    out: *mut *mut c_void,
    size: c_ulong,
) -> bool {
    let Ok(layout) = Layout::from_size_align(size as usize + HEADER, HEADER) else {
        return false;
    };
    // SAFETY: a non-zero layout; the block starts with its size, the caller gets the rest.
    unsafe {
        let p = alloc(layout);
        if p.is_null() || out.is_null() {
            return false;
        }
        *(p as *mut usize) = size as usize;
        *out = p.add(HEADER).cast();
    }
    true
}

unsafe extern "system" fn mem_free(_: *const HostMemory, p: *mut *mut c_void) {
    // SAFETY: `*p` came from mem_alloc, which put the size HEADER bytes before it.
    unsafe {
        if p.is_null() || (*p).is_null() {
            return;
        }
        let base = (*p as *mut u8).sub(HEADER);
        let size = *(base as *const usize);
        dealloc(
            base,
            Layout::from_size_align_unchecked(size + HEADER, HEADER),
        );
        *p = std::ptr::null_mut();
    }
}

/// What the connection records.
#[derive(Default)]
struct ConnState {
    last_error: Option<String>,
    events: VecDeque<(String, String)>,
    depth: usize,
}

#[repr(C)]
struct ConnVtable {
    dtor: [usize; DTOR_SLOTS],
    add_error: unsafe extern "system" fn(
        *const HostConn,
        c_ushort,
        *const u16,
        *const u16,
        c_long,
    ) -> bool,
    read: unsafe extern "system" fn(
        *const HostConn,
        *mut u16,
        *mut TVariant,
        *mut c_long,
        *mut *mut u16,
    ) -> bool,
    write: unsafe extern "system" fn(*const HostConn, *mut u16, *mut TVariant) -> bool,
    register_profile_as: unsafe extern "system" fn(*const HostConn, *mut u16) -> bool,
    set_event_buffer_depth: unsafe extern "system" fn(*const HostConn, c_long) -> bool,
    get_event_buffer_depth: unsafe extern "system" fn(*const HostConn) -> c_long,
    external_event:
        unsafe extern "system" fn(*const HostConn, *const u16, *const u16, *const u16) -> bool,
    clean_event_buffer: unsafe extern "system" fn(*const HostConn),
    set_status_line: unsafe extern "system" fn(*const HostConn, *mut u16) -> bool,
    reset_status_line: unsafe extern "system" fn(*const HostConn),
}

#[repr(C)]
struct HostConn {
    vt: &'static ConnVtable,
    state: Mutex<ConnState>,
    cv: Condvar,
}

static CONN_VT: ConnVtable = ConnVtable {
    dtor: [0; DTOR_SLOTS],
    add_error: conn_add_error,
    read: conn_read,
    write: conn_write,
    register_profile_as: conn_register,
    set_event_buffer_depth: conn_set_depth,
    get_event_buffer_depth: conn_get_depth,
    external_event: conn_event,
    clean_event_buffer: conn_clean,
    set_status_line: conn_status,
    reset_status_line: conn_reset,
};

/// The connection's state, locked.
///
/// # Safety
/// `c` is the `Box<HostConn>` owned by the `Host1C`, alive for `'a` (the
/// host outlives every object that calls back into it).
unsafe fn state<'a>(c: *const HostConn) -> std::sync::MutexGuard<'a, ConnState> {
    // SAFETY: alive for 'a by this function's contract.
    unsafe { &*c }
        .state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

unsafe extern "system" fn conn_add_error(
    c: *const HostConn,
    _: c_ushort,
    _: *const u16,
    d: *const u16,
    _: c_long,
) -> bool {
    // SAFETY: the add-in passes a NUL-terminated description.
    let text = unsafe { wstr(d) };
    // SAFETY: `c` is this host's connection, alive while the add-in calls back.
    unsafe { state(c) }.last_error = Some(text);
    true
}
// Profile storage (Read/Write/RegisterProfileAs) is a 1C feature the add-in
// never uses: this host has none, and says so by failing, as 1C does when a
// profile is missing.
unsafe extern "system" fn conn_read(
    _: *const HostConn,
    _: *mut u16,
    _: *mut TVariant,
    _: *mut c_long,
    _: *mut *mut u16,
) -> bool {
    false
}
unsafe extern "system" fn conn_write(_: *const HostConn, _: *mut u16, _: *mut TVariant) -> bool {
    false
}
unsafe extern "system" fn conn_register(_: *const HostConn, _: *mut u16) -> bool {
    false
}
unsafe extern "system" fn conn_set_depth(c: *const HostConn, d: c_long) -> bool {
    // SAFETY: as in `conn_add_error`.
    unsafe { state(c) }.depth = d.max(1) as usize;
    true
}
unsafe extern "system" fn conn_get_depth(c: *const HostConn) -> c_long {
    // SAFETY: as in `conn_add_error`.
    unsafe { state(c) }.depth as c_long
}
unsafe extern "system" fn conn_event(
    c: *const HostConn,
    _: *const u16,
    m: *const u16,
    d: *const u16,
) -> bool {
    // SAFETY: the add-in passes NUL-terminated strings.
    let (m, d) = unsafe { (wstr(m), wstr(d)) };
    // SAFETY: as in `conn_add_error`.
    let mut s = unsafe { state(c) };
    if s.events.len() >= s.depth {
        return false;
    }
    s.events.push_back((m, d));
    // SAFETY: as in `state`.
    unsafe { &*c }.cv.notify_all();
    true
}
unsafe extern "system" fn conn_clean(c: *const HostConn) {
    // SAFETY: as in `conn_add_error`.
    unsafe { state(c) }.events.clear();
}
unsafe extern "system" fn conn_status(_: *const HostConn, _: *mut u16) -> bool {
    true
}
unsafe extern "system" fn conn_reset(_: *const HostConn) {}

type GetClassObject = unsafe extern "system" fn(*const u16, *mut *mut c_void) -> c_long;
type DestroyObject = unsafe extern "system" fn(*mut *mut c_void) -> c_long;

/// A loaded add-in library with a host around it.
pub struct Host1C {
    /// The library, or `None` for the add-in linked into this process.
    lib: Option<libloading::Library>,
    mem: Box<HostMemory>,
    conn: Box<HostConn>,
}

/// One add-in object (`Новый("AddIn.SDKWA.Client")`).
pub struct Object1C<'a> {
    host: &'a Host1C,
    ptr: *mut c_void,
}

fn to_wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

impl Host1C {
    /// Loads the library at `path` as 1C does.
    pub fn load(path: &std::path::Path) -> Result<Host1C, String> {
        // SAFETY: loading an add-in runs its initializers; for our own library these are Rust statics.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| e.to_string())?;
        Ok(Self::with(Some(lib)))
    }

    /// A host for the add-in compiled into this process (the fuzz targets
    /// use it: no library file, and the sanitizer sees the add-in's code).
    pub fn in_process() -> Host1C {
        Self::with(None)
    }

    fn with(lib: Option<libloading::Library>) -> Host1C {
        Host1C {
            lib,
            mem: Box::new(HostMemory { vt: &MEM_VT }),
            conn: Box::new(HostConn {
                vt: &CONN_VT,
                state: Mutex::new(ConnState {
                    depth: 1,
                    ..Default::default()
                }),
                cv: Condvar::new(),
            }),
        }
    }

    fn get_class_object(&self) -> Result<GetClassObject, String> {
        match &self.lib {
            // SAFETY: the symbol has the Native API signature.
            Some(lib) => unsafe { lib.get::<GetClassObject>(b"GetClassObject") }
                .map(|f| *f)
                .map_err(|e| e.to_string()),
            None => Ok(sdkwa1c::addin::exports::GetClassObject),
        }
    }

    fn destroy_object(&self) -> Option<DestroyObject> {
        match &self.lib {
            // SAFETY: the symbol has the Native API signature.
            Some(lib) => unsafe { lib.get::<DestroyObject>(b"DestroyObject") }
                .ok()
                .map(|f| *f),
            None => Some(sdkwa1c::addin::exports::DestroyObject),
        }
    }

    /// Creates an object of class `Client`: GetClassObject, Init, setMemManager.
    pub fn create(&self) -> Result<Object1C<'_>, String> {
        let get = self.get_class_object()?;
        let mut ptr = std::ptr::null_mut();
        let name = to_wide("Client");
        // SAFETY: a valid name and out-pointer.
        if unsafe { get(name.as_ptr(), &mut ptr) } == 0 || ptr.is_null() {
            return Err("GetClassObject failed".into());
        }
        let obj = Object1C { host: self, ptr };
        // SAFETY: the first interface of a live object; our host objects outlive it.
        unsafe {
            let vt = &**(ptr as *const *const InitDoneVtable);
            (vt.init)(ptr, (&*self.conn as *const HostConn).cast_mut().cast());
            (vt.set_mem_manager)(ptr, (&*self.mem as *const HostMemory).cast_mut().cast());
        }
        Ok(obj)
    }

    /// Waits up to `timeout` for an external event: (message, data).
    pub fn next_event(&self, timeout: Duration) -> Option<(String, String)> {
        let mut s = self.conn.state.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(e) = s.events.pop_front() {
                return Some(e);
            }
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            s = self
                .conn
                .cv
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

impl Object1C<'_> {
    fn lang(&self) -> (&LangExtenderVtable, *mut c_void) {
        // SAFETY: the object's second field is the ILanguageExtenderBase vtable pointer.
        unsafe {
            let this = (self.ptr as *mut *const c_void).add(1).cast::<c_void>();
            (&**(this as *const *const LangExtenderVtable), this)
        }
    }

    /// Sets the language of messages (`SetLocale`).
    pub fn set_locale(&self, loc: &str) {
        let w = to_wide(loc);
        // SAFETY: the third interface of the live object.
        unsafe {
            let this = (self.ptr as *mut *const c_void).add(2).cast::<c_void>();
            ((**(this as *const *const LocaleVtable)).set_locale)(this, w.as_ptr());
        }
    }

    fn take_error(&self) -> String {
        // SAFETY: the connection is owned by `self.host`, alive as long as `self`.
        unsafe { state(&*self.host.conn) }
            .last_error
            .take()
            .unwrap_or_else(|| "call failed".into())
    }

    fn read_ret(&self, v: &mut TVariant) -> Value1C {
        // SAFETY: the add-in filled `v`; strings and blobs were allocated by our memory manager.
        let arg = unsafe { v.read() };
        // SAFETY: both pointers are blocks from mem_alloc (or NULL), freed once.
        unsafe {
            let mem = &*self.host.mem as *const HostMemory;
            match v.vt {
                VTYPE_PWSTR => mem_free(mem, std::ptr::addr_of_mut!(v.value.wstr.ptr).cast()),
                VTYPE_BLOB => mem_free(mem, std::ptr::addr_of_mut!(v.value.str.ptr).cast()),
                _ => {}
            }
        }
        v.vt = VTYPE_EMPTY;
        match arg {
            Arg::Str(s) => Value1C::Str(s),
            Arg::Blob(b) => Value1C::Blob(b.into_inner()),
            Arg::Bool(b) => Value1C::Bool(b),
            Arg::Int(i) => Value1C::Int(i as i32),
            Arg::Num(f) => Value1C::Num(f),
            _ => Value1C::Empty,
        }
    }

    /// Writes a property; `Err` holds the add-in's error text.
    pub fn set(&self, prop: &str, value: &Value1C) -> Result<(), String> {
        let (vt, this) = self.lang();
        let name = to_wide(prop);
        let mut keep = Keep::default();
        let mut v = variant(value, &mut keep);
        // SAFETY: live object, valid name and variant.
        unsafe {
            let n = (vt.find_prop)(this, name.as_ptr());
            if n < 0 {
                return Err(format!("no property {prop}"));
            }
            if (vt.set_prop_val)(this, n, &mut v) {
                Ok(())
            } else {
                Err(self.take_error())
            }
        }
    }

    /// The number of a method, found by name as 1C does (`FindMethod`).
    pub fn find_method(&self, name: &str) -> Option<c_long> {
        let (vt, this) = self.lang();
        let w = to_wide(name);
        // SAFETY: live object, NUL-terminated name.
        let n = unsafe { (vt.find_method)(this, w.as_ptr()) };
        (n >= 0).then_some(n)
    }

    /// The number of methods and of properties the object declares.
    pub fn counts(&self) -> (usize, usize) {
        let (vt, this) = self.lang();
        // SAFETY: live object.
        unsafe {
            (
                (vt.get_n_methods)(this).max(0) as usize,
                (vt.get_n_props)(this).max(0) as usize,
            )
        }
    }

    /// Calls method number `n` with variants exactly as given, as a host
    /// that passes any type tag would; frees what the add-in returned.
    /// `Err` holds the exception text.
    ///
    /// # Safety
    /// Every string or blob variant in `params` points to `len` valid elements.
    pub unsafe fn call_raw(&self, n: c_long, params: &mut [TVariant]) -> Result<Value1C, String> {
        let (vt, this) = self.lang();
        let mut ret = empty();
        // SAFETY: live object; the variants are valid by this function's contract.
        let ok = unsafe {
            if (vt.has_ret_val)(this, n) {
                (vt.call_as_func)(
                    this,
                    n,
                    &mut ret,
                    params.as_mut_ptr(),
                    params.len() as c_long,
                )
            } else {
                (vt.call_as_proc)(this, n, params.as_mut_ptr(), params.len() as c_long)
            }
        };
        let value = self.read_ret(&mut ret);
        if ok {
            Ok(value)
        } else {
            Err(self.take_error())
        }
    }

    /// Writes property number `n` with a variant exactly as given.
    ///
    /// # Safety
    /// As for [`Object1C::call_raw`].
    pub unsafe fn set_raw(&self, n: c_long, value: &mut TVariant) -> Result<(), String> {
        let (vt, this) = self.lang();
        // SAFETY: live object; the variant is valid by this function's contract.
        if unsafe { (vt.set_prop_val)(this, n, value) } {
            Ok(())
        } else {
            Err(self.take_error())
        }
    }

    /// Reads a property.
    pub fn get(&self, prop: &str) -> Result<Value1C, String> {
        let (vt, this) = self.lang();
        let name = to_wide(prop);
        let mut v = empty();
        // SAFETY: live object, valid name and variant.
        unsafe {
            let n = (vt.find_prop)(this, name.as_ptr());
            if n < 0 || !(vt.get_prop_val)(this, n, &mut v) {
                return Err(format!("cannot read {prop}"));
            }
        }
        Ok(self.read_ret(&mut v))
    }

    /// Calls a method as 1C does (omitted trailing parameters get their
    /// defaults); `Err` holds the exception text 1C would show.
    pub fn call(&self, method: &str, args: &[Value1C]) -> Result<Value1C, String> {
        let (vt, this) = self.lang();
        let name = to_wide(method);
        let mut keep = Keep::default();
        // SAFETY: live object; every variant is valid for the call; defaults
        // the add-in allocates are freed by read_ret below.
        unsafe {
            let n = (vt.find_method)(this, name.as_ptr());
            if n < 0 {
                return Err(format!("no method {method}"));
            }
            let count = (vt.get_n_params)(this, n) as usize;
            let mut params: Vec<TVariant> = (0..count).map(|_| empty()).collect();
            for (i, p) in params.iter_mut().enumerate() {
                match args.get(i) {
                    Some(a) => *p = variant(a, &mut keep),
                    None => {
                        (vt.get_param_def_value)(this, n, i as c_long, p);
                    }
                }
            }
            let result = self.call_raw(n, &mut params);
            for p in params.iter_mut().skip(args.len()) {
                self.read_ret(p);
            }
            result
        }
    }
}

impl Drop for Object1C<'_> {
    fn drop(&mut self) {
        // SAFETY: the symbol has the Native API signature; the object is destroyed once.
        unsafe {
            let vt = &**(self.ptr as *const *const InitDoneVtable);
            (vt.done)(self.ptr);
            if let Some(destroy) = self.host.destroy_object() {
                destroy(&mut self.ptr);
            }
        }
    }
}

fn empty() -> TVariant {
    TVariant {
        value: VariantValue { i64: 0 },
        elements: 0,
        vt: VTYPE_EMPTY,
    }
}

/// A variant pointing into `keep` (which must outlive the call).
fn variant(v: &Value1C, keep: &mut Keep) -> TVariant {
    let mut t = empty();
    match v {
        Value1C::Empty => {}
        Value1C::Bool(b) => {
            t.value.b = *b;
            t.vt = VTYPE_BOOL;
        }
        Value1C::Int(i) => {
            t.value.i32 = *i;
            t.vt = VTYPE_I4;
        }
        Value1C::Num(f) => {
            t.value.f64 = *f;
            t.vt = VTYPE_R8;
        }
        Value1C::Str(s) => {
            keep.wide.push(s.encode_utf16().collect());
            let w = keep.wide.last_mut().expect("just pushed");
            t.value.wstr = DataPtr {
                ptr: w.as_mut_ptr(),
                len: w.len() as u32,
            };
            t.vt = VTYPE_PWSTR;
        }
        Value1C::Blob(b) => {
            keep.bytes.push(b.clone());
            let w = keep.bytes.last_mut().expect("just pushed");
            t.value.str = DataPtr {
                ptr: w.as_mut_ptr(),
                len: w.len() as u32,
            };
            t.vt = VTYPE_BLOB;
        }
    }
    t
}
