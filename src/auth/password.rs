//! Password hashing with argon2id, off the async workers and with a cap on
//! how many hashes run at once, so a login flood cannot starve other requests.
//!
//! Hashes run on a few threads of their own, not on tokio's blocking pool,
//! and each thread keeps its 19 MiB of argon2 working memory for good
//! instead of allocating it per hash. Allocated per hash, the C allocator
//! kept much of each freed block: resident memory grew by about 19 MB per
//! login (10 logins one after another: 35 to 229 MB). Now it is 19 MiB per
//! hashing thread, once.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// Salt and hash lengths, as argon2's own defaults.
const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;
/// How long a request waits for a free hashing slot before giving up with 503.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("the server is busy checking other passwords; try again in a few seconds")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// argon2's working memory, kept by a hashing thread between hashes.
type Memory = Vec<Block>;

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

#[derive(Clone)]
pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    /// Work for the hashing threads; they end when every clone is dropped.
    jobs: mpsc::Sender<Job>,
    /// A real hash of a random password, verified against when the account
    /// does not exist, so both cases take the same time.
    decoy_hash: Arc<str>,
}

fn params() -> Result<Params, HashError> {
    Params::new(MEMORY_KIB, PASSES, LANES, Some(HASH_BYTES)).map_err(failed)
}

fn failed(error: impl std::fmt::Display) -> HashError {
    HashError::Failed(error.to_string())
}

/// Runs argon2 in `memory`, grown or shrunk to what `argon2`'s parameters
/// need (a hash stored with other parameters needs another size). Every
/// block is written before it is read, so what `memory` held does not
/// matter.
fn hash_into(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Memory,
) -> Result<(), HashError> {
    let blocks = argon2.params().block_count();
    if memory.len() != blocks {
        *memory = vec![Block::default(); blocks];
    }
    argon2
        .hash_password_into_with_memory(password, salt, out, memory.as_mut_slice())
        .map_err(failed)
}

/// A new argon2id hash in PHC form (`$argon2id$v=19$m=19456,t=2,p=1$…`).
fn hash_with(password: &str, memory: &mut Memory) -> Result<String, HashError> {
    let params = params()?;
    let mut salt = [0u8; SALT_BYTES];
    getrandom::fill(&mut salt).map_err(failed)?;
    let mut out = [0u8; HASH_BYTES];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    hash_into(&argon2, password.as_bytes(), &salt, &mut out, memory)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(failed)?,
        salt: Some(Salt::new(&salt).map_err(failed)?),
        hash: Some(Output::new(&out).map_err(failed)?),
    };
    Ok(hash.to_string())
}

/// Checks `password` against a stored PHC hash, with the algorithm, version
/// and parameters the hash names; anything unreadable does not match.
fn verify_with(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    if hash_into(&argon2, password.as_bytes(), salt, &mut out, memory).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// Hashes synchronously, with memory of its own; for commands.
pub fn hash_blocking(password: &str) -> Result<String, HashError> {
    hash_with(password, &mut Memory::new())
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
                    let mut memory = Memory::new();
                    loop {
                        // The lock is held only while taking a job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
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
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = tokio::time::timeout(QUEUE_WAIT, self.slots.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |memory: &mut Memory| {
                let _ = done.send(work(memory));
            }))
            .map_err(|_| HashError::Failed("the hashing threads have stopped".into()))?;
        result
            .await
            .map_err(|_| HashError::Failed("a hashing thread stopped mid-hash".into()))
    }

    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move |memory| hash_with(&password, memory)).await?
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
        let matches = self
            .run(move |memory| verify_with(&password, &hash, memory))
            .await?;
        Ok(real && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{
        CustomizedPasswordHasher as _, PasswordHasher as _, PasswordVerifier as _,
    };

    fn verify_blocking(password: &str, stored: &str) -> bool {
        verify_with(password, stored, &mut Memory::new())
    }

    #[test]
    fn hashes_agree_with_argon2s_own_hasher_both_ways() {
        // Ours, checked by argon2's verifier.
        let ours = hash_blocking("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"wrong horse battery", &parsed)
                .is_err()
        );
        // argon2's, as stored by earlier versions, checked by ours; one with
        // other parameters (8 MiB, 3 passes) needs other memory.
        let default_params = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap());
        let theirs = default_params
            .hash_password_with_salt(b"correct horse battery", b"sixteen byte salt")
            .unwrap()
            .to_string();
        let other = Argon2::default()
            .hash_password_customized(
                b"correct horse battery",
                b"another salt value",
                Some("argon2id"),
                None,
                Params::new(8_192, 3, 1, None).unwrap(),
            )
            .unwrap()
            .to_string();
        assert!(other.contains("m=8192,t=3,p=1"), "{other}");
        // One thread's memory, reused across sizes and back.
        let mut memory = Memory::new();
        assert!(verify_with("correct horse battery", &theirs, &mut memory));
        assert!(verify_with("correct horse battery", &other, &mut memory));
        assert!(!verify_with("correct horse batteryy", &other, &mut memory));
        assert!(verify_with("correct horse battery", &ours, &mut memory));
        assert!(!verify_with("correct horse batter", &theirs, &mut memory));
    }

    #[test]
    fn unreadable_hashes_never_match() {
        for stored in [
            "",
            "plain text",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2l4dGVlbiBieXRlIHNhbHQ",
            "$bcrypt$v=19$m=19456,t=2,p=1$c2l4dGVlbiBieXRlIHNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$argon2id$v=7$m=19456,t=2,p=1$c2l4dGVlbiBieXRlIHNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!verify_blocking("anything", stored), "{stored}");
        }
    }

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
