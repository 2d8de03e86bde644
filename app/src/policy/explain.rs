//! Explanations: which statements decided, and why each other statement did not apply.
//! People read these in the console and in API errors, so `Display` writes sentences.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::compile::{CompiledStatement, Miss, Prepared};
use super::condition::ConditionFailure;
use super::context::Request;
use super::document::{Effect, Statement};
use super::evaluate::{Decision, PolicyType};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementRef {
    pub policy_type: PolicyType,
    pub policy: String,
    /// Position in the policy's Statement list, from 0.
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: Effect,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} \"{}\" statement #{}",
            self.policy_type.describe(),
            self.policy,
            self.index
        )?;
        if let Some(sid) = self.sid.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " (Sid \"{sid}\")")?;
        }
        Ok(())
    }
}

/// Why a statement did not apply to the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    Action {
        action: String,
        negated: bool,
        patterns: Vec<String>,
    },
    Resource {
        resource: String,
        negated: bool,
        patterns: Vec<String>,
    },
    UnresolvedVariable {
        element: String,
        variable: String,
    },
    Principal {
        principal: String,
        negated: bool,
    },
    NoPrincipal,
    NoResource,
    Condition {
        operator: String,
        key: String,
        values: Vec<String>,
        /// `None`: the key is not in the request.
        request_values: Option<Vec<String>>,
    },
}

fn quoted_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", quoted.join(", ")),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Action {
                action,
                negated: false,
                patterns,
            } => write!(
                f,
                "action {action} is not matched by Action {}",
                quoted_list(patterns)
            ),
            Reason::Action {
                action,
                negated: true,
                patterns,
            } => write!(
                f,
                "action {action} is excluded by NotAction {}",
                quoted_list(patterns)
            ),
            Reason::Resource {
                resource,
                negated: false,
                patterns,
            } => write!(
                f,
                "resource {resource} is not matched by Resource {}",
                quoted_list(patterns)
            ),
            Reason::Resource {
                resource,
                negated: true,
                patterns,
            } => write!(
                f,
                "resource {resource} is excluded by NotResource {}",
                quoted_list(patterns)
            ),
            Reason::UnresolvedVariable { element, variable } => write!(
                f,
                "{element} uses the policy variable ${{{variable}}}, which the request does not provide (and no default is given)"
            ),
            Reason::Principal {
                principal,
                negated: false,
            } => write!(f, "principal {principal} is not named in Principal"),
            Reason::Principal {
                principal,
                negated: true,
            } => write!(
                f,
                "principal {principal} is spared by NotPrincipal, which names it"
            ),
            Reason::NoPrincipal => {
                f.write_str("the statement has no Principal, so it grants nobody access")
            }
            Reason::NoResource => f.write_str(
                "the statement has no Resource or NotResource (only trust policies may omit it), so it allows nothing",
            ),
            Reason::Condition {
                operator,
                key,
                values,
                request_values,
            } => {
                write!(
                    f,
                    "condition {operator} {key} {} failed: ",
                    quoted_list(values)
                )?;
                match request_values {
                    None => write!(f, "{key} is not in the request"),
                    Some(v) if v.is_empty() => write!(f, "{key} has no values in the request"),
                    Some(v) => write!(f, "the request has {key} = {}", quoted_list(v)),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplied {
    #[serde(flatten)]
    pub statement: StatementRef,
    pub reason: Reason,
}

/// An Allow that the decision needed and did not get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    IdentityAllow,
    IdentityOrResourceAllow,
    IdentityAllowForAccountGrant,
    ResourceAllow,
    TrustAllow,
    CrossAccountResourcePolicy,
    BoundaryAllow,
    SessionAllow,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Missing::IdentityAllow => "no identity policy allows it",
            Missing::IdentityOrResourceAllow => {
                "neither an identity policy nor the resource policy allows it"
            }
            Missing::IdentityAllowForAccountGrant => {
                "the resource policy grants access only to the account as a whole, so an identity policy must also allow it, and none does"
            }
            Missing::ResourceAllow => {
                "the resource is in another account and its resource policy does not allow it"
            }
            Missing::TrustAllow => "the role's trust policy does not allow this principal to assume it",
            Missing::CrossAccountResourcePolicy => {
                "the resource is in another account and has no resource policy that could allow it"
            }
            Missing::BoundaryAllow => "the permissions boundary does not allow it",
            Missing::SessionAllow => "no session policy allows it",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub decision: Decision,
    pub summary: String,
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// The statements that decided: the applicable Denies for ExplicitDeny, the applicable
    /// Allows for Allow, none for ImplicitDeny.
    pub deciding: Vec<StatementRef>,
    /// Allows that applied but were not enough on their own (ImplicitDeny), or were
    /// overruled (ExplicitDeny).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overruled_allows: Vec<StatementRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Missing>,
    pub not_applied: Vec<NotApplied>,
}

impl Explanation {
    pub(crate) fn new(
        request: &Request,
        decision: Decision,
        deciding: Vec<StatementRef>,
        overruled_allows: Vec<StatementRef>,
        missing: Vec<Missing>,
        not_applied: Vec<NotApplied>,
    ) -> Explanation {
        let what = format!("{} on {}", request.action, request.resource);
        let names = |refs: &[StatementRef]| {
            refs.iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let summary = match decision {
            Decision::Allow => format!("{what} is allowed by {}.", names(&deciding)),
            Decision::ExplicitDeny => {
                format!("{what} is explicitly denied by {}.", names(&deciding))
            }
            Decision::ImplicitDeny => {
                let why: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
                format!("{what} is implicitly denied: {}.", why.join("; "))
            }
        };
        Explanation {
            decision,
            summary,
            principal: request.principal.arn.clone(),
            action: request.action.clone(),
            resource: request.resource.clone(),
            deciding,
            overruled_allows,
            missing,
            not_applied,
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.decision, self.summary)?;
        writeln!(f, "  principal: {}", self.principal)?;
        if !self.deciding.is_empty() {
            writeln!(f, "Decided by:")?;
            for r in &self.deciding {
                writeln!(f, "  - {} {r}", r.effect.as_str())?;
            }
        }
        if !self.overruled_allows.is_empty() {
            let heading = match self.decision {
                Decision::ExplicitDeny => "Allows overruled by the Deny:",
                _ => "Allows that were not enough:",
            };
            writeln!(f, "{heading}")?;
            for r in &self.overruled_allows {
                writeln!(f, "  - {r}")?;
            }
        }
        if !self.not_applied.is_empty() {
            writeln!(f, "Statements that did not apply:")?;
            for n in &self.not_applied {
                writeln!(
                    f,
                    "  - {} {}: {}",
                    n.statement.effect.as_str(),
                    n.statement,
                    n.reason
                )?;
            }
        }
        Ok(())
    }
}

pub(crate) fn reason(
    miss: &Miss,
    source: &Statement,
    compiled: &CompiledStatement,
    prepared: &Prepared<'_>,
) -> Reason {
    let request = prepared.request;
    match miss {
        Miss::Action => Reason::Action {
            action: request.action.clone(),
            negated: source.action.negated,
            patterns: source.action.values.clone(),
        },
        Miss::Resource => {
            let (negated, patterns) = source
                .resource
                .as_ref()
                .map(|c| (c.negated, c.values.clone()))
                .unwrap_or_default();
            Reason::Resource {
                resource: request.resource.clone(),
                negated,
                patterns,
            }
        }
        Miss::ResourceVariable(variable) => Reason::UnresolvedVariable {
            element: if source.resource.as_ref().is_some_and(|c| c.negated) {
                "NotResource".into()
            } else {
                "Resource".into()
            },
            variable: variable.clone(),
        },
        Miss::Principal => Reason::Principal {
            principal: request.principal.arn.clone(),
            negated: source.principal.as_ref().is_some_and(|p| p.negated),
        },
        Miss::NoPrincipal => Reason::NoPrincipal,
        Miss::NoResource => Reason::NoResource,
        Miss::Condition(i, failure) => {
            let condition = source.conditions.get(*i);
            let key = condition.map(|c| c.key.clone()).unwrap_or_default();
            match failure {
                ConditionFailure::UnresolvedVariable(variable) => Reason::UnresolvedVariable {
                    element: format!(
                        "Condition {} {key}",
                        compiled
                            .conditions
                            .get(*i)
                            .map(|c| c.operator.to_string())
                            .unwrap_or_default()
                    ),
                    variable: variable.clone(),
                },
                ConditionFailure::NoMatch => Reason::Condition {
                    operator: condition
                        .map(|c| c.operator.to_string())
                        .unwrap_or_default(),
                    key: key.clone(),
                    values: condition.map(|c| c.values.clone()).unwrap_or_default(),
                    request_values: request
                        .lookup(&key.to_ascii_lowercase())
                        .map(|found| found.texts()),
                },
            }
        }
    }
}
