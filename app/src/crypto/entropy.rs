//! Where ids, keys and nonces get their randomness. Production reads the operating
//! system's generator; tests use a seeded one so ids are reproducible.

use crate::model::{ID_RANDOM_LEN, IdKind, UniqueId};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use std::sync::Mutex;

pub trait Entropy: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);

    fn unique_id(&self, kind: IdKind) -> UniqueId {
        let mut random = [0u8; ID_RANDOM_LEN];
        self.fill(&mut random);
        UniqueId::from_random(kind, &random)
    }

    fn u64_below(&self, low: u64, high: u64) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill(&mut bytes);
        // The bias of a plain modulo over 2^64 is below 2^-24 for these ranges.
        low + u64::from_le_bytes(bytes) % (high - low).max(1)
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// Deterministic, for tests.
#[derive(Debug)]
pub struct SeededEntropy(Mutex<StdRng>);

impl SeededEntropy {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl Entropy for SeededEntropy {
    fn fill(&self, buf: &mut [u8]) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .fill_bytes(buf);
    }
}
