//! Package files with dated events and vetoes that resume the talks (issue #23 on
//! packages), through the binary: no ratifiable deal until an event removes the first
//! party's floor (no lapse costs, `on_veto = "resume"`): every closed form strikes in
//! the first round on or after the event in every trial, the agents deal after it in at
//! least 95%; with `probability = 0.5` the share of deals after the event is 0.5 within
//! three Monte Carlo standard errors; the summary counts vetoes; shards merge
//! byte-identically.

use crate::common::{json, ok, write};

/// `a`'s principal ratifies no amount below 8; `b` values no amount above 5 at its
/// reservation (0.8·(1 − x/10) + 0.2 ≥ 0.55 needs x ≤ 5.6): no ratifiable deal until the
/// event of 2020-05-01 (day 121 from the start: round 4, day 121) removes the floor.
pub(crate) const FLOOR: &str = r#"[scenario]
name = "floor-package"
unit = "units"

[run]
trials = 2000
seed = 5
models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"]

[protocol]
first_mover = "a"

[calendar]
start = "2020-01-01"
expiry = "2020-12-31"
end = "2021-06-30"
round_months = 1
on_veto = "resume"

[[events]]
date = "2020-05-01"
party = "a"
set = { ratification = "none" }
probability = PROBABILITY
note = "the floor goes"

[issues.amount]
kind = "number"
lo = 0
hi = 10
step = 1

[issues.term]
kind = "integer"
lo = 1
hi = 3

[parties.a]
ratification = 8
strategy = { kind = "time-based", preset = "linear" }

[parties.a.utility]
weights = { amount = 0.8, term = 0.2 }
amount = "increasing"
term = "increasing"
reservation = { uniform = [0.0, 0.3] }

[parties.b]
strategy = { kind = "time-based", preset = "conceder" }

[parties.b.utility]
weights = { amount = 0.8, term = 0.2 }
amount = "decreasing"
term = "decreasing"
reservation = { uniform = [0.55, 0.6] }
"#;

pub(crate) const MODELS: [&str; 4] = ["agents", "nash", "kalai-smorodinsky", "max-welfare"];
/// The 1-based round of the first round on or after the event.
pub(crate) const EVENT_ROUND: u64 = 5;

/// Run `text` with `trials.csv`; the summary and, per model, the `(kind, round)` of
/// every trial.
pub(crate) fn run(text: &str) -> (serde_json::Value, Vec<Vec<(String, u64)>>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "floor.toml", text);
    let out = dir.path().join("r");
    ok(&[
        "run",
        file.to_str().expect("utf8"),
        "--quiet",
        "--trials-csv",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let rows = std::fs::read_to_string(out.join("trials.csv")).expect("rows");
    let header: Vec<&str> = rows.lines().next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).expect("column");
    let per_model = MODELS
        .iter()
        .map(|m| {
            let (k, r) = (col(&format!("{m}.kind")), col(&format!("{m}.round")));
            rows.lines()
                .skip(1)
                .map(|l| {
                    let cells: Vec<&str> = l.split(',').collect();
                    (cells[k].to_string(), cells[r].parse().unwrap_or(0))
                })
                .collect()
        })
        .collect();
    (json(&out.join("summary.json")), per_model)
}

#[test]
fn an_event_that_removes_the_floor_brings_the_deals_after_it() {
    let (s, rows) = run(&FLOOR.replace("PROBABILITY", "1"));
    for (m, trials) in MODELS.iter().zip(&rows) {
        assert_eq!(trials.len(), 2000);
        let after = trials
            .iter()
            .filter(|(k, r)| k == "deal" && *r >= EVENT_ROUND)
            .count();
        if *m == "agents" {
            assert!(after as f64 >= 0.95 * 2000.0, "{m}: {after} deals after");
            // The summary counts the agents' vetoes (`on_veto = "resume"`).
            assert!(s["models"][m]["vetoes"]["share"].as_f64().is_some(), "{m}");
        } else {
            // Every closed form strikes in the first round on or after the event.
            assert!(
                trials.iter().all(|(k, r)| k == "deal" && *r == EVENT_ROUND),
                "{m}: {:?}",
                trials
                    .iter()
                    .find(|(k, r)| k != "deal" || *r != EVENT_ROUND)
            );
            assert_eq!(s["models"][m]["vetoes"]["total"], 0, "{m}");
        }
        assert_eq!(s["models"][m]["timing"]["events"][0]["date"], "2020-05-01");
    }
}

#[test]
fn an_event_of_probability_one_half_happens_in_half_the_trials() {
    let (_, rows) = run(&FLOOR.replace("PROBABILITY", "0.5"));
    let n: f64 = 2000.0;
    let se = (0.25 / n).sqrt();
    for (m, trials) in MODELS.iter().zip(&rows) {
        let after = trials
            .iter()
            .filter(|(k, r)| k == "deal" && *r >= EVENT_ROUND)
            .count() as f64
            / n;
        // Without the event no deal is ratifiable: closed forms find no zone.
        if *m == "agents" {
            assert!(
                after <= 0.5 + 3.0 * se && after >= 0.95 * 0.5 - 3.0 * se,
                "{m}: {after}"
            );
        } else {
            assert!(
                (after - 0.5).abs() <= 3.0 * se,
                "{m}: {after} vs 0.5 ± 3·{se}"
            );
            let none = trials.iter().filter(|(k, _)| k == "no_zone").count() as f64 / n;
            assert!((after + none - 1.0).abs() < 1e-12, "{m}");
        }
    }
}

#[test]
fn package_events_shards_merge_byte_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = FLOOR.replace("PROBABILITY", "0.5").replace(
        "date = \"2020-05-01\"",
        "date = { uniform = [\"2020-03-01\", \"2020-09-01\"] }",
    );
    let file = write(dir.path(), "floor.toml", &text);
    crate::package_outputs::shards_merge_byte_identically(file.to_str().expect("utf8"), "300");
}
