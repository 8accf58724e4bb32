//! HTTP routes: the JSON API (`api/`, described by OpenAPI), HTML pages
//! (`pages/`), and operations endpoints.

pub mod api;
pub mod health;
pub mod metrics;
pub mod pages;

use utoipa::OpenApi as _;
use utoipa_actix_web::AppExt;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Sales Dojo API", description = "JSON API of Sales Dojo. Authenticate with POST /api/v1/session (then send the session cookie and the X-CSRF-Token header on changes) or with `Authorization: Bearer <personal token>`."),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::cookie::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document, collected from the very handlers the server mounts.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api::scope())
        .split_for_parts();
    api
}
