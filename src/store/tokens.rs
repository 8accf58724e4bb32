//! Personal API tokens (Bearer). Only their SHA-256 is stored.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::entities::api_token;
use super::{StoreError, new_id, now};

pub async fn create(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    label: &str,
    token_hash: String,
) -> Result<(), StoreError> {
    api_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        label: Set(label.to_owned()),
        token_hash: Set(token_hash),
        created_at: Set(now()),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The user a token belongs to.
pub async fn find_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<Uuid>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(|t| t.user_id))
}
