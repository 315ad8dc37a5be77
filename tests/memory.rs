//! Large answers pass through as text: a 10 MB answer must not cost several
//! times its size (building a JSON tree would cost ~6×). Measured with a
//! counting allocator around the call, the sandbox in the same process.

mod common;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use sdkwa_sandbox::{Fault, FaultKind};

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
    let base = counting_alloc::reset_peak();
    let text = c.get_chat_history_text("79001234567", 100).unwrap();
    let peak = counting_alloc::peak_since(base);
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
