//! The request being decided: who, what action, which resource, and the context keys.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// The account's root user.
    Root,
    User,
    /// A role named directly (as in a simulation); treated like a session of that role.
    Role,
    AssumedRole,
    FederatedUser,
    /// An AWS service principal such as `ec2.amazonaws.com`.
    Service,
    /// A web-identity or SAML provider.
    Federated,
    Anonymous,
}

impl PrincipalKind {
    /// The value of `aws:PrincipalType`.
    pub fn principal_type(self) -> &'static str {
        match self {
            PrincipalKind::Root => "Account",
            PrincipalKind::User => "User",
            PrincipalKind::Role | PrincipalKind::AssumedRole => "AssumedRole",
            PrincipalKind::FederatedUser => "FederatedUser",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "WebIdentityUser",
            PrincipalKind::Anonymous => "Anonymous",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalInfo {
    pub arn: String,
    #[serde(default)]
    pub account: String,
    pub kind: PrincipalKind,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub unique_id: Option<String>,
    /// For a role session, its role's ARN with the role's path (aws:PrincipalArn); when
    /// absent it is derived from the session's ARN, which names no path.
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl PrincipalInfo {
    /// Derives kind, account and user name from an ARN (or a service name such as
    /// `ec2.amazonaws.com`, or `*` for an anonymous caller).
    pub fn from_arn(arn: &str) -> Result<PrincipalInfo, String> {
        let mut info = PrincipalInfo {
            arn: arn.to_string(),
            account: String::new(),
            kind: PrincipalKind::Anonymous,
            user_name: None,
            unique_id: None,
            role_arn: None,
            tags: BTreeMap::new(),
        };
        if arn == "*" || arn.eq_ignore_ascii_case("anonymous") {
            return Ok(info);
        }
        if !arn.starts_with("arn:") {
            if arn.contains('.') && !arn.contains(char::is_whitespace) {
                info.kind = PrincipalKind::Service;
                return Ok(info);
            }
            return Err(format!("\"{arn}\" is not a principal ARN"));
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, _, service, _, account, resource] = parts.as_slice() else {
            return Err(format!("\"{arn}\" is not a principal ARN"));
        };
        info.account = (*account).to_string();
        let (kind, name) = match (*service, resource.split_once('/')) {
            ("iam", None) if *resource == "root" => (PrincipalKind::Root, None),
            ("iam", Some(("user", rest))) => (PrincipalKind::User, rest.rsplit('/').next()),
            ("iam", Some(("role", rest))) => (PrincipalKind::Role, rest.rsplit('/').next()),
            ("iam", Some(("saml-provider" | "oidc-provider", _))) => {
                (PrincipalKind::Federated, None)
            }
            ("sts", Some(("assumed-role", _))) => (PrincipalKind::AssumedRole, None),
            ("sts", Some(("federated-user", rest))) => (PrincipalKind::FederatedUser, Some(rest)),
            _ => return Err(format!("\"{arn}\" is not a principal ARN")),
        };
        info.kind = kind;
        if kind == PrincipalKind::User {
            info.user_name = name.map(str::to_string);
        }
        Ok(info)
    }

    /// For a role session `arn:aws:sts::ACCT:assumed-role/NAME/SESSION`, the role's name.
    pub fn role_name(&self) -> Option<&str> {
        match self.kind {
            PrincipalKind::AssumedRole => {
                let resource = self.arn.splitn(6, ':').nth(5)?;
                let rest = resource.strip_prefix("assumed-role/")?;
                rest.split('/').next()
            }
            PrincipalKind::Role => self.arn.rsplit('/').next(),
            _ => None,
        }
    }

    /// `aws:PrincipalArn`: for a role session it is the role's ARN, not the session's.
    pub fn principal_arn(&self) -> Cow<'_, str> {
        if self.kind == PrincipalKind::AssumedRole {
            if let Some(role_arn) = &self.role_arn {
                return Cow::Borrowed(role_arn);
            }
            let partition = self.arn.split(':').nth(1).unwrap_or("aws");
            if let Some(name) = self.role_name() {
                return Cow::Owned(format!("arn:{partition}:iam::{}:role/{name}", self.account));
            }
        }
        Cow::Borrowed(&self.arn)
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// One context value. Numbers and booleans keep their type so Numeric, Date and Bool
/// operators need not guess; every value also has a text form for the String operators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Number(f64),
    String(String),
}

impl Scalar {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Scalar::String(s) => Cow::Borrowed(s),
            Scalar::Bool(true) => Cow::Borrowed("true"),
            Scalar::Bool(false) => Cow::Borrowed("false"),
            Scalar::Number(n) => Cow::Owned(format_number(*n)),
        }
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ContextValue {
    Multi(Vec<Scalar>),
    Single(Scalar),
}

impl ContextValue {
    pub fn values(&self) -> &[Scalar] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }

    pub fn from_json(value: &Value) -> Option<ContextValue> {
        ContextValue::from_json_view(&Json::from_value(value))
    }

    pub(crate) fn from_json_view(value: &Json<'_>) -> Option<ContextValue> {
        fn scalar(value: &Json<'_>) -> Option<Scalar> {
            match value {
                Json::String(s) => Some(Scalar::String(s.to_string())),
                Json::Bool(b) => Some(Scalar::Bool(*b)),
                Json::Number(n) => n.as_f64().map(Scalar::Number),
                _ => None,
            }
        }
        match value {
            Json::Array(items) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(ContextValue::Multi),
            other => scalar(other).map(ContextValue::Single),
        }
    }
}

impl From<&str> for ContextValue {
    fn from(s: &str) -> Self {
        ContextValue::Single(Scalar::String(s.to_string()))
    }
}

impl From<String> for ContextValue {
    fn from(s: String) -> Self {
        ContextValue::Single(Scalar::String(s))
    }
}

impl From<bool> for ContextValue {
    fn from(b: bool) -> Self {
        ContextValue::Single(Scalar::Bool(b))
    }
}

impl From<f64> for ContextValue {
    fn from(n: f64) -> Self {
        ContextValue::Single(Scalar::Number(n))
    }
}

impl From<Vec<&str>> for ContextValue {
    fn from(v: Vec<&str>) -> Self {
        ContextValue::Multi(v.into_iter().map(|s| Scalar::String(s.into())).collect())
    }
}

/// Context keys, looked up case-insensitively as AWS does; the spelling first given is kept
/// for display.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    entries: BTreeMap<String, (String, ContextValue)>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        self.entries
            .insert(key.to_ascii_lowercase(), (key.to_string(), value.into()));
    }

    pub fn with(mut self, key: &str, value: impl Into<ContextValue>) -> Context {
        self.insert(key, value);
        self
    }

    /// Adds every key of `other`, replacing keys this context has too.
    pub fn extend(&mut self, other: Context) {
        self.entries.extend(other.entries);
    }

    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.entries
                .get(&key.to_ascii_lowercase())
                .map(|(_, value)| value)
        } else {
            self.entries.get(key).map(|(_, value)| value)
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.values().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// From a JSON object of key to string, number, boolean or array of those.
    pub fn from_json(value: &Value) -> Result<Context, String> {
        Context::from_json_view(&Json::from_value(value))
    }

    pub(crate) fn from_json_view(value: &Json<'_>) -> Result<Context, String> {
        let Json::Object(map) = value else {
            return Err("context must be an object".into());
        };
        let mut context = Context::new();
        for (key, value) in map {
            let value = ContextValue::from_json_view(value).ok_or_else(|| {
                format!("context key {key}: expected a string, number, boolean or array of them")
            })?;
            context.insert(key, value);
        }
        Ok(context)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub principal: PrincipalInfo,
    pub action: String,
    pub resource: String,
    #[serde(default)]
    pub context: Context,
}

/// A value found for a key: either from the request context or derived from the principal.
#[derive(Debug, Clone)]
pub enum Found<'a> {
    Context(&'a ContextValue),
    Derived(Cow<'a, str>),
}

impl Found<'_> {
    pub fn texts(&self) -> Vec<String> {
        match self {
            Found::Context(v) => v.values().iter().map(|s| s.text().into_owned()).collect(),
            Found::Derived(s) => vec![s.to_string()],
        }
    }
}

impl Request {
    /// Looks a (lower-cased) key up in the context first, then among the keys AWS derives
    /// from the principal, so callers need not repeat `aws:username` and friends.
    pub fn lookup(&self, key: &str) -> Option<Found<'_>> {
        if let Some(value) = self.context.get(key) {
            return Some(Found::Context(value));
        }
        let p = &self.principal;
        let derived: Cow<'_, str> = match key {
            "aws:username" if p.kind == PrincipalKind::User => {
                Cow::Borrowed(p.user_name.as_deref()?)
            }
            "aws:userid" => Cow::Borrowed(p.unique_id.as_deref()?),
            "aws:principalarn" if p.kind != PrincipalKind::Anonymous => p.principal_arn(),
            "aws:principalaccount" if !p.account.is_empty() => Cow::Borrowed(&p.account),
            "aws:principaltype" => Cow::Borrowed(p.kind.principal_type()),
            "aws:principalisawsservice" => Cow::Borrowed(if p.kind == PrincipalKind::Service {
                "true"
            } else {
                "false"
            }),
            "aws:principalservicename" if p.kind == PrincipalKind::Service => Cow::Borrowed(&p.arn),
            _ => {
                let tag = key.strip_prefix("aws:principaltag/")?;
                Cow::Borrowed(p.tag(tag)?)
            }
        };
        Some(Found::Derived(derived))
    }

    /// A key's value as one string, for policy variables: multi-valued keys do not qualify.
    pub fn variable(&self, key: &str) -> Option<String> {
        self.variable_ref(key).map(Cow::into_owned)
    }

    /// As [`Request::variable`], borrowing where it can.
    pub fn variable_ref(&self, key: &str) -> Option<Cow<'_, str>> {
        match self.lookup(key)? {
            Found::Context(ContextValue::Single(s)) => Some(s.text()),
            Found::Context(ContextValue::Multi(v)) => match v.as_slice() {
                [one] => Some(one.text()),
                _ => None,
            },
            Found::Derived(s) => Some(s),
        }
    }

    /// The account that owns the resource, if known: the account field of the resource's
    /// ARN when it has one (a context `aws:ResourceAccount` cannot contradict the ARN), else
    /// `aws:ResourceAccount` from the context. S3 ARNs, `*` and AWS-owned ARNs (account
    /// `aws`) carry no owner, so without the context key the owner is unknown (`None`); the
    /// evaluation then treats a request that involves a resource policy as cross-account,
    /// so that the identity policies must allow it too, rather than guess the caller's own
    /// account and let a bucket policy alone grant access.
    pub fn resource_account(&self) -> Option<Cow<'_, str>> {
        match self.resource.split(':').nth(4) {
            Some(account) if !account.is_empty() && account != "aws" => {
                Some(Cow::Borrowed(account))
            }
            _ => {
                let value = self.context.get("aws:resourceaccount")?;
                let first = value.values().first()?;
                Some(first.text())
            }
        }
    }
}
