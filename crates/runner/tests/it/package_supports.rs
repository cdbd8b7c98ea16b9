//! Package scenarios: the support of every distribution is checked against the domain its
//! draws must satisfy (issue #20 item 6), as one-issue fields are. Weights that are
//! distributions are divided by their drawn sum, so no draw may leave that sum at 0.

use crate::common::{bargain, ok, write};

/// Two issues; `us`'s weights as given.
fn package(us_weights: &str) -> String {
    format!(
        r#"[scenario]
name = "weights-zero"
[run]
trials = 400
seed = 1
models = ["agents", "nash"]
[protocol]
max_rounds = 10
first_mover = "us"
[issues.amount]
kind = "number"
lo = 0
hi = 1
[issues.term]
kind = "integer"
lo = 1
hi = 3
[parties.us.utility]
weights = {us_weights}
amount = "increasing"
term = "decreasing"
[parties.us]
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr.utility]
weights = {{ amount = 0.5, term = 0.5 }}
amount = "decreasing"
term = "increasing"
"#
    )
}

#[test]
fn weights_whose_draws_can_all_be_zero_are_a_located_error() {
    let dir = tempfile::tempdir().expect("tmp");
    // Central weights sum to 1, but both draw 0 together in 1 trial of 16: before, the
    // file validated and `run` failed with exit 1 naming no file, line or field.
    for (i, weights) in [
        "{ amount = { choice = [0, 0.5, 1], weights = [1, 2, 1] }, term = { choice = [0, 0.5, 1], weights = [1, 2, 1] } }",
        "{ amount = { uniform = [0, 1] }, term = { triangular = [0, 0.5, 1] } }",
    ]
    .iter()
    .enumerate()
    {
        let text = package(weights);
        let f = write(dir.path(), &format!("w{i}.toml"), &text);
        let line = 1 + text
            .lines()
            .position(|l| l.starts_with("weights = { amount = {"))
            .expect("line");
        let out = bargain(&["validate", f.to_str().expect("utf-8")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        let want = format!("w{i}.toml:{line}:11: parties.us.utility.weights: expected weights whose every draw sums to more than 0");
        assert!(err.contains(&want), "want {want:?} in:\n{err}");
        assert!(err.contains("(`amount`, `term`)"), "{err}");
        let report = dir.path().join(format!("r{i}"));
        let run = bargain(&["run", f.to_str().expect("utf-8"), "--quiet", "--out", report.to_str().expect("p")]);
        assert_eq!(run.status.code(), Some(2));
        assert!(!report.exists());
    }
}

#[test]
fn one_weight_kept_above_zero_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    for (i, weights) in [
        "{ amount = { choice = [0, 0.5, 1], weights = [1, 2, 1] }, term = { choice = [0.1, 0.5, 1], weights = [1, 2, 1] } }",
        "{ amount = { uniform = [0, 1] }, term = 0.5 }",
    ]
    .iter()
    .enumerate()
    {
        let f = write(dir.path(), &format!("ok{i}.toml"), &package(weights));
        let report = dir.path().join(format!("r{i}"));
        ok(&["run", f.to_str().expect("utf-8"), "--quiet", "--out", report.to_str().expect("p")]);
        assert!(report.join("summary.json").exists());
    }
}
