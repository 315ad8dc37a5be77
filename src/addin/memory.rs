//! The host's `IMemoryManager`: everything handed to 1C is allocated here,
//! because 1C frees it with the same manager.

use std::ffi::{c_ulong, c_void};
use std::ptr;

/// The host's memory manager vtable (one destructor slot with MSVC, two with Itanium).
#[repr(C)]
struct MemoryManagerVtable {
    dtor: usize,
    #[cfg(not(windows))]
    dtor2: usize,
    alloc_memory: unsafe extern "system" fn(*const c_void, *mut *mut c_void, c_ulong) -> bool,
    free_memory: unsafe extern "system" fn(*const c_void, *mut *mut c_void),
}

/// A handle to the host's `IMemoryManager` (given by `setMemManager`).
#[derive(Debug, Clone, Copy)]
pub struct MemoryManager {
    this: *const c_void,
}

// SAFETY: the host's memory manager is a process-wide allocator that 1C
// documents as usable from the add-in's threads; the handle is only a pointer.
unsafe impl Send for MemoryManager {}
// SAFETY: as above; the handle has no interior state of its own.
unsafe impl Sync for MemoryManager {}

/// The longest string or blob handed to 1C (a `u32` length, in bytes).
const MAX_LEN: usize = u32::MAX as usize / 2;

impl MemoryManager {
    /// Wraps the pointer 1C passed to `setMemManager`; `None` for NULL.
    pub fn new(this: *const c_void) -> Option<MemoryManager> {
        (!this.is_null()).then_some(MemoryManager { this })
    }

    fn alloc(&self, bytes: usize) -> Option<*mut c_void> {
        if bytes == 0 || bytes > MAX_LEN {
            return None;
        }
        let mut out: *mut c_void = ptr::null_mut();
        // SAFETY: `this` is the host's live IMemoryManager, whose vtable starts
        // with the destructor slot(s) followed by AllocMemory and FreeMemory.
        let ok = unsafe {
            let vt = &**(self.this as *const *const MemoryManagerVtable);
            (vt.alloc_memory)(self.this, &mut out, bytes as c_ulong)
        };
        (ok && !out.is_null()).then_some(out)
    }

    /// A NUL-terminated UTF-16 copy of `s`: pointer and length in characters.
    pub fn alloc_wstr(&self, s: &str) -> Option<(*mut u16, u32)> {
        // ASCII (most answers: JSON with ids and numbers) is widened byte by
        // byte, a loop the compiler vectorizes; other text is counted first,
        // then written in place: no intermediate vector either way (growing
        // one cost more than the copy on every call's result).
        let ascii = s.is_ascii();
        let len = if ascii {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        let p = self.alloc((len + 1) * 2)? as *mut u16;
        // SAFETY: `p` holds len + 1 u16 (just allocated, 2-byte aligned by
        // any allocator) and does not overlap `s`; an ASCII text has one
        // unit per byte, and encode_utf16 yields exactly `len` units again.
        let out = unsafe { std::slice::from_raw_parts_mut(p, len + 1) };
        if ascii {
            for (o, b) in out.iter_mut().zip(s.bytes()) {
                *o = u16::from(b);
            }
        } else {
            for (o, u) in out.iter_mut().zip(s.encode_utf16()) {
                *o = u;
            }
        }
        out[len] = 0;
        Some((p, len as u32))
    }

    /// A copy of `b`: pointer and length in bytes. An empty blob gets one byte
    /// so that 1C always receives a valid pointer.
    pub fn alloc_bytes(&self, b: &[u8]) -> Option<(*mut u8, u32)> {
        let p = self.alloc(b.len().max(1))? as *mut u8;
        // SAFETY: `p` holds at least b.len() bytes and does not overlap `b`.
        unsafe { ptr::copy_nonoverlapping(b.as_ptr(), p, b.len()) };
        Some((p, b.len() as u32))
    }
}
