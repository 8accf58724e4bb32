use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::InvalidInput;

/// What a user may do in the application (separate from their job role,
/// which sets competency targets).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AccessRole {
    Learner,
    Trainer,
    Manager,
    Admin,
}

impl AccessRole {
    pub const ALL: [AccessRole; 4] = [Self::Learner, Self::Trainer, Self::Manager, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Learner => "learner",
            Self::Trainer => "trainer",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == raw.trim())
            .ok_or_else(|| {
                InvalidInput::new(
                    "role",
                    raw,
                    format!("`{raw}` is not a role; use learner, trainer, manager or admin"),
                )
            })
    }
}

/// The set of access roles a user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Roles(BTreeSet<AccessRole>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = AccessRole>) -> Self {
        Self(roles.into_iter().collect())
    }

    pub fn has(&self, role: AccessRole) -> bool {
        self.0.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(AccessRole::Admin)
    }

    pub fn iter(&self) -> impl Iterator<Item = AccessRole> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.iter().map(AccessRole::as_str).collect()
    }
}
