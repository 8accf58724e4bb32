//! Login throttling, per account and per client address, counted in the
//! database so that every app server enforces the same limits.

use sea_orm::ConnectionTrait;
use time::{Duration, OffsetDateTime};

use crate::store::{StoreError, login_attempts, now};

/// Failed logins allowed per account within the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
/// Failed logins allowed per client address within the window (an office
/// behind one address has many people).
pub const MAX_FAILURES_PER_ADDR: usize = 20;
pub const WINDOW: Duration = Duration::minutes(15);

/// How long until the attempt `attempt` (already reserved as a failure) is
/// allowed, if it is not allowed now; the other failures in the window count.
pub async fn retry_after(
    db: &impl ConnectionTrait,
    email: &str,
    client_addr: &str,
    attempt: Option<uuid::Uuid>,
) -> Result<Option<std::time::Duration>, StoreError> {
    let current = now();
    let since = current - WINDOW;
    let by_account = login_attempts::failures_for_email(db, email, since, attempt).await?;
    let by_addr = login_attempts::failures_for_addr(db, client_addr, since, attempt).await?;
    Ok([
        wait(&by_account, MAX_FAILURES_PER_ACCOUNT, current),
        wait(&by_addr, MAX_FAILURES_PER_ADDR, current),
    ]
    .into_iter()
    .flatten()
    .max())
}

/// With `failures` (oldest first) inside the window, the wait until enough
/// of them age out to allow one more attempt.
fn wait(
    failures: &[OffsetDateTime],
    limit: usize,
    current: OffsetDateTime,
) -> Option<std::time::Duration> {
    if failures.len() < limit {
        return None;
    }
    let frees_up_at = failures[failures.len() - limit] + WINDOW;
    let seconds = (frees_up_at - current).whole_seconds().max(1);
    Some(std::time::Duration::from_secs(seconds.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_the_limit_there_is_no_wait() {
        let t = now();
        assert_eq!(wait(&[t, t], 5, t), None);
    }

    #[test]
    fn at_the_limit_the_wait_ends_when_the_oldest_counted_failure_ages_out() {
        let t = now();
        let failures: Vec<_> = (0..5)
            .map(|i| t - Duration::minutes(10) + Duration::minutes(i))
            .collect();
        let waited = wait(&failures, 5, t).unwrap();
        assert_eq!(waited.as_secs(), 5 * 60);
    }
}
