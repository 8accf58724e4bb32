use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts;
use crate::auth::{Admin, ApiUser, ManagerOrAdmin};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store::teams::{self, Team, TeamDetail};

/// The teams the caller manages (every team, for an administrator).
#[utoipa::path(
    tag = "teams",
    responses((status = 200, body = Vec<Team>), (status = 403, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/teams")]
pub async fn list(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
) -> Result<web::Json<Vec<Team>>, ApiError> {
    let found = if identity.user.roles.is_admin() {
        teams::list_all(&state.db).await?
    } else {
        teams::list_managed_by(&state.db, identity.user.id).await?
    };
    Ok(web::Json(found))
}

/// One team with its managers and members (its managers and administrators).
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    responses((status = 200, body = TeamDetail), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/teams/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    id: web::Path<Uuid>,
) -> Result<web::Json<TeamDetail>, ApiError> {
    let id = id.into_inner();
    let visible = if identity.user.roles.is_admin() {
        teams::find_by_id(&state.db, id).await?
    } else {
        // A manager sees only their own teams; any other id looks missing.
        teams::list_managed_by(&state.db, identity.user.id)
            .await?
            .into_iter()
            .find(|t| t.id == id)
    };
    let team = visible.ok_or_else(|| {
        ApiError::NotFound("no team with this id among the teams you manage".into())
    })?;
    Ok(web::Json(teams::detail(&state.db, team).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeamRequest {
    pub name: String,
    /// E-mail of an existing user who will manage the team.
    pub manager_email: String,
}

/// Create a team with its manager (administrators only).
#[utoipa::path(
    tag = "teams",
    request_body = NewTeamRequest,
    responses((status = 201, body = Team), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/teams")]
pub async fn create(
    state: web::Data<AppState>,
    _admin: ApiUser<Admin>,
    body: web::Json<NewTeamRequest>,
) -> Result<HttpResponse, ApiError> {
    let team = accounts::create_team(&state.db, &body.name, &body.manager_email).await?;
    Ok(HttpResponse::Created().json(team))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberRequest {
    pub email: String,
}

/// Add a member to a team (administrators only); adding someone twice changes nothing.
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    request_body = NewMemberRequest,
    responses((status = 200, body = TeamDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/teams/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    _admin: ApiUser<Admin>,
    id: web::Path<Uuid>,
    body: web::Json<NewMemberRequest>,
) -> Result<web::Json<TeamDetail>, ApiError> {
    let team = teams::find_by_id(&state.db, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::NotFound("no team has this id".into()))?;
    accounts::add_member(&state.db, &team, &body.email).await?;
    Ok(web::Json(teams::detail(&state.db, team).await?))
}
