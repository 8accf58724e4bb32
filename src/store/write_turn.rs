//! Turns for writing to SQLite. SQLite lets one connection write at a time;
//! the others wait in its busy handler, which sleeps and retries (1, 2, 5 …
//! 100 ms) rather than being woken. Under many concurrent submissions most
//! of the server's time went to those sleeps (docs/performance.md, quiz
//! submissions). Write transactions in this process therefore queue here
//! first and are woken the moment the previous one finishes; the busy
//! handler is left for other processes (the command line tools).
//! PostgreSQL locks rows, not the database, so it gets no turn.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::OwnedMutexGuard;

/// One queue per database file: tests run many servers in one process.
static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Mutex::default);

/// Held while writing; the next writer goes when it is dropped. Take it
/// before beginning the transaction, never inside one (a second turn in the
/// same task would wait for itself).
#[must_use = "the turn ends when this is dropped"]
pub struct WriteTurn(#[allow(dead_code, reason = "held for its Drop")] Option<OwnedMutexGuard<()>>);

/// Waits for this process's turn to write to `db`.
pub async fn take(db: &DatabaseConnection) -> WriteTurn {
    if db.get_database_backend() != DbBackend::Sqlite {
        return WriteTurn(None);
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    let queue = QUEUES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(file)
        .or_default()
        .clone();
    WriteTurn(Some(queue.lock_owned().await))
}
