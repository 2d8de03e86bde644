//! Explanations: which statements decided, and why each other statement did not apply.
//! People read these in the console and in API errors, so `Display` writes sentences.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::compile::{CompiledStatement, Miss, Prepared};
use super::condition::ConditionFailure;
use super::context::{Found, Request};
use super::document::{Effect, Statement};
use super::evaluate::{Decision, Hit, PolicyType, Trace};
use super::json::{escape_into, write_string};
use super::operator::Operator;

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
        write_statement_name(
            f,
            self.policy_type,
            &self.policy,
            self.index,
            self.sid.as_deref(),
        )
    }
}

/// How explanations name a statement: `identity policy "P" statement #2 (Sid "S")`.
fn write_statement_name(
    f: &mut impl fmt::Write,
    policy_type: PolicyType,
    policy: &str,
    index: usize,
    sid: Option<&str>,
) -> fmt::Result {
    write!(
        f,
        "{} \"{policy}\" statement #{index}",
        policy_type.describe()
    )?;
    if let Some(sid) = sid.filter(|s| !s.is_empty()) {
        write!(f, " (Sid \"{sid}\")")?;
    }
    Ok(())
}

impl fmt::Display for Hit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_statement_name(
            f,
            self.policy_type,
            self.policy,
            self.index,
            self.source.sid.as_deref(),
        )
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

impl Missing {
    /// The serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Missing::IdentityAllow => "identity_allow",
            Missing::IdentityOrResourceAllow => "identity_or_resource_allow",
            Missing::IdentityAllowForAccountGrant => "identity_allow_for_account_grant",
            Missing::ResourceAllow => "resource_allow",
            Missing::TrustAllow => "trust_allow",
            Missing::CrossAccountResourcePolicy => "cross_account_resource_policy",
            Missing::BoundaryAllow => "boundary_allow",
            Missing::SessionAllow => "session_allow",
        }
    }
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
        let mut summary = String::new();
        // Writing into a String cannot fail.
        let _ = write_summary(&mut summary, request, decision, &deciding, &missing);
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

/// The one-sentence summary: what was asked, the decision, and the statements that decided
/// it or the Allows that were missing.
fn write_summary(
    f: &mut impl fmt::Write,
    request: &Request,
    decision: Decision,
    deciding: &[impl fmt::Display],
    missing: &[Missing],
) -> fmt::Result {
    write!(f, "{} on {}", request.action, request.resource)?;
    match decision {
        Decision::Allow => f.write_str(" is allowed by ")?,
        Decision::ExplicitDeny => f.write_str(" is explicitly denied by ")?,
        Decision::ImplicitDeny => f.write_str(" is implicitly denied: ")?,
    }
    if decision == Decision::ImplicitDeny {
        write_joined(f, missing)?;
    } else {
        write_joined(f, deciding)?;
    }
    f.write_str(".")
}

fn write_joined(f: &mut impl fmt::Write, items: &[impl fmt::Display]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
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

/// A [`Reason`] borrowing what it shows from the statement and the request.
pub(crate) enum ReasonRef<'a> {
    Action {
        action: &'a str,
        negated: bool,
        patterns: &'a [String],
    },
    Resource {
        resource: &'a str,
        negated: bool,
        patterns: &'a [String],
    },
    UnresolvedVariable {
        element: Element<'a>,
        variable: &'a str,
    },
    Principal {
        principal: &'a str,
        negated: bool,
    },
    NoPrincipal,
    NoResource,
    Condition {
        operator: Option<Operator>,
        key: &'a str,
        values: &'a [String],
        /// `None`: the key is not in the request.
        request_values: Option<Found<'a>>,
    },
}

/// The element of a statement that holds an unresolved policy variable.
pub(crate) enum Element<'a> {
    Resource,
    NotResource,
    Condition(Option<Operator>, &'a str),
}

impl fmt::Display for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Resource => f.write_str("Resource"),
            Element::NotResource => f.write_str("NotResource"),
            Element::Condition(operator, key) => {
                f.write_str("Condition ")?;
                if let Some(operator) = operator {
                    write!(f, "{operator}")?;
                }
                write!(f, " {key}")
            }
        }
    }
}

impl ReasonRef<'_> {
    pub fn to_owned(&self) -> Reason {
        let strings = |values: &[String]| values.to_vec();
        match self {
            ReasonRef::Action {
                action,
                negated,
                patterns,
            } => Reason::Action {
                action: action.to_string(),
                negated: *negated,
                patterns: strings(patterns),
            },
            ReasonRef::Resource {
                resource,
                negated,
                patterns,
            } => Reason::Resource {
                resource: resource.to_string(),
                negated: *negated,
                patterns: strings(patterns),
            },
            ReasonRef::UnresolvedVariable { element, variable } => Reason::UnresolvedVariable {
                element: element.to_string(),
                variable: variable.to_string(),
            },
            ReasonRef::Principal { principal, negated } => Reason::Principal {
                principal: principal.to_string(),
                negated: *negated,
            },
            ReasonRef::NoPrincipal => Reason::NoPrincipal,
            ReasonRef::NoResource => Reason::NoResource,
            ReasonRef::Condition {
                operator,
                key,
                values,
                request_values,
            } => Reason::Condition {
                operator: operator.map(|o| o.to_string()).unwrap_or_default(),
                key: key.to_string(),
                values: strings(values),
                request_values: request_values.as_ref().map(Found::texts),
            },
        }
    }
}

pub(crate) fn reason(
    miss: &Miss,
    source: &Statement,
    compiled: &CompiledStatement,
    prepared: &Prepared<'_>,
) -> Reason {
    reason_ref(miss, source, compiled, prepared).to_owned()
}

pub(crate) fn reason_ref<'a>(
    miss: &'a Miss,
    source: &'a Statement,
    compiled: &'a CompiledStatement,
    prepared: &Prepared<'a>,
) -> ReasonRef<'a> {
    let request = prepared.request;
    match miss {
        Miss::Action => ReasonRef::Action {
            action: &request.action,
            negated: source.action.negated,
            patterns: &source.action.values,
        },
        Miss::Resource => {
            let (negated, patterns) = source
                .resource
                .as_ref()
                .map(|c| (c.negated, c.values.as_slice()))
                .unwrap_or_default();
            ReasonRef::Resource {
                resource: &request.resource,
                negated,
                patterns,
            }
        }
        Miss::ResourceVariable(variable) => ReasonRef::UnresolvedVariable {
            element: if source.resource.as_ref().is_some_and(|c| c.negated) {
                Element::NotResource
            } else {
                Element::Resource
            },
            variable,
        },
        Miss::Principal => ReasonRef::Principal {
            principal: &request.principal.arn,
            negated: source.principal.as_ref().is_some_and(|p| p.negated),
        },
        Miss::NoPrincipal => ReasonRef::NoPrincipal,
        Miss::NoResource => ReasonRef::NoResource,
        Miss::Condition(i, failure) => {
            let condition = source.conditions.get(*i);
            let key = condition.map(|c| c.key.as_str()).unwrap_or_default();
            match failure {
                ConditionFailure::UnresolvedVariable(variable) => ReasonRef::UnresolvedVariable {
                    element: Element::Condition(
                        compiled.conditions.get(*i).map(|c| c.operator),
                        key,
                    ),
                    variable,
                },
                ConditionFailure::NoMatch => ReasonRef::Condition {
                    operator: condition.map(|c| c.operator),
                    key,
                    values: condition.map(|c| c.values.as_slice()).unwrap_or_default(),
                    request_values: request.lookup(&key.to_ascii_lowercase()),
                },
            }
        }
    }
}

/// The batch simulator's JSON for an evaluation: byte for byte what printing
/// `{"decision", "explanation", "id"}` through a `serde_json::Value` gives (keys sorted, as
/// `Value` keeps them), written straight from the trace instead of copying every pattern,
/// value and name into an [`Explanation`] first.
pub(crate) fn write_result_json(out: &mut Vec<u8>, id: Option<&Value>, trace: &Trace<'_>) {
    let request = trace.prepared.request;
    let mut w = JsonWriter { out };
    w.raw("{\"decision\":");
    w.string(trace.decision.as_str());
    w.raw(",\"explanation\":{\"action\":");
    w.string(&request.action);
    w.raw(",\"deciding\":");
    w.hits(&trace.deciding);
    w.raw(",\"decision\":");
    w.string(trace.decision.as_str());
    if !trace.missing.is_empty() {
        w.raw(",\"missing\":[");
        for (i, missing) in trace.missing.iter().enumerate() {
            if i > 0 {
                w.raw(",");
            }
            w.string(missing.as_str());
        }
        w.raw("]");
    }
    w.raw(",\"not_applied\":[");
    for (i, (hit, miss)) in trace.not_applied.iter().enumerate() {
        if i > 0 {
            w.raw(",");
        }
        w.hit_head(hit);
        w.raw(",\"reason\":");
        w.reason(&reason_ref(miss, hit.source, hit.compiled, &trace.prepared));
        w.hit_sid(hit);
        w.raw("}");
    }
    w.raw("]");
    if !trace.overruled_allows.is_empty() {
        w.raw(",\"overruled_allows\":");
        w.hits(&trace.overruled_allows);
    }
    w.raw(",\"principal\":");
    w.string(&request.principal.arn);
    w.raw(",\"resource\":");
    w.string(&request.resource);
    w.raw(",\"summary\":\"");
    let _ = write_summary(
        &mut Escaped(w.out),
        request,
        trace.decision,
        &trace.deciding,
        &trace.missing,
    );
    w.raw("\"}");
    if let Some(id) = id {
        w.raw(",\"id\":");
        // Serialising a Value into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *w.out, id);
    }
    w.raw("}");
}

struct JsonWriter<'o> {
    out: &'o mut Vec<u8>,
}

impl JsonWriter<'_> {
    fn raw(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
    }

    fn string(&mut self, text: &str) {
        write_string(self.out, text);
    }

    fn strings<S: AsRef<str>>(&mut self, items: impl Iterator<Item = S>) {
        self.raw("[");
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.raw(",");
            }
            self.string(item.as_ref());
        }
        self.raw("]");
    }

    fn bool(&mut self, value: bool) {
        self.raw(if value { "true" } else { "false" });
    }

    /// A statement reference's fields up to `policy_type`, leaving the object open: the
    /// fields sort as effect, index, policy, policy_type, (reason,) sid.
    fn hit_head(&mut self, hit: &Hit<'_>) {
        self.raw("{\"effect\":");
        self.string(hit.source.effect.as_str());
        self.raw(",\"index\":");
        let _ = write!(Escaped(self.out), "{}", hit.index);
        self.raw(",\"policy\":");
        self.string(hit.policy);
        self.raw(",\"policy_type\":");
        self.string(hit.policy_type.as_str());
    }

    fn hit_sid(&mut self, hit: &Hit<'_>) {
        if let Some(sid) = &hit.source.sid {
            self.raw(",\"sid\":");
            self.string(sid);
        }
    }

    fn hits(&mut self, hits: &[Hit<'_>]) {
        self.raw("[");
        for (i, hit) in hits.iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            self.hit_head(hit);
            self.hit_sid(hit);
            self.raw("}");
        }
        self.raw("]");
    }

    /// Keys in sorted order, `kind` (the serde tag) among them.
    fn reason(&mut self, reason: &ReasonRef<'_>) {
        match reason {
            ReasonRef::Action {
                action,
                negated,
                patterns,
            } => {
                self.raw("{\"action\":");
                self.string(action);
                self.raw(",\"kind\":\"action\",\"negated\":");
                self.bool(*negated);
                self.raw(",\"patterns\":");
                self.strings(patterns.iter());
            }
            ReasonRef::Resource {
                resource,
                negated,
                patterns,
            } => {
                self.raw("{\"kind\":\"resource\",\"negated\":");
                self.bool(*negated);
                self.raw(",\"patterns\":");
                self.strings(patterns.iter());
                self.raw(",\"resource\":");
                self.string(resource);
            }
            ReasonRef::UnresolvedVariable { element, variable } => {
                self.raw("{\"element\":\"");
                let _ = write!(Escaped(self.out), "{element}");
                self.raw("\",\"kind\":\"unresolved_variable\",\"variable\":");
                self.string(variable);
            }
            ReasonRef::Principal { principal, negated } => {
                self.raw("{\"kind\":\"principal\",\"negated\":");
                self.bool(*negated);
                self.raw(",\"principal\":");
                self.string(principal);
            }
            ReasonRef::NoPrincipal => self.raw("{\"kind\":\"no_principal\""),
            ReasonRef::NoResource => self.raw("{\"kind\":\"no_resource\""),
            ReasonRef::Condition {
                operator,
                key,
                values,
                request_values,
            } => {
                self.raw("{\"key\":");
                self.string(key);
                self.raw(",\"kind\":\"condition\",\"operator\":\"");
                if let Some(operator) = operator {
                    let _ = write!(Escaped(self.out), "{operator}");
                }
                self.raw("\",\"request_values\":");
                match request_values {
                    None => self.raw("null"),
                    Some(Found::Context(value)) => {
                        self.strings(value.values().iter().map(|v| v.text()));
                    }
                    Some(Found::Derived(text)) => self.strings(std::iter::once(text)),
                }
                self.raw(",\"values\":");
                self.strings(values.iter());
            }
        }
        self.raw("}");
    }
}

/// Formatted text written as the inside of a JSON string.
struct Escaped<'o>(&'o mut Vec<u8>);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape_into(self.0, text);
        Ok(())
    }
}
