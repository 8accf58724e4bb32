//! Quiz attempts: which questions an attempt shows, checking what a learner
//! submits, and scoring it (SPEC 2.3).
//!
//! - An attempt is stored as the questions it showed and, for each, the
//!   options in the order shown. Answers always name options by their index
//!   in the source file, so shuffling never changes what an answer means.
//! - `draw = N` asks N questions, those the learner has not yet answered
//!   fully right first. `shuffle` randomises question and option order.
//!   Order questions always show their steps shuffled, whatever `shuffle`
//!   says, because the source order is the answer.
//! - Single choice and text questions score 0 or 1. Multiple select and
//!   order questions are all-or-nothing unless `partial`: then right picks
//!   less wrong picks, or the share of steps in their right place.
//! - The quiz score is the weight-averaged question score; the attempt
//!   passes at `pass_mark` percent.
//!
//! Pure: no I/O, no storage, no rendering.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content::{CatalogQuiz, QuestionKind, RenderedQuestion};

/// The longest text answer accepted, in characters (not bytes, so Chinese
/// answers get the same room).
pub const MAX_TEXT_ANSWER_CHARS: usize = 500;

/// Reshuffles of an order question before giving up on chance; with two
/// steps each try is a coin flip, so only a broken generator runs out.
const ORDER_RESHUFFLES: usize = 64;

/// Slack for comparing a percentage with the pass mark, so that a score
/// such as 29/100 (28.999999999999996 %) passes a pass mark of 29.
const PASS_EPSILON: f64 = 1e-9;

/// The quiz settings that shape an attempt and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuizRules {
    /// Percent needed to pass.
    pub pass_mark: i64,
    /// Shuffle question and option order per attempt.
    pub shuffle: bool,
    /// Partial credit on multiple-select and order questions.
    pub partial: bool,
    /// Questions per attempt; 0 (or anything out of range) = every question.
    pub draw: i64,
}

impl From<&CatalogQuiz> for QuizRules {
    fn from(quiz: &CatalogQuiz) -> Self {
        Self {
            pass_mark: quiz.pass_mark,
            shuffle: quiz.shuffle,
            partial: quiz.partial,
            draw: quiz.draw,
        }
    }
}

/// One question of an attempt as the learner saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownQuestion {
    pub id: String,
    /// Source indices of the options (or steps) in the order shown; empty
    /// for text questions.
    pub options: Vec<usize>,
}

/// The questions of a new attempt, in the order to show them.
///
/// `mastered` holds the ids of questions the learner has answered fully
/// right before; a draw takes the others first so that practice goes where
/// it is needed.
pub fn build_attempt(
    questions: &[RenderedQuestion],
    rules: &QuizRules,
    mastered: &HashSet<String>,
    rng: &mut fastrand::Rng,
) -> Vec<ShownQuestion> {
    let mut picked = pick_questions(questions, rules.draw, mastered, rng);
    if rules.shuffle {
        rng.shuffle(&mut picked);
    } else {
        // Without shuffle a draw still reads like the source file.
        picked.sort_unstable_by_key(|(index, _)| *index);
    }
    picked
        .into_iter()
        .map(|(_, question)| ShownQuestion {
            id: question.id.clone(),
            options: shown_options(question, rules.shuffle, rng),
        })
        .collect()
}

/// The drawn questions with their source positions, unmastered first.
fn pick_questions<'q>(
    questions: &'q [RenderedQuestion],
    draw: i64,
    mastered: &HashSet<String>,
    rng: &mut fastrand::Rng,
) -> Vec<(usize, &'q RenderedQuestion)> {
    let all = questions.iter().enumerate();
    let wanted = usize::try_from(draw)
        .ok()
        .filter(|&n| n > 0 && n < questions.len());
    let Some(wanted) = wanted else {
        return all.collect();
    };
    let (mut fresh, mut known): (Vec<_>, Vec<_>) =
        all.partition(|(_, question)| !mastered.contains(&question.id));
    rng.shuffle(&mut fresh);
    rng.shuffle(&mut known);
    fresh.extend(known);
    fresh.truncate(wanted);
    fresh
}

fn shown_options(
    question: &RenderedQuestion,
    shuffle: bool,
    rng: &mut fastrand::Rng,
) -> Vec<usize> {
    let mut ids: Vec<usize> = question.options.iter().map(|option| option.index).collect();
    match question.kind {
        QuestionKind::Text => Vec::new(),
        QuestionKind::Order => {
            shuffle_away_from(&mut ids, rng);
            ids
        }
        QuestionKind::Single | QuestionKind::Multiple => {
            if shuffle {
                rng.shuffle(&mut ids);
            }
            ids
        }
    }
}

/// Shuffles `steps` (given in the correct order) into any other order;
/// showing the answer would make the question pointless.
fn shuffle_away_from(steps: &mut [usize], rng: &mut fastrand::Rng) {
    if steps.len() < 2 {
        return;
    }
    let answer = steps.to_vec();
    // Rejection keeps every wrong order equally likely.
    for _ in 0..ORDER_RESHUFFLES {
        rng.shuffle(steps);
        if steps != answer.as_slice() {
            return;
        }
    }
    steps.rotate_left(1);
}

/// A learner's answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Source indices: the chosen options, or for an order question every
    /// step in the learner's order.
    Options(Vec<usize>),
    Text(String),
}

/// Everything wrong with a submission, each message naming the question
/// and saying what to send.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AnswerErrors {
    pub messages: Vec<String>,
}

impl fmt::Display for AnswerErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("; "))
    }
}

impl std::error::Error for AnswerErrors {}

/// Checks a submitted `{"question-id": [option ids] | "text"}` object
/// against the attempt and returns the answers by question id.
///
/// `questions` maps the attempt's ids to the current catalog questions. All
/// problems are reported at once, so a client can fix them in one go.
pub fn parse_answers(
    shown: &[ShownQuestion],
    questions: &HashMap<&str, &RenderedQuestion>,
    raw: &Value,
) -> Result<BTreeMap<String, Answer>, AnswerErrors> {
    let Some(object) = raw.as_object() else {
        return Err(AnswerErrors {
            messages: vec![format!(
                "answers must be a JSON object mapping each question id to its answer, not {}",
                json_type(raw)
            )],
        });
    };
    let mut errors = Vec::new();
    let attempt_ids: HashSet<&str> = shown.iter().map(|question| question.id.as_str()).collect();
    for key in object.keys() {
        if !attempt_ids.contains(key.as_str()) {
            errors.push(unknown_question(key, shown));
        }
    }
    let mut answers = BTreeMap::new();
    for shown_question in shown {
        let id = &shown_question.id;
        let Some(question) = questions.get(id.as_str()) else {
            errors.push(format!(
                "question `{id}` is no longer in this quiz (the course was updated); start a new attempt"
            ));
            continue;
        };
        match object.get(id) {
            None => errors.push(format!(
                "question `{id}` has no answer; send {}",
                expected(question)
            )),
            Some(value) => {
                if let Some(answer) = parse_answer(question, value, &mut errors) {
                    answers.insert(id.clone(), answer);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(AnswerErrors { messages: errors })
    }
}

fn unknown_question(key: &str, shown: &[ShownQuestion]) -> String {
    if shown.is_empty() {
        return format!("`{key}` is not a question of this attempt; it has no questions");
    }
    let ids: Vec<&str> = shown.iter().map(|question| question.id.as_str()).collect();
    format!(
        "`{key}` is not a question of this attempt; its questions are {}",
        ids.join(", ")
    )
}

/// One question's answer, or `None` after pushing what is wrong with it.
fn parse_answer(
    question: &RenderedQuestion,
    value: &Value,
    errors: &mut Vec<String>,
) -> Option<Answer> {
    let id = &question.id;
    if question.kind == QuestionKind::Text {
        let Value::String(text) = value else {
            errors.push(wrong_type(question, value));
            return None;
        };
        let length = text.chars().count();
        if length > MAX_TEXT_ANSWER_CHARS {
            errors.push(format!(
                "question `{id}` has an answer of {length} characters; send at most {MAX_TEXT_ANSWER_CHARS}"
            ));
            return None;
        }
        return Some(Answer::Text(text.clone()));
    }

    let Value::Array(items) = value else {
        errors.push(wrong_type(question, value));
        return None;
    };
    let before = errors.len();
    let known = option_ids(question);
    let mut picked = Vec::with_capacity(items.len());
    for item in items {
        match item.as_u64().and_then(|n| usize::try_from(n).ok()) {
            None => errors.push(format!(
                "question `{id}` takes {} ids as non-negative integers; {item} is not one",
                noun(question)
            )),
            Some(n) if !known.contains(&n) => errors.push(format!(
                "question `{id}` has {}; {n} is not one of them",
                has_ids(question)
            )),
            Some(n) => picked.push(n),
        }
    }
    match question.kind {
        QuestionKind::Single if items.len() != 1 => errors.push(format!(
            "question `{id}` is single choice and got {}; send {}",
            count_of_ids(items.len()),
            expected(question)
        )),
        QuestionKind::Multiple => {
            for repeated in repeated_ids(&picked) {
                errors.push(format!(
                    "question `{id}` lists option {repeated} more than once; send each option id at most once"
                ));
            }
        }
        QuestionKind::Order => {
            let repeated = repeated_ids(&picked);
            let missing: Vec<usize> = known
                .iter()
                .copied()
                .filter(|step| !picked.contains(step))
                .collect();
            if !repeated.is_empty() || !missing.is_empty() {
                let mut problems = Vec::new();
                if !repeated.is_empty() {
                    problems.push(format!("repeated: {}", join_ids(&repeated)));
                }
                if !missing.is_empty() {
                    problems.push(format!("missing: {}", join_ids(&missing)));
                }
                errors.push(format!(
                    "question `{id}` needs every step exactly once ({}); send {}",
                    problems.join("; "),
                    expected(question)
                ));
            }
        }
        QuestionKind::Single | QuestionKind::Text => {}
    }
    (errors.len() == before).then_some(Answer::Options(picked))
}

fn wrong_type(question: &RenderedQuestion, value: &Value) -> String {
    format!(
        "question `{}` needs {}, not {}",
        question.id,
        expected(question),
        json_type(value)
    )
}

/// What to send for a question, for error messages.
fn expected(question: &RenderedQuestion) -> String {
    let range = id_range(question);
    match question.kind {
        QuestionKind::Single => {
            let example = option_ids(question).first().copied().unwrap_or(0);
            format!("an array holding exactly one option id ({range}), like [{example}]")
        }
        QuestionKind::Multiple => format!(
            "an array of the option ids ({range}) you select, each at most once ([] selects none)"
        ),
        QuestionKind::Order => {
            format!("an array of every step id ({range}) in your order, each exactly once")
        }
        QuestionKind::Text => format!("a string of at most {MAX_TEXT_ANSWER_CHARS} characters"),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn noun(question: &RenderedQuestion) -> &'static str {
    if question.kind == QuestionKind::Order {
        "step"
    } else {
        "option"
    }
}

/// "options 0-3", "option 0" or "no options".
fn has_ids(question: &RenderedQuestion) -> String {
    let noun = noun(question);
    match question.options.len() {
        0 => format!("no {noun}s"),
        1 => format!("{noun} {}", id_range(question)),
        _ => format!("{noun}s {}", id_range(question)),
    }
}

/// "0-3" when the ids run from 0 without gaps (as the catalog numbers
/// them), else the ids listed.
fn id_range(question: &RenderedQuestion) -> String {
    let ids: Vec<usize> = option_ids(question).into_iter().collect();
    let contiguous = ids.iter().enumerate().all(|(position, id)| position == *id);
    match ids.last() {
        Some(last) if contiguous && *last > 0 => format!("0-{last}"),
        _ => join_ids(&ids),
    }
}

fn count_of_ids(count: usize) -> String {
    match count {
        0 => "none".to_owned(),
        1 => "1 id".to_owned(),
        _ => format!("{count} ids"),
    }
}

fn option_ids(question: &RenderedQuestion) -> BTreeSet<usize> {
    question.options.iter().map(|option| option.index).collect()
}

/// Ids that occur more than once, each listed once, in order.
fn repeated_ids(ids: &[usize]) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    let repeated: BTreeSet<usize> = ids.iter().copied().filter(|id| !seen.insert(*id)).collect();
    repeated.into_iter().collect()
}

fn join_ids(ids: &[usize]) -> String {
    ids.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// How one question of an attempt went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionOutcome {
    pub id: String,
    /// 0..=1.
    pub score: f64,
    /// Fully right (score 1).
    pub correct: bool,
    pub answer: Answer,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizOutcome {
    /// 0..=1, weighted by question weight.
    pub score: f64,
    pub passed: bool,
    /// In the attempt's order.
    pub questions: Vec<QuestionOutcome>,
}

/// Scores an attempt's answers (as `parse_answers` returned them).
///
/// A question without an answer scores 0 and is reported with an empty
/// answer. A question the catalog no longer has cannot be weighed or
/// marked, so it is left out of the outcome rather than held against the
/// learner.
pub fn score(
    shown: &[ShownQuestion],
    questions: &HashMap<&str, &RenderedQuestion>,
    answers: &BTreeMap<String, Answer>,
    rules: &QuizRules,
) -> QuizOutcome {
    let mut weighted = 0.0;
    let mut total_weight = 0.0;
    let mut outcomes = Vec::with_capacity(shown.len());
    for shown_question in shown {
        let Some(question) = questions.get(shown_question.id.as_str()) else {
            continue;
        };
        let answer = answers
            .get(&shown_question.id)
            .cloned()
            .unwrap_or_else(|| empty_answer(question.kind));
        let score = score_question(question, &answer, rules.partial);
        let weight = f64::from(question.weight);
        weighted += weight * score;
        total_weight += weight;
        outcomes.push(QuestionOutcome {
            id: shown_question.id.clone(),
            score,
            correct: score >= 1.0,
            answer,
        });
    }
    let score = if total_weight > 0.0 {
        weighted / total_weight
    } else {
        0.0
    };
    // Pass marks are 0..=100 (checked when the content loads), so the
    // conversion is exact.
    QuizOutcome {
        score,
        passed: score * 100.0 >= rules.pass_mark as f64 - PASS_EPSILON,
        questions: outcomes,
    }
}

fn empty_answer(kind: QuestionKind) -> Answer {
    match kind {
        QuestionKind::Text => Answer::Text(String::new()),
        QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Order => {
            Answer::Options(Vec::new())
        }
    }
}

/// One question's score, 0..=1. An answer `parse_answers` would reject
/// (wrong type, unknown or repeated ids, not one pick for single choice,
/// not every step for order, too long a text) scores 0, so a caller that
/// skipped validation cannot be given credit for it.
pub fn score_question(question: &RenderedQuestion, answer: &Answer, partial: bool) -> f64 {
    match (question.kind, answer) {
        (QuestionKind::Text, Answer::Text(text)) => {
            if text.chars().count() <= MAX_TEXT_ANSWER_CHARS && text_matches(question, text) {
                1.0
            } else {
                0.0
            }
        }
        (QuestionKind::Text, Answer::Options(_)) => 0.0,
        (_, Answer::Text(_)) => 0.0,
        (_, Answer::Options(ids)) if !well_formed(question, ids) => 0.0,
        (QuestionKind::Single, Answer::Options(ids)) => {
            let right = ids.iter().all(|id| {
                question
                    .options
                    .iter()
                    .any(|option| option.index == *id && option.correct)
            });
            if right { 1.0 } else { 0.0 }
        }
        (QuestionKind::Multiple, Answer::Options(ids)) => score_multiple(question, ids, partial),
        (QuestionKind::Order, Answer::Options(ids)) => score_order(question, ids, partial),
    }
}

/// Known, distinct ids, and as many as the question type takes.
fn well_formed(question: &RenderedQuestion, ids: &[usize]) -> bool {
    let known = option_ids(question);
    let mut seen = BTreeSet::new();
    let distinct_and_known = ids.iter().all(|id| known.contains(id) && seen.insert(*id));
    distinct_and_known
        && match question.kind {
            QuestionKind::Single => ids.len() == 1,
            QuestionKind::Order => ids.len() == known.len(),
            QuestionKind::Multiple | QuestionKind::Text => true,
        }
}

fn score_multiple(question: &RenderedQuestion, ids: &[usize], partial: bool) -> f64 {
    let (mut hits, mut correct_count, mut false_picks, mut incorrect_count) = (0, 0, 0, 0);
    for option in &question.options {
        let picked = ids.contains(&option.index);
        if option.correct {
            correct_count += 1;
            hits += usize::from(picked);
        } else {
            incorrect_count += 1;
            false_picks += usize::from(picked);
        }
    }
    if hits == correct_count && false_picks == 0 {
        return 1.0;
    }
    if !partial {
        return 0.0;
    }
    // Wrong picks cost as much as right picks earn, so ticking everything
    // earns nothing.
    (share(hits, correct_count) - share(false_picks, incorrect_count)).max(0.0)
}

fn score_order(question: &RenderedQuestion, ids: &[usize], partial: bool) -> f64 {
    let right = right_answer(question);
    if ids == right.as_slice() {
        return 1.0;
    }
    if !partial {
        return 0.0;
    }
    let in_place = ids
        .iter()
        .zip(&right)
        .filter(|(given, step)| given == step)
        .count();
    share(in_place, right.len())
}

/// `part / whole`, 0 when there is no whole.
fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    // Option counts are tiny, so the conversions are exact.
    part as f64 / whole as f64
}

/// Matches case- and space-insensitively, as the authoring guide promises:
/// `FAB`, `fab` and `F A B` are one answer, and so are `战 斗` and `战斗`.
fn text_matches(question: &RenderedQuestion, text: &str) -> bool {
    let given = normalize(text);
    // An empty answer is no answer, even against a blank accepted entry.
    !given.is_empty()
        && question
            .accepted
            .iter()
            .any(|accepted| normalize(accepted) == given)
}

fn normalize(text: &str) -> String {
    // Spaces go first so that lower-casing (context-sensitive for a Greek
    // final sigma) sees the same letters wherever the spaces were.
    text.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The right answer as source indices: the correct options of a choice
/// question, every step in order for an order question, nothing for a text
/// question (its accepted answers are in `RenderedQuestion::accepted`).
pub fn right_answer(question: &RenderedQuestion) -> Vec<usize> {
    match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => question
            .options
            .iter()
            .filter(|option| option.correct)
            .map(|option| option.index)
            .collect(),
        QuestionKind::Order => question.options.iter().map(|option| option.index).collect(),
        QuestionKind::Text => Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::content::RenderedOption;

    fn question(id: &str, kind: QuestionKind, correct: &[bool]) -> RenderedQuestion {
        RenderedQuestion {
            id: id.to_owned(),
            kind,
            competency: "discovery".to_owned(),
            weight: 1,
            prompt_html: format!("<p>{id}?</p>"),
            options: correct
                .iter()
                .enumerate()
                .map(|(index, correct)| RenderedOption {
                    index,
                    html: format!("option {index}"),
                    correct: *correct,
                    feedback_html: None,
                })
                .collect(),
            accepted: Vec::new(),
            explanation_html: None,
        }
    }

    fn single(id: &str, options: usize, right: usize) -> RenderedQuestion {
        let correct: Vec<bool> = (0..options).map(|index| index == right).collect();
        question(id, QuestionKind::Single, &correct)
    }

    fn multiple(id: &str, correct: &[bool]) -> RenderedQuestion {
        question(id, QuestionKind::Multiple, correct)
    }

    fn order(id: &str, steps: usize) -> RenderedQuestion {
        question(id, QuestionKind::Order, &vec![true; steps])
    }

    fn text(id: &str, accepted: &[&str]) -> RenderedQuestion {
        let mut question = question(id, QuestionKind::Text, &[]);
        question.accepted = accepted.iter().map(|answer| (*answer).to_owned()).collect();
        question
    }

    fn weighted(mut question: RenderedQuestion, weight: u32) -> RenderedQuestion {
        question.weight = weight;
        question
    }

    fn by_id(questions: &[RenderedQuestion]) -> HashMap<&str, &RenderedQuestion> {
        questions
            .iter()
            .map(|question| (question.id.as_str(), question))
            .collect()
    }

    fn rules(shuffle: bool, partial: bool, draw: i64) -> QuizRules {
        QuizRules {
            pass_mark: 80,
            shuffle,
            partial,
            draw,
        }
    }

    fn options(ids: &[usize]) -> Answer {
        Answer::Options(ids.to_vec())
    }

    fn answer_text(text: &str) -> Answer {
        Answer::Text(text.to_owned())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn ids(shown: &[ShownQuestion]) -> Vec<&str> {
        shown.iter().map(|question| question.id.as_str()).collect()
    }

    fn no_mastery() -> HashSet<String> {
        HashSet::new()
    }

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn scores_each_question_type() {
        let pick = single("pick", 4, 1);
        // Three right options (0-2), two wrong (3, 4).
        let many = multiple("many", &[true, true, true, false, false]);
        let all_right = multiple("all-right", &[true, true]);
        let steps = order("steps", 4);
        let fab = text("fab", &["FAB"]);
        let zhan = text("zhan", &["战", "fight"]);
        let consult = text("consult", &["顾问式 销售"]);
        let cases: Vec<(&str, &RenderedQuestion, Answer, bool, f64)> = vec![
            ("single right", &pick, options(&[1]), false, 1.0),
            ("single wrong", &pick, options(&[0]), false, 0.0),
            ("single right with partial", &pick, options(&[1]), true, 1.0),
            ("single two picks", &pick, options(&[1, 0]), false, 0.0),
            ("single no pick", &pick, options(&[]), false, 0.0),
            ("single unknown id", &pick, options(&[9]), false, 0.0),
            ("single given text", &pick, answer_text("1"), false, 0.0),
            ("multiple exact", &many, options(&[2, 0, 1]), false, 1.0),
            ("multiple subset", &many, options(&[0, 1]), false, 0.0),
            (
                "multiple superset",
                &many,
                options(&[0, 1, 2, 3]),
                false,
                0.0,
            ),
            ("multiple none", &many, options(&[]), false, 0.0),
            (
                "multiple exact partial",
                &many,
                options(&[0, 1, 2]),
                true,
                1.0,
            ),
            (
                "multiple subset partial",
                &many,
                options(&[0, 1]),
                true,
                2.0 / 3.0,
            ),
            (
                "multiple one wrong pick partial",
                &many,
                options(&[0, 1, 2, 3]),
                true,
                0.5,
            ),
            (
                "multiple everything partial",
                &many,
                options(&[0, 1, 2, 3, 4]),
                true,
                0.0,
            ),
            (
                "multiple mostly wrong partial",
                &many,
                options(&[0, 3, 4]),
                true,
                0.0,
            ),
            (
                "multiple only wrong partial",
                &many,
                options(&[3]),
                true,
                0.0,
            ),
            ("multiple none partial", &many, options(&[]), true, 0.0),
            (
                "multiple repeated id partial",
                &many,
                options(&[0, 0]),
                true,
                0.0,
            ),
            (
                "multiple unknown id partial",
                &many,
                options(&[0, 1, 2, 7]),
                true,
                0.0,
            ),
            (
                "multiple no wrong options partial",
                &all_right,
                options(&[1]),
                true,
                0.5,
            ),
            ("order right", &steps, options(&[0, 1, 2, 3]), false, 1.0),
            (
                "order two swapped",
                &steps,
                options(&[1, 0, 2, 3]),
                false,
                0.0,
            ),
            (
                "order two swapped partial",
                &steps,
                options(&[1, 0, 2, 3]),
                true,
                0.5,
            ),
            (
                "order middle swapped partial",
                &steps,
                options(&[0, 2, 1, 3]),
                true,
                0.5,
            ),
            (
                "order reversed partial",
                &steps,
                options(&[3, 2, 1, 0]),
                true,
                0.0,
            ),
            (
                "order rotated partial",
                &steps,
                options(&[1, 2, 3, 0]),
                true,
                0.0,
            ),
            (
                "order right partial",
                &steps,
                options(&[0, 1, 2, 3]),
                true,
                1.0,
            ),
            (
                "order not a permutation",
                &steps,
                options(&[0, 1, 2, 2]),
                true,
                0.0,
            ),
            ("order too short", &steps, options(&[0, 1, 2]), true, 0.0),
            ("text exact", &fab, answer_text("FAB"), false, 1.0),
            ("text lower case", &fab, answer_text("fab"), false, 1.0),
            ("text spaced", &fab, answer_text(" F A B "), false, 1.0),
            (
                "text tabs and newlines",
                &fab,
                answer_text("f\tA\nb"),
                false,
                1.0,
            ),
            ("text hyphenated", &fab, answer_text("F-A-B"), false, 0.0),
            ("text wrong", &fab, answer_text("SPIN"), false, 0.0),
            ("text empty", &fab, answer_text(""), false, 0.0),
            ("text blank", &fab, answer_text("   "), false, 0.0),
            ("text given options", &fab, options(&[0]), false, 0.0),
            (
                "text too long",
                &fab,
                answer_text(&"FAB ".repeat(200)),
                false,
                0.0,
            ),
            ("chinese exact", &zhan, answer_text("战"), false, 1.0),
            (
                "chinese ideographic spaces",
                &zhan,
                answer_text("\u{3000}战 "),
                false,
                1.0,
            ),
            (
                "chinese file, english answer",
                &zhan,
                answer_text("FIGHT"),
                false,
                1.0,
            ),
            ("chinese wrong", &zhan, answer_text("站"), false, 0.0),
            (
                "chinese without space",
                &consult,
                answer_text("顾问式销售"),
                false,
                1.0,
            ),
            (
                "chinese spaced elsewhere",
                &consult,
                answer_text("顾 问 式销售"),
                false,
                1.0,
            ),
            (
                "chinese partial answer",
                &consult,
                answer_text("顾问式"),
                false,
                0.0,
            ),
        ];
        for (name, question, answer, partial, expected) in cases {
            let got = score_question(question, &answer, partial);
            assert!(
                close(got, expected),
                "{name}: got {got}, expected {expected}"
            );
        }
    }

    #[test]
    fn right_answers() {
        let cases: Vec<(RenderedQuestion, Vec<usize>)> = vec![
            (single("pick", 4, 2), vec![2]),
            (multiple("many", &[true, false, true, false]), vec![0, 2]),
            (order("steps", 3), vec![0, 1, 2]),
            (text("fab", &["FAB"]), vec![]),
        ];
        for (question, expected) in cases {
            assert_eq!(right_answer(&question), expected, "{}", question.id);
            let full = match question.kind {
                QuestionKind::Text => answer_text("fab"),
                _ => Answer::Options(expected),
            };
            assert!(
                close(score_question(&question, &full, false), 1.0),
                "{}",
                question.id
            );
        }
    }

    #[test]
    fn quiz_score_is_weighted_and_in_attempt_order() {
        let questions = vec![
            weighted(single("heavy", 3, 0), 3),
            single("light", 3, 0),
            weighted(order("steps", 2), 2),
        ];
        let shown = vec![
            ShownQuestion {
                id: "steps".to_owned(),
                options: vec![1, 0],
            },
            ShownQuestion {
                id: "light".to_owned(),
                options: vec![2, 0, 1],
            },
            ShownQuestion {
                id: "heavy".to_owned(),
                options: vec![0, 1, 2],
            },
        ];
        let answers = BTreeMap::from([
            ("heavy".to_owned(), options(&[0])),
            ("light".to_owned(), options(&[1])),
            ("steps".to_owned(), options(&[0, 1])),
        ]);
        let outcome = score(&shown, &by_id(&questions), &answers, &rules(true, false, 0));
        // (3 * 1 + 1 * 0 + 2 * 1) / 6
        assert!(close(outcome.score, 5.0 / 6.0), "{}", outcome.score);
        assert!(outcome.passed);
        let order: Vec<(&str, bool)> = outcome
            .questions
            .iter()
            .map(|q| (q.id.as_str(), q.correct))
            .collect();
        assert_eq!(
            order,
            vec![("steps", true), ("light", false), ("heavy", true)]
        );
        assert_eq!(outcome.questions.get(1).unwrap().answer, options(&[1]));
    }

    #[test]
    fn pass_mark_boundaries() {
        // Weights 29 and 71, first right: 29 % (28.999999999999996 in f64).
        let questions = vec![
            weighted(single("a", 2, 0), 29),
            weighted(single("b", 2, 0), 71),
        ];
        let shown: Vec<ShownQuestion> = questions
            .iter()
            .map(|q| ShownQuestion {
                id: q.id.clone(),
                options: vec![0, 1],
            })
            .collect();
        let answers = BTreeMap::from([
            ("a".to_owned(), options(&[0])),
            ("b".to_owned(), options(&[1])),
        ]);
        for (pass_mark, passed) in [(0, true), (28, true), (29, true), (30, false), (100, false)] {
            let rules = QuizRules {
                pass_mark,
                ..rules(false, false, 0)
            };
            let outcome = score(&shown, &by_id(&questions), &answers, &rules);
            assert!(close(outcome.score, 0.29));
            assert_eq!(outcome.passed, passed, "pass mark {pass_mark}");
        }
    }

    #[test]
    fn unanswered_missing_and_empty() {
        let questions = vec![single("a", 2, 0), text("t", &["FAB"])];
        let shown = vec![
            ShownQuestion {
                id: "a".to_owned(),
                options: vec![0, 1],
            },
            ShownQuestion {
                id: "t".to_owned(),
                options: vec![],
            },
            ShownQuestion {
                id: "gone".to_owned(),
                options: vec![0, 1],
            },
        ];
        let outcome = score(
            &shown,
            &by_id(&questions),
            &BTreeMap::new(),
            &rules(false, true, 0),
        );
        assert!(close(outcome.score, 0.0));
        assert!(!outcome.passed);
        let answers: Vec<&Answer> = outcome.questions.iter().map(|q| &q.answer).collect();
        // `gone` is no longer in the catalog, so it is left out.
        assert_eq!(answers, vec![&options(&[]), &answer_text("")]);

        let empty = score(
            &[],
            &HashMap::new(),
            &BTreeMap::new(),
            &rules(false, false, 0),
        );
        assert!(close(empty.score, 0.0));
        assert!(!empty.passed);
        assert!(empty.questions.is_empty());
    }

    /// The quiz used by the answer-checking tests, shown in source order.
    fn answer_quiz() -> (Vec<RenderedQuestion>, Vec<ShownQuestion>) {
        let questions = vec![
            single("pick", 4, 1),
            multiple("many", &[true, true, false, false, true]),
            order("steps", 4),
            text("word", &["FAB"]),
        ];
        let shown = build_attempt(
            &questions,
            &rules(false, false, 0),
            &no_mastery(),
            &mut fastrand::Rng::with_seed(1),
        );
        (questions, shown)
    }

    fn valid_answers() -> Value {
        json!({"pick": [1], "many": [4, 0], "steps": [2, 0, 3, 1], "word": "fab"})
    }

    fn with(key: &str, value: Value) -> Value {
        let mut raw = valid_answers();
        raw.as_object_mut().unwrap().insert(key.to_owned(), value);
        raw
    }

    fn without(key: &str) -> Value {
        let mut raw = valid_answers();
        raw.as_object_mut().unwrap().remove(key);
        raw
    }

    #[test]
    fn parses_valid_answers() {
        let (questions, shown) = answer_quiz();
        let cases: Vec<(Value, BTreeMap<String, Answer>)> = vec![
            (
                valid_answers(),
                BTreeMap::from([
                    ("pick".to_owned(), options(&[1])),
                    ("many".to_owned(), options(&[4, 0])),
                    ("steps".to_owned(), options(&[2, 0, 3, 1])),
                    ("word".to_owned(), answer_text("fab")),
                ]),
            ),
            (with("many", json!([])), BTreeMap::new()),
            (with("word", json!("")), BTreeMap::new()),
            (
                with("word", json!("战".repeat(MAX_TEXT_ANSWER_CHARS))),
                BTreeMap::new(),
            ),
        ];
        for (raw, expected) in cases {
            let parsed = parse_answers(&shown, &by_id(&questions), &raw);
            let parsed = parsed.unwrap_or_else(|errors| panic!("{raw}: {errors}"));
            for (id, answer) in &expected {
                assert_eq!(parsed.get(id), Some(answer), "{raw}");
            }
            assert_eq!(parsed.len(), 4, "{raw}");
        }
    }

    #[test]
    fn rejects_bad_answers_naming_the_question() {
        let (questions, shown) = answer_quiz();
        // (submission, question named, what the one message says)
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                with("foo", json!([0])),
                "`foo`",
                "`foo` is not a question of this attempt; its questions are pick, many, steps, word",
            ),
            (
                without("pick"),
                "`pick`",
                "question `pick` has no answer; send an array holding exactly one option id (0-3), like [0]",
            ),
            (
                without("many"),
                "`many`",
                "has no answer; send an array of the option ids (0-4) you select",
            ),
            (
                without("steps"),
                "`steps`",
                "has no answer; send an array of every step id (0-3) in your order",
            ),
            (
                without("word"),
                "`word`",
                "question `word` has no answer; send a string of at most 500 characters",
            ),
            (
                with("pick", json!(1)),
                "`pick`",
                "question `pick` needs an array holding exactly one option id (0-3), like [0], not a number",
            ),
            (
                with("many", json!("0,1")),
                "`many`",
                "needs an array of the option ids (0-4) you select, each at most once ([] selects none), not a string",
            ),
            (
                with("steps", json!({"0": 1})),
                "`steps`",
                "needs an array of every step id (0-3) in your order, each exactly once, not an object",
            ),
            (
                with("word", json!(["FAB"])),
                "`word`",
                "question `word` needs a string of at most 500 characters, not an array",
            ),
            (with("word", Value::Null), "`word`", "not null"),
            (
                with("pick", json!([-1])),
                "`pick`",
                "question `pick` takes option ids as non-negative integers; -1 is not one",
            ),
            (with("pick", json!([1.5])), "`pick`", "1.5 is not one"),
            (with("pick", json!(["1"])), "`pick`", "\"1\" is not one"),
            (
                with("steps", json!([0, 1, 2, 3, true])),
                "`steps`",
                "takes step ids as non-negative integers; true is not one",
            ),
            (
                with("pick", json!([7])),
                "`pick`",
                "question `pick` has options 0-3; 7 is not one of them",
            ),
            (
                with("many", json!([0, 5])),
                "`many`",
                "question `many` has options 0-4; 5 is not one of them",
            ),
            (
                with("pick", json!([])),
                "`pick`",
                "question `pick` is single choice and got none; send an array holding exactly one option id",
            ),
            (
                with("pick", json!([0, 1])),
                "`pick`",
                "question `pick` is single choice and got 2 ids",
            ),
            (
                with("many", json!([0, 1, 0])),
                "`many`",
                "question `many` lists option 0 more than once; send each option id at most once",
            ),
            (
                with("steps", json!([0, 1, 1, 2])),
                "`steps`",
                "question `steps` needs every step exactly once (repeated: 1; missing: 3); send an array of every step id (0-3)",
            ),
            (with("steps", json!([3, 2, 1])), "`steps`", "(missing: 0)"),
            (with("steps", json!([])), "`steps`", "(missing: 0, 1, 2, 3)"),
            (
                with("word", json!("x".repeat(MAX_TEXT_ANSWER_CHARS + 1))),
                "`word`",
                "question `word` has an answer of 501 characters; send at most 500",
            ),
            (
                with("word", json!("战".repeat(MAX_TEXT_ANSWER_CHARS + 1))),
                "`word`",
                "501 characters",
            ),
        ];
        for (raw, named, message) in cases {
            let errors = parse_answers(&shown, &by_id(&questions), &raw).unwrap_err();
            assert_eq!(errors.messages.len(), 1, "{raw}: {errors}");
            let got = errors.to_string();
            assert!(got.contains(named), "{raw}: {got}");
            assert!(got.contains(message), "{raw}: {got}\nexpected: {message}");
        }
    }

    #[test]
    fn rejects_steps_out_of_range_and_missing_together() {
        let (questions, shown) = answer_quiz();
        let errors = parse_answers(
            &shown,
            &by_id(&questions),
            &with("steps", json!([0, 1, 2, 9])),
        )
        .unwrap_err();
        assert_eq!(
            errors.messages,
            vec![
                "question `steps` has steps 0-3; 9 is not one of them".to_owned(),
                "question `steps` needs every step exactly once (missing: 3); send an array of every step id (0-3) in your order, each exactly once".to_owned(),
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_an_object() {
        let (questions, shown) = answer_quiz();
        for raw in [json!([]), json!("pick"), Value::Null, json!(3)] {
            let errors = parse_answers(&shown, &by_id(&questions), &raw).unwrap_err();
            assert_eq!(errors.messages.len(), 1);
            assert!(
                errors
                    .to_string()
                    .starts_with("answers must be a JSON object"),
                "{errors}"
            );
        }
    }

    #[test]
    fn collects_every_problem() {
        let (questions, shown) = answer_quiz();
        let raw = json!({"bogus": 1, "pick": [7, 8], "many": [0, 0], "word": 42});
        let errors = parse_answers(&shown, &by_id(&questions), &raw).unwrap_err();
        let named: Vec<&str> = [
            "`bogus`", "`pick`", "`pick`", "`pick`", "`many`", "`steps`", "`word`",
        ]
        .to_vec();
        assert_eq!(errors.messages.len(), named.len(), "{errors}");
        for (message, name) in errors.messages.iter().zip(named) {
            assert!(message.contains(name), "{message} should name {name}");
        }
        assert_eq!(errors.to_string(), errors.messages.join("; "));
        let as_error: &dyn std::error::Error = &errors;
        assert!(as_error.to_string().contains("has no answer"));
    }

    #[test]
    fn rejects_questions_gone_from_the_catalog() {
        let (questions, shown) = answer_quiz();
        let mut catalog = by_id(&questions);
        catalog.remove("steps");
        let errors = parse_answers(&shown, &catalog, &valid_answers()).unwrap_err();
        assert_eq!(
            errors.messages,
            vec!["question `steps` is no longer in this quiz (the course was updated); start a new attempt".to_owned()]
        );
    }

    fn bank() -> Vec<RenderedQuestion> {
        vec![
            single("a", 4, 0),
            multiple("b", &[true, false, true, false, false]),
            order("c", 4),
            text("d", &["FAB"]),
            single("e", 3, 2),
        ]
    }

    fn is_permutation(shown: &[usize], count: usize) -> bool {
        let mut sorted = shown.to_vec();
        sorted.sort_unstable();
        sorted == (0..count).collect::<Vec<_>>()
    }

    #[test]
    fn unshuffled_attempt_keeps_source_order() {
        let questions = bank();
        let shown = build_attempt(
            &questions,
            &rules(false, false, 0),
            &no_mastery(),
            &mut fastrand::Rng::with_seed(7),
        );
        assert_eq!(ids(&shown), vec!["a", "b", "c", "d", "e"]);
        let shown_options: Vec<&[usize]> = shown.iter().map(|q| q.options.as_slice()).collect();
        assert_eq!(shown_options.first().unwrap(), &[0, 1, 2, 3]);
        assert_eq!(shown_options.get(1).unwrap(), &[0, 1, 2, 3, 4]);
        // Order steps are shuffled even without `shuffle`.
        let steps = shown_options.get(2).unwrap();
        assert!(is_permutation(steps, 4) && *steps != [0, 1, 2, 3]);
        assert!(shown_options.get(3).unwrap().is_empty());
        assert_eq!(shown_options.get(4).unwrap(), &[0, 1, 2]);
    }

    #[test]
    fn shuffled_attempts_keep_source_indices() {
        let questions = bank();
        let catalog = by_id(&questions);
        let answers = BTreeMap::from([
            ("a".to_owned(), options(&[0])),
            ("b".to_owned(), options(&[0, 3])),
            ("c".to_owned(), options(&[0, 2, 1, 3])),
            ("d".to_owned(), answer_text("f a b")),
            ("e".to_owned(), options(&[1])),
        ]);
        let plain = build_attempt(
            &questions,
            &rules(false, true, 0),
            &no_mastery(),
            &mut fastrand::Rng::with_seed(1),
        );
        let expected = score(&plain, &catalog, &answers, &rules(false, true, 0));
        assert!(
            close(
                expected.score,
                (1.0 + (0.5 - 1.0 / 3.0) + 0.5 + 1.0 + 0.0) / 5.0
            ),
            "{}",
            expected.score
        );
        let mut question_order_changed = false;
        let mut option_order_changed = false;
        for seed in 0..50 {
            let shown = build_attempt(
                &questions,
                &rules(true, true, 0),
                &no_mastery(),
                &mut fastrand::Rng::with_seed(seed),
            );
            let mut sorted_ids = ids(&shown);
            question_order_changed |= sorted_ids != ids(&plain);
            sorted_ids.sort_unstable();
            assert_eq!(sorted_ids, ids(&plain), "seed {seed}");
            for shown_question in &shown {
                let question = catalog.get(shown_question.id.as_str()).unwrap();
                let count = if question.kind == QuestionKind::Text {
                    0
                } else {
                    question.options.len()
                };
                assert!(
                    is_permutation(&shown_question.options, count),
                    "seed {seed}: {shown_question:?}"
                );
                let in_source_order = shown_question.options == (0..count).collect::<Vec<_>>();
                option_order_changed |= question.kind != QuestionKind::Order && !in_source_order;
            }
            let outcome = score(&shown, &catalog, &answers, &rules(true, true, 0));
            assert!(close(outcome.score, expected.score), "seed {seed}");
            let mut by_question: Vec<(String, u64)> = outcome
                .questions
                .iter()
                .map(|q| (q.id.clone(), q.score.to_bits()))
                .collect();
            by_question.sort();
            let mut expected_by_question: Vec<(String, u64)> = expected
                .questions
                .iter()
                .map(|q| (q.id.clone(), q.score.to_bits()))
                .collect();
            expected_by_question.sort();
            assert_eq!(by_question, expected_by_question, "seed {seed}");
        }
        assert!(question_order_changed, "shuffle never moved a question");
        assert!(option_order_changed, "shuffle never moved an option");
    }

    #[test]
    fn order_steps_never_shown_in_the_right_order() {
        let questions = vec![
            order("two", 2),
            order("three", 3),
            order("five", 5),
            order("one", 1),
        ];
        for shuffle in [false, true] {
            for seed in 0..300 {
                let shown = build_attempt(
                    &questions,
                    &rules(shuffle, false, 0),
                    &no_mastery(),
                    &mut fastrand::Rng::with_seed(seed),
                );
                for shown_question in &shown {
                    let steps = &shown_question.options;
                    match shown_question.id.as_str() {
                        "one" => assert_eq!(steps, &[0]),
                        "two" => assert_eq!(steps, &[1, 0]),
                        id => {
                            let count = steps.len();
                            assert!(is_permutation(steps, count) && count >= 3, "{id}");
                            assert_ne!(steps, &(0..count).collect::<Vec<_>>(), "{id}, seed {seed}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn shuffle_away_from_never_returns_the_answer() {
        let mut steps = vec![0, 1, 2];
        for seed in 0..100 {
            shuffle_away_from(&mut steps, &mut fastrand::Rng::with_seed(seed));
            assert_ne!(steps, vec![0, 1, 2]);
            steps = vec![0, 1, 2];
        }
        let mut lone = vec![0];
        shuffle_away_from(&mut lone, &mut fastrand::Rng::with_seed(0));
        assert_eq!(lone, vec![0]);
    }

    #[test]
    fn draw_favours_unmastered_questions() {
        let questions = bank();
        // a and c answered right before; b, d and e not yet.
        let mastered = set(&["a", "c", "not-in-this-quiz"]);
        let mut fills = BTreeSet::new();
        for shuffle in [false, true] {
            for seed in 0..100 {
                let mut rng = fastrand::Rng::with_seed(seed);
                let three =
                    build_attempt(&questions, &rules(shuffle, false, 3), &mastered, &mut rng);
                let mut drawn = ids(&three);
                if !shuffle {
                    assert_eq!(drawn, vec!["b", "d", "e"], "source order without shuffle");
                }
                drawn.sort_unstable();
                assert_eq!(drawn, vec!["b", "d", "e"], "seed {seed}");

                let four =
                    build_attempt(&questions, &rules(shuffle, false, 4), &mastered, &mut rng);
                let mut drawn = ids(&four);
                if !shuffle {
                    let mut sorted = drawn.clone();
                    sorted.sort_unstable();
                    assert_eq!(drawn, sorted, "source order without shuffle");
                }
                drawn.retain(|id| !["b", "d", "e"].contains(id));
                assert_eq!(drawn.len(), 1, "seed {seed}: {:?}", ids(&four));
                assert_eq!(four.len(), 4);
                fills.extend(drawn.into_iter().map(str::to_owned));
            }
        }
        // The mastered filler is random, not always the first one.
        assert_eq!(fills, BTreeSet::from(["a".to_owned(), "c".to_owned()]));
    }

    #[test]
    fn draw_among_equals_is_random() {
        let questions = bank();
        let mut seen = BTreeSet::new();
        for seed in 0..100 {
            let shown = build_attempt(
                &questions,
                &rules(false, false, 2),
                &no_mastery(),
                &mut fastrand::Rng::with_seed(seed),
            );
            assert_eq!(shown.len(), 2);
            seen.extend(ids(&shown).into_iter().map(str::to_owned));
        }
        assert_eq!(
            seen.len(),
            5,
            "every question gets drawn sometimes: {seen:?}"
        );
    }

    #[test]
    fn draw_out_of_range_asks_everything() {
        let questions = bank();
        let everything = set(&["a", "b", "c", "d", "e"]);
        for draw in [0, 5, 6, 1000, -1, i64::MIN, i64::MAX] {
            for mastered in [no_mastery(), everything.clone()] {
                let shown = build_attempt(
                    &questions,
                    &rules(false, false, draw),
                    &mastered,
                    &mut fastrand::Rng::with_seed(3),
                );
                assert_eq!(ids(&shown), vec!["a", "b", "c", "d", "e"], "draw {draw}");
            }
        }
        let none = build_attempt(
            &[],
            &rules(true, false, 3),
            &no_mastery(),
            &mut fastrand::Rng::with_seed(3),
        );
        assert!(none.is_empty());
    }

    #[test]
    fn seeded_attempts_are_deterministic() {
        let questions = bank();
        let mastered = set(&["b"]);
        for rules in [
            rules(true, false, 0),
            rules(true, false, 3),
            rules(false, false, 2),
        ] {
            let attempt = |seed| {
                build_attempt(
                    &questions,
                    &rules,
                    &mastered,
                    &mut fastrand::Rng::with_seed(seed),
                )
            };
            for seed in 0..20 {
                assert_eq!(attempt(seed), attempt(seed), "{rules:?}, seed {seed}");
            }
            let first = attempt(0);
            assert!(
                (1..20).any(|seed| attempt(seed) != first),
                "{rules:?}: every seed gave the same attempt"
            );
        }
    }

    #[test]
    fn stored_forms_round_trip_as_json() {
        let cases = [
            (options(&[2, 0]), json!([2, 0])),
            (options(&[]), json!([])),
            (answer_text("战 斗"), json!("战 斗")),
        ];
        for (answer, stored) in cases {
            assert_eq!(serde_json::to_value(&answer).unwrap(), stored);
            assert_eq!(serde_json::from_value::<Answer>(stored).unwrap(), answer);
        }
        let shown = ShownQuestion {
            id: "steps".to_owned(),
            options: vec![2, 0, 1],
        };
        let stored = serde_json::to_value(&shown).unwrap();
        assert_eq!(stored, json!({"id": "steps", "options": [2, 0, 1]}));
        assert_eq!(
            serde_json::from_value::<ShownQuestion>(stored).unwrap(),
            shown
        );
    }

    #[test]
    fn rules_come_from_the_catalog_quiz() {
        let quiz = CatalogQuiz {
            pass_mark: 70,
            attempts: 3,
            shuffle: false,
            partial: true,
            draw: 4,
            questions: crate::content::Localized {
                default: bank(),
                translations: BTreeMap::new(),
            },
        };
        assert_eq!(
            QuizRules::from(&quiz),
            QuizRules {
                pass_mark: 70,
                shuffle: false,
                partial: true,
                draw: 4,
            }
        );
    }
}
