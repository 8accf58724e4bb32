//! Account operations shared by the command line, the admin pages and the
//! JSON API: input is parsed into domain types once, here.

use sea_orm::DatabaseConnection;

use crate::auth::password::{HashError, PasswordHasher};
use crate::domain::{AccessRole, Email, InvalidInput, Password, PersonName, Roles, TeamName};
use crate::store::StoreError;
use crate::store::teams::{self, Team, TeamError};
use crate::store::users::{self, CreateUserError, NewUser, User};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("no user has the e-mail address {0}; check the spelling or create the user first")]
    UnknownUser(String),
    #[error("no team is named `{0}`; check the name or create the team first")]
    UnknownTeam(String),
    #[error(
        "a user with the e-mail address {0} already exists; pick another address or reset that user's password"
    )]
    EmailTaken(String),
    #[error("a team named `{0}` already exists; choose another name")]
    TeamNameTaken(String),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CreateUserError> for AccountError {
    fn from(error: CreateUserError) -> Self {
        match error {
            CreateUserError::EmailTaken(email) => Self::EmailTaken(email),
            CreateUserError::Store(e) => Self::Store(e),
        }
    }
}

impl From<TeamError> for AccountError {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::NameTaken(name) => Self::TeamNameTaken(name),
            TeamError::Store(e) => Self::Store(e),
        }
    }
}

impl From<AccountError> for crate::error::ApiError {
    fn from(error: AccountError) -> Self {
        use crate::error::ApiError;
        match error {
            AccountError::Invalid(e) => ApiError::Invalid(e.message),
            AccountError::UnknownUser(_) | AccountError::UnknownTeam(_) => {
                ApiError::NotFound(error.to_string())
            }
            AccountError::EmailTaken(_) | AccountError::TeamNameTaken(_) => {
                ApiError::Conflict(error.to_string())
            }
            AccountError::Hash(e) => e.into(),
            AccountError::Store(e) => e.into(),
        }
    }
}

/// A job role id as written in competencies.toml: lowercase letters, digits and dashes.
pub fn parse_job_role(raw: Option<&str>) -> Result<Option<String>, InvalidInput> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let valid = raw.len() <= 64
        && raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(InvalidInput::new(
            "job_role",
            raw,
            format!(
                "`{raw}` is not a job role id; use the id from competencies.toml, e.g. new-hire"
            ),
        ));
    }
    Ok(Some(raw.to_owned()))
}

pub struct AccountInput<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub roles: &'a [AccessRole],
    pub job_role: Option<&'a str>,
    pub password: String,
}

impl AccountError {
    /// The message-catalog key and the value to put in its `{value}`, for
    /// showing this refusal on a page in the user's language. None for
    /// failures that are not the user's to fix.
    pub fn message_key(&self) -> Option<(String, String)> {
        match self {
            Self::Invalid(e) => Some((format!("invalid.{}", e.key), e.value.clone())),
            Self::UnknownUser(email) => Some(("invalid.unknown_user".into(), email.clone())),
            Self::UnknownTeam(name) => Some(("invalid.unknown_team".into(), name.clone())),
            Self::EmailTaken(_) => Some(("invalid.email_taken".into(), String::new())),
            Self::TeamNameTaken(_) => Some(("invalid.team_taken".into(), String::new())),
            Self::Hash(_) | Self::Store(_) => None,
        }
    }
}

pub async fn create_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    input: AccountInput<'_>,
) -> Result<User, AccountError> {
    let email = Email::parse(input.email)?;
    let name = PersonName::parse(input.name)?;
    let job_role = parse_job_role(input.job_role)?;
    let password = Password::parse(input.password)?;
    let roles = if input.roles.is_empty() {
        Roles::new([AccessRole::Learner])
    } else {
        Roles::new(input.roles.iter().copied())
    };
    let password_hash = hasher.hash(password.expose().to_owned()).await?;
    Ok(users::create(
        db,
        NewUser {
            email,
            name,
            roles,
            job_role,
            password_hash,
        },
    )
    .await?)
}

pub async fn user_by_email(db: &DatabaseConnection, raw: &str) -> Result<User, AccountError> {
    let email = Email::parse(raw)?;
    users::find_by_email(db, &email)
        .await?
        .ok_or_else(|| AccountError::UnknownUser(email.to_string()))
}

/// Sets a new password; every session of the user ends.
pub async fn set_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    user: &User,
    raw_password: String,
) -> Result<(), AccountError> {
    let password = Password::parse(raw_password)?;
    let hash = hasher.hash(password.expose().to_owned()).await?;
    if !users::set_password(db, user.id, hash).await? {
        return Err(AccountError::UnknownUser(user.email.clone()));
    }
    Ok(())
}

pub async fn create_team(
    db: &DatabaseConnection,
    name: &str,
    manager_email: &str,
) -> Result<Team, AccountError> {
    let name = TeamName::parse(name)?;
    let manager = user_by_email(db, manager_email).await?;
    Ok(teams::create(db, &name, manager.id).await?)
}

pub async fn add_member(
    db: &DatabaseConnection,
    team: &Team,
    member_email: &str,
) -> Result<User, AccountError> {
    let member = user_by_email(db, member_email).await?;
    teams::add(db, team.id, member.id, false).await?;
    Ok(member)
}

pub async fn team_by_name(db: &DatabaseConnection, name: &str) -> Result<Team, AccountError> {
    teams::find_by_name(db, name)
        .await?
        .ok_or_else(|| AccountError::UnknownTeam(name.trim().to_owned()))
}
