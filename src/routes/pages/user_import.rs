//! The admin page's user import: a CSV pasted (or read from a file by a
//! small script) into a form. Every line is checked first; the page lists
//! the problems by line, or the created users with their passwords, once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};

use crate::auth::{Admin, PageUser};
use crate::error::PageError;
use crate::state::AppState;
use crate::user_import::{self, ImportError};
use crate::views::{page_context, render};

/// The largest form the page accepts; larger files go through
/// `salesdojo user import`.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

#[post("/admin/users/import")]
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (mut context, _) = page_context(&state, &req);
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::BadRequest("the form could not be read; send it again".into()))?;
    let csv = super::form_field(&fields, "csv")
        .unwrap_or_default()
        .to_owned();
    let catalog = state.library.catalog();
    let job_roles = catalog.course.framework.role_ids();
    let result = user_import::import(
        &state.db,
        &state.hasher,
        &job_roles,
        csv.as_bytes(),
        &mut |_, _| {},
    )
    .await;
    context.insert("csv", &csv);
    match result {
        Ok(outcome) => {
            context.insert("outcome", &outcome);
            context.insert("problems", &Vec::<String>::new());
            render(&state, "pages/admin_import.html", &context)
        }
        Err(ImportError::Problems(problems)) => {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            context.insert("outcome", &Option::<()>::None);
            context.insert("problems", &lines);
            let mut response = render(&state, "pages/admin_import.html", &context)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(other) => Err(PageError::internal(other)),
    }
}
