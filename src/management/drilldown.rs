//! A heatmap cell opened: the evidence behind a member's level in one
//! competency, with links to where it came from, and the modules tagged with
//! that competency at the next level, which would close the gap.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::team_access::Member;
use crate::competency::{self, ModelSettings, Source};
use crate::content::Catalog;
use crate::learning::journey;
use crate::learning::profile::role_targets;
use crate::learning::{LearningError, rfc3339};
use crate::review::scheduler::retrievability;
use crate::store::teams::Team;
use crate::store::{evidence, progress};

/// One current piece of evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceItem {
    /// `quiz`, `roleplay`, `rubric`, `completion` or `review`.
    pub source: String,
    /// The item key, e.g. `quiz:discovery-basics/open-questions`.
    pub item: String,
    /// What the item is, for people: the question id, role-play or criterion.
    pub label: String,
    pub module_id: Option<String>,
    pub module_title: Option<String>,
    pub level: u8,
    pub score: f64,
    pub weight: f64,
    pub recorded_at: String,
    /// The page of the attempt, run or review it came from.
    pub link: Option<String>,
}

/// A module that would raise the level.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleToClose {
    pub module_id: String,
    pub title: String,
    pub level: i64,
    pub minutes: i64,
    /// The member has read it and passed its quiz.
    pub done: bool,
    /// Due date of the member's open assignment of it, when there is one.
    pub assigned_due: Option<String>,
}

/// `GET /api/v1/teams/{id}/members/{user}/competencies/{competency}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrillDown {
    pub team_id: Uuid,
    pub team: String,
    pub member: Member,
    pub competency: String,
    pub competency_name: String,
    pub level: u8,
    pub target: u8,
    pub gap: u8,
    /// Mastery 0..1 per level with evidence, keyed "1".."5".
    pub mastery: BTreeMap<String, f64>,
    /// Current evidence (superseded results left out), newest first.
    pub evidence: Vec<EvidenceItem>,
    /// Modules at the next level up (else the nearest level above).
    pub modules: Vec<ModuleToClose>,
    /// The member's review cards in this competency: "knew it, forgetting it".
    pub review: ReviewHealth,
}

/// How well the member keeps this competency's questions fresh.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReviewHealth {
    pub cards: usize,
    /// Cards due or overdue now.
    pub due: usize,
    /// `due / cards` (0 without cards).
    pub due_share: f64,
    /// Mean chance 0..1 of recalling the cards now, when there are cards.
    pub average_retrievability: Option<f64>,
}

/// Where an evidence row came from, as a page address.
fn link(source: Source, path: &str, origin: Option<Uuid>) -> Option<String> {
    let module = path.split('/').next().unwrap_or(path);
    match source {
        Source::QuizQuestion => origin.map(|id| format!("/attempts/{id}")),
        Source::RolePlay => {
            let name = path.split('/').nth(1)?;
            origin.map(|id| format!("/modules/{module}/roleplays/{name}?run={id}"))
        }
        Source::RubricReview => origin.map(|id| format!("/trainer/reviews/{id}")),
        Source::Completion => Some(format!("/modules/{module}")),
        Source::DailyReview => None,
    }
}

fn label(source: Source, path: &str, catalog: &Catalog, language: &str) -> String {
    let mut parts = path.split('/');
    let module = parts.next().unwrap_or(path);
    let rest: Vec<&str> = parts.collect();
    let roleplay_title = |name: &str| {
        catalog
            .module(module)
            .and_then(|m| m.roleplays.iter().find(|r| r.name == name))
            .map_or_else(|| name.to_owned(), |r| r.title.get(language).clone())
    };
    match (source, rest.as_slice()) {
        (Source::RolePlay, [name]) => roleplay_title(name),
        (Source::RubricReview, [name, criterion]) => {
            let text = criterion.parse::<usize>().ok().and_then(|index| {
                catalog
                    .module(module)?
                    .roleplays
                    .iter()
                    .find(|r| r.name == *name)?
                    .rubric
                    .get(language)
                    .get(index)
                    .map(|c| c.criterion.clone())
            });
            match text {
                Some(text) => format!("{} — {text}", roleplay_title(name)),
                None => format!("{} — {criterion}", roleplay_title(name)),
            }
        }
        (_, [question]) => (*question).to_owned(),
        _ => path.to_owned(),
    }
}

pub async fn build(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    team: &Team,
    member: Member,
    competency_id: &str,
    language: &str,
    at: time::OffsetDateTime,
) -> Result<DrillDown, LearningError> {
    let framework = &catalog.course.framework;
    let Some(found) = framework.competency(competency_id) else {
        return Err(LearningError::NotFound(format!(
            "no competency `{competency_id}` in the framework; use an id from the heatmap's `competencies`"
        )));
    };
    let target = role_targets(catalog, member.job_role.as_deref())
        .get(competency_id)
        .copied()
        .unwrap_or(0);
    let mut history = evidence::history(db, member.id).await?;
    let all_cards = crate::store::review_cards::all_of(db, member.id).await?;
    crate::review::retention::apply(&mut history, &all_cards, at);
    let standings = competency::profile(
        &history,
        [(competency_id, target)],
        at,
        &ModelSettings::default(),
    );
    let standing = standings.into_iter().next();
    let level = standing.as_ref().map_or(0, |s| s.level);
    let items: Vec<EvidenceItem> = standing
        .as_ref()
        .map(|s| {
            s.evidence
                .iter()
                .map(|e| {
                    let path = e.item.split_once(':').map_or(e.item.as_str(), |(_, p)| p);
                    let module_id = path.split('/').next().map(str::to_owned);
                    EvidenceItem {
                        source: e.source.as_str().to_owned(),
                        item: e.item.clone(),
                        label: label(e.source, path, catalog, language),
                        module_title: module_id
                            .as_deref()
                            .and_then(|m| catalog.module(m))
                            .map(|m| m.title.get(language).clone()),
                        module_id,
                        level: e.level,
                        score: e.score,
                        weight: e.weight,
                        recorded_at: rfc3339(e.recorded_at),
                        link: link(e.source, path, e.origin),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mastery = standing
        .as_ref()
        .map(|s| s.mastery.iter().map(|(l, m)| (l.to_string(), *m)).collect())
        .unwrap_or_default();

    let done = journey::done(db, member.id).await?;
    let open: BTreeMap<String, String> = progress::assignments(db, member.id)
        .await?
        .into_iter()
        .filter(|a| a.completed_at.is_none())
        .map(|a| (a.module_id, rfc3339(a.due_at)))
        .collect();
    let wanted = i64::from(level) + 1;
    let mut candidates: Vec<_> = catalog
        .modules
        .iter()
        .filter(|m| m.competencies.iter().any(|c| c == competency_id) && m.level >= wanted)
        .collect();
    candidates.sort_by_key(|m| m.level);
    let nearest = candidates.first().map(|m| m.level);
    let modules = candidates
        .into_iter()
        .filter(|m| Some(m.level) == nearest)
        .map(|m| ModuleToClose {
            module_id: m.id.clone(),
            title: m.title.get(language).clone(),
            level: m.level,
            minutes: m.minutes,
            done: done.module_done(catalog, &m.id),
            assigned_due: open.get(&m.id).cloned(),
        })
        .collect();

    let cards: Vec<_> = all_cards
        .into_iter()
        .filter(|c| c.competency == competency_id)
        .collect();
    let review = if cards.is_empty() {
        ReviewHealth::default()
    } else {
        let due = cards.iter().filter(|c| c.due <= at).count();
        let total: f64 = cards
            .iter()
            .map(|c| retrievability(&crate::review::cards::state_of(c), at))
            .sum();
        ReviewHealth {
            cards: cards.len(),
            due,
            due_share: due as f64 / cards.len() as f64,
            average_retrievability: Some(total / cards.len() as f64),
        }
    };
    Ok(DrillDown {
        team_id: team.id,
        team: team.name.clone(),
        member,
        competency: competency_id.to_owned(),
        competency_name: found.name.get(language).clone(),
        level,
        target,
        gap: competency::gap(target, level),
        mastery,
        evidence: items,
        modules,
        review,
    })
}
