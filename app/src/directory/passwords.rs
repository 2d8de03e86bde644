//! Password hashing: argon2id, run on the blocking pool so sign-in storms cannot stall
//! the async workers, and behind one limiter so they cannot take every core and
//! gigabytes of memory either: a request first obtains a `HashPermit` (or is told the
//! server is busy), and only a permit lets it hash or verify.

use crate::error::AppError;
use crate::model::Password;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use rand::RngCore;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Argon2id cost settings. The defaults are OWASP's: 19 MiB, 2 passes, 1 lane.
#[derive(Debug, Clone, Copy)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashCost {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// How many hashes may run at once and how many requests may wait for one.
#[derive(Debug, Clone, Copy)]
pub struct HashLimits {
    /// Hashes running at once: one per core keeps the machine responsive.
    pub concurrent: usize,
    /// Requests allowed to wait for a turn; beyond that the answer is "busy" at once.
    pub queued: usize,
    /// The longest a request waits for a turn before it is told the server is busy.
    pub max_wait: Duration,
}

impl HashLimits {
    /// One hash per core, four waiting per core, at most two seconds of waiting.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            concurrent: cores,
            queued: cores * 4,
            max_wait: Duration::from_secs(2),
        }
    }
}

/// A turn at the hasher. It is released when the hash finishes, even when the request
/// that asked for it has gone (a client that hangs up does not free the core early).
pub struct HashPermit {
    _turn: OwnedSemaphorePermit,
}

pub struct PasswordHasher {
    argon: Argon2<'static>,
    /// Verified against when the account is unknown, so that case costs the same time
    /// as a wrong password.
    dummy_hash: String,
    turns: Arc<Semaphore>,
    waiting: AtomicUsize,
    limits: HashLimits,
}

/// Decrements the waiting count however the wait ends (permit, timeout, cancellation).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

const BUSY: AppError = AppError::Busy {
    retry_after_secs: 1,
};

impl PasswordHasher {
    pub fn new(cost: HashCost, limits: HashLimits) -> Result<Arc<Self>, String> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| format!("invalid argon2 parameters: {e}"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash_with(&argon, "portcullis-dummy-password")
            .map_err(|e| format!("argon2 self-test failed: {e}"))?;
        Ok(Arc::new(Self {
            argon,
            dummy_hash,
            turns: Arc::new(Semaphore::new(limits.concurrent.max(1))),
            waiting: AtomicUsize::new(0),
            limits,
        }))
    }

    /// Waits for a turn at the hasher, or answers `Busy` when too many are waiting or
    /// the wait is too long. Call it before anything that holds a database connection
    /// would wait on it.
    pub async fn admit(&self) -> Result<HashPermit, AppError> {
        if let Ok(permit) = Arc::clone(&self.turns).try_acquire_owned() {
            return Ok(HashPermit { _turn: permit });
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.limits.queued {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(BUSY);
        }
        let _waiting = Waiting(&self.waiting);
        match tokio::time::timeout(
            self.limits.max_wait,
            Arc::clone(&self.turns).acquire_owned(),
        )
        .await
        {
            Ok(Ok(permit)) => Ok(HashPermit { _turn: permit }),
            Ok(Err(closed)) => Err(AppError::internal("password hasher", closed)),
            Err(_elapsed) => Err(BUSY),
        }
    }

    pub async fn hash(
        self: &Arc<Self>,
        permit: HashPermit,
        password: &Password,
    ) -> Result<String, AppError> {
        let this = Arc::clone(self);
        let clear = password.expose().to_owned();
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            hash_with(&this.argon, &clear)
        })
        .await
        .map_err(|e| AppError::internal("password hashing task", e))?
        .map_err(|e| AppError::internal("password hashing", e))
    }

    /// True when `password` matches `hash`; with no hash, checks against the dummy so
    /// the caller's timing does not reveal that the account is unknown.
    pub async fn verify(
        self: &Arc<Self>,
        permit: HashPermit,
        password: &Password,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        let this = Arc::clone(self);
        let clear = password.expose().to_owned();
        let known = hash.is_some();
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            let hash = hash.unwrap_or_else(|| this.dummy_hash.clone());
            let parsed = PasswordHash::new(&hash).map_err(|e| e.to_string())?;
            Ok::<bool, String>(
                this.argon
                    .verify_password(clear.as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await
        .map_err(|e| AppError::internal("password verification task", e))?
        .map(|matched| matched && known)
        .map_err(|e| AppError::internal("stored password hash", e))
    }
}

fn hash_with(argon: &Argon2<'_>, clear: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon
        .hash_password(clear.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}
