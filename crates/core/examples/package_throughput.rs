//! Package negotiations per second with fixed profiles: NegMAS-style aspiration
//! negotiators on the 600-outcome and the 190,350-outcome reference domains
//! (`crates/core/tests/data/negmas-multi-issue.json`), reservations varying per
//! negotiation, on 1 and 2 threads.
//!
//!     cargo run --release -p bargain-core --example package_throughput [NEGOTIATIONS]

use std::time::Instant;

use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, StepPowers, negotiate};
use bargain_core::package::sorted::SortedOutcomes;

#[path = "../benches/common/domains.rs"]
mod domains;
use domains::{large, sma};

/// Negotiations `range` with reservations spread over `[0, 0.6)`; returns the deal count.
fn run(sa: &SortedOutcomes, sb: &SortedOutcomes, n_steps: u32, range: std::ops::Range<u64>) -> u64 {
    let curve = Aspiration::default();
    let powers = StepPowers::new(n_steps, curve.exponent);
    let mut deals = 0;
    for k in range {
        // Golden-ratio sequences: cheap, deterministic, well spread.
        let ra = ((k as f64 * 0.618_033_988_749_895) % 1.0) * 0.6;
        let rb = ((k as f64 * 0.754_877_666_246_693) % 1.0) * 0.6;
        let a = AspirationNegotiator::with_powers(sa, ra, &powers, curve);
        let b = AspirationNegotiator::with_powers(sb, rb, &powers, curve);
        deals += u64::from(negotiate(a, b, None).is_some());
    }
    deals
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(400_000);
    for (name, (space, us, kr), count) in [
        ("sma (600 outcomes)", sma(), n),
        ("large (190,350 outcomes)", large(), n / 10),
    ] {
        let t = Instant::now();
        let sa = SortedOutcomes::new(&space, &us).expect("valid");
        let sb = SortedOutcomes::new(&space, &kr).expect("valid");
        println!(
            "{name}: profiles sorted once in {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        for n_steps in [10, 100] {
            for threads in [1u64, 2] {
                let t = Instant::now();
                let per = count / threads;
                let deals: u64 = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..threads)
                        .map(|i| {
                            let (sa, sb) = (&sa, &sb);
                            s.spawn(move || run(sa, sb, n_steps, i * per..(i + 1) * per))
                        })
                        .collect();
                    handles.into_iter().map(|h| h.join().expect("thread")).sum()
                });
                let secs = t.elapsed().as_secs_f64();
                println!(
                    "  n_steps {n_steps:>3}, {threads} thread(s): {:>12.0} negotiations/s ({} negotiations, {:.1}% deals)",
                    (per * threads) as f64 / secs,
                    per * threads,
                    100.0 * deals as f64 / (per * threads) as f64
                );
            }
        }
    }
}
