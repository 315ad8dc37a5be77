//! The two languages every user-facing text exists in.

/// The language of messages shown to a user (1C passes its locale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Russian: the language of most 1C installations.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from a locale or language code such as `ru_RU`,
    /// `ru`, `en_US`, `en`, `uk`; anything that is not Russian-like is English.
    pub fn from_locale(locale: &str) -> Lang {
        let code = locale.trim().to_ascii_lowercase();
        // Russian, Ukrainian, Belarusian and Kazakh 1C users read Russian 1C texts.
        if ["ru", "uk", "be", "kk"].iter().any(|p| code.starts_with(p)) || code.is_empty() {
            Lang::Ru
        } else {
            Lang::En
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// English wording.
    pub en: String,
    /// Russian wording.
    pub ru: String,
}

impl Text {
    /// Builds a text from its two wordings.
    pub fn new(en: impl Into<String>, ru: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            ru: ru.into(),
        }
    }

    /// The wording for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_codes() {
        assert_eq!(Lang::from_locale("ru_RU"), Lang::Ru);
        assert_eq!(Lang::from_locale("RU"), Lang::Ru);
        assert_eq!(Lang::from_locale("en_US"), Lang::En);
        assert_eq!(Lang::from_locale("de"), Lang::En);
        assert_eq!(Lang::from_locale("uk_UA"), Lang::Ru);
    }
}
