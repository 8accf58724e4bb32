//! Where log lines go: standard error, written in batches.
//!
//! Writing every access-log line with its own system call cost 3% of a
//! lesson page's CPU, two workers contending for the same file. Handing
//! each line to a writer thread that wakes for it (tracing-appender's
//! non-blocking writer, tried first) cost more: on two cores the wake-ups
//! took CPU from SQLite's writer thread, and quiz submissions fell from
//! about 930 to 820 a second (docs/performance.md, section 1).
//!
//! Here a request's thread appends its line to a shared buffer and goes on.
//! The `log-writer` thread sleeps until the buffer has something, waits
//! [`GATHER`] for more to arrive, and writes all of it in one call: under
//! load a few dozen writes a second, whatever the request rate. Nothing is
//! dropped; a buffer that reaches [`WRITE_AT_ONCE`] bytes is written by the
//! thread that filled it. Dropping the [`Flusher`] writes what is left.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the writer thread lets lines pile up before writing them: the
/// longest a line waits before it reaches the log.
const GATHER: Duration = Duration::from_millis(20);

/// A buffer this large is written at once by the thread that appended to
/// it, so a flood of lines cannot grow memory without bound.
const WRITE_AT_ONCE: usize = 1 << 20;

struct Shared<W> {
    state: Mutex<State>,
    /// Signalled when the buffer stops being empty, and when stopping.
    has_lines: Condvar,
    /// Where the lines go; locked only while writing them.
    out: Mutex<W>,
}

#[derive(Default)]
struct State {
    buffer: Vec<u8>,
    stopping: bool,
}

impl<W: Write> Shared<W> {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while appending leaves at worst a partial line.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes out every buffered line, using `spare` for the next ones.
    /// The output is locked before the buffer is let go, so batches reach
    /// it in the order they were taken. Errors are ignored: there is
    /// nowhere to report that the log cannot be written.
    fn write_buffered(&self, mut state: MutexGuard<'_, State>, spare: &mut Vec<u8>) {
        spare.clear();
        std::mem::swap(&mut state.buffer, spare);
        if spare.is_empty() {
            return;
        }
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        drop(state);
        let _ = out.write_all(spare);
        let _ = out.flush();
    }
}

/// What the log is written through: cheap to clone, one per log line.
pub struct LogWriter<W> {
    shared: Arc<Shared<W>>,
}

impl<W> Clone for LogWriter<W> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<W: Write> Write for LogWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut state = self.shared.state();
        let was_empty = state.buffer.is_empty();
        state.buffer.extend_from_slice(bytes);
        if state.stopping || state.buffer.len() >= WRITE_AT_ONCE {
            // No writer thread (any more), or a flood: write from here.
            self.shared.write_buffered(state, &mut Vec::new());
        } else if was_empty {
            drop(state);
            self.shared.has_lines.notify_one();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // The writer thread writes within GATHER; waiting here would put
        // the system call back on the request's thread.
        Ok(())
    }
}

impl<'a, W: Write + Send + 'static> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter<W> {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Keeps the writer thread running; dropping it writes what is still
/// buffered and ends the thread.
#[must_use = "dropping the flusher stops writing the log"]
pub struct Flusher<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
    thread: Option<JoinHandle<()>>,
}

impl<W: Write + Send + 'static> Drop for Flusher<W> {
    fn drop(&mut self) {
        self.shared.state().stopping = true;
        self.shared.has_lines.notify_one();
        if let Some(thread) = self.thread.take() {
            // The thread writes what is left before it ends.
            let _ = thread.join();
        }
        // Whatever it could not write (it panicked, or never started).
        self.shared
            .write_buffered(self.shared.state(), &mut Vec::new());
    }
}

/// A writer for `out` and the thread that writes to it.
pub fn batched<W: Write + Send + 'static>(out: W) -> (LogWriter<W>, Flusher<W>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        has_lines: Condvar::new(),
        out: Mutex::new(out),
    });
    let for_thread = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_batches(&for_thread))
        .ok();
    if thread.is_none() {
        // Every line is then written by the thread that logs it.
        shared.state().stopping = true;
    }
    let writer = LogWriter {
        shared: Arc::clone(&shared),
    };
    (writer, Flusher { shared, thread })
}

fn write_batches<W: Write>(shared: &Shared<W>) {
    let mut batch = Vec::new();
    loop {
        let mut state = shared.state();
        while state.buffer.is_empty() && !state.stopping {
            state = shared
                .has_lines
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.stopping {
            shared.write_buffered(state, &mut batch);
            return;
        }
        drop(state);
        std::thread::sleep(GATHER);
        shared.write_buffered(shared.state(), &mut batch);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink {
        bytes: Arc<Mutex<Vec<u8>>>,
        writes: Arc<Mutex<usize>>,
    }

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.bytes.lock().unwrap().extend_from_slice(bytes);
            *self.writes.lock().unwrap() += 1;
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.bytes.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn lines_from_many_threads_arrive_whole_in_few_writes() {
        let sink = Sink::default();
        let (writer, flusher) = batched(sink.clone());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let mut writer = writer.clone();
                std::thread::spawn(move || {
                    for n in 0..500 {
                        writer
                            .write_all(format!("thread {t} line {n}\n").as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(flusher);
        let text = sink.text();
        assert_eq!(text.lines().count(), 2000);
        for t in 0..4 {
            let mine: Vec<_> = text
                .lines()
                .filter(|l| l.starts_with(&format!("thread {t} ")))
                .collect();
            let expected: Vec<_> = (0..500).map(|n| format!("thread {t} line {n}")).collect();
            assert_eq!(mine, expected, "thread {t}'s lines, whole and in order");
        }
        let writes = *sink.writes.lock().unwrap();
        assert!(writes < 2000, "{writes} writes for 2,000 lines");
    }

    #[test]
    fn a_line_reaches_the_output_without_a_flush_or_more_lines() {
        let sink = Sink::default();
        let (mut writer, _flusher) = batched(sink.clone());
        writer.write_all(b"one line\n").unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while sink.text().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(sink.text(), "one line\n");
    }

    #[test]
    fn a_full_buffer_is_written_by_the_thread_that_filled_it() {
        let sink = Sink::default();
        let (mut writer, flusher) = batched(sink.clone());
        let line = vec![b'x'; WRITE_AT_ONCE];
        writer.write_all(&line).unwrap();
        // Written before the writer thread's GATHER has passed.
        assert_eq!(sink.bytes.lock().unwrap().len(), WRITE_AT_ONCE);
        drop(flusher);
    }

    #[test]
    fn dropping_the_flusher_writes_what_is_left_and_later_lines_go_straight_out() {
        let sink = Sink::default();
        let (mut writer, flusher) = batched(sink.clone());
        writer.write_all(b"last words\n").unwrap();
        drop(flusher);
        assert_eq!(sink.text(), "last words\n");
        writer.write_all(b"after the end\n").unwrap();
        assert_eq!(sink.text(), "last words\nafter the end\n");
    }
}
