//! `bargain replay` of a package scenario with `[[events]]` and `on_veto = "resume"`
//! (`scenarios/sma-2021-package.toml`): each replayed trial lists its events and its
//! vetoes, marks as many offers `veto` as it counts vetoes, and the vetoes of the
//! replayed trials add up to those of the run (`summary.json`), trial by trial the
//! same talks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

use crate::common::{json, ok};

const TRIALS: u64 = 24;

fn scenario() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/sma-2021-package.toml")
        .display()
        .to_string()
}

#[test]
fn package_replays_list_events_and_mark_every_veto_the_run_counted() {
    let f = scenario();
    let n = TRIALS.to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r");
    ok(&[
        "run",
        &f,
        "--trials",
        &n,
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let summary = json(&out.join("summary.json"));
    let run_vetoes = summary["models"]["agents"]["vetoes"]["mean"]
        .as_f64()
        .expect("vetoes.mean")
        * TRIALS as f64;
    let mut total = 0u64;
    let mut vetoed_trials = 0;
    for trial in 0..TRIALS {
        let r = ok(&[
            "replay",
            &f,
            "--trial",
            &trial.to_string(),
            "--trials",
            &n,
            "--model",
            "agents",
            "--json",
        ]);
        let v: Value = serde_json::from_slice(&r.stdout).expect("json");
        let vetoes = v["vetoes"].as_u64().expect("vetoes");
        let marked = v["offers"]
            .as_array()
            .expect("offers")
            .iter()
            .filter(|o| o["response"] == "veto")
            .count() as u64;
        assert_eq!(marked, vetoes, "trial {trial}: {v}");
        total += vetoes;
        vetoed_trials += u32::from(vetoes > 0);
        let events = v["events"].as_array().expect("events");
        assert_eq!(events.len(), 1, "{v}");
        let e = &events[0];
        assert_eq!(e["party"], "us");
        if e["happened"] == true {
            // It takes effect in the first round on or after its date.
            let on = e["took_effect"].as_str().expect("date");
            assert!(on >= "2021-01-20", "trial {trial}: {e}");
            assert!(e["round"].as_u64().expect("round") >= 1);
        }
        // The text says the same.
        let text = ok(&["replay", &f, "--trial", &trial.to_string(), "--trials", &n]);
        let text = String::from_utf8(text.stdout).expect("utf8");
        assert!(text.contains(&format!("vetoes: {vetoes} ")), "{text}");
        assert_eq!(
            text.matches("then vetoed by a principal").count() as u64,
            vetoes,
            "{text}"
        );
        assert!(text.contains("change of US administration"), "{text}");
    }
    assert!(
        (total as f64 - run_vetoes).abs() < 1e-9,
        "{total} vs {run_vetoes}"
    );
    assert!(vetoed_trials > 0, "the case meets vetoes");
}
