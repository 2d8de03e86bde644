//! JSON text to [`PolicyDocument`], rejecting anything AWS would reject, with the JSON path of
//! the first problem.

use serde_json::Value;

use super::cidr::Cidr;
use super::date::parse_date;
use super::document::{
    Clause, Condition, Effect, PolicyDocument, Principal, PrincipalClause, PrincipalType,
    Statement, Version,
};
use super::error::PolicyError;
use super::json::Json;
use super::number::parse_number;
use super::operator::{Operator, OperatorKind, ValueType};

pub fn parse_document(text: &str) -> Result<PolicyDocument, PolicyError> {
    // Read into the borrowing tree, not a `Value`: the same errors, far fewer allocations.
    let value = Json::parse(text).map_err(|e| {
        PolicyError::new(
            "",
            format!(
                "not valid JSON (line {}, column {}): {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ),
        )
    })?;
    document_from_json(&value)
}

fn strip_position(message: &str) -> &str {
    match message.find(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// Where in the document a value sits, written out only when there is an error to report, so
/// that parsing a valid document formats no paths.
#[derive(Clone, Copy)]
enum Path<'a> {
    Element(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// The path of item `index` of a list that was written either as an array or as a single
    /// value.
    fn item(&'a self, value: &Json<'_>, index: usize) -> Path<'a> {
        if value.is_array() {
            Path::Index(self, index)
        } else {
            *self
        }
    }

    fn error(&self, message: impl Into<String>) -> PolicyError {
        PolicyError::new(self.to_string(), message)
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Element(name) => f.write_str(name),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

pub fn document_from_value(value: &Value) -> Result<PolicyDocument, PolicyError> {
    document_from_json(&Json::from_value(value))
}

pub(crate) fn document_from_json(root: &Json<'_>) -> Result<PolicyDocument, PolicyError> {
    let Json::Object(entries) = root else {
        return Err(PolicyError::new(
            "",
            format!("a policy must be a JSON object, not {}", root.describe()),
        ));
    };
    for (key, _) in entries {
        if !matches!(key.as_ref(), "Version" | "Id" | "Statement") {
            return Err(PolicyError::new(
                key.as_ref(),
                "unknown element (expected Version, Id or Statement)",
            ));
        }
    }
    let version = match root.get("Version") {
        None => None,
        Some(Json::String(s)) if s == "2012-10-17" => Some(Version::V2012_10_17),
        Some(Json::String(s)) if s == "2008-10-17" => Some(Version::V2008_10_17),
        Some(Json::String(s)) => {
            return Err(PolicyError::new(
                "Version",
                format!("\"{s}\" is not a policy language version (use \"2012-10-17\")"),
            ));
        }
        Some(other) => {
            return Err(PolicyError::new(
                "Version",
                format!("must be a string, not {}", other.describe()),
            ));
        }
    };
    let id = match root.get("Id") {
        None => None,
        Some(Json::String(s)) => Some(s.to_string()),
        Some(other) => {
            return Err(PolicyError::new(
                "Id",
                format!("must be a string, not {}", other.describe()),
            ));
        }
    };
    let variables = version.unwrap_or(Version::V2008_10_17).supports_variables();
    let top = Path::Element("Statement");
    let statements = match root.get("Statement") {
        None => return Err(PolicyError::new("Statement", "is missing")),
        Some(obj @ Json::Object(_)) => vec![parse_statement(top, obj, variables)?],
        Some(Json::Array(items)) => {
            if items.is_empty() {
                return Err(PolicyError::new(
                    "Statement",
                    "must contain at least one statement",
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = top.index(i);
                let obj @ Json::Object(_) = item else {
                    return Err(path.error(format!(
                        "a statement must be an object, not {}",
                        item.describe()
                    )));
                };
                out.push(parse_statement(path, obj, variables)?);
            }
            out
        }
        Some(other) => {
            return Err(PolicyError::new(
                "Statement",
                format!(
                    "must be an object or an array of objects, not {}",
                    other.describe()
                ),
            ));
        }
    };
    Ok(PolicyDocument {
        version,
        id,
        statements,
    })
}

/// A statement's elements, in the order AWS's documentation writes them.
pub(super) const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn parse_statement(
    path: Path<'_>,
    obj: &Json<'_>,
    variables: bool,
) -> Result<Statement, PolicyError> {
    for (key, _) in obj.entries() {
        if !STATEMENT_KEYS.contains(&key.as_ref()) {
            return Err(path.key(key).error(
                "unknown element (expected Sid, Effect, Principal, NotPrincipal, Action, \
                 NotAction, Resource, NotResource or Condition)",
            ));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Json::String(s)) => Some(s.to_string()),
        Some(other) => {
            return Err(path
                .key("Sid")
                .error(format!("must be a string, not {}", other.describe())));
        }
    };
    let effect = match obj.get("Effect") {
        Some(Json::String(s)) if s == "Allow" => Effect::Allow,
        Some(Json::String(s)) if s == "Deny" => Effect::Deny,
        Some(Json::String(s)) => {
            return Err(path.key("Effect").error(format!(
                "\"{s}\" is not an effect (use \"Allow\" or \"Deny\")"
            )));
        }
        Some(other) => {
            return Err(path.key("Effect").error(format!(
                "must be \"Allow\" or \"Deny\", not {}",
                other.describe()
            )));
        }
        None => return Err(path.key("Effect").error("is missing")),
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(path.error("has both Principal and NotPrincipal; use one"));
        }
        (Some(v), None) => Some(PrincipalClause {
            negated: false,
            principal: parse_principal(path.key("Principal"), v)?,
        }),
        (None, Some(v)) => {
            let principal = parse_principal(path.key("NotPrincipal"), v)?;
            if effect == Effect::Allow {
                return Err(path.key("NotPrincipal").error(
                    "NotPrincipal is supported only with \"Effect\": \"Deny\" (with Allow it would grant everyone else, anonymous callers included); name the principals in Principal instead",
                ));
            }
            Some(PrincipalClause {
                negated: true,
                principal,
            })
        }
        (None, None) => None,
    };
    let action = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(_), Some(_)) => {
            return Err(path.error("has both Action and NotAction; use one"));
        }
        (Some(v), None) => Clause {
            negated: false,
            values: parse_actions(path.key("Action"), v)?,
        },
        (None, Some(v)) => Clause {
            negated: true,
            values: parse_actions(path.key("NotAction"), v)?,
        },
        (None, None) => {
            return Err(path.error("has neither Action nor NotAction"));
        }
    };
    let resource = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(_), Some(_)) => {
            return Err(path.error("has both Resource and NotResource; use one"));
        }
        (Some(v), None) => Some(Clause {
            negated: false,
            values: parse_resources(path.key("Resource"), v)?,
        }),
        (None, Some(v)) => Some(Clause {
            negated: true,
            values: parse_resources(path.key("NotResource"), v)?,
        }),
        (None, None) => None,
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(v) => parse_conditions(path.key("Condition"), v, variables)?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// A string or a non-empty array of strings, as AWS accepts wherever a list is allowed.
fn string_list(path: Path<'_>, value: &Json<'_>) -> Result<Vec<String>, PolicyError> {
    match value {
        Json::String(s) => Ok(vec![s.to_string()]),
        Json::Array(items) => {
            if items.is_empty() {
                return Err(path.error("must not be an empty array"));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Json::String(s) => Ok(s.to_string()),
                    other => Err(path
                        .index(i)
                        .error(format!("must be a string, not {}", other.describe()))),
                })
                .collect()
        }
        other => Err(path.error(format!(
            "must be a string or an array of strings, not {}",
            other.describe()
        ))),
    }
}

fn parse_actions(path: Path<'_>, value: &Json<'_>) -> Result<Vec<String>, PolicyError> {
    let actions = string_list(path, value)?;
    for (i, action) in actions.iter().enumerate() {
        if action == "*" {
            continue;
        }
        let valid = match action.split_once(':') {
            Some((service, name)) => {
                !service.is_empty()
                    && service
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?'))
                    // AWS has accepted (and published) actions with stray spaces, so
                    // they parse; they match nothing and lint says so.
                    && !name.is_empty()
            }
            None => false,
        };
        if !valid {
            return Err(path.item(value, i).error(format!(
                "\"{action}\" is not an action (expected \"service:Action\" or \"*\")"
            )));
        }
    }
    Ok(actions)
}

fn parse_resources(path: Path<'_>, value: &Json<'_>) -> Result<Vec<String>, PolicyError> {
    let resources = string_list(path, value)?;
    for (i, resource) in resources.iter().enumerate() {
        if resource == "*" {
            continue;
        }
        if !resource.starts_with("arn:") || resource.len() < 5 {
            return Err(path.item(value, i).error(format!(
                "\"{resource}\" is not a resource (expected an ARN or \"*\")"
            )));
        }
    }
    Ok(resources)
}

fn parse_principal(path: Path<'_>, value: &Json<'_>) -> Result<Principal, PolicyError> {
    match value {
        Json::String(s) if s == "*" => Ok(Principal::Any),
        Json::String(s) => Err(path.error(format!(
            "\"{s}\" is not a principal (use \"*\" or an object such as {{\"AWS\": ...}})"
        ))),
        Json::Object(map) => {
            if map.is_empty() {
                return Err(path.error("must name at least one principal"));
            }
            let mut entries = Vec::new();
            for (name, values) in map {
                let entry_path = path.key(name);
                let Some(kind) = PrincipalType::from_name(name) else {
                    return Err(entry_path.error(
                        "unknown principal type (expected AWS, Service, Federated or CanonicalUser)",
                    ));
                };
                let list = string_list(entry_path, values)?;
                for (i, item) in list.iter().enumerate() {
                    let ok = match kind {
                        PrincipalType::Aws => {
                            item == "*"
                                || is_account_id(item)
                                || (item.starts_with("arn:") && item.splitn(6, ':').count() == 6)
                        }
                        _ => !item.is_empty() && !item.contains(char::is_whitespace),
                    };
                    if !ok {
                        return Err(entry_path.item(values, i).error(format!(
                            "\"{item}\" is not a valid {} principal (expected \"*\", a 12-digit account id or an ARN)",
                            kind.as_str()
                        )));
                    }
                }
                entries.push((kind, list));
            }
            entries.sort_by_key(|(kind, _)| *kind);
            Ok(Principal::Entries(entries))
        }
        other => Err(path.error(format!(
            "must be \"*\" or an object, not {}",
            other.describe()
        ))),
    }
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn condition_values(path: Path<'_>, value: &Json<'_>) -> Result<Vec<String>, PolicyError> {
    fn scalar(path: Path<'_>, value: &Json<'_>) -> Result<String, PolicyError> {
        match value {
            Json::String(s) => Ok(s.to_string()),
            Json::Bool(b) => Ok(b.to_string()),
            Json::Number(n) => Ok(n.to_string()),
            other => Err(path.error(format!(
                "a condition value must be a string, number or boolean, not {}",
                other.describe()
            ))),
        }
    }
    match value {
        Json::Array(items) => {
            if items.is_empty() {
                return Err(path.error("must have at least one value"));
            }
            items.iter().map(|item| scalar(path, item)).collect()
        }
        other => Ok(vec![scalar(path, other)?]),
    }
}

fn parse_conditions(
    path: Path<'_>,
    value: &Json<'_>,
    variables: bool,
) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(block) = value else {
        return Err(path.error(format!("must be an object, not {}", value.describe())));
    };
    let mut out = Vec::new();
    for (op_name, keys) in block {
        let op_path = path.key(op_name);
        let Some(operator) = Operator::parse(op_name) else {
            return Err(op_path.error(format!("\"{op_name}\" is not a condition operator")));
        };
        if operator.kind == OperatorKind::Null && operator.if_exists {
            return Err(op_path.error("Null cannot take the IfExists suffix"));
        }
        let Json::Object(keys) = keys else {
            return Err(op_path.error(format!(
                "must be an object of condition keys, not {}",
                keys.describe()
            )));
        };
        if keys.is_empty() {
            return Err(op_path.error("names no condition key"));
        }
        for (key, values) in keys {
            let key_path = op_path.key(key);
            if key.is_empty() {
                return Err(key_path.error("condition key must not be empty"));
            }
            let values = condition_values(key_path, values)?;
            for value in &values {
                if variables && value.contains("${") {
                    // Checked after substitution, when the value is known.
                    continue;
                }
                check_condition_value(key_path, operator.kind.value_type(), value)?;
            }
            out.push(Condition {
                operator,
                key: key.to_string(),
                values,
            });
        }
    }
    out.sort_by(|a, b| (a.operator, &a.key).cmp(&(b.operator, &b.key)));
    Ok(out)
}

fn check_condition_value(path: Path<'_>, kind: ValueType, value: &str) -> Result<(), PolicyError> {
    let problem = match kind {
        ValueType::String | ValueType::Arn => None,
        ValueType::Numeric => parse_number(value).is_none().then_some("is not a number"),
        ValueType::Date => parse_date(value)
            .is_none()
            .then_some("is not a date (ISO 8601 or epoch seconds)"),
        ValueType::Bool | ValueType::Null => {
            let ok = value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false");
            (!ok).then_some("is not true or false")
        }
        ValueType::Binary => super::base64::decode(value)
            .is_none()
            .then_some("is not base64"),
        ValueType::Ip => Cidr::parse(value).is_none().then_some("is not a CIDR"),
    };
    match problem {
        Some(problem) => Err(path.error(format!("\"{value}\" {problem}"))),
        None => Ok(()),
    }
}
