//! lesson.md front matter: competencies, level and minutes make sense.
//! Translations repeat these values, so only the original is checked here;
//! `translations` checks that the copies are identical.

use super::Context;
use crate::content::diagnostic::{Code, Diagnostic};

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for module in &context.course.modules {
        let lesson = &module.lesson.default;
        let source = &lesson.source;
        if lesson.competencies.is_empty() {
            diagnostics.push(Diagnostic::at(
                Code::NoCompetencies,
                source,
                lesson.front_matter,
                format!("module `{}` names no competency", module.id),
                "list what the module teaches, main competency first: `competencies = [\"objection-handling\"]`",
            ));
        }
        for competency in &lesson.competencies {
            diagnostics.extend(context.unknown_competency(
                Code::UnknownLessonCompetency,
                source,
                competency,
                &format!("module `{}`", module.id),
            ));
        }
        let max = context.max_level();
        let level_ok =
            usize::try_from(lesson.level.value).is_ok_and(|level| (1..=max).contains(&level));
        if max > 0 && !level_ok {
            diagnostics.push(Diagnostic::at(
                Code::LevelOutOfRange,
                source,
                lesson.level.span,
                format!("level {} is outside the scale 1..{max}", lesson.level.value),
                format!("set `level` to the level this module teaches toward, from 1 to {max}"),
            ));
        }
        if lesson.minutes.value < 1 {
            diagnostics.push(Diagnostic::at(
                Code::BadMinutes,
                source,
                lesson.minutes.span,
                format!("`minutes` is {}", lesson.minutes.value),
                "give the time a learner needs for the module, in whole minutes (at least 1)",
            ));
        }
        for lesson in std::iter::once(lesson).chain(module.lesson.translations.values()) {
            for heading in &lesson.title_headings {
                diagnostics.push(Diagnostic::at(
                    Code::TitleHeading,
                    &lesson.source,
                    lesson.source.first_line(*heading),
                    "a level-1 heading in a lesson repeats the page title",
                    "the page shows `title` already; use `##` and `###` for the lesson's sections",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{FIRST_LESSON, course_with, diagnostics_with, only, places};

    #[test]
    fn reports_unknown_competencies_level_and_minutes() {
        let lesson = FIRST_LESSON
            .replace(r#"["discovery"]"#, r#"["discovery", "discvery"]"#)
            .replace("level = 1", "level = 4")
            .replace("minutes = 10", "minutes = 0");
        let course = course_with(&[("modules/first/lesson.md", Some(&lesson))]);

        let report = course.check();

        let file = "modules/first/lesson.md".to_string();
        assert_eq!(
            places(&course.root, &report.diagnostics),
            [
                (Code::UnknownLessonCompetency, file.clone(), 4, 30),
                (Code::LevelOutOfRange, file.clone(), 5, 9),
                (Code::BadMinutes, file, 6, 11),
            ]
        );
        assert_eq!(
            only(&report.diagnostics, Code::UnknownLessonCompetency).help,
            "did you mean `discovery`?"
        );
        assert!(
            only(&report.diagnostics, Code::LevelOutOfRange)
                .message
                .contains("1..3")
        );
    }

    #[test]
    fn a_lesson_without_competencies_is_reported() {
        let diagnostics = diagnostics_with(
            "modules/first/lesson.md",
            &FIRST_LESSON.replace(r#"["discovery"]"#, "[]"),
        );

        let error = only(&diagnostics, Code::NoCompetencies);
        assert_eq!((error.line, error.column), (1, 1));
    }

    #[test]
    fn a_level_one_heading_is_a_warning() {
        let diagnostics = diagnostics_with(
            "modules/first/lesson.md",
            &FIRST_LESSON.replace("## Ask", "# First\n\n## Ask"),
        );

        let warning = only(&diagnostics, Code::TitleHeading);
        assert_eq!((warning.line, warning.column), (10, 1));
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn a_module_folder_without_lesson_is_reported_and_not_cascaded() {
        let course = course_with(&[("modules/first/lesson.md", None)]);

        let report = course.check();

        let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MissingLesson], "{:#?}", report.diagnostics);
        assert!(report.diagnostics[0].file.ends_with("modules/first"));
    }
}
