//! `batch FILE.jsonl`: the core's batch engine over a JSON-lines file. The
//! results are printed in input order as soon as every earlier one is done;
//! a progress bar on stderr counts them (hidden when stderr is not a terminal).

use std::collections::BTreeMap;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sdkwa1c::api::batch::Outcome;
use sdkwa1c::api::{Error, ErrorKind, Lang, Result};
use serde_json::Value;

use super::Ctx;
use crate::{exit, interrupt, out};

/// One input item: its line number and its JSON text (`None`: not JSON).
struct Item {
    line: usize,
    json: Option<String>,
}

/// Runs `batch`.
pub fn run(ctx: &Ctx, file: &Path, concurrency: u32) -> Result<u8> {
    sdkwa1c::api::batch::check_concurrency(concurrency, "concurrency")?;
    let text = out::read(file, ("the batch file", "файл пакета"))?;
    let items: Vec<Item> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Item {
            line: i + 1,
            json: serde_json::from_str::<Value>(l)
                .is_ok()
                .then(|| l.to_string()),
        })
        .collect();
    if items.is_empty() {
        return Ok(exit::OK);
    }
    // A line that is not JSON stands in the array as `null` (so every other
    // item keeps its place) and gets its own error naming the line.
    let array = format!(
        "[{}]",
        items
            .iter()
            .map(|i| i.json.as_deref().unwrap_or("null"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let bar = ProgressBar::with_draw_target(Some(items.len() as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}") {
        bar.set_style(style);
    }
    let stop = interrupt::install();
    let secrets = ctx.secrets();
    let mut pending: BTreeMap<usize, String> = BTreeMap::new();
    let mut next = 0;
    let mut kinds: Vec<ErrorKind> = Vec::new();
    let mut write_error: Option<Error> = None;
    let summary = ctx
        .client
        .run_batch(&array, concurrency, &stop, |i, outcome| {
            bar.inc(1);
            if let Outcome::Failed(e) = outcome {
                kinds.push(e.kind());
            }
            pending.insert(i, result_line(&items[i], outcome, ctx.lang, &secrets));
            // Everything contiguous from `next` on is printed now, in order.
            while let Some(line) = pending.remove(&next) {
                if write_error.is_none() {
                    if let Err(e) = bar.suspend(|| out::line(&line)) {
                        // Nobody reads the results any more: stop sending.
                        write_error = Some(e);
                        stop.cancel();
                    }
                }
                next += 1;
            }
            true
        })?;
    bar.finish_and_clear();
    if let Some(e) = write_error {
        return Err(e);
    }
    if summary.failed == 0 && summary.not_sent == 0 && !stop.is_cancelled() {
        return Ok(exit::OK);
    }
    tell(ctx.lang, items.len(), summary.failed, summary.not_sent);
    if stop.is_cancelled() {
        return Ok(exit::INTERRUPTED);
    }
    // Every item failed the same way (a wrong token, the service down): that
    // failure's own code says more than "some items failed".
    if summary.ok == 0 && summary.not_sent == 0 && kinds.windows(2).all(|w| w[0] == w[1]) {
        if let Some(k) = kinds.first() {
            return Ok(exit::code(*k));
        }
    }
    Ok(exit::PARTIAL)
}

/// The batch's outcome on stderr: the result lines on stdout say which items and why.
fn tell(lang: Lang, total: usize, failed: usize, not_sent: usize) {
    let text = match lang {
        Lang::En => format!("{failed} of {total} items failed, {not_sent} not sent (the result lines say which and why)"),
        Lang::Ru => format!("не выполнено элементов: {failed} из {total}, не отправлено: {not_sent} (подробности в строках результатов)"),
    };
    eprintln!("sdkwa: {text}");
}

/// `{"line":N,…}` + the outcome's JSON, the answer cleaned of secrets.
fn result_line(item: &Item, outcome: &Outcome, lang: Lang, secrets: &[&str]) -> String {
    let line = item.line;
    if item.json.is_none() {
        let e = Error::invalid_argument(
            &format!("line {line}"),
            "expected one JSON object {\"method\": …, \"params\": {…}} per line",
            "ожидается один JSON-объект {\"method\": …, \"params\": {…}} в строке",
        );
        return format!(
            r#"{{"line":{line},"ok":false,"error":{}}}"#,
            e.to_json(lang)
        );
    }
    match outcome {
        Outcome::Ok(text) => match out::clean_json(text, secrets) {
            Ok(clean) => format!(r#"{{"line":{line},"ok":true,"result":{clean}}}"#),
            Err(e) => format!(
                r#"{{"line":{line},"ok":false,"error":{}}}"#,
                e.to_json(lang)
            ),
        },
        // Errors were redacted when they were built; `{"ok":false,…}` gets the line in front.
        other => format!(r#"{{"line":{line},{}"#, &other.to_json(lang)[1..]),
    }
}
