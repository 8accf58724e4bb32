use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::login::redirect;
use super::modules::{competency_name, level_name};
use crate::auth::{PageUser, TrainerOrAdmin};
use crate::content::roleplay_graph::{GraphLabels, analyse, render_svg};
use crate::content::{
    CatalogRolePlay, DEFAULT_LANGUAGE, RenderedQuestion, RenderedScene, RubricItem,
};
use crate::domain::Language;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{page_context, render};

#[derive(Serialize)]
struct DiagnosticRow {
    severity: &'static str,
    code: &'static str,
    place: String,
    message: String,
    help: String,
}

#[derive(Serialize)]
struct ModuleRow {
    id: String,
    title: String,
    languages: Vec<String>,
    questions: usize,
    roleplays: usize,
}

#[derive(Deserialize)]
pub struct StatusQuery {
    reloaded: Option<String>,
}

/// Content status: what is served, the last (re)load and its diagnostics,
/// the reload button and a preview link per module and language.
#[get("/trainer")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(trainer, ..): PageUser<TrainerOrAdmin>,
    query: web::Query<StatusQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let catalog = state.library.catalog();
    let status = state.library.status();
    let zone = trainer.user.zone();
    let diagnostics: Vec<DiagnosticRow> = status
        .diagnostics
        .iter()
        .map(|d| DiagnosticRow {
            severity: if d.is_error() { "error" } else { "warning" },
            code: d.code.as_str(),
            place: format!("{}:{}:{}", d.file.display(), d.line, d.column),
            message: d.message.clone(),
            help: d.help.clone(),
        })
        .collect();
    let modules: Vec<ModuleRow> = catalog
        .modules
        .iter()
        .map(|m| ModuleRow {
            id: m.id.clone(),
            title: m.title.get(lang).clone(),
            languages: m.languages.clone(),
            questions: m.quiz.as_ref().map_or(0, |q| q.questions.default.len()),
            roleplays: m.roleplays.len(),
        })
        .collect();
    context.insert("content_dir", &state.library.dir().display().to_string());
    context.insert("served_at", &timestamp(&zone, catalog.loaded_at));
    context.insert("served_modules", &catalog.modules.len());
    context.insert("served_questions", &catalog.question_count());
    context.insert("served_roleplays", &catalog.roleplay_count());
    context.insert("attempted_at", &timestamp(&zone, status.attempted_at));
    context.insert("trigger", status.trigger);
    context.insert("succeeded", &status.succeeded);
    context.insert("errors", &status.summary.errors);
    context.insert("warnings", &status.summary.warnings);
    context.insert("diagnostics", &diagnostics);
    context.insert("report", &status.rendered);
    context.insert("modules", &modules);
    context.insert(
        "analysis",
        &crate::management::item_analysis::overview(&state.db, &catalog, lang).await?,
    );
    context.insert(
        "reloaded",
        &query
            .reloaded
            .as_deref()
            .filter(|r| matches!(*r, "ok" | "failed")),
    );
    render(&state, "pages/trainer.html", &context)
}

/// Seconds matter here: a trainer compares them with the time they saved a file.
fn timestamp(zone: &crate::time_zone::Zone, at: time::OffsetDateTime) -> String {
    let seconds = at.second();
    format!("{}:{seconds:02} {}", zone.minute(at), zone.name())
}

/// Reloads the content folder now; the result shows on /trainer.
#[post("/trainer/reload")]
pub async fn reload(
    state: web::Data<AppState>,
    _trainer: PageUser<TrainerOrAdmin>,
) -> HttpResponse {
    let status = state.library.reload("trainer page").await;
    redirect(if status.succeeded {
        "/trainer?reloaded=ok"
    } else {
        "/trainer?reloaded=failed"
    })
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    lang: Option<String>,
}

#[derive(Serialize)]
struct RolePlayPreview<'a> {
    name: &'a str,
    title: &'a str,
    persona: &'a str,
    goal: &'a str,
    competencies: Vec<String>,
    intro_html: Option<&'a str>,
    rubric: &'a [RubricItem],
    scenes: &'a [RenderedScene],
    /// The scene graph drawn as SVG (none until it can be drawn).
    graph_svg: String,
}

fn roleplay_preview<'a>(
    roleplay: &'a CatalogRolePlay,
    source: &crate::content::RolePlay,
    lang: &str,
    labels: &GraphLabels,
    names: impl Fn(&str) -> String,
) -> RolePlayPreview<'a> {
    RolePlayPreview {
        name: &roleplay.name,
        title: roleplay.title.get(lang),
        persona: roleplay.persona.get(lang),
        goal: roleplay.goal.get(lang),
        competencies: roleplay.competencies.iter().map(|c| names(c)).collect(),
        intro_html: roleplay.intro_html.get(lang).as_deref(),
        rubric: roleplay.rubric.get(lang),
        scenes: roleplay.scenes.get(lang),
        graph_svg: render_svg(source, &analyse(source), labels),
    }
}

/// A module as the trainer wrote it, in either language: the lesson, the
/// quiz with its correct answers and every feedback, and each role-play's scenes.
#[get("/trainer/modules/{id}")]
pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    _trainer: PageUser<TrainerOrAdmin>,
    id: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let module = catalog.module(&id).ok_or(PageError::NotFound)?;
    let content_lang = query
        .lang
        .as_deref()
        .filter(|l| module.languages.iter().any(|m| m == l))
        .unwrap_or(DEFAULT_LANGUAGE)
        .to_owned();
    let ui = language.tag();
    let questions: &[RenderedQuestion] = module
        .quiz
        .as_ref()
        .map_or(&[], |q| q.questions.get(&content_lang));
    context.insert("module_id", &module.id);
    context.insert("title", module.title.get(&content_lang));
    context.insert("summary", module.summary.get(&content_lang));
    context.insert("level", &module.level);
    context.insert("level_name", &level_name(&catalog, module.level, ui));
    context.insert("minutes", &module.minutes);
    context.insert("content_lang", &content_lang);
    context.insert(
        "content_languages",
        &module
            .languages
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    Language::from_tag(l)
                        .map_or(l.as_str(), |x| x.native_name())
                        .to_owned(),
                )
            })
            .collect::<Vec<_>>(),
    );
    context.insert_value(
        "lesson_html",
        module.lesson_html.get(&content_lang).for_template(),
    );
    context.insert(
        "quiz",
        &module
            .quiz
            .as_ref()
            .map(|q| (q.pass_mark, q.attempts, q.shuffle, q.partial, q.draw)),
    );
    context.insert("questions", questions);
    let mut labels = if ui == "zh-CN" {
        GraphLabels::chinese()
    } else {
        GraphLabels::english()
    };
    labels.competency_names = catalog
        .course
        .framework
        .competencies
        .iter()
        .map(|c| (c.id.value.clone(), c.name.get(ui).clone()))
        .collect();
    context.insert(
        "roleplays",
        &module
            .roleplays
            .iter()
            .map(|r| {
                roleplay_preview(
                    r,
                    r.source.get(&content_lang),
                    &content_lang,
                    &labels,
                    |c| competency_name(&catalog, c, ui),
                )
            })
            .collect::<Vec<_>>(),
    );
    render(&state, "pages/trainer_preview.html", &context)
}
