//! Lists that must name every model, outcome kind and negotiator preset: a new variant
//! in core that one of them misses fails here instead of drifting silently.

use bargain_core::{Model, OutcomeKind};
use bargain_scenario::Scenario;

const BASE: &str = r#"
[scenario]
name = "toy"
title = "toy"
unit = "bn"
[protocol]
max_rounds = 10
first_mover = "us"
[parties.us]
side = "payee"
opening = 2.0
reservation = 1.0
strategy = { kind = "time-based", preset = "boulware" }
[parties.kr]
side = "payer"
opening = 0.5
reservation = 1.5
strategy = { kind = "time-based", preset = "linear" }
"#;

#[test]
fn the_schema_lists_every_model_and_every_model_parses() {
    let schema = Scenario::json_schema();
    let listed: Vec<&str> = schema["$defs"]["ModelName"]["enum"]
        .as_array()
        .expect("ModelName enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let all: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(listed, all);
    for m in Model::ALL {
        let text = format!("{BASE}\n[run]\nmodels = [\"{}\"]\n", m.as_str());
        let s = Scenario::parse(&text, "toy.toml")
            .unwrap_or_else(|e| panic!("model {} does not parse:\n{e}", m.as_str()));
        assert_eq!(s.run.models, [m]);
    }
}

#[test]
fn outcome_kinds_have_distinct_names_and_indices() {
    let mut names: Vec<&str> = OutcomeKind::ALL.iter().map(|k| k.as_str()).collect();
    let idx: Vec<usize> = OutcomeKind::ALL.iter().map(|k| k.index()).collect();
    assert_eq!(idx, (0..OutcomeKind::ALL.len()).collect::<Vec<_>>());
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), OutcomeKind::ALL.len());
}
