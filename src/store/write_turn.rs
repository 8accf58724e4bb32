//! Turns for writing to SQLite. SQLite lets one connection write at a time;
//! the others wait in its busy handler, which sleeps and retries (1, 2, 5 …
//! 100 ms) rather than being woken. Under many concurrent submissions most
//! of the server's time went to those sleeps (docs/performance.md, quiz
//! submissions). Write transactions in this process therefore queue here
//! first and are woken the moment the previous one finishes; the busy
//! handler is left for other processes (the command line tools).
//! PostgreSQL locks rows, not the database, so it gets no turn.
//!
//! The hottest writes, a quiz attempt's start and its submission, do not
//! queue for a turn themselves: they are handed to the database's writer
//! thread ([`direct`]), which runs them on its [`DirectWriter`] back to back,
//! several to a transaction, each in a savepoint of its own. Handing the
//! turn from one request to the next had cost more than the writes
//! (docs/performance.md, quiz submissions, sixth round).

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedMutexGuard, oneshot};

use super::checkpointer::{Checkpointer, WRITER_CHECKPOINT_PAGES};
use super::direct_read::sqlite_file;
use super::direct_write::{DirectWriter, WriteError, is_direct_write_error};

/// The most jobs one transaction of the writer thread takes. More would
/// make the first one's answer wait for the rest; fewer, more commits.
const MOST_PER_TRANSACTION: usize = 32;

/// A writer thread with nothing to do for this long ends, closing its
/// connection; the next job starts another.
const IDLE: Duration = Duration::from_secs(30);

/// What one database file's writers share.
#[derive(Debug)]
struct Queue {
    file: PathBuf,
    /// Held by whoever writes: a request writing through sqlx, or the
    /// writer thread for one transaction.
    turn: Arc<tokio::sync::Mutex<()>>,
    writer: Mutex<Writer>,
}

/// The state of a database file's writer thread.
#[derive(Debug)]
enum Writer {
    /// Not started yet, or ended after being idle.
    Stopped,
    /// Running; jobs go in here.
    Running(mpsc::Sender<Job>),
    /// The direct connection could not be opened (logged): sqlx does all
    /// the writing.
    Unavailable,
}

/// One queue per database file: tests run many servers in one process.
static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<Queue>>>> = LazyLock::new(Mutex::default);

/// `db`'s queue; None unless it is SQLite.
fn queue(db: &DatabaseConnection) -> Option<Arc<Queue>> {
    let file = sqlite_file(db)?;
    let queue = QUEUES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(file.clone())
        .or_insert_with(|| {
            Arc::new(Queue {
                file,
                turn: Arc::default(),
                writer: Mutex::new(Writer::Stopped),
            })
        })
        .clone();
    Some(queue)
}

/// Held while writing; the next writer goes when it is dropped. Take it
/// before beginning the transaction, never inside one (a second turn in the
/// same task would wait for itself).
#[must_use = "the turn ends when this is dropped"]
pub struct WriteTurn {
    _held: Option<OwnedMutexGuard<()>>,
}

/// Waits for this process's turn to write to `db` through sqlx.
pub async fn take(db: &DatabaseConnection) -> WriteTurn {
    match queue(db) {
        Some(queue) => WriteTurn {
            _held: Some(Arc::clone(&queue.turn).lock_owned().await),
        },
        None => WriteTurn { _held: None },
    }
}

/// Runs `body` on `db`'s writer thread, inside a transaction and a
/// savepoint of its own: what it writes is kept if it returns Ok and the
/// transaction commits, and undone otherwise. The answer comes once the
/// transaction has committed.
///
/// None when there is no writer thread (PostgreSQL, an in-memory
/// database, a connection that could not be opened) or when the direct
/// write failed in a way of its own (logged, nothing kept). The caller then
/// runs the same writes through sqlx under a [`take`]n turn.
///
/// `body` runs to completion without waiting: everything a
/// [`DirectWriter`] does is synchronous. A body that would wait is stopped,
/// rolled back and reported as a failure of the direct write.
pub async fn direct<T, E, F>(
    db: &DatabaseConnection,
    what: &'static str,
    body: F,
) -> Option<Result<T, E>>
where
    T: Send + 'static,
    E: WriteError + Send + 'static,
    F: AsyncFnOnce(&DirectWriter) -> Result<T, E> + Send + 'static,
{
    let queue = queue(db)?;
    let (reply, answer) = oneshot::channel();
    queue.send(Job::new(what, body, reply))?;
    // A job dropped unanswered (its body panicked, or the thread failed
    // before committing) kept nothing.
    answer.await.ok().flatten()
}

impl Queue {
    /// Hands `job` to the writer thread, starting it if needed; None when
    /// there can be no writer thread.
    fn send(self: &Arc<Self>, job: Job) -> Option<()> {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let job = match &*writer {
            Writer::Unavailable => return None,
            Writer::Stopped => job,
            // Fails only if the thread ended by a panic of its own.
            Writer::Running(jobs) => match jobs.send(job) {
                Ok(()) => return Some(()),
                Err(mpsc::SendError(job)) => job,
            },
        };
        self.start(&mut writer, job)
    }

    /// Opens the direct connection and starts the thread with `job`.
    fn start(self: &Arc<Self>, writer: &mut Writer, job: Job) -> Option<()> {
        if !self.file.is_file() {
            *writer = Writer::Unavailable;
            return None;
        }
        let connection = match DirectWriter::open(&self.file) {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, file = %self.file.display(), "cannot open a direct SQLite writer; writing through sqlx");
                *writer = Writer::Unavailable;
                return None;
            }
        };
        let checkpointer = match Checkpointer::start(&self.file) {
            Ok(checkpointer) => connection
                .checkpoint_after(WRITER_CHECKPOINT_PAGES)
                .map(|()| checkpointer)
                .map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let checkpointer = checkpointer
            .inspect_err(|error| tracing::warn!(%error, "no SQLite checkpoint thread; the writer checkpoints as SQLite does"))
            .ok();
        let (jobs, queued) = mpsc::channel();
        let queue = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || queue.serve(&connection, checkpointer.as_ref(), &queued));
        if let Err(error) = spawned {
            tracing::warn!(%error, "cannot start the SQLite writer thread; writing through sqlx");
            *writer = Writer::Stopped;
            return None;
        }
        // The thread is new and waits for jobs, so this cannot fail.
        jobs.send(job).ok()?;
        *writer = Writer::Running(jobs);
        Some(())
    }

    /// The writer thread: takes the jobs waiting, runs them in one
    /// transaction, answers them, and again, until idle for [`IDLE`].
    fn serve(
        &self,
        connection: &DirectWriter,
        checkpointer: Option<&Checkpointer>,
        queued: &mpsc::Receiver<Job>,
    ) {
        loop {
            let first = match queued.recv_timeout(IDLE) {
                Ok(job) => job,
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    // Jobs are sent under this lock: once it is held, none
                    // can arrive unseen before the thread is marked stopped.
                    let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
                    match queued.try_recv() {
                        Ok(job) => job,
                        Err(_) => {
                            *writer = Writer::Stopped;
                            return;
                        }
                    }
                }
            };
            let mut batch = vec![first];
            while batch.len() < MOST_PER_TRANSACTION {
                match queued.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let turn = self.turn.blocking_lock();
            let answers = run_together(connection, batch);
            drop(turn);
            if answers.committed
                && let Some(checkpointer) = checkpointer
            {
                checkpointer.nudge();
            }
            for answer in answers.jobs {
                answer(answers.committed);
            }
        }
    }
}

/// Sends a job's result to the request that is waiting for it; told
/// whether the transaction committed.
type Answer = Box<dyn FnOnce(bool) + Send>;

/// A job that has run: whether to keep what it wrote, and its answer.
struct Ran {
    keep: bool,
    answer: Answer,
}

/// A transaction body, with its answer, for the writer thread.
struct Job(Box<dyn FnOnce(&DirectWriter) -> Ran + Send>);

impl Job {
    fn new<T, E, F>(
        what: &'static str,
        body: F,
        reply: oneshot::Sender<Option<Result<T, E>>>,
    ) -> Self
    where
        T: Send + 'static,
        E: WriteError + Send + 'static,
        F: AsyncFnOnce(&DirectWriter) -> Result<T, E> + Send + 'static,
    {
        Self(Box::new(move |connection: &DirectWriter| {
            let Some(result) = finish_now(body(connection)) else {
                tracing::warn!(
                    what,
                    "a direct SQLite write would have waited; writing through sqlx"
                );
                return Ran {
                    keep: false,
                    answer: Box::new(move |_| drop(reply.send(None))),
                };
            };
            let failed = matches!(&result, Err(error) if error.store_error().is_some_and(is_direct_write_error));
            if let Err(error) = &result
                && failed
            {
                tracing::warn!(%error, what, "direct SQLite write failed; writing through sqlx");
            }
            Ran {
                keep: result.is_ok(),
                answer: Box::new(move |committed| {
                    // The request may have gone (client disconnected).
                    drop(reply.send((committed && !failed).then_some(result)));
                }),
            }
        }))
    }
}

/// Polls `future` once; its output if it completed.
fn finish_now<F: Future>(future: F) -> Option<F::Output> {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// The answers of one transaction's jobs, and whether it committed.
struct Answers {
    jobs: Vec<Answer>,
    committed: bool,
}

/// Runs `batch` in one transaction, each job in a savepoint of its own.
/// If any step around the jobs fails, nothing is kept and every job is
/// answered as failed, so its request writes through sqlx instead.
fn run_together(connection: &DirectWriter, batch: Vec<Job>) -> Answers {
    let mut jobs = Vec::with_capacity(batch.len());
    if let Err(error) = connection.begin() {
        tracing::warn!(%error, "cannot begin a direct SQLite write; writing through sqlx");
        return Answers {
            jobs,
            committed: false,
        };
    }
    let mut sound = true;
    for job in batch {
        if let Err(error) = connection.savepoint() {
            tracing::warn!(%error, "cannot begin a savepoint; writing through sqlx");
            sound = false;
            break;
        }
        let keep = match catch_unwind(AssertUnwindSafe(|| (job.0)(connection))) {
            Ok(ran) => {
                jobs.push(ran.answer);
                ran.keep
            }
            // The panic is logged by the panic hook; the job's request is
            // answered by its channel closing.
            Err(_) => false,
        };
        if let Err(error) = connection.release(keep) {
            tracing::warn!(%error, "cannot end a savepoint; writing through sqlx");
            sound = false;
            break;
        }
    }
    let committed = match connection.end(sound) {
        Ok(()) => sound,
        Err(error) => {
            tracing::warn!(%error, "cannot commit a direct SQLite write; writing through sqlx");
            false
        }
    };
    Answers { jobs, committed }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

    use super::*;
    use crate::store::direct_write::DirectWriteError;
    use crate::store::write_tx::WriteTx;
    use crate::store::{StoreError, connect};

    /// A new SQLite file with one table, `scratch (n)`: its folder and a pool.
    async fn scratch_database() -> (PathBuf, DatabaseConnection) {
        let dir = std::env::temp_dir().join(format!("salesdojo-turn-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let file = dir.join("turn.db");
        let db = connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .expect("open the database");
        db.execute_unprepared("CREATE TABLE scratch (n INTEGER NOT NULL)")
            .await
            .expect("create the table");
        (dir, db)
    }

    fn insert(n: i64) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO scratch (n) VALUES (?)",
            [n.into()],
        )
    }

    /// The numbers in `scratch`, read through sqlx.
    async fn stored(db: &DatabaseConnection) -> Vec<i64> {
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT n FROM scratch ORDER BY n",
            ))
            .await
            .expect("read the table");
        rows.iter()
            .map(|row| row.try_get::<i64>("", "n").expect("a number"))
            .collect()
    }

    /// A refusal of the kind a transaction's body returns (not a failure of
    /// the direct write itself).
    fn refused() -> StoreError {
        StoreError::Database(DbErr::Custom("refused".into()))
    }

    /// Jobs sent together share transactions; each keeps its own writes
    /// when it succeeds and undoes them when it fails, whatever the jobs
    /// beside it did.
    #[tokio::test]
    async fn each_job_keeps_or_undoes_only_its_own_writes() {
        let (dir, db) = scratch_database().await;
        // Holding the turn keeps the writer thread from starting, so that
        // the jobs queue up and run several to a transaction.
        let turn = take(&db).await;
        let jobs: Vec<_> = (0..40_i64)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    direct(&db, "test", async move |tx: &DirectWriter| {
                        tx.execute(insert(n)).await?;
                        if n % 3 == 0 { Err(refused()) } else { Ok(n) }
                    })
                    .await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(turn);
        for (n, job) in (0_i64..).zip(jobs) {
            match job.await.expect("the job's task") {
                Some(Ok(kept)) => assert!(n % 3 != 0 && kept == n, "job {n} answered Ok({kept})"),
                Some(Err(error)) => assert!(n % 3 == 0, "job {n} failed: {error}"),
                None => panic!("job {n} fell back to sqlx"),
            }
        }
        let expected: Vec<i64> = (0..40).filter(|n| n % 3 != 0).collect();
        assert_eq!(stored(&db).await, expected);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A body that fails in the direct write's own way, would wait, or
    /// panics keeps nothing and is answered None (the caller then writes
    /// through sqlx); the thread goes on with the next job.
    #[tokio::test]
    async fn a_job_that_cannot_finish_directly_keeps_nothing() {
        let (dir, db) = scratch_database().await;
        let unbindable = direct(&db, "test", async |tx: &DirectWriter| {
            tx.execute(insert(1)).await?;
            Err::<(), _>(StoreError::from(DirectWriteError::Unbindable(
                "a test value".into(),
            )))
        })
        .await;
        assert!(unbindable.is_none());
        let waits = direct(&db, "test", async |tx: &DirectWriter| {
            tx.execute(insert(2)).await?;
            tokio::task::yield_now().await;
            Ok::<_, StoreError>(())
        })
        .await;
        assert!(waits.is_none());
        let panics = direct(&db, "test", async |tx: &DirectWriter| {
            tx.execute(insert(3)).await?;
            panic!("a test panic inside a direct write");
            #[allow(unreachable_code)]
            Ok::<_, StoreError>(())
        })
        .await;
        assert!(panics.is_none());
        let next = direct(&db, "test", async |tx: &DirectWriter| {
            tx.execute(insert(4)).await?;
            Ok::<_, StoreError>(4)
        })
        .await;
        assert!(matches!(next, Some(Ok(4))));
        assert_eq!(stored(&db).await, vec![4]);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Without a database file there is no writer thread: the caller is
    /// told at once to write through sqlx.
    #[tokio::test]
    async fn an_in_memory_database_has_no_writer_thread() {
        let db = connect("sqlite::memory:").await.expect("open the database");
        let answer = direct(
            &db,
            "test",
            async |_: &DirectWriter| Ok::<_, StoreError>(()),
        )
        .await;
        assert!(answer.is_none());
    }
}
