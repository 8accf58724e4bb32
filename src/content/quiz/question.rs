//! One question: a level-2 heading `## Prompt {#id key=value}` and the list
//! under it.

use std::sync::Arc;

use super::{
    AcceptedAnswer, OrderStep, Question, QuestionBody, QuestionKind, QuizOption, blocks_markdown,
    report_title_headings,
};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::markdown::{Markdown, column_in_line, dedent, unquote};
use crate::content::outline::{Block, BlockKind, Heading, List, ListItem, Section};
use crate::content::source::{Located, SourceFile, Span};

/// The attributes a question heading may carry, for help texts.
const ATTRIBUTES: &str = "`type=single|multiple|order|text`, `competency=<id>`, `weight=<n>`";

/// Attributes of a question heading other than its id.
struct Attributes {
    kind: Option<QuestionKind>,
    competency: Option<Located<String>>,
    weight: Option<Located<u32>>,
}

pub(super) fn parse(
    source: &Arc<SourceFile>,
    section: &Section,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Question> {
    let heading = &section.heading;
    let id = heading.required_id(
        source,
        Code::QuestionMissingId,
        "question",
        "## What do you ask first? {#ask-first}",
        diagnostics,
    )?;
    let attributes = attributes(source, heading, diagnostics);
    report_title_headings(source, &section.blocks, diagnostics);

    let list_position = section
        .blocks
        .iter()
        .position(|block| matches!(block.kind, BlockKind::List(_)));
    let (before, list, after) = match list_position {
        Some(position) => {
            let list = match &section.blocks[position].kind {
                BlockKind::List(list) => Some((list, section.blocks[position].span)),
                _ => None,
            };
            (
                &section.blocks[..position],
                list,
                Span::new(section.blocks[position].span.end, section.end),
            )
        }
        None => (
            section.blocks.as_slice(),
            None,
            Span::new(section.end, section.end),
        ),
    };
    let body = match &list {
        Some((list, span)) => body(source, &id, attributes.kind, list, *span, diagnostics),
        None => empty_body(attributes.kind),
    };
    let explanation = Markdown::new(source.slice(after).trim(), after);
    Some(Question {
        prompt: prompt(source, heading, before),
        id,
        heading: heading.line_span(source),
        body,
        list: list.map(|(_, span)| span),
        explanation: (!explanation.is_empty()).then_some(explanation),
        competency: attributes.competency,
        weight: attributes.weight,
    })
}

fn attributes(
    source: &Arc<SourceFile>,
    heading: &Heading,
    diagnostics: &mut Vec<Diagnostic>,
) -> Attributes {
    let mut attributes = Attributes {
        kind: None,
        competency: None,
        weight: None,
    };
    for class in &heading.classes {
        diagnostics.push(Diagnostic::at(
            Code::QuestionUnknownAttribute,
            source,
            heading.attribute_span(source, &format!(".{class}")),
            format!("a question cannot have the class `.{class}`"),
            format!("remove it; a question heading takes {ATTRIBUTES}"),
        ));
    }
    for (key, value) in &heading.attributes {
        let written = match value {
            Some(value) => format!("{key}={value}"),
            None => key.clone(),
        };
        let span = heading.attribute_span(source, &written);
        match (key.as_str(), value) {
            ("type", Some(value)) => match kind_named(value) {
                Some(kind) => attributes.kind = Some(kind),
                None => diagnostics.push(Diagnostic::at(
                    Code::UnknownQuestionType,
                    source,
                    span,
                    format!("unknown question type `{value}`"),
                    "use `type=order` or `type=text`; choice questions need no type (one `[x]` = single, several = multiple)",
                )),
            },
            ("competency", Some(value)) => {
                attributes.competency = Some(Located::new(value.clone(), span));
            }
            ("weight", Some(value)) => match value.parse::<u32>() {
                Ok(weight) if weight > 0 => attributes.weight = Some(Located::new(weight, span)),
                _ => diagnostics.push(Diagnostic::at(
                    Code::BadWeight,
                    source,
                    span,
                    format!("weight `{value}` is not a positive whole number"),
                    "write `weight=2` (a question counts once by default)",
                )),
            },
            _ => diagnostics.push(Diagnostic::at(
                Code::QuestionUnknownAttribute,
                source,
                span,
                format!("unknown question attribute `{written}`"),
                format!("a question heading takes {ATTRIBUTES}"),
            )),
        }
    }
    attributes
}

fn kind_named(name: &str) -> Option<QuestionKind> {
    match name {
        "single" => Some(QuestionKind::Single),
        "multiple" => Some(QuestionKind::Multiple),
        "order" => Some(QuestionKind::Order),
        "text" => Some(QuestionKind::Text),
        _ => None,
    }
}

/// The heading text, plus any context (a case, a table) written between the
/// heading and the list.
fn prompt(source: &SourceFile, heading: &Heading, before_list: &[Block]) -> Markdown {
    let heading_text = source.slice(heading.content).trim();
    match blocks_markdown(source, before_list) {
        Some(context) => Markdown::new(
            format!("{heading_text}\n\n{}", context.text),
            Span::new(heading.content.start, context.span.end),
        ),
        None => Markdown::new(heading_text, heading.content),
    }
}

fn empty_body(kind: Option<QuestionKind>) -> QuestionBody {
    match kind {
        Some(QuestionKind::Order) => QuestionBody::Order(Vec::new()),
        Some(QuestionKind::Text) => QuestionBody::Text(Vec::new()),
        Some(QuestionKind::Multiple) => QuestionBody::Multiple(Vec::new()),
        Some(QuestionKind::Single) | None => QuestionBody::Single(Vec::new()),
    }
}

fn body(
    source: &Arc<SourceFile>,
    id: &Located<String>,
    kind: Option<QuestionKind>,
    list: &List,
    list_span: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> QuestionBody {
    match kind {
        Some(QuestionKind::Order) => {
            if !list.ordered {
                diagnostics.push(Diagnostic::at(
                    Code::OrderNotNumbered,
                    source,
                    source.first_line(list_span),
                    format!(
                        "the steps of order question `{}` are not a numbered list",
                        id.value
                    ),
                    "write the steps as `1. ...`, `2. ...` in the correct order",
                ));
            }
            QuestionBody::Order(
                list.items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| OrderStep {
                        index,
                        text: item_markdown(source, item),
                        span: item.span,
                    })
                    .collect(),
            )
        }
        Some(QuestionKind::Text) => {
            QuestionBody::Text(accepted_answers(source, id, list, diagnostics))
        }
        declared => {
            let options = options(source, list, diagnostics);
            let correct = options.iter().filter(|option| option.correct).count();
            match declared {
                Some(QuestionKind::Multiple) => QuestionBody::Multiple(options),
                None if correct > 1 => QuestionBody::Multiple(options),
                _ => QuestionBody::Single(options),
            }
        }
    }
}

fn options(
    source: &Arc<SourceFile>,
    list: &List,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<QuizOption> {
    list.items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            if item.checkbox.is_none() {
                diagnostics.push(Diagnostic::at(
                    Code::OptionWithoutCheckbox,
                    source,
                    source.first_line(item.span),
                    "this option has no checkbox",
                    "start options with `- [ ]` (wrong) or `- [x]` (right); for steps to put in order add `type=order` to the heading",
                ));
            }
            QuizOption {
                index,
                text: item_markdown(source, item),
                correct: item.checkbox.as_ref().is_some_and(|checkbox| checkbox.value),
                feedback: feedback(source, item),
                span: item.span,
            }
        })
        .collect()
}

fn accepted_answers(
    source: &Arc<SourceFile>,
    id: &Located<String>,
    list: &List,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<AcceptedAnswer> {
    let mut answers = Vec::new();
    for item in &list.items {
        let span = source.first_line(item.span);
        match &item.checkbox {
            Some(checkbox) if checkbox.value => answers.push(AcceptedAnswer {
                text: item.text.trim().to_string(),
                span: item.span,
            }),
            Some(_) => diagnostics.push(Diagnostic::at(
                Code::TextUncheckedAnswer,
                source,
                span,
                format!("text question `{}` lists an answer that is not accepted", id.value),
                "mark accepted answers with `- [x]` and remove the others (wrong answers are not listed)",
            )),
            None => diagnostics.push(Diagnostic::at(
                Code::OptionWithoutCheckbox,
                source,
                span,
                format!("an accepted answer of `{}` has no `[x]`", id.value),
                "write each accepted answer as `- [x] answer`",
            )),
        }
    }
    answers
}

/// The item's own Markdown, without its marker, checkbox and feedback.
fn item_markdown(source: &SourceFile, item: &ListItem) -> Markdown {
    let start = item.content_start.unwrap_or(item.span.end);
    let end = item
        .quotes
        .first()
        .map_or(item.span.end, |quote| quote.start)
        .max(start);
    let span = Span::new(start, end);
    let indent = column_in_line(source.text(), start);
    Markdown::new(dedent(source.slice(span), indent), span)
}

fn feedback(source: &SourceFile, item: &ListItem) -> Option<Markdown> {
    let first = item.quotes.first()?;
    let last = item.quotes.last()?;
    let text = item
        .quotes
        .iter()
        .map(|quote| {
            unquote(
                source.slice(*quote),
                column_in_line(source.text(), quote.start),
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    Some(Markdown::new(text, Span::new(first.start, last.end)))
}
