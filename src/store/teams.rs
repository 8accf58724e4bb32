//! Teams, their managers and members.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::entities::{team, team_member, user};
use super::{StoreError, new_id, now};
use crate::domain::TeamName;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamPerson {
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamDetail {
    pub id: Uuid,
    pub name: String,
    pub managers: Vec<TeamPerson>,
    pub members: Vec<TeamPerson>,
}

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("a team named `{0}` already exists; choose another name")]
    NameTaken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn to_team(model: team::Model) -> Team {
    Team {
        id: model.id,
        name: model.name,
    }
}

pub async fn create(
    db: &impl TransactionTrait,
    name: &TeamName,
    manager: Uuid,
) -> Result<Team, TeamError> {
    let tx = db.begin().await.map_err(StoreError::from)?;
    let inserted = team::ActiveModel {
        id: Set(new_id()),
        name: Set(name.as_str().to_owned()),
        created_at: Set(now()),
    }
    .insert(&tx)
    .await
    .map_err(StoreError::from);
    let model = match inserted {
        Ok(model) => model,
        Err(error) if error.is_unique_violation() => {
            return Err(TeamError::NameTaken(name.as_str().to_owned()));
        }
        Err(error) => return Err(error.into()),
    };
    add(&tx, model.id, manager, true).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(to_team(model))
}

/// Adds a member (or, with `as_manager`, a manager); adding someone twice is a no-op.
pub async fn add(
    db: &impl ConnectionTrait,
    team_id: Uuid,
    user_id: Uuid,
    as_manager: bool,
) -> Result<(), StoreError> {
    let exists = team_member::Entity::find_by_id((team_id, user_id, as_manager))
        .one(db)
        .await?
        .is_some();
    if !exists {
        team_member::ActiveModel {
            team_id: Set(team_id),
            user_id: Set(user_id),
            is_manager: Set(as_manager),
            added_at: Set(now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<Team>, StoreError> {
    Ok(team::Entity::find()
        .filter(team::Column::Name.eq(name.trim()))
        .one(db)
        .await?
        .map(to_team))
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Team>, StoreError> {
    Ok(team::Entity::find_by_id(id).one(db).await?.map(to_team))
}

pub async fn list_all(db: &impl ConnectionTrait) -> Result<Vec<Team>, StoreError> {
    Ok(team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_team)
        .collect())
}

/// Whether `user` manages the team.
pub async fn is_manager_of(
    db: &impl ConnectionTrait,
    team_id: Uuid,
    user_id: Uuid,
) -> Result<bool, StoreError> {
    Ok(managed_team_ids(db, user_id).await?.contains(&team_id))
}

/// Ids of the teams a user manages.
async fn managed_team_ids(
    db: &impl ConnectionTrait,
    manager: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(manager))
        .filter(team_member::Column::IsManager.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect())
}

/// The teams a user manages.
pub async fn list_managed_by(
    db: &impl ConnectionTrait,
    manager: Uuid,
) -> Result<Vec<Team>, StoreError> {
    let team_ids = managed_team_ids(db, manager).await?;
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(team_ids))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_team)
        .collect())
}

/// A team with its managers and members, by name.
pub async fn detail(db: &impl ConnectionTrait, team: Team) -> Result<TeamDetail, StoreError> {
    let mut details = details(db, vec![team]).await?;
    details
        .pop()
        .ok_or_else(|| StoreError::Database(sea_orm::DbErr::Custom("a team went missing".into())))
}

/// Each of `teams` with its managers and members, by name, in two queries
/// whatever the number of teams.
pub async fn details(
    db: &impl ConnectionTrait,
    teams: Vec<Team>,
) -> Result<Vec<TeamDetail>, StoreError> {
    let rows = team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(teams.iter().map(|t| t.id)))
        .all(db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|r| r.user_id).collect::<HashSet<_>>()))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?;
    // Users come by name; a team lists its people in that order.
    let position: HashMap<Uuid, usize> = users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut by_team: HashMap<(Uuid, bool), Vec<usize>> = HashMap::new();
    for row in &rows {
        if let Some(&i) = position.get(&row.user_id) {
            by_team
                .entry((row.team_id, row.is_manager))
                .or_default()
                .push(i);
        }
    }
    let mut in_role = |team: Uuid, manager: bool| -> Vec<TeamPerson> {
        let mut people = by_team.remove(&(team, manager)).unwrap_or_default();
        people.sort_unstable();
        people
            .into_iter()
            .filter_map(|i| users.get(i))
            .map(|u| TeamPerson {
                email: u.email.clone(),
                name: u.name.clone(),
            })
            .collect()
    };
    Ok(teams
        .into_iter()
        .map(|team| TeamDetail {
            managers: in_role(team.id, true),
            members: in_role(team.id, false),
            id: team.id,
            name: team.name,
        })
        .collect())
}

/// Whether `manager` manages a team that `member` belongs to.
pub async fn manages(
    db: &impl ConnectionTrait,
    manager: Uuid,
    member: Uuid,
) -> Result<bool, StoreError> {
    let managed = managed_team_ids(db, manager).await?;
    if managed.is_empty() {
        return Ok(false);
    }
    let found = team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(member))
        .filter(team_member::Column::IsManager.eq(false))
        .filter(team_member::Column::TeamId.is_in(managed))
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Every member of every team `manager` manages.
pub async fn members_managed_by(
    db: &impl ConnectionTrait,
    manager: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    let managed = managed_team_ids(db, manager).await?;
    if managed.is_empty() {
        return Ok(Vec::new());
    }
    let mut members: Vec<Uuid> = team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(managed))
        .filter(team_member::Column::IsManager.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    members.sort_unstable();
    members.dedup();
    Ok(members)
}

/// The ids of a team's members (not managers), as a subquery.
pub fn member_ids_query(team_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(team_member::Column::UserId)
        .from(team_member::Entity)
        .and_where(team_member::Column::TeamId.eq(team_id))
        .and_where(team_member::Column::IsManager.eq(false))
        .to_owned()
}

/// The members (not managers) of a team.
pub async fn member_ids(db: &impl ConnectionTrait, team_id: Uuid) -> Result<Vec<Uuid>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team_id))
        .filter(team_member::Column::IsManager.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}
