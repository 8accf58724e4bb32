//! A learner's competency profile: the model of `competency.rs` applied to
//! their evidence and their job role's targets, plus the modules that would
//! close the largest gaps.

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::progress::Done;
use crate::competency::{self, Evidence, ModelSettings};
use crate::content::Catalog;

/// One competency on the profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetencyView {
    pub id: String,
    pub name: String,
    /// 0..5.
    pub level: u8,
    /// The job role's target (0 when the role sets none).
    pub target: u8,
    /// max(0, target - level).
    pub gap: u8,
    /// Mastery 0..1 per tested level, keyed "1".."5".
    pub mastery: BTreeMap<String, f64>,
    /// The evidence behind the level, newest first.
    pub evidence: Vec<EvidenceView>,
}

/// One piece of current evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceView {
    /// `quiz`, `roleplay`, `rubric`, `completion` or `review`.
    pub source: String,
    /// The item, e.g. `quiz:objection-handling/listen-first`.
    pub item: String,
    /// The module the item belongs to.
    pub module_id: Option<String>,
    pub level: u8,
    pub score: f64,
    pub weight: f64,
    pub recorded_at: String,
    /// The attempt or run it came from.
    pub origin: Option<uuid::Uuid>,
}

/// A module that would raise a level where the role asks for more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendation {
    pub module_id: String,
    pub title: String,
    pub competency: String,
    pub level: i64,
    pub gap: u8,
}

/// `GET /api/v1/me/competencies`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    /// The job role id, or null when none is set.
    pub role: Option<String>,
    pub competencies: Vec<CompetencyView>,
    /// Modules that close the largest gaps next, largest gap first.
    pub next_modules: Vec<Recommendation>,
}

fn module_of_item(item: &str) -> Option<String> {
    let (_, path) = item.split_once(':')?;
    Some(path.split('/').next().unwrap_or(path).to_owned())
}

/// Targets of a job role: competency id -> level.
pub fn role_targets(catalog: &Catalog, role: Option<&str>) -> BTreeMap<String, u8> {
    let Some(role) = role else {
        return BTreeMap::new();
    };
    catalog
        .course
        .framework
        .role(role)
        .map(|r| {
            r.targets
                .iter()
                .map(|t| {
                    (
                        t.competency.value.clone(),
                        u8::try_from(t.level.value).unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn build(
    catalog: &Catalog,
    role: Option<&str>,
    history: &[Evidence],
    done: &Done,
    language: &str,
    now: OffsetDateTime,
    settings: &ModelSettings,
) -> ProfileView {
    let targets = role_targets(catalog, role);
    let framework = &catalog.course.framework;
    let list: Vec<(&str, u8)> = framework
        .competencies
        .iter()
        .map(|c| {
            let id = c.id.value.as_str();
            (id, targets.get(id).copied().unwrap_or(0))
        })
        .collect();
    let standings = competency::profile(history, list.iter().copied(), now, settings);
    let competencies: Vec<CompetencyView> = standings
        .iter()
        .map(|s| CompetencyView {
            id: s.competency.clone(),
            name: framework
                .competencies
                .iter()
                .find(|c| c.id.value == s.competency)
                .map_or_else(|| s.competency.clone(), |c| c.name.get(language).clone()),
            level: s.level,
            target: s.target,
            gap: s.gap,
            mastery: s.mastery.iter().map(|(l, m)| (l.to_string(), *m)).collect(),
            evidence: s
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    source: e.source.as_str().to_owned(),
                    item: e.item.clone(),
                    module_id: module_of_item(&e.item),
                    level: e.level,
                    score: e.score,
                    weight: e.weight,
                    recorded_at: super::rfc3339(e.recorded_at),
                    origin: e.origin,
                })
                .collect(),
        })
        .collect();

    // Largest gaps first; for each, the modules tagged with the competency at
    // the next level (else the nearest level above), not done yet.
    let mut gaps: Vec<&CompetencyView> = competencies.iter().filter(|c| c.gap > 0).collect();
    gaps.sort_by(|a, b| b.gap.cmp(&a.gap).then_with(|| a.id.cmp(&b.id)));
    let mut next_modules: Vec<Recommendation> = Vec::new();
    for gap in gaps {
        let wanted = i64::from(gap.level) + 1;
        let mut candidates: Vec<_> = catalog
            .modules
            .iter()
            .filter(|m| m.competencies.contains(&gap.id))
            .filter(|m| m.level >= wanted)
            .filter(|m| !done.module_done(catalog, &m.id))
            .collect();
        candidates.sort_by_key(|m| m.level);
        let Some(best_level) = candidates.first().map(|m| m.level) else {
            continue;
        };
        for module in candidates.into_iter().filter(|m| m.level == best_level) {
            if next_modules.iter().any(|r| r.module_id == module.id) {
                continue;
            }
            next_modules.push(Recommendation {
                module_id: module.id.clone(),
                title: module.title.get(language).clone(),
                competency: gap.id.clone(),
                level: module.level,
                gap: gap.gap,
            });
        }
    }
    next_modules.truncate(5);
    ProfileView {
        role: role.map(str::to_owned),
        competencies,
        next_modules,
    }
}
