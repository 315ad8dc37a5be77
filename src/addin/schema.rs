//! What a row of the add-in's table is: a method (names, parameters with
//! kinds and defaults, result, action) or a property (getter, setter), and
//! the call a custom action receives. The rows themselves are in `table.rs`;
//! running them is `dispatch.rs`.
#![forbid(unsafe_code)]

use super::component::Component;
use super::convert::{self, Ctx, Kind};
use super::variant::{Arg, Ret};
use crate::api::{Error, Lang, Op, Text};

/// A parameter's default when 1C omits it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Def {
    /// Must be given.
    Required,
    /// A string (`""` = not sent to the service).
    Str(&'static str),
    /// A number.
    Int(i32),
    /// A boolean.
    Bool(bool),
}

/// One parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Russian name (for error texts).
    pub ru: &'static str,
    /// English name.
    pub en: &'static str,
    /// What it accepts.
    pub kind: Kind,
    /// Its default.
    pub default: Def,
}

impl Param {
    /// The name in both languages.
    pub fn text(&self) -> Text {
        Text::new(self.en, self.ru)
    }
}

/// What a method does.
#[derive(Clone, Copy)]
pub enum Action {
    /// Calls service `method`, parameter i going to field `keys[i]`; returns its JSON.
    Service {
        /// The registry's operation.
        op: Op,
        /// The JSON field of each parameter.
        keys: &'static [&'static str],
    },
    /// Anything else.
    Custom(fn(&mut Component, &Call) -> Result<Ret, Error>),
}

/// What a method gives back to 1C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// A JSON string (errors come back as error JSON when exceptions are off).
    Json,
    /// Булево.
    Bool,
    /// ДвоичныеДанные.
    Blob,
    /// Nothing: a procedure.
    Nothing,
}

/// One method.
#[derive(Clone, Copy)]
pub struct Method {
    /// Russian name.
    pub ru: &'static str,
    /// English name.
    pub en: &'static str,
    /// Its parameters.
    pub params: &'static [Param],
    /// Its result.
    pub returns: Returns,
    /// What it does.
    pub action: Action,
}

impl Method {
    /// `HasRetVal`.
    pub fn has_ret_val(&self) -> bool {
        self.returns != Returns::Nothing
    }

    /// Whether an error may come back as text.
    pub fn returns_text(&self) -> bool {
        self.returns == Returns::Json
    }
}

/// Reads a property.
pub type Getter = fn(&Component) -> Ret;
/// Writes a property; the error explains a bad value.
pub type Setter = fn(&mut Component, &Arg) -> Result<(), Error>;

/// One property.
pub struct Prop {
    /// Russian name.
    pub ru: &'static str,
    /// English name.
    pub en: &'static str,
    /// Reading it (`None` = write-only).
    pub get: Option<Getter>,
    /// Writing it (`None` = read-only).
    pub set: Option<Setter>,
}

/// A custom method's call: its row and its parameters (defaults applied).
pub struct Call<'a> {
    /// The table row.
    pub method: &'a Method,
    /// One value per parameter.
    pub args: Vec<Arg>,
    /// The user's language.
    pub lang: Lang,
}

impl Call<'_> {
    fn ctx(&self, i: usize) -> Ctx<'_> {
        Ctx {
            method: self.method_name(),
            n: i + 1,
            param: [self.param(i).en, self.param(i).ru],
        }
    }

    /// The method's name in the user's language.
    pub fn method_name(&self) -> &'static str {
        match self.lang {
            Lang::Ru => self.method.ru,
            Lang::En => self.method.en,
        }
    }

    fn param(&self, i: usize) -> &Param {
        &self.method.params[i]
    }

    /// Parameter `i` as JSON for the service, by its kind.
    pub fn json(&self, i: usize) -> Result<serde_json::Value, Error> {
        convert::to_json(self.param(i).kind, &self.args[i], &self.ctx(i))
    }

    /// Parameter `i` as text.
    pub fn text(&self, i: usize) -> Result<String, Error> {
        Ok(match self.json(i)? {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
    }

    /// Parameter `i` as a file; `name` names bytes.
    pub fn file(&self, i: usize, name: &str) -> Result<crate::api::FileSource, Error> {
        convert::to_file(&self.args[i], name, &self.ctx(i))
    }
}
