//! Checkpoints of a SQLite file's write-ahead log, off the writer thread.
//!
//! A checkpoint copies the pages committed to the log back into the
//! database file and flushes it to disk. SQLite runs one inside a commit
//! once the log passes a size, so that commit, and every submission queued
//! behind it on the writer thread, waited for the copy and the flush
//! (docs/performance.md, quiz submissions, sixth round: p99 of 42–51 ms
//! with those waits, 22–37 ms without any checkpoint). A [`Checkpointer`]
//! has its own connection and thread: the writer thread wakes it after
//! each commit, and it copies what has been committed while the writer
//! goes on.
//!
//! Copying alongside the writer never catches up with the newest commit, so
//! the log would not start over from its beginning while writes keep
//! coming. The writer therefore still checkpoints itself, much later than
//! SQLite would ([`WRITER_CHECKPOINT_PAGES`]): by then nearly everything is
//! copied already, and the log starts over.

use std::path::Path;
use std::sync::mpsc::{self, SyncSender};
use std::time::Duration;

use super::direct_write::{DirectWriteError, open_read_write};

/// Log pages after which the writer thread checkpoints itself when a
/// checkpointer runs beside it (SQLite's own default is 1,000).
pub const WRITER_CHECKPOINT_PAGES: u32 = 8_000;

/// Rest between two checkpoints, so that one copies many commits.
const PAUSE: Duration = Duration::from_millis(20);

/// Wakes the checkpoint thread; the thread ends when this is dropped.
#[derive(Debug)]
pub struct Checkpointer {
    wake: SyncSender<()>,
}

impl Checkpointer {
    /// Opens a connection to `path` and starts the thread that checkpoints
    /// through it.
    pub fn start(path: &Path) -> Result<Self, DirectWriteError> {
        let connection = open_read_write(path)?;
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    // PASSIVE: copies what no reader still needs, without
                    // taking any lock that a writer or a reader waits for.
                    let done = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if let Err(error) = done {
                        tracing::warn!(%error, "SQLite checkpoint failed; the writer will checkpoint later");
                    }
                    std::thread::sleep(PAUSE);
                }
            })
            .map_err(|e| DirectWriteError::Thread(e.to_string()))?;
        Ok(Self { wake })
    }

    /// Asks for a checkpoint soon; a request already waiting covers this one.
    pub fn nudge(&self) {
        // Full: one is already asked for. Disconnected: the thread is gone
        // (it cannot end by itself), and the writer's own checkpoints still
        // bound the log.
        let _ = self.wake.try_send(());
    }
}
