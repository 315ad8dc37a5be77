//! `sdkwa-demo`: the whole flow against an embedded sandbox, step by step —
//! QR authorization, state, sending text/file/location/contact, receiving
//! and deleting the echo bot's answer, chat history.

use std::time::{Duration, Instant};

use sdkwa1c::api::*;
use sdkwa1c::sandbox::{Sandbox, SandboxConfig, DEFAULT_ID};

fn main() {
    if let Err(e) = run() {
        eprintln!("demo failed: {}", e.message(Lang::En));
        std::process::exit(1);
    }
}

fn step(n: u32, what: &str) {
    println!("\n[{n}] {what}");
}

fn run() -> Result<()> {
    let sandbox = Sandbox::start(SandboxConfig {
        receive_wait: Duration::from_secs(2),
        ..SandboxConfig::default()
    })
    .map_err(|e| {
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("cannot start the sandbox: {e}"),
                format!("не удалось запустить песочницу: {e}"),
            ),
        )
    })?;
    println!(
        "sdkwa1c {} demo — sandbox at {} (IdInstance {DEFAULT_ID})",
        sdkwa1c::VERSION,
        sandbox.url()
    );
    let client = Client::new(sandbox.client_config())?;
    let phone = "+7 (900) 765-43-21";

    step(1, "State of the instance");
    println!(
        "    stateInstance = {}",
        client.get_state_instance()?.state_instance
    );

    step(2, "QR code to link the phone (WhatsApp → Linked devices)");
    let png = client.qr_png()?;
    let path = std::env::temp_dir().join("sdkwa-demo-qr.png");
    if std::fs::write(&path, &png).is_ok() {
        println!("    {} bytes of PNG saved to {}", png.len(), path.display());
    }
    print_qr(&png);
    println!(
        "    …the phone scans it (sandbox control API: POST /sandbox/instances/{DEFAULT_ID}/scan)"
    );
    sandbox.scan(DEFAULT_ID);
    let started = Instant::now();
    while !client.get_state_instance()?.is_authorized()
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    println!(
        "    stateInstance = {}",
        client.get_state_instance()?.state_instance
    );

    step(3, &format!("Send a text to {phone}"));
    let text = client.send_message(&SendMessage::new(
        phone,
        "Привет из 1С! Заказ №42 готов к выдаче.",
    ))?;
    println!("    idMessage = {}", text.id_message);

    step(4, "Send a file by upload");
    let file = std::env::temp_dir().join("sdkwa-demo-invoice.txt");
    std::fs::write(&file, "Счёт №42 на 1 500,00 руб.")
        .map_err(|e| Error::new(ErrorKind::Io, Text::new(e.to_string(), e.to_string())))?;
    let sent = client.send_file_by_upload(phone, FileSource::path(&file), None, Some("Счёт"))?;
    println!(
        "    idMessage = {}, urlFile = {}",
        sent.id_message, sent.extra["urlFile"]
    );

    step(5, "Send a location and a contact");
    let loc = client.send_location(&SendLocation {
        chat_id: phone.into(),
        latitude: 55.740930,
        longitude: 37.620508,
        name_location: Some("Пункт выдачи".into()),
        address: Some("Лаврушинский пер., 10".into()),
    })?;
    println!("    location idMessage = {}", loc.id_message);
    let contact = client.send_contact(&SendContact {
        chat_id: phone.into(),
        contact: Contact {
            phone_contact: "79001234559".into(),
            first_name: "Иван".into(),
            last_name: "Петров".into(),
            company: "ООО Ромашка".into(),
            ..Default::default()
        },
        quoted_message_id: None,
    })?;
    println!("    contact idMessage = {}", contact.id_message);

    step(6, "Receive notifications; delete each after it was handled");
    let mut echo = None;
    let started = Instant::now();
    while echo.is_none() && started.elapsed() < Duration::from_secs(15) {
        let Some(n) = client.receive_notification(Duration::from_secs(2))? else {
            continue;
        };
        let what = n
            .body
            .text()
            .map(|t| format!(": \"{t}\""))
            .unwrap_or_default();
        println!(
            "    receiptId {:>2}  {}{what}",
            n.receipt_id, n.body.type_webhook
        );
        if n.body.type_webhook == "incomingMessageReceived" {
            echo = n.body.text().map(str::to_string);
        }
        client.delete_notification(n.receipt_id)?;
    }
    match &echo {
        Some(t) => println!("    the echo bot answered: {t}"),
        None => println!("    no answer within 15 s"),
    }

    step(7, "Chat history");
    for m in client.get_chat_history(phone, 10)?.iter().rev() {
        let body = m
            .get("textMessage")
            .or_else(|| m.get("fileName"))
            .or_else(|| m.get("nameLocation"))
            .or_else(|| m.get("displayName"));
        println!(
            "    {:<8} {:<16} {}",
            m["type"].as_str().unwrap_or(""),
            m["typeMessage"].as_str().unwrap_or(""),
            body.and_then(|v| v.as_str()).unwrap_or("")
        );
    }

    println!(
        "\nDone: QR auth, 4 sends, {} received, history read.",
        if echo.is_some() { "echo" } else { "nothing" }
    );
    if echo.is_none() {
        return Err(Error::new(
            ErrorKind::Timeout,
            Text::new("the echo reply did not arrive", "ответ эхо-бота не пришёл"),
        ));
    }
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
