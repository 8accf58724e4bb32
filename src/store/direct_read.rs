//! Reads that run on the request's own thread, on SQLite only.
//!
//! sqlx runs each SQLite connection on a worker thread of its own: every
//! query is sent to that thread and its rows sent back, two thread wake-ups
//! that cost more CPU than the lookup itself (docs/performance.md, lesson
//! page). The few reads that almost every request makes (who is calling,
//! what a lesson page shows) therefore go through read-only connections
//! used directly on the calling thread. A primary-key lookup there takes
//! microseconds, and in WAL mode a reader never waits for a writer, so the
//! request's thread is not held up in any way that matters.
//!
//! Everything here is an optimisation with the same answers as the regular
//! sea-orm query: callers fall back to that query on any error (a busy
//! database, a value this code cannot decode), so error handling, 503s and
//! logging stay where they are. Each statement runs in its own read
//! transaction and sees every commit made before it began: a logout or a
//! role change shows at the next request, as through sqlx.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Row};
use sea_orm::{DatabaseConnection, DbBackend};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::StoreError;

/// How long a read waits for a lock before giving up (and the caller
/// using sqlx instead). Readers in WAL mode wait only in rare moments, such
/// as a connection recovering the WAL after a crash.
const BUSY_TIMEOUT: Duration = Duration::from_millis(100);

/// Idle connections kept for reuse; more are opened when more threads read
/// at once, and closed when they come back to a full shelf.
const KEEP_IDLE: usize = 8;

/// Why a direct read gave no answer; the caller then asks sqlx.
#[derive(Debug, thiserror::Error)]
pub enum DirectReadError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("column `{column}` holds a value this server cannot read: {why}")]
    Decode { column: &'static str, why: String },
}

/// Read-only connections to one SQLite database file.
pub struct DirectReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl DirectReader {
    /// A reader for the SQLite file `db` is connected to; None for
    /// PostgreSQL and for an in-memory SQLite database.
    pub fn for_database(db: &DatabaseConnection) -> Option<Self> {
        let path = sqlite_file(db)?;
        path.is_file().then(|| Self::new(path))
    }

    fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection (opening one if none is idle) and
    /// puts the connection back.
    pub fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, DirectReadError>,
    ) -> Result<T, DirectReadError> {
        let taken = self.idle().pop();
        let connection = match taken {
            Some(connection) => connection,
            None => open(&self.path)?,
        };
        let result = read(&connection);
        let mut idle = self.idle();
        if idle.len() < KEEP_IDLE {
            idle.push(connection);
        }
        result
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A panic while holding the lock leaves only a list of connections.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The file `db` is connected to when it is SQLite (`:memory:` for an
/// in-memory database); None for PostgreSQL.
pub fn sqlite_file(db: &DatabaseConnection) -> Option<PathBuf> {
    (db.get_database_backend() == DbBackend::Sqlite).then(|| {
        db.get_sqlite_connection_pool()
            .connect_options()
            .get_filename()
            .to_path_buf()
    })
}

fn open(path: &Path) -> Result<Connection, DirectReadError> {
    // NO_MUTEX: a connection is used by one thread at a time (it is taken
    // off the shelf), so SQLite's own per-connection lock is not needed.
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// Answers from `reader` when there is one and it can, else from
/// `fallback` (the same query through sea-orm), which also runs when the
/// database is PostgreSQL or in memory.
pub async fn or_else<T>(
    reader: Option<&DirectReader>,
    what: &'static str,
    read: impl FnOnce(&Connection) -> Result<T, DirectReadError>,
    fallback: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    if let Some(reader) = reader {
        match reader.with(read) {
            Ok(answer) => return Ok(answer),
            Err(error) => {
                tracing::warn!(%error, what, "direct SQLite read failed; reading through sqlx")
            }
        }
    }
    fallback.await
}

/// The UUID in column `index` (named `column`), stored by sqlx as 16 bytes.
///
/// Columns are read by position: finding one by name compares it with
/// every column's name, which was a measurable share of a page's CPU. Each
/// caller lists its statement's columns in order, and a test checks that
/// list against the statement.
pub fn uuid(row: &Row<'_>, index: usize, column: &'static str) -> Result<Uuid, DirectReadError> {
    let bytes: Vec<u8> = row.get(index)?;
    Uuid::from_slice(&bytes).map_err(|e| DirectReadError::Decode {
        column,
        why: e.to_string(),
    })
}

/// The timestamp in column `index` (named `column`), stored by sqlx as
/// RFC 3339 text.
pub fn timestamp(
    row: &Row<'_>,
    index: usize,
    column: &'static str,
) -> Result<OffsetDateTime, DirectReadError> {
    optional_timestamp(row, index, column)?.ok_or_else(|| DirectReadError::Decode {
        column,
        why: "NULL in a column that must have a time".into(),
    })
}

/// A timestamp column that may be NULL.
pub fn optional_timestamp(
    row: &Row<'_>,
    index: usize,
    column: &'static str,
) -> Result<Option<OffsetDateTime>, DirectReadError> {
    let text: Option<String> = row.get(index)?;
    text.map(|text| {
        OffsetDateTime::parse(&text, &Rfc3339).map_err(|e| DirectReadError::Decode {
            column,
            why: format!("{text:?}: {e}"),
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> PathBuf {
        let path = dir.join("direct.db");
        let writer = Connection::open(&path).expect("create a database");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 CREATE TABLE things (id BLOB, at TEXT, maybe TEXT);
                 INSERT INTO things VALUES
                     (X'0102030405060708090a0b0c0d0e0f10', '2026-11-23T15:32:40.25Z', NULL),
                     (X'01', 'yesterday', '2026-11-23T16:00:00+01:00');",
            )
            .expect("fill it");
        path
    }

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("salesdojo-direct-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("make a temporary directory");
        dir
    }

    #[test]
    fn reads_what_sqlx_stores_and_names_the_column_it_cannot_read() {
        let dir = temp_dir();
        let reader = DirectReader::new(database(&dir));
        let rows = reader
            .with(|c| {
                let mut statement =
                    c.prepare_cached("SELECT id, at, maybe FROM things ORDER BY rowid")?;
                let mut rows = statement.query([])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push((
                        uuid(row, 0, "id").map_err(|e| e.to_string()),
                        timestamp(row, 1, "at").map_err(|e| e.to_string()),
                        optional_timestamp(row, 2, "maybe").map_err(|e| e.to_string()),
                    ));
                }
                Ok(out)
            })
            .expect("read");
        let (id, at, maybe) = &rows[0];
        assert_eq!(
            id.as_ref().map(Uuid::to_string).as_deref(),
            Ok("01020304-0506-0708-090a-0b0c0d0e0f10")
        );
        assert_eq!(
            at.as_ref().map(|t| t.unix_timestamp_nanos()).ok(),
            Some(1_795_447_960_250_000_000)
        );
        assert_eq!(maybe, &Ok(None));
        let (id, at, maybe) = &rows[1];
        assert!(id.as_ref().is_err_and(|e| e.contains("`id`")), "{id:?}");
        assert!(
            at.as_ref()
                .is_err_and(|e| e.contains("`at`") && e.contains("yesterday")),
            "{at:?}"
        );
        assert_eq!(
            maybe
                .as_ref()
                .ok()
                .copied()
                .flatten()
                .map(|t| t.unix_timestamp()),
            Some(1_795_446_000)
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn connections_are_read_only_and_reused() {
        let dir = temp_dir();
        let reader = DirectReader::new(database(&dir));
        let refused = reader.with(|c| Ok(c.execute("DELETE FROM things", [])?));
        assert!(
            refused.is_err(),
            "a direct reader must not write: {refused:?}"
        );
        reader
            .with(|c| Ok(c.query_row("SELECT count(*) FROM things", [], |r| r.get::<_, i64>(0))?))
            .map(|n| assert_eq!(n, 2))
            .expect("count");
        assert_eq!(
            reader.idle().len(),
            1,
            "one connection, put back after each use"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    /// The two direct reads the server makes give what sqlx gives, on a
    /// database written by the server's own store.
    #[tokio::test]
    async fn direct_reads_agree_with_sqlx() {
        use crate::domain::{AccessRole, Email, PersonName, Roles};
        use crate::store::attempts::{NewAttempt, Submission};
        use crate::store::{attempts, connect, feedback, migrate, progress, sessions, users};

        let dir = temp_dir();
        let db = connect(&format!(
            "sqlite://{}?mode=rwc",
            dir.join("agree.db").display()
        ))
        .await
        .expect("open the database");
        migrate(&db).await.expect("migrate");
        let reader = DirectReader::for_database(&db).expect("a SQLite file gets a direct reader");
        let user = users::create(
            &db,
            users::NewUser {
                email: Email::parse("lea@example.com").expect("e-mail"),
                name: PersonName::parse("Léa 李").expect("name"),
                roles: Roles::new([AccessRole::Learner, AccessRole::Manager]),
                job_role: Some("new-hire".into()),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
        )
        .await
        .expect("create a user");
        users::set_time_zone(&db, user.id, Some("Asia/Shanghai"))
            .await
            .expect("set a zone");
        let at = OffsetDateTime::from_unix_timestamp(1_795_447_960)
            .expect("a time")
            .replace_millisecond(250)
            .expect("milliseconds");
        sessions::create(
            &db,
            "live".into(),
            user.id,
            "csrf".into(),
            time::Duration::days(1),
        )
        .await
        .expect("a session");
        sessions::create(
            &db,
            "old".into(),
            user.id,
            "csrf".into(),
            time::Duration::seconds(-1),
        )
        .await
        .expect("an expired session");
        progress::complete_module(&db, user.id, "read-only", at)
            .await
            .expect("read");
        progress::complete_module(&db, user.id, "both", at)
            .await
            .expect("read");
        for (module, passed) in [("both", true), ("both", true), ("failed", false)] {
            let attempt = attempts::insert(
                &db,
                NewAttempt {
                    user_id: user.id,
                    module_id: module.into(),
                    number: if passed { 1 } else { 2 },
                    language: "en".into(),
                    questions_json: "[]".into(),
                    started_at: at,
                },
            )
            .await;
            let Ok(attempt) = attempt else { continue };
            let submission = Submission {
                submitted_at: at,
                duration_seconds: 1,
                answers_json: "{}".into(),
                result_json: "[]".into(),
                score: if passed { 1.0 } else { 0.0 },
                passed,
            };
            attempts::submit(&db, attempt.id, submission)
                .await
                .expect("submit");
        }
        feedback::upsert(&db, user.id, "both", 4, 5, "clear, 清楚", at)
            .await
            .expect("feedback");

        // Columns are read by position: each statement has the columns its
        // reader expects, in that order.
        let names = |sql: &str| {
            reader.with(|c| {
                let statement = c.prepare(sql)?;
                Ok(statement
                    .column_names()
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>())
            })
        };
        assert_eq!(
            names(sessions::FIND_LIVE.sqlite()).expect("prepare"),
            sessions::FIND_LIVE_COLUMNS
        );
        assert_eq!(
            names(progress::READ_PASSED_AND_FEEDBACK.sqlite()).expect("prepare"),
            progress::READ_PASSED_AND_FEEDBACK_COLUMNS
        );

        // The direct reads answer themselves (no fallback to sqlx hidden
        // in the comparisons below).
        let rows = reader.with(|c| sessions::find_live_directly(c, "live"));
        assert_eq!(
            rows.map(|rows| rows.len()).ok(),
            Some(2),
            "one row per role"
        );
        let rows = reader.with(|c| progress::read_passed_and_feedback_directly(c, user.id, "both"));
        assert_eq!(
            rows.map(|rows| rows.len()).ok(),
            Some(4),
            "2 read, 1 passed, 1 feedback"
        );

        for id_hash in ["live", "old", "absent"] {
            let through_sqlx = sessions::find_live(&db, None, id_hash).await.expect("sqlx");
            let direct = sessions::find_live(&db, Some(&reader), id_hash)
                .await
                .expect("direct");
            assert_eq!(
                format!("{direct:?}"),
                format!("{through_sqlx:?}"),
                "{id_hash}"
            );
        }
        let (_, live) = sessions::find_live(&db, Some(&reader), "live")
            .await
            .expect("read")
            .expect("the live session");
        assert_eq!(live.time_zone.as_deref(), Some("Asia/Shanghai"));
        assert_eq!(
            live.roles,
            Roles::new([AccessRole::Learner, AccessRole::Manager])
        );
        for module in ["both", "failed", "nowhere"] {
            let through_sqlx = progress::read_passed_and_feedback(&db, None, user.id, module)
                .await
                .expect("sqlx");
            let direct = progress::read_passed_and_feedback(&db, Some(&reader), user.id, module)
                .await
                .expect("direct");
            assert_eq!(
                format!("{direct:?}"),
                format!("{through_sqlx:?}"),
                "{module}"
            );
        }
        let (done, feedback) =
            progress::read_passed_and_feedback(&db, Some(&reader), user.id, "both")
                .await
                .expect("direct");
        assert_eq!(done.read.len(), 2);
        assert_eq!(done.passed.iter().collect::<Vec<_>>(), ["both"]);
        let feedback = feedback.expect("the feedback on `both`");
        assert_eq!(
            (feedback.usefulness, feedback.comment.as_str()),
            (4, "clear, 清楚")
        );
        assert_eq!(feedback.created_at, at);
        db.close().await.ok();
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_missing_file_is_an_error_not_a_new_database() {
        let dir = temp_dir();
        let reader = DirectReader::new(dir.join("absent.db"));
        assert!(reader.with(|_| Ok(())).is_err());
        assert!(!dir.join("absent.db").exists());
        std::fs::remove_dir_all(dir).ok();
    }
}
