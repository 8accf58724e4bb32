//! Writing `quiz.md` (SPEC 2.3): the front matter and one section per
//! converted question, in the layout CONTENT-CONVENTIONS.md shows, so the
//! result reads as if a trainer had written it.

use std::collections::HashSet;

use super::text::{Place, guard};

/// A question ready to be written; every text is Markdown already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Question {
    pub id: String,
    pub prompt: String,
    pub body: Body,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body {
    /// One `[x]` makes it single choice, several a multiple select.
    Choice(Vec<Choice>),
    /// Steps in the correct order.
    Order(Vec<String>),
    /// Accepted answers.
    Text(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Choice {
    pub text: String,
    pub correct: bool,
    pub feedback: Option<String>,
}

pub(super) struct Settings {
    pub pass_mark: u8,
    pub partial: bool,
}

pub(super) fn quiz(settings: &Settings, questions: &[Question]) -> String {
    let mut out = format!(
        "+++\npass_mark = {}\nattempts = 0\nshuffle = true\npartial = {}\ndraw = 0\n+++\n",
        settings.pass_mark, settings.partial
    );
    for question in questions {
        out.push('\n');
        write_question(&mut out, question);
    }
    out
}

fn write_question(out: &mut String, question: &Question) {
    let prompt = guard(&question.prompt, Place::Inline);
    let (heading, context) = prompt.split_once('\n').unwrap_or((&prompt, ""));
    let kind = match question.body {
        Body::Choice(_) => "",
        Body::Order(_) => " type=order",
        Body::Text(_) => " type=text",
    };
    out.push_str(&format!(
        "## {} {{#{}{kind}}}\n\n",
        heading_text(heading),
        question.id
    ));
    let context = context.trim();
    if !context.is_empty() {
        out.push_str(context);
        out.push_str("\n\n");
    }
    match &question.body {
        Body::Choice(choices) => {
            for choice in choices {
                let mark = if choice.correct { "x" } else { " " };
                out.push_str(&item(&format!("- [{mark}] "), &choice.text, 2));
                if let Some(feedback) = &choice.feedback {
                    for line in guard(feedback, Place::Feedback).split('\n') {
                        if line.is_empty() {
                            out.push_str("  >\n");
                        } else {
                            out.push_str(&format!("  > {line}\n"));
                        }
                    }
                }
            }
        }
        Body::Order(steps) => {
            for (index, step) in steps.iter().enumerate() {
                let marker = format!("{}. ", index + 1);
                let indent = marker.len();
                out.push_str(&item(&marker, step, indent));
            }
        }
        Body::Text(answers) => {
            for answer in answers {
                out.push_str(&item("- [x] ", answer, 2));
            }
        }
    }
    if let Some(explanation) = &question.explanation {
        out.push('\n');
        out.push_str(&guard(explanation, Place::Explanation));
        out.push('\n');
    }
}

/// A list item: the marker, the first line, then the other lines indented
/// so they stay inside the item.
fn item(marker: &str, text: &str, indent: usize) -> String {
    let text = leading_escape_as_entity(&guard(text, Place::Inline));
    let mut lines = text.split('\n');
    let mut out = format!("{marker}{}\n", lines.next().unwrap_or(""));
    for line in lines {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A heading ending in `#` would lose it as a closing sequence; escaping
/// the run keeps it text.
fn heading_text(heading: &str) -> String {
    let heading = leading_escape_as_entity(heading.trim());
    let heading = heading.as_str();
    let hashes = heading.len() - heading.trim_end_matches('#').len();
    if hashes == 0 || heading[..heading.len() - hashes].ends_with('\\') {
        return heading.to_string();
    }
    format!(
        "{}\\{}",
        &heading[..heading.len() - hashes],
        &heading[heading.len() - hashes..]
    )
}

/// The quiz parser takes a heading's or list item's text from its first
/// text event, which starts after a leading backslash escape: `\\# x` would
/// be read back as `# x` (a heading when rendered). A character reference
/// is one event with the `&`, so it keeps the character literal.
fn leading_escape_as_entity(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('\\'), Some(escaped)) if escaped.is_ascii_punctuation() => {
            format!("&#{};{}", u32::from(escaped), chars.as_str())
        }
        _ => text.to_string(),
    }
}

/// Question ids: lowercase-kebab ASCII made from GIFT titles, unique in the
/// quiz; `q<n>` (n = position in the quiz) when a title gives no letters.
#[derive(Default)]
pub(super) struct Ids {
    used: HashSet<String>,
}

/// Ids stay short enough to read in URLs and evidence rows.
const MAX_ID_LEN: usize = 40;

impl Ids {
    pub fn make(&mut self, title: Option<&str>, position: usize) -> String {
        let base = title
            .map(slug)
            .filter(|slug| !slug.is_empty())
            .unwrap_or_else(|| format!("q{position}"));
        let mut id = base.clone();
        let mut suffix = 2;
        while self.used.contains(&id) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

/// `Price objection: première réponse!` -> `price-objection-premiere-reponse`.
pub(super) fn slug(title: &str) -> String {
    let mut folded = String::with_capacity(title.len());
    for c in title.to_lowercase().chars() {
        match fold(c) {
            Some(ascii) => folded.push_str(ascii),
            None if c.is_ascii_alphanumeric() => folded.push(c),
            None => folded.push('-'),
        }
    }
    let mut id = String::new();
    for part in folded.split('-').filter(|part| !part.is_empty()) {
        let extra = if id.is_empty() { 0 } else { 1 };
        if id.len() + extra + part.len() > MAX_ID_LEN {
            if id.is_empty() {
                id.push_str(&part[..MAX_ID_LEN]);
            }
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(part);
    }
    id
}

/// Latin letters with accents as their ASCII base letters, so French,
/// German or Spanish titles still give readable ids.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}
