//! `tVariant` (1C's `types.h`) and its conversion to and from Rust values.
//!
//! The union holds a `struct tm`, whose size differs by platform (56 bytes
//! with glibc on 64-bit Linux, 36 with MSVC/mingw), so the whole variant is
//! 64 bytes on Linux x64, 52 on Linux x86 (4-byte `long` and pointers) and
//! 48 on Windows. The sizes are asserted at compile time below and against
//! the real header by the host emulator test (built with `-m32` for x86).

use std::cell::RefCell;
use std::ffi::c_int;
#[cfg(not(windows))]
use std::ffi::{c_char, c_long};

use super::memory::MemoryManager;

/// `VTYPE_EMPTY`: an omitted parameter.
pub const VTYPE_EMPTY: u16 = 0;
/// `VTYPE_NULL`.
pub const VTYPE_NULL: u16 = 1;
/// `VTYPE_I2`.
pub const VTYPE_I2: u16 = 2;
/// `VTYPE_I4`: a whole Число that fits 32 bits.
pub const VTYPE_I4: u16 = 3;
/// `VTYPE_R4`.
pub const VTYPE_R4: u16 = 4;
/// `VTYPE_R8`: any other Число.
pub const VTYPE_R8: u16 = 5;
/// `VTYPE_TM`: Дата.
pub const VTYPE_TM: u16 = 7;
/// `VTYPE_BOOL`: Булево.
pub const VTYPE_BOOL: u16 = 11;
/// `VTYPE_I8`.
pub const VTYPE_I8: u16 = 17;
/// `VTYPE_PWSTR`: Строка (UTF-16 with a length in characters).
pub const VTYPE_PWSTR: u16 = 22;
/// `VTYPE_BLOB`: ДвоичныеДанные.
pub const VTYPE_BLOB: u16 = 23;

/// C's `struct tm` as the platform's C library lays it out.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Tm {
    /// Seconds 0–60.
    pub sec: c_int,
    /// Minutes 0–59.
    pub min: c_int,
    /// Hours 0–23.
    pub hour: c_int,
    /// Day of the month 1–31.
    pub mday: c_int,
    /// Month 0–11.
    pub mon: c_int,
    /// Years since 1900.
    pub year: c_int,
    /// Day of the week.
    pub wday: c_int,
    /// Day of the year.
    pub yday: c_int,
    /// Daylight saving flag.
    pub isdst: c_int,
    /// glibc's extra fields.
    #[cfg(not(windows))]
    pub gmtoff: c_long,
    /// glibc's extra fields.
    #[cfg(not(windows))]
    pub zone: *const c_char,
}

/// A UTF-16 string or a byte buffer: a pointer and a length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DataPtr<T> {
    /// The data.
    pub ptr: *mut T,
    /// Characters (strings) or bytes (blobs).
    pub len: u32,
}

/// The value part of `tVariant`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union VariantValue {
    /// `bVal`.
    pub b: bool,
    /// `bVal` as its byte: read this way, a host byte other than 0 or 1 is
    /// still a valid boolean (a Rust `bool` with another value would be UB).
    pub byte: u8,
    /// `lVal`.
    pub i32: i32,
    /// `shortVal`.
    pub i16: i16,
    /// `llVal`.
    pub i64: i64,
    /// `fltVal`.
    pub f32: f32,
    /// `dblVal`.
    pub f64: f64,
    /// `tmVal`.
    pub tm: Tm,
    /// `pwstrVal` + `wstrLen`.
    pub wstr: DataPtr<u16>,
    /// `pstrVal` + `strLen`.
    pub str: DataPtr<u8>,
}

/// 1C's `tVariant`.
#[repr(C)]
pub struct TVariant {
    /// The value.
    pub value: VariantValue,
    /// `cbElements` (unused here).
    pub elements: u32,
    /// The type tag (`VTYPE_*`).
    pub vt: u16,
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
const _: () = assert!(std::mem::size_of::<TVariant>() == 64);
// glibc i386: struct tm is 44 bytes, so the variant is 52 with `vt` at 48;
// `long` (the Native API's indexes and counts) is 4 bytes like a pointer.
#[cfg(all(target_os = "linux", target_pointer_width = "32"))]
const _: () = assert!(
    std::mem::size_of::<TVariant>() == 52
        && std::mem::offset_of!(TVariant, vt) == 48
        && std::mem::size_of::<Tm>() == 44
        && std::mem::size_of::<c_long>() == 4
);
#[cfg(all(windows, target_pointer_width = "64"))]
const _: () = assert!(std::mem::size_of::<TVariant>() == 48);
#[cfg(all(windows, target_pointer_width = "32"))]
const _: () = assert!(std::mem::size_of::<TVariant>() == 48);

/// A parameter value as the add-in sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Omitted (`VTYPE_EMPTY`) or `Null`.
    Empty,
    /// A whole number.
    Int(i64),
    /// A floating point number.
    Num(f64),
    /// Булево.
    Bool(bool),
    /// Строка.
    Str(String),
    /// Дата as `YYYY-MM-DDTHH:MM:SS`.
    Date(String),
    /// ДвоичныеДанные.
    Blob(Blob),
    /// ДвоичныеДанные longer than the parameter limit: refused by its length
    /// alone, before any byte is copied (the length in bytes).
    TooLarge(u64),
    /// A type the add-in does not accept (its tag).
    Other(u16),
    /// A Строка that is not valid UTF-16 (a lone surrogate at this
    /// 1-based position): refused rather than silently altered.
    BadText(usize),
}

impl Arg {
    /// The 1C name of the value's type, for error texts.
    pub fn type_name(&self, ru: bool) -> String {
        let (r, e) = match self {
            Arg::Empty => ("Неопределено", "Undefined"),
            Arg::Int(_) | Arg::Num(_) => ("Число", "Number"),
            Arg::Bool(_) => ("Булево", "Boolean"),
            Arg::Str(_) => ("Строка", "String"),
            Arg::Date(_) => ("Дата", "Date"),
            Arg::Blob(_) | Arg::TooLarge(_) => ("ДвоичныеДанные", "BinaryData"),
            Arg::Other(t) => return format!("{} {t}", if ru { "тип" } else { "type" }),
            Arg::BadText(at) => {
                return if ru {
                    format!("Строка с недопустимым символом UTF-16 в позиции {at}")
                } else {
                    format!("String with an invalid UTF-16 character at position {at}")
                }
            }
        };
        (if ru { r } else { e }).to_string()
    }
}

/// ДвоичныеДанные read from 1C (the one copy out of 1C's memory). The
/// parameter that sends them takes the bytes out with [`Blob::take`]
/// instead of cloning them: a large value is never copied a second time.
#[derive(Clone, PartialEq, Default)]
pub struct Blob(RefCell<Vec<u8>>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: Vec<u8>) -> Blob {
        Blob(RefCell::new(bytes))
    }

    /// The length in bytes (0 once taken).
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether there are no bytes (or they were taken).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the bytes out, leaving the value empty.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0.into_inner()
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Blob {
        Blob::new(bytes)
    }
}

// The length only: a parameter's Debug must not dump megabytes.
impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({} bytes)", self.len())
    }
}

/// What the add-in returns to 1C.
#[derive(Debug, Clone, PartialEq)]
pub enum Ret {
    /// Неопределено.
    Empty,
    /// Булево.
    Bool(bool),
    /// Число.
    Int(i32),
    /// Строка.
    Str(String),
    /// ДвоичныеДанные.
    Blob(Vec<u8>),
}

impl TVariant {
    /// Reads the value.
    ///
    /// # Safety
    /// `self` is a variant filled by the host: for strings and blobs the
    /// pointer is valid for `len` elements (or NULL).
    pub unsafe fn read(&self) -> Arg {
        // SAFETY: the same contract.
        unsafe { self.read_limited(u64::MAX) }
    }

    /// Reads a parameter: ДвоичныеДанные longer than `max_blob` bytes become
    /// [`Arg::TooLarge`] without being copied (a 500 MB value must not cost
    /// memory, or abort 1C when an allocation fails, only to be refused).
    ///
    /// # Safety
    /// As [`TVariant::read`].
    pub unsafe fn read_limited(&self, max_blob: u64) -> Arg {
        // SAFETY: (all union reads) the tag says which member is valid; the
        // host's pointers are valid for their lengths by this function's contract.
        unsafe {
            match self.vt {
                VTYPE_EMPTY | VTYPE_NULL => Arg::Empty,
                VTYPE_I2 => Arg::Int(i64::from(self.value.i16)),
                VTYPE_I4 => Arg::Int(i64::from(self.value.i32)),
                VTYPE_I8 => Arg::Int(self.value.i64),
                VTYPE_R4 => Arg::Num(f64::from(self.value.f32)),
                VTYPE_R8 => Arg::Num(self.value.f64),
                VTYPE_BOOL => Arg::Bool(self.value.byte != 0),
                VTYPE_PWSTR => {
                    let DataPtr { ptr, len } = self.value.wstr;
                    if ptr.is_null() || len == 0 {
                        Arg::Str(String::new())
                    } else {
                        let units = std::slice::from_raw_parts(ptr, len as usize);
                        match String::from_utf16(units) {
                            Ok(s) => Arg::Str(s),
                            Err(_) => Arg::BadText(first_invalid(units)),
                        }
                    }
                }
                VTYPE_BLOB => {
                    let DataPtr { ptr, len } = self.value.str;
                    if ptr.is_null() || len == 0 {
                        Arg::Blob(Blob::default())
                    } else if u64::from(len) > max_blob {
                        Arg::TooLarge(u64::from(len))
                    } else {
                        // The one copy: 1C owns its buffer and frees it after the call.
                        Arg::Blob(
                            std::slice::from_raw_parts(ptr, len as usize)
                                .to_vec()
                                .into(),
                        )
                    }
                }
                VTYPE_TM => {
                    let t = self.value.tm;
                    // In i64: a host's extreme year or month must not overflow
                    // (found by fuzz/addin_variants; see the test below).
                    Arg::Date(format!(
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                        i64::from(t.year) + 1900,
                        i64::from(t.mon) + 1,
                        t.mday,
                        t.hour,
                        t.min,
                        t.sec
                    ))
                }
                other => Arg::Other(other),
            }
        }
    }

    /// Stores `ret`, allocating strings and blobs with the host's memory
    /// manager (1C frees them). Returns `false` when the host could not
    /// allocate; the variant is then empty.
    pub fn write(&mut self, ret: &Ret, mem: &MemoryManager) -> bool {
        self.vt = VTYPE_EMPTY;
        self.elements = 0;
        match ret {
            Ret::Empty => true,
            Ret::Bool(b) => {
                self.value.b = *b;
                self.vt = VTYPE_BOOL;
                true
            }
            Ret::Int(i) => {
                self.value.i32 = *i;
                self.vt = VTYPE_I4;
                true
            }
            Ret::Str(s) => match mem.alloc_wstr(s) {
                Some((ptr, len)) => {
                    self.value.wstr = DataPtr { ptr, len };
                    self.vt = VTYPE_PWSTR;
                    true
                }
                None => false,
            },
            Ret::Blob(b) => match mem.alloc_bytes(b) {
                Some((ptr, len)) => {
                    self.value.str = DataPtr { ptr, len };
                    self.vt = VTYPE_BLOB;
                    true
                }
                None => false,
            },
        }
    }
}

/// The 1-based position (in characters) of the first unpaired surrogate.
fn first_invalid(units: &[u16]) -> usize {
    char::decode_utf16(units.iter().copied())
        .position(|c| c.is_err())
        .map_or(0, |p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm_variant(year: c_int, mon: c_int) -> TVariant {
        // Every field written: the union's other bytes must not be read uninitialized.
        TVariant {
            value: VariantValue {
                tm: Tm {
                    sec: 0,
                    min: 0,
                    hour: 0,
                    mday: 31,
                    mon,
                    year,
                    wday: 0,
                    yday: 0,
                    isdst: 0,
                    #[cfg(not(windows))]
                    gmtoff: 0,
                    #[cfg(not(windows))]
                    zone: std::ptr::null(),
                },
            },
            elements: 0,
            vt: VTYPE_TM,
        }
    }

    /// Regression: fuzz/addin_variants found `year + 1900` overflowing.
    #[test]
    fn extreme_dates_do_not_overflow() {
        // SAFETY: a TM variant without pointers.
        let a = unsafe { tm_variant(c_int::MAX, c_int::MAX).read() };
        assert_eq!(
            a,
            Arg::Date(format!(
                "{}-{}-31T00:00:00",
                i64::from(c_int::MAX) + 1900,
                i64::from(c_int::MAX) + 1
            ))
        );
        // SAFETY: as above.
        let b = unsafe { tm_variant(126, 10).read() };
        assert_eq!(b, Arg::Date("2026-11-31T00:00:00".into()));
    }

    #[test]
    fn lone_surrogates_are_found_at_their_position() {
        assert_eq!(first_invalid(&[0x41, 0xDC00]), 2);
        assert_eq!(first_invalid(&[0xD800, 0x41]), 1);
        let mut units = [0x41u16, 0x42, 0xDFFF];
        let v = TVariant {
            value: VariantValue {
                wstr: DataPtr {
                    ptr: units.as_mut_ptr(),
                    len: 3,
                },
            },
            elements: 0,
            vt: VTYPE_PWSTR,
        };
        // SAFETY: `units` outlives the read.
        assert_eq!(unsafe { v.read() }, Arg::BadText(3));
    }
}
