//! `sdkwa`: the sdkwa1c client on the command line. Every answer is JSON on
//! stdout, every error a localized text on stderr and a documented exit
//! code (see `exit.rs`); no token is ever printed.
#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod exit;
mod interrupt;
mod lang;
mod out;
mod settings;
mod usage_ru;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use sdkwa1c::api::redact;
use sdkwa1c::{Client, Error, Lang};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang_flag = lang::from_args(&args);
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => return usage_error(e, &args, lang::pick(lang_flag.as_deref())),
    };
    let lang = lang::pick(cli.settings.lang.as_deref());
    let mut secrets = Vec::new();
    let code = match run(cli, lang, &mut secrets) {
        Ok(code) => code,
        Err(e) => {
            report(&e, lang, &secrets);
            exit::code(e.kind())
        }
    };
    ExitCode::from(code)
}

/// Builds the client and runs the command; `secrets` is filled as soon as
/// the configuration is known, for the last redaction in [`report`].
fn run(cli: cli::Cli, lang: Lang, secrets: &mut Vec<String>) -> sdkwa1c::Result<u8> {
    let config = settings::config(&cli.settings)?;
    *secrets = settings::secrets(&config);
    let ctx = cmd::Ctx {
        client: Client::new(config)?,
        lang,
        secrets: secrets.clone(),
    };
    cmd::run(cli.command, &ctx)
}

/// Prints an error on stderr: `sdkwa: <text>`, redacted once more.
fn report(e: &Error, lang: Lang, secrets: &[String]) {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let text = e.message(lang);
    eprintln!("sdkwa: {}", redact::scrub_with(&text, &secrets));
}

/// clap's own messages (help, version, usage errors). Usage errors exit 2,
/// are told in Russian to Russian users (rebuilt from the error's context:
/// clap speaks English only; a kind `usage_ru` has no sentence for keeps the
/// English text under a Russian line) and are redacted: a token given on
/// the command line must not come back.
fn usage_error(e: clap::Error, args: &[OsString], lang: Lang) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(
        e.kind(),
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
            exit::USAGE
        } else {
            exit::OK
        });
    }
    let secrets = command_line_secrets(args);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let russian = (lang == Lang::Ru).then(|| usage_ru::render(&e)).flatten();
    let text = russian.unwrap_or_else(|| {
        let english = e.render().to_string();
        if lang == Lang::Ru {
            eprintln!("sdkwa: неверная командная строка (подробности ниже по-английски; справка: sdkwa --help)");
        }
        english
    });
    eprint!("sdkwa: {}", redact::scrub_with(&text, &secrets));
    ExitCode::from(exit::USAGE)
}

/// The tokens a command line or the environment carries, found without clap
/// (which just refused the command line).
fn command_line_secrets(args: &[OsString]) -> Vec<String> {
    let mut out: Vec<String> = [
        "SDKWA_API_TOKEN",
        "SDKWA_USER_TOKEN",
        "SDKWA_PROXY",
        "SDKWA_API_URL",
    ]
    .iter()
    .filter_map(|v| std::env::var(v).ok())
    .collect();
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    for (i, a) in args.iter().enumerate() {
        for flag in ["--api-token", "--user-token", "--proxy", "--api-url"] {
            if *a == flag {
                out.extend(args.get(i + 1).map(|s| s.to_string()));
            } else if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                out.push(v.to_string());
            }
        }
    }
    out.retain(|s| s.trim().chars().count() >= 4);
    out
}
