//! Package negotiations per second with fixed profiles: NegMAS-style aspiration
//! negotiators on the 600-outcome and the 190,350-outcome reference domains
//! (`crates/core/tests/data/negmas-multi-issue.json`), reservations varying per
//! negotiation, on 1 and 2 threads.
//!
//!     cargo run --release -p bargain-core --example package_throughput [NEGOTIATIONS]

use std::time::Instant;

use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, StepPowers, negotiate};
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};

fn prefs(weights: &[f64], values: Vec<ValueFunction>) -> Preferences {
    Preferences {
        utility: LinearAdditive {
            weights: weights.to_vec(),
            values,
        },
        reservation: 0.0,
        discount: 1.0,
    }
}

/// The `sma` domain (600 outcomes) and its `sma-us` / `sma-kr` profiles.
fn sma() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.9, 1.6, Some(0.05)),
        Issue::integer("term", 1, 10),
        Issue::choice(
            "escalation",
            &["none", "cpi-cap-4", "cpi-cap-5", "defense-budget"],
        ),
    ])
    .expect("space");
    let us = prefs(
        &[0.6, 0.25, 0.15],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Points(vec![(1.0, 1.0), (5.0, 0.0), (10.0, 0.0)]),
            ValueFunction::Table(vec![0.2, 0.6, 0.7, 1.0]),
        ],
    );
    let kr = prefs(
        &[0.5, 0.3, 0.2],
        vec![
            ValueFunction::Decreasing,
            ValueFunction::Points(vec![(1.0, 0.0), (3.0, 0.7), (10.0, 1.0)]),
            ValueFunction::Table(vec![1.0, 0.5, 0.4, 0.0]),
        ],
    );
    (space, us, kr)
}

/// The `large` domain (190,350 outcomes) and its `large-us` / `large-kr` profiles.
fn large() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.9, 1.6, Some(0.005)),
        Issue::integer("term", 1, 15),
        Issue::choice(
            "escalation",
            &[
                "none",
                "cpi-cap-3",
                "cpi-cap-4",
                "cpi-cap-5",
                "defense-budget",
            ],
        ),
        Issue::integer("cap", 1, 18),
    ])
    .expect("space");
    let us = prefs(
        &[0.55, 0.2, 0.15, 0.1],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Points(vec![(1.0, 1.0), (5.0, 0.3), (15.0, 0.0)]),
            ValueFunction::Table(vec![0.0, 0.3, 0.5, 0.6, 1.0]),
            ValueFunction::Increasing,
        ],
    );
    let kr = prefs(
        &[0.45, 0.25, 0.2, 0.1],
        vec![
            ValueFunction::Decreasing,
            ValueFunction::Points(vec![(1.0, 0.0), (5.0, 0.8), (15.0, 1.0)]),
            ValueFunction::Table(vec![1.0, 0.8, 0.6, 0.4, 0.0]),
            ValueFunction::Decreasing,
        ],
    );
    (space, us, kr)
}

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
