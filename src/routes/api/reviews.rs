//! The review queue over the API: practice answers to score against their
//! role-play's rubric, and the scores learners get back.

use actix_web::{HttpRequest, get, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{ApiUser, Reviewer};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::management::reviews::{self, QueueFilter, ReviewItem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// `pending` (default), `reviewed` or `all`.
    #[param(inline)]
    pub status: Option<QueueFilter>,
}

/// Practice answers waiting for a review: trainers see every learner's,
/// managers their teams' members'.
#[utoipa::path(
    tag = "reviews",
    params(QueueQuery),
    responses((status = 200, body = Vec<ReviewItem>), (status = 403, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/reviews")]
pub async fn queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<Reviewer>,
    query: web::Query<QueueQuery>,
) -> Result<web::Json<Vec<ReviewItem>>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    Ok(web::Json(
        reviews::queue(
            &state.db,
            &catalog,
            &identity.user,
            query.status.unwrap_or_default(),
            lang.tag(),
        )
        .await?,
    ))
}

/// One practice answer with its current review and the earlier ones.
#[utoipa::path(
    tag = "reviews",
    params(("id" = Uuid, Path, description = "Practice answer id (from the queue)")),
    responses((status = 200, body = ReviewItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/reviews/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<Reviewer>,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReviewItem>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    Ok(web::Json(
        reviews::item(
            &state.db,
            &catalog,
            &identity.user,
            id.into_inner(),
            lang.tag(),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// Points per rubric criterion, in rubric order, each from 0 to that
    /// criterion's points.
    pub scores: Vec<f64>,
    /// Feedback for the learner (optional).
    #[serde(default)]
    pub comment: String,
}

/// Score a practice answer. Scoring it again supersedes the earlier review
/// (both are kept); each criterion becomes evidence for its competency.
#[utoipa::path(
    tag = "reviews",
    params(("id" = Uuid, Path, description = "Practice answer id (from the queue)")),
    request_body = ScoreRequest,
    responses((status = 200, body = ReviewItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/reviews/{id}")]
pub async fn score(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<Reviewer>,
    id: web::Path<Uuid>,
    body: web::Json<ScoreRequest>,
) -> Result<web::Json<ReviewItem>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let body = body.into_inner();
    Ok(web::Json(
        reviews::score(
            &state.db,
            &catalog,
            &identity.user,
            id.into_inner(),
            body.scores,
            &body.comment,
            lang.tag(),
        )
        .await?,
    ))
}
