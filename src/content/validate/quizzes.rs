//! Quiz files: settings in range, questions answerable, ids unique. Every
//! language file is checked: each is what some learner answers.

use std::sync::Arc;

use super::{Context, check_id, report_duplicates};
use crate::content::diagnostic::{Code, Diagnostic};
use crate::content::load::Module;
use crate::content::quiz::{Question, QuestionBody, Quiz, QuizOption};
use crate::content::source::SourceFile;

pub(super) fn check(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for module in &context.course.modules {
        let Some(quiz) = &module.quiz else {
            continue;
        };
        for quiz in std::iter::once(&quiz.default).chain(quiz.translations.values()) {
            check_quiz(context, module, quiz, diagnostics);
        }
    }
}

fn check_quiz(
    context: &Context<'_>,
    module: &Module,
    quiz: &Quiz,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source = &quiz.source;
    check_settings(quiz, diagnostics);
    if quiz.questions.is_empty() {
        diagnostics.push(Diagnostic::at(
            Code::NoQuestions,
            source,
            quiz.front_matter,
            format!("the quiz of module `{}` has no question", module.id),
            "add questions as level-2 headings `## Prompt {#question-id}` followed by a task list",
        ));
    }
    for question in &quiz.questions {
        check_id(source, &question.id, "question", diagnostics);
        check_question(source, question, diagnostics);
        if let Some(competency) = &question.competency {
            diagnostics.extend(context.unknown_competency(
                Code::UnknownQuestionCompetency,
                source,
                competency,
                &format!("question `{}`", question.id.value),
            ));
        }
    }
    report_duplicates(
        quiz.questions.iter().map(|question| (source, &question.id)),
        Code::DuplicateQuestion,
        "question",
        diagnostics,
    );
}

fn check_settings(quiz: &Quiz, diagnostics: &mut Vec<Diagnostic>) {
    let source = &quiz.source;
    let settings = &quiz.settings;
    if !(0..=100).contains(&settings.pass_mark.value) {
        diagnostics.push(Diagnostic::at(
            Code::PassMarkOutOfRange,
            source,
            settings.pass_mark.span,
            format!("pass_mark {} is not a percentage", settings.pass_mark.value),
            "set `pass_mark` to a whole number from 0 to 100",
        ));
    }
    if settings.attempts.value < 0 {
        diagnostics.push(Diagnostic::at(
            Code::BadAttempts,
            source,
            settings.attempts.span,
            format!("attempts {} is negative", settings.attempts.value),
            "set `attempts` to the number of tries allowed, or 0 for unlimited",
        ));
    }
    let questions = quiz.questions.len();
    let draw = settings.draw.value;
    if draw < 0 || usize::try_from(draw).is_ok_and(|draw| draw > questions) {
        diagnostics.push(Diagnostic::at(
            Code::DrawOutOfRange,
            source,
            settings.draw.span,
            format!("draw = {draw} but the quiz has {questions} questions"),
            format!("draw at most {questions} questions per attempt, or 0 to ask every question"),
        ));
    }
}

fn check_question(
    source: &Arc<SourceFile>,
    question: &Question,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let id = &question.id.value;
    let at_heading = |code: Code, message: String, help: &str| {
        Diagnostic::at(code, source, question.heading, message, help)
    };
    match &question.body {
        QuestionBody::Single(options) | QuestionBody::Multiple(options) => {
            let correct = options.iter().filter(|option| option.correct).count();
            if options.is_empty() {
                diagnostics.push(at_heading(
                    Code::NoOptions,
                    format!("question `{id}` has no options"),
                    "list the options under the heading as `- [ ] wrong` and `- [x] right`",
                ));
            } else if correct == 0 {
                diagnostics.push(at_heading(
                    Code::NoCorrectOption,
                    format!("question `{id}` has no correct option"),
                    "mark the right option(s) with `- [x]`",
                ));
            } else if correct > 1 && matches!(question.body, QuestionBody::Single(_)) {
                diagnostics.push(at_heading(
                    Code::SingleWithSeveralCorrect,
                    format!("single-choice question `{id}` has {correct} correct options"),
                    "keep one `[x]`, or remove `type=single` to make it a multiple-select question",
                ));
            }
            check_duplicate_texts(
                source,
                options.iter().map(|o| (o.text.text.as_str(), o.span)),
                diagnostics,
            );
            for option in options.iter().filter(|option| !option.correct) {
                report_missing_feedback(source, id, option, diagnostics);
            }
        }
        QuestionBody::Order(steps) => {
            if steps.len() < 2 {
                diagnostics.push(at_heading(
                    Code::OrderTooFewSteps,
                    format!("order question `{id}` has {} step(s)", steps.len()),
                    "list at least two steps as a numbered list, in the correct order",
                ));
            }
            check_duplicate_texts(
                source,
                steps.iter().map(|s| (s.text.text.as_str(), s.span)),
                diagnostics,
            );
        }
        QuestionBody::Text(answers) => {
            if answers.is_empty() {
                diagnostics.push(at_heading(
                    Code::TextNoAnswer,
                    format!("text question `{id}` accepts no answer"),
                    "list accepted answers as `- [x] answer` (a few short variants)",
                ));
            }
        }
    }
    // Without a list every paragraph is read as prompt; the missing list is
    // the problem to report, not a missing explanation.
    if question.explanation.is_none() && question.list.is_some() {
        diagnostics.push(at_heading(
            Code::MissingExplanation,
            format!("question `{id}` has no explanation"),
            "add a paragraph after the list with the teaching point; learners see it after answering",
        ));
    }
}

fn report_missing_feedback(
    source: &Arc<SourceFile>,
    id: &str,
    option: &QuizOption,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if option.feedback.is_none() {
        diagnostics.push(Diagnostic::at(
            Code::MissingFeedback,
            source,
            source.first_line(option.span),
            format!(
                "wrong option {} of `{id}` has no feedback",
                option.index + 1
            ),
            "indent a `> why this is wrong and what is right` line under the option",
        ));
    }
}

/// Two options (or steps) a learner cannot tell apart.
fn check_duplicate_texts<'a>(
    source: &Arc<SourceFile>,
    items: impl Iterator<Item = (&'a str, crate::content::source::Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<String> = Vec::new();
    for (text, span) in items {
        let normalized = normalize(text);
        if seen.contains(&normalized) {
            diagnostics.push(Diagnostic::at(
                Code::DuplicateOption,
                source,
                source.first_line(span),
                format!("\"{}\" appears twice in this question", text.trim()),
                "make every option different, or remove the repeated one",
            ));
        } else {
            seen.push(normalized);
        }
    }
}

/// Case- and space-insensitive form, as learners' answers are matched.
pub(super) fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use crate::content::diagnostic::Code;
    use crate::content::fixtures::{FIRST_QUIZ, course_with, diagnostics_with, only, places};

    fn quiz_diagnostics(quiz: &str) -> Vec<(Code, String, usize, usize)> {
        let course = course_with(&[("modules/first/quiz.md", Some(quiz))]);
        let report = course.check();
        places(&course.root, &report.diagnostics)
    }

    fn at(code: Code, line: usize, column: usize) -> (Code, String, usize, usize) {
        (code, "modules/first/quiz.md".to_string(), line, column)
    }

    #[test]
    fn reports_settings_out_of_range() {
        let quiz = FIRST_QUIZ
            .replace("pass_mark = 80", "pass_mark = 120")
            .replace("attempts = 0", "attempts = -1")
            .replace("draw = 0", "draw = 3");

        assert_eq!(
            quiz_diagnostics(&quiz),
            [
                at(Code::PassMarkOutOfRange, 2, 13),
                at(Code::BadAttempts, 3, 12),
                at(Code::DrawOutOfRange, 6, 8),
            ]
        );
    }

    #[test]
    fn reports_unanswerable_choice_questions() {
        let quiz = "+++\n+++\n\n## No right answer {#none}\n\n- [ ] A\n  > no\n- [ ] B\n  > no\n\nWhy.\n\n## No options {#empty}\n\nWhy.\n\n## Two right {#two type=single}\n\n- [x] A\n- [x] A\n\nWhy.\n";

        assert_eq!(
            quiz_diagnostics(quiz),
            [
                at(Code::NoCorrectOption, 4, 1),
                at(Code::NoOptions, 13, 1),
                at(Code::SingleWithSeveralCorrect, 17, 1),
                at(Code::DuplicateOption, 20, 1),
            ]
        );
    }

    #[test]
    fn reports_order_and_text_questions_without_enough_answers() {
        let quiz = "+++\n+++\n\n## Order {#order type=order}\n\n1. Only step\n\nWhy.\n\n## Name it {#name type=text}\n\nWhy.\n";

        assert_eq!(
            quiz_diagnostics(quiz),
            [
                at(Code::OrderTooFewSteps, 4, 1),
                at(Code::TextNoAnswer, 10, 1)
            ]
        );
    }

    #[test]
    fn warns_about_missing_feedback_and_explanation() {
        let quiz = "+++\n+++\n\n## Pick {#pick}\n\n- [ ] Wrong\n- [x] Right\n";

        assert_eq!(
            quiz_diagnostics(quiz),
            [
                at(Code::MissingExplanation, 4, 1),
                at(Code::MissingFeedback, 6, 1)
            ]
        );
    }

    #[test]
    fn reports_duplicate_and_invalid_ids_and_unknown_competencies() {
        let quiz = "+++\n+++\n\n## A {#same competency=negotiaton}\n\n- [x] A\n\nWhy.\n\n## B {#same}\n\n- [x] B\n\nWhy.\n\n## C {#Bad_Id}\n\n- [x] C\n\nWhy.\n";

        assert_eq!(
            quiz_diagnostics(quiz),
            [
                at(Code::UnknownQuestionCompetency, 4, 13),
                at(Code::DuplicateQuestion, 10, 7),
                at(Code::InvalidId, 16, 7),
            ]
        );
    }

    #[test]
    fn a_quiz_without_questions_is_reported() {
        let diagnostics = diagnostics_with(
            "modules/first/quiz.md",
            "+++\npass_mark = 50\n+++\n\nNothing.\n",
        );

        let error = only(&diagnostics, Code::NoQuestions);
        assert_eq!((error.line, error.column), (1, 1));
    }
}
