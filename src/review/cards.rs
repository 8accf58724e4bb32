//! Review cards against the store: made when a question is first answered
//! in a quiz, shown when due (a daily cap, oldest due first, mixed across
//! modules, options in a fresh order), answered in the quiz's answer shape.
//! A review answer is evidence for the question's competency and level and
//! supersedes the earlier result for that question.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::scheduler::{CardState, Rating, Scheduler, rating_for};
use crate::competency::{Source, item_key};
use crate::content::{Catalog, CatalogModule, RenderedQuestion};
use crate::learning::attempts::{
    QuestionResultView, QuestionView, StoredQuestion, bank_index, kind_name, option_view,
    result_view,
};
use crate::learning::quiz::{self, QuizRules, ShownQuestion};
use crate::learning::{LearningError, rfc3339, to_json};
use crate::store::evidence::{self, NewEvidence};
use crate::store::review_cards::{self, CardRow, NewAnswer, NewCard, Schedule};
use crate::store::{StoreError, users::User};

/// How daily review is set up.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    pub scheduler: Scheduler,
    /// The most cards one learner reviews per day.
    pub daily_cap: u64,
}

/// The default daily cap.
pub const DEFAULT_DAILY_CAP: u64 = 20;

fn rating_of(raw: &str) -> Rating {
    Rating::parse(raw).unwrap_or(Rating::Again)
}

/// A stored card as the scheduler sees it.
pub fn state_of(row: &CardRow) -> CardState {
    CardState {
        stability: row.stability,
        difficulty: row.difficulty,
        last_review: row.last_review,
        due: row.due,
        reps: u32::try_from(row.reps).unwrap_or(0),
        lapses: u32::try_from(row.lapses).unwrap_or(0),
        last_rating: rating_of(&row.last_rating),
    }
}

fn schedule_of(state: &CardState) -> Schedule {
    Schedule {
        stability: state.stability,
        difficulty: state.difficulty,
        reps: i32::try_from(state.reps).unwrap_or(i32::MAX),
        lapses: i32::try_from(state.lapses).unwrap_or(i32::MAX),
        last_rating: state.last_rating.as_str().to_owned(),
        last_review: state.last_review,
        due: state.due,
    }
}

/// The card each answered question of a submitted attempt would get, its
/// first rating from that answer. Worked out before the attempt's
/// transaction, which keeps only those of questions with no card yet
/// ([`add_quiz_cards`]).
pub(crate) fn quiz_cards(
    scheduler: &Scheduler,
    module: &CatalogModule,
    results: &[StoredQuestion],
    at: OffsetDateTime,
) -> Vec<(NewCard, Schedule)> {
    let Some(quiz) = &module.quiz else {
        return Vec::new();
    };
    let bank = bank_index(&quiz.questions.default);
    results
        .iter()
        .filter_map(|result| {
            let question = bank.get(result.id.as_str())?;
            let state = scheduler.review(None, rating_for(result.score), at);
            Some((
                NewCard {
                    module_id: module.id.clone(),
                    question_id: result.id.clone(),
                    competency: question.competency.clone(),
                    level: i16::try_from(module.level).unwrap_or(1),
                    weight: f64::from(question.weight),
                },
                schedule_of(&state),
            ))
        })
        .collect()
}

/// Stores those of `cards` (from [`quiz_cards`], all of one module) whose
/// question has no card yet. Call in the attempt's transaction.
pub(crate) async fn add_quiz_cards(
    db: &impl crate::store::write_tx::WriteTx,
    user_id: Uuid,
    module_id: &str,
    cards: &[(NewCard, Schedule)],
    at: OffsetDateTime,
) -> Result<usize, StoreError> {
    if cards.is_empty() {
        return Ok(0);
    }
    let existing = db.carded_questions(user_id, module_id).await?;
    let new: Vec<(NewCard, Schedule)> = cards
        .iter()
        .filter(|(card, _)| !existing.contains(&card.question_id))
        .cloned()
        .collect();
    let created = new.len();
    review_cards::insert_all(db, user_id, new, at).await?;
    Ok(created)
}

/// A card to answer now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueCard {
    pub card_id: Uuid,
    pub module_id: String,
    pub module_title: String,
    /// The question, its options in a fresh order; answer it with
    /// `{"answers": {"<question id>": …}}` as in a quiz.
    pub question: QuestionView,
    pub due_at: String,
}

/// `GET /api/v1/me/reviews`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueReviews {
    /// Every card due now, beyond today's cap too.
    pub due_now: u64,
    /// Cards answered today (UTC day).
    pub reviewed_today: usize,
    pub daily_cap: u64,
    /// Today's session: at most what the cap leaves, oldest due first, mixed across modules.
    pub cards: Vec<DueCard>,
    /// When the next card falls due after these, if any.
    pub next_due_at: Option<String>,
}

fn find_question<'c>(
    catalog: &'c Catalog,
    module_id: &str,
    question_id: &str,
    language: &str,
) -> Option<(&'c CatalogModule, &'c RenderedQuestion)> {
    let module = catalog.module(module_id)?;
    let question = module
        .quiz
        .as_ref()?
        .questions
        .get(language)
        .iter()
        .find(|q| q.id == question_id)?;
    Some((module, question))
}

/// Interleaves cards so consecutive ones come from different modules where
/// possible, keeping each module's cards in due order.
fn mix(cards: Vec<CardRow>) -> Vec<CardRow> {
    let mut order: Vec<String> = Vec::new();
    let mut by_module: HashMap<String, VecDeque<CardRow>> = HashMap::new();
    for card in cards {
        if !by_module.contains_key(&card.module_id) {
            order.push(card.module_id.clone());
        }
        by_module
            .entry(card.module_id.clone())
            .or_default()
            .push_back(card);
    }
    let mut mixed = Vec::new();
    loop {
        let mut took = false;
        for module in &order {
            if let Some(card) = by_module.get_mut(module).and_then(VecDeque::pop_front) {
                mixed.push(card);
                took = true;
            }
        }
        if !took {
            return mixed;
        }
    }
}

/// Cards answered today, and how many more the daily cap allows.
async fn left_today(
    db: &impl ConnectionTrait,
    config: &ReviewConfig,
    user: &User,
    now: OffsetDateTime,
) -> Result<(usize, u64), StoreError> {
    let reviewed_today = review_cards::answer_times(db, user.id, user.zone().start_of_day(now))
        .await?
        .len();
    let left = config
        .daily_cap
        .saturating_sub(u64::try_from(reviewed_today).unwrap_or(u64::MAX));
    Ok((reviewed_today, left))
}

/// Today's review session.
pub async fn due(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    config: &ReviewConfig,
    user: &User,
    now: OffsetDateTime,
    language: &str,
) -> Result<DueReviews, LearningError> {
    let (reviewed_today, left) = left_today(db, config, user, now).await?;
    let due_now = review_cards::due_count(db, user.id, now).await?;
    let rows = review_cards::due(db, user.id, now, left).await?;
    let mut rng = fastrand::Rng::new();
    let rules = QuizRules {
        pass_mark: 0,
        shuffle: true,
        partial: false,
        draw: 0,
    };
    let cards = mix(rows)
        .into_iter()
        .filter_map(|row| {
            let (module, question) =
                find_question(catalog, &row.module_id, &row.question_id, language)?;
            let shown = quiz::build_attempt(
                std::slice::from_ref(question),
                &rules,
                &HashSet::new(),
                &mut rng,
            );
            let options = shown.first().map(|s| s.options.clone()).unwrap_or_default();
            Some(DueCard {
                card_id: row.id,
                module_id: module.id.clone(),
                module_title: module.title.get(language).clone(),
                question: QuestionView {
                    id: question.id.clone(),
                    kind: kind_name(question.kind),
                    prompt_html: question.prompt_html.clone(),
                    options: options
                        .iter()
                        .filter_map(|&i| option_view(question, i))
                        .collect(),
                },
                due_at: rfc3339(row.due),
            })
        })
        .collect();
    let next_due_at = review_cards::next_due_after(db, user.id, now)
        .await?
        .map(rfc3339);
    Ok(DueReviews {
        due_now,
        reviewed_today,
        daily_cap: config.daily_cap,
        cards,
        next_due_at,
    })
}

/// One card with its scheduling state (`GET /api/v1/me/reviews?scope=all`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardView {
    pub card_id: Uuid,
    pub module_id: String,
    pub question_id: String,
    pub competency: String,
    /// `new` (answered once), `learning` (last answer wrong) or `review`.
    pub state: String,
    pub stability: f64,
    pub difficulty: f64,
    pub reps: i32,
    pub lapses: i32,
    pub last_rating: String,
    pub last_review: String,
    pub due_at: String,
    /// Chance 0..1 of recalling it now.
    pub retrievability: f64,
}

pub async fn all(
    db: &impl ConnectionTrait,
    user: &User,
    now: OffsetDateTime,
) -> Result<Vec<CardView>, LearningError> {
    Ok(review_cards::all_of(db, user.id)
        .await?
        .into_iter()
        .map(|row| {
            let state = state_of(&row);
            CardView {
                card_id: row.id,
                module_id: row.module_id.clone(),
                question_id: row.question_id.clone(),
                competency: row.competency.clone(),
                state: if row.reps <= 1 {
                    "new"
                } else if state.last_rating == Rating::Again {
                    "learning"
                } else {
                    "review"
                }
                .to_owned(),
                stability: row.stability,
                difficulty: row.difficulty,
                reps: row.reps,
                lapses: row.lapses,
                last_rating: row.last_rating.clone(),
                last_review: rfc3339(row.last_review),
                due_at: rfc3339(row.due),
                retrievability: super::scheduler::retrievability(&state, now),
            }
        })
        .collect())
}

/// `POST /api/v1/me/reviews/{card}`: the answer's result and the next due date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewOutcome {
    pub card_id: Uuid,
    /// `again`, `hard` or `good`.
    pub rating: String,
    pub result: QuestionResultView,
    pub next_due_at: String,
    pub interval_days: i64,
    /// Cards still due today within the cap.
    pub remaining: u64,
}

/// Answers a due card: scores it as the quiz would, rates it (wrong =
/// Again, partly right = Hard, right = Good), reschedules it and records
/// the result as evidence, in one transaction.
/// Where and when a review answer happens.
pub struct ReviewContext<'a> {
    pub catalog: &'a Catalog,
    pub config: &'a ReviewConfig,
    pub now: OffsetDateTime,
    pub language: &'a str,
}

pub async fn answer(
    db: &DatabaseConnection,
    context: &ReviewContext<'_>,
    user: &User,
    card_id: Uuid,
    raw_answers: &serde_json::Value,
) -> Result<ReviewOutcome, LearningError> {
    let ReviewContext {
        catalog,
        config,
        now,
        language,
    } = *context;
    let not_found = || LearningError::NotFound("no review card with this id among yours".into());
    let card = review_cards::find(db, card_id)
        .await?
        .filter(|c| c.user_id == user.id)
        .ok_or_else(not_found)?;
    if card.due > now {
        return Err(LearningError::Conflict(format!(
            "this card is not due until {}; answer the cards in GET /api/v1/me/reviews",
            rfc3339(card.due)
        )));
    }
    let (module, question) = find_question(catalog, &card.module_id, &card.question_id, language)
        .ok_or_else(|| {
        LearningError::NotFound(
            "this card's question is no longer in the course; it will not come back".into(),
        )
    })?;
    let partial = module.quiz.as_ref().is_some_and(|q| q.partial);
    let all_options: Vec<usize> = (0..question.options.len()).collect();
    let shown = [ShownQuestion {
        id: question.id.clone(),
        options: all_options,
    }];
    let bank = bank_index(std::slice::from_ref(question));
    let answers = quiz::parse_answers(&shown, &bank, raw_answers)
        .map_err(|e| LearningError::Invalid(e.to_string()))?;
    let Some(answer) = answers.get(&question.id) else {
        return Err(LearningError::Invalid(format!(
            "send {{\"answers\": {{\"{}\": …}}}} with the answer to this card's question",
            question.id
        )));
    };
    let score = quiz::score_question(question, answer, partial);
    let rating = rating_for(score);
    let before = state_of(&card);
    let after = config.scheduler.review(Some(&before), rating, now);
    let elapsed = (now - before.last_review).whole_days().max(0);

    let _turn = crate::store::write_turn::take(db).await;
    let tx = db.begin().await.map_err(StoreError::from)?;
    if !review_cards::reschedule(&tx, &card, schedule_of(&after)).await? {
        tx.rollback().await.map_err(StoreError::from)?;
        return Err(LearningError::Conflict(
            "this card was answered meanwhile; load the due cards again".into(),
        ));
    }
    review_cards::record_answer(
        &tx,
        NewAnswer {
            card_id: card.id,
            user_id: user.id,
            answer_json: to_json(&answer)?,
            score,
            rating: rating.as_str().to_owned(),
            elapsed_days: i32::try_from(elapsed).unwrap_or(i32::MAX),
            answered_at: now,
        },
    )
    .await?;
    evidence::record(
        &tx,
        user.id,
        vec![NewEvidence {
            competency: card.competency.clone(),
            level: u8::try_from(card.level).unwrap_or(1),
            score,
            weight: card.weight,
            source: Source::DailyReview,
            item: item_key::review(&card.module_id, &card.question_id),
            origin: Some(card.id),
        }],
        now,
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;

    let stored = StoredQuestion {
        id: question.id.clone(),
        score,
        correct: score >= 1.0 - 1e-9,
    };
    let (_, left) = left_today(db, config, user, now).await?;
    let remaining = left.min(review_cards::due_count(db, user.id, now).await?);
    Ok(ReviewOutcome {
        card_id: card.id,
        rating: rating.as_str().to_owned(),
        result: result_view(question, &stored, Some(answer)),
        next_due_at: rfc3339(after.due),
        interval_days: after.interval_days(),
        remaining,
    })
}

/// Days in a row, ending today or yesterday, with at least one review
/// answer, from the days (in the learner's time zone) they answered on.
pub fn streak(answer_days: impl IntoIterator<Item = time::Date>, today: time::Date) -> u32 {
    let days: std::collections::BTreeSet<time::Date> = answer_days.into_iter().collect();
    let mut day = if days.contains(&today) {
        today
    } else {
        match today.previous_day() {
            Some(yesterday) if days.contains(&yesterday) => yesterday,
            _ => return 0,
        }
    };
    let mut count = 0;
    while days.contains(&day) {
        count += 1;
        match day.previous_day() {
            Some(previous) => day = previous,
            None => break,
        }
    }
    count
}

/// Per competency: how many cards and how many of them are due.
pub fn due_share(cards: &[CardRow], now: OffsetDateTime) -> BTreeMap<String, (usize, usize)> {
    let mut shares: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for card in cards {
        let entry = shares.entry(card.competency.clone()).or_default();
        entry.0 += 1;
        if card.due <= now {
            entry.1 += 1;
        }
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_streak_counts_days_in_a_row_ending_today_or_yesterday() {
        let days = [
            date!(2026 - 11 - 20),
            date!(2026 - 11 - 21),
            date!(2026 - 11 - 22),
            date!(2026 - 11 - 22),
        ];
        assert_eq!(streak(days, date!(2026 - 11 - 22)), 3);
        assert_eq!(streak(days, date!(2026 - 11 - 23)), 3, "today not done yet");
        assert_eq!(streak(days, date!(2026 - 11 - 24)), 0, "a day missed");
        assert_eq!(streak([], date!(2026 - 11 - 24)), 0);
    }

    #[test]
    fn a_streak_counts_the_learners_own_days() {
        // 23:30 UTC is already the next morning in Shanghai: two answers
        // on one UTC day are two days in a row there.
        let times = [
            datetime!(2026-11-21 01:00 UTC),
            datetime!(2026-11-21 23:30 UTC),
        ];
        let shanghai = crate::time_zone::Zone::named("Asia/Shanghai").unwrap();
        let now = datetime!(2026-11-22 02:00 UTC);
        let local = |zone: &crate::time_zone::Zone| {
            streak(times.iter().map(|t| zone.date(*t)), zone.date(now))
        };
        assert_eq!(local(&shanghai), 2);
        assert_eq!(local(&crate::time_zone::Zone::utc()), 1);
    }
}

/// How today's review went, and the habit behind it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodaySummary {
    /// Cards answered today.
    pub answered: usize,
    /// Of those, answered right or partly right (kept).
    pub kept: usize,
    /// Days in a row with a review, ending today or yesterday.
    pub streak: u32,
    /// Cards due now.
    pub due_now: u64,
    /// Cards that fall due later today (the learner's day, in their time zone).
    pub due_later_today: u64,
    /// When the next card falls due, if none is due now.
    pub next_due_at: Option<String>,
}

pub async fn today(
    db: &impl ConnectionTrait,
    user: &User,
    now: OffsetDateTime,
) -> Result<TodaySummary, StoreError> {
    let zone = user.zone();
    let answers = review_cards::answers_since(db, user.id, zone.start_of_day(now)).await?;
    let year = review_cards::answer_times(db, user.id, now - time::Duration::days(366)).await?;
    let due_now = review_cards::due_count(db, user.id, now).await?;
    let due_by_tonight =
        review_cards::due_count(db, user.id, zone.end_of_day(zone.date(now))).await?;
    let next_due_at = if due_now == 0 {
        review_cards::next_due_after(db, user.id, now)
            .await?
            .map(rfc3339)
    } else {
        None
    };
    Ok(TodaySummary {
        answered: answers.len(),
        kept: answers.iter().filter(|a| a.rating != "again").count(),
        streak: streak(year.iter().map(|t| zone.date(*t)), zone.date(now)),
        due_now,
        due_later_today: due_by_tonight.saturating_sub(due_now),
        next_due_at,
    })
}

/// The result of the learner's latest answer to a card, to show after it.
pub async fn last_result(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    user: &User,
    card_id: Uuid,
    language: &str,
) -> Result<Option<(QuestionResultView, String, String)>, LearningError> {
    let Some(card) = review_cards::find(db, card_id)
        .await?
        .filter(|c| c.user_id == user.id)
    else {
        return Ok(None);
    };
    let Some(answer) = review_cards::last_answer(db, card.id).await? else {
        return Ok(None);
    };
    let Some((_, question)) = find_question(catalog, &card.module_id, &card.question_id, language)
    else {
        return Ok(None);
    };
    let given: Option<quiz::Answer> = serde_json::from_str(&answer.answer).ok();
    let stored = StoredQuestion {
        id: question.id.clone(),
        score: answer.score,
        correct: answer.score >= 1.0 - 1e-9,
    };
    Ok(Some((
        result_view(question, &stored, given.as_ref()),
        answer.rating,
        rfc3339(card.due),
    )))
}
