//! The `attrition` model in the engine (issue 25): its own stream leaves every other
//! model's draws unchanged, replay reproduces the ensemble, the summary has its timing
//! block, replay shows the war, and a bad `obstinacy` is a located error.

use crate::common;

use bargain_core::{Model, Outcome};
use bargain_runner::ensemble::{self, Plan, Shard};
use bargain_runner::scenario::Scenario;
use bargain_runner::trial::{self, Workspace};
use common::{bargain, ok, write};
use serde_json::Value;

/// sma-2019 as shipped, with `models` and each party's `obstinacy` line (replacing the
/// shipped file's obstinacy priors).
fn sma(models: &str, obstinacy: &str) -> String {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml"),
    )
    .expect("sma-2019");
    let text: String = shipped
        .lines()
        .filter(|l| !l.starts_with("obstinacy = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let line = "models = [\"agents\", \"rubinstein\", \"stahl\", \"nash\", \"kalai-smorodinsky\", \"brw\", \"attrition\"]";
    assert!(text.contains(line), "the shipped models line");
    text.replace(line, &format!("models = {models}")).replace(
        "\nside = \"",
        &format!("\nobstinacy = {obstinacy}\nside = \""),
    )
}

/// Every trial's outcomes under `models`, in order.
fn outcomes(s: &Scenario, trials: u64) -> Vec<Vec<Outcome>> {
    let mut ws = Workspace::new();
    let mut inputs = vec![0.0; s.input_count()];
    (0..trials)
        .map(|t| {
            let mut row = Vec::new();
            trial::run_trial(
                s,
                11,
                trials,
                &s.run.models,
                t,
                &mut inputs,
                &mut ws,
                |_, _, o| {
                    row.push(*o);
                },
            );
            row
        })
        .collect()
}

#[test]
fn attrition_shifts_no_other_models_draws_and_replays_alone() {
    let obst = "{ uniform = [0.1, 0.5] }";
    let with = Scenario::parse(
        &sma(r#"["attrition", "agents", "nash"]"#, obst),
        "with.toml",
    )
    .expect("valid");
    let without =
        Scenario::parse(&sma(r#"["agents", "nash"]"#, obst), "without.toml").expect("valid");
    let after =
        Scenario::parse(&sma(r#"["agents", "attrition"]"#, obst), "after.toml").expect("valid");
    let trials = 400;
    let (a, b, c) = (
        outcomes(&with, trials),
        outcomes(&without, trials),
        outcomes(&after, trials),
    );
    let mut wars = 0;
    for t in 0..trials as usize {
        // agents and nash are the same with attrition run before them...
        assert_eq!(a[t][1..], b[t][..], "trial {t}");
        // ...and attrition is the same before or after the agents' breakdown draws.
        assert_eq!(a[t][0], c[t][1], "trial {t}");
        wars += usize::from(a[t][0].round > 1);
        // Replaying attrition alone gives the ensemble's outcome.
        let plan = Plan {
            trials,
            seed: 11,
            models: vec![Model::Attrition],
            shard: Shard::WHOLE,
        };
        let r = ensemble::replay(&with, &plan, t as u64, Model::Attrition);
        assert_eq!(r.outcome, a[t][0], "trial {t}");
        let play = r.attrition.expect("the war");
        assert_eq!(play.outcome, a[t][0]);
    }
    assert!(wars > 0, "some wars last beyond the first round");
}

#[test]
fn summary_timing_and_replay_of_attrition() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(
        dir.path(),
        "sma.toml",
        &sma(r#"["agents", "attrition"]"#, "0.3"),
    );
    let out = dir.path().join("r");
    let run = ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--trials",
        "2000",
        "--json",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let s: Value = serde_json::from_slice(&run.stdout).expect("json");
    let m = &s["models"]["attrition"];
    let rate = m["agreement_rate"].as_f64().expect("rate");
    // Both obstinate (0.3 · 0.3) never agree; most others do before the end.
    assert!(rate > 0.5 && rate < 0.95, "agreement {rate}");
    let before = m["timing"]["before_expiry"].as_f64().expect("timing");
    let lapse = m["timing"]["lapse_rate"].as_f64().expect("lapse");
    assert!(before > 0.0 && lapse > 0.0, "{before} {lapse}");
    // The replay shows the war: each side's type, the concession time and who conceded.
    let replay = ok(&[
        "replay",
        file.to_str().expect("utf-8"),
        "--trial",
        "3",
        "--trials",
        "2000",
        "--model",
        "attrition",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&replay.stdout).expect("json");
    let war = &v["attrition"];
    for key in ["us", "kr"] {
        let side = &war["sides"][key];
        assert!(
            side["type"] == "obstinate" || side["type"] == "rational",
            "{war}"
        );
        assert_eq!(side["obstinacy"], 0.3);
    }
    assert_eq!(war["time_unit"], "months");
    match v["outcome"].as_str() {
        Some("deal" | "not_ratified") => assert_eq!(war["conceded_by"], v["accepted_by"]),
        _ => assert!(war["conceded_by"].is_null()),
    }
    let text = ok(&[
        "replay",
        file.to_str().expect("utf-8"),
        "--trial",
        "3",
        "--trials",
        "2000",
        "--model",
        "attrition",
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("war of attrition"), "{text}");
}

#[test]
fn a_bad_obstinacy_is_a_located_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), "bad.toml", &sma(r#"["attrition"]"#, "1.5"));
    let out = bargain(&["validate", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("parties.") && err.contains("obstinacy"),
        "{err}"
    );
    assert!(err.contains("bad.toml:"), "{err}");
}

/// `attrition` under an event (issue #23 item 1): the payee's principal floor (1.4)
/// refuses the payer's demand (0.8) until the event of 2021-01-20 removes it; with
/// `on_veto = "resume"` every deal at 0.8 comes on or after the event's day, the payee's
/// demand (1.5) is ratified whenever it wins, and `replay --model attrition` tells the
/// event.
#[test]
fn attrition_deals_wait_for_the_event_and_replay_tells_it() {
    use bargain_core::OutcomeKind;
    let text = r#"
[scenario]
name = "floor-attrition"
[run]
trials = 300
seed = 23
models = ["attrition"]
[protocol]
first_mover = "us"
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = 1
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.5
reservation = 1.0
discount = 0.95
obstinacy = 0.3
lapse_cost = 0.01
ratification = 1.4
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.8
reservation = 1.2
discount = 0.95
obstinacy = 0.3
lapse_cost = 0.01
strategy = { kind = "time-based", preset = "linear" }
[[events]]
date = "2021-01-20"
party = "us"
set = { ratification = "none" }
note = "change of US administration"
"#;
    let s = Scenario::parse(text, "floor.toml").expect("valid");
    let event_day = (s.events()[0].days.0 - s.calendar.expect("calendar").start) as u32;
    let mut ws = Workspace::new();
    let mut inputs = vec![0.0; s.input_count()];
    let (mut low, mut high) = (0, 0);
    for t in 0..s.run.trials {
        trial::run_trial(
            &s,
            s.run.seed,
            s.run.trials,
            &s.run.models,
            t,
            &mut inputs,
            &mut ws,
            |_, n, o| {
                let cal = n.calendar.expect("calendar");
                match (o.kind, o.amount) {
                    (OutcomeKind::Deal, Some(x)) if x < 1.0 => {
                        low += 1;
                        assert!(cal.day(o.round - 1) >= event_day, "trial {t}: {o:?}");
                    }
                    (OutcomeKind::Deal, Some(_)) => high += 1,
                    (kind, _) => assert_ne!(kind, OutcomeKind::NotRatified, "trial {t}"),
                }
            },
        );
    }
    assert!(low > 30 && high > 30, "{low} {high}");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "floor.toml", text);
    let o = ok(&[
        "replay",
        file.to_str().expect("utf-8"),
        "--trial",
        "0",
        "--model",
        "attrition",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("2021-01-20") && out.contains("ratification = none"),
        "{out}"
    );
    assert!(out.contains("change of US administration"), "{out}");
}
