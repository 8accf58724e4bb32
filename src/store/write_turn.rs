//! Turns for writing to SQLite. SQLite lets one connection write at a time;
//! the others wait in its busy handler, which sleeps and retries (1, 2, 5 …
//! 100 ms) rather than being woken. Under many concurrent submissions most
//! of the server's time went to those sleeps (docs/performance.md, quiz
//! submissions). Write transactions in this process therefore queue here
//! first and are woken the moment the previous one finishes; the busy
//! handler is left for other processes (the command line tools).
//! PostgreSQL locks rows, not the database, so it gets no turn.
//!
//! The turn also owns the database's [`DirectWriter`]: a transaction that
//! has the turn may run on it instead of through sqlx.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::OwnedMutexGuard;

use super::direct_write::{DirectWriter, WriteError, is_direct_write_error};

/// What one database file's queue guards.
#[derive(Debug)]
struct Slot {
    file: PathBuf,
    /// Opened at the first turn that asks for it.
    writer: Option<DirectWriter>,
    /// Set when opening failed: sqlx does the writing from then on.
    unavailable: bool,
}

/// One queue per database file: tests run many servers in one process.
static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<Slot>>>>> =
    LazyLock::new(Mutex::default);

/// Held while writing; the next writer goes when it is dropped. Take it
/// before beginning the transaction, never inside one (a second turn in the
/// same task would wait for itself).
#[must_use = "the turn ends when this is dropped"]
pub struct WriteTurn(Option<OwnedMutexGuard<Slot>>);

impl WriteTurn {
    /// This database's direct writer, when it is a SQLite file and the
    /// writer could be opened.
    fn direct(&mut self) -> Option<&DirectWriter> {
        let slot = self.0.as_deref_mut()?;
        if slot.writer.is_none() && !slot.unavailable {
            if !slot.file.is_file() {
                slot.unavailable = true;
                return None;
            }
            match DirectWriter::open(&slot.file) {
                Ok(writer) => slot.writer = Some(writer),
                Err(error) => {
                    tracing::warn!(%error, file = %slot.file.display(), "cannot open a direct SQLite writer; writing through sqlx");
                    slot.unavailable = true;
                }
            }
        }
        slot.writer.as_ref()
    }

    /// Runs `body` as one transaction on the direct writer, if there is
    /// one. None when there is none, or when the direct write failed in a
    /// way of its own (logged, nothing kept): the caller then runs the same
    /// writes through sqlx, still holding this turn.
    pub async fn try_direct<T, E: WriteError>(
        &mut self,
        what: &'static str,
        body: impl AsyncFnOnce(&DirectWriter) -> Result<T, E>,
    ) -> Option<Result<T, E>> {
        let writer = self.direct()?;
        match writer.transaction(body).await {
            Err(error) if error.store_error().is_some_and(is_direct_write_error) => {
                tracing::warn!(%error, what, "direct SQLite write failed; writing through sqlx");
                None
            }
            result => Some(result),
        }
    }
}

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
        .entry(file.clone())
        .or_insert_with(|| {
            Arc::new(tokio::sync::Mutex::new(Slot {
                file,
                writer: None,
                unavailable: false,
            }))
        })
        .clone();
    WriteTurn(Some(queue.lock_owned().await))
}
