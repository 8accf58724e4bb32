//! HTML error pages in the visitor's language, and the answer for unknown routes.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{ApiError, PageError, PageErrorInfo, is_api_path};
use crate::state::AppState;
use crate::views::page_context;

/// Renders the body of every `PageError` response with the error template.
pub async fn render_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    if response.status().is_redirection() && response.response().error().is_some() {
        // A redirect to the login page is routine, not an error for the logs.
        let (request, redirect) = response.into_parts();
        let mut clean = HttpResponse::build(redirect.status());
        for (name, value) in redirect.headers() {
            clean.append_header((name.clone(), value.clone()));
        }
        return Ok(ServiceResponse::new(request, clean.finish()));
    }
    let Some(info) = response
        .response()
        .extensions()
        .get::<PageErrorInfo>()
        .cloned()
    else {
        return Ok(response);
    };
    let Some(state) = response
        .request()
        .app_data::<web::Data<AppState>>()
        .cloned()
    else {
        return Ok(response);
    };
    let (mut context, language) = page_context(&state, response.request());
    context.insert("title", state.catalogs.text(language, info.title_key));
    context.insert("message", state.catalogs.text(language, info.message_key));
    context.insert("detail", &info.detail);
    context.insert("status", &response.status().as_u16());
    let html = match state.templates.render("pages/error.html", &context) {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(error = ?error, "cannot render the error page");
            return Ok(response);
        }
    };
    Ok(response.map_body(|head, _| {
        head.headers_mut().insert(
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        BoxBody::new(html)
    }))
}

/// Unknown routes: JSON under /api, an HTML page elsewhere.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if is_api_path(req.path()) {
        Err(ApiError::NotFound(format!(
            "there is no API route {} {}; see /api/v1/openapi.json for the routes",
            req.method(),
            req.path()
        ))
        .into())
    } else {
        Err(PageError::NotFound.into())
    }
}
