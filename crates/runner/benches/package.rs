//! Package scenarios (issue #12) on the two benchmark domains of `benches/data/`, both
//! with fixed profiles, NegMAS's default `AspirationNegotiator` (Boulware) on both sides
//! and 100 steps:
//!
//! - `package/600-outcomes/threads-N`, `package/190k-outcomes/threads-N`: whole runs
//!   through [`summarize`], the trial loop `bargain run` uses (the profiles are prepared
//!   once and shared, every trial runs the negotiation and is tallied), at 1 and 2
//!   threads; throughput in negotiations (elements) per second;
//! - `package/<domain>/negotiation`: one negotiation in `bargain-core` on the shared
//!   sorted profiles (no sampling, no tally);
//! - `package/<domain>/prepare`: tabulating and sorting both profiles, the per-trial cost
//!   when an input is a distribution.
//!
//! NegMAS 0.16 on the same files: `benches/peers/negmas_package_speed.py`;
//! docs/performance.md ("Packages") has the figures.

use std::hint::black_box;
use std::time::Duration;

use bargain_core::package::aspiration::{PowerCache, negotiate};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_runner::commands::package_run::summarize;
use bargain_runner::scenario::issues::PackageScenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The 600-outcome domain (10 × 10 × 6).
const SMALL: &str = include_str!("../../../benches/data/package-600.toml");
/// The 191,700-outcome domain (71 × 10 × 5 × 6 × 9).
const LARGE: &str = include_str!("../../../benches/data/package-190k.toml");

fn scenario(text: &str, origin: &str) -> PackageScenario {
    let s = PackageScenario::parse(text, origin).expect("valid bench scenario");
    assert!(
        s.input_names().is_empty(),
        "{origin}: the bench domains have fixed profiles"
    );
    s
}

fn sorted_profiles(s: &PackageScenario) -> [SortedOutcomes; 2] {
    let t = s.central();
    t.parties
        .map(|p| SortedOutcomes::new(s.space(), &p.preferences).expect("valid profile"))
}

fn bench_domain(c: &mut Criterion, name: &str, s: &PackageScenario, trials: u64) {
    let mut group = c.benchmark_group(format!("package/{name}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(trials));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("threads-{threads}"), |b| {
            b.iter(|| {
                pool.install(|| summarize(s, trials, s.run.seed, None))
                    .expect("valid trials")
                    .expect("not cancelled")
            });
        });
    }
    group.throughput(Throughput::Elements(1));
    let t = s.central();
    let sorted = sorted_profiles(s);
    let [a, b] = &t.parties;
    // As a worker of `bargain run` holds it: the curves' powers prepared once.
    let mut cache = PowerCache::new();
    a.tactic.prepare(&mut cache, t.max_rounds);
    b.tactic.prepare(&mut cache, t.max_rounds);
    group.bench_function("negotiation", |bench| {
        bench.iter(|| {
            let first =
                a.tactic
                    .build_cached(&sorted[0], a.preferences.reservation, t.max_rounds, &cache);
            let second =
                b.tactic
                    .build_cached(&sorted[1], b.preferences.reservation, t.max_rounds, &cache);
            negotiate(black_box(first), black_box(second), None)
        });
    });
    group.bench_function("prepare", |bench| {
        bench.iter(|| sorted_profiles(black_box(s)));
    });
    group.finish();
}

fn packages(c: &mut Criterion) {
    let small = scenario(SMALL, "benches/data/package-600.toml");
    assert_eq!(small.space().len(), 600);
    bench_domain(c, "600-outcomes", &small, 200_000);
    let large = scenario(LARGE, "benches/data/package-190k.toml");
    assert_eq!(large.space().len(), 191_700);
    bench_domain(c, "190k-outcomes", &large, 100_000);
}

criterion_group!(benches, packages);
criterion_main!(benches);
