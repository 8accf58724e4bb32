//! The learner's side: what they do (read, answer quizzes, play role-plays)
//! and what it adds up to (path progress, competency profile). Pure rules
//! live in `quiz`, `roleplay` and `progress`; `attempts`, `runs` and
//! `lessons` apply them to the store, writing each result and its evidence
//! in one transaction.

pub mod access;
pub mod attempts;
pub mod feedback;
pub mod journey;
pub mod lessons;
pub mod profile;
pub mod progress;
pub mod quiz;
pub mod roleplay;
pub mod runs;

use crate::error::{ApiError, PageError};
use crate::store::StoreError;

/// Why a learner action was refused; each message says what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum LearningError {
    /// No such module, quiz, role-play, attempt or run, or one the caller
    /// may not see (the two are not told apart).
    #[error("{0}")]
    NotFound(String),
    /// The caller may see it but not act on it.
    #[error("{0}")]
    Forbidden(String),
    /// The state does not allow it: no attempts left, run finished, changed meanwhile.
    #[error("{0}")]
    Conflict(String),
    /// The request names things that do not exist or has the wrong shape.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl crate::store::direct_write::WriteError for LearningError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            Self::Store(error) => Some(error),
            _ => None,
        }
    }
}

impl From<sea_orm::DbErr> for LearningError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Store(StoreError::from(error))
    }
}

impl From<LearningError> for ApiError {
    fn from(error: LearningError) -> Self {
        match error {
            LearningError::NotFound(m) => Self::NotFound(m),
            LearningError::Forbidden(m) => Self::Forbidden(m),
            LearningError::Conflict(m) => Self::Conflict(m),
            LearningError::Invalid(m) => Self::Invalid(m),
            LearningError::Store(e) => e.into(),
        }
    }
}

impl From<LearningError> for PageError {
    fn from(error: LearningError) -> Self {
        match error {
            LearningError::NotFound(_) => Self::NotFound,
            LearningError::Forbidden(_) => Self::Forbidden("error.forbidden_role"),
            LearningError::Conflict(m) => Self::Conflict(m),
            LearningError::Invalid(m) => Self::BadRequest(m),
            LearningError::Store(e) => e.into(),
        }
    }
}

/// A time as RFC 3339 text, as the API and pages show it.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A 0..1 score as a whole percentage.
pub fn percent(score: f64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let rounded = (score * 100.0).round() as i64;
    rounded
}

/// Serializes a value the application built itself (cannot fail for these types).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, LearningError> {
    serde_json::to_string(value).map_err(|e| {
        LearningError::Store(StoreError::Database(sea_orm::DbErr::Custom(e.to_string())))
    })
}

/// Reads back JSON the application stored; a row that does not parse is damaged.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    raw: &str,
    what: &str,
) -> Result<T, LearningError> {
    serde_json::from_str(raw).map_err(|e| {
        LearningError::Store(StoreError::Database(sea_orm::DbErr::Custom(format!(
            "stored {what} cannot be read: {e}"
        ))))
    })
}
