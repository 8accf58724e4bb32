//! Server-rendered HTML pages. Forms are plain HTML that work without JavaScript.

pub mod admin;
pub mod analysis;
pub mod assets;
pub mod daily_review;
pub mod dashboard;
pub mod errors;
pub mod language;
pub mod learning;
pub mod login;
pub mod modules;
pub mod pager;
pub mod profile;
pub mod reviews;
pub mod teams;
pub mod trainer;
pub mod user_import;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login::show)
        .service(login::submit)
        .service(login::logout)
        .service(dashboard::show)
        .service(admin::show)
        .service(user_import::import)
        .service(admin::create_user)
        .service(admin::reset_password)
        .service(admin::create_team)
        .service(admin::add_member)
        .service(modules::index)
        .service(modules::media)
        .service(modules::show)
        .service(modules::give_feedback)
        .service(analysis::show)
        .service(learning::complete)
        .service(learning::quiz)
        .service(learning::start_attempt)
        .service(learning::attempt)
        .service(learning::submit_attempt)
        .service(learning::roleplay)
        .service(learning::start_run)
        .service(learning::choose)
        .service(profile::show)
        .service(profile::set_time_zone)
        .service(daily_review::show)
        .service(daily_review::answer)
        .service(teams::index)
        .service(teams::show)
        .service(teams::cell)
        .service(teams::assign)
        .service(teams::export_levels)
        .service(teams::export_evidence)
        .service(reviews::queue)
        .service(reviews::show)
        .service(reviews::score)
        .service(trainer::show)
        .service(trainer::reload)
        .service(trainer::preview)
        .service(language::switch)
        .service(assets::static_file);
}

/// The first value of a posted form field, trimmed.
pub fn form_field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim())
}

/// Back to `path` after a refused form, with the message under `key` in the
/// query (the page shows it) and the page scrolled to `#fragment` when given.
pub fn redirect_with_message(
    path: &str,
    key: &str,
    message: &str,
    fragment: &str,
) -> actix_web::HttpResponse {
    let query = serde_urlencoded::to_string([(key, message)]).unwrap_or_default();
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    login::redirect(&format!("{path}?{query}{fragment}"))
}

/// Only same-site paths are followed after login or a language switch, so
/// the `next` parameter cannot send anyone to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
