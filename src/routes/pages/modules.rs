use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};

use crate::auth::{AnyUser, PageUser};
use crate::content::{Catalog, CatalogModule};
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{page_context, render};

#[derive(Serialize)]
struct ModuleCard {
    id: String,
    title: String,
    summary: String,
    level: i64,
    level_name: String,
    minutes: i64,
    has_quiz: bool,
    roleplays: usize,
}

#[derive(Serialize)]
struct CompetencyGroup {
    id: String,
    name: String,
    description: String,
    modules: Vec<ModuleCard>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The name of a level (1-based) in `lang`, e.g. "Proficient".
pub fn level_name(catalog: &Catalog, level: i64, lang: &str) -> String {
    let names = catalog.course.framework.levels.get(lang);
    usize::try_from(level - 1)
        .ok()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_else(|| level.to_string())
}

/// The name of a competency in `lang`, or its id when the framework lacks it.
pub fn competency_name(catalog: &Catalog, id: &str, lang: &str) -> String {
    catalog
        .course
        .framework
        .competencies
        .iter()
        .find(|c| c.id.value == id)
        .map_or_else(|| id.to_owned(), |c| c.name.get(lang).clone())
}

#[derive(Deserialize)]
pub struct Filter {
    competency: Option<String>,
    level: Option<String>,
    q: Option<String>,
}

fn card(catalog: &Catalog, module: &CatalogModule, lang: &str) -> ModuleCard {
    ModuleCard {
        id: module.id.clone(),
        title: module.title.get(lang).clone(),
        summary: module.summary.get(lang).clone(),
        level: module.level,
        level_name: level_name(catalog, module.level, lang),
        minutes: module.minutes,
        has_quiz: module.quiz.is_some(),
        roleplays: module.roleplays.len(),
    }
}

/// The catalog grouped by each module's main competency, filterable by
/// competency, level and words in the title or summary.
#[get("/modules")]
pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    _user: PageUser<AnyUser>,
    filter: web::Query<Filter>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let catalog = state.library.catalog();
    let wanted_competency = filter.competency.as_deref().filter(|c| !c.is_empty());
    let wanted_level = filter.level.as_deref().and_then(|l| l.parse::<i64>().ok());
    let words = filter
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_lowercase();
    let matches = |module: &CatalogModule| {
        wanted_competency.is_none_or(|c| module.competencies.iter().any(|m| m == c))
            && wanted_level.is_none_or(|l| module.level == l)
            && (words.is_empty()
                || module.title.get(lang).to_lowercase().contains(&words)
                || module.summary.get(lang).to_lowercase().contains(&words))
    };
    let groups: Vec<CompetencyGroup> = catalog
        .course
        .framework
        .competencies
        .iter()
        .map(|competency| CompetencyGroup {
            id: competency.id.value.clone(),
            name: competency.name.get(lang).clone(),
            description: competency.description.get(lang).clone(),
            modules: catalog
                .modules
                .iter()
                .filter(|m| m.competencies.first() == Some(&competency.id.value) && matches(m))
                .map(|m| card(&catalog, m, lang))
                .collect(),
        })
        .filter(|g| !g.modules.is_empty())
        .collect();
    let shown: usize = groups.iter().map(|g| g.modules.len()).sum();
    let competency_choices: Vec<Choice> = catalog
        .course
        .framework
        .competencies
        .iter()
        .map(|c| Choice {
            value: c.id.value.clone(),
            label: c.name.get(lang).clone(),
            selected: wanted_competency == Some(c.id.value.as_str()),
        })
        .collect();
    let level_choices: Vec<Choice> = catalog
        .course
        .framework
        .levels
        .get(lang)
        .iter()
        .enumerate()
        .map(|(i, name)| Choice {
            value: (i + 1).to_string(),
            label: format!("{} · {name}", i + 1),
            selected: wanted_level == i64::try_from(i + 1).ok(),
        })
        .collect();
    context.insert("groups", &groups);
    context.insert("shown", &shown);
    context.insert("total", &catalog.modules.len());
    context.insert("competency_choices", &competency_choices);
    context.insert("level_choices", &level_choices);
    context.insert("q", filter.q.as_deref().unwrap_or_default());
    render(&state, "pages/modules.html", &context)
}

#[derive(Serialize)]
struct Link {
    id: String,
    title: String,
}

#[derive(Serialize)]
struct RolePlayCard {
    name: String,
    title: String,
    persona: String,
    goal: String,
}

/// What the feedback form's redirect reports.
#[derive(Debug, Deserialize)]
pub struct FeedbackNotice {
    feedback: Option<u8>,
    feedback_error: Option<String>,
}

/// A lesson, with its quiz and role-plays.
#[get("/modules/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
    notice: web::Query<FeedbackNotice>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let catalog = state.library.catalog();
    let module = catalog.module(&id).ok_or(PageError::NotFound)?;
    context.insert("feedback_saved", &notice.feedback.is_some());
    context.insert("feedback_error", &notice.feedback_error);
    let (done, feedback) = crate::learning::journey::done_and_feedback(
        &state.db,
        state.direct.as_ref(),
        identity.user.id,
        &module.id,
    )
    .await?;
    let (status, _) = crate::learning::progress::status_of(&catalog, &done, &module.id);
    context.insert("read", &done.read.contains(&module.id));
    context.insert("quiz_passed", &done.passed.contains(&module.id));
    context.insert("status", &status);
    context.insert(
        "missing_prerequisites",
        &done
            .missing_prerequisites(&catalog, &module.id)
            .into_iter()
            .map(|p| Link {
                id: p.to_owned(),
                title: catalog
                    .module(p)
                    .map_or_else(|| p.to_owned(), |m| m.title.get(lang).clone()),
            })
            .collect::<Vec<_>>(),
    );
    let title = |id: &str| {
        catalog
            .module(id)
            .map_or_else(|| id.to_owned(), |m| m.title.get(lang).clone())
    };
    context.insert("module", &card(&catalog, module, lang));
    context.insert_value("lesson_html", module.lesson_html.get(lang).for_template());
    context.insert("translated", &module.languages.iter().any(|l| l == lang));
    context.insert(
        "competencies",
        &module
            .competencies
            .iter()
            .map(|c| Link {
                id: c.clone(),
                title: competency_name(&catalog, c, lang),
            })
            .collect::<Vec<_>>(),
    );
    context.insert(
        "prerequisites",
        &module
            .prerequisites
            .iter()
            .map(|p| Link {
                id: p.clone(),
                title: title(p),
            })
            .collect::<Vec<_>>(),
    );
    context.insert(
        "quiz_questions",
        &module.quiz.as_ref().map(|q| q.questions.default.len()),
    );
    context.insert("quiz_pass_mark", &module.quiz.as_ref().map(|q| q.pass_mark));
    context.insert("feedback", &feedback);
    context.insert(
        "roleplays",
        &module
            .roleplays
            .iter()
            .map(|r| RolePlayCard {
                name: r.name.clone(),
                title: r.title.get(lang).clone(),
                persona: r.persona.get(lang).clone(),
                goal: r.goal.get(lang).clone(),
            })
            .collect::<Vec<_>>(),
    );
    render(&state, "pages/module.html", &context)
}

/// A module's media file. Only names in the module's media list are
/// served: `..`, encoded slashes and absolute paths cannot name anything else.
#[get("/modules/{id}/media/{file:.*}")]
pub async fn media(
    state: web::Data<AppState>,
    _user: PageUser<AnyUser>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, file) = path.into_inner();
    let catalog = state.library.catalog();
    let module = catalog.module(&id).ok_or(PageError::NotFound)?;
    let relative = format!("media/{file}");
    if !module.has_media(&relative) {
        return Err(PageError::NotFound);
    }
    let bytes = tokio::fs::read(module.dir.join(&relative))
        .await
        .map_err(|_| PageError::NotFound)?;
    let mime = mime_guess::from_path(&relative).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(mime.essence_str())
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        // An SVG opened on its own must not run anything.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'",
        ))
        .body(bytes))
}

/// The course feedback form at the end of a module.
#[actix_web::post("/modules/{id}/feedback")]
pub async fn give_feedback(
    state: web::Data<AppState>,
    PageUser(identity, ..): PageUser<AnyUser>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let catalog = state.library.catalog();
    let module = catalog.module(&id).ok_or(PageError::NotFound)?;
    let field = |name: &str| super::form_field(&form, name).unwrap_or_default();
    let rating = |name: &str| field(name).parse::<i64>().unwrap_or(0);
    let input = crate::learning::feedback::FeedbackInput {
        usefulness: rating("usefulness"),
        clarity: rating("clarity"),
        comment: field("comment").to_owned(),
    };
    match crate::learning::feedback::give(&state.db, identity.user.id, &module.id, &input).await {
        Ok(_) => Ok(crate::routes::pages::login::redirect(&format!(
            "/modules/{}?feedback=1#feedback",
            module.id
        ))),
        Err(crate::learning::LearningError::Invalid(message)) => Ok(super::redirect_with_message(
            &format!("/modules/{}", module.id),
            "feedback_error",
            &message,
            "feedback",
        )),
        Err(error) => Err(error.into()),
    }
}
