//! Principal and NotPrincipal matching for resource and trust policies.

use serde::{Deserialize, Serialize};

use super::context::{PrincipalInfo, PrincipalKind};
use super::document::{Principal, PrincipalClause, PrincipalType};
use super::parse::is_account_id;

/// How a statement's Principal matched. The distinction matters within one account: a
/// resource policy that names the account (`123456789012` or `...:root`) delegates to the
/// account's identity policies, which must then allow too; naming the caller (or everyone)
/// grants access on its own; and naming the caller's own ARN exactly also escapes its
/// permissions boundary and session policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PrincipalMatch {
    /// Identity policies: the Principal element is not consulted.
    NotChecked,
    /// Only the caller's account was named.
    Account,
    /// `*`, the caller's role (for a session), service or provider, or not spared by
    /// NotPrincipal.
    Direct,
    /// The caller's own ARN exactly: an IAM user's, a role session's, a federated user's.
    /// Within one account neither a permissions boundary nor a session policy limits what
    /// such a grant allows.
    Caller,
}

/// Whether a statement's Principal or NotPrincipal covers the caller. `has_boundary` says
/// whether the caller has a permissions boundary: AWS documents that a Deny with NotPrincipal
/// always applies to such a principal, whatever NotPrincipal names.
pub fn match_principal(
    clause: &PrincipalClause,
    who: &PrincipalInfo,
    has_boundary: bool,
) -> Option<PrincipalMatch> {
    if clause.negated {
        if has_boundary && is_iam_identity(who) {
            return Some(PrincipalMatch::Direct);
        }
        return (!excluded_by_not_principal(&clause.principal, who))
            .then_some(PrincipalMatch::Direct);
    }
    match &clause.principal {
        Principal::Any => Some(PrincipalMatch::Direct),
        Principal::Entries(entries) => {
            let mut best = None;
            for (kind, values) in entries {
                for value in values {
                    best = best.max(entry_matches(*kind, value, who));
                }
            }
            best
        }
    }
}

fn is_iam_identity(who: &PrincipalInfo) -> bool {
    !matches!(
        who.kind,
        PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::Anonymous
    )
}

/// NotPrincipal spares a caller only when it names the caller itself: naming the account
/// does not spare the users and roles in it, and naming a role does not spare its sessions.
/// AWS may check a session's account, then its role, then the session, so a session is
/// spared only when all three are named (its session ARN exactly; wildcards name nothing).
fn excluded_by_not_principal(principal: &Principal, who: &PrincipalInfo) -> bool {
    let Principal::Entries(entries) = principal else {
        return true;
    };
    let named = |wanted: PrincipalType, test: &dyn Fn(&str) -> bool| {
        entries
            .iter()
            .filter(|(kind, _)| *kind == wanted)
            .flat_map(|(_, values)| values.iter())
            .any(|v| v == "*" || test(v))
    };
    match who.kind {
        PrincipalKind::Service => named(PrincipalType::Service, &|v| {
            v.eq_ignore_ascii_case(&who.arn)
        }),
        PrincipalKind::Federated => named(PrincipalType::Federated, &|v| v == who.arn),
        PrincipalKind::Anonymous => named(PrincipalType::Aws, &|_| false),
        PrincipalKind::Root => {
            named(PrincipalType::Aws, &|v| names_account(v, who))
                || named(PrincipalType::CanonicalUser, &|v| v == who.arn)
        }
        PrincipalKind::AssumedRole => {
            named(PrincipalType::Aws, &|v| v == who.arn)
                && named(PrincipalType::Aws, &|v| names_role(v, who))
                && named(PrincipalType::Aws, &|v| names_account(v, who))
        }
        PrincipalKind::User | PrincipalKind::Role | PrincipalKind::FederatedUser => {
            named(PrincipalType::Aws, &|v| v == who.arn)
                || named(PrincipalType::CanonicalUser, &|v| v == who.arn)
        }
    }
}

/// `123456789012` or `arn:PARTITION:iam::123456789012:root` for the caller's account.
fn names_account(value: &str, who: &PrincipalInfo) -> bool {
    if is_account_id(value) {
        return value == who.account;
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    matches!(parts.as_slice(), [_, _, "iam", _, account, "root"] if *account == who.account)
}

/// The ARN of the caller's role (with or without a path), in the caller's account.
fn names_role(value: &str, who: &PrincipalInfo) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [_, _, "iam", _, account, resource] = parts.as_slice() else {
        return false;
    };
    if *account != who.account {
        return false;
    }
    let Some(rest) = resource.strip_prefix("role/") else {
        return false;
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    who.role_name() == Some(name)
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
    if !is_iam_identity(who) {
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
        // A role named directly stands for its sessions: naming it is not naming a session.
        return Some(if who.kind == PrincipalKind::Role {
            PrincipalMatch::Direct
        } else {
            PrincipalMatch::Caller
        });
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
