//! Learning records as xAPI 1.0.3 statements, for any learning record store
//! (LRS).
//!
//! Pure: plain records in, [`Statement`]s out; no database, no HTTP. The
//! exporter reads its rows, turns each into a [`Record`] and posts what
//! [`statements`] returns, with the header `X-Experience-API-Version:`
//! [`XAPI_VERSION`].
//!
//! # What a learner's path looks like in the LRS
//!
//! | record | verb | object (activity type) | parent |
//! | --- | --- | --- | --- |
//! | [`Record::QuestionAnswered`] | answered | the question (`cmi.interaction`) | the module's quiz |
//! | [`Record::AttemptFinished`] | passed / failed | the module's quiz (`assessment`) | the module |
//! | [`Record::RolePlayChoice`] | responded | the scene (`cmi.interaction`) | the role-play |
//! | [`Record::RolePlayFinished`] | completed, then scored | the role-play (`simulation`) | the module |
//! | [`Record::LessonRead`] | experienced | the module's lesson (`lesson`) | the module |
//!
//! Activity ids live under the configured base IRI:
//!
//! - `{base}/modules/{module}` (type `module`)
//! - `{base}/modules/{module}/lesson`, `…/quiz`, `…/questions/{question}`
//! - `{base}/modules/{module}/roleplays/{roleplay}` and `…/scenes/{scene}`
//! - `{base}/competencies/{competency}` (type `objective`)
//!
//! Each id segment is percent-encoded (UTF-8, everything but `A-Z a-z 0-9 -
//! . _ ~`), so any id gives a valid IRI that is also a plain URI.
//!
//! Every statement has the module in its context (as parent or grouping) and
//! one grouping activity per competency, and lists the competency ids under
//! the context extension `{base}/xapi/competency`, so an LRS can report by
//! module or by competency. Quiz and role-play statements carry the attempt or
//! run id as the `registration`, which ties one attempt's answers together.
//!
//! # Ids: exporting twice never duplicates
//!
//! A statement's id is a version 8 UUID made from the SHA-256 of the base IRI,
//! the learner's mailbox and a key naming the event (`question:{attempt}:{question}`,
//! `attempt:{attempt}`, `roleplay-choice:{run}:{step}:{scene}`,
//! `roleplay-run:{run}:completed`, `roleplay-run:{run}:scored`,
//! `lesson:{module}:{timestamp}`). Sending the same record again sends the
//! same id, which an LRS stores once. Titles, descriptions and verb displays
//! are not part of an LRS's statement comparison, so a reworded title does
//! not make a re-export conflict; a changed learner name does (`409
//! Conflict`), and a changed e-mail address or base IRI gives new ids.
//!
//! # Numbers
//!
//! Scores are fractions, as everywhere in Sales Dojo: `scaled` is the score
//! clamped to 0..=1 (so also within xAPI's -1..=1; NaN counts as 0), and
//! `raw` is the same in percent (`min` 0, `max` 100, two decimals). A
//! negative or missing duration is left out; others are written `PT{n}S`.
//!
//! Timestamps are written in UTC with milliseconds, e.g.
//! `2025-03-01T09:30:00.250Z` (RFC 3339).
//!
//! # Version
//!
//! The statements follow xAPI 1.0.3, whose data model says a provider that
//! sets a statement's `version` "MUST set it to `1.0.0`" (every 1.0.x shares
//! that model); the patch version travels in the request header instead. So
//! `version` is [`STATEMENT_VERSION`] and the header is [`XAPI_VERSION`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Iso8601;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// The xAPI version these statements follow: the value of the
/// `X-Experience-API-Version` header on requests to the LRS.
pub const XAPI_VERSION: &str = "1.0.3";

/// The `version` property of every statement: xAPI 1.0.3 requires a provider
/// that sets it to write `1.0.0`.
pub const STATEMENT_VERSION: &str = "1.0.0";

/// Language of the verb displays.
const VERB_LANGUAGE: &str = "en-US";

/// Tells the SHA-256 inputs of statement ids apart from any other use.
const ID_DOMAIN: &str = "salesdojo/xapi/statement-id/v1";

/// A score this close under 1 still counts as fully right (sums of partial
/// credit are not exact).
const FULL_MARKS_EPSILON: f64 = 1e-9;

const TIMESTAMP_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

const ADL_ACTIVITIES: &str = "http://adlnet.gov/expapi/activities";

/// Where the statements point: the installation's address and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XapiSettings {
    /// The root of every activity id, e.g. `https://dojo.example.com`;
    /// surrounding spaces and trailing slashes are ignored.
    pub base_iri: String,
    /// `context.platform`, e.g. `Sales Dojo`; left out when blank.
    pub platform: String,
}

impl XapiSettings {
    pub fn new(base_iri: impl Into<String>, platform: impl Into<String>) -> Self {
        Self {
            base_iri: base_iri.into(),
            platform: platform.into(),
        }
    }

    /// The base IRI without surrounding spaces or trailing slashes.
    pub fn base(&self) -> &str {
        self.base_iri.trim().trim_end_matches('/')
    }

    /// Why the base IRI cannot root activity ids, for the configuration
    /// check: it must be an `http` or `https` address with a host and no
    /// spaces, query or fragment.
    pub fn check(&self) -> Result<(), String> {
        let base = self.base();
        let Some(rest) = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))
        else {
            return Err(format!(
                "the xAPI base IRI `{base}` must start with https:// or http://, e.g. https://dojo.example.com"
            ));
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Err(format!("the xAPI base IRI `{base}` has no host"));
        }
        if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("the xAPI base IRI `{base}` contains spaces"));
        }
        if base.contains(['?', '#']) {
            return Err(format!(
                "the xAPI base IRI `{base}` must not have a query (?) or fragment (#)"
            ));
        }
        Ok(())
    }
}

/// Who learnt: the statement's actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    /// Becomes `mailto:<email>`, trimmed and lower-cased like every address
    /// Sales Dojo stores.
    pub email: String,
    /// Left out when blank.
    pub name: String,
}

/// How a quiz question is answered, for `interactionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    /// One option.
    Choice,
    /// Several options; xAPI calls this `choice` too.
    MultipleChoice,
    /// Steps put in order.
    Sequencing,
    /// A short text.
    FillIn,
}

impl InteractionKind {
    pub fn interaction_type(self) -> &'static str {
        match self {
            Self::Choice | Self::MultipleChoice => "choice",
            Self::Sequencing => "sequencing",
            Self::FillIn => "fill-in",
        }
    }
}

/// One thing a learner did, as the exporter reads it from the store.
///
/// Scores are fractions 0..=1. `language` is the RFC 5646 tag of the
/// language the learner did it in (`en`, `zh-CN`); titles and texts are in
/// that language.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// One question of a submitted quiz attempt.
    QuestionAnswered {
        attempt_id: Uuid,
        module_id: String,
        module_title: String,
        question_id: String,
        /// 0-based position in the attempt; the activity is named `question {index + 1}`.
        question_index: usize,
        kind: InteractionKind,
        /// The question as the learner saw it (plain text).
        prompt_text: String,
        /// The learner's answer, already in xAPI's response format for
        /// `kind` (`1[,]3` for choices, the text for fill-in).
        response: String,
        /// The right answer in the same format, when there is one.
        correct_pattern: Option<String>,
        score: f64,
        competency: String,
        language: String,
        at: OffsetDateTime,
    },
    /// A submitted quiz attempt.
    AttemptFinished {
        attempt_id: Uuid,
        module_id: String,
        module_title: String,
        score: f64,
        passed: bool,
        /// The quiz's pass mark in percent, as the catalog has it.
        pass_mark_percent: i64,
        duration_seconds: Option<i64>,
        competencies: Vec<String>,
        language: String,
        at: OffsetDateTime,
    },
    /// One step of a role-play run: a choice made, or a practice answer written.
    RolePlayChoice {
        run_id: Uuid,
        module_id: String,
        roleplay: String,
        roleplay_title: String,
        scene_id: String,
        scene_title: String,
        /// 0-based step of the run.
        step_index: usize,
        /// The choice's text, or what the learner wrote in a practice scene.
        response: String,
        /// A practice scene (free text) rather than a choice.
        practice: bool,
        competencies: Vec<String>,
        language: String,
        at: OffsetDateTime,
    },
    /// A role-play run that reached an ending.
    RolePlayFinished {
        run_id: Uuid,
        module_id: String,
        roleplay: String,
        roleplay_title: String,
        /// The ending reached (its id or label).
        ending: String,
        score: f64,
        competencies: Vec<String>,
        language: String,
        at: OffsetDateTime,
    },
    /// A module's lesson read.
    LessonRead {
        module_id: String,
        module_title: String,
        competencies: Vec<String>,
        language: String,
        at: OffsetDateTime,
    },
}

/// An xAPI language map: RFC 5646 tag -> text.
pub type LanguageMap = BTreeMap<String, String>;

/// An xAPI statement, serialising to the JSON an LRS accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub id: Uuid,
    pub actor: Agent,
    pub verb: Verb,
    pub object: Activity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<StatementResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// RFC 3339, UTC, milliseconds.
    pub timestamp: String,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    /// Always `Agent`.
    pub object_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `mailto:<email>`.
    pub mbox: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verb {
    pub id: String,
    pub display: LanguageMap,
}

/// The ADL verbs these statements use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdlVerb {
    Answered,
    Passed,
    Failed,
    Completed,
    Scored,
    Experienced,
    Responded,
}

impl AdlVerb {
    fn word(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Completed => "completed",
            Self::Scored => "scored",
            Self::Experienced => "experienced",
            Self::Responded => "responded",
        }
    }

    /// `http://adlnet.gov/expapi/verbs/<word>`.
    pub fn iri(self) -> String {
        format!("http://adlnet.gov/expapi/verbs/{}", self.word())
    }

    pub fn verb(self) -> Verb {
        Verb {
            id: self.iri(),
            display: LanguageMap::from([(VERB_LANGUAGE.to_string(), self.word().to_string())]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// Always `Activity`.
    pub object_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<ActivityDefinition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDefinition {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LanguageMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    #[serde(rename = "type")]
    pub activity_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_responses_pattern: Option<Vec<String>>,
}

/// The statement's `result`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StatementResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// ISO 8601, `PT{seconds}S`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// 0..=1.
    pub scaled: f64,
    /// `scaled` in percent.
    pub raw: f64,
    pub min: f64,
    pub max: f64,
}

impl Score {
    /// From a fraction: clamped to 0..=1, NaN as 0.
    pub fn from_fraction(score: f64) -> Self {
        let scaled = unit(score);
        Self {
            scaled,
            raw: (scaled * 10_000.0).round() / 100.0,
            min: 0.0,
            max: 100.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    pub language: String,
    pub context_activities: ContextActivities,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextActivities {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parent: Vec<Activity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grouping: Vec<Activity>,
}

/// The statements for one record, in the order to send them: one for each
/// kind, except a finished role-play run, which gives `completed` and then
/// `scored`.
pub fn statements(settings: &XapiSettings, learner: &Learner, record: &Record) -> Vec<Statement> {
    let iris = Iris::new(settings);
    let actor = agent(learner);
    let make = |key: String, verb: AdlVerb, object: Activity, result, context, at| Statement {
        id: statement_id(&iris, &actor.mbox, &key),
        actor: actor.clone(),
        verb: verb.verb(),
        object,
        result,
        context: Some(context),
        timestamp: timestamp(at),
        version: STATEMENT_VERSION,
    };
    match record {
        Record::QuestionAnswered {
            attempt_id,
            module_id,
            module_title,
            question_id,
            question_index,
            kind,
            prompt_text,
            response,
            correct_pattern,
            score,
            competency,
            language,
            at,
        } => {
            let lang = language_tag(language);
            let words = Words::for_language(&lang);
            let object = Activity::new(
                iris.question(module_id, question_id),
                ActivityDefinition {
                    name: language_map(
                        &lang,
                        &(words.question)(module_title, question_index.saturating_add(1)),
                    ),
                    description: language_map(&lang, prompt_text),
                    activity_type: activity_type("cmi.interaction"),
                    interaction_type: Some(kind.interaction_type()),
                    correct_responses_pattern: correct_pattern.clone().map(|p| vec![p]),
                },
            );
            let score = Score::from_fraction(*score);
            let result = StatementResult {
                success: Some(score.scaled >= 1.0 - FULL_MARKS_EPSILON),
                score: Some(score),
                response: Some(response.clone()),
                ..StatementResult::default()
            };
            let competencies = std::slice::from_ref(competency);
            let mut grouping = vec![iris.module_activity(module_id, module_title, &lang)];
            grouping.extend(iris.competency_activities(competencies));
            let context = iris.context(
                Some(*attempt_id),
                &lang,
                vec![iris.quiz_activity(module_id, module_title, &lang, &words)],
                grouping,
                competencies,
            );
            vec![make(
                format!("question:{attempt_id}:{question_id}"),
                AdlVerb::Answered,
                object,
                Some(result),
                context,
                *at,
            )]
        }
        Record::AttemptFinished {
            attempt_id,
            module_id,
            module_title,
            score,
            passed,
            pass_mark_percent,
            duration_seconds,
            competencies,
            language,
            at,
        } => {
            let lang = language_tag(language);
            let words = Words::for_language(&lang);
            let result = StatementResult {
                score: Some(Score::from_fraction(*score)),
                success: Some(*passed),
                completion: Some(true),
                duration: duration_seconds.and_then(iso_duration),
                ..StatementResult::default()
            };
            let mut context = iris.context(
                Some(*attempt_id),
                &lang,
                vec![iris.module_activity(module_id, module_title, &lang)],
                iris.competency_activities(competencies),
                competencies,
            );
            // Pass marks are whole percents; as a fraction like cmi5's masteryScore.
            let pass_mark = unit(*pass_mark_percent as f64 / 100.0);
            context
                .extensions
                .insert(iris.extension("pass-mark"), Value::from(pass_mark));
            vec![make(
                format!("attempt:{attempt_id}"),
                if *passed {
                    AdlVerb::Passed
                } else {
                    AdlVerb::Failed
                },
                iris.quiz_activity(module_id, module_title, &lang, &words),
                Some(result),
                context,
                *at,
            )]
        }
        Record::RolePlayChoice {
            run_id,
            module_id,
            roleplay,
            roleplay_title,
            scene_id,
            scene_title,
            step_index,
            response,
            practice,
            competencies,
            language,
            at,
        } => {
            let lang = language_tag(language);
            let object = Activity::new(
                iris.scene(module_id, roleplay, scene_id),
                ActivityDefinition {
                    name: language_map(&lang, &format!("{roleplay_title}: {scene_title}"))
                        .or_else(|| language_map(&lang, scene_title)),
                    description: None,
                    activity_type: activity_type("cmi.interaction"),
                    // A choice's text is not an option id, so not `choice`.
                    interaction_type: Some(if *practice { "long-fill-in" } else { "other" }),
                    correct_responses_pattern: None,
                },
            );
            let result = StatementResult {
                response: Some(response.clone()),
                ..StatementResult::default()
            };
            let mut grouping = vec![Activity::reference(iris.module(module_id), "module")];
            grouping.extend(iris.competency_activities(competencies));
            let mut context = iris.context(
                Some(*run_id),
                &lang,
                vec![iris.roleplay_activity(module_id, roleplay, roleplay_title, &lang)],
                grouping,
                competencies,
            );
            context
                .extensions
                .insert(iris.extension("step"), Value::from(*step_index));
            context
                .extensions
                .insert(iris.extension("practice"), Value::from(*practice));
            vec![make(
                format!("roleplay-choice:{run_id}:{step_index}:{scene_id}"),
                AdlVerb::Responded,
                object,
                Some(result),
                context,
                *at,
            )]
        }
        Record::RolePlayFinished {
            run_id,
            module_id,
            roleplay,
            roleplay_title,
            ending,
            score,
            competencies,
            language,
            at,
        } => {
            let lang = language_tag(language);
            let object = iris.roleplay_activity(module_id, roleplay, roleplay_title, &lang);
            let context = iris.context(
                Some(*run_id),
                &lang,
                vec![Activity::reference(iris.module(module_id), "module")],
                iris.competency_activities(competencies),
                competencies,
            );
            let score = Score::from_fraction(*score);
            let completed = StatementResult {
                score: Some(score),
                completion: Some(true),
                response: Some(ending.clone()),
                ..StatementResult::default()
            };
            let scored = StatementResult {
                score: Some(score),
                ..StatementResult::default()
            };
            vec![
                make(
                    format!("roleplay-run:{run_id}:completed"),
                    AdlVerb::Completed,
                    object.clone(),
                    Some(completed),
                    context.clone(),
                    *at,
                ),
                make(
                    format!("roleplay-run:{run_id}:scored"),
                    AdlVerb::Scored,
                    object,
                    Some(scored),
                    context,
                    *at,
                ),
            ]
        }
        Record::LessonRead {
            module_id,
            module_title,
            competencies,
            language,
            at,
        } => {
            let lang = language_tag(language);
            let words = Words::for_language(&lang);
            let object = Activity::new(
                iris.lesson(module_id),
                ActivityDefinition {
                    name: language_map(&lang, &(words.lesson)(module_title)),
                    description: None,
                    activity_type: activity_type("lesson"),
                    interaction_type: None,
                    correct_responses_pattern: None,
                },
            );
            let context = iris.context(
                None,
                &lang,
                vec![iris.module_activity(module_id, module_title, &lang)],
                iris.competency_activities(competencies),
                competencies,
            );
            vec![make(
                format!("lesson:{module_id}:{}", timestamp(*at)),
                AdlVerb::Experienced,
                object,
                None,
                context,
                *at,
            )]
        }
    }
}

impl Activity {
    fn new(id: String, definition: ActivityDefinition) -> Self {
        Self {
            object_type: "Activity",
            id,
            definition: Some(definition),
        }
    }

    /// An activity named elsewhere, with only its ADL type.
    fn reference(id: String, adl_type: &str) -> Self {
        Self::new(
            id,
            ActivityDefinition {
                name: None,
                description: None,
                activity_type: activity_type(adl_type),
                interaction_type: None,
                correct_responses_pattern: None,
            },
        )
    }
}

/// The activity ids of one installation.
struct Iris<'a> {
    base: &'a str,
    platform: Option<String>,
}

impl<'a> Iris<'a> {
    fn new(settings: &'a XapiSettings) -> Self {
        let platform = settings.platform.trim();
        Self {
            base: settings.base(),
            platform: (!platform.is_empty()).then(|| platform.to_string()),
        }
    }

    fn module(&self, module: &str) -> String {
        format!("{}/modules/{}", self.base, segment(module))
    }

    fn lesson(&self, module: &str) -> String {
        format!("{}/lesson", self.module(module))
    }

    fn quiz(&self, module: &str) -> String {
        format!("{}/quiz", self.module(module))
    }

    fn question(&self, module: &str, question: &str) -> String {
        format!("{}/questions/{}", self.module(module), segment(question))
    }

    fn roleplay(&self, module: &str, roleplay: &str) -> String {
        format!("{}/roleplays/{}", self.module(module), segment(roleplay))
    }

    fn scene(&self, module: &str, roleplay: &str, scene: &str) -> String {
        format!(
            "{}/scenes/{}",
            self.roleplay(module, roleplay),
            segment(scene)
        )
    }

    fn competency(&self, competency: &str) -> String {
        format!("{}/competencies/{}", self.base, segment(competency))
    }

    fn extension(&self, name: &str) -> String {
        format!("{}/xapi/{name}", self.base)
    }

    fn module_activity(&self, module: &str, title: &str, lang: &str) -> Activity {
        let mut activity = Activity::reference(self.module(module), "module");
        if let Some(definition) = activity.definition.as_mut() {
            definition.name = language_map(lang, title);
        }
        activity
    }

    fn quiz_activity(&self, module: &str, title: &str, lang: &str, words: &Words) -> Activity {
        let mut activity = Activity::reference(self.quiz(module), "assessment");
        if let Some(definition) = activity.definition.as_mut() {
            definition.name = language_map(lang, &(words.quiz)(title));
        }
        activity
    }

    fn roleplay_activity(&self, module: &str, roleplay: &str, title: &str, lang: &str) -> Activity {
        let mut activity = Activity::reference(self.roleplay(module, roleplay), "simulation");
        if let Some(definition) = activity.definition.as_mut() {
            definition.name = language_map(lang, title);
        }
        activity
    }

    fn competency_activities(&self, competencies: &[String]) -> Vec<Activity> {
        competency_ids(competencies)
            .map(|c| Activity::reference(self.competency(c), "objective"))
            .collect()
    }

    fn context(
        &self,
        registration: Option<Uuid>,
        lang: &str,
        parent: Vec<Activity>,
        grouping: Vec<Activity>,
        competencies: &[String],
    ) -> Context {
        let mut extensions = BTreeMap::new();
        let ids: Vec<Value> = competency_ids(competencies).map(Value::from).collect();
        if !ids.is_empty() {
            extensions.insert(self.extension("competency"), Value::Array(ids));
        }
        Context {
            registration,
            platform: self.platform.clone(),
            language: lang.to_string(),
            context_activities: ContextActivities { parent, grouping },
            extensions,
        }
    }
}

/// The non-blank competency ids, trimmed, first occurrence of each.
fn competency_ids(competencies: &[String]) -> impl Iterator<Item = &str> {
    competencies
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.trim()))
        .filter(move |(i, c)| {
            !c.is_empty()
                && !competencies[..*i]
                    .iter()
                    .any(|earlier| earlier.trim() == *c)
        })
        .map(|(_, c)| c)
}

fn activity_type(adl_type: &str) -> String {
    format!("{ADL_ACTIVITIES}/{adl_type}")
}

fn agent(learner: &Learner) -> Agent {
    let email = learner.email.trim().to_lowercase();
    let email = email.strip_prefix("mailto:").unwrap_or(&email);
    let name = learner.name.trim();
    Agent {
        object_type: "Agent",
        name: (!name.is_empty()).then(|| name.to_string()),
        mbox: format!("mailto:{email}"),
    }
}

fn statement_id(iris: &Iris<'_>, mbox: &str, key: &str) -> Uuid {
    let mut hasher = Sha256::new();
    for part in [ID_DOMAIN, iris.base, mbox, key] {
        hasher.update(part.as_bytes());
        // A separator no part contains, so ("a", "bc") and ("ab", "c") differ.
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // What `Uuid::new_v8` does, without needing uuid's `v8` feature.
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// One path segment of an activity id: UTF-8 bytes percent-encoded except
/// ASCII letters, digits and `-._~`; `.` and `..` encoded too, so they are
/// never read as "this" or "up one" segments.
pub fn segment(id: &str) -> String {
    if id == "." || id == ".." {
        return id.replace('.', "%2E");
    }
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A fraction clamped to 0..=1; NaN (and -0.0) give 0.
fn unit(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        0.0
    } else if x >= 1.0 {
        1.0
    } else {
        x
    }
}

/// `PT{seconds}S`; `None` for a negative duration.
pub fn iso_duration(seconds: i64) -> Option<String> {
    (seconds >= 0).then(|| format!("PT{seconds}S"))
}

/// UTC, milliseconds, RFC 3339. A date outside years 0..=9999 (which RFC
/// 3339 cannot write) falls back to ISO 8601's expanded years.
pub fn timestamp(at: OffsetDateTime) -> String {
    let utc = at.checked_to_offset(UtcOffset::UTC).unwrap_or(at);
    let utc = utc.replace_millisecond(utc.millisecond()).unwrap_or(utc);
    if (0..=9999).contains(&utc.year())
        && let Ok(text) = utc.format(TIMESTAMP_FORMAT)
    {
        return text;
    }
    utc.format(&Iso8601::DEFAULT)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

/// The record's language tag, trimmed; `und` (undetermined) when it is not
/// a plausible RFC 5646 tag, since language maps and `context.language` need one.
fn language_tag(language: &str) -> String {
    let tag = language.trim();
    if plausible_language_tag(tag) {
        tag.to_string()
    } else {
        "und".to_string()
    }
}

/// Subtags of 1 to 8 ASCII letters or digits joined by `-`, the first all
/// letters (2 to 8) or the private-use or grandfathered `x`/`i`, and no
/// single-letter subtag at the end.
fn plausible_language_tag(tag: &str) -> bool {
    let subtags: Vec<&str> = tag.split('-').collect();
    let Some((first, _)) = subtags.split_first() else {
        return false;
    };
    let first_ok = first.chars().all(|c| c.is_ascii_alphabetic())
        && ((2..=8).contains(&first.len()) || matches!(*first, "x" | "X" | "i" | "I"));
    first_ok
        && subtags
            .iter()
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
        && subtags.last().is_some_and(|s| s.len() > 1)
}

/// A one-language map, or `None` for blank text.
fn language_map(lang: &str, text: &str) -> Option<LanguageMap> {
    let text = text.trim();
    (!text.is_empty()).then(|| LanguageMap::from([(lang.to_string(), text.to_string())]))
}

/// The few words the activity names need, in the record's language.
struct Words {
    quiz: fn(&str) -> String,
    lesson: fn(&str) -> String,
    question: fn(&str, usize) -> String,
}

impl Words {
    fn for_language(lang: &str) -> Self {
        if lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("zh")) {
            Self {
                quiz: |title| format!("{title}：测验"),
                lesson: |title| format!("{title}：课程"),
                question: |title, n| format!("{title}：第 {n} 题"),
            }
        } else {
            Self {
                quiz: |title| format!("{title}: quiz"),
                lesson: |title| format!("{title}: lesson"),
                question: |title, n| format!("{title}: question {n}"),
            }
        }
    }
}

#[cfg(test)]
#[path = "../../tests/api/xapi_rules.rs"]
mod xapi_rules;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn settings() -> XapiSettings {
        XapiSettings::new(" https://dojo.example.com/ ", "Sales Dojo")
    }

    fn learner() -> Learner {
        Learner {
            email: " Ana@Example.COM ".to_string(),
            name: "Ana Li".to_string(),
        }
    }

    fn attempt() -> Uuid {
        Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001)
    }

    fn run() -> Uuid {
        Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0002)
    }

    fn question(question_id: &str, score: f64) -> Record {
        Record::QuestionAnswered {
            attempt_id: attempt(),
            module_id: "objection-handling".to_string(),
            module_title: "Objection handling".to_string(),
            question_id: question_id.to_string(),
            question_index: 2,
            kind: InteractionKind::MultipleChoice,
            prompt_text: "Which steps come first?".to_string(),
            response: "1[,]3".to_string(),
            correct_pattern: Some("1[,]3".to_string()),
            score,
            competency: "objections".to_string(),
            language: "en".to_string(),
            at: datetime!(2025-03-01 10:30:00.123456 +01:00),
        }
    }

    fn attempt_finished(score: f64, duration_seconds: Option<i64>) -> Record {
        Record::AttemptFinished {
            attempt_id: attempt(),
            module_id: "objection-handling".to_string(),
            module_title: "Objection handling".to_string(),
            score,
            passed: score >= 0.8,
            pass_mark_percent: 80,
            duration_seconds,
            competencies: vec!["objections".to_string(), "listening".to_string()],
            language: "en".to_string(),
            at: datetime!(2025-03-01 10:35:00 UTC),
        }
    }

    fn choice(scene_id: &str, language: &str) -> Record {
        Record::RolePlayChoice {
            run_id: run(),
            module_id: "objection-handling".to_string(),
            roleplay: "price-gap".to_string(),
            roleplay_title: "价格差距".to_string(),
            scene_id: scene_id.to_string(),
            scene_title: "开场".to_string(),
            step_index: 1,
            response: "我理解您的顾虑。".to_string(),
            practice: false,
            competencies: vec!["objections".to_string()],
            language: language.to_string(),
            at: datetime!(2025-03-02 08:00:00 UTC),
        }
    }

    fn roleplay_finished(score: f64) -> Record {
        Record::RolePlayFinished {
            run_id: run(),
            module_id: "objection-handling".to_string(),
            roleplay: "price-gap".to_string(),
            roleplay_title: "The price gap".to_string(),
            ending: "deal-saved".to_string(),
            score,
            competencies: vec!["objections".to_string()],
            language: "en".to_string(),
            at: datetime!(2025-03-02 08:10:00 UTC),
        }
    }

    fn lesson() -> Record {
        Record::LessonRead {
            module_id: "objection-handling".to_string(),
            module_title: "异议处理".to_string(),
            competencies: vec!["objections".to_string()],
            language: "zh-CN".to_string(),
            at: datetime!(2025-02-28 18:00:00 UTC),
        }
    }

    fn all_records() -> Vec<Record> {
        vec![
            question("q1", 1.0),
            attempt_finished(0.85, Some(754)),
            attempt_finished(0.5, None),
            choice("opening", "zh-CN"),
            roleplay_finished(0.7),
            lesson(),
        ]
    }

    fn json_of(record: &Record) -> Vec<Value> {
        statements(&settings(), &learner(), record)
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect()
    }

    fn one(record: &Record) -> Value {
        let mut all = json_of(record);
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[test]
    fn every_record_kind_passes_the_checker() {
        for record in all_records() {
            for statement in json_of(&record) {
                let problems = xapi_rules::problems(&statement);
                assert!(problems.is_empty(), "{problems:#?}\n{statement:#}");
            }
        }
    }

    #[test]
    fn question_statement_shape() {
        let s = one(&question("q1", 1.0));
        let base = "https://dojo.example.com/modules/objection-handling";
        assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/answered");
        assert_eq!(s["verb"]["display"], json!({"en-US": "answered"}));
        assert_eq!(s["object"]["objectType"], "Activity");
        assert_eq!(s["object"]["id"], format!("{base}/questions/q1"));
        let definition = &s["object"]["definition"];
        assert_eq!(
            definition["type"],
            "http://adlnet.gov/expapi/activities/cmi.interaction"
        );
        assert_eq!(definition["interactionType"], "choice");
        assert_eq!(definition["correctResponsesPattern"], json!(["1[,]3"]));
        assert_eq!(
            definition["name"],
            json!({"en": "Objection handling: question 3"})
        );
        assert_eq!(
            definition["description"],
            json!({"en": "Which steps come first?"})
        );
        assert_eq!(
            s["result"],
            json!({
                "score": {"scaled": 1.0, "raw": 100.0, "min": 0.0, "max": 100.0},
                "success": true,
                "response": "1[,]3",
            })
        );
        let context = &s["context"];
        assert_eq!(context["registration"], attempt().to_string());
        assert_eq!(context["platform"], "Sales Dojo");
        assert_eq!(context["language"], "en");
        assert_eq!(
            context["contextActivities"]["parent"][0]["id"],
            format!("{base}/quiz")
        );
        let grouping: Vec<&str> = context["contextActivities"]["grouping"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            grouping,
            [base, "https://dojo.example.com/competencies/objections"]
        );
        assert_eq!(
            context["extensions"],
            json!({"https://dojo.example.com/xapi/competency": ["objections"]})
        );
        // 10:30:00.123456 at +01:00, in UTC to the millisecond.
        assert_eq!(s["timestamp"], "2025-03-01T09:30:00.123Z");
        assert_eq!(s["version"], "1.0.0");
    }

    #[test]
    fn a_wrong_answer_is_not_a_success() {
        let s = one(&question("q1", 0.5));
        assert_eq!(s["result"]["success"], false);
        assert_eq!(s["result"]["score"]["scaled"], 0.5);
        assert_eq!(s["result"]["score"]["raw"], 50.0);
    }

    #[test]
    fn interaction_types() {
        assert_eq!(InteractionKind::Choice.interaction_type(), "choice");
        assert_eq!(InteractionKind::MultipleChoice.interaction_type(), "choice");
        assert_eq!(InteractionKind::Sequencing.interaction_type(), "sequencing");
        assert_eq!(InteractionKind::FillIn.interaction_type(), "fill-in");
    }

    #[test]
    fn attempt_statements_pass_or_fail() {
        let passed = one(&attempt_finished(0.85, Some(754)));
        assert_eq!(
            passed["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/passed"
        );
        assert_eq!(
            passed["object"]["id"],
            "https://dojo.example.com/modules/objection-handling/quiz"
        );
        assert_eq!(
            passed["object"]["definition"]["type"],
            "http://adlnet.gov/expapi/activities/assessment"
        );
        assert_eq!(passed["result"]["success"], true);
        assert_eq!(passed["result"]["completion"], true);
        assert_eq!(passed["result"]["duration"], "PT754S");
        assert_eq!(passed["result"]["score"]["scaled"], 0.85);
        assert_eq!(passed["result"]["score"]["raw"], 85.0);
        assert_eq!(
            passed["context"]["extensions"]["https://dojo.example.com/xapi/pass-mark"],
            0.8
        );
        assert_eq!(
            passed["context"]["extensions"]["https://dojo.example.com/xapi/competency"],
            json!(["objections", "listening"])
        );
        assert_eq!(
            passed["context"]["contextActivities"]["parent"][0]["definition"],
            json!({
                "name": {"en": "Objection handling"},
                "type": "http://adlnet.gov/expapi/activities/module",
            })
        );

        let failed = one(&attempt_finished(0.5, None));
        assert_eq!(
            failed["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/failed"
        );
        assert_eq!(failed["result"]["success"], false);
        assert!(failed["result"].get("duration").is_none());
    }

    #[test]
    fn roleplay_choice_statement() {
        let s = one(&choice("opening", "zh-CN"));
        let roleplay = "https://dojo.example.com/modules/objection-handling/roleplays/price-gap";
        assert_eq!(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/responded");
        assert_eq!(s["object"]["id"], format!("{roleplay}/scenes/opening"));
        assert_eq!(
            s["object"]["definition"]["name"],
            json!({"zh-CN": "价格差距: 开场"})
        );
        assert_eq!(s["object"]["definition"]["interactionType"], "other");
        assert_eq!(s["result"], json!({"response": "我理解您的顾虑。"}));
        assert_eq!(s["context"]["registration"], run().to_string());
        assert_eq!(s["context"]["language"], "zh-CN");
        let parent = &s["context"]["contextActivities"]["parent"][0];
        assert_eq!(parent["id"], roleplay);
        assert_eq!(
            parent["definition"]["type"],
            "http://adlnet.gov/expapi/activities/simulation"
        );
        let extensions = &s["context"]["extensions"];
        assert_eq!(extensions["https://dojo.example.com/xapi/step"], 1);
        assert_eq!(extensions["https://dojo.example.com/xapi/practice"], false);
    }

    #[test]
    fn a_practice_scene_is_a_long_fill_in() {
        let mut record = choice("opening", "en");
        if let Record::RolePlayChoice { practice, .. } = &mut record {
            *practice = true;
        }
        let s = one(&record);
        assert_eq!(s["object"]["definition"]["interactionType"], "long-fill-in");
        assert_eq!(
            s["context"]["extensions"]["https://dojo.example.com/xapi/practice"],
            true
        );
    }

    #[test]
    fn a_finished_run_is_completed_then_scored() {
        let all = json_of(&roleplay_finished(0.7));
        assert_eq!(all.len(), 2);
        let (completed, scored) = (&all[0], &all[1]);
        assert_eq!(
            completed["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/completed"
        );
        assert_eq!(
            scored["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/scored"
        );
        assert_eq!(completed["object"], scored["object"]);
        assert_eq!(
            completed["object"]["definition"]["type"],
            "http://adlnet.gov/expapi/activities/simulation"
        );
        assert_eq!(completed["result"]["completion"], true);
        assert_eq!(completed["result"]["response"], "deal-saved");
        assert_eq!(scored["result"]["score"]["scaled"], 0.7);
        assert_eq!(scored["result"]["score"]["raw"], 70.0);
        assert_ne!(completed["id"], scored["id"]);
    }

    #[test]
    fn lesson_read_is_experienced() {
        let s = one(&lesson());
        assert_eq!(
            s["verb"]["id"],
            "http://adlnet.gov/expapi/verbs/experienced"
        );
        assert_eq!(
            s["object"]["id"],
            "https://dojo.example.com/modules/objection-handling/lesson"
        );
        assert_eq!(
            s["object"]["definition"]["type"],
            "http://adlnet.gov/expapi/activities/lesson"
        );
        assert!(s.get("result").is_none());
        assert!(s["context"].get("registration").is_none());
    }

    #[test]
    fn ids_are_deterministic_and_distinct() {
        let first = statements(&settings(), &learner(), &question("q1", 1.0));
        let again = statements(&settings(), &learner(), &question("q1", 1.0));
        assert_eq!(first[0].id, again[0].id);
        assert_eq!(first, again);
        assert_eq!(first[0].id.get_version_num(), 8);

        let other = statements(&settings(), &learner(), &question("q2", 1.0));
        assert_ne!(first[0].id, other[0].id);

        // The same event with another outcome is still the same event.
        let rescored = statements(&settings(), &learner(), &question("q1", 0.0));
        assert_eq!(first[0].id, rescored[0].id);

        let ids: Vec<Uuid> = all_records()
            .iter()
            .flat_map(|r| statements(&settings(), &learner(), r))
            .map(|s| s.id)
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        // The two AttemptFinished records are the same attempt, one id.
        assert_eq!(unique.len(), ids.len() - 1);
    }

    #[test]
    fn ids_ignore_slash_and_case_noise() {
        let tidy = XapiSettings::new("https://dojo.example.com", "Sales Dojo");
        let tidy_learner = Learner {
            email: "ana@example.com".to_string(),
            name: "Ana Li".to_string(),
        };
        let a = statements(&settings(), &learner(), &lesson());
        let b = statements(&tidy, &tidy_learner, &lesson());
        assert_eq!(a, b);
    }

    #[test]
    fn actor_is_a_mailto_agent() {
        let s = one(&lesson());
        assert_eq!(
            s["actor"],
            json!({"objectType": "Agent", "name": "Ana Li", "mbox": "mailto:ana@example.com"})
        );
        let nameless = Learner {
            email: "mailto:bo@example.com".to_string(),
            name: "  ".to_string(),
        };
        let s = serde_json::to_value(&statements(&settings(), &nameless, &lesson())[0]).unwrap();
        assert_eq!(
            s["actor"],
            json!({"objectType": "Agent", "mbox": "mailto:bo@example.com"})
        );
    }

    #[test]
    fn awkward_ids_are_percent_encoded() {
        assert_eq!(segment("objection-handling"), "objection-handling");
        assert_eq!(segment("price gap"), "price%20gap");
        assert_eq!(segment("价"), "%E4%BB%B7");
        assert_eq!(segment("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("v1.2_x~"), "v1.2_x~");

        let mut record = choice("开场 1", "zh-CN");
        if let Record::RolePlayChoice { roleplay, .. } = &mut record {
            *roleplay = "price gap".to_string();
        }
        let s = one(&record);
        assert_eq!(
            s["object"]["id"],
            "https://dojo.example.com/modules/objection-handling/roleplays/price%20gap/scenes/%E5%BC%80%E5%9C%BA%201"
        );
        assert!(xapi_rules::problems(&s).is_empty());
    }

    #[test]
    fn scaled_scores_are_clamped() {
        for (input, scaled, raw) in [
            (1.5, 1.0, 100.0),
            (-0.2, 0.0, 0.0),
            (f64::NAN, 0.0, 0.0),
            (f64::INFINITY, 1.0, 100.0),
            (f64::NEG_INFINITY, 0.0, 0.0),
            (-0.0, 0.0, 0.0),
            (2.0 / 3.0, 2.0 / 3.0, 66.67),
        ] {
            let score = Score::from_fraction(input);
            assert_eq!(score.scaled, scaled, "{input}");
            assert!(score.scaled.is_sign_positive(), "{input}");
            assert_eq!(score.raw, raw, "{input}");
            assert!((-1.0..=1.0).contains(&score.scaled));
            let s = one(&question("q1", input));
            assert!(xapi_rules::problems(&s).is_empty(), "{input}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(iso_duration(0).as_deref(), Some("PT0S"));
        assert_eq!(iso_duration(123).as_deref(), Some("PT123S"));
        assert_eq!(iso_duration(90_061).as_deref(), Some("PT90061S"));
        assert_eq!(iso_duration(-1), None);
        let s = one(&attempt_finished(0.9, Some(-5)));
        assert!(s["result"].get("duration").is_none());
    }

    #[test]
    fn timestamps_are_utc_milliseconds() {
        assert_eq!(
            timestamp(datetime!(2025-01-01 00:30:00 +02:00)),
            "2024-12-31T22:30:00.000Z"
        );
        assert_eq!(
            timestamp(datetime!(2025-06-01 12:00:00.9999 UTC)),
            "2025-06-01T12:00:00.999Z"
        );
        // Not RFC 3339, but still ISO 8601 rather than a panic.
        assert!(timestamp(datetime!(-0001-01-01 00:00:00 UTC)).starts_with('-'));
    }

    #[test]
    fn names_use_the_records_language() {
        let s = one(&lesson());
        assert_eq!(
            s["object"]["definition"]["name"],
            json!({"zh-CN": "异议处理：课程"})
        );
        assert_eq!(
            s["context"]["contextActivities"]["parent"][0]["definition"]["name"],
            json!({"zh-CN": "异议处理"})
        );
        assert_eq!(s["context"]["language"], "zh-CN");
        // Verb displays stay in ADL's en-US.
        assert_eq!(s["verb"]["display"], json!({"en-US": "experienced"}));

        let mut record = lesson();
        if let Record::LessonRead { language, .. } = &mut record {
            *language = "not a tag!".to_string();
        }
        let s = one(&record);
        assert_eq!(s["context"]["language"], "und");
        assert!(xapi_rules::problems(&s).is_empty());
    }

    #[test]
    fn blank_and_repeated_competencies_are_left_out() {
        let mut record = lesson();
        if let Record::LessonRead { competencies, .. } = &mut record {
            *competencies = vec![" ".to_string(), "a".to_string(), " a ".to_string()];
        }
        let s = one(&record);
        assert_eq!(
            s["context"]["extensions"],
            json!({"https://dojo.example.com/xapi/competency": ["a"]})
        );
        assert_eq!(
            s["context"]["contextActivities"]["grouping"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        if let Record::LessonRead { competencies, .. } = &mut record {
            competencies.clear();
        }
        let s = one(&record);
        assert!(s["context"].get("extensions").is_none());
        assert!(s["context"]["contextActivities"].get("grouping").is_none());
        assert!(xapi_rules::problems(&s).is_empty());
    }

    #[test]
    fn no_nulls_and_no_blank_platform() {
        let quiet = XapiSettings::new("https://dojo.example.com", " ");
        for record in all_records() {
            for statement in statements(&quiet, &learner(), &record) {
                let text = serde_json::to_string(&statement).unwrap();
                assert!(!text.contains("null"), "{text}");
                assert!(!text.contains("platform"), "{text}");
            }
        }
    }

    #[test]
    fn settings_check() {
        assert!(settings().check().is_ok());
        assert_eq!(settings().base(), "https://dojo.example.com");
        for bad in [
            "",
            "dojo.example.com",
            "ftp://dojo.example.com",
            "https://",
            "https://dojo example.com",
            "https://dojo.example.com/?x=1",
        ] {
            assert!(XapiSettings::new(bad, "").check().is_err(), "{bad}");
        }
    }
}
