//! The visual policy editor's half that writes JSON: a statement chosen with controls
//! (effect, a service's actions, resources, a source-address and an MFA condition) added
//! to the document being edited, which is then printed with the policy elements in the
//! order people write them.

use serde_json::{Map, Value, json};

use super::cidr::Cidr;
use super::parse::STATEMENT_KEYS;

/// What the visual editor's controls hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementSpec {
    pub allow: bool,
    /// Actions as `service:Action` (or `service:*`).
    pub actions: Vec<String>,
    /// Resource ARNs; empty means every resource (`*`).
    pub resources: Vec<String>,
    /// Addresses or networks the request must come from (`aws:SourceIp`).
    pub source_ips: Vec<String>,
    /// Only for a caller signed in with MFA (`aws:MultiFactorAuthPresent`).
    pub require_mfa: bool,
}

/// Why a statement could not be added: the control (field) and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> BuildError {
    BuildError {
        field,
        message: message.into(),
    }
}

/// The statement as JSON, or why the controls do not make one.
pub fn statement(spec: &StatementSpec) -> Result<Value, BuildError> {
    if spec.actions.is_empty() {
        return Err(refuse("actions", "choose at least one action"));
    }
    let resources: Vec<&str> = spec
        .resources
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    if let Some(bad) = resources
        .iter()
        .find(|r| **r != "*" && !r.starts_with("arn:"))
    {
        return Err(refuse(
            "resources",
            format!("\"{bad}\" is neither an ARN (arn:...) nor *"),
        ));
    }
    let ips: Vec<&str> = spec
        .source_ips
        .iter()
        .map(|ip| ip.trim())
        .filter(|ip| !ip.is_empty())
        .collect();
    if let Some(bad) = ips.iter().find(|ip| Cidr::parse(ip).is_none()) {
        return Err(refuse(
            "source_ips",
            format!("\"{bad}\" is not an IP address or network (203.0.113.0/24)"),
        ));
    }
    let one_or_many = |items: Vec<&str>| match items.as_slice() {
        [one] => json!(one),
        _ => json!(items),
    };
    let mut statement = Map::new();
    statement.insert(
        "Effect".into(),
        json!(if spec.allow { "Allow" } else { "Deny" }),
    );
    statement.insert(
        "Action".into(),
        one_or_many(spec.actions.iter().map(String::as_str).collect()),
    );
    statement.insert(
        "Resource".into(),
        if resources.is_empty() {
            json!("*")
        } else {
            one_or_many(resources)
        },
    );
    let mut condition = Map::new();
    if !ips.is_empty() {
        condition.insert(
            "IpAddress".into(),
            json!({ "aws:SourceIp": one_or_many(ips) }),
        );
    }
    if spec.require_mfa {
        condition.insert(
            "Bool".into(),
            json!({ "aws:MultiFactorAuthPresent": "true" }),
        );
    }
    if !condition.is_empty() {
        statement.insert("Condition".into(), Value::Object(condition));
    }
    Ok(Value::Object(statement))
}

/// `document` with the statement appended (a new document when it is empty), printed.
pub fn add_statement(document: &str, spec: &StatementSpec) -> Result<String, BuildError> {
    let statement = statement(spec)?;
    let mut root = if document.trim().is_empty() {
        json!({ "Version": "2012-10-17", "Statement": [] })
    } else {
        serde_json::from_str::<Value>(document).map_err(|e| {
            refuse(
                "policy_document",
                format!("the JSON does not parse ({e}); fix it, or empty it, first"),
            )
        })?
    };
    let Some(object) = root.as_object_mut() else {
        return Err(refuse(
            "policy_document",
            "the JSON is not a policy object ({\"Version\": ..., \"Statement\": [...]})",
        ));
    };
    match object.remove("Statement") {
        None => {
            object.insert("Statement".into(), json!([statement]));
        }
        Some(Value::Array(mut items)) => {
            items.push(statement);
            object.insert("Statement".into(), Value::Array(items));
        }
        Some(single @ Value::Object(_)) => {
            object.insert("Statement".into(), json!([single, statement]));
        }
        Some(other) => {
            object.insert("Statement".into(), other);
            return Err(refuse(
                "policy_document",
                "Statement is neither a statement nor a list of them",
            ));
        }
    }
    let mut out = String::new();
    print(&root, 0, &mut out);
    Ok(out)
}

/// Where a key goes among its siblings: policy elements in the order AWS's examples
/// write them, anything else after them by name.
fn rank(key: &str) -> usize {
    const DOCUMENT_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
    DOCUMENT_KEYS
        .iter()
        .chain(STATEMENT_KEYS)
        .position(|k| *k == key)
        .unwrap_or(DOCUMENT_KEYS.len() + STATEMENT_KEYS.len())
}

/// Pretty JSON (two spaces), object keys by [`rank`] then name.
fn print(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then_with(|| a.0.cmp(b.0)));
            let items = entries.into_iter().map(|(k, v)| (Some(k.as_str()), v));
            print_block(('{', '}'), items.collect(), depth, out);
        }
        Value::Array(items) if !items.is_empty() => {
            print_block(
                ('[', ']'),
                items.iter().map(|v| (None, v)).collect(),
                depth,
                out,
            );
        }
        other => out.push_str(&other.to_string()),
    }
}

/// An object's members or an array's items, one a line, indented one level deeper.
fn print_block(
    (open, close): (char, char),
    items: Vec<(Option<&str>, &Value)>,
    depth: usize,
    out: &mut String,
) {
    out.push(open);
    out.push('\n');
    let count = items.len();
    for (i, (key, item)) in items.into_iter().enumerate() {
        out.push_str(&"  ".repeat(depth + 1));
        if let Some(key) = key {
            out.push_str(&Value::String(key.to_owned()).to_string());
            out.push_str(": ");
        }
        print(item, depth + 1, out);
        if i + 1 < count {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(&"  ".repeat(depth));
    out.push(close);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::lint;

    fn s3_read() -> StatementSpec {
        StatementSpec {
            allow: true,
            actions: vec!["s3:GetObject".into(), "s3:ListBucket".into()],
            resources: vec![
                "arn:aws:s3:::reports".into(),
                "arn:aws:s3:::reports/*".into(),
            ],
            source_ips: vec!["203.0.113.0/24".into()],
            require_mfa: true,
        }
    }

    #[test]
    fn an_empty_document_becomes_a_policy_with_the_statement() {
        let text = add_statement("  ", &s3_read()).unwrap();
        assert_eq!(
            text,
            r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::reports",
        "arn:aws:s3:::reports/*"
      ],
      "Condition": {
        "Bool": {
          "aws:MultiFactorAuthPresent": "true"
        },
        "IpAddress": {
          "aws:SourceIp": "203.0.113.0/24"
        }
      }
    }
  ]
}"#
        );
        assert!(lint(&text).is_empty(), "{:?}", lint(&text));
    }

    #[test]
    fn statements_are_appended_and_a_single_statement_becomes_a_list() {
        let single = r#"{"Statement":{"Sid":"First","Effect":"Deny","Action":"iam:*","Resource":"*"},"Version":"2012-10-17"}"#;
        let spec = StatementSpec {
            allow: true,
            actions: vec!["ec2:Describe*".into()],
            ..Default::default()
        };
        let text = add_statement(single, &spec).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["Statement"][0]["Sid"], "First");
        assert_eq!(
            value["Statement"][1],
            json!({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})
        );
        assert!(text.starts_with("{\n  \"Version\""), "{text}");
        let again = add_statement(&text, &spec).unwrap();
        let value: Value = serde_json::from_str(&again).unwrap();
        assert_eq!(value["Statement"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn bad_controls_and_bad_json_are_refused_naming_the_field() {
        let field = |doc: &str, spec: &StatementSpec| add_statement(doc, spec).unwrap_err().field;
        assert_eq!(field("", &StatementSpec::default()), "actions");
        let mut spec = s3_read();
        spec.source_ips = vec!["10.0.0.300".into()];
        assert_eq!(field("", &spec), "source_ips");
        let mut spec = s3_read();
        spec.resources = vec!["reports".into()];
        assert_eq!(field("", &spec), "resources");
        assert_eq!(field("{\"Version\":", &s3_read()), "policy_document");
        assert_eq!(field("[1]", &s3_read()), "policy_document");
        assert_eq!(field("{\"Statement\": 3}", &s3_read()), "policy_document");
    }
}
