//! Marking a lesson as read: recorded once, with its evidence.

use sea_orm::{DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::LearningError;
use crate::competency::{Source, item_key};
use crate::content::{Catalog, CatalogModule};
use crate::store::evidence::{self, NewEvidence};
use crate::store::{StoreError, attempts, now, progress};

/// Reading a lesson makes a learner aware of its competencies, so the
/// evidence is at level 1 ("Aware"), whatever level the module teaches
/// toward, and it weighs a quarter of a quiz question: reading alone must
/// not look like proficiency on a manager's heatmap.
pub const COMPLETION_LEVEL: u8 = 1;
pub const COMPLETION_WEIGHT: f64 = 0.25;

pub fn module_or_not_found<'c>(
    catalog: &'c Catalog,
    id: &str,
) -> Result<&'c CatalogModule, LearningError> {
    catalog.module(id).ok_or_else(|| {
        LearningError::NotFound(format!(
            "no module has the id `{id}`; GET /api/v1/modules lists them"
        ))
    })
}

/// Records the lesson as read; false when it already was (nothing new is stored).
pub async fn complete(
    db: &DatabaseConnection,
    module: &CatalogModule,
    user_id: Uuid,
) -> Result<bool, LearningError> {
    let at = now();
    let _turn = crate::store::write_turn::take(db).await;
    let tx = db.begin().await.map_err(StoreError::from)?;
    if !progress::complete_module(&tx, user_id, &module.id, at).await? {
        return Ok(false);
    }
    let rows = module
        .competencies
        .iter()
        .map(|competency| NewEvidence {
            competency: competency.clone(),
            level: COMPLETION_LEVEL,
            score: 1.0,
            weight: COMPLETION_WEIGHT,
            source: Source::Completion,
            item: item_key::completion(&module.id),
            origin: None,
        })
        .collect();
    evidence::record(&tx, user_id, rows, at).await?;
    let quiz_done = module.quiz.is_none()
        || attempts::passed_modules(&tx, user_id)
            .await?
            .contains(&module.id);
    if quiz_done {
        progress::complete_assignments(&tx, user_id, &[module.id.clone()].into(), at).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(true)
}
