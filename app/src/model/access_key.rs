//! Access keys as services return them and pages show them, and the rotation advice
//! the console gives about each.

use super::UserName;
use super::ids::ID_ALPHABET;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Duration, OffsetDateTime};

/// Characters after `AKIA` in a key id this server makes.
pub const KEY_ID_RANDOM_LEN: usize = 16;
/// Length of a secret access key, as AWS's.
pub const SECRET_LEN: usize = 40;
/// Access keys per IAM user and per root user, inactive ones counting (AWS's quota).
pub const MAX_ACCESS_KEYS: usize = 2;

/// An access key id. Parsing accepts what AWS's API accepts (16-128 word characters),
/// so an id of another form is simply not found; ids made here are `AKIA` and 16
/// characters of base32's alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccessKeyId(String);

impl AccessKeyId {
    pub fn from_random(random: &[u8; KEY_ID_RANDOM_LEN]) -> Self {
        let mut s = String::with_capacity(4 + KEY_ID_RANDOM_LEN);
        s.push_str("AKIA");
        s.extend(
            random
                .iter()
                .map(|b| char::from(ID_ALPHABET[usize::from(b % 32)])),
        );
        Self(s)
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        let id = input.trim();
        if id.is_empty() {
            return Err("is required".to_owned());
        }
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if !(16..=128).contains(&id.len()) || !id.chars().all(word) {
            return Err("must be an access key id (16-128 letters, digits or _)".to_owned());
        }
        Ok(Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a key signs requests (Active) or is refused (Inactive), as AWS spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKeyStatus {
    Active,
    Inactive,
}

impl AccessKeyStatus {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim() {
            "Active" => Ok(Self::Active),
            "Inactive" => Ok(Self::Inactive),
            "" => Err("is required".to_owned()),
            _ => Err("must be Active or Inactive".to_owned()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }
}

/// When, for which service and in which region a key last signed a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyLastUse {
    pub at: OffsetDateTime,
    pub service: String,
    pub region: String,
}

/// An access key without its secret (ListAccessKeys, GetAccessKeyLastUsed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: AccessKeyId,
    /// The IAM user it belongs to; `None` for the root user's keys.
    pub user_name: Option<UserName>,
    pub status: AccessKeyStatus,
    pub created_at: OffsetDateTime,
    pub last_used: Option<KeyLastUse>,
}

/// A key just created (CreateAccessKey): the only time its secret leaves the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessKey {
    pub key: AccessKey,
    pub secret: String,
}

impl fmt::Debug for NewAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccessKey")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl NewAccessKey {
    /// The CSV AWS's console offers for download, with its two columns.
    pub fn csv(&self) -> String {
        format!(
            "Access key ID,Secret access key\r\n{},{}\r\n",
            self.key.id, self.secret
        )
    }
}

/// What the rotation assistant says about one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAdvice {
    pub age_days: i64,
    /// Days since the key last signed a request; `None` when it never did.
    pub unused_days: Option<i64>,
    pub warnings: Vec<String>,
}

/// Advice on a key, `now`: older than `max_age` it should be rotated; never used (for
/// a day or more) it may not be needed; unused for `max_age` it may be forgotten.
pub fn key_advice(key: &AccessKey, now: OffsetDateTime, max_age: Duration) -> KeyAdvice {
    let age = now - key.created_at;
    let max_days = max_age.whole_days();
    let unused_days = key.last_used.as_ref().map(|u| (now - u.at).whole_days());
    let mut warnings = Vec::new();
    if age > max_age {
        warnings.push(format!(
            "Older than {max_days} days: rotate it (create a second key, move the workload, deactivate this one, delete it)."
        ));
    }
    match (&key.last_used, key.status) {
        (None, AccessKeyStatus::Active) if age >= Duration::days(1) => {
            warnings.push("Never used: if nothing needs it, deactivate it.".to_owned());
        }
        (Some(use_), AccessKeyStatus::Active) if now - use_.at > max_age => {
            warnings.push(format!(
                "Not used for more than {max_days} days: if nothing needs it, deactivate it."
            ));
        }
        _ => {}
    }
    KeyAdvice {
        age_days: age.whole_days(),
        unused_days,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn key(created: OffsetDateTime, used: Option<OffsetDateTime>) -> AccessKey {
        AccessKey {
            id: AccessKeyId::from_random(&[0; 16]),
            user_name: None,
            status: AccessKeyStatus::Active,
            created_at: created,
            last_used: used.map(|at| KeyLastUse {
                at,
                service: "iam".to_owned(),
                region: "us-east-1".to_owned(),
            }),
        }
    }

    #[test]
    fn key_ids_are_akia_and_sixteen_base32_characters() {
        let id =
            AccessKeyId::from_random(&[0, 1, 31, 32, 255, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
        assert_eq!(id.as_str().len(), 20);
        assert!(id.as_str().starts_with("AKIAAB7A7"), "{id}");
        assert!(AccessKeyId::parse(id.as_str()).is_ok());
        assert!(AccessKeyId::parse("ASIAABCDEFGHIJKLMNOP").is_ok());
        for bad in ["", "AKIA", "AKIA-BCDEFGHIJKLMNOP", &"A".repeat(129)] {
            assert!(AccessKeyId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_is_spelled_as_aws_spells_it() {
        assert_eq!(
            AccessKeyStatus::parse("Inactive"),
            Ok(AccessKeyStatus::Inactive)
        );
        assert_eq!(
            AccessKeyStatus::parse("inactive"),
            Err("must be Active or Inactive".to_owned())
        );
    }

    #[test]
    fn the_secret_is_never_in_debug_output_but_is_in_the_csv() {
        let new = NewAccessKey {
            key: key(datetime!(2026-01-01 0:00 UTC), None),
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        };
        assert!(!format!("{new:?}").contains("wJalr"));
        assert_eq!(
            new.csv(),
            format!(
                "Access key ID,Secret access key\r\n{},wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n",
                new.key.id
            )
        );
    }

    #[test]
    fn advice_warns_about_old_unused_and_never_used_keys() {
        let now = datetime!(2026-12-01 12:00 UTC);
        let max = Duration::days(90);
        let fresh = key_advice(&key(now - Duration::hours(2), None), now, max);
        assert_eq!((fresh.age_days, fresh.warnings.len()), (0, 0));
        let idle = key_advice(&key(now - Duration::days(3), None), now, max);
        assert_eq!(
            idle.warnings,
            ["Never used: if nothing needs it, deactivate it."]
        );
        let old = key_advice(
            &key(now - Duration::days(91), Some(now - Duration::days(1))),
            now,
            max,
        );
        assert_eq!((old.age_days, old.unused_days), (91, Some(1)));
        assert_eq!(old.warnings.len(), 1);
        assert!(old.warnings[0].starts_with("Older than 90 days"));
        let forgotten = key_advice(
            &key(now - Duration::days(200), Some(now - Duration::days(100))),
            now,
            max,
        );
        assert_eq!(forgotten.warnings.len(), 2);
        let mut inactive = key(now - Duration::days(10), None);
        inactive.status = AccessKeyStatus::Inactive;
        assert!(key_advice(&inactive, now, max).warnings.is_empty());
    }
}
