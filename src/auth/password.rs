//! Password hashing with argon2id, off the async workers and with a cap on
//! how many hashes run at once, so a login flood cannot starve other requests.
//!
//! Hashes run on a few threads of their own, not on tokio's blocking pool:
//! each hash allocates 19 MiB, and the C allocator keeps freed memory in the
//! arena of the thread that used it. Spread over the blocking pool's many
//! threads, 320 logins left the server at 968 MB; on a fixed set of threads
//! the memory is reused and stays at a few tens of MB.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// How long a request waits for a free hashing slot before giving up with 503.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("the server is busy checking other passwords; try again in a few seconds")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    /// Work for the hashing threads; they end when every clone is dropped.
    jobs: mpsc::Sender<Job>,
    /// A real hash of a random password, verified against when the account
    /// does not exist, so both cases take the same time.
    decoy_hash: Arc<str>,
}

fn argon2() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| HashError::Failed(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes synchronously; for commands and for the blocking pool.
pub fn hash_blocking(password: &str) -> Result<String, HashError> {
    argon2()?
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), hash).is_ok())
}

impl PasswordHasher {
    /// `concurrent` hashes at most at once (each takes ~19 MiB and one core).
    pub fn new(concurrent: usize) -> Result<Self, HashError> {
        let decoy =
            super::secret_token::random_token().map_err(|e| HashError::Failed(e.to_string()))?;
        let threads = concurrent.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .map_err(|e| HashError::Failed(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            slots: Arc::new(Semaphore::new(threads)),
            jobs,
            decoy_hash: hash_blocking(&decoy)?.into(),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = tokio::time::timeout(QUEUE_WAIT, self.slots.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(work());
            }))
            .map_err(|_| HashError::Failed("the hashing threads have stopped".into()))?;
        result
            .await
            .map_err(|_| HashError::Failed("a hashing thread stopped mid-hash".into()))
    }

    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Checks a password against a stored hash; with no hash (unknown
    /// account, or no password set) it still spends the same effort and fails.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (self.decoy_hash.to_string(), false),
        };
        let matches = self.run(move || verify_blocking(&password, &hash)).await?;
        Ok(real && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash_blocking("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking("correct horse battery", &hash));
        assert!(!verify_blocking("wrong horse battery", &hash));
    }

    #[tokio::test]
    async fn many_checks_at_once_share_the_hashing_threads() {
        let hasher = PasswordHasher::new(2).unwrap();
        let stored = hasher.hash("correct horse battery".into()).await.unwrap();
        let checks = (0..8).map(|i| {
            let hasher = hasher.clone();
            let stored = stored.clone();
            let password = if i % 2 == 0 {
                "correct horse battery"
            } else {
                "wrong horse"
            };
            async move { hasher.verify(password.into(), Some(stored)).await.unwrap() }
        });
        let results = futures_util::future::join_all(checks).await;
        assert_eq!(
            results,
            [true, false, true, false, true, false, true, false]
        );
    }

    #[tokio::test]
    async fn a_missing_hash_never_verifies() {
        let hasher = PasswordHasher::new(1).unwrap();
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
    }
}
