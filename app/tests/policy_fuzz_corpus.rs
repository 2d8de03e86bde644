//! Replays every input in `fuzz/corpus/parse/` (the cargo-fuzz target `parse`) through the
//! same checks as the fuzz target, on stable Rust, so a crash found once stays fixed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

mod policy {
    pub use app::policy::*;
}

#[path = "../../fuzz/fuzz_targets/exercise.rs"]
mod exercise;

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
            let result = std::panic::catch_unwind(|| exercise::exercise(text));
            assert!(result.is_ok(), "{} makes the engine panic", path.display());
        }
    }
    eprintln!("replayed {count} fuzz corpus inputs");
    assert!(count > 0, "the fuzz corpus in {} is empty", dir.display());
}
