//! Ensembles of 1,000,000 SMA 2019 trials end to end (sampling, negotiation,
//! accumulation) at 1 and 2 threads: `ensemble/sma-2019-agents/threads-N` (the shipped
//! scenario, with its calendar), `ensemble/sma-2019-agents-no-calendar/threads-N` (the
//! same without the calendar: the baseline of the calendar's cost) and
//! `ensemble/sma-2019-closed-forms/threads-N`, and `ensemble/sma-2019-learning/threads-N`
//! (agents with both parties' negotiators `learning`, with the calendar). Throughput is reported in trials
//! (elements) per second. The pilot that fixes the histogram range runs once, outside
//! the measurement.

mod common;

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use bargain_runner::ensemble::kernel::OneIssue;
use bargain_runner::ensemble::{self, Hooks, Plan, Shard};
use bargain_runner::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TRIALS: u64 = 1_000_000;

fn bench_scenario(c: &mut Criterion, name: &str, scenario: &Scenario) {
    let plan = Plan {
        trials: TRIALS,
        seed: scenario.run.seed,
        models: scenario.run.models.clone(),
        shard: Shard::WHOLE,
    };
    let range = ensemble::amount_range(scenario, &plan);
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group(format!("ensemble/{name}"));
    group
        .throughput(Throughput::Elements(TRIALS))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("threads-{threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let hooks = Hooks {
                        progress: &|_| {},
                        cancel: &cancel,
                        rows: None,
                    };
                    ensemble::run(&OneIssue::new(scenario, &plan, range), plan.shard, hooks)
                        .expect("finished run")
                })
            });
        });
    }
    group.finish();
}

fn ensembles(c: &mut Criterion) {
    bench_scenario(c, "sma-2019-agents", &common::sma_agents());
    bench_scenario(
        c,
        "sma-2019-agents-no-calendar",
        &common::sma_agents_no_calendar(),
    );
    bench_scenario(c, "sma-2019-closed-forms", &common::sma_closed_forms());
    bench_scenario(c, "sma-2019-learning", &common::sma_learning());
}

criterion_group!(benches, ensembles);
criterion_main!(benches);
