//! The lapse of `bargain backtest` (issue #25 item 5): each model's predicted mean lapse
//! recomputed by hand from `trials.csv`, the observed lapse from the dates, and Spearman's
//! rank correlation between them recomputed from their ranks; through the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crate::common::{bargain, json, ok, write};

const DAYS_PER_MONTH: f64 = 30.436_875;
const TRIALS: &str = "300";

/// One case with a calendar: talks from `start`, the agreement expiring at `expiry`, the
/// deal observed on `date`. The war of attrition with obstinate types predicts lapses
/// that differ from case to case; Nash always agrees at the first meeting.
fn case(dir: &Path, name: &str, start: &str, expiry: &str, date: &str) -> std::path::PathBuf {
    write(
        dir,
        &format!("{name}.toml"),
        &format!(
            r#"[scenario]
name = "{name}"
unit = "u"
[run]
trials = 100
seed = 1
models = ["nash", "agents", "attrition"]
[protocol]
max_rounds = 12
first_mover = "a"
[calendar]
start = "{start}"
expiry = "{expiry}"
round_months = 1
[parties.a]
side = "payee"
opening = 1.4
reservation = {{ uniform = [0.9, 1.0] }}
lapse_cost = {{ uniform = [0.005, 0.05] }}
obstinacy = 0.3
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.b]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.0, 1.1] }}
lapse_cost = 0.01
obstinacy = 0.3
strategy = {{ kind = "time-based", preset = "linear" }}
[observed]
amount = 1.0
date = "{date}"
"#
        ),
    )
}

/// Average ranks from 1, by hand (ties share the mean of their positions).
fn ranks(x: &[f64]) -> Vec<f64> {
    x.iter()
        .map(|v| {
            let below = x.iter().filter(|w| *w < v).count() as f64;
            let equal = x.iter().filter(|w| *w == v).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

/// The mean of `MODEL.lapse_months` over the deals of `trials.csv` of a run of `file`.
fn mean_lapse_from_csv(file: &Path, out: &Path, model: &str) -> f64 {
    if !out.join("trials.csv").exists() {
        ok(&[
            "run",
            file.to_str().unwrap(),
            "--trials",
            TRIALS,
            "--quiet",
            "--trials-csv",
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    let csv = std::fs::read_to_string(out.join("trials.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |h: String| header.iter().position(|c| *c == h).unwrap();
    let (kind, lapse) = (
        col(format!("{model}.kind")),
        col(format!("{model}.lapse_months")),
    );
    let lapses: Vec<f64> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[kind] == "deal")
        .map(|r| r[lapse].parse::<f64>().unwrap())
        .collect();
    assert!(!lapses.is_empty(), "{model}: no deal");
    lapses.iter().sum::<f64>() / lapses.len() as f64
}

#[test]
fn backtest_lapse_and_its_rank_correlation_equal_a_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("cases");
    std::fs::create_dir(&d).unwrap();
    // (name, start, expiry, observed date, days from the expiry to the date, by hand)
    let cases = [
        ("c1", "2000-01-01", "2000-06-30", "2000-05-01", 0i64),
        // April 30 + May 31 + June 30 + July 31 + 1 = 123 days.
        ("c2", "2001-01-01", "2001-03-31", "2001-08-01", 123),
        ("c3", "2002-01-01", "2002-06-30", "2002-07-15", 15),
        // October 31 + November 30 + 1 = 62 days.
        ("c4", "2003-01-01", "2003-09-30", "2003-12-01", 62),
    ];
    let files: Vec<_> = cases
        .iter()
        .map(|(n, s, e, o, _)| case(&d, n, s, e, o))
        .collect();
    let bt = dir.path().join("bt");
    let o = bargain(&[
        "backtest",
        d.to_str().unwrap(),
        "--trials",
        TRIALS,
        "--out",
        bt.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("lapse in months"), "{stdout}");
    assert!(stdout.contains("lapse ρ"), "{stdout}");
    let html = std::fs::read_to_string(bt.join("backtest.html")).unwrap();
    assert!(html.contains("<h2>Timing and delay</h2>"));
    let b = json(&bt.join("backtest.json"));
    assert_eq!(b["version"], 3);
    assert!(b["methods"]["lapse"].as_str().unwrap().contains("Spearman"));
    let mut spread = false;
    for model in ["nash", "agents", "attrition"] {
        let mut predicted = Vec::new();
        let mut observed = Vec::new();
        for (i, (name, _, _, _, days)) in cases.iter().enumerate() {
            let sc = b["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == *name)
                .unwrap();
            let t = &sc["models"][model]["timing"];
            let obs = *days as f64 / DAYS_PER_MONTH;
            assert!(
                (t["observed_lapse_months"].as_f64().unwrap() - obs).abs() < 1e-15,
                "{name}"
            );
            let got = t["mean_lapse_months"].as_f64().unwrap();
            let run = dir.path().join(format!("run-{name}"));
            let want = mean_lapse_from_csv(&files[i], &run, model);
            assert!(
                (got - want).abs() <= 1e-12 * want.max(1.0),
                "{model} {name}: {got} vs {want}"
            );
            predicted.push(got);
            observed.push(obs);
        }
        let t = &b["models"][model]["timing"];
        let lapse = t["lapse"].as_array().unwrap();
        assert_eq!(lapse.len(), 4, "{model}");
        for (c, (p, o)) in lapse.iter().zip(predicted.iter().zip(&observed)) {
            assert_eq!(c["predicted"].as_f64().unwrap(), *p);
            assert_eq!(c["observed"].as_f64().unwrap(), *o);
        }
        let varies = predicted.iter().any(|p| *p != predicted[0]);
        match t["lapse_spearman"].as_f64() {
            Some(r) => {
                assert!(varies, "{model}: a correlation without variation");
                let want = pearson(&ranks(&predicted), &ranks(&observed));
                assert!((r - want).abs() < 1e-12, "{model}: {r} vs {want}");
                spread = true;
            }
            None => assert!(!varies, "{model}: {predicted:?} vary but no correlation"),
        }
    }
    // Nash agrees at the first meeting in every case: no variation, no correlation; the
    // war of attrition's lapses vary.
    assert!(b["models"]["nash"]["timing"]["lapse_spearman"].is_null());
    assert!(spread, "no model's predicted lapse varied");

    // Two cases: too few for a rank correlation.
    let two = dir.path().join("two");
    std::fs::create_dir(&two).unwrap();
    for (n, s, e, o, _) in &cases[..2] {
        case(&two, n, s, e, o);
    }
    let bt2 = dir.path().join("bt2");
    ok(&[
        "backtest",
        two.to_str().unwrap(),
        "--trials",
        "100",
        "--quiet",
        "--out",
        bt2.to_str().unwrap(),
    ]);
    let b2 = json(&bt2.join("backtest.json"));
    for model in ["nash", "agents", "attrition"] {
        let t = &b2["models"][model]["timing"];
        assert_eq!(t["lapse"].as_array().unwrap().len(), 2);
        assert!(t["lapse_spearman"].is_null(), "{model}");
    }
}
