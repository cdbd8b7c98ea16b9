//! The engine's run with one party's negotiator supplied by the caller
//! (`ensemble::custom`, what the Python package's `strategies=` runs on): the same
//! protocol, trial kernel and accumulators as the ensemble.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::AtomicBool;

use bargain_core::strategy::{Action, AnyStrategy, MoveContext, Setup, Strategy};
use bargain_core::{Preset, Side, StrategySpec};
use bargain_runner::ensemble::custom::{self, CustomError, Negotiator};
use bargain_runner::ensemble::{self, Accumulated, Hooks, Plan, Shard};
use bargain_runner::pipeline::{self, Overrides};
use bargain_runner::scenario::{Override, Scenario};

/// A built-in strategy handed in as the caller's, rebuilt each trial; fails on demand.
struct Wrapped {
    spec: StrategySpec,
    strategy: Option<AnyStrategy>,
    started: Vec<u64>,
    fail_in: Option<(u64, u32)>,
    failed: Option<String>,
    trial: u64,
}

impl Wrapped {
    fn new(spec: StrategySpec) -> Self {
        Self {
            spec,
            strategy: None,
            started: Vec::new(),
            fail_in: None,
            failed: None,
            trial: 0,
        }
    }
}

impl Strategy for Wrapped {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        if self.fail_in == Some((self.trial, ctx.round)) && self.failed.is_none() {
            self.failed = Some(format!("round {}: boom", ctx.round));
        }
        match self.strategy.as_mut() {
            Some(s) => s.decide(ctx),
            None => Action::Accept,
        }
    }
}

impl Negotiator for Wrapped {
    type Error = String;

    fn start(&mut self, trial: u64, setup: &Setup) -> Result<(), String> {
        self.started.push(trial);
        self.trial = trial;
        self.strategy = Some(self.spec.build(*setup));
        Ok(())
    }

    fn finish(&mut self) -> Result<(), String> {
        self.failed.take().map_or(Ok(()), Err)
    }
}

fn sma_2019(sets: &[&str]) -> Scenario {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let sets: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
    Scenario::parse_with(&text, "sma-2019.toml", &sets)
        .unwrap()
        .0
}

fn plan(s: &Scenario, trials: u64, shard: Shard) -> Plan {
    let o = Overrides {
        trials: Some(trials),
        ..Overrides::default()
    };
    pipeline::plan(s, &o, shard)
}

fn built_in(s: &Scenario, plan: &Plan) -> Accumulated {
    let cancel = AtomicBool::new(false);
    let range = ensemble::amount_range(s, plan);
    let hooks = Hooks {
        progress: &|_| {},
        cancel: &cancel,
        rows: None,
    };
    ensemble::run(
        &ensemble::kernel::OneIssue::new(s, plan, range),
        plan.shard,
        hooks,
    )
    .unwrap()
}

fn supplied(
    s: &Scenario,
    plan: &Plan,
    w: &mut Wrapped,
) -> Result<Accumulated, CustomError<String>> {
    custom::run(s, plan, Side::Payer, w, &AtomicBool::new(false), &|_| {})
}

/// Korea's built-in linear strategy, supplied from outside, gives the ensemble's
/// accumulators exactly: over the pilot and past it, for the whole run and a shard; and
/// each trial is negotiated once.
#[test]
fn a_supplied_linear_negotiator_reproduces_the_ensemble_exactly() {
    let s = sma_2019(&["parties.kr.strategy.preset=\"linear\""]);
    assert_eq!(s.party_key(Side::Payer), "kr");
    let linear = StrategySpec::time_based(Preset::Linear);
    for (trials, shard) in [
        (5_000, Shard::WHOLE),
        (6_000, Shard { index: 1, count: 2 }),
        (300, Shard::WHOLE),
    ] {
        let p = plan(&s, trials, shard);
        let mut w = Wrapped::new(linear);
        let got = supplied(&s, &p, &mut w).unwrap();
        assert_eq!(got, built_in(&s, &p), "{trials} trials, {shard:?}");
        let (start, end) = shard.bounds(trials);
        let expected: Vec<u64> = (0..trials.min(4096)).chain(start.max(4096)..end).collect();
        assert_eq!(w.started, expected, "{trials} trials, {shard:?}");
    }
    // The negotiator decides: another strategy in Korea's place changes the outcomes.
    let p = plan(&s, 300, Shard::WHOLE);
    let mut hard = Wrapped::new(StrategySpec::Hardliner);
    assert_ne!(
        supplied(&s, &p, &mut hard).unwrap().models[0],
        built_in(&s, &p).models[0]
    );
}

/// An error inside the negotiator stops the run at its trial, with its message.
#[test]
fn a_failing_negotiator_stops_the_run_at_its_trial() {
    let s = sma_2019(&["parties.kr.strategy.preset=\"linear\""]);
    let p = plan(&s, 1_000, Shard::WHOLE);
    let mut w = Wrapped::new(StrategySpec::time_based(Preset::Linear));
    w.fail_in = Some((17, 2));
    match supplied(&s, &p, &mut w) {
        Err(CustomError::Negotiator { trial, error }) => {
            assert_eq!((trial, error.as_str()), (17, "round 2: boom"));
        }
        other => panic!(
            "expected the negotiator's error, got {:?}",
            other.map(|_| ())
        ),
    }
    assert_eq!(w.started.last(), Some(&17));
}

/// Scenarios with vetoes or events are refused with a reason; a set cancel flag stops the run.
#[test]
fn events_are_refused_and_cancel_stops() {
    let s = sma_2019(&["calendar.on_veto=\"resume\""]);
    assert!(s.has_timeline());
    let p = plan(&s, 10, Shard::WHOLE);
    let mut w = Wrapped::new(StrategySpec::Hardliner);
    match supplied(&s, &p, &mut w) {
        Err(CustomError::Unsupported(m)) => assert!(m.contains("events"), "{m}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    assert!(w.started.is_empty());
    let s = sma_2019(&[]);
    let p = plan(&s, 10, Shard::WHOLE);
    let r = custom::run(&s, &p, Side::Payer, &mut w, &AtomicBool::new(true), &|_| {});
    assert!(
        matches!(r, Err(CustomError::Interrupted(_))),
        "{:?}",
        r.map(|_| ())
    );
}
