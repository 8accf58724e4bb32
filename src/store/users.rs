//! Users and their access roles.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::entities::{session, user, user_role};
use super::first_row::first_row;
use super::{StoreError, new_id, now};
use crate::domain::{AccessRole, Email, Language, PersonName, Roles};

/// A user account as the application sees it.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub roles: Roles,
    pub job_role: Option<String>,
    pub language: Option<Language>,
    /// IANA time zone the user reads dates in; `None` shows them in UTC.
    pub time_zone: Option<String>,
    pub password_hash: Option<String>,
}

impl User {
    /// The zone this user reads dates in, and whose days count as "today".
    pub fn zone(&self) -> crate::time_zone::Zone {
        crate::time_zone::Zone::from_setting(self.time_zone.as_deref())
    }
}

pub struct NewUser {
    pub email: Email,
    pub name: PersonName,
    pub roles: Roles,
    pub job_role: Option<String>,
    pub password_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error(
        "a user with the e-mail address {0} already exists; pick another address or reset that user's password"
    )]
    EmailTaken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The columns of a user that [`User`] holds, read by a query that also
/// reads something else (the per-request session lookup joins them in).
#[derive(FromQueryResult)]
pub(super) struct UserColumns {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub job_role: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

impl UserColumns {
    /// The user these columns describe, with the given roles.
    pub(super) fn with_roles(self, roles: Roles) -> User {
        User {
            id: self.id,
            email: self.email,
            name: self.name,
            roles,
            job_role: self.job_role,
            language: self.language.as_deref().and_then(Language::from_tag),
            time_zone: self.time_zone,
            password_hash: self.password_hash,
        }
    }
}

/// The columns [`UserColumns`] reads, for a query to select.
pub(super) const USER_COLUMNS: [user::Column; 7] = [
    user::Column::Id,
    user::Column::Email,
    user::Column::Name,
    user::Column::PasswordHash,
    user::Column::JobRole,
    user::Column::Language,
    user::Column::TimeZone,
];

fn to_user(model: user::Model, roles: Roles) -> User {
    UserColumns {
        id: model.id,
        email: model.email,
        name: model.name,
        password_hash: model.password_hash,
        job_role: model.job_role,
        language: model.language,
        time_zone: model.time_zone,
    }
    .with_roles(roles)
}

async fn roles_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Roles>, StoreError> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<AccessRole>> = HashMap::new();
    for row in rows {
        // A role name this version does not know grants nothing.
        if let Ok(role) = AccessRole::parse(&row.role) {
            by_user.entry(row.user_id).or_default().push(role);
        }
    }
    Ok(by_user
        .into_iter()
        .map(|(id, roles)| (id, Roles::new(roles)))
        .collect())
}

async fn with_roles(
    db: &impl ConnectionTrait,
    model: Option<user::Model>,
) -> Result<Option<User>, StoreError> {
    let Some(model) = model else { return Ok(None) };
    let mut roles = roles_of(db, &[model.id]).await?;
    let roles = roles.remove(&model.id).unwrap_or_default();
    Ok(Some(to_user(model, roles)))
}

pub async fn create(db: &impl TransactionTrait, new: NewUser) -> Result<User, CreateUserError> {
    let tx = db.begin().await.map_err(StoreError::from)?;
    let id = new_id();
    let timestamp = now();
    let inserted = user::ActiveModel {
        id: Set(id),
        email: Set(new.email.as_str().to_owned()),
        name: Set(new.name.as_str().to_owned()),
        password_hash: Set(Some(new.password_hash)),
        job_role: Set(new.job_role),
        language: Set(None),
        time_zone: Set(None),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
    }
    .insert(&tx)
    .await
    .map_err(StoreError::from);
    let model = match inserted {
        Ok(model) => model,
        Err(error) if error.is_unique_violation() => {
            return Err(CreateUserError::EmailTaken(new.email.to_string()));
        }
        Err(error) => return Err(error.into()),
    };
    for role in new.roles.iter() {
        user_role::ActiveModel {
            user_id: Set(id),
            role: Set(role.as_str().to_owned()),
        }
        .insert(&tx)
        .await
        .map_err(StoreError::from)?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(to_user(model, new.roles))
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<User>, StoreError> {
    let model = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    with_roles(db, model).await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, StoreError> {
    let model = first_row(db, user::Entity::find_by_id(id)).await?;
    with_roles(db, model).await
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<User>, StoreError> {
    let models = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let mut roles = roles_of(db, &ids).await?;
    Ok(models
        .into_iter()
        .map(|m| {
            let r = roles.remove(&m.id).unwrap_or_default();
            to_user(m, r)
        })
        .collect())
}

pub async fn count_with_role(
    db: &impl ConnectionTrait,
    role: AccessRole,
) -> Result<u64, StoreError> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::Role.eq(role.as_str()))
        .count(db)
        .await?)
}

/// Sets a new password hash and ends every session of the user, in one
/// transaction: a changed password logs the account out everywhere.
pub async fn set_password(
    db: &impl TransactionTrait,
    id: Uuid,
    password_hash: String,
) -> Result<bool, StoreError> {
    let tx = db.begin().await?;
    let Some(model) = user::Entity::find_by_id(id).one(&tx).await? else {
        return Ok(false);
    };
    let mut active: user::ActiveModel = model.into();
    active.password_hash = Set(Some(password_hash));
    active.updated_at = Set(now());
    active.update(&tx).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets (or, with `None`, clears) the user's time zone; the caller has
/// checked the name against the zone database.
pub async fn set_time_zone(
    db: &impl ConnectionTrait,
    id: Uuid,
    zone: Option<&str>,
) -> Result<(), StoreError> {
    set_setting(db, id, user::Column::TimeZone, zone.map(str::to_owned)).await
}

pub async fn set_language(
    db: &impl ConnectionTrait,
    id: Uuid,
    language: Language,
) -> Result<(), StoreError> {
    set_setting(
        db,
        id,
        user::Column::Language,
        Some(language.tag().to_owned()),
    )
    .await
}

/// Writes one of the user's own settings and the update time.
async fn set_setting(
    db: &impl ConnectionTrait,
    id: Uuid,
    column: user::Column,
    value: Option<String>,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(column, sea_orm::sea_query::Expr::value(value))
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
