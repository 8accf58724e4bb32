//! Write transactions on one rusqlite connection, on SQLite only.
//!
//! SQLite has one writer at a time, so a write transaction is the serial
//! part of every submission (`store::write_turn`). Through sqlx, each of
//! its dozen statements is sent to the connection's worker thread and its
//! answer sent back, and between statements the task waits for its actix
//! worker to poll it again, behind whatever other requests that thread is
//! serving. The write turn is held all that time, so the turns, not the
//! CPU, set how many submissions a second the server takes
//! (docs/performance.md, quiz submissions).
//!
//! A [`DirectWriter`] is one read-write rusqlite connection per database
//! file, owned by its writer thread (`store::write_turn`). It is a
//! [`WriteTx`]: the code that records evidence runs on it unchanged, its
//! statements built by the same sea-orm code as through sqlx, each run at
//! once on that thread, so a transaction never waits between statements. Only this connection writes
//! through it, so its page cache stays warm from one transaction to the next.
//!
//! Values are bound as sqlx binds them (UUIDs as 16 bytes, times as RFC
//! 3339 text), so each path reads what the other wrote; a test writes the
//! same submission both ways and compares every row. Anything this code
//! cannot bind or read is an error: the transaction is rolled back and the
//! caller runs it again through sqlx ([`is_direct_write_error`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, Value as Owned, ValueRef};
use rusqlite::{CachedStatement, Connection, OpenFlags, Row, ToSql};
use sea_orm::sea_query::Value;
use sea_orm::{DbBackend, DbErr, Statement};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::attempts::{ATTEMPT_COLUMNS, AttemptRow, Tally, read_attempt};
use super::direct_read::{DirectReadError, optional_timestamp, timestamp, uuid};
use super::entities::evidence;
use super::review_cards::CardRow;
use super::standings::{self, Standing};
use super::write_tx::WriteTx;
use super::{StoreError, evidence as history};
use crate::competency::Evidence;

/// As long as sqlx's connections wait for another process's write lock
/// (`store::connect`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept: a submission sends about a dozen distinct ones.
const STATEMENT_CACHE: usize = 64;

/// Starts the message of every [`DbErr`] raised here, so that a caller can
/// tell it from an error of the sqlx path.
const PREFIX: &str = "direct SQLite write: ";

/// Why a direct write did not complete. Nothing it wrote is kept; the
/// caller runs the transaction again through sqlx, which reports any real
/// problem in the usual way.
#[derive(Debug, thiserror::Error)]
pub enum DirectWriteError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Read(#[from] DirectReadError),
    #[error("cannot bind {0} as sqlx would")]
    Unbindable(String),
    #[error("cannot start a thread: {0}")]
    Thread(String),
}

impl From<DirectWriteError> for StoreError {
    fn from(error: DirectWriteError) -> Self {
        Self::Database(DbErr::Custom(format!("{PREFIX}{error}")))
    }
}

/// An error a transaction's body may return: any store error converts into
/// it, and it shows the store error it holds, if any.
pub trait WriteError: From<StoreError> + std::fmt::Display {
    fn store_error(&self) -> Option<&StoreError>;
}

impl WriteError for StoreError {
    fn store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

/// True when `error` came from a direct write, not from the sqlx path.
pub fn is_direct_write_error(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(DbErr::Custom(message)) if message.starts_with(PREFIX))
}

/// One read-write connection to a SQLite file, used under the write turn.
#[derive(Debug)]
pub struct DirectWriter {
    // A mutex only because a `WriteTx` is shared by reference across
    // awaits; only the writer thread uses it.
    connection: Mutex<Connection>,
}

impl DirectWriter {
    /// Opens the file sqlx created and migrated, with the settings sqlx's
    /// connections use (WAL, synchronous=NORMAL, foreign keys, busy timeout).
    pub fn open(path: &Path) -> Result<Self, DirectWriteError> {
        let connection = open_read_write(path)?;
        connection.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves at worst an open
        // transaction, which the next `transaction` rolls back.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `body` in one write transaction on this connection, committed
    /// when it returns Ok and rolled back otherwise. `body` must write only
    /// through the writer it is given.
    #[cfg(test)]
    pub async fn transaction<T, E: WriteError>(
        &self,
        body: impl AsyncFnOnce(&Self) -> Result<T, E>,
    ) -> Result<T, E> {
        self.begin().map_err(StoreError::from)?;
        let result = body(self).await;
        self.end(result.is_ok()).map_err(StoreError::from)?;
        result
    }

    /// Begins a write transaction, taking the database's write lock (and
    /// waiting up to [`BUSY_TIMEOUT`] for another process to let it go).
    pub(super) fn begin(&self) -> Result<(), DirectWriteError> {
        let connection = self.connection();
        if connection.is_autocommit() {
            connection.execute_batch("BEGIN IMMEDIATE")?;
        } else {
            // Left open by a panic or a failed end.
            connection.execute_batch("ROLLBACK; BEGIN IMMEDIATE")?;
        }
        Ok(())
    }

    /// Commits (`keep`) or rolls back the transaction [`Self::begin`] began.
    pub(super) fn end(&self, keep: bool) -> Result<(), DirectWriteError> {
        let connection = self.connection();
        let end = if keep { "COMMIT" } else { "ROLLBACK" };
        if let Err(error) = connection.execute_batch(end) {
            if !connection.is_autocommit() {
                // A COMMIT that failed leaves the transaction open.
                let _ = connection.execute_batch("ROLLBACK");
            }
            return Err(error.into());
        }
        Ok(())
    }

    /// Leaves checkpoints to a `Checkpointer` until the log holds `pages`
    /// pages (SQLite checkpoints at 1,000).
    pub(super) fn checkpoint_after(&self, pages: u32) -> Result<(), DirectWriteError> {
        self.connection()
            .execute_batch(&format!("PRAGMA wal_autocheckpoint = {pages}"))?;
        Ok(())
    }

    /// Marks where one job of a transaction begins.
    pub(super) fn savepoint(&self) -> Result<(), DirectWriteError> {
        self.connection().execute_batch("SAVEPOINT job")?;
        Ok(())
    }

    /// Ends the job [`Self::savepoint`] marked, keeping what it wrote or
    /// undoing it.
    pub(super) fn release(&self, keep: bool) -> Result<(), DirectWriteError> {
        let sql = if keep {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        self.connection().execute_batch(sql)?;
        Ok(())
    }

    /// Runs `sql` with `values` bound and reads each row with `read`.
    fn rows<T>(
        &self,
        sql: &str,
        values: &[&dyn ToSql],
        read: impl Fn(&Row<'_>) -> Result<T, DirectWriteError>,
    ) -> Result<Vec<T>, DirectWriteError> {
        let connection = self.connection();
        let mut prepared = connection.prepare_cached(sql)?;
        for (index, value) in values.iter().enumerate() {
            prepared.raw_bind_parameter(index + 1, value)?;
        }
        let mut rows = prepared.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read(row)?);
        }
        Ok(out)
    }

    fn run(&self, statement: &Statement) -> Result<u64, DirectWriteError> {
        let connection = self.connection();
        let mut prepared: CachedStatement<'_> = connection.prepare_cached(&statement.sql)?;
        if let Some(values) = &statement.values {
            for (index, value) in values.0.iter().enumerate() {
                prepared.raw_bind_parameter(index + 1, bind(value)?)?;
            }
        }
        Ok(u64::try_from(prepared.raw_execute()?).unwrap_or(u64::MAX))
    }
}

/// A read-write connection to `path` for one thread at a time (NO_MUTEX),
/// waiting for another process's write lock as sqlx's connections do.
pub(super) fn open_read_write(path: &Path) -> Result<Connection, DirectWriteError> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// `value` as sqlx-sqlite binds it (sea-query-sqlx, then sqlx's `Encode`).
fn bind(value: &Value) -> Result<ToSqlOutput<'_>, DirectWriteError> {
    let null = || ToSqlOutput::Owned(Owned::Null);
    let integer = |i: Option<i64>| i.map_or_else(null, ToSqlOutput::from);
    Ok(match value {
        Value::Bool(b) => integer(b.map(i64::from)),
        Value::TinyInt(i) => integer(i.map(i64::from)),
        Value::SmallInt(i) => integer(i.map(i64::from)),
        Value::Int(i) => integer(i.map(i64::from)),
        Value::BigInt(i) => integer(*i),
        Value::TinyUnsigned(i) => integer(i.map(i64::from)),
        Value::SmallUnsigned(i) => integer(i.map(i64::from)),
        Value::Unsigned(i) => integer(i.map(i64::from)),
        Value::Float(f) => f.map_or_else(null, |f| ToSqlOutput::from(f64::from(f))),
        Value::Double(d) => d.map_or_else(null, ToSqlOutput::from),
        Value::String(s) => s.as_deref().map_or_else(null, |s| {
            ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
        }),
        Value::Bytes(b) => b
            .as_deref()
            .map_or_else(null, |b| ToSqlOutput::Borrowed(ValueRef::Blob(b))),
        Value::Uuid(u) => u.map_or_else(null, |u| {
            ToSqlOutput::Owned(Owned::Blob(u.as_bytes().to_vec()))
        }),
        Value::TimeDateTimeWithTimeZone(t) => match t {
            None => null(),
            Some(t) => ToSqlOutput::Owned(Owned::Text(
                t.format(&Rfc3339)
                    .map_err(|e| DirectWriteError::Unbindable(format!("{t}: {e}")))?,
            )),
        },
        other => return Err(DirectWriteError::Unbindable(format!("{other:?}"))),
    })
}

/// `?2, ?3, …` for `count` values after the first.
fn placeholders(count: usize) -> String {
    (2..count + 2)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of a review card, in [`read_card`]'s order.
const CARD_COLUMNS: &str = "id, user_id, module_id, question_id, competency, level, weight, \
     stability, difficulty, reps, lapses, last_rating, last_review, due, created_at, fades_at";

fn read_card(row: &Row<'_>) -> Result<CardRow, DirectWriteError> {
    Ok(CardRow {
        id: uuid(row, 0, "id")?,
        user_id: uuid(row, 1, "user_id")?,
        module_id: row.get(2)?,
        question_id: row.get(3)?,
        competency: row.get(4)?,
        level: row.get(5)?,
        weight: row.get(6)?,
        stability: row.get(7)?,
        difficulty: row.get(8)?,
        reps: row.get(9)?,
        lapses: row.get(10)?,
        last_rating: row.get(11)?,
        last_review: timestamp(row, 12, "last_review")?,
        due: timestamp(row, 13, "due")?,
        created_at: timestamp(row, 14, "created_at")?,
        fades_at: optional_timestamp(row, 15, "fades_at")?,
    })
}

impl WriteTx for DirectWriter {
    fn backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute(&self, statement: Statement) -> Result<u64, StoreError> {
        Ok(self.run(&statement)?)
    }

    async fn lock_learner(&self, _user_id: Uuid) -> Result<(), StoreError> {
        // The transaction began IMMEDIATE: it has the database's one write lock.
        Ok(())
    }

    async fn current_evidence(
        &self,
        user_id: Uuid,
        competencies: &BTreeSet<String>,
    ) -> Result<Vec<Evidence>, StoreError> {
        let sql = format!(
            "SELECT id, competency, level, score, weight, source, item, origin, recorded_at \
             FROM evidence WHERE id IN (SELECT evidence_id FROM current_evidence \
             WHERE user_id = ?1 AND competency IN ({}))",
            placeholders(competencies.len())
        );
        let user = user_id.as_bytes().as_slice();
        let mut values: Vec<&dyn ToSql> = vec![&user];
        values.extend(competencies.iter().map(|c| c as &dyn ToSql));
        let models = self.rows(&sql, &values, |row| {
            let origin: Option<Vec<u8>> = row.get(7)?;
            Ok(evidence::Model {
                id: uuid(row, 0, "id")?,
                user_id,
                competency: row.get(1)?,
                level: row.get(2)?,
                score: row.get(3)?,
                weight: row.get(4)?,
                source: row.get(5)?,
                item: row.get(6)?,
                origin: match origin {
                    None => None,
                    Some(_) => Some(uuid(row, 7, "origin")?),
                },
                recorded_at: timestamp(row, 8, "recorded_at")?,
            })
        })?;
        Ok(models
            .into_iter()
            .filter_map(history::to_evidence)
            .collect())
    }

    async fn open_attempt(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> Result<Option<AttemptRow>, StoreError> {
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE user_id = ?1 AND module_id = ?2 \
             AND submitted_at IS NULL ORDER BY number DESC LIMIT 1"
        );
        let rows = self.rows(&sql, &[&user_id.as_bytes().as_slice(), &module_id], |row| {
            Ok(read_attempt(row)?)
        })?;
        Ok(rows.into_iter().next())
    }

    async fn attempt_tally(&self, user_id: Uuid, module_id: &str) -> Result<Tally, StoreError> {
        let sql = "SELECT count(id), max(number), max(score) FROM quiz_attempts \
                   WHERE user_id = ?1 AND module_id = ?2";
        let rows = self.rows(sql, &[&user_id.as_bytes().as_slice(), &module_id], |row| {
            let last_number: Option<i32> = row.get(1)?;
            let best_score: Option<f64> = row.get(2)?;
            Ok(Tally {
                count: row.get(0)?,
                last_number: last_number.unwrap_or(0),
                best_score: best_score.unwrap_or(0.0),
            })
        })?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    async fn last_attempt_number(&self, user_id: Uuid, module_id: &str) -> Result<i32, StoreError> {
        let sql = "SELECT max(number) FROM quiz_attempts WHERE user_id = ?1 AND module_id = ?2";
        let rows = self.rows(sql, &[&user_id.as_bytes().as_slice(), &module_id], |row| {
            let last: Option<i32> = row.get(0)?;
            Ok(last.unwrap_or(0))
        })?;
        Ok(rows.into_iter().next().unwrap_or(0))
    }

    async fn review_cards(&self, user_id: Uuid) -> Result<Vec<CardRow>, StoreError> {
        let sql =
            format!("SELECT {CARD_COLUMNS} FROM review_cards WHERE user_id = ?1 ORDER BY due, id");
        Ok(self.rows(&sql, &[&user_id.as_bytes().as_slice()], read_card)?)
    }

    async fn carded_questions(
        &self,
        user_id: Uuid,
        module_id: &str,
    ) -> Result<HashSet<String>, StoreError> {
        let sql = "SELECT question_id FROM review_cards WHERE user_id = ?1 AND module_id = ?2";
        let ids = self.rows(sql, &[&user_id.as_bytes().as_slice(), &module_id], |row| {
            Ok(row.get(0)?)
        })?;
        Ok(ids.into_iter().collect())
    }

    async fn standings(&self, user_id: Uuid) -> Result<Vec<Standing>, StoreError> {
        let sql = "SELECT competency, level, mastery, evidence_count FROM competency_standings \
                   WHERE user_id = ?1 ORDER BY competency";
        Ok(self.rows(sql, &[&user_id.as_bytes().as_slice()], |row| {
            Ok(standings::from_row((
                user_id,
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
            )))
        })?)
    }

    async fn completions(
        &self,
        user_id: Uuid,
    ) -> Result<BTreeMap<String, OffsetDateTime>, StoreError> {
        let sql = "SELECT module_id, completed_at FROM module_completions WHERE user_id = ?1";
        let rows = self.rows(sql, &[&user_id.as_bytes().as_slice()], |row| {
            Ok((row.get(0)?, timestamp(row, 1, "completed_at")?))
        })?;
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

    use super::*;
    use crate::competency::{Source, item_key};
    use crate::domain::{AccessRole, Email, PersonName, Roles};
    use crate::store::attempts::{self, NewAttempt, Submission};
    use crate::store::entities::{
        assignment, competency_standing, current_evidence, learner_standing, quiz_attempt,
        review_card,
    };
    use crate::store::evidence::{self as evidence_store, NewEvidence};
    use crate::store::review_cards::{self, NewCard, Schedule};
    use crate::store::{assignments, connect, migrate, progress, users};

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_795_447_960 + seconds)
            .and_then(|t| t.replace_millisecond(125))
            .expect("a time")
    }

    fn result(competency: &str, level: u8, question: &str, score: f64) -> NewEvidence {
        NewEvidence {
            competency: competency.into(),
            level,
            score,
            weight: 2.0,
            source: Source::QuizQuestion,
            item: item_key::quiz("discovery", question),
            origin: None,
        }
    }

    fn card(question: &str, due_days: i64) -> (NewCard, Schedule) {
        (
            NewCard {
                module_id: "discovery".into(),
                question_id: question.into(),
                competency: "questioning".into(),
                level: 1,
                weight: 1.5,
            },
            Schedule {
                stability: 3.25,
                difficulty: 5.5,
                reps: 1,
                lapses: 0,
                last_rating: "good".into(),
                last_review: at(0),
                due: at(due_days * 86_400),
            },
        )
    }

    /// What one learner has a submission write, with ids and the learner
    /// left out so that two learners' rows can be compared.
    #[derive(Debug, PartialEq)]
    struct Written {
        attempt: (
            Option<OffsetDateTime>,
            Option<String>,
            Option<f64>,
            Option<bool>,
        ),
        evidence: Vec<(String, i16, String, String, Option<Uuid>, OffsetDateTime)>,
        current: Vec<(String, String, String)>,
        cards: Vec<(String, f64, f64, OffsetDateTime, Option<OffsetDateTime>)>,
        standings: Vec<(String, i16, String, i32, OffsetDateTime)>,
        document: Option<String>,
        assignment_done: Vec<Option<OffsetDateTime>>,
    }

    async fn written(db: &DatabaseConnection, user_id: Uuid, attempt_id: Uuid) -> Written {
        let attempt = quiz_attempt::Entity::find_by_id(attempt_id)
            .one(db)
            .await
            .expect("read")
            .expect("the attempt");
        let rows = crate::store::evidence::history(db, user_id)
            .await
            .expect("history");
        let by_id: HashMap<Uuid, &Evidence> = rows.iter().map(|r| (r.id, r)).collect();
        let mut evidence: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.competency.clone(),
                    i16::from(r.level),
                    format!("{} {}", r.score, r.weight),
                    r.item.clone(),
                    r.origin
                        .map(|o| if o == attempt_id { Uuid::nil() } else { o }),
                    r.recorded_at,
                )
            })
            .collect();
        evidence.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        let mut current: Vec<_> = current_evidence::Entity::find()
            .filter(current_evidence::Column::UserId.eq(user_id))
            .all(db)
            .await
            .expect("read")
            .into_iter()
            .map(|c| {
                let row = by_id
                    .get(&c.evidence_id)
                    .expect("current rows are evidence");
                (c.competency, c.item_key, format!("{}", row.score))
            })
            .collect();
        current.sort();
        let mut cards: Vec<_> = review_card::Entity::find()
            .filter(review_card::Column::UserId.eq(user_id))
            .all(db)
            .await
            .expect("read")
            .into_iter()
            .map(|c| (c.question_id, c.stability, c.weight, c.due, c.fades_at))
            .collect();
        cards.sort_by(|a, b| a.0.cmp(&b.0));
        let mut standings: Vec<_> = competency_standing::Entity::find()
            .filter(competency_standing::Column::UserId.eq(user_id))
            .all(db)
            .await
            .expect("read")
            .into_iter()
            .map(|s| {
                (
                    s.competency,
                    s.level,
                    s.mastery,
                    s.evidence_count,
                    s.computed_at,
                )
            })
            .collect();
        standings.sort_by(|a, b| a.0.cmp(&b.0));
        let document = learner_standing::Entity::find_by_id(user_id)
            .one(db)
            .await
            .expect("read")
            .map(|l| l.standings);
        let assignment_done = assignment::Entity::find()
            .filter(assignment::Column::UserId.eq(user_id))
            .all(db)
            .await
            .expect("read")
            .into_iter()
            .map(|a| a.completed_at)
            .collect();
        Written {
            attempt: (
                attempt.submitted_at,
                attempt.result,
                attempt.score,
                attempt.passed,
            ),
            evidence,
            current,
            cards,
            standings,
            document,
            assignment_done,
        }
    }

    /// Two transactions as a submission writes them, then a retake that
    /// supersedes one result, all through `tx`.
    async fn submit_twice(
        tx: &impl WriteTx,
        user_id: Uuid,
        attempt_id: Uuid,
    ) -> Result<bool, StoreError> {
        let landed = attempts::submit(
            tx,
            attempt_id,
            Submission {
                submitted_at: at(60),
                duration_seconds: 60,
                answers_json: r#"{"q1":[0]}"#.into(),
                result_json: r#"[{"id":"q1","score":1.0,"correct":true}]"#.into(),
                score: 0.75,
                passed: true,
            },
        )
        .await?;
        if !landed {
            return Ok(false);
        }
        let mut first: Vec<NewEvidence> = vec![
            result("questioning", 1, "q1", 1.0),
            result("questioning", 1, "q2", 0.5),
            result("listening", 2, "q3", 0.0),
        ];
        for row in &mut first {
            row.origin = Some(attempt_id);
        }
        evidence_store::record(tx, user_id, first, at(60)).await?;
        review_cards::insert_all(tx, user_id, vec![card("q1", 3), card("q2", -40)], at(60)).await?;
        if tx.completions(user_id).await?.contains_key("discovery") {
            progress::complete_assignments(tx, user_id, &["discovery".to_owned()].into(), at(60))
                .await?;
        }
        let retake = vec![
            result("questioning", 1, "q2", 1.0),
            result("closing", 3, "q4", 0.25),
        ];
        evidence_store::record(tx, user_id, retake, at(120)).await?;
        Ok(true)
    }

    async fn learner(db: &DatabaseConnection, email: &str) -> (Uuid, Uuid) {
        let user = users::create(
            db,
            users::NewUser {
                email: Email::parse(email).expect("e-mail"),
                name: PersonName::parse("Léa 李").expect("name"),
                roles: Roles::new([AccessRole::Learner]),
                job_role: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
        )
        .await
        .expect("create a learner");
        progress::complete_module(db, user.id, "discovery", at(0))
            .await
            .expect("read the lesson");
        assignments::insert(db, user.id, "discovery", user.id, at(86_400), at(0))
            .await
            .expect("assign");
        let attempt = attempts::insert(
            db,
            NewAttempt {
                user_id: user.id,
                module_id: "discovery".into(),
                number: 1,
                language: "en".into(),
                questions_json: "[]".into(),
                started_at: at(0),
            },
        )
        .await
        .expect("start an attempt");
        (user.id, attempt.id)
    }

    /// A new SQLite file in its own temporary folder, migrated: the folder,
    /// the file and a pool.
    async fn migrated_database() -> (PathBuf, PathBuf, DatabaseConnection) {
        let dir = std::env::temp_dir().join(format!("salesdojo-write-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let file = dir.join("write.db");
        let db = connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .expect("open the database");
        migrate(&db).await.expect("migrate");
        (dir, file, db)
    }

    /// The same writes through the direct writer and through a sqlx
    /// transaction leave the same rows, and the direct path completes
    /// without falling back.
    #[tokio::test]
    async fn writes_what_sqlx_writes() {
        let (dir, file, db) = migrated_database().await;
        let (direct_user, direct_attempt) = learner(&db, "direct@example.com").await;
        let (sqlx_user, sqlx_attempt) = learner(&db, "sqlx@example.com").await;

        let writer = DirectWriter::open(&file).expect("open a direct writer");
        let landed = writer
            .transaction(async |tx| submit_twice(tx, direct_user, direct_attempt).await)
            .await
            .expect("the direct path writes it all");
        assert!(landed);
        let tx = db.begin().await.expect("begin");
        assert!(
            submit_twice(&tx, sqlx_user, sqlx_attempt)
                .await
                .expect("the sqlx path writes it all")
        );
        tx.commit().await.expect("commit");

        let direct = written(&db, direct_user, direct_attempt).await;
        assert_eq!(direct.evidence.len(), 5, "{direct:#?}");
        assert_eq!(direct.cards.len(), 2);
        assert_eq!(direct.standings.len(), 3);
        assert_eq!(direct.assignment_done, vec![Some(at(60))]);
        assert_eq!(direct, written(&db, sqlx_user, sqlx_attempt).await);

        // The attempt reads back the same directly as through sqlx.
        let reader = crate::store::direct_read::DirectReader::for_database(&db).expect("a reader");
        let through_sqlx = super::super::attempts::find(&db, direct_attempt)
            .await
            .expect("find");
        assert!(
            through_sqlx
                .as_ref()
                .is_some_and(|a| a.submitted_at.is_some())
        );
        let read_directly = super::super::attempts::find_via(&db, Some(&reader), direct_attempt)
            .await
            .expect("find directly");
        assert_eq!(read_directly, through_sqlx);

        // A second submission of the same attempt lands nowhere.
        let again = writer
            .transaction(async |tx| submit_twice(tx, direct_user, direct_attempt).await)
            .await;
        assert!(matches!(again, Ok(false)), "{again:?}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn a_failed_body_writes_nothing_and_the_writer_goes_on() {
        let (dir, file, db) = migrated_database().await;
        let (user_id, attempt_id) = learner(&db, "lea@example.com").await;
        let writer = DirectWriter::open(&file).expect("open a direct writer");
        let failed: Result<(), StoreError> = writer
            .transaction(async |tx| {
                evidence_store::record(
                    tx,
                    user_id,
                    vec![result("questioning", 1, "q1", 1.0)],
                    at(60),
                )
                .await?;
                // A statement this writer cannot bind.
                tx.execute(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "SELECT ?",
                    [Value::Json(None)],
                ))
                .await?;
                Ok(())
            })
            .await;
        let error = failed.expect_err("the body failed");
        assert!(is_direct_write_error(&error), "{error}");
        assert!(error.to_string().contains("cannot bind"), "{error}");
        assert!(
            crate::store::evidence::history(&db, user_id)
                .await
                .expect("history")
                .is_empty(),
            "the rolled-back evidence must not be there"
        );
        let landed = writer
            .transaction(async |tx| submit_twice(tx, user_id, attempt_id).await)
            .await
            .expect("the next transaction runs");
        assert!(landed);
        std::fs::remove_dir_all(dir).ok();
    }
}
