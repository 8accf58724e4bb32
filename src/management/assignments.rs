//! Assigning modules or whole paths to team members with a due date, and the
//! team's assignment list with what is overdue. An assignment is completed
//! when its module is done (lesson read, quiz passed where there is one);
//! the learning services close it at that moment.

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};
use utoipa::ToSchema;
use uuid::Uuid;

use super::team_access::Member;
use crate::content::Catalog;
use crate::learning::{LearningError, journey, rfc3339};
use crate::store::{StoreError, assignments, now};
use crate::time_zone::Zone;

/// What to assign: one module, or every module of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignable {
    Module(String),
    Path(String),
}

/// A validated request to assign.
#[derive(Debug, Clone)]
pub struct AssignInput {
    pub what: Assignable,
    /// Member ids; empty means the whole team.
    pub members: Vec<Uuid>,
    pub due_at: OffsetDateTime,
}

/// One assignment as a manager sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    pub member_id: Uuid,
    pub member_email: String,
    pub member_name: String,
    pub module_id: String,
    pub module_title: String,
    pub due_at: String,
    pub assigned_at: String,
    pub completed_at: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
    /// Whole days past the due date (0 when not overdue).
    pub days_late: i64,
}

/// What an assign request did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct AssignOutcome {
    /// New assignments.
    pub created: Vec<AssignmentView>,
    /// Open assignments that only had their due date moved.
    pub rescheduled: Vec<AssignmentView>,
    /// Member and module pairs left out because the member has done the module.
    pub already_done: Vec<DonePair>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DonePair {
    pub member_email: String,
    pub module_id: String,
}

/// Which assignments to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Not completed yet (the default).
    #[default]
    Open,
    /// Open and past the due date, most late first.
    Overdue,
    Completed,
    All,
}

/// Parses a due date: `YYYY-MM-DD` (due at the end of that day in the
/// assigner's time zone) or an RFC 3339 time. It may not lie in the past.
pub fn parse_due(
    raw: &str,
    zone: &Zone,
    at: OffsetDateTime,
) -> Result<OffsetDateTime, LearningError> {
    let raw = raw.trim();
    let due = if let Ok(date) = Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        zone.end_of_day(date)
    } else if let Ok(moment) = OffsetDateTime::parse(raw, &Rfc3339) {
        moment.to_offset(UtcOffset::UTC)
    } else {
        return Err(LearningError::Invalid(format!(
            "`{raw}` is not a due date; write it as YYYY-MM-DD, e.g. 2026-12-31"
        )));
    };
    if due < at {
        return Err(LearningError::Invalid(format!(
            "the due date {raw} is in the past; pick today or a later day"
        )));
    }
    Ok(due)
}

/// The module ids `what` stands for, checked against the catalog.
pub fn modules_of(catalog: &Catalog, what: &Assignable) -> Result<Vec<String>, LearningError> {
    match what {
        Assignable::Module(id) => catalog
            .module(id)
            .map(|m| vec![m.id.clone()])
            .ok_or_else(|| {
                LearningError::Invalid(format!(
                    "no module `{id}`; pick a module id from GET /api/v1/modules"
                ))
            }),
        Assignable::Path(id) => catalog
            .course
            .paths
            .iter()
            .find(|p| p.id.value == *id)
            .map(|p| {
                let mut ids: Vec<String> = Vec::new();
                for module in p.stages.iter().flat_map(|s| s.modules.iter()) {
                    if !ids.contains(&module.value) && catalog.module(&module.value).is_some() {
                        ids.push(module.value.clone());
                    }
                }
                ids
            })
            .ok_or_else(|| {
                let known: Vec<&str> = catalog
                    .course
                    .paths
                    .iter()
                    .map(|p| p.id.value.as_str())
                    .collect();
                LearningError::Invalid(format!("no path `{id}`; known paths: {}", known.join(", ")))
            }),
    }
}

fn view(
    row: &assignments::AssignmentRow,
    member: &Member,
    catalog: &Catalog,
    language: &str,
    at: OffsetDateTime,
) -> AssignmentView {
    let overdue = row.completed_at.is_none() && row.due_at < at;
    AssignmentView {
        id: row.id,
        member_id: member.id,
        member_email: member.email.clone(),
        member_name: member.name.clone(),
        module_id: row.module_id.clone(),
        module_title: catalog
            .module(&row.module_id)
            .map_or_else(|| row.module_id.clone(), |m| m.title.get(language).clone()),
        due_at: rfc3339(row.due_at),
        assigned_at: rfc3339(row.assigned_at),
        completed_at: row.completed_at.map(rfc3339),
        overdue,
        days_late: if overdue {
            (at - row.due_at).whole_days()
        } else {
            0
        },
    }
}

/// Assigns the modules to the chosen members (all of `team_members` when
/// none are chosen), in one transaction. Assigning an open assignment again
/// moves its due date; a module the member has done is reported, not assigned.
pub async fn assign(
    db: &DatabaseConnection,
    catalog: &Catalog,
    team_members: &[Member],
    assigned_by: Uuid,
    input: &AssignInput,
    language: &str,
) -> Result<AssignOutcome, LearningError> {
    let modules = modules_of(catalog, &input.what)?;
    let chosen: Vec<&Member> = if input.members.is_empty() {
        team_members.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for id in &input.members {
            let member = team_members.iter().find(|m| m.id == *id).ok_or_else(|| {
                LearningError::Invalid(format!(
                    "{id} is not a member of this team; pick members from the team's heatmap"
                ))
            })?;
            if !chosen.iter().any(|m: &&Member| m.id == member.id) {
                chosen.push(member);
            }
        }
        chosen
    };
    if chosen.is_empty() {
        return Err(LearningError::Invalid(
            "the team has no members yet; add members before assigning".into(),
        ));
    }
    let at = now();
    let mut outcome = AssignOutcome::default();
    let _turn = crate::store::write_turn::take(db).await;
    let tx = db.begin().await.map_err(StoreError::from)?;
    for member in chosen {
        let done = journey::done(&tx, member.id).await?;
        for module in &modules {
            if done.module_done(catalog, module) {
                outcome.already_done.push(DonePair {
                    member_email: member.email.clone(),
                    module_id: module.clone(),
                });
                continue;
            }
            match assignments::open_one(&tx, member.id, module).await? {
                Some(open) => {
                    let row = assignments::set_due(&tx, open, assigned_by, input.due_at).await?;
                    outcome
                        .rescheduled
                        .push(view(&row, member, catalog, language, at));
                }
                None => {
                    let row =
                        assignments::insert(&tx, member.id, module, assigned_by, input.due_at, at)
                            .await?;
                    outcome
                        .created
                        .push(view(&row, member, catalog, language, at));
                }
            }
        }
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(outcome)
}

/// The team's assignments matching `status`: open ones by due date, overdue
/// ones most late first, completed ones newest first.
pub async fn of_team(
    db: &DatabaseConnection,
    catalog: &Catalog,
    members: &[Member],
    status: StatusFilter,
    language: &str,
) -> Result<Vec<AssignmentView>, LearningError> {
    let at = now();
    let by_id: HashMap<Uuid, &Member> = members.iter().map(|m| (m.id, m)).collect();
    let rows = assignments::of_users(db, by_id.keys().copied()).await?;
    let mut list: Vec<AssignmentView> = rows
        .iter()
        .filter_map(|row| Some(view(row, by_id.get(&row.user_id)?, catalog, language, at)))
        .filter(|v| match status {
            StatusFilter::Open => v.completed_at.is_none(),
            StatusFilter::Overdue => v.overdue,
            StatusFilter::Completed => v.completed_at.is_some(),
            StatusFilter::All => true,
        })
        .collect();
    match status {
        StatusFilter::Overdue => list.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then_with(|| a.member_name.cmp(&b.member_name))
        }),
        StatusFilter::Completed => list.sort_by(|a, b| b.completed_at.cmp(&a.completed_at)),
        StatusFilter::Open | StatusFilter::All => {}
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_date_is_due_at_the_end_of_that_day() {
        let at = datetime!(2026-11-23 10:00 UTC);
        assert_eq!(
            parse_due("2026-12-01", &Zone::utc(), at).ok(),
            Some(datetime!(2026-12-01 23:59:59 UTC))
        );
        assert_eq!(
            parse_due(" 2026-11-23 ", &Zone::utc(), at).ok(),
            Some(datetime!(2026-11-23 23:59:59 UTC))
        );
    }

    #[test]
    fn a_date_ends_at_midnight_where_the_assigner_is() {
        let at = datetime!(2026-11-23 10:00 UTC);
        let shanghai = Zone::named("Asia/Shanghai").unwrap();
        assert_eq!(
            parse_due("2026-12-01", &shanghai, at).ok(),
            Some(datetime!(2026-12-01 15:59:59 UTC))
        );
    }

    #[test]
    fn rfc3339_times_are_kept_in_utc() {
        let at = datetime!(2026-11-23 10:00 UTC);
        assert_eq!(
            parse_due("2026-11-24T09:00:00+08:00", &Zone::utc(), at).ok(),
            Some(datetime!(2026-11-24 01:00 UTC))
        );
    }

    #[test]
    fn past_and_malformed_dates_say_what_to_send() {
        let at = datetime!(2026-11-23 10:00 UTC);
        let past = parse_due("2026-11-22", &Zone::utc(), at)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(past.contains("in the past"), "{past}");
        let bad = parse_due("next friday", &Zone::utc(), at)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(bad.contains("YYYY-MM-DD"), "{bad}");
    }
}
