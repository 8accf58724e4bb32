//! The review queue as pages: `/trainer/reviews` lists practice answers to
//! score, `/trainer/reviews/{id}` shows one with its scene and rubric, and
//! posting the form scores it (again, if it was scored before).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::{PageUser, Reviewer};
use crate::error::PageError;
use crate::learning::LearningError;
use crate::learning::access::parse_id;
use crate::management::reviews::{self, QueueFilter};
use crate::routes::pages::login::redirect;
use crate::routes::pages::{form_field, redirect_with_message};
use crate::state::AppState;
use crate::views::{page_context, render};

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    status: Option<QueueFilter>,
}

#[get("/trainer/reviews")]
pub async fn queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<Reviewer>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let status = query.status.unwrap_or_default();
    let items = reviews::queue(&state.db, &catalog, &identity.user, status, language.tag()).await?;
    context.insert("items", &items);
    context.insert(
        "status",
        match status {
            QueueFilter::Pending => "pending",
            QueueFilter::Reviewed => "reviewed",
            QueueFilter::All => "all",
        },
    );
    render(&state, "pages/reviews.html", &context)
}

#[derive(Debug, Deserialize)]
pub struct ItemQuery {
    saved: Option<u8>,
    error: Option<String>,
}

#[get("/trainer/reviews/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<Reviewer>,
    id: web::Path<String>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let id = parse_id(&id, "a practice answer")?;
    let item = reviews::item(&state.db, &catalog, &identity.user, id, language.tag()).await?;
    context.insert("own", &(item.learner.id == identity.user.id));
    context.insert("item", &item);
    context.insert("saved", &query.saved.is_some());
    context.insert("form_error", &query.error);
    render(&state, "pages/review.html", &context)
}

/// Form fields: `score-0`, `score-1`, … (one per criterion) and `comment`.
#[post("/trainer/reviews/{id}")]
pub async fn score(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<Reviewer>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (_, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let id = parse_id(&id, "a practice answer")?;
    let field = |name: &str| form_field(&form, name);
    let mut scores = Vec::new();
    let mut problems = Vec::new();
    for index in 0.. {
        let Some(raw) = field(&format!("score-{index}")) else {
            break;
        };
        match raw.replace(',', ".").parse::<f64>() {
            Ok(value) => scores.push(value),
            Err(_) => problems.push(format!(
                "criterion {}: `{raw}` is not a number of points",
                index + 1
            )),
        }
    }
    let result = if problems.is_empty() {
        reviews::score(
            &state.db,
            &catalog,
            &identity.user,
            id,
            scores,
            field("comment").unwrap_or_default(),
            language.tag(),
        )
        .await
    } else {
        Err(LearningError::Invalid(problems.join("; ")))
    };
    match result {
        Ok(_) => Ok(redirect(&format!("/trainer/reviews/{id}?saved=1"))),
        Err(LearningError::Invalid(message) | LearningError::Forbidden(message)) => {
            Ok(redirect_with_message(
                &format!("/trainer/reviews/{id}"),
                "error",
                &message,
                "score",
            ))
        }
        Err(error) => Err(error.into()),
    }
}
