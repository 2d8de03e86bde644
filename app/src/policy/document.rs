//! The typed form of a policy document, and its canonical JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::PolicyError;
use super::operator::Operator;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Version {
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008_10_17 => "2008-10-17",
            Version::V2012_10_17 => "2012-10-17",
        }
    }

    /// Policy variables exist only in the 2012 language; in 2008 `${...}` is plain text.
    pub fn supports_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: which one was used, and its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub negated: bool,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PrincipalType {
    #[serde(rename = "AWS")]
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }

    pub fn from_name(name: &str) -> Option<PrincipalType> {
        match name {
            "AWS" => Some(PrincipalType::Aws),
            "Service" => Some(PrincipalType::Service),
            "Federated" => Some(PrincipalType::Federated),
            "CanonicalUser" => Some(PrincipalType::CanonicalUser),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Any,
    /// `{"AWS": [...], "Service": ...}`, in the canonical order of [`PrincipalType`].
    Entries(Vec<(PrincipalType, Vec<String>)>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalClause {
    pub negated: bool,
    pub principal: Principal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalClause>,
    pub action: Clause,
    pub resource: Option<Clause>,
    /// Kept in (operator, key) order: the order in JSON carries no meaning (everything is
    /// ANDed) and a fixed order makes printing canonical.
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// How the statement is named in explanations and lint messages.
    pub fn label(&self, index: usize) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("#{index} (Sid \"{sid}\")"),
            _ => format!("#{index}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// `None` when the document had no Version element, which AWS reads as 2008-10-17.
    pub version: Option<Version>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        super::parse::parse_document(text)
    }

    pub fn from_json(value: &Value) -> Result<PolicyDocument, PolicyError> {
        super::parse::document_from_value(value)
    }

    pub fn effective_version(&self) -> Version {
        self.version.unwrap_or(Version::V2008_10_17)
    }

    /// The document in a canonical JSON form: no optional element invented, a single value
    /// written as a string and several as an array, Principal types and conditions in a fixed
    /// order. Parsing it gives back an equal document.
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        if let Some(version) = self.version {
            root.insert("Version".into(), Value::String(version.as_str().into()));
        }
        if let Some(id) = &self.id {
            root.insert("Id".into(), Value::String(id.clone()));
        }
        let statements = self.statements.iter().map(statement_json).collect();
        root.insert("Statement".into(), Value::Array(statements));
        Value::Object(root)
    }

    pub fn to_canonical_string(&self) -> String {
        self.to_json().to_string()
    }

    pub fn to_pretty_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }
}

fn one_or_many(values: &[String]) -> Value {
    match values {
        [one] => Value::String(one.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    }
}

fn statement_json(statement: &Statement) -> Value {
    let mut out = Map::new();
    if let Some(sid) = &statement.sid {
        out.insert("Sid".into(), Value::String(sid.clone()));
    }
    out.insert(
        "Effect".into(),
        Value::String(statement.effect.as_str().into()),
    );
    if let Some(clause) = &statement.principal {
        let name = if clause.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match &clause.principal {
            Principal::Any => Value::String("*".into()),
            Principal::Entries(entries) => {
                let mut map = Map::new();
                for (kind, values) in entries {
                    map.insert(kind.as_str().into(), one_or_many(values));
                }
                Value::Object(map)
            }
        };
        out.insert(name.into(), value);
    }
    let action_name = if statement.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    out.insert(action_name.into(), one_or_many(&statement.action.values));
    if let Some(resource) = &statement.resource {
        let name = if resource.negated {
            "NotResource"
        } else {
            "Resource"
        };
        out.insert(name.into(), one_or_many(&resource.values));
    }
    if !statement.conditions.is_empty() {
        let mut block: Map<String, Value> = Map::new();
        for condition in &statement.conditions {
            let entry = block
                .entry(condition.operator.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(keys) = entry {
                keys.insert(condition.key.clone(), one_or_many(&condition.values));
            }
        }
        out.insert("Condition".into(), Value::Object(block));
    }
    Value::Object(out)
}
