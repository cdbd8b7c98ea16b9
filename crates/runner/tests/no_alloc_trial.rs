//! The trial kernel the ensemble runs — `trial::run_trial`: `Scenario::sample` (every
//! distribution family, Latin hypercube, calendars) and every model's negotiation —
//! allocates nothing once a worker's `Workspace` and input buffer exist. A counting
//! global allocator proves it on every shipped scenario (and on each with obstinate
//! parties, for the `attrition` model).

use bargain_core::Model;
use bargain_runner::scenario::Scenario;
use bargain_runner::trial::{Workspace, run_trial};

#[path = "../../core/tests/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

#[test]
fn the_trial_kernel_allocates_nothing_on_every_shipped_scenario() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            !bargain_runner::scenario::issues::PackageScenario::is_package(
                &std::fs::read_to_string(p).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the shipped scenarios");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let name = file.display().to_string();
        let mut scenarios = vec![Scenario::parse(&text, &name).expect("parse")];
        // The same file under the other sampler.
        let lhs = text.replace("sampler = \"monte-carlo\"", "sampler = \"latin-hypercube\"");
        if lhs != text {
            scenarios.push(Scenario::parse(&lhs, &name).expect("parse"));
        }
        // With uncertain obstinacy on both sides: the `attrition` model's war is fought
        // (files that state their own obstinacy priors fight it as shipped).
        let obstinate = if text.contains("\nobstinacy = ") {
            text.clone()
        } else {
            text.replace(
                "\nside = \"",
                "\nobstinacy = { uniform = [0.1, 0.5] }\nside = \"",
            )
        };
        if obstinate != text {
            scenarios.push(Scenario::parse(&obstinate, &name).expect("parse"));
        }
        // Both sides learning (the `learning` strategy at its largest hypothesis space).
        let learning: String = text
            .lines()
            .map(|l| {
                if l.starts_with("strategy = ") {
                    "strategy = { kind = \"learning\", hypotheses = 64 }\n".to_owned()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        if learning.trim_end() != text.trim_end() {
            scenarios.push(Scenario::parse(&learning, &name).expect("parse"));
        }
        for scenario in &scenarios {
            let models = Model::ALL;
            let mut inputs = vec![0.0; scenario.input_names().len()];
            let mut ws = Workspace::new();
            let trials = 4000;
            let mut deals = 0u64;
            // Warm-up: the workspace's caches fill on first use (fixed capacity).
            for t in 0..200 {
                run_trial(
                    scenario,
                    7,
                    trials,
                    &models,
                    t,
                    &mut inputs,
                    &mut ws,
                    |_, _, _| {},
                );
            }
            let before = allocations();
            for t in 200..trials {
                run_trial(
                    scenario,
                    7,
                    trials,
                    &models,
                    t,
                    &mut inputs,
                    &mut ws,
                    |_, _, o| {
                        deals += u64::from(o.is_deal());
                    },
                );
            }
            let after = allocations();
            assert!(deals > 0, "{name}");
            assert_eq!(after - before, 0, "{name}: the trial kernel allocated");
        }
    }
}

/// `[context]`, expressions and `[[correlation]]` (issue #23): context quantities drawn
/// into a stack array, expressions evaluated from it, the copula's normals on the stack.
const LINKED: &str = r#"[scenario]
name = "linked"

[run]
trials = 4000
sampler = "monte-carlo"

[context]
fx = { normal = [1150, 25] }
troops = { choice = [28500, 24000] }

[protocol]
max_rounds = 12
first_mover = "us"

[parties.us]
side = "payee"
opening = "1.6 * fx / 1000"
reservation = "min(1.2 * fx / 1000 * troops / 28500, 1.5)"
discount = { uniform = [0.95, 0.99] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear"] } }

[parties.kr]
side = "payer"
opening = 0.9
reservation = { uniform = [1.2, 1.5] }
strategy = { kind = "time-based", preset = "conceder" }

[[correlation]]
between = ["context.fx", "parties.kr.reservation"]
rank = 0.5

[[correlation]]
between = ["parties.us.discount", "parties.us.strategy.preset"]
rank = -0.3
"#;

/// Trials 200 … 3999 of `scenario` (seed 7, 4,000 trials) after 200 of warm-up: at
/// least one deal, and no allocation.
fn assert_trials_allocate_nothing(scenario: &Scenario, models: &[Model], label: &str) {
    let mut inputs = vec![0.0; scenario.input_count()];
    let mut ws = Workspace::new();
    let mut deals = 0u64;
    let mut run = |t: u64, deals: &mut u64| {
        run_trial(
            scenario,
            7,
            4000,
            models,
            t,
            &mut inputs,
            &mut ws,
            |_, _, o| *deals += u64::from(o.is_deal()),
        );
    };
    for t in 0..200 {
        run(t, &mut deals);
    }
    let before = allocations();
    for t in 200..4000 {
        run(t, &mut deals);
    }
    let after = allocations();
    assert!(deals > 0, "{label}");
    assert_eq!(after - before, 0, "{label}: the trial kernel allocated");
}

#[test]
fn context_expressions_and_correlations_allocate_nothing_per_trial() {
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let text = LINKED.replace("monte-carlo", sampler);
        let scenario = Scenario::parse(&text, "linked.toml").expect("parse");
        let models = Model::ALL;
        assert_trials_allocate_nothing(&scenario, &models, sampler);
    }
}

/// A dated event that shifts a `[context]` quantity which both reservations read (the
/// timeline's draw re-evaluates the expressions per trial), under both samplers.
const CONTEXT_EVENT: &str = r#"
[scenario]
name = "fx-event"
[run]
trials = 4000
sampler = "monte-carlo"
models = ["agents", "rubinstein", "nash", "attrition"]
[protocol]
first_mover = "us"
[context]
fx = { uniform = [1150, 1250] }
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = { uniform = [0.8, 1.2] }
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.6
reservation = "1.2 * fx / 1000"
obstinacy = 0.2
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
[parties.kr]
side = "payer"
opening = 0.8
reservation = "fx / 1000 - 0.05"
obstinacy = 0.2
strategy = { kind = "time-based", preset = "linear" }
[[events]]
date = { uniform = ["2020-09-01", "2021-06-01"] }
probability = 0.7
shift = { context.fx = { uniform = [-400, -300] } }
"#;

#[test]
fn events_that_change_the_context_allocate_nothing_per_trial() {
    for sampler in ["monte-carlo", "latin-hypercube"] {
        let text = CONTEXT_EVENT.replace("monte-carlo", sampler);
        let scenario = Scenario::parse(&text, "fx.toml").expect("parse");
        assert!(scenario.has_timeline());
        let models = scenario.run.models.clone();
        assert_trials_allocate_nothing(&scenario, &models, sampler);
    }
}
