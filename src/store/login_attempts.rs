//! Login attempts, for throttling per account and per client address. Kept
//! in the database so every app server sees the same counts.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::{Duration, OffsetDateTime};

use super::entities::login_attempt;
use super::{StoreError, new_id, now};

pub async fn record(
    db: &impl ConnectionTrait,
    email: &str,
    client_addr: &str,
    succeeded: bool,
) -> Result<(), StoreError> {
    login_attempt::ActiveModel {
        id: Set(new_id()),
        email: Set(email.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        succeeded: Set(succeeded),
        attempted_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Times of the failed attempts since `since` for an account, oldest first.
pub async fn failures_for_email(
    db: &impl ConnectionTrait,
    email: &str,
    since: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    failures(db, login_attempt::Column::Email, email, since).await
}

/// Times of the failed attempts since `since` from a client address, oldest first.
pub async fn failures_for_addr(
    db: &impl ConnectionTrait,
    client_addr: &str,
    since: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    failures(db, login_attempt::Column::ClientAddr, client_addr, since).await
}

async fn failures(
    db: &impl ConnectionTrait,
    column: login_attempt::Column,
    value: &str,
    since: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    Ok(login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(since))
        .order_by_asc(login_attempt::Column::AttemptedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.attempted_at)
        .collect())
}

/// A successful login forgives the account's earlier failures.
pub async fn forget_failures_for_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<(), StoreError> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops attempts older than a day; throttling never looks further back.
pub async fn prune(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::AttemptedAt.lt(now() - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(())
}
