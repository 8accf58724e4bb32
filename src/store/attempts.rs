//! Quiz attempts. An attempt is created when the learner starts the quiz and
//! submitted once; a submission only lands on an attempt not yet submitted,
//! so sending it again changes nothing.

use std::collections::BTreeSet;

use rusqlite::{Connection, Row};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::direct_read::{
    self, DirectReadError, DirectReader, optional_timestamp, timestamp, uuid,
};
use super::entities::quiz_attempt;
use super::first_row::first_row;
use super::{StoreError, new_id};

pub use quiz_attempt::Model as AttemptRow;

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<AttemptRow>, StoreError> {
    first_row(db, quiz_attempt::Entity::find_by_id(id)).await
}

/// [`find`], on SQLite through `direct` (see [`super::direct_read`]):
/// every submission looks its attempt up first.
pub async fn find_via(
    db: &impl ConnectionTrait,
    direct: Option<&DirectReader>,
    id: Uuid,
) -> Result<Option<AttemptRow>, StoreError> {
    direct_read::or_else(
        direct,
        "attempt",
        |connection| find_directly(connection, id),
        find(db, id),
    )
    .await
}

fn find_directly(connection: &Connection, id: Uuid) -> Result<Option<AttemptRow>, DirectReadError> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE id = ?1");
    let mut statement = connection.prepare_cached(&sql)?;
    let mut rows = statement.query([id.as_bytes().as_slice()])?;
    match rows.next()? {
        Some(row) => Ok(Some(read_attempt(row)?)),
        None => Ok(None),
    }
}

/// The columns of an attempt, in [`read_attempt`]'s order.
pub(super) const ATTEMPT_COLUMNS: &str = "id, user_id, module_id, number, language, questions, \
     started_at, submitted_at, duration_seconds, answers, result, score, passed";

/// An attempt from a row of [`ATTEMPT_COLUMNS`], read as sqlx wrote it.
pub(super) fn read_attempt(row: &Row<'_>) -> Result<AttemptRow, DirectReadError> {
    Ok(AttemptRow {
        id: uuid(row, 0, "id")?,
        user_id: uuid(row, 1, "user_id")?,
        module_id: row.get(2)?,
        number: row.get(3)?,
        language: row.get(4)?,
        questions: row.get(5)?,
        started_at: timestamp(row, 6, "started_at")?,
        submitted_at: optional_timestamp(row, 7, "submitted_at")?,
        duration_seconds: row.get(8)?,
        answers: row.get(9)?,
        result: row.get(10)?,
        score: row.get(11)?,
        passed: row.get(12)?,
    })
}

/// The learner's attempts at one module's quiz, first attempt first.
pub async fn for_module(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Vec<AttemptRow>, StoreError> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::ModuleId.eq(module_id))
        .order_by_asc(quiz_attempt::Column::Number)
        .all(db)
        .await?)
}

/// The learner's open (started, not submitted) attempt at a module's quiz,
/// the latest if there are several.
pub async fn open_for_module(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Option<AttemptRow>, StoreError> {
    first_row(
        db,
        quiz_attempt::Entity::find()
            .filter(quiz_attempt::Column::UserId.eq(user_id))
            .filter(quiz_attempt::Column::ModuleId.eq(module_id))
            .filter(quiz_attempt::Column::SubmittedAt.is_null())
            .order_by_desc(quiz_attempt::Column::Number),
    )
    .await
}

/// What starting an attempt needs to know of the earlier ones, without
/// reading them: how many there are, the highest number and the best score.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub count: i64,
    pub last_number: i32,
    pub best_score: f64,
}

pub async fn tally(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<Tally, StoreError> {
    let rows: Vec<(i64, Option<i32>, Option<f64>)> = quiz_attempt::Entity::find()
        .select_only()
        .column_as(quiz_attempt::Column::Id.count(), "count")
        .column_as(quiz_attempt::Column::Number.max(), "last_number")
        .column_as(quiz_attempt::Column::Score.max(), "best_score")
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::ModuleId.eq(module_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .next()
        .map_or_else(Tally::default, |(count, last_number, best_score)| Tally {
            count,
            last_number: last_number.unwrap_or(0),
            best_score: best_score.unwrap_or(0.0),
        }))
}

/// The number of the learner's latest attempt at a module's quiz, 0 if
/// none. Unlike [`tally`], it costs the same however many attempts there
/// are (the largest number is read from the index).
pub async fn last_number(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    module_id: &str,
) -> Result<i32, StoreError> {
    let rows: Vec<Option<i32>> = quiz_attempt::Entity::find()
        .select_only()
        .column_as(quiz_attempt::Column::Number.max(), "last_number")
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::ModuleId.eq(module_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().next().unwrap_or(0))
}

#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub user_id: Uuid,
    pub module_id: String,
    pub number: i32,
    pub language: String,
    pub questions_json: String,
    pub started_at: OffsetDateTime,
}

/// Stores a started attempt. Two attempts with the same number break the
/// unique index: through sqlx, the caller sees [`StoreError::is_unique_violation`].
pub async fn insert(
    db: &impl super::write_tx::WriteTx,
    new: NewAttempt,
) -> Result<AttemptRow, StoreError> {
    let row = AttemptRow {
        id: new_id(),
        user_id: new.user_id,
        module_id: new.module_id,
        number: new.number,
        language: new.language,
        questions: new.questions_json,
        started_at: new.started_at,
        submitted_at: None,
        duration_seconds: None,
        answers: None,
        result: None,
        score: None,
        passed: None,
    };
    let statement = quiz_attempt::Entity::insert(quiz_attempt::ActiveModel::from(row.clone()))
        .build(db.backend());
    db.execute(statement).await?;
    Ok(row)
}

#[derive(Debug, Clone)]
pub struct Submission {
    pub submitted_at: OffsetDateTime,
    pub duration_seconds: i32,
    pub answers_json: String,
    pub result_json: String,
    pub score: f64,
    pub passed: bool,
}

/// Stores the result of an attempt that has not been submitted yet; false
/// (and nothing written) when it already has been. As the first write of a
/// transaction, this row lock also orders concurrent submissions.
pub async fn submit(
    db: &impl super::write_tx::WriteTx,
    id: Uuid,
    submission: Submission,
) -> Result<bool, StoreError> {
    let statement = quiz_attempt::Entity::update_many()
        .col_expr(
            quiz_attempt::Column::SubmittedAt,
            Expr::value(submission.submitted_at),
        )
        .col_expr(
            quiz_attempt::Column::DurationSeconds,
            Expr::value(submission.duration_seconds),
        )
        .col_expr(
            quiz_attempt::Column::Answers,
            Expr::value(submission.answers_json),
        )
        .col_expr(
            quiz_attempt::Column::Result,
            Expr::value(submission.result_json),
        )
        .col_expr(quiz_attempt::Column::Score, Expr::value(submission.score))
        .col_expr(quiz_attempt::Column::Passed, Expr::value(submission.passed))
        .filter(quiz_attempt::Column::Id.eq(id))
        .filter(quiz_attempt::Column::SubmittedAt.is_null())
        .build(db.backend());
    Ok(db.execute(statement).await? == 1)
}

/// The learner's latest submitted attempts, any module, newest first.
pub async fn recent_submitted(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    limit: u64,
) -> Result<Vec<AttemptRow>, StoreError> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::SubmittedAt.is_not_null())
        .order_by_desc(quiz_attempt::Column::SubmittedAt)
        .order_by_desc(quiz_attempt::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Modules whose quiz the learner has passed at least once.
pub async fn passed_modules(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<BTreeSet<String>, StoreError> {
    let rows: Vec<String> = quiz_attempt::Entity::find()
        .select_only()
        .column(quiz_attempt::Column::ModuleId)
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::Passed.eq(true))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Submitted first attempts (number 1) at a module's quiz, oldest first:
/// what item analysis reads.
pub async fn first_submitted(
    db: &impl ConnectionTrait,
    module_id: &str,
) -> Result<Vec<AttemptRow>, StoreError> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::ModuleId.eq(module_id))
        .filter(quiz_attempt::Column::Number.eq(1))
        .filter(quiz_attempt::Column::SubmittedAt.is_not_null())
        .order_by_asc(quiz_attempt::Column::SubmittedAt)
        .all(db)
        .await?)
}

/// How many learners submitted a first attempt, per module.
pub async fn first_attempt_counts(
    db: &impl ConnectionTrait,
) -> Result<std::collections::BTreeMap<String, i64>, StoreError> {
    use sea_orm::QuerySelect;
    let rows: Vec<(String, i64)> = quiz_attempt::Entity::find()
        .select_only()
        .column(quiz_attempt::Column::ModuleId)
        .column_as(quiz_attempt::Column::Id.count(), "n")
        .filter(quiz_attempt::Column::Number.eq(1))
        .filter(quiz_attempt::Column::SubmittedAt.is_not_null())
        .group_by(quiz_attempt::Column::ModuleId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A learner's submitted attempts, submitted at or after `since` when given,
/// oldest first (exports).
pub async fn submitted_of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    since: Option<OffsetDateTime>,
) -> Result<Vec<AttemptRow>, StoreError> {
    let mut query = quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::SubmittedAt.is_not_null())
        .order_by_asc(quiz_attempt::Column::SubmittedAt);
    if let Some(since) = since {
        query = query.filter(quiz_attempt::Column::SubmittedAt.gte(since));
    }
    Ok(query.all(db).await?)
}
