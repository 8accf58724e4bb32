//! Every diagnostic the content checker can emit, in one table.
//!
//! The code string is a stable interface: editors, CI scripts and the
//! authoring guide refer to it, so a code is never renamed, only added.
//! Each code has one severity, so the same problem is never an error in one
//! place and a warning in another.

use std::fmt;

use super::Severity;

macro_rules! diagnostic_codes {
    ($($variant:ident => $code:literal, $severity:ident, $summary:literal;)+) => {
        /// A stable identifier for one kind of content problem.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            /// Every code, in the order of the table (used by the authoring
            /// guide and by tests that keep the table consistent).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The stable kebab-case id, e.g. `quiz/no-correct-option`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// One line saying what the code means, for documentation.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)+
                }
            }
        }
    };
}

diagnostic_codes! {
    // Files and folders.
    FolderUnreadable => "io/folder-unreadable", Error, "the content folder or a folder in it cannot be read";
    FileUnreadable => "io/file-unreadable", Error, "a file cannot be read or is not UTF-8 text";
    UnknownFile => "module/unknown-file", Warning, "a file in a module folder that the loader does not know";
    InvalidId => "id/invalid", Error, "an id that is not lowercase-kebab-case";

    // Front matter and TOML.
    FrontMatterMissing => "front-matter/missing", Error, "a Markdown file that does not start with a `+++` line";
    FrontMatterUnclosed => "front-matter/unclosed", Error, "front matter with no closing `+++` line";
    TomlSyntax => "toml/syntax", Error, "TOML that cannot be parsed";
    TomlInvalid => "toml/invalid", Error, "TOML with a missing key or a value of the wrong type";
    TomlUnknownKey => "toml/unknown-key", Error, "a TOML key that the format does not define";
    RawHtml => "markdown/raw-html", Warning, "raw HTML in Markdown (it is removed when the page is rendered)";

    // competencies.toml
    FrameworkMissing => "framework/missing-file", Error, "the content folder has no competencies.toml";
    FrameworkNoLevels => "framework/no-levels", Error, "competencies.toml defines no levels";
    FrameworkNoCompetencies => "framework/no-competencies", Error, "competencies.toml defines no competency";
    DuplicateCompetency => "framework/duplicate-competency", Error, "two competencies share an id";
    DuplicateRole => "framework/duplicate-role", Error, "two roles share an id";
    LevelDescriptionsCount => "framework/level-descriptions-count", Error, "a competency's level_descriptions do not match the number of levels";
    TranslationLength => "framework/translation-length", Error, "a translated list has a different length than the original";
    UnknownTargetCompetency => "framework/unknown-target-competency", Error, "a role target names a competency that does not exist";
    TargetOutOfRange => "framework/target-out-of-range", Error, "a role target is outside the level scale";

    // paths/*.toml
    DuplicatePath => "path/duplicate-id", Error, "two learning paths share an id";
    UnknownRole => "path/unknown-role", Error, "a path names a role that does not exist";
    UnknownPathModule => "path/unknown-module", Error, "a path stage names a module that does not exist";
    PathNoStages => "path/no-stages", Error, "a path with no stage";
    EmptyStage => "path/empty-stage", Warning, "a path stage with no module";
    StageDays => "path/bad-days", Error, "a path stage whose days are not a positive number";
    DuplicatePathModule => "path/duplicate-module", Warning, "a module listed twice in one path";
    PrerequisiteLater => "path/prerequisite-later", Warning, "a path puts a module before one of its prerequisites";

    // Modules and lessons.
    MissingLesson => "module/missing-lesson", Error, "a module folder with no lesson.md";
    UnusedModule => "module/unused", Warning, "a module that no learning path uses";
    PrerequisiteCycle => "module/prerequisite-cycle", Error, "modules that are (indirectly) their own prerequisite";
    UnknownLessonCompetency => "lesson/unknown-competency", Error, "a lesson names a competency that does not exist";
    NoCompetencies => "lesson/no-competencies", Error, "a lesson that names no competency";
    LevelOutOfRange => "lesson/level-out-of-range", Error, "a lesson level outside the framework's scale";
    BadMinutes => "lesson/bad-minutes", Error, "a lesson whose minutes are not a positive number";
    UnknownPrerequisite => "lesson/unknown-prerequisite", Error, "a prerequisite that is not a module";
    BrokenModuleLink => "lesson/broken-module-link", Error, "a link `../<id>` to a module that does not exist";
    MissingMedia => "lesson/missing-media", Error, "a link or image into media/ whose file does not exist";
    MediaOutsideModule => "lesson/media-outside-module", Error, "a media link that leaves the module's media/ folder";
    TitleHeading => "lesson/title-heading", Warning, "a level-1 heading in a lesson (the page already shows the title)";

    // quiz.md
    NoQuestions => "quiz/no-questions", Error, "a quiz with no question";
    QuestionMissingId => "quiz/missing-id", Error, "a question heading without `{#id}`";
    DuplicateQuestion => "quiz/duplicate-id", Error, "two questions share an id";
    QuizHeadingLevel => "quiz/heading-level", Error, "a level-1 heading in a quiz (questions are level-2 headings)";
    QuestionUnknownAttribute => "quiz/unknown-attribute", Error, "a question attribute or class the format does not define";
    UnknownQuestionType => "quiz/unknown-type", Error, "a `type=` that is not single, multiple, order or text";
    BadWeight => "quiz/bad-weight", Error, "a `weight=` that is not a positive whole number";
    NoOptions => "quiz/no-options", Error, "a question with no list of options";
    OptionWithoutCheckbox => "quiz/option-without-checkbox", Error, "an option that is not a task-list item `- [ ]` or `- [x]`";
    NoCorrectOption => "quiz/no-correct-option", Error, "a choice question with no `[x]` option";
    SingleWithSeveralCorrect => "quiz/single-with-several-correct", Error, "a `type=single` question with several `[x]` options";
    DuplicateOption => "quiz/duplicate-option", Error, "two options of one question with the same text";
    OrderNotNumbered => "quiz/order-not-numbered", Error, "an order question whose steps are not a numbered list";
    OrderTooFewSteps => "quiz/order-too-few-steps", Error, "an order question with fewer than two steps";
    TextNoAnswer => "quiz/text-no-answer", Error, "a text question with no accepted answer";
    TextUncheckedAnswer => "quiz/text-unchecked-answer", Error, "a `[ ]` item in a text question";
    MissingFeedback => "quiz/missing-feedback", Warning, "a wrong option without a feedback blockquote";
    MissingExplanation => "quiz/missing-explanation", Warning, "a question without an explanation paragraph";
    PassMarkOutOfRange => "quiz/pass-mark-out-of-range", Error, "a pass_mark outside 0..100";
    BadAttempts => "quiz/bad-attempts", Error, "a negative number of attempts";
    DrawOutOfRange => "quiz/draw-out-of-range", Error, "a draw below 0 or above the number of questions";
    UnknownQuestionCompetency => "quiz/unknown-competency", Error, "a `competency=` that does not exist";

    // roleplay-*.md
    NoScenes => "roleplay/no-scenes", Error, "a role-play with no scene";
    SceneMissingId => "roleplay/missing-id", Error, "a scene heading without `{#id}`";
    DuplicateScene => "roleplay/duplicate-id", Error, "two scenes share an id";
    RolePlayHeadingLevel => "roleplay/heading-level", Error, "a level-1 heading in a role-play (scenes are level-2 headings)";
    SceneUnknownAttribute => "roleplay/unknown-attribute", Error, "a scene class or attribute the format does not define";
    BadOutcome => "roleplay/bad-outcome", Error, "an `outcome=` that is not won, partial or lost";
    EndWithoutOutcome => "roleplay/end-without-outcome", Warning, "an `.end` scene without `outcome=`";
    OutcomeWithoutEnd => "roleplay/outcome-without-end", Error, "an `outcome=` on a scene that is not `.end`";
    ChoiceNotLink => "roleplay/choice-not-a-link", Error, "an item in a choice list that is not a link to a scene";
    BadScore => "roleplay/bad-score", Error, "a choice score that is not `competency=+n` or `competency=-n`";
    DuplicateScore => "roleplay/duplicate-score", Error, "one competency scored twice on one choice";
    SceneWithoutChoices => "roleplay/scene-without-choices", Error, "a scene that is not `.end` and offers no choice";
    ChoicesOnEnd => "roleplay/choices-on-end", Warning, "an `.end` scene (not practice) with choices that are never shown";
    PracticeLinks => "roleplay/practice-links", Error, "a `.practice` scene that is not `.end` and has not exactly one link";
    MissingScene => "roleplay/missing-scene", Error, "a choice linking to a scene that does not exist";
    UnreachableScene => "roleplay/unreachable-scene", Error, "a scene no path from the start reaches";
    NoReachableEnd => "roleplay/no-reachable-end", Error, "a role-play in which no `.end` scene can be reached";
    NoWayOut => "roleplay/no-way-out", Error, "a reachable scene from which no `.end` scene can be reached";
    PracticeWithoutRubric => "roleplay/practice-without-rubric", Error, "a `.practice` scene in a role-play with no `[[rubric]]`";
    UnknownRolePlayCompetency => "roleplay/unknown-competency", Error, "a role-play or choice score names a competency that does not exist";
    ScoreOutsideCompetencies => "roleplay/score-outside-competencies", Warning, "a choice scores a competency the role-play does not list";
    RubricUnknownCompetency => "roleplay/rubric-unknown-competency", Error, "a rubric criterion names a competency that does not exist";
    RubricPointsOutOfRange => "roleplay/rubric-points-out-of-range", Error, "rubric points outside 1..5";
    NeverScores => "roleplay/never-scores", Warning, "a role-play no choice of which earns or costs points";

    // Translations.
    TranslationWithoutOriginal => "translation/without-original", Error, "a translation whose default-language file does not exist";
    TranslationMissing => "translation/missing", Warning, "a file with no translation in a language the course uses elsewhere";
    TranslationFrontMatterDiffers => "translation/front-matter-differs", Error, "a translation whose non-text front matter differs from the original";
    TranslationIdsDiffer => "translation/ids-differ", Error, "a translation whose question or scene ids differ from the original";
    TranslationStructureDiffers => "translation/structure-differs", Error, "a translation whose options, steps, choices or scores differ from the original";

    // Whole course.
    UnmeasuredCompetency => "competency/unmeasured", Warning, "a competency no question or role-play measures";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn codes_are_unique() {
        let distinct: BTreeSet<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(distinct.len(), Code::ALL.len());
    }

    #[test]
    fn codes_are_area_slash_kebab_case() {
        for code in Code::ALL {
            let text = code.as_str();
            let (area, name) = text.split_once('/').unwrap_or(("", ""));
            let is_kebab = |part: &str| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            };
            assert!(is_kebab(area) && is_kebab(name), "bad code {text}");
        }
    }

    #[test]
    fn severity_follows_the_table() {
        assert_eq!(Code::NoCorrectOption.severity(), Severity::Error);
        assert_eq!(Code::UnusedModule.severity(), Severity::Warning);
        assert_eq!(Code::NoCorrectOption.to_string(), "quiz/no-correct-option");
    }
}
