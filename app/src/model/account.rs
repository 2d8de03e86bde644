use super::EmailAddress;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// An account and its root user, as every part of the code past the store sees it
/// (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub alias: Option<AccountAlias>,
    pub root_email: EmailAddress,
    pub created_at: OffsetDateTime,
}

impl Account {
    /// What IAM users type to reach this account's sign-in page: the alias when set.
    pub fn signin_name(&self) -> &str {
        self.alias
            .as_ref()
            .map_or(self.id.as_str(), AccountAlias::as_str)
    }

    /// `arn:aws:iam::<id>:root`, the root user's ARN.
    pub fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.id)
    }
}

/// A 12-digit AWS-style account id. Leading zeros are significant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        if input.len() == 12 && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_owned()))
        } else {
            Err("must be exactly 12 digits".to_owned())
        }
    }

    /// Builds an id from a number below 10^12 (random generation); zero-padded.
    pub fn from_number(n: u64) -> Option<Self> {
        (n < 1_000_000_000_000).then(|| Self(format!("{n:012}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An account alias, used in the IAM users' sign-in URL in place of the id.
/// AWS's rules: 3-63 characters of lowercase letters, digits and hyphens, starting and
/// ending with a letter or digit. We also refuse consecutive hyphens (AWS does) and
/// all-digit aliases, so an alias can never be mistaken for an account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountAlias(String);

impl AccountAlias {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let len = s.chars().count();
        if !(3..=63).contains(&len) {
            return Err("must be 3 to 63 characters long".to_owned());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("may contain only lowercase letters, digits and hyphens".to_owned());
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("must start and end with a letter or digit".to_owned());
        }
        if s.contains("--") {
            return Err("must not contain two hyphens in a row".to_owned());
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            return Err("must contain a letter or hyphen (an all-digit alias would look like an account id)".to_owned());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountAlias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::parse("012345678901").is_ok());
        assert!(AccountId::parse("12345678901").is_err());
        assert!(AccountId::parse("1234567890123").is_err());
        assert!(AccountId::parse("12345678901a").is_err());
        assert_eq!(
            AccountId::from_number(42).map(|a| a.to_string()),
            Some("000000000042".to_owned())
        );
        assert_eq!(AccountId::from_number(1_000_000_000_000), None);
    }

    #[test]
    fn aliases_follow_the_aws_rules() {
        for ok in ["abc", "my-company", "a1b", "x-1-y"] {
            assert!(AccountAlias::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a--b",
            "ABC",
            "a_b",
            "123456789012",
            "",
            "é-tude",
        ] {
            assert!(AccountAlias::parse(bad).is_err(), "{bad}");
        }
        assert!(AccountAlias::parse(&"a".repeat(64)).is_err());
        assert!(AccountAlias::parse(&"a".repeat(63)).is_ok());
    }
}
