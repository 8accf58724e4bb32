//! Login attempts, for throttling per account and per client address. Kept
//! in the database so every app server sees the same counts.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::entities::login_attempt;
use super::{StoreError, new_id, now};

/// Records an attempt as failed before the password is checked, so that
/// attempts running at the same time count each other (see
/// `auth::login`). Returns its id, to mark it succeeded or withdraw it.
pub async fn reserve(
    db: &impl ConnectionTrait,
    email: &str,
    client_addr: &str,
) -> Result<Uuid, StoreError> {
    let id = new_id();
    login_attempt::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        client_addr: Set(client_addr.to_owned()),
        succeeded: Set(false),
        attempted_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The password was right: the attempt is not a failure.
pub async fn mark_succeeded(db: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    login_attempt::Entity::update_many()
        .col_expr(
            login_attempt::Column::Succeeded,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(login_attempt::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A refused attempt (throttled before its password was checked) does not
/// count, so hammering a locked account does not keep it locked.
pub async fn withdraw(db: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    login_attempt::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Times of the failed attempts since `since` for an account, oldest
/// first, leaving out the attempt `except`.
pub async fn failures_for_email(
    db: &impl ConnectionTrait,
    email: &str,
    since: OffsetDateTime,
    except: Option<Uuid>,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    failures(db, login_attempt::Column::Email, email, since, except).await
}

/// Times of the failed attempts since `since` from a client address, oldest
/// first, leaving out the attempt `except`.
pub async fn failures_for_addr(
    db: &impl ConnectionTrait,
    client_addr: &str,
    since: OffsetDateTime,
    except: Option<Uuid>,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    failures(
        db,
        login_attempt::Column::ClientAddr,
        client_addr,
        since,
        except,
    )
    .await
}

async fn failures(
    db: &impl ConnectionTrait,
    column: login_attempt::Column,
    value: &str,
    since: OffsetDateTime,
    except: Option<Uuid>,
) -> Result<Vec<OffsetDateTime>, StoreError> {
    let mut query = login_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(since));
    if let Some(id) = except {
        query = query.filter(login_attempt::Column::Id.ne(id));
    }
    Ok(query
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
