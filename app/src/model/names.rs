//! IAM names and paths, with AWS's rules. Each type is built only by its parser.

use serde::{Deserialize, Serialize};
use std::fmt;

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

fn check_name(input: &str, max: usize) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("is required".to_owned());
    }
    if s.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if !s.chars().all(is_name_char) {
        return Err("may contain only letters, digits and the characters + = , . @ _ -".to_owned());
    }
    Ok(s.to_owned())
}

macro_rules! iam_name {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn parse(input: &str) -> Result<Self, String> {
                check_name(input, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The form names are unique by: IAM compares them without case.
            pub fn key(&self) -> String {
                self.0.to_ascii_lowercase()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }
    };
}

iam_name!(
    /// An IAM user's name: 1-64 of `[A-Za-z0-9+=,.@_-]`, unique per account without case.
    UserName,
    64
);
iam_name!(
    /// A role's name: 1-64 of `[A-Za-z0-9+=,.@_-]`, unique per account without case.
    RoleName,
    64
);
iam_name!(
    /// A group's name: 1-128 of `[A-Za-z0-9+=,.@_-]`.
    GroupName,
    128
);
iam_name!(
    /// A managed or inline policy's name: 1-128 of `[A-Za-z0-9+=,.@_-]`.
    PolicyName,
    128
);

iam_name!(
    /// A virtual MFA device's name: 1-226 of `[A-Za-z0-9+=,.@_-]` (AWS's `[\w+=,.@-]+`),
    /// unique per account without case.
    MfaDeviceName,
    226
);

/// An IAM path: `/` alone, or `/` + printable ASCII (no spaces) + `/`, at most 512.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IamPath(String);

impl IamPath {
    pub fn root() -> Self {
        Self("/".to_owned())
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if s.is_empty() {
            return Ok(Self::root());
        }
        if s.len() > 512 {
            return Err("must be at most 512 characters".to_owned());
        }
        if !s.starts_with('/') || !s.ends_with('/') {
            return Err("must begin and end with /".to_owned());
        }
        if !s.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err("may contain only printable ASCII characters without spaces".to_owned());
        }
        if s.contains("//") {
            return Err("must not contain an empty segment (//)".to_owned());
        }
        Ok(Self(s.to_owned()))
    }

    /// A path prefix for listing: like a path, but it need not end with `/`.
    pub fn parse_prefix(input: &str) -> Result<String, String> {
        let s = input.trim();
        if s.is_empty() {
            return Ok("/".to_owned());
        }
        if s.len() > 512 || !s.starts_with('/') || !s.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err("must begin with / and contain only printable ASCII characters".to_owned());
        }
        Ok(s.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IamPath {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<IamPath> for String {
    fn from(p: IamPath) -> String {
        p.0
    }
}

/// A managed policy's description: at most 1,000 characters.
pub fn parse_description(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.chars().count() > 1000 {
        return Err("must be at most 1000 characters".to_owned());
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".to_owned());
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_follow_aws() {
        for ok in [
            "alice",
            "a",
            "Bob.Smith@example.com",
            "x+y=z,w_-",
            &"a".repeat(64),
        ] {
            assert!(UserName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "ä", "a/b", "a:b", &"a".repeat(65)] {
            assert!(UserName::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            UserName::parse("Alice").map(|n| n.key()).ok(),
            Some("alice".to_owned())
        );
        assert!(GroupName::parse(&"g".repeat(128)).is_ok());
        assert!(GroupName::parse(&"g".repeat(129)).is_err());
    }

    #[test]
    fn paths_follow_aws() {
        for ok in ["/", "/division_abc/subdivision_xyz/", "/a/"] {
            assert!(IamPath::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(IamPath::parse("").ok(), Some(IamPath::root()));
        for bad in [
            "a/",
            "/a",
            "/a b/",
            "/a//b/",
            &format!("/{}/", "a".repeat(511)),
        ] {
            assert!(IamPath::parse(bad).is_err(), "{bad}");
        }
    }
}
