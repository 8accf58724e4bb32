//! Which teams a caller may look at, and who is in them. A manager sees the
//! teams they manage, an administrator every team; any other team id looks
//! missing, so ids cannot be probed.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::learning::LearningError;
use crate::store::entities::user;
use crate::store::standings::{self, Standing};
use crate::store::teams::{self, Team};
use crate::store::users::User;
use crate::store::{StoreError, snapshot};

/// A team member (not a manager of it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// Job role id from the competency framework, when set.
    pub job_role: Option<String>,
}

/// The team with this id, when `viewer` may manage it.
pub async fn team_for(
    db: &impl ConnectionTrait,
    viewer: &User,
    team_id: Uuid,
) -> Result<Team, LearningError> {
    let not_found =
        || LearningError::NotFound("no team with this id among the teams you manage".into());
    let team = teams::find_by_id(db, team_id)
        .await?
        .ok_or_else(not_found)?;
    if viewer.roles.is_admin() {
        return Ok(team);
    }
    if teams::is_manager_of(db, team_id, viewer.id).await? {
        Ok(team)
    } else {
        Err(not_found())
    }
}

/// The teams `viewer` manages (every team for an administrator).
pub async fn visible_teams(
    db: &impl ConnectionTrait,
    viewer: &User,
) -> Result<Vec<Team>, LearningError> {
    Ok(if viewer.roles.is_admin() {
        teams::list_all(db).await?
    } else {
        teams::list_managed_by(db, viewer.id).await?
    })
}

/// The team's members, by name.
pub async fn team_members(
    db: &impl ConnectionTrait,
    team_id: Uuid,
) -> Result<Vec<Member>, LearningError> {
    let rows: Vec<(Uuid, String, String, Option<String>)> = user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::Email,
            user::Column::Name,
            user::Column::JobRole,
        ])
        .filter(user::Column::Id.in_subquery(teams::member_ids_query(team_id)))
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Email)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, job_role)| Member {
            id,
            email,
            name,
            job_role,
        })
        .collect())
}

/// The member with this id in the team, else not found.
pub async fn member_of(
    db: &impl ConnectionTrait,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<Member, LearningError> {
    team_members(db, team_id)
        .await?
        .into_iter()
        .find(|m| m.id == user_id)
        .ok_or_else(|| LearningError::NotFound("this person is not a member of the team".into()))
}

/// A team `viewer` may manage, its members and their standings: what the
/// heatmap and the levels export are built from.
pub struct TeamStandings {
    pub team: Team,
    pub members: Vec<Member>,
    pub standings: Vec<Standing>,
}

/// Reads [`TeamStandings`] in one snapshot (see [`snapshot`]), so the three
/// agree with each other and take one pooled connection.
pub async fn team_standings(
    db: &DatabaseConnection,
    viewer: &User,
    team_id: Uuid,
) -> Result<TeamStandings, LearningError> {
    let snapshot = snapshot::begin(db).await?;
    let team = team_for(&snapshot, viewer, team_id).await?;
    let members = team_members(&snapshot, team.id).await?;
    let standings = standings::of_team(&snapshot, team.id).await?;
    snapshot.commit().await.map_err(StoreError::from)?;
    Ok(TeamStandings {
        team,
        members,
        standings,
    })
}
