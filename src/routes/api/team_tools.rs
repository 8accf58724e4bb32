//! A manager's team tools over the API: the heatmap, a cell's drill-down,
//! assignments and the overdue list. Managers reach the teams they manage,
//! administrators every team; any other team id is 404.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{ApiUser, ManagerOrAdmin};
use crate::error::{ApiError, ErrorBody};
use crate::i18n::request_language;
use crate::learning::LearningError;
use crate::management::assignments::{
    self, AssignInput, AssignOutcome, Assignable, AssignmentView, StatusFilter,
};
use crate::management::drilldown::{self, DrillDown};
use crate::management::heatmap::{self as heatmap_view, Heatmap, Sorting};
use crate::management::team_access::member_of;
use crate::management::{TeamStandings, team_for, team_members, team_standings};
use crate::state::AppState;
use crate::store::now;

/// Members x competencies: each member's level, target and gap, plus the
/// team row (average level, share at target).
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id"), Sorting),
    responses((status = 200, body = Heatmap), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/teams/{id}/heatmap")]
pub async fn heatmap(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    id: web::Path<Uuid>,
    sorting: web::Query<Sorting>,
) -> Result<web::Json<Heatmap>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let TeamStandings {
        team,
        members,
        standings,
    } = team_standings(&state.db, &identity.user, id.into_inner()).await?;
    let catalog = state.library.catalog();
    Ok(web::Json(heatmap_view::build(
        &catalog,
        &team,
        &members,
        &standings,
        lang.tag(),
        &sorting,
    )))
}

/// One heatmap cell opened: the evidence behind the level and the modules
/// at the next level that would close the gap.
#[utoipa::path(
    tag = "teams",
    params(
        ("id" = Uuid, Path, description = "Team id"),
        ("user" = Uuid, Path, description = "Member id (from the heatmap)"),
        ("competency" = String, Path, description = "Competency id")
    ),
    responses((status = 200, body = DrillDown), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/teams/{id}/members/{user}/competencies/{competency}")]
pub async fn drill_down(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    path: web::Path<(Uuid, Uuid, String)>,
) -> Result<web::Json<DrillDown>, ApiError> {
    let (team_id, user_id, competency) = path.into_inner();
    let lang = request_language(&req, Some(&identity));
    let team = team_for(&state.db, &identity.user, team_id).await?;
    let member = member_of(&state.db, team.id, user_id).await?;
    let catalog = state.library.catalog();
    Ok(web::Json(
        drilldown::build(
            &state.db,
            &catalog,
            &team,
            member,
            &competency,
            lang.tag(),
            state.settings.clock.now(),
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AssignmentQuery {
    /// `open` (default), `overdue`, `completed` or `all`.
    #[param(inline)]
    pub status: Option<StatusFilter>,
}

/// The team's assignments; `status=overdue` is the overdue list, most late first.
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id"), AssignmentQuery),
    responses((status = 200, body = Vec<AssignmentView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/teams/{id}/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    id: web::Path<Uuid>,
    query: web::Query<AssignmentQuery>,
) -> Result<web::Json<Vec<AssignmentView>>, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let team = team_for(&state.db, &identity.user, id.into_inner()).await?;
    let members = team_members(&state.db, team.id).await?;
    let catalog = state.library.catalog();
    Ok(web::Json(
        assignments::of_team(
            &state.db,
            &catalog,
            &members,
            query.status.unwrap_or_default(),
            lang.tag(),
        )
        .await?,
    ))
}

/// Assign a module or every module of a path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The module to assign (give this or `path_id`).
    pub module_id: Option<String>,
    /// The path whose modules to assign (give this or `module_id`).
    pub path_id: Option<String>,
    /// E-mail addresses of the members; omit or leave empty for the whole team.
    #[serde(default)]
    pub members: Vec<String>,
    /// `YYYY-MM-DD` (due at the end of that day, UTC) or an RFC 3339 time.
    pub due: String,
}

/// Assign a module or a path to some or all members, with a due date.
/// Assigning an open assignment again moves its due date; members who have
/// done a module are listed in `already_done` instead.
#[utoipa::path(
    tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    request_body = AssignRequest,
    responses((status = 201, body = AssignOutcome), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[post("/teams/{id}/assignments")]
pub async fn assign(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    id: web::Path<Uuid>,
    body: web::Json<AssignRequest>,
) -> Result<HttpResponse, ApiError> {
    let lang = request_language(&req, Some(&identity));
    let team = team_for(&state.db, &identity.user, id.into_inner()).await?;
    let members = team_members(&state.db, team.id).await?;
    let what = match (&body.module_id, &body.path_id) {
        (Some(module), None) => Assignable::Module(module.clone()),
        (None, Some(path)) => Assignable::Path(path.clone()),
        _ => {
            return Err(ApiError::Invalid(
                "send either `module_id` or `path_id` (exactly one)".into(),
            ));
        }
    };
    let mut chosen = Vec::with_capacity(body.members.len());
    for email in &body.members {
        let member = members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
            .ok_or_else(|| {
                LearningError::Invalid(format!(
                    "{email} is not a member of team `{}`; use the e-mail addresses of its members",
                    team.name
                ))
            })?;
        chosen.push(member.id);
    }
    let input = AssignInput {
        what,
        members: chosen,
        due_at: assignments::parse_due(&body.due, &identity.user.zone(), now())?,
    };
    let catalog = state.library.catalog();
    let outcome = assignments::assign(
        &state.db,
        &catalog,
        &members,
        identity.user.id,
        &input,
        lang.tag(),
    )
    .await?;
    Ok(HttpResponse::Created().json(outcome))
}
