//! Policy checks in the spirit of IAM Access Analyzer's: errors (the document is invalid),
//! security warnings (it grants more than intended), warnings (it does not do what it says),
//! and suggestions. Every finding carries the JSON path of what it is about.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::actions::pattern_matches_known;
use super::catalogue::Catalogue;
use super::cidr::Cidr;
use super::document::{Effect, PolicyDocument, Statement, Version};
use super::keys::{describe, global_key, is_global, operator_fits};
use super::locate::line_of;
use super::matcher::{Glob, pattern_covers};
use super::operator::{OperatorKind, SetQualifier, ValueType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable identifier for the kind of finding, for tests and for filtering.
    pub code: String,
    pub path: String,
    pub message: String,
    /// The line (from 1) of the text where `path` starts, when the text holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A JSON syntax error's message already names its line and column.
        if self.path.is_empty() {
            write!(f, "{}: {}", self.severity.as_str(), self.message)
        } else {
            let line = self
                .line
                .map(|n| format!(" (line {n})"))
                .unwrap_or_default();
            write!(
                f,
                "{}: {}{line}: {}",
                self.severity.as_str(),
                self.path,
                self.message
            )
        }
    }
}

struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, severity: Severity, code: &str, path: String, message: String) {
        self.0.push(Finding {
            severity,
            code: code.to_string(),
            path,
            message,
            line: None,
        });
    }
}

/// How the statements were written, to build paths that point into the user's own text.
struct Shape<'a> {
    raw: &'a Value,
}

impl Shape<'_> {
    fn statement(&self, index: usize) -> String {
        match self.raw.get("Statement") {
            Some(Value::Array(_)) => format!("Statement[{index}]"),
            _ => "Statement".to_string(),
        }
    }

    fn raw_statement(&self, index: usize) -> Option<&Value> {
        match self.raw.get("Statement") {
            Some(Value::Array(items)) => items.get(index),
            other => other,
        }
    }

    /// `Statement[0].Action[2]`, or `Statement[0].Action` when a single string was written.
    fn element(&self, index: usize, element: &str, item: usize) -> String {
        let base = format!("{}.{element}", self.statement(index));
        match self.raw_statement(index).and_then(|s| s.get(element)) {
            Some(Value::Array(_)) => format!("{base}[{item}]"),
            _ => base,
        }
    }
}

/// Checks a policy document given as JSON text; action names are checked for iam and sts
/// only (the lists built into the engine).
pub fn lint(text: &str) -> Vec<Finding> {
    lint_with(text, None)
}

/// [`lint`], with the AWS service catalogue: every service's action names are checked,
/// and a prefix that is no AWS service is reported.
pub fn lint_with(text: &str, catalogue: Option<&Catalogue>) -> Vec<Finding> {
    let mut findings = Findings(Vec::new());
    let raw: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(json) => {
            if let Err(e) = PolicyDocument::parse(text) {
                findings.add(Severity::Error, "invalid-json", e.path, e.message);
                if let Some(f) = findings.0.last_mut() {
                    f.line = Some(json.line());
                }
            }
            return findings.0;
        }
    };
    match PolicyDocument::from_json(&raw) {
        Ok(document) => lint_document(&document, &raw, catalogue, &mut findings),
        Err(e) => findings.add(Severity::Error, "invalid-policy", e.path, e.message),
    }
    findings.0.sort_by_key(|f| f.severity);
    for finding in &mut findings.0 {
        if !finding.path.is_empty() {
            finding.line = line_of(text, &finding.path);
        }
    }
    findings.0
}

fn lint_document(
    document: &PolicyDocument,
    raw: &Value,
    catalogue: Option<&Catalogue>,
    findings: &mut Findings,
) {
    let shape = Shape { raw };
    match document.version {
        None => findings.add(
            Severity::Suggestion,
            "missing-version",
            "Version".into(),
            "no Version: the document is read as 2008-10-17, where policy variables are plain text; add \"Version\": \"2012-10-17\"".into(),
        ),
        Some(Version::V2008_10_17) => findings.add(
            Severity::Suggestion,
            "old-version",
            "Version".into(),
            "2008-10-17 is the old policy language; use 2012-10-17".into(),
        ),
        Some(Version::V2012_10_17) => {}
    }
    let mut sids: Vec<(&str, usize)> = Vec::new();
    for (i, statement) in document.statements.iter().enumerate() {
        let path = shape.statement(i);
        if let Some(sid) = statement.sid.as_deref() {
            if let Some((_, first)) = sids.iter().find(|(s, _)| *s == sid) {
                findings.add(
                    Severity::Error,
                    "duplicate-sid",
                    format!("{path}.Sid"),
                    format!(
                        "Sid \"{sid}\" is already used by {}; Sids must be unique within a policy",
                        shape.statement(*first)
                    ),
                );
            } else {
                sids.push((sid, i));
            }
            if !sid.chars().all(|c| c.is_ascii_alphanumeric()) && statement.principal.is_none() {
                findings.add(
                    Severity::Warning,
                    "sid-characters",
                    format!("{path}.Sid"),
                    format!(
                        "Sid \"{sid}\" should use only letters and digits in an identity policy"
                    ),
                );
            }
        }
        if statement.resource.is_none() && statement.principal.is_none() {
            findings.add(
                Severity::Error,
                "missing-resource",
                path.clone(),
                "the statement has no Resource or NotResource (only trust policies, which name a Principal, may omit it)".into(),
            );
        }
        lint_statement(document, statement, i, &shape, catalogue, findings);
    }
    lint_redundant(document, &shape, findings);
}

fn action_covers_everything(statement: &Statement) -> bool {
    !statement.action.negated
        && statement
            .action
            .values
            .iter()
            .any(|a| a == "*" || a == "*:*")
}

fn resource_is_star(statement: &Statement) -> bool {
    statement
        .resource
        .as_ref()
        .is_some_and(|r| !r.negated && r.values.iter().any(|v| v == "*"))
}

fn lint_statement(
    document: &PolicyDocument,
    statement: &Statement,
    i: usize,
    shape: &Shape<'_>,
    catalogue: Option<&Catalogue>,
    findings: &mut Findings,
) {
    let path = shape.statement(i);
    let allow = statement.effect == Effect::Allow;
    let action_element = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };

    if allow && action_covers_everything(statement) && resource_is_star(statement) {
        let note = if statement.conditions.is_empty() {
            ""
        } else {
            " (limited only by its conditions)"
        };
        findings.add(
            Severity::SecurityWarning,
            "allow-all",
            path.clone(),
            format!("allows every action on every resource{note}: full administrator access"),
        );
    }
    if allow && !statement.action.negated && resource_is_star(statement) {
        let pass_role = statement.action.values.iter().position(|a| {
            a != "*" && a != "*:*" && Glob::new(&a.to_ascii_lowercase()).matches("iam:passrole")
        });
        if let Some(j) = pass_role {
            findings.add(
                Severity::SecurityWarning,
                "pass-role-star",
                shape.element(i, "Action", j),
                "allows iam:PassRole on every role (\"*\"): the principal can hand any role, and its permissions, to a service; name the roles instead".into(),
            );
        }
    }
    if allow && statement.action.negated {
        findings.add(
            Severity::SecurityWarning,
            "allow-not-action",
            format!("{path}.NotAction"),
            "Allow with NotAction allows every action not listed, including actions added to AWS later; list the allowed actions instead".into(),
        );
    }
    if allow && statement.resource.as_ref().is_some_and(|r| r.negated) {
        findings.add(
            Severity::SecurityWarning,
            "allow-not-resource",
            format!("{path}.NotResource"),
            "Allow with NotResource allows every resource not listed, including ones created later; list the allowed resources instead".into(),
        );
    }
    if allow
        && statement.principal.as_ref().is_some_and(|p| {
            !p.negated
                && match &p.principal {
                    super::document::Principal::Any => true,
                    super::document::Principal::Entries(entries) => entries
                        .iter()
                        .any(|(_, values)| values.iter().any(|v| v == "*")),
                }
        })
        && statement.conditions.is_empty()
    {
        findings.add(
            Severity::SecurityWarning,
            "public-principal",
            format!("{path}.Principal"),
            "allows every principal (\"*\"), including anonymous callers and other accounts, with no condition".into(),
        );
    }

    for (j, action) in statement.action.values.iter().enumerate() {
        if action.contains(char::is_whitespace) {
            findings.add(
                Severity::Warning,
                "action-whitespace",
                shape.element(i, action_element, j),
                format!("\"{action}\" contains whitespace, so it matches no action"),
            );
            continue;
        }
        if let Some((service, _)) = action.split_once(':') {
            let matches = catalogue
                .and_then(|c| c.pattern_matches(action))
                .or_else(|| pattern_matches_known(action));
            match matches {
                Some(false) => findings.add(
                    Severity::Warning,
                    "unknown-action",
                    shape.element(i, action_element, j),
                    format!(
                        "\"{action}\" matches no {} action",
                        service.to_ascii_lowercase()
                    ),
                ),
                // Only the catalogue knows every service; without it, silence.
                None if catalogue.is_some() && !service.contains(['*', '?']) => findings.add(
                    Severity::Warning,
                    "unknown-service",
                    shape.element(i, action_element, j),
                    format!("\"{action}\": no AWS service has the prefix \"{service}\""),
                ),
                _ => {}
            }
        }
    }

    let variables = document.effective_version().supports_variables();
    if !variables {
        let uses = statement
            .resource
            .iter()
            .flat_map(|r| r.values.iter())
            .chain(statement.conditions.iter().flat_map(|c| c.values.iter()))
            .any(|v| v.contains("${"));
        if uses {
            findings.add(
                Severity::Warning,
                "variables-need-2012",
                path.clone(),
                "uses ${...} policy variables, which are plain text unless the document has \"Version\": \"2012-10-17\"".into(),
            );
        }
    }

    for condition in &statement.conditions {
        let op = condition.operator;
        let cpath = format!("{path}.Condition.{op}.{}", condition.key);
        let global = global_key(&condition.key);
        if is_global(&condition.key) && global.is_none() {
            findings.add(
                Severity::Warning,
                "unknown-global-key",
                cpath.clone(),
                format!("{} is not a global condition key", condition.key),
            );
        }
        if let Some(key) = global {
            if !operator_fits(key.kind, op.kind) {
                findings.add(
                    Severity::Warning,
                    "operator-type",
                    cpath.clone(),
                    format!(
                        "{} compares {} values, but {} is {}",
                        op.kind.name(),
                        op.kind.value_type(),
                        condition.key,
                        describe(key.kind)
                    ),
                );
            }
            if op.qualifier.is_some() && !key.multi_valued && op.kind != OperatorKind::Null {
                findings.add(
                    Severity::Warning,
                    "set-operator-single-key",
                    cpath.clone(),
                    format!(
                        "{} is single-valued; ForAllValues/ForAnyValue are for multi-valued keys and can give surprising results here",
                        condition.key
                    ),
                );
            }
        }
        if op.kind.value_type() == ValueType::Ip {
            for value in &condition.values {
                if let Some(v4) = Cidr::parse(value).and_then(|c| c.mapped_ipv4()) {
                    findings.add(
                        Severity::Warning,
                        "ipv4-mapped-range",
                        cpath.clone(),
                        format!(
                            "\"{value}\" is an IPv4-mapped IPv6 range, which holds no request: IPv4 clients (in either spelling) are compared with IPv4 ranges only; write {v4}"
                        ),
                    );
                }
            }
        }
        if allow && op.qualifier == Some(SetQualifier::ForAllValues) && !op.if_exists {
            findings.add(
                Severity::Suggestion,
                "for-all-values-missing-key",
                cpath.clone(),
                format!(
                    "ForAllValues is also true when {} is absent from the request; add a Null check if the key must be present",
                    condition.key
                ),
            );
        }
    }
}

fn covered(wide: &[String], narrow: &[String], case_insensitive: bool) -> bool {
    let norm = |s: &str| {
        if case_insensitive {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    narrow.iter().all(|n| {
        let n = norm(n);
        wide.iter().any(|w| {
            let w = norm(w);
            w == "*" || w == n || pattern_covers(&w, &n)
        })
    })
}

/// Whether statement `a` applies whenever `b` does, with the same effect.
fn subsumes(a: &Statement, b: &Statement) -> bool {
    if a.effect != b.effect
        || a.principal != b.principal
        || a.action.negated
        || b.action.negated
        || !(a.conditions.is_empty() || a.conditions == b.conditions)
    {
        return false;
    }
    let resources = match (&a.resource, &b.resource) {
        (None, None) => true,
        (Some(ra), Some(rb)) if !ra.negated && !rb.negated => {
            covered(&ra.values, &rb.values, false)
        }
        _ => false,
    };
    resources && covered(&a.action.values, &b.action.values, true)
}

fn lint_redundant(document: &PolicyDocument, shape: &Shape<'_>, findings: &mut Findings) {
    let statements = &document.statements;
    // Quadratic in statements; the largest real policies have a few hundred.
    for (j, b) in statements.iter().enumerate() {
        let by = statements
            .iter()
            .enumerate()
            .find(|(i, a)| *i != j && subsumes(a, b) && (!subsumes(b, a) || *i < j));
        if let Some((i, _)) = by {
            findings.add(
                Severity::Warning,
                "redundant-statement",
                shape.statement(j),
                format!(
                    "this statement is redundant: {} already {} everything it {}",
                    shape.statement(i),
                    if b.effect == Effect::Allow {
                        "allows"
                    } else {
                        "denies"
                    },
                    if b.effect == Effect::Allow {
                        "allows"
                    } else {
                        "denies"
                    },
                ),
            );
        }
    }
}
