//! Server-side login sessions: created at login, looked up per request,
//! deleted at logout or password change, so logout ends the session on every
//! app server that shares the database.

use rusqlite::Connection;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QuerySelect, QueryTrait, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::direct_read::{self, DirectReadError, DirectReader};
use super::entities::{session, user, user_role};
use super::users::{USER_COLUMNS, User, UserColumns};
use super::{StoreError, now};
use crate::domain::{AccessRole, Roles};
use crate::fixed_sql::FixedSql;

#[derive(Debug)]
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

/// [`find_live`]'s statement: the session with this id hash joined to its
/// user and (left) to the user's roles.
fn find_live_query(id_hash: &str) -> SelectStatement {
    session::Entity::find()
        .select_only()
        .columns([session::Column::CsrfToken, session::Column::ExpiresAt])
        .columns(USER_COLUMNS)
        .column(user_role::Column::Role)
        .join(
            JoinType::InnerJoin,
            session::Entity::belongs_to(user::Entity)
                .from(session::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join_rev(
            JoinType::LeftJoin,
            user_role::Entity::belongs_to(user::Entity)
                .from(user_role::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(session::Column::Id.eq(id_hash))
        .into_query()
}

/// [`find_live_query`], rendered once per backend; binds the id hash.
pub(super) static FIND_LIVE: FixedSql = FixedSql::new(|| find_live_query(""));

/// One row of [`find_live`]: the session, its user, and one of the user's
/// roles (`None` on the single row of a user without roles).
#[derive(FromQueryResult)]
pub(super) struct SessionUserRow {
    csrf_token: String,
    expires_at: OffsetDateTime,
    #[sea_orm(nested)]
    user: UserColumns,
    role: Option<String>,
}

/// The live session with this id hash and the user it belongs to, with
/// their roles; expired ones are deleted on sight.
///
/// Every request runs this, so it reads the session, the user and the roles
/// in one statement (one round trip, the current rows: a logout, a password
/// change or a role change elsewhere shows at once), from SQL text rendered
/// once, on SQLite through `direct` (see [`super::direct_read`]). It has no
/// bound `LIMIT`, which would make SQLite compile it again on every
/// execution.
pub async fn find_live(
    db: &impl ConnectionTrait,
    direct: Option<&DirectReader>,
    id_hash: &str,
) -> Result<Option<(StoredSession, User)>, StoreError> {
    let rows = direct_read::or_else(
        direct,
        "session",
        |connection| find_live_directly(connection, id_hash),
        async {
            let statement = FIND_LIVE.bind(db.get_database_backend(), vec![id_hash.into()]);
            Ok(SessionUserRow::find_by_statement(statement).all(db).await?)
        },
    )
    .await?;
    // A role name this version does not know grants nothing.
    let roles = Roles::new(
        rows.iter()
            .filter_map(|row| row.role.as_deref())
            .filter_map(|role| AccessRole::parse(role).ok()),
    );
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    if row.expires_at <= now() {
        delete(db, id_hash).await?;
        return Ok(None);
    }
    let user = row.user.with_roles(roles);
    Ok(Some((
        StoredSession {
            user_id: user.id,
            csrf_token: row.csrf_token,
            expires_at: row.expires_at,
        },
        user,
    )))
}

/// The columns of [`FIND_LIVE`], in the order [`find_live_directly`] reads
/// them (a test compares them with the statement's).
#[cfg(test)]
pub(super) const FIND_LIVE_COLUMNS: [&str; 10] = [
    "csrf_token",
    "expires_at",
    "id",
    "email",
    "name",
    "password_hash",
    "job_role",
    "language",
    "time_zone",
    "role",
];

/// [`FIND_LIVE`] on a direct SQLite connection: the same rows.
pub(super) fn find_live_directly(
    connection: &Connection,
    id_hash: &str,
) -> Result<Vec<SessionUserRow>, DirectReadError> {
    let mut statement = connection.prepare_cached(FIND_LIVE.sqlite())?;
    let mut rows = statement.query([id_hash])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(SessionUserRow {
            csrf_token: row.get(0)?,
            expires_at: direct_read::timestamp(row, 1, "expires_at")?,
            user: UserColumns {
                id: direct_read::uuid(row, 2, "id")?,
                email: row.get(3)?,
                name: row.get(4)?,
                password_hash: row.get(5)?,
                job_role: row.get(6)?,
                language: row.get(7)?,
                time_zone: row.get(8)?,
            },
            role: row.get(9)?,
        });
    }
    Ok(found)
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

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    #[test]
    fn the_session_lookup_binds_the_id_hash_where_the_built_query_has_it() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let bound = FIND_LIVE.bind(backend, vec!["0a1b".into()]);
            assert_eq!(bound, backend.build(&find_live_query("0a1b")));
            assert!(!bound.sql.contains("LIMIT"), "{}", bound.sql);
        }
    }
}
