//! `salesdojo check [DIR]`: load, validate, and report, as library calls the
//! CLI and the server's reload both use.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::diagnostic::{Diagnostic, render_graphical, render_json_lines};
use super::load::{Course, load};
use super::validate::validate;

/// The outcome of checking a content folder.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The course, only when there is no error (warnings allowed): a catalog
    /// is never built from content with errors.
    pub course: Option<Course>,
    /// Every problem found, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub modules: usize,
    /// Questions in the default-language quizzes.
    pub questions: usize,
    pub roleplays: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// How `render_report` writes a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Each diagnostic drawn with its source line, then the summary line.
    Terminal { color: bool },
    /// One JSON object per diagnostic and line, nothing else (print the
    /// summary line to standard error if wanted).
    JsonLines,
}

/// Loads and validates the folder, collecting every diagnostic.
pub fn check(dir: &Path) -> CheckReport {
    let (course, mut diagnostics) = load(dir);
    diagnostics.extend(validate(&course));
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let summary = Summary {
        modules: course.modules.len() + course.unloaded_modules.len(),
        questions: course
            .modules
            .iter()
            .filter_map(|module| module.quiz.as_ref())
            .map(|quiz| quiz.default.questions.len())
            .sum(),
        roleplays: course
            .modules
            .iter()
            .map(|module| module.roleplays.len())
            .sum(),
        errors,
        warnings: diagnostics.len() - errors,
    };
    CheckReport {
        course: (errors == 0).then_some(course),
        diagnostics,
        summary,
    }
}

impl CheckReport {
    /// Whether the content passes: no error, and no warning either when
    /// warnings are denied.
    pub fn passed(&self, deny_warnings: bool) -> bool {
        self.summary.errors == 0 && !(deny_warnings && self.summary.warnings > 0)
    }

    /// The process exit status for `salesdojo check`: 0 passed, 1 failed.
    pub fn exit_code(&self, deny_warnings: bool) -> i32 {
        if self.passed(deny_warnings) { 0 } else { 1 }
    }
}

impl Summary {
    /// `checked 3 modules, 27 questions, 1 role-play: 0 errors, 2 warnings`
    pub fn line(&self) -> String {
        format!(
            "checked {}, {}, {}: {}, {}",
            count(self.modules, "module"),
            count(self.questions, "question"),
            count(self.roleplays, "role-play"),
            count(self.errors, "error"),
            count(self.warnings, "warning"),
        )
    }
}

fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("{number} {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

/// The report as text for standard output.
pub fn render_report(report: &CheckReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::JsonLines => render_json_lines(&report.diagnostics),
        ReportFormat::Terminal { color } => {
            let mut out = String::new();
            for diagnostic in &report.diagnostics {
                out.push_str(&render_graphical(diagnostic, color));
                out.push('\n');
            }
            let _ = writeln!(out, "{}", report.summary.line());
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{fixture, places};

    fn check_fixture(name: &str) -> (std::path::PathBuf, CheckReport) {
        let root = fixture(name);
        assert!(
            root.is_dir(),
            "fixture {} not found; set SALESDOJO_FIXTURES",
            root.display()
        );
        let report = check(&root);
        (root, report)
    }

    fn found(name: &str) -> Vec<(Code, String, usize, usize)> {
        let (root, report) = check_fixture(name);
        places(&root, &report.diagnostics)
    }

    fn at(code: Code, file: &str, line: usize, column: usize) -> (Code, String, usize, usize) {
        (code, file.to_string(), line, column)
    }

    #[test]
    fn the_valid_course_loads_completely_and_cleanly() {
        let (_, report) = check_fixture("valid");

        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        assert_eq!(
            report.summary,
            Summary {
                modules: 3,
                questions: 7,
                roleplays: 1,
                errors: 0,
                warnings: 0
            }
        );
        let course = report.course.as_ref().expect("a course without errors");
        assert_eq!(course.framework.competencies.len(), 3);
        assert_eq!(course.framework.roles.len(), 2);
        assert_eq!(course.paths.len(), 1);
        assert_eq!(course.paths[0].stages[1].modules.len(), 2);
        let objections = course.module("handling-objections").expect("module");
        assert_eq!(objections.lesson.translations.len(), 1);
        assert_eq!(objections.lesson.get("zh-CN").title.value, "处理价格异议");
        assert!(objections.media.contains("media/four-steps.svg"));
        let quiz = objections.quiz.as_ref().expect("quiz");
        let kinds: Vec<&str> = quiz
            .default
            .questions
            .iter()
            .map(|q| q.kind().as_str())
            .collect();
        assert_eq!(kinds, ["single", "order", "single"]);
        let roleplay = &objections.roleplays[0];
        assert_eq!(roleplay.name, "price-pushback");
        assert_eq!(roleplay.files.default.rubric.len(), 2);
        let endings = roleplay
            .files
            .default
            .scenes
            .iter()
            .filter(|s| s.end)
            .count();
        assert_eq!(endings, 3);
        assert!(roleplay.files.default.scenes.iter().any(|s| s.practice));
        let all_kinds: std::collections::BTreeSet<&str> = course
            .modules
            .iter()
            .filter_map(|m| m.quiz.as_ref())
            .flat_map(|quiz| &quiz.default.questions)
            .map(|q| q.kind().as_str())
            .collect();
        assert_eq!(
            all_kinds.len(),
            4,
            "every question type appears: {all_kinds:?}"
        );
        assert!(report.passed(true));
        assert_eq!(report.exit_code(true), 0);
    }

    #[test]
    fn a_missing_framework_is_one_error_without_cascade() {
        assert_eq!(
            found("invalid/missing-framework"),
            [at(Code::FrameworkMissing, "competencies.toml", 1, 1)]
        );
    }

    #[test]
    fn toml_errors_in_any_file_are_reported_at_their_place() {
        assert_eq!(
            found("invalid/bad-toml"),
            [
                at(Code::TomlSyntax, "competencies.toml", 5, 18),
                at(Code::TomlInvalid, "modules/only/lesson.md", 5, 9),
            ]
        );
    }

    #[test]
    fn a_prerequisite_cycle_is_found_across_files() {
        let diagnostics = found("invalid/prerequisite-cycle");

        assert!(diagnostics.contains(&at(Code::PrerequisiteCycle, "modules/b/lesson.md", 7, 18)));
        let cycles = diagnostics
            .iter()
            .filter(|d| d.0 == Code::PrerequisiteCycle)
            .count();
        assert_eq!(cycles, 1);
    }

    #[test]
    fn unknown_references_are_each_reported() {
        assert_eq!(
            found("invalid/unknown-references"),
            [
                at(
                    Code::UnknownLessonCompetency,
                    "modules/known/lesson.md",
                    4,
                    30
                ),
                at(Code::UnknownPrerequisite, "modules/known/lesson.md", 7, 18),
                at(Code::BrokenModuleLink, "modules/known/lesson.md", 12, 5),
                at(Code::MissingMedia, "modules/known/lesson.md", 12, 31),
                at(Code::UnknownRole, "paths/onboarding.toml", 3, 8),
                at(Code::UnknownPathModule, "paths/onboarding.toml", 8, 21),
            ]
        );
    }

    #[test]
    fn translations_that_differ_are_reported() {
        assert_eq!(
            found("invalid/translation-differs"),
            [
                at(
                    Code::TranslationFrontMatterDiffers,
                    "modules/only/lesson.zh-CN.md",
                    5,
                    9
                ),
                at(
                    Code::TranslationIdsDiffer,
                    "modules/only/quiz.zh-CN.md",
                    1,
                    1
                ),
                at(
                    Code::TranslationIdsDiffer,
                    "modules/only/quiz.zh-CN.md",
                    4,
                    29
                ),
                at(
                    Code::TranslationMissing,
                    "modules/only/roleplay-call.md",
                    1,
                    1
                ),
            ]
        );
    }

    #[test]
    fn a_broken_role_play_graph_is_reported() {
        assert_eq!(
            found("invalid/roleplay-graph"),
            [
                at(
                    Code::NoReachableEnd,
                    "modules/only/roleplay-broken.md",
                    6,
                    1
                ),
                at(Code::MissingScene, "modules/only/roleplay-broken.md", 11, 3),
                at(
                    Code::UnknownRolePlayCompetency,
                    "modules/only/roleplay-broken.md",
                    11,
                    21
                ),
                at(
                    Code::PracticeWithoutRubric,
                    "modules/only/roleplay-broken.md",
                    13,
                    1
                ),
                at(
                    Code::UnreachableScene,
                    "modules/only/roleplay-broken.md",
                    19,
                    1
                ),
            ]
        );
    }

    #[test]
    fn quiz_problems_are_all_reported_at_once() {
        let file = "modules/only/quiz.md";
        assert_eq!(
            found("invalid/quiz-problems"),
            [
                at(Code::PassMarkOutOfRange, file, 2, 13),
                at(Code::DrawOutOfRange, file, 3, 8),
                at(Code::NoCorrectOption, file, 6, 1),
                at(Code::NoOptions, file, 15, 1),
                at(Code::OrderTooFewSteps, file, 19, 1),
                at(Code::TextNoAnswer, file, 25, 1),
                at(Code::TextUncheckedAnswer, file, 27, 1),
                at(Code::DuplicateQuestion, file, 31, 15),
            ]
        );
    }

    #[test]
    fn errors_withhold_the_course_and_fail_the_check() {
        let (_, report) = check_fixture("invalid/quiz-problems");

        assert!(report.course.is_none());
        assert_eq!(report.summary.errors, 8);
        assert_eq!(report.exit_code(false), 1);
    }

    #[test]
    fn warnings_fail_only_when_denied() {
        let (_, report) = check_fixture("invalid/translation-differs");
        let warnings_only = CheckReport {
            diagnostics: Vec::new(),
            summary: Summary {
                errors: 0,
                warnings: 1,
                ..report.summary
            },
            course: None,
        };

        assert_eq!(warnings_only.exit_code(false), 0);
        assert_eq!(warnings_only.exit_code(true), 1);
    }

    #[test]
    fn terminal_report_draws_each_diagnostic_then_the_summary() {
        let (_, report) = check_fixture("invalid/roleplay-graph");

        let text = render_report(&report, ReportFormat::Terminal { color: false });

        assert!(text.contains("roleplay/missing-scene"), "{text}");
        assert!(text.contains("roleplay-broken.md:11:3"), "{text}");
        assert!(text.contains("- [Tell](#nowhere) {discovry=-1}"), "{text}");
        assert!(text.contains("help: did you mean"), "{text}");
        assert!(
            text.trim_end()
                .ends_with("checked 1 module, 1 question, 1 role-play: 5 errors, 0 warnings"),
            "{text}"
        );
    }

    #[test]
    fn json_report_is_one_object_per_diagnostic() {
        let (_, report) = check_fixture("invalid/roleplay-graph");

        let text = render_report(&report, ReportFormat::JsonLines);

        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[1]["code"], "roleplay/missing-scene");
        assert_eq!(lines[1]["line"], 11);
        assert_eq!(lines[1]["column"], 3);
        assert_eq!(lines[1]["severity"], "error");
        assert!(
            lines[1]["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("roleplay-broken.md"))
        );
    }

    #[test]
    fn a_missing_folder_is_reported() {
        let report = check(std::path::Path::new("/nonexistent/salesdojo-content"));

        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].code, Code::FolderUnreadable);
        assert_eq!(report.exit_code(false), 1);
    }

    #[test]
    fn summary_line_uses_singular_and_plural() {
        let summary = Summary {
            modules: 1,
            questions: 2,
            roleplays: 0,
            errors: 1,
            warnings: 0,
        };
        assert_eq!(
            summary.line(),
            "checked 1 module, 2 questions, 0 role-plays: 1 error, 0 warnings"
        );
    }
}
