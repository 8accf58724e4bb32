use std::path::Path;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::store::backup::sqlite_backup;

pub async fn run(db: &DatabaseConnection, file: &Path) -> Result<ExitCode, CommandError> {
    sqlite_backup(db, file).await?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "wrote a consistent copy of the database to {} ({size} bytes)",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
