//! `GET /api/v1/export/xapi`: learning records as xAPI 1.0.3 statements,
//! a JSON array a learning record store accepts as it is.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{ApiUser, ManagerOrAdmin};
use crate::error::{ApiError, ErrorBody};
use crate::export::records;
use crate::export::xapi::{XAPI_VERSION, XapiSettings};
use crate::management::team_for;
use crate::state::AppState;
use crate::store::{teams, users};

#[derive(Debug, Deserialize, IntoParams)]
pub struct XapiQuery {
    /// Only this team's members (managers must give one of their teams or a user in them).
    pub team: Option<Uuid>,
    /// Only this learner, by e-mail address.
    pub user: Option<String>,
    /// Only records from this day (YYYY-MM-DD, UTC) or time (RFC 3339) on.
    pub since: Option<String>,
}

/// Parses `--since` / `since=`: a day (from its start, UTC) or an RFC 3339 time.
pub fn parse_since(raw: &str) -> Result<OffsetDateTime, String> {
    let raw = raw.trim();
    if let Ok(date) = time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        return Ok(date.midnight().assume_utc());
    }
    OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("`{raw}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01"))
}

/// Statements for every quiz question answered, attempt, role-play step and
/// ending, and lesson read. Administrators may export everyone; managers
/// their teams' members.
#[utoipa::path(
    tag = "export",
    params(XapiQuery),
    responses((status = 200, description = "An array of xAPI 1.0.3 statements", body = Vec<Object>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session_cookie" = []), ("bearer" = []))
)]
#[get("/export/xapi")]
pub async fn xapi(
    state: web::Data<AppState>,
    ApiUser(identity, ..): ApiUser<ManagerOrAdmin>,
    query: web::Query<XapiQuery>,
) -> Result<HttpResponse, ApiError> {
    let viewer = &identity.user;
    let since = match &query.since {
        Some(raw) => Some(parse_since(raw).map_err(ApiError::Invalid)?),
        None => None,
    };
    if let Some(team) = query.team {
        team_for(&state.db, viewer, team).await?;
    }
    let user = match &query.user {
        Some(email) => {
            let parsed = crate::domain::Email::parse(email)
                .map_err(|invalid| ApiError::Invalid(invalid.message))?;
            let found = users::find_by_email(&state.db, &parsed)
                .await?
                .ok_or_else(|| {
                    ApiError::NotFound(format!("no user has the e-mail address {email}"))
                })?;
            if !viewer.roles.is_admin() && !teams::manages(&state.db, viewer.id, found.id).await? {
                return Err(ApiError::NotFound(format!(
                    "no member of your teams has the e-mail address {email}"
                )));
            }
            Some(found.id)
        }
        None => None,
    };
    if !viewer.roles.is_admin() && query.team.is_none() && user.is_none() {
        return Err(ApiError::Invalid(
            "managers export one team or one member at a time: add `team=<id>` or `user=<email>`"
                .into(),
        ));
    }
    let learners = records::learners(&state.db, query.team, user).await?;
    let catalog = state.library.catalog();
    let settings = XapiSettings::new(state.settings.public_url.clone(), "Sales Dojo");
    let statements = records::statements(
        &state.db,
        &catalog,
        &settings,
        &learners,
        since,
        &mut |_, _| {},
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("X-Experience-API-Version", XAPI_VERSION))
        .json(statements))
}
