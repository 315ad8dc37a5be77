//! The command line: global settings (flags or environment) and the commands.

use std::fmt;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use sdkwa1c::Secret;

const ABOUT: &str =
    "sdkwa: WhatsApp and Telegram through the sdkwa service from a shell or cron.\n\
Every answer is JSON on stdout; errors go to stderr in your language (RU/EN).";

const AFTER: &str = "\
Configuration (a flag wins over its variable, a variable over --config):
  SDKWA_API_URL, SDKWA_ID_INSTANCE, SDKWA_API_TOKEN, SDKWA_MESSENGER,
  SDKWA_USER_ID, SDKWA_USER_TOKEN, SDKWA_PROXY, SDKWA_TIMEOUT, SDKWA_CA_FILE,
  SDKWA_CONFIG (a JSON or TOML file with idInstance, apiToken, apiUrl, …).
  Prefer the variables or the file for tokens: a flag is visible in the process list.
  Tokens are never printed.

Example:
  export SDKWA_ID_INSTANCE=1101000001 SDKWA_API_TOKEN=…
  sdkwa state
  sdkwa send '+7 (900) 123-45-67' 'Hello'

";

/// `sdkwa [SETTINGS] COMMAND`. `Debug` shows no secret: the settings hold
/// them in [`Secret`] and [`Address`].
#[derive(Debug, Parser)]
#[command(name = "sdkwa", version, about = ABOUT, after_help = format!("{AFTER}{}", crate::exit::TABLE))]
pub struct Cli {
    /// Where the service is and who is calling.
    #[command(flatten)]
    pub settings: Settings,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The connection settings, shared by every command. The tokens are
/// [`Secret`]s and the addresses [`Address`]es, so `{:?}` of the settings
/// (a log line, a panic message) prints no token and no password.
#[derive(Debug, Args)]
pub struct Settings {
    /// Service address [default: https://api.sdkwa.pro]
    #[arg(
        long,
        env = "SDKWA_API_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub api_url: Option<Address>,
    /// Instance id (idInstance) from the sdkwa account
    #[arg(long, env = "SDKWA_ID_INSTANCE", global = true, value_name = "ID")]
    pub id_instance: Option<String>,
    /// Instance token (apiTokenInstance); prefer the variable
    #[arg(
        long,
        env = "SDKWA_API_TOKEN",
        global = true,
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub api_token: Option<Secret>,
    /// whatsapp or telegram [default: whatsapp]
    #[arg(long, env = "SDKWA_MESSENGER", global = true, value_name = "NAME")]
    pub messenger: Option<String>,
    /// Account user id (x-user-id), for `instances`
    #[arg(long, env = "SDKWA_USER_ID", global = true, value_name = "ID")]
    pub user_id: Option<String>,
    /// Account user token (x-user-token), for `instances`; prefer the variable
    #[arg(
        long,
        env = "SDKWA_USER_TOKEN",
        global = true,
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub user_token: Option<Secret>,
    /// Proxy: http://host:port or socks5://host:port
    #[arg(
        long,
        env = "SDKWA_PROXY",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub proxy: Option<Address>,
    /// Seconds a call may take [default: 30]
    #[arg(long, env = "SDKWA_TIMEOUT", global = true, value_name = "SECONDS")]
    pub timeout: Option<String>,
    /// An extra CA certificate (PEM) to trust
    #[arg(long, env = "SDKWA_CA_FILE", global = true, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// A JSON or TOML file with the settings (idInstance, apiToken, apiUrl, …)
    #[arg(long, env = "SDKWA_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Language of error messages: ru or en [default: from LC_ALL/LANG]
    #[arg(long, global = true, value_name = "ru|en")]
    pub lang: Option<String>,
}

/// An address that may carry a password (`scheme://user:password@host`, a
/// proxy's or the service's): `Debug` shows it with the password as `****`.
#[derive(Clone)]
pub struct Address(pub String);

impl From<String> for Address {
    fn from(value: String) -> Self {
        Address(value)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&sdkwa1c::api::redact::mask_credentials(&self.0), f)
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a text message
    #[command(
        after_help = "Examples:\n  sdkwa send 79001234567 'Hello'\n  sdkwa send '+7 (900) 123-45-67' 'Hello'\n  sdkwa send 120363000000000000@g.us 'Hello, group'\n  echo 'from a pipe' | sdkwa send 79001234567 -\n\nPrints {\"idMessage\":…}."
    )]
    Send {
        /// Recipient: a phone number in any format, or a chat id (…@c.us, …@g.us)
        chat: String,
        /// The text; `-` reads it from stdin
        text: String,
    },
    /// Send a local file (document, picture, audio, video)
    #[command(
        after_help = "Example:\n  sdkwa send-file 79001234567 ./invoice.pdf --caption 'Invoice 42'\n\nPrints {\"idMessage\":…,\"urlFile\":…}."
    )]
    SendFile {
        /// Recipient: a phone number in any format, or a chat id
        chat: String,
        /// The file to send
        path: PathBuf,
        /// Text under the file
        #[arg(long)]
        caption: Option<String>,
        /// The name the recipient sees [default: the file's own name]
        #[arg(long, value_name = "NAME")]
        file_name: Option<String>,
    },
    /// Call any method of the service by name
    #[command(
        after_help = "Examples:\n  sdkwa call getSettings\n  sdkwa call sendMessage '{\"chatId\":\"79001234567\",\"message\":\"Hi\"}'\n  sdkwa call getChatHistory '{\"chatId\":\"79001234567\",\"count\":10}'\n  sdkwa call downloadFile '{\"chatId\":\"79001234567\",\"idMessage\":\"…\"}' -o photo.jpg\n\nPrints the answer as JSON; a method that answers a file's bytes needs -o."
    )]
    Call {
        /// The method's name (sendMessage, getSettings, …; any case)
        method: String,
        /// Its parameters as a JSON object; `-` reads them from stdin
        params: Option<String>,
        /// Write the answer to this file instead of stdout (`-` = stdout)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Show the instance's state (authorized, notAuthorized, …)
    #[command(
        after_help = "Example:\n  sdkwa state\n\nPrints {\"stateInstance\":\"authorized\"}."
    )]
    State,
    /// Show the QR code to link WhatsApp (WhatsApp → Linked devices)
    #[command(
        after_help = "Examples:\n  sdkwa qr              # drawn in the terminal\n  sdkwa qr --png qr.png # saved as an image\n\nAn instance already linked has no QR code: exit code 7 says so."
    )]
    Qr {
        /// Save the QR code as a PNG image instead of drawing it
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
        /// Dark modules drawn as blocks (for terminals with a light background)
        #[arg(long)]
        invert: bool,
    },
    /// Print incoming notifications as JSON lines, deleting each once printed
    #[command(
        after_help = "Examples:\n  sdkwa receive                    # everything queued now, then exit\n  sdkwa receive --once             # at most one notification\n  sdkwa receive --follow >> in.jsonl   # keep waiting until Ctrl-C\n  sdkwa receive --no-delete        # look at the oldest one, leave it queued\n\nA notification is deleted from the service's queue only after its line was\nwritten and flushed: Ctrl-C never loses one (what was not printed stays queued)."
    )]
    Receive {
        /// At most one notification
        #[arg(long, conflicts_with = "follow")]
        once: bool,
        /// Keep waiting for new notifications until Ctrl-C or SIGTERM (then exit 0)
        #[arg(long)]
        follow: bool,
        /// Leave the notification in the queue (shows the oldest one; implies --once)
        #[arg(long, conflicts_with = "follow")]
        no_delete: bool,
    },
    /// Save the file of a received message
    #[command(
        after_help = "Example:\n  sdkwa download 79001234567 3EB0C767D26A1D2E0A52 -o photo.jpg"
    )]
    Download {
        /// The chat the message is in: a phone number or a chat id
        chat: String,
        /// The message's id (idMessage)
        id_message: String,
        /// Where to save it (`-` = stdout)
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// List the account's instances (needs SDKWA_USER_ID and SDKWA_USER_TOKEN)
    #[command(
        after_help = "Example:\n  SDKWA_USER_ID=… SDKWA_USER_TOKEN=… sdkwa instances\n\nThe instances' tokens are shown as ****: copy them from the sdkwa account."
    )]
    Instances,
    /// Run many calls from a JSON-lines file, a few at a time
    #[command(
        after_help = "Example:\n  cat > mailing.jsonl <<'END'\n  {\"method\":\"sendMessage\",\"params\":{\"chatId\":\"79001234567\",\"message\":\"Hi\"}}\n  {\"method\":\"sendMessage\",\"params\":{\"chatId\":\"79007654321\",\"message\":\"Hi\"}}\n  END\n  sdkwa batch mailing.jsonl --concurrency 4 > results.jsonl\n\nOne result line per item, in input order: {\"line\":N,\"ok\":true,\"result\":…} or\n{\"line\":N,\"ok\":false,\"error\":{…}}. Blank lines are skipped. A send is never\nrepeated when it may have reached the service. Exit code 13 when some items failed."
    )]
    Batch {
        /// The file: one {"method":…,"params":{…}} per line; `-` reads stdin
        file: PathBuf,
        /// Requests in flight (1–64)
        #[arg(long, default_value_t = 8, value_name = "N")]
        concurrency: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{:?}` of the parsed command line holds no piece of a token or a
    /// password, whether they came as flags or as variables.
    #[test]
    fn debug_shows_no_secret() {
        const API: &str = "api-token-5e1f2a9c7b3d4e6f";
        const USER: &str = "user-token-0a9b8c7d6e5f4a3b";
        const PROXY_PW: &str = "proxy-pw-71c2d3e4f5a6";
        const URL_PW: &str = "url-pw-8d9e0f1a2b3c";
        let proxy = format!("socks5://me:{PROXY_PW}@127.0.0.1:1080");
        let url = format!("https://svc:{URL_PW}@api.example.test");
        let cli = Cli::try_parse_from([
            "sdkwa",
            "--api-token",
            API,
            "--user-token",
            USER,
            "--proxy",
            &proxy,
            "--api-url",
            &url,
            "send",
            "79001234567",
            "hi",
        ])
        .unwrap();
        for text in [format!("{cli:?}"), format!("{cli:#?}")] {
            for secret in [API, USER, PROXY_PW, URL_PW] {
                let chars: Vec<char> = secret.chars().collect();
                for w in chars.windows(6) {
                    let piece: String = w.iter().collect();
                    assert!(!text.contains(&piece), "{piece} of {secret} in {text}");
                }
            }
            // What is not secret is still there to debug with.
            assert!(text.contains("socks5://me:****@127.0.0.1:1080"), "{text}");
            assert!(text.contains("79001234567"), "{text}");
        }
    }
}
