//! Negotiating packages allocates nothing once the profiles are sorted.

use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, negotiate};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

#[test]
fn negotiating_and_solving_packages_allocates_nothing() {
    // 600 outcomes: two opposed linear-additive utilities with ties.
    let ua: Vec<f64> = (0..600u32)
        .map(|i| f64::from(i % 15) / 28.0 + f64::from(i / 60) / 18.0)
        .collect();
    let ub: Vec<f64> = ua.iter().map(|u| 1.0 - u).collect();
    let sa = SortedOutcomes::from_utilities(ua.clone(), u64::from);
    let sb = SortedOutcomes::from_utilities(ub.clone(), u64::from);
    let frontier = ParetoFrontier::new(&ua, &ub);
    let before = allocations();
    let mut deals = 0;
    for k in 0..200u32 {
        let (ra, rb) = (f64::from(k % 10) / 20.0, f64::from(k % 7) / 14.0);
        let a = AspirationNegotiator::new(&sa, ra, 10 + k % 50, Aspiration::default());
        let b = AspirationNegotiator::new(&sb, rb, 10 + k % 50, Aspiration::default());
        deals += usize::from(negotiate(a, b, None).is_some());
        deals += usize::from(frontier.nash(ra, rb, 1.0, 2.0).is_some());
        deals += usize::from(frontier.kalai_smorodinsky(ra, rb).is_some());
        deals += usize::from(frontier.max_welfare(ra, rb).is_some());
    }
    let tactic_deals = every_package_tactic(&sa, &sb);
    let after = allocations();
    assert_eq!(after - before, 0, "allocations on the package hot path");
    assert!(deals > 100);
    assert!(tactic_deals > 100, "{tactic_deals}");
}

/// Every pair of package tactics over 100 negotiations, from profiles sorted beforehand;
/// the number of deals. Run inside the one test (the allocation counter is global, so
/// a second test running in parallel would be counted).
fn every_package_tactic(sa: &SortedOutcomes, sb: &SortedOutcomes) -> usize {
    use bargain_core::package::tactics::Tactic;
    use bargain_core::strategy::FaratinFamily;
    let tactics = [
        Tactic::default(),
        Tactic::Faratin {
            beta: 0.5,
            kappa: 0.1,
            family: FaratinFamily::Exponential,
        },
        Tactic::TitForTat,
        Tactic::Hardliner,
        Tactic::Learning {
            prior_width: 1.0,
            hypotheses: 64,
            exponent: 2.0,
        },
    ];
    let mut deals = 0;
    for k in 0..100u32 {
        let (ra, rb) = (f64::from(k % 10) / 20.0, f64::from(k % 7) / 14.0);
        for a in &tactics {
            for b in &tactics {
                let n = 10 + k % 50;
                deals +=
                    usize::from(negotiate(a.build(sa, ra, n), b.build(sb, rb, n), None).is_some());
            }
        }
    }
    deals
}
