use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::accounts;
use crate::cli::TeamCommand;

pub async fn run(db: &DatabaseConnection, command: TeamCommand) -> Result<ExitCode, CommandError> {
    match command {
        TeamCommand::Add { name, manager } => {
            let team = accounts::create_team(db, &name, &manager).await?;
            println!(
                "created team `{}` managed by {}",
                team.name,
                manager.trim().to_lowercase()
            );
        }
        TeamCommand::Member { team, email } => {
            let team = accounts::team_by_name(db, &team).await?;
            let member = accounts::add_member(db, &team, &email).await?;
            println!("{} is a member of `{}`", member.email, team.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
