//! `quiz.md`: quiz settings in the front matter and Markdown-native
//! questions in the body (SPEC 2.3).

mod question;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::diagnostic::{Code, Diagnostic};
use super::front_matter;
use super::markdown::Markdown;
use super::outline::{Block, BlockKind, LinkRef, outline};
use super::source::{Located, SourceFile, Span};
use super::toml_document::{ExtraKeys, TomlDocument};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub source: Arc<SourceFile>,
    /// The opening `+++` line.
    pub front_matter: Span,
    pub settings: QuizSettings,
    /// Markdown before the first question, if any.
    pub intro: Option<Markdown>,
    pub questions: Vec<Question>,
    pub links: Vec<LinkRef>,
    pub raw_html: Vec<Span>,
}

/// Settings as written; a key left out has its default value and the span
/// of the front matter's opening line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizSettings {
    /// Percent needed to pass (0..100).
    pub pass_mark: Located<i64>,
    /// Attempts allowed; 0 = unlimited.
    pub attempts: Located<i64>,
    /// Shuffle questions and options per attempt.
    pub shuffle: Located<bool>,
    /// Partial credit on multiple-select and order questions.
    pub partial: Located<bool>,
    /// Questions drawn per attempt from the bank; 0 = all.
    pub draw: Located<i64>,
}

pub const DEFAULT_PASS_MARK: i64 = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The `{#id}` of the heading; the span is the `#id` itself.
    pub id: Located<String>,
    /// The heading line.
    pub heading: Span,
    /// The heading text plus any Markdown between the heading and the list.
    pub prompt: Markdown,
    pub body: QuestionBody,
    /// The list of options, steps or answers, if there is one.
    pub list: Option<Span>,
    /// The Markdown after the list.
    pub explanation: Option<Markdown>,
    /// `competency=` override of the module's main competency.
    pub competency: Option<Located<String>>,
    /// `weight=` override (default 1).
    pub weight: Option<Located<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Single,
    Multiple,
    Order,
    Text,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::Order => "order",
            QuestionKind::Text => "text",
        }
    }
}

/// What a learner answers, by question type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionBody {
    Single(Vec<QuizOption>),
    Multiple(Vec<QuizOption>),
    /// Steps in the correct order.
    Order(Vec<OrderStep>),
    /// Accepted answers, matched case- and space-insensitively.
    Text(Vec<AcceptedAnswer>),
}

impl Question {
    pub fn kind(&self) -> QuestionKind {
        match self.body {
            QuestionBody::Single(_) => QuestionKind::Single,
            QuestionBody::Multiple(_) => QuestionKind::Multiple,
            QuestionBody::Order(_) => QuestionKind::Order,
            QuestionBody::Text(_) => QuestionKind::Text,
        }
    }

    /// The weight, 1 unless overridden.
    pub fn weight(&self) -> u32 {
        self.weight.as_ref().map_or(1, |weight| weight.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizOption {
    /// 0-based position in the source list: the option's id in the API.
    pub index: usize,
    pub text: Markdown,
    pub correct: bool,
    pub feedback: Option<Markdown>,
    /// The list item.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderStep {
    /// 0-based position in the correct order.
    pub index: usize,
    pub text: Markdown,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedAnswer {
    pub text: String,
    pub span: Span,
}

#[derive(Deserialize)]
struct RawQuiz {
    #[serde(default)]
    pass_mark: Option<Spanned<i64>>,
    #[serde(default)]
    attempts: Option<Spanned<i64>>,
    #[serde(default)]
    shuffle: Option<Spanned<bool>>,
    #[serde(default)]
    partial: Option<Spanned<bool>>,
    #[serde(default)]
    draw: Option<Spanned<i64>>,
    #[serde(flatten)]
    extra: ExtraKeys,
}

const QUIZ_KEYS: &[&str] = &["pass_mark", "attempts", "shuffle", "partial", "draw"];

/// Reads a quiz file. `None` when the front matter cannot be read; questions
/// that cannot be understood are reported and left out.
pub fn parse(source: &Arc<SourceFile>) -> (Option<Quiz>, Vec<Diagnostic>) {
    let read = match front_matter::read::<RawQuiz>(source) {
        Ok(read) => read,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut diagnostics = Vec::new();
    let raw = read.value;
    read.document
        .report_unknown_keys(&[], &raw.extra, QUIZ_KEYS, &mut diagnostics);
    let settings = settings(&read.document, read.parts.opening, raw);

    let body = outline(read.parts.body, read.parts.body_offset, 2);
    report_title_headings(source, &body.preamble, &mut diagnostics);
    let intro = blocks_markdown(source, &body.preamble);
    let questions = body
        .sections
        .iter()
        .filter_map(|section| question::parse(source, section, &mut diagnostics))
        .collect();
    let quiz = Quiz {
        source: Arc::clone(source),
        front_matter: read.parts.opening,
        settings,
        intro,
        questions,
        links: body.links,
        raw_html: body.raw_html,
    };
    (Some(quiz), diagnostics)
}

fn settings(document: &TomlDocument<'_>, opening: Span, raw: RawQuiz) -> QuizSettings {
    let or_default = |value: Option<Spanned<i64>>, default: i64| {
        value.map_or(Located::new(default, opening), |value| {
            document.located(value)
        })
    };
    let flag = |value: Option<Spanned<bool>>, default: bool| {
        value.map_or(Located::new(default, opening), |value| {
            document.located(value)
        })
    };
    QuizSettings {
        pass_mark: or_default(raw.pass_mark, DEFAULT_PASS_MARK),
        attempts: or_default(raw.attempts, 0),
        shuffle: flag(raw.shuffle, true),
        partial: flag(raw.partial, false),
        draw: or_default(raw.draw, 0),
    }
}

/// Level-1 headings have no meaning in a quiz; a trainer who writes one
/// most likely meant a question.
fn report_title_headings(
    source: &Arc<SourceFile>,
    blocks: &[Block],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for block in blocks {
        if let BlockKind::Heading(heading) = &block.kind
            && heading.level == 1
        {
            diagnostics.push(Diagnostic::at(
                Code::QuizHeadingLevel,
                source,
                heading.line_span(source),
                "a level-1 heading in a quiz is not a question",
                "write each question as a level-2 heading `## Prompt {#question-id}`",
            ));
        }
    }
}

/// Consecutive blocks as one piece of Markdown, or `None` if there are none.
fn blocks_markdown(source: &SourceFile, blocks: &[Block]) -> Option<Markdown> {
    let first = blocks.first()?;
    let last = blocks.last()?;
    let span = Span::new(first.span.start, last.span.end);
    let markdown = Markdown::new(source.slice(span).trim(), span);
    (!markdown.is_empty()).then_some(markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_QUIZ: &str = r#"+++
pass_mark = 80        # percent
attempts = 3          # 0 = unlimited
shuffle = true
partial = false
draw = 0
+++

## A customer says "your price is too high". What do you do first? {#listen-first}

- [ ] Offer a discount so the deal does not stall
  > Discounting before you know the reason teaches the buyer to push on price.
- [x] Ask what they are comparing the price with
  > Right: clarify before you answer.
- [ ] Repeat the product's main features

Understanding the objection comes before answering it.

## Which of these belong in a SMART goal? Select all that apply. {#smart-parts competency=execution}

- [x] A measurable target
- [x] A deadline
- [ ] A slogan

## Put the steps of objection handling in order. {#order-steps type=order}

1. Listen
2. Confirm
3. Respond with evidence
4. Check and move forward

## Name the acronym for feature, advantage, benefit. {#fab type=text weight=2}

- [x] FAB
- [x] F-A-B
"#;

    fn parse_text(text: &str) -> (Option<Quiz>, Vec<Diagnostic>) {
        parse(&Arc::new(SourceFile::new(
            "content/modules/m/quiz.md",
            text,
        )))
    }

    #[test]
    fn an_option_starting_with_an_escaped_character_keeps_its_backslash() {
        let (quiz, diagnostics) = parse_text(
            "+++\npass_mark = 80\n+++\n\n## Which? {#q}\n\n- [x] \\# not a heading\n  > Right.\n- [ ] \\[ ] not a box\n  > Wrong.\n\nBecause.\n",
        );
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let quiz = quiz.expect("a quiz");
        let QuestionBody::Single(options) = &quiz.questions[0].body else {
            panic!("a single-choice question");
        };
        assert_eq!(options[0].text.text, "\\# not a heading");
        assert_eq!(options[1].text.text, "\\[ ] not a box");
    }

    fn parse_valid(text: &str) -> Quiz {
        let (quiz, diagnostics) = parse_text(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        quiz.expect("quiz")
    }

    fn with_question(markdown: &str) -> String {
        format!("+++\n+++\n\n{markdown}")
    }

    fn location(quiz: &Quiz, span: Span) -> (usize, usize) {
        let location = quiz.source.location(span.start);
        (location.line, location.column)
    }

    #[test]
    fn reads_the_settings() {
        let quiz = parse_valid(SPEC_QUIZ);

        assert_eq!(quiz.settings.pass_mark.value, 80);
        assert_eq!(quiz.settings.attempts.value, 3);
        assert!(quiz.settings.shuffle.value);
        assert!(!quiz.settings.partial.value);
        assert_eq!(quiz.settings.draw.value, 0);
        assert_eq!(location(&quiz, quiz.settings.attempts.span), (3, 12));
    }

    #[test]
    fn missing_settings_take_their_defaults_at_the_opening_line() {
        let quiz = parse_valid(&with_question("## Q {#q}\n\n- [x] A\n"));

        assert_eq!(quiz.settings.pass_mark.value, DEFAULT_PASS_MARK);
        assert_eq!(quiz.settings.attempts.value, 0);
        assert!(quiz.settings.shuffle.value);
        assert!(!quiz.settings.partial.value);
        assert_eq!(location(&quiz, quiz.settings.draw.span), (1, 1));
    }

    #[test]
    fn reads_a_single_choice_question_with_feedback_and_explanation() {
        let quiz = parse_valid(SPEC_QUIZ);

        let question = &quiz.questions[0];
        assert_eq!(question.id.value, "listen-first");
        assert_eq!(location(&quiz, question.id.span), (9, 69));
        assert_eq!(location(&quiz, question.heading), (9, 1));
        assert_eq!(question.kind(), QuestionKind::Single);
        assert_eq!(
            question.prompt.text,
            "A customer says \"your price is too high\". What do you do first?"
        );
        let QuestionBody::Single(options) = &question.body else {
            panic!("single choice expected, got {:?}", question.body);
        };
        assert_eq!(options.len(), 3);
        assert_eq!(options[1].index, 1);
        assert!(options[1].correct && !options[0].correct);
        assert_eq!(
            options[0].text.text,
            "Offer a discount so the deal does not stall"
        );
        assert_eq!(
            options[0].feedback.as_ref().map(|f| f.text.as_str()),
            Some("Discounting before you know the reason teaches the buyer to push on price.")
        );
        assert_eq!(location(&quiz, options[2].span), (15, 1));
        assert!(options[2].feedback.is_none());
        assert_eq!(
            question.explanation.as_ref().map(|e| e.text.as_str()),
            Some("Understanding the objection comes before answering it.")
        );
        assert_eq!(question.weight(), 1);
    }

    #[test]
    fn several_correct_options_make_a_multiple_select_with_a_competency_override() {
        let quiz = parse_valid(SPEC_QUIZ);

        let question = &quiz.questions[1];
        assert_eq!(question.kind(), QuestionKind::Multiple);
        let competency = question.competency.as_ref().expect("override");
        assert_eq!(competency.value, "execution");
        assert_eq!(quiz.source.slice(competency.span), "competency=execution");
        assert!(question.explanation.is_none());
    }

    #[test]
    fn reads_an_order_question() {
        let quiz = parse_valid(SPEC_QUIZ);

        let question = &quiz.questions[2];
        let QuestionBody::Order(steps) = &question.body else {
            panic!("order expected");
        };
        let texts: Vec<&str> = steps.iter().map(|step| step.text.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Listen",
                "Confirm",
                "Respond with evidence",
                "Check and move forward"
            ]
        );
        assert_eq!(steps[3].index, 3);
    }

    #[test]
    fn reads_a_text_question_with_weight() {
        let quiz = parse_valid(SPEC_QUIZ);

        let question = &quiz.questions[3];
        let QuestionBody::Text(answers) = &question.body else {
            panic!("text expected");
        };
        let texts: Vec<&str> = answers.iter().map(|answer| answer.text.as_str()).collect();
        assert_eq!(texts, ["FAB", "F-A-B"]);
        assert_eq!(question.weight(), 2);
        assert_eq!(quiz.questions.len(), 4);
    }

    #[test]
    fn keeps_context_between_heading_and_list_in_the_prompt() {
        let quiz = parse_valid(&with_question(
            "## What now? {#now}\n\nA buyer at a packaging plant says **no**.\n\n- [x] Ask\n- [ ] Leave\n  > Never.\n",
        ));

        assert_eq!(
            quiz.questions[0].prompt.text,
            "What now?\n\nA buyer at a packaging plant says **no**."
        );
    }

    #[test]
    fn multi_line_feedback_and_options_are_dedented() {
        let quiz = parse_valid(&with_question(
            "## Q {#q}\n\n- [ ] First line\n  continues *here*\n  > Why it is wrong,\n  > and what is right.\n- [x] B\n",
        ));

        let QuestionBody::Single(options) = &quiz.questions[0].body else {
            panic!("single expected");
        };
        assert_eq!(options[0].text.text, "First line\ncontinues *here*");
        assert_eq!(
            options[0].feedback.as_ref().map(|f| f.text.as_str()),
            Some("Why it is wrong,\nand what is right.")
        );
    }

    #[test]
    fn a_heading_without_id_is_reported_and_skipped() {
        let (quiz, diagnostics) = parse_text(&with_question("## Forgot the id\n\n- [x] A\n"));

        assert_eq!(quiz.map(|quiz| quiz.questions.len()), Some(0));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::QuestionMissingId);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 1));
        assert!(diagnostics[0].message.contains("Forgot the id"));
    }

    #[test]
    fn an_unknown_type_is_reported_at_the_attribute() {
        let (_, diagnostics) = parse_text(&with_question("## Q {#q type=essay}\n\n- [x] A\n"));

        assert_eq!(diagnostics[0].code, Code::UnknownQuestionType);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 10));
        assert!(diagnostics[0].message.contains("essay"));
    }

    #[test]
    fn a_bad_weight_is_reported() {
        let (_, diagnostics) = parse_text(&with_question("## Q {#q weight=0}\n\n- [x] A\n"));

        assert_eq!(diagnostics[0].code, Code::BadWeight);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 10));
    }

    #[test]
    fn unknown_attributes_and_classes_are_reported() {
        let (_, diagnostics) =
            parse_text(&with_question("## Q {#q .hard competence=x}\n\n- [x] A\n"));

        let codes: Vec<(Code, usize)> = diagnostics.iter().map(|d| (d.code, d.column)).collect();
        assert_eq!(
            codes,
            [
                (Code::QuestionUnknownAttribute, 10),
                (Code::QuestionUnknownAttribute, 16)
            ]
        );
        assert!(diagnostics[1].message.contains("competence=x"));
    }

    #[test]
    fn an_order_question_with_bullets_is_reported() {
        let (quiz, diagnostics) = parse_text(&with_question(
            "## Order {#o type=order}\n\n- Listen\n- Confirm\n",
        ));

        assert_eq!(diagnostics[0].code, Code::OrderNotNumbered);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (6, 1));
        let kind = quiz.map(|quiz| quiz.questions[0].kind());
        assert_eq!(kind, Some(QuestionKind::Order));
    }

    #[test]
    fn an_option_without_checkbox_is_reported_and_kept_in_place() {
        let (quiz, diagnostics) =
            parse_text(&with_question("## Q {#q}\n\n- [x] A\n- B\n- [ ] C\n"));

        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::OptionWithoutCheckbox);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (7, 1));
        let quiz = quiz.expect("quiz");
        let QuestionBody::Single(options) = &quiz.questions[0].body else {
            panic!("single expected");
        };
        assert_eq!(options[2].index, 2);
        assert_eq!(options[2].text.text, "C");
    }

    #[test]
    fn an_unchecked_item_in_a_text_question_is_reported() {
        let (_, diagnostics) = parse_text(&with_question(
            "## Acronym {#fab type=text}\n\n- [x] FAB\n- [ ] BAF\n",
        ));

        assert_eq!(diagnostics[0].code, Code::TextUncheckedAnswer);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (7, 1));
    }

    #[test]
    fn a_level_one_heading_is_reported() {
        let (_, diagnostics) = parse_text(&with_question("# Quiz\n\n## Q {#q}\n\n- [x] A\n"));

        assert_eq!(diagnostics[0].code, Code::QuizHeadingLevel);
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 1));
    }

    #[test]
    fn a_question_without_a_list_has_no_options() {
        let quiz = parse_valid(&with_question("## Q {#q}\n\nJust text.\n"));

        assert_eq!(quiz.questions[0].body, QuestionBody::Single(Vec::new()));
        assert!(quiz.questions[0].list.is_none());
    }

    #[test]
    fn an_unknown_setting_is_reported() {
        let (_, diagnostics) = parse_text("+++\npass_mrk = 80\n+++\n");

        assert_eq!(diagnostics[0].code, Code::TomlUnknownKey);
        assert_eq!(diagnostics[0].line, 2);
        assert!(diagnostics[0].help.contains("`pass_mark`"));
    }
}
