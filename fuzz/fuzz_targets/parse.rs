//! Any text through the policy engine: see exercise.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../app/src/policy/mod.rs"]
#[allow(dead_code, unused_imports)]
mod policy;

mod exercise;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        exercise::exercise(text);
    }
});
