//! A read-only snapshot: reads that must agree with each other (a team,
//! its members and their standings) made in one transaction on one
//! connection, so they all see the database as of one moment.
//!
//! It also keeps such a page to one pooled connection. Outside a
//! transaction each query takes its own connection from the pool, and sqlx
//! pings a connection in a background task as it goes back; a request of
//! five quick queries could then find every kept-open PostgreSQL
//! connection still out being pinged and open a new one mid-request
//! (90 ms over TLS with sqlx 0.9.0, see `connect`).

use sea_orm::{
    AccessMode, DatabaseConnection, DatabaseTransaction, DbBackend, IsolationLevel,
    TransactionTrait,
};

use super::StoreError;

/// Begins a snapshot. End it with `commit` (nothing is written either
/// way); dropping it rolls back, which is as good for a read.
///
/// PostgreSQL: `REPEATABLE READ, READ ONLY`, so every query sees the
/// snapshot taken at the first one and a write by mistake is refused.
/// SQLite: a deferred transaction, whose first read fixes the snapshot
/// in WAL mode (SQLite has no per-transaction isolation settings).
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, StoreError> {
    let transaction = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    Ok(transaction)
}
