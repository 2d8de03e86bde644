//! Sealing recoverable secrets (access-key secrets, TOTP seeds) with the master key:
//! XChaCha20-Poly1305 with a random nonce, the purpose and owner bound in as associated
//! data, and the key's fingerprint in front so a later rotation knows which key sealed
//! what.

use super::Entropy;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;

const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const FINGERPRINT_LEN: usize = 8;

pub struct Sealer {
    cipher: XChaCha20Poly1305,
    fingerprint: [u8; FINGERPRINT_LEN],
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealer(key {})", self.key_id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("sealed by another master key ({0})")]
    OtherKey(String),
    #[error("sealed data is damaged or was sealed for another purpose")]
    Damaged,
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        let digest = Sha256::digest([b"portcullis master key id\0".as_slice(), key].concat());
        let mut fingerprint = [0u8; FINGERPRINT_LEN];
        fingerprint.copy_from_slice(&digest[..FINGERPRINT_LEN]);
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
            fingerprint,
        }
    }

    /// A short public name for the key (a hash, never the key).
    pub fn key_id(&self) -> String {
        hex(&self.fingerprint)
    }

    /// `context` says what the secret is for and whose it is (for example
    /// `access-key:AKIA...`): a sealed value moved to another row does not open.
    pub fn seal(&self, entropy: &dyn Entropy, context: &str, secret: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        entropy.fill(&mut nonce);
        let sealed = self.cipher.encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: context.as_bytes(),
            },
        );
        // Encryption with a valid key and nonce cannot fail for inputs this size.
        let ciphertext = sealed.unwrap_or_default();
        let mut out = Vec::with_capacity(1 + FINGERPRINT_LEN + NONCE_LEN + ciphertext.len());
        out.push(FORMAT);
        out.extend_from_slice(&self.fingerprint);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let header = 1 + FINGERPRINT_LEN + NONCE_LEN;
        if sealed.len() < header + 16 || sealed[0] != FORMAT {
            return Err(SealError::Damaged);
        }
        let fingerprint = &sealed[1..1 + FINGERPRINT_LEN];
        if fingerprint != self.fingerprint {
            return Err(SealError::OtherKey(hex(fingerprint)));
        }
        let nonce = XNonce::from_slice(&sealed[1 + FINGERPRINT_LEN..header]);
        self.cipher
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed[header..],
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SealError::Damaged)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SeededEntropy;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let entropy = SeededEntropy::new(1);
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal(&entropy, "access-key:AKIA1", b"secret");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(sealer.open("access-key:AKIA1", &sealed).unwrap(), b"secret");
        assert_eq!(
            sealer.open("access-key:AKIA2", &sealed),
            Err(SealError::Damaged)
        );
        let other = Sealer::new(&[8; 32]);
        assert!(matches!(
            other.open("access-key:AKIA1", &sealed),
            Err(SealError::OtherKey(_))
        ));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            sealer.open("access-key:AKIA1", &flipped),
            Err(SealError::Damaged)
        );
    }
}
