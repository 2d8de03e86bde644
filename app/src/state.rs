//! What every server function and service needs, provided through Leptos context.

use crate::authz::cache::Cached;
use crate::authz::{Effective, PolicyCache};
use crate::clock::Clock;
use crate::crypto::{Entropy, Sealer};
use crate::directory::passwords::PasswordHasher;
use crate::directory::setup_token::SetupGate;
use crate::directory::signing::SigningKey;
use crate::error::AppError;
use crate::policy::Catalogue;
use sqlx::PgPool;
use std::sync::Arc;
use time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<ConsoleSettings>,
    pub passwords: Arc<PasswordHasher>,
    /// The token web setup requires while no account exists.
    pub setup: Arc<SetupGate>,
    /// Randomness for ids, keys and nonces.
    pub entropy: Arc<dyn Entropy>,
    /// The master key, for sealing recoverable secrets.
    pub sealer: Arc<Sealer>,
    /// Compiled policy versions.
    pub policy_cache: Arc<PolicyCache>,
    /// Signing keys and effective policies, per account generation (`authz::cache`).
    pub caches: Arc<Caches>,
    /// The AWS service catalogue built into the server (a user's access summary reads
    /// it); `None` in a build without one.
    pub catalogue: Option<&'static Catalogue>,
}

/// What API calls reuse between requests (see `authz::cache`).
#[derive(Debug, Default)]
pub struct Caches {
    /// Active signing keys by access key id, with their holder and secret.
    pub signing_keys: Cached<String, SigningKey>,
    /// Temporary credentials by access key id, with their holder, secret and token hash.
    pub session_keys: Cached<String, crate::directory::sts::SessionKey>,
    /// Users' effective policies by user id (role sessions' by `S|<key id>`).
    pub effective: Cached<String, Effective>,
}

#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    /// A console session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A console session ends this long after sign-in, however active.
    pub absolute_lifetime: Duration,
    /// The URL people reach the console at, used to print sign-in URLs.
    pub public_url: String,
    /// Access keys older than this are to be rotated (the rotation assistant's warning).
    pub access_key_max_age: Duration,
}

impl AppState {
    /// The state from Leptos context; missing state is a wiring bug, reported as internal.
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Self>()
            .ok_or_else(|| AppError::internal("context", "AppState is not provided"))
    }
}
