//! Principal and NotPrincipal matching for resource and trust policies.

use serde::{Deserialize, Serialize};

use super::context::{PrincipalInfo, PrincipalKind};
use super::document::{Principal, PrincipalClause, PrincipalType};
use super::parse::is_account_id;

/// How a statement's Principal matched. The distinction matters within one account: a
/// resource policy that names the account (`123456789012` or `...:root`) delegates to the
/// account's identity policies, which must then allow too; naming the caller itself grants
/// access on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalMatch {
    /// Identity policies: the Principal element is not consulted.
    NotChecked,
    /// `*`, the caller's own ARN, its role, service or provider, or not excluded by NotPrincipal.
    Direct,
    /// Only the caller's account was named.
    Account,
}

pub fn match_principal(clause: &PrincipalClause, who: &PrincipalInfo) -> Option<PrincipalMatch> {
    let found = match &clause.principal {
        Principal::Any => Some(PrincipalMatch::Direct),
        Principal::Entries(entries) => {
            let mut best = None;
            for (kind, values) in entries {
                for value in values {
                    match entry_matches(*kind, value, who) {
                        Some(PrincipalMatch::Direct) => {
                            best = Some(PrincipalMatch::Direct);
                        }
                        Some(m) if best.is_none() => best = Some(m),
                        _ => {}
                    }
                }
            }
            best
        }
    };
    if clause.negated {
        match found {
            Some(_) => None,
            None => Some(PrincipalMatch::Direct),
        }
    } else {
        found
    }
}

fn entry_matches(kind: PrincipalType, value: &str, who: &PrincipalInfo) -> Option<PrincipalMatch> {
    match kind {
        PrincipalType::Aws => aws_entry_matches(value, who),
        PrincipalType::Service => (who.kind == PrincipalKind::Service
            && who.arn.eq_ignore_ascii_case(value))
        .then_some(PrincipalMatch::Direct),
        PrincipalType::Federated => (matches!(who.kind, PrincipalKind::Federated)
            && who.arn == value)
            .then_some(PrincipalMatch::Direct),
        PrincipalType::CanonicalUser => (who.arn == value).then_some(PrincipalMatch::Direct),
    }
}

fn aws_entry_matches(value: &str, who: &PrincipalInfo) -> Option<PrincipalMatch> {
    if value == "*" {
        return Some(PrincipalMatch::Direct);
    }
    let is_aws_identity = !matches!(
        who.kind,
        PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::Anonymous
    );
    if !is_aws_identity {
        return None;
    }
    if is_account_id(value) {
        return (who.account == value).then_some(PrincipalMatch::Account);
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [_, _, service, _, account, resource] = parts.as_slice() else {
        return None;
    };
    if *service == "iam" && *resource == "root" {
        return (who.account == *account).then_some(PrincipalMatch::Account);
    }
    if value == who.arn {
        return Some(PrincipalMatch::Direct);
    }
    // A role ARN (with or without a path) also names every session of that role.
    if *service == "iam"
        && who.account == *account
        && let Some(rest) = resource.strip_prefix("role/")
    {
        let name = rest.rsplit('/').next().unwrap_or(rest);
        if who.role_name() == Some(name) {
            return Some(PrincipalMatch::Direct);
        }
    }
    None
}
