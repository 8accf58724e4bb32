//! Which evidence row is each learner's current result per item (the
//! `current_evidence` table). Evidence is only ever added, so a learner who
//! retakes a quiz many times has many rows per question, of which only the
//! latest counts. Recomputing standings reads these rows, whose number is
//! bounded by the items a learner has answered, instead of the whole
//! history. They are kept in step with `evidence` in the transaction that
//! adds it ([`advance`]), and can be rebuilt from the history ([`rebuild`]).

use std::collections::{BTreeSet, HashSet};

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::entities::{current_evidence, evidence};
use super::write_tx::WriteTx;
use super::{StoreError, evidence as history};
use crate::competency::{self, Evidence};

/// Rows per INSERT when rebuilding: 4 values each, far below the bound
/// variables either database allows in one statement.
const CHUNK: usize = 1_000;

/// The stored form of a row's supersession key within its competency: the
/// item key with its family normalised (`review:` reads as `quiz:`).
pub fn item_key(row: &Evidence) -> String {
    let key = row.supersession_key();
    format!("{}:{}", key.family, key.path)
}

/// The learner's current rows, in these competencies when given.
pub async fn of_learner(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    competencies: Option<&BTreeSet<String>>,
) -> Result<Vec<Evidence>, StoreError> {
    let mut current = Query::select()
        .column(current_evidence::Column::EvidenceId)
        .from(current_evidence::Entity)
        .and_where(current_evidence::Column::UserId.eq(user_id))
        .to_owned();
    if let Some(competencies) = competencies {
        current.and_where(current_evidence::Column::Competency.is_in(competencies.iter().cloned()));
    }
    let models = evidence::Entity::find()
        .filter(evidence::Column::Id.in_subquery(current))
        .all(db)
        .await?;
    Ok(models
        .into_iter()
        .filter_map(history::to_evidence)
        .collect())
}

/// Takes rows just added to the learner's evidence into account: each
/// becomes the current result of its item unless the stored one is more
/// recent ([`competency::compare_recency`]); unusable rows never do.
/// Returns the learner's current rows in `competencies` afterwards, which
/// must include every competency of `added`. Call in the transaction that
/// inserted `added`, with the learner locked ([`super::standings::lock_learner`]).
pub async fn advance(
    db: &impl WriteTx,
    user_id: Uuid,
    added: &[Evidence],
    competencies: &BTreeSet<String>,
) -> Result<Vec<Evidence>, StoreError> {
    let stored = db.current_evidence(user_id, competencies).await?;
    let stored_ids: HashSet<Uuid> = stored.iter().map(|row| row.id).collect();
    let current: Vec<Evidence> = competency::current_evidence(stored.iter().chain(added))
        .into_iter()
        .cloned()
        .collect();
    let changed: Vec<&Evidence> = current
        .iter()
        .filter(|row| !stored_ids.contains(&row.id))
        .collect();
    upsert(db, user_id, &changed).await?;
    Ok(current)
}

/// Recomputes the learner's current rows from their whole history.
/// Returns how many there are.
pub async fn rebuild(db: &impl ConnectionTrait, user_id: Uuid) -> Result<usize, StoreError> {
    let rows = history::history(db, user_id).await?;
    let current = competency::current_evidence(&rows);
    current_evidence::Entity::delete_many()
        .filter(current_evidence::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    upsert(db, user_id, &current).await?;
    Ok(current.len())
}

/// Learners who have evidence but no current rows: after the migration
/// that created the table, that is everyone with evidence.
pub async fn learners_to_fill(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, StoreError> {
    let filled = Query::select()
        .distinct()
        .column(current_evidence::Column::UserId)
        .from(current_evidence::Entity)
        .to_owned();
    Ok(evidence::Entity::find()
        .select_only()
        .column(evidence::Column::UserId)
        .distinct()
        .filter(evidence::Column::UserId.not_in_subquery(filled))
        .into_tuple()
        .all(db)
        .await?)
}

async fn upsert(db: &impl WriteTx, user_id: Uuid, rows: &[&Evidence]) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let models = chunk.iter().map(|row| current_evidence::ActiveModel {
            user_id: Set(user_id),
            competency: Set(row.competency.clone()),
            item_key: Set(item_key(row)),
            evidence_id: Set(row.id),
        });
        let statement = current_evidence::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([
                    current_evidence::Column::UserId,
                    current_evidence::Column::Competency,
                    current_evidence::Column::ItemKey,
                ])
                .update_column(current_evidence::Column::EvidenceId)
                .to_owned(),
            )
            .build(db.backend());
        db.execute(statement).await?;
    }
    Ok(())
}
