//! Property tests: the invariants of AWS's evaluation logic hold for generated policies and
//! requests, and printing a parsed policy gives back the same policy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app::policy::{
    CompiledPolicy, Context, Decision, EvaluationInput, PolicyDocument, PrincipalInfo, Request,
    decide, evaluate,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "iam:CreateUser",
    "iam:*",
    "*",
    "ec2:Describe*",
    "iam:Get?ser",
    "IAM:getuser",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:CreateUser",
    "iam:GetUser",
    "ec2:DescribeInstances",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/key",
    "arn:aws:iam::111122223333:user/*",
    "arn:aws:s3:::home/${aws:username}/*",
    "arn:*:s3:::*",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::home/alice/x",
    "arn:aws:iam::111122223333:user/bob",
    "*",
];

fn conditions() -> Vec<Value> {
    vec![
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}),
        json!({"StringNotEquals": {"aws:username": "bob"}}),
        json!({"ForAnyValue:StringLike": {"aws:TagKeys": ["team-*"]}}),
        json!({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": 3600}}),
        json!({"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}),
        json!({"Null": {"aws:TokenIssueTime": "true"}}),
        json!({"StringLike": {"s3:prefix": "${aws:username}/*"}}),
    ]
}

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

fn one_or_many(values: Vec<&'static str>) -> Value {
    if values.len() == 1 {
        json!(values[0])
    } else {
        json!(values)
    }
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(pick(ACTIONS), 1..3),
        any::<bool>(),
        proptest::collection::vec(pick(RESOURCES), 1..3),
        proptest::option::of(proptest::sample::select(conditions())),
        proptest::option::of("[A-Za-z0-9]{1,8}"),
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, condition, sid)| {
                let mut s = serde_json::Map::new();
                if let Some(sid) = sid {
                    s.insert("Sid".into(), json!(sid));
                }
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    one_or_many(actions),
                );
                s.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    one_or_many(resources),
                );
                if let Some(c) = condition {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            },
        )
}

fn policy() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(statement(), 1..6)
}

fn doc(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn compile(statements: &[Value]) -> CompiledPolicy {
    CompiledPolicy::new(PolicyDocument::from_json(&doc(statements)).unwrap())
}

fn request() -> impl Strategy<Value = Request> {
    (
        pick(REQUEST_ACTIONS),
        pick(REQUEST_RESOURCES),
        proptest::option::of(any::<bool>()),
        proptest::option::of(pick(&["10.1.2.3", "192.0.2.1", "2001:db8::5"])),
        proptest::option::of(proptest::collection::vec(pick(&["team-a", "env"]), 0..3)),
        proptest::option::of(pick(&["alice/x", "bob/y"])),
        proptest::option::of(0u32..7200),
    )
        .prop_map(|(action, resource, tls, ip, tags, prefix, mfa_age)| {
            let mut context = Context::new();
            if let Some(tls) = tls {
                context.insert("aws:SecureTransport", tls);
            }
            if let Some(ip) = ip {
                context.insert("aws:SourceIp", ip);
            }
            if let Some(tags) = tags {
                context.insert("aws:TagKeys", tags);
            }
            if let Some(prefix) = prefix {
                context.insert("s3:prefix", prefix);
            }
            if let Some(age) = mfa_age {
                context.insert("aws:MultiFactorAuthAge", f64::from(age));
            }
            context.insert("aws:CurrentTime", "2024-06-01T00:00:00Z");
            Request {
                principal: PrincipalInfo::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
                action: action.to_string(),
                resource: resource.to_string(),
                context,
            }
        })
}

struct Setup {
    identity: Vec<CompiledPolicy>,
    boundary: Option<CompiledPolicy>,
    session: Option<CompiledPolicy>,
}

fn decision(setup: &Setup, request: &Request) -> Decision {
    let mut input = EvaluationInput::new(request);
    for (i, p) in setup.identity.iter().enumerate() {
        input.identity_policies.push(app::policy::NamedPolicy::new(
            ["a", "b", "c", "d"][i % 4],
            p,
        ));
    }
    if let Some(b) = &setup.boundary {
        input = input.boundary("boundary", b);
    }
    if let Some(s) = &setup.session {
        input = input.session("session", s);
    }
    let full = evaluate(&input).decision;
    let fast = decide(&input);
    assert_eq!(full, fast, "evaluate() and decide() disagree");
    full
}

/// Identity policies, an optional boundary and an optional session policy, as statements.
type Layers = (Vec<Vec<Value>>, Option<Vec<Value>>, Option<Vec<Value>>);

fn setup() -> impl Strategy<Value = Layers> {
    (
        proptest::collection::vec(policy(), 0..4),
        proptest::option::of(policy()),
        proptest::option::of(policy()),
    )
}

fn build(
    identity: &[Vec<Value>],
    boundary: &Option<Vec<Value>>,
    session: &Option<Vec<Value>>,
) -> Setup {
    Setup {
        identity: identity.iter().map(|p| compile(p)).collect(),
        boundary: boundary.as_ref().map(|p| compile(p)),
        session: session.as_ref().map(|p| compile(p)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn matching_explicit_deny_always_wins(
        (identity, boundary, session) in setup(),
        request in request(),
        where_ in 0usize..3,
        position in any::<prop::sample::Index>(),
    ) {
        let mut identity = identity;
        let mut boundary = boundary;
        let mut session = session;
        let deny = json!({"Effect": "Deny", "Action": request.action.clone(), "Resource": "*"});
        let target: &mut Vec<Value> = match where_ {
            0 => {
                if identity.is_empty() {
                    identity.push(Vec::new());
                }
                let i = position.index(identity.len());
                &mut identity[i]
            }
            1 => boundary.get_or_insert_with(Vec::new),
            _ => session.get_or_insert_with(Vec::new),
        };
        let at = position.index(target.len() + 1);
        target.insert(at, deny);
        let setup = build(&identity, &boundary, &session);
        prop_assert_eq!(decision(&setup, &request), Decision::ExplicitDeny);
    }

    #[test]
    fn adding_an_allow_never_turns_allow_into_deny(
        (identity, boundary, session) in setup(),
        request in request(),
        extra in statement(),
        which in any::<prop::sample::Index>(),
    ) {
        // Give every layer an allow-everything statement so most cases start out allowed;
        // the rest are denied by a Deny statement and tell nothing here.
        let everything = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
        let mut identity = identity;
        if identity.is_empty() {
            identity.push(Vec::new());
        }
        let i = which.index(identity.len());
        identity[i].push(everything.clone());
        let boundary = boundary.map(|mut b| { b.push(everything.clone()); b });
        let session = session.map(|mut s| { s.push(everything.clone()); s });
        let before = decision(&build(&identity, &boundary, &session), &request);
        if before != Decision::Allow {
            return Ok(());
        }
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        let j = which.index(identity.len() + 1);
        if j == identity.len() {
            identity.push(vec![extra]);
        } else {
            identity[j].insert(0, extra);
        }
        let after = decision(&build(&identity, &boundary, &session), &request);
        prop_assert_eq!(after, Decision::Allow);
    }

    #[test]
    fn statement_and_policy_order_never_matters(
        (identity, boundary, session) in setup(),
        request in request(),
        seed in any::<u64>(),
    ) {
        let before = decision(&build(&identity, &boundary, &session), &request);
        // A deterministic shuffle from the seed: rotate and reverse every list.
        let shuffle = |v: &mut Vec<Value>, s: u64| {
            if !v.is_empty() {
                let k = (s as usize) % v.len();
                v.rotate_left(k);
                if s & 1 == 1 {
                    v.reverse();
                }
            }
        };
        let mut identity = identity;
        for (i, p) in identity.iter_mut().enumerate() {
            shuffle(p, seed.rotate_left(i as u32 * 7));
        }
        if !identity.is_empty() {
            let k = (seed as usize) % identity.len();
            identity.rotate_left(k);
        }
        let mut boundary = boundary;
        if let Some(b) = boundary.as_mut() {
            shuffle(b, seed >> 3);
        }
        let mut session = session;
        if let Some(s) = session.as_mut() {
            shuffle(s, seed >> 5);
        }
        let after = decision(&build(&identity, &boundary, &session), &request);
        prop_assert_eq!(before, after);
    }

    #[test]
    fn parse_print_parse_is_identity(
        statements in policy(),
        version in proptest::option::of(pick(&["2012-10-17", "2008-10-17"])),
        id in proptest::option::of("[ -~]{0,12}"),
        single in any::<bool>(),
    ) {
        let mut root = serde_json::Map::new();
        if let Some(v) = version {
            root.insert("Version".into(), json!(v));
        }
        if let Some(id) = id {
            root.insert("Id".into(), json!(id));
        }
        let statement_value = if single { statements[0].clone() } else { json!(statements) };
        root.insert("Statement".into(), statement_value);
        let text = Value::Object(root).to_string();
        let first = PolicyDocument::parse(&text).unwrap();
        let printed = first.to_canonical_string();
        let second = PolicyDocument::parse(&printed).unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(printed, second.to_canonical_string());
        let pretty = first.to_pretty_string();
        prop_assert_eq!(PolicyDocument::parse(&pretty).unwrap(), first);
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = PolicyDocument::parse(&text);
        let _ = app::policy::lint(&text);
    }
}
