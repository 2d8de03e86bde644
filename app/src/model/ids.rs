//! IAM unique ids (`AIDA...` for users, `AGPA...` for groups, `ANPA...` for managed
//! policies) and ARNs.

use super::{AccountId, GroupName, IamPath, MfaDeviceName, PolicyName, RoleName, UserName};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    User,
    Group,
    Policy,
    Role,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            Self::User => "AIDA",
            Self::Group => "AGPA",
            Self::Policy => "ANPA",
            Self::Role => "AROA",
        }
    }
}

/// The characters of an id after its prefix: base32's alphabet, as AWS's ids use.
pub const ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const ID_RANDOM_LEN: usize = 17;

/// A unique id of one kind; built from random bytes or parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UniqueId(String);

impl UniqueId {
    /// From 17 random bytes (each reduced to the 32-letter alphabet).
    pub fn from_random(kind: IdKind, random: &[u8; ID_RANDOM_LEN]) -> Self {
        let mut s = String::with_capacity(21);
        s.push_str(kind.prefix());
        s.extend(
            random
                .iter()
                .map(|b| char::from(ID_ALPHABET[usize::from(b % 32)])),
        );
        Self(s)
    }

    pub fn parse(kind: IdKind, input: &str) -> Result<Self, String> {
        let ok = input.len() == 4 + ID_RANDOM_LEN
            && input.starts_with(kind.prefix())
            && input[4..].bytes().all(|b| ID_ALPHABET.contains(&b));
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(format!("must be an id starting with {}", kind.prefix()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// ARNs of the things this issue stores.
pub mod arn {
    use super::*;

    pub fn user(account: &AccountId, path: &IamPath, name: &UserName) -> String {
        format!("arn:aws:iam::{account}:user{path}{name}")
    }

    pub fn group(account: &AccountId, path: &IamPath, name: &GroupName) -> String {
        format!("arn:aws:iam::{account}:group{path}{name}")
    }

    pub fn role(account: &AccountId, path: &IamPath, name: &RoleName) -> String {
        format!("arn:aws:iam::{account}:role{path}{name}")
    }

    /// A role session: the role's path is not part of it, as in AWS.
    pub fn assumed_role(account: &AccountId, role: &RoleName, session: &str) -> String {
        format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
    }

    /// A customer managed policy (`account` set) or an AWS managed one (`None`).
    pub fn policy(account: Option<&AccountId>, path: &IamPath, name: &PolicyName) -> String {
        match account {
            Some(account) => format!("arn:aws:iam::{account}:policy{path}{name}"),
            None => format!("arn:aws:iam::aws:policy{path}{name}"),
        }
    }

    /// A virtual MFA device, which is also its serial number.
    pub fn mfa(account: &AccountId, path: &IamPath, name: &MfaDeviceName) -> String {
        format!("arn:aws:iam::{account}:mfa{path}{name}")
    }

    /// The ARN the list actions are authorised on: all users (`user/*`) and so on.
    pub fn all(account: &AccountId, kind: &str) -> String {
        format!("arn:aws:iam::{account}:{kind}/*")
    }

    /// A policy ARN taken apart: owner (`None` for AWS), path and name.
    pub fn parse_policy(arn: &str) -> Result<(Option<AccountId>, IamPath, PolicyName), String> {
        const RULE: &str = "must be a policy ARN like arn:aws:iam::123456789012:policy/Name";
        let rest = arn.trim().strip_prefix("arn:aws:iam::").ok_or(RULE)?;
        let (owner, resource) = rest.split_once(':').ok_or(RULE)?;
        let resource = resource.strip_prefix("policy").ok_or(RULE)?;
        let (path, name) = resource.rsplit_once('/').ok_or(RULE)?;
        let path = IamPath::parse(&format!("{path}/")).map_err(|_| RULE.to_owned())?;
        let name = PolicyName::parse(name).map_err(|_| RULE.to_owned())?;
        let owner = match owner {
            "aws" => None,
            id => Some(AccountId::parse(id).map_err(|_| RULE.to_owned())?),
        };
        Ok((owner, path, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shape() {
        let id = UniqueId::from_random(
            IdKind::User,
            &[
                0, 1, 31, 32, 255, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
            ],
        );
        assert!(id.as_str().starts_with("AIDAAB7A7"));
        assert_eq!(id.as_str().len(), 21);
        assert!(UniqueId::parse(IdKind::User, id.as_str()).is_ok());
        assert!(UniqueId::parse(IdKind::Group, id.as_str()).is_err());
    }

    #[test]
    fn policy_arns_parse() {
        let (owner, path, name) =
            arn::parse_policy("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(owner.is_none());
        assert_eq!(path.as_str(), "/job-function/");
        assert_eq!(name.as_str(), "ViewOnlyAccess");
        assert!(arn::parse_policy("arn:aws:iam::123456789012:policy/P").is_ok());
        assert!(arn::parse_policy("arn:aws:iam::12345:policy/P").is_err());
        assert!(arn::parse_policy("arn:aws:iam::123456789012:user/P").is_err());
    }
}
