//! The evidence -> mastery -> level -> gap model of SPEC section 3, as pure
//! functions: a learner's evidence rows and a clock in, levels out. No I/O and
//! no database types, so the store, the pages, the heatmap, the exports and
//! the daily review all agree on one definition of "level".
//!
//! The rule in one sentence for a manager: *each quiz question, role-play and
//! rubric criterion counts once, by its latest result; recent results count
//! more than old ones (half as much every 90 days); a learner is at level L in
//! a competency when their results at L average at least 80% and no lower
//! level they have been tested on is under 80%.*
//!
//! The steps, each a public function so a page can show any of them:
//!
//! 1. [`current_evidence`]: one result per item ([`Evidence::supersession_key`]);
//!    the latest ([`compare_recency`]) supersedes the earlier ones, which stay
//!    in the store as history.
//! 2. [`mastery`] / [`mastery_by_level`]: the time-decayed weighted mean of the
//!    current scores at one level, `sum(w_i * d_i * s_i) / sum(w_i * d_i)` with
//!    `d_i = 0.5^(age_i / half_life)` ([`decay_factor`]).
//! 3. [`level`]: the highest level L with mastery >= the threshold such that
//!    no lower level *with evidence* is under it; untested levels do not block.
//! 4. [`gap`]: `max(0, target - level)`.
//!
//! [`profile`] runs all four for a list of competencies and returns a
//! [`CompetencyStanding`] each, carrying the evidence behind the number and a
//! [`LevelReason`], so "why is Ana level 1?" has a one-line answer: "her
//! mastery at level 2 is 62%, under 80%" or "she has no results at level 2".
//!
//! # Numbers that make no sense
//!
//! Nothing here panics, whatever the rows hold. Values that are out of range
//! but still ordered are clamped: a score below 0 or above 1 (including
//! infinities) counts as 0 or 1, a weight above [`MAX_WEIGHT`] as
//! [`MAX_WEIGHT`], a retention outside 0..=1 as 0 or 1. Values that carry no
//! meaning make the row *ignored*, as if it had never been recorded (it does
//! not supersede anything either): a NaN score, a weight that is NaN,
//! infinite, zero or negative, a level outside 1..=5 ([`Evidence::is_usable`]).
//! Ignored rows are counted per competency ([`CompetencyStanding::ignored`])
//! so a broken writer shows up instead of silently lowering someone's level.
//!
//! # Cost
//!
//! The heatmap target is 1,000 learners x 20 competencies over 1,000,000 rows
//! in under 100 ms. [`profile`] for one learner with `n` rows and `c`
//! competencies is `O(n log n + c log n)`: one sort of `(key, &row)` pairs
//! (the only allocation proportional to `n`), then a binary search per
//! competency and one pass over its rows; per competency it allocates the list
//! of current rows and a map of at most five masteries. Rows are borrowed,
//! never cloned. For a team, group the rows by learner (e.g. `ORDER BY
//! learner`) and call [`profile`] per learner: `O(N log(N / learners))` in
//! all (about 2 s for 1,000,000 rows in an unoptimised debug build on the
//! 2-core development machine; not measured optimised).
//!
//! Reading a million rows per request will not fit in 100 ms anyway, and it
//! need not: the decay is exponential, so the ratio between two rows' decayed
//! weights never changes as the clock moves, and mastery changes only when
//! evidence arrives. `now` matters only for rows dated in the future and for
//! [`Evidence::retention`]. A store can therefore keep each learner's
//! standings (or current rows) up to date at write time and serve the heatmap
//! from that, recomputing only learners whose retention inputs changed.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The lowest level of the scale in `competencies.toml` ("Aware").
pub const MIN_LEVEL: u8 = 1;
/// The highest level of the scale ("Expert").
pub const MAX_LEVEL: u8 = 5;
/// Weights above this count as this. Content weights are small numbers; the
/// cap keeps sums of millions of rows finite, so a mean can never be inf/inf.
pub const MAX_WEIGHT: f64 = 1.0e6;

const SECONDS_PER_DAY: f64 = 86_400.0;
const LEVEL_COUNT: usize = MAX_LEVEL as usize;

/// What kind of learner action produced a piece of evidence. The string form
/// ([`Source::as_str`]) is what the store keeps and what item keys start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Source {
    /// One question of a quiz attempt.
    #[serde(rename = "quiz")]
    QuizQuestion,
    /// A finished role-play run: points gained / maximum along the best path,
    /// one row per competency the role-play scores.
    #[serde(rename = "roleplay")]
    RolePlay,
    /// One rubric criterion of a trainer's review of a practice answer.
    #[serde(rename = "rubric")]
    RubricReview,
    /// A lesson marked as read.
    #[serde(rename = "completion")]
    Completion,
    /// A spaced-review answer to a quiz question (issue 8); it supersedes the
    /// quiz result for the same question, see [`Evidence::supersession_key`].
    #[serde(rename = "review")]
    DailyReview,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Self::QuizQuestion,
        Self::RolePlay,
        Self::RubricReview,
        Self::Completion,
        Self::DailyReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::QuizQuestion => "quiz",
            Self::RolePlay => "roleplay",
            Self::RubricReview => "rubric",
            Self::Completion => "completion",
            Self::DailyReview => "review",
        }
    }

    /// The inverse of [`Source::as_str`], for rows read back from the store.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|source| source.as_str() == raw)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Builders for [`Evidence::item`] keys: `<family>:<path>`, the family being
/// the source's [`Source::as_str`]. Every writer should use these, so that
/// the same question, role-play or criterion always gets the same key (the
/// key is what makes a new result supersede an old one).
pub mod item_key {
    use super::Source;

    /// `quiz:<module>/<question-id>`.
    pub fn quiz(module: &str, question: &str) -> String {
        format!("{}:{module}/{question}", Source::QuizQuestion.as_str())
    }

    /// `review:<module>/<question-id>`: a daily-review answer. It has the same
    /// supersession key as [`quiz`] for that question.
    pub fn review(module: &str, question: &str) -> String {
        format!("{}:{module}/{question}", Source::DailyReview.as_str())
    }

    /// `roleplay:<module>/<name>`; a run yields one row per competency, all
    /// with this key (the competency is part of the supersession key).
    pub fn roleplay(module: &str, name: &str) -> String {
        format!("{}:{module}/{name}", Source::RolePlay.as_str())
    }

    /// `rubric:<module>/<name>/<criterion-index>`, the 0-based index of the
    /// criterion in the role-play's `[[rubric]]` list.
    pub fn rubric(module: &str, roleplay: &str, criterion: usize) -> String {
        format!(
            "{}:{module}/{roleplay}/{criterion}",
            Source::RubricReview.as_str()
        )
    }

    /// `completion:<module>`.
    pub fn completion(module: &str) -> String {
        format!("{}:{module}", Source::Completion.as_str())
    }
}

/// One learner's result that says something about one competency at one
/// level: what SPEC section 3 calls an evidence row, minus the learner (the
/// model works on one learner's rows at a time; the caller groups them).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The stored row's id. Rows get time-ordered (v7) ids, so among results
    /// recorded in the same instant the one written last has the highest id
    /// and wins ([`compare_recency`]). `Uuid::nil()` when there is no row yet.
    pub id: Uuid,
    /// The competency id from `competencies.toml`.
    pub competency: String,
    /// The level on the 1..=5 scale this result is evidence for (the module's
    /// level, or the question's override).
    pub level: u8,
    /// How well the learner did, 0..=1 (1 = fully right).
    pub score: f64,
    /// How much this item counts relative to others at the same level (> 0;
    /// the question's `weight=`, 1 by default).
    pub weight: f64,
    pub source: Source,
    /// The stable key of the item this result is about, built with
    /// [`item_key`]; it decides which results supersede which.
    pub item: String,
    /// The attempt, run or review this result came from, so a drill-down can
    /// link to it (issue 7); `None` for a lesson completion.
    pub origin: Option<Uuid>,
    /// When the learner produced the result, not when it was scored; ages and
    /// supersession use this.
    pub recorded_at: OffsetDateTime,
    /// The share of this result the learner is expected to still have now,
    /// 0..=1; 1 (the default) means "no adjustment". This is the hook for
    /// issue 8: the caller sets it to the FSRS retrievability of the item's
    /// review card when that card is overdue by more than its interval, and
    /// leaves it at 1 otherwise. The model counts `score * retention` as the
    /// item's current score, at its full weight. It scales the score, not the
    /// weight, on purpose: a weighted mean does not move when every weight at
    /// a level shrinks by the same factor, so a learner forgetting all their
    /// level-1 questions at once would keep their level, which is exactly the
    /// fading skill a manager is meant to see. NaN counts as 1 (a hook that
    /// could not compute a value must not hide evidence).
    pub retention: f64,
}

impl Evidence {
    /// A row with no stored id, no origin and no retention adjustment.
    pub fn new(
        competency: impl Into<String>,
        level: u8,
        score: f64,
        weight: f64,
        source: Source,
        item: impl Into<String>,
        recorded_at: OffsetDateTime,
    ) -> Self {
        Self {
            id: Uuid::nil(),
            competency: competency.into(),
            level,
            score,
            weight,
            source,
            item: item.into(),
            origin: None,
            recorded_at,
            retention: 1.0,
        }
    }

    /// Which results compete to be "the" result for an item: the competency,
    /// plus the item key split at its first `:` into family and path, with the
    /// `review` family read as `quiz`. So `review:m/q` supersedes `quiz:m/q`
    /// (and a later quiz attempt supersedes the review in turn), and a
    /// role-play run's rows for different competencies do not supersede each
    /// other. The key comes from the item text only, never from
    /// [`Evidence::source`], so it does not depend on which source a writer
    /// picked. The level is not part of it: if a trainer moves a question to
    /// another level, the newest result counts, at its level. An item with no
    /// `:` has an empty family.
    pub fn supersession_key(&self) -> SupersessionKey<'_> {
        let (family, path) = self
            .item
            .split_once(':')
            .unwrap_or(("", self.item.as_str()));
        let family = if family == Source::DailyReview.as_str() {
            Source::QuizQuestion.as_str()
        } else {
            family
        };
        SupersessionKey {
            competency: &self.competency,
            family,
            path,
        }
    }

    /// Whether the model uses this row at all (see "Numbers that make no
    /// sense" in the module documentation).
    pub fn is_usable(&self) -> bool {
        (MIN_LEVEL..=MAX_LEVEL).contains(&self.level)
            && !self.score.is_nan()
            && self.weight.is_finite()
            && self.weight > 0.0
    }

    /// The score the model counts: clamped to 0..=1, times the retention.
    pub fn current_score(&self) -> f64 {
        let retention = if self.retention.is_nan() {
            1.0
        } else {
            self.retention.clamp(0.0, 1.0)
        };
        self.score.clamp(0.0, 1.0) * retention
    }

    /// The weight the model counts before decay (capped at [`MAX_WEIGHT`]).
    pub fn counted_weight(&self) -> f64 {
        self.weight.min(MAX_WEIGHT)
    }

    /// Days between `recorded_at` and `now`; a result from the future (clock
    /// skew between app servers) is 0 days old rather than heavier than new.
    pub fn age_days(&self, now: OffsetDateTime) -> f64 {
        ((now - self.recorded_at).as_seconds_f64() / SECONDS_PER_DAY).max(0.0)
    }

    /// How much this row counts today, for a drill-down ("counts 50%"): its
    /// weight times [`decay_factor`] of its age.
    pub fn decayed_weight(&self, now: OffsetDateTime, settings: &ModelSettings) -> f64 {
        self.counted_weight() * decay_factor(self.age_days(now), settings.half_life_days)
    }
}

/// See [`Evidence::supersession_key`]. Orders by competency first, which is
/// what lets [`profile`] find a competency's rows by binary search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SupersessionKey<'a> {
    pub competency: &'a str,
    /// The item key's family, with `review` read as `quiz`.
    pub family: &'a str,
    /// The rest of the item key after the first `:`.
    pub path: &'a str,
}

/// `Greater` when `a` is the more recent result, i.e. `a` supersedes `b` if
/// they share a supersession key. A total order, so the winner never depends
/// on the order rows arrive in:
/// 1. later `recorded_at`;
/// 2. then the higher `id` (v7 ids: written later);
/// 3. then a daily review over anything else (a review of a question always
///    comes after the quiz answer that created its card);
/// 4. then the *lower* score: two results for one item that cannot be told
///    apart in time must not claim more than the weaker one shows;
/// 5. then the remaining fields (weight, retention, level, item, origin), only
///    so that rows differing in nothing the model uses compare equal.
pub fn compare_recency(a: &Evidence, b: &Evidence) -> Ordering {
    let is_review = |row: &Evidence| row.source == Source::DailyReview;
    a.recorded_at
        .cmp(&b.recorded_at)
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| is_review(a).cmp(&is_review(b)))
        .then_with(|| a.source.cmp(&b.source))
        .then_with(|| b.score.total_cmp(&a.score))
        .then_with(|| b.weight.total_cmp(&a.weight))
        .then_with(|| b.retention.total_cmp(&a.retention))
        .then_with(|| b.level.cmp(&a.level))
        .then_with(|| a.item.cmp(&b.item))
        .then_with(|| a.origin.cmp(&b.origin))
}

/// Tunable parts of the model, e.g. from `salesdojo.toml`. Every key is
/// optional; call [`ModelSettings::validate`] when loading, because the model
/// itself quietly uses the default for a value that makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSettings {
    /// After this many days a result counts half as much as a new one
    /// (default 90). `inf` turns decay off.
    pub half_life_days: f64,
    /// Mastery a level needs to count as held, in (0, 1] (default 0.8;
    /// reaching it exactly passes).
    pub mastery_threshold: f64,
}

impl ModelSettings {
    pub const DEFAULT_HALF_LIFE_DAYS: f64 = 90.0;
    pub const DEFAULT_MASTERY_THRESHOLD: f64 = 0.8;

    pub fn validate(self) -> Result<Self, InvalidSettings> {
        if self.half_life_days.is_nan() || self.half_life_days <= 0.0 {
            return Err(InvalidSettings {
                field: "half_life_days",
                value: self.half_life_days,
                expected: "a number of days above 0, e.g. 90",
            });
        }
        if !is_share(self.mastery_threshold) {
            return Err(InvalidSettings {
                field: "mastery_threshold",
                value: self.mastery_threshold,
                expected: "a share above 0 and at most 1, e.g. 0.8",
            });
        }
        Ok(self)
    }

    /// The half-life actually used: the default when the setting is not a
    /// number above 0 (a zero half-life would make every age a division by 0).
    fn half_life(&self) -> f64 {
        usable_half_life(self.half_life_days)
    }

    /// The threshold actually used: the default when it is not in (0, 1].
    fn threshold(&self) -> f64 {
        if is_share(self.mastery_threshold) {
            self.mastery_threshold
        } else {
            Self::DEFAULT_MASTERY_THRESHOLD
        }
    }
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            half_life_days: Self::DEFAULT_HALF_LIFE_DAYS,
            mastery_threshold: Self::DEFAULT_MASTERY_THRESHOLD,
        }
    }
}

/// A [`ModelSettings`] value that the model cannot use, and what to write.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidSettings {
    pub field: &'static str,
    pub value: f64,
    pub expected: &'static str,
}

impl fmt::Display for InvalidSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "competency setting `{}` is {}; use {}",
            self.field, self.value, self.expected
        )
    }
}

impl std::error::Error for InvalidSettings {}

/// Above 0 and at most 1 (false for NaN).
fn is_share(value: f64) -> bool {
    value > 0.0 && value <= 1.0
}

fn usable_half_life(half_life_days: f64) -> f64 {
    if half_life_days > 0.0 {
        half_life_days
    } else {
        ModelSettings::DEFAULT_HALF_LIFE_DAYS
    }
}

/// `0.5^(age / half_life)`: 1 for a new result, 0.5 at one half-life, 0.25 at
/// two. Negative or NaN ages count as 0; a half-life that is not above 0
/// counts as the default.
pub fn decay_factor(age_days: f64, half_life_days: f64) -> f64 {
    if age_days.is_nan() || age_days <= 0.0 {
        return 1.0;
    }
    0.5_f64.powf(age_days / usable_half_life(half_life_days))
}

/// Step 1: the current result of every item in a learner's history (any
/// order): for each [`Evidence::supersession_key`], the usable row that
/// [`compare_recency`] ranks highest. Unusable rows are skipped before this,
/// so they never supersede anything. The result is sorted by supersession key
/// (competency first). `O(n log n)`, one allocation of `n` pairs.
pub fn current_evidence<'e>(history: impl IntoIterator<Item = &'e Evidence>) -> Vec<&'e Evidence> {
    let sorted = sorted_for_supersession(history);
    let mut current = Vec::with_capacity(sorted.len());
    walk_current(&sorted, |row| current.push(row));
    current
}

/// Step 2: mastery from current evidence at one level of one competency
/// (the caller selects; this function looks at neither field): the
/// time-decayed weighted mean `sum(w * d * s) / sum(w * d)` of
/// [`Evidence::current_score`] `s`, [`Evidence::counted_weight`] `w` and
/// [`decay_factor`] `d`. `None` when no row is usable (not tested at this
/// level). Always within 0..=1. `O(n)`, no allocation.
///
/// Decay shifts influence towards recent results; it does not by itself pull
/// mastery down: a single result one half-life old still has mastery equal to
/// its score, and with the same rows mastery is the same next year (see
/// "Cost" in the module documentation). Only [`Evidence::retention`] and newer
/// results lower it.
pub fn mastery<'e>(
    current: impl IntoIterator<Item = &'e Evidence>,
    now: OffsetDateTime,
    settings: &ModelSettings,
) -> Option<f64> {
    let half_life = settings.half_life();
    let mut mean = DecayedMean::default();
    for row in current.into_iter().filter(|row| row.is_usable()) {
        mean.add(row, now, half_life);
    }
    mean.value()
}

/// Step 2 for every level at once, from the current evidence of one
/// competency: only levels with usable evidence get an entry. `O(n)`.
pub fn mastery_by_level<'e>(
    current: impl IntoIterator<Item = &'e Evidence>,
    now: OffsetDateTime,
    settings: &ModelSettings,
) -> BTreeMap<u8, f64> {
    let half_life = settings.half_life();
    let mut means = [DecayedMean::default(); LEVEL_COUNT];
    for row in current.into_iter().filter(|row| row.is_usable()) {
        if let Some(mean) = means.get_mut(level_index(row.level)) {
            mean.add(row, now, half_life);
        }
    }
    masteries(&means)
}

/// Step 3: the highest level L with mastery >= `threshold` such that no level
/// below L that has a mastery entry is under the threshold; levels without an
/// entry (never tested) do not block. 0 when no level qualifies. Entries
/// outside 1..=5 are ignored; a NaN mastery or threshold never passes.
///
/// Examples: {1: 0.9, 2: 0.85, 3: 0.5} -> 2; {1: 0.6, 2: 0.95} -> 0;
/// {2: 0.9} -> 2; {} -> 0.
pub fn level(mastery: &BTreeMap<u8, f64>, threshold: f64) -> u8 {
    let mut held = 0;
    // Ascending order: the first tested level under the threshold caps the
    // level at the last one that passed, however well the levels above went.
    for (&at, &value) in mastery.range(MIN_LEVEL..=MAX_LEVEL) {
        if value >= threshold {
            held = at;
        } else {
            break;
        }
    }
    held
}

/// Step 4: how many levels short of the role's target; never negative.
pub fn gap(target: u8, level: u8) -> u8 {
    target.saturating_sub(level)
}

/// Why a learner's level is not one higher: always a statement about the next
/// level, because every tested level at or below the current one passes (that
/// is what the level rule guarantees), so reaching the threshold at the next
/// level is exactly what raises it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LevelReason {
    /// At level 5, the top of the scale.
    Top,
    /// The next level has results, but their mastery is under the threshold.
    BelowThreshold { level: u8, mastery: f64 },
    /// The next level has no current results yet.
    Untested { level: u8 },
}

/// One learner's position in one competency: the numbers on the profile and
/// in a heatmap cell, and the evidence behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetencyStanding<'e> {
    pub competency: String,
    /// 0..=5, see [`level`].
    pub level: u8,
    /// The job role's target (0 when the role sets none).
    pub target: u8,
    /// `max(0, target - level)`.
    pub gap: u8,
    /// Mastery per tested level (levels without evidence have no entry).
    pub mastery: BTreeMap<u8, f64>,
    /// `level + 1`, the level whose modules would raise the level; `None` at 5.
    /// Whether it is needed for the role is `gap > 0`.
    pub next_level: Option<u8>,
    pub reason: LevelReason,
    /// The current evidence behind the level, newest first (as
    /// [`compare_recency`] orders it).
    pub evidence: Vec<&'e Evidence>,
    /// Older results replaced by a newer one for the same item (kept in the
    /// store as history, not counted).
    pub superseded: usize,
    /// Rows left out because their numbers make no sense ([`Evidence::is_usable`]).
    pub ignored: usize,
}

impl CompetencyStanding<'_> {
    /// How many items count (one per question, role-play, criterion, lesson).
    pub fn evidence_count(&self) -> usize {
        self.evidence.len()
    }

    pub fn at_target(&self) -> bool {
        self.gap == 0
    }
}

/// All four steps for one learner: a standing per listed competency (id and
/// role target), in the order listed. `history` is the learner's rows in any
/// order, superseded ones included; rows for competencies not listed are not
/// looked at past the sort. `O(n log n + c log n)`; see the module
/// documentation for the allocations.
pub fn profile<'e, 'c>(
    history: impl IntoIterator<Item = &'e Evidence>,
    competencies: impl IntoIterator<Item = (&'c str, u8)>,
    now: OffsetDateTime,
    settings: &ModelSettings,
) -> Vec<CompetencyStanding<'e>> {
    let sorted = sorted_for_supersession(history);
    let competencies = competencies.into_iter();
    let mut standings = Vec::with_capacity(competencies.size_hint().0);
    for (competency, target) in competencies {
        let start = sorted.partition_point(|(key, _)| key.competency < competency);
        let (_, from_start) = sorted.split_at(start);
        let len = from_start.partition_point(|(key, _)| key.competency == competency);
        let (rows, _) = from_start.split_at(len);
        standings.push(standing(competency, target, rows, now, settings));
    }
    standings
}

/// One competency's rows, sorted for supersession, into its standing.
fn standing<'e>(
    competency: &str,
    target: u8,
    sorted_rows: &[(SupersessionKey<'e>, &'e Evidence)],
    now: OffsetDateTime,
    settings: &ModelSettings,
) -> CompetencyStanding<'e> {
    let half_life = settings.half_life();
    let mut means = [DecayedMean::default(); LEVEL_COUNT];
    let mut evidence = Vec::new();
    let tally = walk_current(sorted_rows, |row| {
        if let Some(mean) = means.get_mut(level_index(row.level)) {
            mean.add(row, now, half_life);
        }
        evidence.push(row);
    });
    evidence.sort_unstable_by(|a, b| compare_recency(b, a));

    let mastery = masteries(&means);
    let level = level(&mastery, settings.threshold());
    let next_level = (level < MAX_LEVEL).then_some(level + 1);
    let reason = match next_level {
        None => LevelReason::Top,
        Some(next) => match mastery.get(&next) {
            Some(&value) => LevelReason::BelowThreshold {
                level: next,
                mastery: value,
            },
            None => LevelReason::Untested { level: next },
        },
    };
    CompetencyStanding {
        competency: competency.to_owned(),
        level,
        target,
        gap: gap(target, level),
        mastery,
        next_level,
        reason,
        evidence,
        superseded: tally.superseded,
        ignored: tally.ignored,
    }
}

/// Rows paired with their key (computed once, not per comparison), sorted by
/// key and, within a key, most recent first.
fn sorted_for_supersession<'e>(
    history: impl IntoIterator<Item = &'e Evidence>,
) -> Vec<(SupersessionKey<'e>, &'e Evidence)> {
    let mut sorted: Vec<_> = history
        .into_iter()
        .map(|row| (row.supersession_key(), row))
        .collect();
    sorted.sort_unstable_by(|(key_a, a), (key_b, b)| {
        key_a.cmp(key_b).then_with(|| compare_recency(b, a))
    });
    sorted
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    superseded: usize,
    ignored: usize,
}

/// Calls `keep` with the first usable row of each key in rows sorted by
/// [`sorted_for_supersession`]: that row is the current one, later usable rows
/// of the key are superseded.
fn walk_current<'e>(
    sorted: &[(SupersessionKey<'e>, &'e Evidence)],
    mut keep: impl FnMut(&'e Evidence),
) -> Tally {
    let mut tally = Tally::default();
    let mut last_kept: Option<SupersessionKey<'e>> = None;
    for &(key, row) in sorted {
        if !row.is_usable() {
            tally.ignored += 1;
        } else if last_kept == Some(key) {
            tally.superseded += 1;
        } else {
            last_kept = Some(key);
            keep(row);
        }
    }
    tally
}

/// Index into a per-level array; out of range (never for usable rows) maps
/// past the end so `get_mut` returns `None`.
fn level_index(level: u8) -> usize {
    usize::from(level).wrapping_sub(1)
}

fn masteries(means: &[DecayedMean; LEVEL_COUNT]) -> BTreeMap<u8, f64> {
    (MIN_LEVEL..=MAX_LEVEL)
        .zip(means)
        .filter_map(|(at, mean)| mean.value().map(|value| (at, value)))
        .collect()
}

/// A running time-decayed weighted mean. Weights decay relative to the newest
/// row seen rather than to `now`: the mean is the same (the common factor
/// `0.5^(newest_age / half_life)` cancels), but the newest row keeps its full
/// weight, so rows thousands of half-lives old cannot underflow every weight
/// to 0 and leave 0/0. When a newer row arrives, the sums so far are scaled
/// down to its age; one pass, any order.
#[derive(Debug, Default, Clone, Copy)]
struct DecayedMean {
    newest_age_days: f64,
    weighted_scores: f64,
    weights: f64,
    rows: usize,
}

impl DecayedMean {
    fn add(&mut self, row: &Evidence, now: OffsetDateTime, half_life: f64) {
        let age = row.age_days(now);
        let weight = row.counted_weight();
        let score = row.current_score();
        if self.rows == 0 {
            self.newest_age_days = age;
            self.weighted_scores = weight * score;
            self.weights = weight;
        } else if age < self.newest_age_days {
            let older = decay_factor(self.newest_age_days - age, half_life);
            self.weighted_scores = self.weighted_scores * older + weight * score;
            self.weights = self.weights * older + weight;
            self.newest_age_days = age;
        } else {
            let decay = decay_factor(age - self.newest_age_days, half_life);
            self.weighted_scores += weight * decay * score;
            self.weights += weight * decay;
        }
        self.rows += 1;
    }

    fn value(&self) -> Option<f64> {
        if self.rows == 0 {
            return None;
        }
        let mean = self.weighted_scores / self.weights;
        // The newest row's weight is > 0 and undecayed, so this is finite;
        // the guard only keeps a broken invariant from producing NaN levels.
        Some(if mean.is_finite() {
            mean.clamp(0.0, 1.0)
        } else {
            0.0
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-06-01 09:00 UTC);
    const C: &str = "objection-handling";

    fn days_ago(days: i64) -> OffsetDateTime {
        NOW - Duration::days(days)
    }

    fn quiz(question: &str, level: u8, score: f64, days: i64) -> Evidence {
        Evidence::new(
            C,
            level,
            score,
            1.0,
            Source::QuizQuestion,
            item_key::quiz("m", question),
            days_ago(days),
        )
    }

    fn review(question: &str, level: u8, score: f64, days: i64) -> Evidence {
        Evidence::new(
            C,
            level,
            score,
            1.0,
            Source::DailyReview,
            item_key::review("m", question),
            days_ago(days),
        )
    }

    fn with_id(mut row: Evidence, id: u128) -> Evidence {
        row.id = Uuid::from_u128(id);
        row
    }

    fn with_weight(mut row: Evidence, weight: f64) -> Evidence {
        row.weight = weight;
        row
    }

    fn ids(rows: &[&Evidence]) -> Vec<u128> {
        let mut ids: Vec<u128> = rows.iter().map(|row| row.id.as_u128()).collect();
        ids.sort_unstable();
        ids
    }

    fn one(history: &[Evidence], target: u8) -> CompetencyStanding<'_> {
        profile(history, [(C, target)], NOW, &ModelSettings::default())
            .pop()
            .unwrap()
    }

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 1e-12
    }

    #[test]
    fn the_latest_result_per_item_is_current_and_other_items_stay() {
        let roleplay = |competency: &str, id| {
            let item = item_key::roleplay("m", "r");
            let row = Evidence::new(competency, 2, 0.5, 1.0, Source::RolePlay, item, days_ago(3));
            with_id(row, id)
        };
        let criterion = |index, days, id| {
            let item = item_key::rubric("m", "r", index);
            let row = Evidence::new(C, 2, 0.5, 1.0, Source::RubricReview, item, days_ago(days));
            with_id(row, id)
        };
        // (name, history, the current rows as (id, score))
        type Case = (&'static str, Vec<Evidence>, Vec<(u128, f64)>);
        let cases: Vec<Case> = vec![
            (
                "a retake supersedes the first answer; the other question stays",
                vec![
                    with_id(quiz("q1", 1, 0.0, 10), 1),
                    with_id(quiz("q1", 1, 1.0, 5), 2),
                    with_id(quiz("q2", 1, 0.0, 10), 3),
                ],
                vec![(2, 1.0), (3, 0.0)],
            ),
            (
                "a review supersedes the quiz answer, a later retake the review",
                vec![
                    with_id(quiz("q1", 1, 1.0, 10), 1),
                    with_id(review("q1", 1, 0.0, 5), 2),
                    with_id(quiz("q1", 1, 0.5, 1), 3),
                ],
                vec![(3, 0.5)],
            ),
            (
                "same instant: the row written later (higher v7 id) wins",
                vec![
                    with_id(quiz("q1", 1, 0.0, 5), 8),
                    with_id(quiz("q1", 1, 1.0, 5), 9),
                ],
                vec![(9, 1.0)],
            ),
            (
                "same instant, same id: a review beats the quiz answer",
                vec![
                    with_id(review("q1", 1, 1.0, 5), 4),
                    with_id(quiz("q1", 1, 0.0, 5), 4),
                ],
                vec![(4, 1.0)],
            ),
            (
                "same instant, id and source: the lower score counts",
                vec![
                    with_id(quiz("q1", 1, 0.3, 5), 4),
                    with_id(quiz("q1", 1, 0.9, 5), 4),
                ],
                vec![(4, 0.3)],
            ),
            (
                "one role-play run's rows for two competencies do not supersede each other",
                vec![roleplay(C, 1), roleplay("negotiation", 2)],
                vec![(1, 0.5), (2, 0.5)],
            ),
            (
                "rubric criteria of one role-play are separate items",
                vec![criterion(0, 3, 1), criterion(1, 2, 2), criterion(1, 1, 3)],
                vec![(1, 0.5), (3, 0.5)],
            ),
            (
                "a newer result at another level moves the item there",
                vec![
                    with_id(quiz("q1", 1, 1.0, 9), 1),
                    with_id(quiz("q1", 2, 0.7, 1), 2),
                ],
                vec![(2, 0.7)],
            ),
            (
                "an unusable newer row does not supersede",
                vec![
                    with_id(quiz("q1", 1, 1.0, 9), 1),
                    with_id(quiz("q1", 1, f64::NAN, 1), 2),
                ],
                vec![(1, 1.0)],
            ),
        ];
        for (name, history, expected) in cases {
            let mut current: Vec<(u128, f64)> = current_evidence(&history)
                .iter()
                .map(|row| (row.id.as_u128(), row.score))
                .collect();
            current.sort_by_key(|(id, _)| *id);
            assert_eq!(current, expected, "{name}");
            // Any order in, the same rows out.
            let mut reversed = history.clone();
            reversed.reverse();
            assert_eq!(
                current_evidence(&reversed),
                current_evidence(&history),
                "{name}"
            );
        }
    }

    #[test]
    fn superseded_results_are_counted_as_history_not_as_evidence() {
        let history = [
            quiz("q1", 1, 0.0, 30),
            quiz("q1", 1, 0.5, 20),
            quiz("q1", 1, 1.0, 10),
        ];
        let standing = one(&history, 1);
        assert_eq!(standing.evidence_count(), 1);
        assert_eq!(standing.superseded, 2);
        assert_eq!(standing.mastery, BTreeMap::from([(1, 1.0)]));
    }

    #[test]
    fn history_order_does_not_change_the_result() {
        let history: Vec<Evidence> = [
            quiz("q1", 1, 0.0, 40),
            quiz("q1", 1, 1.0, 3),
            quiz("q2", 1, 0.7, 100),
            review("q2", 1, 0.9, 2),
            quiz("q3", 2, 0.4, 5),
            with_weight(quiz("q4", 2, 1.0, 200), 3.0),
            quiz("q4", 2, 0.2, 200),
        ]
        .into_iter()
        .enumerate()
        .map(|(index, row)| with_id(row, index as u128))
        .collect();
        let expected = one(&history, 3);
        let mut reversed = history.clone();
        reversed.reverse();
        let mut rotated = history.clone();
        rotated.rotate_left(3);
        for shuffled in [reversed, rotated] {
            let actual = one(&shuffled, 3);
            assert_eq!(actual.mastery, expected.mastery);
            assert_eq!(actual.level, expected.level);
            assert_eq!(ids(&actual.evidence), ids(&expected.evidence));
        }
    }

    #[test]
    fn old_results_count_less_and_one_half_life_counts_half() {
        let half_life = ModelSettings::DEFAULT_HALF_LIFE_DAYS as i64;
        // (name, rows as (score, age in days), half-life in days, expected mastery)
        type Case = (&'static str, Vec<(f64, i64)>, f64, f64);
        let cases: Vec<Case> = vec![
            (
                "one half-life old counts half: 1 / (1 + 0.5)",
                vec![(1.0, 0), (0.0, half_life)],
                90.0,
                2.0 / 3.0,
            ),
            (
                "the same, the other way round",
                vec![(0.0, 0), (1.0, half_life)],
                90.0,
                1.0 / 3.0,
            ),
            (
                "two half-lives count a quarter",
                vec![(1.0, 0), (0.0, 2 * half_life)],
                90.0,
                1.0 / 1.25,
            ),
            (
                "the half-life is configurable",
                vec![(1.0, 0), (0.0, 30)],
                30.0,
                2.0 / 3.0,
            ),
            (
                "equal ages weigh equally",
                vec![(1.0, 400), (0.0, 400)],
                90.0,
                0.5,
            ),
            (
                "a future date counts as new, not heavier",
                vec![(1.0, 0), (0.0, -30)],
                90.0,
                0.5,
            ),
            (
                "decay alone does not lower a lone old result",
                vec![(0.9, 365)],
                90.0,
                0.9,
            ),
            (
                "10,000 half-lives apart: the old one vanishes",
                vec![(1.0, 0), (0.0, 900_000)],
                90.0,
                1.0,
            ),
            (
                "both 10,000 half-lives old: no underflow to 0/0",
                vec![(0.2, 900_000), (0.6, 900_000)],
                90.0,
                0.4,
            ),
            (
                "inf half-life turns decay off",
                vec![(1.0, 0), (0.0, 3650)],
                f64::INFINITY,
                0.5,
            ),
        ];
        for (name, rows, half_life_days, expected) in cases {
            let history: Vec<Evidence> = rows
                .iter()
                .enumerate()
                .map(|(index, &(score, days))| quiz(&format!("q{index}"), 1, score, days))
                .collect();
            let settings = ModelSettings {
                half_life_days,
                ..ModelSettings::default()
            };
            let actual = mastery(&history, NOW, &settings).unwrap();
            assert!(close(actual, expected), "{name}: {actual} != {expected}");
        }
        let row = with_weight(quiz("q", 1, 1.0, half_life), 2.0);
        assert_eq!(row.decayed_weight(NOW, &ModelSettings::default()), 1.0);
        assert_eq!(decay_factor(90.0, 90.0), 0.5);
    }

    #[test]
    fn the_clock_alone_does_not_move_mastery() {
        let history = [
            quiz("q1", 1, 1.0, 0),
            quiz("q2", 1, 0.0, 45),
            quiz("q3", 1, 0.5, 300),
        ];
        let settings = ModelSettings::default();
        let today = mastery(&history, NOW, &settings).unwrap();
        for later in [1, 90, 3650] {
            let then = mastery(&history, NOW + Duration::days(later), &settings).unwrap();
            assert!(close(then, today), "{later} days later: {then} != {today}");
        }
        // The one exception: a row dated in the future counts as 0 days old,
        // so it stands closer to the older rows (here the wrong answer q2
        // weighs relatively more) until the clock catches up.
        let before = mastery(&history, NOW - Duration::days(10), &settings).unwrap();
        assert!(before < today, "{before} >= {today}");
    }

    #[test]
    fn weights_decide_how_much_an_item_counts() {
        // (name, rows as (score, weight), expected mastery)
        type Case = (&'static str, Vec<(f64, f64)>, Option<f64>);
        let cases: Vec<Case> = vec![
            (
                "weight 3 against weight 1",
                vec![(1.0, 3.0), (0.0, 1.0)],
                Some(0.75),
            ),
            (
                "equal weights: plain mean",
                vec![(1.0, 1.0), (0.5, 1.0)],
                Some(0.75),
            ),
            (
                "weights are relative",
                vec![(1.0, 0.375), (0.0, 0.125)],
                Some(0.75),
            ),
            (
                "zero weight: ignored",
                vec![(1.0, 1.0), (0.0, 0.0)],
                Some(1.0),
            ),
            (
                "negative weight: ignored",
                vec![(1.0, 1.0), (0.0, -2.0)],
                Some(1.0),
            ),
            (
                "NaN and inf weights: ignored",
                vec![(0.0, f64::NAN), (0.0, f64::INFINITY), (1.0, 1.0)],
                Some(1.0),
            ),
            (
                "a huge weight is capped, not overflowing",
                vec![(1.0, 1e300), (0.0, MAX_WEIGHT)],
                Some(0.5),
            ),
            ("nothing usable: untested", vec![(1.0, 0.0)], None),
        ];
        for (name, rows, expected) in cases {
            let history: Vec<Evidence> = rows
                .iter()
                .enumerate()
                .map(|(index, &(score, weight))| {
                    with_weight(quiz(&format!("q{index}"), 1, score, 0), weight)
                })
                .collect();
            let actual = mastery(&history, NOW, &ModelSettings::default());
            assert_eq!(actual, expected, "{name}");
        }
    }

    #[test]
    fn level_is_the_highest_passed_level_not_blocked_by_a_tested_level_below() {
        // (name, mastery per level, threshold, expected level)
        type Case = (&'static str, Vec<(u8, f64)>, f64, u8);
        let cases: Vec<Case> = vec![
            (
                "level 3 under: level 2",
                vec![(1, 0.9), (2, 0.85), (3, 0.5)],
                0.8,
                2,
            ),
            (
                "tested level 1 under blocks level 2",
                vec![(1, 0.6), (2, 0.95)],
                0.8,
                0,
            ),
            ("untested level 1 does not block", vec![(2, 0.9)], 0.8, 2),
            (
                "untested level 2 does not block level 3",
                vec![(1, 0.9), (3, 0.9)],
                0.8,
                3,
            ),
            (
                "a failed level blocks all above",
                vec![(1, 0.9), (2, 0.1), (3, 1.0), (4, 1.0)],
                0.8,
                1,
            ),
            ("no evidence", vec![], 0.8, 0),
            ("exactly the threshold passes", vec![(1, 0.8)], 0.8, 1),
            (
                "just under the threshold fails",
                vec![(1, 0.799_999_999)],
                0.8,
                0,
            ),
            (
                "all levels",
                vec![(1, 1.0), (2, 1.0), (3, 1.0), (4, 1.0), (5, 0.8)],
                0.8,
                5,
            ),
            (
                "the threshold is configurable",
                vec![(1, 0.65), (2, 0.7)],
                0.6,
                2,
            ),
            (
                "entries outside 1..=5 are ignored",
                vec![(0, 0.1), (1, 0.9), (6, 0.1)],
                0.8,
                1,
            ),
            (
                "NaN mastery never passes",
                vec![(1, 0.9), (2, f64::NAN)],
                0.8,
                1,
            ),
        ];
        for (name, mastery, threshold, expected) in cases {
            let mastery: BTreeMap<u8, f64> = mastery.into_iter().collect();
            assert_eq!(level(&mastery, threshold), expected, "{name}");
        }
    }

    #[test]
    fn a_mastery_of_exactly_the_threshold_passes_through_the_whole_model() {
        // 4 of 5 equal-weight items right: exactly 0.8.
        let history: Vec<Evidence> = (0..5)
            .map(|index| {
                quiz(
                    &format!("q{index}"),
                    1,
                    if index < 4 { 1.0 } else { 0.0 },
                    7,
                )
            })
            .collect();
        let standing = one(&history, 1);
        assert_eq!(standing.mastery, BTreeMap::from([(1, 0.8)]));
        assert_eq!(standing.level, 1);
        assert_eq!(standing.gap, 0);
    }

    #[test]
    fn gap_is_target_minus_level_and_never_negative() {
        let cases = [
            (2, 1, 1),
            (3, 0, 3),
            (1, 3, 0),
            (0, 0, 0),
            (5, 5, 0),
            (0, 5, 0),
        ];
        for (target, level, expected) in cases {
            assert_eq!(
                gap(target, level),
                expected,
                "target {target}, level {level}"
            );
        }
        let above_target = [quiz("q1", 1, 1.0, 0), quiz("q2", 2, 1.0, 0)];
        let standing = one(&above_target, 1);
        assert_eq!((standing.level, standing.target, standing.gap), (2, 1, 0));
        assert!(standing.at_target());
    }

    #[test]
    fn a_daily_review_supersedes_the_quiz_result_and_moves_mastery_both_ways() {
        let settings = ModelSettings::default();
        let mut history = vec![quiz("q1", 1, 1.0, 40), quiz("q2", 1, 1.0, 40)];
        let passed = one(&history, 1);
        assert_eq!((passed.level, passed.mastery[&1]), (1, 1.0));

        // Forgotten 10 days ago: q1's review (weight 1) against q2's quiz
        // answer 30 days older (weight 0.5^(30/90)).
        history.push(review("q1", 1, 0.0, 10));
        let forgot = one(&history, 1);
        let older = 0.5_f64.powf(30.0 / settings.half_life_days);
        assert!(close(forgot.mastery[&1], older / (1.0 + older)));
        assert_eq!(forgot.level, 0);
        assert_eq!(forgot.gap, 1);
        assert_eq!(forgot.superseded, 1, "the quiz answer stays as history");
        assert_eq!(forgot.evidence[0].source, Source::DailyReview);

        history.push(review("q1", 1, 1.0, 1));
        let restored = one(&history, 1);
        assert_eq!((restored.level, restored.mastery[&1]), (1, 1.0));
        assert_eq!(restored.superseded, 2);

        // A later quiz retake supersedes the review in turn.
        history.push(quiz("q1", 1, 0.0, 0));
        assert_eq!(one(&history, 1).level, 0);
    }

    #[test]
    fn review_and_quiz_keys_of_one_question_match() {
        let quiz_row = quiz("q1", 1, 1.0, 1);
        let review_row = review("q1", 1, 1.0, 1);
        assert_eq!(quiz_row.item, "quiz:m/q1");
        assert_eq!(review_row.item, "review:m/q1");
        assert_eq!(quiz_row.supersession_key(), review_row.supersession_key());
        assert_ne!(
            quiz_row.supersession_key(),
            quiz("q2", 1, 1.0, 1).supersession_key()
        );
        assert_eq!(item_key::rubric("m", "price", 2), "rubric:m/price/2");
        assert_eq!(item_key::roleplay("m", "price"), "roleplay:m/price");
        assert_eq!(item_key::completion("m"), "completion:m");
        for source in Source::ALL {
            assert_eq!(Source::parse(source.as_str()), Some(source));
        }
    }

    #[test]
    fn retention_lowers_the_score_of_a_fading_item() {
        // (retention, expected mastery of a single right answer)
        let cases = [
            (1.0, 1.0),
            (0.6, 0.6),
            (0.0, 0.0),
            (f64::NAN, 1.0),
            (7.0, 1.0),
            (-1.0, 0.0),
        ];
        for (retention, expected) in cases {
            let mut row = quiz("q1", 1, 1.0, 0);
            row.retention = retention;
            let actual = mastery([&row], NOW, &ModelSettings::default());
            assert_eq!(actual, Some(expected), "retention {retention}");
        }
        // Every level-1 item fading together lowers the level: the point of
        // scaling the score rather than the weight.
        let mut history = vec![quiz("q1", 1, 1.0, 0), quiz("q2", 1, 1.0, 0)];
        for row in &mut history {
            row.retention = 0.7;
        }
        assert_eq!(one(&history, 1).level, 0);
    }

    #[test]
    fn rows_with_meaningless_numbers_are_clamped_or_ignored() {
        // (score, weight, level, counted?, expected mastery of level 1 beside
        // one right answer of weight 1)
        let cases: Vec<(&str, f64, f64, u8, bool, f64)> = vec![
            ("score above 1 counts as 1", 1.5, 1.0, 1, true, 1.0),
            ("score below 0 counts as 0", -0.5, 1.0, 1, true, 0.5),
            ("inf score counts as 1", f64::INFINITY, 1.0, 1, true, 1.0),
            (
                "-inf score counts as 0",
                f64::NEG_INFINITY,
                1.0,
                1,
                true,
                0.5,
            ),
            ("NaN score ignored", f64::NAN, 1.0, 1, false, 1.0),
            ("zero weight ignored", 0.0, 0.0, 1, false, 1.0),
            ("level 0 ignored", 0.0, 1.0, 0, false, 1.0),
            ("level 6 ignored", 0.0, 1.0, 6, false, 1.0),
        ];
        for (name, score, weight, row_level, counted, expected) in cases {
            let odd = with_weight(quiz("odd", row_level, score, 0), weight);
            let history = [quiz("fine", 1, 1.0, 0), odd];
            let standing = one(&history, 1);
            assert_eq!(standing.mastery[&1], expected, "{name}");
            assert_eq!(standing.ignored, usize::from(!counted), "{name}");
            assert_eq!(
                standing.evidence_count(),
                1 + usize::from(counted),
                "{name}"
            );
        }
    }

    #[test]
    fn a_standing_says_why_the_level_is_not_higher() {
        // Ana: level 1 passed, level 2 at 62%.
        let ana = [
            quiz("l1-a", 1, 1.0, 20),
            quiz("l1-b", 1, 0.8, 10),
            quiz("l2-a", 2, 0.62, 5),
            Evidence::new(
                "negotiation",
                2,
                1.0,
                1.0,
                Source::Completion,
                item_key::completion("m"),
                days_ago(1),
            ),
        ];
        let standing = one(&ana, 2);
        assert_eq!(standing.level, 1);
        assert_eq!(
            (standing.target, standing.gap, standing.next_level),
            (2, 1, Some(2))
        );
        assert_eq!(
            standing.reason,
            LevelReason::BelowThreshold {
                level: 2,
                mastery: 0.62
            }
        );
        let newest_first: Vec<&str> = standing
            .evidence
            .iter()
            .map(|row| row.item.as_str())
            .collect();
        assert_eq!(newest_first, ["quiz:m/l2-a", "quiz:m/l1-b", "quiz:m/l1-a"]);

        let untested = one(&ana[..2], 2);
        assert_eq!(untested.reason, LevelReason::Untested { level: 2 });

        let top: Vec<Evidence> = (1..=5)
            .map(|at| quiz(&format!("q{at}"), at, 1.0, 0))
            .collect();
        let top = one(&top, 3);
        assert_eq!(
            (top.level, top.next_level, top.reason),
            (5, None, LevelReason::Top)
        );
    }

    #[test]
    fn profile_follows_the_listed_competencies_and_their_targets() {
        let history = [
            Evidence::new(
                "negotiation",
                1,
                1.0,
                1.0,
                Source::QuizQuestion,
                "quiz:m/n",
                NOW,
            ),
            Evidence::new(
                "unlisted",
                3,
                1.0,
                1.0,
                Source::QuizQuestion,
                "quiz:m/u",
                NOW,
            ),
            quiz("q1", 2, 1.0, 0),
        ];
        let standings = profile(
            &history,
            [("product-knowledge", 3), (C, 2), ("negotiation", 1)],
            NOW,
            &ModelSettings::default(),
        );
        let cells: Vec<(&str, u8, u8, u8)> = standings
            .iter()
            .map(|s| (s.competency.as_str(), s.level, s.target, s.gap))
            .collect();
        assert_eq!(
            cells,
            [
                ("product-knowledge", 0, 3, 3),
                (C, 2, 2, 0),
                ("negotiation", 1, 1, 0)
            ]
        );
        assert_eq!(standings[0].reason, LevelReason::Untested { level: 1 });
    }

    #[test]
    fn settings_are_validated_and_nonsense_falls_back_to_defaults() {
        assert_eq!(
            ModelSettings::default().validate(),
            Ok(ModelSettings::default())
        );
        let bad = [
            (f64::NAN, 0.8, "half_life_days"),
            (0.0, 0.8, "half_life_days"),
            (-5.0, 0.8, "half_life_days"),
            (90.0, 0.0, "mastery_threshold"),
            (90.0, 1.5, "mastery_threshold"),
            (90.0, f64::NAN, "mastery_threshold"),
        ];
        for (half_life_days, mastery_threshold, field) in bad {
            let settings = ModelSettings {
                half_life_days,
                mastery_threshold,
            };
            assert_eq!(settings.validate().map_err(|e| e.field), Err(field));
            // Used anyway, they behave like the defaults.
            let history = [
                quiz("q1", 1, 1.0, 0),
                quiz("q2", 1, 0.0, 90),
                quiz("q3", 1, 1.0, 0),
            ];
            let standing = profile(&history, [(C, 1)], NOW, &settings).pop().unwrap();
            assert!(close(standing.mastery[&1], 2.0 / 2.5));
            assert_eq!(standing.level, 1);
        }
    }

    fn odd_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => 0.0..=1.0f64,
            1 => any::<f64>(),
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(0.0),
            1 => Just(-0.0),
            1 => Just(f64::MIN_POSITIVE / 4.0),
        ]
    }

    fn arbitrary_evidence() -> impl Strategy<Value = Evidence> {
        (
            0u8..=7,
            odd_f64(),
            odd_f64(),
            odd_f64(),
            0usize..6,
            prop::sample::select(vec![C, "negotiation", ""]),
            prop::sample::select(Source::ALL.to_vec()),
            // Anything from year 1900 to 2150 around NOW.
            -2_208_988_800i64..5_680_281_600,
            any::<u128>(),
        )
            .prop_map(
                |(level, score, weight, retention, question, competency, source, seconds, id)| {
                    let family = ["quiz", "review", "roleplay", "rubric", "", "quiz"][question];
                    let mut row = Evidence::new(
                        competency,
                        level,
                        score,
                        weight,
                        source,
                        format!("{family}:m/q{}", question % 3),
                        OffsetDateTime::from_unix_timestamp(seconds).unwrap(),
                    );
                    row.retention = retention;
                    row.id = Uuid::from_u128(id % 4);
                    row
                },
            )
    }

    proptest! {
        #[test]
        fn mastery_and_levels_stay_in_range_whatever_the_input(
            history in prop::collection::vec(arbitrary_evidence(), 0..40),
            half_life_days in odd_f64(),
            mastery_threshold in odd_f64(),
            target in 0u8..=5,
        ) {
            let settings = ModelSettings { half_life_days, mastery_threshold };
            let standings = profile(&history, [(C, target), ("negotiation", target)], NOW, &settings);
            for standing in &standings {
                prop_assert!(standing.level <= MAX_LEVEL);
                prop_assert!(standing.gap <= target);
                prop_assert_eq!(standing.gap, target.saturating_sub(standing.level));
                for (&at, &value) in &standing.mastery {
                    prop_assert!((MIN_LEVEL..=MAX_LEVEL).contains(&at));
                    prop_assert!((0.0..=1.0).contains(&value), "mastery {} at {}", value, at);
                }
                prop_assert!(standing.evidence.iter().all(|row| row.is_usable()));
            }
            if let Some(value) = mastery(&history, NOW, &settings) {
                prop_assert!((0.0..=1.0).contains(&value));
            }
        }

        #[test]
        fn shuffled_history_gives_the_same_standing(
            (history, shuffled) in prop::collection::vec(arbitrary_evidence(), 0..30)
                .prop_flat_map(|history| (Just(history.clone()), Just(history).prop_shuffle())),
        ) {
            let settings = ModelSettings::default();
            let expected = profile(&history, [(C, 3), ("negotiation", 1)], NOW, &settings);
            let actual = profile(&shuffled, [(C, 3), ("negotiation", 1)], NOW, &settings);
            for (actual, expected) in actual.iter().zip(&expected) {
                prop_assert_eq!(actual.level, expected.level);
                // Bit for bit: rows are summed in the sorted order, not the input order.
                let bits = |s: &CompetencyStanding<'_>| {
                    s.mastery.iter().map(|(l, m)| (*l, m.to_bits())).collect::<Vec<_>>()
                };
                prop_assert_eq!(bits(actual), bits(expected));
                prop_assert_eq!(actual.superseded, expected.superseded);
                let fields = |s: &CompetencyStanding<'_>| {
                    s.evidence
                        .iter()
                        .map(|row| (row.id, row.item.clone(), row.score.to_bits(), row.recorded_at))
                        .collect::<Vec<_>>()
                };
                prop_assert_eq!(fields(actual), fields(expected));
            }
        }
    }
}
