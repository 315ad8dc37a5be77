//! clap's usage errors in Russian. clap speaks English only, but its errors
//! carry their parts (the kind, the argument, the value, the suggestion, the
//! usage line) as context: the Russian sentence is built from those. A kind
//! or a shape not covered here falls back to clap's English text.

use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};

/// The Russian text of a usage error, ending in a newline; `None` when this
/// kind of error (or its missing context) has no Russian sentence here.
pub fn render(e: &Error) -> Option<String> {
    let mut out = format!("неверная командная строка: {}", sentence(e)?);
    let mut tips = Vec::new();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        tips.extend(strings(e.get(kind)));
    }
    if !tips.is_empty() {
        let tips = tips.iter().map(|t| format!("«{t}»")).collect::<Vec<_>>();
        let _ = write!(out, "\n\n  возможно, имелось в виду {}", tips.join(" или "));
    }
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => u.to_string(),
        _ => String::new(),
    };
    let usage = usage.trim();
    let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
    if !usage.is_empty() {
        let _ = write!(out, "\n\nИспользование: {usage}");
    }
    // `sdkwa send [OPTIONS] …` → `sdkwa send --help`: the help of the command at fault.
    let command: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let command = if command.is_empty() {
        "sdkwa".to_string()
    } else {
        command.join(" ")
    };
    let _ = writeln!(out, "\n\nСправка: {command} --help");
    Some(out)
}

/// The one sentence that says what is wrong, naming the argument.
fn sentence(e: &Error) -> Option<String> {
    let arg = || string(e.get(ContextKind::InvalidArg));
    let value = || string(e.get(ContextKind::InvalidValue));
    let number = |k| match e.get(k) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    };
    Some(match e.kind() {
        ErrorKind::InvalidValue => {
            let (arg, value) = (arg()?, value()?);
            let mut s = if value.is_empty() {
                format!("не указано значение для «{arg}»")
            } else {
                format!("недопустимое значение «{value}» для «{arg}»")
            };
            let valid = strings(e.get(ContextKind::ValidValue));
            if !valid.is_empty() {
                let _ = write!(s, "; допустимые значения: {}", quoted(&valid));
            }
            s
        }
        ErrorKind::ValueValidation => {
            let (arg, value) = (arg()?, value()?);
            let why = match std::error::Error::source(e) {
                Some(s) if s.is::<std::num::ParseIntError>() => {
                    ": ожидается целое неотрицательное число".to_string()
                }
                Some(s) => format!(": {s}"),
                None => String::new(),
            };
            format!("недопустимое значение «{value}» для «{arg}»{why}")
        }
        ErrorKind::UnknownArgument => format!("лишний или неизвестный аргумент «{}»", arg()?),
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная команда «{}»",
            string(e.get(ContextKind::InvalidSubcommand))?
        ),
        ErrorKind::NoEquals => format!("значение «{}» задаётся через знак «=»", arg()?),
        ErrorKind::ArgumentConflict => {
            let arg = arg()?;
            let prior = strings(e.get(ContextKind::PriorArg));
            if prior.is_empty() || prior == [arg.clone()] {
                format!("«{arg}» указан больше одного раза или вместе с несовместимым аргументом")
            } else {
                format!("«{arg}» нельзя указывать вместе с {}", quoted(&prior))
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(e.get(ContextKind::InvalidArg));
            if missing.is_empty() {
                return None;
            }
            format!("не указаны обязательные аргументы: {}", quoted(&missing))
        }
        ErrorKind::MissingSubcommand => {
            let mut s = format!(
                "после «{}» нужна команда",
                string(e.get(ContextKind::InvalidSubcommand))?
            );
            let valid = strings(e.get(ContextKind::ValidSubcommand));
            if !valid.is_empty() {
                let _ = write!(s, "; команды: {}", quoted(&valid));
            }
            s
        }
        ErrorKind::TooManyValues => {
            format!("лишнее значение «{}» для «{}»", value()?, arg()?)
        }
        ErrorKind::TooFewValues => format!(
            "для «{}» нужно не меньше {} значений, указано {}",
            arg()?,
            number(ContextKind::MinValues)?,
            number(ContextKind::ActualNumValues)?
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "для «{}» нужно {} значений, указано {}",
            arg()?,
            number(ContextKind::ExpectedNumValues)?,
            number(ContextKind::ActualNumValues)?
        ),
        ErrorKind::InvalidUtf8 => "аргумент командной строки — не текст в UTF-8".to_string(),
        _ => return None,
    })
}

fn string(v: Option<&ContextValue>) -> Option<String> {
    match v {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn strings(v: Option<&ContextValue>) -> Vec<String> {
    match v {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(list)) => list.clone(),
        Some(ContextValue::StyledStrs(list)) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

/// `«a», «b»`.
fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("«{i}»"))
        .collect::<Vec<_>>()
        .join(", ")
}
