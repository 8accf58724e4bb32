//! Per-learner competency standings: the level and mastery the competency
//! model gives each learner in each competency, stored so that a manager's
//! heatmap reads one row per member and competency instead of replaying
//! every evidence row. They are recomputed from the learner's evidence in
//! the same transaction that adds evidence, so they never disagree with it.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::{competency_standing, evidence, learner_standing, team_member, user};
use super::write_tx::WriteTx;
use super::{StoreError, now};
use crate::competency::{self, ModelSettings};

/// One learner's standing in one competency.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub user_id: Uuid,
    pub competency: String,
    pub level: u8,
    /// Mastery 0..1 per level that has current evidence.
    pub mastery: BTreeMap<u8, f64>,
    /// How many current (not superseded) evidence rows stand behind it.
    pub evidence_count: usize,
}

/// The columns a [`Standing`] is read from: a heatmap reads 20,000 of
/// them at a time, so only these are selected, and as a plain tuple.
pub(super) type StandingRow = (Uuid, String, i16, String, i32);

fn select_standings() -> sea_orm::Select<competency_standing::Entity> {
    competency_standing::Entity::find().select_only().columns([
        competency_standing::Column::UserId,
        competency_standing::Column::Competency,
        competency_standing::Column::Level,
        competency_standing::Column::Mastery,
        competency_standing::Column::EvidenceCount,
    ])
}

pub(super) fn from_row(
    (user_id, competency, level, mastery, evidence_count): StandingRow,
) -> Standing {
    let mastery: BTreeMap<String, f64> = serde_json::from_str(&mastery).unwrap_or_else(|error| {
        tracing::warn!(user = %user_id, %competency, %error, "unreadable stored mastery; shown as none");
        BTreeMap::new()
    });
    Standing {
        user_id,
        competency,
        level: u8::try_from(level).unwrap_or(0),
        mastery: mastery
            .into_iter()
            .filter_map(|(level, value)| Some((level.parse().ok()?, value)))
            .collect(),
        evidence_count: usize::try_from(evidence_count).unwrap_or(0),
    }
}

/// Serialises writers of one learner's evidence on PostgreSQL, so that two
/// transactions adding evidence at once cannot each recompute a standing
/// without the other's rows. (SQLite has one writer at a time already.)
pub async fn lock_learner(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        user::Entity::find_by_id(user_id)
            .select_only()
            .column(user::Column::Id)
            .lock_exclusive()
            .into_tuple::<Uuid>()
            .one(db)
            .await?;
    }
    Ok(())
}

/// Recomputes the learner's standings in these competencies from their
/// current evidence. Call inside the transaction that added the evidence,
/// after [`lock_learner`].
pub async fn refresh(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    competencies: &BTreeSet<String>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if competencies.is_empty() {
        return Ok(());
    }
    let current = super::current_evidence::of_learner(db, user_id, Some(competencies)).await?;
    refresh_from(db, user_id, competencies, current, at).await
}

/// [`refresh`] from the learner's current rows in `competencies`, already read.
pub async fn refresh_from(
    db: &impl WriteTx,
    user_id: Uuid,
    competencies: &BTreeSet<String>,
    mut history: Vec<crate::competency::Evidence>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if competencies.is_empty() {
        return Ok(());
    }
    // Overdue review cards weaken their questions' results.
    let cards = db.review_cards(user_id).await?;
    crate::review::retention::apply(&mut history, &cards, at);
    let standings = competency::profile(
        &history,
        competencies.iter().map(|c| (c.as_str(), 0)),
        at,
        &ModelSettings::default(),
    );
    let models = standings.into_iter().map(|standing| {
        let mastery: BTreeMap<String, f64> = standing
            .mastery
            .iter()
            .map(|(level, value)| (level.to_string(), *value))
            .collect();
        competency_standing::ActiveModel {
            user_id: Set(user_id),
            competency: Set(standing.competency.clone()),
            level: Set(i16::from(standing.level)),
            mastery: Set(serde_json::to_string(&mastery).unwrap_or_else(|_| "{}".to_owned())),
            evidence_count: Set(i32::try_from(standing.evidence_count()).unwrap_or(i32::MAX)),
            computed_at: Set(at),
        }
    });
    let statement = competency_standing::Entity::insert_many(models)
        .on_conflict(
            OnConflict::columns([
                competency_standing::Column::UserId,
                competency_standing::Column::Competency,
            ])
            .update_columns([
                competency_standing::Column::Level,
                competency_standing::Column::Mastery,
                competency_standing::Column::EvidenceCount,
                competency_standing::Column::ComputedAt,
            ])
            .to_owned(),
        )
        .build(db.backend());
    db.execute(statement).await?;
    write_learner_row(db, user_id, at).await
}

/// One competency in a learner row's JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredStanding {
    competency: String,
    level: u8,
    mastery: BTreeMap<u8, f64>,
    evidence: usize,
}

/// Rewrites the learner's row in `learner_standings` from their
/// per-competency standings (call after changing those, in the same
/// transaction).
async fn write_learner_row(
    db: &impl WriteTx,
    user_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let stored: Vec<StoredStanding> = db
        .standings(user_id)
        .await?
        .into_iter()
        .map(|s| StoredStanding {
            competency: s.competency,
            level: s.level,
            mastery: s.mastery,
            evidence: s.evidence_count,
        })
        .collect();
    let document = serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned());
    let statement = learner_standing::Entity::insert(learner_standing::ActiveModel {
        user_id: Set(user_id),
        standings: Set(document),
        computed_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(learner_standing::Column::UserId)
            .update_columns([
                learner_standing::Column::Standings,
                learner_standing::Column::ComputedAt,
            ])
            .to_owned(),
    )
    .build(db.backend());
    db.execute(statement).await?;
    Ok(())
}

/// Writes the learner rows of everyone who has standings: run once after
/// the migration that created `learner_standings`. Returns how many.
pub async fn fill_learner_rows(db: &impl ConnectionTrait) -> Result<usize, StoreError> {
    let learners: Vec<Uuid> = competency_standing::Entity::find()
        .select_only()
        .column(competency_standing::Column::UserId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let at = now();
    for user_id in &learners {
        write_learner_row(db, *user_id, at).await?;
    }
    Ok(learners.len())
}

/// The standings of every member of a team (managers who are not also
/// members are left out), in no particular order.
pub async fn of_team(
    db: &impl ConnectionTrait,
    team_id: Uuid,
) -> Result<Vec<Standing>, StoreError> {
    let members = Query::select()
        .column(team_member::Column::UserId)
        .from(team_member::Entity)
        .and_where(team_member::Column::TeamId.eq(team_id))
        .and_where(team_member::Column::IsManager.eq(false))
        .to_owned();
    let rows: Vec<(Uuid, String)> = learner_standing::Entity::find()
        .select_only()
        .columns([
            learner_standing::Column::UserId,
            learner_standing::Column::Standings,
        ])
        .filter(learner_standing::Column::UserId.in_subquery(members))
        .into_tuple()
        .all(db)
        .await?;
    let mut standings = Vec::with_capacity(rows.len() * 20);
    for (user_id, document) in rows {
        let stored: Vec<StoredStanding> = serde_json::from_str(&document).unwrap_or_else(|error| {
            tracing::warn!(user = %user_id, %error, "unreadable stored standings; shown as none");
            Vec::new()
        });
        standings.extend(stored.into_iter().map(|s| Standing {
            user_id,
            competency: s.competency,
            level: s.level,
            mastery: s.mastery,
            evidence_count: s.evidence,
        }));
    }
    Ok(standings)
}

/// One learner's standings.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Standing>, StoreError> {
    Ok(select_standings()
        .filter(competency_standing::Column::UserId.eq(user_id))
        .order_by_asc(competency_standing::Column::Competency)
        .into_tuple::<StandingRow>()
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect())
}

/// Recomputes every learner's current rows and standings from their whole
/// evidence history: run after the migration that created the standings
/// table, so databases with earlier evidence start with correct standings
/// (and by the heatmap benchmark, which inserts evidence directly). Returns how many learners were updated.
pub async fn rebuild_all(db: &impl ConnectionTrait) -> Result<usize, StoreError> {
    let pairs: Vec<(Uuid, String)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::UserId)
        .column(evidence::Column::Competency)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut by_user: BTreeMap<Uuid, BTreeSet<String>> = BTreeMap::new();
    for (user_id, competency) in pairs {
        by_user.entry(user_id).or_default().insert(competency);
    }
    let at = now();
    for (user_id, competencies) in &by_user {
        super::current_evidence::rebuild(db, *user_id).await?;
        refresh(db, *user_id, competencies, at).await?;
    }
    Ok(by_user.len())
}
