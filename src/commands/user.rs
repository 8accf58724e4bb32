use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::{CommandError, read_password_from_stdin};
use crate::accounts::{self, AccountInput};
use crate::auth::password::PasswordHasher;
use crate::auth::secret_token::random_token;
use crate::cli::UserCommand;
use crate::config::Settings;
use crate::store::users;

pub async fn run(
    settings: &Settings,
    db: &DatabaseConnection,
    command: UserCommand,
) -> Result<ExitCode, CommandError> {
    let hasher = PasswordHasher::new(1).map_err(|e| CommandError::Other(e.to_string()))?;
    match command {
        UserCommand::Add {
            email,
            name,
            roles,
            job,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                (read_password_from_stdin()?, false)
            } else {
                (
                    random_token().map_err(|e| CommandError::Other(e.to_string()))?,
                    true,
                )
            };
            let user = accounts::create_user(
                db,
                &hasher,
                AccountInput {
                    email: &email,
                    name: &name,
                    roles: &roles,
                    job_role: job.as_deref(),
                    password: password.clone(),
                },
            )
            .await?;
            println!(
                "created {} <{}> with roles {}",
                user.name,
                user.email,
                user.roles.names().join(", ")
            );
            if generated {
                println!(
                    "generated password (shown once; change it with `salesdojo user passwd`): {password}"
                );
            }
        }
        UserCommand::Passwd { email, .. } => {
            let user = accounts::user_by_email(db, &email).await?;
            let password = read_password_from_stdin()?;
            accounts::set_password(db, &hasher, &user, password).await?;
            println!(
                "password changed for {}; all their sessions have ended",
                user.email
            );
        }
        UserCommand::List => {
            let all = users::list(db).await?;
            println!("{:<32} {:<24} {:<28} job role", "e-mail", "name", "roles");
            for user in &all {
                println!(
                    "{:<32} {:<24} {:<28} {}",
                    user.email,
                    user.name,
                    user.roles.names().join(","),
                    user.job_role.as_deref().unwrap_or("-")
                );
            }
            println!("{} user(s)", all.len());
        }
        UserCommand::Import {
            file,
            passwords_out,
        } => {
            return super::user_import::run(settings, db, &file, passwords_out.as_deref()).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}
