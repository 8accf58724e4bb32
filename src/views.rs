//! What templates receive: a base context every page shares (messages in the
//! visitor's language, who is logged in, the CSRF token), plus each page's own data.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use tera::Context;

use crate::auth::guard::optional_identity;
use crate::auth::identity::Identity;
use crate::domain::Language;
use crate::error::PageError;
use crate::i18n::request_language;
use crate::state::AppState;

#[derive(Serialize)]
struct ViewUser<'a> {
    name: &'a str,
    email: &'a str,
    roles: Vec<&'static str>,
    is_admin: bool,
    is_trainer: bool,
    /// Manages teams (or administers every team).
    is_manager: bool,
    /// May score practice answers.
    is_reviewer: bool,
}

#[derive(Serialize)]
struct LanguageChoice {
    tag: &'static str,
    name: &'static str,
    current: bool,
}

/// Starts a page context for this request.
pub fn page_context(state: &AppState, req: &HttpRequest) -> (Context, Language) {
    let identity = optional_identity(req);
    let language = request_language(req, identity.as_ref());
    let mut context = Context::new();
    context.insert_value(
        "t",
        state.catalogs.for_language(language).for_templates.clone(),
    );
    context.insert("lang", language.tag());
    context.insert(
        "languages",
        &Language::ALL
            .iter()
            .map(|l| LanguageChoice {
                tag: l.tag(),
                name: l.native_name(),
                current: *l == language,
            })
            .collect::<Vec<_>>(),
    );
    context.insert(
        "current_path",
        &req.uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    insert_identity(&mut context, identity.as_ref());
    (context, language)
}

fn insert_identity(context: &mut Context, identity: Option<&Identity>) {
    match identity {
        Some(identity) => {
            let user = &identity.user;
            context.insert(
                "user",
                &ViewUser {
                    name: &user.name,
                    email: &user.email,
                    roles: user.roles.names(),
                    is_admin: user.roles.is_admin(),
                    is_trainer: user.roles.is_admin()
                        || user.roles.has(crate::domain::AccessRole::Trainer),
                    is_manager: user.roles.is_admin()
                        || user.roles.has(crate::domain::AccessRole::Manager),
                    is_reviewer: user.roles.is_admin()
                        || user.roles.has(crate::domain::AccessRole::Trainer)
                        || user.roles.has(crate::domain::AccessRole::Manager),
                },
            );
            context.insert("csrf_token", identity.csrf_token().unwrap_or_default());
            // Read by the `local_date` and `local_time` filters.
            context.insert("time_zone", user.zone().name());
        }
        None => {
            context.insert("user", &Option::<ViewUser>::None);
            context.insert("csrf_token", "");
            context.insert("time_zone", crate::time_zone::DEFAULT_ZONE);
        }
    }
}

/// Room for a typical page, so rendering seldom grows the buffer.
const PAGE_CAPACITY: usize = 24 * 1024;

/// Renders a template into an HTML response. The bytes go to the response
/// as they are: Tera writes valid UTF-8, so they are not checked again.
pub fn render(
    state: &AppState,
    template: &str,
    context: &Context,
) -> Result<HttpResponse, PageError> {
    let mut html = Vec::with_capacity(PAGE_CAPACITY);
    state
        .templates
        .render_to(template, context, &mut html)
        .map_err(|e| PageError::internal(format!("template {template}: {e:?}")))?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(html))
}
