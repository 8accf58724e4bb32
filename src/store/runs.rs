//! Role-play runs and the practice answers written during them. A choice is
//! applied with optimistic locking on the run's version, so two choices sent
//! at once cannot both move the same run.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{practice_answer, roleplay_run};
use super::{StoreError, new_id};

pub use practice_answer::Model as PracticeRow;
pub use roleplay_run::Model as RunRow;

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<RunRow>, StoreError> {
    Ok(roleplay_run::Entity::find_by_id(id).one(db).await?)
}

pub struct NewRun {
    pub user_id: Uuid,
    pub module_id: String,
    pub roleplay: String,
    pub language: String,
    pub scene: String,
    pub started_at: OffsetDateTime,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewRun) -> Result<RunRow, StoreError> {
    Ok(roleplay_run::ActiveModel {
        id: Set(new_id()),
        user_id: Set(new.user_id),
        module_id: Set(new.module_id),
        roleplay: Set(new.roleplay),
        language: Set(new.language),
        scene: Set(new.scene),
        steps: Set("[]".to_owned()),
        version: Set(0),
        started_at: Set(new.started_at),
        finished_at: Set(None),
        outcome: Set(None),
        scores: Set(None),
    }
    .insert(db)
    .await?)
}

pub struct RunUpdate {
    pub scene: String,
    pub steps_json: String,
    pub finished_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
    pub scores_json: Option<String>,
}

/// Moves a run that is still unfinished and at `version`; false (nothing
/// written) when another request moved or finished it first.
pub async fn advance(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    update: RunUpdate,
) -> Result<bool, StoreError> {
    let updated = roleplay_run::Entity::update_many()
        .col_expr(roleplay_run::Column::Scene, Expr::value(update.scene))
        .col_expr(roleplay_run::Column::Steps, Expr::value(update.steps_json))
        .col_expr(roleplay_run::Column::Version, Expr::value(version + 1))
        .col_expr(
            roleplay_run::Column::FinishedAt,
            Expr::value(update.finished_at),
        )
        .col_expr(roleplay_run::Column::Outcome, Expr::value(update.outcome))
        .col_expr(
            roleplay_run::Column::Scores,
            Expr::value(update.scores_json),
        )
        .filter(roleplay_run::Column::Id.eq(id))
        .filter(roleplay_run::Column::Version.eq(version))
        .filter(roleplay_run::Column::FinishedAt.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

pub struct NewPractice {
    pub run_id: Uuid,
    pub user_id: Uuid,
    pub module_id: String,
    pub roleplay: String,
    pub scene_id: String,
    pub text: String,
    pub submitted_at: OffsetDateTime,
}

pub async fn insert_practice(
    db: &impl ConnectionTrait,
    new: NewPractice,
) -> Result<PracticeRow, StoreError> {
    Ok(practice_answer::ActiveModel {
        id: Set(new_id()),
        run_id: Set(new.run_id),
        user_id: Set(new.user_id),
        module_id: Set(new.module_id),
        roleplay: Set(new.roleplay),
        scene_id: Set(new.scene_id),
        text: Set(new.text),
        submitted_at: Set(new.submitted_at),
    }
    .insert(db)
    .await?)
}

pub async fn practice_of_run(
    db: &impl ConnectionTrait,
    run_id: Uuid,
) -> Result<Vec<PracticeRow>, StoreError> {
    Ok(practice_answer::Entity::find()
        .filter(practice_answer::Column::RunId.eq(run_id))
        .order_by_asc(practice_answer::Column::SubmittedAt)
        .order_by_asc(practice_answer::Column::Id)
        .all(db)
        .await?)
}

/// The learner's runs of one role-play, newest first.
pub async fn for_roleplay(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
    roleplay: &str,
) -> Result<Vec<RunRow>, StoreError> {
    Ok(roleplay_run::Entity::find()
        .filter(roleplay_run::Column::UserId.eq(user_id))
        .filter(roleplay_run::Column::ModuleId.eq(module_id))
        .filter(roleplay_run::Column::Roleplay.eq(roleplay))
        .order_by_desc(roleplay_run::Column::StartedAt)
        .order_by_desc(roleplay_run::Column::Id)
        .all(db)
        .await?)
}

/// The learner's latest finished runs, newest first.
pub async fn recent_finished(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    limit: u64,
) -> Result<Vec<RunRow>, StoreError> {
    Ok(roleplay_run::Entity::find()
        .filter(roleplay_run::Column::UserId.eq(user_id))
        .filter(roleplay_run::Column::FinishedAt.is_not_null())
        .order_by_desc(roleplay_run::Column::FinishedAt)
        .order_by_desc(roleplay_run::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Every run of one role-play, oldest first (item analysis keeps each
/// learner's first).
pub async fn all_of_roleplay(
    db: &impl ConnectionTrait,
    module_id: &str,
    roleplay: &str,
) -> Result<Vec<RunRow>, StoreError> {
    Ok(roleplay_run::Entity::find()
        .filter(roleplay_run::Column::ModuleId.eq(module_id))
        .filter(roleplay_run::Column::Roleplay.eq(roleplay))
        .order_by_asc(roleplay_run::Column::StartedAt)
        .order_by_asc(roleplay_run::Column::Id)
        .all(db)
        .await?)
}

/// A learner's runs, started at or after `since` when given, oldest first (exports).
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    since: Option<OffsetDateTime>,
) -> Result<Vec<RunRow>, StoreError> {
    let mut query = roleplay_run::Entity::find()
        .filter(roleplay_run::Column::UserId.eq(user_id))
        .order_by_asc(roleplay_run::Column::StartedAt)
        .order_by_asc(roleplay_run::Column::Id);
    if let Some(since) = since {
        query = query.filter(roleplay_run::Column::StartedAt.gte(since));
    }
    Ok(query.all(db).await?)
}
