//! JSON text to [`PolicyDocument`], rejecting anything AWS would reject, with the JSON path of
//! the first problem.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::date::parse_date;
use super::document::{
    Clause, Condition, Effect, PolicyDocument, Principal, PrincipalClause, PrincipalType,
    Statement, Version,
};
use super::error::PolicyError;
use super::number::parse_number;
use super::operator::{Operator, OperatorKind, ValueType};

pub fn parse_document(text: &str) -> Result<PolicyDocument, PolicyError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
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
    document_from_value(&value)
}

fn strip_position(message: &str) -> &str {
    match message.find(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// "a string", "an array", ...: what a JSON value is, for error messages.
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub fn document_from_value(value: &Value) -> Result<PolicyDocument, PolicyError> {
    let Value::Object(root) = value else {
        return Err(PolicyError::new(
            "",
            format!("a policy must be a JSON object, not {}", describe(value)),
        ));
    };
    for key in root.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(PolicyError::new(
                key.as_str(),
                "unknown element (expected Version, Id or Statement)",
            ));
        }
    }
    let version = match root.get("Version") {
        None => None,
        Some(Value::String(s)) if s == "2012-10-17" => Some(Version::V2012_10_17),
        Some(Value::String(s)) if s == "2008-10-17" => Some(Version::V2008_10_17),
        Some(Value::String(s)) => {
            return Err(PolicyError::new(
                "Version",
                format!("\"{s}\" is not a policy language version (use \"2012-10-17\")"),
            ));
        }
        Some(other) => {
            return Err(PolicyError::new(
                "Version",
                format!("must be a string, not {}", describe(other)),
            ));
        }
    };
    let id = match root.get("Id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(PolicyError::new(
                "Id",
                format!("must be a string, not {}", describe(other)),
            ));
        }
    };
    let variables = version.unwrap_or(Version::V2008_10_17).supports_variables();
    let statements = match root.get("Statement") {
        None => return Err(PolicyError::new("Statement", "is missing")),
        Some(Value::Object(obj)) => vec![parse_statement("Statement", obj, variables)?],
        Some(Value::Array(items)) => {
            if items.is_empty() {
                return Err(PolicyError::new(
                    "Statement",
                    "must contain at least one statement",
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = format!("Statement[{i}]");
                let Value::Object(obj) = item else {
                    return Err(PolicyError::new(
                        path,
                        format!("a statement must be an object, not {}", describe(item)),
                    ));
                };
                out.push(parse_statement(&path, obj, variables)?);
            }
            out
        }
        Some(other) => {
            return Err(PolicyError::new(
                "Statement",
                format!(
                    "must be an object or an array of objects, not {}",
                    describe(other)
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

const STATEMENT_KEYS: &[&str] = &[
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
    path: &str,
    obj: &Map<String, Value>,
    variables: bool,
) -> Result<Statement, PolicyError> {
    for key in obj.keys() {
        if !STATEMENT_KEYS.contains(&key.as_str()) {
            return Err(PolicyError::new(
                format!("{path}.{key}"),
                "unknown element (expected Sid, Effect, Principal, NotPrincipal, Action, \
                 NotAction, Resource, NotResource or Condition)",
            ));
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(PolicyError::new(
                format!("{path}.Sid"),
                format!("must be a string, not {}", describe(other)),
            ));
        }
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        Some(Value::String(s)) => {
            return Err(PolicyError::new(
                format!("{path}.Effect"),
                format!("\"{s}\" is not an effect (use \"Allow\" or \"Deny\")"),
            ));
        }
        Some(other) => {
            return Err(PolicyError::new(
                format!("{path}.Effect"),
                format!("must be \"Allow\" or \"Deny\", not {}", describe(other)),
            ));
        }
        None => return Err(PolicyError::new(format!("{path}.Effect"), "is missing")),
    };
    let principal = match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::new(
                path,
                "has both Principal and NotPrincipal; use one",
            ));
        }
        (Some(v), None) => Some(PrincipalClause {
            negated: false,
            principal: parse_principal(&format!("{path}.Principal"), v)?,
        }),
        (None, Some(v)) => {
            let principal = parse_principal(&format!("{path}.NotPrincipal"), v)?;
            if effect == Effect::Allow {
                return Err(PolicyError::new(
                    format!("{path}.NotPrincipal"),
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
            return Err(PolicyError::new(
                path,
                "has both Action and NotAction; use one",
            ));
        }
        (Some(v), None) => Clause {
            negated: false,
            values: parse_actions(&format!("{path}.Action"), v)?,
        },
        (None, Some(v)) => Clause {
            negated: true,
            values: parse_actions(&format!("{path}.NotAction"), v)?,
        },
        (None, None) => {
            return Err(PolicyError::new(path, "has neither Action nor NotAction"));
        }
    };
    let resource = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::new(
                path,
                "has both Resource and NotResource; use one",
            ));
        }
        (Some(v), None) => Some(Clause {
            negated: false,
            values: parse_resources(&format!("{path}.Resource"), v)?,
        }),
        (None, Some(v)) => Some(Clause {
            negated: true,
            values: parse_resources(&format!("{path}.NotResource"), v)?,
        }),
        (None, None) => None,
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(v) => parse_conditions(&format!("{path}.Condition"), v, variables)?,
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
fn string_list(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(PolicyError::new(path, "must not be an empty array"));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(PolicyError::new(
                        format!("{path}[{i}]"),
                        format!("must be a string, not {}", describe(other)),
                    )),
                })
                .collect()
        }
        other => Err(PolicyError::new(
            path,
            format!(
                "must be a string or an array of strings, not {}",
                describe(other)
            ),
        )),
    }
}

fn item_path(path: &str, value: &Value, index: usize) -> String {
    if value.is_array() {
        format!("{path}[{index}]")
    } else {
        path.to_string()
    }
}

fn parse_actions(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
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
            return Err(PolicyError::new(
                item_path(path, value, i),
                format!("\"{action}\" is not an action (expected \"service:Action\" or \"*\")"),
            ));
        }
    }
    Ok(actions)
}

fn parse_resources(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let resources = string_list(path, value)?;
    for (i, resource) in resources.iter().enumerate() {
        if resource == "*" {
            continue;
        }
        if !resource.starts_with("arn:") || resource.len() < 5 {
            return Err(PolicyError::new(
                item_path(path, value, i),
                format!("\"{resource}\" is not a resource (expected an ARN or \"*\")"),
            ));
        }
    }
    Ok(resources)
}

fn parse_principal(path: &str, value: &Value) -> Result<Principal, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        Value::String(s) => Err(PolicyError::new(
            path,
            format!("\"{s}\" is not a principal (use \"*\" or an object such as {{\"AWS\": ...}})"),
        )),
        Value::Object(map) => {
            if map.is_empty() {
                return Err(PolicyError::new(path, "must name at least one principal"));
            }
            let mut entries = Vec::new();
            for (name, values) in map {
                let entry_path = format!("{path}.{name}");
                let Some(kind) = PrincipalType::from_name(name) else {
                    return Err(PolicyError::new(
                        entry_path,
                        "unknown principal type (expected AWS, Service, Federated or CanonicalUser)",
                    ));
                };
                let list = string_list(&entry_path, values)?;
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
                        return Err(PolicyError::new(
                            item_path(&entry_path, values, i),
                            format!(
                                "\"{item}\" is not a valid {} principal (expected \"*\", a 12-digit account id or an ARN)",
                                kind.as_str()
                            ),
                        ));
                    }
                }
                entries.push((kind, list));
            }
            entries.sort_by_key(|(kind, _)| *kind);
            Ok(Principal::Entries(entries))
        }
        other => Err(PolicyError::new(
            path,
            format!("must be \"*\" or an object, not {}", describe(other)),
        )),
    }
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn condition_values(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    fn scalar(path: &str, value: &Value) -> Result<String, PolicyError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(PolicyError::new(
                path,
                format!(
                    "a condition value must be a string, number or boolean, not {}",
                    describe(other)
                ),
            )),
        }
    }
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(PolicyError::new(path, "must have at least one value"));
            }
            items.iter().map(|item| scalar(path, item)).collect()
        }
        other => Ok(vec![scalar(path, other)?]),
    }
}

fn parse_conditions(
    path: &str,
    value: &Value,
    variables: bool,
) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(block) = value else {
        return Err(PolicyError::new(
            path,
            format!("must be an object, not {}", describe(value)),
        ));
    };
    let mut out = Vec::new();
    for (op_name, keys) in block {
        let op_path = format!("{path}.{op_name}");
        let Some(operator) = Operator::parse(op_name) else {
            return Err(PolicyError::new(
                op_path,
                format!("\"{op_name}\" is not a condition operator"),
            ));
        };
        if operator.kind == OperatorKind::Null && operator.if_exists {
            return Err(PolicyError::new(
                op_path,
                "Null cannot take the IfExists suffix",
            ));
        }
        let Value::Object(keys) = keys else {
            return Err(PolicyError::new(
                op_path,
                format!(
                    "must be an object of condition keys, not {}",
                    describe(keys)
                ),
            ));
        };
        if keys.is_empty() {
            return Err(PolicyError::new(op_path, "names no condition key"));
        }
        for (key, values) in keys {
            let key_path = format!("{op_path}.{key}");
            if key.is_empty() {
                return Err(PolicyError::new(
                    key_path,
                    "condition key must not be empty",
                ));
            }
            let values = condition_values(&key_path, values)?;
            for value in &values {
                if variables && value.contains("${") {
                    // Checked after substitution, when the value is known.
                    continue;
                }
                check_condition_value(&key_path, operator.kind.value_type(), value)?;
            }
            out.push(Condition {
                operator,
                key: key.clone(),
                values,
            });
        }
    }
    out.sort_by(|a, b| (a.operator, &a.key).cmp(&(b.operator, &b.key)));
    Ok(out)
}

fn check_condition_value(path: &str, kind: ValueType, value: &str) -> Result<(), PolicyError> {
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
        Some(problem) => Err(PolicyError::new(path, format!("\"{value}\" {problem}"))),
        None => Ok(()),
    }
}
