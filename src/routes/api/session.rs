use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::me::UserView;
use crate::auth::cookie::{expired_session_cookie, session_cookie};
use crate::auth::guard::optional_identity;
use crate::auth::identity::client_addr;
use crate::auth::{ApiUser, login};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send this in the X-CSRF-Token header of every request that changes data.
    pub csrf_token: String,
    pub user: UserView,
}

/// Log in: sets the session cookie and returns the CSRF token.
#[utoipa::path(
    tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "Wrong e-mail or password (the same answer for both)", body = ErrorBody),
        (status = 429, description = "Too many failed logins; see Retry-After", body = ErrorBody)
    )
)]
#[post("/session")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let addr = client_addr(&req, state.settings.behind_proxy);
    let previous = optional_identity(&req);
    let logged_in =
        login::log_in(&state, &body.email, body.password, &addr, previous.as_ref()).await?;
    let cookie = session_cookie(
        &state.cookie_key,
        &req,
        &logged_in.session_token,
        state.settings.session_days,
    );
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse {
        csrf_token: logged_in.csrf_token,
        user: UserView::from(&logged_in.user),
    }))
}

/// Log out: ends the session on every server and clears the cookie.
#[utoipa::path(
    tag = "session",
    responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody), (status = 403, description = "Missing CSRF token", body = ErrorBody)),
    security(("session_cookie" = []))
)]
#[delete("/session")]
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser,
) -> Result<HttpResponse, ApiError> {
    login::log_out(&state, &identity).await?;
    Ok(HttpResponse::NoContent()
        .cookie(expired_session_cookie(&req))
        .finish())
}
