//! AWS's evaluation logic: an explicit Deny anywhere wins; otherwise an Allow is needed from
//! the identity policies (or, within one account, a resource policy that names the caller),
//! and also from the permissions boundary and the session policies when they are present
//! (except, within one account, for a resource-side grant naming the caller's own ARN).

use serde::{Deserialize, Serialize};

use super::compile::{CompiledPolicy, CompiledStatement, Miss, Prepared};
use super::context::{PrincipalKind, Request};
use super::document::{Effect, Statement};
use super::explain::{self, Explanation, Missing, NotApplied, StatementRef};
use super::principal::PrincipalMatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyType {
    Identity,
    Resource,
    /// A role's trust policy, for `sts:AssumeRole*`: like a resource policy, except that it
    /// must always allow, even when an identity policy in the same account does.
    Trust,
    PermissionsBoundary,
    Session,
}

impl PolicyType {
    /// The serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "Identity",
            PolicyType::Resource => "Resource",
            PolicyType::Trust => "Trust",
            PolicyType::PermissionsBoundary => "PermissionsBoundary",
            PolicyType::Session => "Session",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity policy",
            PolicyType::Resource => "resource policy",
            PolicyType::Trust => "trust policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct NamedPolicy<'a> {
    pub name: &'a str,
    pub policy: &'a CompiledPolicy,
}

impl<'a> NamedPolicy<'a> {
    pub fn new(name: &'a str, policy: &'a CompiledPolicy) -> NamedPolicy<'a> {
        NamedPolicy { name, policy }
    }
}

/// Everything that bears on one decision. Identity policies are all those attached to the
/// principal (its own, its groups', managed and inline). A request to assume a role passes
/// the role's trust policy in `trust_policy` (and usually no resource policy).
#[derive(Debug, Clone)]
pub struct EvaluationInput<'a> {
    pub request: &'a Request,
    pub identity_policies: Vec<NamedPolicy<'a>>,
    pub resource_policy: Option<NamedPolicy<'a>>,
    pub trust_policy: Option<NamedPolicy<'a>>,
    pub permissions_boundary: Option<NamedPolicy<'a>>,
    pub session_policies: Vec<NamedPolicy<'a>>,
}

impl<'a> EvaluationInput<'a> {
    pub fn new(request: &'a Request) -> EvaluationInput<'a> {
        EvaluationInput {
            request,
            identity_policies: Vec::new(),
            resource_policy: None,
            trust_policy: None,
            permissions_boundary: None,
            session_policies: Vec::new(),
        }
    }

    pub fn identity(mut self, name: &'a str, policy: &'a CompiledPolicy) -> Self {
        self.identity_policies.push(NamedPolicy::new(name, policy));
        self
    }

    pub fn resource(mut self, name: &'a str, policy: &'a CompiledPolicy) -> Self {
        self.resource_policy = Some(NamedPolicy::new(name, policy));
        self
    }

    pub fn trust(mut self, name: &'a str, policy: &'a CompiledPolicy) -> Self {
        self.trust_policy = Some(NamedPolicy::new(name, policy));
        self
    }

    pub fn boundary(mut self, name: &'a str, policy: &'a CompiledPolicy) -> Self {
        self.permissions_boundary = Some(NamedPolicy::new(name, policy));
        self
    }

    pub fn session(mut self, name: &'a str, policy: &'a CompiledPolicy) -> Self {
        self.session_policies.push(NamedPolicy::new(name, policy));
        self
    }

    fn layers(&self) -> impl Iterator<Item = (PolicyType, NamedPolicy<'a>)> + '_ {
        let identity = self
            .identity_policies
            .iter()
            .map(|p| (PolicyType::Identity, *p));
        let resource = self.resource_policy.map(|p| (PolicyType::Resource, p));
        let trust = self.trust_policy.map(|p| (PolicyType::Trust, p));
        let boundary = self
            .permissions_boundary
            .map(|p| (PolicyType::PermissionsBoundary, p));
        let session = self
            .session_policies
            .iter()
            .map(|p| (PolicyType::Session, *p));
        identity
            .chain(resource)
            .chain(trust)
            .chain(boundary)
            .chain(session)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub decision: Decision,
    pub explanation: Explanation,
}

#[derive(Default, Clone, Copy)]
struct Allows {
    identity: bool,
    resource: Option<PrincipalMatch>,
    trust: Option<PrincipalMatch>,
    boundary: bool,
    session: bool,
}

fn better(current: Option<PrincipalMatch>, new: PrincipalMatch) -> Option<PrincipalMatch> {
    current.max(Some(new))
}

impl Allows {
    fn record(&mut self, kind: PolicyType, matched: PrincipalMatch) {
        match kind {
            PolicyType::Identity => self.identity = true,
            PolicyType::Resource => self.resource = better(self.resource, matched),
            PolicyType::Trust => self.trust = better(self.trust, matched),
            PolicyType::PermissionsBoundary => self.boundary = true,
            PolicyType::Session => self.session = true,
        }
    }

    fn has(&self, kind: PolicyType) -> bool {
        match kind {
            PolicyType::Identity => self.identity,
            PolicyType::Resource => self.resource.is_some(),
            PolicyType::Trust => self.trust.is_some(),
            PolicyType::PermissionsBoundary => self.boundary,
            PolicyType::Session => self.session,
        }
    }

    /// The best principal match of the resource-side policies (resource and trust).
    fn resource_side(&self) -> Option<PrincipalMatch> {
        self.resource.max(self.trust)
    }

    /// What is still missing for an Allow, or nothing.
    fn missing(&self, input: &EvaluationInput<'_>) -> Vec<Missing> {
        let request = input.request;
        // Services, federated and anonymous callers have no identity policies: a resource
        // or trust policy that names them is all the permission they can have.
        let has_identity = !matches!(
            request.principal.kind,
            PrincipalKind::Service | PrincipalKind::Federated | PrincipalKind::Anonymous
        );
        let resource_side_present = input.resource_policy.is_some() || input.trust_policy.is_some();
        // An unknown owner is the caller's account only when no resource-side policy could
        // grant on its own (see `Request::resource_account`).
        let same_account = !has_identity
            || match request.resource_account() {
                Some(account) => account == request.principal.account.as_str(),
                None => !resource_side_present,
            };
        let resource_side = self.resource_side();
        let mut missing = Vec::new();
        if input.trust_policy.is_some() && self.trust.is_none() {
            missing.push(Missing::TrustAllow);
        }
        match (resource_side_present, same_account) {
            (false, true) => {
                if !self.identity {
                    missing.push(Missing::IdentityAllow);
                }
            }
            (false, false) => missing.push(Missing::CrossAccountResourcePolicy),
            (true, true) => {
                if !self.identity && resource_side < Some(PrincipalMatch::Direct) {
                    if resource_side == Some(PrincipalMatch::Account) {
                        missing.push(Missing::IdentityAllowForAccountGrant);
                    } else if input.trust_policy.is_none() {
                        missing.push(Missing::IdentityOrResourceAllow);
                    } else {
                        missing.push(Missing::IdentityAllow);
                    }
                }
            }
            (true, false) => {
                if !self.identity {
                    missing.push(Missing::IdentityAllow);
                }
                if input.resource_policy.is_some()
                    && resource_side.is_none()
                    && input.trust_policy.is_none()
                {
                    missing.push(Missing::ResourceAllow);
                }
            }
        }
        // Within one account, a resource-side grant to the caller's own ARN (an IAM user's,
        // a role session's) is not limited by a boundary or session policy; a grant to the
        // role, the account or everyone is.
        let caller_grant = same_account && resource_side == Some(PrincipalMatch::Caller);
        if input.permissions_boundary.is_some() && !self.boundary && !caller_grant {
            missing.push(Missing::BoundaryAllow);
        }
        if !input.session_policies.is_empty() && !self.session && !caller_grant {
            missing.push(Missing::SessionAllow);
        }
        missing
    }
}

/// The decision alone, as fast as the compiled index allows: statements whose actions name
/// another service are never looked at, and the scan stops at the first applicable Deny.
pub fn decide(input: &EvaluationInput<'_>) -> Decision {
    let mut prepared = Prepared::new(input.request);
    prepared.has_boundary = input.permissions_boundary.is_some();
    let mut allows = Allows::default();
    for (kind, named) in input.layers() {
        let check_principal = matches!(kind, PolicyType::Resource | PolicyType::Trust);
        let resource_optional = kind == PolicyType::Trust;
        let policy = named.policy;
        let statements = policy.statements();
        for index in policy.candidates(prepared.service()) {
            let Some(compiled) = statements.get(index) else {
                continue;
            };
            // Once this layer has an Allow, only Deny statements can change the outcome.
            if compiled.effect == Effect::Allow
                && allows.has(kind)
                && match kind {
                    PolicyType::Resource => allows.resource == Some(PrincipalMatch::Caller),
                    PolicyType::Trust => allows.trust == Some(PrincipalMatch::Caller),
                    _ => true,
                }
            {
                continue;
            }
            let Some(source) = policy.statement_source(index) else {
                continue;
            };
            if let Ok(matched) =
                compiled.applies(source, &prepared, check_principal, resource_optional)
            {
                match compiled.effect {
                    Effect::Deny => return Decision::ExplicitDeny,
                    Effect::Allow => allows.record(kind, matched),
                }
            }
        }
    }
    if allows.missing(input).is_empty() {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// One statement of one policy, as the trace of an evaluation refers to it.
#[derive(Clone, Copy)]
pub(crate) struct Hit<'a> {
    pub policy_type: PolicyType,
    pub policy: &'a str,
    pub index: usize,
    pub source: &'a Statement,
    pub compiled: &'a CompiledStatement,
}

impl Hit<'_> {
    pub fn reference(&self) -> StatementRef {
        StatementRef {
            policy_type: self.policy_type,
            policy: self.policy.to_string(),
            index: self.index,
            sid: self.source.sid.clone(),
            effect: self.source.effect,
        }
    }
}

/// What [`evaluate`] found, borrowing from the input: turned into an [`Explanation`], or
/// written out as JSON directly by the batch simulator, without copying every pattern.
pub(crate) struct Trace<'a> {
    pub decision: Decision,
    pub prepared: Prepared<'a>,
    /// The applicable Denies for ExplicitDeny, the applicable Allows for Allow, none for
    /// ImplicitDeny.
    pub deciding: Vec<Hit<'a>>,
    pub overruled_allows: Vec<Hit<'a>>,
    pub missing: Vec<Missing>,
    pub not_applied: Vec<(Hit<'a>, Miss)>,
}

/// Every statement of every policy, each applied to the request, in layer order.
pub(crate) fn trace<'a>(input: &EvaluationInput<'a>) -> Trace<'a> {
    let mut prepared = Prepared::new(input.request);
    prepared.has_boundary = input.permissions_boundary.is_some();
    let mut allows = Allows::default();
    let mut denies: Vec<Hit<'a>> = Vec::new();
    let mut allowed: Vec<Hit<'a>> = Vec::new();
    // Sized once: growing it a step at a time costs more than the evaluation.
    let statements = input
        .layers()
        .map(|(_, named)| named.policy.statements().len())
        .sum();
    let mut not_applied: Vec<(Hit<'a>, Miss)> = Vec::with_capacity(statements);
    for (kind, named) in input.layers() {
        let check_principal = matches!(kind, PolicyType::Resource | PolicyType::Trust);
        let resource_optional = kind == PolicyType::Trust;
        let policy = named.policy;
        for (index, compiled) in policy.statements().iter().enumerate() {
            let Some(source) = policy.statement_source(index) else {
                continue;
            };
            let hit = Hit {
                policy_type: kind,
                policy: named.name,
                index,
                source,
                compiled,
            };
            match compiled.applies(source, &prepared, check_principal, resource_optional) {
                Ok(matched) => match compiled.effect {
                    Effect::Deny => denies.push(hit),
                    Effect::Allow => {
                        allows.record(kind, matched);
                        allowed.push(hit);
                    }
                },
                Err(miss) => not_applied.push((hit, miss)),
            }
        }
    }
    let (decision, deciding, overruled_allows, missing) = if !denies.is_empty() {
        (Decision::ExplicitDeny, denies, allowed, Vec::new())
    } else {
        let missing = allows.missing(input);
        if missing.is_empty() {
            (Decision::Allow, allowed, Vec::new(), missing)
        } else {
            (Decision::ImplicitDeny, Vec::new(), allowed, missing)
        }
    };
    Trace {
        decision,
        prepared,
        deciding,
        overruled_allows,
        missing,
        not_applied,
    }
}

/// The decision with its explanation: every statement of every policy is examined so that
/// the ones that did not apply can say why.
pub fn evaluate(input: &EvaluationInput<'_>) -> Evaluation {
    let trace = trace(input);
    let refs = |hits: &[Hit<'_>]| hits.iter().map(Hit::reference).collect::<Vec<_>>();
    let not_applied = trace
        .not_applied
        .iter()
        .map(|(hit, miss)| NotApplied {
            statement: hit.reference(),
            reason: explain::reason(miss, hit.source, hit.compiled, &trace.prepared),
        })
        .collect();
    let explanation = Explanation::new(
        input.request,
        trace.decision,
        refs(&trace.deciding),
        refs(&trace.overruled_allows),
        trace.missing,
        not_applied,
    );
    Evaluation {
        decision: trace.decision,
        explanation,
    }
}
