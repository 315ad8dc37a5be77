//! The one-call commands: send, send-file, call, state, download, instances.

use std::path::Path;

use sdkwa1c::api::registry::Answer;
use sdkwa1c::api::{Error, FileSource, Op, Result, SendMessage};

use super::Ctx;
use crate::exit;
use crate::out;

/// Prints a JSON answer (cleaned of secrets) as one line.
fn print(ctx: &Ctx, text: &str) -> Result<u8> {
    out::line(&out::clean_json(text, &ctx.secrets())?)?;
    Ok(exit::OK)
}

/// `-` stands for stdin.
fn text_or_stdin(text: &str, what: (&str, &str)) -> Result<String> {
    if text == "-" {
        let t = out::read(Path::new("-"), what)?;
        Ok(t.strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(&t)
            .to_string())
    } else {
        Ok(text.to_string())
    }
}

/// `send CHAT TEXT`.
pub fn send(ctx: &Ctx, chat: &str, text: &str) -> Result<u8> {
    let text = text_or_stdin(text, ("the message text from", "текст сообщения из"))?;
    let sent = ctx.client.send_message(&SendMessage::new(chat, text))?;
    print(ctx, &serde_json::to_string(&sent).unwrap_or_default())
}

/// `send-file CHAT PATH [--caption] [--file-name]`.
pub fn send_file(
    ctx: &Ctx,
    chat: &str,
    path: &Path,
    caption: Option<&str>,
    file_name: Option<&str>,
) -> Result<u8> {
    let sent = ctx
        .client
        .send_file_by_upload(chat, FileSource::path(path), file_name, caption)?;
    print(ctx, &serde_json::to_string(&sent).unwrap_or_default())
}

/// `call METHOD [PARAMS_JSON] [-o FILE]`.
pub fn call(ctx: &Ctx, method: &str, params: Option<&str>, output: Option<&Path>) -> Result<u8> {
    let params = match params {
        Some(p) => Some(text_or_stdin(p, ("the parameters from", "параметры из"))?),
        None => None,
    };
    let bytes = Op::find(method).is_some_and(|op| op.spec().answer == Answer::Bytes);
    if bytes {
        let Some(output) = output else {
            return Err(Error::invalid_argument(
                "output",
                &format!("{} answers a file's bytes: say where to save them with -o FILE (or -o - for stdout)", method.trim()),
                &format!("{} возвращает байты файла: укажите, куда их сохранить, ключом -o ФАЙЛ (или -o - для stdout)", method.trim()),
            ));
        };
        let data = ctx.client.call_bytes(method, params.as_deref())?;
        out::save(output, &data)?;
        return Ok(exit::OK);
    }
    let answer = ctx.client.call(method, params.as_deref())?;
    match output {
        Some(path) if path.as_os_str() != "-" => {
            let mut text = out::clean_json(&answer, &ctx.secrets())?;
            text.push('\n');
            out::save(path, text.as_bytes())?;
            Ok(exit::OK)
        }
        _ => print(ctx, &answer),
    }
}

/// `state`.
pub fn state(ctx: &Ctx) -> Result<u8> {
    let answer = ctx
        .client
        .call_op(Op::GetStateInstance, Default::default(), None)?;
    print(ctx, &answer)
}

/// `download CHAT ID_MESSAGE -o FILE`.
pub fn download(ctx: &Ctx, chat: &str, id_message: &str, output: &Path) -> Result<u8> {
    let data = ctx.client.download_file(chat, id_message)?;
    out::save(output, &data)?;
    Ok(exit::OK)
}

/// `instances`: the account's list, its tokens masked.
pub fn instances(ctx: &Ctx) -> Result<u8> {
    let answer = ctx
        .client
        .call_op(Op::GetInstances, Default::default(), None)?;
    print(ctx, &answer)
}
