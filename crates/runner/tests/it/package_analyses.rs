//! `bargain sweep`, `sensitivity` and `compare` on the package scenario
//! `scenarios/sma-2019-package.toml`, through the binary: each sweep point is the run of
//! its variant (same seed: common random numbers), the sensitivity sample is the run's
//! trials, and two package files compare paired, issue by issue.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;

use common::{bargain, json, ok};
use serde_json::Value;

fn package() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/sma-2019-package.toml")
        .display()
        .to_string()
}

/// A fresh directory for test `name`, removed when the returned guard drops.
fn tmp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("bargain-package-analyses-{name}-"))
        .tempdir()
        .unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `bargain run` of the package with `sets`, 150 trials of seed 3: its summary.
fn run_with(dir: &Path, name: &str, sets: &[&str]) -> Value {
    let out = dir.join(name);
    let mut args = vec![
        "run".to_string(),
        package(),
        "--trials".into(),
        "150".into(),
        "--seed".into(),
        "3".into(),
        "-q".into(),
        "--out".into(),
        s(&out),
    ];
    for set in sets {
        args.push("--set".into());
        args.push((*set).to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&args);
    json(&out.join("summary.json"))
}

/// A two-axis sweep over a number (a reservation) and a choice field (a negotiator
/// preset): every point equals the run of its variant with the sweep's seed, model by
/// model, on the agreement rate and each issue's statistic.
#[test]
fn sweep_points_are_the_runs_of_their_variants() {
    let guard = tmp("sweep");
    let dir = guard.path().to_path_buf();
    let out = dir.join("sweep");
    let shown = ok(&[
        "sweep",
        &package(),
        "--sweep",
        "parties.us.utility.reservation=0.1,0.5",
        "--sweep",
        "parties.kr.strategy.preset=boulware,conceder",
        "--trials",
        "150",
        "--seed",
        "3",
        "--out",
        &s(&out),
    ]);
    let table = String::from_utf8_lossy(&shown.stdout);
    assert!(
        table.contains("escalation") && table.contains("agreement"),
        "{table}"
    );
    let sweep = json(&out.join("sweep.json"));
    assert_eq!(
        sweep["axes"][1]["labels"],
        serde_json::json!(["boulware", "conceder"])
    );
    let kinds: Vec<&str> = sweep["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["number", "integer", "choice"]);
    let points = sweep["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    // Points 0 (0.1, boulware) and 3 (0.5, conceder) against their runs.
    for (k, sets) in [
        (
            0,
            [
                "parties.us.utility.reservation=0.1",
                "parties.kr.strategy.preset=boulware",
            ],
        ),
        (
            3,
            [
                "parties.us.utility.reservation=0.5",
                "parties.kr.strategy.preset=conceder",
            ],
        ),
    ] {
        let run = run_with(&dir, &format!("run{k}"), &sets);
        for (model, st) in points[k]["models"].as_object().unwrap() {
            let m = &run["models"][model];
            assert_eq!(st["agreement_rate"], m["agreement_rate"], "{model} at {k}");
            assert_eq!(
                st["issues"]["term"]["p50"], m["issues"]["term"]["p50"],
                "{model}"
            );
            assert_eq!(st["issues"]["amount"]["p50"], m["issues"]["amount"]["p50"]);
            let mode = m["issues"]["escalation"]["mode"].as_str().unwrap();
            assert_eq!(st["issues"]["escalation"]["mode"], mode, "{model}");
            let deals = m["outcomes"]["deal"].as_f64().unwrap();
            let count = m["issues"]["escalation"]["counts"][mode].as_f64().unwrap();
            assert_eq!(
                st["issues"]["escalation"]["share"].as_f64(),
                Some(count / deals)
            );
        }
    }
    // The swept reservation moves the deal: the US's higher floor raises Nash's amount.
    let nash = |k: usize| points[k]["models"]["nash"]["p50"].as_f64().unwrap();
    assert!(nash(2) > nash(0), "{} vs {}", nash(2), nash(0));
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",amount.p50,term.p50,escalation.mode,escalation.share"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 4 * 4);
    let page = std::fs::read_to_string(out.join("sweep.html")).unwrap();
    assert!(
        page.contains("<th>escalation</th>"),
        "the page shows the issues"
    );
    assert!(out.join("scenario.toml").is_file());
}

/// Bad sweeps of a package file fail with exit 2 and say why: an unknown key (located
/// at the override), a `[run]` key, no axis at all.
#[test]
fn bad_package_sweeps_are_refused() {
    let guard = tmp("bad-sweep");
    let dir = guard.path().to_path_buf();
    let out = s(&dir.join("x"));
    for (arg, says) in [
        ("parties.us.utility.reservaton=0.1,0.2", "reservaton"),
        ("run.seed=1,2", "[run]"),
        ("parties.us.utility.reservation=high,low", "reservation"),
    ] {
        let r = bargain(&[
            "sweep",
            &package(),
            "--sweep",
            arg,
            "--trials",
            "10",
            "--out",
            &out,
        ]);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{arg}: {err}");
        assert!(err.contains(says), "{arg}: {err}");
    }
    let r = bargain(&["sweep", &package(), "--out", &out]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("nothing to sweep"));
    assert!(!dir.join("x").exists());
}

/// Sensitivity of a package: the rank sample is the run's trials (its deal count is the
/// run's), each model has effects on the deal, the amount and the term; the reservations
/// move Nash's amount the way the theory says; `--sobol` is refused.
#[test]
fn package_sensitivity_ranks_the_sampled_inputs() {
    let guard = tmp("sensitivity");
    let dir = guard.path().to_path_buf();
    let out = dir.join("sa");
    ok(&[
        "sensitivity",
        &package(),
        "--samples",
        "150",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&out),
    ]);
    let report = json(&out.join("sensitivity.json"));
    let run = run_with(&dir, "run", &[]);
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        inputs.contains(&"parties.kr.utility.reservation"),
        "{inputs:?}"
    );
    for m in report["models"].as_array().unwrap() {
        let name = m["model"].as_str().unwrap();
        assert_eq!(
            m["deals"], run["models"][name]["outcomes"]["deal"],
            "{name}"
        );
        for output in [&m["amount"], &m["deal"], &m["issues"]["term"]] {
            assert_eq!(output.as_array().unwrap().len(), inputs.len(), "{name}");
        }
        assert!(
            m["issues"].get("escalation").is_none(),
            "choices have no rank"
        );
    }
    let nash = report["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "nash")
        .unwrap();
    let prcc = |input: &str| {
        let j = inputs.iter().position(|x| *x == input).unwrap();
        nash["amount"][j]["prcc"].as_f64().unwrap()
    };
    assert!(prcc("parties.us.utility.reservation") > 0.3);
    assert!(prcc("parties.kr.utility.reservation") < -0.3);
    let r = bargain(&[
        "sensitivity",
        &package(),
        "--sobol",
        "--out",
        &s(&dir.join("x")),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("Sobol"));
}

/// Two package files compare paired, issue by issue: the same file twice differs by
/// exactly nothing; a file with a higher Korean reservation (a constant) deals lower,
/// and each side's statistics are its run's.
#[test]
fn package_files_compare_paired_issue_by_issue() {
    let guard = tmp("compare");
    let dir = guard.path().to_path_buf();
    let text = std::fs::read_to_string(package()).unwrap();
    let b = dir.join("b.toml");
    let edited = text.replacen(
        "reservation = { uniform = [0.2, 0.4] }",
        "reservation = 0.45",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&b, edited).unwrap();
    let same = dir.join("same");
    let args = ["--trials", "150", "--seed", "3"];
    ok(&[
        &["compare", &package(), &package(), "--out", &s(&same)][..],
        &args[..],
    ]
    .concat());
    let c = json(&same.join("compare.json"));
    assert_eq!(c["common_random_numbers"], true);
    for (name, m) in c["models"].as_object().unwrap() {
        assert_eq!(m["agreement_rate"]["estimate"], 0.0, "{name}");
        assert_eq!(m["issues"]["term"]["mean"]["estimate"], 0.0, "{name}");
        assert_eq!(
            m["issues"]["escalation"]["a"],
            m["issues"]["escalation"]["b"]
        );
    }
    let moved = dir.join("moved");
    let shown = ok(&[
        &["compare", &package(), &s(&b), "--out", &s(&moved)][..],
        &args[..],
    ]
    .concat());
    assert!(String::from_utf8_lossy(&shown.stdout).contains("issue term"));
    let c = json(&moved.join("compare.json"));
    assert_eq!(c["common_random_numbers"], true);
    let run = run_with(&dir, "run", &[]);
    let nash = &c["models"]["nash"];
    assert_eq!(
        nash["a"]["agreement_rate"],
        run["models"]["nash"]["agreement_rate"]
    );
    assert_eq!(
        nash["issues"]["term"]["a"]["p50"],
        run["models"]["nash"]["issues"]["term"]["p50"]
    );
    let paired = nash["paired_amount"]["difference"]["hi"].as_f64().unwrap();
    assert!(
        paired < 0.0,
        "Korea's higher floor lowers Nash's amount: {nash}"
    );
    assert_eq!(
        json(&moved.join("b.summary.json"))["kind"],
        "package",
        "each side's summary is kept"
    );
}

/// A package against a one-issue report compares what they share, unpaired, with a
/// warning; no issue block.
#[test]
fn package_against_one_issue_compares_what_they_share() {
    let guard = tmp("mixed");
    let dir = guard.path().to_path_buf();
    let one = dir.join("one");
    let sma = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml");
    ok(&[
        "run",
        &s(&sma),
        "--trials",
        "150",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&one),
    ]);
    let out = dir.join("c");
    let r = ok(&["compare", &package(), &s(&one), "--out", &s(&out)]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("only what they share"));
    let c = json(&out.join("compare.json"));
    assert_eq!(c["common_random_numbers"], false);
    assert_eq!(
        c["a"]["trials"], 150,
        "the package ran with the report's trials"
    );
    let agents = &c["models"]["agents"];
    assert!(agents["mean"]["estimate"].is_number());
    assert!(agents.get("issues").is_none());
}

/// A sweep of one drawn weight of the shipped package (the README's example): each
/// variant fixes it and the drawn weights are divided by their sum in each trial, so the
/// variants run (with the central-sum warning) and differ from each other.
#[test]
fn a_weight_of_the_shipped_package_can_be_swept() {
    let guard = tmp("weight-sweep");
    let out = guard.path().join("sweep");
    ok(&[
        "sweep",
        &package(),
        "--sweep",
        "parties.kr.utility.weights.term=0.05,0.6",
        "--trials",
        "200",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&out),
    ]);
    let sweep = json(&out.join("sweep.json"));
    let points = sweep["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let stat = |p: &Value| p["models"]["nash"]["issues"]["term"].clone();
    assert_ne!(
        stat(&points[0]),
        stat(&points[1]),
        "the weight moves the deals"
    );
}
