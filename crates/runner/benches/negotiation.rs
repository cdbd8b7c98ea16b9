//! One negotiation per model: `negotiation/agents/<preset>` (both parties time-based with
//! that preset, breakdown risk 0.5%) and `negotiation/<closed form>`.

mod common;

use std::hint::black_box;

use bargain_core::{Model, Preset};
use bargain_runner::ensemble::trial_rng;
use criterion::{Criterion, criterion_group, criterion_main};

fn negotiation(c: &mut Criterion) {
    let mut group = c.benchmark_group("negotiation");
    for (name, preset) in [
        ("boulware", Preset::Boulware),
        ("linear", Preset::Linear),
        ("conceder", Preset::Conceder),
    ] {
        let n = common::negotiation(preset);
        let mut rng = trial_rng(2019, 0);
        group.bench_function(format!("agents/{name}"), |b| {
            b.iter(|| black_box(&n).outcome(Model::Agents, &mut rng, None));
        });
    }
    let n = common::negotiation(Preset::Linear);
    let mut rng = trial_rng(2019, 0);
    for model in Model::ALL.into_iter().filter(|m| m.is_closed_form()) {
        group.bench_function(model.as_str(), |b| {
            b.iter(|| black_box(&n).outcome(model, &mut rng, None));
        });
    }
    group.finish();
}

criterion_group!(benches, negotiation);
criterion_main!(benches);
