//! What the server's benchmarks share: the application state they run the services
//! with (the system clock, real entropy, default hashing, a fixed master key).

use app::authz::PolicyCache;
use app::clock::SystemClock;
use app::crypto::{OsEntropy, Sealer};
use app::directory::passwords::{HashCost, HashLimits, PasswordHasher};
use app::directory::setup_token::SetupGate;
use app::state::{AppState, ConsoleSettings};
use sqlx::PgPool;
use std::sync::Arc;

pub fn state(pool: PgPool) -> AppState {
    AppState {
        pool,
        clock: Arc::new(SystemClock),
        settings: Arc::new(ConsoleSettings {
            idle_timeout: time::Duration::hours(1),
            absolute_lifetime: time::Duration::hours(12),
            public_url: "http://127.0.0.1:3000".to_owned(),
            access_key_max_age: time::Duration::days(90),
        }),
        passwords: PasswordHasher::new(HashCost::default(), HashLimits::for_this_machine())
            .unwrap(),
        setup: Arc::new(SetupGate::closed()),
        entropy: Arc::new(OsEntropy),
        sealer: Arc::new(Sealer::new(&[7; 32])),
        policy_cache: Arc::new(PolicyCache::default()),
        caches: Arc::default(),
        catalogue: server::aws_catalogue::catalogue(),
    }
}
