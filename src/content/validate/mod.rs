//! Checks of meaning, within and across files, run after everything is
//! loaded (Zola's order: load all, then cross-check, collecting every problem
//! instead of stopping at the first).

mod coverage;
mod framework;
mod lessons;
mod links;
mod paths;
mod prerequisites;
mod quizzes;
mod roleplays;
mod translations;

use std::sync::Arc;

use super::diagnostic::{Code, Diagnostic};
use super::load::Course;
use super::source::{Located, SourceFile};
use super::suggest::did_you_mean;

/// Every check, in a fixed order so output is stable.
pub fn validate(course: &Course) -> Vec<Diagnostic> {
    let context = Context::new(course);
    let mut diagnostics = Vec::new();
    framework::check(&context, &mut diagnostics);
    paths::check(&context, &mut diagnostics);
    lessons::check(&context, &mut diagnostics);
    prerequisites::check(&context, &mut diagnostics);
    links::check(&context, &mut diagnostics);
    quizzes::check(&context, &mut diagnostics);
    roleplays::check(&context, &mut diagnostics);
    translations::check(&context, &mut diagnostics);
    coverage::check(&context, &mut diagnostics);
    diagnostics
}

/// The course plus what most checks ask of it.
struct Context<'a> {
    course: &'a Course,
}

impl<'a> Context<'a> {
    fn new(course: &'a Course) -> Self {
        Self { course }
    }

    /// Competency membership is only checked when the framework defines
    /// some: with none (a missing or broken competencies.toml, reported on
    /// its own) every id would be "unknown" and bury the real problem.
    fn checks_competencies(&self) -> bool {
        !self.course.framework.competencies.is_empty()
    }

    fn max_level(&self) -> usize {
        self.course.framework.max_level()
    }

    /// An error if `id` names no competency of the framework.
    fn unknown_competency(
        &self,
        code: Code,
        source: &Arc<SourceFile>,
        id: &Located<String>,
        whose: &str,
    ) -> Option<Diagnostic> {
        let framework = &self.course.framework;
        if !self.checks_competencies() || framework.competency(&id.value).is_some() {
            return None;
        }
        Some(Diagnostic::at(
            code,
            source,
            id.span,
            format!(
                "{whose} names the competency `{}`, which competencies.toml does not define",
                id.value
            ),
            did_you_mean(&id.value, framework.competency_ids(), "competencies"),
        ))
    }

    fn module_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.course
            .modules
            .iter()
            .map(|module| module.id.as_str())
            .chain(self.course.unloaded_modules.iter().map(String::as_str))
    }
}

/// Reports the second and later occurrences of each id.
fn report_duplicates<'a>(
    ids: impl IntoIterator<Item = (&'a Arc<SourceFile>, &'a Located<String>)>,
    code: Code,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<(&Arc<SourceFile>, &Located<String>)> = Vec::new();
    for (source, id) in ids {
        if let Some((first_source, first)) = seen.iter().find(|(_, seen)| seen.value == id.value) {
            let first_at = first_source.location(first.span.start);
            let place = if Arc::ptr_eq(first_source, source) {
                format!("line {}", first_at.line)
            } else {
                format!("{}:{}", first_source.path().display(), first_at.line)
            };
            diagnostics.push(Diagnostic::at(
                code,
                source,
                id.span,
                format!("{what} `{}` is defined twice (first at {place})", id.value),
                format!("give this {what} another id; ids must be unique"),
            ));
        } else {
            seen.push((source, id));
        }
    }
}

/// An error for an id that is not lowercase-kebab-case.
fn check_id(
    source: &Arc<SourceFile>,
    id: &Located<String>,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !super::ids::is_kebab_id(&id.value) {
        diagnostics.push(Diagnostic::at(
            Code::InvalidId,
            source,
            id.span,
            format!("{what} id `{}` is not lowercase-kebab-case", id.value),
            super::ids::kebab_help(&id.value),
        ));
    }
}
