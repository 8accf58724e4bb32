//! Quiz attempts against the store: start one (or resume the open one),
//! submit it once, and show it with its result in any language.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::access::{self, Access};
use super::quiz::{self, Answer, QuizRules, ShownQuestion};
use super::{LearningError, from_json, rfc3339, to_json};
use crate::competency::{Source, item_key};
use crate::content::{Catalog, CatalogModule, CatalogQuiz, QuestionKind, RenderedQuestion};
use crate::store::attempts::{self, AttemptRow, NewAttempt, Submission};
use crate::store::direct_read::DirectReader;
use crate::store::direct_write::DirectWriter;
use crate::store::evidence::{self, NewEvidence};
use crate::store::review_cards::{NewCard, Schedule};
use crate::store::users::User;
use crate::store::write_turn;
use crate::store::write_tx::WriteTx;
use crate::store::{StoreError, now, progress};

/// What is kept of each question's result (the HTML is rendered from the
/// catalog when shown, in the viewer's language).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredQuestion {
    pub(crate) id: String,
    pub(crate) score: f64,
    pub(crate) correct: bool,
}

/// An option as an attempt shows it: `id` is its index in the source file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OptionView {
    pub id: usize,
    pub html: String,
}

/// A question of an attempt, without its answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: String,
    /// `single`, `multiple`, `order` or `text`.
    #[serde(rename = "type")]
    pub kind: String,
    pub prompt_html: String,
    /// In the order this attempt shows them; empty for text questions.
    pub options: Vec<OptionView>,
}

/// An option the learner chose, with what it teaches.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChosenView {
    pub id: usize,
    pub html: String,
    pub correct: bool,
    pub feedback_html: Option<String>,
}

/// The right answer, shown once the attempt is submitted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RightAnswerView {
    /// The correct options (single, multiple) or the steps in order (order).
    pub options: Vec<OptionView>,
    /// The accepted answers of a text question.
    pub accepted: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionResultView {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub prompt_html: String,
    pub correct: bool,
    /// 0..1; below 1 but above 0 for partial credit.
    pub score: f64,
    /// The feedback of every option the learner chose, together.
    pub feedback_html: String,
    /// What the learner answered: options (for order questions in their order)…
    pub chosen: Vec<ChosenView>,
    /// …or the text they wrote.
    pub text_answer: Option<String>,
    pub explanation_html: Option<String>,
    pub right_answer: RightAnswerView,
}

/// A submitted attempt's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultView {
    pub attempt_id: Uuid,
    pub module_id: String,
    /// 0..1, weighted by the questions' weights.
    pub score: f64,
    pub passed: bool,
    pub pass_mark: i64,
    pub submitted_at: String,
    /// Seconds from start to submission.
    pub duration_seconds: i32,
    /// Attempts still allowed; null when unlimited.
    pub attempts_left: Option<i64>,
    pub questions: Vec<QuestionResultView>,
}

/// A quiz attempt: its questions in the order it shows them, and the result once submitted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptView {
    pub attempt_id: Uuid,
    pub module_id: String,
    /// 1 for the learner's first attempt at this quiz.
    pub number: i32,
    pub pass_mark: i64,
    /// Attempts allowed in all; 0 = unlimited.
    pub attempts_allowed: i64,
    pub started_at: String,
    pub submitted: bool,
    pub questions: Vec<QuestionView>,
    pub result: Option<ResultView>,
}

pub fn quiz_of(module: &CatalogModule) -> Result<&Arc<CatalogQuiz>, LearningError> {
    module.quiz.as_ref().ok_or_else(|| {
        LearningError::NotFound(format!(
            "module `{}` has no quiz; its lesson is at GET /api/v1/modules/{}",
            module.id, module.id
        ))
    })
}

/// Questions of this quiz the learner answered fully right last time
/// (their current evidence), so a draw can favour the others.
async fn mastered_questions(
    db: &impl WriteTx,
    user_id: Uuid,
    module_id: &str,
    quiz: &CatalogQuiz,
) -> Result<HashSet<String>, LearningError> {
    let competencies: BTreeSet<String> = quiz
        .questions
        .default
        .iter()
        .map(|q| q.competency.clone())
        .collect();
    let current = db.current_evidence(user_id, &competencies).await?;
    let prefix = format!("{}/", module_id);
    let mut mastered = HashSet::new();
    for row in &current {
        let key = row.supersession_key();
        if key.family != Source::QuizQuestion.as_str() {
            continue;
        }
        if let Some(question) = key.path.strip_prefix(&prefix)
            && row.score >= 1.0
        {
            mastered.insert(question.to_owned());
        }
    }
    Ok(mastered)
}

/// Attempts still allowed after `used`; None when the quiz allows any number.
pub fn attempts_left(quiz: &CatalogQuiz, used: i64) -> Option<i64> {
    (quiz.attempts > 0).then(|| (quiz.attempts - used).max(0))
}

/// Starts an attempt, or returns the learner's open one (a reload must not
/// cost an attempt). The bool says whether it is new.
pub async fn start(
    db: &DatabaseConnection,
    module: &CatalogModule,
    user_id: Uuid,
    language: &str,
) -> Result<(AttemptRow, bool), LearningError> {
    let quiz = quiz_of(module)?;
    // On SQLite the reads and the insert run as one transaction on the
    // writer thread; otherwise as separate statements through sqlx, with
    // the unique index settling a race between two starts.
    let job = {
        let (quiz, module_id, language) =
            (Arc::clone(quiz), module.id.clone(), language.to_owned());
        async move |tx: &DirectWriter| {
            begin_attempt(tx, &module_id, &quiz, user_id, &language).await
        }
    };
    if let Some(started) = write_turn::direct(db, "attempt start", job).await {
        return started;
    }
    let _turn = write_turn::take(db).await;
    match begin_attempt(db, &module.id, quiz, user_id, language).await {
        // Another request started an attempt at the same moment: use that one.
        Err(LearningError::Store(error)) if error.is_unique_violation() => {
            attempts::open_for_module(db, user_id, &module.id)
                .await?
                .map(|a| (a, false))
                .ok_or_else(|| {
                    LearningError::Conflict(
                        "another attempt was started at the same moment; reload and try again"
                            .into(),
                    )
                })
        }
        other => other,
    }
}

/// [`start`] through `tx`: the open attempt if it still fits the quiz,
/// else a new one if attempts are left.
async fn begin_attempt(
    tx: &impl WriteTx,
    module_id: &str,
    quiz: &CatalogQuiz,
    user_id: Uuid,
    language: &str,
) -> Result<(AttemptRow, bool), LearningError> {
    if let Some(open) = tx.open_attempt(user_id, module_id).await? {
        let shown: Vec<ShownQuestion> = from_json(&open.questions, "attempt questions")?;
        let bank = &quiz.questions.default;
        if shown.iter().all(|q| bank.iter().any(|b| b.id == q.id)) {
            return Ok((open, false));
        }
    }
    // Only a limited quiz needs the count, read from every earlier attempt;
    // the last number alone costs the same however many there are.
    let last_number = if quiz.attempts > 0 {
        let earlier = tx.attempt_tally(user_id, module_id).await?;
        if earlier.count >= quiz.attempts {
            return Err(LearningError::Conflict(format!(
                "you have used all {} attempts at the quiz of `{}` (best score {:.0}%); ask your manager or a trainer if you need another",
                quiz.attempts,
                module_id,
                earlier.best_score * 100.0
            )));
        }
        earlier.last_number
    } else {
        tx.last_attempt_number(user_id, module_id).await?
    };
    let mastered = mastered_questions(tx, user_id, module_id, quiz).await?;
    let mut rng = fastrand::Rng::new();
    let shown = quiz::build_attempt(
        &quiz.questions.default,
        &QuizRules::from(quiz),
        &mastered,
        &mut rng,
    );
    let new = NewAttempt {
        user_id,
        module_id: module_id.to_owned(),
        number: last_number + 1,
        language: language.to_owned(),
        questions_json: to_json(&shown)?,
        started_at: now(),
    };
    Ok((attempts::insert(tx, new).await?, true))
}

/// Loads an attempt the viewer may see, with their access; on SQLite
/// through `direct` when there is one.
pub async fn load(
    db: &impl ConnectionTrait,
    direct: Option<&DirectReader>,
    viewer: &User,
    raw_id: &str,
) -> Result<(AttemptRow, Access), LearningError> {
    let id = access::parse_id(raw_id, "an attempt")?;
    let not_found = || format!("there is no attempt {raw_id} that you can see");
    let row = attempts::find_via(db, direct, id)
        .await?
        .ok_or_else(|| LearningError::NotFound(not_found()))?;
    let access = access::check(db, viewer, row.user_id, not_found).await?;
    Ok((row, access))
}

pub(crate) fn bank_index(questions: &[RenderedQuestion]) -> HashMap<&str, &RenderedQuestion> {
    questions.iter().map(|q| (q.id.as_str(), q)).collect()
}

/// Submits answers (a JSON object, question id -> option ids or text).
/// Submitting an attempt that already has a result returns that result and
/// stores nothing. The attempt and its evidence are written in one transaction.
/// Scores and stores an attempt with its evidence, and makes a review card
/// (scheduled by `scheduler`) for each question answered for the first time.
pub async fn submit(
    db: &DatabaseConnection,
    catalog: &Catalog,
    scheduler: &crate::review::scheduler::Scheduler,
    row: AttemptRow,
    raw_answers: &serde_json::Value,
) -> Result<AttemptRow, LearningError> {
    if row.submitted_at.is_some() {
        return Ok(row);
    }
    let module = catalog.module(&row.module_id).ok_or_else(|| {
        LearningError::Conflict(format!(
            "module `{}` is no longer in the catalog, so this attempt cannot be scored",
            row.module_id
        ))
    })?;
    let quiz: &CatalogQuiz = quiz_of(module)?;
    let shown: Vec<ShownQuestion> = from_json(&row.questions, "attempt questions")?;
    let bank = bank_index(&quiz.questions.default);
    if let Some(gone) = shown.iter().find(|q| !bank.contains_key(q.id.as_str())) {
        return Err(LearningError::Conflict(format!(
            "the quiz changed since this attempt began (question `{}` was removed); start a new attempt",
            gone.id
        )));
    }
    let answers = quiz::parse_answers(&shown, &bank, raw_answers)
        .map_err(|e| LearningError::Invalid(e.to_string()))?;
    let rules = QuizRules::from(quiz);
    let outcome = quiz::score(&shown, &bank, &answers, &rules);

    let submitted_at = now();
    let duration =
        i32::try_from((submitted_at - row.started_at).whole_seconds().max(0)).unwrap_or(i32::MAX);
    let stored: Vec<StoredQuestion> = outcome
        .questions
        .iter()
        .map(|q| StoredQuestion {
            id: q.id.clone(),
            score: q.score,
            correct: q.correct,
        })
        .collect();
    let level = u8::try_from(module.level).unwrap_or(0);
    let evidence_rows: Vec<NewEvidence> = outcome
        .questions
        .iter()
        .filter_map(|q| {
            let question = bank.get(q.id.as_str())?;
            Some(NewEvidence {
                competency: question.competency.clone(),
                level,
                score: q.score,
                weight: f64::from(question.weight),
                source: Source::QuizQuestion,
                item: item_key::quiz(&module.id, &q.id),
                origin: Some(row.id),
            })
        })
        .collect();

    let submission = Submission {
        submitted_at,
        duration_seconds: duration,
        answers_json: to_json(&answers)?,
        result_json: to_json(&stored)?,
        score: outcome.score,
        passed: outcome.passed,
    };
    let submitted = AttemptRow {
        submitted_at: Some(submitted_at),
        duration_seconds: Some(duration),
        answers: Some(submission.answers_json.clone()),
        result: Some(submission.result_json.clone()),
        score: Some(outcome.score),
        passed: Some(outcome.passed),
        ..row.clone()
    };
    let landing = Arc::new(Landing {
        attempt_id: row.id,
        user_id: row.user_id,
        module_id: module.id.clone(),
        cards: crate::review::cards::quiz_cards(scheduler, module, &stored, submitted_at),
        submission,
        evidence: evidence_rows,
    });
    let job = {
        let landing = Arc::clone(&landing);
        async move |tx: &DirectWriter| landing.write(tx).await
    };
    let landed = match write_turn::direct(db, "quiz submission", job).await {
        Some(landed) => landed?,
        None => {
            let _turn = write_turn::take(db).await;
            let tx = db.begin().await.map_err(StoreError::from)?;
            let landed = landing.write(&tx).await?;
            tx.commit().await.map_err(StoreError::from)?;
            landed
        }
    };
    if !landed {
        // Submitted meanwhile by another request: that result stands.
        return attempts::find(db, row.id)
            .await?
            .ok_or_else(|| LearningError::NotFound(format!("attempt {} is gone", row.id)));
    }
    Ok(submitted)
}

/// What a submission writes, in one transaction: the attempt's result,
/// its evidence, new review cards, and the assignments it completes.
/// Owned, so that it can go to the writer thread and, should the direct
/// write fail, be written again through sqlx.
struct Landing {
    attempt_id: Uuid,
    user_id: Uuid,
    module_id: String,
    submission: Submission,
    evidence: Vec<NewEvidence>,
    /// A card for every answered question; only those of questions with
    /// no card yet are stored.
    cards: Vec<(NewCard, Schedule)>,
}

impl Landing {
    /// Writes it all in `tx`; false, with nothing written, when the attempt
    /// has been submitted already.
    async fn write(&self, tx: &impl WriteTx) -> Result<bool, StoreError> {
        let (user_id, at) = (self.user_id, self.submission.submitted_at);
        if !attempts::submit(tx, self.attempt_id, self.submission.clone()).await? {
            return Ok(false);
        }
        evidence::record(tx, user_id, self.evidence.clone(), at).await?;
        crate::review::cards::add_quiz_cards(tx, user_id, &self.module_id, &self.cards, at).await?;
        if self.submission.passed && tx.completions(user_id).await?.contains_key(&self.module_id) {
            progress::complete_assignments(tx, user_id, &[self.module_id.clone()].into(), at)
                .await?;
        }
        Ok(true)
    }
}

pub(crate) fn kind_name(kind: QuestionKind) -> String {
    kind.as_str().to_owned()
}

pub(crate) fn option_view(question: &RenderedQuestion, index: usize) -> Option<OptionView> {
    question.options.get(index).map(|o| OptionView {
        id: o.index,
        html: o.html.clone(),
    })
}

/// The attempt in `language`, with its result when submitted.
pub async fn view(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    row: &AttemptRow,
    language: &str,
) -> Result<AttemptView, LearningError> {
    let module = catalog.module(&row.module_id);
    let quiz = module.and_then(|m| m.quiz.as_ref());
    let localized: HashMap<&str, &RenderedQuestion> = quiz
        .map(|q| bank_index(q.questions.get(language)))
        .unwrap_or_default();
    let shown: Vec<ShownQuestion> = from_json(&row.questions, "attempt questions")?;
    let questions = shown
        .iter()
        .filter_map(|s| {
            let question = localized.get(s.id.as_str())?;
            Some(QuestionView {
                id: s.id.clone(),
                kind: kind_name(question.kind),
                prompt_html: question.prompt_html.clone(),
                options: s
                    .options
                    .iter()
                    .filter_map(|&i| option_view(question, i))
                    .collect(),
            })
        })
        .collect();
    let result = match (&row.result, &row.answers, row.submitted_at) {
        (Some(result), Some(answers), Some(submitted_at)) => {
            let stored: Vec<StoredQuestion> = from_json(result, "attempt result")?;
            let answers: BTreeMap<String, Answer> = from_json(answers, "attempt answers")?;
            // Only a limited quiz shows what is left.
            let used = match quiz {
                Some(quiz) if quiz.attempts > 0 => {
                    attempts::tally(db, row.user_id, &row.module_id)
                        .await?
                        .count
                }
                _ => 0,
            };
            Some(ResultView {
                attempt_id: row.id,
                module_id: row.module_id.clone(),
                score: row.score.unwrap_or(0.0),
                passed: row.passed.unwrap_or(false),
                pass_mark: quiz.map_or(0, |q| q.pass_mark),
                submitted_at: rfc3339(submitted_at),
                duration_seconds: row.duration_seconds.unwrap_or(0),
                attempts_left: quiz.and_then(|q| attempts_left(q, used)),
                questions: stored
                    .iter()
                    .filter_map(|s| {
                        let question = localized.get(s.id.as_str())?;
                        Some(result_view(question, s, answers.get(&s.id)))
                    })
                    .collect(),
            })
        }
        _ => None,
    };
    Ok(AttemptView {
        attempt_id: row.id,
        module_id: row.module_id.clone(),
        number: row.number,
        pass_mark: quiz.map_or(0, |q| q.pass_mark),
        attempts_allowed: quiz.map_or(0, |q| q.attempts),
        started_at: rfc3339(row.started_at),
        submitted: row.submitted_at.is_some(),
        questions,
        result,
    })
}

pub(crate) fn result_view(
    question: &RenderedQuestion,
    stored: &StoredQuestion,
    answer: Option<&Answer>,
) -> QuestionResultView {
    let (chosen, text_answer) = match answer {
        Some(Answer::Options(ids)) => (
            ids.iter()
                .filter_map(|&i| question.options.get(i))
                .map(|o| ChosenView {
                    id: o.index,
                    html: o.html.clone(),
                    correct: o.correct,
                    feedback_html: o.feedback_html.clone(),
                })
                .collect(),
            None,
        ),
        Some(Answer::Text(text)) => (Vec::new(), Some(text.clone())),
        None => (Vec::new(), None),
    };
    let feedback_html = chosen
        .iter()
        .filter_map(|c: &ChosenView| c.feedback_html.clone())
        .collect::<Vec<_>>()
        .join("\n");
    QuestionResultView {
        id: stored.id.clone(),
        kind: kind_name(question.kind),
        prompt_html: question.prompt_html.clone(),
        correct: stored.correct,
        score: stored.score,
        feedback_html,
        chosen,
        text_answer,
        explanation_html: question.explanation_html.clone(),
        right_answer: RightAnswerView {
            options: quiz::right_answer(question)
                .into_iter()
                .filter_map(|i| option_view(question, i))
                .collect(),
            accepted: question.accepted.clone(),
        },
    }
}
