//! `salesdojo export csv|xapi`: files for spreadsheets and learning record
//! stores, with a progress bar on a terminal and a log line otherwise.

use std::io::Write;
use std::process::ExitCode;

use indicatif::ProgressBar;
use sea_orm::DatabaseConnection;

use super::CommandError;
use crate::cli::{ExportArgs, ExportCommand};
use crate::config::Settings;
use crate::export::spreadsheet::{self, MemberEvidence, TeamLevels};
use crate::export::{records, xapi::XapiSettings};
use crate::library::Library;
use crate::management::team_members;
use crate::routes::api::export::parse_since;
use crate::store::teams::{self, Team};
use crate::store::{evidence, standings, users};

fn progress(total: usize, what: &str) -> ProgressBar {
    let bar = super::progress_bar(Some(total as u64), "{msg} [{bar:30}] {pos}/{len} ({eta})");
    bar.set_message(what.to_owned());
    bar
}

fn write_out(args: &ExportArgs, bytes: &[u8]) -> Result<(), CommandError> {
    match &args.out {
        Some(path) => std::fs::write(path, bytes).map_err(|error| {
            CommandError::Other(format!(
                "cannot write {}: {error}; check the folder exists and is writable",
                path.display()
            ))
        }),
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|error| CommandError::Other(format!("cannot write the export: {error}"))),
    }
}

async fn chosen_teams(
    db: &DatabaseConnection,
    name: Option<&str>,
) -> Result<Vec<Team>, CommandError> {
    Ok(match name {
        Some(name) => vec![crate::accounts::team_by_name(db, name).await?],
        None => teams::list_all(db).await?,
    })
}

pub async fn run(
    settings: &Settings,
    db: &DatabaseConnection,
    command: ExportCommand,
) -> Result<ExitCode, CommandError> {
    let (args, xapi) = match command {
        ExportCommand::Csv(args) => (args, false),
        ExportCommand::Xapi(args) => (args, true),
    };
    let since = match &args.since {
        Some(raw) => Some(parse_since(raw).map_err(CommandError::Other)?),
        None => None,
    };
    let library = Library::open(&settings.content_dir()).map_err(CommandError::Other)?;
    let catalog = library.catalog();
    let language = "en";
    let started = std::time::Instant::now();
    let (bytes, count) = if xapi {
        let team = match args.team.as_deref() {
            Some(name) => Some(crate::accounts::team_by_name(db, name).await?.id),
            None => None,
        };
        let user = match args.user.as_deref() {
            Some(email) => {
                let parsed = crate::domain::Email::parse(email)
                    .map_err(|invalid| CommandError::Other(invalid.message))?;
                Some(
                    users::find_by_email(db, &parsed)
                        .await?
                        .ok_or_else(|| {
                            CommandError::Other(format!("no user has the e-mail address {email}"))
                        })?
                        .id,
                )
            }
            None => None,
        };
        let learners = records::learners(db, team, user).await?;
        let base = settings.public_url(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
        let xapi_settings = XapiSettings::new(base, "Sales Dojo");
        xapi_settings.check().map_err(|problem| {
            CommandError::Other(format!(
                "the public URL cannot name xAPI activities: {problem}; set SALESDOJO_PUBLIC_URL or `public_url` in salesdojo.toml"
            ))
        })?;
        let bar = progress(learners.len(), "learners");
        let statements = records::statements(
            db,
            &catalog,
            &xapi_settings,
            &learners,
            since,
            &mut |done, _| {
                bar.set_position(done as u64);
            },
        )
        .await?;
        bar.finish_and_clear();
        let count = statements.len();
        let json = serde_json::to_vec_pretty(&statements).map_err(|error| {
            CommandError::Other(format!("cannot write the statements: {error}"))
        })?;
        (json, count)
    } else {
        if args.user.is_some() {
            return Err(CommandError::Other(
                "`--user` applies to xAPI exports; for CSV choose a team with --team".into(),
            ));
        }
        let teams = chosen_teams(db, args.team.as_deref()).await?;
        let bar = progress(teams.len(), "teams");
        let mut rows = 0;
        let bytes = if args.evidence {
            let mut collected = Vec::new();
            for team in &teams {
                let members = team_members(db, team.id)
                    .await
                    .map_err(|e| CommandError::Other(e.to_string()))?;
                for member in members {
                    let history = evidence::history(db, member.id).await?;
                    collected.push((team.name.clone(), member, history));
                }
                bar.inc(1);
            }
            let list: Vec<MemberEvidence<'_>> = collected
                .iter()
                .map(|(team, member, history)| MemberEvidence {
                    team,
                    member,
                    history,
                })
                .collect();
            rows = collected.iter().map(|(_, _, h)| h.len()).sum();
            spreadsheet::evidence(&list, since)
        } else {
            let mut collected = Vec::new();
            for team in &teams {
                let members = team_members(db, team.id)
                    .await
                    .map_err(|e| CommandError::Other(e.to_string()))?;
                let standings = standings::of_team(db, team.id).await?;
                rows += members.len() * catalog.course.framework.competencies.len();
                collected.push((team.name.clone(), members, standings));
                bar.inc(1);
            }
            let list: Vec<TeamLevels<'_>> = collected
                .iter()
                .map(|(team, members, standings)| TeamLevels {
                    team,
                    members,
                    standings,
                })
                .collect();
            spreadsheet::levels(&catalog, &list, language)
        }
        .map_err(|error| CommandError::Other(format!("cannot write the CSV: {error}")))?;
        bar.finish_and_clear();
        (bytes, rows)
    };
    write_out(&args, &bytes)?;
    tracing::info!(
        records = count,
        seconds = started.elapsed().as_secs_f64(),
        out = %args.out.as_ref().map_or_else(|| "standard output".to_owned(), |p| p.display().to_string()),
        "export written"
    );
    Ok(ExitCode::SUCCESS)
}
