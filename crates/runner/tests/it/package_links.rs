//! `[context]`, expressions and `[[correlation]]` in package files through the binary
//! (issue #23 items 3–4 on packages): `trials.csv` holds each context quantity as
//! `context.NAME` and each expression's value under its own path, checked against the
//! formula on every row; context quantities are sensitivity inputs (expressions are not)
//! and sweep paths; a bad path or name is a located error with exit code 2; a run with a
//! correlation is byte-identical at 1 and 2 threads and across shards merged.

use crate::common::{bargain, json, ok, write};
use crate::scenario_links::{cell, close, trials};

const LINKED: &str = r#"[scenario]
name = "linked-package"
unit = "trillion KRW"

[run]
trials = 1500
seed = 11
models = ["agents", "nash"]

[context]
fx = { normal = [1150, 25] }
troops = { choice = [28500, 24000] }

[[correlation]]
between = ["parties.kr.utility.reservation", "protocol.breakdown_risk"]
rank = 0.6

[protocol]
max_rounds = 12
first_mover = "us"
breakdown_risk = { uniform = [0.0, 0.02] }

[issues.amount]
kind = "number"
lo = 0.9
hi = 1.6
step = 0.05

[issues.term]
kind = "integer"
lo = 1
hi = 5

[parties.us]
strategy = { kind = "time-based", preset = "linear" }

[parties.us.utility]
weights = { amount = "0.7 * fx / 1150", term = 0.3 }
amount = "increasing"
term = "decreasing"
reservation = "0.3 * fx / 1150 * troops / 28500"

[parties.kr]
strategy = { kind = "time-based", preset = "conceder" }

[parties.kr.utility]
weights = { amount = 0.6, term = 0.4 }
amount = "decreasing"
term = "increasing"
reservation = { uniform = [0.1, 0.4] }
"#;

fn s(p: &std::path::Path) -> String {
    p.to_str().expect("utf-8").to_owned()
}

#[test]
fn package_trials_csv_holds_context_quantities_and_each_expression_matches_its_formula() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "linked.toml", LINKED);
    let out = tmp.path().join("out");
    ok(&[
        "run",
        &s(&file),
        "--quiet",
        "--trials-csv",
        "--out",
        &s(&out),
    ]);
    let (header, rows) = trials(&out);
    assert_eq!(rows.len(), 1500);
    for name in [
        "context.fx",
        "context.troops",
        "parties.us.utility.reservation",
        "parties.us.utility.weights.amount",
    ] {
        assert!(header.iter().any(|h| h == name), "{name} in {header:?}");
    }
    let mut troops_seen = [0u32; 2];
    for row in &rows {
        let fx = cell(&header, row, "context.fx");
        let troops = cell(&header, row, "context.troops");
        let want = 0.3 * fx / 1150.0 * troops / 28500.0;
        let got = cell(&header, row, "parties.us.utility.reservation");
        assert!(close(got, want), "{row:?}");
        let w = cell(&header, row, "parties.us.utility.weights.amount");
        assert!(close(w, 0.7 * fx / 1150.0), "{row:?}");
        troops_seen[usize::from(troops == 24000.0)] += 1;
    }
    assert!(troops_seen.iter().all(|&n| n > 500), "{troops_seen:?}");

    // Context quantities are sensitivity inputs; the expressions' values are not.
    let sa = tmp.path().join("sa");
    ok(&[
        "sensitivity",
        &s(&file),
        "--samples",
        "300",
        "-q",
        "--out",
        &s(&sa),
    ]);
    let report = json(&sa.join("sensitivity.json"));
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(inputs.contains(&"context.fx"), "{inputs:?}");
    assert!(
        !inputs.contains(&"parties.us.utility.reservation"),
        "{inputs:?}"
    );
    assert_eq!(
        report["input_labels"].as_array().expect("labels").len(),
        inputs.len()
    );

    // `context.troops` is a sweep path: its variants fix it and the expressions follow.
    // (Not `context.fx`: the weights' central values, which `fx` moves, must sum to 1.)
    let sw = tmp.path().join("sw");
    ok(&[
        "sweep",
        &s(&file),
        "--sweep",
        "context.troops=28500,24000",
        "--trials",
        "100",
        "--out",
        &s(&sw),
    ]);
    let sweep = json(&sw.join("sweep.json"));
    assert_eq!(sweep["points"].as_array().expect("points").len(), 2);
    let fixed = tmp.path().join("fixed");
    ok(&[
        "run",
        &s(&file),
        "--quiet",
        "--trials-csv",
        "--set",
        "context.troops=24000",
        "--out",
        &s(&fixed),
    ]);
    let (header, rows) = trials(&fixed);
    assert!(!header.iter().any(|h| h == "context.troops"), "{header:?}");
    for row in &rows {
        let fx = cell(&header, row, "context.fx");
        let want = 0.3 * fx / 1150.0 * 24000.0 / 28500.0;
        let got = cell(&header, row, "parties.us.utility.reservation");
        assert!(close(got, want), "{row:?}");
    }
}

#[test]
fn bad_package_correlations_and_names_are_located_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            LINKED.replace(
                "\"parties.kr.utility.reservation\", \"protocol",
                "\"parties.kr.utility.resrvation\", \"protocol",
            ),
            "bad.toml:15:12: correlation[0].between[0]",
            "did you mean `parties.kr.utility.reservation`",
        ),
        (
            LINKED.replace("troops / 28500\"", "trops / 28500\""),
            "bad.toml:41:15: parties.us.utility.reservation",
            "unknown name `trops`",
        ),
    ];
    for (text, at, what) in cases {
        let file = write(tmp.path(), "bad.toml", &text);
        for verb in ["validate", "run"] {
            let out = bargain(&[verb, &s(&file)]);
            assert_eq!(out.status.code(), Some(2), "{verb}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(at) && err.contains(what), "{verb}: {err}");
        }
    }
}

/// A package run with a correlation and expressions: the same `summary.json` and
/// `trials.csv` at 1 and 2 threads, and shards merged byte-identical to one run.
#[test]
fn package_links_are_deterministic_across_threads_and_shards() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "linked.toml", LINKED);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        ok(&[
            "run",
            &s(&file),
            "--quiet",
            "--trials-csv",
            "--threads",
            threads,
            "--out",
            &s(&out),
        ]);
        let read = |f: &str| std::fs::read(out.join(f)).expect(f);
        outputs.push((read("summary.json"), read("trials.csv")));
    }
    assert!(outputs[0] == outputs[1], "1 and 2 threads differ");
    crate::package_outputs::shards_merge_byte_identically(&s(&file), "1500");
}
