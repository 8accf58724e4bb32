//! `competencies.toml`: the level scale, the competencies and the job roles
//! with their target levels (SPEC 2.1).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::Diagnostic;
use super::localized::{Localized, Text};
use super::source::{Located, SourceFile, Span};
use super::toml_document::{ExtraKeys, Step, TomlDocument};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    pub source: Arc<SourceFile>,
    /// Level names, level 1 first.
    pub levels: Localized<Vec<String>>,
    pub levels_span: Span,
    pub competencies: Vec<Competency>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competency {
    pub id: Located<String>,
    pub name: Text,
    pub description: Text,
    /// What a seller at each level does, level 1 first (may be empty).
    pub level_descriptions: Localized<Vec<String>>,
    pub level_descriptions_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: Located<String>,
    pub name: Text,
    pub description: Text,
    /// In the order written.
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub competency: Located<String>,
    pub level: Located<i64>,
}

impl Framework {
    /// A framework with nothing in it, standing in for a missing or broken
    /// file so the rest of the course can still be checked.
    pub fn empty(source: Arc<SourceFile>) -> Self {
        Self {
            source,
            levels: Localized::default(),
            levels_span: Span::default(),
            competencies: Vec::new(),
            roles: Vec::new(),
        }
    }

    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies
            .iter()
            .find(|competency| competency.id.value == id)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|role| role.id.value == id)
    }

    /// The highest level (levels run from 1 to this).
    pub fn max_level(&self) -> usize {
        self.levels.default.len()
    }

    /// The job-role ids, in file order.
    pub fn role_ids(&self) -> Vec<String> {
        self.roles
            .iter()
            .map(|role| role.id.value.clone())
            .collect()
    }

    pub fn competency_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.competencies
            .iter()
            .map(|competency| competency.id.value.as_str())
    }
}

#[derive(Deserialize)]
struct RawFramework {
    #[serde(default)]
    levels: Option<Spanned<Vec<String>>>,
    #[serde(default, rename = "competency")]
    competencies: Vec<RawCompetency>,
    #[serde(default, rename = "role")]
    roles: Vec<RawRole>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

#[derive(Deserialize)]
struct RawCompetency {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    level_descriptions: Option<Spanned<Vec<String>>>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

#[derive(Deserialize)]
struct RawRole {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    targets: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

const FRAMEWORK_KEYS: &[&str] = &["levels", "competency", "role"];
const COMPETENCY_KEYS: &[&str] = &["id", "name", "description", "level_descriptions"];
const ROLE_KEYS: &[&str] = &["id", "name", "description", "targets"];

/// Reads competencies.toml. Returns `None` only when the TOML cannot be read
/// into the expected shape; meaning (duplicates, ranges) is checked later.
pub fn parse(source: &Arc<SourceFile>) -> (Option<Framework>, Vec<Diagnostic>) {
    let whole = Span::new(0, source.line_text(1).len());
    let document = match TomlDocument::parse(source, source.text(), 0, whole) {
        Ok(document) => document,
        Err(errors) => return (None, errors),
    };
    let raw: RawFramework = match document.deserialize() {
        Ok(raw) => raw,
        Err(error) => return (None, vec![error]),
    };
    let mut diagnostics = Vec::new();
    let framework = build(&document, raw, &mut diagnostics);
    (Some(framework), diagnostics)
}

fn build(
    document: &TomlDocument<'_>,
    mut raw: RawFramework,
    diagnostics: &mut Vec<Diagnostic>,
) -> Framework {
    let levels_translations =
        document.take_translations(&[], &mut raw.extra, "levels", diagnostics);
    document.report_unknown_keys(&[], &raw.extra, FRAMEWORK_KEYS, diagnostics);
    let (levels, levels_span) = match raw.levels {
        Some(levels) => {
            let span = document.span(&levels);
            (levels.into_inner(), span)
        }
        None => (Vec::new(), document.whole()),
    };
    let competencies = raw
        .competencies
        .into_iter()
        .enumerate()
        .map(|(index, competency)| {
            let path = [Step::Key("competency"), Step::Index(index)];
            build_competency(document, &path, competency, diagnostics)
        })
        .collect();
    let roles = raw
        .roles
        .into_iter()
        .enumerate()
        .map(|(index, role)| {
            let path = [Step::Key("role"), Step::Index(index)];
            build_role(document, &path, role, diagnostics)
        })
        .collect();
    Framework {
        source: Arc::clone(document.source()),
        levels: Localized {
            default: levels,
            translations: levels_translations,
        },
        levels_span,
        competencies,
        roles,
    }
}

fn build_competency(
    document: &TomlDocument<'_>,
    path: &[Step],
    mut raw: RawCompetency,
    diagnostics: &mut Vec<Diagnostic>,
) -> Competency {
    let name = text(
        document,
        path,
        &mut raw.extra,
        "name",
        raw.name,
        diagnostics,
    );
    let description = text(
        document,
        path,
        &mut raw.extra,
        "description",
        raw.description,
        diagnostics,
    );
    let descriptions_translations =
        document.take_translations(path, &mut raw.extra, "level_descriptions", diagnostics);
    document.report_unknown_keys(path, &raw.extra, COMPETENCY_KEYS, diagnostics);
    let (descriptions, descriptions_span) = match raw.level_descriptions {
        Some(descriptions) => {
            let span = document.span(&descriptions);
            (descriptions.into_inner(), span)
        }
        None => (Vec::new(), document.table_span(path)),
    };
    Competency {
        id: document.located(raw.id),
        name,
        description,
        level_descriptions: Localized {
            default: descriptions,
            translations: descriptions_translations,
        },
        level_descriptions_span: descriptions_span,
    }
}

fn build_role(
    document: &TomlDocument<'_>,
    path: &[Step],
    mut raw: RawRole,
    diagnostics: &mut Vec<Diagnostic>,
) -> Role {
    let name = text(
        document,
        path,
        &mut raw.extra,
        "name",
        raw.name,
        diagnostics,
    );
    let description = text(
        document,
        path,
        &mut raw.extra,
        "description",
        raw.description,
        diagnostics,
    );
    document.report_unknown_keys(path, &raw.extra, ROLE_KEYS, diagnostics);
    let mut targets: Vec<Target> = raw
        .targets
        .into_iter()
        .map(|(competency, level)| Target {
            competency: document.located(competency),
            level: document.located(level),
        })
        .collect();
    // The map sorts by key; reports read better in the order written.
    targets.sort_by_key(|target| target.competency.span.start);
    Role {
        id: document.located(raw.id),
        name,
        description,
        targets,
    }
}

/// A text field with its `<field>_<lang>` translations taken from `extra`.
pub(crate) fn text(
    document: &TomlDocument<'_>,
    path: &[Step],
    extra: &mut ExtraKeys,
    field: &str,
    default: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Text {
    Text {
        translations: document.take_translations(path, extra, field, diagnostics),
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostic::Code;
    use super::*;

    const VALID: &str = r#"levels = ["Aware", "Practising", "Proficient", "Advanced", "Expert"]
levels_zh-CN = ["了解", "练习", "熟练", "精通", "专家"]

[[competency]]
id = "objection-handling"
name = "Objection handling"
name_zh-CN = "异议处理"
description = "Listen, confirm, respond."
description_zh-CN = "倾听、确认、回应。"
level_descriptions = ["a", "b", "c", "d", "e"]
level_descriptions_zh-CN = ["一", "二", "三", "四", "五"]

[[competency]]
id = "negotiation"
name = "Negotiation"

[[role]]
id = "new-hire"
name = "New hire"
name_zh-CN = "新人"
targets = { objection-handling = 2, negotiation = 1 }
"#;

    fn parse_text(text: &str) -> (Option<Framework>, Vec<Diagnostic>) {
        parse(&Arc::new(SourceFile::new(
            "content/competencies.toml",
            text,
        )))
    }

    #[test]
    fn reads_levels_competencies_roles_and_translations() {
        let (framework, diagnostics) = parse_text(VALID);

        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let framework = framework.expect("framework");
        assert_eq!(framework.max_level(), 5);
        assert_eq!(framework.levels.get("zh-CN")[0], "了解");
        let objection = framework
            .competency("objection-handling")
            .expect("competency");
        assert_eq!(objection.name.get("zh-CN"), "异议处理");
        assert_eq!(objection.name.get("en"), "Objection handling");
        assert_eq!(objection.description.get("zh-CN"), "倾听、确认、回应。");
        assert_eq!(objection.level_descriptions.default.len(), 5);
        assert_eq!(objection.level_descriptions.get("zh-CN")[4], "五");
        let negotiation = framework.competency("negotiation").expect("negotiation");
        assert!(negotiation.description.default.is_empty());
        let role = framework.role("new-hire").expect("role");
        assert_eq!(role.name.get("zh-CN"), "新人");
        let targets: Vec<(&str, i64)> = role
            .targets
            .iter()
            .map(|t| (t.competency.value.as_str(), t.level.value))
            .collect();
        assert_eq!(targets, [("objection-handling", 2), ("negotiation", 1)]);
        let target_line = framework
            .source
            .location(role.targets[0].competency.span.start);
        assert_eq!((target_line.line, target_line.column), (21, 13));
    }

    #[test]
    fn a_syntax_error_is_reported_at_its_line() {
        let (framework, diagnostics) = parse_text("levels = [\"A\"]\n\n[[competency]\nid = 1\n");

        assert!(framework.is_none());
        assert_eq!(diagnostics[0].code, Code::TomlSyntax);
        assert_eq!(
            diagnostics[0].file.to_str(),
            Some("content/competencies.toml")
        );
        assert_eq!(diagnostics[0].line, 3);
    }

    #[test]
    fn a_competency_without_a_name_is_reported() {
        let (framework, diagnostics) =
            parse_text("levels = [\"A\"]\n\n[[competency]]\nid = \"x\"\n");

        assert!(framework.is_none());
        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert!(diagnostics[0].message.contains("missing field `name`"));
        assert_eq!(diagnostics[0].line, 3);
    }

    #[test]
    fn a_misspelt_key_is_reported_at_the_key() {
        let text = "levels = [\"A\"]\n\n[[role]]\nid = \"r\"\nname = \"R\"\ntarget = {}\n";

        let (framework, diagnostics) = parse_text(text);

        assert!(framework.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::TomlUnknownKey);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (6, 1));
        assert!(diagnostics[0].help.contains("`targets`"));
    }
}
