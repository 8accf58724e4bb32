//! The team heatmap: members x competencies, each cell the member's level
//! against their job role's target. Levels come from the stored standings
//! (kept current on every evidence write), targets from the framework.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::team_access::Member;
use crate::competency;
use crate::content::Catalog;
use crate::learning::profile::role_targets;
use crate::store::standings::Standing;
use crate::store::teams::Team;

/// One cell: a member's level in one competency against their target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cell {
    pub competency: String,
    /// 0..5.
    pub level: u8,
    /// The member's job-role target (0 when the role sets none).
    pub target: u8,
    /// max(0, target - level).
    pub gap: u8,
    /// Mastery 0..1 at the next level up, when there is evidence there.
    pub next_mastery: Option<f64>,
    /// Current evidence rows behind the level.
    pub evidence: usize,
}

/// One row of the heatmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub job_role: Option<String>,
    /// Sum of the gaps over all competencies.
    pub total_gap: u32,
    pub cells: Vec<Cell>,
}

/// The team row for one competency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetencySummary {
    pub competency: String,
    pub name: String,
    /// Mean level of the members (0 when the team has none).
    pub average_level: f64,
    /// Mean gap of the members.
    pub average_gap: f64,
    /// Share 0..1 of the members at or above their target.
    pub share_at_target: f64,
}

/// `GET /api/v1/teams/{id}/heatmap`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Heatmap {
    pub team_id: Uuid,
    /// The team's name.
    pub team: String,
    /// Competency ids, in column order.
    pub competencies: Vec<String>,
    pub members: Vec<MemberRow>,
    /// The team row, one entry per column.
    pub summary: Vec<CompetencySummary>,
}

/// How to order rows and columns.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
pub struct Sorting {
    /// Rows: `name` (default), `gap` (largest total gap first), or a
    /// competency id (largest gap in it first, then lowest level).
    pub sort: Option<String>,
    /// Columns: `framework` (default) or `gap` (largest average gap first).
    pub columns: Option<String>,
}

fn cell(standing: Option<&Standing>, competency: &str, target: u8) -> Cell {
    let level = standing.map_or(0, |s| s.level);
    Cell {
        competency: competency.to_owned(),
        level,
        target,
        gap: competency::gap(target, level),
        next_mastery: standing.and_then(|s| s.mastery.get(&(level + 1)).copied()),
        evidence: standing.map_or(0, |s| s.evidence_count),
    }
}

/// Builds the heatmap. `standings` may hold rows of people who are not in
/// `members`; they are ignored.
pub fn build(
    catalog: &Catalog,
    team: &Team,
    members: &[Member],
    standings: &[Standing],
    language: &str,
    sorting: &Sorting,
) -> Heatmap {
    let framework = &catalog.course.framework;
    let mut competencies: Vec<String> = framework
        .competencies
        .iter()
        .map(|c| c.id.value.clone())
        .collect();
    let by_member: HashMap<(Uuid, &str), &Standing> = standings
        .iter()
        .map(|s| ((s.user_id, s.competency.as_str()), s))
        .collect();
    let mut targets_by_role: BTreeMap<Option<&str>, BTreeMap<String, u8>> = BTreeMap::new();
    let mut rows: Vec<MemberRow> = members
        .iter()
        .map(|member| {
            let targets = targets_by_role
                .entry(member.job_role.as_deref())
                .or_insert_with(|| role_targets(catalog, member.job_role.as_deref()));
            let cells: Vec<Cell> = competencies
                .iter()
                .map(|c| {
                    cell(
                        by_member.get(&(member.id, c.as_str())).copied(),
                        c,
                        targets.get(c).copied().unwrap_or(0),
                    )
                })
                .collect();
            MemberRow {
                id: member.id,
                email: member.email.clone(),
                name: member.name.clone(),
                job_role: member.job_role.clone(),
                total_gap: cells.iter().map(|c| u32::from(c.gap)).sum(),
                cells,
            }
        })
        .collect();

    let count = rows.len();
    let mut summary: Vec<CompetencySummary> = competencies
        .iter()
        .enumerate()
        .map(|(column, id)| {
            let cells = rows.iter().filter_map(|r| r.cells.get(column));
            let (mut levels, mut gaps, mut at_target) = (0.0, 0.0, 0usize);
            for c in cells {
                levels += f64::from(c.level);
                gaps += f64::from(c.gap);
                at_target += usize::from(c.gap == 0);
            }
            let mean = |total: f64| {
                if count == 0 {
                    0.0
                } else {
                    total / count as f64
                }
            };
            CompetencySummary {
                competency: id.clone(),
                name: framework
                    .competency(id)
                    .map_or_else(|| id.clone(), |c| c.name.get(language).clone()),
                average_level: mean(levels),
                average_gap: mean(gaps),
                share_at_target: if count == 0 {
                    0.0
                } else {
                    at_target as f64 / count as f64
                },
            }
        })
        .collect();

    if sorting.columns.as_deref() == Some("gap") {
        let mut order: Vec<usize> = (0..competencies.len()).collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (&summary[a], &summary[b]);
            sb.average_gap
                .total_cmp(&sa.average_gap)
                .then_with(|| sa.competency.cmp(&sb.competency))
        });
        permute(&mut competencies, &order);
        permute(&mut summary, &order);
        for row in &mut rows {
            permute(&mut row.cells, &order);
        }
    }

    match sorting.sort.as_deref() {
        None | Some("name") => {}
        Some("gap") => rows.sort_by_key(|r| std::cmp::Reverse(r.total_gap)),
        Some(id) => {
            if let Some(column) = competencies.iter().position(|c| c == id) {
                let key = |r: &MemberRow| r.cells.get(column).map_or((0, 0), |c| (c.gap, c.level));
                rows.sort_by(|a, b| {
                    let (ga, la) = key(a);
                    let (gb, lb) = key(b);
                    gb.cmp(&ga).then(la.cmp(&lb))
                });
            }
        }
    }

    Heatmap {
        team_id: team.id,
        team: team.name.clone(),
        competencies,
        members: rows,
        summary,
    }
}

/// Reorders `list` so that position i holds the old element `order[i]`.
fn permute<T: Clone>(list: &mut Vec<T>, order: &[usize]) {
    let reordered: Vec<T> = order.iter().filter_map(|&i| list.get(i).cloned()).collect();
    *list = reordered;
}
