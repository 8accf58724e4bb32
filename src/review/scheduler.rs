//! Spaced-repetition scheduling of answered quiz questions with FSRS-6.
//!
//! Every question a learner has answered becomes a review card. This module
//! decides, from the card's memory state and the rating of the latest answer,
//! when the question should come back, and how much a past result can still be
//! trusted. It is pure: the current time is always passed in as `now`, never
//! read from the clock, so the same inputs always give the same card and tests
//! can travel in time.
//!
//! The memory model is the official FSRS implementation (`fsrs` crate) with
//! its published default parameters, which fit the average learner; we keep
//! only the scheduling glue here so that a library update changes the
//! maths in one place and the reference test below notices it.

use std::fmt;

use fsrs::{DEFAULT_PARAMETERS, FSRS, FSRS6_DEFAULT_DECAY, ItemState, MemoryState, NextStates};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// The share of cards a learner should still remember when they come due.
///
/// 0.9 is FSRS's own recommendation: higher values make reviews much more
/// frequent for little extra recall, lower ones let too much be forgotten.
pub const DEFAULT_DESIRED_RETENTION: f64 = 0.9;

/// The lowest desired retention a deployment may configure. Below it the
/// intervals grow so long that most cards are forgotten before they return.
pub const MIN_DESIRED_RETENTION: f64 = 0.7;

/// The highest desired retention a deployment may configure. Above it the
/// review load explodes (intervals of hours) for almost no gain in recall.
pub const MAX_DESIRED_RETENTION: f64 = 0.99;

/// The longest interval we ever schedule, 100 years, as Anki does.
///
/// FSRS caps stability at 36 500 days, but a low desired retention stretches
/// the interval past that; the cap keeps `due` far from the calendar's end.
pub const MAX_INTERVAL_DAYS: i64 = 36_500;

/// How well a learner answered, in FSRS's terms.
///
/// We never produce FSRS's fourth rating, Easy: a quiz answer can show that a
/// learner knows something, not that it was effortless, and answer time is
/// deliberately not used (see [`rating_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Wrong: the card lapses and comes back soon (the next day for a new
    /// card, after FSRS's shortened post-lapse interval otherwise).
    Again,
    /// Partly right: the card's interval grows, but less than for Good.
    Hard,
    /// Fully right.
    Good,
}

impl Rating {
    /// The stable lower-case name, the same as the serde form, for storage
    /// and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Again => "again",
            Self::Hard => "hard",
            Self::Good => "good",
        }
    }

    /// The rating named by [`Rating::as_str`]; `None` for anything else, so a
    /// corrupt stored value is noticed instead of being guessed at.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "again" => Some(Self::Again),
            "hard" => Some(Self::Hard),
            "good" => Some(Self::Good),
            _ => None,
        }
    }
}

/// The one rule turning a quiz score (0 to 1) into a rating, stated for
/// trainers: a score of 0 (or an invalid one) is Again; a fully right answer
/// (1, allowing for rounding) is Good; anything in between is Hard.
///
/// A wrong answer is therefore never rated Hard or better, and how long the
/// learner took is not an input at all: a slow correct answer is still
/// correct, and timing a browser would punish slow connections and readers.
pub fn rating_for(score: f64) -> Rating {
    if score.is_nan() || score <= 0.0 {
        Rating::Again
    } else if score >= 1.0 - 1e-9 {
        Rating::Good
    } else {
        Rating::Hard
    }
}

/// One card's memory state and schedule, as stored between answers.
///
/// Times are serialised as RFC 3339 strings so that stored cards stay
/// readable and do not depend on `time`'s compact tuple encoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    /// FSRS stability: days until recall probability falls to 90%.
    pub stability: f64,
    /// FSRS difficulty, 1 (easy) to 10 (hard).
    pub difficulty: f64,
    /// When the latest answer was given.
    #[serde(with = "time::serde::rfc3339")]
    pub last_review: OffsetDateTime,
    /// When the card should next be asked.
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// How many answers the card has had, the first included.
    pub reps: u32,
    /// How many times a card that had been answered before was answered
    /// wrongly (a wrong first answer is not a lapse: nothing was forgotten).
    pub lapses: u32,
    /// The rating of the latest answer.
    pub last_rating: Rating,
}

impl CardState {
    /// The interval the card was last scheduled for, in whole days.
    pub fn interval_days(&self) -> i64 {
        (self.due - self.last_review).whole_days()
    }

    /// The FSRS memory state, or `None` when the stored numbers are not
    /// finite: FSRS rejects those, and treating the card as new is a better
    /// recovery from a corrupt row than refusing the learner's answer.
    fn memory(&self) -> Option<MemoryState> {
        // Stored values came from f32 in the first place, so this is exact.
        let memory = MemoryState {
            stability: self.stability as f32,
            difficulty: self.difficulty as f32,
        };
        (memory.stability.is_finite() && memory.difficulty.is_finite()).then_some(memory)
    }
}

/// Why a [`Scheduler`] could not be built.
#[derive(Debug, PartialEq)]
pub enum SchedulerError {
    /// The configured desired retention is outside 0.7 to 0.99.
    DesiredRetentionOutOfRange(f64),
    /// The FSRS library refused its parameters.
    Parameters(fsrs::FSRSError),
}

impl fmt::Display for SchedulerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DesiredRetentionOutOfRange(value) => write!(
                f,
                "desired retention {value} is out of range: it must be between \
                 {MIN_DESIRED_RETENTION} and {MAX_DESIRED_RETENTION} (0.9 recommended)"
            ),
            Self::Parameters(err) => write!(f, "FSRS refused its parameters: {err:?}"),
        }
    }
}

impl std::error::Error for SchedulerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::DesiredRetentionOutOfRange(_) => None,
            Self::Parameters(err) => Some(err),
        }
    }
}

/// Schedules review cards with FSRS-6 and its default parameters.
///
/// Build one at start-up and share it: it holds only the parameters and the
/// desired retention, and every method is a pure function of its inputs.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    desired_retention: f32,
}

impl Scheduler {
    /// A scheduler aiming for `desired_retention` recall at each due date.
    ///
    /// # Errors
    /// [`SchedulerError::DesiredRetentionOutOfRange`] unless the value is in
    /// 0.7..=0.99 (NaN included), so a typo in the configuration is reported
    /// at start-up instead of silently producing absurd intervals.
    pub fn new(desired_retention: f64) -> Result<Self, SchedulerError> {
        if !(MIN_DESIRED_RETENTION..=MAX_DESIRED_RETENTION).contains(&desired_retention) {
            return Err(SchedulerError::DesiredRetentionOutOfRange(
                desired_retention,
            ));
        }
        let fsrs = FSRS::new(&DEFAULT_PARAMETERS).map_err(SchedulerError::Parameters)?;
        // In range 0.7..=0.99, so the narrowing loses nothing that matters.
        let desired_retention = desired_retention as f32;
        Ok(Self {
            fsrs,
            desired_retention,
        })
    }

    /// The desired retention this scheduler was built with.
    pub fn desired_retention(&self) -> f64 {
        f64::from(self.desired_retention)
    }

    /// A card's state after an answer rated `rating` at `now`; `card` is
    /// `None` for the first answer, which creates the card.
    ///
    /// FSRS sees the whole days elapsed since the last answer (0 if `now` is
    /// earlier, e.g. after a clock correction). The next interval is FSRS's
    /// for the rating, rounded to whole days and at least one day even for
    /// Again: reviews are daily, so a wrong card comes back tomorrow rather
    /// than in minutes (FSRS-6 long-term scheduling). Again on a card with a
    /// long history may come back after a few days, because FSRS keeps part
    /// of the stability the learner had built up.
    pub fn review(
        &self,
        card: Option<&CardState>,
        rating: Rating,
        now: OffsetDateTime,
    ) -> CardState {
        let memory = card.and_then(CardState::memory);
        let days_elapsed = match card {
            Some(card) => {
                u32::try_from((now - card.last_review).whole_days().max(0)).unwrap_or(u32::MAX)
            }
            None => 0,
        };
        let next = match self
            .fsrs
            .next_states(memory, self.desired_retention, days_elapsed)
        {
            Ok(states) => pick(states, rating),
            // FSRS only refuses non-finite states, and `memory` is finite or
            // None, so this cannot happen; if it ever does, treat the card
            // like a wrong first answer (the most cautious state) rather
            // than losing the learner's answer.
            Err(_) => ItemState {
                memory: MemoryState {
                    stability: DEFAULT_PARAMETERS[0],
                    difficulty: DEFAULT_PARAMETERS[4],
                },
                interval: 1.0,
            },
        };
        let interval_days = interval_days(next.interval);
        let (reps, lapses) = match card {
            Some(card) => (
                card.reps.saturating_add(1),
                card.lapses
                    .saturating_add(u32::from(rating == Rating::Again)),
            ),
            None => (1, 0),
        };
        CardState {
            stability: f64::from(next.memory.stability),
            difficulty: f64::from(next.memory.difficulty),
            last_review: now,
            due: now.saturating_add(Duration::days(interval_days)),
            reps,
            lapses,
            last_rating: rating,
        }
    }
}

/// Picks the FSRS outcome for our rating (we never use Easy).
fn pick(states: NextStates, rating: Rating) -> ItemState {
    match rating {
        Rating::Again => states.again,
        Rating::Hard => states.hard,
        Rating::Good => states.good,
    }
}

/// FSRS's fractional interval as whole days: rounded, at least 1, at most
/// [`MAX_INTERVAL_DAYS`] (a NaN, which FSRS should never give, becomes 1).
fn interval_days(interval: f32) -> i64 {
    let days = f64::from(interval).round();
    if days.is_nan() || days < 1.0 {
        1
    } else if days >= MAX_INTERVAL_DAYS as f64 {
        MAX_INTERVAL_DAYS
    } else {
        // 1..MAX_INTERVAL_DAYS, an exact whole number: the cast is lossless.
        days as i64
    }
}

/// The probability, 0 to 1, that the learner still recalls the card at
/// `now`, from the FSRS-6 forgetting curve with its default decay.
///
/// Time counts to the second (not whole days) so the value falls
/// smoothly; it is 1 at the moment of the answer and about the desired
/// retention at the due date. A corrupt (non-finite or non-positive)
/// stability gives 0: no trust is better than invented trust.
pub fn retrievability(card: &CardState, now: OffsetDateTime) -> f64 {
    let Some(memory) = card.memory().filter(|m| m.stability > 0.0) else {
        return 0.0;
    };
    let elapsed = (now - card.last_review).as_seconds_f32().max(0.0) / 86_400.0;
    let r = f64::from(fsrs::current_retrievability(
        memory,
        elapsed,
        FSRS6_DEFAULT_DECAY,
    ));
    if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// How much the card's latest quiz/review result still counts as evidence at
/// `now`, 0 to 1.
///
/// For trainers: a result counts in full until the card is overdue by more
/// than its own review interval, and after that only as much as the learner
/// is still likely to remember it (its retrievability). In symbols: 1.0 if
/// `now - due <= due - last_review`, else [`retrievability`].
/// The grace period lets learners skip reviews for a while without their
/// progress collapsing, while results that were never revisited fade.
pub fn evidence_retention(card: &CardState, now: OffsetDateTime) -> f64 {
    let overdue = now - card.due;
    let interval = card.due - card.last_review;
    if overdue > interval {
        retrievability(card, now)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2025-03-03 09:00 UTC);

    fn scheduler() -> Scheduler {
        Scheduler::new(DEFAULT_DESIRED_RETENTION).unwrap()
    }

    /// Answers `ratings` in order, each exactly at the previous due date.
    fn run(s: &Scheduler, ratings: &[Rating]) -> Vec<CardState> {
        let mut cards: Vec<CardState> = Vec::new();
        let mut now = T0;
        for &rating in ratings {
            let card = s.review(cards.last(), rating, now);
            now = card.due;
            cards.push(card);
        }
        cards
    }

    #[test]
    fn rating_rule_table() {
        for (score, want) in [
            (0.0, Rating::Again),
            (-1.0, Rating::Again),
            (f64::NAN, Rating::Again),
            (0.5, Rating::Hard),
            (0.01, Rating::Hard),
            (0.99, Rating::Hard),
            (1.0, Rating::Good),
            (1.0 - 1e-12, Rating::Good),
        ] {
            assert_eq!(rating_for(score), want, "score {score}");
        }
    }

    #[test]
    fn rating_names_round_trip() {
        for r in [Rating::Again, Rating::Hard, Rating::Good] {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        assert_eq!(Rating::parse("easy"), None);
        assert_eq!(Rating::parse("Good"), None);
    }

    #[test]
    fn first_answer_creates_the_card() {
        let card = scheduler().review(None, Rating::Good, T0);
        assert_eq!(card.last_review, T0);
        assert_eq!(card.reps, 1);
        assert_eq!(card.lapses, 0);
        assert_eq!(card.last_rating, Rating::Good);
        assert!(card.due > T0);
    }

    #[test]
    fn intervals_grow_after_repeated_good() {
        let cards = run(&scheduler(), &[Rating::Good; 6]);
        let intervals: Vec<i64> = cards.iter().map(CardState::interval_days).collect();
        for pair in intervals.windows(2) {
            assert!(pair[1] > pair[0], "{intervals:?}");
        }
    }

    #[test]
    fn again_shrinks_the_interval_and_counts_a_lapse() {
        let cards = run(
            &scheduler(),
            &[Rating::Good, Rating::Good, Rating::Good, Rating::Again],
        );
        let before = cards[2].interval_days();
        let after = cards[3].interval_days();
        assert!(after < before, "{before} -> {after}");
        assert_eq!(cards[3].lapses, 1);
        assert_eq!(cards[3].reps, 4);
        assert!(cards[3].stability < cards[2].stability);
    }

    #[test]
    fn wrong_first_answer_is_not_a_lapse_but_returns_tomorrow() {
        let card = scheduler().review(None, Rating::Again, T0);
        assert_eq!(card.lapses, 0);
        assert_eq!(card.interval_days(), 1);
    }

    #[test]
    fn hard_is_shorter_than_good_from_the_same_state() {
        let s = scheduler();
        assert!(
            s.review(None, Rating::Hard, T0).interval_days()
                < s.review(None, Rating::Good, T0).interval_days()
        );
        let cards = run(&s, &[Rating::Good, Rating::Good]);
        let card = &cards[1];
        let hard = s.review(Some(card), Rating::Hard, card.due);
        let good = s.review(Some(card), Rating::Good, card.due);
        assert!(hard.interval_days() < good.interval_days());
        assert_eq!(hard.lapses, 0, "Hard is not a lapse");
    }

    /// Checks each step against the fsrs crate called directly, and pins the
    /// intervals so a silent change in the library's maths is noticed.
    #[test]
    fn matches_the_fsrs_crate_step_by_step() {
        let s = scheduler();
        let fsrs = FSRS::new(&DEFAULT_PARAMETERS).unwrap();
        let ratings = [Rating::Good, Rating::Good, Rating::Again, Rating::Good];
        let cards = run(&s, &ratings);

        let mut memory: Option<MemoryState> = None;
        let mut elapsed = 0u32;
        for (card, rating) in cards.iter().zip(ratings) {
            let states = fsrs.next_states(memory, 0.9, elapsed).unwrap();
            let next = match rating {
                Rating::Again => states.again,
                Rating::Hard => states.hard,
                Rating::Good => states.good,
            };
            assert_eq!(card.stability, f64::from(next.memory.stability));
            assert_eq!(card.difficulty, f64::from(next.memory.difficulty));
            let want = (next.interval.round() as i64).max(1);
            assert_eq!(card.interval_days(), want);
            memory = Some(next.memory);
            elapsed = u32::try_from(want).unwrap();
        }

        let intervals: Vec<i64> = cards.iter().map(CardState::interval_days).collect();
        assert_eq!(intervals, PINNED_INTERVALS);
        assert_eq!(cards.last().unwrap().lapses, 1);
    }

    /// fsrs 6.6.2, DEFAULT_PARAMETERS, retention 0.9: Good, Good, Again, Good.
    const PINNED_INTERVALS: [i64; 4] = [2, 11, 2, 5];

    #[test]
    fn retrievability_follows_the_forgetting_curve() {
        let s = scheduler();
        for card in run(&s, &[Rating::Good, Rating::Good, Rating::Good]) {
            assert_eq!(retrievability(&card, card.last_review), 1.0);
            let at_due = retrievability(&card, card.due);
            assert!((at_due - 0.9).abs() < 0.02, "R at due = {at_due}");
            let later = retrievability(&card, card.due + Duration::days(30));
            assert!(later < at_due);
            let halfway = card.last_review + (card.due - card.last_review) / 2;
            let mid = retrievability(&card, halfway);
            assert!(1.0 > mid && mid > at_due);
        }
    }

    #[test]
    fn retrievability_of_a_corrupt_card_is_zero() {
        let s = scheduler();
        let mut card = s.review(None, Rating::Good, T0);
        card.stability = f64::NAN;
        assert_eq!(retrievability(&card, card.due), 0.0);
        card.stability = 0.0;
        assert_eq!(retrievability(&card, card.due), 0.0);
    }

    #[test]
    fn evidence_counts_fully_until_overdue_by_more_than_the_interval() {
        let s = scheduler();
        let card = &run(&s, &[Rating::Good, Rating::Good])[1];
        let interval = card.due - card.last_review;
        assert!(interval >= Duration::days(2));
        for now in [
            card.last_review,
            card.due - Duration::days(1),
            card.due,
            card.due + interval / 2,
            card.due + interval,
        ] {
            assert_eq!(evidence_retention(card, now), 1.0, "at {now}");
        }
        for now in [
            card.due + interval + Duration::seconds(1),
            card.due + interval * 3,
        ] {
            let e = evidence_retention(card, now);
            assert_eq!(e, retrievability(card, now));
            assert!(e < 0.9);
        }
    }

    #[test]
    fn higher_retention_gives_shorter_intervals() {
        let low = run(&scheduler(), &[Rating::Good; 4]);
        let high = run(&Scheduler::new(0.95).unwrap(), &[Rating::Good; 4]);
        for (h, l) in high.iter().zip(&low) {
            assert!(
                h.interval_days() < l.interval_days(),
                "{} vs {}",
                h.interval_days(),
                l.interval_days()
            );
        }
    }

    #[test]
    fn out_of_range_retention_is_refused() {
        for bad in [0.5, 1.2, f64::NAN, 0.0] {
            let err = Scheduler::new(bad).unwrap_err();
            assert!(matches!(err, SchedulerError::DesiredRetentionOutOfRange(_)));
            let msg = err.to_string();
            assert!(msg.contains("0.7") && msg.contains("0.99"), "{msg}");
        }
        for good in [0.7, 0.8, 0.99] {
            assert!(Scheduler::new(good).is_ok());
        }
    }

    #[test]
    fn corrupt_or_skewed_cards_still_get_a_sane_schedule() {
        let s = scheduler();
        let mut card = s.review(None, Rating::Good, T0);
        // Clock moved backwards: no panic, treated as zero days elapsed.
        let skewed = s.review(Some(&card), Rating::Good, T0 - Duration::days(3));
        assert!(skewed.due > skewed.last_review);
        card.stability = f64::INFINITY;
        card.difficulty = f64::NAN;
        let fixed = s.review(Some(&card), Rating::Good, card.due);
        assert!(fixed.stability.is_finite() && fixed.difficulty.is_finite());
        assert_eq!(fixed.reps, 2);
        assert!(fixed.interval_days() >= 1);
    }

    #[test]
    fn card_state_serde_round_trip() {
        let cards = run(&scheduler(), &[Rating::Good, Rating::Again]);
        let card = &cards[1];
        let json = serde_json::to_string(card).unwrap();
        assert!(json.contains("\"last_rating\":\"again\""), "{json}");
        assert!(json.contains("2025-03-0"), "times are RFC 3339: {json}");
        let back: CardState = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, card);
    }
}
