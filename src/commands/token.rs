use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::accounts;
use crate::auth::secret_token::{API_TOKEN_PREFIX, random_token, token_hash};
use crate::cli::TokenCommand;
use crate::store::tokens;

pub async fn run(db: &DatabaseConnection, command: TokenCommand) -> Result<ExitCode, CommandError> {
    let TokenCommand::Create { user, label } = command;
    let user = accounts::user_by_email(db, &user).await?;
    let token = format!(
        "{API_TOKEN_PREFIX}{}",
        random_token().map_err(|e| CommandError::Other(e.to_string()))?
    );
    tokens::create(db, user.id, &label, token_hash(&token)).await?;
    eprintln!(
        "API token for {} (shown once; only its hash is stored). Use it as `Authorization: Bearer <token>`:",
        user.email
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
