//! Evidence rows: only ever added, never changed, so a learner's whole history
//! stays available (the competency model picks the current row per item).

use std::collections::BTreeSet;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::entities::evidence;
use super::write_tx::WriteTx;
use super::{StoreError, current_evidence, new_id, standings};
use crate::competency::{Evidence, Source};

/// A result to record, before it has an id or a learner.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    pub competency: String,
    pub level: u8,
    pub score: f64,
    pub weight: f64,
    pub source: Source,
    pub item: String,
    pub origin: Option<Uuid>,
}

/// Adds rows for one learner, all dated `at`, and brings the learner's
/// standings in the competencies concerned up to date. Call inside the
/// transaction that stores the attempt, run, review or completion they come
/// from.
pub async fn record(
    db: &impl WriteTx,
    user_id: Uuid,
    rows: Vec<NewEvidence>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    db.lock_learner(user_id).await?;
    let competencies: BTreeSet<String> = rows.iter().map(|row| row.competency.clone()).collect();
    let added: Vec<Evidence> = rows
        .into_iter()
        .map(|row| Evidence {
            id: new_id(),
            competency: row.competency,
            level: row.level,
            score: row.score,
            weight: row.weight,
            source: row.source,
            item: row.item,
            origin: row.origin,
            recorded_at: at,
            retention: 1.0,
        })
        .collect();
    let models = added.iter().map(|row| evidence::ActiveModel {
        id: Set(row.id),
        user_id: Set(user_id),
        competency: Set(row.competency.clone()),
        level: Set(i16::from(row.level)),
        score: Set(row.score),
        weight: Set(row.weight),
        source: Set(row.source.as_str().to_owned()),
        item: Set(row.item.clone()),
        origin: Set(row.origin),
        recorded_at: Set(at),
    });
    db.execute(evidence::Entity::insert_many(models).build(db.backend()))
        .await?;
    let current = current_evidence::advance(db, user_id, &added, &competencies).await?;
    standings::refresh_from(db, user_id, &competencies, current, at).await?;
    Ok(())
}

pub(super) fn to_evidence(model: evidence::Model) -> Option<Evidence> {
    let Some(source) = Source::parse(&model.source) else {
        tracing::warn!(id = %model.id, source = %model.source, "evidence row with an unknown source ignored");
        return None;
    };
    Some(Evidence {
        id: model.id,
        competency: model.competency,
        // Out of range reads as 0, which the model ignores and counts.
        level: u8::try_from(model.level).unwrap_or(0),
        score: model.score,
        weight: model.weight,
        source,
        item: model.item,
        origin: model.origin,
        recorded_at: model.recorded_at,
        retention: 1.0,
    })
}

/// Every row of one learner, superseded ones included, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<Evidence>, StoreError> {
    let models = evidence::Entity::find()
        .filter(evidence::Column::UserId.eq(user_id))
        .order_by_asc(evidence::Column::RecordedAt)
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?;
    Ok(models.into_iter().filter_map(to_evidence).collect())
}
