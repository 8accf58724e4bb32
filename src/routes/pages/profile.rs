//! `/profile`: the learner's competencies as a radar of level against
//! target (server-side SVG, with a table for screen readers), the evidence
//! behind each level, and the modules that would close the largest gaps.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;

use crate::auth::{AnyUser, PageUser};
use crate::error::PageError;
use crate::learning::journey;
use crate::radar::{RadarAxis, RadarLabels, render_radar};
use crate::state::AppState;
use crate::store::users;
use crate::time_zone::Zone;
use crate::views::{page_context, render};

use super::{form_field, login, redirect_with_message};

#[derive(Deserialize)]
pub struct ProfileQuery {
    zone: Option<String>,
    zone_error: Option<String>,
}

#[get("/profile")]
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageUser(identity, ..): PageUser<AnyUser>,
    query: web::Query<ProfileQuery>,
) -> Result<HttpResponse, PageError> {
    let (mut context, language) = page_context(&state, &req);
    let lang = language.tag();
    let user = &identity.user;
    let catalog = state.library.catalog();
    let view =
        journey::profile(&state.db, &catalog, user, lang, state.settings.clock.now()).await?;
    let text = |key: &str| state.catalogs.text(language, key).to_owned();
    let title = text("profile.radar_title");
    let level = text("profile.level");
    let target = text("profile.target");
    let empty = text("profile.radar_empty");
    let summary = text("profile.radar_axis");
    let axes: Vec<RadarAxis<'_>> = view
        .competencies
        .iter()
        .map(|c| RadarAxis {
            label: &c.name,
            level: c.level,
            target: c.target,
        })
        .collect();
    let svg = render_radar(
        "competency-radar",
        &axes,
        &RadarLabels {
            title: &title,
            level: &level,
            target: &target,
            empty: &empty,
            axis_summary: &summary,
        },
    );
    let role_name = user.job_role.as_deref().map(|role| {
        catalog
            .course
            .framework
            .role(role)
            .map_or_else(|| role.to_owned(), |r| r.name.get(lang).clone())
    });
    let titles: std::collections::BTreeMap<String, String> = catalog
        .modules
        .iter()
        .map(|m| (m.id.clone(), m.title.get(lang).clone()))
        .collect();
    let practice_reviews =
        crate::management::reviews::of_learner(&state.db, &catalog, user.id, lang).await?;
    context.insert("practice_reviews", &practice_reviews);
    context.insert("radar_svg", &svg);
    context.insert("profile", &view);
    context.insert("role_name", &role_name);
    context.insert("module_titles", &titles);
    context.insert("saved_zone", user.time_zone.as_deref().unwrap_or_default());
    context.insert("zone_names", &Zone::all_names());
    context.insert("zone_saved", &(query.zone.as_deref() == Some("saved")));
    context.insert("zone_error", &query.zone_error);
    render(&state, "pages/profile.html", &context)
}

/// Saves the time zone chosen on the profile page (empty: back to UTC).
#[post("/profile/time-zone")]
pub async fn set_time_zone(
    state: web::Data<AppState>,
    PageUser(identity, ..): PageUser<AnyUser>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let chosen = form_field(&form, "time_zone").filter(|name| !name.is_empty());
    let zone = match chosen.map(Zone::named).transpose() {
        Ok(zone) => zone,
        Err(unknown) => {
            return Ok(redirect_with_message(
                "/profile",
                "zone_error",
                &unknown.to_string(),
                "settings",
            ));
        }
    };
    users::set_time_zone(&state.db, identity.user.id, zone.as_ref().map(Zone::name)).await?;
    Ok(login::redirect("/profile?zone=saved#settings"))
}
