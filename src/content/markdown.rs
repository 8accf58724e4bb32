//! The one place that decides how Markdown is parsed, and the text type that
//! keeps a piece of Markdown with the place it came from.

use pulldown_cmark::{OffsetIter, Options, Parser};

use super::source::Span;

/// Every extension the content format uses. Smart punctuation stays off so
/// the text a learner sees is what the trainer typed.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Events with their byte ranges in `text`; every reader of content Markdown
/// (and, later, the HTML renderer) starts here.
pub fn parse(text: &str) -> OffsetIter<'_> {
    Parser::new_ext(text, options()).into_offset_iter()
}

/// A self-contained piece of Markdown (a prompt, a feedback, a scene body)
/// and the span of the file it was cut from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Markdown {
    pub text: String,
    pub span: Span,
}

impl Markdown {
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Self {
            text: text.into(),
            span,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Removes a block quote's `>` markers from quoted text, so the inside can be
/// rendered on its own. `indent` is how far the quote is indented (inside a
/// list item); lazy continuation lines without `>` are kept as they are.
pub fn unquote(text: &str, indent: usize) -> String {
    text.lines()
        .map(|line| {
            let line = strip_indent(line, indent);
            match line.strip_prefix('>') {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Removes up to `indent` columns of leading spaces from each line after the
/// first (the first starts where the span started), so a list item's
/// continuation lines read as top-level Markdown.
pub fn dedent(text: &str, indent: usize) -> String {
    text.lines()
        .enumerate()
        .map(|(index, line)| {
            if index == 0 {
                line
            } else {
                strip_indent(line, indent)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = line
        .bytes()
        .take(indent)
        .take_while(|byte| *byte == b' ')
        .count();
    &line[spaces..]
}

/// The number of characters between the start of the line and `offset`.
pub fn column_in_line(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    before[line_start..].chars().count()
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{BlockQuoteKind, Event, Tag};

    use super::*;

    #[test]
    fn every_extension_the_format_uses_is_on() {
        let text = "## Q {#q .end type=order}\n\n- [x] a\n\n| a |\n|---|\n| b |\n\n~~s~~ x[^1]\n\n[^1]: n\n\n> [!TIP]\n> t\n";

        let events: Vec<Event> = parse(text).map(|(event, _)| event).collect();

        let has = |wanted: &dyn Fn(&Event) -> bool| events.iter().any(wanted);
        assert!(has(
            &|e| matches!(e, Event::Start(Tag::Heading { id: Some(id), .. }) if id.as_ref() == "q")
        ));
        assert!(has(&|e| matches!(e, Event::TaskListMarker(true))));
        assert!(has(&|e| matches!(e, Event::Start(Tag::Table(_)))));
        assert!(has(&|e| matches!(e, Event::Start(Tag::Strikethrough))));
        assert!(has(&|e| matches!(e, Event::FootnoteReference(_))));
        assert!(has(&|e| matches!(
            e,
            Event::Start(Tag::BlockQuote(Some(BlockQuoteKind::Tip)))
        )));
    }

    #[test]
    fn offsets_are_byte_ranges_of_the_input() {
        let text = "intro\n\n## Title {#t}\n";

        let heading =
            parse(text).find(|(event, _)| matches!(event, Event::Start(Tag::Heading { .. })));

        assert_eq!(heading.map(|(_, range)| range.start), Some(7));
    }

    #[test]
    fn unquote_strips_markers_and_indent() {
        let quoted = "> First line\n  > second *line*\n  lazy";
        assert_eq!(unquote(quoted, 2), "First line\nsecond *line*\nlazy");
    }

    #[test]
    fn dedent_keeps_the_first_line() {
        assert_eq!(dedent("one\n   two\n  three", 2), "one\n two\nthree");
    }

    #[test]
    fn column_counts_characters_on_the_line() {
        assert_eq!(column_in_line("ab\n  客> x", 5), 2);
        assert_eq!(column_in_line("ab\n  客> x", 8), 3);
    }
}
