//! The versioned JSON API under /api/v1. Every handler here is registered
//! with `.service()` so that it appears in the OpenAPI document.

pub mod analysis;
pub mod daily_review;
pub mod export;
pub mod learning;
pub mod me;
pub mod modules;
pub mod reviews;
pub mod session;
pub mod team_tools;
pub mod teams;
pub mod users;

use utoipa_actix_web::scope::{Scope, scope as api_scope};

pub fn scope() -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    api_scope("/api/v1")
        .service(session::create)
        .service(session::delete)
        .service(me::show)
        .service(me::set_language)
        .service(me::set_time_zone)
        .service(users::list)
        .service(users::create)
        .service(users::set_password)
        .service(modules::list)
        .service(modules::show)
        .service(learning::complete)
        .service(learning::start_attempt)
        .service(learning::show_attempt)
        .service(learning::submit_attempt)
        .service(learning::start_run)
        .service(learning::choose)
        .service(learning::show_run)
        .service(learning::competencies)
        .service(learning::my_progress)
        .service(teams::list)
        .service(teams::show)
        .service(teams::create)
        .service(teams::add_member)
        .service(team_tools::heatmap)
        .service(team_tools::drill_down)
        .service(team_tools::list_assignments)
        .service(team_tools::assign)
        .service(reviews::queue)
        .service(reviews::show)
        .service(reviews::score)
        .service(analysis::overview)
        .service(analysis::module_analysis)
        .service(analysis::my_feedback)
        .service(analysis::give_feedback)
        .service(export::xapi)
        .service(daily_review::list)
        .service(daily_review::answer)
}
