//! Practice answers waiting for a rubric review, and the reviews given.
//! Reviews are only added: a later review of the same answer supersedes the
//! earlier one, and all are kept.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{practice_answer, rubric_review};
use super::{StoreError, new_id};

pub use super::entities::practice_answer::Model as PracticeRow;
pub use super::entities::rubric_review::Model as ReviewRow;

/// Practice answers of these role-plays ((module, name) pairs), of the given
/// learners when `learners` is `Some`, oldest first.
pub async fn practice_answers(
    db: &impl ConnectionTrait,
    roleplays: &[(String, String)],
    learners: Option<&[Uuid]>,
) -> Result<Vec<PracticeRow>, StoreError> {
    if roleplays.is_empty() {
        return Ok(Vec::new());
    }
    let modules: Vec<String> = roleplays.iter().map(|(m, _)| m.clone()).collect();
    let mut query = practice_answer::Entity::find()
        .filter(practice_answer::Column::ModuleId.is_in(modules))
        .order_by_asc(practice_answer::Column::SubmittedAt)
        .order_by_asc(practice_answer::Column::Id);
    if let Some(ids) = learners {
        query = query.filter(practice_answer::Column::UserId.is_in(ids.iter().copied()));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .filter(|p| {
            roleplays
                .iter()
                .any(|(m, r)| *m == p.module_id && *r == p.roleplay)
        })
        .collect())
}

pub async fn practice_answer(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<PracticeRow>, StoreError> {
    Ok(practice_answer::Entity::find_by_id(id).one(db).await?)
}

/// Every review of these answers, oldest first.
pub async fn reviews_of(
    db: &impl ConnectionTrait,
    answers: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<ReviewRow>, StoreError> {
    Ok(rubric_review::Entity::find()
        .filter(rubric_review::Column::PracticeAnswerId.is_in(answers))
        .order_by_asc(rubric_review::Column::ReviewedAt)
        .order_by_asc(rubric_review::Column::Id)
        .all(db)
        .await?)
}

/// A learner's practice answers, newest first.
pub async fn practice_of_learner(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<PracticeRow>, StoreError> {
    Ok(practice_answer::Entity::find()
        .filter(practice_answer::Column::UserId.eq(user_id))
        .order_by_desc(practice_answer::Column::SubmittedAt)
        .order_by_desc(practice_answer::Column::Id)
        .all(db)
        .await?)
}

pub struct NewReview {
    pub practice_answer_id: Uuid,
    pub reviewer_id: Uuid,
    pub scores_json: String,
    pub rubric_json: String,
    pub comment: String,
    pub reviewed_at: OffsetDateTime,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewReview) -> Result<ReviewRow, StoreError> {
    Ok(rubric_review::ActiveModel {
        id: Set(new_id()),
        practice_answer_id: Set(new.practice_answer_id),
        reviewer_id: Set(Some(new.reviewer_id)),
        scores: Set(new.scores_json),
        rubric: Set(new.rubric_json),
        comment: Set(new.comment),
        reviewed_at: Set(new.reviewed_at),
    }
    .insert(db)
    .await?)
}
