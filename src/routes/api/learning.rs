//! The learner's actions over the API: mark a lesson read, start and submit
//! quiz attempts, play role-play runs, and read one's competency profile.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::learning::attempts::{self as attempt_service, AttemptView, QuestionView, ResultView};
use crate::learning::journey;
use crate::learning::lessons::{self, module_or_not_found};
use crate::learning::profile::ProfileView;
use crate::learning::progress::ModuleStatus;
use crate::learning::roleplay::Move;
use crate::learning::runs::{self as run_service, MoveView, RunView, SceneView};
use crate::learning::{LearningError, access, rfc3339};
use crate::state::AppState;

/// `POST /modules/{id}/complete`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Completion {
    pub module_id: String,
    pub completed: bool,
    /// False when the lesson had already been marked as read (nothing new stored).
    pub newly_recorded: bool,
}

/// Marks a lesson as read; recorded once, as evidence of awareness.
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Module id")),
    responses((status = 200, body = Completion), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/modules/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<web::Json<Completion>, ApiError> {
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let newly_recorded = lessons::complete(&state.db, module, identity.user.id).await?;
    Ok(web::Json(Completion {
        module_id: module.id.clone(),
        completed: true,
        newly_recorded,
    }))
}

/// A started attempt: its id and questions in this attempt's order, without answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptStart {
    pub attempt_id: uuid::Uuid,
    pub pass_mark: i64,
    /// 1 for the first attempt.
    pub number: i32,
    /// 0 = unlimited.
    pub attempts_allowed: i64,
    /// False when an unsubmitted attempt was resumed instead of a new one started.
    pub new: bool,
    pub questions: Vec<QuestionView>,
}

/// Starts a quiz attempt (or resumes the caller's unsubmitted one: 200 instead of 201).
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Module id")),
    responses(
        (status = 201, body = AttemptStart, description = "a new attempt"),
        (status = 200, body = AttemptStart, description = "the open attempt, resumed"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "no attempts left")
    ),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/modules/{id}/attempts")]
pub async fn start_attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let (row, new) =
        attempt_service::start(&state.db, module, identity.user.id, lang.tag()).await?;
    let view = attempt_service::view(&state.db, &catalog, &row, lang.tag()).await?;
    let body = AttemptStart {
        attempt_id: view.attempt_id,
        pass_mark: view.pass_mark,
        number: view.number,
        attempts_allowed: view.attempts_allowed,
        new,
        questions: view.questions,
    };
    Ok(if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// An attempt and, once submitted, its result (owner, their managers, trainers, admins).
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Attempt id")),
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/attempts/{id}")]
pub async fn show_attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<web::Json<AttemptView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let (row, _) =
        attempt_service::load(&state.db, state.direct.as_ref(), &identity.user, &id).await?;
    let catalog = state.library.catalog();
    Ok(web::Json(
        attempt_service::view(&state.db, &catalog, &row, lang.tag()).await?,
    ))
}

/// `PUT /attempts/{id}`: answers by question id; option ids are source indices.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersBody {
    /// `{"listen-first": [1], "smart-parts": [0, 1], "order-steps": [0, 1, 2, 3], "fab": "FAB"}`
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
}

/// Submits an attempt's answers. Idempotent: submitting again returns the stored result.
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Attempt id")),
    request_body = AnswersBody,
    responses(
        (status = 200, body = ResultView),
        (status = 403, body = ErrorBody, description = "not the learner's own attempt"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the quiz changed since the attempt began"),
        (status = 422, body = ErrorBody, description = "answers naming unknown questions or options, wrong types, missing answers")
    ),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/attempts/{id}")]
pub async fn submit_attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
    body: web::Json<AnswersBody>,
) -> Result<web::Json<ResultView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let (row, access) =
        attempt_service::load(&state.db, state.direct.as_ref(), &identity.user, &id).await?;
    if access != access::Access::Owner {
        return Err(LearningError::Forbidden(
            "only the learner who started this attempt can submit it".into(),
        )
        .into());
    }
    let catalog = state.library.catalog();
    let row = attempt_service::submit(
        &state.db,
        &catalog,
        &state.review.scheduler,
        row,
        &body.answers,
    )
    .await?;
    let view = attempt_service::view(&state.db, &catalog, &row, lang.tag()).await?;
    view.result
        .map(web::Json)
        .ok_or_else(|| ApiError::internal("a submitted attempt has no stored result"))
}

/// A started run: its id and the first scene.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunStart {
    pub run_id: uuid::Uuid,
    pub scene: SceneView,
}

/// Starts a role-play run at its first scene.
#[utoipa::path(
    tag = "learning",
    params(
        ("id" = String, Path, description = "Module id"),
        ("name" = String, Path, description = "Role-play name (roleplay-<name>.md)")
    ),
    responses((status = 201, body = RunStart), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/modules/{id}/roleplays/{name}/runs")]
pub async fn start_run(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let (row, scene) =
        run_service::start(&state.db, module, &name, identity.user.id, lang.tag()).await?;
    Ok(HttpResponse::Created().json(RunStart {
        run_id: row.id,
        scene,
    }))
}

/// `{"choice": n}` at a normal scene, `{"text": "..."}` at a practice scene.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// The index of the choice, as the scene lists it.
    pub choice: Option<usize>,
    /// A written answer (at most 4000 characters).
    pub text: Option<String>,
}

impl MoveBody {
    fn into_move(self) -> Result<Move, ApiError> {
        match (self.choice, self.text) {
            (Some(choice), None) => Ok(Move::Choice(choice)),
            (None, Some(text)) => Ok(Move::Text(text)),
            _ => Err(ApiError::Invalid(
                "send either {\"choice\": N} or {\"text\": \"...\"}, exactly one of them".into(),
            )),
        }
    }
}

/// Makes a choice or answers a practice scene; returns the next scene, and the scores once the run ends.
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Run id")),
    request_body = MoveBody,
    responses(
        (status = 200, body = MoveView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the run has ended, or moved on meanwhile"),
        (status = 422, body = ErrorBody, description = "no such choice, or a choice where text is asked (and the reverse)")
    ),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/runs/{id}/choices")]
pub async fn choose(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
    body: web::Json<MoveBody>,
) -> Result<web::Json<MoveView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let next = body.into_inner().into_move()?;
    let (row, access) = run_service::load(&state.db, &identity.user, &id).await?;
    if access != access::Access::Owner {
        return Err(LearningError::Forbidden(
            "only the learner who started this run can play it".into(),
        )
        .into());
    }
    let catalog = state.library.catalog();
    Ok(web::Json(
        run_service::make_move(&state.db, &catalog, row, next, lang.tag()).await?,
    ))
}

/// A run as a transcript, with the debrief once it has ended.
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Run id")),
    responses((status = 200, body = RunView), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/runs/{id}")]
pub async fn show_run(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<web::Json<RunView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let (row, _) = run_service::load(&state.db, &identity.user, &id).await?;
    let catalog = state.library.catalog();
    Ok(web::Json(
        run_service::view(&state.db, &catalog, &row, lang.tag()).await?,
    ))
}

/// Levels, mastery and gaps against the caller's job-role targets.
#[utoipa::path(
    tag = "learning",
    responses((status = 200, body = ProfileView), (status = 401, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/me/competencies")]
pub async fn competencies(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
) -> Result<web::Json<ProfileView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let user = &identity.user;
    let catalog = state.library.catalog();
    Ok(web::Json(
        journey::profile(
            &state.db,
            &catalog,
            user,
            lang.tag(),
            state.settings.clock.now(),
        )
        .await?,
    ))
}

/// Progress through one enrolled path.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathProgressView {
    pub path_id: String,
    pub enrolled_at: String,
    pub done_modules: usize,
    pub total_modules: usize,
    pub current_stage: Option<usize>,
    pub next_module: Option<String>,
    pub stages: Vec<StageView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    pub title: String,
    pub due_at: String,
    pub done: bool,
    pub overdue: bool,
    pub modules: Vec<StageModuleView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageModuleView {
    pub id: String,
    pub status: ModuleStatus,
    /// Prerequisites to finish first, when locked.
    pub unlocked_by: Vec<String>,
}

/// The caller's onboarding paths (enrolling them in their job role's paths first).
#[utoipa::path(
    tag = "learning",
    responses((status = 200, body = Vec<PathProgressView>), (status = 401, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/me/progress")]
pub async fn my_progress(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
) -> Result<web::Json<Vec<PathProgressView>>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let done = journey::done(&state.db, identity.user.id).await?;
    let paths = journey::path_progress(&state.db, &catalog, &identity.user, &done).await?;
    Ok(web::Json(
        paths
            .into_iter()
            .map(|p| {
                let path = catalog
                    .course
                    .paths
                    .iter()
                    .find(|x| x.id.value == p.path_id);
                PathProgressView {
                    path_id: p.path_id.clone(),
                    enrolled_at: rfc3339(p.enrolled_at),
                    done_modules: p.done_modules,
                    total_modules: p.total_modules,
                    current_stage: p.current_stage,
                    next_module: p.next_module.clone(),
                    stages: p
                        .stages
                        .iter()
                        .map(|s| StageView {
                            title: path
                                .and_then(|x| x.stages.get(s.index))
                                .map(|x| x.title.get(lang.tag()).clone())
                                .unwrap_or_default(),
                            due_at: rfc3339(s.due_at),
                            done: s.done,
                            overdue: s.overdue,
                            modules: s
                                .modules
                                .iter()
                                .map(|m| StageModuleView {
                                    id: m.id.clone(),
                                    status: m.status,
                                    unlocked_by: m.unlocked_by.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect(),
    ))
}
