//! End-to-end tests of `bargain sensitivity`: PRCC and Sobol indices rank a decisive
//! input first in a scenario whose answer is known, and the files are written.
//!
//! The scenario: the Nash amount with equal powers is the midpoint of the zone,
//! `(r_us + r_kr) / 2`. The US reservation varies over `[0.5, 1.0]`, Korea's over a
//! sliver `[1.50, 1.51]`, and the openings and discounts (which the Nash amount ignores)
//! over wide ranges. So the US reservation decides the amount (Sobol total ≈ 1) and the
//! openings and discounts do not move it at all.

use crate::common;
use common::bargain;

use std::path::Path;

use serde_json::Value;

const KNOWN: &str = r#"
[scenario]
name = "known"
[run]
trials = 100000
seed = 3
models = ["nash", "agents"]
[protocol]
max_rounds = 6
first_mover = "us"
[parties.us]
side = "payee"
opening = { uniform = [1.6, 2.0] }
reservation = { uniform = [0.5, 1.0] }
discount = { uniform = [0.8, 1.0] }
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = { uniform = [0.2, 0.4] }
reservation = { uniform = [1.50, 1.51] }
discount = { uniform = [0.8, 1.0] }
strategy = { kind = "time-based", preset = "linear" }
"#;

fn run(dir: &Path, extra: &[&str]) -> Value {
    let file = dir.join("known.toml");
    std::fs::write(&file, KNOWN).expect("write");
    let out = dir.join("out");
    let mut args = vec![
        "sensitivity",
        file.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = bargain(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).expect("json"))
        .expect("parse")
}

fn effect<'a>(v: &'a Value, model: &str, output: &str, input: &str) -> &'a Value {
    let m = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["model"] == model)
        .expect("model");
    m[output]
        .as_array()
        .expect("effects")
        .iter()
        .find(|e| e["input"] == input)
        .expect("input")
}

#[test]
fn prcc_ranks_the_decisive_input_first() {
    let tmp = tempfile::tempdir().expect("tmp");
    let v = run(tmp.path(), &["--samples", "3000"]);
    assert_eq!(v["format"], "bargain-sensitivity");
    assert_eq!(v["samples"], 3000);
    let inputs: Vec<&str> = v["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(inputs.len(), 6);
    let decisive = effect(&v, "nash", "amount", "parties.us.reservation");
    let top = decisive["prcc"].as_f64().expect("prcc");
    assert!(top > 0.99, "PRCC of the US reservation {top}");
    for input in &inputs {
        if *input == "parties.us.reservation" {
            continue;
        }
        let p = effect(&v, "nash", "amount", input)["prcc"]
            .as_f64()
            .unwrap_or(0.0);
        assert!(p.abs() < top, "{input}: {p} ranks above the decisive input");
        if input.ends_with("opening") || input.ends_with("discount") {
            assert!(
                p.abs() < 0.1,
                "{input} does not enter the Nash amount, PRCC {p}"
            );
        }
    }
    // Every trial is a Nash deal: the deal indicator is constant, so its correlations are undefined.
    assert!(effect(&v, "nash", "deal", "parties.us.reservation")["prcc"].is_null());
    let out = tmp.path().join("out");
    for name in [
        "sensitivity.json",
        "sensitivity.csv",
        "sensitivity.html",
        "tornado.svg",
        "tornado.png",
        "scenario.toml",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let png = image::open(out.join("tornado.png")).expect("decode tornado.png");
    assert!(png.width() >= 2000);
}

#[test]
fn sobol_indices_of_the_known_scenario() {
    let tmp = tempfile::tempdir().expect("tmp");
    let v = run(
        tmp.path(),
        &["--samples", "1000", "--sobol", "--sobol-samples", "16000"],
    );
    assert_eq!(v["sobol_samples"], 16000);
    let s = &effect(&v, "nash", "amount", "parties.us.reservation")["sobol"];
    let (first, total) = (
        s["first"].as_f64().expect("first"),
        s["total"].as_f64().expect("total"),
    );
    // Var(r_us / 2) = 0.5²/48; Korea's sliver adds 0.01²/48, 1/2500 of it: S1 = ST ≈ 1.
    assert!((first - 1.0).abs() < 0.05, "S1 {first}");
    assert!((total - 1.0).abs() < 0.05, "ST {total}");
    for input in [
        "parties.us.opening",
        "parties.kr.opening",
        "parties.us.discount",
    ] {
        let t = effect(&v, "nash", "amount", input)["sobol"]["total"]
            .as_f64()
            .expect("total");
        assert!(
            t.abs() < 1e-12,
            "{input}: total index {t}, but it does not enter"
        );
    }
    let html = std::fs::read_to_string(tmp.path().join("out/sensitivity.html")).expect("html");
    assert!(html.contains("Sobol"));
}

#[test]
fn same_seed_same_json() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let va = run(a.path(), &["--samples", "2000", "--threads", "1"]);
    let vb = run(b.path(), &["--samples", "2000", "--threads", "2"]);
    assert_eq!(va, vb);
}

#[test]
fn bad_options_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("known.toml");
    std::fs::write(&file, KNOWN).expect("write");
    let f = file.to_str().expect("utf8");
    assert_eq!(
        bargain(&["sensitivity", f, "--samples", "0"]).status.code(),
        Some(2)
    );
    assert_eq!(
        bargain(&["sensitivity", f, "--model", "stahl"])
            .status
            .code(),
        Some(2)
    );
}

/// On the shipped SMA 2019 scenario (deals and no deals, the `agents` model's own draws),
/// every first-order index lies in [0, 1] within its interval, and the terminal shows
/// the Sobol columns. The scenario has about a hundred indices, many of them truly near 0,
/// so each 95% interval alone would miss 0 a few times by chance: the check uses
/// simultaneous (Bonferroni) intervals over all of them, each the reported 95% half-width
/// scaled by z(1 − 0.025/k) / 1.96.
#[test]
fn sobol_first_order_indices_of_sma_2019_lie_in_the_unit_interval() {
    let tmp = tempfile::tempdir().expect("tmp");
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml");
    let out = tmp.path().join("out");
    let o = bargain(&[
        "sensitivity",
        scenario.to_str().expect("utf8"),
        "--samples",
        "500",
        "--sobol",
        "--sobol-samples",
        "4096",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("S1 amount") && stdout.contains("ST deal"),
        "{stdout}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).expect("json"))
            .expect("parse");
    let indices: Vec<&serde_json::Value> = v["models"]
        .as_array()
        .expect("models")
        .iter()
        .flat_map(|m| {
            ["amount", "deal"]
                .into_iter()
                .flat_map(move |o| m[o].as_array().expect("effects").iter())
        })
        .filter(|e| !e["sobol"].is_null())
        .collect();
    let k = indices.len() as f64;
    let z = statrs::distribution::ContinuousCDF::inverse_cdf(
        &statrs::distribution::Normal::standard(),
        1.0 - 0.025 / k,
    );
    let widen = z / 1.96;
    let mut seen = 0;
    for m in v["models"].as_array().expect("models") {
        for output in ["amount", "deal"] {
            for e in m[output].as_array().expect("effects") {
                let s = &e["sobol"];
                if s.is_null() {
                    continue;
                }
                let (first, ci) = (
                    s["first"].as_f64().expect("first"),
                    widen * s["first_ci"].as_f64().expect("ci"),
                );
                assert!(
                    first + ci >= 0.0 && first - ci <= 1.0,
                    "{} {output} {}: S1 {first} ± {ci}",
                    m["model"],
                    e["input"]
                );
                let total = s["total"].as_f64().expect("total");
                assert!(
                    total <= 1.0 + widen * s["total_ci"].as_f64().expect("ci"),
                    "{e}"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 20, "only {seen} Sobol indices");
}
