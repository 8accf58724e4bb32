//! Assignments a manager made: a module for a learner, due by a date.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::assignment;
use super::{StoreError, new_id};

pub use super::entities::assignment::Model as AssignmentRow;

/// Every assignment of these learners, oldest due first.
pub async fn of_users(
    db: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<AssignmentRow>, StoreError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::UserId.is_in(user_ids))
        .order_by_asc(assignment::Column::DueAt)
        .order_by_asc(assignment::Column::Id)
        .all(db)
        .await?)
}

/// The learner's open assignment of this module, when there is one.
pub async fn open_one(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Option<AssignmentRow>, StoreError> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(user_id))
        .filter(assignment::Column::ModuleId.eq(module_id))
        .filter(assignment::Column::CompletedAt.is_null())
        .one(db)
        .await?)
}

pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
    assigned_by: Uuid,
    due_at: OffsetDateTime,
    at: OffsetDateTime,
) -> Result<AssignmentRow, StoreError> {
    Ok(assignment::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        module_id: Set(module_id.to_owned()),
        assigned_by: Set(Some(assigned_by)),
        due_at: Set(due_at),
        assigned_at: Set(at),
        completed_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// Moves an open assignment's due date (a manager assigned it again).
pub async fn set_due(
    db: &impl ConnectionTrait,
    row: AssignmentRow,
    assigned_by: Uuid,
    due_at: OffsetDateTime,
) -> Result<AssignmentRow, StoreError> {
    let mut active = row.into_active_model();
    active.due_at = Set(due_at);
    active.assigned_by = Set(Some(assigned_by));
    Ok(active.update(db).await?)
}
