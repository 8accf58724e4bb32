//! A manager's pages: their teams, a team's heatmap with the overdue list and
//! the assign form, and a cell's drill-down. All plain forms, no JavaScript.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use time::Duration;
use uuid::Uuid;

use crate::auth::{ManagerOrAdmin, PageUser};
use crate::error::PageError;
use crate::learning::access::parse_id;
use crate::management::assignments::{self, AssignInput, Assignable, StatusFilter};
use crate::management::heatmap::{self, Sorting};
use crate::management::team_access::{member_of, visible_teams};
use crate::management::{TeamStandings, drilldown, team_for, team_members, team_standings};
use crate::routes::pages::login::redirect;
use crate::routes::pages::pager::Pager;
use crate::routes::pages::{form_field, redirect_with_message, safe_next};
use crate::state::AppState;
use crate::store::now;
use crate::views::{page_context, render};

#[derive(Serialize)]
struct TeamCard {
    id: Uuid,
    name: String,
    members: usize,
    overdue: usize,
    open: usize,
}

/// `/teams`: the teams the manager manages, with their open and overdue counts.
#[get("/teams")]
pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let catalog = state.library.catalog();
    let mut cards = Vec::new();
    for team in visible_teams(&state.db, &identity.user).await? {
        let members = team_members(&state.db, team.id).await?;
        let open = assignments::of_team(
            &state.db,
            &catalog,
            &members,
            StatusFilter::Open,
            language.tag(),
        )
        .await?;
        cards.push(TeamCard {
            id: team.id,
            name: team.name,
            members: members.len(),
            overdue: open.iter().filter(|a| a.overdue).count(),
            open: open.len(),
        });
    }
    context.insert("teams", &cards);
    render(&state, "pages/teams.html", &context)
}

/// Heatmap rows on one page of the team page.
const MEMBERS_PER_PAGE: usize = 100;

/// A member in the assign form's list.
#[derive(Serialize)]
struct MemberChoice {
    id: Uuid,
    name: String,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Deserialize)]
pub struct TeamQuery {
    sort: Option<String>,
    columns: Option<String>,
    /// Which page of members the heatmap shows, from 1.
    page: Option<usize>,
    assigned: Option<usize>,
    rescheduled: Option<usize>,
    done: Option<usize>,
    error: Option<String>,
}

/// What can be assigned, for the form's select: modules, then paths.
fn assignable_choices(
    catalog: &crate::content::Catalog,
    language: &str,
) -> (Vec<Choice>, Vec<Choice>) {
    let modules = catalog
        .modules
        .iter()
        .map(|m| Choice {
            value: format!("module:{}", m.id),
            label: format!(
                "{} (L{}, {} min)",
                m.title.get(language),
                m.level,
                m.minutes
            ),
        })
        .collect();
    let paths = catalog
        .course
        .paths
        .iter()
        .map(|p| Choice {
            value: format!("path:{}", p.id.value),
            label: p.title.get(language).clone(),
        })
        .collect();
    (modules, paths)
}

fn default_due() -> String {
    let due = now() + Duration::days(14);
    format!(
        "{:04}-{:02}-{:02}",
        due.year(),
        u8::from(due.month()),
        due.day()
    )
}

/// `/teams/{id}`: the heatmap, the team row, the overdue list, open
/// assignments and the assign form.
#[get("/teams/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
    id: web::Path<String>,
    query: web::Query<TeamQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let team_id = parse_id(&id, "a team")?;
    let TeamStandings {
        team,
        members,
        standings,
    } = team_standings(&state.db, &identity.user, team_id).await?;
    let catalog = state.library.catalog();
    let query = query.into_inner();
    let sorting = Sorting {
        sort: query.sort.clone(),
        columns: query.columns.clone(),
    };
    let mut map = heatmap::build(&catalog, &team, &members, &standings, lang, &sorting);
    // The team row and the sort cover every member; the table shows one
    // page of them (a 1,000-member team would otherwise be a 6.7 MB page),
    // and the assign form still lists everyone.
    let pager = Pager::new(map.members.len(), MEMBERS_PER_PAGE, query.page);
    let everyone: Vec<MemberChoice> = map
        .members
        .iter()
        .map(|m| MemberChoice {
            id: m.id,
            name: m.name.clone(),
        })
        .collect();
    map.members = map.members.drain(pager.range()).collect();
    let open =
        assignments::of_team(&state.db, &catalog, &members, StatusFilter::Open, lang).await?;
    let mut overdue: Vec<_> = open.iter().filter(|a| a.overdue).cloned().collect();
    overdue.sort_by_key(|a| std::cmp::Reverse(a.days_late));
    let (module_choices, path_choices) = assignable_choices(&catalog, lang);
    context.insert("map", &map);
    context.insert("pager", &pager);
    context.insert("everyone", &everyone);
    context.insert("sort", &query.sort.unwrap_or_else(|| "name".into()));
    context.insert(
        "columns",
        &query.columns.unwrap_or_else(|| "framework".into()),
    );
    context.insert("overdue", &overdue);
    context.insert("open", &open);
    context.insert("module_choices", &module_choices);
    context.insert("path_choices", &path_choices);
    context.insert("default_due", &default_due());
    context.insert("assigned", &query.assigned);
    context.insert("rescheduled", &query.rescheduled);
    context.insert("already_done", &query.done);
    context.insert("form_error", &query.error);
    render(&state, "pages/team.html", &context)
}

/// `/teams/{id}/members/{user}/competencies/{competency}`: a heatmap cell opened.
#[get("/teams/{id}/members/{user}/competencies/{competency}")]
pub async fn cell(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
    path: web::Path<(String, String, String)>,
    query: web::Query<TeamQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let (team_id, user_id, competency) = path.into_inner();
    let team = team_for(&state.db, &identity.user, parse_id(&team_id, "a team")?).await?;
    let member = member_of(&state.db, team.id, parse_id(&user_id, "a member")?).await?;
    let catalog = state.library.catalog();
    let view = drilldown::build(
        &state.db,
        &catalog,
        &team,
        member,
        &competency,
        language.tag(),
        state.settings.clock.now(),
    )
    .await?;
    let query = query.into_inner();
    context.insert("cell", &view);
    context.insert("default_due", &default_due());
    context.insert("assigned", &query.assigned);
    context.insert("rescheduled", &query.rescheduled);
    context.insert("already_done", &query.done);
    context.insert("form_error", &query.error);
    render(&state, "pages/team_cell.html", &context)
}

/// The assign form: `what` (`module:ID` or `path:ID`), `members` (repeated;
/// none means the whole team), `due` (YYYY-MM-DD) and `back` (the page to
/// return to, which shows what was done or what to fix).
#[post("/teams/{id}/assignments")]
pub async fn assign(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (_, language) = page_context(&state, &req);
    let team = team_for(&state.db, &identity.user, parse_id(&id, "a team")?).await?;
    let members = team_members(&state.db, team.id).await?;
    let field = |name: &str| form_field(&form, name).unwrap_or_default();
    let back = safe_next(Some(field("back")));
    let back = if back == "/" {
        format!("/teams/{}", team.id)
    } else {
        back
    };
    let back_base = back.split(['?', '#']).next().unwrap_or(&back).to_owned();
    let what = field("what");
    let chosen: Vec<Uuid> = form
        .iter()
        .filter(|(k, _)| k == "members")
        .filter_map(|(_, v)| Uuid::parse_str(v.trim()).ok())
        .collect();
    let parsed = match what.split_once(':') {
        Some(("module", module)) => Ok(Assignable::Module(module.to_owned())),
        Some(("path", path)) => Ok(Assignable::Path(path.to_owned())),
        _ => Err(crate::learning::LearningError::Invalid(
            "choose a module or a path to assign".into(),
        )),
    };
    let catalog = state.library.catalog();
    let result = match parsed {
        Ok(what) => match assignments::parse_due(field("due"), &identity.user.zone(), now()) {
            Ok(due_at) => {
                let input = AssignInput {
                    what,
                    members: chosen,
                    due_at,
                };
                assignments::assign(
                    &state.db,
                    &catalog,
                    &members,
                    identity.user.id,
                    &input,
                    language.tag(),
                )
                .await
            }
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    match result {
        Ok(outcome) => Ok(redirect(&format!(
            "{back_base}?assigned={}&rescheduled={}&done={}#assign",
            outcome.created.len(),
            outcome.rescheduled.len(),
            outcome.already_done.len()
        ))),
        Err(crate::learning::LearningError::Invalid(message)) => Ok(redirect_with_message(
            &back_base, "error", &message, "assign",
        )),
        Err(error) => Err(error.into()),
    }
}

fn csv_download(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}

/// A file name made of the team name's letters and digits only.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        "team".to_owned()
    } else {
        stem
    }
}

/// `/teams/{id}/export.csv`: the heatmap as a spreadsheet.
#[get("/teams/{id}/export.csv")]
pub async fn export_levels(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (_, language) = page_context(&state, &req);
    let TeamStandings {
        team,
        members,
        standings,
    } = team_standings(&state.db, &identity.user, parse_id(&id, "a team")?).await?;
    let catalog = state.library.catalog();
    let bytes = crate::export::spreadsheet::levels(
        &catalog,
        &[crate::export::spreadsheet::TeamLevels {
            team: &team.name,
            members: &members,
            standings: &standings,
        }],
        language.tag(),
    )
    .map_err(PageError::internal)?;
    Ok(csv_download(
        bytes,
        &format!("{}-levels.csv", file_stem(&team.name)),
    ))
}

/// `/teams/{id}/evidence.csv`: every evidence row of the team's members.
#[get("/teams/{id}/evidence.csv")]
pub async fn export_evidence(
    state: web::Data<AppState>,
    PageUser(identity, ..): PageUser<ManagerOrAdmin>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(&state.db, &identity.user, parse_id(&id, "a team")?).await?;
    let members = team_members(&state.db, team.id).await?;
    let mut histories = Vec::with_capacity(members.len());
    for member in &members {
        histories.push(crate::store::evidence::history(&state.db, member.id).await?);
    }
    let rows: Vec<_> = members
        .iter()
        .zip(&histories)
        .map(
            |(member, history)| crate::export::spreadsheet::MemberEvidence {
                team: &team.name,
                member,
                history,
            },
        )
        .collect();
    let bytes = crate::export::spreadsheet::evidence(&rows, None).map_err(PageError::internal)?;
    Ok(csv_download(
        bytes,
        &format!("{}-evidence.csv", file_stem(&team.name)),
    ))
}
