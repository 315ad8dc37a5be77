//! Large answers pass through as text: a 10 MB answer must not cost several
//! times its size (building a JSON tree would cost ~6×). Measured with a
//! counting allocator around the call, the sandbox in the same process.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sdkwa1c::sandbox::{Fault, FaultKind};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(p, l) };
        CURRENT.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn a_10mb_answer_costs_less_than_3x_its_size() {
    const SIZE: usize = 10 * 1024 * 1024;
    let sb = common::sandbox();
    let c = common::client(&sb);
    c.get_state_instance().unwrap(); // warm up the connection pool
    sb.add_fault(Fault {
        kind: FaultKind::Oversized { bytes: SIZE },
        count: 1,
        method: Some("getChatHistory".into()),
    });
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let text = c.get_chat_history_text("79001234567", 100).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(text.len() >= SIZE);
    let ratio = peak as f64 / text.len() as f64;
    println!(
        "answer {} bytes, peak extra memory {} bytes = {ratio:.2}x",
        text.len(),
        peak
    );
    assert!(
        ratio <= 3.0,
        "peak {peak} for {} bytes = {ratio:.2}x",
        text.len()
    );
}
