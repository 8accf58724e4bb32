//! The served catalog: the checked course with every piece of Markdown
//! rendered to sanitized HTML once, in every language. Immutable: a reload
//! builds a new one and swaps it in whole.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;

use super::load::{Course, Module};
use super::localized::Localized;
use super::markdown::Markdown;
use super::quiz::{Question, QuestionBody, QuestionKind, Quiz};
use super::render::{LinkContext, to_html, to_inline_html};
use super::roleplay::{RolePlay, Scene};
use super::roleplay_graph::{Analysis, analyse};
use super::safe_html::SafeHtml;

#[derive(Debug)]
pub struct Catalog {
    pub loaded_at: OffsetDateTime,
    /// Modules in curriculum order: as the learning paths first mention
    /// them, then any others by id.
    pub modules: Vec<CatalogModule>,
    index: HashMap<String, usize>,
    /// The parsed course the catalog was built from: its framework, roles
    /// and paths. Its `modules` are empty: each parsed module is consumed as
    /// it is rendered into [`Catalog::modules`], so the server does not keep
    /// every lesson twice (source and HTML). Use [`Catalog::module`].
    pub course: Arc<Course>,
}

#[derive(Debug)]
pub struct CatalogModule {
    pub id: String,
    pub title: Localized<String>,
    pub summary: Localized<String>,
    pub competencies: Vec<String>,
    pub level: i64,
    pub minutes: i64,
    pub prerequisites: Vec<String>,
    pub lesson_html: Localized<SafeHtml>,
    /// Languages the lesson is written in, default first.
    pub languages: Vec<String>,
    /// Shared, so a write can take it to the writer thread (`store::write_turn`).
    pub quiz: Option<Arc<CatalogQuiz>>,
    pub roleplays: Vec<CatalogRolePlay>,
    pub dir: PathBuf,
    /// Files under media/, relative to the module folder (`media/a.svg`).
    pub media: BTreeSet<String>,
}

#[derive(Debug)]
pub struct CatalogQuiz {
    pub pass_mark: i64,
    pub attempts: i64,
    pub shuffle: bool,
    pub partial: bool,
    pub draw: i64,
    pub questions: Localized<Vec<RenderedQuestion>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RenderedQuestion {
    pub id: String,
    pub kind: QuestionKind,
    /// The competency the question measures (its override, else the module's first).
    pub competency: String,
    pub weight: u32,
    pub prompt_html: String,
    /// Choices in source order (their index is the answer id); for order
    /// questions the steps in the correct order.
    pub options: Vec<RenderedOption>,
    /// Accepted answers of a text question.
    pub accepted: Vec<String>,
    pub explanation_html: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RenderedOption {
    pub index: usize,
    pub html: String,
    pub correct: bool,
    pub feedback_html: Option<String>,
}

#[derive(Debug)]
pub struct CatalogRolePlay {
    pub name: String,
    pub title: Localized<String>,
    pub persona: Localized<String>,
    pub goal: Localized<String>,
    pub competencies: Vec<String>,
    pub rubric: Localized<Vec<RubricItem>>,
    pub intro_html: Localized<Option<String>>,
    pub scenes: Localized<Vec<RenderedScene>>,
    /// Best path, endings and the most each competency can earn in one run
    /// (the denominators of a run's scores). Scene ids are the same in
    /// every language, so one analysis serves them all.
    pub analysis: Analysis,
    /// The parsed files, which the trainer's preview draws its graph from.
    pub source: Localized<RolePlay>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricItem {
    pub criterion: String,
    pub competency: String,
    pub points: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RenderedScene {
    pub id: String,
    pub title: String,
    pub html: String,
    pub end: bool,
    pub practice: bool,
    pub outcome: Option<&'static str>,
    pub choices: Vec<RenderedChoice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RenderedChoice {
    pub index: usize,
    pub html: String,
    pub target: String,
    pub scores: Vec<(String, i64)>,
}

impl Catalog {
    /// Renders a checked course. Call only with a course that has no errors.
    pub fn build(mut course: Course) -> Self {
        let order = curriculum_order(&course);
        // One module at a time, each parsed module freed as soon as it is
        // rendered: the memory it held is reused for the next one. (Rendering
        // on both cores started 15% faster but left 35% more memory
        // resident: glibc keeps what each thread freed in that thread's arena.)
        let parsed = std::mem::take(&mut course.modules);
        let mut modules: Vec<CatalogModule> = parsed.into_iter().map(build_module).collect();
        modules.sort_by_key(|m| order.get(&m.id).copied().unwrap_or(usize::MAX));
        let index = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        Self {
            loaded_at: OffsetDateTime::now_utc(),
            modules,
            index,
            course: Arc::new(course),
        }
    }

    pub fn module(&self, id: &str) -> Option<&CatalogModule> {
        self.index.get(id).and_then(|&i| self.modules.get(i))
    }

    pub fn question_count(&self) -> usize {
        self.modules
            .iter()
            .filter_map(|m| m.quiz.as_ref())
            .map(|q| q.questions.default.len())
            .sum()
    }

    pub fn roleplay_count(&self) -> usize {
        self.modules.iter().map(|m| m.roleplays.len()).sum()
    }
}

impl CatalogModule {
    /// Whether `relative` (e.g. `media/a.svg`) is one of this module's media files.
    pub fn has_media(&self, relative: &str) -> bool {
        self.media.contains(relative)
    }
}

fn curriculum_order(course: &Course) -> HashMap<String, usize> {
    let mut order = HashMap::new();
    let mentioned = course
        .paths
        .iter()
        .flat_map(|p| p.stages.iter())
        .flat_map(|s| s.modules.iter().map(|m| m.value.clone()));
    let mut all: Vec<String> = course.modules.iter().map(|m| m.id.clone()).collect();
    all.sort();
    for id in mentioned.chain(all) {
        let next = order.len();
        order.entry(id).or_insert(next);
    }
    order
}

fn localize<T, U>(source: &Localized<T>, mut f: impl FnMut(&T) -> U) -> Localized<U> {
    Localized {
        default: f(&source.default),
        translations: source
            .translations
            .iter()
            .map(|(lang, value)| (lang.clone(), f(value)))
            .collect(),
    }
}

fn build_module(module: Module) -> CatalogModule {
    let links = LinkContext {
        module_id: &module.id,
    };
    let lesson = &module.lesson.default;
    let main_competency = lesson
        .competencies
        .first()
        .map(|c| c.value.clone())
        .unwrap_or_default();
    CatalogModule {
        id: module.id.clone(),
        title: localize(&module.lesson, |l| l.title.value.clone()),
        summary: localize(&module.lesson, |l| l.summary.value.clone()),
        competencies: lesson
            .competencies
            .iter()
            .map(|c| c.value.clone())
            .collect(),
        level: lesson.level.value,
        minutes: lesson.minutes.value,
        prerequisites: lesson
            .prerequisites
            .iter()
            .map(|p| p.value.clone())
            .collect(),
        lesson_html: localize(&module.lesson, |l| {
            SafeHtml::from_sanitized(&to_html(&l.body.text, &links))
        }),
        languages: module.lesson.languages().map(str::to_owned).collect(),
        quiz: module
            .quiz
            .as_ref()
            .map(|quiz| Arc::new(build_quiz(quiz, &main_competency, &links))),
        roleplays: module
            .roleplays
            .into_iter()
            .map(|r| build_roleplay(r.name, r.files, &links))
            .collect(),
        dir: module.dir,
        media: module.media,
    }
}

fn html_of(markdown: &Option<Markdown>, links: &LinkContext<'_>) -> Option<String> {
    markdown
        .as_ref()
        .filter(|m| !m.is_empty())
        .map(|m| to_html(&m.text, links))
}

fn build_quiz(
    quiz: &Localized<Quiz>,
    main_competency: &str,
    links: &LinkContext<'_>,
) -> CatalogQuiz {
    let settings = &quiz.default.settings;
    CatalogQuiz {
        pass_mark: settings.pass_mark.value,
        attempts: settings.attempts.value,
        shuffle: settings.shuffle.value,
        partial: settings.partial.value,
        draw: settings.draw.value,
        questions: localize(quiz, |q| {
            q.questions
                .iter()
                .map(|question| render_question(question, main_competency, links))
                .collect()
        }),
    }
}

fn render_question(
    question: &Question,
    main_competency: &str,
    links: &LinkContext<'_>,
) -> RenderedQuestion {
    let (options, accepted) = match &question.body {
        QuestionBody::Single(options) | QuestionBody::Multiple(options) => (
            options
                .iter()
                .map(|o| RenderedOption {
                    index: o.index,
                    html: to_inline_html(&o.text.text, links),
                    correct: o.correct,
                    feedback_html: html_of(&o.feedback, links),
                })
                .collect(),
            Vec::new(),
        ),
        QuestionBody::Order(steps) => (
            steps
                .iter()
                .map(|s| RenderedOption {
                    index: s.index,
                    html: to_inline_html(&s.text.text, links),
                    correct: true,
                    feedback_html: None,
                })
                .collect(),
            Vec::new(),
        ),
        QuestionBody::Text(answers) => {
            (Vec::new(), answers.iter().map(|a| a.text.clone()).collect())
        }
    };
    RenderedQuestion {
        id: question.id.value.clone(),
        kind: question.kind(),
        competency: question
            .competency
            .as_ref()
            .map_or_else(|| main_competency.to_owned(), |c| c.value.clone()),
        weight: question.weight(),
        prompt_html: to_inline_html(&question.prompt.text, links),
        options,
        accepted,
        explanation_html: html_of(&question.explanation, links),
    }
}

fn build_roleplay(
    name: String,
    files: Localized<RolePlay>,
    links: &LinkContext<'_>,
) -> CatalogRolePlay {
    CatalogRolePlay {
        name,
        title: localize(&files, |r| r.title.value.clone()),
        persona: localize(&files, |r| r.persona.clone()),
        goal: localize(&files, |r| r.goal.clone()),
        competencies: files
            .default
            .competencies
            .iter()
            .map(|c| c.value.clone())
            .collect(),
        rubric: localize(&files, |r| {
            r.rubric
                .iter()
                .map(|c| RubricItem {
                    criterion: c.criterion.clone(),
                    competency: c.competency.value.clone(),
                    points: c.points.value,
                })
                .collect()
        }),
        intro_html: localize(&files, |r| html_of(&r.intro, links)),
        scenes: localize(&files, |r| {
            r.scenes.iter().map(|s| render_scene(s, links)).collect()
        }),
        analysis: analyse(&files.default),
        source: files,
    }
}

fn render_scene(scene: &Scene, links: &LinkContext<'_>) -> RenderedScene {
    RenderedScene {
        id: scene.id.value.clone(),
        title: scene.title.clone(),
        html: to_html(&scene.body.text, links),
        end: scene.end,
        practice: scene.practice,
        outcome: scene.outcome.as_ref().map(|o| o.value.as_str()),
        choices: scene
            .choices
            .iter()
            .map(|c| RenderedChoice {
                index: c.index,
                html: to_inline_html(&c.label.text, links),
                target: c.target.value.clone(),
                scores: c
                    .scores
                    .iter()
                    .map(|s| (s.competency.value.clone(), s.points))
                    .collect(),
            })
            .collect(),
    }
}
