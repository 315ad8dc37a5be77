//! The host's `IAddInDefBase` (given by `Init`): error reports and external
//! events. 1C documents `ExternalEvent` as callable from any thread.

use std::ffi::{c_int, c_long, c_ushort, c_void};
use std::sync::atomic::{AtomicI32, Ordering};

/// `ADDIN_E_FAIL`: the error code that makes 1C raise an exception with our text.
pub const ADDIN_E_FAIL: c_ushort = 1006;

#[repr(C)]
struct AddInDefBaseVtable {
    dtor: usize,
    #[cfg(not(windows))]
    dtor2: usize,
    add_error:
        unsafe extern "system" fn(*const c_void, c_ushort, *const u16, *const u16, c_long) -> bool,
    read: usize,
    write: usize,
    register_profile_as: usize,
    set_event_buffer_depth: unsafe extern "system" fn(*const c_void, c_long) -> bool,
    get_event_buffer_depth: unsafe extern "system" fn(*const c_void) -> c_long,
    external_event:
        unsafe extern "system" fn(*const c_void, *const u16, *const u16, *const u16) -> bool,
    clean_event_buffer: usize,
    set_status_line: usize,
    reset_status_line: usize,
    /// `IAddInDefBaseEx::GetInterface`: present only when the platform
    /// declared `eAppCapabilities1` or later (see [`platform_capabilities`]);
    /// never read otherwise, as a plain `IAddInDefBase` ends before it.
    get_interface: unsafe extern "system" fn(*const c_void, c_int) -> *const c_void,
}

/// `Interfaces::eIPlatformInfo`.
const I_PLATFORM_INFO: c_int = 1;

/// `IPlatformInfo`'s vtable: `IInterface` has no virtual destructor, so the
/// one method is the only slot.
#[repr(C)]
struct PlatformInfoVtable {
    get_platform_info: unsafe extern "system" fn(*const c_void) -> *const AppInfo,
}

/// `IPlatformInfo::AppInfo`.
#[repr(C)]
struct AppInfo {
    app_version: *const u16,
    user_agent: *const u16,
    application: c_int,
}

/// `IPlatformInfo::AppType`: where the add-in runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppType {
    /// The platform did not say (an older platform or a test host).
    Unknown,
    /// Thin, thick or web client, or the mobile client: events reach `ОбработкаВнешнегоСобытия`.
    Client,
    /// The 1C server (also the mobile one).
    Server,
    /// An external (COM) connection.
    ExternalConnection,
}

/// What the platform passed to `SetPlatformCapabilities` (-1: not called).
static PLATFORM_CAPABILITIES: AtomicI32 = AtomicI32::new(-1);

/// Remembers the platform's capability level (`SetPlatformCapabilities`).
pub fn set_platform_capabilities(level: c_int) {
    PLATFORM_CAPABILITIES.store(level, Ordering::SeqCst);
}

/// The platform's capability level; from 1 on, `Init` receives an
/// `IAddInDefBaseEx` whose `GetInterface` gives `IPlatformInfo`.
pub fn platform_capabilities() -> c_int {
    PLATFORM_CAPABILITIES.load(Ordering::SeqCst)
}

/// A handle to the host's connection object.
#[derive(Debug, Clone, Copy)]
pub struct Host {
    this: *const c_void,
}

// SAFETY: 1C's IAddInDefBase may be called from the add-in's own threads
// (ExternalEvent is meant for that); the handle itself is only a pointer.
unsafe impl Send for Host {}
// SAFETY: as above.
unsafe impl Sync for Host {}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

impl Host {
    /// Wraps the pointer 1C passed to `Init`; `None` for NULL.
    pub fn new(this: *const c_void) -> Option<Host> {
        (!this.is_null()).then_some(Host { this })
    }

    fn vtable(&self) -> &AddInDefBaseVtable {
        // SAFETY: `this` is the host's live IAddInDefBase whose first field is its vtable pointer.
        unsafe { &**(self.this as *const *const AddInDefBaseVtable) }
    }

    /// Reports an error: with `ADDIN_E_FAIL` the next `false` from a call
    /// becomes a 1C exception with `descr` as its text.
    pub fn add_error(&self, code: c_ushort, source: &str, descr: &str) -> bool {
        let (s, d) = (wide(source), wide(descr));
        // SAFETY: valid NUL-terminated UTF-16 buffers alive for the call.
        unsafe { (self.vtable().add_error)(self.this, code, s.as_ptr(), d.as_ptr(), -1) }
    }

    /// Queues an event for `ОбработкаВнешнегоСобытия`; `false` when the
    /// host's event buffer is full (the event was not taken).
    pub fn external_event(&self, source: &str, message: &str, data: &str) -> bool {
        let (s, m, d) = (wide(source), wide(message), wide(data));
        // SAFETY: valid NUL-terminated UTF-16 buffers alive for the call; 1C copies them.
        unsafe { (self.vtable().external_event)(self.this, s.as_ptr(), m.as_ptr(), d.as_ptr()) }
    }

    /// The event buffer's size.
    pub fn event_buffer_depth(&self) -> c_long {
        // SAFETY: a method without arguments of the live host object.
        unsafe { (self.vtable().get_event_buffer_depth)(self.this) }
    }

    /// Where the add-in runs, from `IPlatformInfo` when the platform offers it.
    pub fn app_type(&self) -> AppType {
        if platform_capabilities() < 1 {
            return AppType::Unknown;
        }
        // SAFETY: with capabilities >= 1 the connection is an IAddInDefBaseEx,
        // whose vtable has GetInterface after ResetStatusLine; the interface
        // returned is NULL or a live IPlatformInfo, whose AppInfo stays valid
        // while the platform runs.
        let app = unsafe {
            let info = (self.vtable().get_interface)(self.this, I_PLATFORM_INFO);
            if info.is_null() {
                return AppType::Unknown;
            }
            let vt = &**(info as *const *const PlatformInfoVtable);
            let app = (vt.get_platform_info)(info);
            if app.is_null() {
                return AppType::Unknown;
            }
            (*app).application
        };
        match app {
            0..=2 | 5 => AppType::Client,
            3 | 6 => AppType::Server,
            4 => AppType::ExternalConnection,
            _ => AppType::Unknown,
        }
    }

    /// Sets the event buffer's size.
    pub fn set_event_buffer_depth(&self, depth: c_long) -> bool {
        // SAFETY: a method of the live host object.
        unsafe { (self.vtable().set_event_buffer_depth)(self.this, depth) }
    }
}
