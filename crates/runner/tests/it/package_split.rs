//! `rubinstein`, `stahl` and `brw` (`breakdown`) on packages through the binary: the
//! hand-worked package of `tests/data/packages/split-models.toml` gives the amounts
//! worked out in its comments, each model's summary block has the fields of the other
//! package models, replay shows the split, and a package with a calendar, lapse costs,
//! a ratification limit and uncertain inputs runs the same at 1 and 2 threads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

use crate::common::{bargain, json, ok, write};

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/packages/split-models.toml")
        .display()
        .to_string()
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn split_models_run_on_a_package_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = fixture();
    ok(&["validate", &f]);
    let out = dir.path().join("r");
    ok(&["run", &f, "--quiet", "--out", out.to_str().expect("utf8")]);
    let s = json(&out.join("summary.json"));
    let nash = &s["models"]["nash"];
    for (model, amount) in [("rubinstein", 9.0), ("stahl", 10.0), ("brw", 8.0)] {
        let m = &s["models"][model];
        assert_eq!(keys(m), keys(nash), "{model}: the usual per-model fields");
        assert_eq!(m["outcomes"]["deal"], 20, "{model}: {m}");
        let a = &m["issues"]["amount"];
        for k in ["min", "mean", "max"] {
            assert_eq!(a[k].as_f64(), Some(amount), "{model} {k}: {a}");
        }
        assert_eq!(m["issues"]["term"]["counts"]["b"], 20, "{model}");
        // The `amount` block's mean comes from the engine's quantized sums.
        let mean = m["amount"]["mean"].as_f64().unwrap();
        assert!((mean - amount).abs() < 1e-9, "{model}: {mean}");
    }
    // Replay of one trial shows the split package.
    let r = ok(&[
        "replay",
        &f,
        "--trial",
        "0",
        "--model",
        "breakdown",
        "--json",
    ]);
    let r: Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(r["outcome"], "deal");
    assert_eq!(r["agreement"]["term"], "b");
}

const LAPSE: &str = r#"[scenario]
name = "lapse-split-package"
unit = "units"

[run]
trials = 400
seed = 3
models = ["rubinstein", "stahl", "brw", "nash"]

[protocol]
first_mover = "a"
breakdown_risk = { uniform = [0.0, 0.3] }

[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2021-12-31"
round_months = 1

[issues.amount]
kind = "number"
lo = 0
hi = 10
step = 0.5

[issues.term]
kind = "integer"
lo = 1
hi = 3

[parties.a]
lapse_cost = 0.5
discount = { uniform = [0.8, 0.99] }
strategy = { kind = "time-based", preset = "linear" }

[parties.a.utility]
weights = { amount = { uniform = [0.7, 0.9] }, term = 0.2 }
amount = "increasing"
term = "increasing"
reservation = { uniform = [0.3, 0.8] }

[parties.b]
lapse_cost = 0.5
ratification = { uniform = [5, 9] }
strategy = { kind = "time-based", preset = "linear" }

[parties.b.utility]
weights = { amount = 0.8, term = 0.2 }
amount = { points = [[0, 1.0], [10, { uniform = [0.0, 0.2] }]] }
term = "decreasing"
reservation = { uniform = [0.3, 0.8] }
"#;

#[test]
fn split_models_run_with_a_calendar_and_uncertainty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "lapse.toml", LAPSE);
    let f = file.to_str().expect("utf8");
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("r{threads}"));
        ok(&[
            "run",
            f,
            "--quiet",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf8"),
        ]);
        texts.push(std::fs::read_to_string(out.join("summary.json")).expect("summary"));
    }
    assert_eq!(texts[0], texts[1]);
    let s: Value = serde_json::from_str(&texts[0]).expect("json");
    for model in ["rubinstein", "stahl", "brw"] {
        let m = &s["models"][model];
        let deals = m["outcomes"]["deal"].as_u64().unwrap_or(0);
        assert!(deals > 0, "{model}: {m}");
        // Every deal is ratified: within b's ceiling, at most 9.
        assert!(
            m["issues"]["amount"]["max"].as_f64().unwrap() <= 9.0,
            "{model}"
        );
        assert!(
            m["timing"].is_object(),
            "{model}: a calendar gives the timing block"
        );
    }
}

#[test]
fn split_models_on_a_package_without_an_amount_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture())
        .expect("fixture")
        .replace("amount", "money");
    let file = write(dir.path(), "no-amount.toml", &text);
    let f = file.to_str().expect("utf8");
    let run = bargain(&[
        "run",
        f,
        "--out",
        dir.path().join("r").to_str().expect("utf8"),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no-amount.toml:14:11: run.models[0]: expected an `amount` issue"),
        "{err}"
    );
    // Replay of a split model there is a usage error too.
    let fixed = text.replace(
        "models = [\"rubinstein\", \"stahl\", \"breakdown\", \"nash\"]",
        "models = [\"nash\"]",
    );
    let file = write(dir.path(), "nash-only.toml", &fixed);
    let r = bargain(&[
        "replay",
        file.to_str().expect("utf8"),
        "--trial",
        "0",
        "--model",
        "stahl",
    ]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("`stahl`"), "{err}");
}
