//! One full trial of the SMA 2019 scenario: its generator, sampling, the models and the
//! accumulation. `trial/sma-2019/agents` (with the scenario's calendar),
//! `trial/sma-2019/agents-no-calendar`, `trial/sma-2019/closed-forms`,
//! `trial/sma-2019/all-models`, `trial/sma-2019/attrition` (with the calendar),
//! `trial/sma-2019/learning` (agents, both parties `learning`, with the calendar). Each
//! model runs through `trial::outcome` with the trial's generators, as in the ensemble.

mod common;

use std::hint::black_box;

use bargain_runner::accumulate::{AmountRange, ModelAccumulator};
use bargain_runner::scenario::{SampleCtx, Scenario};
use bargain_runner::trial::{TrialRng, Workspace, outcome};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench_scenario(c: &mut Criterion, id: &str, scenario: &Scenario) {
    let range = AmountRange {
        lo: 0.9,
        hi: 1.3,
        center: 1.09,
        floor: 0.0,
    };
    let models = scenario.run.models.clone();
    let mut accs = vec![ModelAccumulator::default(); models.len()];
    let mut inputs = vec![0.0; scenario.input_count()];
    let trials = 1u64 << 40;
    let mut trial = 0u64;
    let mut ws = Workspace::new();
    c.bench_function(id, |b| {
        b.iter(|| {
            trial += 1;
            let mut rng = TrialRng::new(2019, trial);
            let ctx = SampleCtx {
                trial,
                trials,
                seed: 2019,
            };
            let n = scenario.sample(ctx, &mut inputs);
            for (acc, &model) in accs.iter_mut().zip(&models) {
                let o = outcome(&n, model, &mut rng, None, &mut ws);
                acc.add(&range, &n, &o);
            }
        });
    });
    black_box(&accs);
}

fn trial(c: &mut Criterion) {
    bench_scenario(c, "trial/sma-2019/agents", &common::sma_agents());
    bench_scenario(
        c,
        "trial/sma-2019/agents-no-calendar",
        &common::sma_agents_no_calendar(),
    );
    bench_scenario(
        c,
        "trial/sma-2019/closed-forms",
        &common::sma_closed_forms(),
    );
    bench_scenario(c, "trial/sma-2019/all-models", &common::sma_all());
    bench_scenario(c, "trial/sma-2019/attrition", &common::sma_attrition());
    bench_scenario(c, "trial/sma-2019/learning", &common::sma_learning());
}

criterion_group!(benches, trial);
criterion_main!(benches);
