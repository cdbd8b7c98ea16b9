//! The agents' outcomes by negotiator-type pair add up to the run's own counts.

use std::sync::atomic::AtomicBool;

use bargain_runner::ensemble::Shard;
use bargain_runner::pairs::by_strategy_pair;
use bargain_runner::pipeline::{self, Loaded, Overrides};
use bargain_runner::scenario::Scenario;

#[test]
fn pair_counts_add_up_to_the_runs_outcomes() {
    let text = bargain_runner::commands::session::BUILTIN_TEXT.to_string();
    let scenario = Scenario::parse(&text, "sma-2019.toml").expect("parse");
    let loaded = Loaded {
        scenario,
        origin: "sma-2019.toml".into(),
        text,
    };
    let overrides = Overrides {
        trials: Some(3000),
        seed: None,
    };
    let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
    let cancel = AtomicBool::new(false);
    let finished = pipeline::execute(&loaded, plan.clone(), &|_| {}, &cancel, None).expect("run");
    let table = by_strategy_pair(&loaded.scenario, &plan, 10_000).expect("pairs vary");
    assert_eq!(table.sampled, 3000);
    // Three presets each side: nine pairs.
    assert_eq!(table.rows.len(), 9);
    assert!(
        table
            .rows
            .iter()
            .all(|r| r.payee.starts_with("time-based "))
    );
    let agents = &finished.summary.models["agents"];
    for (k, kind) in bargain_core::OutcomeKind::ALL.iter().enumerate() {
        let total: u64 = table.rows.iter().map(|r| r.outcomes[k]).sum();
        assert_eq!(
            total,
            agents.outcomes.get(kind.as_str()).copied().unwrap_or(0),
            "{kind:?}"
        );
    }
    assert_eq!(table.rows.iter().map(|r| r.trials).sum::<u64>(), 3000);
}
