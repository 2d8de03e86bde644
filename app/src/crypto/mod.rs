//! Randomness, sealing and TOTP, injected or pure so tests can pin them.

pub mod entropy;
pub mod sealer;
pub mod totp;

pub use entropy::{Entropy, OsEntropy, SeededEntropy};
pub use sealer::Sealer;
