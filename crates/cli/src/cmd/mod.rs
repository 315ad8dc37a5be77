//! The commands: each takes the client and returns the exit code.

mod batch;
mod qr;
mod receive;
mod simple;

use sdkwa1c::api::{Client, Lang, Result};

use crate::cli::Command;

/// What every command needs besides its own arguments.
pub struct Ctx {
    /// The client for the configured instance or account.
    pub client: Client,
    /// The language of texts written to stdout (batch errors).
    pub lang: Lang,
    /// The configured secrets, kept out of stdout.
    pub secrets: Vec<String>,
}

impl Ctx {
    /// The secrets as the redaction step takes them.
    pub fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }
}

/// Runs `cmd`; `Ok` is the exit code (a batch with failed items is `Ok(13)`).
pub fn run(cmd: Command, ctx: &Ctx) -> Result<u8> {
    match cmd {
        Command::Send { chat, text } => simple::send(ctx, &chat, &text),
        Command::SendFile {
            chat,
            path,
            caption,
            file_name,
        } => simple::send_file(ctx, &chat, &path, caption.as_deref(), file_name.as_deref()),
        Command::Call {
            method,
            params,
            output,
        } => simple::call(ctx, &method, params.as_deref(), output.as_deref()),
        Command::State => simple::state(ctx),
        Command::Qr { png, invert } => qr::run(ctx, png.as_deref(), invert),
        Command::Receive {
            once,
            follow,
            no_delete,
        } => receive::run(ctx, receive::Mode::new(once, follow, no_delete)),
        Command::Download {
            chat,
            id_message,
            output,
        } => simple::download(ctx, &chat, &id_message, &output),
        Command::Instances => simple::instances(ctx),
        Command::Batch { file, concurrency } => batch::run(ctx, &file, concurrency),
    }
}
