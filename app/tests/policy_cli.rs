//! The pure functions behind `portcullis policy lint` and `portcullis policy simulate`, and
//! the public API the rest of the app calls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app::policy::cli::{lint_json, lint_report, simulate_batch, simulate_one};
use app::policy::{
    CompiledPolicy, Context, Decision, EvaluationInput, PolicyDocument, PolicyKind, PrincipalInfo,
    Request, Severity, check_size, evaluate, lint, managed,
};
use serde_json::{Value, json};

const CASE: &str = r#"{
  "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
              "resource": "arn:aws:s3:::bucket/alice/x",
              "context": {"aws:SourceIp": "10.1.2.3", "aws:username": "alice"}},
  "identity_policies": [{"Version": "2012-10-17", "Statement": [{"Sid": "Home", "Effect": "Allow",
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${aws:username}/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}]
}"#;

#[test]
fn simulate_one_prints_decision_and_explanation() {
    let out: Value = serde_json::from_str(&simulate_one(CASE).unwrap()).unwrap();
    assert_eq!(out["decision"], "Allow");
    assert_eq!(out["explanation"]["deciding"][0]["sid"], "Home");
    assert_eq!(out["explanation"]["deciding"][0]["policy_type"], "Identity");
}

#[test]
fn simulate_one_reports_bad_cases() {
    assert_eq!(
        simulate_one("{").unwrap_err(),
        "the case is not valid JSON: EOF while parsing an object at line 1 column 1"
    );
    assert_eq!(
        simulate_one(r#"{"identity_policies": []}"#).unwrap_err(),
        "request: is missing or not an object"
    );
    assert_eq!(
        simulate_one(r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:GetObject", "resource": "*"}}"#).unwrap_err(),
        "identity_policies: is missing (use [] for none)"
    );
    let bad_policy = r#"{"request": {"principal": "arn:aws:iam::1:user/a", "action": "s3:GetObject"},
        "identity_policies": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}}}]}"#;
    assert_eq!(
        simulate_one(bad_policy).unwrap_err(),
        "identity_policies[0]: Statement.Condition.IpAddress.aws:SourceIp: \"10.0.0.300/8\" is not a CIDR"
    );
    assert!(
        simulate_one(
            r#"{"request": {"principal": "nobody", "action": "x:y"}, "identity_policies": []}"#
        )
        .unwrap_err()
        .contains("is not a principal ARN")
    );
}

#[test]
fn simulate_batch_writes_one_line_per_case_and_goes_on_after_errors() {
    let case: Value = serde_json::from_str(CASE).unwrap();
    let mut denied = case.clone();
    denied["request"]["context"]["aws:SourceIp"] = json!("192.0.2.1");
    denied["id"] = json!("second");
    let input = format!(
        "{}\nnot json\n\n{}\n{{\"id\": 7, \"request\": {{}}, \"identity_policies\": []}}\n",
        case, denied
    );
    let mut output = Vec::new();
    let failures = simulate_batch(input.as_bytes(), &mut output).unwrap();
    assert_eq!(failures, 2);
    let lines: Vec<Value> = String::from_utf8(output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["decision"], "Allow");
    assert_eq!(lines[1]["line"], 2);
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("the case is not valid JSON")
    );
    assert_eq!(lines[2]["id"], "second");
    assert_eq!(lines[2]["decision"], "ImplicitDeny");
    assert_eq!(lines[3]["line"], 5);
    assert_eq!(lines[3]["id"], 7);
}

#[test]
fn simulate_batch_handles_many_cases() {
    let case: Value = serde_json::from_str(CASE).unwrap();
    let line = case.to_string();
    let input = std::iter::repeat_n(line.as_str(), 2_000)
        .collect::<Vec<_>>()
        .join("\n");
    let mut output = Vec::new();
    assert_eq!(simulate_batch(input.as_bytes(), &mut output).unwrap(), 0);
    assert_eq!(output.iter().filter(|b| **b == b'\n').count(), 2_000);
}

#[test]
fn lint_report_text_and_exit_code() {
    let (text, code) = lint_report(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        None,
    );
    assert_eq!(code, 0);
    assert!(
        text.contains(
            "security warning: Statement (line 1): allows every action on every resource"
        ),
        "{text}"
    );
    assert!(text.contains("0 error(s), 1 security warning(s)"), "{text}");

    let (text, code) = lint_report(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Alow", "Action": "*", "Resource": "*"}}"#,
        None,
    );
    assert_eq!(code, 1);
    assert!(
        text.starts_with("error: Statement.Effect (line 1): \"Alow\" is not an effect"),
        "{text}"
    );

    let (text, code) = lint_report(
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
        None,
    );
    assert_eq!((text.as_str(), code), ("No findings.\n", 0));

    let findings: Value = serde_json::from_str(&lint_json("[]", None)).unwrap();
    assert_eq!(findings[0]["severity"], "Error");
    assert_eq!(findings[0]["path"], "");
}

#[test]
fn builtin_managed_policies_parse_and_lint_cleanly() {
    let all = managed::builtin();
    assert_eq!(all.len(), 7);
    for policy in all {
        let doc = PolicyDocument::parse(policy.document)
            .unwrap_or_else(|e| panic!("{}: {e}", policy.name));
        assert!(!doc.statements.is_empty());
        for finding in lint(policy.document) {
            assert_ne!(
                finding.severity,
                Severity::Error,
                "{}: {finding}",
                policy.name
            );
            assert_ne!(
                finding.severity,
                Severity::Warning,
                "{}: {finding}",
                policy.name
            );
        }
        check_size(PolicyKind::Managed, &[policy.document]).unwrap();
        assert_eq!(
            policy.arn(),
            format!("arn:aws:iam::aws:policy/{}", policy.name)
        );
    }
    assert_eq!(
        managed::find("iamreadonlyaccess").map(|p| p.name),
        Some("IAMReadOnlyAccess")
    );
}

#[test]
fn policy_error_display_matches_the_issue() {
    let err = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.path, "Statement[2].Condition.IpAddress.aws:SourceIp");
    assert_eq!(
        err.to_string(),
        "Statement[2].Condition.IpAddress.aws:SourceIp: \"10.0.0.300/8\" is not a CIDR"
    );
}

#[test]
fn size_limits() {
    let doc = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{}"}}}}"#,
        "x".repeat(2_000)
    );
    assert!(check_size(PolicyKind::InlineUser, &[&doc]).is_err());
    assert!(check_size(PolicyKind::InlineGroup, &[&doc, &doc]).is_ok());
    assert!(check_size(PolicyKind::InlineGroup, &[&doc, &doc, &doc]).is_err());
    assert!(check_size(PolicyKind::InlineRole, &[doc.as_str(); 4]).is_ok());
    assert!(check_size(PolicyKind::InlineRole, &[doc.as_str(); 5]).is_err());
    assert!(check_size(PolicyKind::Managed, &[doc.as_str(); 2]).is_ok());
    let err = check_size(PolicyKind::Managed, &[doc.as_str(); 3]).unwrap_err();
    assert_eq!(err.limit, 6_144);
    assert!(
        err.to_string()
            .starts_with("a managed policy may have at most 6144 characters")
    );
}

#[test]
fn explanation_serialises_and_displays() {
    let policy = CompiledPolicy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#,
    )
    .unwrap();
    let request = Request {
        principal: PrincipalInfo::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
        action: "iam:CreateUser".into(),
        resource: "arn:aws:iam::111122223333:user/bob".into(),
        context: Context::new(),
    };
    let result = evaluate(&EvaluationInput::new(&request).identity("ReadIAM", &policy));
    assert_eq!(result.decision, Decision::ImplicitDeny);
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(
        json["explanation"]["not_applied"][0]["reason"]["kind"],
        "action"
    );
    assert_eq!(json["explanation"]["missing"][0], "identity_allow");
    let back: app::policy::Evaluation = serde_json::from_value(json).unwrap();
    assert_eq!(back.explanation, result.explanation);
    let text = result.explanation.to_string();
    assert!(text.contains("identity policy \"ReadIAM\" statement #0 (Sid \"A\"): action iam:CreateUser is not matched by Action \"iam:Get*\""), "{text}");
}

/// The compact line the batch prints for a case, by way of `simulate_one` (pretty JSON
/// through a `serde_json::Value`, so keys sorted), for comparing byte for byte.
fn one_line(case: &str) -> String {
    let value: Value = serde_json::from_str(&simulate_one(case).unwrap()).unwrap();
    value.to_string()
}

fn batch(input: &[u8]) -> (std::io::Result<usize>, Vec<String>) {
    let mut output = Vec::new();
    let result = simulate_batch(input, &mut output);
    let lines = String::from_utf8(output)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (result, lines)
}

#[test]
fn simulate_batch_keeps_input_order_and_line_numbers_across_blocks() {
    let case: Value = serde_json::from_str(CASE).unwrap();
    let mut input = String::new();
    let mut expected: Vec<Result<String, usize>> = Vec::new();
    for n in 1..=1_500usize {
        if n % 7 == 0 {
            input.push_str("  \r\n");
            continue;
        }
        if n % 13 == 0 {
            input.push_str("{not json\n");
            expected.push(Err(n));
            continue;
        }
        let mut this = case.clone();
        this["id"] = json!(n);
        // Policies vary, so both cache hits and fresh compiles happen on every worker.
        this["identity_policies"][0]["Statement"][0]["Sid"] = json!(format!("S{}", n % 50));
        this["request"]["context"]["aws:SourceIp"] =
            json!(if n % 3 == 0 { "192.0.2.1" } else { "10.1.2.3" });
        let line = this.to_string();
        expected.push(Ok(one_line(&line)));
        input.push_str(&line);
        input.push('\n');
    }
    let (result, lines) = batch(input.as_bytes());
    let failures = expected.iter().filter(|e| e.is_err()).count();
    assert_eq!(result.unwrap(), failures);
    assert_eq!(lines.len(), expected.len());
    for (got, want) in lines.iter().zip(&expected) {
        match want {
            Ok(want) => assert_eq!(got, want),
            Err(n) => {
                let got: Value = serde_json::from_str(got).unwrap();
                assert_eq!(got["line"], json!(n), "{got}");
            }
        }
    }
}

#[test]
fn simulate_batch_writes_what_came_before_unreadable_input() {
    let case: Value = serde_json::from_str(CASE).unwrap();
    let mut input = Vec::new();
    for _ in 0..700 {
        input.extend_from_slice(case.to_string().as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    input.extend_from_slice(case.to_string().as_bytes());
    input.push(b'\n');
    let (result, lines) = batch(&input);
    assert_eq!(result.unwrap_err().kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(lines.len(), 700);
    assert!(lines.iter().all(|l| l.contains("\"decision\":\"Allow\"")));
}

#[test]
fn simulate_batch_reuses_compiled_policies_only_for_the_same_text() {
    // Numbers that are equal as values but written differently must stay apart: the
    // explanation quotes the policy as written.
    let case = |number: &str, sid: &str| {
        let text = format!(
            r#"{{"request": {{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                "resource": "arn:aws:s3:::b/k", "context": {{"aws:MultiFactorAuthAge": 7200}}}},
              "identity_policies": [{{"Version": "2012-10-17", "Statement": [{{"Sid": {sid}, "Effect": "Allow",
                "Action": "s3:GetObject", "Resource": "*",
                "Condition": {{"NumericLessThan": {{"aws:MultiFactorAuthAge": {number}}}}}}}]}}]}}"#
        );
        serde_json::from_str::<Value>(&text).unwrap().to_string()
    };
    let lines: Vec<String> = (0..12)
        .map(|i| match i % 4 {
            0 => case("0.0", r#""Zero""#),
            1 => case("-0.0", r#""Zero""#),
            2 => case("1", r#""One""#),
            // Control characters, quotes and non-ASCII text in names must come out escaped
            // exactly as serde_json escapes them.
            _ => case("1.0", r#""One\t\"é\u0001""#),
        })
        .collect();
    let (result, got) = batch(lines.join("\n").as_bytes());
    assert_eq!(result.unwrap(), 0);
    for (i, (got, line)) in got.iter().zip(&lines).enumerate() {
        assert_eq!(got, &one_line(line), "line {i}");
        let written = ["\"0.0\"", "\"-0.0\"", "\"1\"", "\"1.0\""][i % 4];
        assert!(
            got.contains(&format!("\"values\":[{written}]")),
            "line {i}: {got}"
        );
    }
}

#[test]
fn simulate_batch_treats_a_policy_given_as_text_like_the_same_object() {
    let case: Value = serde_json::from_str(CASE).unwrap();
    let mut as_text = case.clone();
    as_text["identity_policies"][0] = json!(case["identity_policies"][0].to_string());
    let mut named = case.clone();
    named["identity_policies"][0] =
        json!({"name": "Home", "document": case["identity_policies"][0].to_string()});
    let input = [&case, &as_text, &named, &case, &as_text, &named]
        .map(|c| c.to_string())
        .join("\n");
    let (result, lines) = batch(input.as_bytes());
    assert_eq!(result.unwrap(), 0);
    assert_eq!(lines[0], lines[1]);
    assert_eq!(lines[0], lines[3]);
    assert_eq!(lines[1], lines[4]);
    assert_eq!(lines[2], lines[5]);
    assert!(lines[2].contains("\"policy\":\"Home\""), "{}", lines[2]);
    assert_eq!(lines[0], one_line(&case.to_string()));
}

#[test]
fn serialised_names_match_as_str() {
    use app::policy::{Missing, PolicyType};
    for kind in [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
    ] {
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
    }
    for missing in [
        Missing::IdentityAllow,
        Missing::IdentityOrResourceAllow,
        Missing::IdentityAllowForAccountGrant,
        Missing::ResourceAllow,
        Missing::TrustAllow,
        Missing::CrossAccountResourcePolicy,
        Missing::BoundaryAllow,
        Missing::SessionAllow,
    ] {
        assert_eq!(
            serde_json::to_value(missing).unwrap(),
            json!(missing.as_str())
        );
    }
}
