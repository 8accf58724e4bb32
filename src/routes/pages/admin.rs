use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::login::redirect;
use crate::accounts::{self, AccountError, AccountInput};
use crate::auth::{Admin, PageUser};
use crate::domain::AccessRole;
use crate::error::PageError;
use crate::state::AppState;
use crate::store::{teams, users};
use crate::views::{page_context, render};

#[derive(Serialize)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    roles: Vec<&'static str>,
    job_role: Option<String>,
}

/// Notices the page knows how to show after a successful change.
const NOTICES: [&str; 4] = [
    "user_created",
    "password_reset",
    "team_created",
    "member_added",
];

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[get("/admin")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, PageError> {
    let notice = query.notice.as_deref().filter(|n| NOTICES.contains(n));
    admin_page(&state, &req, notice, None).await
}

async fn admin_page(
    state: &AppState,
    req: &HttpRequest,
    notice: Option<&str>,
    failure: Option<AccountError>,
) -> Result<HttpResponse, PageError> {
    let status = match &failure {
        None => StatusCode::OK,
        Some(AccountError::Store(_) | AccountError::Hash(_)) => {
            return Err(PageError::internal(
                failure.map(|f| f.to_string()).unwrap_or_default(),
            ));
        }
        Some(AccountError::EmailTaken(_) | AccountError::TeamNameTaken(_)) => StatusCode::CONFLICT,
        Some(AccountError::UnknownUser(_) | AccountError::UnknownTeam(_)) => StatusCode::NOT_FOUND,
        Some(AccountError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let (mut context, language) = page_context(state, req);
    let rows: Vec<UserRow> = users::list(&state.db)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            roles: u.roles.names(),
            email: u.email,
            name: u.name,
            job_role: u.job_role,
        })
        .collect();
    let team_details = teams::details(&state.db, teams::list_all(&state.db).await?).await?;
    context.insert("users", &rows);
    context.insert("teams", &team_details);
    context.insert("all_roles", &AccessRole::ALL.map(AccessRole::as_str));
    let notice_text = notice.map(|n| {
        state
            .catalogs
            .text(language, &format!("admin.notice_{n}"))
            .to_owned()
    });
    context.insert("notice", &notice_text);
    let form_error = failure
        .as_ref()
        .and_then(AccountError::message_key)
        .map(|(key, value)| {
            state
                .catalogs
                .text(language, &key)
                .replace("{value}", &value)
        });
    context.insert("form_error", &form_error);
    let mut response = render(state, "pages/admin.html", &context)?;
    *response.status_mut() = status;
    Ok(response)
}

async fn done_or_show(
    state: &AppState,
    req: &HttpRequest,
    result: Result<(), AccountError>,
    notice: &str,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(()) => Ok(redirect(&format!("/admin?notice={notice}"))),
        Err(failure) => admin_page(state, req, None, Some(failure)).await,
    }
}

#[derive(Deserialize)]
pub struct NewUserForm {
    email: String,
    name: String,
    password: String,
    job_role: Option<String>,
    #[serde(default)]
    learner: Option<String>,
    #[serde(default)]
    trainer: Option<String>,
    #[serde(default)]
    manager: Option<String>,
    #[serde(default)]
    admin: Option<String>,
}

impl NewUserForm {
    /// Checkboxes arrive only when ticked.
    fn roles(&self) -> Vec<AccessRole> {
        [
            (&self.learner, AccessRole::Learner),
            (&self.trainer, AccessRole::Trainer),
            (&self.manager, AccessRole::Manager),
            (&self.admin, AccessRole::Admin),
        ]
        .into_iter()
        .filter_map(|(field, role)| field.as_ref().map(|_| role))
        .collect()
    }
}

#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let roles = form.roles();
    let result = accounts::create_user(
        &state.db,
        &state.hasher,
        AccountInput {
            email: &form.email,
            name: &form.name,
            roles: &roles,
            job_role: form.job_role.as_deref(),
            password: form.password,
        },
    )
    .await
    .map(|_| ());
    done_or_show(&state, &req, result, "user_created").await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

#[post("/admin/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    id: web::Path<Uuid>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let user = users::find_by_id(&state.db, id.into_inner())
        .await?
        .ok_or(PageError::NotFound)?;
    let result =
        accounts::set_password(&state.db, &state.hasher, &user, form.into_inner().password).await;
    done_or_show(&state, &req, result, "password_reset").await
}

#[derive(Deserialize)]
pub struct NewTeamForm {
    name: String,
    manager_email: String,
}

#[post("/admin/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    form: web::Form<NewTeamForm>,
) -> Result<HttpResponse, PageError> {
    let result = accounts::create_team(&state.db, &form.name, &form.manager_email)
        .await
        .map(|_| ());
    done_or_show(&state, &req, result, "team_created").await
}

#[derive(Deserialize)]
pub struct MemberForm {
    email: String,
}

#[post("/admin/teams/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageUser<Admin>,
    id: web::Path<Uuid>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse, PageError> {
    let team = teams::find_by_id(&state.db, id.into_inner())
        .await?
        .ok_or(PageError::NotFound)?;
    let result = accounts::add_member(&state.db, &team, &form.email)
        .await
        .map(|_| ());
    done_or_show(&state, &req, result, "member_added").await
}
