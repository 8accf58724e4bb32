//! `paths/<id>.toml`: a learning path, its role and its stages of modules
//! (SPEC 2.5).

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::competencies::text;
use super::diagnostic::Diagnostic;
use super::localized::Text;
use super::source::{Located, SourceFile, Span};
use super::toml_document::{ExtraKeys, Step, TomlDocument};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningPath {
    pub source: Arc<SourceFile>,
    pub id: Located<String>,
    pub title: Text,
    pub description: Text,
    /// The job role this path is for.
    pub role: Option<Located<String>>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub title: Text,
    /// How long the stage lasts; stages run one after another.
    pub days: Located<i64>,
    pub modules: Vec<Located<String>>,
    /// The `[[stage]]` table.
    pub span: Span,
}

#[derive(Deserialize)]
struct RawPath {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    role: Option<Spanned<String>>,
    #[serde(default, rename = "stage")]
    stages: Vec<RawStage>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

#[derive(Deserialize)]
struct RawStage {
    title: String,
    days: Spanned<i64>,
    #[serde(default)]
    modules: Vec<Spanned<String>>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

const PATH_KEYS: &[&str] = &["id", "title", "description", "role", "stage"];
const STAGE_KEYS: &[&str] = &["title", "days", "modules"];

/// Reads one path file; `None` when it is not valid TOML of the right shape.
pub fn parse(source: &Arc<SourceFile>) -> (Option<LearningPath>, Vec<Diagnostic>) {
    let whole = Span::new(0, source.line_text(1).len());
    let document = match TomlDocument::parse(source, source.text(), 0, whole) {
        Ok(document) => document,
        Err(errors) => return (None, errors),
    };
    let mut raw: RawPath = match document.deserialize() {
        Ok(raw) => raw,
        Err(error) => return (None, vec![error]),
    };
    let mut diagnostics = Vec::new();
    let title = text(
        &document,
        &[],
        &mut raw.extra,
        "title",
        raw.title,
        &mut diagnostics,
    );
    let description = text(
        &document,
        &[],
        &mut raw.extra,
        "description",
        raw.description,
        &mut diagnostics,
    );
    document.report_unknown_keys(&[], &raw.extra, PATH_KEYS, &mut diagnostics);
    let stages = raw
        .stages
        .into_iter()
        .enumerate()
        .map(|(index, mut stage)| {
            let path = [Step::Key("stage"), Step::Index(index)];
            let title = text(
                &document,
                &path,
                &mut stage.extra,
                "title",
                stage.title,
                &mut diagnostics,
            );
            document.report_unknown_keys(&path, &stage.extra, STAGE_KEYS, &mut diagnostics);
            Stage {
                title,
                days: document.located(stage.days),
                modules: document.located_all(stage.modules),
                span: document.table_span(&path),
            }
        })
        .collect();
    let path = LearningPath {
        source: Arc::clone(source),
        id: document.located(raw.id),
        title,
        description,
        role: raw.role.map(|role| document.located(role)),
        stages,
    };
    (Some(path), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::super::diagnostic::Code;
    use super::*;

    fn parse_text(text: &str) -> (Option<LearningPath>, Vec<Diagnostic>) {
        parse(&Arc::new(SourceFile::new(
            "content/paths/onboarding.toml",
            text,
        )))
    }

    #[test]
    fn reads_stages_with_days_modules_and_translations() {
        let text = r#"id = "onboarding"
title = "Sales onboarding"
title_zh-CN = "销售新人培养"
role = "new-hire"

[[stage]]
title = "Week 1"
title_zh-CN = "第 1 周"
days = 7
modules = ["sales-execution", "sales-process"]

[[stage]]
title = "Weeks 2-3"
days = 14
modules = ["objection-handling"]
"#;

        let (path, diagnostics) = parse_text(text);

        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let path = path.expect("path");
        assert_eq!(path.id.value, "onboarding");
        assert_eq!(path.title.get("zh-CN"), "销售新人培养");
        assert_eq!(
            path.role.as_ref().map(|r| r.value.as_str()),
            Some("new-hire")
        );
        assert_eq!(path.stages.len(), 2);
        assert_eq!(path.stages[0].title.get("zh-CN"), "第 1 周");
        assert_eq!(path.stages[0].days.value, 7);
        assert_eq!(path.stages[1].modules[0].value, "objection-handling");
        let location = path.source.location(path.stages[0].modules[1].span.start);
        assert_eq!((location.line, location.column), (10, 31));
        let stage = path.source.location(path.stages[1].span.start);
        assert_eq!(stage.line, 12);
    }

    #[test]
    fn days_must_be_a_number() {
        let (path, diagnostics) =
            parse_text("id = \"p\"\ntitle = \"P\"\n\n[[stage]]\ntitle = \"S\"\ndays = \"7\"\n");

        assert!(path.is_none());
        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (6, 8));
    }
}
