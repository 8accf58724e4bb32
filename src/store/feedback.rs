//! Learners' course feedback: one row per learner and module, replaced when
//! the learner edits it.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use super::StoreError;
use super::entities::module_feedback;
use super::first_row::first_row;

pub use super::entities::module_feedback::Model as FeedbackRow;

/// Stores the learner's feedback on a module, replacing an earlier one (its
/// first date is kept).
pub async fn upsert(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
    usefulness: i16,
    clarity: i16,
    comment: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    module_feedback::Entity::insert(module_feedback::ActiveModel {
        user_id: Set(user_id),
        module_id: Set(module_id.to_owned()),
        usefulness: Set(usefulness),
        clarity: Set(clarity),
        comment: Set(comment.to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([
            module_feedback::Column::UserId,
            module_feedback::Column::ModuleId,
        ])
        .update_columns([
            module_feedback::Column::Usefulness,
            module_feedback::Column::Clarity,
            module_feedback::Column::Comment,
            module_feedback::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// The learner's feedback on a module, if they gave any.
pub async fn of_learner(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Option<FeedbackRow>, StoreError> {
    first_row(
        db,
        module_feedback::Entity::find_by_id((user_id, module_id.to_owned())),
    )
    .await
}

/// Every learner's feedback on a module, newest first.
pub async fn of_module(
    db: &impl ConnectionTrait,
    module_id: &str,
) -> Result<Vec<FeedbackRow>, StoreError> {
    Ok(module_feedback::Entity::find()
        .filter(module_feedback::Column::ModuleId.eq(module_id))
        .order_by_desc(module_feedback::Column::UpdatedAt)
        .all(db)
        .await?)
}

/// All feedback, for the overview of every module.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<FeedbackRow>, StoreError> {
    Ok(module_feedback::Entity::find().all(db).await?)
}
