use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::me::UserView;
use crate::accounts::{self, AccountInput};
use crate::auth::{Admin, ApiUser};
use crate::domain::AccessRole;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store::users;

/// Every user (administrators only).
#[utoipa::path(
    tag = "admin",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    _admin: ApiUser<Admin>,
) -> Result<web::Json<Vec<UserView>>, ApiError> {
    let all = users::list(&state.db).await?;
    Ok(web::Json(all.iter().map(UserView::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: String,
    pub name: String,
    /// Default: learner.
    #[serde(default)]
    pub roles: Vec<AccessRole>,
    pub job_role: Option<String>,
    /// At least 10 characters.
    pub password: String,
}

/// Create a user (administrators only).
#[utoipa::path(
    tag = "admin",
    request_body = NewUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 409, description = "E-mail already taken", body = ErrorBody),
        (status = 422, body = ErrorBody)
    ),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    _admin: ApiUser<Admin>,
    body: web::Json<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let user = accounts::create_user(
        &state.db,
        &state.hasher,
        AccountInput {
            email: &body.email,
            name: &body.name,
            roles: &body.roles,
            job_role: body.job_role.as_deref(),
            password: body.password,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
}

/// Reset a user's password (administrators only); ends all their sessions.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = PasswordReset,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/users/{id}/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    _admin: ApiUser<Admin>,
    id: web::Path<Uuid>,
    body: web::Json<PasswordReset>,
) -> Result<HttpResponse, ApiError> {
    let user = users::find_by_id(&state.db, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::NotFound("no user has this id".into()))?;
    accounts::set_password(&state.db, &state.hasher, &user, body.into_inner().password).await?;
    Ok(HttpResponse::NoContent().finish())
}
