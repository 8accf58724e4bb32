//! Role-play files: scenes link up into a playable graph, scores and rubric
//! name real competencies. Every language file is checked.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{Context, check_id, report_duplicates};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::roleplay::{RolePlay, Scene};
use crate::content::source::SourceFile;
use crate::content::suggest::did_you_mean;

/// Rubric points run from 1 to this.
const MAX_RUBRIC_POINTS: i64 = 5;

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for module in &context.course.modules {
        for named in &module.roleplays {
            let files =
                std::iter::once(&named.files.default).chain(named.files.translations.values());
            for roleplay in files {
                check_roleplay(context, roleplay, diagnostics);
            }
        }
    }
}

fn check_roleplay(context: &Context<'_>, roleplay: &RolePlay, diagnostics: &mut Vec<Diagnostic>) {
    let source = &roleplay.source;
    for competency in &roleplay.competencies {
        diagnostics.extend(context.unknown_competency(
            Code::UnknownRolePlayCompetency,
            source,
            competency,
            "this role-play",
        ));
    }
    for criterion in &roleplay.rubric {
        diagnostics.extend(context.unknown_competency(
            Code::RubricUnknownCompetency,
            source,
            &criterion.competency,
            &format!("rubric criterion \"{}\"", criterion.criterion),
        ));
        if !(1..=MAX_RUBRIC_POINTS).contains(&criterion.points.value) {
            diagnostics.push(Diagnostic::at(
                Code::RubricPointsOutOfRange,
                source,
                criterion.points.span,
                format!(
                    "rubric criterion \"{}\" is worth {} points",
                    criterion.criterion, criterion.points.value
                ),
                format!("give each criterion 1 to {MAX_RUBRIC_POINTS} points"),
            ));
        }
    }
    if roleplay.scenes.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::NoScenes,
            source,
            roleplay.front_matter,
            format!("role-play \"{}\" has no scene", roleplay.title.value),
            "add scenes as level-2 headings `## Title {#scene-id}`; the first is the start",
        ));
        return;
    }
    for scene in &roleplay.scenes {
        check_id(source, &scene.id, "scene", diagnostics);
        check_scene(context, roleplay, scene, diagnostics);
    }
    report_duplicates(
        roleplay.scenes.iter().map(|scene| (source, &scene.id)),
        Code::DuplicateScene,
        "scene",
        diagnostics,
    );
    check_graph(roleplay, diagnostics);
    let scores_anything = roleplay
        .scenes
        .iter()
        .flat_map(|scene| &scene.choices)
        .any(|choice| choice.scores.iter().any(|score| score.points != 0));
    if !scores_anything {
        diagnostics.push(Diagnostic::at(
            Code::NeverScores,
            source,
            roleplay.title.span,
            format!("no choice in role-play \"{}\" earns or costs points", roleplay.title.value),
            "add scores such as `{objection-handling=+2}` after the choices that show (or miss) the skill",
        ));
    }
}

fn check_scene(
    context: &Context<'_>,
    roleplay: &RolePlay,
    scene: &Scene,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source = &roleplay.source;
    let id = &scene.id.value;
    let at_heading = |code: Code, message: String, help: &str| {
        Diagnostic::at(code, source, scene.heading, message, help)
    };
    match (&scene.outcome, scene.end) {
        (Some(outcome), false) => diagnostics.push(Diagnostic::at(
            Code::OutcomeWithoutEnd,
            source,
            outcome.span,
            format!("scene `{id}` has an outcome but does not end the run"),
            "add `.end` to the heading, or remove the outcome",
        )),
        (None, true) => diagnostics.push(at_heading(
            Code::EndWithoutOutcome,
            format!("ending `{id}` has no outcome"),
            "add `outcome=won`, `outcome=partial` or `outcome=lost` to the heading",
        )),
        _ => {}
    }
    if scene.practice && roleplay.rubric.is_empty() {
        diagnostics.push(at_heading(
            Code::PracticeWithoutRubric,
            format!("practice scene `{id}` has no rubric to score the answer with"),
            "add `[[rubric]]` tables (criterion, competency, points) to the front matter",
        ));
    }
    if !scene.end {
        if scene.practice && scene.choices.len() != 1 {
            diagnostics.push(at_heading(
                Code::PracticeLinks,
                format!("practice scene `{id}` has {} links", scene.choices.len()),
                "give a practice scene exactly one link (`- [Continue](#next)`), or make it `.end`",
            ));
        } else if scene.choices.is_empty() {
            diagnostics.push(at_heading(
                Code::SceneWithoutChoices,
                format!("scene `{id}` offers no choice and does not end the run"),
                "add choices `- [What the learner says](#next-scene)`, or mark the scene `.end`",
            ));
        }
    } else if !scene.practice && !scene.choices.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::ChoicesOnEnd,
            source,
            source.first_line(scene.choices[0].span),
            format!("ending `{id}` has choices that are never shown"),
            "remove the choices, or remove `.end` from the heading",
        ));
    }
    let scene_ids = roleplay.scenes.iter().map(|scene| scene.id.value.as_str());
    for choice in &scene.choices {
        if roleplay.scene(&choice.target.value).is_none() {
            diagnostics.push(Diagnostic::at(
                Code::MissingScene,
                source,
                choice.target.span,
                format!(
                    "choice {} of `{id}` leads to scene `{}`, which does not exist",
                    choice.index + 1,
                    choice.target.value
                ),
                did_you_mean(&choice.target.value, scene_ids.clone(), "scenes"),
            ));
        }
        for score in &choice.scores {
            if let Some(diagnostic) = context.unknown_competency(
                Code::UnknownRolePlayCompetency,
                source,
                &score.competency,
                &format!("a choice of `{id}`"),
            ) {
                diagnostics.push(diagnostic);
            } else if !roleplay.competencies.is_empty()
                && !roleplay
                    .competencies
                    .iter()
                    .any(|listed| listed.value == score.competency.value)
            {
                diagnostics.push(Diagnostic::at(
                    Code::ScoreOutsideCompetencies,
                    source,
                    score.competency.span,
                    format!(
                        "`{}` is scored here but not listed in the role-play's competencies",
                        score.competency.value
                    ),
                    format!(
                        "add \"{}\" to `competencies` in the front matter",
                        score.competency.value
                    ),
                ));
            }
        }
    }
}

/// From the first scene every scene must be reachable, and from every
/// reachable scene an ending.
fn check_graph(roleplay: &RolePlay, diagnostics: &mut Vec<Diagnostic>) {
    let source: &Arc<SourceFile> = &roleplay.source;
    let index_of = |id: &str| {
        roleplay
            .scenes
            .iter()
            .position(|scene| scene.id.value == id)
    };
    let successors: Vec<Vec<usize>> = roleplay
        .scenes
        .iter()
        .map(|scene| {
            if scene.end {
                return Vec::new();
            }
            scene
                .choices
                .iter()
                .filter_map(|choice| index_of(&choice.target.value))
                .collect()
        })
        .collect();
    let reachable = reach(
        &[0],
        |scene| successors[scene].clone(),
        roleplay.scenes.len(),
    );
    for (index, scene) in roleplay.scenes.iter().enumerate() {
        // A second scene with a taken id is reported as a duplicate; links
        // to the id reach the first, so "unreachable" would only repeat it.
        let duplicate = index_of(&scene.id.value).is_some_and(|first| first < index);
        if !reachable.contains(&index) && !duplicate {
            diagnostics.push(Diagnostic::at(
                Code::UnreachableScene,
                source,
                scene.heading,
                format!("no choice leads to scene `{}`", scene.id.value),
                "link to it from another scene (`- [...](#id)`), or remove it; the first scene is the start",
            ));
        }
    }
    let endings: Vec<usize> = (0..roleplay.scenes.len())
        .filter(|&i| roleplay.scenes[i].end)
        .collect();
    let predecessors = |scene: usize| -> Vec<usize> {
        (0..successors.len())
            .filter(|&from| successors[from].contains(&scene))
            .collect()
    };
    let can_finish = reach(&endings, predecessors, roleplay.scenes.len());
    let start = &roleplay.scenes[0];
    if !reachable.iter().any(|index| roleplay.scenes[*index].end) {
        diagnostics.push(Diagnostic::at(
            Code::NoReachableEnd,
            source,
            start.heading,
            format!(
                "no ending can be reached from the start scene `{}`",
                start.id.value
            ),
            "mark the final scenes with `.end` and make sure choices lead to them",
        ));
        return;
    }
    for &index in &reachable {
        let scene = &roleplay.scenes[index];
        // A scene without choices is reported on its own; saying it also
        // has no way out would repeat that.
        if !can_finish.contains(&index) && !scene.choices.is_empty() {
            diagnostics.push(Diagnostic::at(
                Code::NoWayOut,
                source,
                scene.heading,
                format!(
                    "a learner who reaches scene `{}` can never reach an ending",
                    scene.id.value
                ),
                "give one of the choices on this path a link that leads to an `.end` scene",
            ));
        }
    }
}

/// Every node reachable from `starts` by following `next`.
fn reach(starts: &[usize], next: impl Fn(usize) -> Vec<usize>, count: usize) -> BTreeSet<usize> {
    let mut seen: BTreeSet<usize> = starts.iter().copied().filter(|&s| s < count).collect();
    let mut queue: Vec<usize> = seen.iter().copied().collect();
    while let Some(node) = queue.pop() {
        for following in next(node) {
            if following < count && seen.insert(following) {
                queue.push(following);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{SECOND_ROLEPLAY, course_with, diagnostics_with, only, places};

    const FILE: &str = "modules/second/roleplay-discount.md";

    fn roleplay_diagnostics(roleplay: &str) -> Vec<(Code, String, usize, usize)> {
        let course = course_with(&[(FILE, Some(roleplay))]);
        let report = course.check();
        places(&course.root, &report.diagnostics)
    }

    fn at(code: Code, line: usize, column: usize) -> (Code, String, usize, usize) {
        (code, FILE.to_string(), line, column)
    }

    fn with_scenes(scenes: &str) -> String {
        format!("+++\ntitle = \"T\"\ncompetencies = [\"negotiation\"]\n+++\n\n{scenes}")
    }

    #[test]
    fn reports_dead_links_unreachable_scenes_and_traps() {
        let roleplay = with_scenes(
            "## Start {#start}\n\n- [Go](#loop) {negotiation=+1}\n- [Lost](#nowhere)\n\n## Loop {#loop}\n\n- [Again](#start)\n\n## Orphan {#orphan .end outcome=lost}\n",
        );

        assert_eq!(
            roleplay_diagnostics(&roleplay),
            [
                at(Code::NoReachableEnd, 6, 1),
                at(Code::MissingScene, 9, 3),
                at(Code::UnreachableScene, 15, 1),
            ]
        );
    }

    #[test]
    fn reports_a_scene_from_which_no_ending_can_be_reached() {
        let roleplay = with_scenes(
            "## Start {#start}\n\n- [Win](#won) {negotiation=+1}\n- [Spin](#spin)\n\n## Spin {#spin}\n\n- [Spin again](#spin)\n\n## Won {#won .end outcome=won}\n",
        );

        assert_eq!(roleplay_diagnostics(&roleplay), [at(Code::NoWayOut, 11, 1)]);
    }

    #[test]
    fn reports_scene_flags_that_do_not_fit() {
        let roleplay = with_scenes(
            "## Start {#start outcome=won}\n\n- [A](#practice) {negotiation=+1}\n- [B](#stuck)\n\n## Practice {#practice .practice}\n\n- [A](#end)\n- [B](#end)\n\n## Stuck {#stuck}\n\nNothing to do.\n\n## End {#end .end}\n\n- [More](#start)\n",
        );

        assert_eq!(
            roleplay_diagnostics(&roleplay),
            [
                at(Code::OutcomeWithoutEnd, 6, 18),
                at(Code::PracticeLinks, 11, 1),
                at(Code::PracticeWithoutRubric, 11, 1),
                at(Code::SceneWithoutChoices, 16, 1),
                at(Code::EndWithoutOutcome, 20, 1),
                at(Code::ChoicesOnEnd, 22, 1),
            ]
        );
    }

    #[test]
    fn reports_unknown_competencies_in_scores_and_rubric() {
        let roleplay = SECOND_ROLEPLAY
            .replace("{negotiation=+2}", "{negotiaton=+2 discovery=+1}")
            .replace("competency = \"negotiation\"", "competency = \"closing\"")
            .replace("points = 2", "points = 9");

        assert_eq!(
            roleplay_diagnostics(&roleplay),
            [
                at(Code::RubricUnknownCompetency, 9, 14),
                at(Code::RubricPointsOutOfRange, 10, 10),
                at(Code::UnknownRolePlayCompetency, 17, 48),
                at(Code::ScoreOutsideCompetencies, 17, 62),
            ]
        );
    }

    #[test]
    fn duplicate_scene_ids_and_a_role_play_that_never_scores() {
        let roleplay = with_scenes(
            "## Start {#start}\n\n- [Go](#end)\n\n## End {#end .end outcome=won}\n\n## End again {#end .end outcome=lost}\n",
        );

        assert_eq!(
            roleplay_diagnostics(&roleplay),
            [
                at(Code::NeverScores, 2, 9),
                at(Code::DuplicateScene, 12, 15)
            ]
        );
    }

    #[test]
    fn a_role_play_without_scenes_is_reported() {
        let diagnostics = diagnostics_with(FILE, &with_scenes("Just an intro.\n"));

        let error = only(&diagnostics, Code::NoScenes);
        assert_eq!((error.line, error.column), (1, 1));
    }
}
