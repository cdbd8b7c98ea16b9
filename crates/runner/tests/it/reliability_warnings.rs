//! Every semantic warning reaches `run.json` (and stderr) of `bargain run`, and the run
//! still succeeds. One small scenario per warning; each is checked to raise its own
//! warning and not the sampled "empty zone in most trials" one unless meant to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use bargain_runner::scenario::Scenario;

/// A scenario with the given `[parties.*]` bodies (payee `us`, payer `kr`).
fn scenario(us: &str, kr: &str) -> String {
    format!(
        r#"[scenario]
name = "warn"
[run]
trials = 2000
seed = 5
models = ["nash", "agents"]
[protocol]
max_rounds = 6
first_mover = "us"
[parties.us]
side = "payee"
strategy = {{ kind = "time-based", preset = "linear" }}
{us}
[parties.kr]
side = "payer"
strategy = {{ kind = "time-based", preset = "linear" }}
{kr}
"#
    )
}

fn run_warnings(text: &str) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("warn.toml");
    std::fs::write(&file, text).unwrap();
    let out_dir = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("run.json")).unwrap()).unwrap();
    let warnings = run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect();
    (warnings, stderr)
}

fn assert_warns(text: &str, fragment: &str) {
    let (warnings, stderr) = run_warnings(text);
    assert!(
        warnings.iter().any(|w| w.contains(fragment)),
        "run.json warnings lack {fragment:?}: {warnings:#?}"
    );
    assert!(
        stderr.contains(fragment),
        "stderr lacks {fragment:?}: {stderr}"
    );
    // The library reports the same list.
    let lib = Scenario::parse(text, &format!("{}", Path::new("x").display())).unwrap();
    assert_eq!(lib.warnings().len(), warnings.len());
}

#[test]
fn a_clean_scenario_has_no_warnings() {
    let text = scenario(
        "opening = 1.4\nreservation = { uniform = [0.95, 1.05] }",
        "opening = 0.9\nreservation = { uniform = [1.1, 1.2] }",
    );
    let (warnings, _) = run_warnings(&text);
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn opening_worse_than_own_reservation() {
    let text = scenario(
        "opening = 0.9\nreservation = 1.0",
        "opening = 0.8\nreservation = 1.2",
    );
    assert_warns(
        &text,
        "parties.us.opening: at central values the opening (0.9) is worse for `us` than its reservation (1)",
    );
}

#[test]
fn opening_already_acceptable_to_the_other_side() {
    let text = scenario(
        "opening = 1.1\nreservation = 1.0",
        "opening = 0.9\nreservation = 1.2",
    );
    assert_warns(
        &text,
        "parties.us.opening: at central values the opening (1.1) is inside `kr`'s reservation (1.2)",
    );
}

#[test]
fn empty_zone_at_central_values() {
    let text = scenario(
        "opening = 1.4\nreservation = 1.2",
        "opening = 0.9\nreservation = 1.1",
    );
    assert_warns(&text, "empty zone of agreement at central values");
}

#[test]
fn within_keeping_a_sliver() {
    let text = scenario(
        "opening = 1.4\nreservation = { normal = [1.0, 0.01], within = [1.03, 1.05] }",
        "opening = 0.9\nreservation = 1.2",
    );
    assert_warns(&text, "truncated to a sliver");
}

#[test]
fn empty_zone_in_most_sampled_trials_even_when_central_values_agree() {
    // Central values: the payer's effective reservation is min(1.2, 1.2) = 1.2 > 1.1, a
    // zone of agreement. Sampled: min(A, B) < 1.1 with probability 1 − (2/3)² ≈ 56%.
    let text = scenario(
        "opening = 1.6\nreservation = 1.1",
        "opening = 0.8\nreservation = { uniform = [0.9, 1.5] }\noutside_option = { uniform = [0.9, 1.5] }",
    );
    let (warnings, _) = run_warnings(&text);
    assert!(
        !warnings.iter().any(|w| w.contains("at central values")),
        "{warnings:#?}"
    );
    assert_warns(&text, "empty zone of agreement in most trials: in 5");
}

#[test]
fn the_sampled_warning_is_quiet_when_only_a_minority_of_trials_lack_a_zone() {
    // P(min(A, B) < 1.1) with A, B ~ U[1.0, 1.5]: 1 − 0.8² = 36%.
    let text = scenario(
        "opening = 1.6\nreservation = 1.1",
        "opening = 0.8\nreservation = { uniform = [1.0, 1.5] }\noutside_option = { uniform = [1.0, 1.5] }",
    );
    let (warnings, _) = run_warnings(&text);
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn the_sampled_warning_is_deterministic_and_follows_the_sampler() {
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let text = scenario(
            "opening = 1.6\nreservation = 1.1",
            "opening = 0.8\nreservation = { uniform = [0.9, 1.5] }\noutside_option = { uniform = [0.9, 1.5] }",
        )
        .replace("seed = 5", &format!("seed = 5\nsampler = \"{sampler}\""));
        let a = Scenario::parse(&text, "a.toml").unwrap().warnings();
        let b = Scenario::parse(&text, "a.toml").unwrap().warnings();
        assert_eq!(a, b);
        assert_eq!(a.len(), 1, "{sampler}: {a:#?}");
        assert!(a[0].contains("of the first 1000 sampled trials"), "{a:#?}");
    }
}
