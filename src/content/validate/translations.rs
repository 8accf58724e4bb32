//! Translations share every id and every non-text value with the original,
//! so evidence never depends on the language a learner reads in.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;

use super::Context;
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::lesson::Lesson;
use crate::content::localized::{DEFAULT_LANGUAGE, Localized};
use crate::content::quiz::{Question, QuestionBody, Quiz};
use crate::content::roleplay::{RolePlay, Scene};
use crate::content::source::{Located, SourceFile, Span};

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let languages = languages_in_use(context);
    for module in &context.course.modules {
        report_missing(
            &module.lesson,
            &languages,
            |l| (&l.source, l.front_matter),
            diagnostics,
        );
        for translation in module.lesson.translations.values() {
            compare_lessons(&module.lesson.default, translation, diagnostics);
        }
        if let Some(quiz) = &module.quiz {
            report_missing(
                quiz,
                &languages,
                |q| (&q.source, q.front_matter),
                diagnostics,
            );
            for translation in quiz.translations.values() {
                compare_quizzes(&quiz.default, translation, diagnostics);
            }
        }
        for roleplay in &module.roleplays {
            let files = &roleplay.files;
            report_missing(
                files,
                &languages,
                |r| (&r.source, r.front_matter),
                diagnostics,
            );
            for translation in files.translations.values() {
                compare_roleplays(&files.default, translation, diagnostics);
            }
        }
    }
}

/// Every language some module file is translated into.
fn languages_in_use(context: &Context<'_>) -> BTreeSet<String> {
    let mut languages = BTreeSet::new();
    for module in &context.course.modules {
        languages.extend(module.lesson.translations.keys().cloned());
        if let Some(quiz) = &module.quiz {
            languages.extend(quiz.translations.keys().cloned());
        }
        for roleplay in &module.roleplays {
            languages.extend(roleplay.files.translations.keys().cloned());
        }
    }
    languages
}

fn report_missing<T>(
    files: &Localized<T>,
    languages: &BTreeSet<String>,
    place: impl Fn(&T) -> (&Arc<SourceFile>, Span),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (source, span) = place(&files.default);
    for language in languages {
        if !files.translations.contains_key(language) {
            let name = translated_name(source, language);
            diagnostics.push(Diagnostic::at(
                Code::TranslationMissing,
                source,
                span,
                format!("this file has no {language} translation, though other files of the course have one"),
                format!("add {name} with the same ids and non-text values"),
            ));
        }
    }
}

/// `lesson.md` -> `lesson.zh-CN.md`.
fn translated_name(source: &SourceFile, language: &str) -> String {
    let name = source
        .path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.strip_suffix(".md") {
        Some(stem) => format!("{stem}.{language}.md"),
        None => name,
    }
}

/// Reports a value that differs from the original's.
fn same_value<T: PartialEq + Debug>(
    translation: &Arc<SourceFile>,
    original: &Arc<SourceFile>,
    key: &str,
    here: &Located<T>,
    there: &T,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if here.value != *there {
        diagnostics.push(front_matter_differs(
            translation,
            original,
            key,
            here.span,
            &here.value,
            there,
        ));
    }
}

/// Reports a list of ids that differs from the original's.
fn same_list(
    translation: &Arc<SourceFile>,
    original: &Arc<SourceFile>,
    key: &str,
    here: &[Located<String>],
    there: &[Located<String>],
    fallback: Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let values = |list: &[Located<String>]| {
        list.iter()
            .map(|item| item.value.clone())
            .collect::<Vec<_>>()
    };
    if values(here) != values(there) {
        let span = here
            .iter()
            .zip(there)
            .find(|(a, b)| a.value != b.value)
            .map_or(fallback, |(a, _)| a.span);
        diagnostics.push(front_matter_differs(
            translation,
            original,
            key,
            span,
            &values(here),
            &values(there),
        ));
    }
}

fn front_matter_differs<T: Debug>(
    translation: &Arc<SourceFile>,
    original: &Arc<SourceFile>,
    key: &str,
    span: Span,
    here: &T,
    there: &T,
) -> Diagnostic {
    let original_name = file_name(original);
    Diagnostic::at(
        Code::TranslationFrontMatterDiffers,
        translation,
        span,
        format!("`{key}` is {here:?} here but {there:?} in {original_name}"),
        format!(
            "copy `{key}` from {original_name}; only text (titles, summaries, personas, goals, criteria) is translated"
        ),
    )
}

fn file_name(source: &SourceFile) -> String {
    source
        .path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn compare_lessons(original: &Lesson, translation: &Lesson, diagnostics: &mut Vec<Diagnostic>) {
    let (here, there) = (&translation.source, &original.source);
    let fallback = translation.front_matter;
    same_list(
        here,
        there,
        "competencies",
        &translation.competencies,
        &original.competencies,
        fallback,
        diagnostics,
    );
    same_value(
        here,
        there,
        "level",
        &translation.level,
        &original.level.value,
        diagnostics,
    );
    same_value(
        here,
        there,
        "minutes",
        &translation.minutes,
        &original.minutes.value,
        diagnostics,
    );
    same_list(
        here,
        there,
        "prerequisites",
        &translation.prerequisites,
        &original.prerequisites,
        fallback,
        diagnostics,
    );
}

fn compare_quizzes(original: &Quiz, translation: &Quiz, diagnostics: &mut Vec<Diagnostic>) {
    let (here, there) = (&translation.source, &original.source);
    let (a, b) = (&translation.settings, &original.settings);
    same_value(
        here,
        there,
        "pass_mark",
        &a.pass_mark,
        &b.pass_mark.value,
        diagnostics,
    );
    same_value(
        here,
        there,
        "attempts",
        &a.attempts,
        &b.attempts.value,
        diagnostics,
    );
    same_value(
        here,
        there,
        "shuffle",
        &a.shuffle,
        &b.shuffle.value,
        diagnostics,
    );
    same_value(
        here,
        there,
        "partial",
        &a.partial,
        &b.partial.value,
        diagnostics,
    );
    same_value(here, there, "draw", &a.draw, &b.draw.value, diagnostics);
    let ids = |quiz: &Quiz| {
        quiz.questions
            .iter()
            .map(|q| q.id.clone())
            .collect::<Vec<_>>()
    };
    compare_ids(
        here,
        there,
        "question",
        &ids(translation),
        &ids(original),
        translation.front_matter,
        diagnostics,
    );
    for question in &translation.questions {
        let Some(matching) = original
            .questions
            .iter()
            .find(|q| q.id.value == question.id.value)
        else {
            continue;
        };
        if let Some(difference) = question_difference(question, matching, &file_name(there)) {
            diagnostics.push(structure_differs(
                here,
                there,
                question.heading,
                &question.id.value,
                &difference,
            ));
        }
    }
}

/// The first way a translated question differs from the original, if any.
fn question_difference(here: &Question, there: &Question, original: &str) -> Option<String> {
    if here.kind() != there.kind() {
        return Some(format!(
            "it is a {} question here but a {} question in {original}",
            here.kind().as_str(),
            there.kind().as_str()
        ));
    }
    if here.competency.as_ref().map(|c| &c.value) != there.competency.as_ref().map(|c| &c.value) {
        return Some(format!("its `competency=` is not the one in {original}"));
    }
    if here.weight() != there.weight() {
        return Some(format!(
            "its weight is {} here but {} in {original}",
            here.weight(),
            there.weight()
        ));
    }
    match (&here.body, &there.body) {
        (
            QuestionBody::Single(a) | QuestionBody::Multiple(a),
            QuestionBody::Single(b) | QuestionBody::Multiple(b),
        ) => {
            if a.len() != b.len() {
                return Some(format!(
                    "it has {} options here but {} in {original}",
                    a.len(),
                    b.len()
                ));
            }
            let flags = |options: &[crate::content::quiz::QuizOption]| {
                options
                    .iter()
                    .map(|option| option.correct)
                    .collect::<Vec<_>>()
            };
            (flags(a) != flags(b)).then(|| format!("its options are marked `[x]` differently from {original} (option order must stay the same)"))
        }
        (QuestionBody::Order(a), QuestionBody::Order(b)) if a.len() != b.len() => Some(format!(
            "it has {} steps here but {} in {original}",
            a.len(),
            b.len()
        )),
        _ => None,
    }
}

fn compare_roleplays(
    original: &RolePlay,
    translation: &RolePlay,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (here, there) = (&translation.source, &original.source);
    same_list(
        here,
        there,
        "competencies",
        &translation.competencies,
        &original.competencies,
        translation.front_matter,
        diagnostics,
    );
    if translation.rubric.len() != original.rubric.len() {
        diagnostics.push(front_matter_differs(
            here,
            there,
            "rubric",
            translation.front_matter,
            &format!("{} criteria", translation.rubric.len()),
            &format!("{} criteria", original.rubric.len()),
        ));
    }
    for (a, b) in translation.rubric.iter().zip(&original.rubric) {
        same_value(
            here,
            there,
            "rubric competency",
            &a.competency,
            &b.competency.value,
            diagnostics,
        );
        same_value(
            here,
            there,
            "rubric points",
            &a.points,
            &b.points.value,
            diagnostics,
        );
    }
    let ids = |roleplay: &RolePlay| {
        roleplay
            .scenes
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    compare_ids(
        here,
        there,
        "scene",
        &ids(translation),
        &ids(original),
        translation.front_matter,
        diagnostics,
    );
    for scene in &translation.scenes {
        let Some(matching) = original.scene(&scene.id.value) else {
            continue;
        };
        if let Some(difference) = scene_difference(scene, matching, &file_name(there)) {
            diagnostics.push(structure_differs(
                here,
                there,
                scene.heading,
                &scene.id.value,
                &difference,
            ));
        }
    }
}

/// The first way a translated scene differs from the original, if any.
fn scene_difference(here: &Scene, there: &Scene, original: &str) -> Option<String> {
    if (here.end, here.practice) != (there.end, there.practice) {
        return Some(format!(
            "its `.end` / `.practice` classes are not those in {original}"
        ));
    }
    if here.outcome.as_ref().map(|o| o.value) != there.outcome.as_ref().map(|o| o.value) {
        return Some(format!("its outcome is not the one in {original}"));
    }
    if here.choices.len() != there.choices.len() {
        return Some(format!(
            "it has {} choices here but {} in {original}",
            here.choices.len(),
            there.choices.len()
        ));
    }
    for (a, b) in here.choices.iter().zip(&there.choices) {
        if a.target.value != b.target.value {
            return Some(format!(
                "choice {} leads to `{}` here but to `{}` in {original} (choice order must stay the same)",
                a.index + 1,
                a.target.value,
                b.target.value
            ));
        }
        let scores = |choice: &crate::content::roleplay::Choice| {
            let mut scores: Vec<(String, i64)> = choice
                .scores
                .iter()
                .map(|score| (score.competency.value.clone(), score.points))
                .collect();
            scores.sort();
            scores
        };
        if scores(a) != scores(b) {
            return Some(format!(
                "the scores of choice {} are not those in {original}",
                a.index + 1
            ));
        }
    }
    None
}

fn structure_differs(
    translation: &Arc<SourceFile>,
    original: &Arc<SourceFile>,
    span: Span,
    id: &str,
    difference: &str,
) -> Diagnostic {
    let original_name = file_name(original);
    Diagnostic::at(
        Code::TranslationStructureDiffers,
        translation,
        span,
        format!("`{id}` does not match the original: {difference}"),
        format!(
            "keep ids, options, steps, choices and scores as in {original_name}; translate only the words"
        ),
    )
}

/// Same ids in the same order; reports missing ids, extra ids, and the
/// first id out of place.
fn compare_ids(
    translation: &Arc<SourceFile>,
    original: &Arc<SourceFile>,
    what: &str,
    here: &[Located<String>],
    there: &[Located<String>],
    fallback: Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let original_name = file_name(original);
    let in_original: BTreeSet<&str> = there.iter().map(|id| id.value.as_str()).collect();
    let in_translation: BTreeSet<&str> = here.iter().map(|id| id.value.as_str()).collect();
    let missing: Vec<String> = there
        .iter()
        .filter(|id| !in_translation.contains(id.value.as_str()))
        .map(|id| format!("`{}`", id.value))
        .collect();
    if !missing.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::TranslationIdsDiffer,
            translation,
            fallback,
            format!(
                "this translation lacks the {what}(s) {} of {original_name}",
                missing.join(", ")
            ),
            format!("translate every {what} of {original_name}, keeping its id"),
        ));
    }
    for id in here
        .iter()
        .filter(|id| !in_original.contains(id.value.as_str()))
    {
        diagnostics.push(Diagnostic::at(
            Code::TranslationIdsDiffer,
            translation,
            id.span,
            format!("{what} `{}` is not in {original_name}", id.value),
            format!("use the {what} ids of {original_name} ({DEFAULT_LANGUAGE}); ids are never translated"),
        ));
    }
    let common_here: Vec<&Located<String>> = here
        .iter()
        .filter(|id| in_original.contains(id.value.as_str()))
        .collect();
    let common_there: Vec<&str> = there
        .iter()
        .map(|id| id.value.as_str())
        .filter(|id| in_translation.contains(id))
        .collect();
    if let Some((id, expected)) = common_here
        .iter()
        .zip(&common_there)
        .find(|(a, b)| a.value != **b)
    {
        diagnostics.push(Diagnostic::at(
            Code::TranslationIdsDiffer,
            translation,
            id.span,
            format!(
                "{what} `{}` is out of order: {original_name} has `{expected}` here",
                id.value
            ),
            format!("keep the {what}s in the order of {original_name}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{
        FIRST_LESSON, FIRST_QUIZ, SECOND_ROLEPLAY, course_with, only, places,
    };

    fn translated(files: &[(&str, &str)]) -> Vec<(Code, String, usize, usize)> {
        let changes: Vec<(&str, Option<&str>)> = files
            .iter()
            .map(|(path, text)| (*path, Some(*text)))
            .collect();
        let course = course_with(&changes);
        let report = course.check();
        places(&course.root, &report.diagnostics)
    }

    #[test]
    fn a_faithful_translation_is_clean_and_others_are_asked_for() {
        let zh_lesson = FIRST_LESSON.replace("title = \"First\"", "title = \"第一\"");

        let found = translated(&[("modules/first/lesson.zh-CN.md", &zh_lesson)]);

        // Every other file of the course now lacks its zh-CN translation.
        assert_eq!(
            found,
            [
                (
                    Code::TranslationMissing,
                    "modules/first/quiz.md".into(),
                    1,
                    1
                ),
                (
                    Code::TranslationMissing,
                    "modules/second/lesson.md".into(),
                    1,
                    1
                ),
                (
                    Code::TranslationMissing,
                    "modules/second/roleplay-discount.md".into(),
                    1,
                    1
                ),
            ]
        );
    }

    #[test]
    fn non_text_front_matter_must_match() {
        let zh_lesson = FIRST_LESSON.replace("level = 1", "level = 2").replace(
            r#"competencies = ["discovery"]"#,
            r#"competencies = ["negotiation"]"#,
        );
        let course = course_with(&[("modules/first/lesson.zh-CN.md", Some(&zh_lesson))]);

        let report = course.check();

        let differs: Vec<_> = places(&course.root, &report.diagnostics)
            .into_iter()
            .filter(|(code, ..)| *code == Code::TranslationFrontMatterDiffers)
            .collect();
        let file = "modules/first/lesson.zh-CN.md".to_string();
        assert_eq!(
            differs,
            [
                (Code::TranslationFrontMatterDiffers, file.clone(), 4, 17),
                (Code::TranslationFrontMatterDiffers, file, 5, 9),
            ]
        );
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.message == "`level` is 2 here but 1 in lesson.md")
        );
    }

    #[test]
    fn question_ids_and_structure_must_match() {
        let zh_quiz = FIRST_QUIZ
            .replace("{#ask-first}", "{#ask-first-zh}")
            .replace("- [ ] The budget", "- [x] The budget")
            .replace("1. Ask\n", "");

        let found = translated(&[("modules/first/quiz.zh-CN.md", &zh_quiz)]);

        let file = "modules/first/quiz.zh-CN.md".to_string();
        let relevant: Vec<_> = found
            .into_iter()
            .filter(|(code, file_name, ..)| {
                *file_name == file && code.as_str().starts_with("translation/")
            })
            .collect();
        assert_eq!(
            relevant,
            [
                (Code::TranslationIdsDiffer, file.clone(), 1, 1),
                (Code::TranslationIdsDiffer, file.clone(), 9, 28),
                (Code::TranslationStructureDiffers, file, 17, 1),
            ]
        );
    }

    #[test]
    fn scenes_choices_and_scores_must_match() {
        let zh_roleplay = SECOND_ROLEPLAY
            .replace("{negotiation=-2}", "{negotiation=-1}")
            .replace(
                "## Deal {#won .end outcome=won}",
                "## Deal {#won .end outcome=partial}",
            )
            .replace("points = 2", "points = 3");
        let course = course_with(&[(
            "modules/second/roleplay-discount.zh-CN.md",
            Some(&zh_roleplay),
        )]);

        let report = course.check();

        let file = "modules/second/roleplay-discount.zh-CN.md".to_string();
        let relevant: Vec<_> = places(&course.root, &report.diagnostics)
            .into_iter()
            .filter(|(_, file_name, ..)| *file_name == file)
            .collect();
        assert_eq!(
            relevant,
            [
                (Code::TranslationFrontMatterDiffers, file.clone(), 10, 10),
                (Code::TranslationStructureDiffers, file.clone(), 13, 1),
                (Code::TranslationStructureDiffers, file, 26, 1),
            ]
        );
        let scores = report
            .diagnostics
            .iter()
            .find(|d| d.line == 13 && d.code == Code::TranslationStructureDiffers)
            .map(|d| d.message.clone())
            .unwrap_or_default();
        assert!(scores.contains("scores of choice 2"), "{scores}");
    }

    #[test]
    fn a_translation_without_original_is_reported() {
        let course = course_with(&[("modules/second/quiz.zh-CN.md", Some(FIRST_QUIZ))]);

        let report = course.check();

        let error = only(&report.diagnostics, Code::TranslationWithoutOriginal);
        assert!(error.file.ends_with("modules/second/quiz.zh-CN.md"));
        assert!(error.message.contains("quiz.md"));
    }
}
