//! Daily review over the API: the cards due now (or every card), and
//! answering one in the quiz's answer shape.

use actix_web::{HttpRequest, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::review::cards::{self, CardView, DueReviews, ReviewOutcome};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReviewsQuery {
    /// `due` (default): today's session; `all`: every card with its state.
    pub scope: Option<String>,
}

/// Today's session, or with `scope=all` every card.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ReviewsView {
    Due(DueReviews),
    All(Vec<CardView>),
}

/// Spaced-review cards: due now (capped per day, oldest due first, mixed
/// across modules), or with `scope=all` every card with its question id,
/// state, stability, difficulty, last rating and next due time.
#[utoipa::path(
    tag = "review",
    params(ReviewsQuery),
    responses((status = 200, body = ReviewsView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/me/reviews")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    query: web::Query<ReviewsQuery>,
) -> Result<web::Json<ReviewsView>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let now = state.settings.clock.now();
    let catalog = state.library.catalog();
    match query.scope.as_deref() {
        None | Some("due") => Ok(web::Json(ReviewsView::Due(
            cards::due(
                &state.db,
                &catalog,
                &state.review,
                &identity.user,
                now,
                lang.tag(),
            )
            .await?,
        ))),
        Some("all") => Ok(web::Json(ReviewsView::All(
            cards::all(&state.db, &identity.user, now).await?,
        ))),
        Some(other) => Err(ApiError::Invalid(format!(
            "`scope={other}` is not known; use `due` (the default) or `all`"
        ))),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewAnswer {
    /// As in a quiz: `{"<question id>": [option ids]}` or `{"<question id>": "text"}`.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
}

/// Answer a due card. Wrong = Again, partly right = Hard, right = Good;
/// the card is rescheduled and the answer counts as evidence.
#[utoipa::path(
    tag = "review",
    params(("card" = Uuid, Path, description = "Card id")),
    request_body = ReviewAnswer,
    responses((status = 200, body = ReviewOutcome), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/me/reviews/{card}")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
    card: web::Path<Uuid>,
    body: web::Json<ReviewAnswer>,
) -> Result<web::Json<ReviewOutcome>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    Ok(web::Json(
        cards::answer(
            &state.db,
            &cards::ReviewContext {
                catalog: &catalog,
                config: &state.review,
                now: state.settings.clock.now(),
                language: lang.tag(),
            },
            &identity.user,
            card.into_inner(),
            &body.answers,
        )
        .await?,
    ))
}
