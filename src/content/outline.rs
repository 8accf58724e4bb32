//! The block structure of a Markdown body, read from pulldown-cmark's events:
//! sections under level-2 headings, their top-level blocks, and for list
//! items the parts the quiz and role-play formats give meaning to (checkbox,
//! leading link, text after it, quoted feedback).
//!
//! Quizzes and role-plays are both "a heading per item, a list under it", so
//! they share this one walk over the events instead of each re-deriving
//! nesting from the event stream.

use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::diagnostic::{Code, Diagnostic};
use super::markdown;
use super::source::{Located, SourceFile, Span};

/// A link or image anywhere in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub destination: String,
    pub span: Span,
    pub is_image: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: Option<String>,
    pub classes: Vec<String>,
    /// `key=value` attributes in the order written (`key` alone has no value).
    pub attributes: Vec<(String, Option<String>)>,
    /// The whole heading line, attributes included.
    pub span: Span,
    /// The heading's inline content, without `##` and attributes.
    pub content: Span,
    /// The content as plain text.
    pub text: String,
}

impl Heading {
    /// The heading's `{#id}`, located at the attribute; without one, reports
    /// `code` (a question or scene cannot exist without an id) and returns None.
    pub fn required_id(
        &self,
        source: &Arc<SourceFile>,
        code: Code,
        what: &str,
        example: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Located<String>> {
        let Some(id) = self.id.as_ref() else {
            diagnostics.push(Diagnostic::at(
                code,
                source,
                self.line_span(source),
                format!("{what} \"{}\" has no id", self.text.trim()),
                format!("end the heading with an id, e.g. `{example}`"),
            ));
            return None;
        };
        Some(Located::new(
            id.clone(),
            self.attribute_span(source, &format!("#{id}")),
        ))
    }

    /// The span of `needle` (e.g. `type=order`) inside the heading's attribute
    /// block, so a diagnostic can point at the attribute itself; the whole
    /// heading if it cannot be found.
    pub fn attribute_span(&self, source: &SourceFile, needle: &str) -> Span {
        let after_content = Span::new(self.content.end, self.span.end);
        source
            .slice(after_content)
            .find(needle)
            .map(|index| {
                let start = after_content.start + index;
                Span::new(start, start + needle.len())
            })
            .unwrap_or(self.span)
    }

    /// The heading line without its line ending.
    pub fn line_span(&self, source: &SourceFile) -> Span {
        let text = source.slice(self.span);
        Span::new(self.span.start, self.span.start + text.trim_end().len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub span: Span,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    /// `speaker` is the text of a leading `**bold:**` label, if any.
    Paragraph {
        speaker: Option<Located<String>>,
    },
    List(List),
    /// A heading of another level than the one that starts sections.
    Heading(Heading),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub ordered: bool,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListItem {
    pub span: Span,
    /// `[x]` is `true`, `[ ]` is `false`.
    pub checkbox: Option<Located<bool>>,
    /// Where the item's own content starts (after the marker and checkbox).
    pub content_start: Option<usize>,
    /// The first link of the item's own text.
    pub link: Option<ItemLink>,
    /// Whether any text came before that link.
    pub text_before_link: bool,
    /// Plain text that follows the link, e.g. ` {negotiation=-2}`.
    pub after_link: Option<Located<String>>,
    /// Block quotes directly inside the item.
    pub quotes: Vec<Span>,
    /// The item's own plain text (not its quotes or nested lists).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLink {
    pub destination: String,
    pub span: Span,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Heading,
    pub blocks: Vec<Block>,
    /// Where the section ends (the next section's heading, or the end).
    pub end: usize,
}

impl Section {
    /// Everything under the heading.
    pub fn body_span(&self) -> Span {
        Span::new(self.heading.span.end, self.end)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    /// Blocks before the first section heading.
    pub preamble: Vec<Block>,
    pub sections: Vec<Section>,
    pub links: Vec<LinkRef>,
    pub raw_html: Vec<Span>,
}

/// Reads `body`, which starts at byte `offset` of its file, splitting it into
/// sections at headings of `section_level` (1..6). Spans are file offsets.
pub fn outline(body: &str, offset: usize, section_level: u8) -> Outline {
    let mut builder = Builder {
        end: offset + body.len(),
        section_level,
        ..Builder::default()
    };
    for (event, mut range) in markdown::parse(body) {
        // An escaped character (`\#`) arrives as text that starts after its
        // backslash; the Markdown cut from here must keep the backslash, or
        // `- [ ] \# x` would come back as a heading.
        if matches!(event, Event::Text(_))
            && range.start > 0
            && body.as_bytes().get(range.start - 1) == Some(&b'\\')
        {
            range.start -= 1;
        }
        builder.event(event, Span::from(range).shifted(offset));
    }
    builder.finish()
}

#[derive(Default)]
struct Builder {
    end: usize,
    section_level: u8,
    outline: Outline,
    /// Tags open at this point, outermost first.
    stack: Vec<TagEnd>,
    block_start: usize,
    heading: Option<Heading>,
    paragraph_speaker: SpeakerState,
    list: Option<List>,
    item: Option<ItemState>,
}

#[derive(Default)]
enum SpeakerState {
    #[default]
    Idle,
    /// A paragraph started; no inline content yet.
    Start,
    /// Collecting the text of a leading bold span.
    Collecting(String),
    Found(Located<String>),
    /// The paragraph did not start with bold text.
    None,
}

#[derive(Default)]
struct ItemState {
    item: ListItem,
    link_open: bool,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Start(tag) => self.start(tag, span),
            Event::End(end) => self.end_tag(end, span),
            Event::Text(text) | Event::Code(text) => self.text(&text, span),
            Event::TaskListMarker(checked) => self.task_marker(checked, span),
            Event::InlineHtml(_) => {
                self.outline.raw_html.push(span);
                self.inline(span);
            }
            Event::Html(_) => {}
            _ => self.inline(span),
        }
    }

    fn start(&mut self, tag: Tag<'_>, span: Span) {
        match &tag {
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.outline.links.push(LinkRef {
                    destination: dest_url.to_string(),
                    span,
                    is_image: matches!(tag, Tag::Image { .. }),
                });
            }
            Tag::HtmlBlock => self.outline.raw_html.push(span),
            _ => {}
        }
        if self.stack.is_empty() {
            self.start_block(&tag, span);
        } else {
            self.start_nested(&tag, span);
        }
        self.stack.push(tag.to_end());
    }

    fn start_block(&mut self, tag: &Tag<'_>, span: Span) {
        self.block_start = span.start;
        match tag {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.heading = Some(Heading {
                    level: heading_level_number(*level),
                    id: id.as_ref().map(|id| id.to_string()),
                    classes: classes.iter().map(|class| class.to_string()).collect(),
                    attributes: attrs
                        .iter()
                        .map(|(key, value)| {
                            (key.to_string(), value.as_ref().map(|v| v.to_string()))
                        })
                        .collect(),
                    span,
                    content: Span::new(span.end, span.end),
                    text: String::new(),
                });
            }
            Tag::Paragraph => self.paragraph_speaker = SpeakerState::Start,
            Tag::List(first_number) => {
                self.list = Some(List {
                    ordered: first_number.is_some(),
                    items: Vec::new(),
                });
            }
            _ => {}
        }
    }

    /// The tags open inside the current top-level list item, if any.
    fn item_context(&self) -> Option<&[TagEnd]> {
        match self.stack.as_slice() {
            [TagEnd::List(_), TagEnd::Item, rest @ ..] if self.item.is_some() => Some(rest),
            _ => None,
        }
    }

    fn start_nested(&mut self, tag: &Tag<'_>, span: Span) {
        if matches!(self.paragraph_speaker, SpeakerState::Start) {
            // Only a bold span that opens the paragraph is a speaker label.
            self.paragraph_speaker =
                if matches!(tag, Tag::Strong) && self.stack.as_slice() == [TagEnd::Paragraph] {
                    SpeakerState::Collecting(String::new())
                } else {
                    SpeakerState::None
                };
        }
        self.inline(span);
        if self.stack.as_slice() == [TagEnd::List(self.list_ordered())] && matches!(tag, Tag::Item)
        {
            self.item = Some(ItemState {
                item: ListItem {
                    span,
                    ..ListItem::default()
                },
                link_open: false,
            });
            return;
        }
        let Some(context) = self.item_context() else {
            return;
        };
        let in_own_text = is_own_text(context);
        let directly_in_item = context.is_empty();
        let Some(state) = self.item.as_mut() else {
            return;
        };
        if state.item.content_start.is_none() && !matches!(tag, Tag::Paragraph) {
            state.item.content_start = Some(span.start);
        }
        match tag {
            Tag::BlockQuote(_) if directly_in_item => state.item.quotes.push(span),
            Tag::Link { dest_url, .. } if in_own_text && state.item.link.is_none() => {
                state.item.text_before_link = !state.item.text.trim().is_empty();
                state.item.link = Some(ItemLink {
                    destination: dest_url.to_string(),
                    span,
                    label: String::new(),
                });
                state.link_open = true;
            }
            _ => {}
        }
    }

    fn list_ordered(&self) -> bool {
        self.list.as_ref().is_some_and(|list| list.ordered)
    }

    fn end_tag(&mut self, end: TagEnd, span: Span) {
        self.stack.pop();
        if let Some(state) = self.item.as_mut()
            && end == TagEnd::Link
            && state.link_open
        {
            state.link_open = false;
        }
        if let SpeakerState::Collecting(text) = &self.paragraph_speaker
            && end == TagEnd::Strong
            && self.stack.as_slice() == [TagEnd::Paragraph]
        {
            self.paragraph_speaker = SpeakerState::Found(Located::new(
                text.trim().to_string(),
                Span::new(self.block_start, span.end),
            ));
        }
        if end == TagEnd::Item
            && self.stack.len() == 1
            && let (Some(state), Some(list)) = (self.item.take(), self.list.as_mut())
        {
            list.items.push(state.item);
        }
        if self.stack.is_empty() {
            self.end_block(end, span);
        }
    }

    fn end_block(&mut self, end: TagEnd, span: Span) {
        let block_span = Span::new(self.block_start, span.end);
        let kind = match end {
            TagEnd::Heading(_) => match self.heading.take() {
                Some(heading) if heading.level == self.section_level => {
                    self.close_section(heading.span.start);
                    self.outline.sections.push(Section {
                        heading,
                        blocks: Vec::new(),
                        end: self.end,
                    });
                    return;
                }
                Some(heading) => BlockKind::Heading(heading),
                None => BlockKind::Other,
            },
            TagEnd::Paragraph => {
                let speaker = match std::mem::take(&mut self.paragraph_speaker) {
                    SpeakerState::Found(speaker) => Some(speaker),
                    _ => None,
                };
                BlockKind::Paragraph { speaker }
            }
            TagEnd::List(_) => match self.list.take() {
                Some(list) => BlockKind::List(list),
                None => BlockKind::Other,
            },
            _ => BlockKind::Other,
        };
        let block = Block {
            span: block_span,
            kind,
        };
        match self.outline.sections.last_mut() {
            Some(section) => section.blocks.push(block),
            None => self.outline.preamble.push(block),
        }
    }

    fn close_section(&mut self, next_start: usize) {
        if let Some(section) = self.outline.sections.last_mut() {
            section.end = next_start;
        }
    }

    fn text(&mut self, text: &str, span: Span) {
        self.inline(span);
        if let Some(heading) = self.heading.as_mut() {
            heading.text.push_str(text);
        }
        if let SpeakerState::Collecting(collected) = &mut self.paragraph_speaker {
            collected.push_str(text);
        }
        let Some(context) = self.item_context() else {
            return;
        };
        if !is_own_text(context) {
            return;
        }
        let in_link = context.contains(&TagEnd::Link);
        let Some(state) = self.item.as_mut() else {
            return;
        };
        if state.item.content_start.is_none() {
            state.item.content_start = Some(span.start);
        }
        if in_link && state.link_open {
            if let Some(link) = state.item.link.as_mut() {
                link.label.push_str(text);
            }
        } else if !in_link && state.item.link.is_some() && !state.link_open {
            match state.item.after_link.as_mut() {
                Some(after) => {
                    after.value.push_str(text);
                    after.span.end = span.end;
                }
                None => state.item.after_link = Some(Located::new(text.to_string(), span)),
            }
        }
        state.item.text.push_str(text);
    }

    fn task_marker(&mut self, checked: bool, span: Span) {
        let own_text = self.item_context().is_some_and(is_own_text);
        if let Some(state) = self.item.as_mut()
            && own_text
            && state.item.checkbox.is_none()
            && state.item.content_start.is_none()
        {
            state.item.checkbox = Some(Located::new(checked, span));
        }
    }

    /// Bookkeeping shared by every event inside a block.
    fn inline(&mut self, span: Span) {
        if let Some(heading) = self.heading.as_mut() {
            if heading.content.start == heading.span.end {
                heading.content.start = span.start;
            }
            heading.content.end = span.end.max(heading.content.start);
        }
        if matches!(self.paragraph_speaker, SpeakerState::Start) {
            self.paragraph_speaker = SpeakerState::None;
        }
    }

    fn finish(mut self) -> Outline {
        if let Some(section) = self.outline.sections.last_mut() {
            section.end = self.end;
        }
        self.outline
    }
}

/// Whether the open tags are the item's own text (not a quote, a nested list
/// or a code block inside it).
fn is_own_text(context: &[TagEnd]) -> bool {
    context.iter().all(|tag| {
        matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
        )
    })
}

fn heading_level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_list(section: &Section) -> &List {
        section
            .blocks
            .iter()
            .find_map(|block| match &block.kind {
                BlockKind::List(list) => Some(list),
                _ => None,
            })
            .expect("a list")
    }

    #[test]
    fn splits_sections_at_level_two_headings_with_their_attributes() {
        let body =
            "Intro.\n\n## First {#one .end outcome=won}\n\nText.\n\n## Second `code` {#two}\n";

        let outline = outline(body, 100, 2);

        assert_eq!(outline.preamble.len(), 1);
        assert_eq!(outline.sections.len(), 2);
        let first = &outline.sections[0].heading;
        assert_eq!(first.id.as_deref(), Some("one"));
        assert_eq!(first.classes, ["end"]);
        assert_eq!(
            first.attributes,
            [("outcome".to_string(), Some("won".to_string()))]
        );
        assert_eq!(first.text, "First");
        assert_eq!(first.span.start, 108);
        assert_eq!(first.content, Span::new(111, 116));
        assert_eq!(
            outline.sections[0].end,
            100 + body.find("## Second").unwrap_or(0)
        );
        assert_eq!(outline.sections[1].heading.text, "Second code");
        assert_eq!(outline.sections[1].end, 100 + body.len());
    }

    #[test]
    fn attribute_spans_point_into_the_attribute_block() {
        let body = "## Type a type {#q type=text}\n";
        let source = SourceFile::new("q.md", body);

        let outline = outline(body, 0, 2);

        let heading = &outline.sections[0].heading;
        let span = heading.attribute_span(&source, "type=text");
        assert_eq!(span.start, body.find("type=text").unwrap_or(0));
        assert_eq!(heading.attribute_span(&source, "missing"), heading.span);
        assert_eq!(
            source.slice(heading.line_span(&source)),
            "## Type a type {#q type=text}"
        );
    }

    #[test]
    fn reads_checkboxes_quotes_and_item_text() {
        let body = "## Q {#q}\n\n- [ ] Wrong *one*\n  > Because.\n- [x] Right\n";

        let outline = outline(body, 0, 2);

        let list = only_list(&outline.sections[0]);
        assert!(!list.ordered);
        assert_eq!(list.items.len(), 2);
        let wrong = &list.items[0];
        assert_eq!(wrong.checkbox.as_ref().map(|c| c.value), Some(false));
        assert_eq!(wrong.text, "Wrong one");
        assert_eq!(wrong.content_start, body.find("Wrong"));
        assert_eq!(wrong.quotes.len(), 1);
        assert_eq!(&body[wrong.quotes[0].range()].trim_end(), &"> Because.");
        assert_eq!(list.items[1].checkbox.as_ref().map(|c| c.value), Some(true));
    }

    #[test]
    fn checkboxes_are_found_in_loose_lists() {
        let body = "## Q {#q}\n\n- [x] A\n\n- [ ] B\n";

        let outline = outline(body, 0, 2);

        let list = only_list(&outline.sections[0]);
        assert_eq!(list.items[0].checkbox.as_ref().map(|c| c.value), Some(true));
        assert_eq!(
            list.items[1].checkbox.as_ref().map(|c| c.value),
            Some(false)
        );
        assert_eq!(list.items[1].content_start, body.find('B'));
    }

    #[test]
    fn reads_a_leading_link_and_the_text_after_it() {
        let body = "## S {#s}\n\n- [Ask *why*](#why) {a=+2 b=-1}\n- Say [no](#no)\n";

        let outline = outline(body, 0, 2);

        let list = only_list(&outline.sections[0]);
        let ask = &list.items[0];
        let link = ask.link.as_ref().expect("link");
        assert_eq!(link.destination, "#why");
        assert_eq!(link.label, "Ask why");
        assert!(!ask.text_before_link);
        let after = ask.after_link.as_ref().expect("scores");
        assert_eq!(after.value, " {a=+2 b=-1}");
        assert_eq!(&body[after.span.range()], " {a=+2 b=-1}");
        assert!(list.items[1].text_before_link);
        assert_eq!(outline.links.len(), 2);
    }

    #[test]
    fn ordered_lists_are_marked() {
        let outline = outline("## O {#o}\n\n1. a\n2. b\n", 0, 2);
        assert!(only_list(&outline.sections[0]).ordered);
    }

    #[test]
    fn a_leading_bold_label_is_a_speaker() {
        let body = "**Customer:** Too expensive.\n\nPlain **bold** text.\n\n**客户：** 太贵了。\n";

        let outline = outline(body, 0, 2);

        let speakers: Vec<Option<String>> = outline
            .preamble
            .iter()
            .map(|block| match &block.kind {
                BlockKind::Paragraph { speaker } => speaker.as_ref().map(|s| s.value.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            speakers,
            [
                Some("Customer:".to_string()),
                None,
                Some("客户：".to_string())
            ]
        );
    }

    #[test]
    fn collects_links_images_and_raw_html() {
        let body = "See [x](../other) ![d](media/a.svg).\n\n<div>raw</div>\n\nand <b>inline</b>\n";

        let outline = outline(body, 10, 2);

        assert_eq!(outline.links.len(), 2);
        assert_eq!(outline.links[0].destination, "../other");
        assert!(!outline.links[0].is_image);
        assert!(outline.links[1].is_image);
        assert_eq!(
            outline.links[1].span.start,
            10 + body.find("![d]").unwrap_or(0)
        );
        assert_eq!(outline.raw_html.len(), 3);
        assert_eq!(
            outline.raw_html[0].start,
            10 + body.find("<div>").unwrap_or(0)
        );
    }

    #[test]
    fn other_headings_stay_blocks_of_their_section() {
        let outline = outline("# Title\n\n## S {#s}\n\n### Sub\n", 0, 2);

        assert!(matches!(&outline.preamble[0].kind, BlockKind::Heading(h) if h.level == 1));
        assert!(
            matches!(&outline.sections[0].blocks[0].kind, BlockKind::Heading(h) if h.level == 3)
        );
    }
}
