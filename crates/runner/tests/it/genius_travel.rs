//! NegMAS parity on a public GENIUS domain, end to end: ANAC 2010 Travel (188,160
//! outcomes, `tests/data/genius/travel/`) imported with `bargain import genius` reads
//! exactly the tables of core's NegMAS reference (`negmas-genius-travel.json`, profiles
//! `genius-a`/`genius-b`), and `bargain replay` of the imported scenario with
//! `max_rounds = 80`, `a` (chox, first) `conceder` and `b` (fanny) `linear` makes NegMAS's
//! offers (the proposer's utility bit for bit; among exact ties the outcome may differ,
//! see docs/negmas-multi-issue.md) and reaches its agreement in its round.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;

use bargain_core::package::preferences::ValueFunction;
use bargain_runner::scenario::issues::PackageScenario;
use common::bargain;
use serde_json::Value;

fn travel(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/genius/travel")
        .join(name)
        .display()
        .to_string()
}

fn reference() -> Value {
    let text = include_str!("../../../core/tests/data/negmas-genius-travel.json");
    serde_json::from_str(text).expect("JSON")
}

/// A fresh directory for test `name`, removed when the returned guard drops.
fn tmp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("bargain-genius-travel-{name}-"))
        .tempdir()
        .unwrap()
}

/// `bargain import genius` on the Travel files, 80 rounds: the scenario's text.
fn import(dir: &Path) -> String {
    let out = dir.join("travel.toml");
    let o = out.display().to_string();
    let (d, a, b) = (
        travel("travel_domain.xml"),
        travel("travel_chox.xml"),
        travel("travel_fanny.xml"),
    );
    let run = bargain(&[
        "import", "genius", &d, &a, &b, "--out", &o, "--rounds", "80",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn imported_travel_has_the_negmas_references_tables_bit_for_bit() {
    let guard = tmp("tables");
    let dir = guard.path().to_path_buf();
    let text = import(&dir);
    let s = PackageScenario::parse(&text, "travel.toml").unwrap();
    assert_eq!(s.space().len(), 188_160);
    let r = reference();
    let issues = r["domain"]["issues"].as_array().unwrap();
    for (issue, want) in s.space().issues().iter().zip(issues) {
        assert_eq!(
            issue.kind,
            bargain_core::package::space::IssueKind::Choice {
                labels: want["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect()
            }
        );
    }
    let trial = s.central();
    for (k, party) in ["a", "b"].iter().enumerate() {
        let want = &r["profiles"][format!("genius-{party}")];
        let prefs = &trial.parties[k].preferences;
        let bits = |v: &Value| v.as_f64().unwrap().to_bits();
        let weights: Vec<u64> = prefs.utility.weights.iter().map(|w| w.to_bits()).collect();
        let want_weights: Vec<u64> = want["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(bits)
            .collect();
        assert_eq!(weights, want_weights, "weights of {party}");
        for (j, (f, t)) in prefs
            .utility
            .values
            .iter()
            .zip(want["tables"].as_array().unwrap())
            .enumerate()
        {
            let ValueFunction::Table(ours) = f else {
                panic!("issue {j} of {party} is not a table")
            };
            let ours: Vec<u64> = ours.iter().map(|x| x.to_bits()).collect();
            let theirs: Vec<u64> = t.as_array().unwrap().iter().map(bits).collect();
            assert_eq!(ours, theirs, "table {j} of {party}");
        }
        assert_eq!(prefs.reservation, want["reservation"].as_f64().unwrap());
    }
}

#[test]
fn replaying_imported_travel_conceder_against_linear_reproduces_negmas() {
    let guard = tmp("replay");
    let dir = guard.path().to_path_buf();
    let text = import(&dir);
    let boulware = "strategy = { kind = \"time-based\", preset = \"boulware\" }";
    assert_eq!(text.matches(boulware).count(), 2);
    let text = text
        .replacen(boulware, &boulware.replace("boulware", "conceder"), 1)
        .replacen(boulware, &boulware.replace("boulware", "linear"), 1);
    let file = common::write(&dir, "travel-cl.toml", &text);
    let f = file.display().to_string();
    let run = bargain(&["replay", &f, "--trial", "0", "--json"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let got: Value = serde_json::from_slice(&run.stdout).unwrap();

    let r = reference();
    let neg = &r["negotiations"][0];
    assert_eq!(neg["scale"], "genius");
    assert_eq!(neg["n_steps"], 80);
    assert_eq!(neg["parties"][0]["profile"], "genius-a");
    assert_eq!(neg["parties"][0]["aspiration"], "conceder");
    assert_eq!(neg["parties"][1]["aspiration"], "linear");
    let want = neg["offers"].as_array().unwrap();
    let offers = got["offers"].as_array().unwrap();
    assert_eq!(offers.len(), want.len());
    for (k, (o, w)) in offers.iter().zip(want).enumerate() {
        let by = w["by"].as_u64().unwrap() as usize;
        let party = ["a", "b"][by];
        assert_eq!(o["by"], party, "offer {k}");
        let ours = o["utility"][party].as_f64().unwrap();
        let theirs = w["utilities"][by].as_f64().unwrap();
        assert_eq!(
            ours.to_bits(),
            theirs.to_bits(),
            "offer {k}: {ours} vs {theirs}"
        );
    }
    // The agreement, by label, and its 1-based round.
    let s = PackageScenario::parse(&text, "travel-cl.toml").unwrap();
    let deal = &neg["agreement"];
    let outcome = u32::try_from(deal["outcome"].as_u64().unwrap()).unwrap();
    assert_eq!(got["outcome"], "deal");
    assert_eq!(got["round"], deal["step"].as_u64().unwrap() + 1);
    for (j, issue) in s.space().issues().iter().enumerate() {
        assert_eq!(
            got["agreement"][&issue.key],
            s.space().value(outcome, j).to_string(),
            "issue {}",
            issue.key
        );
    }
}
