//! What each command-line command does.

mod backup;
mod check;
mod demo;
mod export;
pub mod import;
mod serve;
mod team;
mod token;
mod user;
mod user_import;

use std::io::BufRead;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use crate::accounts::AccountError;
use crate::cli::{Cli, Command, ImportCommand};
use crate::config::{ConfigError, Settings};
use crate::startup::StartupError;
use crate::store::StoreError;
use crate::store::backup::BackupError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error("cannot read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("the server stopped with an error: {0}")]
    Server(std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub fn run(cli: Cli) -> Result<ExitCode, CommandError> {
    let settings = Settings::load(&cli)?;
    actix_web::rt::System::new().block_on(async move {
        match cli.command {
            None => serve::run(&settings, &Default::default()).await,
            Some(Command::Serve(args)) => serve::run(&settings, &args).await,
            Some(Command::Migrate) => {
                let db = open(&settings).await?;
                tracing::info!(database = %crate::store::redact(&settings.database_url), "the database schema is up to date");
                drop(db);
                Ok(ExitCode::SUCCESS)
            }
            Some(Command::User(command)) => {
                user::run(&settings, &open(&settings).await?, command).await
            }
            Some(Command::Team(command)) => team::run(&open(&settings).await?, command).await,
            Some(Command::Token(command)) => token::run(&open(&settings).await?, command).await,
            Some(Command::Demo) => demo::run(&settings).await,
            Some(Command::Backup { file }) => backup::run(&open(&settings).await?, &file).await,
            Some(Command::Check(args)) => Ok(check::run(&settings, &args)),
            Some(Command::Export(command)) => {
                export::run(&settings, &open(&settings).await?, command).await
            }
            Some(Command::Import(ImportCommand::Gift {
                file,
                module,
                lang,
                force,
            })) => import::run(&import::ImportGift {
                file,
                module_dir: settings.content_dir().join("modules").join(&module),
                lang,
                force,
            })
            .map_err(CommandError::Other),
        }
    })
}

/// A progress bar on standard error when it is a terminal, hidden
/// otherwise (logs, pipes); `template` is indicatif's.
fn progress_bar(total: Option<u64>, template: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let bar = indicatif::ProgressBar::with_draw_target(
        total,
        if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Connects and brings the schema up to date, as every command needs.
async fn open(settings: &Settings) -> Result<DatabaseConnection, CommandError> {
    let db = crate::store::connect(&settings.database_url).await?;
    crate::store::migrate(&db).await?;
    Ok(db)
}

/// Reads one password from standard input: the first line, without its
/// line ending. Never from the command line, where other users could see it.
fn read_password_from_stdin() -> Result<String, CommandError> {
    let stdin = std::io::stdin();
    if std::io::IsTerminal::is_terminal(&stdin) {
        eprint!("Password (input is visible; at least 10 characters): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(CommandError::Stdin)?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(CommandError::Other(
            "no password on standard input; pipe it in, e.g. `salesdojo user passwd --email E --password-stdin < password.txt`".into(),
        ));
    }
    Ok(password)
}
