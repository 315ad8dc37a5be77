//! The add-in's own texts (the core's errors carry their own), in Russian
//! and English.
#![forbid(unsafe_code)]

use crate::api::{Error, ErrorKind, Text};

/// A parameter of the wrong type.
pub fn wrong_type(
    method: &str,
    n: usize,
    param: &Text,
    expected: &Text,
    got_ru: &str,
    got_en: &str,
) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!(
                "{method}: parameter {n} '{}' must be {}, got {got_en}",
                param.en, expected.en
            ),
            format!(
                "{method}: параметр {n} «{}» должен быть: {}, передано: {got_ru}",
                param.ru, expected.ru
            ),
        ),
    )
}

/// A required parameter that was omitted.
pub fn missing(method: &str, n: usize, param: &Text) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!("{method}: parameter {n} '{}' is required", param.en),
            format!("{method}: параметр {n} «{}» обязателен", param.ru),
        ),
    )
}

/// A number that should be whole (a phone number, a count) has a fraction.
pub fn not_whole(method: &str, n: usize, param: &Text, value: f64) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!(
                "{method}: parameter {n} '{}' must be a whole number, got {value}",
                param.en
            ),
            format!(
                "{method}: параметр {n} «{}» должен быть целым числом, передано {value}",
                param.ru
            ),
        ),
    )
}

/// A number outside the range a parameter accepts.
pub fn out_of_range(method: &str, n: usize, param: &Text, range: &str) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!(
                "{method}: parameter {n} '{}' must be a whole number from {range}",
                param.en
            ),
            format!(
                "{method}: параметр {n} «{}» должен быть целым числом из диапазона {range}",
                param.ru
            ),
        ),
    )
}

/// A file name that cannot be taken from the file itself.
pub fn file_name_required(method: &str, n: usize, param: &Text) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!(
                "{method}: parameter {n} '{}' is required when the file is BinaryData or a path without an extension (the service picks the message type by the name's extension)",
                param.en
            ),
            format!(
                "{method}: параметр {n} «{}» обязателен, когда файл передан ДвоичнымиДанными или путём без расширения (по расширению имени сервис определяет тип сообщения)",
                param.ru
            ),
        ),
    )
}

/// A value a property does not accept.
pub fn bad_property(name: &str, expected_en: &str, expected_ru: &str) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!("Property {name}: expected {expected_en}"),
            format!("Свойство {name}: ожидается {expected_ru}"),
        ),
    )
}

/// More parameters than the method takes.
pub fn too_many(method: &str, max: usize, got: usize) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        Text::new(
            format!("{method}: takes at most {max} parameters, got {got}"),
            format!("{method}: принимает не более {max} параметров, передано {got}"),
        ),
    )
}

/// A panic was caught inside the add-in.
pub fn internal() -> Error {
    Error::new(
        ErrorKind::Internal,
        Text::new(
            "Internal error in the SDKWA add-in (please report it); 1C keeps running",
            "Внутренняя ошибка компоненты SDKWA (сообщите разработчикам); работа 1С не нарушена",
        ),
    )
}
