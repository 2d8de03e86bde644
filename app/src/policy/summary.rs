//! What a principal may do, service by service: the console's summary of a user's
//! permissions, in the terms of AWS's policy summaries (each service's access levels,
//! granted in full or limited). It reads the policies as written, for every action of the
//! AWS service catalogue:
//! - an action is granted in **full** when an Allow names it for every resource (`*`) and
//!   without conditions, and **limited** when the Allows that name it are confined to some
//!   resources (or use `NotResource`) or carry conditions;
//! - a Deny for every resource without conditions takes it away, any other Deny naming it
//!   leaves it limited at most;
//! - with a permissions boundary, an action is granted only as far as both the identity
//!   policies and the boundary grant it (the boundary's Denies count too).
//!
//! It is a reading, not a decision: what a request gets is decided by the engine with the
//! request's resource and context, and a "limited" action may well be allowed.

use serde::{Deserialize, Serialize};

use super::catalogue::{AccessLevel, Catalogue};
use super::compile::CompiledPolicy;
use super::document::{Effect, Statement};

/// How far an action is granted. Ordered: `None < Limited < Full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    None,
    Limited,
    Full,
}

/// One access level of a service: how many of its actions are granted in full, how many
/// limited, out of how many. (Short names on the wire: a summary of AWS's ReadOnlyAccess
/// lists over 400 services.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelSummary {
    #[serde(rename = "l")]
    pub level: AccessLevel,
    #[serde(rename = "f")]
    pub full: u32,
    #[serde(rename = "p")]
    pub limited: u32,
    #[serde(rename = "t")]
    pub total: u32,
}

/// A service with at least one action granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub prefix: String,
    pub name: String,
    /// In AWS's order (List, Read, Write, Permissions management, Tagging); only the levels
    /// the service has.
    pub levels: Vec<LevelSummary>,
}

impl ServiceSummary {
    /// Every action of the service, in full.
    pub fn is_full(&self) -> bool {
        self.levels.iter().all(|l| l.full == l.total)
    }

    pub fn granted(&self) -> u32 {
        self.levels.iter().map(|l| l.full + l.limited).sum()
    }

    pub fn total(&self) -> u32 {
        self.levels.iter().map(|l| l.total).sum()
    }

    /// AWS's wording: "Full access", or "Full: List, Read; Limited: Write" (a level is
    /// full when all its actions are granted in full, limited when some are granted).
    pub fn describe(&self) -> String {
        if self.is_full() {
            return "Full access".to_owned();
        }
        let labels = |pick: &dyn Fn(&LevelSummary) -> bool| {
            self.levels
                .iter()
                .filter(|l| pick(l))
                .map(|l| l.level.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let full = labels(&|l| l.full == l.total);
        let limited = labels(&|l| l.full != l.total && l.full + l.limited > 0);
        match (full.is_empty(), limited.is_empty()) {
            (false, false) => format!("Full: {full}; Limited: {limited}"),
            (false, true) => format!("Full: {full}"),
            (true, _) => format!("Limited: {limited}"),
        }
    }
}

/// The summary of one principal's policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSummary {
    /// Sorted by service name.
    pub services: Vec<ServiceSummary>,
    /// How many services the catalogue knows.
    pub catalogue_services: usize,
    /// Whether a permissions boundary limited the summary.
    pub bounded: bool,
}

impl AccessSummary {
    /// Every action of every service in the catalogue, in full (AdministratorAccess).
    pub fn is_everything(&self) -> bool {
        self.services.len() == self.catalogue_services && self.services.iter().all(|s| s.is_full())
    }
}

/// Summarises what `identity` policies grant, limited by `boundary`, over every action in
/// the catalogue.
pub fn summarise(
    identity: &[&CompiledPolicy],
    boundary: Option<&CompiledPolicy>,
    catalogue: &Catalogue,
) -> AccessSummary {
    let mut services = Vec::new();
    let mut action = String::new();
    for service in catalogue.services() {
        let prefix = service.prefix.to_ascii_lowercase();
        let mut levels: Vec<LevelSummary> = Vec::new();
        for info in &service.actions {
            action.clear();
            action.push_str(&prefix);
            action.push(':');
            action.extend(info.name().chars().map(|c| c.to_ascii_lowercase()));
            let grant = grant(identity, boundary, &prefix, &action);
            let level = match levels.iter_mut().find(|l| l.level == info.access_level()) {
                Some(level) => level,
                None => {
                    levels.push(LevelSummary {
                        level: info.access_level(),
                        full: 0,
                        limited: 0,
                        total: 0,
                    });
                    let last = levels.len() - 1;
                    &mut levels[last]
                }
            };
            level.total += 1;
            match grant {
                Grant::Full => level.full += 1,
                Grant::Limited => level.limited += 1,
                Grant::None => {}
            }
        }
        if levels.iter().any(|l| l.full + l.limited > 0) {
            levels.sort_by_key(|l| AccessLevel::ALL.iter().position(|&x| x == l.level));
            services.push(ServiceSummary {
                prefix: service.prefix.clone(),
                name: service.name.clone(),
                levels,
            });
        }
    }
    services.sort_by(|a, b| {
        a.name
            .to_ascii_lowercase()
            .cmp(&b.name.to_ascii_lowercase())
            .then_with(|| a.prefix.cmp(&b.prefix))
    });
    AccessSummary {
        services,
        catalogue_services: catalogue.services().len(),
        bounded: boundary.is_some(),
    }
}

/// How far one (lower-case) action is granted.
fn grant(
    identity: &[&CompiledPolicy],
    boundary: Option<&CompiledPolicy>,
    service: &str,
    action: &str,
) -> Grant {
    let (allowed, denied) = reading(identity.iter().copied(), service, action);
    let mut grant = allowed;
    let mut denied = denied;
    if let Some(boundary) = boundary {
        let (within, boundary_denied) = reading(std::iter::once(boundary), service, action);
        grant = grant.min(within);
        denied = denied.max(boundary_denied);
    }
    match denied {
        Grant::Full => Grant::None,
        Grant::Limited => grant.min(Grant::Limited),
        Grant::None => grant,
    }
}

/// The strongest Allow and the strongest Deny that name the action in these policies.
fn reading<'a>(
    policies: impl Iterator<Item = &'a CompiledPolicy>,
    service: &str,
    action: &str,
) -> (Grant, Grant) {
    let mut allowed = Grant::None;
    let mut denied = Grant::None;
    for policy in policies {
        for index in policy.candidates(service) {
            let (Some(compiled), Some(source)) = (
                policy.statements().get(index),
                policy.statement_source(index),
            ) else {
                continue;
            };
            if !compiled.action_matches(action) {
                continue;
            }
            match compiled.effect {
                // An Allow without a resource element allows nothing (see compile.rs).
                Effect::Allow if source.resource.is_some() => {
                    allowed = allowed.max(scope(source));
                }
                Effect::Allow => {}
                Effect::Deny => denied = denied.max(scope(source)),
            }
        }
    }
    (allowed, denied)
}

/// Full when a statement covers every resource without conditions; limited otherwise.
fn scope(statement: &Statement) -> Grant {
    let every_resource = match &statement.resource {
        Some(clause) => !clause.negated && clause.values.iter().any(|r| r == "*"),
        // A Deny without a resource element denies every resource.
        None => true,
    };
    if every_resource && statement.conditions.is_empty() {
        Grant::Full
    } else {
        Grant::Limited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &str = r#"{"source":"test","services":[
        {"prefix":"s3","name":"Amazon S3","actions":[
            ["GetObject","R",[],[]],["ListBucket","L",[],[]],["ListAllMyBuckets","L",[],[]],
            ["PutObject","W",[],[]],["PutBucketPolicy","P",[],[]],["TagResource","T",[],[]]]},
        {"prefix":"iam","name":"AWS Identity and Access Management (IAM)","actions":[
            ["GetUser","R",[],[]],["ListUsers","L",[],[]],["CreateUser","W",[],[]]]},
        {"prefix":"ec2","name":"Amazon EC2","actions":[["DescribeInstances","L",[],[]]]}]}"#;

    fn catalogue() -> Catalogue {
        Catalogue::parse(CATALOGUE).unwrap()
    }

    fn policy(statements: &str) -> CompiledPolicy {
        CompiledPolicy::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
        .unwrap()
    }

    fn row(summary: &AccessSummary, prefix: &str) -> Option<(String, u32, u32)> {
        summary
            .services
            .iter()
            .find(|s| s.prefix == prefix)
            .map(|s| (s.describe(), s.granted(), s.total()))
    }

    #[test]
    fn everything_for_administrators() {
        let admin = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let summary = summarise(&[&admin], None, &catalogue());
        assert!(summary.is_everything());
        assert_eq!(summary.services.len(), 3);
        assert_eq!(row(&summary, "s3"), Some(("Full access".into(), 6, 6)));
        // Sorted by name.
        assert_eq!(summary.services[0].prefix, "ec2");
    }

    #[test]
    fn levels_are_full_or_limited_as_aws_words_them() {
        let read_only = policy(
            r#"{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},
               {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket/*"},
               {"Effect":"Allow","Action":"IAM:getuser","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        );
        let summary = summarise(&[&read_only], None, &catalogue());
        assert!(!summary.is_everything());
        assert_eq!(
            row(&summary, "s3"),
            Some(("Full: List, Read; Limited: Write".into(), 4, 6))
        );
        assert_eq!(row(&summary, "iam"), Some(("Limited: Read".into(), 1, 3)));
        assert_eq!(row(&summary, "ec2"), None);
    }

    #[test]
    fn denies_take_away_or_limit() {
        let admin = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let deny = policy(
            r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"},
               {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::secret/*"},
               {"Effect":"Deny","NotAction":["s3:*","iam:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        );
        let summary = summarise(&[&admin, &deny], None, &catalogue());
        assert_eq!(row(&summary, "iam"), None);
        assert_eq!(
            row(&summary, "s3"),
            Some((
                "Full: List, Read, Permissions management, Tagging; Limited: Write".into(),
                6,
                6
            ))
        );
        assert_eq!(row(&summary, "ec2"), Some(("Limited: List".into(), 1, 1)));
    }

    #[test]
    fn a_boundary_limits_and_an_allow_without_resource_allows_nothing() {
        let admin = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let boundary =
            policy(r#"{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}"#);
        let summary = summarise(&[&admin], Some(&boundary), &catalogue());
        assert!(summary.bounded);
        assert_eq!(row(&summary, "s3"), Some(("Full access".into(), 6, 6)));
        assert_eq!(row(&summary, "ec2"), Some(("Full access".into(), 1, 1)));
        assert_eq!(row(&summary, "iam"), None);
        // The boundary alone grants nothing.
        assert!(
            summarise(&[], Some(&boundary), &catalogue())
                .services
                .is_empty()
        );

        let no_resource = CompiledPolicy::new(allow_without_resource());
        assert!(
            summarise(&[&no_resource], None, &catalogue())
                .services
                .is_empty()
        );
    }

    /// A document built in code with an Allow that has no Resource (the parser refuses one).
    fn allow_without_resource() -> super::super::document::PolicyDocument {
        let mut document = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)
            .document()
            .clone();
        document.statements[0].resource = None;
        document
    }
}
