//! Recovery codes: single-use stand-ins for an MFA code when the device is lost
//! (beyond AWS). Ten are issued at enrolment, shown once, stored only as hashes.

use super::ids::ID_ALPHABET;
use std::fmt;

/// Codes issued at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a code: 80 random bits in base32's alphabet.
pub const RECOVERY_CODE_LEN: usize = 16;

/// A recovery code as issued or typed: sixteen letters and digits, shown in groups of
/// four; dashes, spaces and case are ignored when typed.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub fn from_random(random: &[u8; RECOVERY_CODE_LEN]) -> Self {
        Self(
            random
                .iter()
                .map(|b| char::from(ID_ALPHABET[usize::from(b % 32)]))
                .collect(),
        )
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() != RECOVERY_CODE_LEN || !code.bytes().all(|b| ID_ALPHABET.contains(&b)) {
            return Err(format!(
                "must be a recovery code: {RECOVERY_CODE_LEN} letters and digits, as issued"
            ));
        }
        Ok(Self(code))
    }

    /// The code without separators (what is hashed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as shown: `ABCD-EFGH-JKLM-NPQR`.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// Codes are secrets: never printed in logs.
impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_typed_loosely() {
        let code =
            RecoveryCode::from_random(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31]);
        assert_eq!(code.grouped(), "ABCD-EFGH-IJKL-MNO7");
        let typed = RecoveryCode::parse(" abcd efgh-ijkl-mno7 ").unwrap();
        assert_eq!(typed, code);
        for bad in ["", "123456", "ABCD-EFGH-IJKL-MNO", "ABCD-EFGH-IJKL-MNO1"] {
            assert!(RecoveryCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{code:?}"), "RecoveryCode(****)");
    }
}
