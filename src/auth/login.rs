//! Logging in and out, shared by the login page and the JSON API.

use time::Duration;

use super::identity::{AuthMethod, Identity};
use super::password::HashError;
use super::secret_token::{random_token, token_hash};
use super::throttle;
use crate::domain::Email;
use crate::state::AppState;
use crate::store::users::User;
use crate::store::{StoreError, login_attempts, sessions, users};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The same answer for an unknown e-mail and a wrong password.
    #[error("the e-mail address or the password is not right; check both and try again")]
    InvalidCredentials,
    #[error("too many failed logins; wait {} minute(s) and try again", .retry_after.as_secs().div_ceil(60))]
    Throttled { retry_after: std::time::Duration },
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot generate a session token: {0}")]
    Random(String),
}

pub struct LoggedIn {
    pub user: User,
    /// Goes into the encrypted cookie; only its hash is stored.
    pub session_token: String,
    pub csrf_token: String,
}

pub async fn log_in(
    state: &AppState,
    raw_email: &str,
    password: String,
    client_addr: &str,
    previous: Option<&Identity>,
) -> Result<LoggedIn, LoginError> {
    // A malformed address still goes through the whole check, so it cannot
    // be told apart from an unknown one.
    let email = Email::parse(raw_email).ok();
    let key = email.as_ref().map_or_else(
        || raw_email.trim().to_lowercase(),
        |e| e.as_str().to_owned(),
    );
    // The attempt counts as a failure from the start and the limit is
    // checked after, so that attempts arriving together see each other:
    // whichever checks last sees every earlier one, so at most the limit's
    // worth of passwords are ever checked in a window, even when many
    // requests race on several app servers.
    let attempt = login_attempts::reserve(&state.db, &key, client_addr).await?;
    if let Some(retry_after) =
        throttle::retry_after(&state.db, &key, client_addr, Some(attempt)).await?
    {
        login_attempts::withdraw(&state.db, attempt).await?;
        return Err(LoginError::Throttled { retry_after });
    }
    let user = match &email {
        Some(email) => users::find_by_email(&state.db, email).await?,
        None => None,
    };
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = state.hasher.verify(password, stored_hash).await?;
    if verified {
        login_attempts::mark_succeeded(&state.db, attempt).await?;
    }
    let (true, Some(user)) = (verified, user) else {
        return Err(LoginError::InvalidCredentials);
    };
    login_attempts::forget_failures_for_email(&state.db, &key).await?;
    // Housekeeping rides on logins, which are rare: old attempts, and
    // sessions that expired without their owner coming back.
    login_attempts::prune(&state.db).await?;
    sessions::delete_expired(&state.db).await?;
    // Rotation: whatever session the browser had before is ended.
    if let Some(Identity {
        method: AuthMethod::Session { id_hash, .. },
        ..
    }) = previous
    {
        sessions::delete(&state.db, id_hash).await?;
    }
    let session_token = random_token().map_err(|e| LoginError::Random(e.to_string()))?;
    let csrf_token = random_token().map_err(|e| LoginError::Random(e.to_string()))?;
    sessions::create(
        &state.db,
        token_hash(&session_token),
        user.id,
        csrf_token.clone(),
        Duration::days(i64::from(state.settings.session_days)),
    )
    .await?;
    tracing::info!(user = %user.id, "logged in");
    Ok(LoggedIn {
        user,
        session_token,
        csrf_token,
    })
}

/// Ends the session the request came with (a Bearer token has none to end).
pub async fn log_out(state: &AppState, identity: &Identity) -> Result<(), StoreError> {
    if let AuthMethod::Session { id_hash, .. } = &identity.method {
        sessions::delete(&state.db, id_hash).await?;
        tracing::info!(user = %identity.user.id, "logged out");
    }
    Ok(())
}

impl From<LoginError> for crate::error::ApiError {
    fn from(error: LoginError) -> Self {
        use crate::error::ApiError;
        match error {
            LoginError::InvalidCredentials => ApiError::Unauthorized(error.to_string()),
            LoginError::Throttled { retry_after } => ApiError::TooManyRequests {
                message: error.to_string(),
                retry_after_secs: retry_after.as_secs(),
            },
            LoginError::Hash(e) => e.into(),
            LoginError::Store(e) => e.into(),
            LoginError::Random(e) => ApiError::internal(e),
        }
    }
}
