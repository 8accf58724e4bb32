//! `/daily-review`: today's due cards one at a time, answered with the
//! keyboard in a plain form, each followed by its feedback and explanation;
//! at the end, how many were kept and when the next ones are due.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::learning::LearningError;
use crate::learning::access::parse_id;
use crate::review::cards::{self, ReviewContext};
use crate::routes::pages::login::redirect;
use crate::routes::pages::{form_field, redirect_with_message};
use crate::state::AppState;
use crate::views::{page_context, render};

#[derive(Debug, Deserialize)]
pub struct ReviewQuery {
    /// The card just answered, whose feedback to show.
    last: Option<String>,
    error: Option<String>,
}

#[get("/daily-review")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let now = state.settings.clock.now();
    let catalog = state.library.catalog();
    let user = &identity.user;
    let last = match query.last.as_deref().map(|raw| parse_id(raw, "a card")) {
        Some(Ok(id)) => cards::last_result(&state.db, &catalog, user, id, lang).await?,
        _ => None,
    };
    let session = cards::due(&state.db, &catalog, &state.review, user, now, lang).await?;
    let summary = cards::today(&state.db, user, now).await?;
    context.insert("last", &last.as_ref().map(|(result, _, _)| result));
    context.insert("last_rating", &last.as_ref().map(|(_, rating, _)| rating));
    context.insert("last_due", &last.as_ref().map(|(_, _, due)| due));
    context.insert("card", &session.cards.first());
    context.insert("left", &session.cards.len());
    context.insert("session", &session);
    context.insert("summary", &summary);
    context.insert("form_error", &query.error);
    render(&state, "pages/daily_review.html", &context)
}

/// The answer form: `q-<question id>` fields as on the quiz page (one
/// value for single choice and text, several for multiple choice, and
/// `q-<id>-<position>` for order questions).
#[post("/daily-review/{card}")]
pub async fn answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    card: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (_, language) = page_context(&state, &req);
    let card_id = parse_id(&card, "a card")?;
    let catalog = state.library.catalog();
    let question = form_field(&form, "question").unwrap_or_default().to_owned();
    let kind = form_field(&form, "kind").unwrap_or("single");
    let field = format!("q-{question}");
    let values: Vec<&str> = form
        .iter()
        .filter(|(k, _)| *k == field)
        .map(|(_, v)| v.as_str())
        .collect();
    let answer = match kind {
        "text" => Value::String(values.first().copied().unwrap_or_default().to_owned()),
        "order" => {
            let mut steps = Vec::new();
            for position in 0.. {
                let key = format!("{field}-{position}");
                let Some(value) = form_field(&form, &key) else {
                    break;
                };
                steps.push(value.parse::<u64>().map_or(Value::Null, Value::from));
            }
            Value::Array(steps)
        }
        _ => Value::Array(
            values
                .iter()
                .filter_map(|v| v.parse::<u64>().ok())
                .map(Value::from)
                .collect(),
        ),
    };
    let mut answers = Map::new();
    answers.insert(question, answer);
    let result = cards::answer(
        &state.db,
        &ReviewContext {
            catalog: &catalog,
            config: &state.review,
            now: state.settings.clock.now(),
            language: language.tag(),
        },
        &identity.user,
        card_id,
        &Value::Object(answers),
    )
    .await;
    match result {
        Ok(_) => Ok(redirect(&format!("/daily-review?last={card_id}"))),
        Err(LearningError::Invalid(message) | LearningError::Conflict(message)) => Ok(
            redirect_with_message("/daily-review", "error", &message, ""),
        ),
        Err(error) => Err(error.into()),
    }
}
