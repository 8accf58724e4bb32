//! paths/*.toml: roles and modules exist, stages make sense, and every
//! module is on some path.

use std::collections::BTreeSet;

use super::{Context, check_id, report_duplicates};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::suggest::did_you_mean;

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let course = context.course;
    let framework = &course.framework;
    for path in &course.paths {
        let source = &path.source;
        check_id(source, &path.id, "path", diagnostics);
        if let Some(role) = &path.role
            && !framework.roles.is_empty()
            && framework.role(&role.value).is_none()
        {
            diagnostics.push(Diagnostic::at(
                Code::UnknownRole,
                source,
                role.span,
                format!(
                    "path `{}` is for role `{}`, which competencies.toml does not define",
                    path.id.value, role.value
                ),
                did_you_mean(
                    &role.value,
                    framework.roles.iter().map(|r| r.id.value.as_str()),
                    "roles",
                ),
            ));
        }
        if path.stages.is_empty() {
            diagnostics.push(Diagnostic::at(
                Code::PathNoStages,
                source,
                path.id.span,
                format!("path `{}` has no stage", path.id.value),
                "add `[[stage]]` tables with `title`, `days` and `modules`",
            ));
        }
        let mut on_path: Vec<&str> = Vec::new();
        for stage in &path.stages {
            if stage.days.value < 1 {
                diagnostics.push(Diagnostic::at(
                    Code::StageDays,
                    source,
                    stage.days.span,
                    format!(
                        "stage \"{}\" lasts {} days",
                        stage.title.default, stage.days.value
                    ),
                    "give each stage a length of at least 1 day",
                ));
            }
            if stage.modules.is_empty() {
                diagnostics.push(Diagnostic::at(
                    Code::EmptyStage,
                    source,
                    source.first_line(stage.span),
                    format!("stage \"{}\" has no module", stage.title.default),
                    "list the stage's modules in `modules = [...]`, or remove the stage",
                ));
            }
            for module in &stage.modules {
                if !course.has_module(&module.value) {
                    diagnostics.push(Diagnostic::at(
                        Code::UnknownPathModule,
                        source,
                        module.span,
                        format!(
                            "there is no module `{}` (no folder modules/{})",
                            module.value, module.value
                        ),
                        did_you_mean(&module.value, context.module_ids(), "modules"),
                    ));
                } else if on_path.contains(&module.value.as_str()) {
                    diagnostics.push(Diagnostic::at(
                        Code::DuplicatePathModule,
                        source,
                        module.span,
                        format!(
                            "module `{}` is already on path `{}`",
                            module.value, path.id.value
                        ),
                        "list each module once per path",
                    ));
                    continue;
                }
                on_path.push(&module.value);
            }
        }
        check_prerequisite_order(context, path, &on_path, diagnostics);
    }
    report_duplicates(
        course.paths.iter().map(|path| (&path.source, &path.id)),
        Code::DuplicatePath,
        "path",
        diagnostics,
    );
    report_unused_modules(context, diagnostics);
}

/// A learner follows a path in order, so a prerequisite listed after the
/// module that needs it is reached too late.
fn check_prerequisite_order(
    context: &Context<'_>,
    path: &crate::content::path::LearningPath,
    order: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let position = |id: &str| order.iter().position(|on| *on == id);
    for stage in &path.stages {
        for listed in &stage.modules {
            let Some(module) = context.course.module(&listed.value) else {
                continue;
            };
            let Some(here) = position(&listed.value) else {
                continue;
            };
            for prerequisite in &module.lesson.default.prerequisites {
                if position(&prerequisite.value).is_some_and(|there| there > here) {
                    diagnostics.push(Diagnostic::at(
                        Code::PrerequisiteLater,
                        &path.source,
                        listed.span,
                        format!(
                            "module `{}` comes before its prerequisite `{}` on path `{}`",
                            listed.value, prerequisite.value, path.id.value
                        ),
                        format!(
                            "move `{}` to an earlier place than `{}`",
                            prerequisite.value, listed.value
                        ),
                    ));
                }
            }
        }
    }
}

fn report_unused_modules(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let used: BTreeSet<&str> = context
        .course
        .paths
        .iter()
        .flat_map(|path| &path.stages)
        .flat_map(|stage| &stage.modules)
        .map(|module| module.value.as_str())
        .collect();
    for module in &context.course.modules {
        if !used.contains(module.id.as_str()) {
            let lesson = &module.lesson.default;
            diagnostics.push(Diagnostic::at(
                Code::UnusedModule,
                &lesson.source,
                lesson.front_matter,
                format!("module `{}` is on no learning path", module.id),
                "add it to a stage in paths/*.toml so learners are assigned it (or keep it as optional reading)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{PATH, course_with, diagnostics_with, only, places};

    #[test]
    fn reports_unknown_roles_and_modules_and_bad_stages() {
        let path = r#"id = "onboarding"
title = "Onboarding"
role = "new-hir"

[[stage]]
title = "Week 1"
days = 0
modules = ["first", "secnd", "first"]

[[stage]]
title = "Week 2"
days = 7
modules = []

[[stage]]
title = "Week 3"
days = 7
modules = ["second"]
"#;
        let course = course_with(&[("paths/onboarding.toml", Some(path))]);

        let report = course.check();

        let file = "paths/onboarding.toml".to_string();
        assert_eq!(
            places(&course.root, &report.diagnostics),
            [
                (Code::UnknownRole, file.clone(), 3, 8),
                (Code::StageDays, file.clone(), 7, 8),
                (Code::UnknownPathModule, file.clone(), 8, 21),
                (Code::DuplicatePathModule, file.clone(), 8, 30),
                (Code::EmptyStage, file, 10, 1),
            ]
        );
        assert_eq!(
            only(&report.diagnostics, Code::UnknownPathModule).help,
            "did you mean `second`?"
        );
        assert_eq!(
            only(&report.diagnostics, Code::UnknownRole).help,
            "did you mean `new-hire`?"
        );
    }

    #[test]
    fn a_path_without_stages_and_a_duplicate_path_id() {
        let empty = "id = \"onboarding\"\ntitle = \"Copy\"\n";
        let course = course_with(&[("paths/other.toml", Some(empty))]);

        let report = course.check();

        let found = places(&course.root, &report.diagnostics);
        assert!(
            found.contains(&(Code::PathNoStages, "paths/other.toml".into(), 1, 6)),
            "{found:?}"
        );
        assert!(
            found.contains(&(Code::DuplicatePath, "paths/other.toml".into(), 1, 6)),
            "{found:?}"
        );
        let duplicate = only(&report.diagnostics, Code::DuplicatePath);
        assert!(
            duplicate.message.contains("onboarding.toml:1"),
            "{}",
            duplicate.message
        );
    }

    #[test]
    fn a_module_before_its_prerequisite_is_a_warning() {
        let diagnostics = diagnostics_with(
            "paths/onboarding.toml",
            &PATH.replace(r#"["first", "second"]"#, r#"["second", "first"]"#),
        );

        let warning = only(&diagnostics, Code::PrerequisiteLater);
        assert_eq!((warning.line, warning.column), (8, 12));
        assert!(
            warning
                .message
                .contains("`second` comes before its prerequisite `first`")
        );
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn a_module_on_no_path_is_a_warning_at_its_lesson() {
        let course = course_with(&[(
            "paths/onboarding.toml",
            Some(&PATH.replace(r#"["first", "second"]"#, r#"["first"]"#)),
        )]);

        let report = course.check();

        assert_eq!(
            places(&course.root, &report.diagnostics),
            [(Code::UnusedModule, "modules/second/lesson.md".into(), 1, 1)]
        );
        assert!(report.course.is_some(), "warnings do not block the course");
        assert!(!report.passed(true));
        assert!(report.passed(false));
    }
}
