//! Reading GIFT: blocks separated by blank lines, escapes, titles, the
//! answer block and the question type, in the same order and with the same
//! rules as Moodle's own reader (`question/format/gift/format.php`), so a
//! file Moodle imports is read the same way here.

/// Stands for the `_____` Moodle puts where a missing-word answer block was;
/// it becomes `___` once the text is Markdown (see `text::to_markdown`).
pub(super) const BLANK: char = '\u{E000}';

/// GIFT escapes and the private-use characters that stand for them while the
/// structure is parsed: Moodle does the same substitution, so that `\~`
/// never splits answers and `\{` never opens an answer block.
const ESCAPES: [(char, char); 7] = [
    ('~', '\u{E001}'),
    ('=', '\u{E002}'),
    ('#', '\u{E003}'),
    ('{', '\u{E004}'),
    ('}', '\u{E005}'),
    (':', '\u{E006}'),
    ('\\', '\u{E007}'),
];

/// Private-use characters this module and `text` give a meaning to; any in
/// the input are dropped so they cannot be mistaken for an escape.
fn is_reserved(c: char) -> bool {
    ('\u{E000}'..='\u{E01F}').contains(&c)
}

/// Lines of one GIFT item, comments removed, each with its 1-based line
/// number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    pub lines: Vec<(usize, String)>,
}

impl Block {
    pub fn line(&self) -> usize {
        self.lines.first().map_or(1, |(line, _)| *line)
    }

    /// The lines joined as Moodle joins them, escapes protected.
    pub fn text(&self) -> String {
        let joined = self
            .lines
            .iter()
            .map(|(_, line)| line.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        protect(&joined)
    }
}

/// Splits a file into items. As in Moodle, every line is trimmed, a line
/// starting with `//` is a comment (it neither belongs to nor ends an item),
/// and blank lines end an item.
pub(super) fn blocks(text: &str) -> Vec<Block> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line: String = line.trim().chars().filter(|c| !is_reserved(*c)).collect();
        if line.starts_with("//") {
            continue;
        }
        if line.is_empty() {
            if !current.is_empty() {
                blocks.push(Block {
                    lines: std::mem::take(&mut current),
                });
            }
        } else {
            current.push((index + 1, line));
        }
    }
    if !current.is_empty() {
        blocks.push(Block { lines: current });
    }
    blocks
}

/// Replaces GIFT escapes by placeholders and `\n` by a line break.
pub(super) fn protect(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some(next) => match ESCAPES.iter().find(|(plain, _)| *plain == next) {
                Some((_, placeholder)) => {
                    chars.next();
                    out.push(*placeholder);
                }
                None => out.push('\\'),
            },
            None => out.push('\\'),
        }
    }
    out
}

/// Turns placeholders back into the characters they stand for; the blank
/// stays for the Markdown step.
pub(super) fn restore(text: &str) -> String {
    text.chars()
        .map(|c| {
            ESCAPES
                .iter()
                .find(|(_, placeholder)| *placeholder == c)
                .map_or(c, |(plain, _)| *plain)
        })
        .collect()
}

/// One GIFT item after the structure is read; texts are still protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    Category {
        line: usize,
        name: String,
    },
    Question(RawQuestion),
    /// Unreadable: the reason says what to fix.
    Broken {
        line: usize,
        start: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawQuestion {
    pub line: usize,
    /// The `::title::`, restored.
    pub title: Option<String>,
    /// The question text with any `[format]` prefix; in a missing-word
    /// question the answer block's place holds `BLANK`.
    pub text: String,
    pub kind: Kind,
    /// The text after `####`.
    pub general_feedback: Option<String>,
    /// Text followed the answer block.
    pub missing_word: bool,
    /// `::` opened a title that was never closed (Moodle then reads it as
    /// question text, and so does this reader).
    pub unclosed_title: bool,
}

impl RawQuestion {
    /// The title, or the start of the question text: how a trainer finds
    /// the question in the GIFT file.
    pub fn start(&self) -> String {
        self.title.clone().unwrap_or_else(|| text_start(&self.text))
    }
}

/// Moodle's question types, told apart by what the answer block contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    /// No answer block.
    Description,
    /// An empty answer block `{}`.
    Essay,
    /// `{#...}`, without the `#`.
    Numerical(String),
    /// Contains `~`.
    MultipleChoice(String),
    /// Contains `=` and `->`.
    Matching(String),
    /// `T`, `TRUE`, `F` or `FALSE`, optionally with `#` feedback.
    TrueFalse(String),
    ShortAnswer(String),
}

/// The first line of a (protected) text, shortened, for reports.
pub(super) fn text_start(protected: &str) -> String {
    const MAX: usize = 50;
    let restored = restore(protected).replace(BLANK, "___");
    let without_format = super::text::split_format(&restored).1.trim();
    let first = without_format.lines().next().unwrap_or("").trim();
    if first.chars().count() > MAX {
        let cut: String = first.chars().take(MAX).collect();
        format!("{}...", cut.trim_end())
    } else {
        first.to_string()
    }
}

pub(super) fn item(block: &Block) -> Vec<Item> {
    let line = block.line();
    let text = block.text();
    let text = text.trim();
    if let Some(name) = text.strip_prefix("$CATEGORY:") {
        // Moodle reads the whole item as the category name; a question
        // written right under it (no blank line) is far more likely meant
        // as a question, so it is read as one.
        let (name, rest) = name.split_once('\n').unwrap_or((name, ""));
        let mut items = vec![Item::Category {
            line,
            name: restore(name.trim()),
        }];
        if !rest.trim().is_empty() {
            let rest_block = Block {
                lines: block.lines.iter().skip(1).cloned().collect(),
            };
            items.extend(item(&rest_block));
        }
        return items;
    }
    vec![question(line, text)]
}

fn question(line: usize, text: &str) -> Item {
    let (title, text, unclosed_title) = match text.strip_prefix("::") {
        Some(after) => match after.split_once("::") {
            Some((title, rest)) => (
                Some(restore(title.trim())).filter(|title| !title.is_empty()),
                rest.trim(),
                false,
            ),
            None => (None, after.trim(), true),
        },
        None => (None, text, false),
    };
    let broken = |reason: &str| Item::Broken {
        line,
        start: title.clone().unwrap_or_else(|| text_start(text)),
        reason: reason.to_string(),
    };
    let open = text.find('{');
    let close = text.find('}');
    let (question_text, inner, missing_word) = match (open, close) {
        (None, None) => {
            return Item::Question(RawQuestion {
                line,
                title,
                text: text.to_string(),
                kind: Kind::Description,
                general_feedback: None,
                missing_word: false,
                unclosed_title,
            });
        }
        (Some(_), None) => {
            return broken(
                "the answer block `{` is never closed: add the closing `}` (a literal brace is written `\\{`)",
            );
        }
        (None, Some(_)) => {
            return broken(
                "a `}` without an opening `{`: write the answers as `{...}` (a literal brace is written `\\}`)",
            );
        }
        (Some(open), Some(close)) if close < open => {
            return broken(
                "a `}` comes before the answer block's `{`: write a literal brace as `\\}`",
            );
        }
        (Some(open), Some(close)) => {
            let before = &text[..open];
            let inner = &text[open + 1..close];
            let after = &text[close + 1..];
            if after.contains(['{', '}']) || inner.contains('{') {
                return broken(
                    "more than one answer block: a Sales Dojo question has one list of answers; split it into several questions (a literal brace is written `\\{`)",
                );
            }
            if after.trim().is_empty() {
                (before.trim_end().to_string(), inner, false)
            } else {
                (format!("{before}{BLANK}{after}"), inner, true)
            }
        }
    };
    let (inner, general_feedback) = match inner.rfind("####") {
        Some(at) => (
            inner[..at].trim(),
            Some(inner[at + 4..].trim().to_string()).filter(|text| !text.is_empty()),
        ),
        None => (inner.trim(), None),
    };
    Item::Question(RawQuestion {
        line,
        title,
        text: question_text,
        kind: kind(inner),
        general_feedback,
        missing_word,
        unclosed_title,
    })
}

/// Moodle's order of tests: empty, `#`, `~`, `=` with `->`, true/false,
/// and short answer for everything else.
fn kind(inner: &str) -> Kind {
    if inner.is_empty() {
        return Kind::Essay;
    }
    if let Some(numeric) = inner.strip_prefix('#') {
        return Kind::Numerical(numeric.to_string());
    }
    if inner.contains('~') {
        return Kind::MultipleChoice(inner.to_string());
    }
    if inner.contains('=') && inner.contains("->") {
        return Kind::Matching(inner.to_string());
    }
    let answer = inner.split('#').next().unwrap_or("").trim();
    if ["T", "TRUE", "F", "FALSE"]
        .iter()
        .any(|word| answer.eq_ignore_ascii_case(word))
    {
        return Kind::TrueFalse(inner.to_string());
    }
    Kind::ShortAnswer(inner.to_string())
}

/// An answer of a choice, short-answer or numerical block: `=` or `~`, an
/// optional `%weight%`, the text and an optional `#feedback`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Answer {
    pub marker: Option<char>,
    /// Percent; `None` when no `%weight%` was written.
    pub weight: Option<f64>,
    pub text: String,
    pub feedback: Option<String>,
}

/// Splits an answer block at every unescaped `marker`; the text before the
/// first marker comes back separately (Moodle drops it when empty).
pub(super) fn answers(inner: &str, markers: &[char]) -> (String, Vec<Answer>) {
    let mut pieces = Vec::new();
    let mut lead = String::new();
    let mut current: Option<(char, String)> = None;
    for c in inner.chars() {
        if markers.contains(&c) {
            if let Some(piece) = current.take() {
                pieces.push(piece);
            }
            current = Some((c, String::new()));
        } else {
            match current.as_mut() {
                Some((_, text)) => text.push(c),
                None => lead.push(c),
            }
        }
    }
    if let Some(piece) = current {
        pieces.push(piece);
    }
    let answers = pieces
        .into_iter()
        .map(|(marker, body)| answer(Some(marker), &body))
        .collect();
    (lead.trim().to_string(), answers)
}

pub(super) fn answer(marker: Option<char>, body: &str) -> Answer {
    let body = body.trim();
    let (weight, rest) = weight(body);
    let (text, feedback) = match rest.split_once('#') {
        Some((text, feedback)) => (
            text.trim(),
            Some(feedback.trim().to_string()).filter(|f| !f.is_empty()),
        ),
        None => (rest.trim(), None),
    };
    Answer {
        marker,
        weight,
        text: text.to_string(),
        feedback,
    }
}

/// A leading `%50%` (or `%-33.3%`). Text such as `% of revenue` that does
/// not hold a number between two `%` is answer text, as in Moodle.
fn weight(body: &str) -> (Option<f64>, &str) {
    let Some(after) = body.strip_prefix('%') else {
        return (None, body);
    };
    let Some((number, rest)) = after.split_once('%') else {
        return (None, body);
    };
    let looks_numeric = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    match number.parse::<f64>() {
        Ok(value) if looks_numeric && value.is_finite() => (Some(value), rest),
        _ => (None, body),
    }
}
