//! CSV exports for spreadsheet programs: UTF-8 with a byte-order mark, so
//! Excel and WPS open Chinese names correctly. One file of levels (a row per
//! member and competency) and one of evidence (a row per evidence row).

use std::collections::HashSet;

use time::OffsetDateTime;

use crate::competency::{self, Evidence};
use crate::content::Catalog;
use crate::learning::profile::role_targets;
use crate::learning::rfc3339;
use crate::management::Member;
use crate::store::standings::Standing;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// Header of the levels file.
pub const LEVEL_COLUMNS: [&str; 14] = [
    "team",
    "email",
    "name",
    "job_role",
    "competency",
    "competency_name",
    "level",
    "target",
    "gap",
    "mastery_1",
    "mastery_2",
    "mastery_3",
    "mastery_4",
    "mastery_5",
];

/// One team's members and their standings, for [`levels`].
pub struct TeamLevels<'a> {
    pub team: &'a str,
    pub members: &'a [Member],
    pub standings: &'a [Standing],
}

/// Levels: one row per member and competency of the framework.
pub fn levels(
    catalog: &Catalog,
    teams: &[TeamLevels<'_>],
    language: &str,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer();
    out.write_record(LEVEL_COLUMNS)?;
    let framework = &catalog.course.framework;
    for team in teams {
        let by_cell: std::collections::HashMap<(uuid::Uuid, &str), &Standing> = team
            .standings
            .iter()
            .map(|s| ((s.user_id, s.competency.as_str()), s))
            .collect();
        for member in team.members {
            let targets = role_targets(catalog, member.job_role.as_deref());
            for c in &framework.competencies {
                let id = c.id.value.as_str();
                let standing = by_cell.get(&(member.id, id)).copied();
                let level = standing.map_or(0, |s| s.level);
                let target = targets.get(id).copied().unwrap_or(0);
                let mastery = |l: u8| {
                    standing
                        .and_then(|s| s.mastery.get(&l))
                        .map(|m| format!("{m:.3}"))
                        .unwrap_or_default()
                };
                out.write_record([
                    team.team.to_owned(),
                    member.email.clone(),
                    member.name.clone(),
                    member.job_role.clone().unwrap_or_default(),
                    id.to_owned(),
                    c.name.get(language).clone(),
                    level.to_string(),
                    target.to_string(),
                    competency::gap(target, level).to_string(),
                    mastery(1),
                    mastery(2),
                    mastery(3),
                    mastery(4),
                    mastery(5),
                ])?;
            }
        }
    }
    finish(out)
}

/// Header of the evidence file.
pub const EVIDENCE_COLUMNS: [&str; 11] = [
    "team",
    "email",
    "name",
    "competency",
    "level",
    "score",
    "weight",
    "source",
    "item",
    "recorded_at",
    "current",
];

/// One member's evidence history, for [`evidence`].
pub struct MemberEvidence<'a> {
    pub team: &'a str,
    pub member: &'a Member,
    pub history: &'a [Evidence],
}

/// Evidence: every row (superseded ones too, marked `current` = no) at or
/// after `since`.
pub fn evidence(
    rows: &[MemberEvidence<'_>],
    since: Option<OffsetDateTime>,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer();
    out.write_record(EVIDENCE_COLUMNS)?;
    for row in rows {
        let current: HashSet<uuid::Uuid> = competency::current_evidence(row.history)
            .into_iter()
            .map(|e| e.id)
            .collect();
        for e in row.history {
            if since.is_some_and(|since| e.recorded_at < since) {
                continue;
            }
            out.write_record([
                row.team.to_owned(),
                row.member.email.clone(),
                row.member.name.clone(),
                e.competency.clone(),
                e.level.to_string(),
                format!("{:.3}", e.score),
                format!("{}", e.weight),
                e.source.as_str().to_owned(),
                e.item.clone(),
                rfc3339(e.recorded_at),
                if current.contains(&e.id) { "yes" } else { "no" }.to_owned(),
            ])?;
        }
    }
    finish(out)
}
