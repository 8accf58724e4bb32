//! `lesson.md`: front matter describing the module, and a Markdown body
//! (SPEC 2.2). The body is kept as text for the renderer; the links in it are
//! collected so they can be checked against the course.

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::Diagnostic;
use super::front_matter;
use super::markdown::Markdown;
use super::outline::{BlockKind, LinkRef, outline};
use super::source::{Located, SourceFile, Span};
use super::toml_document::ExtraKeys;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub source: Arc<SourceFile>,
    /// The opening `+++` line.
    pub front_matter: Span,
    pub title: Located<String>,
    pub summary: Located<String>,
    /// The first is the module's main competency.
    pub competencies: Vec<Located<String>>,
    pub level: Located<i64>,
    pub minutes: Located<i64>,
    pub prerequisites: Vec<Located<String>>,
    pub body: Markdown,
    /// Every link and image in the body.
    pub links: Vec<LinkRef>,
    pub raw_html: Vec<Span>,
    /// Level-1 headings in the body.
    pub title_headings: Vec<Span>,
}

#[derive(Deserialize)]
struct RawLesson {
    title: Spanned<String>,
    #[serde(default)]
    summary: Option<Spanned<String>>,
    competencies: Vec<Spanned<String>>,
    level: Spanned<i64>,
    minutes: Spanned<i64>,
    #[serde(default)]
    prerequisites: Vec<Spanned<String>>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

const LESSON_KEYS: &[&str] = &[
    "title",
    "summary",
    "competencies",
    "level",
    "minutes",
    "prerequisites",
];

/// Reads a lesson file. `None` when the front matter cannot be read.
pub fn parse(source: &Arc<SourceFile>) -> (Option<Lesson>, Vec<Diagnostic>) {
    let read = match front_matter::read::<RawLesson>(source) {
        Ok(read) => read,
        Err(diagnostics) => return (None, diagnostics),
    };
    let document = &read.document;
    let raw = read.value;
    let mut diagnostics = Vec::new();
    document.report_unknown_keys(&[], &raw.extra, LESSON_KEYS, &mut diagnostics);

    let body_outline = outline(read.parts.body, read.parts.body_offset, 2);
    let title_headings = body_outline
        .preamble
        .iter()
        .chain(
            body_outline
                .sections
                .iter()
                .flat_map(|section| &section.blocks),
        )
        .filter_map(|block| match &block.kind {
            BlockKind::Heading(heading) if heading.level == 1 => Some(heading.span),
            _ => None,
        })
        .collect();
    let body_span = Span::new(read.parts.body_offset, source.text().len());
    let lesson = Lesson {
        source: Arc::clone(source),
        front_matter: read.parts.opening,
        title: document.located(raw.title),
        summary: raw.summary.map_or_else(
            || Located::new(String::new(), read.parts.opening),
            |summary| document.located(summary),
        ),
        competencies: document.located_all(raw.competencies),
        level: document.located(raw.level),
        minutes: document.located(raw.minutes),
        prerequisites: document.located_all(raw.prerequisites),
        body: Markdown::new(read.parts.body.trim(), body_span),
        links: body_outline.links,
        raw_html: body_outline.raw_html,
        title_headings,
    };
    (Some(lesson), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::super::diagnostic::Code;
    use super::*;

    fn parse_text(text: &str) -> (Option<Lesson>, Vec<Diagnostic>) {
        parse(&Arc::new(SourceFile::new(
            "content/modules/objection-handling/lesson.md",
            text,
        )))
    }

    const VALID: &str = r#"+++
title = "Handling price objections"
summary = "A four-step method for price pushback."
competencies = ["objection-handling", "negotiation"]
level = 2
minutes = 20
prerequisites = ["value-pitch"]
+++

## Listen first

See [Value pitch](../value-pitch) and the diagram:

![The four steps](media/steps.svg)

> [!TIP]
> Ask before you answer.
"#;

    #[test]
    fn a_translated_key_in_lesson_front_matter_points_to_the_translation_file() {
        let (_, diagnostics) = parse_text(
            "+++\ntitle = \"T\"\ntitle_zh-CN = \"标题\"\nsummary = \"S\"\ncompetencies = [\"x\"]\nlevel = 1\nminutes = 5\n+++\n\nBody\n",
        );
        let unknown = diagnostics
            .iter()
            .find(|d| d.code == Code::TomlUnknownKey)
            .expect("the translated key is refused");
        assert_eq!((unknown.line, unknown.column), (3, 1));
        assert!(
            unknown.help.contains("translated as a whole"),
            "{}",
            unknown.help
        );
        assert!(unknown.help.contains("lesson.zh-CN.md"), "{}", unknown.help);
    }

    #[test]
    fn reads_front_matter_body_and_links() {
        let (lesson, diagnostics) = parse_text(VALID);

        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let lesson = lesson.expect("lesson");
        assert_eq!(lesson.title.value, "Handling price objections");
        assert_eq!(
            lesson.summary.value,
            "A four-step method for price pushback."
        );
        let competencies: Vec<&str> = lesson
            .competencies
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(competencies, ["objection-handling", "negotiation"]);
        assert_eq!(lesson.level.value, 2);
        assert_eq!(lesson.minutes.value, 20);
        assert_eq!(lesson.prerequisites[0].value, "value-pitch");
        assert_eq!(
            lesson
                .source
                .location(lesson.prerequisites[0].span.start)
                .line,
            7
        );
        assert!(lesson.body.text.starts_with("## Listen first"));
        assert_eq!(lesson.source.location(lesson.body.span.start).line, 9);
        let links: Vec<(&str, bool)> = lesson
            .links
            .iter()
            .map(|link| (link.destination.as_str(), link.is_image))
            .collect();
        assert_eq!(
            links,
            [("../value-pitch", false), ("media/steps.svg", true)]
        );
        let image = lesson.source.location(lesson.links[1].span.start);
        assert_eq!((image.line, image.column), (14, 1));
        assert!(lesson.title_headings.is_empty());
    }

    #[test]
    fn records_level_one_headings_and_raw_html() {
        let (lesson, _) = parse_text(&VALID.replace(
            "## Listen first",
            "# Handling price objections\n\n<script>x</script>",
        ));

        let lesson = lesson.expect("lesson");
        assert_eq!(lesson.title_headings.len(), 1);
        assert_eq!(
            lesson.source.location(lesson.title_headings[0].start).line,
            10
        );
        assert_eq!(lesson.raw_html.len(), 1);
        assert_eq!(lesson.source.location(lesson.raw_html[0].start).line, 12);
    }

    #[test]
    fn a_missing_key_is_an_error_at_the_front_matter() {
        let (lesson, diagnostics) = parse_text(&VALID.replace("minutes = 20\n", ""));

        assert!(lesson.is_none());
        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert!(diagnostics[0].message.contains("`minutes`"));
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (1, 1));
    }

    #[test]
    fn a_wrong_type_points_at_the_value() {
        let (_, diagnostics) = parse_text(&VALID.replace("level = 2", "level = \"two\""));

        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (5, 9));
    }

    #[test]
    fn an_unknown_key_is_reported_with_a_suggestion() {
        let (lesson, diagnostics) =
            parse_text(&VALID.replace("minutes = 20", "minutes = 20\nprerequisite = []"));

        assert!(lesson.is_some());
        assert_eq!(diagnostics[0].code, Code::TomlUnknownKey);
        assert_eq!(diagnostics[0].line, 7);
        assert!(diagnostics[0].help.contains("`prerequisites`"));
    }

    #[test]
    fn a_file_without_front_matter_is_reported() {
        let (lesson, diagnostics) = parse_text("## Just a body\n");

        assert!(lesson.is_none());
        assert_eq!(diagnostics[0].code, Code::FrontMatterMissing);
    }
}
