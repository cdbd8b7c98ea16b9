//! Determinism of `bargain run`: the same scenario and seed give a byte-identical
//! `summary.json` at 1, 2 and 8 threads, on repeated runs, and when the run is split
//! into shards and merged, for scenarios that together use every strategy kind, every
//! distribution family, every model, both samplers, and a grid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

/// Monte Carlo; time-based (exponent) against Faratin (exponential family); every
/// distribution family; every model; a grid.
const ALL_FAMILIES_MC: &str = r#"
[scenario]
name = "families-mc"
[run]
trials = 5000
seed = 31
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown"]
sampler = "monte-carlo"
[protocol]
max_rounds = { choice = [6, 8, 12], weights = [1, 2, 1] }
first_mover = "b"
breakdown_risk = { beta = [1, 99] }
grid = { lo = 0, hi = 4, step = 0.001 }
[parties.a]
side = "payee"
opening = { normal = [1.8, 0.1], within = [1.5, 2.1] }
reservation = { uniform = [0.9, 1.2] }
discount = { triangular = [0.9, 0.97, 0.99] }
power = { lognormal = [0, 0.3], within = [0.2, 5] }
ratification = { normal = [1.0, 0.05], within = [0.8, 1.1] }
strategy = { kind = "time-based", exponent = { lognormal = [0, 1], within = [0.1, 10] }, max_aspiration = { uniform = [0.9, 1] }, eps = { beta = [2, 5], within = [0, 0.01] } }
[parties.b]
side = "payer"
opening = { triangular = [0.7, 0.8, 0.95] }
reservation = { beta = [2, 3], within = [1.0, 1.5] }
discount = { uniform = [0.92, 0.99] }
outside_option = { choice = [1.3, 1.6, 3.0], weights = [1, 1, 2] }
strategy = { kind = "faratin", beta = { triangular = [0.2, 1, 3] }, kappa = { beta = [1, 9] }, family = "exponential" }
"#;

/// Latin hypercube; tit-for-tat against a hardliner; every family again.
const TIT_FOR_TAT_LHS: &str = r#"
[scenario]
name = "tft-lhs"
[run]
trials = 5000
seed = 4
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown"]
sampler = "latin-hypercube"
[protocol]
max_rounds = { uniform = [4, 20] }
first_mover = "a"
breakdown_risk = { uniform = [0, 0.02] }
[parties.a]
side = "payee"
opening = { lognormal = [0.5, 0.1], within = [1.3, 2.2] }
reservation = { normal = [1.0, 0.1], within = [0.7, 1.3] }
discount = { beta = [20, 1], within = [0.8, 1] }
strategy = { kind = "tit-for-tat" }
[parties.b]
side = "payer"
opening = { uniform = [0.5, 0.8] }
reservation = { triangular = [1.0, 1.2, 1.6] }
power = { choice = [0.5, 1, 2] }
strategy = { kind = "hardliner" }
"#;

/// Two `learning` negotiators with uncertain parameters (issue #25).
const LEARNING_MC: &str = r#"
[scenario]
name = "learning-mc"
[run]
trials = 5000
seed = 25
models = ["agents"]
[protocol]
max_rounds = { uniform = [4, 30] }
first_mover = "b"
breakdown_risk = 0.005
[parties.a]
side = "payee"
opening = { uniform = [1.3, 1.6] }
reservation = { normal = [1.0, 0.1], within = [0.7, 1.3] }
strategy = { kind = "learning", exponent = { uniform = [0.5, 3] }, hypotheses = { choice = [8, 32, 64] } }
[parties.b]
side = "payer"
opening = { uniform = [0.5, 0.8] }
reservation = { triangular = [1.0, 1.2, 1.6] }
strategy = { kind = "learning", prior_width = { uniform = [0.5, 1.5] } }
"#;

/// Latin hypercube; time-based presets against Faratin presets (polynomial), with
/// preset choices; constant openings.
const PRESETS_LHS: &str = r#"
[scenario]
name = "presets-lhs"
[run]
trials = 5000
seed = 99
models = ["agents", "nash", "breakdown"]
sampler = "latin-hypercube"
[protocol]
max_rounds = 10
first_mover = "kr"
breakdown_risk = { beta = [1, 199] }
grid = { lo = 0.5, hi = 2.5, step = 0.0001 }
[parties.us]
side = "payee"
opening = 1.4
reservation = { uniform = [0.9602, 1.13] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"], weights = [2, 1, 1] } }
[parties.kr]
side = "payer"
opening = 0.97
reservation = { triangular = [1.0, 1.05, 1.2] }
strategy = { kind = "faratin", preset = { choice = ["boulware", "linear", "conceder"] }, kappa = 0.1, family = "polynomial" }
"#;

fn bargain(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bargain {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn summary_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("summary.json")).unwrap()
}

fn check(text: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let out = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();

    // Threads 1, 2, 8, and the same thread count twice (repeated run).
    let mut runs = Vec::new();
    for (i, threads) in ["1", "2", "8", "2"].iter().enumerate() {
        let o = out(&format!("t{i}"));
        bargain(&["run", file, "--quiet", "--threads", threads, "--out", &o]);
        runs.push(summary_bytes(Path::new(&o)));
    }
    for (i, r) in runs.iter().enumerate() {
        assert!(*r == runs[0], "run {i} differs from run 0");
    }
    // Three shards (uneven: 5 chunks of 1024 split 1/2/2), merged in reverse order. This
    // caught partial.json losing the last bit of f64s on reading (serde_json's default
    // float parser), fixed by its `float_roundtrip` feature.
    let mut parts = Vec::new();
    for k in 1..=3 {
        let o = out(&format!("part{k}"));
        bargain(&[
            "run",
            file,
            "--quiet",
            "--threads",
            "2",
            "--shard",
            &format!("{k}/3"),
            "--out",
            &o,
        ]);
        parts.push(o);
    }
    let merged = out("merged");
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(parts.iter().rev().map(String::as_str));
    args.extend(["--out", &merged]);
    bargain(&args);
    assert!(
        summary_bytes(Path::new(&merged)) == runs[0],
        "the merged shards differ from the single run"
    );

    // A different seed changes the summary (so the comparisons above can fail).
    let o = out("seed");
    bargain(&["run", file, "--quiet", "--seed", "123456", "--out", &o]);
    assert!(summary_bytes(Path::new(&o)) != runs[0]);
}

#[test]
fn every_family_and_model_monte_carlo_is_deterministic() {
    check(ALL_FAMILIES_MC);
}

#[test]
fn tit_for_tat_against_a_hardliner_latin_hypercube_is_deterministic() {
    check(TIT_FOR_TAT_LHS);
}

#[test]
fn learning_negotiators_are_deterministic() {
    check(LEARNING_MC);
}

#[test]
fn presets_latin_hypercube_is_deterministic() {
    check(PRESETS_LHS);
}
