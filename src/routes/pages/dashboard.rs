//! `/`: the learner's home. It always says what to do next: the current
//! stage of their onboarding path with its due date, the next module (or
//! what unlocks it), manager assignments, recent results and progress.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use time::OffsetDateTime;

use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::learning::progress::{self, ModuleStatus};
use crate::learning::{journey, percent};
use crate::state::AppState;
use crate::store::{attempts, now, progress as progress_store, runs, teams};
use crate::views::{page_context, render};

#[derive(Serialize)]
struct ModuleLine {
    id: String,
    title: String,
    minutes: i64,
    status: ModuleStatus,
    unlocked_by: Vec<(String, String)>,
}

#[derive(Serialize)]
struct StageLine {
    title: String,
    due: String,
    done: bool,
    overdue: bool,
    current: bool,
    days_left: i64,
    modules: Vec<ModuleLine>,
}

#[derive(Serialize)]
struct PathLine {
    title: String,
    done_modules: usize,
    total_modules: usize,
    percent: usize,
    stages: Vec<StageLine>,
    next: Option<ModuleLine>,
    current_stage: Option<String>,
    current_due: Option<String>,
    current_overdue: bool,
}

#[derive(Serialize)]
struct AssignmentLine {
    module_id: String,
    title: String,
    due: String,
    overdue: bool,
    done: bool,
}

#[derive(Serialize)]
struct ResultLine {
    kind: &'static str,
    link: String,
    title: String,
    percent: Option<i64>,
    passed: Option<bool>,
    outcome: Option<String>,
    at: String,
}

#[get("/")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let user = &identity.user;
    let zone = user.zone();
    let day = |at: OffsetDateTime| zone.day(at);
    let catalog = state.library.catalog();
    let title_of = |id: &str| {
        catalog
            .module(id)
            .map_or_else(|| id.to_owned(), |m| m.title.get(lang).clone())
    };
    let done = journey::done(&state.db, user.id).await?;
    let paths = journey::path_progress(&state.db, &catalog, user, &done).await?;
    let line = |id: &str| {
        let (status, unlocked_by) = progress::status_of(&catalog, &done, id);
        ModuleLine {
            id: id.to_owned(),
            title: title_of(id),
            minutes: catalog.module(id).map_or(0, |m| m.minutes),
            status,
            unlocked_by: unlocked_by
                .into_iter()
                .map(|p| {
                    let t = title_of(&p);
                    (p, t)
                })
                .collect(),
        }
    };
    let path_lines: Vec<PathLine> = paths
        .iter()
        .map(|p| {
            let source = catalog
                .course
                .paths
                .iter()
                .find(|x| x.id.value == p.path_id);
            let stage_title = |i: usize| {
                source
                    .and_then(|x| x.stages.get(i))
                    .map(|s| s.title.get(lang).clone())
                    .unwrap_or_default()
            };
            let current = p.current_stage.and_then(|i| p.stages.get(i));
            PathLine {
                title: source.map_or_else(|| p.path_id.clone(), |x| x.title.get(lang).clone()),
                done_modules: p.done_modules,
                total_modules: p.total_modules,
                percent: (p.done_modules * 100)
                    .checked_div(p.total_modules)
                    .unwrap_or(100),
                stages: p
                    .stages
                    .iter()
                    .map(|s| StageLine {
                        title: stage_title(s.index),
                        due: day(s.due_at),
                        done: s.done,
                        overdue: s.overdue,
                        current: Some(s.index) == p.current_stage,
                        days_left: s.days_left,
                        modules: s.modules.iter().map(|m| line(&m.id)).collect(),
                    })
                    .collect(),
                next: p.next_module.as_deref().map(line),
                current_stage: current.map(|s| stage_title(s.index)),
                current_due: current.map(|s| day(s.due_at)),
                current_overdue: current.is_some_and(|s| s.overdue),
            }
        })
        .collect();

    let at = now();
    let assignments: Vec<AssignmentLine> = progress_store::assignments(&state.db, user.id)
        .await?
        .into_iter()
        .map(|a| AssignmentLine {
            title: title_of(&a.module_id),
            module_id: a.module_id,
            due: day(a.due_at),
            overdue: a.completed_at.is_none() && a.due_at < at,
            done: a.completed_at.is_some(),
        })
        .collect();

    let mut results: Vec<(OffsetDateTime, ResultLine)> = Vec::new();
    for a in attempts::recent_submitted(&state.db, user.id, 5).await? {
        let when = a.submitted_at.unwrap_or(a.started_at);
        results.push((
            when,
            ResultLine {
                kind: "quiz",
                link: format!("/attempts/{}", a.id),
                title: title_of(&a.module_id),
                percent: a.score.map(percent),
                passed: a.passed,
                outcome: None,
                at: day(when),
            },
        ));
    }
    for r in runs::recent_finished(&state.db, user.id, 5).await? {
        let when = r.finished_at.unwrap_or(r.started_at);
        let roleplay_title = catalog
            .module(&r.module_id)
            .and_then(|m| m.roleplays.iter().find(|x| x.name == r.roleplay))
            .map_or_else(|| r.roleplay.clone(), |x| x.title.get(lang).clone());
        results.push((
            when,
            ResultLine {
                kind: "roleplay",
                link: format!(
                    "/modules/{}/roleplays/{}?run={}",
                    r.module_id, r.roleplay, r.id
                ),
                title: roleplay_title,
                percent: None,
                passed: None,
                outcome: r.outcome.clone(),
                at: day(when),
            },
        ));
    }
    results.sort_by_key(|r| std::cmp::Reverse(r.0));
    let results: Vec<ResultLine> = results.into_iter().take(6).map(|(_, r)| r).collect();

    let managed = teams::list_managed_by(&state.db, user.id).await?;
    context.insert(
        "review_summary",
        &crate::review::cards::today(&state.db, user, state.settings.clock.now()).await?,
    );
    context.insert("managed_teams", &managed);
    context.insert("job_role", &user.job_role);
    context.insert("paths", &path_lines);
    context.insert("assignments", &assignments);
    context.insert("results", &results);
    render(&state, "pages/dashboard.html", &context)
}
