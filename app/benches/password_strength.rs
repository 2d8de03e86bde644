//! What the strength check costs the server per new password: zxcvbn's estimate of
//! realistic passwords, with the account's and the person's words as context. The first
//! estimate in a process also builds zxcvbn's dictionaries; that one-off cost is its
//! own case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use app::model::password_strength::{context_words, estimate};
use criterion::{Criterion, criterion_group, criterion_main};

fn strength(c: &mut Criterion) {
    let words = context_words(["123456789012", "acme-prod", "alice.merriweather"]);
    let context: Vec<&str> = words.iter().map(String::as_str).collect();
    let cases = [
        ("common, 10 chars (Password1!)", "Password1!".to_owned()),
        (
            "words, 15 chars (Correct-Horse-9)",
            "Correct-Horse-9".to_owned(),
        ),
        ("generated, 20 chars", "q7R$wN2!vL9@kT4#zX8m".to_owned()),
        (
            "passphrase, 44 chars",
            "lantern orbit velvet quarry marble 42 sunrise".to_owned(),
        ),
        ("maximum, 128 chars", "Ab1!xY9#".repeat(16)),
    ];
    let mut group = c.benchmark_group("password strength");
    // Builds the dictionaries outside the measured loop.
    black_box(estimate("warm-up", &context));
    for (name, password) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| black_box(estimate(black_box(password), &context)));
        });
    }
    group.finish();
}

criterion_group!(benches, strength);
criterion_main!(benches);
