//! The add-in's parameter path as 1C drives it: any type tag, length and
//! bytes in the tVariants passed to CallAsFunc/CallAsProc of every method
//! (and to SetPropVal of every property), through the real vtables with a
//! host memory manager. Every call must end in a value or a clear error;
//! a caught panic ("internal error") counts as a failure too.
//!
//! Nothing reaches beyond this machine: after every step IdInstance and the
//! account's user id and token are emptied again (so every instance and
//! account call is refused before any request, after its parameters were
//! read and converted), the address is a closed port on 127.0.0.1 and no
//! proxy is set. `ПолучитьДанныеИнстанса` needs no credentials and takes no
//! parameters: it is skipped, its retries against the closed port would
//! cost 0.6 s an input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdkwa1c_host::{Host1C, Value1C};
use sdkwa1c::addin::variant::{
    DataPtr, TVariant, VTYPE_BLOB, VTYPE_BOOL, VTYPE_EMPTY, VTYPE_I2, VTYPE_I4,
    VTYPE_I8, VTYPE_NULL, VTYPE_PWSTR, VTYPE_R4, VTYPE_R8, VTYPE_TM,
};

/// Reads the fuzzer's bytes front to back; zeros once they run out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        std::array::from_fn(|_| self.u8())
    }
    fn empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Buffers the variants point into; they outlive the call.
#[derive(Default)]
struct Keep {
    wide: Vec<Vec<u16>>,
    bytes: Vec<Vec<u8>>,
}

fn variant(inp: &mut Input, keep: &mut Keep) -> TVariant {
    // SAFETY: all zero bytes are a valid TVariant (integers, null pointers),
    // and every byte of the union is then initialized, as 1C's variants are.
    let mut v: TVariant = unsafe { std::mem::zeroed() };
    v.vt = VTYPE_EMPTY;
    match inp.u8() % 12 {
        0 => v.vt = VTYPE_EMPTY,
        1 => v.vt = VTYPE_NULL,
        2 => (v.vt, v.value.i16) = (VTYPE_I2, i16::from_le_bytes(inp.bytes())),
        3 => (v.vt, v.value.i32) = (VTYPE_I4, i32::from_le_bytes(inp.bytes())),
        4 => (v.vt, v.value.f32) = (VTYPE_R4, f32::from_le_bytes(inp.bytes())),
        5 => (v.vt, v.value.f64) = (VTYPE_R8, f64::from_le_bytes(inp.bytes())),
        6 => {
            v.vt = VTYPE_TM;
            // SAFETY: the union was zeroed above and its tm member is plain
            // integers, so a reference to it is valid whatever was written.
            let tm = unsafe { &mut v.value.tm };
            for f in [
                &mut tm.sec, &mut tm.min, &mut tm.hour, &mut tm.mday, &mut tm.mon, &mut tm.year,
            ] {
                *f = i32::from_le_bytes(inp.bytes());
            }
        }
        7 => (v.vt, v.value.byte) = (VTYPE_BOOL, inp.u8()),
        8 => (v.vt, v.value.i64) = (VTYPE_I8, i64::from_le_bytes(inp.bytes())),
        9 => {
            // A string of any UTF-16 units (lone surrogates included); its
            // length never exceeds the buffer, as 1C's never does.
            let n = inp.u8() as usize;
            let units: Vec<u16> = (0..n).map(|_| u16::from_le_bytes(inp.bytes())).collect();
            let len = inp.u8() as usize % (n + 1);
            v.vt = VTYPE_PWSTR;
            v.value.wstr = DataPtr {
                ptr: if n == 0 { std::ptr::null_mut() } else { units.as_ptr().cast_mut() },
                len: len as u32,
            };
            keep.wide.push(units);
        }
        10 => {
            let n = inp.u8() as usize;
            let data: Vec<u8> = (0..n).map(|_| inp.u8()).collect();
            v.vt = VTYPE_BLOB;
            v.value.str = DataPtr {
                ptr: if n == 0 { std::ptr::null_mut() } else { data.as_ptr().cast_mut() },
                len: n as u32,
            };
            keep.bytes.push(data);
        }
        _ => {
            // Any other tag with arbitrary bytes in the union: the add-in must
            // not read it as a pointer.
            let tag = u16::from_le_bytes(inp.bytes());
            if matches!(tag, VTYPE_PWSTR | VTYPE_BLOB | 8 | 13 | 14 | 15 | 20 | 21) {
                return v; // pointer-carrying tags need valid pointers, as from 1C
            }
            v.vt = tag;
            v.value.i64 = i64::from_le_bytes(inp.bytes());
        }
    }
    v
}

/// Puts back the settings that keep every call on this machine.
fn stay_local(obj: &sdkwa1c_host::Object1C<'_>) {
    for (prop, value) in [
        ("IdInstance", ""),
        ("ИдентификаторПользователя", ""),
        ("ТокенПользователя", ""),
        ("Прокси", ""),
        ("АдресAPI", "http://127.0.0.1:9"),
    ] {
        obj.set(prop, &Value1C::Str(value.into())).unwrap();
    }
}

fuzz_target!(|data: &[u8]| {
    let host = Host1C::in_process();
    let obj = host.create().expect("GetClassObject");
    stay_local(&obj);
    let (methods, props) = obj.counts();
    let get_instance = sdkwa1c::addin::table::find_method("GetInstance").map(|i| i as i64);
    let mut inp = Input(data);
    for _ in 0..4 {
        if inp.empty() {
            break;
        }
        let op = inp.u8();
        let mut keep = Keep::default();
        if op % 4 == 3 {
            // SetPropVal with any variant, then the local settings back.
            let n = inp.u8() as i64 % (props as i64 + 2) - 1;
            let mut v = variant(&mut inp, &mut keep);
            // SAFETY: every pointer in `v` points into `keep`, valid for its length.
            let r = unsafe { obj.set_raw(n as _, &mut v) };
            if let Err(e) = r {
                assert!(!e.contains("Internal") && !e.contains("Внутренняя"), "{e}");
            }
            stay_local(&obj);
            continue;
        }
        let n = inp.u8() as i64 % (methods as i64 + 2) - 1;
        if Some(n) == get_instance {
            continue;
        }
        let count = inp.u8() as usize % 8;
        let mut params: Vec<TVariant> = (0..count).map(|_| variant(&mut inp, &mut keep)).collect();
        // SAFETY: every pointer in `params` points into `keep`, valid for its length.
        match unsafe { obj.call_raw(n as _, &mut params) } {
            Ok(_) => {}
            Err(e) => {
                assert!(!e.is_empty());
                assert!(!e.contains("Internal") && !e.contains("Внутренняя"), "{e}");
            }
        }
    }
});
