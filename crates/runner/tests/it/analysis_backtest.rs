//! End-to-end tests of `bargain backtest`.

use crate::common;
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
    // The package scenarios are scored, not skipped: three issues per model.
    let packages = b["packages"].as_array().expect("packages");
    let p = packages
        .iter()
        .find(|p| p["name"] == "sma-2019-package")
        .expect("sma-2019-package");
    assert_eq!(p["observed"]["amount"], 1.0389);
    assert!(packages.iter().any(|p| p["name"] == "sma-2014-package"));
    for (model, m) in p["models"].as_object().expect("models") {
        let kinds: Vec<&str> = m["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .filter_map(|i| i["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["number", "integer", "choice"], "{model}");
    }
    let skipped = b["skipped"].to_string();
    assert!(!skipped.contains("sma-2019-package"), "{skipped}");
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

/// A package with fixed inputs: both parties want escalation `a`; on the term they are
/// opposed and linear, so the Nash product (reservations 0) is 0.5·1, 0.75², 1·0.5 for
/// terms 1, 2, 3: every trial's `nash` deal is (term 2, a).
const PACKAGE: &str = r#"
[scenario]
name = "tiny-package"
[run]
trials = 40
seed = 1
models = ["agents", "nash"]
[protocol]
max_rounds = 6
first_mover = "us"
[issues.term]
kind = "integer"
lo = 1
hi = 3
[issues.escalation]
kind = "choice"
values = ["a", "b"]
[parties.us]
strategy = { kind = "time-based", preset = "linear" }
[parties.us.utility]
weights = { term = 0.5, escalation = 0.5 }
term = "increasing"
escalation = { table = { a = 1.0, b = 0.0 } }
reservation = 0.0
[parties.kr]
strategy = { kind = "time-based", preset = "linear" }
[parties.kr.utility]
weights = { term = 0.5, escalation = 0.5 }
term = "decreasing"
escalation = { table = { a = 1.0, b = 0.0 } }
reservation = 0.0
[observed]
term = 1
escalation = "a"
"#;

#[test]
fn backtest_scores_a_package_issue_by_issue() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("scenarios");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("p.toml"), PACKAGE).expect("write");
    let out = tmp.path().join("bt");
    let o = bargain(&[
        "backtest",
        dir.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("tiny-package (package) — observed"),
        "{stdout}"
    );
    let b = json(&out.join("backtest.json"));
    assert_eq!(b["scenarios"].as_array().map(Vec::len), Some(0));
    assert!(b["package_methods"]["log_score"].is_string());
    let p = &b["packages"][0];
    assert_eq!(p["name"], "tiny-package");
    assert_eq!(p["observed"]["term"], 1);
    assert_eq!(p["observed"]["escalation"], "a");
    // nash: all 40 trials agree on (2, a). Term 1 got no deal: the floor 1/(2·40).
    let nash = &p["models"]["nash"];
    assert_eq!(nash["deals"], 40);
    assert_eq!(nash["deal_rate"], 1.0);
    let term = &nash["issues"][0];
    assert_eq!(term["issue"], "term");
    assert_eq!(term["kind"], "integer");
    assert_eq!(term["probability"], 0.0);
    assert_eq!(term["log_score"].as_f64(), Some((1.0f64 / 80.0).ln()));
    let esc = &nash["issues"][1];
    assert_eq!(esc["probability"], 1.0);
    assert_eq!(esc["log_score"], 0.0);
    assert!(esc.get("percentile").is_none());
    // agents: the same trials as `bargain run` (the package run's tally): the shares
    // equal the run summary's counts.
    let run_out = tmp.path().join("run");
    let o = bargain(&[
        "run",
        dir.join("p.toml").to_str().expect("utf8"),
        "--out",
        run_out.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = json(&run_out.join("summary.json"));
    let agents = &summary["models"]["agents"];
    let deals = agents["outcomes"]["deal"].as_f64().expect("deals");
    assert!(deals > 0.0);
    let a = agents["issues"]["escalation"]["counts"]["a"]
        .as_f64()
        .expect("count");
    let scored = &p["models"]["agents"];
    assert_eq!(scored["deals"].as_f64(), Some(deals));
    assert_eq!(scored["issues"][1]["probability"].as_f64(), Some(a / deals));
}

#[test]
fn issue_scores_match_a_hand_computation() {
    use bargain_core::package::space::Issue;
    use bargain_runner::analysis::backtest::score_issue;
    use bargain_runner::scenario::issues::ObservedValue;
    // Integer 1..=5, deals per value [3, 1, 0, 0, 0] (4 deals).
    let term = Issue::integer("term", 1, 5);
    let counts = [3, 1, 0, 0, 0];
    let s = score_issue(&term, &counts, &ObservedValue::Integer(1));
    assert_eq!(s.probability, Some(0.75));
    assert_eq!(s.log_score, Some(0.75f64.ln()));
    // A value no deal took: probability 0, log score ln(1/(2·4)).
    let s = score_issue(&term, &counts, &ObservedValue::Integer(3));
    assert_eq!(s.probability, Some(0.0));
    assert_eq!(s.log_score, Some((0.125f64).ln()));
    assert_eq!((s.percentile, s.in_50), (None, None));
    // Choice: 1 of 4 deals took `b`.
    let esc = Issue::choice("escalation", &["a", "b", "c"]);
    let s = score_issue(&esc, &[3, 1, 0], &ObservedValue::Label("b".into()));
    assert_eq!(s.probability, Some(0.25));
    assert_eq!(s.log_score, Some(0.25f64.ln()));
    // Number on the grid 0, 0.25, 0.5, 0.75, 1 with deals [1, 1, 2, 0, 0]: at 0.5,
    // 2 below and 2 tied: PIT (2 + 1)/4; p25 = sorted[round(0.75)] = 0.25,
    // p75 = sorted[round(2.25)] = 0.5, p05 = 0, p95 = sorted[round(2.85)] = 0.5.
    let amount = Issue::number("amount", 0.0, 1.0, Some(0.25));
    let counts = [1, 1, 2, 0, 0];
    let s = score_issue(&amount, &counts, &ObservedValue::Number(0.5));
    assert_eq!(s.percentile, Some(0.75));
    assert_eq!((s.in_50, s.in_90), (Some(true), Some(true)));
    assert_eq!((s.probability, s.log_score), (None, None));
    let s = score_issue(&amount, &counts, &ObservedValue::Number(0.6));
    assert_eq!(s.percentile, Some(1.0));
    assert_eq!((s.in_50, s.in_90), (Some(false), Some(false)));
    let s = score_issue(&amount, &counts, &ObservedValue::Number(0.1));
    assert_eq!(s.percentile, Some(0.25));
    assert_eq!((s.in_50, s.in_90), (Some(false), Some(true)));
    // No deals: nothing to score.
    let s = score_issue(&term, &[0; 5], &ObservedValue::Integer(1));
    assert_eq!((s.probability, s.log_score), (None, None));
}

/// Issue #25 item 3: beside the file's models, `agents-learning` is the `agents` model with
/// both parties' negotiators `learning`; it equals a run of that variant written out by
/// hand, and `--no-learning` leaves it out.
#[test]
fn backtest_scores_the_learning_strategy_beside_the_models() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a.toml");
    std::fs::write(&file, scenario("inside", Some(1.06))).expect("write");
    let run_backtest = |out: &str, extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec![
            "backtest",
            file.to_str().expect("utf8"),
            "--trials",
            "1000",
            "--out",
            out.to_str().expect("utf8"),
            "-q",
        ];
        args.extend_from_slice(extra);
        let o = bargain(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        json(&out.join("backtest.json"))
    };
    let b = run_backtest("bt", &[]);
    let models = &b["scenarios"][0]["models"];
    let learning = &models["agents-learning"];
    assert!(learning["crps"].as_f64().is_some(), "{models}");
    assert_ne!(learning["median"], models["agents"]["median"]);
    assert_eq!(
        b["models"]["agents-learning"]["scenarios"].as_u64(),
        Some(1)
    );

    // The same variant by hand: both strategies `learning`, `agents` only.
    let text = scenario("inside", Some(1.06))
        .replace(
            r#"strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }"#,
            r#"strategy = { kind = "learning" }"#,
        )
        .replace(
            r#"strategy = { kind = "time-based", preset = "linear" }"#,
            r#"strategy = { kind = "learning" }"#,
        )
        .replace(r#"models = ["agents", "nash"]"#, r#"models = ["agents"]"#);
    assert_eq!(text.matches(r#"kind = "learning""#).count(), 2);
    let variant = tmp.path().join("variant.toml");
    std::fs::write(&variant, text).expect("write");
    let by_hand = run_backtest_of(&variant, &tmp.path().join("bt-hand"));
    let hand = &by_hand["scenarios"][0]["models"]["agents"];
    for key in ["median", "crps", "percentile", "agreement_rate"] {
        assert_eq!(learning[key], hand[key], "{key}");
    }

    let without = run_backtest("bt-without", &["--no-learning"]);
    assert!(
        without["scenarios"][0]["models"]
            .get("agents-learning")
            .is_none()
    );
    assert_eq!(
        without["scenarios"][0]["models"]["agents"],
        models["agents"]
    );
}

/// `bargain backtest FILE --trials 1000 --no-learning --out OUT`, read back.
fn run_backtest_of(file: &std::path::Path, out: &std::path::Path) -> serde_json::Value {
    let o = bargain(&[
        "backtest",
        file.to_str().expect("utf8"),
        "--trials",
        "1000",
        "--no-learning",
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    json(&out.join("backtest.json"))
}
