//! Table-driven tests: every `*.jsonl` file under `tests/policy_cases/` holds one case per
//! line (lines starting with `//` are comments). Three kinds of case:
//!
//! - simulation: `{"name", "expect": "Allow"|"ExplicitDeny"|"ImplicitDeny", ...}` with the CLI
//!   case fields (`request`, `identity_policies`, `resource_policy`, `permissions_boundary`,
//!   `session_policy`) plus shorthands: `statement` (one identity statement, Version
//!   2012-10-17), `policy` (one identity policy), `context` (merged into the request), and a
//!   default request (alice in 111122223333 calling s3:GetObject on arn:aws:s3:::bucket/key).
//!   Optional checks: `deciding` (Sids or `#index` of the deciding statements), `missing`,
//!   `explain` (text the readable explanation must contain).
//! - parse: `{"name", "parse": <document or JSON text>, "error": "<exact message>" | null}`.
//! - lint: `{"name", "lint": <document or JSON text>, "findings": [{"code", "severity"?,
//!   "path"?}], "absent": ["code", ...]}`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use app::policy::cli::{PolicyCache, parse_case_value, simulate_batch};
use app::policy::{PolicyDocument, decide, evaluate, lint};
use serde_json::{Map, Value, json};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/policy_cases")
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn expand_case(case: &Map<String, Value>) -> Value {
    let mut out = case.clone();
    let mut request = match case.get("request") {
        Some(Value::Object(r)) => r.clone(),
        _ => Map::new(),
    };
    request
        .entry("principal")
        .or_insert(json!("arn:aws:iam::111122223333:user/alice"));
    request.entry("action").or_insert(json!("s3:GetObject"));
    request
        .entry("resource")
        .or_insert(json!("arn:aws:s3:::bucket/key"));
    if let Some(Value::Object(extra)) = case.get("context") {
        let ctx = request
            .entry("context")
            .or_insert(Value::Object(Map::new()));
        if let Value::Object(ctx) = ctx {
            for (k, v) in extra {
                ctx.insert(k.clone(), v.clone());
            }
        }
    }
    out.insert("request".into(), Value::Object(request));
    let mut identity = match case.get("identity_policies") {
        Some(Value::Array(v)) => v.clone(),
        _ => Vec::new(),
    };
    if let Some(policy) = case.get("policy") {
        identity.push(policy.clone());
    }
    if let Some(statement) = case.get("statement") {
        identity.push(json!({"Version": "2012-10-17", "Statement": [statement]}));
    }
    out.insert("identity_policies".into(), Value::Array(identity));
    Value::Object(out)
}

fn run_simulation(case: &Map<String, Value>, cache: &mut PolicyCache) -> Result<(), String> {
    let expanded = expand_case(case);
    let parsed = parse_case_value(&expanded, cache)?;
    let input = parsed.input();
    let evaluation = evaluate(&input);
    let fast = decide(&input);
    let expect = case["expect"].as_str().unwrap_or_default();
    let got = evaluation.decision.as_str();
    if got != expect {
        return Err(format!(
            "expected {expect}, got {got}\n{}",
            evaluation.explanation
        ));
    }
    if fast != evaluation.decision {
        return Err(format!(
            "decide() says {fast} but evaluate() says {got}\n{}",
            evaluation.explanation
        ));
    }
    if let Some(Value::Array(deciding)) = case.get("deciding") {
        let want: Vec<String> = deciding.iter().map(text_of).collect();
        let have: Vec<String> = evaluation
            .explanation
            .deciding
            .iter()
            .map(|r| r.sid.clone().unwrap_or_else(|| format!("#{}", r.index)))
            .collect();
        if want != have {
            return Err(format!(
                "deciding statements: expected {want:?}, got {have:?}"
            ));
        }
    }
    if let Some(Value::Array(missing)) = case.get("missing") {
        let want: Vec<Value> = missing.clone();
        let have = serde_json::to_value(&evaluation.explanation.missing).unwrap();
        if Value::Array(want.clone()) != have {
            return Err(format!("missing: expected {want:?}, got {have}"));
        }
    }
    if let Some(text) = case.get("explain") {
        let display = evaluation.explanation.to_string();
        for needle in match text {
            Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>(),
            other => vec![text_of(other)],
        } {
            if !display.contains(&needle) {
                return Err(format!("explanation lacks {needle:?}:\n{display}"));
            }
        }
    }
    Ok(())
}

fn run_parse(case: &Map<String, Value>) -> Result<(), String> {
    let text = text_of(&case["parse"]);
    let result = PolicyDocument::parse(&text);
    match (case.get("error"), result) {
        (None | Some(Value::Null), Ok(doc)) => {
            // Whatever parses must print and parse back to the same document.
            let again = PolicyDocument::parse(&doc.to_canonical_string())
                .map_err(|e| format!("canonical form does not parse: {e}"))?;
            if again != doc {
                return Err("canonical form parses to a different document".into());
            }
            Ok(())
        }
        (None | Some(Value::Null), Err(e)) => Err(format!("expected to parse, got: {e}")),
        (Some(want), Ok(_)) => Err(format!("expected error {want}, but it parsed")),
        (Some(want), Err(e)) => {
            let want = text_of(want);
            if e.to_string() == want {
                Ok(())
            } else {
                Err(format!("expected error:\n  {want}\ngot:\n  {e}"))
            }
        }
    }
}

fn run_lint(case: &Map<String, Value>) -> Result<(), String> {
    let text = text_of(&case["lint"]);
    let findings = lint(&text);
    let listing = findings
        .iter()
        .map(|f| format!("  [{}] {f}", f.code))
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(Value::Array(wanted)) = case.get("findings") {
        for want in wanted {
            let code = want["code"].as_str().unwrap_or_default();
            let hit = findings.iter().any(|f| {
                f.code == code
                    && want
                        .get("severity")
                        .is_none_or(|s| serde_json::to_value(f.severity).unwrap() == *s)
                    && want
                        .get("path")
                        .is_none_or(|p| p.as_str() == Some(f.path.as_str()))
            });
            if !hit {
                return Err(format!("expected finding {want}, got:\n{listing}"));
            }
        }
    }
    if let Some(Value::Array(absent)) = case.get("absent") {
        for code in absent {
            let code = code.as_str().unwrap_or_default();
            if findings.iter().any(|f| f.code == code) {
                return Err(format!("finding {code} should be absent, got:\n{listing}"));
            }
        }
    }
    Ok(())
}

#[test]
fn policy_cases() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/policy_cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut cache = PolicyCache::default();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            total += 1;
            let where_ = format!("{name}:{}", n + 1);
            let case: Map<String, Value> = match serde_json::from_str(line) {
                Ok(Value::Object(m)) => m,
                Ok(_) | Err(_) => {
                    failures.push(format!("{where_}: not a JSON object"));
                    continue;
                }
            };
            let label = case
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)")
                .to_string();
            let result = if case.contains_key("expect") {
                run_simulation(&case, &mut cache)
            } else if case.contains_key("parse") {
                run_parse(&case)
            } else if case.contains_key("lint") {
                run_lint(&case)
            } else {
                Err("a case needs expect, parse or lint".into())
            };
            if let Err(e) = result {
                failures.push(format!("{where_} {label}: {e}"));
            }
        }
    }
    eprintln!("{total} policy cases in {} files", files.len());
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        total >= 400,
        "only {total} cases; the suite promises at least 400"
    );
}

/// Every simulation case again, all in one batch (several blocks, so the worker threads
/// share them): each result line must be exactly what serialising the evaluation through a
/// `serde_json::Value` prints, in input order. The batch writes its JSON by hand for speed;
/// this keeps it honest.
#[test]
fn batch_output_matches_the_serialised_evaluation() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut input = String::new();
    let mut expected = Vec::new();
    let mut cache = PolicyCache::default();
    for file in &files {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let Ok(Value::Object(case)) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if !case.contains_key("expect") {
                continue;
            }
            let mut expanded = expand_case(&case);
            expanded["id"] = json!(expected.len());
            let parsed = parse_case_value(&expanded, &mut cache).unwrap();
            let evaluation = evaluate(&parsed.input());
            expected.push(
                json!({
                    "id": expected.len(),
                    "decision": evaluation.decision.as_str(),
                    "explanation": serde_json::to_value(&evaluation.explanation).unwrap(),
                })
                .to_string(),
            );
            input.push_str(&expanded.to_string());
            input.push('\n');
        }
    }
    assert!(
        expected.len() > 600,
        "only {} simulation cases",
        expected.len()
    );
    let mut output = Vec::new();
    assert_eq!(simulate_batch(input.as_bytes(), &mut output).unwrap(), 0);
    let output = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), expected.len());
    for (i, (got, want)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "result {i}");
    }
}
