//! One scene: `## Title {#id .end .practice outcome=won}`, what is said, and
//! the learner's choices.

use std::sync::Arc;

use super::choice;
use super::{Outcome, Scene, SpokenLine};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::markdown::Markdown;
use crate::content::outline::{Block, BlockKind, Heading, List, Section};
use crate::content::source::{Located, SourceFile, Span};

/// Flags and attributes of a scene heading other than its id.
struct Attributes {
    end: bool,
    practice: bool,
    outcome: Option<Located<Outcome>>,
}

pub(super) fn parse(
    source: &Arc<SourceFile>,
    section: &Section,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Scene> {
    let heading = &section.heading;
    let id = heading.required_id(
        source,
        Code::SceneMissingId,
        "scene",
        "## The call opens {#start}",
        diagnostics,
    )?;
    let attributes = attributes(source, heading, diagnostics);

    let mut choices = Vec::new();
    let mut body_blocks: Vec<&Block> = Vec::new();
    for block in &section.blocks {
        match &block.kind {
            BlockKind::List(list) if is_choice_list(list) => {
                for item in &list.items {
                    if let Some(choice) = choice::parse(source, choices.len(), item, diagnostics) {
                        choices.push(choice);
                    }
                }
            }
            _ => body_blocks.push(block),
        }
    }
    Some(Scene {
        id,
        heading: heading.line_span(source),
        title: heading.text.trim().to_string(),
        end: attributes.end,
        practice: attributes.practice,
        outcome: attributes.outcome,
        body: body(source, section, &body_blocks),
        lines: spoken_lines(source, &body_blocks),
        choices,
    })
}

/// A list is a choice list when any item opens with a link to a scene;
/// other lists are part of what is said. "Any", not "first": a narration list
/// followed by the choices with the same bullet is one list in CommonMark,
/// and its narration items are then reported rather than silently hiding
/// the choices.
fn is_choice_list(list: &List) -> bool {
    list.items.iter().any(|item| {
        !item.text_before_link
            && item
                .link
                .as_ref()
                .is_some_and(|link| link.destination.starts_with('#'))
    })
}

fn attributes(
    source: &Arc<SourceFile>,
    heading: &Heading,
    diagnostics: &mut Vec<Diagnostic>,
) -> Attributes {
    let mut attributes = Attributes {
        end: false,
        practice: false,
        outcome: None,
    };
    for class in &heading.classes {
        match class.as_str() {
            "end" => attributes.end = true,
            "practice" => attributes.practice = true,
            _ => diagnostics.push(Diagnostic::at(
                Code::SceneUnknownAttribute,
                source,
                heading.attribute_span(source, &format!(".{class}")),
                format!("unknown scene class `.{class}`"),
                "a scene heading takes `.end`, `.practice` and `outcome=won|partial|lost`",
            )),
        }
    }
    for (key, value) in &heading.attributes {
        let written = match value {
            Some(value) => format!("{key}={value}"),
            None => key.clone(),
        };
        let span = heading.attribute_span(source, &written);
        match (key.as_str(), value.as_deref()) {
            ("outcome", Some(value)) => match outcome_named(value) {
                Some(outcome) => attributes.outcome = Some(Located::new(outcome, span)),
                None => diagnostics.push(Diagnostic::at(
                    Code::BadOutcome,
                    source,
                    span,
                    format!("unknown outcome `{value}`"),
                    "write `outcome=won`, `outcome=partial` or `outcome=lost`",
                )),
            },
            _ => diagnostics.push(Diagnostic::at(
                Code::SceneUnknownAttribute,
                source,
                span,
                format!("unknown scene attribute `{written}`"),
                "a scene heading takes `.end`, `.practice` and `outcome=won|partial|lost`",
            )),
        }
    }
    attributes
}

fn outcome_named(name: &str) -> Option<Outcome> {
    match name {
        "won" => Some(Outcome::Won),
        "partial" => Some(Outcome::Partial),
        "lost" => Some(Outcome::Lost),
        _ => None,
    }
}

/// The scene's blocks other than the choices, as one piece of Markdown.
fn body(source: &SourceFile, section: &Section, blocks: &[&Block]) -> Markdown {
    let text = blocks
        .iter()
        .map(|block| source.slice(block.span).trim())
        .collect::<Vec<_>>()
        .join("\n\n");
    Markdown::new(text, section.body_span())
}

fn spoken_lines(source: &SourceFile, blocks: &[&Block]) -> Vec<SpokenLine> {
    blocks
        .iter()
        .filter_map(|block| {
            let BlockKind::Paragraph {
                speaker: Some(label),
            } = &block.kind
            else {
                return None;
            };
            let speaker = label.value.trim_end_matches([':', '：']).trim();
            let is_label = label.value.ends_with([':', '：']) && !speaker.is_empty();
            is_label.then(|| {
                let span = Span::new(label.span.end, block.span.end);
                SpokenLine {
                    speaker: speaker.to_string(),
                    text: Markdown::new(source.slice(span).trim(), span),
                }
            })
        })
        .collect()
}
