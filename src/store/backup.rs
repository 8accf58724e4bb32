//! Consistent copies of a live database.

use std::path::Path;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use super::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name (a backup never overwrites a file)")]
    TargetExists(String),
    #[error(
        "this is a PostgreSQL database: back it up with PostgreSQL's own tools, e.g. \
         `pg_dump --format=custom --file=salesdojo.dump \"$DATABASE_URL\"` (restore with pg_restore)"
    )]
    NotSqlite,
    #[error("the backup path {0} is not valid UTF-8; choose a plain file name")]
    BadPath(String),
    #[error("the backup failed: {0}")]
    Store(#[from] StoreError),
}

/// Writes a transactionally consistent copy of a live SQLite database with
/// `VACUUM INTO`, which works while the server keeps writing.
pub async fn sqlite_backup(db: &DatabaseConnection, target: &Path) -> Result<(), BackupError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(BackupError::NotSqlite);
    }
    if target.exists() {
        return Err(BackupError::TargetExists(target.display().to_string()));
    }
    let path = target
        .to_str()
        .ok_or_else(|| BackupError::BadPath(target.display().to_string()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await
    .map_err(StoreError::from)?;
    Ok(())
}
