//! What the `parse` fuzz target does with each input, shared with the stable-Rust replay of
//! its corpus (app/tests/policy_fuzz_corpus.rs): parsing, linting, compiling and evaluating
//! must never panic, and whatever parses must survive a print/parse round trip unchanged.
//! Both includers declare the engine as `policy` beside this module.

use super::policy::{
    CompiledPolicy, Context, EvaluationInput, PolicyDocument, PrincipalInfo, Request, decide,
    evaluate, lint,
};

pub fn exercise(text: &str) {
    let _ = lint(text);
    let Ok(document) = PolicyDocument::parse(text) else {
        return;
    };
    let printed = document.to_canonical_string();
    let again = PolicyDocument::parse(&printed);
    assert_eq!(
        again.as_ref(),
        Ok(&document),
        "round trip changed the policy"
    );

    let compiled = CompiledPolicy::new(document);
    let Ok(principal) = PrincipalInfo::from_arn("arn:aws:iam::111122223333:user/alice") else {
        return;
    };
    let context = Context::new()
        .with("aws:SourceIp", "10.1.2.3")
        .with("aws:CurrentTime", "2024-06-01T00:00:00Z")
        .with("aws:SecureTransport", true)
        .with("aws:TagKeys", vec!["team", "env"]);
    for (action, resource) in [
        ("s3:GetObject", "arn:aws:s3:::bucket/alice/key"),
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/bob"),
        ("sts:AssumeRole", "arn:aws:iam::111122223333:role/r"),
    ] {
        let request = Request {
            principal: principal.clone(),
            action: action.into(),
            resource: resource.into(),
            context: context.clone(),
        };
        let input = EvaluationInput::new(&request)
            .identity("fuzz", &compiled)
            .trust("fuzz-trust", &compiled);
        let full = evaluate(&input);
        assert_eq!(
            full.decision,
            decide(&input),
            "decide and evaluate disagree"
        );
        let _ = full.explanation.to_string();
    }
}
