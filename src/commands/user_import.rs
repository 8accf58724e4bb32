//! `salesdojo user import FILE.csv`: validates the whole file, then creates
//! the users, teams and memberships in one go, with a progress bar while
//! passwords are hashed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::auth::password::PasswordHasher;
use crate::config::Settings;
use crate::library::Library;
use crate::user_import::{self, ImportError, ImportedUser};

fn passwords_csv(users: &[ImportedUser]) -> Result<Vec<u8>, CommandError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| CommandError::Other(format!("cannot write the passwords: {e}"));
    out.write_record(["email", "name", "password"])
        .map_err(fail)?;
    for user in users {
        out.write_record([&user.email, &user.name, &user.password])
            .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| CommandError::Other(format!("cannot write the passwords: {e}")))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

pub async fn run(
    settings: &Settings,
    db: &DatabaseConnection,
    file: &Path,
    passwords_out: Option<&Path>,
) -> Result<ExitCode, CommandError> {
    let bytes = std::fs::read(file)
        .map_err(|error| CommandError::Other(format!("cannot read {}: {error}", file.display())))?;
    if let Some(out) = passwords_out
        && out.exists()
    {
        return Err(CommandError::Other(format!(
            "{} exists already; name a new file for the passwords",
            out.display()
        )));
    }
    let library = Library::open(&settings.content_dir()).map_err(CommandError::Other)?;
    let catalog = library.catalog();
    let job_roles = catalog.course.framework.role_ids();
    let hasher = PasswordHasher::new(2).map_err(|e| CommandError::Other(e.to_string()))?;
    let bar = super::progress_bar(None, "hashing passwords [{bar:30}] {pos}/{len} ({eta})");
    let result = user_import::import(db, &hasher, &job_roles, &bytes, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(outcome) => {
            let table = passwords_csv(&outcome.users)?;
            match passwords_out {
                Some(out) => write_private(out, &table).map_err(|error| {
                    CommandError::Other(format!("cannot write {}: {error}", out.display()))
                })?,
                None => std::io::stdout()
                    .write_all(&table)
                    .map_err(|e| CommandError::Other(e.to_string()))?,
            }
            eprintln!(
                "imported {} user(s), created {} team(s), {} team membership(s); the passwords are shown once{}",
                outcome.users.len(),
                outcome.teams_created.len(),
                outcome.memberships,
                passwords_out.map_or_else(String::new, |p| format!(" in {}", p.display()))
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Problems(problems)) => {
            for problem in &problems {
                eprintln!("{}: {problem}", file.display());
            }
            eprintln!(
                "{} problem(s); nothing was imported. Fix the lines above and run the import again.",
                problems.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(CommandError::Other(other.to_string())),
    }
}
