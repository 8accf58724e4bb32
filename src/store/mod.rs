//! Storage: connecting, migrating, and the queries and writes, grouped by area.

pub mod assignments;
pub mod attempts;
pub mod backup;
pub mod checkpointer;
pub mod current_evidence;
pub mod direct_read;
pub mod direct_write;
pub mod entities;
pub mod evidence;
pub mod feedback;
pub mod first_row;
pub mod login_attempts;
pub mod progress;
pub mod review_cards;
pub mod reviews;
pub mod runs;
pub mod sessions;
pub mod snapshot;
pub mod standings;
pub mod teams;
pub mod tokens;
pub mod users;
pub mod write_turn;
pub mod write_tx;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, SqlErr, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot open the database {url}: {source}. Check DATABASE_URL (sqlite://FILE or postgres://USER@HOST/DB) and that the server is reachable"
    )]
    Connect { url: String, source: DbErr },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(DbErr),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl StoreError {
    /// True when the database could not be reached (down, restarting, the
    /// network gone, no free connection in time): the request may succeed
    /// if retried shortly, so callers answer 503 rather than 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Connect { .. } => true,
            Self::Migrate(e) | Self::Database(e) => is_unreachable(e),
        }
    }

    /// True when the write broke a unique constraint (e.g. an e-mail already taken).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
    }
}

fn is_unreachable(error: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match error {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    match sqlx.as_ref() {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed
        | Sqlx::Protocol(_) => true,
        // PostgreSQL's class 08 (connection exception) and 57P (operator
        // intervention: shutting down, cannot connect now).
        Sqlx::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// The path of the SQLite file a URL points at, or None for other databases
/// and for in-memory SQLite.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Opens a pool. SQLite: created if missing, WAL (readers never block the
/// writer), foreign keys on, a busy timeout instead of immediate "database is
/// locked" errors, synchronous=NORMAL, which in WAL mode keeps every
/// committed transaction when the process is killed, and reads through a
/// memory map.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(std::env::var_os("SALESDOJO_TRACE_SQL").is_some());
    if is_sqlite(url) {
        options
            .max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                // No memory map (`mmap_size`): after every commit each other
                // connection unmaps the whole file at its next read and
                // faults the pages back in, which cost quiz submissions
                // about 15% (munmap, TLB shootdowns) and gained the lesson
                // page nothing measurable.
            })
            // A SQLite connection is a file handle that cannot go stale, so
            // the ping sqlx sends before handing one out is pure overhead
            // (a round trip to the worker thread on every query).
            .test_before_acquire(false);
        // Fail early with a clear message on a malformed SQLite URL.
        SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Connect {
            url: redact(url),
            source: DbErr::Custom(e.to_string()),
        })?;
    } else {
        // A connection that was used a moment ago is handed out without a
        // ping; one that sat idle (perhaps across a restart of PostgreSQL
        // or a dropped network path) is checked first.
        //
        // A few connections are opened at start-up and kept open, so a
        // request rarely has to open one: sqlx 0.9.0 leaves Nagle's
        // algorithm on, and a TLS handshake then waits twice for a delayed
        // ACK (about 90 ms here against 1 ms without TLS). A connection goes
        // back to the pool a moment after its request ends, so even a single
        // client one request at a time used to make the pool grow mid-run.
        options
            .max_connections(16)
            .min_connections(POSTGRES_KEPT_OPEN)
            .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    }
    // Two processes opening a new SQLite file at once both switch it to
    // WAL, which takes an exclusive lock that SQLite refuses at once
    // ("database is locked") instead of waiting its busy timeout; the
    // second one succeeds a moment later.
    let mut attempt = 1;
    loop {
        match Database::connect(options.clone()).await {
            Ok(db) => return Ok(db),
            Err(source) if attempt < CONNECT_ATTEMPTS && is_locked(&source) => {
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                attempt += 1;
            }
            Err(source) => {
                return Err(StoreError::Connect {
                    url: redact(url),
                    source,
                });
            }
        }
    }
}

/// How long a PostgreSQL connection may sit idle before it is pinged
/// before use.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(5);

/// PostgreSQL connections opened at start-up and kept open (the pool grows
/// to 16 under load and shrinks back to this).
const POSTGRES_KEPT_OPEN: u32 = 4;

/// How often opening the database is tried while SQLite reports it locked.
const CONNECT_ATTEMPTS: u64 = 5;

fn is_locked(error: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    let (DbErr::Conn(RuntimeErr::SqlxError(sqlx)) | DbErr::Exec(RuntimeErr::SqlxError(sqlx))) =
        error
    else {
        return false;
    };
    matches!(sqlx.as_ref(), sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some("5"))
}

/// The migration that created the standings table: when it runs on a
/// database that already holds evidence, the standings are computed from it.
const STANDINGS_MIGRATION: &str = "m20261123_000003_create_team_tools";

/// The migration that added `review_cards.fades_at`: cards made before it
/// get the column filled from their schedule.
const FADING_MIGRATION: &str = "m20261125_000005_add_card_fading";

/// The migration that added `learner_standings`: filled from the
/// per-competency standings of learners who already have some.
const LEARNER_STANDINGS_MIGRATION: &str = "m20261125_000006_create_learner_standings";

/// The migration that added `current_evidence`: filled from the history of
/// every learner who already has evidence.
const CURRENT_EVIDENCE_MIGRATION: &str = "m20261126_000007_create_current_evidence";

/// Brings the schema up to date. On PostgreSQL several app servers may
/// start at once against one database: an advisory lock, held on one
/// connection for the whole run, lets one of them migrate while the others
/// wait, then find nothing left to do.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    match db.get_database_backend() {
        DbBackend::Postgres => {}
        DbBackend::Sqlite => return migrate_sqlite(db).await,
        _ => return migrate_unlocked(db).await,
    }
    let failed = |e: sea_orm::sqlx::Error| {
        StoreError::Migrate(DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))
    };
    let pool = db.get_postgres_connection_pool();
    let mut lock = pool.acquire().await.map_err(failed)?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *lock)
        .await
        .map_err(failed)?;
    let result = migrate_unlocked(db).await;
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *lock)
        .await;
    if let Err(error) = unlocked {
        // The lock ends with the connection anyway; make sure it does.
        tracing::warn!(%error, "could not release the migration lock; closing its connection");
        lock.close_on_drop();
    }
    result
}

/// SQLite's version of the lock: an exclusive lock on a file beside the
/// database (`<file>.migrate-lock`), so that two processes opening one
/// file at once (a server and `salesdojo migrate`, say) do not both
/// create the tables.
async fn migrate_sqlite(db: &DatabaseConnection) -> Result<(), StoreError> {
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    let name = file.to_string_lossy();
    if name.is_empty() || name.contains(":memory:") {
        return migrate_unlocked(db).await;
    }
    let lock_path = PathBuf::from(format!("{name}.migrate-lock"));
    let failed = |e: std::io::Error| {
        StoreError::Migrate(DbErr::Custom(format!(
            "cannot take the migration lock {}: {e}; check that the folder is writable",
            lock_path.display()
        )))
    };
    let opening = lock_path.clone();
    let lock = tokio::task::spawn_blocking(move || {
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&opening)?;
        lock.lock()?;
        Ok::<_, std::io::Error>(lock)
    })
    .await
    .map_err(|e| failed(std::io::Error::other(e.to_string())))?
    .map_err(failed)?;
    let result = migrate_unlocked(db).await;
    drop(lock);
    result
}

/// The advisory lock key of schema migrations ("SDMIGRAT" in ASCII).
const MIGRATION_LOCK: i64 = 0x5344_4d49_4752_4154;

async fn migrate_unlocked(db: &DatabaseConnection) -> Result<(), StoreError> {
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(StoreError::Migrate)?;
    let adds_standings = pending.iter().any(|m| m.name() == STANDINGS_MIGRATION);
    let adds_fading = pending.iter().any(|m| m.name() == FADING_MIGRATION);
    let adds_learner_rows = pending
        .iter()
        .any(|m| m.name() == LEARNER_STANDINGS_MIGRATION);
    let adds_current_rows = pending
        .iter()
        .any(|m| m.name() == CURRENT_EVIDENCE_MIGRATION);
    Migrator::up(db, None).await.map_err(StoreError::Migrate)?;
    // rebuild_all below fills current rows as well.
    if adds_current_rows && !adds_standings {
        // In one transaction: the migration is recorded as done already, so
        // a fill cut short would never be resumed.
        let tx = db.begin().await?;
        let learners = current_evidence::learners_to_fill(&tx).await?;
        for user_id in &learners {
            current_evidence::rebuild(&tx, *user_id).await?;
        }
        tx.commit().await?;
        if !learners.is_empty() {
            tracing::info!(
                learners = learners.len(),
                "noted each learner's current result per item"
            );
        }
    }
    // A database that gets the standings table now also gets learner rows
    // from rebuild_all below; one that had standings gets them filled here.
    if adds_learner_rows && !adds_standings {
        let learners = standings::fill_learner_rows(db).await?;
        if learners > 0 {
            tracing::info!(
                learners,
                "stored each learner's standings in one row for heatmaps"
            );
        }
    }
    if adds_fading {
        let cards = review_cards::fill_fades_at(db).await?;
        if cards > 0 {
            tracing::info!(cards, "noted when existing review cards start to fade");
        }
    }
    if adds_standings {
        let learners = standings::rebuild_all(db).await?;
        if learners > 0 {
            tracing::info!(
                learners,
                "computed competency standings from existing evidence"
            );
        }
    }
    Ok(())
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// Hides a password in a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The current time, truncated to whole seconds. SQLite stores timestamps as
/// RFC 3339 text, which only sorts and compares correctly when every value
/// has the same shape; whole seconds in UTC guarantee that.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// A new time-ordered id (UUIDv7): unique across app servers without coordination.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://salesdojo.db"),
            Some(PathBuf::from("salesdojo.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/sd"),
            "postgres://app:***@db:5432/sd"
        );
        assert_eq!(redact("postgres://app@db/sd"), "postgres://app@db/sd");
    }

    #[test]
    fn timestamps_have_whole_seconds() {
        assert_eq!(now().nanosecond(), 0);
    }
}
