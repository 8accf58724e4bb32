//! Step two of reading front matter (and all of competencies.toml and the
//! path files): TOML text to a serde struct, with every problem reported at
//! its `file:line:column`.
//!
//! The text is parsed twice: once into toml's spanned table (which reports
//! every syntax error, not just the first, and gives the span of each key),
//! then with serde into the struct. Structs keep unknown keys in a flattened
//! map, so translations (`name_zh-CN`) and typos (`titel`) are told apart
//! here, with a precise place for each.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Code, Diagnostic};
use super::localized::is_language_tag;
use super::source::{Located, SourceFile, Span};
use super::suggest::did_you_mean;

/// Keys a struct did not declare, collected by `#[serde(flatten)]`.
pub type ExtraKeys = BTreeMap<String, toml::Value>;

/// One step from the document root to a nested table.
#[derive(Debug, Clone, Copy)]
pub enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

pub struct TomlDocument<'a> {
    source: &'a Arc<SourceFile>,
    text: &'a str,
    /// Where `text` starts in the file.
    offset: usize,
    /// Where to report problems with the document as a whole.
    whole: Span,
    table: Spanned<DeTable<'a>>,
}

impl<'a> TomlDocument<'a> {
    /// Parses `text`, which starts at byte `offset` of `source`; returns every
    /// syntax error if there is any.
    pub fn parse(
        source: &'a Arc<SourceFile>,
        text: &'a str,
        offset: usize,
        whole: Span,
    ) -> Result<Self, Vec<Diagnostic>> {
        let (table, errors) = DeTable::parse_recoverable(text);
        let document = Self {
            source,
            text,
            offset,
            whole,
            table,
        };
        if errors.is_empty() {
            Ok(document)
        } else {
            let mut diagnostics: Vec<Diagnostic> = errors
                .iter()
                .map(|error| document.syntax_diagnostic(error))
                .collect();
            diagnostics.sort_by_key(|diagnostic| diagnostic.span.start);
            Err(diagnostics)
        }
    }

    /// The document as `T`; a missing key or a wrong type is one diagnostic.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        toml::from_str(self.text).map_err(|error| self.schema_diagnostic(&error))
    }

    pub fn source(&self) -> &'a Arc<SourceFile> {
        self.source
    }

    /// The span of a deserialised value, in file offsets.
    pub fn span<T>(&self, value: &Spanned<T>) -> Span {
        Span::from(value.span()).shifted(self.offset)
    }

    pub fn located<T>(&self, value: Spanned<T>) -> Located<T> {
        let span = self.span(&value);
        Located::new(value.into_inner(), span)
    }

    pub fn located_all<T>(&self, values: Vec<Spanned<T>>) -> Vec<Located<T>> {
        values
            .into_iter()
            .map(|value| self.located(value))
            .collect()
    }

    /// Where the document as a whole is reported.
    pub fn whole(&self) -> Span {
        self.whole
    }

    /// The span of the table at `path` (e.g. the second `[[competency]]`),
    /// or the whole document if there is no such table.
    pub fn table_span(&self, path: &[Step]) -> Span {
        self.value_at(path)
            .map(|value| Span::from(value.span()).shifted(self.offset))
            .filter(|span| !span.is_empty())
            .unwrap_or(self.whole)
    }

    /// The span of `key` in the table at `path`, falling back to the table.
    pub fn key_span(&self, path: &[Step], key: &str) -> Span {
        self.table_at(path)
            .and_then(|table| table.iter().find(|(name, _)| name.get_ref() == key))
            .map(|(name, _)| Span::from(name.span()).shifted(self.offset))
            .unwrap_or_else(|| self.table_span(path))
    }

    /// Removes `<field>_<language>` keys from `extra` and returns their values
    /// by language; a value of the wrong type is reported at its key.
    pub fn take_translations<T: DeserializeOwned>(
        &self,
        path: &[Step],
        extra: &mut ExtraKeys,
        field: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> BTreeMap<String, T> {
        let prefix = format!("{field}_");
        let keys: Vec<String> = extra
            .keys()
            .filter(|key| key.strip_prefix(&prefix).is_some_and(is_language_tag))
            .cloned()
            .collect();
        let mut translations = BTreeMap::new();
        for key in keys {
            let Some(value) = extra.remove(&key) else {
                continue;
            };
            let language = key[prefix.len()..].to_string();
            match value.try_into::<T>() {
                Ok(translated) => {
                    translations.insert(language, translated);
                }
                Err(error) => diagnostics.push(Diagnostic::at(
                    Code::TomlInvalid,
                    self.source,
                    self.key_span(path, &key),
                    format!("`{key}` has the wrong type: {}", error.message()),
                    format!("write `{key}` the same way as `{field}`, in the other language"),
                )),
            }
        }
        translations
    }

    /// Reports every key left in `extra` as unknown, suggesting the nearest
    /// known key.
    pub fn report_unknown_keys(
        &self,
        path: &[Step],
        extra: &ExtraKeys,
        known: &[&str],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let in_markdown = self.source.path().extension().is_some_and(|e| e == "md");
        for key in extra.keys() {
            let translated = key
                .rsplit_once('_')
                .filter(|(base, language)| is_language_tag(language) && known.contains(base))
                .map(|(base, _)| base);
            let help = match (translated, in_markdown) {
                (Some(base), true) => format!(
                    "a Markdown file is translated as a whole: write `{base}` in the front matter of its translation (e.g. `lesson.zh-CN.md`) and remove `{key}` here"
                ),
                (Some(base), false) => {
                    format!("`{base}` is not text, so it has no translation; remove `{key}`")
                }
                (None, true) => did_you_mean(key, known.iter().copied(), "keys"),
                (None, false) => format!(
                    "{} (a translation is written `<key>_<language>`, e.g. `name_zh-CN`)",
                    did_you_mean(key, known.iter().copied(), "keys")
                ),
            };
            diagnostics.push(Diagnostic::at(
                Code::TomlUnknownKey,
                self.source,
                self.key_span(path, key),
                format!("unknown key `{key}`"),
                help,
            ));
        }
    }

    fn value_at(&self, path: &[Step]) -> Option<&Spanned<DeValue<'a>>> {
        let mut steps = path.iter();
        let Some(Step::Key(first)) = steps.next() else {
            return None;
        };
        let mut value = find_key(self.table.get_ref(), first)?;
        for step in steps {
            value = match (step, value.get_ref()) {
                (Step::Key(key), DeValue::Table(table)) => find_key(table, key)?,
                (Step::Index(index), DeValue::Array(items)) => items.get(*index)?,
                _ => return None,
            };
        }
        Some(value)
    }

    fn table_at(&self, path: &[Step]) -> Option<&DeTable<'a>> {
        if path.is_empty() {
            return Some(self.table.get_ref());
        }
        match self.value_at(path)?.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => None,
        }
    }

    fn file_span(&self, span: Option<std::ops::Range<usize>>) -> Span {
        match span {
            // toml reports a missing key at 0..0; the opening line reads better.
            Some(range) if !(range.start == 0 && range.end == 0) => {
                Span::from(range).shifted(self.offset)
            }
            _ => self.whole,
        }
    }

    fn syntax_diagnostic(&self, error: &toml::de::Error) -> Diagnostic {
        Diagnostic::at(
            Code::TomlSyntax,
            self.source,
            self.file_span(error.span()),
            format!("invalid TOML: {}", error.message().trim()),
            "write `key = value` with text in double quotes, lists in [ ] and tables in { }",
        )
    }

    fn schema_diagnostic(&self, error: &toml::de::Error) -> Diagnostic {
        let message = error.message().trim();
        let help = if let Some(rest) = message.strip_prefix("missing field ") {
            format!("add the key {rest} with a value")
        } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
            "write a value of the type the message expects (text in double quotes, whole numbers without quotes, lists in [ ])".to_string()
        } else {
            "fix the value at this place".to_string()
        };
        Diagnostic::at(
            Code::TomlInvalid,
            self.source,
            self.file_span(error.span()),
            message.to_string(),
            help,
        )
    }
}

fn find_key<'t, 'a>(table: &'t DeTable<'a>, key: &str) -> Option<&'t Spanned<DeValue<'a>>> {
    table
        .iter()
        .find(|(name, _)| name.get_ref() == key)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Page {
        title: Spanned<String>,
        #[serde(default)]
        level: Option<Spanned<i64>>,
        #[serde(default, rename = "item")]
        items: Vec<Item>,
        #[serde(flatten)]
        extra: ExtraKeys,
    }

    #[derive(Deserialize)]
    struct Item {
        #[serde(flatten)]
        extra: ExtraKeys,
    }

    fn source(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new("c.toml", text))
    }

    fn whole() -> Span {
        Span::new(0, 3)
    }

    #[test]
    fn every_syntax_error_is_reported_at_its_line() {
        // Front matter starting at line 2 of the file, as in a Markdown file.
        let file = source("+++\ntitle = \"x\nlevel = = 2\n+++\n");
        let toml = &file.text()[4..27];

        let errors = TomlDocument::parse(&file, toml, 4, whole())
            .err()
            .expect("syntax errors");

        assert!(!errors.is_empty());
        assert!(errors.iter().all(|error| error.code == Code::TomlSyntax));
        assert_eq!(errors[0].line, 2);
        assert!(errors.iter().any(|error| error.line == 3), "{errors:?}");
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let file = source("title = \"x\"\nlevel = \"two\"\n");
        let document = TomlDocument::parse(&file, file.text(), 0, whole()).expect("syntax ok");

        let error = document.deserialize::<Page>().err().expect("type error");

        assert_eq!(error.code, Code::TomlInvalid);
        assert_eq!((error.line, error.column), (2, 9));
        assert!(error.message.contains("expected i64"), "{}", error.message);
    }

    #[test]
    fn missing_key_is_reported_at_the_whole_document() {
        let file = source("+++\nlevel = 2\n+++\n");
        let document = TomlDocument::parse(&file, &file.text()[4..14], 4, whole()).expect("ok");

        let error = document.deserialize::<Page>().err().expect("missing title");

        assert_eq!((error.line, error.column), (1, 1));
        assert!(error.message.contains("missing field `title`"));
        assert!(error.help.contains("title"));
    }

    #[test]
    fn translations_are_taken_and_typos_reported_at_their_key() {
        let file = source("title = \"x\"\ntitle_zh-CN = \"叉\"\ntitel = \"y\"\n");
        let document = TomlDocument::parse(&file, file.text(), 0, whole()).expect("ok");
        let mut page: Page = document.deserialize().expect("valid");
        let mut diagnostics = Vec::new();

        let translations: BTreeMap<String, String> =
            document.take_translations(&[], &mut page.extra, "title", &mut diagnostics);
        document.report_unknown_keys(&[], &page.extra, &["title", "level"], &mut diagnostics);

        assert_eq!(translations.get("zh-CN").map(String::as_str), Some("叉"));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::TomlUnknownKey);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (3, 1));
        assert!(diagnostics[0].help.contains("did you mean `title`"));
        assert_eq!(document.located(page.title).span, Span::new(8, 11));
        assert!(page.level.is_none());
    }

    #[test]
    fn keys_in_arrays_of_tables_are_found() {
        let file = source("title = \"x\"\n\n[[item]]\nok = 1\n\n[[item]]\nnmae = 2\n");
        let document = TomlDocument::parse(&file, file.text(), 0, whole()).expect("ok");
        let page: Page = document.deserialize().expect("valid");
        let mut diagnostics = Vec::new();

        let path = [Step::Key("item"), Step::Index(1)];
        document.report_unknown_keys(&path, &page.items[1].extra, &["name"], &mut diagnostics);

        assert_eq!(diagnostics.len(), 1);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (7, 1));
        assert_eq!(page.items[0].extra.len(), 1);
    }

    #[test]
    fn a_translation_of_the_wrong_type_is_reported() {
        let file = source("title = \"x\"\ntitle_zh-CN = 3\n");
        let document = TomlDocument::parse(&file, file.text(), 0, whole()).expect("ok");
        let mut page: Page = document.deserialize().expect("valid");
        let mut diagnostics = Vec::new();

        let translations: BTreeMap<String, String> =
            document.take_translations(&[], &mut page.extra, "title", &mut diagnostics);

        assert!(translations.is_empty());
        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert_eq!(diagnostics[0].line, 2);
    }
}
