//! Send a WhatsApp message and receive the notifications it causes, with
//! the Rust crate.
//!
//! ```sh
//! cargo run --example send_and_receive -- http://127.0.0.1:7777   # the sandbox (docs/sandbox.md)
//! ```
//!
//! The address comes from the first argument or `SDKWA_API_URL`; with
//! neither the example goes to the real service with your own
//! `SDKWA_ID_INSTANCE` and `SDKWA_API_TOKEN`.

use std::time::Duration;

use sdkwa1c::api::SendMessage;
use sdkwa1c::{Client, Config};

fn main() {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("SDKWA_API_URL").ok());
    let env = |name: &str, sandbox: &str| std::env::var(name).unwrap_or_else(|_| sandbox.into());
    // The sandbox's default instance and token; use your own for the real service.
    let id = env("SDKWA_ID_INSTANCE", "1101000001");
    let token = env("SDKWA_API_TOKEN", "sandbox-token-5f1c2a9e7b3d4c60");
    if let Err(e) = run(url, &id, &token) {
        // Errors say what failed and what to do; the token never appears in them.
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// Sends a text, prints and deletes every queued notification, then prints
/// the chat's history.
pub fn run(url: Option<String>, id: &str, token: &str) -> sdkwa1c::Result<()> {
    let mut config = Config::new(id, token);
    if let Some(url) = url {
        config.api_url = url;
    }
    let client = Client::new(config)?;

    let sent = client.send_message(&SendMessage::new("+7 900 123-45-67", "Hello from Rust"))?;
    println!("sent: {}", sent.id_message);

    // The oldest notification comes back until it is deleted: delete after handling.
    while let Some(n) = client.receive_notification(Duration::from_secs(2))? {
        println!(
            "received #{}: {} {:?}",
            n.receipt_id,
            n.body.type_webhook,
            n.body.text()
        );
        client.delete_notification(n.receipt_id)?;
    }

    for message in client.get_chat_history("79001234567", 10)? {
        println!("history: {:?}", message.get("textMessage"));
    }
    Ok(())
}
