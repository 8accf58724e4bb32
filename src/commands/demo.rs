use std::path::Path;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::auth::password::PasswordHasher;
use crate::config::Settings;
use crate::demo::{self, DemoSummary};
use crate::library::Library;
use crate::startup::StartupError;

/// `salesdojo demo`: loads the demo organisation and prints its logins.
pub async fn run(settings: &Settings) -> Result<ExitCode, CommandError> {
    let db = super::open(settings).await?;
    let summary = load(&db, &settings.content_dir()).await?;
    print!("{}", summary.render());
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo against the content the server would serve, so that
/// its learners' progress refers to modules that exist. Shared with
/// `serve --demo`.
pub(super) async fn load(
    db: &DatabaseConnection,
    content_dir: &Path,
) -> Result<DemoSummary, CommandError> {
    let library = Library::open(content_dir).map_err(|report| StartupError::Content {
        dir: content_dir.display().to_string(),
        report,
    })?;
    let catalog = library.catalog();
    // One hash is all the demo needs (every account shares the password).
    let hasher = PasswordHasher::new(1).map_err(|e| CommandError::Other(e.to_string()))?;
    Ok(demo::load(db, &catalog, &hasher).await?)
}
