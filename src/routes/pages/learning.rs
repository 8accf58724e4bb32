//! The learner's pages: mark a lesson read, take a quiz as a plain HTML form,
//! read the result, play a role-play scene by scene. Every action is a
//! form post followed by a redirect, so nothing needs JavaScript.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::learning::access::Access;
use crate::learning::attempts::{self as attempt_service, quiz_of};
use crate::learning::lessons::{self, module_or_not_found};
use crate::learning::quiz::ShownQuestion;
use crate::learning::roleplay::Move;
use crate::learning::runs::{self as run_service, roleplay_of};
use crate::learning::{LearningError, from_json, percent, rfc3339};
use crate::routes::pages::login::redirect;
use crate::routes::pages::modules::competency_name;
use crate::state::AppState;
use crate::store::{attempts, runs};
use crate::views::{page_context, render};

#[post("/modules/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    lessons::complete(&state.db, module, identity.user.id).await?;
    Ok(redirect(&format!("/modules/{}?read=1#practice", module.id)))
}

#[derive(Serialize)]
struct AttemptRowView {
    id: String,
    number: i32,
    submitted: bool,
    percent: i64,
    passed: bool,
}

/// The quiz's front page: rules, past attempts, start or continue.
#[get("/modules/{id}/quiz")]
pub async fn quiz(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let quiz = quiz_of(module)?;
    let past = attempts::for_module(&state.db, identity.user.id, &module.id).await?;
    let open = past.iter().rev().find(|a| a.submitted_at.is_none());
    let used = i64::try_from(past.len()).unwrap_or(i64::MAX);
    let attempts_left = attempt_service::attempts_left(quiz, used);
    let draw = usize::try_from(quiz.draw).unwrap_or(0);
    let bank = quiz.questions.default.len();
    context.insert("module_id", &module.id);
    context.insert("module_title", module.title.get(lang));
    context.insert("pass_mark", &quiz.pass_mark);
    context.insert("attempts_allowed", &quiz.attempts);
    context.insert("attempts_left", &attempts_left);
    context.insert(
        "per_attempt",
        &if draw == 0 { bank } else { draw.min(bank) },
    );
    context.insert("open_attempt", &open.map(|a| a.id.to_string()));
    context.insert(
        "past",
        &past
            .iter()
            .filter(|a| a.submitted_at.is_some())
            .map(|a| AttemptRowView {
                id: a.id.to_string(),
                number: a.number,
                submitted: true,
                percent: percent(a.score.unwrap_or(0.0)),
                passed: a.passed.unwrap_or(false),
            })
            .collect::<Vec<_>>(),
    );
    context.insert("can_start", &(open.is_some() || attempts_left != Some(0)));
    render(&state, "pages/quiz.html", &context)
}

#[post("/modules/{id}/quiz")]
pub async fn start_attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let lang = crate::i18n::request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let (row, _) = attempt_service::start(&state.db, module, identity.user.id, lang.tag()).await?;
    Ok(redirect(&format!("/attempts/{}", row.id)))
}

#[derive(Serialize)]
struct FormOption {
    id: usize,
    html: String,
    checked: bool,
}

#[derive(Serialize)]
struct FormQuestion {
    number: usize,
    id: String,
    kind: String,
    prompt_html: String,
    options: Vec<FormOption>,
    /// For order questions: per position, the step chosen there (if any).
    positions: Vec<Option<usize>>,
    text: String,
}

/// An attempt: the form while it is open, the result once submitted.
#[get("/attempts/{id}")]
pub async fn attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    attempt_page(&state, &req, &identity.user, &id, None, &Map::new()).await
}

async fn attempt_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &crate::store::users::User,
    raw_id: &str,
    error: Option<String>,
    previous: &Map<String, Value>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(state, req);
    let lang = language.tag();
    let (row, access) =
        attempt_service::load(&state.db, state.direct.as_ref(), viewer, raw_id).await?;
    let catalog = state.library.catalog();
    let view = attempt_service::view(&state.db, &catalog, &row, lang).await?;
    let module = catalog.module(&row.module_id);
    context.insert("module_id", &row.module_id);
    context.insert(
        "module_title",
        &module.map_or_else(|| row.module_id.clone(), |m| m.title.get(lang).clone()),
    );
    context.insert("is_owner", &(access == Access::Owner));
    context.insert("error", &error);
    context.insert("attempt", &view);
    let questions: Vec<FormQuestion> = view
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let chosen: Vec<usize> = previous
                .get(&q.id)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_u64().and_then(|n| usize::try_from(n).ok()))
                        .collect()
                })
                .unwrap_or_default();
            FormQuestion {
                number: i + 1,
                id: q.id.clone(),
                kind: q.kind.clone(),
                prompt_html: q.prompt_html.clone(),
                options: q
                    .options
                    .iter()
                    .map(|o| FormOption {
                        id: o.id,
                        html: o.html.clone(),
                        checked: q.kind != "order" && chosen.contains(&o.id),
                    })
                    .collect(),
                positions: (0..q.options.len())
                    .map(|p| {
                        if q.kind == "order" {
                            chosen.get(p).copied()
                        } else {
                            None
                        }
                    })
                    .collect(),
                text: previous
                    .get(&q.id)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
        .collect();
    context.insert("questions", &questions);
    if let Some(result) = &view.result {
        context.insert("percent", &percent(result.score));
    } else {
        context.insert("percent", &0);
    }
    let mut response = render(state, "pages/attempt.html", &context)?;
    if error.is_some() {
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Turns the form's fields into the API's answers object: `q-<id>` holds an
/// option id (repeated for multiple select) or the text; `q-<id>-<n>` the
/// step put at position n of an order question.
fn answers_from_form(
    shown: &[ShownQuestion],
    kinds: &BTreeMap<String, String>,
    fields: &[(String, String)],
) -> Map<String, Value> {
    let mut answers = Map::new();
    for question in shown {
        let key = format!("q-{}", question.id);
        let kind = kinds.get(&question.id).map_or("single", String::as_str);
        let values = |name: &str| -> Vec<&str> {
            fields
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        let number = |raw: &str| -> Value {
            raw.trim()
                .parse::<u64>()
                .map_or_else(|_| Value::String(raw.to_owned()), Value::from)
        };
        match kind {
            "text" => {
                if let Some(text) = values(&key).first() {
                    answers.insert(question.id.clone(), Value::String((*text).to_owned()));
                }
            }
            "order" => {
                let steps: Vec<Value> = (0..question.options.len())
                    .filter_map(|position| {
                        values(&format!("{key}-{position}"))
                            .first()
                            .filter(|v| !v.is_empty())
                            .map(|v| number(v))
                    })
                    .collect();
                answers.insert(question.id.clone(), Value::Array(steps));
            }
            "multiple" => {
                answers.insert(
                    question.id.clone(),
                    Value::Array(values(&key).into_iter().map(number).collect()),
                );
            }
            _ => {
                if let Some(choice) = values(&key).first() {
                    answers.insert(question.id.clone(), Value::Array(vec![number(choice)]));
                }
            }
        }
    }
    answers
}

#[post("/attempts/{id}")]
pub async fn submit_attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (row, access) =
        attempt_service::load(&state.db, state.direct.as_ref(), &identity.user, &id).await?;
    if access != Access::Owner {
        return Err(PageError::Forbidden("error.forbidden_role"));
    }
    let catalog = state.library.catalog();
    let shown: Vec<ShownQuestion> = from_json(&row.questions, "attempt questions")?;
    let kinds: BTreeMap<String, String> = catalog
        .module(&row.module_id)
        .and_then(|m| m.quiz.as_ref())
        .map(|q| {
            q.questions
                .default
                .iter()
                .map(|x| (x.id.clone(), x.kind.as_str().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let answers = answers_from_form(&shown, &kinds, &form);
    let raw = Value::Object(answers.clone());
    match attempt_service::submit(&state.db, &catalog, &state.review.scheduler, row, &raw).await {
        Ok(row) => Ok(redirect(&format!("/attempts/{}#result", row.id))),
        Err(LearningError::Invalid(message)) => {
            attempt_page(&state, &req, &identity.user, &id, Some(message), &answers).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct RunQuery {
    run: Option<String>,
}

#[derive(Serialize)]
struct RunLink {
    id: String,
    finished: bool,
    outcome: Option<String>,
    started_at: String,
}

/// A role-play: its brief, the learner's runs, and the run being looked at
/// as a transcript with the next move (or the debrief once it has ended).
#[get("/modules/{id}/roleplays/{name}")]
pub async fn roleplay(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    path: web::Path<(String, String)>,
    query: web::Query<RunQuery>,
) -> Result<HttpResponse, PageError> {
    let (id, name) = path.into_inner();
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let roleplay = roleplay_of(module, &name)?;
    let own_runs = runs::for_roleplay(&state.db, identity.user.id, &module.id, &name).await?;
    let (selected, is_owner) = match &query.run {
        Some(raw) => {
            let (row, access) = run_service::load(&state.db, &identity.user, raw).await?;
            if row.module_id != module.id || row.roleplay != name {
                return Err(PageError::NotFound);
            }
            (Some(row), access == Access::Owner)
        }
        None => (own_runs.first().cloned(), true),
    };
    let run = match &selected {
        Some(row) => Some(run_service::view(&state.db, &catalog, row, lang).await?),
        None => None,
    };
    let practice_rubric = roleplay.rubric.get(lang);
    let practice_reviews = match &selected {
        Some(row) => practice_reviews(&state, row.id).await?,
        None => Vec::new(),
    };
    context.insert("practice_reviews", &practice_reviews);
    context.insert("module_id", &module.id);
    context.insert("module_title", module.title.get(lang));
    context.insert("name", &name);
    context.insert("title", roleplay.title.get(lang));
    context.insert("persona", roleplay.persona.get(lang));
    context.insert("goal", roleplay.goal.get(lang));
    context.insert("intro_html", &roleplay.intro_html.get(lang));
    context.insert("rubric", practice_rubric);
    context.insert("run", &run);
    context.insert("is_owner", &is_owner);
    context.insert(
        "competency_names",
        &roleplay
            .analysis
            .max_by_competency
            .keys()
            .map(|c| (c.clone(), competency_name(&catalog, c, lang)))
            .collect::<BTreeMap<_, _>>(),
    );
    context.insert(
        "runs",
        &own_runs
            .iter()
            .map(|r| RunLink {
                id: r.id.to_string(),
                finished: r.finished_at.is_some(),
                outcome: r.outcome.clone(),
                started_at: rfc3339(r.started_at),
            })
            .collect::<Vec<_>>(),
    );
    context.insert("max_text", &crate::learning::roleplay::MAX_PRACTICE_CHARS);
    render(&state, "pages/roleplay.html", &context)
}

#[derive(Serialize)]
struct PracticeReview {
    text: String,
    review: Option<crate::management::reviews::ReviewView>,
}

/// The run's practice answers with their current review, if any.
async fn practice_reviews(
    state: &AppState,
    run_id: uuid::Uuid,
) -> Result<Vec<PracticeReview>, PageError> {
    let answers = runs::practice_of_run(&state.db, run_id).await?;
    let ids: Vec<uuid::Uuid> = answers.iter().map(|a| a.id).collect();
    let mut reviews = crate::management::reviews::of_run(&state.db, &ids).await?;
    Ok(answers
        .into_iter()
        .map(|a| PracticeReview {
            review: reviews.remove(&a.id),
            text: a.text,
        })
        .collect())
}

#[post("/modules/{id}/roleplays/{name}/runs")]
pub async fn start_run(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, name) = path.into_inner();
    let lang = crate::i18n::request_language(&req, Some(&identity));
    let catalog = state.library.catalog();
    let module = module_or_not_found(&catalog, &id)?;
    let (row, _) =
        run_service::start(&state.db, module, &name, identity.user.id, lang.tag()).await?;
    Ok(redirect(&format!(
        "/modules/{}/roleplays/{}?run={}",
        module.id, name, row.id
    )))
}

#[derive(Deserialize)]
pub struct MoveForm {
    choice: Option<usize>,
    text: Option<String>,
}

#[post("/runs/{id}/choices")]
pub async fn choose(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, PageError> {
    let lang = crate::i18n::request_language(&req, Some(&identity));
    let (row, access) = run_service::load(&state.db, &identity.user, &id).await?;
    if access != Access::Owner {
        return Err(PageError::Forbidden("error.forbidden_role"));
    }
    let form = form.into_inner();
    let next = match (form.choice, form.text) {
        (Some(choice), _) => Move::Choice(choice),
        (None, Some(text)) => Move::Text(text),
        (None, None) => Move::Text(String::new()),
    };
    let back = format!(
        "/modules/{}/roleplays/{}?run={}",
        row.module_id, row.roleplay, row.id
    );
    let catalog = state.library.catalog();
    run_service::make_move(&state.db, &catalog, row, next, lang.tag()).await?;
    Ok(redirect(&format!("{back}#now")))
}
