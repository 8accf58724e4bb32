//! The manager's and trainer's side: team heatmaps and their drill-down,
//! assignments with due dates and the overdue list, the review queue of
//! practice answers, item analysis and course feedback.

pub mod assignments;
pub mod drilldown;
pub mod heatmap;
pub mod item_analysis;
pub mod reviews;
pub mod team_access;

pub use team_access::{Member, TeamStandings, team_for, team_members, team_standings};
