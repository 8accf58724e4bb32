//! Where a learner stands on their paths: enrolments, lessons read, and the
//! modules a manager assigned.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{assignment, enrolment, module_completion};
use super::{StoreError, new_id};

/// The learner's enrolments: path id -> when they were enrolled.
pub async fn enrolments(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<BTreeMap<String, OffsetDateTime>, StoreError> {
    Ok(enrolment::Entity::find()
        .filter(enrolment::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.path_id, e.enrolled_at))
        .collect())
}

/// Enrols the learner in each of `paths` they are not enrolled in yet,
/// dated `at`; existing enrolments keep their date (and so their due dates).
pub async fn enrol(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    paths: &[String],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if paths.is_empty() {
        return Ok(());
    }
    let rows = paths.iter().map(|path| enrolment::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        path_id: Set(path.clone()),
        enrolled_at: Set(at),
    });
    enrolment::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([enrolment::Column::UserId, enrolment::Column::PathId])
        .exec(db)
        .await?;
    Ok(())
}

/// Records a lesson as read; false when it already was (nothing changes).
pub async fn complete_module(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let inserted = module_completion::Entity::insert(module_completion::ActiveModel {
        user_id: Set(user_id),
        module_id: Set(module_id.to_owned()),
        completed_at: Set(at),
    })
    .on_conflict_do_nothing_on([
        module_completion::Column::UserId,
        module_completion::Column::ModuleId,
    ])
    .exec(db)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

/// Lessons the learner has read: module id -> when.
pub async fn completions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<BTreeMap<String, OffsetDateTime>, StoreError> {
    Ok(module_completion::Entity::find()
        .filter(module_completion::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.module_id, c.completed_at))
        .collect())
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: Uuid,
    pub module_id: String,
    pub assigned_by: Option<Uuid>,
    pub due_at: OffsetDateTime,
    pub assigned_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
}

/// The learner's assignments, open ones first, then by due date.
pub async fn assignments(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Assignment>, StoreError> {
    let mut list: Vec<Assignment> = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(user_id))
        .order_by_asc(assignment::Column::DueAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| Assignment {
            id: a.id,
            module_id: a.module_id,
            assigned_by: a.assigned_by,
            due_at: a.due_at,
            assigned_at: a.assigned_at,
            completed_at: a.completed_at,
        })
        .collect();
    list.sort_by_key(|a| (a.completed_at.is_some(), a.due_at));
    Ok(list)
}

/// Closes the learner's open assignments of these modules (they are done).
pub async fn complete_assignments(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    modules: &BTreeSet<String>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if modules.is_empty() {
        return Ok(());
    }
    assignment::Entity::update_many()
        .col_expr(
            assignment::Column::CompletedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(assignment::Column::UserId.eq(user_id))
        .filter(assignment::Column::ModuleId.is_in(modules.iter().cloned()))
        .filter(assignment::Column::CompletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
