//! `bargain run` on package scenarios: the summary's agreements equal core's package
//! negotiator and solutions run directly, and do not depend on the thread count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};

use bargain_core::package::aspiration::{AspirationNegotiator, negotiate};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::tactics::Tactic;
use bargain_runner::scenario::issues::PackageScenario;
use common::{bargain, ok};
use serde_json::Value;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/genius")
        .join(name)
        .display()
        .to_string()
}

fn tmp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("bargain-package-run-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The label with a count of 1 in `counts` (one trial).
fn only(counts: &Value) -> String {
    let m = counts["counts"].as_object().unwrap();
    let hit: Vec<&String> = m
        .iter()
        .filter(|(_, n)| n.as_u64() == Some(1))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(hit.len(), 1, "{counts}");
    hit[0].clone()
}

#[test]
fn genius_trade_run_matches_core() {
    let dir = tmp("trade");
    let file = dir.join("trade.toml");
    ok(&[
        "import",
        "genius",
        &data("trade_domain.xml"),
        &data("trade_exporter.xml"),
        &data("trade_importer.xml"),
        "--out",
        &file.display().to_string(),
    ]);
    let checked = ok(&["validate", &file.display().to_string()]);
    assert!(String::from_utf8_lossy(&checked.stdout).starts_with("ok: "));
    let rep = dir.join("rep");
    let out = ok(&[
        "run",
        &file.display().to_string(),
        "--out",
        &rep.display().to_string(),
        "--json",
        "--quiet",
    ]);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = common::json(&rep.join("summary.json"));
    assert_eq!(printed, summary);
    assert!(rep.join("scenario.toml").is_file());
    let deal = |model: &str| {
        let m = &summary["models"][model];
        assert_eq!(m["outcomes"]["deal"], 1, "{m}");
        ["quota", "tariff-rate", "dispute-resolution"].map(|k| only(&m["issues"][k]))
    };
    // The brute-force optima of tests/it/import_genius.rs.
    assert_eq!(deal("nash"), ["low", "0%", "WTO panel"]);
    assert_eq!(deal("kalai-smorodinsky"), ["mid", "0%", "bilateral"]);
    assert_eq!(deal("max-welfare"), ["low", "10%", "WTO panel"]);

    // agents: core's negotiator on the profiles, run here directly.
    let s = PackageScenario::from_path(&file).unwrap();
    let t = s.central();
    let [a, b] = &t.parties;
    let sa = SortedOutcomes::new(s.space(), &a.preferences).unwrap();
    let sb = SortedOutcomes::new(s.space(), &b.preferences).unwrap();
    let (Tactic::TimeBased(ca), Tactic::TimeBased(cb)) = (a.tactic, b.tactic) else {
        panic!("imported GENIUS parties are time-based");
    };
    let d = negotiate(
        AspirationNegotiator::new(&sa, a.preferences.reservation, t.max_rounds, ca),
        AspirationNegotiator::new(&sb, b.preferences.reservation, t.max_rounds, cb),
        None,
    )
    .expect("a deal");
    let want = [0, 1, 2].map(|j| s.space().value(d.outcome, j).to_string());
    assert_eq!(deal("agents"), want);
    let m = &summary["models"]["agents"];
    assert_eq!(m["round"]["mean"].as_f64(), Some(f64::from(d.step + 1)));
    assert_eq!(m["utility"]["a"].as_f64(), Some(sa.utility(d.outcome)));
    assert_eq!(m["utility"]["b"].as_f64(), Some(sb.utility(d.outcome)));

    // replay: the same agreement and round, offer by offer.
    let f = file.display().to_string();
    let replay = |model: &str| -> Value {
        let out = ok(&["replay", &f, "--trial", "0", "--model", model, "--json"]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = replay("agents");
    assert_eq!(r["outcome"], "deal");
    assert_eq!(r["round"].as_u64(), Some(u64::from(d.step + 1)));
    let agreed = ["quota", "tariff-rate", "dispute-resolution"]
        .map(|k| r["agreement"][k].as_str().unwrap().to_owned());
    assert_eq!(agreed, want);
    let offers = r["offers"].as_array().unwrap();
    let last = offers.last().unwrap();
    assert_eq!(last["response"], "accept");
    assert_eq!(last["agreement"], r["agreement"]);
    assert_ne!(last["by"], r["accepted_by"]);
    assert!(
        offers[..offers.len() - 1]
            .iter()
            .all(|o| o["response"] == "counter")
    );
    assert_eq!(r["utility"]["a"].as_f64(), Some(sa.utility(d.outcome)));
    let n = replay("nash");
    assert_eq!(
        (n["round"].clone(), n["offers"].as_array().unwrap().len()),
        (Value::Null, 0)
    );
    assert_eq!(n["agreement"]["quota"], "low");
    let bad = bargain(&["replay", &f, "--trial", "0", "--model", "stahl"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = bargain(&["replay", &f, "--trial", "1", "--model", "nash"]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

const UNCERTAIN: &str = r#"[scenario]
name = "uncertain-package"

[run]
trials = 300
seed = 11
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]

[protocol]
max_rounds = { choice = [10, 30] }
first_mover = "us"

[issues.amount]
kind = "number"
lo = 0.9
hi = 1.6
step = 0.05

[issues.term]
kind = "integer"
lo = 1
hi = 5

[issues.escalation]
kind = "choice"
values = ["none", "cpi-cap-4", "defense-budget"]

[parties.kr]
strategy = { kind = "time-based", preset = { choice = ["boulware", "conceder"] } }

[parties.kr.utility]
weights = { amount = 0.5, term = 0.3, escalation = 0.2 }
amount = "decreasing"
term = { points = [[1, 0.0], [3, 0.8], [5, 1.0]] }
escalation = { table = { none = 1.0, cpi-cap-4 = 0.5, defense-budget = 0.0 } }
reservation = { uniform = [0.2, 0.4] }

[parties.us]
power = { uniform = [0.5, 2.0] }
strategy = { kind = "time-based", preset = "boulware" }

[parties.us.utility]
weights = { amount = { uniform = [0.5, 0.7] }, term = 0.25, escalation = 0.15 }
amount = "increasing"
term = { points = [[1, 1.0], [5, 0.0]] }
escalation = { table = { none = 0.2, cpi-cap-4 = { uniform = [0.5, 0.7] }, defense-budget = 1.0 } }
reservation = { uniform = [0.3, 0.4] }
"#;

#[test]
fn summaries_do_not_depend_on_threads() {
    let dir = tmp("threads");
    let file = common::write(&dir, "u.toml", UNCERTAIN);
    let f = file.display().to_string();
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let rep = dir.join(format!("rep{threads}"));
        // 4500 trials: two chunks of 4096, merged in order.
        ok(&[
            "run",
            &f,
            "--out",
            &rep.display().to_string(),
            "--threads",
            threads,
            "--trials",
            "4500",
            "--quiet",
        ]);
        texts.push(std::fs::read_to_string(rep.join("summary.json")).unwrap());
    }
    assert_eq!(texts[0], texts[1]);
    let s: Value = serde_json::from_str(&texts[0]).unwrap();
    for model in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let m = &s["models"][model];
        let deals = m["outcomes"]["deal"].as_u64().unwrap();
        assert!(deals > 0 && deals <= 4500, "{model}: {m}");
        let counts: u64 = m["issues"]["escalation"]["counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(counts, deals);
        let amount = &m["issues"]["amount"];
        assert!(amount["min"].as_f64().unwrap() >= 0.9 && amount["max"].as_f64().unwrap() <= 1.6);
    }
    // The `amount` block (the one-issue statistics, from the engine's histogram) agrees
    // with the amount issue's exact statistics: the same mean, extremes and standard
    // deviation, and quantiles within the stated error bound.
    let (block, exact) = (
        &s["models"]["nash"]["amount"],
        &s["models"]["nash"]["issues"]["amount"],
    );
    let f = |v: &Value| v.as_f64().unwrap();
    for k in ["min", "max"] {
        assert_eq!(block[k], exact[k], "{k}");
    }
    for k in ["mean", "sd"] {
        assert!(
            (f(&block[k]) - f(&exact[k])).abs() < 1e-9,
            "{k}: {block} {exact}"
        );
    }
    let bound = f(&block["quantile_error_bound"]);
    for k in ["p05", "p50", "p95"] {
        let (q, e) = (f(&block["quantiles"][k]), f(&exact[k]));
        assert!((q - e).abs() <= bound, "{k}: {q} vs {e} (bound {bound})");
    }
    // Different trials, different agreements: the distributions are drawn.
    assert_ne!(
        s["models"]["nash"]["issues"]["amount"]["sd"].as_f64(),
        Some(0.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn models_without_a_package_meaning_are_refused() {
    let dir = tmp("refused");
    let text = UNCERTAIN.replace("models = [\"agents\",", "models = [\"attrition\",");
    let file = common::write(&dir, "r.toml", &text);
    let run = bargain(&[
        "run",
        &file.display().to_string(),
        "--out",
        &dir.join("rep").display().to_string(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("r.toml:7:11: run.models[0]: expected one of `agents`, `nash`, `kalai-smorodinsky`, `max-welfare`, `rubinstein`, `stahl`, `brw` for a package scenario, found `attrition` (it has no meaning on packages yet)"), "{err}");
    assert!(!dir.join("rep").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shipped SMA 2019 package (amount × term × escalation) validates and runs: every
/// model reports each issue; the closed forms agree in every trial (the reservations
/// leave rational packages); per trial max-welfare maximizes the sum of utilities, so its
/// mean sum is at least Nash's; summaries name every escalation label.
#[test]
fn the_shipped_sma_2019_package_runs() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019-package.toml");
    let f = file.to_str().unwrap();
    ok(&["validate", f]);
    let out = tmp("sma-2019-package");
    let dest = out.join("r");
    ok(&[
        "run",
        f,
        "--trials",
        "3000",
        "-q",
        "--out",
        dest.to_str().unwrap(),
    ]);
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(dest.join("summary.json")).unwrap()).unwrap();
    let sum = |m: &str| {
        let u = &s["models"][m]["utility"];
        u["us"].as_f64().unwrap() + u["kr"].as_f64().unwrap()
    };
    for m in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let issues = &s["models"][m]["issues"];
        let term = issues["term"]["p50"].as_f64().unwrap();
        assert!((1.0..=5.0).contains(&term), "{m}: term {term}");
        let amount = issues["amount"]["p50"].as_f64().unwrap();
        assert!((0.9..=1.6).contains(&amount), "{m}: amount {amount}");
        let counts = issues["escalation"]["counts"].as_object().unwrap();
        for label in ["none", "cpi-cap-4", "defense-budget"] {
            assert!(counts.contains_key(label), "{m}: {label}");
        }
    }
    for m in ["nash", "kalai-smorodinsky", "max-welfare"] {
        assert_eq!(s["models"][m]["agreement_rate"].as_f64(), Some(1.0), "{m}");
    }
    assert!(sum("max-welfare") >= sum("nash") - 1e-12);
    assert!(sum("max-welfare") >= sum("kalai-smorodinsky") - 1e-12);
    let _ = std::fs::remove_dir_all(out);
}

/// A package file with a Faratin and a hardliner party runs; its report has the
/// negotiation dance in utility space, whose first trial's offers are the ones
/// `bargain replay --model agents` prints (one filled marker per offer, in each party's
/// colour), and the HTML page shows it.
#[test]
fn faratin_and_hardliner_run_and_dance() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/packages/faratin-hardliner.toml");
    let file = file.display().to_string();
    let checked = ok(&["validate", &file]);
    assert!(String::from_utf8_lossy(&checked.stdout).starts_with("ok: "));
    let dir = tmp("dance");
    let rep = dir.join("rep");
    ok(&["run", &file, "--out", &rep.display().to_string(), "--quiet"]);
    let summary = common::json(&rep.join("summary.json"));
    let agents = &summary["models"]["agents"];
    // The hardliner (seller) never moves: every deal is at its best package.
    assert!(agents["outcomes"]["deal"].as_u64().unwrap() > 0, "{agents}");
    assert_eq!(agents["issues"]["price"]["min"].as_f64(), Some(20.0));
    assert_eq!(agents["issues"]["delivery"]["min"].as_f64(), Some(6.0));
    let seller = agents["utility"]["seller"].as_f64().unwrap();
    assert!((seller - 1.0).abs() < 1e-12, "{seller}");
    for f in ["dance.svg", "dance.png"] {
        assert!(rep.join(f).is_file(), "{f}");
    }
    let svg = std::fs::read_to_string(rep.join("dance.svg")).unwrap();
    assert!(svg.contains("negotiation dance in utility space"));
    assert!(svg.contains("Seller (hardliner) offers") && svg.contains("Buyer (faratin) offers"));
    let replay = ok(&[
        "replay", &file, "--trial", "0", "--model", "agents", "--json",
    ]);
    let v: Value = serde_json::from_slice(&replay.stdout).unwrap();
    let offers = v["offers"].as_array().unwrap();
    // Trial 0 is drawn in the parties' full colours (#0072B2 first, #D55E00 second).
    for (key, colour) in [("seller", "#0072B2"), ("buyer", "#D55E00")] {
        let want = offers.iter().filter(|o| o["by"] == key).count();
        let got = svg
            .match_indices("<circle")
            .filter(|(i, _)| {
                let tag = &svg[*i..svg[*i..].find('>').map_or(svg.len(), |e| i + e)];
                tag.contains(&format!("fill=\"{colour}\""))
            })
            .count();
        assert!(want > 0);
        assert_eq!(got, want, "{key}: one marker per offer");
    }
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains("<code>dance.svg</code>") && html.contains("negotiation dance"));
}
