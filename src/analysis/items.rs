//! Item analysis of one module's quiz: how well each question works.
//!
//! For every question this computes the classic test-theory numbers a
//! trainer reads on the "item analysis" page:
//!
//! - **facility**: the share of answers that earned full credit. A question
//!   nearly everyone gets right teaches the trainer little; one nearly nobody
//!   gets right may be unclear or wrong.
//! - **discrimination**: the Pearson correlation (point-biserial for a
//!   right/wrong item) between the score on this question and the learner's
//!   *rest score*, the mean score of the other questions in the same attempt.
//!   Leaving the item out of the total keeps it from correlating with itself.
//!   A negative value means strong learners do worse on this question than
//!   weak ones: often a wrong answer key or a misleading wording.
//! - how answers spread over the options, the steps of an ordering question
//!   or the most frequent free-text answers.
//! - [`ItemFlag`]s pointing at questions worth a second look.
//!
//! # Input: first attempts only
//!
//! The caller passes only each learner's **first** attempt at the module's
//! quiz and filters out every retake. A retake follows the feedback of the
//! earlier attempt, so it measures memory of that feedback rather than the
//! question, and counting it would also weigh repeating learners more.
//!
//! A quiz may draw a subset of its questions, so an attempt may hold answers
//! to only some of them: each question's statistics use the attempts that
//! answered it. The rest score of an attempt is the mean of all its other
//! answers, whether or not their questions are among those analysed.
//!
//! Scores are expected in `0..=1`; a score outside that range is clamped into
//! it and a NaN counts as 0, so one bad record cannot turn the statistics
//! into NaN.
//!
//! Everything here is a pure function of its input: no I/O, no clock.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// An answer with at least this score counts as fully correct (the
/// tolerance absorbs rounding in partial-credit sums).
pub const FULL_CREDIT: f64 = 1.0 - 1e-9;
/// [`ItemFlag::TooEasy`] is raised when the facility is above this.
pub const TOO_EASY_ABOVE: f64 = 0.95;
/// [`ItemFlag::TooHard`] is raised when the facility is below this.
pub const TOO_HARD_BELOW: f64 = 0.2;
/// With fewer answers than this, [`ItemFlag::FewAnswers`] is the only flag:
/// the other statistics are noise on such small samples.
pub const MIN_ANSWERS_FOR_FLAGS: usize = 5;
/// How many of the most frequent free-text answers are listed.
pub const COMMON_ANSWERS_SHOWN: usize = 5;

/// A sum of squared deviations below this counts as zero variance: a column
/// of equal scores can leave rounding dust of about 1e-32 in it.
const ZERO_VARIANCE: f64 = 1e-12;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one option is chosen.
    Single,
    /// Any number of options are chosen.
    Multiple,
    /// The steps are put in order.
    Order,
    /// The answer is written.
    Text,
}

/// A question of the module's quiz, as the analysis needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInfo {
    /// The question's id, the key of [`FirstAttempt::answers`].
    pub id: String,
    /// How the question is answered.
    pub kind: QuestionKind,
    /// The number of options (single, multiple) or steps (order); 0 for text.
    pub options: usize,
}

/// One learner's answer to one question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnsweredQuestion {
    /// The score as the quiz gave it, `0..=1`.
    pub score: f64,
    /// Single and multiple: the source indices of the chosen options. Order:
    /// the step indices in the learner's order. Empty for text.
    pub chosen: Vec<usize>,
    /// The written answer of a text question.
    pub text: Option<String>,
}

/// A learner's first attempt at the module's quiz.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirstAttempt {
    /// The answers by question id; a drawn quiz holds only some questions.
    pub answers: BTreeMap<String, AnsweredQuestion>,
}

/// The statistics of one question.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ItemStats {
    /// The question's id.
    pub question_id: String,
    /// How the question is answered; tells how to read [`Self::options`].
    pub kind: QuestionKind,
    /// How many first attempts answered the question.
    pub attempts: usize,
    /// The share of those answers that were fully correct; `None` without
    /// answers.
    pub facility: Option<f64>,
    /// The mean score of those answers; `None` without answers.
    pub mean_score: Option<f64>,
    /// The correlation, `-1..=1`, between this question's score and the rest
    /// score (mean of the attempt's other answers). `None` with fewer than
    /// two attempts that also answered another question, or when either
    /// side does not vary.
    pub discrimination: Option<f64>,
    /// Single and multiple: per option, how many answers chose it (the
    /// shares of a multiple-choice question need not sum to 1). Order: per
    /// step, how many answers put that step in its right position. Empty for
    /// text.
    pub options: Vec<OptionShare>,
    /// Text: the most frequent answers, compared after trimming, lowercasing
    /// and collapsing whitespace; most frequent first, ties by answer. Blank
    /// answers are left out. Empty for the other kinds.
    pub common_answers: Vec<TextShare>,
    /// What looks wrong with the question, if anything.
    pub flags: Vec<ItemFlag>,
}

/// How many answers chose an option, or put a step of an ordering question
/// in its right position.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OptionShare {
    /// The option's source index, or the step's index (= its right position).
    pub index: usize,
    /// How many answers chose the option (or placed the step right).
    pub chosen: usize,
    /// `chosen` divided by the question's attempts; 0 without attempts.
    pub share: f64,
}

/// A normalised free-text answer and how often it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TextShare {
    /// The answer, trimmed, lowercased, with inner whitespace collapsed.
    pub answer: String,
    /// How many answers normalise to it.
    pub count: usize,
}

/// A reason to look at a question again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum ItemFlag {
    /// The facility is above [`TOO_EASY_ABOVE`].
    TooEasy,
    /// The facility is below [`TOO_HARD_BELOW`].
    TooHard,
    /// Learners doing well on the rest do worse on this question.
    NegativeDiscrimination,
    /// Nobody chose this option of a single or multiple choice question.
    UnchosenOption {
        /// The option's source index.
        index: usize,
    },
    /// Fewer than [`MIN_ANSWERS_FOR_FLAGS`] answers; when raised it is the
    /// only flag.
    FewAnswers,
}

/// Computes the statistics of every question, in the order given, from the
/// learners' first attempts (see the module documentation).
pub fn analyse(questions: &[QuestionInfo], attempts: &[FirstAttempt]) -> Vec<ItemStats> {
    questions
        .iter()
        .map(|question| item_stats(question, attempts))
        .collect()
}

fn item_stats(question: &QuestionInfo, attempts: &[FirstAttempt]) -> ItemStats {
    let answers: Vec<&AnsweredQuestion> = attempts
        .iter()
        .filter_map(|attempt| attempt.answers.get(&question.id))
        .collect();
    let count = answers.len();
    let correct = answers
        .iter()
        .filter(|a| clamped(a.score) >= FULL_CREDIT)
        .count();
    let total: f64 = answers.iter().map(|a| clamped(a.score)).sum();
    let facility = (count > 0).then(|| ratio(correct, count));
    let mean_score = (count > 0).then(|| total / count as f64);

    let pairs: Vec<(f64, f64)> = attempts
        .iter()
        .filter_map(|attempt| score_and_rest(attempt, &question.id))
        .collect();
    let discrimination = pearson(&pairs);

    let options = match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            shares(&answers, question.options, |i, a| a.chosen.contains(&i))
        }
        QuestionKind::Order => shares(&answers, question.options, |i, a| {
            a.chosen.get(i) == Some(&i)
        }),
        QuestionKind::Text => Vec::new(),
    };
    let common_answers = match question.kind {
        QuestionKind::Text => common_answers(&answers),
        _ => Vec::new(),
    };

    let mut stats = ItemStats {
        question_id: question.id.clone(),
        kind: question.kind,
        attempts: count,
        facility,
        mean_score,
        discrimination,
        options,
        common_answers,
        flags: Vec::new(),
    };
    stats.flags = flags(&stats);
    stats
}

/// The score clamped into `0..=1`, NaN counting as 0.
fn clamped(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    }
}

/// `part / whole`, or 0 when `whole` is 0.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The attempt's score on the question and its rest score, when the attempt
/// answered the question and at least one other.
fn score_and_rest(attempt: &FirstAttempt, question_id: &str) -> Option<(f64, f64)> {
    let own = attempt.answers.get(question_id)?;
    let others: Vec<f64> = attempt
        .answers
        .iter()
        .filter(|(id, _)| id.as_str() != question_id)
        .map(|(_, answer)| clamped(answer.score))
        .collect();
    if others.is_empty() {
        return None;
    }
    let rest = others.iter().sum::<f64>() / others.len() as f64;
    Some((clamped(own.score), rest))
}

/// The Pearson correlation of the pairs; `None` with fewer than two pairs or
/// when either side has (next to) no variance.
fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let n = pairs.len() as f64;
    let mean_x = pairs.iter().map(|(x, _)| x).sum::<f64>() / n;
    let mean_y = pairs.iter().map(|(_, y)| y).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        let (dx, dy) = (x - mean_x, y - mean_y);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx < ZERO_VARIANCE || syy < ZERO_VARIANCE {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Per index `0..len`, how many of the answers satisfy `hit`.
fn shares(
    answers: &[&AnsweredQuestion],
    len: usize,
    hit: impl Fn(usize, &AnsweredQuestion) -> bool,
) -> Vec<OptionShare> {
    (0..len)
        .map(|index| {
            let chosen = answers.iter().filter(|a| hit(index, a)).count();
            OptionShare {
                index,
                chosen,
                share: ratio(chosen, answers.len()),
            }
        })
        .collect()
}

/// The [`COMMON_ANSWERS_SHOWN`] most frequent normalised text answers.
fn common_answers(answers: &[&AnsweredQuestion]) -> Vec<TextShare> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for text in answers.iter().filter_map(|a| a.text.as_deref()) {
        let answer = normalise(text);
        if !answer.is_empty() {
            *counts.entry(answer).or_default() += 1;
        }
    }
    let mut common: Vec<TextShare> = counts
        .into_iter()
        .map(|(answer, count)| TextShare { answer, count })
        .collect();
    // The map gave them sorted by answer; a stable sort keeps that for ties.
    common.sort_by_key(|share| Reverse(share.count));
    common.truncate(COMMON_ANSWERS_SHOWN);
    common
}

/// Trims, lowercases and collapses inner whitespace to single spaces.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The flags the statistics call for, [`ItemFlag::FewAnswers`] alone on a
/// small sample.
fn flags(stats: &ItemStats) -> Vec<ItemFlag> {
    if stats.attempts < MIN_ANSWERS_FOR_FLAGS {
        return vec![ItemFlag::FewAnswers];
    }
    let mut flags = Vec::new();
    match stats.facility {
        Some(f) if f > TOO_EASY_ABOVE => flags.push(ItemFlag::TooEasy),
        Some(f) if f < TOO_HARD_BELOW => flags.push(ItemFlag::TooHard),
        _ => {}
    }
    if stats.discrimination.is_some_and(|d| d < 0.0) {
        flags.push(ItemFlag::NegativeDiscrimination);
    }
    if matches!(stats.kind, QuestionKind::Single | QuestionKind::Multiple) {
        flags.extend(
            stats
                .options
                .iter()
                .filter(|option| option.chosen == 0)
                .map(|option| ItemFlag::UnchosenOption {
                    index: option.index,
                }),
        );
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-9;

    fn question(id: &str, kind: QuestionKind, options: usize) -> QuestionInfo {
        QuestionInfo {
            id: id.to_owned(),
            kind,
            options,
        }
    }

    fn scored(score: f64) -> AnsweredQuestion {
        AnsweredQuestion {
            score,
            ..AnsweredQuestion::default()
        }
    }

    fn chose(chosen: &[usize], score: f64) -> AnsweredQuestion {
        AnsweredQuestion {
            score,
            chosen: chosen.to_vec(),
            text: None,
        }
    }

    fn wrote(text: Option<&str>) -> AnsweredQuestion {
        AnsweredQuestion {
            score: 0.0,
            chosen: Vec::new(),
            text: text.map(str::to_owned),
        }
    }

    fn attempt(answers: &[(&str, AnsweredQuestion)]) -> FirstAttempt {
        FirstAttempt {
            answers: answers
                .iter()
                .map(|(id, answer)| ((*id).to_owned(), answer.clone()))
                .collect(),
        }
    }

    /// One attempt per row, the columns being the scores of `ids`; `None`
    /// leaves the question out of that attempt (a drawn subset).
    fn table(ids: &[&str], rows: &[&[Option<f64>]]) -> Vec<FirstAttempt> {
        rows.iter()
            .map(|row| FirstAttempt {
                answers: ids
                    .iter()
                    .zip(row.iter())
                    .filter_map(|(id, score)| score.map(|s| ((*id).to_owned(), scored(s))))
                    .collect(),
            })
            .collect()
    }

    fn assert_close(actual: Option<f64>, expected: Option<f64>, what: &str) {
        match (actual, expected) {
            (Some(a), Some(e)) => assert!((a - e).abs() < EPS, "{what}: {a} != {e}"),
            (None, None) => {}
            _ => panic!("{what}: {actual:?} != {expected:?}"),
        }
    }

    fn singles(ids: &[&str]) -> Vec<QuestionInfo> {
        ids.iter()
            .map(|id| question(id, QuestionKind::Single, 0))
            .collect()
    }

    #[test]
    fn facility_and_discrimination_by_hand() {
        // Five learners, three questions a, b, c, right (1) or wrong (0):
        //
        //   learner  a  b  c | rest(a)=(b+c)/2  rest(b)=(a+c)/2  rest(c)=(a+b)/2
        //   1        1  1  1 |  1                1                1
        //   2        1  1  0 |  .5               .5               1
        //   3        0  1  0 |  .5               0                .5
        //   4        1  0  0 |  0                .5               .5
        //   5        0  0  0 |  0                0                0
        //
        // r = Sxy / sqrt(Sxx * Syy), S being sums of products of deviations.
        //
        // a: x = 1 1 0 1 0 (mean .6), y = 1 .5 .5 0 0 (mean .4)
        //    dx = .4 .4 -.6 .4 -.6   dy = .6 .1 .1 -.4 -.4
        //    Sxy = .24 + .04 - .06 - .16 + .24 = .30
        //    Sxx = 3 * .16 + 2 * .36 = 1.2   Syy = .36+.01+.01+.16+.16 = .70
        //    r = .30 / sqrt(.84) = 0.327326835…
        // b: x = 1 1 1 0 0 (mean .6), y = 1 .5 0 .5 0 (mean .4)
        //    dx = .4 .4 .4 -.6 -.6   dy = .6 .1 -.4 .1 -.4
        //    Sxy = .24 + .04 - .16 - .06 + .24 = .30, Sxx = 1.2, Syy = .70
        //    r = 0.327326835… as for a
        // c: x = 1 0 0 0 0 (mean .2), y = 1 1 .5 .5 0 (mean .6)
        //    dx = .8 -.2 -.2 -.2 -.2   dy = .4 .4 -.1 -.1 -.6
        //    Sxy = .32 - .08 + .02 + .02 + .12 = .40
        //    Sxx = .64 + 4 * .04 = .80   Syy = .16+.16+.01+.01+.36 = .70
        //    r = .40 / sqrt(.56) = 0.534522483…
        let y = Some(1.0);
        let n = Some(0.0);
        let attempts = table(
            &["a", "b", "c"],
            &[&[y, y, y], &[y, y, n], &[n, y, n], &[y, n, n], &[n, n, n]],
        );
        let stats = analyse(&singles(&["a", "b", "c"]), &attempts);
        let expected = [
            ("a", 0.6, 0.30 / 0.84_f64.sqrt()),
            ("b", 0.6, 0.30 / 0.84_f64.sqrt()),
            ("c", 0.2, 0.40 / 0.56_f64.sqrt()),
        ];
        assert_eq!(stats.len(), 3);
        for (item, (id, facility, r)) in stats.iter().zip(expected) {
            assert_eq!(item.question_id, id);
            assert_eq!(item.attempts, 5);
            assert_close(item.facility, Some(facility), id);
            assert_close(item.mean_score, Some(facility), id);
            assert_close(item.discrimination, Some(r), id);
        }
        assert!((0.327_326_835 - expected[0].2).abs() < 1e-9);
        assert!((0.534_522_483 - expected[2].2).abs() < 1e-9);
        // c sits exactly on the "too hard" threshold, which is strict.
        assert!(stats.iter().all(|item| item.flags.is_empty()));
    }

    #[test]
    fn partial_scores_count_in_the_mean_but_not_the_facility() {
        let attempts = table(
            &["q"],
            &[
                &[Some(1.0)],
                &[Some(0.5)],
                &[Some(0.25)],
                &[Some(1.0 - 1e-12)],
                &[Some(0.0)],
            ],
        );
        let stats = analyse(&singles(&["q"]), &attempts);
        // Full credit: 1 and 1 - 1e-12 (rounding), so 2 of 5.
        assert_close(stats[0].facility, Some(0.4), "facility");
        // (1 + .5 + .25 + 1 + 0) / 5 = .55
        assert_close(stats[0].mean_score, Some(0.55), "mean");
        // No other question in any attempt: no rest score at all.
        assert_close(stats[0].discrimination, None, "discrimination");
    }

    #[test]
    fn out_of_range_scores_are_clamped() {
        let attempts = table(
            &["q"],
            &[&[Some(2.0)], &[Some(-1.0)], &[Some(f64::NAN)], &[Some(1.0)]],
        );
        let stats = analyse(&singles(&["q"]), &attempts);
        // 2 → 1, -1 → 0, NaN → 0, 1: two full credits of four.
        assert_close(stats[0].facility, Some(0.5), "facility");
        assert_close(stats[0].mean_score, Some(0.5), "mean");
    }

    #[test]
    fn negative_discrimination_is_flagged() {
        // The trap is answered right by the learners who fail the other
        // question, and wrong by those who pass it.
        //
        //   learner  trap  other | rest(trap) = other
        //   1        0     1
        //   2        0     1
        //   3        1     0
        //   4        1     0
        //   5        1     1
        //
        // x = 0 0 1 1 1 (mean .6)   y = 1 1 0 0 1 (mean .6)
        // dx = -.6 -.6 .4 .4 .4     dy = .4 .4 -.6 -.6 .4
        // Sxy = -.24 - .24 - .24 - .24 + .16 = -.80
        // Sxx = Syy = 2 * .36 + 3 * .16 = 1.2
        // r = -.80 / 1.2 = -2/3
        let y = Some(1.0);
        let n = Some(0.0);
        let attempts = table(
            &["trap", "other"],
            &[&[n, y], &[n, y], &[y, n], &[y, n], &[y, y]],
        );
        let stats = analyse(&singles(&["trap"]), &attempts);
        assert_close(stats[0].discrimination, Some(-2.0 / 3.0), "trap");
        assert_eq!(stats[0].flags, vec![ItemFlag::NegativeDiscrimination]);
    }

    #[test]
    fn drawn_subsets_use_the_attempts_that_hold_the_question() {
        //   attempt  q1  q2
        //   1        1   1
        //   2        0   0
        //   3        1   0
        //   4        1   -    only q1: counts for q1, no rest score
        //   5        -   1    only q2: counts for q2, no rest score
        //
        // q1: 4 answers, 3 right → facility .75
        // q2: 4 answers, 2 right → facility .5
        // Pairs (attempts 1–3), q1 against rest q2: x = 1 0 1, y = 1 0 0
        // mean x = 2/3, mean y = 1/3
        // dx = 1/3 -2/3 1/3   dy = 2/3 -1/3 -1/3
        // Sxy = 2/9 + 2/9 - 1/9 = 1/3   Sxx = 6/9   Syy = 6/9
        // r = (1/3) / (2/3) = .5, and the same for q2 (x and y swap).
        let y = Some(1.0);
        let n = Some(0.0);
        let attempts = table(
            &["q1", "q2", "absent"],
            &[&[y, y], &[n, n], &[y, n], &[y, None], &[None, y]],
        );
        let stats = analyse(&singles(&["q1", "q2", "absent"]), &attempts);
        assert_eq!(stats[0].attempts, 4);
        assert_close(stats[0].facility, Some(0.75), "q1 facility");
        assert_close(stats[0].discrimination, Some(0.5), "q1 discrimination");
        assert_eq!(stats[1].attempts, 4);
        assert_close(stats[1].facility, Some(0.5), "q2 facility");
        assert_close(stats[1].discrimination, Some(0.5), "q2 discrimination");
        // Nobody drew the third question.
        let absent = &stats[2];
        assert_eq!(absent.attempts, 0);
        assert_close(absent.facility, None, "absent facility");
        assert_close(absent.mean_score, None, "absent mean");
        assert_close(absent.discrimination, None, "absent discrimination");
        assert_eq!(absent.flags, vec![ItemFlag::FewAnswers]);
    }

    #[test]
    fn discrimination_is_none_without_variance_or_pairs() {
        let y = Some(1.0);
        let n = Some(0.0);
        let h = Some(0.7);
        let cases: [(&str, Vec<FirstAttempt>); 4] = [
            // Everyone right on q: the item does not vary (and it is too easy).
            (
                "item constant",
                table(&["q", "r"], &[&[y, y], &[y, n], &[y, y], &[y, n], &[y, y]]),
            ),
            // The item varies, but every rest score is the same 0.7. Their
            // mean comes out as 0.6999…98, leaving a sum of squares of about
            // 4e-32 that must count as zero, not give a correlation of noise.
            (
                "rest constant",
                table(&["q", "r"], &[&[y, h], &[n, h], &[y, h]]),
            ),
            // Only one attempt has another question.
            (
                "one pair",
                table(&["q", "r"], &[&[y, n], &[n, None], &[y, None]]),
            ),
            ("no attempts", Vec::new()),
        ];
        for (name, attempts) in cases {
            let stats = analyse(&singles(&["q"]), &attempts);
            assert_close(stats[0].discrimination, None, name);
        }
    }

    #[test]
    fn single_choice_option_shares_and_unchosen_option() {
        // Chosen: 0, 0, 1, 0, 1 of three options; option 2 never.
        let attempts: Vec<FirstAttempt> = [0, 0, 1, 0, 1]
            .iter()
            .map(|&i| attempt(&[("q", chose(&[i], if i == 0 { 1.0 } else { 0.0 }))]))
            .collect();
        let stats = analyse(&[question("q", QuestionKind::Single, 3)], &attempts);
        let item = &stats[0];
        assert_eq!(
            item.options,
            vec![
                OptionShare {
                    index: 0,
                    chosen: 3,
                    share: 0.6
                },
                OptionShare {
                    index: 1,
                    chosen: 2,
                    share: 0.4
                },
                OptionShare {
                    index: 2,
                    chosen: 0,
                    share: 0.0
                },
            ]
        );
        assert_eq!(item.flags, vec![ItemFlag::UnchosenOption { index: 2 }]);
        assert!(item.common_answers.is_empty());
    }

    #[test]
    fn multiple_choice_shares_need_not_sum_to_one() {
        // Four options; a repeated index counts once, an unknown index (9)
        // is ignored. Counts: 0 → 4, 1 → 3, 2 → 2, 3 → 0.
        let chosen: [&[usize]; 5] = [&[0, 1], &[0, 0], &[0, 2, 9], &[1, 2], &[0, 1]];
        let attempts: Vec<FirstAttempt> = chosen
            .iter()
            .map(|c| attempt(&[("q", chose(c, 0.5))]))
            .collect();
        let stats = analyse(&[question("q", QuestionKind::Multiple, 4)], &attempts);
        let item = &stats[0];
        let counts: Vec<(usize, usize, f64)> = item
            .options
            .iter()
            .map(|o| (o.index, o.chosen, o.share))
            .collect();
        assert_eq!(
            counts,
            vec![(0, 4, 0.8), (1, 3, 0.6), (2, 2, 0.4), (3, 0, 0.0)]
        );
        // Nobody fully right: too hard, and option 3 unchosen.
        assert_eq!(
            item.flags,
            vec![ItemFlag::TooHard, ItemFlag::UnchosenOption { index: 3 }]
        );
    }

    #[test]
    fn order_options_are_steps_in_their_right_position() {
        // Right order 0 1 2. A learner's list may be short (step 0 only).
        //   order    step 0 right  step 1 right  step 2 right
        //   0 1 2    yes           yes           yes
        //   1 0 2    -             -             yes
        //   0 2 1    yes           -             -
        //   2 0 1    -             -             -
        //   0        yes           -             -
        //   1 2 0    -             -             -
        let orders: [&[usize]; 6] = [
            &[0, 1, 2],
            &[1, 0, 2],
            &[0, 2, 1],
            &[2, 0, 1],
            &[0],
            &[1, 2, 0],
        ];
        let attempts: Vec<FirstAttempt> = orders
            .iter()
            .map(|o| attempt(&[("q", chose(o, 0.0))]))
            .collect();
        let stats = analyse(&[question("q", QuestionKind::Order, 3)], &attempts);
        let item = &stats[0];
        let counts: Vec<(usize, usize)> =
            item.options.iter().map(|o| (o.index, o.chosen)).collect();
        assert_eq!(counts, vec![(0, 3), (1, 1), (2, 2)]);
        assert_close(Some(item.options[1].share), Some(1.0 / 6.0), "step 1");
        // Steps are never "unchosen options".
        assert!(
            !item
                .flags
                .iter()
                .any(|f| matches!(f, ItemFlag::UnchosenOption { .. }))
        );
    }

    #[test]
    fn text_common_answers_are_normalised_and_ranked() {
        let texts = [
            Some("  Open   Question "),
            Some("open question"),
            Some("OPEN\tquestion\n"),
            Some("closed"),
            Some("Closed "),
            Some("mirror"),
            Some("b"),
            Some("a"),
            Some("c"),
            Some("   "),
            None,
        ];
        let attempts: Vec<FirstAttempt> =
            texts.iter().map(|t| attempt(&[("q", wrote(*t))])).collect();
        let stats = analyse(&[question("q", QuestionKind::Text, 0)], &attempts);
        let item = &stats[0];
        let common: Vec<(&str, usize)> = item
            .common_answers
            .iter()
            .map(|t| (t.answer.as_str(), t.count))
            .collect();
        // Ties (count 1) by answer text; "mirror" is sixth and cut off; blank
        // and missing answers are not listed but still count as attempts.
        assert_eq!(
            common,
            vec![
                ("open question", 3),
                ("closed", 2),
                ("a", 1),
                ("b", 1),
                ("c", 1)
            ]
        );
        assert_eq!(item.attempts, 11);
        assert!(item.options.is_empty());
        assert_eq!(item.flags, vec![ItemFlag::TooHard]);
    }

    #[test]
    fn few_answers_is_the_only_flag() {
        // Four answers, all right, option 1 never chosen: would be too easy
        // and unchosen, but four answers are too few to say.
        let attempts: Vec<FirstAttempt> = (0..4)
            .map(|_| attempt(&[("q", chose(&[0], 1.0))]))
            .collect();
        let questions = [question("q", QuestionKind::Single, 2)];
        let stats = analyse(&questions, &attempts);
        assert_eq!(stats[0].flags, vec![ItemFlag::FewAnswers]);
        // The statistics themselves are still reported.
        assert_close(stats[0].facility, Some(1.0), "facility");

        // A fifth answer lifts the limit.
        let mut more = attempts.clone();
        more.push(attempt(&[("q", chose(&[0], 1.0))]));
        let stats = analyse(&questions, &more);
        assert_eq!(
            stats[0].flags,
            vec![ItemFlag::TooEasy, ItemFlag::UnchosenOption { index: 1 }]
        );
    }

    #[test]
    fn flags_serialise_as_tagged_objects() {
        let json = serde_json::to_string(&[
            ItemFlag::TooEasy,
            ItemFlag::NegativeDiscrimination,
            ItemFlag::UnchosenOption { index: 2 },
            ItemFlag::FewAnswers,
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"[{"flag":"too_easy"},{"flag":"negative_discrimination"},{"flag":"unchosen_option","index":2},{"flag":"few_answers"}]"#
        );
        let kind = serde_json::to_string(&QuestionKind::Multiple).unwrap();
        assert_eq!(kind, r#""multiple""#);
    }

    #[test]
    fn schemas_are_generated() {
        use utoipa::PartialSchema;
        for schema in [
            ItemStats::schema(),
            ItemFlag::schema(),
            OptionShare::schema(),
            TextShare::schema(),
        ] {
            let json = serde_json::to_string(&schema).unwrap();
            assert!(json.len() > 20, "{json}");
        }
        let flag = serde_json::to_string(&ItemFlag::schema()).unwrap();
        assert!(flag.contains("unchosen_option"), "{flag}");
    }

    /// A tiny deterministic linear congruential generator (Knuth's MMIX
    /// constants), so the property check needs no `rand`.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }

        fn score(&mut self) -> f64 {
            match self.below(4) {
                0 => 0.0,
                1 => 1.0,
                2 => 0.5,
                _ => self.below(1001) as f64 / 1000.0,
            }
        }
    }

    #[test]
    fn statistics_stay_in_range_on_generated_data() {
        let kinds = [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::Order,
            QuestionKind::Text,
        ];
        let mut rng = Lcg(42);
        let mut discriminations = 0;
        for _ in 0..300 {
            let questions: Vec<QuestionInfo> = (0..1 + rng.below(5))
                .map(|i| question(&format!("q{i}"), kinds[rng.below(4)], rng.below(5)))
                .collect();
            let mut attempts = Vec::new();
            for _ in 0..rng.below(30) {
                let mut answers = BTreeMap::new();
                // Each question is drawn into three attempts of four.
                for q in &questions {
                    if rng.below(4) == 0 {
                        continue;
                    }
                    let chosen = (0..rng.below(4)).map(|_| rng.below(5)).collect();
                    let answer = AnsweredQuestion {
                        score: rng.score(),
                        chosen,
                        text: Some(["x", "Y", " y "][rng.below(3)].to_owned()),
                    };
                    answers.insert(q.id.clone(), answer);
                }
                attempts.push(FirstAttempt { answers });
            }

            let stats = analyse(&questions, &attempts);
            assert_eq!(stats.len(), questions.len());
            for (item, q) in stats.iter().zip(&questions) {
                assert_eq!(item.question_id, q.id);
                assert!(item.attempts <= attempts.len());
                let unit = 0.0..=1.0;
                assert!(item.facility.is_none_or(|f| unit.contains(&f)), "{item:?}");
                assert!(
                    item.mean_score.is_none_or(|m| unit.contains(&m)),
                    "{item:?}"
                );
                assert!(
                    item.discrimination
                        .is_none_or(|d| (-1.0..=1.0).contains(&d)),
                    "{item:?}"
                );
                assert!(item.options.iter().all(|o| unit.contains(&o.share)));
                assert!(item.common_answers.len() <= COMMON_ANSWERS_SHOWN);
                if item.attempts < MIN_ANSWERS_FOR_FLAGS {
                    assert_eq!(item.flags, vec![ItemFlag::FewAnswers]);
                }
                discriminations += usize::from(item.discrimination.is_some());
            }
        }
        // The generator must exercise the correlation, not only the Nones.
        assert!(discriminations > 100, "{discriminations}");
    }
}
