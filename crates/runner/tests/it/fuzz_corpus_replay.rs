//! Replays the fuzzing corpus (`fuzz/corpus/scenario_parse/`, see `fuzz/README.md`):
//! every input, decoded as the fuzz target decodes it, must parse or be rejected
//! without panicking; a rejection must carry positioned, non-empty diagnostics, and a
//! scenario that parses must sample finite amounts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use bargain_runner::scenario::{SampleCtx, Scenario};

/// The kept corpus, or the folder named by `BARGAIN_FUZZ_CORPUS` (e.g. a snapshot of a
/// corpus that a running fuzzer is changing).
fn corpus() -> Vec<PathBuf> {
    let dir = std::env::var_os("BARGAIN_FUZZ_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/scenario_parse"),
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

fn replay(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let scenario = match Scenario::parse(&text, "fuzz.toml") {
        Ok(s) => s,
        Err(e) => {
            if e.diagnostics().is_empty() {
                return Err("an error without diagnostics".into());
            }
            for d in e.diagnostics() {
                if d.line == 0 || d.column == 0 || d.message.trim().is_empty() {
                    return Err(format!("bad diagnostic: {d:?}"));
                }
            }
            return Ok(());
        }
    };
    let _ = scenario.central();
    let trials = scenario.run.trials;
    let mut inputs = vec![0.0; scenario.input_count()];
    for trial in [0, 1, trials - 1] {
        if trial >= trials {
            continue;
        }
        let ctx = SampleCtx {
            trial,
            trials,
            seed: scenario.run.seed,
        };
        let n = scenario.sample(ctx, &mut inputs);
        for x in [
            n.payee.opening,
            n.payee.reservation,
            n.payer.opening,
            n.payer.reservation,
        ] {
            if !x.is_finite() {
                return Err(format!("non-finite sampled amount: {n:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_corpus_input_is_handled_without_panic() {
    let files = corpus();
    assert!(files.len() >= 100, "only {} corpus files", files.len());
    let mut failures = Vec::new();
    let mut accepted = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        match std::panic::catch_unwind(|| replay(&data)) {
            Ok(Ok(())) => {
                if Scenario::parse(&String::from_utf8_lossy(&data), "f").is_ok() {
                    accepted += 1;
                }
            }
            Ok(Err(e)) => failures.push(format!("{}: {e}", f.display())),
            Err(_) => failures.push(format!("{}: panicked", f.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The corpus reaches past the parser into valid scenarios too.
    assert!(accepted > 0, "no corpus input is a valid scenario");
    eprintln!("{} corpus inputs, {accepted} valid scenarios", files.len());
}
