//! The pure half of `portcullis policy lint` and `portcullis policy simulate`: text in, text
//! out, so the binary only reads files and sets the exit code.
//!
//! A simulation case is one JSON object:
//! `{"request": {"principal": "arn:...", "action": "...", "resource": "...", "context": {...}},
//!   "identity_policies": [...], "resource_policy": {...}, "trust_policy": {...},
//!   "permissions_boundary": {...}, "session_policy": {...}, "session_policies": [...]}`. Each policy is a document (object or JSON string) or
//! `{"name": "...", "document": ...}`, or `{"managed": "ReadOnlyAccess"}` for a built-in
//! managed policy. Only `request` and `identity_policies` are required.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::rc::Rc;

use serde_json::{Map, Value, json};

use super::compile::CompiledPolicy;
use super::context::{Context, PrincipalInfo, Request};
use super::document::PolicyDocument;
use super::evaluate::{EvaluationInput, NamedPolicy, evaluate};
use super::lint::{Severity, lint};

/// A parsed case, owning its compiled policies.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: Option<Value>,
    pub request: Request,
    pub identity: Vec<(String, Rc<CompiledPolicy>)>,
    pub resource: Option<(String, Rc<CompiledPolicy>)>,
    pub trust: Option<(String, Rc<CompiledPolicy>)>,
    pub boundary: Option<(String, Rc<CompiledPolicy>)>,
    pub session: Vec<(String, Rc<CompiledPolicy>)>,
}

impl Case {
    pub fn input(&self) -> EvaluationInput<'_> {
        fn named(entry: &(String, Rc<CompiledPolicy>)) -> NamedPolicy<'_> {
            NamedPolicy::new(entry.0.as_str(), entry.1.as_ref())
        }
        EvaluationInput {
            request: &self.request,
            identity_policies: self.identity.iter().map(named).collect(),
            resource_policy: self.resource.as_ref().map(named),
            trust_policy: self.trust.as_ref().map(named),
            permissions_boundary: self.boundary.as_ref().map(named),
            session_policies: self.session.iter().map(named).collect(),
        }
    }
}

/// Compiled policies keyed by their JSON text, so a batch that repeats the same policies on
/// every line compiles each once.
#[derive(Default)]
pub struct PolicyCache {
    entries: BTreeMap<String, Rc<CompiledPolicy>>,
}

const CACHE_LIMIT: usize = 4096;

impl PolicyCache {
    fn get(&mut self, path: &str, document: &Value) -> Result<Rc<CompiledPolicy>, String> {
        let key = match document {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let Some(found) = self.entries.get(&key) {
            return Ok(found.clone());
        }
        let parsed = match document {
            Value::String(s) => PolicyDocument::parse(s),
            other => PolicyDocument::from_json(other),
        }
        .map_err(|e| format!("{path}: {e}"))?;
        let compiled = Rc::new(CompiledPolicy::new(parsed));
        if self.entries.len() >= CACHE_LIMIT {
            self.entries.clear();
        }
        self.entries.insert(key, compiled.clone());
        Ok(compiled)
    }
}

fn named_policy(
    cache: &mut PolicyCache,
    path: &str,
    default_name: String,
    value: &Value,
) -> Result<(String, Rc<CompiledPolicy>), String> {
    if let Value::Object(map) = value {
        if let Some(managed) = map.get("managed") {
            let Some(name) = managed.as_str() else {
                return Err(format!("{path}.managed: must be a policy name"));
            };
            let Some(policy) = super::managed::find(name) else {
                return Err(format!(
                    "{path}.managed: no built-in managed policy is named \"{name}\""
                ));
            };
            let document = Value::String(policy.document.to_string());
            return Ok((policy.name.to_string(), cache.get(path, &document)?));
        }
        if let Some(document) = map.get("document").or_else(|| map.get("policy")) {
            let name = match map.get("name") {
                Some(Value::String(n)) => n.clone(),
                Some(_) => return Err(format!("{path}.name: must be a string")),
                None => default_name,
            };
            return Ok((name, cache.get(&format!("{path}.document"), document)?));
        }
    }
    Ok((default_name, cache.get(path, value)?))
}

fn policy_list(
    cache: &mut PolicyCache,
    field: &str,
    value: Option<&Value>,
) -> Result<Vec<(String, Rc<CompiledPolicy>)>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                named_policy(
                    cache,
                    &format!("{field}[{i}]"),
                    format!("{field}[{i}]"),
                    item,
                )
            })
            .collect(),
        Some(other) => Err(format!(
            "{field}: must be an array of policies, not {}",
            super::parse::describe(other)
        )),
    }
}

fn parse_principal(value: &Value) -> Result<PrincipalInfo, String> {
    match value {
        Value::String(arn) => {
            PrincipalInfo::from_arn(arn).map_err(|e| format!("request.principal: {e}"))
        }
        Value::Object(map) => {
            let Some(Value::String(arn)) = map.get("arn") else {
                return Err("request.principal.arn: must be a string".into());
            };
            let mut info =
                PrincipalInfo::from_arn(arn).map_err(|e| format!("request.principal: {e}"))?;
            let text = |name: &str| -> Result<Option<String>, String> {
                match map.get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(_) => Err(format!("request.principal.{name}: must be a string")),
                }
            };
            if let Some(account) = text("account")? {
                info.account = account;
            }
            if let Some(kind) = map.get("kind") {
                info.kind = serde_json::from_value(kind.clone())
                    .map_err(|_| "request.principal.kind: unknown principal kind".to_string())?;
            }
            if let Some(name) = text("user_name")? {
                info.user_name = Some(name);
            }
            if let Some(id) = text("unique_id")? {
                info.unique_id = Some(id);
            }
            match map.get("tags") {
                None | Some(Value::Null) => {}
                Some(Value::Object(tags)) => {
                    for (k, v) in tags {
                        let Value::String(v) = v else {
                            return Err(format!("request.principal.tags.{k}: must be a string"));
                        };
                        info.tags.insert(k.clone(), v.clone());
                    }
                }
                Some(_) => return Err("request.principal.tags: must be an object".into()),
            }
            Ok(info)
        }
        _ => Err("request.principal: must be an ARN string or an object".into()),
    }
}

fn parse_request(value: Option<&Value>) -> Result<Request, String> {
    let Some(Value::Object(map)) = value else {
        return Err("request: is missing or not an object".into());
    };
    let field = |name: &str| -> Result<String, String> {
        match map.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("request.{name}: must be a string")),
            None => Err(format!("request.{name}: is missing")),
        }
    };
    let principal = parse_principal(
        map.get("principal")
            .ok_or_else(|| "request.principal: is missing".to_string())?,
    )?;
    let context = match map.get("context") {
        None | Some(Value::Null) => Context::new(),
        Some(v) => Context::from_json(v).map_err(|e| format!("request.{e}"))?,
    };
    Ok(Request {
        principal,
        action: field("action")?,
        resource: field("resource").unwrap_or_else(|_| "*".to_string()),
        context,
    })
}

/// Parses a simulation case, reusing compiled policies from `cache`.
pub fn parse_case_value(value: &Value, cache: &mut PolicyCache) -> Result<Case, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "a case must be a JSON object, not {}",
            super::parse::describe(value)
        ));
    };
    let request = parse_request(map.get("request"))?;
    if !map.contains_key("identity_policies") {
        return Err("identity_policies: is missing (use [] for none)".into());
    }
    let identity = policy_list(cache, "identity_policies", map.get("identity_policies"))?;
    let single = |cache: &mut PolicyCache, field: &str| -> Result<_, String> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => named_policy(cache, field, field.to_string(), v).map(Some),
        }
    };
    let resource = single(cache, "resource_policy")?;
    let trust = single(cache, "trust_policy")?;
    let boundary = single(cache, "permissions_boundary")?;
    let mut session = policy_list(cache, "session_policies", map.get("session_policies"))?;
    if let Some(p) = single(cache, "session_policy")? {
        session.insert(0, p);
    }
    Ok(Case {
        id: map.get("id").cloned(),
        request,
        identity,
        resource,
        trust,
        boundary,
        session,
    })
}

pub fn parse_case(text: &str) -> Result<Case, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the case is not valid JSON: {e}"))?;
    parse_case_value(&value, &mut PolicyCache::default())
}

fn result_json(case: &Case) -> Value {
    let evaluation = evaluate(&case.input());
    let mut out = Map::new();
    if let Some(id) = &case.id {
        out.insert("id".into(), id.clone());
    }
    out.insert(
        "decision".into(),
        Value::String(evaluation.decision.as_str().into()),
    );
    out.insert(
        "explanation".into(),
        serde_json::to_value(&evaluation.explanation).unwrap_or(Value::Null),
    );
    Value::Object(out)
}

/// `portcullis policy simulate FILE`: one case in, the decision and explanation out (pretty
/// JSON), or a message saying what is wrong with the case.
pub fn simulate_one(case_json: &str) -> Result<String, String> {
    let case = parse_case(case_json)?;
    serde_json::to_string_pretty(&result_json(&case)).map_err(|e| e.to_string())
}

/// `portcullis policy simulate --batch`: one case per input line, one JSON result per output
/// line. A bad line gets `{"line": N, "error": "..."}` and the batch goes on; blank lines are
/// skipped. Returns the number of cases that failed.
pub fn simulate_batch(input: impl BufRead, mut output: impl Write) -> std::io::Result<usize> {
    let mut cache = PolicyCache::default();
    let mut failures = 0;
    for (number, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let out = match batch_line(&line, &mut cache) {
            Ok(result) => result,
            Err((id, message)) => {
                failures += 1;
                let mut err = Map::new();
                err.insert("line".into(), json!(number + 1));
                if let Some(id) = id {
                    err.insert("id".into(), id);
                }
                err.insert("error".into(), Value::String(message));
                Value::Object(err)
            }
        };
        serde_json::to_writer(&mut output, &out).map_err(std::io::Error::other)?;
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok(failures)
}

/// One batch line: the result, or the case's id (when it has one) and what is wrong.
fn batch_line(line: &str, cache: &mut PolicyCache) -> Result<Value, (Option<Value>, String)> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| (None, format!("the case is not valid JSON: {e}")))?;
    let case = parse_case_value(&value, cache).map_err(|e| (value.get("id").cloned(), e))?;
    Ok(result_json(&case))
}

/// `portcullis policy lint FILE`: the findings as text, and the exit code (1 when the policy
/// has an error, else 0).
pub fn lint_report(input: &str) -> (String, i32) {
    let findings = lint(input);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("No findings.\n");
    }
    for finding in &findings {
        out.push_str(&finding.to_string());
        out.push('\n');
    }
    if !findings.is_empty() {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        out.push_str(&format!(
            "{} error(s), {} security warning(s), {} warning(s), {} suggestion(s)\n",
            errors,
            count(Severity::SecurityWarning),
            count(Severity::Warning),
            count(Severity::Suggestion)
        ));
    }
    (out, i32::from(errors > 0))
}

/// The findings as a JSON array, for scripts and the editor.
pub fn lint_json(input: &str) -> String {
    serde_json::to_string(&lint(input)).unwrap_or_else(|_| "[]".into())
}
