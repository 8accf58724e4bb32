//! Server-side login sessions: created at login, looked up per request,
//! deleted at logout or password change, so logout ends the session on every
//! app server that shares the database.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::entities::session;
use super::{StoreError, now};

pub struct StoredSession {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

pub async fn create(
    db: &impl ConnectionTrait,
    id_hash: String,
    user_id: Uuid,
    csrf_token: String,
    lifetime: Duration,
) -> Result<(), StoreError> {
    let created_at = now();
    session::ActiveModel {
        id: Set(id_hash),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token),
        created_at: Set(created_at),
        expires_at: Set(created_at + lifetime),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The live session with this id hash; expired ones are deleted on sight.
pub async fn find_live(
    db: &impl ConnectionTrait,
    id_hash: &str,
) -> Result<Option<StoredSession>, StoreError> {
    let Some(model) = session::Entity::find_by_id(id_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if model.expires_at <= now() {
        delete(db, id_hash).await?;
        return Ok(None);
    }
    Ok(Some(StoredSession {
        user_id: model.user_id,
        csrf_token: model.csrf_token,
        expires_at: model.expires_at,
    }))
}

pub async fn delete(db: &impl ConnectionTrait, id_hash: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_expired(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let result = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
