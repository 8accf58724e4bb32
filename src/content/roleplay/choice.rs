//! One choice: `- [Label](#scene) {competency=+2 other=-1}`.

use std::sync::Arc;

use super::{Choice, Score};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::markdown::Markdown;
use crate::content::outline::ListItem;
use crate::content::source::{Located, SourceFile, Span};

const CHOICE_FORM: &str =
    "write a choice as `- [What the learner says](#scene-id) {competency=+2}`";

pub(super) fn parse(
    source: &Arc<SourceFile>,
    index: usize,
    item: &ListItem,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Choice> {
    let line = source.first_line(item.span);
    let link = match &item.link {
        Some(link) if !item.text_before_link && link.destination.starts_with('#') => link,
        _ => {
            diagnostics.push(Diagnostic::at(
                Code::ChoiceNotLink,
                source,
                line,
                "this item of the choice list is not a link to a scene",
                format!(
                    "{CHOICE_FORM}; a list of narration right before the choices must use another bullet (`*`) or be separated by a paragraph"
                ),
            ));
            return None;
        }
    };
    // The label's Markdown as written (emphasis kept), or its plain text for
    // link forms whose label is not `[...]` followed by `(`.
    let label = source
        .slice(link.span)
        .strip_prefix('[')
        .and_then(|rest| rest.rfind("](").map(|end| &rest[..end]))
        .unwrap_or(&link.label);
    let label_span = Span::new(link.span.start + 1, link.span.start + 1 + label.len());
    let scores = match &item.after_link {
        Some(after) => scores(source, after, diagnostics),
        None => Vec::new(),
    };
    Some(Choice {
        index,
        label: Markdown::new(label.trim(), label_span),
        target: Located::new(link.destination[1..].to_string(), link.span),
        scores,
        span: item.span,
    })
}

/// Parses ` {a=+2 b=-1}`; `after` is the plain text after the link.
fn scores(
    source: &Arc<SourceFile>,
    after: &Located<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Score> {
    let written = after.value.trim_end();
    let leading = written.len() - written.trim_start().len();
    let trimmed = written.trim_start();
    if trimmed.is_empty() {
        return Vec::new();
    }
    // Text events are contiguous in the file unless Markdown escapes were
    // used; only then are offsets inside the braces approximate.
    let exact = source.slice(after.span).trim_end() == written;
    let span_of = |start: usize, length: usize| {
        if exact {
            Span::new(after.span.start + start, after.span.start + start + length)
        } else {
            after.span
        }
    };
    let Some(inner) = trimmed
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        diagnostics.push(Diagnostic::at(
            Code::BadScore,
            source,
            span_of(leading, trimmed.len()),
            format!("`{trimmed}` after the link is not a score block"),
            format!(
                "{CHOICE_FORM}; a choice that neither earns nor costs has nothing after the link"
            ),
        ));
        return Vec::new();
    };
    let inner_start = leading + 1;
    let mut scores: Vec<Score> = Vec::new();
    for (offset, token) in tokens(inner) {
        let span = span_of(inner_start + offset, token.len());
        let parsed = token
            .split_once('=')
            .and_then(|(competency, points)| Some((competency, parse_points(points)?)))
            .filter(|(competency, _)| !competency.is_empty());
        let Some((competency, points)) = parsed else {
            diagnostics.push(Diagnostic::at(
                Code::BadScore,
                source,
                span,
                format!("`{token}` is not a score"),
                "write `competency=+n` or `competency=-n` with a whole number, e.g. `negotiation=-2`",
            ));
            continue;
        };
        if scores
            .iter()
            .any(|score| score.competency.value == competency)
        {
            diagnostics.push(Diagnostic::at(
                Code::DuplicateScore,
                source,
                span,
                format!("`{competency}` is scored twice on this choice"),
                "give each competency one score per choice",
            ));
            continue;
        }
        let competency_span = Span::new(span.start, span.start + competency.len().min(span.len()));
        scores.push(Score {
            competency: Located::new(competency.to_string(), competency_span),
            points,
        });
    }
    scores
}

/// Whitespace-separated tokens with their byte offsets.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (index, character) in text.char_indices() {
        match (character.is_whitespace(), start) {
            (true, Some(token_start)) => {
                tokens.push((token_start, &text[token_start..index]));
                start = None;
            }
            (false, None) => start = Some(index),
            _ => {}
        }
    }
    if let Some(token_start) = start {
        tokens.push((token_start, &text[token_start..]));
    }
    tokens
}

/// `+2`, `-1`, `3`: one optional sign, then digits only (so `+-1` and `++1`
/// are refused rather than read as -1 and 1).
fn parse_points(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod points_tests {
    use super::parse_points;

    #[test]
    fn points_take_one_optional_sign_and_digits() {
        assert_eq!(parse_points("+2"), Some(2));
        assert_eq!(parse_points("-1"), Some(-1));
        assert_eq!(parse_points("3"), Some(3));
        for bad in ["", "+", "-", "+-1", "++1", "-+1", "1.5", "two", "+ 1"] {
            assert_eq!(parse_points(bad), None, "{bad}");
        }
    }
}
