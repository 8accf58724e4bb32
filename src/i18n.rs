//! Interface strings in English and Simplified Chinese, from the message
//! catalogs in `templates/i18n/` (embedded). Templates read them as `t.key`.

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::auth::cookie::LANGUAGE_COOKIE;
use crate::auth::identity::Identity;
use crate::domain::Language;

use crate::templates::Assets;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the message catalog {0} is missing from the binary")]
    Missing(String),
    #[error("the message catalog {file} is not valid TOML: {message}")]
    Invalid { file: String, message: String },
    #[error("the message catalog {file} lacks keys that {reference} has: {keys}")]
    MissingKeys {
        file: String,
        reference: String,
        keys: String,
    },
}

/// One language's messages: nested tables for templates (`t.nav.logout`),
/// and the same flattened (`nav.logout`) for lookups by key in code.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub nested: toml::Table,
    /// `nested` as a template value, converted once: every page inserts it,
    /// and cloning it only copies a reference.
    pub for_templates: tera::Value,
    flat: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Catalogs {
    english: Catalog,
    chinese: Catalog,
}

fn load(language: Language) -> Result<Catalog, CatalogError> {
    let file = format!("i18n/{}.toml", language.tag());
    let bytes = Assets::get(&file).ok_or_else(|| CatalogError::Missing(file.clone()))?;
    let text = String::from_utf8_lossy(&bytes.data);
    let table: toml::Table = toml::from_str(&text).map_err(|e| CatalogError::Invalid {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let mut flat = BTreeMap::new();
    flatten("", &table, &mut flat);
    Ok(Catalog {
        for_templates: tera::Value::from_serializable(&table),
        nested: table,
        flat,
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

impl Catalogs {
    /// Loads both catalogs and refuses to start if one lacks a key of the other.
    pub fn load() -> Result<Self, CatalogError> {
        let english = load(Language::English)?;
        let chinese = load(Language::SimplifiedChinese)?;
        for (file, have, reference, want) in [
            ("zh-CN.toml", &chinese.flat, "en.toml", &english.flat),
            ("en.toml", &english.flat, "zh-CN.toml", &chinese.flat),
        ] {
            let missing: Vec<&str> = want
                .keys()
                .filter(|k| !have.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                return Err(CatalogError::MissingKeys {
                    file: file.into(),
                    reference: reference.into(),
                    keys: missing.join(", "),
                });
            }
        }
        Ok(Self { english, chinese })
    }

    pub fn for_language(&self, language: Language) -> &Catalog {
        match language {
            Language::English => &self.english,
            Language::SimplifiedChinese => &self.chinese,
        }
    }

    /// The text for `key`, or the key itself so a gap shows instead of breaking the page.
    pub fn text<'a>(&'a self, language: Language, key: &'a str) -> &'a str {
        self.for_language(language)
            .flat
            .get(key)
            .map_or(key, String::as_str)
    }
}

/// The language for a request: the user's setting, else the language
/// cookie, else the browser's Accept-Language, else English.
pub fn request_language(req: &HttpRequest, identity: Option<&Identity>) -> Language {
    identity
        .and_then(|i| i.user.language)
        .or_else(|| {
            req.cookie(LANGUAGE_COOKIE)
                .and_then(|c| Language::from_tag(c.value()))
        })
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_load_with_the_same_keys() {
        let catalogs = Catalogs::load().unwrap();
        assert_eq!(catalogs.english.flat.len(), catalogs.chinese.flat.len());
        assert_eq!(
            catalogs.text(Language::SimplifiedChinese, "nav.logout"),
            "退出登录"
        );
    }
}
