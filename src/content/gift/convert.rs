//! One GIFT question to one Sales Dojo question, or the reason it cannot
//! be one. Sales Dojo knows single choice, multiple select, ordering and
//! short text; each Moodle type maps to one of those where the meaning
//! survives, and is refused with a reason where it would not.

use super::ConvertOptions;
use super::read::{Answer, BLANK, Kind, RawQuestion, answer, answers};
use super::text::{Format, Reduced, escape_plain, plain_text, split_format, to_markdown};
use super::write::{Body, Choice, Question};

/// What became of one question: converted (with notes on what changed
/// meaning), or refused.
pub(super) struct Outcome {
    pub result: Result<Converted, String>,
    pub notes: Vec<String>,
}

pub(super) struct Converted {
    /// Without its id, which depends on the other questions.
    pub question: Question,
    /// A Moodle multiple-answer question (partial credit by nature) became
    /// a multiple select.
    pub uses_partial_credit: bool,
}

/// Weights are percentages written by hand (`%33.333%`); this much
/// difference is rounding, not intent.
const WEIGHT_EPSILON: f64 = 0.01;

struct Context<'a> {
    format: Format,
    reduced: Reduced,
    notes: Vec<String>,
    options: &'a ConvertOptions,
}

impl Context<'_> {
    fn markdown(&mut self, protected: &str) -> String {
        to_markdown(protected, self.format, &mut self.reduced)
    }
}

pub(super) fn question(raw: &RawQuestion, options: &ConvertOptions) -> Outcome {
    let format = split_format(&raw.text).0.unwrap_or(Format::Moodle);
    let mut context = Context {
        format,
        reduced: Reduced::default(),
        notes: Vec::new(),
        options,
    };
    if raw.unclosed_title {
        context.notes.push(
            "the title's `::` is never closed, so it was read as question text; write `::Title::` before the question".to_string(),
        );
    }
    let result = convert(raw, &mut context);
    if result.is_ok() && !context.reduced.tags.is_empty() {
        let tags: Vec<String> = context
            .reduced
            .tags
            .iter()
            .map(|tag| format!("<{tag}>"))
            .collect();
        context.notes.push(format!(
            "HTML {} was reduced to plain text (images and link targets are dropped); check the wording in quiz.md",
            tags.join(", ")
        ));
    }
    Outcome {
        result,
        notes: context.notes,
    }
}

fn convert(raw: &RawQuestion, context: &mut Context<'_>) -> Result<Converted, String> {
    let body = match &raw.kind {
        Kind::Description => {
            return Err(
                "a description (no answer block `{...}`) is not a question; put the text in the module's lesson.md"
                    .to_string(),
            );
        }
        Kind::Essay => {
            return Err(
                "an essay question (`{}`) needs a person to grade it; write a role-play `.practice` scene with a rubric instead"
                    .to_string(),
            );
        }
        Kind::MultipleChoice(inner) => multiple_choice(inner, context)?,
        Kind::TrueFalse(inner) => {
            if raw.missing_word && statement_before_punctuation(&raw.text).is_none() {
                return Err(
                    "a true/false answer in the middle of a sentence cannot be shown as a choice; move `{T}` or `{F}` to the end of the statement"
                        .to_string(),
                );
            }
            true_false(inner, context)
        }
        Kind::ShortAnswer(inner) => short_answer(inner, context)?,
        Kind::Numerical(inner) => numerical(inner, context)?,
        Kind::Matching(inner) => matching(inner, context)?,
    };
    let text = match (&raw.kind, statement_before_punctuation(&raw.text)) {
        (Kind::TrueFalse(_), Some(statement)) => statement,
        _ => raw.text.clone(),
    };
    let mut prompt = context.markdown(&text);
    if prompt.is_empty() {
        match &raw.title {
            Some(title) => prompt = escape_plain(title),
            None => {
                return Err(
                    "the question has no text; write the question before the answer block"
                        .to_string(),
                );
            }
        }
    }
    let explanation = raw
        .general_feedback
        .as_deref()
        .map(|feedback| context.markdown(feedback))
        .filter(|text| !text.is_empty());
    let (body, explanation, uses_partial_credit) = match body {
        Answers::Choice {
            choices,
            partial_credit,
        } => (Body::Choice(choices), explanation, partial_credit),
        Answers::Order(steps) => (Body::Order(steps), explanation, false),
        Answers::Text {
            answers,
            answer_feedback,
        } => {
            // Moodle shows the feedback of the matched answer; with no
            // general feedback it is the only teaching point there is.
            let explanation = explanation.or(answer_feedback);
            (Body::Text(answers), explanation, false)
        }
    };
    Ok(Converted {
        question: Question {
            id: String::new(),
            prompt,
            body,
            explanation,
        },
        uses_partial_credit,
    })
}

/// `Price is all that matters {F}.`: a true/false block followed only by
/// punctuation closes the statement rather than leaving a word out, so the
/// statement is the text with the block removed.
fn statement_before_punctuation(text: &str) -> Option<String> {
    let (before, after) = text.split_once(BLANK)?;
    after
        .trim()
        .chars()
        .all(|c| c.is_ascii_punctuation() || matches!(c, '。' | '？' | '！' | '…'))
        .then(|| format!("{}{}", before.trim_end(), after.trim()))
}

/// The question-type part of a conversion, before the prompt is added.
enum Answers {
    Choice {
        choices: Vec<Choice>,
        partial_credit: bool,
    },
    Order(Vec<String>),
    Text {
        answers: Vec<String>,
        answer_feedback: Option<String>,
    },
}

fn percent(weight: f64) -> String {
    let rounded = (weight * 100.0).round() / 100.0;
    format!("{rounded}%")
}

fn multiple_choice(inner: &str, context: &mut Context<'_>) -> Result<Answers, String> {
    let (lead, answers) = answers(inner, &['~', '=']);
    if !lead.is_empty() {
        return Err(format!(
            "text `{}` comes before the first answer; start every answer with `=` (right) or `~` (wrong)",
            plain_text(&lead)
        ));
    }
    if answers.len() < 2 {
        return Err(
            "a multiple-choice question needs at least two answers (`=right ~wrong`)".to_string(),
        );
    }
    let weight_of = |answer: &Answer| match (answer.marker, answer.weight) {
        (_, Some(weight)) => weight,
        (Some('='), None) => 100.0,
        _ => 0.0,
    };
    // As in Moodle: an `=` answer makes it a one-answer question, where
    // only a full-credit answer is right; without one, every answer with a
    // positive weight is part of the right selection.
    let one_answer = answers.iter().any(|answer| answer.marker == Some('='));
    let full = |weight: f64| weight >= 100.0 - WEIGHT_EPSILON;
    let any_full = answers.iter().any(|answer| full(weight_of(answer)));
    let single = one_answer && any_full;
    let mut choices = Vec::with_capacity(answers.len());
    for (index, answer) in answers.iter().enumerate() {
        let text = context.markdown(&answer.text);
        if text.is_empty() {
            return Err(format!(
                "answer {} is empty; give it a text or remove its `{}`",
                index + 1,
                answer.marker.unwrap_or('~')
            ));
        }
        let weight = weight_of(answer);
        let correct = if single { full(weight) } else { weight > 0.0 };
        if single && !correct && weight > 0.0 {
            context.notes.push(format!(
                "answer {} (\"{}\") earned {} in Moodle; here it counts as wrong, as Sales Dojo has no per-option credit",
                index + 1,
                plain_text(&answer.text),
                percent(weight)
            ));
        }
        let feedback = answer
            .feedback
            .as_deref()
            .map(|feedback| context.markdown(feedback))
            .filter(|text| !text.is_empty());
        choices.push(Choice {
            text,
            correct,
            feedback,
        });
    }
    reject_duplicates(choices.iter().map(|choice| choice.text.as_str()), "answers")?;
    let right: Vec<f64> = answers
        .iter()
        .map(weight_of)
        .filter(|weight| if single { full(*weight) } else { *weight > 0.0 })
        .collect();
    if right.is_empty() {
        return Err(
            "no answer is marked right; mark it with `=`, or give the right answers positive weights such as `~%50%`"
                .to_string(),
        );
    }
    if single && right.len() > 1 {
        context.notes.push(format!(
            "{} answers are fully right in Moodle (either one scores); here the learner must select all of them",
            right.len()
        ));
    }
    let partial_credit = !single && right.len() > 1;
    if partial_credit
        && right
            .iter()
            .any(|weight| (weight - right[0]).abs() > WEIGHT_EPSILON)
    {
        let weights: Vec<String> = right.iter().map(|weight| percent(*weight)).collect();
        context.notes.push(format!(
            "the right answers have unequal weights ({}); Sales Dojo gives each right option an equal share of the credit",
            weights.join(", ")
        ));
    }
    Ok(Answers::Choice {
        choices,
        partial_credit,
    })
}

fn true_false(inner: &str, context: &mut Context<'_>) -> Answers {
    // `{T#shown if wrong#shown if right}`: Moodle's order.
    let (answer, comment) = inner.split_once('#').unwrap_or((inner, ""));
    let (wrong, right) = comment.split_once('#').unwrap_or((comment, ""));
    let is_true = ["T", "TRUE"]
        .iter()
        .any(|word| answer.trim().eq_ignore_ascii_case(word));
    let mut feedback = |text: &str| Some(context.markdown(text)).filter(|text| !text.is_empty());
    let (wrong, right) = (feedback(wrong), feedback(right));
    let (true_feedback, false_feedback) = if is_true {
        (right, wrong)
    } else {
        (wrong, right)
    };
    Answers::Choice {
        choices: vec![
            Choice {
                text: escape_plain(&context.options.true_label),
                correct: is_true,
                feedback: true_feedback,
            },
            Choice {
                text: escape_plain(&context.options.false_label),
                correct: !is_true,
                feedback: false_feedback,
            },
        ],
        partial_credit: false,
    }
}

fn short_answer(inner: &str, context: &mut Context<'_>) -> Result<Answers, String> {
    let (lead, mut parsed) = answers(inner, &['=']);
    if !lead.is_empty() {
        // Moodle accepts a first answer written without `=`.
        parsed.insert(0, answer(None, &lead));
    }
    text_answers(&parsed, context, "short answer")
}

/// Accepted answers from full-credit answers; the others are reported.
fn text_answers(
    parsed: &[Answer],
    context: &mut Context<'_>,
    what: &str,
) -> Result<Answers, String> {
    let mut answers: Vec<String> = Vec::new();
    let mut feedbacks: Vec<String> = Vec::new();
    for answer in parsed {
        let text = plain_text(&answer.text);
        let weight = answer.weight.unwrap_or(100.0);
        if text.is_empty() {
            continue;
        }
        if weight <= 0.0 {
            context.notes.push(format!(
                "answer \"{text}\" was a wrong answer in Moodle ({}); text questions list only accepted answers, so it was left out",
                percent(weight)
            ));
            continue;
        }
        if weight < 100.0 - WEIGHT_EPSILON {
            context.notes.push(format!(
                "answer \"{text}\" earned {} in Moodle; it is not accepted here (add it as `- [x] {text}` if it should count)",
                percent(weight)
            ));
            continue;
        }
        if text.contains('*') {
            context.notes.push(format!(
                "answer \"{text}\" uses `*`, a wildcard in Moodle; Sales Dojo matches it literally, so list the accepted spellings instead"
            ));
        }
        if let Some(feedback) = answer.feedback.as_deref() {
            let feedback = context.markdown(feedback);
            if !feedback.is_empty() && !feedbacks.contains(&feedback) {
                feedbacks.push(feedback);
            }
        }
        let markdown = escape_plain(&text);
        if !answers
            .iter()
            .any(|known| normalize(known) == normalize(&markdown))
        {
            answers.push(markdown);
        }
    }
    if answers.is_empty() {
        return Err(format!(
            "the {what} has no accepted answer; write it as `{{=answer =other spelling}}`"
        ));
    }
    if feedbacks.len() > 1 {
        context.notes.push(
            "the accepted answers had different feedback; the first one became the explanation"
                .to_string(),
        );
    }
    Ok(Answers::Text {
        answers,
        answer_feedback: feedbacks.into_iter().next(),
    })
}

fn numerical(inner: &str, context: &mut Context<'_>) -> Result<Answers, String> {
    let parsed: Vec<Answer> = if inner.contains('=') {
        let (lead, parsed) = answers(inner, &['=']);
        if !lead.is_empty() {
            return Err(format!(
                "text `{}` comes before the first `=` of the numerical answers; start each answer with `=`",
                plain_text(&lead)
            ));
        }
        parsed
    } else {
        vec![answer(None, inner)]
    };
    let mut exact = Vec::with_capacity(parsed.len());
    for answer in &parsed {
        let value = plain_text(&answer.text);
        let full = answer.weight.unwrap_or(100.0) >= 100.0 - WEIGHT_EPSILON;
        match exact_number(&value) {
            Some(number) => exact.push(Answer {
                text: number,
                ..answer.clone()
            }),
            None if full => {
                return Err(format!(
                    "the numerical answer `{value}` has a tolerance or range (or is not a number); a text question accepts exact answers only, so rewrite it as multiple choice"
                ));
            }
            // A partial-credit range is reported as not accepted below.
            None => exact.push(Answer {
                text: value,
                ..answer.clone()
            }),
        }
    }
    let converted = text_answers(&exact, context, "numerical question")?;
    context.notes.push(
        "numerical question converted to a text question: learners must type the number exactly as listed (add other forms such as `1,500` as more `- [x]` answers)"
            .to_string(),
    );
    Ok(converted)
}

/// `42`, `42:0` or `42..42` as `42`; `None` for a real tolerance or range.
fn exact_number(value: &str) -> Option<String> {
    let is_number = |text: &str| text.trim().parse::<f64>().is_ok_and(f64::is_finite);
    if let Some((low, high)) = value.split_once("..") {
        let (low_value, high_value) = (
            low.trim().parse::<f64>().ok()?,
            high.trim().parse::<f64>().ok()?,
        );
        return (low_value == high_value && is_number(low)).then(|| low.trim().to_string());
    }
    if let Some((number, tolerance)) = value.split_once(':') {
        let tolerance = tolerance.trim().parse::<f64>().ok()?;
        return (tolerance == 0.0 && is_number(number)).then(|| number.trim().to_string());
    }
    is_number(value).then(|| value.trim().to_string())
}

fn matching(inner: &str, context: &mut Context<'_>) -> Result<Answers, String> {
    let (lead, parsed) = answers(inner, &['=']);
    let not_an_order = || {
        "a matching question has no Sales Dojo equivalent; it is converted only when the right-hand sides are the positions 1, 2, 3... (an ordering); rewrite it as multiple choice or number the right-hand sides".to_string()
    };
    if !lead.is_empty() {
        return Err(format!(
            "text `{}` comes before the first `=` pair; start each pair with `=`",
            plain_text(&lead)
        ));
    }
    let mut steps: Vec<(usize, String)> = Vec::with_capacity(parsed.len());
    for pair in &parsed {
        // Moodle reads matching pairs without feedback: a `#` is text.
        let whole = match &pair.feedback {
            Some(feedback) => format!("{}#{feedback}", pair.text),
            None => pair.text.clone(),
        };
        let Some((left, right)) = whole.split_once("->") else {
            return Err(format!(
                "matching pair `{}` has no `->`; write pairs as `=item -> position`",
                plain_text(&whole)
            ));
        };
        if left.trim().is_empty() {
            return Err(format!(
                "{} (it has an extra answer `= -> {}`)",
                not_an_order(),
                plain_text(right)
            ));
        }
        let Some(position) = ordinal(&plain_text(right)) else {
            return Err(not_an_order());
        };
        let text = context.markdown(left);
        if text.is_empty() {
            return Err("a matching pair has an empty left-hand side".to_string());
        }
        steps.push((position, text));
    }
    steps.sort_by_key(|(position, _)| *position);
    let is_order = steps
        .iter()
        .enumerate()
        .all(|(index, (position, _))| *position == index + 1);
    if !is_order {
        return Err(not_an_order());
    }
    if steps.len() < 2 {
        return Err("an ordering needs at least two steps".to_string());
    }
    let steps: Vec<String> = steps.into_iter().map(|(_, text)| text).collect();
    reject_duplicates(steps.iter().map(String::as_str), "steps")?;
    Ok(Answers::Order(steps))
}

/// `3`, `3.`, `3rd`, `#3`, `step 3`, `third`, `three`, `第三`, `三` as 3.
fn ordinal(text: &str) -> Option<usize> {
    const WORDS: [(&str, &str); 10] = [
        ("one", "first"),
        ("two", "second"),
        ("three", "third"),
        ("four", "fourth"),
        ("five", "fifth"),
        ("six", "sixth"),
        ("seven", "seventh"),
        ("eight", "eighth"),
        ("nine", "ninth"),
        ("ten", "tenth"),
    ];
    const CHINESE: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let lower = text.trim().to_lowercase();
    let mut word = lower.as_str();
    for prefix in ["step ", "#", "no. ", "no."] {
        word = word.strip_prefix(prefix).unwrap_or(word).trim();
    }
    let word = word.trim_end_matches('.');
    if let Some(position) = WORDS
        .iter()
        .position(|(cardinal, ordinal)| word == *cardinal || word == *ordinal)
    {
        return Some(position + 1);
    }
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let suffix = &word[digits.len()..];
        return ["", "st", "nd", "rd", "th"]
            .contains(&suffix)
            .then(|| digits.parse().ok())
            .flatten();
    }
    let chinese = word.strip_prefix('第').unwrap_or(word);
    let chinese = chinese.trim_end_matches(['步', '个', '位', '名']);
    let mut chars = chinese.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => CHINESE.iter().position(|n| *n == c).map(|at| at + 1),
        _ => None,
    }
}

/// Texts a learner could not tell apart (the quiz checker refuses them).
fn reject_duplicates<'a>(texts: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen: Vec<String> = Vec::new();
    for (index, text) in texts.enumerate() {
        let normalized = normalize(text);
        if let Some(first) = seen.iter().position(|known| *known == normalized) {
            return Err(format!(
                "{what} {} and {} have the same text; make them different or remove one",
                first + 1,
                index + 1
            ));
        }
        seen.push(normalized);
    }
    Ok(())
}

/// The quiz checker's comparison: case- and space-insensitive.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<String>().to_lowercase()
}
