//! Who may see and act on a learner's attempts and runs: the learner acts;
//! the learner, their managers, trainers and administrators may look; anyone
//! else is told it does not exist (so ids cannot be probed).

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::LearningError;
use crate::domain::AccessRole;
use crate::store::{teams, users::User};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The learner whose attempt or run it is.
    Owner,
    /// A manager of the learner, a trainer or an administrator: read only.
    Observer,
}

/// The caller's access to something of `owner`'s; `NotFound(not_found)` when
/// they have none.
pub async fn check(
    db: &impl ConnectionTrait,
    viewer: &User,
    owner: Uuid,
    not_found: impl FnOnce() -> String,
) -> Result<Access, LearningError> {
    if viewer.id == owner {
        return Ok(Access::Owner);
    }
    let roles = &viewer.roles;
    if roles.is_admin() || roles.has(AccessRole::Trainer) {
        return Ok(Access::Observer);
    }
    if roles.has(AccessRole::Manager) && teams::manages(db, viewer.id, owner).await? {
        return Ok(Access::Observer);
    }
    Err(LearningError::NotFound(not_found()))
}

/// Like [`check`], but only the owner may act.
pub async fn check_owner(
    db: &impl ConnectionTrait,
    viewer: &User,
    owner: Uuid,
    not_found: impl FnOnce() -> String,
) -> Result<(), LearningError> {
    match check(db, viewer, owner, not_found).await? {
        Access::Owner => Ok(()),
        Access::Observer => Err(LearningError::Forbidden(
            "only the learner it belongs to can do this; you may look at it".into(),
        )),
    }
}

/// Parses an id from a path; a malformed one is simply not found.
pub fn parse_id(raw: &str, what: &str) -> Result<Uuid, LearningError> {
    Uuid::parse_str(raw).map_err(|_| {
        LearningError::NotFound(format!(
            "`{raw}` is not {what} id; ids look like 0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c9d0e"
        ))
    })
}
