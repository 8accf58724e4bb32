//! Looking up at most one row without sea-orm's `.one()`.
//!
//! `.one()` adds a bound `LIMIT ?`, and SQLite compiles a statement whose
//! LIMIT is a bound value again on every execution, so its statement cache
//! never helps. The hot lookups (an attempt, a user, a learner's feedback)
//! match one row at most by their filter, so they need no LIMIT at all.

use sea_orm::{ConnectionTrait, EntityTrait, Select};

use super::StoreError;

/// The first row `select` finds, in its order. For lookups whose filter
/// matches one row, or a few, at most: all of them are read.
pub async fn first_row<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<Option<E::Model>, StoreError> {
    Ok(select.all(db).await?.into_iter().next())
}
