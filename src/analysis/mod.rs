//! Statistics for trainers over learners' first attempts: how each quiz
//! question performs and where role-play runs end.

pub mod endings;
pub mod items;
