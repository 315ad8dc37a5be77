//! The registry and the sandbox against the service's contract
//! (`contract/sdkwa-contract.json`, derived from sdkwa's own OpenAPI
//! description by `scripts/contract_from_openapi.py`).
//!
//! * every contract operation has a registry row that matches it (verb,
//!   path, scope, auth, messengers, path and query parameters, request body
//!   kind, request fields with their types and required flags, answer kind),
//!   and every row matches an operation; a row that differs on purpose says
//!   why in its `deviation`, and the test checks that the deviation is real;
//! * the sandbox serves every operation as the contract describes it —
//!   requests built from the contract alone, not by our client — and its
//!   answers have the content type, the shape and the top-level fields and
//!   types the contract declares.

mod common;

use std::collections::BTreeMap;

use sdkwa1c::api::registry::{Answer, Auth, HttpMethod, Kind, Messengers, ParamsIn, Scope};
use sdkwa1c::api::Op;
use sdkwa_sandbox::{Sandbox, DEFAULT_USER_ID, DEFAULT_USER_TOKEN};
use serde_json::{json, Map, Value};

fn contract() -> BTreeMap<String, Value> {
    let text = include_str!("../contract/sdkwa-contract.json");
    let v: Value = serde_json::from_str(text).expect("the contract is JSON");
    v["operations"]
        .as_object()
        .expect("operations by name")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The JSON kinds a field of `kind` may have in the contract.
fn kinds(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::ChatId | Kind::GroupId | Kind::Text | Kind::Message | Kind::FileName => &["string"],
        Kind::PathId => &["string", "integer"],
        Kind::Phone => &["integer", "number"],
        Kind::Int | Kind::InstanceId => &["integer"],
        Kind::Bool => &["boolean"],
        Kind::Latitude | Kind::Longitude => &["number"],
        Kind::ChatIds => &["array"],
        Kind::Contact => &["object"],
        Kind::File => &["string", "binary"],
        Kind::Any => &["string", "integer", "number", "boolean", "object", "array"],
        Kind::ClientWait => &[],
    }
}

/// The differences between a row and its contract operation.
fn differences(op: Op, c: &Value) -> Vec<String> {
    let s = op.spec();
    let mut d = Vec::new();
    fn check(d: &mut Vec<String>, what: &str, ours: String, theirs: String) {
        if ours != theirs {
            d.push(format!("{what}: registry {ours}, contract {theirs}"));
        }
    }
    check(
        &mut d,
        "verb",
        s.http.as_str().into(),
        c["verb"].as_str().unwrap_or("").into(),
    );
    let path = match s.scope {
        Scope::Instance if s.messengers == Messengers::TelegramOnly => {
            format!("/telegram/{{idInstance}}/{}", s.name)
        }
        Scope::Instance => format!("/{{messenger}}/{{idInstance}}/{}", s.name),
        Scope::Messenger => format!("/{{messenger}}/{}", s.name),
        Scope::Account => format!("/api/v1/instance/user/{}", s.name),
    };
    let path = match s.path_field {
        Some(f) => format!("{path}/{{{f}}}"),
        None => path,
    };
    check(
        &mut d,
        "path",
        path,
        c["path"].as_str().unwrap_or("").into(),
    );
    let scope = match s.scope {
        Scope::Instance => "instance",
        Scope::Messenger => "messenger",
        Scope::Account => "account",
    };
    check(
        &mut d,
        "scope",
        scope.into(),
        c["scope"].as_str().unwrap_or("").into(),
    );
    let auth = match s.auth {
        Auth::Instance => "bearer",
        Auth::Account => "userHeaders",
        Auth::None => "none",
    };
    check(
        &mut d,
        "auth",
        auth.into(),
        c["auth"]["kind"].as_str().unwrap_or("").into(),
    );
    if s.scope != Scope::Account {
        let m = match s.messengers {
            Messengers::Any => json!(["whatsapp", "telegram"]),
            Messengers::TelegramOnly => json!(["telegram"]),
        };
        check(
            &mut d,
            "messengers",
            m.to_string(),
            c["messengers"].to_string(),
        );
    }
    let path_params: Vec<String> = c["pathParams"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let ours: Vec<String> = s.path_field.iter().map(|f| f.to_string()).collect();
    check(
        &mut d,
        "path parameters",
        format!("{ours:?}"),
        format!("{path_params:?}"),
    );
    let body_type = c["request"]["contentTypes"][0].as_str().unwrap_or("");
    let carried = match s.params {
        ParamsIn::Nothing
            if body_type.is_empty() && c["query"].as_object().is_none_or(|q| q.is_empty()) =>
        {
            "nothing"
        }
        ParamsIn::Nothing => "nothing (contract has a body or query)",
        ParamsIn::Json => "application/json",
        ParamsIn::Query => "query",
        ParamsIn::Multipart => "multipart/form-data",
        ParamsIn::RawFile => "application/octet-stream",
    };
    let theirs = if !body_type.is_empty() {
        body_type
    } else if c["query"].as_object().is_some_and(|q| !q.is_empty()) {
        "query"
    } else {
        "nothing"
    };
    check(
        &mut d,
        "parameters travel as",
        carried.into(),
        theirs.into(),
    );
    // Request fields: the body's (one level), the query's and the path's.
    let mut fields: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for (k, f) in c["request"]["fields"].as_object().into_iter().flatten() {
        if !k.contains('.') && !k.contains('[') {
            fields.insert(
                k.clone(),
                (
                    f["type"].as_str().unwrap_or("").into(),
                    f["required"] == true,
                ),
            );
        }
    }
    for section in ["query", "pathParams"] {
        for (k, f) in c[section].as_object().into_iter().flatten() {
            fields.insert(
                k.clone(),
                (
                    f["type"].as_str().unwrap_or("").into(),
                    f["required"] == true,
                ),
            );
        }
    }
    // The body of a raw upload is the file itself: no field in the contract.
    let is_field =
        |k: Kind| k != Kind::ClientWait && !(k == Kind::File && s.params == ParamsIn::RawFile);
    for f in s.fields.iter().filter(|f| is_field(f.kind)) {
        match fields.remove(f.key) {
            None => d.push(format!("field {}: in the registry only", f.key)),
            Some((t, required)) => {
                if !kinds(f.kind).contains(&t.as_str()) {
                    d.push(format!(
                        "field {}: registry {:?}, contract type {t}",
                        f.key, f.kind
                    ));
                }
                if required != f.required {
                    d.push(format!(
                        "field {}: registry required={}, contract {required}",
                        f.key, f.required
                    ));
                }
            }
        }
    }
    for k in fields.keys() {
        d.push(format!("field {k}: in the contract only"));
    }
    let answer = c["response"]["contentTypes"][0].as_str().unwrap_or("");
    let ours = match s.answer {
        Answer::Json => "application/json",
        Answer::Bytes => "application/octet-stream",
    };
    check(&mut d, "answer", ours.into(), answer.into());
    d
}

#[test]
fn every_contract_operation_has_a_matching_row_and_back() {
    let contract = contract();
    let mut problems = Vec::new();
    for (name, c) in &contract {
        let Some(op) = Op::find(name).filter(|op| op.name() == name) else {
            problems.push(format!("{name}: in the contract, no registry row"));
            continue;
        };
        let d = differences(op, c);
        match op.spec().deviation {
            // A documented deviation may differ in verb or path only, and must differ.
            Some(why) => {
                assert!(
                    !d.is_empty(),
                    "{op}: the deviation \"{why}\" no longer differs: remove it"
                );
                for x in d
                    .iter()
                    .filter(|x| !x.starts_with("verb") && !x.starts_with("path:"))
                {
                    problems.push(format!("{op}: {x}"));
                }
            }
            None => problems.extend(d.into_iter().map(|x| format!("{op}: {x}"))),
        }
    }
    for op in Op::ALL {
        if !contract.contains_key(op.name()) {
            problems.push(format!("{op}: a registry row the contract does not have"));
        }
    }
    assert!(
        problems.is_empty(),
        "registry ≠ contract:\n{}",
        problems.join("\n")
    );
}

/// One request built from the contract alone.
struct Sample {
    instance: (String, String),
    path_values: Map<String, Value>,
    body: Map<String, Value>,
}

/// A fresh authorized instance for each operation, so one's state change
/// (logout, leaveGroup, deleteMessage …) never affects another's.
fn fresh_instance(sb: &Sandbox, n: usize) -> (String, String) {
    let id = format!("{}", 1_102_000_000 + n);
    let token = format!("contract-token-{n:04}-abcdef");
    sb.add_instance(&id, &token, true);
    (id, token)
}

/// The values an operation's request needs, with whatever state it acts on.
fn sample(sb: &Sandbox, name: &str, n: usize) -> Sample {
    let instance = fresh_instance(sb, n);
    let mut cfg = sb.client_config();
    cfg.id_instance = instance.0.clone();
    cfg.api_token = instance.1.clone().into();
    cfg.user_id = Some(DEFAULT_USER_ID.into());
    cfg.user_token = Some(DEFAULT_USER_TOKEN.into());
    let client = sdkwa1c::Client::new(cfg).unwrap();
    let chat = "79001234567@c.us";
    let group = || {
        let g = client
            .create_group("Склад", &["79001234567", "79005550101"])
            .unwrap();
        g.chat_id
    };
    let mut path_values = Map::new();
    let body = match name {
        "addGroupParticipant" | "removeGroupParticipant" | "setGroupAdmin" | "removeAdmin" => {
            let g = group();
            if name == "removeAdmin" {
                client.set_group_admin(&g, "79005550101").unwrap();
            }
            json!({ "groupId": g, "participantChatId": "79005550101@c.us" })
        }
        "getGroupData" | "leaveGroup" => json!({ "groupId": group() }),
        "updateGroupName" => json!({ "groupId": group(), "groupName": "Склад 2" }),
        "setGroupPicture" => json!({ "groupId": group() }),
        "createGroup" => json!({ "groupName": "g", "chatIds": [chat] }),
        "deleteMessage" => {
            let id = sb.incoming_text(&instance.0, chat, "to delete").unwrap();
            json!({ "chatId": chat, "idMessage": id })
        }
        "downloadFile" => {
            let id = sb
                .incoming_file(&instance.0, chat, "a.pdf", b"%PDF")
                .unwrap();
            path_values.insert("idMessage".into(), id.into());
            json!({ "chatId": chat })
        }
        "deleteNotification" => {
            sb.incoming_text(&instance.0, chat, "queued").unwrap();
            let n = client
                .receive_notification(std::time::Duration::ZERO)
                .unwrap()
                .unwrap();
            path_values.insert("receiptId".into(), n.receipt_id.into());
            json!({})
        }
        "receiveNotification" => {
            sb.incoming_text(&instance.0, chat, "queued").unwrap();
            json!({})
        }
        "instance/extendByOrder" | "instance/delete" | "instance/restore" => {
            let id: u64 = instance.0.parse().unwrap();
            json!({ "idInstance": id, "tariff": "BUSINESS", "period": "month1" })
        }
        "sendRegistrationCode" | "signInWithConfirmationCode" => {
            json!({ "code": sdkwa_sandbox::SANDBOX_CODE })
        }
        _ => json!({}),
    };
    let Value::Object(body) = body else {
        unreachable!()
    };
    Sample {
        instance,
        path_values,
        body,
    }
}

/// A value of a request field, by its key and contract type.
fn value_for(key: &str, ty: &str) -> Value {
    match (key, ty) {
        ("chatId" | "participantChatId", _) => json!("79001234567@c.us"),
        ("chatIds", _) => json!(["79001234567@c.us"]),
        ("phoneNumber", _) => json!(79001234567u64),
        ("message" | "caption" | "name" | "status" | "groupName" | "title" | "description", _) => {
            json!("Привет")
        }
        ("urlFile" | "url", _) => json!("https://example.invalid/a.png"),
        ("fileName", _) => json!("a.png"),
        ("latitude", _) => json!(55.74093),
        ("longitude", _) => json!(37.620508),
        ("contact", _) => json!({ "phoneContact": 79001234567u64, "firstName": "Иван" }),
        ("method", _) => json!("sms"),
        ("code", _) => json!(sdkwa_sandbox::SANDBOX_CODE),
        ("tariff", _) => json!("DEVELOPER"),
        ("period", _) => json!("month1"),
        ("shortName", _) => json!("app"),
        (_, "integer") => json!(10),
        (_, "number") => json!(1.5),
        (_, "boolean") => json!(false),
        _ => json!("x"),
    }
}

/// The JSON kind of a value as the contract names kinds.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Where `answer` differs from the contract's declared `fields` (top-level
/// and one level of nesting; array answers are checked item by item, a
/// field being required only where the contract's example always has it).
fn answer_problems(fields: &Map<String, Value>, answer: &Value, required: bool) -> Vec<String> {
    let mut p = Vec::new();
    for (path, f) in fields {
        if path.contains('[') {
            continue;
        }
        let (parent, key) = match path.split_once('.') {
            Some((a, b)) => (answer.get(a), b),
            None => (Some(answer), path.as_str()),
        };
        let Some(parent) = parent.filter(|p| p.is_object()) else {
            continue;
        };
        let want = f["type"].as_str().unwrap_or("");
        match parent.get(key) {
            None if required && !path.contains('.') => p.push(format!("{path}: missing")),
            None => {}
            Some(Value::Null) if f["nullable"] == true => {}
            Some(v) => {
                let got = kind_of(v);
                let ok = got == want || (want == "number" && got == "integer");
                if !ok {
                    p.push(format!("{path}: {want} expected, got {got} ({v})"));
                }
            }
        }
    }
    p
}

#[test]
fn the_sandbox_answers_every_operation_as_the_contract_says() {
    let sb = common::sandbox();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut problems = Vec::new();
    for (n, (name, c)) in contract().into_iter().enumerate() {
        let s = sample(&sb, &name, n);
        let messenger = c["messengers"][0].as_str().unwrap_or("whatsapp");
        let mut path = c["path"].as_str().unwrap().to_string();
        path = path
            .replace("{messenger}", messenger)
            .replace("{idInstance}", &s.instance.0);
        for (k, v) in &s.path_values {
            let text = match v {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            path = path.replace(&format!("{{{k}}}"), &text);
        }
        // The OpenAPI's trailing slash (sendRegistrationCode/) is a documented
        // deviation: clients call the path without it.
        let path = path.trim_end_matches('/');
        let url = format!("{}{path}", sb.url());
        let verb = match (
            c["verb"].as_str().unwrap(),
            Op::find(&name).map(|o| o.spec()),
        ) {
            // A row's documented verb deviation is what the sandbox serves.
            (_, Some(spec)) if spec.deviation.is_some() => spec.http.as_str(),
            (v, _) => v,
        };
        let mut rb = match verb {
            "GET" => http.get(&url),
            "POST" => http.post(&url),
            "DELETE" => http.delete(&url),
            other => panic!("{name}: verb {other}"),
        };
        rb = match c["auth"]["kind"].as_str() {
            Some("bearer") => rb.bearer_auth(&s.instance.1),
            Some("userHeaders") => rb
                .header("x-user-id", DEFAULT_USER_ID)
                .header("x-user-token", DEFAULT_USER_TOKEN),
            _ => rb,
        };
        let mut body = Map::new();
        for (k, f) in c["request"]["fields"].as_object().into_iter().flatten() {
            if !k.contains('.') && !k.contains('[') && f["required"] == true {
                body.insert(k.clone(), value_for(k, f["type"].as_str().unwrap_or("")));
            }
        }
        body.extend(s.body.clone());
        let query: Vec<(String, String)> = c["query"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| (k.clone(), "60".to_string()))
            .collect();
        rb = rb.query(&query);
        rb = match c["request"]["contentTypes"][0].as_str() {
            Some("application/json") => rb.json(&body),
            Some("multipart/form-data") => {
                let mut form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n".to_vec())
                        .file_name("a.png"),
                );
                for (k, v) in body.iter().filter(|(k, _)| k.as_str() != "file") {
                    let text = match v {
                        Value::String(t) => t.clone(),
                        other => other.to_string(),
                    };
                    form = form.text(k.clone(), text);
                }
                rb.multipart(form)
            }
            Some("application/octet-stream") => rb
                .header("content-type", "application/octet-stream")
                .body(b"raw bytes".to_vec()),
            _ => rb,
        };
        let (status, content_type, bytes) = rt.block_on(async {
            let r = rb.send().await.unwrap();
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            (status, ct, r.bytes().await.unwrap().to_vec())
        });
        let want_status: u16 = c["response"]["status"]
            .as_str()
            .unwrap_or("200")
            .parse()
            .unwrap();
        if status != want_status {
            problems.push(format!(
                "{name}: status {status}, contract {want_status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
            continue;
        }
        let want_ct = c["response"]["contentTypes"][0].as_str().unwrap_or("");
        if !content_type.starts_with(want_ct) {
            problems.push(format!(
                "{name}: content type {content_type}, contract {want_ct}"
            ));
            continue;
        }
        if want_ct != "application/json" {
            continue;
        }
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        let variants: Vec<Value> = match c["response"]["variants"].as_array() {
            Some(v) => v.clone(),
            None => vec![c["response"].clone()],
        };
        let mut best: Option<Vec<String>> = None;
        for v in &variants {
            let fields = v["fields"].as_object().cloned().unwrap_or_default();
            let p = match (v["shape"].as_str(), &answer) {
                (Some("array"), Value::Array(items)) => items
                    .iter()
                    .flat_map(|i| answer_problems(&fields, i, false))
                    .collect(),
                (Some("object") | None, Value::Object(_)) => {
                    answer_problems(&fields, &answer, true)
                }
                (shape, _) => vec![format!("shape {shape:?} expected, got {answer}")],
            };
            if best.as_ref().is_none_or(|b| p.len() < b.len()) {
                best = Some(p);
            }
        }
        problems.extend(
            best.unwrap_or_default()
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    assert!(
        problems.is_empty(),
        "sandbox ≠ contract:\n{}",
        problems.join("\n")
    );
}

#[test]
fn only_the_escape_hatch_reaches_an_unknown_method() {
    let sb = common::sandbox();
    let c = sdkwa1c::Client::new(common::config(&sb)).unwrap();
    let e = c
        .call(
            "sendMesage",
            Some(r#"{"chatId":"79001234567","message":"x"}"#),
        )
        .unwrap_err();
    assert_eq!(e.kind(), sdkwa1c::ErrorKind::InvalidArgument);
    assert!(
        sb.requests().is_empty(),
        "nothing was sent for a misspelled method"
    );
    let e = c
        .call_raw("someNewMethod", HttpMethod::Post, Map::new())
        .unwrap_err();
    assert_eq!(e.status(), Some(404), "sent as asked: {e}");
    assert_eq!(sb.requests().len(), 1);
}
