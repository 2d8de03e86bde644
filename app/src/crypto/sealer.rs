//! Sealing recoverable secrets (access-key secrets, TOTP seeds) with the master key:
//! XChaCha20-Poly1305 with a random nonce, the purpose and owner bound in as associated
//! data, and the key's fingerprint in front so a rotation knows which key sealed what.
//!
//! A sealer holds a keyring: the current key seals, every key in the ring opens. Rotation
//! (`portcullis master-key rotate`) puts a new key first and re-seals every secret under
//! it; a server that was started before then learns the new ring from its key source
//! (the key file) when the source changes or when it meets a secret sealed by a key it
//! does not hold, so rotating needs no restart.

use super::Entropy;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::RwLock;

const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const FINGERPRINT_LEN: usize = 8;

/// Where a running server reads its keyring again (the key file): the current key
/// first, then the keys that may still open older secrets.
pub trait KeySource: Send + Sync {
    /// Whether the source may hold another ring than the one last loaded (cheap: a
    /// file's modification time).
    fn changed(&self) -> bool;
    fn load(&self) -> Result<Vec<[u8; 32]>, String>;
}

struct Key {
    cipher: XChaCha20Poly1305,
    fingerprint: [u8; FINGERPRINT_LEN],
}

impl Key {
    fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(key.into()),
            fingerprint: fingerprint(key),
        }
    }
}

/// The public name of a key: a hash, never the key.
fn fingerprint(key: &[u8; 32]) -> [u8; FINGERPRINT_LEN] {
    let digest = Sha256::digest([b"portcullis master key id\0".as_slice(), key].concat());
    let mut out = [0u8; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

pub struct Sealer {
    /// The current key first.
    ring: RwLock<Vec<Key>>,
    source: Option<Box<dyn KeySource>>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealer(keys {})", self.key_ids().join(", "))
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
    /// A sealer with one key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self::with_keys(key, &[])
    }

    /// `current` seals; it and `older` open.
    pub fn with_keys(current: &[u8; 32], older: &[[u8; 32]]) -> Self {
        let ring = std::iter::once(current)
            .chain(older)
            .map(Key::new)
            .collect();
        Self {
            ring: RwLock::new(ring),
            source: None,
        }
    }

    /// A sealer that reads its ring from `source`, now and whenever it changes.
    pub fn from_source(source: Box<dyn KeySource>) -> Result<Self, String> {
        let ring = ring_of(source.load()?)?;
        Ok(Self {
            ring: RwLock::new(ring),
            source: Some(source),
        })
    }

    /// The current key's public name.
    pub fn key_id(&self) -> String {
        self.key_ids().into_iter().next().unwrap_or_default()
    }

    /// The public names of every key in the ring, the current one first.
    pub fn key_ids(&self) -> Vec<String> {
        let ring = self.ring.read().unwrap_or_else(|p| p.into_inner());
        ring.iter().map(|k| hex(&k.fingerprint)).collect()
    }

    /// The public name of the key that sealed `sealed`, if it is sealed data at all.
    pub fn sealed_by(sealed: &[u8]) -> Option<String> {
        (sealed.len() > 1 + FINGERPRINT_LEN && sealed[0] == FORMAT)
            .then(|| hex(&sealed[1..1 + FINGERPRINT_LEN]))
    }

    /// Reads the ring again from the source; false when there is none or it failed
    /// (the ring then stays as it was).
    fn reload(&self) -> bool {
        let Some(source) = &self.source else {
            return false;
        };
        match source.load().and_then(ring_of) {
            Ok(ring) => {
                *self.ring.write().unwrap_or_else(|p| p.into_inner()) = ring;
                true
            }
            Err(error) => {
                tracing::error!(%error, "could not read the master keys again");
                false
            }
        }
    }

    /// `context` says what the secret is for and whose it is (for example
    /// `access-key:AKIA...`): a sealed value moved to another row does not open.
    pub fn seal(&self, entropy: &dyn Entropy, context: &str, secret: &[u8]) -> Vec<u8> {
        if self.source.as_ref().is_some_and(|s| s.changed()) {
            self.reload();
        }
        let ring = self.ring.read().unwrap_or_else(|p| p.into_inner());
        // A ring is never empty (`ring_of`, `with_keys`).
        let Some(key) = ring.first() else {
            return Vec::new();
        };
        let mut nonce = [0u8; NONCE_LEN];
        entropy.fill(&mut nonce);
        let sealed = key.cipher.encrypt(
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
        out.extend_from_slice(&key.fingerprint);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        match self.open_with_ring(context, sealed) {
            Err(SealError::OtherKey(_)) if self.reload() => self.open_with_ring(context, sealed),
            other => other,
        }
    }

    fn open_with_ring(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let header = 1 + FINGERPRINT_LEN + NONCE_LEN;
        if sealed.len() < header + 16 || sealed[0] != FORMAT {
            return Err(SealError::Damaged);
        }
        let fingerprint = &sealed[1..1 + FINGERPRINT_LEN];
        let ring = self.ring.read().unwrap_or_else(|p| p.into_inner());
        let key = ring
            .iter()
            .find(|k| k.fingerprint == fingerprint)
            .ok_or_else(|| SealError::OtherKey(hex(fingerprint)))?;
        let nonce = XNonce::from_slice(&sealed[1 + FINGERPRINT_LEN..header]);
        key.cipher
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

fn ring_of(keys: Vec<[u8; 32]>) -> Result<Vec<Key>, String> {
    if keys.is_empty() {
        return Err("no master key".to_owned());
    }
    Ok(keys.iter().map(Key::new).collect())
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
        assert_eq!(Sealer::sealed_by(&sealed), Some(sealer.key_id()));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            sealer.open("access-key:AKIA1", &flipped),
            Err(SealError::Damaged)
        );
    }

    #[test]
    fn every_key_of_the_ring_opens_and_the_first_seals() {
        let entropy = SeededEntropy::new(2);
        let old = Sealer::new(&[1; 32]);
        let sealed_old = old.seal(&entropy, "c", b"old secret");
        let ring = Sealer::with_keys(&[2; 32], &[[1; 32]]);
        assert_eq!(ring.open("c", &sealed_old).unwrap(), b"old secret");
        let sealed_new = ring.seal(&entropy, "c", b"new secret");
        assert_eq!(
            Sealer::sealed_by(&sealed_new),
            Some(Sealer::new(&[2; 32]).key_id())
        );
        assert!(matches!(
            old.open("c", &sealed_new),
            Err(SealError::OtherKey(_))
        ));
        assert_eq!(ring.key_ids().len(), 2);
    }

    /// A key source whose ring the test replaces, as rotation replaces the key file.
    struct Swappable(std::sync::Arc<std::sync::Mutex<(bool, Vec<[u8; 32]>)>>);

    impl KeySource for Swappable {
        fn changed(&self) -> bool {
            self.0.lock().unwrap().0
        }
        fn load(&self) -> Result<Vec<[u8; 32]>, String> {
            let mut state = self.0.lock().unwrap();
            state.0 = false;
            Ok(state.1.clone())
        }
    }

    #[test]
    fn a_running_sealer_learns_a_rotated_ring_from_its_source() {
        let entropy = SeededEntropy::new(3);
        let state = std::sync::Arc::new(std::sync::Mutex::new((false, vec![[1; 32]])));
        let sealer = Sealer::from_source(Box::new(Swappable(state.clone()))).unwrap();
        let rotated = Sealer::with_keys(&[2; 32], &[[1; 32]]);
        let resealed = rotated.seal(&entropy, "c", b"secret");
        // The file now names the new key, unnoticed: opening a secret sealed by it
        // reads the ring again.
        state.lock().unwrap().1 = vec![[2; 32]];
        assert_eq!(sealer.open("c", &resealed).unwrap(), b"secret");
        assert_eq!(sealer.key_ids(), rotated.key_ids()[..1]);
        // A changed source is read before sealing, so nothing is sealed by a retired key.
        *state.lock().unwrap() = (true, vec![[3; 32], [2; 32]]);
        let sealed = sealer.seal(&entropy, "c", b"later");
        assert_eq!(
            Sealer::sealed_by(&sealed),
            Some(Sealer::new(&[3; 32]).key_id())
        );
    }
}
