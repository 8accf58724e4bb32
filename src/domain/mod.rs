//! Small types that cannot hold invalid values: parse once at the boundary.

mod access_role;
mod email;
mod language;
mod password;
mod person_name;
mod team_name;

pub use access_role::{AccessRole, Roles};
pub use email::Email;
pub use language::Language;
pub use password::Password;
pub use person_name::PersonName;
pub use team_name::TeamName;

/// Why a value given by a user was refused, phrased as what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);
