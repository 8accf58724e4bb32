use serde::{Deserialize, Serialize};

/// A language the user interface and the content are offered in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "zh-CN")]
    SimplifiedChinese,
}

impl Language {
    pub const ALL: [Language; 2] = [Self::English, Self::SimplifiedChinese];

    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::SimplifiedChinese => "zh-CN",
        }
    }

    /// The language's own name, for a language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::SimplifiedChinese => "简体中文",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag))
    }

    /// Picks the best supported language from an `Accept-Language` header,
    /// honouring q-values; any `zh` variant except traditional ones maps to zh-CN.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let language = if tag == "en" || tag.starts_with("en-") {
                Some(Self::English)
            } else if tag == "zh"
                || (tag.starts_with("zh-")
                    && !matches!(tag.as_str(), "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant"))
            {
                Some(Self::SimplifiedChinese)
            } else {
                None
            };
            if let Some(language) = language
                && quality > 0.0
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, language));
            }
        }
        best.map(|(_, language)| language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Language::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Language::SimplifiedChinese)
        );
        assert_eq!(
            Language::from_accept_language("fr-FR, en-GB;q=0.7, zh;q=0.5"),
            Some(Language::English)
        );
        assert_eq!(
            Language::from_accept_language("en;q=0.2, zh-Hans;q=0.9"),
            Some(Language::SimplifiedChinese)
        );
        assert_eq!(Language::from_accept_language("zh-TW"), None);
        assert_eq!(Language::from_accept_language("de"), None);
    }

    #[test]
    fn tags_round_trip() {
        for language in Language::ALL {
            assert_eq!(Language::from_tag(language.tag()), Some(language));
        }
    }
}
