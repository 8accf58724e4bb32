use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::ApiUser;
use crate::domain::{AccessRole, Language};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store::users::{self, User};
use crate::time_zone::Zone;

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub roles: Vec<AccessRole>,
    /// Job role id from competencies.toml, if set.
    pub job_role: Option<String>,
    /// Interface language: `en` or `zh-CN`; null when it follows the browser.
    pub language: Option<Language>,
    /// IANA time zone dates are shown in (e.g. `Europe/Berlin`); null shows them in UTC.
    pub time_zone: Option<String>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            name: user.name.clone(),
            roles: user.roles.iter().collect(),
            job_role: user.job_role.clone(),
            language: user.language,
            time_zone: user.time_zone.clone(),
        }
    }
}

/// The current user, their roles and language.
#[utoipa::path(
    tag = "account",
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/me")]
pub async fn show(ApiUser(identity, ..): ApiUser) -> web::Json<UserView> {
    web::Json(UserView::from(&identity.user))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageChange {
    /// `en` or `zh-CN`.
    pub language: String,
}

/// Sets the current user's interface language.
#[utoipa::path(
    tag = "account",
    request_body = LanguageChange,
    responses((status = 200, body = UserView), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/me/language")]
pub async fn set_language(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser,
    body: web::Json<LanguageChange>,
) -> Result<web::Json<UserView>, ApiError> {
    let language = Language::from_tag(&body.language).ok_or_else(|| {
        ApiError::Invalid(format!(
            "`{}` is not a supported language; use `en` or `zh-CN`",
            body.language
        ))
    })?;
    users::set_language(&state.db, identity.user.id, language).await?;
    let mut user = identity.user;
    user.language = Some(language);
    Ok(web::Json(UserView::from(&user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeZoneChange {
    /// An IANA name such as `Asia/Shanghai`, or null to show dates in UTC again.
    pub time_zone: Option<String>,
}

/// Sets the time zone the current user reads dates in. It also decides
/// where their day starts, for the daily review cap and streak.
#[utoipa::path(
    tag = "account",
    request_body = TimeZoneChange,
    responses((status = 200, body = UserView), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[put("/me/time-zone")]
pub async fn set_time_zone(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser,
    body: web::Json<TimeZoneChange>,
) -> Result<web::Json<UserView>, ApiError> {
    let zone = body
        .time_zone
        .as_deref()
        .map(Zone::named)
        .transpose()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let name = zone.as_ref().map(|z| z.name().to_owned());
    users::set_time_zone(&state.db, identity.user.id, name.as_deref()).await?;
    let mut user = identity.user;
    user.time_zone = name;
    Ok(web::Json(UserView::from(&user)))
}
