//! `docs/sandbox.md` is true: its curl session runs against the
//! `sdkwa-sandbox` binary with every answer as shown, every flag of the
//! binary is documented, and the control API's `incoming` (caption) and
//! `incoming/bulk` (chatId forms) do what the table says.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const DOC: &str = "../../docs/sandbox.md";
/// The address the document's commands use.
const DOC_ADDR: &str = "127.0.0.1:7777";

fn doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC)).unwrap()
}

/// The binary, started on a free port; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sdkwa-sandbox"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("sdkwa-sandbox starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        // Keep reading: a closed pipe would kill the server at its next line.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let addr = first
            .trim()
            .strip_prefix("sdkwa sandbox listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `expected` is a pattern: objects need only the keys shown, the string
/// "…" stands for any value, anything else must be equal.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(s), _) if s == "…" => true,
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| matches(e, a))
        }
        _ => expected == actual,
    }
}

/// The (command, expected answer) pairs of the document's curl session.
fn session(doc: &str) -> Vec<(String, Value)> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut pairs = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("curl ") {
            continue;
        }
        let expected = lines
            .get(i + 1)
            .and_then(|l| l.strip_prefix("# → "))
            .unwrap_or_else(|| panic!("{DOC}: no `# → answer` line under `{line}`"));
        let expected: Value = serde_json::from_str(expected)
            .unwrap_or_else(|e| panic!("{DOC}: the answer under `{line}` is not JSON: {e}"));
        pairs.push((line.to_string(), expected));
    }
    pairs
}

#[test]
fn the_curl_session_of_the_docs_runs_as_shown() {
    let pairs = session(&doc());
    assert!(pairs.len() >= 10, "the session is in {DOC}");
    let server = Server::start(&[]);
    for (command, expected) in &pairs {
        assert!(command.contains(DOC_ADDR), "{command}");
        let command = command.replace(DOC_ADDR, &server.addr);
        let out = Command::new("sh")
            .args(["-c", &command])
            .output()
            .expect("curl is installed");
        assert!(out.status.success(), "{command}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let actual: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{command}\nanswered: {text}\n{e}"));
        assert!(
            matches(expected, &actual),
            "{command}\nexpected (pattern): {expected}\nanswered: {actual}"
        );
    }
    // The incoming messages of the session, as a client receives them.
    let mut cfg = sdkwa1c::Config::new(sdkwa_sandbox::DEFAULT_ID, sdkwa_sandbox::DEFAULT_TOKEN);
    cfg.api_url = format!("http://{}", server.addr);
    let client = sdkwa1c::Client::new(cfg).unwrap();
    let mut bodies = Vec::new();
    while let Some(n) = client
        .receive_notification(std::time::Duration::from_secs(0))
        .unwrap()
    {
        client.delete_notification(n.receipt_id).unwrap();
        bodies.push(serde_json::to_value(&n.body).unwrap());
    }
    let file = bodies
        .iter()
        .find(|b| b["messageData"]["typeMessage"] == "documentMessage")
        .expect("the file arrived");
    assert_eq!(
        file["messageData"]["fileMessageData"]["caption"], "Invoice for May",
        "a file's caption is `caption`"
    );
    let bulk: Vec<&Value> = bodies
        .iter()
        .filter(|b| {
            b["messageData"]["textMessageData"]["textMessage"]
                .as_str()
                .is_some_and(|t| t.starts_with("Message #"))
        })
        .collect();
    assert_eq!(bulk.len(), 3);
    for b in bulk {
        assert_eq!(
            b["senderData"]["chatId"], "79007654321@c.us",
            "incoming/bulk normalizes chatId as incoming does"
        );
    }
}

#[test]
fn every_flag_of_the_binary_is_documented() {
    let help = Command::new(env!("CARGO_BIN_EXE_sdkwa-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    let usage = String::from_utf8_lossy(&help.stdout);
    let flags: Vec<&str> = usage
        .split(|c: char| c.is_whitespace() || c == '[' || c == ']')
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(flags.len() >= 8, "{usage}");
    let doc = doc();
    for flag in flags {
        assert!(
            doc.contains(&format!("| `{flag}")),
            "{DOC} documents {flag}"
        );
    }
    assert!(doc.contains("`--host 0.0.0.0` exposes the control API"));
    assert!(doc.contains("`--host 0.0.0.0` открывает всей сети управляющий API"));
}

#[test]
fn control_api_caption_and_chat_forms() {
    let server = Server::start(&["--authorized", "--no-echo"]);
    let base = format!("http://{}/sandbox/instances/1101000001", server.addr);
    let post = |path: &str, body: &str| -> (u16, Value) {
        let out = Command::new("curl")
            .args(["-s", "-w", "\n%{http_code}", "-d", body])
            .arg(format!("{base}{path}"))
            .output()
            .expect("curl is installed");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (json, code) = text.rsplit_once('\n').unwrap();
        (code.parse().unwrap(), serde_json::from_str(json).unwrap())
    };
    // A file's text is `caption`; `text` beside a file (the old reading) is refused.
    let (code, answer) = post(
        "/incoming",
        r#"{"chatId":"79001234567","fileName":"a.txt","content":"aGk=","text":"x"}"#,
    );
    assert_eq!(code, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("caption"));
    let (code, answer) = post(
        "/incoming",
        r#"{"chatId":"79001234567","text":"x","caption":"y"}"#,
    );
    assert_eq!(code, 400, "{answer}");
    // Every chat form, in bulk as in single messages; a bad one is a 400.
    for form in [
        "79001234567",
        "+7 (900) 123-45-67",
        "79001234567@c.us",
        "79001234567",
    ] {
        let body = format!(r#"{{"count":1,"chatId":"{form}"}}"#);
        assert_eq!(post("/incoming/bulk", &body).0, 200, "{form}");
    }
    assert_eq!(
        post("/incoming/bulk", r#"{"count":1,"chatId":79001234567}"#).0,
        200
    );
    let (code, answer) = post("/incoming/bulk", r#"{"count":1,"chatId":"not a chat"}"#);
    assert_eq!(code, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("chatId"));
    let mut cfg = sdkwa1c::Config::new(sdkwa_sandbox::DEFAULT_ID, sdkwa_sandbox::DEFAULT_TOKEN);
    cfg.api_url = format!("http://{}", server.addr);
    let client = sdkwa1c::Client::new(cfg).unwrap();
    let mut chats = Vec::new();
    while let Some(n) = client
        .receive_notification(std::time::Duration::from_secs(0))
        .unwrap()
    {
        client.delete_notification(n.receipt_id).unwrap();
        if n.body.type_webhook == "incomingMessageReceived" {
            chats.push(n.body.chat_id().unwrap().to_string());
        }
    }
    assert_eq!(chats, vec!["79001234567@c.us"; 5]);
}
