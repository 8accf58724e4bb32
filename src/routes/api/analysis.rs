//! Item analysis and course feedback over the API.

use actix_web::{HttpRequest, get, put, web};
use utoipa::ToSchema;

use crate::auth::{ApiUser, TrainerOrAdmin};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::learning::feedback::{self, FeedbackInput, FeedbackView};
use crate::learning::lessons::module_or_not_found;
use crate::management::item_analysis::{self, ModuleAnalysis, ModuleOverview};
use crate::state::AppState;

/// Every module with how many learners took its quiz for the first time and
/// the learners' average ratings (trainers and administrators).
#[utoipa::path(
    tag = "analysis",
    responses((status = 200, body = Vec<ModuleOverview>), (status = 403, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/analysis")]
pub async fn overview(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<TrainerOrAdmin>,
) -> Result<web::Json<Vec<ModuleOverview>>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    Ok(web::Json(
        item_analysis::overview(&state.db, &catalog, lang.tag()).await?,
    ))
}

/// Item analysis of one module from learners' first attempts and first
/// runs: per question facility, discrimination, option shares and flags;
/// per role-play how often each ending is reached; the course feedback.
#[utoipa::path(
    tag = "analysis",
    params(("id" = String, Path, description = "Module id")),
    responses((status = 200, body = ModuleAnalysis), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/modules/{id}/analysis")]
pub async fn module_analysis(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<TrainerOrAdmin>,
    id: web::Path<String>,
) -> Result<web::Json<ModuleAnalysis>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    Ok(web::Json(
        item_analysis::for_module(&state.db, module, lang.tag()).await?,
    ))
}

/// The caller's feedback on a module, or null when they have given none.
#[derive(serde::Serialize, ToSchema)]
pub struct MaybeFeedback {
    pub feedback: Option<FeedbackView>,
}

#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Module id")),
    responses((status = 200, body = MaybeFeedback), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/modules/{id}/feedback")]
pub async fn my_feedback(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
) -> Result<web::Json<MaybeFeedback>, ApiError> {
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    Ok(web::Json(MaybeFeedback {
        feedback: feedback::mine(&state.db, identity.user.id, &module.id).await?,
    }))
}

/// Rate a module (usefulness and clarity 1-5, optional comment); sending it
/// again replaces the earlier feedback.
#[utoipa::path(
    tag = "learning",
    params(("id" = String, Path, description = "Module id")),
    request_body = FeedbackInput,
    responses((status = 200, body = FeedbackView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/modules/{id}/feedback")]
pub async fn give_feedback(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser,
    id: web::Path<String>,
    body: web::Json<FeedbackInput>,
) -> Result<web::Json<FeedbackView>, ApiError> {
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    Ok(web::Json(
        feedback::give(&state.db, identity.user.id, &module.id, &body).await?,
    ))
}
