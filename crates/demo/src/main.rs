//! `sdkwa-demo`: the main job. Loads the built add-in library the way
//! 1C:Enterprise does and walks the whole flow against an embedded sandbox,
//! printing each step as the BSL a 1C developer would write: QR
//! authorization, state, sending text/file/location/contact, receiving (by
//! polling and in the background), history and error handling.
//!
//! `sdkwa-demo [path/to/libsdkwa1c.so]` (default: the library next to this program).
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sdkwa1c_host::{Host1C, Object1C, Value1C};
use sdkwa_sandbox::{Sandbox, SandboxConfig, DEFAULT_ID, DEFAULT_TOKEN};

fn main() {
    if let Err(e) = run() {
        eprintln!("\ndemo failed: {e}");
        std::process::exit(1);
    }
}

fn library() -> Result<PathBuf, String> {
    if let Some(p) = std::env::args().nth(1) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().ok_or("no program directory")?;
    let name = if cfg!(windows) {
        "sdkwa1c.dll"
    } else {
        "libsdkwa1c.so"
    };
    let p = dir.join(name);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!(
            "{} not found: build it with `cargo build --release` first",
            p.display()
        ))
    }
}

fn show(v: &Value1C) -> String {
    match v {
        Value1C::Empty => "Неопределено".into(),
        Value1C::Bool(b) => (if *b { "Истина" } else { "Ложь" }).into(),
        Value1C::Int(i) => i.to_string(),
        Value1C::Num(f) => f.to_string(),
        Value1C::Str(s) if s.chars().count() > 110 => {
            format!("{}…", s.chars().take(110).collect::<String>())
        }
        Value1C::Str(s) => s.clone(),
        Value1C::Blob(b) => format!("ДвоичныеДанные ({} байт)", b.len()),
    }
}

fn arg(v: &Value1C) -> String {
    match v {
        Value1C::Str(s) => format!("\"{s}\""),
        Value1C::Num(f) => format!("{f}"),
        other => show(other),
    }
}

/// Calls a method, printing it as BSL with its result.
fn call(c: &Object1C, method: &str, args: &[Value1C]) -> Result<Value1C, String> {
    let list: Vec<String> = args.iter().map(arg).collect();
    let r = c
        .call(method, args)
        .map_err(|e| format!("Клиент.{method}: {e}"))?;
    println!("  Клиент.{method}({}) → {}", list.join(", "), show(&r));
    Ok(r)
}

fn s(v: &str) -> Value1C {
    Value1C::Str(v.to_string())
}

fn json(v: &Value1C) -> serde_json::Value {
    v.as_str()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null)
}

fn step(n: u32, what: &str) {
    println!("\n[{n}] {what}");
}

fn run() -> Result<(), String> {
    let lib = library()?;
    let size = std::fs::metadata(&lib).map(|m| m.len()).unwrap_or(0);
    let sandbox = Sandbox::start(SandboxConfig {
        receive_wait: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!(
        "sdkwa1c {} — the 1C add-in against the offline sandbox at {}",
        sdkwa1c::VERSION,
        sandbox.url()
    );
    let t = Instant::now();
    let host = Host1C::load(&lib)?;
    let c = host.create()?;
    println!("  ПодключитьВнешнююКомпоненту(\"{}\", \"SDKWA\", ТипВнешнейКомпоненты.Native); // {:.1} MB", lib.display(), size as f64 / 1e6);
    println!(
        "  Клиент = Новый(\"AddIn.SDKWA.Client\"); // загружено и создано за {:.1} мс",
        t.elapsed().as_secs_f64() * 1e3
    );
    c.set_locale("ru_RU");
    c.set("IdInstance", &s(DEFAULT_ID))?;
    c.set("ApiToken", &s(DEFAULT_TOKEN))?;
    c.set("АдресAPI", &s(&sandbox.url()))?;
    println!("  Клиент.IdInstance = \"{DEFAULT_ID}\"; Клиент.ApiToken = \"…\"; Клиент.АдресAPI = \"{}\";", sandbox.url());
    println!(
        "  Сообщить(Клиент.ApiToken); // {}",
        show(&c.get("ApiToken")?)
    );

    step(1, "Состояние инстанса / instance state");
    call(&c, "ПолучитьСостояниеИнстанса", &[])?;
    println!(
        "  // от загрузки библиотеки до ответа на первый вызов: {:.1} мс",
        t.elapsed().as_secs_f64() * 1e3
    );

    step(2, "Авторизация по QR-коду / QR authorization");
    let png = call(&c, "ПолучитьQRКартинку", &[])?;
    if let Value1C::Blob(bytes) = &png {
        let path = std::env::temp_dir().join("sdkwa-demo-qr.png");
        if std::fs::write(&path, bytes).is_ok() {
            println!("  // PNG сохранён в {}", path.display());
        }
        print_qr(bytes);
    }
    println!(
        "  // …телефон сканирует QR-код (песочница: POST /sandbox/instances/{DEFAULT_ID}/scan)"
    );
    sandbox.scan(DEFAULT_ID);
    call(&c, "ПроверитьПодключение", &[])?;

    step(3, "Отправка / sending");
    let phone = Value1C::Num(79007654321.0);
    call(
        &c,
        "ОтправитьТекст",
        &[phone.clone(), s("Привет из 1С! Заказ №42 готов к выдаче.")],
    )?;
    let file = std::env::temp_dir().join("sdkwa-demo-invoice.txt");
    std::fs::write(&file, "Счёт №42 на 1 500,00 руб.").map_err(|e| e.to_string())?;
    call(
        &c,
        "ОтправитьВидеоАудиоИзображениеДокумент",
        &[
            phone.clone(),
            s(&file.display().to_string()),
            s("Счёт-42.txt"),
            s("Счёт"),
        ],
    )?;
    call(
        &c,
        "ОтправитьГеолокацию",
        &[
            phone.clone(),
            s("Пункт выдачи"),
            s("Лаврушинский пер., 10"),
            s("55.740930"),
            s("37.620508"),
        ],
    )?;
    call(
        &c,
        "ОтправитьКонтакт",
        &[
            phone.clone(),
            Value1C::Num(79001234559.0),
            s("Иван"),
            s(""),
            s("Петров"),
            s("ООО Ромашка"),
        ],
    )?;

    step(
        4,
        "Получение с удалением / receive and delete (ПолучитьУведомление)",
    );
    let mut echo = false;
    let started = Instant::now();
    while !echo && started.elapsed() < Duration::from_secs(15) {
        let n = call(&c, "ПолучитьУведомление", &[Value1C::Int(2)])?;
        let j = json(&n);
        if j.is_null() {
            continue;
        }
        echo = j["body"]["typeWebhook"] == "incomingMessageReceived";
        if echo {
            println!(
                "  // ответ эхо-бота: {}",
                j["body"]["messageData"]["textMessageData"]["textMessage"]
            );
        }
        call(
            &c,
            "УдалитьУведомление",
            &[Value1C::Int(j["receiptId"].as_i64().unwrap_or(0) as i32)],
        )?;
    }
    if !echo {
        return Err("the echo bot's answer did not arrive in 15 s".into());
    }

    step(
        5,
        "Получение в фоне / background receiving (ОбработкаВнешнегоСобытия)",
    );
    call(&c, "НачатьПолучениеУведомлений", &[])?;
    sandbox.incoming_text(DEFAULT_ID, "79007654321@c.us", "Спасибо, заберу завтра");
    let mut got = None;
    while let Some((kind, data)) = host.next_event(Duration::from_secs(10)) {
        let j: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
        let text = j["body"]["messageData"]["textMessageData"]["textMessage"]
            .as_str()
            .unwrap_or("")
            .to_string();
        println!(
            "  ОбработкаВнешнегоСобытия(\"SDKWA\", \"{kind}\", …) // receiptId {}: {text}",
            j["receiptId"]
        );
        if kind == "incomingMessageReceived" && text == "Спасибо, заберу завтра"
        {
            got = Some(text);
            break;
        }
    }
    call(&c, "ОстановитьПолучениеУведомлений", &[])?;
    if got.is_none() {
        return Err("the background receiver delivered nothing".into());
    }

    step(6, "История чата / chat history");
    let h = call(
        &c,
        "ПолучитьИсториюСообщенийЧата",
        &[phone.clone(), Value1C::Int(10)],
    )?;
    for m in json(&h).as_array().into_iter().flatten().rev() {
        let body = ["textMessage", "fileName", "nameLocation", "displayName"]
            .iter()
            .find_map(|k| m[*k].as_str())
            .unwrap_or("");
        println!(
            "    {:<8} {:<16} {body}",
            m["type"].as_str().unwrap_or(""),
            m["typeMessage"].as_str().unwrap_or("")
        );
    }

    step(7, "Ошибки / errors");
    c.set("ApiToken", &s("wrong-token-123456"))?;
    match c.call("ПолучитьСостояниеИнстанса", &[]) {
        Err(e) => println!("  Попытка Клиент.ПолучитьСостояниеИнстанса() Исключение → \"{e}\""),
        Ok(v) => return Err(format!("a wrong token was accepted: {}", show(&v))),
    }
    c.set("ВызыватьИсключения", &Value1C::Bool(false))?;
    call(&c, "ОтправитьТекст", &[Value1C::Bool(true), s("x")])?;

    println!("\nГотово / done: QR, 4 отправки, приём опросом и в фоне, история, ошибки — через компоненту 1С.");
    Ok(())
}

/// Prints a QR code PNG (grayscale, square modules) with half-block characters.
fn print_qr(png_bytes: &[u8]) {
    let Ok(mut reader) = png::Decoder::new(png_bytes).read_info() else {
        return;
    };
    let mut buf = vec![0; reader.output_buffer_size()];
    let Ok(info) = reader.next_frame(&mut buf) else {
        return;
    };
    let (w, h) = (info.width as usize, info.height as usize);
    let dark = |x: usize, y: usize| x < w && y < h && buf[y * w + x] < 128;
    // The top-left finder pattern is 7 modules wide: its first dark run gives the module size.
    let Some((x0, y0)) = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .find(|&(x, y)| dark(x, y))
    else {
        return;
    };
    let run = (x0..w).take_while(|&x| dark(x, y0)).count();
    let m = (run / 7).max(1);
    let modules = (w - 2 * x0) / m;
    let at = |mx: isize, my: isize| {
        mx >= 0 && my >= 0 && dark(x0 + mx as usize * m + m / 2, y0 + my as usize * m + m / 2)
    };
    for my in (-1..=modules as isize).step_by(2) {
        let line: String = (-1..=modules as isize)
            .map(|mx| match (at(mx, my), at(mx, my + 1)) {
                (true, true) => ' ',
                (true, false) => '▄',
                (false, true) => '▀',
                (false, false) => '█',
            })
            .collect();
        println!("    {line}");
    }
}
