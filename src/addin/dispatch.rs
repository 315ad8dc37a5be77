//! Running a row of the table: a method's parameters get their defaults and
//! are checked, a service row becomes a registry call, a custom row gets its
//! `Call`; the outcome goes to ПоследняяОшибка, an exception or error JSON.
//! The table is read here, not in `component.rs`, so the object's state
//! knows nothing of the rows that act on it.
#![forbid(unsafe_code)]

use super::component::Component;
use super::convert::{self, Ctx};
use super::messages;
use super::schema::{Action, Call, Def, Method};
use super::table;
use super::variant::{Arg, Ret};
use crate::api::{Error, Lang, Op};

/// Whether a parameter's value is what the service assumes when the field is
/// absent, so sending it would change nothing but the request's size: an
/// empty optional text ("not given"), or a flag at its table default — every
/// flag default in the table is the service's own (the contract: link
/// previews on, chats not archived). 1C fills omitted parameters with these
/// defaults (`GetParamDefValue`), so most sends carry them.
fn is_service_default(default: Def, a: &Arg) -> bool {
    match (default, a) {
        (Def::Str(""), Arg::Str(s)) => s.is_empty(),
        (Def::Bool(d), Arg::Bool(v)) => d == *v,
        _ => false,
    }
}

/// A method's name in the user's language.
pub fn method_name(lang: Lang, m: &Method) -> &'static str {
    match lang {
        Lang::Ru => m.ru,
        Lang::En => m.en,
    }
}

/// Runs method `num` with the parameters 1C passed. Returns what to give
/// back to 1C, or `None` when 1C must raise an exception (the text was
/// reported with `AddError`).
pub fn call(c: &mut Component, num: usize, args: Vec<Arg>) -> Option<Ret> {
    let m = table::METHODS.get(num)?;
    let result = prepare_args(c, m, args).and_then(|args| match m.action {
        Action::Service { op, keys } => service(c, m, op, keys, args),
        Action::Custom(f) => {
            let lang = c.lang;
            f(
                c,
                &Call {
                    method: m,
                    args,
                    lang,
                },
            )
        }
    });
    outcome(c, m, result)
}

/// Applies defaults and checks the count.
fn prepare_args(c: &Component, m: &Method, mut args: Vec<Arg>) -> Result<Vec<Arg>, Error> {
    if args.len() > m.params.len() {
        return Err(messages::too_many(
            method_name(c.lang, m),
            m.params.len(),
            args.len(),
        ));
    }
    args.resize(m.params.len(), Arg::Empty);
    for (i, (a, p)) in args.iter_mut().zip(m.params).enumerate() {
        if *a == Arg::Empty {
            *a = match p.default {
                Def::Required => {
                    return Err(messages::missing(method_name(c.lang, m), i + 1, &p.text()))
                }
                Def::Str(s) => Arg::Str(s.to_string()),
                Def::Int(n) => Arg::Int(i64::from(n)),
                Def::Bool(b) => Arg::Bool(b),
            };
        }
    }
    Ok(args)
}

/// A table row that maps parameters one to one onto service fields.
fn service(
    c: &mut Component,
    m: &Method,
    op: Op,
    keys: &[&str],
    args: Vec<Arg>,
) -> Result<Ret, Error> {
    let mut map = serde_json::Map::new();
    for (i, ((a, p), key)) in args.into_iter().zip(m.params).zip(keys).enumerate() {
        if key.is_empty() || is_service_default(p.default, &a) {
            continue;
        }
        let ctx = Ctx {
            method: method_name(c.lang, m),
            n: i + 1,
            param: [p.en, p.ru],
        };
        map.insert((*key).to_string(), convert::into_json(p.kind, a, &ctx)?);
    }
    let client = c.client()?;
    client.call_op(op, map, None).map(Ret::Str)
}

/// Success clears ПоследняяОшибка; an error is stored there and raised
/// (ВызыватьИсключения) or returned as JSON.
fn outcome(c: &mut Component, m: &Method, result: Result<Ret, Error>) -> Option<Ret> {
    match result {
        Ok(r) => {
            c.set_last_error(String::new());
            Some(r)
        }
        Err(e) => c.fail(m.returns_text(), e),
    }
}
