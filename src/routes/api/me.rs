use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::ApiUser;
use crate::domain::{AccessRole, Language};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store::users::{self, User};

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
