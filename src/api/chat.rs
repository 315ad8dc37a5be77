//! Phone numbers and chat ids as users type them, turned into what the
//! service expects.
//!
//! Only formatting is stripped: `+7 (900) 123-45-67` becomes
//! `79001234567@c.us`, but a national `8 900 …` is kept as `8900…`, because
//! guessing a country code would send messages to the wrong person.

use super::error::{Error, Result};

/// Characters people put into phone numbers that carry no digits.
fn is_phone_formatting(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '(' | ')' | '-' | '.' | '+' | '\u{a0}' | '\u{202f}' | '/'
    )
}

/// Shortest and longest phone number accepted (E.164 allows at most 15 digits).
const MIN_DIGITS: usize = 5;
const MAX_DIGITS: usize = 15;

/// The digits of a phone number typed in any human format.
///
/// `param` names the parameter in the error when the input is not a phone number.
pub fn phone_digits(input: &str, param: &str) -> Result<String> {
    let trimmed = input.trim();
    // Room for the "@c.us" chat_id appends: one allocation per chat id.
    let mut digits = String::with_capacity(trimmed.len() + 5);
    for c in trimmed.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_phone_formatting(c) {
            return Err(phone_error(param, input));
        }
    }
    if digits.len() < MIN_DIGITS || digits.len() > MAX_DIGITS {
        return Err(phone_error(param, input));
    }
    Ok(digits)
}

/// A phone number as the JSON number the service expects in `phoneNumber`.
pub fn phone_number(input: &str, param: &str) -> Result<u64> {
    let digits = phone_digits(input, param)?;
    // At most 15 digits: always fits in u64.
    digits.parse().map_err(|_| phone_error(param, input))
}

fn phone_error(param: &str, input: &str) -> Error {
    let shown: String = input.chars().take(40).collect();
    Error::invalid_argument(
        param,
        &format!(
            "expected a phone number of {MIN_DIGITS}-{MAX_DIGITS} digits (e.g. 79001234567 or +7 (900) 123-45-67), got \"{shown}\""
        ),
        &format!(
            "ожидается номер телефона из {MIN_DIGITS}-{MAX_DIGITS} цифр (например 79001234567 или +7 (900) 123-45-67), получено \"{shown}\""
        ),
    )
}

/// A chat id for the service: a phone number in any format becomes
/// `digits@c.us`; an id that already has a domain (`…@c.us`, `…@g.us`,
/// `…@lid`) is kept exactly as given after a shape check.
pub fn chat_id(input: &str, param: &str) -> Result<String> {
    let trimmed = input.trim();
    if let Some((local, domain)) = trimmed.split_once('@') {
        let local_ok = !local.is_empty()
            && local.chars().all(|c| c.is_ascii_digit() || c == '-')
            && local.chars().next().is_some_and(|c| c.is_ascii_digit());
        let domain_ok = !domain.is_empty()
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.')
            && !domain.starts_with('.');
        if local_ok && domain_ok {
            return Ok(trimmed.to_string());
        }
        let shown: String = input.chars().take(60).collect();
        return Err(Error::invalid_argument(
            param,
            &format!("expected a chat id such as 79001234567@c.us or 120363000000000000@g.us, got \"{shown}\""),
            &format!("ожидается идентификатор чата вида 79001234567@c.us или 120363000000000000@g.us, получено \"{shown}\""),
        ));
    }
    let mut id = phone_digits(trimmed, param)?;
    id.push_str("@c.us");
    Ok(id)
}

/// A group id: must already be a `…@g.us` id (a phone number is never a group).
pub fn group_id(input: &str, param: &str) -> Result<String> {
    let id = input.trim();
    if id.ends_with("@g.us") {
        return chat_id(id, param);
    }
    let shown: String = input.chars().take(60).collect();
    Err(Error::invalid_argument(
        param,
        &format!("expected a group id ending in @g.us, got \"{shown}\""),
        &format!("ожидается идентификатор группы, оканчивающийся на @g.us, получено \"{shown}\""),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn human_formats() {
        assert_eq!(
            chat_id("+7 (900) 123-45-67", "chatId").unwrap(),
            "79001234567@c.us"
        );
        assert_eq!(
            chat_id("79001234567", "chatId").unwrap(),
            "79001234567@c.us"
        );
        assert_eq!(
            chat_id("8 900 123 45 67", "chatId").unwrap(),
            "89001234567@c.us"
        );
        assert_eq!(
            chat_id(" 79001234567@c.us ", "chatId").unwrap(),
            "79001234567@c.us"
        );
        assert_eq!(
            chat_id("79001234567-1581234048@g.us", "chatId").unwrap(),
            "79001234567-1581234048@g.us"
        );
        assert_eq!(
            chat_id("120363000000000000@g.us", "chatId").unwrap(),
            "120363000000000000@g.us"
        );
        assert_eq!(
            chat_id("790012345673442", "chatId").unwrap(),
            "790012345673442@c.us"
        );
        assert_eq!(
            phone_number("+7 900 123-45-67", "phone").unwrap(),
            79001234567
        );
    }

    #[test]
    fn rejects_garbage_naming_the_parameter() {
        for bad in [
            "",
            "abc",
            "7900",
            "1234567890123456",
            "@c.us",
            "7900@",
            "79a01234567",
            "x@g.us",
        ] {
            let e = chat_id(bad, "chatId").unwrap_err();
            assert_eq!(e.kind(), crate::api::ErrorKind::InvalidArgument, "{bad}");
            assert!(e.to_string().contains("chatId"), "{bad}: {e}");
        }
        assert!(group_id("79001234567", "groupId").is_err());
    }

    proptest! {
        #[test]
        fn formatting_never_changes_the_digits(digits in "[1-9][0-9]{4,14}", seps in proptest::collection::vec(prop_oneof![Just(" "), Just("-"), Just("("), Just(")"), Just("."), Just("")], 0..16)) {
            let mut formatted = String::from("+");
            for (i, c) in digits.chars().enumerate() {
                formatted.push(c);
                if let Some(s) = seps.get(i) { formatted.push_str(s); }
            }
            prop_assert_eq!(chat_id(&formatted, "chatId").unwrap(), format!("{digits}@c.us"));
            prop_assert_eq!(phone_number(&formatted, "p").unwrap().to_string(), digits);
        }

        #[test]
        fn any_input_is_ok_or_invalid_argument(s in "\\PC{0,40}") {
            match chat_id(&s, "chatId") {
                Ok(id) => prop_assert!(id.contains('@')),
                Err(e) => prop_assert_eq!(e.kind(), crate::api::ErrorKind::InvalidArgument),
            }
        }

        #[test]
        fn ids_with_domain_are_kept(local in "[1-9][0-9]{5,18}(-[0-9]{10})?", dom in prop_oneof![Just("c.us"), Just("g.us")]) {
            let id = format!("{local}@{dom}");
            prop_assert_eq!(chat_id(&id, "chatId").unwrap(), id);
        }
    }
}
