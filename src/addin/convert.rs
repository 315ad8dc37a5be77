//! 1C values → request parameters, with errors that name the method, the
//! parameter and the expected type.
#![forbid(unsafe_code)]

use serde_json::Value;

use super::messages;
use super::variant::Arg;
use crate::api::{Error, FileSource, Text};

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A phone number (Число or Строка in any format) or a chat id.
    Chat,
    /// Строка (numbers and dates are turned into text).
    Text,
    /// A whole Число (or a Строка of digits).
    Int,
    /// Булево.
    Bool,
    /// A coordinate: Число or Строка such as "55.740930".
    Coord,
    /// A path (Строка) or the bytes (ДвоичныеДанные).
    File,
    /// A list: JSON array text or comma-separated text.
    List,
}

impl Kind {
    /// The expected 1C type, for error texts.
    pub fn expected(self) -> Text {
        match self {
            Kind::Chat => Text::new(
                "a phone number (Number or String) or a chat id",
                "номер телефона (Число или Строка) или идентификатор чата",
            ),
            Kind::Text => Text::new("String", "Строка"),
            Kind::Int => Text::new("a whole Number", "целое Число"),
            Kind::Bool => Text::new("Boolean", "Булево"),
            Kind::Coord => Text::new(
                "Number or String with a number",
                "Число или Строка с числом",
            ),
            Kind::File => Text::new(
                "a file path (String) or BinaryData",
                "путь к файлу (Строка) или ДвоичныеДанные",
            ),
            Kind::List => Text::new(
                "a JSON array or a comma-separated String",
                "JSON-массив или Строка через запятую",
            ),
        }
    }
}

/// Where a value came from: for error texts.
pub struct Ctx<'a> {
    /// The method's name in the user's language.
    pub method: &'a str,
    /// 1-based position.
    pub n: usize,
    /// The parameter's names, English then Russian: made into a [`Text`]
    /// only when an error needs one (every call converts its parameters,
    /// and two strings allocated per parameter were a measurable share).
    pub param: [&'a str; 2],
}

impl Ctx<'_> {
    fn param_text(&self) -> Text {
        Text::new(self.param[0], self.param[1])
    }

    fn wrong(&self, kind: Kind, arg: &Arg) -> Error {
        messages::wrong_type(
            self.method,
            self.n,
            &self.param_text(),
            &kind.expected(),
            &arg.type_name(true),
            &arg.type_name(false),
        )
    }
}

/// A whole number's digits; 1C passes long phone numbers as R8, which holds
/// every integer below 2^53 exactly.
fn whole(f: f64, ctx: &Ctx<'_>) -> Result<i64, Error> {
    if !f.is_finite() || f.fract() != 0.0 || f.abs() >= 9.0e15 {
        return Err(messages::not_whole(ctx.method, ctx.n, &ctx.param_text(), f));
    }
    Ok(f as i64)
}

/// Converts `arg` for a JSON request field, moving a text into the JSON
/// value instead of copying it (the parameters of every call go this way).
pub fn into_json(kind: Kind, arg: Arg, ctx: &Ctx<'_>) -> Result<Value, Error> {
    match arg {
        Arg::Str(s) if text_as_is(kind) => Ok(Value::String(s)),
        arg => to_json(kind, &arg, ctx),
    }
}

/// Kinds whose text goes to the service as it is (checked there, if at all):
/// one list for [`to_json`] and [`into_json`].
fn text_as_is(kind: Kind) -> bool {
    matches!(kind, Kind::Chat | Kind::Text | Kind::Coord | Kind::List)
}

/// Converts `arg` for a JSON request field.
pub fn to_json(kind: Kind, arg: &Arg, ctx: &Ctx<'_>) -> Result<Value, Error> {
    Ok(match (kind, arg) {
        (Kind::Chat, Arg::Int(i)) if *i >= 0 => Value::String(i.to_string()),
        (Kind::Chat, Arg::Num(f)) if *f >= 0.0 => Value::String(whole(*f, ctx)?.to_string()),
        (kind, Arg::Str(s)) if text_as_is(kind) => Value::String(s.clone()),
        (Kind::Text, Arg::Int(i)) => Value::String(i.to_string()),
        (Kind::Text, Arg::Num(f)) => Value::String(if f.fract() == 0.0 && f.abs() < 9.0e15 {
            format!("{f:.0}")
        } else {
            f.to_string()
        }),
        (Kind::Text, Arg::Date(d)) => Value::String(d.clone()),
        (Kind::Int, Arg::Int(i)) => Value::from(*i),
        (Kind::Int, Arg::Num(f)) => Value::from(whole(*f, ctx)?),
        (Kind::Int, Arg::Str(s)) => {
            Value::from(s.trim().parse::<i64>().map_err(|_| ctx.wrong(kind, arg))?)
        }
        (Kind::Bool, Arg::Bool(b)) => Value::Bool(*b),
        (Kind::Bool, Arg::Int(i)) if *i == 0 || *i == 1 => Value::Bool(*i == 1),
        (Kind::Coord, Arg::Int(i)) => Value::from(*i),
        (Kind::Coord, Arg::Num(f)) => Value::from(*f),
        _ => return Err(ctx.wrong(kind, arg)),
    })
}

/// Converts `arg` for a file parameter; `name` is the file name for bytes.
pub fn to_file(arg: &Arg, name: &str, ctx: &Ctx<'_>) -> Result<FileSource, Error> {
    match arg {
        Arg::Str(p) if !p.trim().is_empty() => Ok(FileSource::path(p.trim())),
        // Moved, not cloned: the bytes go to the request as they are.
        Arg::Blob(b) => Ok(FileSource::bytes(
            b.take(),
            if name.is_empty() { "file" } else { name },
        )),
        Arg::TooLarge(len) => Err(crate::api::file::too_large(*len)),
        _ => Err(ctx.wrong(Kind::File, arg)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Lang;

    fn ctx(p: &Text) -> Ctx<'_> {
        Ctx {
            method: "ОтправитьТекст",
            n: 1,
            param: [&p.en, &p.ru],
        }
    }

    #[test]
    fn phone_numbers_keep_every_digit() {
        let p = Text::new("Phone", "Телефон");
        assert_eq!(
            to_json(Kind::Chat, &Arg::Num(790012345673442.0), &ctx(&p)).unwrap(),
            "790012345673442"
        );
        assert_eq!(
            to_json(Kind::Chat, &Arg::Int(79001234), &ctx(&p)).unwrap(),
            "79001234"
        );
        let e = to_json(Kind::Chat, &Arg::Num(7900.5), &ctx(&p)).unwrap_err();
        assert!(
            e.message(Lang::Ru).contains("целым"),
            "{}",
            e.message(Lang::Ru)
        );
        let e = to_json(Kind::Chat, &Arg::Bool(true), &ctx(&p)).unwrap_err();
        assert!(
            e.message(Lang::Ru).contains("«Телефон»") && e.message(Lang::Ru).contains("Булево")
        );
        assert!(e.message(Lang::En).contains("'Phone'") && e.message(Lang::En).contains("Boolean"));
    }

    #[test]
    fn other_kinds() {
        let p = Text::new("X", "Х");
        assert_eq!(
            to_json(Kind::Int, &Arg::Str(" 42 ".into()), &ctx(&p)).unwrap(),
            42
        );
        assert_eq!(to_json(Kind::Bool, &Arg::Int(1), &ctx(&p)).unwrap(), true);
        assert!(to_json(Kind::Bool, &Arg::Int(2), &ctx(&p)).is_err());
        assert_eq!(
            to_json(Kind::Coord, &Arg::Str("55,74".into()), &ctx(&p)).unwrap(),
            "55,74"
        );
        assert_eq!(
            to_json(Kind::Text, &Arg::Num(12.5), &ctx(&p)).unwrap(),
            "12.5"
        );
        assert!(to_file(&Arg::Int(1), "", &ctx(&p)).is_err());
        assert!(matches!(
            to_file(&Arg::Blob(vec![1].into()), "a.png", &ctx(&p)).unwrap(),
            FileSource::Bytes { .. }
        ));
    }
}
