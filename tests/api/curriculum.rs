//! The shipped curriculum keeps its shape (issue 6): thirteen modules in
//! CURRICULUM.md order, each bilingual with identical ids, quizzes that use
//! every question type, role-plays with a reachable win, partial and loss,
//! and every competency measured at more than one level.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use salesdojo::content::roleplay_graph::analyse;
use salesdojo::content::{Course, Outcome, Question, QuestionBody, QuestionKind, check};

const MODULES: [&str; 13] = [
    "sales-execution",
    "smart-goals",
    "sales-rhythm",
    "sales-process",
    "product-knowledge",
    "value-pitch",
    "objection-handling",
    "negotiation-closing",
    "customer-management",
    "b2b-project-selling",
    "cross-team-collaboration",
    "continuous-improvement",
    "leading-a-sales-team",
];

fn course() -> Course {
    let report = check(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"));
    assert_eq!(report.summary.errors, 0, "the shipped content has errors");
    assert_eq!(
        report.summary.warnings, 0,
        "the shipped content has warnings"
    );
    report.course.expect("a course without errors")
}

/// What must not differ between languages: ids, types, options and their marks.
fn shape(question: &Question) -> (String, QuestionKind, Vec<bool>) {
    let marks = match &question.body {
        QuestionBody::Single(options) | QuestionBody::Multiple(options) => {
            options.iter().map(|o| o.correct).collect()
        }
        QuestionBody::Order(steps) => vec![true; steps.len()],
        QuestionBody::Text(answers) => vec![true; answers.len().min(1)],
    };
    (question.id.value.clone(), question.kind(), marks)
}

#[test]
fn thirteen_bilingual_modules_in_curriculum_order() {
    let course = course();
    let ids: BTreeSet<&str> = course.modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, MODULES.into_iter().collect::<BTreeSet<_>>());
    for module in &course.modules {
        assert!(
            module.lesson.translations.contains_key("zh-CN"),
            "{}: lesson.zh-CN.md",
            module.id
        );
        let words = module.lesson.default.body.text.split_whitespace().count();
        assert!(
            (900..=2_600).contains(&words),
            "{}: {words} words (900 to 2,000 of prose, plus tables)",
            module.id
        );
        let chinese: usize = module
            .lesson
            .get("zh-CN")
            .body
            .text
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        assert!(
            chinese >= 1_400,
            "{}: only {chinese} Chinese characters",
            module.id
        );
        assert!(
            module.media.iter().any(|m| m.ends_with(".svg")),
            "{}: a diagram in media/",
            module.id
        );
        assert!(
            module.media.iter().any(|m| m.ends_with(".zh-CN.svg")),
            "{}: a Chinese diagram",
            module.id
        );
    }
    // The onboarding path lists modules in the order CURRICULUM.md gives where it can.
    let onboarding = course
        .paths
        .iter()
        .find(|p| p.id.value == "onboarding")
        .expect("paths/onboarding.toml");
    assert_eq!(
        onboarding.stages.len(),
        5,
        "the five-stage new-hire schedule"
    );
    assert_eq!(
        onboarding
            .stages
            .iter()
            .map(|s| s.days.value)
            .take(2)
            .collect::<Vec<_>>(),
        [7, 14]
    );
}

#[test]
fn quizzes_teach_with_every_type_and_identical_ids_in_both_languages() {
    let course = course();
    let mut kinds_everywhere = BTreeSet::new();
    for module in &course.modules {
        let quiz = module
            .quiz
            .as_ref()
            .unwrap_or_else(|| panic!("{}: quiz.md", module.id));
        let questions = &quiz.default.questions;
        assert!(
            questions.len() >= 8,
            "{}: {} questions",
            module.id,
            questions.len()
        );
        let kinds: BTreeSet<QuestionKind> = questions.iter().map(Question::kind).collect();
        assert!(
            kinds.len() >= 2,
            "{}: at least two question types",
            module.id
        );
        kinds_everywhere.extend(kinds);
        let chinese = quiz
            .translations
            .get("zh-CN")
            .unwrap_or_else(|| panic!("{}: quiz.zh-CN.md", module.id));
        assert_eq!(
            questions.iter().map(shape).collect::<Vec<_>>(),
            chinese.questions.iter().map(shape).collect::<Vec<_>>(),
            "{}: the Chinese quiz must have the same ids, types and answers",
            module.id
        );
        for question in questions {
            assert!(
                question.explanation.as_ref().is_some_and(|e| !e.is_empty()),
                "{}#{}: explanation",
                module.id,
                question.id.value
            );
            if let QuestionBody::Single(options) | QuestionBody::Multiple(options) = &question.body
            {
                for option in options.iter().filter(|o| !o.correct) {
                    assert!(
                        option.feedback.is_some(),
                        "{}#{}: feedback on wrong option {}",
                        module.id,
                        question.id.value,
                        option.index
                    );
                }
            }
        }
    }
    assert_eq!(
        kinds_everywhere.len(),
        4,
        "all four question types are used"
    );
}

#[test]
fn roleplays_have_a_reachable_win_partial_and_loss_in_both_languages() {
    let course = course();
    let with_roleplays: BTreeSet<&str> = course
        .modules
        .iter()
        .filter(|m| !m.roleplays.is_empty())
        .map(|m| m.id.as_str())
        .collect();
    assert!(with_roleplays.len() >= 8, "{with_roleplays:?}");
    for required in [
        "objection-handling",
        "negotiation-closing",
        "product-knowledge",
        "b2b-project-selling",
    ] {
        assert!(
            with_roleplays.contains(required),
            "{required} needs a role-play"
        );
    }
    for module in &course.modules {
        for roleplay in &module.roleplays {
            let name = format!("{}/{}", module.id, roleplay.name);
            for (language, file) in roleplay.files.languages().zip(
                [&roleplay.files.default]
                    .into_iter()
                    .chain(roleplay.files.translations.values()),
            ) {
                assert!(
                    file.scenes.len() >= 6,
                    "{name} ({language}): {} scenes",
                    file.scenes.len()
                );
                let analysis = analyse(file);
                let outcomes: BTreeSet<&str> = analysis
                    .endings
                    .iter()
                    .filter_map(|(_, o)| o.map(Outcome::as_str))
                    .collect();
                assert_eq!(
                    outcomes,
                    ["lost", "partial", "won"].into_iter().collect(),
                    "{name} ({language})"
                );
                assert_eq!(
                    analysis.best_outcome,
                    Some(Outcome::Won),
                    "{name} ({language}): the best path must win"
                );
                assert!(
                    file.scenes.iter().any(|s| s.practice),
                    "{name}: a practice scene"
                );
                assert!(
                    (2..=4).contains(&file.rubric.len()),
                    "{name}: 2-4 rubric criteria"
                );
            }
            assert!(
                roleplay.files.translations.contains_key("zh-CN"),
                "{name}: a Chinese version"
            );
        }
    }
}

#[test]
fn every_competency_is_measured_at_more_than_one_level_and_targets_rise_by_role() {
    let course = course();
    let mut levels: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for module in &course.modules {
        let lesson = &module.lesson.default;
        let main = lesson
            .competencies
            .first()
            .map(|c| c.value.clone())
            .unwrap_or_default();
        if let Some(quiz) = &module.quiz {
            for question in &quiz.default.questions {
                let competency = question
                    .competency
                    .as_ref()
                    .map_or(main.clone(), |c| c.value.clone());
                levels
                    .entry(competency)
                    .or_default()
                    .insert(lesson.level.value);
            }
        }
    }
    for competency in &course.framework.competencies {
        let measured = levels
            .get(&competency.id.value)
            .cloned()
            .unwrap_or_default();
        assert!(
            measured.len() >= 2,
            "{} is measured at levels {measured:?}",
            competency.id.value
        );
    }
    let target = |role: &str, competency: &str| {
        course
            .framework
            .roles
            .iter()
            .find(|r| r.id.value == role)
            .unwrap_or_else(|| panic!("role {role}"))
            .targets
            .iter()
            .find(|t| t.competency.value == competency)
            .map_or(0, |t| t.level.value)
    };
    for competency in &course.framework.competencies {
        let id = competency.id.value.as_str();
        let rising = [
            target("new-hire", id),
            target("sales-rep", id),
            target("senior-seller", id),
        ];
        assert!(
            rising[0] <= rising[1] && rising[1] <= rising[2],
            "{id}: targets {rising:?} must rise by role"
        );
        let highest_measured = levels
            .get(id)
            .and_then(|l| l.iter().max().copied())
            .unwrap_or(0);
        for role in ["new-hire", "sales-rep", "senior-seller", "sales-manager"] {
            assert!(
                target(role, id) <= highest_measured,
                "{role} targets {id} above the highest level measured ({highest_measured})"
            );
        }
    }
}
