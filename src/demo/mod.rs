//! The demo organisation (`salesdojo demo`, `salesdojo serve --demo`): two
//! managers, three teams, a trainer and thirty learners with weeks of
//! believable progress, so that a newcomer sees the heatmap, the overdue
//! list, the review queue and the item analysis filled in at once.
//!
//! Progress is made through the same services the web pages call (reading
//! lessons, quiz attempts, role-play runs, reviews, assignments), never by
//! writing result rows directly, so the demo can never show something the
//! application itself could not produce. Only the dates are changed
//! afterwards (see [`activity`]), because the services stamp everything
//! with the current time.
//!
//! Loading is idempotent: the first manager's account marks the demo as
//! loaded, and a second load creates nothing.

mod activity;
pub mod people;
mod texts;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::accounts::{self, AccountError};
use crate::auth::password::{HashError, PasswordHasher};
use crate::content::Catalog;
use crate::domain::{AccessRole, Email, PersonName, Roles};
use crate::learning::LearningError;
use crate::store::StoreError;
use crate::store::entities::user;
use crate::store::users::{self, NewUser, User};

use people::{LEARNERS, MANAGERS, PASSWORD, TEAMS, TRAINER};

/// Why the demo could not be loaded; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the content defines no job roles (`[[role]]` in competencies.toml), and demo learners need one; add roles, or start with the shipped content folder"
    )]
    NoRoles,
    #[error(
        "the content has no modules, so demo learners would have nothing to do; add modules, or start with the shipped content folder"
    )]
    NoModules,
    #[error(
        "the demo account {0} exists but the demo is not marked as loaded: an earlier load stopped part-way. Load the demo into a fresh database, or delete the users under @{domain} and run it again",
        domain = people::DOMAIN
    )]
    Interrupted(String),
    #[error(
        "cannot create the demo accounts: {0}. Load the demo into a fresh database if this one already has other demo data"
    )]
    Account(#[from] AccountError),
    #[error("cannot hash the demo password: {0}; try again in a moment")]
    Hash(#[from] HashError),
    #[error(
        "the demo activity was refused ({0}); the content may differ from what the demo expects. Load the demo into a fresh database with the shipped content"
    )]
    Learning(String),
    #[error(
        "database error while loading the demo: {0}. Check that the database is reachable; a half-loaded demo is best replaced by loading into a fresh database"
    )]
    Store(#[from] StoreError),
}

impl From<LearningError> for DemoError {
    fn from(error: LearningError) -> Self {
        match error {
            LearningError::Store(e) => Self::Store(e),
            other => Self::Learning(other.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for DemoError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Store(StoreError::from(error))
    }
}

/// One account to show in the logins table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: String,
    pub name: String,
    /// `manager`, `trainer`, or `learner (job role)`.
    pub role: String,
    /// The teams they manage or belong to, comma-separated.
    pub team: String,
}

/// What a load created, for the summary line and for checking the demo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoStats {
    /// Team names with their number of members, in cast order.
    pub teams: Vec<(String, usize)>,
    pub learners: usize,
    pub lessons_read: usize,
    pub quiz_attempts: usize,
    pub runs: usize,
    pub practice_answers: usize,
    pub reviewed: usize,
    pub pending_review: usize,
    pub assignments: usize,
    pub overdue: usize,
    /// Heatmap cells (learner x framework competency) per level.
    pub levels: BTreeMap<u8, usize>,
    pub took: Duration,
}

/// The result of [`load`].
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// True when the demo was there already and nothing was created.
    pub already_loaded: bool,
    /// The one password of every demo account.
    pub password: &'static str,
    /// Managers, the trainer, and one learner per team.
    pub logins: Vec<DemoLogin>,
    /// Demo learners in all.
    pub learner_count: usize,
    /// What this load created; None when it was already loaded.
    pub stats: Option<DemoStats>,
}

/// Loads the demo organisation unless it is there already.
pub async fn load(
    db: &DatabaseConnection,
    catalog: &Catalog,
    hasher: &PasswordHasher,
) -> Result<DemoSummary, DemoError> {
    let started = Instant::now();
    let roles = catalog.course.framework.role_ids();
    if roles.is_empty() {
        return Err(DemoError::NoRoles);
    }
    if catalog.modules.is_empty() {
        return Err(DemoError::NoModules);
    }
    let logins = logins(&roles);
    let summary = |stats: Option<DemoStats>| DemoSummary {
        already_loaded: stats.is_none(),
        password: PASSWORD,
        logins: logins.clone(),
        learner_count: LEARNERS.len(),
        stats,
    };
    if accounts::user_by_email(db, &people::marker_email())
        .await
        .is_ok()
    {
        return Ok(summary(None));
    }
    let suffix = format!("@{}", people::DOMAIN);
    if let Some(stray) = user::Entity::find()
        .filter(user::Column::Email.ends_with(suffix.as_str()))
        .one(db)
        .await?
    {
        return Err(DemoError::Interrupted(stray.email));
    }

    // Argon2 is slow on purpose; one hash serves every demo account, which
    // all share the printed password anyway.
    let hash = hasher.hash(PASSWORD.to_owned()).await?;
    let cast = create_cast(db, &hash, &roles).await?;
    let mut stats = activity::simulate(db, catalog, &cast).await?;
    stats.teams = cast
        .teams
        .iter()
        .map(|team| {
            let members = cast
                .learners
                .iter()
                .filter(|l| l.team == team.index)
                .count();
            (team.team.name.clone(), members)
        })
        .collect();
    stats.learners = cast.learners.len();
    stats.took = started.elapsed();
    Ok(summary(Some(stats)))
}

/// The accounts and teams the activity works with.
pub(crate) struct Cast {
    pub managers: Vec<User>,
    pub trainer: User,
    pub teams: Vec<CastTeam>,
    pub learners: Vec<CastLearner>,
}

pub(crate) struct CastTeam {
    pub index: usize,
    pub team: crate::store::teams::Team,
    pub manager: usize,
}

pub(crate) struct CastLearner {
    pub user: User,
    pub spec: &'static people::LearnerSpec,
    pub team: usize,
}

/// The job role for a seniority: the framework's roles in file order,
/// the most senior one for anything beyond.
fn job_role(roles: &[String], seniority: usize) -> &str {
    roles
        .get(seniority)
        .or(roles.last())
        .map_or("", String::as_str)
}

async fn create_account(
    db: &DatabaseConnection,
    hash: &str,
    local: &str,
    name: &str,
    role: AccessRole,
    job: Option<&str>,
) -> Result<User, DemoError> {
    let new = NewUser {
        email: Email::parse(&people::email(local)).map_err(AccountError::from)?,
        name: PersonName::parse(name).map_err(AccountError::from)?,
        roles: Roles::new([role]),
        job_role: accounts::parse_job_role(job).map_err(AccountError::from)?,
        password_hash: hash.to_owned(),
    };
    Ok(users::create(db, new).await.map_err(AccountError::from)?)
}

async fn create_cast(
    db: &DatabaseConnection,
    hash: &str,
    roles: &[String],
) -> Result<Cast, DemoError> {
    // Managers carry the most senior job role, so their own profile page
    // has targets too.
    let manager_job = roles.last().map(String::as_str);
    let mut managers = Vec::with_capacity(MANAGERS.len());
    for spec in &MANAGERS {
        managers.push(
            create_account(
                db,
                hash,
                spec.local,
                spec.name,
                AccessRole::Manager,
                manager_job,
            )
            .await?,
        );
    }
    let trainer = create_account(
        db,
        hash,
        TRAINER.local,
        TRAINER.name,
        AccessRole::Trainer,
        None,
    )
    .await?;
    let mut teams = Vec::with_capacity(TEAMS.len());
    for (index, spec) in TEAMS.iter().enumerate() {
        let manager_email = people::email(MANAGERS[spec.manager].local);
        let team = accounts::create_team(db, spec.name, &manager_email).await?;
        teams.push(CastTeam {
            index,
            team,
            manager: spec.manager,
        });
    }
    let mut learners = Vec::with_capacity(LEARNERS.len());
    for spec in &LEARNERS {
        let user = create_account(
            db,
            hash,
            spec.local,
            spec.name,
            AccessRole::Learner,
            Some(job_role(roles, spec.seniority)),
        )
        .await?;
        if let Some(team) = teams.iter().find(|t| t.index == spec.team) {
            crate::store::teams::add(db, team.team.id, user.id, false).await?;
        }
        learners.push(CastLearner {
            user,
            spec,
            team: spec.team,
        });
    }
    Ok(Cast {
        managers,
        trainer,
        teams,
        learners,
    })
}

/// The accounts worth trying first: both managers, the trainer, and the
/// first learner of each team.
fn logins(roles: &[String]) -> Vec<DemoLogin> {
    let mut list = Vec::new();
    for (index, manager) in MANAGERS.iter().enumerate() {
        let teams: Vec<&str> = TEAMS
            .iter()
            .filter(|t| t.manager == index)
            .map(|t| t.name)
            .collect();
        list.push(DemoLogin {
            email: people::email(manager.local),
            name: manager.name.to_owned(),
            role: "manager".to_owned(),
            team: teams.join(", "),
        });
    }
    list.push(DemoLogin {
        email: people::email(TRAINER.local),
        name: TRAINER.name.to_owned(),
        role: "trainer".to_owned(),
        team: "(reviews every team)".to_owned(),
    });
    for (index, team) in TEAMS.iter().enumerate() {
        if let Some(learner) = LEARNERS.iter().find(|l| l.team == index) {
            list.push(DemoLogin {
                email: people::email(learner.local),
                name: learner.name.to_owned(),
                role: format!("learner ({})", job_role(roles, learner.seniority)),
                team: team.name.to_owned(),
            });
        }
    }
    list
}

/// Columns a terminal gives a character: two for CJK and full-width
/// characters, so that Chinese names do not push the table out of line.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

impl DemoSummary {
    /// What the commands print: a line on what was loaded, the password,
    /// and the logins as a table.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.stats {
            None => out.push_str("The demo organisation is already loaded; nothing was changed.\n"),
            Some(stats) => {
                let teams: Vec<String> = stats
                    .teams
                    .iter()
                    .map(|(name, members)| format!("{name} {members}"))
                    .collect();
                let levels: Vec<String> = stats
                    .levels
                    .iter()
                    .map(|(level, cells)| format!("L{level}: {cells}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "Loaded the demo organisation in {:.1} s: {} learners in {} teams ({}).",
                    stats.took.as_secs_f64(),
                    stats.learners,
                    stats.teams.len(),
                    teams.join(", ")
                );
                let _ = writeln!(
                    out,
                    "Activity: {} lessons read, {} quiz attempts, {} role-play runs, {} practice answers ({} reviewed, {} waiting for review), {} assignments ({} overdue).",
                    stats.lessons_read,
                    stats.quiz_attempts,
                    stats.runs,
                    stats.practice_answers,
                    stats.reviewed,
                    stats.pending_review,
                    stats.assignments,
                    stats.overdue
                );
                let _ = writeln!(out, "Heatmap cells by level: {}.", levels.join(", "));
            }
        }
        let _ = writeln!(
            out,
            "\nEvery demo account has the password: {}\n",
            self.password
        );
        let headers = ["EMAIL", "NAME", "ROLE", "TEAM"];
        let rows: Vec<[&str; 4]> = self
            .logins
            .iter()
            .map(|l| {
                [
                    l.email.as_str(),
                    l.name.as_str(),
                    l.role.as_str(),
                    l.team.as_str(),
                ]
            })
            .collect();
        let mut widths = headers.map(display_width);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(display_width(cell));
            }
        }
        for row in std::iter::once(&headers).chain(rows.iter()) {
            let mut line = String::new();
            for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
                line.push_str(cell);
                if index + 1 < row.len() {
                    line.push_str(&" ".repeat(width - display_width(cell) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\nThe other {} learners log in the same way; their addresses end in @{} (see the team pages).",
            self.learner_count.saturating_sub(TEAMS.len()),
            people::DOMAIN
        );
        out
    }
}
