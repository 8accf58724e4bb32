//! Access checks in one place: a handler names the guard it needs in its
//! arguments (`ApiUser<Admin>`, `PageUser<AnyUser>`...) and never checks roles itself.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use super::identity::Identity;
use crate::domain::{AccessRole, Roles};
use crate::error::{ApiError, PageError};

/// A rule about which access roles may pass.
pub trait Requirement {
    fn allows(roles: &Roles) -> bool;
    /// Says who may do this, for the refusal message.
    const WHO: &'static str;
}

/// Any logged-in user.
pub struct AnyUser;
impl Requirement for AnyUser {
    fn allows(_: &Roles) -> bool {
        true
    }
    const WHO: &'static str = "logged-in users";
}

/// Administrators only.
pub struct Admin;
impl Requirement for Admin {
    fn allows(roles: &Roles) -> bool {
        roles.is_admin()
    }
    const WHO: &'static str = "administrators";
}

/// Managers (for their own teams) and administrators.
pub struct ManagerOrAdmin;
impl Requirement for ManagerOrAdmin {
    fn allows(roles: &Roles) -> bool {
        roles.is_admin() || roles.has(AccessRole::Manager)
    }
    const WHO: &'static str = "managers and administrators";
}

/// Trainers and administrators (content status, previews, review queue).
pub struct TrainerOrAdmin;
impl Requirement for TrainerOrAdmin {
    fn allows(roles: &Roles) -> bool {
        roles.is_admin() || roles.has(AccessRole::Trainer)
    }
    const WHO: &'static str = "trainers and administrators";
}

/// Whoever scores practice answers: trainers (every learner's), managers
/// (their teams' members') and administrators.
pub struct Reviewer;
impl Requirement for Reviewer {
    fn allows(roles: &Roles) -> bool {
        roles.is_admin() || roles.has(AccessRole::Trainer) || roles.has(AccessRole::Manager)
    }
    const WHO: &'static str = "trainers, managers and administrators";
}

/// A caller of the JSON API who meets `R`; refusals are JSON 401/403.
pub struct ApiUser<R: Requirement = AnyUser>(pub Identity, pub PhantomData<R>);

/// A visitor of an HTML page who meets `R`; without a session they are sent
/// to the login page, without the role they see a 403 page.
pub struct PageUser<R: Requirement = AnyUser>(pub Identity, pub PhantomData<R>);

fn check<R: Requirement>(req: &HttpRequest) -> Result<Identity, bool> {
    let identity = req.extensions().get::<Identity>().cloned().ok_or(false)?;
    if R::allows(&identity.user.roles) {
        Ok(identity)
    } else {
        Err(true)
    }
}

impl<R: Requirement> FromRequest for ApiUser<R> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match check::<R>(req) {
            Ok(identity) => Ok(Self(identity, PhantomData)),
            Err(false) => Err(ApiError::Unauthorized(
                "log in first: POST /api/v1/session, or send `Authorization: Bearer <token>`"
                    .into(),
            )),
            Err(true) => Err(ApiError::Forbidden(format!("only {} may do this", R::WHO))),
        })
    }
}

impl<R: Requirement> FromRequest for PageUser<R> {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match check::<R>(req) {
            Ok(identity) => Ok(Self(identity, PhantomData)),
            Err(false) => Err(PageError::LoginRequired {
                next: req
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "/".into()),
            }),
            Err(true) => Err(PageError::Forbidden("error.forbidden_role")),
        })
    }
}

/// The identity of a request where logging in is optional (login page, errors).
pub fn optional_identity(req: &HttpRequest) -> Option<Identity> {
    req.extensions().get::<Identity>().cloned()
}
