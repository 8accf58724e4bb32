//! Moodle GIFT to `quiz.md` (issue 4 part 8), for trainers moving their
//! question banks from Moodle.
//!
//! Pure: GIFT text in, quiz Markdown and a report out. The report lists,
//! with the GIFT line each starts on, every question that could not be
//! converted (and why) and every converted question whose meaning changed
//! on the way (notes), so nothing is lost silently.
//!
//! | GIFT | `quiz.md` |
//! | --- | --- |
//! | `{=right ~wrong}` | single choice |
//! | `{~%50%a ~%50%b ~%-100%c}` | multiple select (`partial = true`) |
//! | `{T}` / `{FALSE}` | single choice True / False |
//! | `{=answer =variant}` | `type=text` |
//! | `{=a -> 1 =b -> 2 =c -> 3}` | `type=order` (only positions 1..n) |
//! | `{#42}` | `type=text` (exact numbers only) |
//! | `#feedback` / `####feedback` | option feedback / explanation |
//! | `text {=a ~b} text` | prompt with a `___` blank |
//! | `{}`, no braces, other matching, `{#3:1}` | skipped, with the reason |
//!
//! The module uses nothing from the rest of `content`, so it can be built
//! and tested on its own; the round-trip tests check its output with the
//! real quiz parser and validator.

mod convert;
mod read;
mod text;
mod write;

#[cfg(test)]
mod tests;

use read::Item;

/// How to write the quiz.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertOptions {
    /// `pass_mark` of the generated quiz, in percent (0..=100).
    pub pass_mark: u8,
    /// The options of a true/false question, in the quiz's language.
    pub true_label: String,
    pub false_label: String,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        Self {
            pass_mark: 80,
            true_label: "True".to_string(),
            false_label: "False".to_string(),
        }
    }
}

impl ConvertOptions {
    /// Defaults, with true/false labels in `lang` (a `name.<lang>.md` tag
    /// such as `zh-CN`) where known; English otherwise.
    pub fn for_language(lang: Option<&str>) -> Self {
        let mut options = Self::default();
        let lang = lang.unwrap_or_default().to_ascii_lowercase();
        if lang.starts_with("zh") {
            let traditional = ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
                .iter()
                .any(|tag| lang.starts_with(tag));
            let (right, wrong) = if traditional {
                ("正確", "錯誤")
            } else {
                ("正确", "错误")
            };
            options.true_label = right.to_string();
            options.false_label = wrong.to_string();
        }
        options
    }
}

/// The result of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The whole `quiz.md`: front matter and the converted questions.
    pub quiz_md: String,
    pub counts: Counts,
    /// GIFT items that could not become questions, in file order.
    pub skipped: Vec<Skipped>,
    /// Converted questions whose meaning changed, and ignored categories, in
    /// file order.
    pub notes: Vec<Note>,
}

impl Conversion {
    /// Questions written to `quiz_md`.
    pub fn questions(&self) -> usize {
        self.counts.questions
    }
}

/// What the quiz holds, and what a trainer still has to write (the quiz
/// checker warns about both; GIFT files often lack them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub questions: usize,
    /// Single choice, true/false included.
    pub single: usize,
    pub multiple: usize,
    pub order: usize,
    pub text: usize,
    pub skipped: usize,
    /// Wrong options without a feedback blockquote.
    pub wrong_options_without_feedback: usize,
    /// Questions without an explanation paragraph.
    pub questions_without_explanation: usize,
}

/// A GIFT item that was not converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based line of the GIFT file where the item starts.
    pub line: usize,
    /// The item's `::title::`, or the start of its text.
    pub title_or_start: String,
    /// What it is and what to do about it.
    pub reason: String,
}

/// Something a trainer should check: a converted question whose grading or
/// text differs from Moodle, or an ignored `$CATEGORY:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub title_or_start: String,
    pub message: String,
}

/// Converts a GIFT file's text. Never fails: what cannot be converted is
/// listed in `skipped`; with nothing converted `quiz_md` has no question.
pub fn convert(gift_text: &str, options: &ConvertOptions) -> Conversion {
    let mut questions = Vec::new();
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    let mut partial = false;
    let mut ids = write::Ids::default();
    let items = read::blocks(gift_text)
        .iter()
        .flat_map(read::item)
        .collect::<Vec<_>>();
    for item in items {
        match item {
            Item::Category { line, name } => notes.push(Note {
                line,
                title_or_start: format!("$CATEGORY: {name}"),
                message: "categories are ignored: a module's quiz is one bank; put questions of another category in that module's quiz".to_string(),
            }),
            Item::Broken {
                line,
                start,
                reason,
            } => skipped.push(Skipped {
                line,
                title_or_start: start,
                reason,
            }),
            Item::Question(raw) => {
                let outcome = convert::question(&raw, options);
                let start = raw.start();
                match outcome.result {
                    Ok(mut converted) => {
                        // Notes say how a converted question changed; for a
                        // skipped one the skip reason is what matters.
                        notes.extend(outcome.notes.into_iter().map(|message| Note {
                            line: raw.line,
                            title_or_start: start.clone(),
                            message,
                        }));
                        converted.question.id =
                            ids.make(raw.title.as_deref(), questions.len() + 1);
                        partial |= converted.uses_partial_credit;
                        questions.push(converted.question);
                    }
                    Err(reason) => skipped.push(Skipped {
                        line: raw.line,
                        title_or_start: start,
                        reason,
                    }),
                }
            }
        }
    }
    let settings = write::Settings {
        pass_mark: options.pass_mark,
        partial,
    };
    let counts = count(&questions, skipped.len());
    Conversion {
        quiz_md: write::quiz(&settings, &questions),
        counts,
        skipped,
        notes,
    }
}

fn count(questions: &[write::Question], skipped: usize) -> Counts {
    let mut counts = Counts {
        questions: questions.len(),
        skipped,
        ..Counts::default()
    };
    for question in questions {
        match &question.body {
            write::Body::Choice(choices) => {
                if choices.iter().filter(|choice| choice.correct).count() > 1 {
                    counts.multiple += 1;
                } else {
                    counts.single += 1;
                }
                counts.wrong_options_without_feedback += choices
                    .iter()
                    .filter(|choice| !choice.correct && choice.feedback.is_none())
                    .count();
            }
            write::Body::Order(_) => counts.order += 1,
            write::Body::Text(_) => counts.text += 1,
        }
        if question.explanation.is_none() {
            counts.questions_without_explanation += 1;
        }
    }
    counts
}
