//! GIFT text to Markdown. GIFT texts come in four formats (`[moodle]`, the
//! default; `[html]`; `[plain]`; `[markdown]`); all but Markdown are turned
//! into escaped Markdown text so that nothing a Moodle author typed (`#`,
//! `[ ]`, `>`, `*`, `<`) changes the structure of the quiz file.

use std::collections::BTreeSet;

use super::read::{BLANK, restore};

/// Stand for `**` and `*` while HTML is reduced, so escaping the text
/// around them leaves them alone.
const STRONG: char = '\u{E010}';
const EMPHASIS: char = '\u{E011}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// Splits a leading `[format]` off a text. An unknown `[word]` is text.
pub(super) fn split_format(text: &str) -> (Option<Format>, &str) {
    let trimmed = text.trim_start();
    for (tag, format) in [
        ("[moodle]", Format::Moodle),
        ("[html]", Format::Html),
        ("[plain]", Format::Plain),
        ("[markdown]", Format::Markdown),
    ] {
        if let Some(rest) = trimmed.strip_prefix(tag) {
            return (Some(format), rest);
        }
    }
    (None, text)
}

/// HTML that could not be kept: the tag names, for one note per question.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Reduced {
    pub tags: BTreeSet<String>,
}

/// A protected GIFT text (escapes as placeholders, see `read::protect`) as
/// Markdown, trimmed. Its own `[format]` wins over `default`, as in Moodle.
pub(super) fn to_markdown(protected: &str, default: Format, reduced: &mut Reduced) -> String {
    let (format, text) = split_format(protected);
    let text = restore(text).replace('\t', " ");
    let markdown = match format.unwrap_or(default) {
        Format::Plain => escape_plain(&text),
        Format::Moodle => escape_plain(&reduce_html(&text, false, reduced)),
        Format::Html => escape_plain(&reduce_html(&text, true, reduced)),
        Format::Markdown => text
            .split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let markdown = markdown
        .replace(STRONG, "**")
        .replace(EMPHASIS, "*")
        .replace(BLANK, "___");
    collapse_blank_lines(markdown.trim())
}

/// A plain answer (short answers, matching right-hand sides): no format,
/// no HTML, one line.
pub(super) fn plain_text(protected: &str) -> String {
    restore(protected)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain text as Markdown that renders as exactly that text: every
/// character with a Markdown meaning is backslash-escaped (CommonMark allows
/// a backslash before any ASCII punctuation), and so are the line starts
/// that would open a list, heading or thematic break.
pub(super) fn escape_plain(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| escape_line(line.trim()))
        .collect();
    collapse_blank_lines(lines.join("\n").trim())
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    // `12.` or `3)` at the start of a line would open an ordered list.
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    for (index, c) in line.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '{' | '}' | '|' | '~' | '&' => {
                true
            }
            '-' | '+' | '=' => index == 0,
            '.' | ')' => digits > 0 && index == digits,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most one blank line in a row (paragraph breaks from `<p>` and `\n`).
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Tags that carry no meaning worth keeping; removed without a report.
const SIMPLE: &[&str] = &[
    "span", "u", "font", "small", "big", "code", "kbd", "tt", "s", "strike", "del", "ins", "mark",
    "abbr", "cite", "q", "center", "label", "nobr", "wbr", "samp", "var", "dfn", "time", "bdi",
    "bdo",
];
/// Paragraph-like tags: a paragraph break, no report.
const PARAGRAPH: &[&str] = &["p", "div"];
/// Tags whose meaning is lost in text: reported so the trainer can check the
/// wording (lists and tables flatten, images and link targets disappear).
const COMPLEX: &[&str] = &[
    "a",
    "img",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "colgroup",
    "col",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "iframe",
    "video",
    "audio",
    "source",
    "track",
    "object",
    "embed",
    "param",
    "form",
    "input",
    "select",
    "option",
    "textarea",
    "button",
    "svg",
    "math",
    "canvas",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "details",
    "summary",
    "map",
    "area",
    "picture",
    "noscript",
    "link",
    "meta",
    "base",
    "title",
    "head",
    "body",
    "html",
    "script",
    "style",
];
/// Their content is code, not text.
const DROP_CONTENT: &[&str] = &["script", "style", "title", "head"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Emphasis {
    Strong,
    Em,
}

struct Tag<'a> {
    name: String,
    closing: bool,
    len: usize,
    raw: &'a str,
}

/// `<name ...>` or `</name>` at the start of `text`.
fn tag_at(text: &str) -> Option<Tag<'_>> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let first = rest.bytes().next()?;
    if name_len == 0 || !first.is_ascii_alphabetic() {
        return None;
    }
    let after_name = &rest[name_len..];
    if !(after_name.starts_with(['>', '/']) || after_name.starts_with(char::is_whitespace)) {
        return None;
    }
    let end = text.find('>')?;
    if text[1..end].contains('<') {
        return None;
    }
    Some(Tag {
        name: rest[..name_len].to_ascii_lowercase(),
        closing,
        len: end + 1,
        raw: &text[..=end],
    })
}

/// Simple HTML to text with `STRONG`/`EMPHASIS` markers, entities decoded.
/// In `[html]` every tag is HTML and white space collapses as a browser
/// would; in `[moodle]` only known HTML tags are tags (so `<name>` in a
/// plain question stays text) and line breaks are kept, as Moodle shows them.
fn reduce_html(text: &str, html: bool, reduced: &mut Reduced) -> String {
    let mut frames: Vec<(Option<Emphasis>, String)> = vec![(None, String::new())];
    let mut index = 0;
    while index < text.len() {
        let rest = &text[index..];
        if rest.starts_with("<!--") {
            index += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        if let Some(tag) = tag_at(rest) {
            let known = SIMPLE.contains(&tag.name.as_str())
                || PARAGRAPH.contains(&tag.name.as_str())
                || COMPLEX.contains(&tag.name.as_str())
                || ["b", "strong", "i", "em", "br"].contains(&tag.name.as_str());
            if html || known {
                index += tag.len;
                if !tag.closing && DROP_CONTENT.contains(&tag.name.as_str()) {
                    let closing = format!("</{}", tag.name);
                    let lower = text[index..].to_ascii_lowercase();
                    index += lower.find(&closing).map_or(text.len() - index, |at| {
                        at + lower[at..].find('>').map_or(closing.len(), |end| end + 1)
                    });
                }
                apply_tag(&tag, &mut frames, reduced);
                continue;
            }
        }
        if let Some((decoded, len)) = entity_at(rest) {
            push_text(&mut frames, decoded, html);
            index += len;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        push_text(&mut frames, c, html);
        index += c.len_utf8();
    }
    while frames.len() > 1 {
        if let Some((_, inner)) = frames.pop()
            && let Some((_, parent)) = frames.last_mut()
        {
            parent.push_str(&inner);
        }
    }
    let out = frames.pop().map(|(_, text)| text).unwrap_or_default();
    out.split('\n')
        .map(|line| {
            line.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn push_text(frames: &mut [(Option<Emphasis>, String)], c: char, html: bool) {
    let Some((_, buffer)) = frames.last_mut() else {
        return;
    };
    if html && c.is_whitespace() {
        if !buffer.ends_with([' ', '\n']) {
            buffer.push(' ');
        }
    } else if c == '\u{A0}' {
        buffer.push(' ');
    } else {
        buffer.push(c);
    }
}

fn push_str(frames: &mut [(Option<Emphasis>, String)], text: &str) {
    if let Some((_, buffer)) = frames.last_mut() {
        buffer.push_str(text);
    }
}

fn apply_tag(tag: &Tag<'_>, frames: &mut Vec<(Option<Emphasis>, String)>, reduced: &mut Reduced) {
    let emphasis = match tag.name.as_str() {
        "b" | "strong" => Some(Emphasis::Strong),
        "i" | "em" => Some(Emphasis::Em),
        _ => None,
    };
    if let Some(emphasis) = emphasis {
        if tag.raw.ends_with("/>") {
            return;
        }
        if !tag.closing {
            frames.push((Some(emphasis), String::new()));
        } else if frames.len() > 1
            && frames
                .last()
                .is_some_and(|(kind, _)| *kind == Some(emphasis))
            && let Some((_, inner)) = frames.pop()
        {
            let marked = mark(&inner, emphasis);
            push_str(frames, &marked);
        }
        // A stray or mis-nested closing tag is dropped: the text stays.
        return;
    }
    let name = tag.name.as_str();
    match name {
        "br" => push_str(frames, "\n"),
        "li" | "tr" | "dt" | "dd" if !tag.closing => push_str(frames, "\n"),
        "td" | "th" => push_str(frames, " "),
        _ if PARAGRAPH.contains(&name)
            || ["ul", "ol", "dl", "table", "blockquote", "pre", "hr"].contains(&name)
            || (name.len() == 2
                && name.starts_with('h')
                && name.as_bytes()[1].is_ascii_digit()) =>
        {
            push_str(frames, "\n\n");
        }
        _ => {}
    }
    if !SIMPLE.contains(&name) && !PARAGRAPH.contains(&name) && name != "br" {
        reduced.tags.insert(name.to_string());
    }
}

/// Wraps `inner` in `**`/`*`, with its outer spaces moved outside the
/// markers (CommonMark does not see `** bold **` as bold). Across a line
/// break it stays unmarked: a heading keeps only the first line.
fn mark(inner: &str, emphasis: Emphasis) -> String {
    let trimmed = inner.trim();
    if trimmed.is_empty() || trimmed.contains('\n') {
        return inner.to_string();
    }
    let marker = match emphasis {
        Emphasis::Strong => STRONG,
        Emphasis::Em => EMPHASIS,
    };
    let lead = &inner[..inner.len() - inner.trim_start().len()];
    let trail = &inner[inner.trim_end().len()..];
    format!("{lead}{marker}{trimmed}{marker}{trail}")
}

/// A character reference at the start of `text` and its length.
fn entity_at(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix('&')?;
    let end = rest.find(';')?;
    if end == 0 || end > 10 {
        return None;
    }
    let name = &rest[..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        char::from_u32(code).filter(|c| *c != '\0' && !('\u{E000}'..='\u{E01F}').contains(c))?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "ndash" => '\u{2013}',
            "mdash" => '\u{2014}',
            "hellip" => '\u{2026}',
            "lsquo" => '\u{2018}',
            "rsquo" => '\u{2019}',
            "ldquo" => '\u{201C}',
            "rdquo" => '\u{201D}',
            "euro" => '\u{20AC}',
            "pound" => '\u{A3}',
            "yen" => '\u{A5}',
            "copy" => '\u{A9}',
            "reg" => '\u{AE}',
            "trade" => '\u{2122}',
            "times" => '\u{D7}',
            "deg" => '\u{B0}',
            _ => return None,
        }
    };
    Some((c, end + 2))
}

/// Where a piece of Markdown goes decides which line starts must be
/// neutralised so the piece cannot change the structure around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The prompt, an option, a step: no list (the first list under a
    /// question heading is its options), no quote (a quote under an option
    /// is its feedback), no fence that could swallow the list.
    Inline,
    /// The explanation after the list: its own lists are fine except on the
    /// first line, which would continue the options list.
    Explanation,
    /// Feedback inside a blockquote.
    Feedback,
}

/// Escapes line starts of Markdown that would break the quiz structure: at
/// every place a heading (`#`, or a setext `---`/`===` underline, which
/// would start a new question or a level-1 heading) and an HTML block (a
/// `<pre>` one would run to its closing tag, across questions); lists and
/// quotes where `place` says. Fences outside `Inline` are kept and closed if
/// left open.
pub(super) fn guard(markdown: &str, place: Place) -> String {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for (number, line) in markdown.split('\n').enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        if indent >= 4 || rest.is_empty() {
            out.push(line.to_string());
            continue;
        }
        let fence_run = fence_opener(rest);
        if let Some((fence_char, fence_len)) = fence {
            if fence_run.is_some_and(|(c, len)| c == fence_char && len >= fence_len)
                && rest.trim_start_matches(fence_char).trim().is_empty()
            {
                fence = None;
            }
            out.push(line.to_string());
            continue;
        }
        if let Some(run) = fence_run
            && place != Place::Inline
        {
            fence = Some(run);
            out.push(line.to_string());
            continue;
        }
        let lists_matter = match place {
            Place::Inline => true,
            Place::Explanation => number == 0,
            Place::Feedback => false,
        };
        let at = if fence_run.is_some()
            || rest.starts_with('<')
            || is_atx_heading(rest)
            || is_line_of_marks(rest)
            || (place == Place::Inline
                && (rest.starts_with('>')
                    || rest.starts_with("[ ]")
                    || rest.starts_with("[x]")
                    || rest.starts_with("[X]")))
        {
            Some(0)
        } else if lists_matter {
            list_marker(rest)
        } else {
            None
        };
        match at {
            Some(at) => out.push(format!(
                "{}{}\\{}",
                &line[..indent],
                &rest[..at],
                &rest[at..]
            )),
            None => out.push(line.to_string()),
        }
    }
    if let Some((fence_char, fence_len)) = fence {
        out.push(fence_char.to_string().repeat(fence_len));
    }
    out.join("\n")
}

fn fence_opener(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|x| *x == c).count();
    (len >= 3).then_some((c, len))
}

fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// A setext underline or thematic break: only `-`, `=`, `*`, `_` and spaces.
fn is_line_of_marks(line: &str) -> bool {
    line.chars().any(|c| c != ' ')
        && line
            .chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | ' '))
}

/// Where to put the backslash if `line` starts a list item: before a bullet,
/// or before the `.`/`)` of a number.
fn list_marker(line: &str) -> Option<usize> {
    let followed_by_space = |at: usize| line[at..].chars().next().is_none_or(char::is_whitespace);
    if line.starts_with(['-', '+', '*']) && followed_by_space(1) {
        return Some(0);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits)
        && line[digits..].starts_with(['.', ')'])
        && followed_by_space(digits + 1)
    {
        return Some(digits);
    }
    None
}
