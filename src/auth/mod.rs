//! Authentication and access: passwords, sessions, API tokens, CSRF,
//! login throttling, and the role guards every handler goes through.

pub mod cookie;
pub mod guard;
pub mod identity;
pub mod login;
pub mod password;
pub mod secret_token;
pub mod throttle;

pub use guard::{
    Admin, AnyUser, ApiUser, ManagerOrAdmin, PageUser, Requirement, Reviewer, TrainerOrAdmin,
};
pub use identity::{AuthMethod, Identity};
