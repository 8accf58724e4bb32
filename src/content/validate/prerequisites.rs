//! Prerequisites name modules, and never loop back on themselves.

use std::collections::{BTreeMap, BTreeSet};

use super::Context;
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::load::Module;
use crate::content::suggest::did_you_mean;

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let course = context.course;
    for module in &course.modules {
        let lesson = &module.lesson.default;
        for prerequisite in &lesson.prerequisites {
            if !course.has_module(&prerequisite.value) {
                diagnostics.push(Diagnostic::at(
                    Code::UnknownPrerequisite,
                    &lesson.source,
                    prerequisite.span,
                    format!("prerequisite `{}` is not a module", prerequisite.value),
                    did_you_mean(&prerequisite.value, context.module_ids(), "modules"),
                ));
            }
        }
    }
    report_cycles(&course.modules, diagnostics);
}

/// Depth-first search; each back edge closes a cycle, reported once per set
/// of modules at the prerequisite entry that closes it.
fn report_cycles(modules: &[Module], diagnostics: &mut Vec<Diagnostic>) {
    let by_id: BTreeMap<&str, &Module> = modules.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut finished: BTreeSet<&str> = BTreeSet::new();
    let mut reported: BTreeSet<Vec<&str>> = BTreeSet::new();
    for module in modules {
        let mut stack: Vec<&str> = Vec::new();
        visit(
            &module.id,
            &by_id,
            &mut stack,
            &mut finished,
            &mut reported,
            diagnostics,
        );
    }
}

fn visit<'a>(
    id: &'a str,
    by_id: &BTreeMap<&'a str, &'a Module>,
    stack: &mut Vec<&'a str>,
    finished: &mut BTreeSet<&'a str>,
    reported: &mut BTreeSet<Vec<&'a str>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if finished.contains(id) {
        return;
    }
    let Some(module) = by_id.get(id) else {
        return;
    };
    stack.push(id);
    for prerequisite in &module.lesson.default.prerequisites {
        let next = prerequisite.value.as_str();
        if let Some(start) = stack.iter().position(|on_stack| *on_stack == next) {
            let cycle: Vec<&str> = stack[start..].to_vec();
            let mut key = cycle.clone();
            key.sort_unstable();
            if reported.insert(key) {
                let mut shown = cycle.clone();
                shown.push(next);
                let lesson = &module.lesson.default;
                diagnostics.push(Diagnostic::at(
                    Code::PrerequisiteCycle,
                    &lesson.source,
                    prerequisite.span,
                    format!("prerequisites form a cycle: {}", shown.join(" -> ")),
                    "remove one of these prerequisites so the modules can be taken in some order",
                ));
            }
        } else if let Some((&next_id, _)) = by_id.get_key_value(next) {
            visit(next_id, by_id, stack, finished, reported, diagnostics);
        }
    }
    stack.pop();
    finished.insert(id);
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{FIRST_LESSON, course_with, diagnostics_with, only, places};

    #[test]
    fn an_unknown_prerequisite_is_reported_at_its_entry() {
        let diagnostics = diagnostics_with(
            "modules/first/lesson.md",
            &FIRST_LESSON.replace("prerequisites = []", r#"prerequisites = ["secnd"]"#),
        );

        let error = only(&diagnostics, Code::UnknownPrerequisite);
        assert_eq!((error.line, error.column), (7, 18));
        assert_eq!(error.help, "did you mean `second`?");
    }

    #[test]
    fn a_prerequisite_cycle_is_reported_once() {
        let course = course_with(&[(
            "modules/first/lesson.md",
            Some(&FIRST_LESSON.replace("prerequisites = []", r#"prerequisites = ["second"]"#)),
        )]);

        let report = course.check();

        let cycles: Vec<_> = places(&course.root, &report.diagnostics)
            .into_iter()
            .filter(|(code, ..)| *code == Code::PrerequisiteCycle)
            .collect();
        assert_eq!(
            cycles,
            [(
                Code::PrerequisiteCycle,
                "modules/second/lesson.md".into(),
                7,
                18
            )]
        );
        let cycle = only(&report.diagnostics, Code::PrerequisiteCycle);
        assert!(
            cycle.message.contains("first -> second -> first"),
            "{}",
            cycle.message
        );
    }

    #[test]
    fn a_module_that_requires_itself_is_a_cycle() {
        let diagnostics = diagnostics_with(
            "modules/first/lesson.md",
            &FIRST_LESSON.replace("prerequisites = []", r#"prerequisites = ["first"]"#),
        );

        let cycle = only(&diagnostics, Code::PrerequisiteCycle);
        assert!(cycle.message.contains("first -> first"));
    }
}
