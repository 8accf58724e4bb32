//! The content pipeline: a course folder in, typed structs and diagnostics
//! out (SPEC section 2, issue 4 parts 1-3).
//!
//! `check(dir)` is the entry point for `salesdojo check` and for (re)loading
//! the catalog. The parsers (`parse_*`) are pure: text in, value and
//! diagnostics out; only `load` reads files.

mod catalog;
mod check;
mod competencies;
mod diagnostic;
mod front_matter;
pub mod gift;
mod ids;
mod lesson;
mod load;
mod localized;
mod markdown;
mod outline;
mod path;
mod quiz;
mod render;
mod roleplay;
pub mod roleplay_graph;
mod safe_html;
mod source;
mod suggest;
mod toml_document;
mod validate;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod never_panics;

pub use catalog::{
    Catalog, CatalogModule, CatalogQuiz, CatalogRolePlay, RenderedChoice, RenderedOption,
    RenderedQuestion, RenderedScene, RubricItem,
};
pub use check::{CheckReport, ReportFormat, Summary, check, render_report};
pub use competencies::{Competency, Framework, Role, Target, parse as parse_competencies};
pub use diagnostic::{
    Code, Diagnostic, Severity, render_graphical, render_json_line, render_json_lines,
};
pub use lesson::{Lesson, parse as parse_lesson};
pub use load::{Course, Module, NamedRolePlay, load};
pub use localized::{DEFAULT_LANGUAGE, Localized, Text};
pub use markdown::{Markdown, options as markdown_options, parse as parse_markdown};
pub use outline::LinkRef;
pub use path::{LearningPath, Stage, parse as parse_path};
pub use quiz::{
    AcceptedAnswer, OrderStep, Question, QuestionBody, QuestionKind, Quiz, QuizOption,
    QuizSettings, parse as parse_quiz,
};
pub use render::{LinkContext, to_html, to_inline_html};
pub use roleplay::{
    Choice, Outcome, RolePlay, RubricCriterion, Scene, Score, SpokenLine, parse as parse_roleplay,
};
pub use safe_html::SafeHtml;
pub use source::{Located, Location, SourceFile, Span};
pub use validate::validate;
