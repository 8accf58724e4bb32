//! competencies.toml: levels, competencies and roles make sense together.

use super::{Context, check_id, report_duplicates};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::source::Span;
use crate::content::suggest::did_you_mean;

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let framework = &context.course.framework;
    let source = &framework.source;
    if source.text().is_empty() {
        // Missing or unreadable: already reported by the loader.
        return;
    }
    let first_line = Span::new(0, source.line_text(1).len());
    if framework.levels.default.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::FrameworkNoLevels,
            source,
            if framework.levels_span.is_empty() { first_line } else { framework.levels_span },
            "competencies.toml defines no levels",
            "add `levels = [\"Aware\", \"Practising\", \"Proficient\", \"Advanced\", \"Expert\"]` (level 1 first)",
        ));
    }
    for (language, levels) in &framework.levels.translations {
        if levels.len() != framework.levels.default.len() {
            diagnostics.push(Diagnostic::at(
                Code::TranslationLength,
                source,
                framework.levels_span,
                format!(
                    "`levels_{language}` has {} names but `levels` has {}",
                    levels.len(),
                    framework.levels.default.len()
                ),
                format!("give `levels_{language}` one name per level, in the same order"),
            ));
        }
    }
    if framework.competencies.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::FrameworkNoCompetencies,
            source,
            first_line,
            "competencies.toml defines no competency",
            "add a `[[competency]]` table with `id`, `name` and `description`",
        ));
    }
    for competency in &framework.competencies {
        check_id(source, &competency.id, "competency", diagnostics);
        let descriptions = &competency.level_descriptions;
        let expected = framework.levels.default.len();
        let wrong_count = |count: usize| count != 0 && count != expected;
        if wrong_count(descriptions.default.len()) {
            diagnostics.push(Diagnostic::at(
                Code::LevelDescriptionsCount,
                source,
                competency.level_descriptions_span,
                format!(
                    "competency `{}` has {} level descriptions but there are {expected} levels",
                    competency.id.value,
                    descriptions.default.len()
                ),
                "write one description per level, level 1 first",
            ));
        }
        for (language, translated) in &descriptions.translations {
            if translated.len() != descriptions.default.len() {
                diagnostics.push(Diagnostic::at(
                    Code::TranslationLength,
                    source,
                    competency.level_descriptions_span,
                    format!(
                        "`level_descriptions_{language}` of `{}` has {} entries but `level_descriptions` has {}",
                        competency.id.value,
                        translated.len(),
                        descriptions.default.len()
                    ),
                    "translate every level description, in the same order",
                ));
            }
        }
    }
    report_duplicates(
        framework.competencies.iter().map(|c| (source, &c.id)),
        Code::DuplicateCompetency,
        "competency",
        diagnostics,
    );
    for role in &framework.roles {
        check_id(source, &role.id, "role", diagnostics);
        for target in &role.targets {
            let known = framework.competency(&target.competency.value).is_some();
            if context.checks_competencies() && !known {
                diagnostics.push(Diagnostic::at(
                    Code::UnknownTargetCompetency,
                    source,
                    target.competency.span,
                    format!(
                        "role `{}` has a target for `{}`, which is not a competency",
                        role.id.value, target.competency.value
                    ),
                    did_you_mean(
                        &target.competency.value,
                        framework.competency_ids(),
                        "competencies",
                    ),
                ));
            }
            let max = context.max_level();
            let in_scale =
                usize::try_from(target.level.value).is_ok_and(|level| (1..=max).contains(&level));
            if max > 0 && !in_scale {
                diagnostics.push(Diagnostic::at(
                    Code::TargetOutOfRange,
                    source,
                    target.level.span,
                    format!(
                        "role `{}` targets level {} of `{}`, outside the scale 1..{max}",
                        role.id.value, target.level.value, target.competency.value
                    ),
                    format!("use a level from 1 to {max}; leave the competency out if the role has no target for it"),
                ));
            }
        }
    }
    report_duplicates(
        framework.roles.iter().map(|r| (source, &r.id)),
        Code::DuplicateRole,
        "role",
        diagnostics,
    );
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{course_with, only, places};

    const BROKEN: &str = r#"levels = ["Aware", "Practising", "Proficient"]
levels_zh-CN = ["了解", "练习"]

[[competency]]
id = "discovery"
name = "Discovery"
level_descriptions = ["a", "b"]

[[competency]]
id = "negotiation"
name = "Negotiation"

[[competency]]
id = "discovery"
name = "Again"

[[competency]]
id = "Team_Work"
name = "T"

[[role]]
id = "new-hire"
name = "New hire"
targets = { discovery = 2, negociation = 1, negotiation = 4 }
"#;

    #[test]
    fn reports_each_framework_problem_at_its_place() {
        let course = course_with(&[("competencies.toml", Some(BROKEN))]);

        let report = course.check();

        let errors: Vec<_> = places(&course.root, &report.diagnostics)
            .into_iter()
            .filter(|(code, ..)| code.severity() == crate::content::Severity::Error)
            .collect();
        let file = "competencies.toml".to_string();
        assert_eq!(
            errors,
            [
                (Code::TranslationLength, file.clone(), 1, 10),
                (Code::LevelDescriptionsCount, file.clone(), 7, 22),
                (Code::DuplicateCompetency, file.clone(), 14, 6),
                (Code::InvalidId, file.clone(), 18, 6),
                (Code::UnknownTargetCompetency, file.clone(), 24, 28),
                (Code::TargetOutOfRange, file, 24, 59),
            ]
        );
        let unknown = only(&report.diagnostics, Code::UnknownTargetCompetency);
        assert!(unknown.message.contains("`negociation`"));
        assert_eq!(unknown.help, "did you mean `negotiation`?");
        let duplicate = only(&report.diagnostics, Code::DuplicateCompetency);
        assert!(
            duplicate.message.contains("first at line 5"),
            "{}",
            duplicate.message
        );
        assert!(report.course.is_none());
    }

    #[test]
    fn an_empty_framework_is_reported_once_without_cascading() {
        let course = course_with(&[("competencies.toml", Some("levels = []\n"))]);

        let report = course.check();

        let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [Code::FrameworkNoCompetencies, Code::FrameworkNoLevels]
        );
        let levels = only(&report.diagnostics, Code::FrameworkNoLevels);
        assert_eq!((levels.line, levels.column), (1, 10));
    }

    #[test]
    fn a_missing_framework_file_is_reported() {
        let course = course_with(&[("competencies.toml", None)]);

        let report = course.check();

        let missing = only(&report.diagnostics, Code::FrameworkMissing);
        assert!(missing.file.ends_with("competencies.toml"));
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
    }
}
