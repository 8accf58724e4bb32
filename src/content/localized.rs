//! Values written in several languages.
//!
//! Markdown files are translated as whole files (`lesson.zh-CN.md`); TOML
//! files translate field by field (`name_zh-CN` beside `name`). Both end up
//! as a default-language value plus translations keyed by language tag.

use std::collections::BTreeMap;

/// The language of files and fields without a language tag.
pub const DEFAULT_LANGUAGE: &str = "en";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized<T> {
    pub default: T,
    /// Keyed by language tag, e.g. `zh-CN`; never contains the default language.
    pub translations: BTreeMap<String, T>,
}

/// A text field and its translations.
pub type Text = Localized<String>;

impl<T> Localized<T> {
    pub fn new(default: T) -> Self {
        Self {
            default,
            translations: BTreeMap::new(),
        }
    }

    /// The value in `language`, falling back to the default language.
    pub fn get(&self, language: &str) -> &T {
        self.translations.get(language).unwrap_or(&self.default)
    }

    /// The default language followed by every translated language.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        std::iter::once(DEFAULT_LANGUAGE).chain(self.translations.keys().map(String::as_str))
    }
}

/// Whether `tag` looks like a BCP 47 language tag as used in file names and
/// keys (`en`, `zh-CN`, `pt-BR`); keeps `lesson.draft.md` from being read as a
/// translation into a language called "draft".
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    language_ok
        && parts.all(|part| {
            (2..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_falls_back_to_the_default_language() {
        let mut text = Text::new("Negotiation".to_string());
        text.translations
            .insert("zh-CN".to_string(), "谈判与成交".to_string());

        assert_eq!(text.get("zh-CN"), "谈判与成交");
        assert_eq!(text.get("fr"), "Negotiation");
        assert_eq!(text.languages().collect::<Vec<_>>(), ["en", "zh-CN"]);
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("zh-CN"));
        assert!(is_language_tag("en"));
        assert!(is_language_tag("pt-BR"));
        assert!(!is_language_tag("draft"));
        assert!(!is_language_tag("ZH"));
        assert!(!is_language_tag(""));
        assert!(!is_language_tag("zh-"));
    }
}
