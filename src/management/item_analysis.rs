//! Item analysis for trainers: how each quiz question and role-play of a
//! module performs, computed from learners' FIRST attempts and first runs
//! only (later attempts are practice on questions already seen), beside the
//! learners' course feedback.

use std::collections::{BTreeMap, HashSet};

use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::analysis::endings::{self, FinishedRun, RolePlayStats};
use crate::analysis::items::{self, AnsweredQuestion, FirstAttempt, ItemStats, QuestionInfo};
use crate::content::{Catalog, CatalogModule, QuestionKind};
use crate::learning::attempts::StoredQuestion;
use crate::learning::quiz::Answer;
use crate::learning::{LearningError, rfc3339};
use crate::store::{StoreError, attempts, feedback, runs};

/// One question's statistics with what the trainer needs to read them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionAnalysis {
    #[serde(flatten)]
    pub stats: ItemStats,
    pub prompt_html: String,
    /// Option (or step) texts in source order, as HTML.
    pub option_html: Vec<String>,
    /// Source indices of the right options (single and multiple).
    pub correct_options: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RolePlayAnalysis {
    pub name: String,
    pub title: String,
    /// Ending scene id -> the scene's title.
    pub ending_titles: BTreeMap<String, String>,
    /// Ending scene id -> `won`, `partial` or `lost`, where the scene says.
    pub ending_outcomes: BTreeMap<String, String>,
    #[serde(flatten)]
    pub stats: RolePlayStats,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackComment {
    pub usefulness: i16,
    pub clarity: i16,
    pub comment: String,
    pub updated_at: String,
}

/// Learners' ratings of a module.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct FeedbackSummary {
    pub count: usize,
    pub usefulness: Option<f64>,
    pub clarity: Option<f64>,
    /// Non-empty comments, newest first.
    pub comments: Vec<FeedbackComment>,
}

/// `GET /api/v1/modules/{id}/analysis`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleAnalysis {
    pub module_id: String,
    pub title: String,
    /// Learners whose first attempt is counted.
    pub first_attempts: usize,
    pub questions: Vec<QuestionAnalysis>,
    pub roleplays: Vec<RolePlayAnalysis>,
    pub feedback: FeedbackSummary,
}

/// One module's line in the overview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleOverview {
    pub module_id: String,
    pub title: String,
    pub first_attempts: i64,
    pub feedback_count: usize,
    pub usefulness: Option<f64>,
    pub clarity: Option<f64>,
}

fn kind(kind: QuestionKind) -> items::QuestionKind {
    match kind {
        QuestionKind::Single => items::QuestionKind::Single,
        QuestionKind::Multiple => items::QuestionKind::Multiple,
        QuestionKind::Order => items::QuestionKind::Order,
        QuestionKind::Text => items::QuestionKind::Text,
    }
}

fn first_attempt(row: &attempts::AttemptRow) -> Option<FirstAttempt> {
    let scores: Vec<StoredQuestion> = serde_json::from_str(row.result.as_deref()?).ok()?;
    let answers: BTreeMap<String, Answer> =
        serde_json::from_str(row.answers.as_deref()?).unwrap_or_default();
    Some(FirstAttempt {
        answers: scores
            .into_iter()
            .map(|s| {
                let (chosen, text) = match answers.get(&s.id) {
                    Some(Answer::Options(options)) => (options.clone(), None),
                    Some(Answer::Text(text)) => (Vec::new(), Some(text.clone())),
                    None => (Vec::new(), None),
                };
                (
                    s.id,
                    AnsweredQuestion {
                        score: s.score,
                        chosen,
                        text,
                    },
                )
            })
            .collect(),
    })
}

fn summary(rows: &[feedback::FeedbackRow]) -> FeedbackSummary {
    if rows.is_empty() {
        return FeedbackSummary::default();
    }
    let count = rows.len();
    let mean = |f: fn(&feedback::FeedbackRow) -> i16| {
        Some(rows.iter().map(|r| f64::from(f(r))).sum::<f64>() / count as f64)
    };
    FeedbackSummary {
        count,
        usefulness: mean(|r| r.usefulness),
        clarity: mean(|r| r.clarity),
        comments: rows
            .iter()
            .filter(|r| !r.comment.is_empty())
            .map(|r| FeedbackComment {
                usefulness: r.usefulness,
                clarity: r.clarity,
                comment: r.comment.clone(),
                updated_at: rfc3339(r.updated_at),
            })
            .collect(),
    }
}

pub async fn for_module(
    db: &impl ConnectionTrait,
    module: &CatalogModule,
    language: &str,
) -> Result<ModuleAnalysis, LearningError> {
    let mut questions = Vec::new();
    let mut first_attempts = 0;
    if let Some(quiz) = &module.quiz {
        let rows = attempts::first_submitted(db, &module.id).await?;
        let attempts: Vec<FirstAttempt> = rows.iter().filter_map(first_attempt).collect();
        first_attempts = attempts.len();
        let bank = quiz.questions.get(language);
        let info: Vec<QuestionInfo> = bank
            .iter()
            .map(|q| QuestionInfo {
                id: q.id.clone(),
                kind: kind(q.kind),
                options: q.options.len(),
            })
            .collect();
        let stats = items::analyse(&info, &attempts);
        questions = stats
            .into_iter()
            .zip(bank)
            .map(|(stats, question)| QuestionAnalysis {
                stats,
                prompt_html: question.prompt_html.clone(),
                option_html: question.options.iter().map(|o| o.html.clone()).collect(),
                correct_options: question
                    .options
                    .iter()
                    .filter(|o| o.correct)
                    .map(|o| o.index)
                    .collect(),
            })
            .collect();
    }
    let mut roleplays = Vec::new();
    for roleplay in &module.roleplays {
        let all = runs::all_of_roleplay(db, &module.id, &roleplay.name).await?;
        let mut seen = HashSet::new();
        let mut finished = Vec::new();
        let mut unfinished = 0;
        for run in all.into_iter().filter(|r| seen.insert(r.user_id)) {
            if run.finished_at.is_none() {
                unfinished += 1;
                continue;
            }
            let score = crate::learning::runs::average_share(run.scores.as_deref());
            finished.push(FinishedRun {
                ending: run.scene,
                score,
            });
        }
        let listed: Vec<String> = roleplay
            .analysis
            .endings
            .iter()
            .map(|(id, _)| id.clone())
            .collect();
        roleplays.push(RolePlayAnalysis {
            name: roleplay.name.clone(),
            title: roleplay.title.get(language).clone(),
            ending_titles: roleplay
                .scenes
                .get(language)
                .iter()
                .filter(|scene| scene.end)
                .map(|scene| (scene.id.clone(), scene.title.clone()))
                .collect(),
            ending_outcomes: roleplay
                .scenes
                .get(language)
                .iter()
                .filter_map(|scene| Some((scene.id.clone(), scene.outcome?.to_owned())))
                .collect(),
            stats: endings::analyse(&listed, &finished, unfinished),
        });
    }
    let feedback = summary(&feedback::of_module(db, &module.id).await?);
    Ok(ModuleAnalysis {
        module_id: module.id.clone(),
        title: module.title.get(language).clone(),
        first_attempts,
        questions,
        roleplays,
        feedback,
    })
}

/// Every module with its first-attempt count and feedback averages.
pub async fn overview(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    language: &str,
) -> Result<Vec<ModuleOverview>, StoreError> {
    let counts = attempts::first_attempt_counts(db).await?;
    let mut by_module: BTreeMap<String, Vec<feedback::FeedbackRow>> = BTreeMap::new();
    for row in feedback::all(db).await? {
        by_module
            .entry(row.module_id.clone())
            .or_default()
            .push(row);
    }
    Ok(catalog
        .modules
        .iter()
        .map(|m| {
            let feedback = summary(by_module.get(&m.id).map_or(&[][..], Vec::as_slice));
            ModuleOverview {
                module_id: m.id.clone(),
                title: m.title.get(language).clone(),
                first_attempts: counts.get(&m.id).copied().unwrap_or(0),
                feedback_count: feedback.count,
                usefulness: feedback.usefulness,
                clarity: feedback.clarity,
            }
        })
        .collect())
}
