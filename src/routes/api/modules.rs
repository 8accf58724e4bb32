use actix_web::{HttpRequest, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::content::{CatalogModule, QuestionKind};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::state::AppState;

/// A module in the catalog, in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct ModuleSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub competencies: Vec<String>,
    /// The level (1..5) the module teaches toward.
    pub level: i64,
    pub minutes: i64,
    pub has_quiz: bool,
    /// Names of its role-plays (`roleplay-<name>.md`).
    pub roleplays: Vec<String>,
    /// Languages the lesson is written in.
    pub languages: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct QuizSummary {
    pub pass_mark: i64,
    /// 0 = unlimited.
    pub attempts: i64,
    /// Questions in the bank.
    pub questions: usize,
    /// Questions per attempt.
    pub per_attempt: usize,
    pub question_types: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RolePlaySummary {
    pub name: String,
    pub title: String,
    pub persona: String,
    pub goal: String,
    pub competencies: Vec<String>,
}

/// One module: the lesson as sanitized HTML, its quiz (without answers) and role-plays.
#[derive(Serialize, ToSchema)]
pub struct ModuleDetail {
    #[serde(flatten)]
    pub module: ModuleSummary,
    pub prerequisites: Vec<String>,
    /// The language of `lesson_html` (the caller's, else the default).
    pub language: String,
    pub lesson_html: String,
    pub quiz: Option<QuizSummary>,
    pub roleplays_detail: Vec<RolePlaySummary>,
}

fn summary(module: &CatalogModule, lang: &str) -> ModuleSummary {
    ModuleSummary {
        id: module.id.clone(),
        title: module.title.get(lang).clone(),
        summary: module.summary.get(lang).clone(),
        competencies: module.competencies.clone(),
        level: module.level,
        minutes: module.minutes,
        has_quiz: module.quiz.is_some(),
        roleplays: module.roleplays.iter().map(|r| r.name.clone()).collect(),
        languages: module.languages.clone(),
    }
}

/// The catalog: every module with its title, competencies, level and minutes.
#[utoipa::path(
    tag = "content",
    responses((status = 200, body = Vec<ModuleSummary>), (status = 401, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/modules")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
) -> web::Json<Vec<ModuleSummary>> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    web::Json(
        catalog
            .modules
            .iter()
            .map(|m| summary(m, lang.tag()))
            .collect(),
    )
}

/// One module in the caller's language: lesson HTML, quiz summary, role-plays.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "Module id, e.g. objection-handling")),
    responses((status = 200, body = ModuleDetail), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/modules/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<web::Json<ModuleDetail>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let tag = lang.tag();
    let catalog = state.library.catalog();
    let module = catalog.module(&id).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no module has the id `{id}`; GET /api/v1/modules lists them"
        ))
    })?;
    let language = if module.languages.iter().any(|l| l == tag) {
        tag
    } else {
        crate::content::DEFAULT_LANGUAGE
    };
    let quiz = module.quiz.as_ref().map(|quiz| {
        let questions = &quiz.questions.default;
        let mut kinds: Vec<QuestionKind> = questions.iter().map(|q| q.kind).collect();
        kinds.sort();
        kinds.dedup();
        let draw = usize::try_from(quiz.draw).unwrap_or(0);
        QuizSummary {
            pass_mark: quiz.pass_mark,
            attempts: quiz.attempts,
            questions: questions.len(),
            per_attempt: if draw == 0 {
                questions.len()
            } else {
                draw.min(questions.len())
            },
            question_types: kinds.into_iter().map(|k| k.as_str().to_owned()).collect(),
        }
    });
    Ok(web::Json(ModuleDetail {
        module: summary(module, tag),
        prerequisites: module.prerequisites.clone(),
        language: language.to_owned(),
        lesson_html: module.lesson_html.get(tag).as_str().to_owned(),
        quiz,
        roleplays_detail: module
            .roleplays
            .iter()
            .map(|r| RolePlaySummary {
                name: r.name.clone(),
                title: r.title.get(tag).clone(),
                persona: r.persona.get(tag).clone(),
                goal: r.goal.get(tag).clone(),
                competencies: r.competencies.clone(),
            })
            .collect(),
    }))
}
