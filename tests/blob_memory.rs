//! ДвоичныеДанные cost one copy, not four (issue 16 item 7). Measured with a
//! counting allocator around one `ЗагрузитьФайл` call made through the
//! add-in's own vtables (the in-process 1C host), the value pointing at a
//! buffer the test owns as 1C would, sent to a sink server that reads the
//! body in 64 KB pieces and keeps nothing.

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use sdkwa1c::addin::variant::{DataPtr, TVariant, VariantValue, VTYPE_BLOB};
use sdkwa1c::api::file::MAX_UPLOAD_BYTES;
use sdkwa1c_host::{Host1C, Value1C};

/// An HTTP server that swallows each request's body and answers
/// `{"urlFile": …}`; its own memory use does not grow with the body.
fn sink() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut r = BufReader::new(conn.try_clone().unwrap());
            let mut len = 0u64;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut buf = [0u8; 65536];
            let mut body = r.take(len);
            while body.read(&mut buf).unwrap_or(0) > 0 {}
            let answer = r#"{"urlFile":"https://files.invalid/x.bin"}"#;
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    url
}

/// A ДвоичныеДанные parameter over `data`, as 1C passes it.
fn blob(data: &mut [u8]) -> TVariant {
    TVariant {
        value: VariantValue {
            str: DataPtr {
                ptr: data.as_mut_ptr(),
                len: data.len() as u32,
            },
        },
        elements: 0,
        vt: VTYPE_BLOB,
    }
}

#[test]
fn binary_data_is_copied_once_and_refused_by_length_before_any_copy() {
    let url = sink();
    let host = Host1C::in_process();
    let obj = host.create().unwrap();
    for (p, v) in [
        ("IdInstance", "1101000001"),
        ("ApiToken", "blob-test-token-0123456789"),
        ("АдресAPI", url.as_str()),
    ] {
        obj.set(p, &Value1C::Str(v.into())).unwrap();
    }
    let upload = obj.find_method("ЗагрузитьФайл").unwrap();
    // Warm-up: the client, its runtime and connection pool exist before measuring.
    let mut small = vec![1u8; 1024];
    // SAFETY: `small` outlives the call; the add-in only reads parameters.
    let r = unsafe { obj.call_raw(upload, &mut [blob(&mut small)]) };
    assert!(r.unwrap().as_str().unwrap().contains("urlFile"));

    const SIZE: usize = 32 * 1024 * 1024;
    let mut data = vec![7u8; SIZE];
    let mut params = [blob(&mut data)];
    let base = counting_alloc::reset_peak();
    // SAFETY: as above.
    let r = unsafe { obj.call_raw(upload, &mut params) };
    let peak = counting_alloc::peak_since(base);
    assert!(r.unwrap().as_str().unwrap().contains("urlFile"));
    let copies = peak as f64 / SIZE as f64;
    println!(
        "a {SIZE}-byte ДвоичныеДанные upload: peak extra memory {peak} bytes = {copies:.2} copies"
    );
    assert!(
        copies < 1.5,
        "one copy out of 1C's buffer, no more: {copies:.2}"
    );

    // Over the limit: refused by the length in the variant, nothing copied.
    // vec![0; n] maps zeroed pages lazily: the test itself stays small.
    let mut big = vec![0u8; MAX_UPLOAD_BYTES as usize + 1];
    let mut params = [blob(&mut big)];
    let base = counting_alloc::reset_peak();
    // SAFETY: as above.
    let r = unsafe { obj.call_raw(upload, &mut params) };
    let peak = counting_alloc::peak_since(base);
    let e = r.unwrap_err();
    println!("over the limit: refused with peak extra memory {peak} bytes: {e}");
    assert!(e.contains("100 МБ") || e.contains("100 MB"), "{e}");
    assert!(peak < 1024 * 1024, "refused before copying: {peak} bytes");
}
