//! Importing users from a CSV file (`salesdojo user import` and the admin
//! page): every line is validated first, against the file and against the
//! database; if any line fails nothing is imported. Each imported user gets
//! a generated password, shown once to the administrator.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Serialize;

use crate::auth::password::{HashError, PasswordHasher};
use crate::auth::secret_token::random_token;
use crate::domain::TeamName;
use crate::roster::{self, ImportRow, LineProblem};
use crate::store::users::{self, CreateUserError, NewUser};
use crate::store::{StoreError, teams};

/// A user created by the import, with the password to hand over.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedUser {
    pub email: String,
    pub name: String,
    pub password: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportOutcome {
    pub users: Vec<ImportedUser>,
    pub teams_created: Vec<String>,
    pub memberships: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Lines to fix; nothing was imported.
    #[error("{} problem(s); nothing was imported", .0.len())]
    Problems(Vec<LineProblem>),
    #[error("cannot generate a password: {0}")]
    Random(String),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks the rows against what is stored: addresses already taken, and
/// teams that do not exist and that no line makes anyone the manager of.
async fn check_against_store(
    db: &DatabaseConnection,
    rows: &[ImportRow],
) -> Result<Vec<LineProblem>, StoreError> {
    let mut problems = Vec::new();
    for row in rows {
        if users::find_by_email(db, &row.email).await?.is_some() {
            problems.push(LineProblem {
                line: row.line,
                column: Some("email".into()),
                message: format!(
                    "a user with the e-mail address {} already exists; remove the line or change the address",
                    row.email
                ),
            });
        }
    }
    let managed: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.manager_of.as_ref().map(TeamName::as_str))
        .collect();
    let mut known: BTreeMap<String, bool> = BTreeMap::new();
    for row in rows {
        let Some(team) = &row.team else { continue };
        let exists = match known.get(team.as_str()) {
            Some(exists) => *exists,
            None => {
                let exists = teams::find_by_name(db, team.as_str()).await?.is_some();
                known.insert(team.as_str().to_owned(), exists);
                exists
            }
        };
        if !exists && !managed.contains(team.as_str()) {
            problems.push(LineProblem {
                line: row.line,
                column: Some("team".into()),
                message: format!(
                    "there is no team `{}` and no line makes anyone its manager; add a line with manager_of = {} or create the team first",
                    team.as_str(),
                    team.as_str()
                ),
            });
        }
    }
    Ok(problems)
}

/// Imports the file: validates every line, hashes a generated password per
/// user (`progress` is told after each), then writes users, teams and
/// memberships in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    job_roles: &[String],
    bytes: &[u8],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    let rows = roster::parse(bytes, job_roles).map_err(ImportError::Problems)?;
    let problems = check_against_store(db, &rows).await?;
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }
    let mut prepared = Vec::with_capacity(rows.len());
    for (done, row) in rows.iter().enumerate() {
        let password = random_token().map_err(|e| ImportError::Random(e.to_string()))?;
        let hash = hasher.hash(password.clone()).await?;
        prepared.push((row, password, hash));
        progress(done + 1, rows.len());
    }

    let mut outcome = ImportOutcome::default();
    let tx = db.begin().await.map_err(StoreError::from)?;
    let mut ids = BTreeMap::new();
    for (row, password, hash) in prepared {
        let user = users::create(
            &tx,
            NewUser {
                email: row.email.clone(),
                name: row.name.clone(),
                roles: row.roles.clone(),
                job_role: row.job_role.clone(),
                password_hash: hash,
            },
        )
        .await
        .map_err(|error| match error {
            CreateUserError::EmailTaken(email) => ImportError::Problems(vec![LineProblem {
                line: row.line,
                column: Some("email".into()),
                message: format!("{email} was taken while importing; run the import again"),
            }]),
            CreateUserError::Store(e) => ImportError::Store(e),
        })?;
        ids.insert(row.line, user.id);
        outcome.users.push(ImportedUser {
            email: user.email,
            name: user.name,
            password,
        });
    }
    // Managers first, so that a team named only here is created with one.
    for row in &rows {
        let (Some(team), Some(&user_id)) = (&row.manager_of, ids.get(&row.line)) else {
            continue;
        };
        let found = match teams::find_by_name(&tx, team.as_str()).await? {
            Some(found) => found,
            None => {
                let created = teams::create(&tx, team, user_id)
                    .await
                    .map_err(|e| match e {
                        teams::TeamError::NameTaken(name) => {
                            ImportError::Problems(vec![LineProblem {
                                line: row.line,
                                column: Some("manager_of".into()),
                                message: format!(
                                    "the team `{name}` was created meanwhile; run the import again"
                                ),
                            }])
                        }
                        teams::TeamError::Store(e) => ImportError::Store(e),
                    })?;
                outcome.teams_created.push(created.name.clone());
                created
            }
        };
        teams::add(&tx, found.id, user_id, true).await?;
        outcome.memberships += 1;
    }
    for row in &rows {
        let (Some(team), Some(&user_id)) = (&row.team, ids.get(&row.line)) else {
            continue;
        };
        if let Some(found) = teams::find_by_name(&tx, team.as_str()).await? {
            teams::add(&tx, found.id, user_id, false).await?;
            outcome.memberships += 1;
        }
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(outcome)
}
