//! Replays the corpus of the `partial_merge` fuzz target (`fuzz/corpus/partial_merge/`,
//! see `fuzz/README.md`) with the target's own check: no input may panic `merge`, every
//! rejection names its file, and every accepted merge is a self-consistent summary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use bargain_runner::merge::check_merge_input;

fn corpus() -> Vec<PathBuf> {
    let dir = std::env::var_os("BARGAIN_FUZZ_MERGE_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/partial_merge"),
        PathBuf::from,
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_merge_corpus_input_is_handled_without_panic() {
    let files = corpus();
    assert!(files.len() >= 8, "only {} corpus files", files.len());
    let mut failures = Vec::new();
    let mut merged = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        match std::panic::catch_unwind(|| check_merge_input(&data)) {
            Ok(Ok(ok)) => merged += usize::from(ok),
            Ok(Err(e)) => failures.push(format!("{}: {e}", f.display())),
            Err(_) => failures.push(format!("{}: panicked", f.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The corpus reaches past the checks into real merges too.
    assert!(merged > 0, "no corpus input merges");
}
