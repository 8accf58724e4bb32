//! Where a learner is on their onboarding paths: pure, from the catalog,
//! their enrolments and what they have done. A module is done when its
//! lesson is read and its quiz (if it has one) passed; a module is locked
//! while any of its prerequisites is not done.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::content::Catalog;

/// What the learner has done, as the store knows it.
#[derive(Debug, Default, Clone)]
pub struct Done {
    pub read: BTreeSet<String>,
    pub passed: BTreeSet<String>,
}

impl Done {
    pub fn module_done(&self, catalog: &Catalog, id: &str) -> bool {
        let quiz_ok = catalog
            .module(id)
            .is_none_or(|m| m.quiz.is_none() || self.passed.contains(id));
        self.read.contains(id) && quiz_ok
    }

    /// Prerequisites of `id` not done yet.
    pub fn missing_prerequisites<'c>(&self, catalog: &'c Catalog, id: &str) -> Vec<&'c str> {
        catalog.module(id).map_or_else(Vec::new, |m| {
            m.prerequisites
                .iter()
                .filter(|p| !self.module_done(catalog, p))
                .map(String::as_str)
                .collect()
        })
    }
}

/// Where a module stands for a learner: `done`, `quiz_pending`, `todo` or `locked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModuleStatus {
    Done,
    /// Lesson read, quiz not passed yet.
    QuizPending,
    Todo,
    Locked,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModuleStep {
    pub id: String,
    pub status: ModuleStatus,
    /// The prerequisites to finish first (when locked).
    pub unlocked_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageProgress {
    pub index: usize,
    pub due_at: OffsetDateTime,
    pub done: bool,
    pub overdue: bool,
    /// Days until due (negative when overdue).
    pub days_left: i64,
    pub modules: Vec<ModuleStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathProgress {
    pub path_id: String,
    pub enrolled_at: OffsetDateTime,
    pub stages: Vec<StageProgress>,
    pub done_modules: usize,
    pub total_modules: usize,
    /// The first stage not done (None when the path is complete).
    pub current_stage: Option<usize>,
    /// The module to do next: the first one not done and not locked, in
    /// path order (else the first locked one).
    pub next_module: Option<String>,
}

pub fn status_of(catalog: &Catalog, done: &Done, id: &str) -> (ModuleStatus, Vec<String>) {
    if done.module_done(catalog, id) {
        return (ModuleStatus::Done, Vec::new());
    }
    let missing = done.missing_prerequisites(catalog, id);
    if !missing.is_empty() {
        return (
            ModuleStatus::Locked,
            missing.into_iter().map(str::to_owned).collect(),
        );
    }
    if done.read.contains(id) {
        (ModuleStatus::QuizPending, Vec::new())
    } else {
        (ModuleStatus::Todo, Vec::new())
    }
}

/// Progress through every path the learner is enrolled in, in the catalog's path order.
pub fn paths(
    catalog: &Catalog,
    enrolments: &BTreeMap<String, OffsetDateTime>,
    done: &Done,
    now: OffsetDateTime,
) -> Vec<PathProgress> {
    catalog
        .course
        .paths
        .iter()
        .filter_map(|path| {
            let enrolled_at = *enrolments.get(&path.id.value)?;
            let mut due_at = enrolled_at;
            let mut stages = Vec::new();
            for (index, stage) in path.stages.iter().enumerate() {
                due_at += Duration::days(stage.days.value.max(0));
                let modules: Vec<ModuleStep> = stage
                    .modules
                    .iter()
                    .filter(|m| catalog.module(&m.value).is_some())
                    .map(|m| {
                        let (status, unlocked_by) = status_of(catalog, done, &m.value);
                        ModuleStep {
                            id: m.value.clone(),
                            status,
                            unlocked_by,
                        }
                    })
                    .collect();
                let stage_done = modules.iter().all(|m| m.status == ModuleStatus::Done);
                stages.push(StageProgress {
                    index,
                    due_at,
                    done: stage_done,
                    overdue: !stage_done && now > due_at,
                    days_left: (due_at - now).whole_days(),
                    modules,
                });
            }
            let all = stages.iter().flat_map(|s| &s.modules);
            let total_modules = all.clone().count();
            let done_modules = all
                .clone()
                .filter(|m| m.status == ModuleStatus::Done)
                .count();
            let next_module = all
                .clone()
                .find(|m| matches!(m.status, ModuleStatus::Todo | ModuleStatus::QuizPending))
                .or_else(|| all.clone().find(|m| m.status == ModuleStatus::Locked))
                .map(|m| m.id.clone());
            Some(PathProgress {
                path_id: path.id.value.clone(),
                enrolled_at,
                current_stage: stages.iter().position(|s| !s.done),
                stages,
                done_modules,
                total_modules,
                next_module,
            })
        })
        .collect()
}

/// The paths written for a job role.
pub fn paths_for_role(catalog: &Catalog, role: &str) -> Vec<String> {
    catalog
        .course
        .paths
        .iter()
        .filter(|p| p.role.as_ref().is_some_and(|r| r.value == role))
        .map(|p| p.id.value.clone())
        .collect()
}
