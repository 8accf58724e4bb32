//! Where a learner stands on their paths: enrolments, lessons read, and the
//! modules a manager assigned.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use sea_orm::sea_query::{Expr, SelectStatement, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::direct_read::{self, DirectReadError, DirectReader};
use super::entities::{assignment, enrolment, module_completion, module_feedback, quiz_attempt};
use super::feedback::FeedbackRow;
use super::{StoreError, new_id};
use crate::fixed_sql::FixedSql;

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

/// The modules whose lesson the learner has read, and those whose quiz
/// they have passed at least once (as `attempts::passed_modules`).
#[derive(Debug, Default)]
pub struct ReadAndPassed {
    pub read: BTreeSet<String>,
    pub passed: BTreeSet<String>,
}

impl ReadAndPassed {
    fn add(&mut self, kind: &str, module_id: String) {
        match kind {
            PASSED => self.passed.insert(module_id),
            _ => self.read.insert(module_id),
        };
    }
}

/// What each row of [`read_and_passed`] and [`read_passed_and_feedback`]
/// stands for, in its `kind` column.
const READ: &str = "read";
const PASSED: &str = "passed";
const FEEDBACK: &str = "feedback";

/// A `kind` as a fixed SQL literal rather than a bound value, so that every
/// branch of a union keeps one statement text and one type on either database.
fn kind(kind: &str) -> Expr {
    Expr::cust(format!("'{kind}'"))
}

/// The lessons the learner has read: `module_id` and `kind` (`'read'`).
fn read_rows(user_id: Uuid) -> Select<module_completion::Entity> {
    module_completion::Entity::find()
        .select_only()
        .column(module_completion::Column::ModuleId)
        .column_as(kind(READ), "kind")
        .filter(module_completion::Column::UserId.eq(user_id))
}

/// The quizzes the learner has passed at least once: `module_id` and
/// `kind` (`'passed'`), once per module.
///
/// Grouped rather than `DISTINCT`: PostgreSQL types the untyped NULLs of a
/// `DISTINCT` branch as text, which then cannot join the feedback branch's
/// columns in [`read_passed_and_feedback`].
fn passed_rows(user_id: Uuid) -> Select<quiz_attempt::Entity> {
    quiz_attempt::Entity::find()
        .select_only()
        .column(quiz_attempt::Column::ModuleId)
        .column_as(kind(PASSED), "kind")
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::Passed.eq(true))
        .group_by(quiz_attempt::Column::ModuleId)
}

/// The modules the learner has read and passed, in one statement: most
/// pages need both, so this saves a round trip to the database on each.
pub async fn read_and_passed(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<ReadAndPassed, StoreError> {
    let mut query = read_rows(user_id);
    QueryTrait::query(&mut query).union(UnionType::All, passed_rows(user_id).into_query());
    let rows: Vec<(String, String)> = query.into_tuple().all(db).await?;
    let mut done = ReadAndPassed::default();
    for (module_id, kind) in rows {
        done.add(&kind, module_id);
    }
    Ok(done)
}

/// The feedback columns that a [`read_passed_and_feedback`] row carries.
const FEEDBACK_COLUMNS: [module_feedback::Column; 5] = [
    module_feedback::Column::Usefulness,
    module_feedback::Column::Clarity,
    module_feedback::Column::Comment,
    module_feedback::Column::CreatedAt,
    module_feedback::Column::UpdatedAt,
];

/// One row of [`read_passed_and_feedback`]: a module read or passed (the
/// feedback columns empty), or the learner's feedback on the module asked for.
#[derive(FromQueryResult)]
pub(super) struct ReadPassedOrFeedback {
    module_id: String,
    kind: String,
    usefulness: Option<i16>,
    clarity: Option<i16>,
    comment: Option<String>,
    created_at: Option<OffsetDateTime>,
    updated_at: Option<OffsetDateTime>,
}

/// Adds empty feedback columns to a branch of [`read_passed_and_feedback`].
fn without_feedback<E: EntityTrait>(mut select: Select<E>) -> SelectStatement {
    for column in FEEDBACK_COLUMNS {
        select = select.column_as(Expr::cust("NULL"), column.as_str());
    }
    select.into_query()
}

/// [`read_passed_and_feedback`]'s statement. The feedback comes first: on
/// PostgreSQL its columns give the NULLs of the other branches their types.
fn read_passed_and_feedback_query(user_id: Uuid, module_id: &str) -> SelectStatement {
    let mut query = module_feedback::Entity::find()
        .select_only()
        .column(module_feedback::Column::ModuleId)
        .column_as(kind(FEEDBACK), "kind")
        .columns(FEEDBACK_COLUMNS)
        .filter(module_feedback::Column::UserId.eq(user_id))
        .filter(module_feedback::Column::ModuleId.eq(module_id))
        .into_query();
    query
        .union(UnionType::All, without_feedback(read_rows(user_id)))
        .union(UnionType::All, without_feedback(passed_rows(user_id)));
    query
}

/// [`read_passed_and_feedback_query`], rendered once per backend.
pub(super) static READ_PASSED_AND_FEEDBACK: FixedSql =
    FixedSql::new(|| read_passed_and_feedback_query(Uuid::nil(), ""));

/// The modules the learner has read and passed, and their feedback on
/// `module_id` if they gave any: what a lesson page shows, in one statement
/// (one round trip to the database instead of three) from SQL text
/// rendered once.
///
/// On SQLite the statement runs through `direct` (see
/// [`super::direct_read`]).
pub async fn read_passed_and_feedback(
    db: &impl ConnectionTrait,
    direct: Option<&DirectReader>,
    user_id: Uuid,
    module_id: &str,
) -> Result<(ReadAndPassed, Option<FeedbackRow>), StoreError> {
    let rows = direct_read::or_else(
        direct,
        "lesson progress",
        |connection| read_passed_and_feedback_directly(connection, user_id, module_id),
        async {
            // In placeholder order: the feedback branch, then read, then passed.
            let values = vec![
                user_id.into(),
                module_id.into(),
                user_id.into(),
                user_id.into(),
                true.into(),
            ];
            let statement = READ_PASSED_AND_FEEDBACK.bind(db.get_database_backend(), values);
            Ok(ReadPassedOrFeedback::find_by_statement(statement)
                .all(db)
                .await?)
        },
    )
    .await?;
    let mut done = ReadAndPassed::default();
    let mut feedback = None;
    for row in rows {
        if row.kind != FEEDBACK {
            done.add(&row.kind, row.module_id);
            continue;
        }
        // The columns are NOT NULL in the table, so a feedback row has them all.
        if let (
            Some(usefulness),
            Some(clarity),
            Some(comment),
            Some(created_at),
            Some(updated_at),
        ) = (
            row.usefulness,
            row.clarity,
            row.comment,
            row.created_at,
            row.updated_at,
        ) {
            feedback = Some(FeedbackRow {
                user_id,
                module_id: row.module_id,
                usefulness,
                clarity,
                comment,
                created_at,
                updated_at,
            });
        }
    }
    Ok((done, feedback))
}

/// The columns of [`READ_PASSED_AND_FEEDBACK`], in the order
/// [`read_passed_and_feedback_directly`] reads them (a test compares them
/// with the statement's).
#[cfg(test)]
pub(super) const READ_PASSED_AND_FEEDBACK_COLUMNS: [&str; 7] = [
    "module_id",
    "kind",
    "usefulness",
    "clarity",
    "comment",
    "created_at",
    "updated_at",
];

/// [`READ_PASSED_AND_FEEDBACK`] on a direct SQLite connection, with the
/// values bound as sqlx binds them (a UUID as 16 bytes, true as 1).
pub(super) fn read_passed_and_feedback_directly(
    connection: &Connection,
    user_id: Uuid,
    module_id: &str,
) -> Result<Vec<ReadPassedOrFeedback>, DirectReadError> {
    let mut statement = connection.prepare_cached(READ_PASSED_AND_FEEDBACK.sqlite())?;
    let user = user_id.as_bytes().as_slice();
    let mut rows = statement.query(rusqlite::params![user, module_id, user, user, true])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(ReadPassedOrFeedback {
            module_id: row.get(0)?,
            kind: row.get(1)?,
            usefulness: row.get(2)?,
            clarity: row.get(3)?,
            comment: row.get(4)?,
            created_at: direct_read::optional_timestamp(row, 5, "created_at")?,
            updated_at: direct_read::optional_timestamp(row, 6, "updated_at")?,
        });
    }
    Ok(found)
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
    db: &impl super::write_tx::WriteTx,
    user_id: Uuid,
    modules: &BTreeSet<String>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if modules.is_empty() {
        return Ok(());
    }
    let statement = assignment::Entity::update_many()
        .col_expr(
            assignment::Column::CompletedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(assignment::Column::UserId.eq(user_id))
        .filter(assignment::Column::ModuleId.is_in(modules.iter().cloned()))
        .filter(assignment::Column::CompletedAt.is_null())
        .build(db.backend());
    db.execute(statement).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    #[test]
    fn the_lesson_page_query_binds_its_values_where_the_built_query_has_them() {
        let user_id = Uuid::from_u128(7);
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let values = vec![
                user_id.into(),
                "cold-calling".into(),
                user_id.into(),
                user_id.into(),
                true.into(),
            ];
            let bound = READ_PASSED_AND_FEEDBACK.bind(backend, values);
            assert_eq!(
                bound,
                backend.build(&read_passed_and_feedback_query(user_id, "cold-calling"))
            );
            assert!(!bound.sql.contains("LIMIT"), "{}", bound.sql);
        }
    }
}
