//! Every competency is measured somewhere, or learners can never show it
//! and managers never see a gap close.

use std::collections::BTreeSet;

use super::Context;
use crate::content::diagnostic::{Code, Diagnostic};

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let framework = &context.course.framework;
    if !context.course.unloaded_modules.is_empty() {
        // A module that could not be read may be the one measuring a
        // competency; its own error says what to fix.
        return;
    }
    let mut measured: BTreeSet<&str> = BTreeSet::new();
    for module in &context.course.modules {
        let main = module
            .lesson
            .default
            .competencies
            .first()
            .map(|c| c.value.as_str());
        if let Some(quiz) = &module.quiz {
            for question in &quiz.default.questions {
                let competency = question
                    .competency
                    .as_ref()
                    .map(|c| c.value.as_str())
                    .or(main);
                measured.extend(competency);
            }
        }
        for roleplay in &module.roleplays {
            let roleplay = &roleplay.files.default;
            let scored = roleplay
                .scenes
                .iter()
                .flat_map(|scene| &scene.choices)
                .flat_map(|choice| &choice.scores)
                .map(|score| score.competency.value.as_str());
            measured.extend(scored);
            measured.extend(
                roleplay
                    .rubric
                    .iter()
                    .map(|criterion| criterion.competency.value.as_str()),
            );
        }
    }
    for competency in &framework.competencies {
        if !measured.contains(competency.id.value.as_str()) {
            diagnostics.push(Diagnostic::at(
                Code::UnmeasuredCompetency,
                &framework.source,
                competency.id.span,
                format!("no question or role-play measures `{}`", competency.id.value),
                "add quiz questions (`competency=` on the heading, or a module whose first competency it is) or role-play scores for it",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{COMPETENCIES, diagnostics_with, only};

    #[test]
    fn a_competency_nothing_measures_is_a_warning_at_its_id() {
        let framework =
            format!("{COMPETENCIES}\n[[competency]]\nid = \"teamwork\"\nname = \"Teamwork\"\n");

        let diagnostics = diagnostics_with("competencies.toml", &framework);

        let warning = only(&diagnostics, Code::UnmeasuredCompetency);
        assert_eq!((warning.line, warning.column), (19, 6));
        assert!(warning.message.contains("`teamwork`"));
        assert_eq!(diagnostics.len(), 1);
    }
}
