//! A policy prepared for fast, repeated evaluation: wildcards compiled, CIDRs and dates parsed,
//! and statements indexed by the service prefix of their actions, so that a request for
//! `s3:GetObject` never looks at statements that only name `ec2:` actions.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::condition::{CompiledCondition, ConditionFailure};
use super::context::Request;
use super::document::{Effect, PolicyDocument, Statement};
use super::error::PolicyError;
use super::matcher::{ArnPattern, Glob, split_arn};
use super::principal::{PrincipalMatch, match_principal};
use super::variables::Template;

#[derive(Debug, Clone)]
enum ResourcePattern {
    Static(ArnPattern),
    /// A pattern with policy variables, resolved while matching; `required` lists the
    /// variables without a default, to say which one was missing when nothing matched.
    Template {
        pattern: ArnPattern,
        required: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub effect: Effect,
    actions_negated: bool,
    /// Lower-cased: actions match case-insensitively.
    actions: Vec<Glob>,
    resources_negated: bool,
    /// `None`: the statement has no Resource element (valid in trust policies only).
    resources: Option<Vec<ResourcePattern>>,
    pub conditions: Vec<CompiledCondition>,
}

/// Where a statement stopped applying; the explanation turns this into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Miss {
    Action,
    Resource,
    ResourceVariable(String),
    Principal,
    NoPrincipal,
    /// An Allow without Resource or NotResource outside a trust policy: AWS rejects such a
    /// statement, so it allows nothing.
    NoResource,
    Condition(usize, ConditionFailure),
}

/// The request with the pieces every statement needs computed once.
pub(crate) struct Prepared<'r> {
    pub request: &'r Request,
    /// Lower-cased once: actions match case-insensitively.
    pub action: String,
    service_end: usize,
    pub resource_parts: Option<[&'r str; 6]>,
    /// Whether the caller has a permissions boundary (a Deny with NotPrincipal then always
    /// applies to it).
    pub has_boundary: bool,
}

impl<'r> Prepared<'r> {
    pub fn new(request: &'r Request) -> Prepared<'r> {
        let action = request.action.to_ascii_lowercase();
        let service_end = action.find(':').unwrap_or(0);
        Prepared {
            request,
            action,
            service_end,
            resource_parts: split_arn(&request.resource),
            has_boundary: false,
        }
    }

    /// The action's service prefix, lower-case.
    pub fn service(&self) -> &str {
        self.action.get(..self.service_end).unwrap_or_default()
    }
}

impl CompiledStatement {
    fn new(statement: &Statement, variables: bool) -> CompiledStatement {
        let actions = statement
            .action
            .values
            .iter()
            .map(|a| Glob::new_lowercase(a))
            .collect();
        let resources = statement.resource.as_ref().map(|clause| {
            clause
                .values
                .iter()
                .map(|r| match variables.then(|| Template::parse(r)).flatten() {
                    Some(t) => ResourcePattern::Template {
                        pattern: ArnPattern::from_tokens(t.tokens()),
                        required: t.required_variables(),
                    },
                    None => ResourcePattern::Static(ArnPattern::new(r)),
                })
                .collect()
        });
        CompiledStatement {
            effect: statement.effect,
            actions_negated: statement.action.negated,
            actions,
            resources_negated: statement.resource.as_ref().is_some_and(|c| c.negated),
            resources,
            conditions: statement
                .conditions
                .iter()
                .map(|c| CompiledCondition::new(c, variables))
                .collect(),
        }
    }

    pub fn action_matches(&self, action: &str) -> bool {
        let any = self.actions.iter().any(|g| g.matches(action));
        any != self.actions_negated
    }

    fn resource_matches(&self, req: &Prepared<'_>) -> Result<bool, Miss> {
        let Some(patterns) = &self.resources else {
            return Ok(true);
        };
        let resource = req.request.resource.as_str();
        let parts = req.resource_parts.as_ref();
        let resolve = |key: &str| req.request.variable_ref(key);
        let mut unresolved = None;
        let mut any = false;
        for pattern in patterns {
            let hit = match pattern {
                ResourcePattern::Static(p) => p.matches_split_with(resource, parts, &resolve),
                ResourcePattern::Template { pattern, required } => {
                    let hit = pattern.matches_split_with(resource, parts, &resolve);
                    if !hit && unresolved.is_none() {
                        unresolved = required
                            .iter()
                            .find(|key| req.request.variable_ref(key).is_none())
                            .cloned();
                    }
                    hit
                }
            };
            if hit {
                any = true;
                break;
            }
        }
        if self.resources_negated {
            // An entry whose variable has no value names no resource, in NotResource as in
            // Resource: it excludes nothing, so a Deny with NotResource still applies.
            return Ok(!any);
        }
        if !any && let Some(key) = unresolved {
            return Err(Miss::ResourceVariable(key));
        }
        Ok(any)
    }

    /// Whether the statement applies to the request. `check_principal` says whether the
    /// Principal element is checked (resource and trust policies) or ignored (identity
    /// policies); `resource_optional` whether a statement may omit Resource (trust policies
    /// only). Elsewhere a statement without Resource or NotResource is invalid: as an Allow it
    /// allows nothing, and as a Deny it still denies every resource, so that an invalid
    /// document never grants more than a valid one.
    pub fn applies(
        &self,
        statement: &Statement,
        req: &Prepared<'_>,
        check_principal: bool,
        resource_optional: bool,
    ) -> Result<PrincipalMatch, Miss> {
        if !self.action_matches(&req.action) {
            return Err(Miss::Action);
        }
        if self.resources.is_none() && !resource_optional && self.effect == Effect::Allow {
            return Err(Miss::NoResource);
        }
        match self.resource_matches(req) {
            Ok(true) => {}
            Ok(false) => return Err(Miss::Resource),
            Err(miss) => return Err(miss),
        }
        let principal = if check_principal {
            match &statement.principal {
                None => return Err(Miss::NoPrincipal),
                // NotPrincipal with Allow is not supported by AWS (and rejected by the
                // parser); a document built in code that has one grants nothing.
                Some(clause) if clause.negated && self.effect == Effect::Allow => {
                    return Err(Miss::Principal);
                }
                Some(clause) => {
                    match match_principal(clause, &req.request.principal, req.has_boundary) {
                        Some(m) => m,
                        None => return Err(Miss::Principal),
                    }
                }
            }
        } else {
            PrincipalMatch::NotChecked
        };
        for (i, condition) in self.conditions.iter().enumerate() {
            condition
                .evaluate(req.request)
                .map_err(|failure| Miss::Condition(i, failure))?;
        }
        Ok(principal)
    }
}

/// A parsed policy compiled for evaluation. Build it once per policy version and share it.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    document: PolicyDocument,
    statements: Vec<CompiledStatement>,
    /// Service prefix (lower-case) to the statements whose actions all name that service.
    by_service: BTreeMap<String, Vec<usize>>,
    /// Statements that may match any service: a wildcard in the service part, or NotAction.
    any_service: Vec<usize>,
}

impl CompiledPolicy {
    pub fn new(document: PolicyDocument) -> CompiledPolicy {
        let variables = document.effective_version().supports_variables();
        let statements: Vec<CompiledStatement> = document
            .statements
            .iter()
            .map(|s| CompiledStatement::new(s, variables))
            .collect();
        let mut by_service: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut any_service = Vec::new();
        let mut services: Vec<Cow<'_, str>> = Vec::new();
        for (i, statement) in document.statements.iter().enumerate() {
            services.clear();
            let specific = !statement.action.negated
                && statement
                    .action
                    .values
                    .iter()
                    .all(|a| match a.split_once(':') {
                        Some((svc, _)) if !svc.contains(['*', '?']) => {
                            services.push(if svc.bytes().any(|b| b.is_ascii_uppercase()) {
                                Cow::Owned(svc.to_ascii_lowercase())
                            } else {
                                Cow::Borrowed(svc)
                            });
                            true
                        }
                        _ => false,
                    });
            if !specific {
                any_service.push(i);
                continue;
            }
            services.sort_unstable();
            services.dedup();
            for svc in services.drain(..) {
                match by_service.get_mut(svc.as_ref()) {
                    Some(indices) => indices.push(i),
                    None => {
                        by_service.insert(svc.into_owned(), vec![i]);
                    }
                }
            }
        }
        CompiledPolicy {
            document,
            statements,
            by_service,
            any_service,
        }
    }

    pub fn parse(text: &str) -> Result<CompiledPolicy, PolicyError> {
        Ok(CompiledPolicy::new(PolicyDocument::parse(text)?))
    }

    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }

    pub(crate) fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }

    /// The statements that could match an action of this (lower-case) service, in no
    /// particular order.
    pub(crate) fn candidates<'a>(&'a self, service: &str) -> impl Iterator<Item = usize> + 'a {
        let specific = self
            .by_service
            .get(service)
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        specific.iter().chain(self.any_service.iter()).copied()
    }

    pub(crate) fn statement_source(&self, index: usize) -> Option<&Statement> {
        self.document.statements.get(index)
    }
}
