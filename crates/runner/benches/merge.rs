//! The summary merge: the accumulators of 64 shards of the six-model SMA 2019 run merged
//! into one and summarized (`merge/sma-2019/64-shards`), as `bargain merge` does after
//! reading the partial reports.

mod common;

use std::sync::atomic::AtomicBool;

use bargain_runner::ensemble::kernel::OneIssue;
use bargain_runner::ensemble::{self, Accumulated, Hooks, Plan, Shard};
use bargain_runner::pipeline;
use criterion::{Criterion, criterion_group, criterion_main};

const SHARDS: u64 = 64;

fn merge(c: &mut Criterion) {
    let scenario = common::sma_all();
    let whole = Plan {
        trials: SHARDS * 1024,
        seed: scenario.run.seed,
        models: scenario.run.models.clone(),
        shard: Shard::WHOLE,
    };
    let range = ensemble::amount_range(&scenario, &whole);
    let cancel = AtomicBool::new(false);
    let parts: Vec<Accumulated> = (0..SHARDS)
        .map(|index| {
            let plan = Plan {
                shard: Shard {
                    index,
                    count: SHARDS,
                },
                ..whole.clone()
            };
            let hooks = Hooks {
                progress: &|_| {},
                cancel: &cancel,
                rows: None,
            };
            ensemble::run(&OneIssue::new(&scenario, &plan, range), plan.shard, hooks)
                .expect("finished shard")
        })
        .collect();
    c.bench_function("merge/sma-2019/64-shards", |b| {
        b.iter(|| {
            let mut total = parts[0].clone();
            for part in &parts[1..] {
                total.merge(part);
            }
            pipeline::summarize(&scenario, &whole, &total)
        });
    });
}

criterion_group!(benches, merge);
criterion_main!(benches);
