//! Decision time: one policy of three statements, and a principal in 10 groups with 10
//! policies each of 10 statements with conditions (1,000 statements).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use app::policy::{
    CompiledPolicy, Context, EvaluationInput, PolicyDocument, PrincipalInfo, Request, decide,
    evaluate,
};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

fn compile(value: serde_json::Value) -> CompiledPolicy {
    CompiledPolicy::new(PolicyDocument::from_json(&value).unwrap())
}

fn request() -> Request {
    Request {
        principal: PrincipalInfo::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::home/alice/report.pdf".into(),
        context: Context::new()
            .with("aws:SourceIp", "10.1.2.3")
            .with("aws:CurrentTime", "2024-06-01T12:00:00Z")
            .with("aws:SecureTransport", true)
            .with("aws:MultiFactorAuthPresent", true),
    }
}

const SERVICES: [&str; 10] = [
    "ec2", "iam", "sqs", "sns", "dynamodb", "lambda", "logs", "kms", "rds", "s3",
];

/// Statement `s` of policy `p` in group `g`: most name other services; a few name S3, with
/// conditions, and one statement in the last policy allows the request.
fn big_statement(g: usize, p: usize, s: usize) -> serde_json::Value {
    let service = SERVICES[(g + p + s) % SERVICES.len()];
    let mut statement = json!({
        "Sid": format!("G{g}P{p}S{s}"),
        "Effect": if s % 7 == 3 { "Deny" } else { "Allow" },
        "Action": [format!("{service}:Get*"), format!("{service}:List*"), format!("{service}:Describe{s}*")],
        "Resource": [format!("arn:aws:{service}:*:111122223333:thing-{g}-{p}-{s}/*"), "arn:aws:s3:::home/${aws:username}/*"],
        "Condition": {
            "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]},
            "Bool": {"aws:SecureTransport": "true"},
            "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
        }
    });
    if service == "s3" && s % 7 == 3 {
        // Denies that never match this request keep the scan honest.
        statement["Condition"]["StringEquals"] = json!({"aws:username": "mallory"});
    }
    statement
}

fn bench(c: &mut Criterion) {
    let small = compile(json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::home/${aws:username}/*"},
            {"Sid": "Office", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Sid": "Admin", "Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        ]
    }));
    let req = request();
    let input = EvaluationInput::new(&req).identity("small", &small);
    assert!(decide(&input).is_allowed());
    c.bench_function("decide: 1 policy x 3 statements", |b| {
        b.iter(|| decide(black_box(&input)))
    });
    c.bench_function("evaluate with explanation: 1 policy x 3 statements", |b| {
        b.iter(|| evaluate(black_box(&input)))
    });

    let mut names = Vec::new();
    let mut policies = Vec::new();
    for g in 0..10 {
        for p in 0..10 {
            let statements: Vec<_> = (0..10).map(|s| big_statement(g, p, s)).collect();
            policies.push(compile(
                json!({"Version": "2012-10-17", "Statement": statements}),
            ));
            names.push(format!("group{g}-policy{p}"));
        }
    }
    let mut big = EvaluationInput::new(&req);
    for (name, policy) in names.iter().zip(&policies) {
        big = big.identity(name, policy);
    }
    assert!(decide(&big).is_allowed());
    c.bench_function("decide: 10 groups x 10 policies x 10 statements", |b| {
        b.iter(|| decide(black_box(&big)))
    });
    c.bench_function(
        "evaluate with explanation: 10 groups x 10 policies x 10 statements",
        |b| b.iter(|| evaluate(black_box(&big))),
    );

    let text = serde_json::to_string(&json!({
        "Version": "2012-10-17",
        "Statement": (0..10).map(|s| big_statement(0, 0, s)).collect::<Vec<_>>()
    }))
    .unwrap();
    c.bench_function("parse + compile: 10 statements", |b| {
        b.iter(|| CompiledPolicy::parse(black_box(&text)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
