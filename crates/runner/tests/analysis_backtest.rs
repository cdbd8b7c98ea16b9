//! End-to-end tests of `bargain backtest`.

mod common;
use common::{bargain, json};

fn scenario(name: &str, observed: Option<f64>) -> String {
    let observed = observed.map_or(String::new(), |x| {
        format!("[observed]\namount = {x}\nround = 3\n")
    });
    format!(
        r#"
[scenario]
name = "{name}"
unit = "trillion KRW"
[run]
trials = 100000
seed = 3
models = ["agents", "nash"]
[protocol]
max_rounds = 6
first_mover = "us"
[parties.us]
side = "payee"
opening = {{ triangular = [1.3, 1.4, 1.6] }}
reservation = {{ uniform = [0.95, 1.1] }}
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[parties.kr]
side = "payer"
opening = 0.97
reservation = {{ uniform = [1.0, 1.2] }}
strategy = {{ kind = "time-based", preset = "linear" }}
{observed}"#
    )
}

#[test]
fn backtest_scores_every_observed_scenario() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("scenarios");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("a.toml"), scenario("inside", Some(1.06))).expect("write");
    // Far above every deal: percentile 1, outside both intervals.
    std::fs::write(dir.join("b.toml"), scenario("far-above", Some(5.0))).expect("write");
    std::fs::write(dir.join("c.toml"), scenario("unobserved", None)).expect("write");
    let out = tmp.path().join("bt");
    let o = bargain(&[
        "backtest",
        dir.to_str().expect("utf8"),
        "--trials",
        "2000",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("across scenarios"), "{stdout}");
    for f in [
        "backtest.json",
        "backtest.html",
        "calibration.svg",
        "calibration.png",
        "inside/summary.json",
        "inside/report.html",
        "far-above/summary.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(!out.join("unobserved").exists());
    let b = json(&out.join("backtest.json"));
    // Every scored model is named under its coverage bars (a text of its own, besides the
    // legend's "NAME (k scored)").
    let svg = std::fs::read_to_string(out.join("calibration.svg")).expect("calibration.svg");
    for model in b["models"].as_object().expect("models").keys() {
        assert!(
            svg.contains(&format!(">\n{model}\n</text>")),
            "no bar label for {model}"
        );
    }
    assert_eq!(b["format"], "bargain-backtest");
    assert_eq!(b["trials_override"].as_u64(), Some(2000));
    assert_eq!(b["scenarios"].as_array().expect("scenarios").len(), 2);
    assert_eq!(b["skipped"].as_array().expect("skipped").len(), 1);
    let far = &b["scenarios"][1];
    assert_eq!(far["name"], "far-above");
    let nash = &far["models"]["nash"];
    assert_eq!(nash["percentile"].as_f64(), Some(1.0));
    assert_eq!(nash["in_90"], false);
    // Far outside the support, the CRPS is about the distance to the deals.
    let crps = nash["crps"].as_f64().expect("crps");
    let median = nash["median"].as_f64().expect("median");
    assert!(
        (crps - (5.0 - median)).abs() < 0.1,
        "crps {crps}, median {median}"
    );
    let cal = &b["models"]["nash"];
    assert_eq!(cal["scenarios"].as_u64(), Some(2));
    assert_eq!(cal["pit"].as_array().expect("pit").len(), 2);
    let near = b["scenarios"][0]["models"]["nash"]["crps"]
        .as_f64()
        .expect("crps");
    assert!(near < crps);
}

#[test]
fn backtest_of_the_shipped_scenarios_runs() {
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("bt");
    let o = bargain(&[
        "backtest",
        scenarios,
        "--trials",
        "1000",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let b = json(&out.join("backtest.json"));
    let names: Vec<&str> = b["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"sma-2019"), "{names:?}");
}

#[test]
fn nothing_observed_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = tmp.path().join("x.toml");
    std::fs::write(&f, scenario("plain", None)).expect("write");
    let o = bargain(&[
        "backtest",
        f.to_str().expect("utf8"),
        "--out",
        tmp.path().join("bt").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
}
