use serde::{Deserialize, Serialize};
use std::fmt;

/// A root user's email address. The check is deliberately modest (one `@`, a dotted
/// domain, no spaces): the address is an identifier here, not a mailbox we verify.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.is_empty() {
            return Err("is required".to_owned());
        }
        if s.len() > 254 {
            return Err("must be at most 254 characters".to_owned());
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces".to_owned());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("must be an email address like name@example.com".to_owned());
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err("must be an email address like name@example.com".to_owned());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-up: emails are compared case-insensitively.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_refuses_others() {
        assert!(EmailAddress::parse("root@example.com").is_ok());
        assert!(EmailAddress::parse("  Root.Admin+x@sub.example.org ").is_ok());
        for bad in [
            "",
            "root",
            "root@",
            "@example.com",
            "root@example",
            "a b@c.d",
            "a@b@c.d",
            "a@b..c",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn normalizes_case_for_comparison() {
        let e = EmailAddress::parse("Root@Example.COM").ok();
        assert_eq!(
            e.map(|e| e.normalized()),
            Some("root@example.com".to_owned())
        );
    }
}
