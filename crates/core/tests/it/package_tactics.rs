//! Properties of the package negotiators of `package::tactics` (faratin, tit-for-tat,
//! hardliner, and the time-based aspiration negotiator through the same enum) on random
//! utility profiles with ties.

use bargain_core::package::aspiration::Aspiration;
use bargain_core::package::aspiration::{PackageOffer, PowerCache, negotiate};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::tactics::Tactic;
use bargain_core::strategy::FaratinFamily;
use proptest::prelude::*;

/// Coarse random utilities in [0, 1] (ties common), `n` outcomes.
fn utilities(n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0u8..=20, n)
        .prop_map(|v| v.iter().map(|&k| f64::from(k) / 20.0).collect())
}

fn tactic() -> impl Strategy<Value = Tactic> {
    prop_oneof![
        (prop_oneof![Just(4.0), Just(1.0), Just(0.25)], 0.5f64..=1.0).prop_map(|(e, m)| {
            Tactic::TimeBased(Aspiration {
                exponent: e,
                max_aspiration: m,
                ..Aspiration::default()
            })
        }),
        (0.1f64..3.0, 0.0f64..0.6, any::<bool>()).prop_map(|(beta, kappa, exp)| Tactic::Faratin {
            beta,
            kappa,
            family: if exp {
                FaratinFamily::Exponential
            } else {
                FaratinFamily::Polynomial
            },
        }),
        Just(Tactic::TitForTat),
        Just(Tactic::Hardliner),
        (0.1f64..=4.0, 2u32..=64, 0.1f64..8.0).prop_map(|(w, h, e)| Tactic::Learning {
            prior_width: w,
            hypotheses: h,
            exponent: e,
        }),
    ]
}

/// Own utility of each offer made by party `by`.
fn offered(trace: &[PackageOffer], by: u8, s: &SortedOutcomes) -> Vec<f64> {
    trace
        .iter()
        .filter(|o| o.by == by)
        .map(|o| s.utility(o.outcome))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn package_tactics_keep_their_invariants(
        (ua, ub) in (1usize..80).prop_flat_map(|n| (utilities(n), utilities(n))),
        ta in tactic(),
        tb in tactic(),
        ra in -0.1f64..0.9,
        rb in -0.1f64..0.9,
        steps in 1u32..60,
    ) {
        let sa = SortedOutcomes::from_utilities(ua.clone(), u64::from);
        let sb = SortedOutcomes::from_utilities(ub.clone(), u64::from);
        let mut trace = Vec::new();
        let deal = negotiate(ta.build(&sa, ra, steps), tb.build(&sb, rb, steps), Some(&mut trace));
        let untraced = negotiate(ta.build(&sa, ra, steps), tb.build(&sb, rb, steps), None);
        prop_assert_eq!(deal, untraced, "tracing changes nothing");
        prop_assert!(trace.len() <= 2 * steps as usize);

        for (by, t, s, r) in [(0u8, ta, &sa, ra), (1, tb, &sb, rb)] {
            let own = offered(&trace, by, s);
            let outcomes: Vec<u32> = trace.iter().filter(|o| o.by == by).map(|o| o.outcome).collect();
            // Any offer is worth the reservation when some outcome is (time-based: within
            // NegMAS's 1e-6 nearness rule).
            if s.max() >= r {
                let slack = if matches!(t, Tactic::TimeBased(_)) { 1e-6 } else { 0.0 };
                for u in &own {
                    prop_assert!(*u >= r - slack, "{} offered {u} < reservation {r}", t.kind());
                }
            }
            match t {
                Tactic::Hardliner => {
                    prop_assert!(outcomes.windows(2).all(|w| w[0] == w[1]), "hardliner moved");
                    if let Some(&u) = own.first() {
                        prop_assert_eq!(u, s.max());
                    }
                }
                Tactic::Faratin { .. } | Tactic::TitForTat => {
                    prop_assert!(
                        own.windows(2).all(|w| w[1] <= w[0]),
                        "{} raised its own utility: {:?}", t.kind(), own
                    );
                }
                Tactic::TimeBased(_) | Tactic::Learning { .. } => {}
            }
        }

        if let Some(d) = deal {
            // The deal is the last offer, accepted by the other party: worth its
            // reservation to the acceptor, and to the proposer too unless no outcome is
            // (then it offers its best, as NegMAS does).
            let last = trace.last().copied();
            let last = last.expect("a deal follows an offer");
            prop_assert_eq!(last.outcome, d.outcome);
            // The first mover's offer is accepted in its step, the second's in the next.
            prop_assert_eq!(d.step, last.step + u32::from(last.by));
            let by = last.by;
            let ok = |s: &SortedOutcomes, r: f64, acceptor: bool| {
                s.utility(d.outcome) >= r || (!acceptor && s.max() < r)
            };
            prop_assert!(ok(&sa, ra, by == 1), "a: {} < {ra}", sa.utility(d.outcome));
            prop_assert!(ok(&sb, rb, by == 0), "b: {} < {rb}", sb.utility(d.outcome));
            prop_assert!(d.step < steps);
        } else {
            prop_assert_eq!(trace.len(), 2 * steps as usize, "no deal: every move offered");
        }
    }

    #[test]
    fn faratin_at_the_deadline_takes_any_rational_offer(
        ua in (2usize..60).prop_flat_map(utilities),
        r in 0.0f64..0.9,
        steps in 2u32..40,
        beta in 0.1f64..3.0,
    ) {
        use bargain_core::package::aspiration::{Decision, Negotiator, Turn};
        let s = SortedOutcomes::from_utilities(ua.clone(), u64::from);
        let tactic = Tactic::Faratin { beta, kappa: 0.0, family: FaratinFamily::Polynomial };
        let mut f = tactic.build(&s, r, steps);
        let last = Turn { step: steps - 1, by: 0 };
        for (o, &u) in ua.iter().enumerate() {
            let d = f.decide(last, Some(o as u32));
            prop_assert_eq!(d == Decision::Accept, u >= r, "outcome {} u {} r {}", o, u, r);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Negotiators built from a shared [`PowerCache`] (as `bargain run` builds them) make
    /// the same offers, agreement and step as those built alone, bit for bit, whatever
    /// curves the cache already holds.
    #[test]
    fn cached_powers_change_nothing(
        (ua, ub) in (1usize..60).prop_flat_map(|n| (utilities(n), utilities(n))),
        ta in tactic(),
        tb in tactic(),
        ra in -0.1f64..0.9,
        rb in -0.1f64..0.9,
        steps in 1u32..300,
        warm in prop::collection::vec((1u32..300, prop_oneof![Just(4.0), Just(1.0), Just(0.25), 0.1f64..5.0]), 0..80),
    ) {
        let sa = SortedOutcomes::from_utilities(ua, u64::from);
        let sb = SortedOutcomes::from_utilities(ub, u64::from);
        let mut cache = PowerCache::new();
        for (n, e) in warm {
            cache.prepare(n, e);
        }
        ta.prepare(&mut cache, steps);
        tb.prepare(&mut cache, steps);
        let mut alone = Vec::new();
        let d1 = negotiate(ta.build(&sa, ra, steps), tb.build(&sb, rb, steps), Some(&mut alone));
        let mut cached = Vec::new();
        let d2 = negotiate(
            ta.build_cached(&sa, ra, steps, &cache),
            tb.build_cached(&sb, rb, steps, &cache),
            Some(&mut cached),
        );
        prop_assert_eq!(d1, d2);
        prop_assert_eq!(alone, cached);
    }
}
