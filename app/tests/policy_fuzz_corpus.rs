//! Replays every input in `fuzz/corpus/parse/` (the cargo-fuzz target `parse`) through the
//! same checks as the fuzz target, on stable Rust, so a crash found once stays fixed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use app::policy::{
    CompiledPolicy, Context, EvaluationInput, PolicyDocument, PrincipalInfo, Request, decide,
    evaluate, lint,
};

fn check(text: &str) {
    let _ = lint(text);
    let Ok(document) = PolicyDocument::parse(text) else {
        return;
    };
    let again = PolicyDocument::parse(&document.to_canonical_string());
    assert_eq!(
        again.as_ref(),
        Ok(&document),
        "round trip changed the policy"
    );
    let compiled = CompiledPolicy::new(document);
    let principal = PrincipalInfo::from_arn("arn:aws:iam::111122223333:user/alice").unwrap();
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
        assert_eq!(full.decision, decide(&input));
        let _ = full.explanation.to_string();
    }
}

#[test]
fn fuzz_corpus_replays_cleanly() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the fuzz corpus {} is missing: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        count += 1;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let result = std::panic::catch_unwind(|| check(text));
            assert!(result.is_ok(), "{} makes the engine panic", path.display());
        }
    }
    eprintln!("replayed {count} fuzz corpus inputs");
    assert!(count > 0, "the fuzz corpus in {} is empty", dir.display());
}
