use std::process::ExitCode;

use super::CommandError;
use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::startup::Application;

pub async fn run(settings: &Settings, args: &ServeArgs) -> Result<ExitCode, CommandError> {
    let server = settings.server(args)?;
    if server.demo {
        let db = super::open(settings).await?;
        let summary = super::demo::load(&db, &server.content_dir).await?;
        print!("{}", summary.render());
        drop(db);
    }
    let app = Application::build(server).await?;
    app.run_until_stopped()
        .await
        .map_err(CommandError::Server)?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
