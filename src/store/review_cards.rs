//! Review cards (one per learner and quiz question) and the answers given
//! in daily review.

use std::collections::HashSet;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{review_answer, review_card};
use super::{StoreError, new_id};

pub use super::entities::review_card::Model as CardRow;

/// The scheduling state written after an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub stability: f64,
    pub difficulty: f64,
    pub reps: i32,
    pub lapses: i32,
    pub last_rating: String,
    pub last_review: OffsetDateTime,
    pub due: OffsetDateTime,
}

impl Schedule {
    /// When this schedule's card starts to fade (see `review::retention`).
    pub fn fades_at(&self) -> OffsetDateTime {
        fades_at(self.last_review, self.due)
    }
}

/// A card fades once it is overdue by more than its interval: from
/// `due + (due - last_review)` on.
pub fn fades_at(last_review: OffsetDateTime, due: OffsetDateTime) -> OffsetDateTime {
    due + (due - last_review)
}

/// What a new card is about.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCard {
    pub module_id: String,
    pub question_id: String,
    pub competency: String,
    pub level: i16,
    pub weight: f64,
}

/// The questions of a module the learner has a review card for.
pub async fn carded_questions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<HashSet<String>, StoreError> {
    let ids: Vec<String> = review_card::Entity::find()
        .select_only()
        .column(review_card::Column::QuestionId)
        .filter(review_card::Column::UserId.eq(user_id))
        .filter(review_card::Column::ModuleId.eq(module_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Inserts new cards in one statement; returns how many were written.
pub async fn insert_all(
    db: &impl super::write_tx::WriteTx,
    user_id: Uuid,
    cards: Vec<(NewCard, Schedule)>,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    if cards.is_empty() {
        return Ok(0);
    }
    let rows = cards
        .into_iter()
        .map(|(card, schedule)| review_card::ActiveModel {
            fades_at: Set(Some(schedule.fades_at())),
            id: Set(new_id()),
            user_id: Set(user_id),
            module_id: Set(card.module_id),
            question_id: Set(card.question_id),
            competency: Set(card.competency),
            level: Set(card.level),
            weight: Set(card.weight),
            stability: Set(schedule.stability),
            difficulty: Set(schedule.difficulty),
            reps: Set(schedule.reps),
            lapses: Set(schedule.lapses),
            last_rating: Set(schedule.last_rating),
            last_review: Set(schedule.last_review),
            due: Set(schedule.due),
            created_at: Set(at),
        });
    let statement = review_card::Entity::insert_many(rows).build(db.backend());
    db.execute(statement).await
}

/// Writes a card's new schedule, only if it still has the review time the
/// caller read (so two answers to the same card at once count once).
/// Returns whether it was written.
pub async fn reschedule(
    db: &impl ConnectionTrait,
    card: &CardRow,
    schedule: Schedule,
) -> Result<bool, StoreError> {
    use sea_orm::sea_query::Expr;
    let fades_at = schedule.fades_at();
    let result = review_card::Entity::update_many()
        .col_expr(
            review_card::Column::Stability,
            Expr::value(schedule.stability),
        )
        .col_expr(
            review_card::Column::Difficulty,
            Expr::value(schedule.difficulty),
        )
        .col_expr(review_card::Column::Reps, Expr::value(schedule.reps))
        .col_expr(review_card::Column::Lapses, Expr::value(schedule.lapses))
        .col_expr(
            review_card::Column::LastRating,
            Expr::value(schedule.last_rating),
        )
        .col_expr(
            review_card::Column::LastReview,
            Expr::value(schedule.last_review),
        )
        .col_expr(review_card::Column::FadesAt, Expr::value(fades_at))
        .col_expr(review_card::Column::Due, Expr::value(schedule.due))
        .filter(review_card::Column::Id.eq(card.id))
        .filter(review_card::Column::LastReview.eq(card.last_review))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<CardRow>, StoreError> {
    Ok(review_card::Entity::find_by_id(id).one(db).await?)
}

/// Cards due at `now`, oldest due first, at most `limit`.
pub async fn due(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: OffsetDateTime,
    limit: u64,
) -> Result<Vec<CardRow>, StoreError> {
    Ok(review_card::Entity::find()
        .filter(review_card::Column::UserId.eq(user_id))
        .filter(review_card::Column::Due.lte(now))
        .order_by_asc(review_card::Column::Due)
        .order_by_asc(review_card::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many cards are due at `now`.
pub async fn due_count(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    Ok(review_card::Entity::find()
        .filter(review_card::Column::UserId.eq(user_id))
        .filter(review_card::Column::Due.lte(now))
        .count(db)
        .await?)
}

/// When the learner's next card falls due after `now`, if any.
pub async fn next_due_after(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, StoreError> {
    Ok(review_card::Entity::find()
        .select_only()
        .column(review_card::Column::Due)
        .filter(review_card::Column::UserId.eq(user_id))
        .filter(review_card::Column::Due.gt(now))
        .order_by_asc(review_card::Column::Due)
        .into_tuple()
        .one(db)
        .await?)
}

/// Every card of the learner, soonest due first.
pub async fn all_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<CardRow>, StoreError> {
    Ok(review_card::Entity::find()
        .filter(review_card::Column::UserId.eq(user_id))
        .order_by_asc(review_card::Column::Due)
        .order_by_asc(review_card::Column::Id)
        .all(db)
        .await?)
}

/// Every card of these learners (manager views).
pub async fn of_users(
    db: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<CardRow>, StoreError> {
    Ok(review_card::Entity::find()
        .filter(review_card::Column::UserId.is_in(user_ids))
        .all(db)
        .await?)
}

pub struct NewAnswer {
    pub card_id: Uuid,
    pub user_id: Uuid,
    pub answer_json: String,
    pub score: f64,
    pub rating: String,
    pub elapsed_days: i32,
    pub answered_at: OffsetDateTime,
}

pub async fn record_answer(db: &impl ConnectionTrait, new: NewAnswer) -> Result<(), StoreError> {
    review_answer::ActiveModel {
        id: Set(new_id()),
        card_id: Set(new.card_id),
        user_id: Set(new.user_id),
        answer: Set(new.answer_json),
        score: Set(new.score),
        rating: Set(new.rating),
        elapsed_days: Set(new.elapsed_days),
        answered_at: Set(new.answered_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// When the learner answered review cards at or after `since`, oldest first
/// (for the streak and today's count).
pub async fn answer_times(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    since: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    Ok(review_answer::Entity::find()
        .select_only()
        .column(review_answer::Column::AnsweredAt)
        .filter(review_answer::Column::UserId.eq(user_id))
        .filter(review_answer::Column::AnsweredAt.gte(since))
        .order_by_asc(review_answer::Column::AnsweredAt)
        .into_tuple()
        .all(db)
        .await?)
}

/// The learner's answers at or after `since`, oldest first.
pub async fn answers_since(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    since: OffsetDateTime,
) -> Result<Vec<review_answer::Model>, StoreError> {
    Ok(review_answer::Entity::find()
        .filter(review_answer::Column::UserId.eq(user_id))
        .filter(review_answer::Column::AnsweredAt.gte(since))
        .order_by_asc(review_answer::Column::AnsweredAt)
        .order_by_asc(review_answer::Column::Id)
        .all(db)
        .await?)
}

/// The latest answer to a card.
pub async fn last_answer(
    db: &impl ConnectionTrait,
    card_id: Uuid,
) -> Result<Option<review_answer::Model>, StoreError> {
    Ok(review_answer::Entity::find()
        .filter(review_answer::Column::CardId.eq(card_id))
        .order_by_desc(review_answer::Column::AnsweredAt)
        .order_by_desc(review_answer::Column::Id)
        .one(db)
        .await?)
}

/// Learners with cards that have started to fade by `now`, with the
/// competencies of those cards.
pub async fn fading(
    db: &impl ConnectionTrait,
    now: OffsetDateTime,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    Ok(review_card::Entity::find()
        .select_only()
        .column(review_card::Column::UserId)
        .column(review_card::Column::Competency)
        .filter(review_card::Column::FadesAt.lte(now))
        .distinct()
        .into_tuple()
        .all(db)
        .await?)
}

/// Fills `fades_at` for cards made before the column existed. Returns how
/// many cards it filled.
pub async fn fill_fades_at(db: &impl ConnectionTrait) -> Result<usize, StoreError> {
    use sea_orm::sea_query::Expr;
    let missing: Vec<(Uuid, OffsetDateTime, OffsetDateTime)> = review_card::Entity::find()
        .select_only()
        .column(review_card::Column::Id)
        .column(review_card::Column::LastReview)
        .column(review_card::Column::Due)
        .filter(review_card::Column::FadesAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    for (id, last_review, due) in &missing {
        review_card::Entity::update_many()
            .col_expr(
                review_card::Column::FadesAt,
                Expr::value(fades_at(*last_review, *due)),
            )
            .filter(review_card::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(missing.len())
}
