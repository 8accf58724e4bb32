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

/// Why a value given by a user was refused, phrased as what to fix: in
/// English for the API and logs, and as a message-catalog key (`invalid.<key>`,
/// with `{value}` for the refused value) for pages in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidInput {
    pub key: &'static str,
    pub value: String,
    pub message: String,
}

impl InvalidInput {
    pub fn new(key: &'static str, value: &str, message: impl Into<String>) -> Self {
        Self {
            key,
            value: value.trim().to_owned(),
            message: message.into(),
        }
    }
}
