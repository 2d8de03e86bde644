//! Password hashing: argon2id, run on the blocking pool so sign-in storms cannot stall
//! the async workers.

use crate::error::AppError;
use crate::model::Password;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use rand::RngCore;
use std::sync::Arc;

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

pub struct PasswordHasher {
    argon: Argon2<'static>,
    /// Verified against when the account is unknown, so that case costs the same time
    /// as a wrong password.
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(cost: HashCost) -> Result<Arc<Self>, String> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| format!("invalid argon2 parameters: {e}"))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = hash_with(&argon, "portcullis-dummy-password")
            .map_err(|e| format!("argon2 self-test failed: {e}"))?;
        Ok(Arc::new(Self { argon, dummy_hash }))
    }

    pub async fn hash(self: &Arc<Self>, password: &Password) -> Result<String, AppError> {
        let this = Arc::clone(self);
        let clear = password.expose().to_owned();
        tokio::task::spawn_blocking(move || hash_with(&this.argon, &clear))
            .await
            .map_err(|e| AppError::internal("password hashing task", e))?
            .map_err(|e| AppError::internal("password hashing", e))
    }

    /// True when `password` matches `hash`; with no hash, checks against the dummy so
    /// the caller's timing does not reveal that the account is unknown.
    pub async fn verify(
        self: &Arc<Self>,
        password: &Password,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        let this = Arc::clone(self);
        let clear = password.expose().to_owned();
        let known = hash.is_some();
        tokio::task::spawn_blocking(move || {
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
