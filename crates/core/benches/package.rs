//! Package negotiations and closed forms on the reference domains (fixed profiles, sorted
//! once; reservations vary per iteration). `cargo bench -p bargain-core --bench package`.

use std::hint::black_box;

use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, StepPowers, negotiate};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use criterion::{Criterion, criterion_group, criterion_main};

mod common {
    pub mod domains;
}
use common::domains::{large, sma};

fn reservations(k: u64) -> (f64, f64) {
    (
        ((k as f64 * 0.618_033_988_749_895) % 1.0) * 0.6,
        ((k as f64 * 0.754_877_666_246_693) % 1.0) * 0.6,
    )
}

fn bench(c: &mut Criterion) {
    let curve = Aspiration::default();
    for (name, (space, us, kr)) in [("sma-600", sma()), ("large-190k", large())] {
        let sa = SortedOutcomes::new(&space, &us).expect("valid");
        let sb = SortedOutcomes::new(&space, &kr).expect("valid");
        for n_steps in [10u32, 100] {
            let powers = StepPowers::new(n_steps, curve.exponent);
            let mut k = 0u64;
            c.bench_function(&format!("package/aspiration/{name}/steps-{n_steps}"), |b| {
                b.iter(|| {
                    k += 1;
                    let (ra, rb) = reservations(k);
                    let a = AspirationNegotiator::with_powers(&sa, ra, &powers, curve);
                    let b = AspirationNegotiator::with_powers(&sb, rb, &powers, curve);
                    black_box(negotiate(a, b, None))
                });
            });
        }
        let frontier = ParetoFrontier::new(sa.utilities(), sb.utilities());
        let mut k = 0u64;
        c.bench_function(&format!("package/nash/{name}"), |b| {
            b.iter(|| {
                k += 1;
                let (ra, rb) = reservations(k);
                black_box(frontier.nash(ra, rb, 1.0, 1.0))
            });
        });
        c.bench_function(&format!("package/kalai-smorodinsky/{name}"), |b| {
            b.iter(|| {
                k += 1;
                let (ra, rb) = reservations(k);
                black_box(frontier.kalai_smorodinsky(ra, rb))
            });
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
