//! Virtual MFA devices as services return them and pages show them, and the codes
//! people type from them.

use super::{IamPath, MfaDeviceName, UserName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A code read off an authenticator app: exactly six digits (spaces typed between
/// groups of digits are ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthCode(String);

impl AuthCode {
    pub const DIGITS: usize = 6;

    pub fn parse(input: &str) -> Result<Self, String> {
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if code.is_empty() {
            return Err("is required".to_owned());
        }
        if code.len() != Self::DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "must be the {} digits your app shows",
                Self::DIGITS
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Codes are one-time secrets: never printed in logs.
impl std::fmt::Debug for AuthCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCode(******)")
    }
}

/// Whom a device is enabled for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MfaOwner {
    Root,
    User(UserName),
}

/// A virtual MFA device (ListVirtualMFADevices, ListMFADevices). The seed is never
/// part of it: it is shown once, when the device is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDevice {
    /// The device's ARN, which AWS calls its serial number.
    pub serial_number: String,
    pub name: MfaDeviceName,
    pub path: IamPath,
    pub created_at: OffsetDateTime,
    /// Set once the device is enabled.
    pub owner: Option<MfaOwner>,
    pub enabled_at: Option<OffsetDateTime>,
}

/// A device just created (CreateVirtualMFADevice): the only time its seed leaves the
/// server, as the Base32 text and as a QR code of its otpauth URL.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMfaDevice {
    pub device: MfaDevice,
    pub base32_seed: String,
    /// A PNG of the otpauth URL, base64-encoded, as AWS returns it.
    pub qr_code_png: String,
}

impl std::fmt::Debug for NewMfaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMfaDevice")
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(AuthCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(AuthCode::parse(""), Err("is required".to_owned()));
        for bad in ["12345", "1234567", "12345a", "１２３４５６"] {
            assert!(AuthCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", AuthCode::parse("123456").unwrap()),
            "AuthCode(******)"
        );
    }
}
