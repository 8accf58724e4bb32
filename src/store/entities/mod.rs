//! sea-orm entities, one per table of the migrations crate.

pub mod api_token;
pub mod login_attempt;
pub mod session;
pub mod team;
pub mod team_member;
pub mod user;
pub mod user_role;
