use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use super::safe_next;
use crate::auth::cookie::{expired_session_cookie, session_cookie};
use crate::auth::guard::optional_identity;
use crate::auth::identity::client_addr;
use crate::auth::login::{self, LoginError};
use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{page_context, render};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[get("/login")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    if optional_identity(&req).is_some() {
        return Ok(redirect(&safe_next(query.next.as_deref())));
    }
    let (mut context, _) = page_context(&state, &req);
    context.insert("next", &safe_next(query.next.as_deref()));
    context.insert("email", "");
    context.insert("error", &Option::<String>::None);
    render(&state, "pages/login.html", &context)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

#[post("/login")]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let addr = client_addr(&req, state.settings.behind_proxy);
    let previous = optional_identity(&req);
    let (status, error_key, retry_after) =
        match login::log_in(&state, &form.email, form.password, &addr, previous.as_ref()).await {
            Ok(logged_in) => {
                let cookie = session_cookie(
                    &state.cookie_key,
                    &req,
                    &logged_in.session_token,
                    state.settings.session_days,
                );
                let mut response = redirect(&next);
                response.add_cookie(&cookie).map_err(PageError::internal)?;
                return Ok(response);
            }
            Err(LoginError::InvalidCredentials) => {
                (StatusCode::UNAUTHORIZED, "login.invalid", None)
            }
            Err(LoginError::Throttled { retry_after }) => (
                StatusCode::TOO_MANY_REQUESTS,
                "login.throttled",
                Some(retry_after.as_secs()),
            ),
            Err(LoginError::Hash(_)) => (StatusCode::SERVICE_UNAVAILABLE, "login.busy", None),
            Err(LoginError::Store(e)) => return Err(e.into()),
            Err(LoginError::Random(e)) => return Err(PageError::internal(e)),
        };
    let (mut context, language) = page_context(&state, &req);
    context.insert("next", &next);
    context.insert("email", form.email.trim());
    context.insert("error", &Some(state.catalogs.text(language, error_key)));
    let mut response = render(&state, "pages/login.html", &context)?;
    *response.status_mut() = status;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    Ok(response)
}

#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
) -> Result<HttpResponse, PageError> {
    login::log_out(&state, &identity).await?;
    let mut response = redirect("/login");
    response
        .add_cookie(&expired_session_cookie(&req))
        .map_err(PageError::internal)?;
    Ok(response)
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}
