//! A string that must never be printed: API tokens.

use std::fmt;

/// A secret value (the instance token, the user token).
///
/// `Debug` and `Display` print `****`, so a secret cannot leak through logs,
/// error texts or `{:?}` of a structure that holds it. Read the value with
/// [`Secret::expose`] only where it is put on the wire.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `true` when no secret was set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `****` followed by the last four characters, so a user can tell which
    /// token is configured without seeing it (empty for an empty secret).
    pub fn masked(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let chars: Vec<char> = self.0.chars().collect();
        // Short tokens show nothing: four of six characters would be most of it.
        if chars.len() < 12 {
            return "****".to_string();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }

    /// Replaces every occurrence of the secret in `text`, and every piece of
    /// it of 6 characters or more, with `****` (the library's one redaction
    /// rule, [`crate::api::redact`]).
    pub fn redact(&self, text: &str) -> String {
        super::redact::scrub_with(text, &[self.0.as_str()]).into_owned()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// A secret reads from JSON as the plain string it is (the account API
/// answers instance tokens); only `Debug`/`Display` hide it.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Written back as the plain string, so a typed answer round-trips.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("abcdef1234567890XYZW");
        assert_eq!(format!("{s}"), "****");
        assert_eq!(format!("{s:?}"), "****");
        assert_eq!(s.masked(), "****XYZW");
        assert_eq!(Secret::new("short").masked(), "****");
        assert_eq!(Secret::new("").masked(), "");
    }

    #[test]
    fn redacts_inside_text() {
        let s = Secret::new("tok-123456");
        assert_eq!(s.redact("bad tok-123456 here"), "bad **** here");
        assert_eq!(s.redact("nothing"), "nothing");
    }
}
