//! Every command against the sandbox: it works, a wrong token gives exit 3,
//! bad input exit 2 with nothing sent, a service that is down exit 4, and
//! no token ever appears in what it printed (checked by `common::run`).

mod common;

use common::*;
use sdkwa_sandbox::{Sandbox, DEFAULT_TOKEN, DEFAULT_USER_TOKEN};
use serde_json::Value;

/// Texts the sandbox's journal holds for instance `ID`.
fn journal(sb: &Sandbox) -> Vec<String> {
    sb.messages(ID)
        .iter()
        .filter_map(|m| {
            m.get("textMessage")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn send() {
    let sb = sandbox();
    let out = expect(
        good(&sb),
        &["send", "+7 (900) 123-45-67", "hello from the cli"],
        0,
    );
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        v["idMessage"].as_str().is_some_and(|s| !s.is_empty()),
        "{out}"
    );
    assert_eq!(journal(&sb), ["hello from the cli"]);
    let sent = sb.messages(ID);
    assert_eq!(sent[0]["chatId"], "79001234567@c.us", "{sent:?}");

    expect(bad_token(&sb), &["send", "79001234567", "x"], 3);
    let err = run(good(&sb), &["send", "not a phone", "x"]);
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("chatId"),
        "names the parameter"
    );
    expect(down(), &["send", "79001234567", "x"], 4);
    assert_eq!(journal(&sb).len(), 1, "nothing else was sent");
}

#[test]
fn send_reads_the_text_from_stdin() {
    let sb = sandbox();
    let args = ["send", "79001234567", "-"];
    let mut c = good(&sb);
    c.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("line one\nline two\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    no_secret(&out, &args);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("idMessage"));
    assert_eq!(journal(&sb), ["line one\nline two"]);
}

#[test]
fn send_file() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let f = file(dir.path(), "invoice.txt", b"invoice 42");
    let out = expect(
        good(&sb),
        &["send-file", "79001234567", &f, "--caption", "Invoice 42"],
        0,
    );
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v["idMessage"].is_string(), "{out}");
    let m = sb.messages(ID);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["caption"], "Invoice 42", "{m:?}");
    assert_eq!(m[0]["fileName"], "invoice.txt", "{m:?}");

    expect(bad_token(&sb), &["send-file", "79001234567", &f], 3);
    expect(good(&sb), &["send-file", "abc", &f], 2);
    let missing = dir.path().join("missing.pdf");
    let code = run(
        good(&sb),
        &["send-file", "79001234567", &missing.to_string_lossy()],
    )
    .status
    .code();
    assert!(
        matches!(code, Some(2) | Some(12)),
        "a missing file is bad input or a file error: {code:?}"
    );
    expect(down(), &["send-file", "79001234567", &f], 4);
    assert_eq!(sb.messages(ID).len(), 1);
}

#[test]
fn call() {
    let sb = sandbox();
    let out = expect(good(&sb), &["call", "getSettings"], 0);
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v.get("wid").is_some(), "{out}");
    let out = expect(
        good(&sb),
        &[
            "call",
            "SENDMESSAGE",
            r#"{"chatId":"79001234567","message":"by call"}"#,
        ],
        0,
    );
    assert!(out.contains("idMessage"));
    assert_eq!(journal(&sb), ["by call"]);

    expect(bad_token(&sb), &["call", "getSettings"], 3);
    for bad in [
        vec!["call", "noSuchMethod"],
        vec!["call", "sendMessage", "{not json"],
        vec!["call", "sendMessage", r#"{"chatId":"79001234567"}"#],
        vec![
            "call",
            "downloadFile",
            r#"{"chatId":"79001234567","idMessage":"x"}"#,
        ],
    ] {
        expect(good(&sb), &bad, 2);
    }
    expect(down(), &["call", "getSettings"], 4);
}

#[test]
fn call_saves_a_bytes_answer_with_o() {
    let sb = sandbox();
    let id = sb
        .incoming_file(ID, "79001234567@c.us", "photo.jpg", b"\xff\xd8jpeg bytes")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("out.jpg");
    let params = format!(r#"{{"chatId":"79001234567","idMessage":"{id}"}}"#);
    expect(
        good(&sb),
        &["call", "downloadFile", &params, "-o", &to.to_string_lossy()],
        0,
    );
    assert_eq!(std::fs::read(&to).unwrap(), b"\xff\xd8jpeg bytes");
}

#[test]
fn state() {
    let sb = sandbox();
    let out = expect(good(&sb), &["state"], 0);
    assert_eq!(out.trim(), r#"{"stateInstance":"authorized"}"#);
    expect(bad_token(&sb), &["state"], 3);
    expect(good(&sb), &["state", "--timeout", "soon"], 2);
    expect(good(&sb), &["state", "--messenger", "icq"], 2);
    expect(good(&sb), &["state", "--api-url", "ftp://127.0.0.1"], 2);
    expect(down(), &["state"], 4);
}

/// The modules of a QR code drawn with half blocks (light modules drawn).
fn modules(drawing: &str) -> Vec<Vec<bool>> {
    let mut rows = Vec::new();
    for line in drawing.lines() {
        let (mut top, mut bottom) = (Vec::new(), Vec::new());
        for c in line.chars() {
            let (t, b) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                ' ' => (false, false),
                other => panic!("unexpected {other:?} in the QR drawing"),
            };
            // Blocks are the light modules: dark = not drawn.
            top.push(!t);
            bottom.push(!b);
        }
        rows.push(top);
        rows.push(bottom);
    }
    rows
}

fn decode(w: usize, h: usize, dark: impl Fn(usize, usize) -> bool) -> String {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| if dark(x, y) { 0 } else { 255 });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

#[test]
fn qr() {
    let sb = sandbox();
    sb.add_instance("1101000002", "second-instance-token-77aa", false);
    let second = |url: &str| {
        let mut c = sdkwa(url, "second-instance-token-77aa");
        c.env("SDKWA_ID_INSTANCE", "1101000002");
        c
    };
    let drawing = expect(second(&sb.url()), &["qr"], 0);
    // Scaled up 4× so the detector sees clean edges, then read back.
    let grid = modules(&drawing);
    let (h, w) = (grid.len(), grid[0].len());
    let drawn = decode(w * 4, h * 4, |x, y| {
        grid[y / 4].get(x / 4).copied().unwrap_or(false)
    });
    let dir = tempfile::tempdir().unwrap();
    let png_path = dir.path().join("qr.png");
    expect(
        second(&sb.url()),
        &["qr", "--png", &png_path.to_string_lossy()],
        0,
    );
    let png = std::fs::read(&png_path).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG was saved");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let (pw, ph) = (info.width as usize, info.height as usize);
    let saved = decode(pw, ph, |x, y| buf[(y * pw + x) * ch] < 128);
    // The sandbox's code is its link text with the second it was made:
    // the two calls may fall in different seconds.
    let link = |t: &str| t.rsplit_once('/').map(|(l, _)| l.to_string());
    assert_eq!(
        link(&drawn),
        Some("sdkwa-sandbox://link/1101000002".to_string()),
        "the terminal drawing carries the service's QR code: {drawn}"
    );
    assert_eq!(link(&saved), link(&drawn), "{saved}");

    // The linked instance has no QR code: the service rejects it (7).
    let out = run(good(&sb), &["qr"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already authorized"));
    expect(sdkwa(&sb.url(), BAD_TOKEN), &["qr"], 3);
    expect(good(&sb), &["qr", "--png"], 2);
    expect(
        second(&sb.url()),
        &["qr", "--png", "/nonexistent-dir/qr.png"],
        12,
    );
    expect(second(&closed_url()), &["qr"], 4);
}

#[test]
fn receive() {
    let sb = sandbox();
    for t in ["one", "two", "three"] {
        sb.incoming_text(ID, "79001234567@c.us", t).unwrap();
    }
    // --no-delete shows the oldest and leaves it queued.
    let out = expect(good(&sb), &["receive", "--no-delete"], 0);
    assert_eq!(json_lines(&out).len(), 1);
    assert_eq!(sb.queue_len(ID), 3);
    let out = expect(good(&sb), &["receive", "--once"], 0);
    let first = json_lines(&out);
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0]["body"]["messageData"]["textMessageData"]["textMessage"],
        "one"
    );
    assert_eq!(sb.queue_len(ID), 2);
    let out = expect(good(&sb), &["receive"], 0);
    let rest = json_lines(&out);
    let texts: Vec<&str> = rest
        .iter()
        .map(|n| {
            n["body"]["messageData"]["textMessageData"]["textMessage"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(texts, ["two", "three"]);
    assert_eq!(sb.queue_len(ID), 0);
    // An empty queue: nothing printed, success.
    assert_eq!(expect(good(&sb), &["receive"], 0), "");

    sb.incoming_text(ID, "79001234567@c.us", "kept").unwrap();
    expect(bad_token(&sb), &["receive"], 3);
    expect(good(&sb), &["receive", "--once", "--follow"], 2);
    expect(good(&sb), &["receive", "--follow", "--no-delete"], 2);
    expect(down(), &["receive"], 4);
    assert_eq!(sb.queue_len(ID), 1, "failed runs deleted nothing");
}

#[test]
fn receive_deletes_nothing_it_could_not_print() {
    let sb = sandbox();
    for t in ["a", "b"] {
        sb.incoming_text(ID, "79001234567@c.us", t).unwrap();
    }
    // Nobody reads stdout: the first line cannot be written.
    let mut c = good(&sb);
    c.arg("receive")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    no_secret(&out, &["receive"]);
    assert_eq!(
        out.status.code(),
        Some(12),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sb.queue_len(ID), 2, "nothing printed, nothing deleted");
}

#[test]
fn download() {
    let sb = sandbox();
    let id = sb
        .incoming_file(ID, "79001234567@c.us", "report.pdf", b"%PDF-1.4 report")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("report.pdf");
    let to = to.to_string_lossy();
    expect(
        good(&sb),
        &["download", "+7 900 123-45-67", &id, "-o", &to],
        0,
    );
    assert_eq!(std::fs::read(&*to).unwrap(), b"%PDF-1.4 report");
    let out = expect(good(&sb), &["download", "79001234567", &id, "-o", "-"], 0);
    assert_eq!(out, "%PDF-1.4 report");

    expect(
        bad_token(&sb),
        &["download", "79001234567", &id, "-o", &to],
        3,
    );
    expect(good(&sb), &["download", "abc", &id, "-o", &to], 2);
    expect(good(&sb), &["download", "79001234567", &id], 2);
    expect(
        good(&sb),
        &["download", "79001234567", "NO-SUCH-MESSAGE", "-o", &to],
        7,
    );
    expect(down(), &["download", "79001234567", &id, "-o", &to], 4);
}

#[test]
fn instances() {
    let sb = sandbox();
    let out = expect(
        with_account(good(&sb), DEFAULT_USER_TOKEN),
        &["instances"],
        0,
    );
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let list = v["data"].as_array().expect("a list");
    assert!(list.iter().any(|i| i["idInstance"] == ID), "{out}");
    assert!(
        list.iter().all(|i| i["apiTokenInstance"] == "****"),
        "tokens masked: {out}"
    );
    assert!(!out.contains(DEFAULT_TOKEN));

    // The instance token is not needed: the account's own credentials are.
    let mut no_instance = sdkwa(&sb.url(), "");
    no_instance.env_remove("SDKWA_ID_INSTANCE");
    expect(
        with_account(no_instance, DEFAULT_USER_TOKEN),
        &["instances"],
        0,
    );
    expect(with_account(good(&sb), BAD_TOKEN), &["instances"], 3);
    expect(good(&sb), &["instances"], 2);
    expect(with_account(down(), DEFAULT_USER_TOKEN), &["instances"], 4);
}
