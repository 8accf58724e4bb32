//! The live content: the catalog every request reads (swapped whole on
//! reload, so a request never sees half of two catalogs) and the status
//! trainers see. Reloads come from `serve --watch`, SIGHUP, or the trainer
//! page; content with errors never replaces the last good catalog.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use time::OffsetDateTime;

use crate::content::{
    Catalog, CheckReport, Diagnostic, ReportFormat, Summary, check, render_report,
};

/// What the last load or reload found.
#[derive(Debug, Clone)]
pub struct LoadStatus {
    pub attempted_at: OffsetDateTime,
    /// What started it: start-up, watch, SIGHUP, or the trainer's button.
    pub trigger: &'static str,
    pub succeeded: bool,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics drawn as `salesdojo check` prints them.
    pub rendered: String,
    pub duration: Duration,
}

pub struct Library {
    dir: PathBuf,
    current: ArcSwap<Catalog>,
    status: RwLock<LoadStatus>,
    /// One reload at a time; a reload asked for meanwhile waits and then runs.
    reloading: tokio::sync::Mutex<()>,
}

fn status_of(report: &CheckReport, trigger: &'static str, started: Instant) -> LoadStatus {
    LoadStatus {
        attempted_at: OffsetDateTime::now_utc(),
        trigger,
        succeeded: report.summary.errors == 0 && report.course.is_some(),
        summary: report.summary,
        diagnostics: report.diagnostics.clone(),
        rendered: render_report(report, ReportFormat::Terminal { color: false }),
        duration: started.elapsed(),
    }
}

impl Library {
    /// Loads the folder at start-up; with errors, returns the rendered report.
    pub fn open(dir: &Path) -> Result<Self, String> {
        let started = Instant::now();
        let mut report = check(dir);
        let status = status_of(&report, "start-up", started);
        match report.course.take() {
            Some(course) if status.succeeded => Ok(Self {
                dir: dir.to_path_buf(),
                current: ArcSwap::from_pointee(Catalog::build(course)),
                status: RwLock::new(LoadStatus {
                    duration: started.elapsed(),
                    ..status
                }),
                reloading: tokio::sync::Mutex::new(()),
            }),
            _ => Err(status.rendered),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current catalog; hold it for the whole request.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.current.load_full()
    }

    pub fn status(&self) -> LoadStatus {
        match self.status.read() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Loads the folder again; swaps the catalog in only when it has no errors.
    pub async fn reload(self: &Arc<Self>, trigger: &'static str) -> LoadStatus {
        let _one_at_a_time = self.reloading.lock().await;
        let library = Arc::clone(self);
        let outcome = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let mut report = check(&library.dir);
            let mut status = status_of(&report, trigger, started);
            if let Some(course) = report.course.take().filter(|_| status.succeeded) {
                library.current.store(Arc::new(Catalog::build(course)));
                status.duration = started.elapsed();
            }
            status
        })
        .await;
        let status = match outcome {
            Ok(status) => status,
            Err(panic) => {
                tracing::error!(error = %panic, "content reload crashed; keeping the current catalog");
                let mut status = self.status();
                status.succeeded = false;
                status.trigger = trigger;
                status.attempted_at = OffsetDateTime::now_utc();
                status.rendered = format!("the reload failed unexpectedly: {panic}");
                status
            }
        };
        if status.succeeded {
            tracing::info!(
                trigger,
                modules = status.summary.modules,
                questions = status.summary.questions,
                warnings = status.summary.warnings,
                ms = status.duration.as_millis() as u64,
                "content reloaded"
            );
        } else {
            tracing::warn!(
                trigger,
                errors = status.summary.errors,
                "content has errors; still serving the last good catalog:\n{}",
                status.rendered
            );
        }
        match self.status.write() {
            Ok(mut guard) => *guard = status.clone(),
            Err(poisoned) => *poisoned.into_inner() = status.clone(),
        }
        status
    }
}

/// Reloads on SIGHUP until the process ends.
pub fn reload_on_sighup(library: Arc<Library>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!(
                "cannot listen for SIGHUP; reload content with --watch or the trainer page"
            );
            return;
        };
        while hangups.recv().await.is_some() {
            library.reload("SIGHUP").await;
        }
    });
    #[cfg(not(unix))]
    let _ = library;
}

/// Watches the content folder and reloads shortly after files stop changing.
/// The returned watcher must be kept alive.
pub fn watch(library: Arc<Library>) -> Result<Box<dyn std::any::Any + Send>, String> {
    use notify_debouncer_full::notify::{EventKind, RecursiveMode};
    use notify_debouncer_full::{DebounceEventResult, new_debouncer};

    let (changed, mut changes) = tokio::sync::mpsc::channel::<()>(1);
    let mut debouncer = new_debouncer(
        Duration::from_millis(400),
        None,
        move |result: DebounceEventResult| {
            // Only changes count: reading the files (as a reload does) raises
            // access events, which would otherwise reload forever.
            let changed_files = result.is_ok_and(|events| {
                events.iter().any(|e| {
                    matches!(
                        e.event.kind,
                        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                    )
                })
            });
            if changed_files {
                // A full channel already holds a pending reload: nothing to add.
                let _ = changed.try_send(());
            }
        },
    )
    .map_err(|e| format!("cannot watch {}: {e}", library.dir.display()))?;
    debouncer
        .watch(&library.dir, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", library.dir.display()))?;
    tokio::spawn(async move {
        while changes.recv().await.is_some() {
            library.reload("watch").await;
        }
    });
    Ok(Box::new(debouncer))
}
