//! `roleplay-<name>.md`: a branching conversation (SPEC 2.4). The front
//! matter sets the scenario and the rubric; each level-2 heading is a scene,
//! and a scene's list of links to other scenes are the learner's choices.

mod choice;
mod scene;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::diagnostic::{Code, Diagnostic};
use super::front_matter;
use super::markdown::Markdown;
use super::outline::{BlockKind, LinkRef, outline};
use super::source::{Located, SourceFile, Span};
use super::toml_document::{ExtraKeys, Step};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePlay {
    pub source: Arc<SourceFile>,
    /// The opening `+++` line.
    pub front_matter: Span,
    pub title: Located<String>,
    pub persona: String,
    pub goal: String,
    pub competencies: Vec<Located<String>>,
    pub rubric: Vec<RubricCriterion>,
    /// Markdown before the first scene, if any.
    pub intro: Option<Markdown>,
    /// The first scene is the start.
    pub scenes: Vec<Scene>,
    pub links: Vec<LinkRef>,
    pub raw_html: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricCriterion {
    pub criterion: String,
    pub competency: Located<String>,
    pub points: Located<i64>,
    /// The `[[rubric]]` table.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scene {
    /// The span is the `#id` in the heading.
    pub id: Located<String>,
    /// The heading line.
    pub heading: Span,
    pub title: String,
    /// `.end`: the run ends here.
    pub end: bool,
    /// `.practice`: the learner writes a free-text answer, scored later.
    pub practice: bool,
    pub outcome: Option<Located<Outcome>>,
    /// The scene's Markdown without its choice list.
    pub body: Markdown,
    /// Paragraphs that open with a bold label such as `**Customer:**`.
    pub lines: Vec<SpokenLine>,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Won,
    Partial,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Partial => "partial",
            Outcome::Lost => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpokenLine {
    /// The label without its colon, e.g. `Customer` or `客户`.
    pub speaker: String,
    pub text: Markdown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// 0-based position in the scene's list: the choice's id in the API.
    pub index: usize,
    /// The link text as Markdown.
    pub label: Markdown,
    /// The scene id the link points to (without `#`); the span is the link.
    pub target: Located<String>,
    /// Points per competency, in the order written.
    pub scores: Vec<Score>,
    /// The list item.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub competency: Located<String>,
    pub points: i64,
}

impl RolePlay {
    pub fn scene(&self, id: &str) -> Option<&Scene> {
        self.scenes.iter().find(|scene| scene.id.value == id)
    }
}

#[derive(Deserialize)]
struct RawRolePlay {
    title: Spanned<String>,
    #[serde(default)]
    persona: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    competencies: Vec<Spanned<String>>,
    #[serde(default)]
    rubric: Vec<RawCriterion>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

#[derive(Deserialize)]
struct RawCriterion {
    criterion: String,
    competency: Spanned<String>,
    points: Spanned<i64>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

const ROLEPLAY_KEYS: &[&str] = &["title", "persona", "goal", "competencies", "rubric"];
const CRITERION_KEYS: &[&str] = &["criterion", "competency", "points"];

/// Reads a role-play file. `None` when the front matter cannot be read;
/// scenes that cannot be understood are reported and left out.
pub fn parse(source: &Arc<SourceFile>) -> (Option<RolePlay>, Vec<Diagnostic>) {
    let read = match front_matter::read::<RawRolePlay>(source) {
        Ok(read) => read,
        Err(diagnostics) => return (None, diagnostics),
    };
    let document = &read.document;
    let raw = read.value;
    let mut diagnostics = Vec::new();
    document.report_unknown_keys(&[], &raw.extra, ROLEPLAY_KEYS, &mut diagnostics);
    let rubric = raw
        .rubric
        .into_iter()
        .enumerate()
        .map(|(index, criterion)| {
            let path = [Step::Key("rubric"), Step::Index(index)];
            document.report_unknown_keys(&path, &criterion.extra, CRITERION_KEYS, &mut diagnostics);
            RubricCriterion {
                criterion: criterion.criterion,
                competency: document.located(criterion.competency),
                points: document.located(criterion.points),
                span: document.table_span(&path),
            }
        })
        .collect();

    let body = outline(read.parts.body, read.parts.body_offset, 2);
    for block in body
        .preamble
        .iter()
        .chain(body.sections.iter().flat_map(|section| &section.blocks))
    {
        if let BlockKind::Heading(heading) = &block.kind
            && heading.level == 1
        {
            diagnostics.push(Diagnostic::at(
                Code::RolePlayHeadingLevel,
                source,
                heading.line_span(source),
                "a level-1 heading in a role-play is not a scene",
                "write each scene as a level-2 heading `## Title {#scene-id}`",
            ));
        }
    }
    let intro = body
        .preamble
        .first()
        .zip(body.preamble.last())
        .map(|(first, last)| {
            let span = Span::new(first.span.start, last.span.end);
            Markdown::new(source.slice(span).trim(), span)
        });
    let scenes = body
        .sections
        .iter()
        .filter_map(|section| scene::parse(source, section, &mut diagnostics))
        .collect();
    let roleplay = RolePlay {
        source: Arc::clone(source),
        front_matter: read.parts.opening,
        title: document.located(raw.title),
        persona: raw.persona,
        goal: raw.goal,
        competencies: document.located_all(raw.competencies),
        rubric,
        intro,
        scenes,
        links: body.links,
        raw_html: body.raw_html,
    };
    (Some(roleplay), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_ROLEPLAY: &str = r#"+++
title = "The quote is 20% higher"
persona = "Procurement manager at a mid-size equipment maker"
goal = "Keep the deal alive without discounting."
competencies = ["objection-handling", "negotiation"]

[[rubric]]
criterion = "Acknowledges the concern before answering"
competency = "objection-handling"
points = 3
+++

## The call opens {#start}

**Customer:** We like the demo, but your quote is 20% above the other vendor.

- [Ask what the other quote includes](#compare) {objection-handling=+2}
- [Offer 10% off if they sign today](#discount) {negotiation=-2}

## What is in the other quote {#compare}

**Customer:** Theirs has no installation and only a one-year warranty.

- [Compare the total cost over three years](#pitch) {objection-handling=+1 negotiation=+1}

## Your turn {#pitch .practice}

Write what you would say to move to a pilot.

- [Continue](#won)

## Pilot agreed {#won .end outcome=won}

> Outcome: won. They agree to a three-month pilot at list price.

## Deal lost {#discount .end outcome=lost}

> Outcome: lost. An early discount anchored the talk on price.
"#;

    fn parse_text(text: &str) -> (Option<RolePlay>, Vec<Diagnostic>) {
        parse(&Arc::new(SourceFile::new(
            "content/modules/m/roleplay-quote.md",
            text,
        )))
    }

    fn parse_valid(text: &str) -> RolePlay {
        let (roleplay, diagnostics) = parse_text(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        roleplay.expect("role-play")
    }

    fn with_scenes(markdown: &str) -> String {
        format!("+++\ntitle = \"T\"\n+++\n\n{markdown}")
    }

    fn location(roleplay: &RolePlay, span: Span) -> (usize, usize) {
        let location = roleplay.source.location(span.start);
        (location.line, location.column)
    }

    #[test]
    fn reads_the_front_matter_and_rubric() {
        let roleplay = parse_valid(SPEC_ROLEPLAY);

        assert_eq!(roleplay.title.value, "The quote is 20% higher");
        assert_eq!(
            roleplay.persona,
            "Procurement manager at a mid-size equipment maker"
        );
        assert_eq!(roleplay.goal, "Keep the deal alive without discounting.");
        assert_eq!(roleplay.competencies.len(), 2);
        assert_eq!(roleplay.rubric.len(), 1);
        let criterion = &roleplay.rubric[0];
        assert_eq!(
            criterion.criterion,
            "Acknowledges the concern before answering"
        );
        assert_eq!(criterion.competency.value, "objection-handling");
        assert_eq!(criterion.points.value, 3);
        assert_eq!(location(&roleplay, criterion.points.span), (10, 10));
        assert_eq!(location(&roleplay, criterion.span).0, 7);
    }

    #[test]
    fn reads_scenes_with_flags_and_outcomes() {
        let roleplay = parse_valid(SPEC_ROLEPLAY);

        let ids: Vec<&str> = roleplay
            .scenes
            .iter()
            .map(|s| s.id.value.as_str())
            .collect();
        assert_eq!(ids, ["start", "compare", "pitch", "won", "discount"]);
        let pitch = roleplay.scene("pitch").expect("pitch");
        assert!(pitch.practice && !pitch.end);
        assert_eq!(
            pitch.body.text,
            "Write what you would say to move to a pilot."
        );
        let won = roleplay.scene("won").expect("won");
        assert!(won.end);
        assert_eq!(won.outcome.as_ref().map(|o| o.value), Some(Outcome::Won));
        assert_eq!(
            roleplay
                .source
                .slice(won.outcome.as_ref().map_or(Span::default(), |o| o.span)),
            "outcome=won"
        );
        assert_eq!(location(&roleplay, won.id.span), (32, 18));
        assert_eq!(won.title, "Pilot agreed");
        assert!(won.choices.is_empty());
    }

    #[test]
    fn reads_choices_with_targets_and_scores() {
        let roleplay = parse_valid(SPEC_ROLEPLAY);

        let start = &roleplay.scenes[0];
        assert_eq!(start.choices.len(), 2);
        let first = &start.choices[0];
        assert_eq!(first.index, 0);
        assert_eq!(first.label.text, "Ask what the other quote includes");
        assert_eq!(first.target.value, "compare");
        assert_eq!(location(&roleplay, first.target.span), (17, 3));
        assert_eq!(first.scores.len(), 1);
        assert_eq!(first.scores[0].competency.value, "objection-handling");
        assert_eq!(first.scores[0].points, 2);
        assert_eq!(
            location(&roleplay, first.scores[0].competency.span),
            (17, 50)
        );
        assert_eq!(start.choices[1].scores[0].points, -2);
        let compare = &roleplay.scenes[1];
        let scores: Vec<(&str, i64)> = compare.choices[0]
            .scores
            .iter()
            .map(|score| (score.competency.value.as_str(), score.points))
            .collect();
        assert_eq!(scores, [("objection-handling", 1), ("negotiation", 1)]);
        assert!(roleplay.scenes[2].choices[0].scores.is_empty());
    }

    #[test]
    fn the_choice_list_is_not_part_of_the_body_but_lines_are() {
        let roleplay = parse_valid(SPEC_ROLEPLAY);

        let start = &roleplay.scenes[0];
        assert_eq!(
            start.body.text,
            "**Customer:** We like the demo, but your quote is 20% above the other vendor."
        );
        assert_eq!(start.lines.len(), 1);
        assert_eq!(start.lines[0].speaker, "Customer");
        assert_eq!(
            start.lines[0].text.text,
            "We like the demo, but your quote is 20% above the other vendor."
        );
    }

    #[test]
    fn chinese_speaker_labels_and_narration_lists_are_kept() {
        let roleplay = parse_valid(&with_scenes(
            "## 开场 {#start}\n\n**客户：** 太贵了。\n\n* 预算有限\n* 时间紧\n\n- [*问*原因](#end) {a=+1}\n\n## 结束 {#end .end outcome=partial}\n",
        ));

        let start = &roleplay.scenes[0];
        assert_eq!(start.lines[0].speaker, "客户");
        assert!(start.body.text.contains("* 预算有限"));
        assert_eq!(start.choices.len(), 1);
        assert_eq!(start.choices[0].label.text, "*问*原因");
        assert_eq!(
            roleplay.scenes[1].outcome.as_ref().map(|o| o.value),
            Some(Outcome::Partial)
        );
    }

    #[test]
    fn a_scene_without_id_is_reported_and_skipped() {
        let (roleplay, diagnostics) = parse_text(&with_scenes("## Opening\n\nHi.\n"));

        assert_eq!(roleplay.map(|r| r.scenes.len()), Some(0));
        assert_eq!(diagnostics[0].code, Code::SceneMissingId);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (5, 1));
    }

    #[test]
    fn unknown_classes_attributes_and_outcomes_are_reported() {
        let (_, diagnostics) =
            parse_text(&with_scenes("## End {#e .ending outcome=draw mood=sad}\n"));

        let found: Vec<(Code, usize)> = diagnostics.iter().map(|d| (d.code, d.column)).collect();
        assert_eq!(
            found,
            [
                (Code::SceneUnknownAttribute, 12),
                (Code::BadOutcome, 20),
                (Code::SceneUnknownAttribute, 33)
            ]
        );
        assert_eq!(diagnostics[0].line, 5);
    }

    #[test]
    fn an_item_that_is_not_a_scene_link_is_reported() {
        let (roleplay, diagnostics) = parse_text(&with_scenes(
            "## S {#s}\n\n- [Go](#t)\n- Say nothing\n- [Web](https://example.com)\n\n## T {#t .end outcome=won}\n",
        ));

        let codes: Vec<(Code, usize)> = diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(codes, [(Code::ChoiceNotLink, 8), (Code::ChoiceNotLink, 9)]);
        assert_eq!(roleplay.map(|r| r.scenes[0].choices.len()), Some(1));
    }

    #[test]
    fn a_narration_list_run_into_the_choices_is_reported() {
        // Same bullet, blank line between: CommonMark makes this one list.
        let (_, diagnostics) = parse_text(&with_scenes(
            "## S {#s}\n\n- Budget is tight\n\n- [Ask](#t)\n\n## T {#t .end outcome=won}\n",
        ));

        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::ChoiceNotLink);
        assert_eq!(diagnostics[0].line, 7);
        assert!(diagnostics[0].help.contains("`*`"));
    }

    #[test]
    fn malformed_scores_are_reported_at_the_token() {
        let (roleplay, diagnostics) = parse_text(&with_scenes(
            "## S {#s}\n\n- [Go](#t) {a=+2 b=two c= a=1}\n- [Stay](#t) because\n\n## T {#t .end outcome=won}\n",
        ));

        let found: Vec<(Code, usize, usize)> = diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        assert_eq!(
            found,
            [
                (Code::BadScore, 7, 18),
                (Code::BadScore, 7, 24),
                (Code::DuplicateScore, 7, 27),
                (Code::BadScore, 8, 14)
            ]
        );
        let roleplay = roleplay.expect("role-play");
        assert_eq!(roleplay.scenes[0].choices[0].scores.len(), 1);
        assert_eq!(roleplay.scenes[0].choices.len(), 2);
    }

    #[test]
    fn a_level_one_heading_is_reported() {
        let (_, diagnostics) = parse_text(&with_scenes("# Title\n\n## S {#s .end}\n"));

        assert_eq!(diagnostics[0].code, Code::RolePlayHeadingLevel);
        assert_eq!(diagnostics[0].line, 5);
    }

    #[test]
    fn a_missing_title_is_a_toml_error() {
        let (roleplay, diagnostics) = parse_text("+++\npersona = \"P\"\n+++\n");

        assert!(roleplay.is_none());
        assert_eq!(diagnostics[0].code, Code::TomlInvalid);
        assert!(diagnostics[0].message.contains("`title`"));
    }
}
