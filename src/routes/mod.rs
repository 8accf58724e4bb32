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
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api::scope())
        .split_for_parts();
    document_common_errors(&mut api);
    api
}

/// The error answers any operation can give, whatever its handler: a
/// malformed request (400), no or a bad login (401), a refused role or a
/// missing CSRF token (403), an unreadable id (404), a body that is too
/// large, not JSON or invalid (413, 415, 422), and the database being
/// unreachable (503). Added where the handler does not document them, so
/// clients (and schemathesis) know every status they may see.
fn document_common_errors(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in api.paths.paths.iter_mut() {
        let has_id = path.contains('{');
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, false),
            (&mut item.patch, true),
        ];
        for (operation, has_body) in operations {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            let mut add = |code: &str, description: &str| {
                responses
                    .entry(code.to_owned())
                    .or_insert_with(|| error(description).into());
            };
            add(
                "400",
                "The request is malformed: unreadable JSON, query or path.",
            );
            add(
                "401",
                "Not logged in, or the token or session is not valid.",
            );
            add(
                "403",
                "Your role may not do this, or the X-CSRF-Token header is missing.",
            );
            add(
                "422",
                "The request is well-formed but a value is not acceptable; the message names it.",
            );
            add(
                "503",
                "The database is not reachable right now; retry after the Retry-After seconds.",
            );
            if has_id {
                add("404", "No such resource, or not one you may see.");
            }
            if has_body {
                add("413", "The body is larger than the server accepts.");
                add(
                    "415",
                    "The body is not sent as Content-Type: application/json.",
                );
            }
        }
    }
}
