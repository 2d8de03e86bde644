//! TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), as authenticator apps
//! compute it. Pure functions of the seed and the time step; which steps may be
//! accepted, and that each is accepted once, is the MFA service's business.

use super::Entropy;
use crate::model::AuthCode;
use time::OffsetDateTime;
use totp_rs::{Builder, Totp};

pub const STEP_SECS: i64 = 30;
/// 160 bits, the HMAC-SHA1 key length RFC 4226 recommends.
pub const SEED_LEN: usize = 20;
const ISSUER: &str = "Portcullis";

/// A device's shared secret. Never printed; sealed whenever it is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed(Vec<u8>);

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(hidden)")
    }
}

impl Seed {
    pub fn generate(entropy: &dyn Entropy) -> Self {
        let mut bytes = vec![0u8; SEED_LEN];
        entropy.fill(&mut bytes);
        Self(bytes)
    }

    /// A seed as it was unsealed: at least 128 bits, as RFC 4226 requires.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        if bytes.len() < 16 {
            return Err(format!("a TOTP seed of {} bytes is too short", bytes.len()));
        }
        Ok(Self(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The seed as authenticator apps take it when typed in (RFC 4648 Base32, no
    /// padding), which AWS calls Base32StringSeed.
    pub fn base32(&self) -> String {
        totp_rs::Secret::from(self.0.clone()).to_base32()
    }

    fn totp(&self, label: &str) -> Result<Totp, String> {
        Builder::new()
            .with_secret(self.0.clone())
            .with_skew(0)
            .with_account_name(label.replace(':', "_"))
            .with_issuer(Some(ISSUER))
            .build()
            .map_err(|e| e.to_string())
    }

    /// The code the device shows during `step`.
    pub fn code_at(&self, step: i64) -> Result<String, String> {
        let time = u64::try_from(step).map_err(|_| "a negative time step".to_owned())?;
        Ok(self
            .totp("")?
            .generate(time.saturating_mul(STEP_SECS.unsigned_abs()))
            .to_string())
    }

    /// Whether `code` is the one the device shows during `step` (compared in constant
    /// time by the TOTP library).
    pub fn shows(&self, code: &AuthCode, step: i64) -> bool {
        let Ok(time) = u64::try_from(step) else {
            return false;
        };
        self.totp("").is_ok_and(|totp| {
            totp.check(code.as_str(), time.saturating_mul(STEP_SECS.unsigned_abs()))
                .is_some()
        })
    }

    /// The otpauth URL as a QR code (PNG, base64), labelled `Portcullis:<label>`.
    pub fn qr_png_base64(&self, label: &str) -> Result<String, String> {
        self.totp(label)?.to_qr_base64().map_err(|e| e.to_string())
    }
}

/// The time step `now` falls in.
pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SeededEntropy;

    /// RFC 6238, appendix B (SHA-1): the 8-digit values' last six digits, which is what
    /// a 6-digit TOTP shows, since both are the same number modulo a power of ten.
    #[test]
    fn rfc_6238_vectors() {
        let seed = Seed::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            let step = time / STEP_SECS;
            assert_eq!(seed.code_at(step).unwrap(), code, "T={time}");
            assert!(seed.shows(&AuthCode::parse(code).unwrap(), step));
            assert!(!seed.shows(&AuthCode::parse(code).unwrap(), step + 1));
        }
        let at = OffsetDateTime::from_unix_timestamp(1_111_111_109).unwrap();
        assert_eq!(step_at(at), 1_111_111_109 / 30);
    }

    #[test]
    fn seeds_are_base32_and_hidden() {
        let seed = Seed::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        assert_eq!(seed.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(format!("{seed:?}"), "Seed(hidden)");
        let generated = Seed::generate(&SeededEntropy::new(3));
        assert_eq!(generated.as_bytes().len(), SEED_LEN);
        assert!(Seed::from_bytes(vec![1; 10]).is_err());
        let qr = generated.qr_png_base64("alice@123456789012").unwrap();
        assert!(qr.starts_with("iVBORw0KGgo"), "a PNG: {}", &qr[..16]);
    }
}
