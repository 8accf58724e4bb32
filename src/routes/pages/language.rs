use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;

use super::login::redirect;
use super::safe_next;
use crate::auth::cookie::language_cookie;
use crate::auth::guard::optional_identity;
use crate::domain::Language;
use crate::error::PageError;
use crate::state::AppState;
use crate::store::users;

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Switches the interface language: remembered in a cookie, and in the
/// account when someone is logged in.
#[post("/language")]
pub async fn switch(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, PageError> {
    let language = Language::from_tag(&form.lang).ok_or_else(|| {
        PageError::BadRequest(format!(
            "`{}` is not a supported language (en, zh-CN)",
            form.lang
        ))
    })?;
    if let Some(identity) = optional_identity(&req) {
        users::set_language(&state.db, identity.user.id, language).await?;
    }
    let mut response = redirect(&safe_next(form.next.as_deref()));
    response
        .add_cookie(&language_cookie(&req, language.tag()))
        .map_err(PageError::internal)?;
    Ok(response)
}
