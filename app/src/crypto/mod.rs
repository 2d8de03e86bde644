//! Randomness and sealing, injected so tests can pin them.

pub mod entropy;
pub mod sealer;

pub use entropy::{Entropy, OsEntropy, SeededEntropy};
pub use sealer::Sealer;
