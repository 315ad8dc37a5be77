//! The host's `IAddInDefBase` (given by `Init`): error reports and external
//! events. 1C documents `ExternalEvent` as callable from any thread.

use std::ffi::{c_long, c_ushort, c_void};

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

    /// Sets the event buffer's size.
    pub fn set_event_buffer_depth(&self, depth: c_long) -> bool {
        // SAFETY: a method of the live host object.
        unsafe { (self.vtable().set_event_buffer_depth)(self.this, depth) }
    }
}
