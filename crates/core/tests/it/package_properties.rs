//! Package closed forms against brute force on small random spaces, and properties of the
//! package aspiration negotiator.

use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, negotiate};
use bargain_core::package::preferences::{
    LinearAdditive, Preferences, UtilityTable, ValueFunction,
};
use bargain_core::package::solutions::{ParetoFrontier, ks_score, nash_product};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};
use proptest::prelude::*;

/// A random space of 1–3 issues (every kind) and two random linear-additive profiles.
pub(crate) fn space_and_profiles() -> impl Strategy<Value = (OutcomeSpace, Preferences, Preferences)>
{
    let issue = (0u8..3, 1usize..6);
    (prop::collection::vec(issue, 1..4), any::<u64>()).prop_map(|(issues, seed)| {
        let mut x = seed | 1;
        let mut next = move || {
            // xorshift: cheap reproducible numbers in [0, 1).
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let issues: Vec<Issue> = issues
            .iter()
            .enumerate()
            .map(|(j, &(kind, n))| {
                let key = format!("i{j}");
                match kind {
                    0 => Issue::number(&key, 0.5, 0.5 + 0.25 * (n.max(2) - 1) as f64, Some(0.25)),
                    1 => Issue::integer(&key, 1, n.max(2) as i64),
                    _ => {
                        let labels: Vec<String> = (0..n).map(|k| format!("l{k}")).collect();
                        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
                        Issue::choice(&key, &refs)
                    }
                }
            })
            .collect();
        let space = OutcomeSpace::new(issues).expect("space");
        let profile = |next: &mut dyn FnMut() -> f64| {
            // Coarse values make exact utility ties common.
            let raw: Vec<f64> = (0..space.issues().len())
                .map(|_| 1.0 + (next() * 4.0).floor())
                .collect();
            let total: f64 = raw.iter().sum();
            let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
            let sum: f64 = weights.iter().sum();
            let mut weights = weights;
            weights[0] += 1.0 - sum;
            let values = space
                .issues()
                .iter()
                .enumerate()
                .map(|(j, issue)| match issue.range() {
                    None => ValueFunction::Table(
                        (0..space.size(j))
                            .map(|_| (next() * 4.0).floor() / 4.0)
                            .collect(),
                    ),
                    Some((lo, hi)) => match (next() * 3.0) as u8 {
                        0 => ValueFunction::Increasing,
                        1 => ValueFunction::Decreasing,
                        _ => ValueFunction::Points(vec![
                            (lo, next()),
                            ((lo + hi) / 2.0, next()),
                            (hi, next()),
                        ]),
                    },
                })
                .collect();
            Preferences {
                utility: LinearAdditive { weights, values },
                reservation: 0.0,
                discount: 1.0,
            }
        };
        let a = profile(&mut next);
        let b = profile(&mut next);
        (space, a, b)
    })
}

pub(crate) fn utilities(space: &OutcomeSpace, p: &Preferences) -> Vec<f64> {
    UtilityTable::new(space, p).expect("valid").all(space)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn frontier_and_solutions_match_brute_force(
        (space, a, b) in space_and_profiles(),
        ra in -0.1f64..0.8,
        rb in -0.1f64..0.8,
        pa in 0.2f64..3.0,
        pb in 0.2f64..3.0,
    ) {
        let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
        let n = ua.len();
        let frontier = ParetoFrontier::new(&ua, &ub);

        // Pareto frontier = the undominated outcomes.
        let mut brute: Vec<u32> = (0..n)
            .filter(|&i| !(0..n).any(|j| ua[j] >= ua[i] && ub[j] >= ub[i] && (ua[j] > ua[i] || ub[j] > ub[i])))
            .map(|i| i as u32)
            .collect();
        let mut ours = frontier.outcomes().to_vec();
        brute.sort_unstable();
        ours.sort_unstable();
        prop_assert_eq!(ours, brute);

        let rational: Vec<usize> = (0..n).filter(|&i| ua[i] >= ra && ub[i] >= rb).collect();
        let nash = frontier.nash(ra, rb, pa, pb);
        let ks = frontier.kalai_smorodinsky(ra, rb);
        let welfare = frontier.max_welfare(ra, rb);
        if rational.is_empty() {
            prop_assert!(nash.is_none() && ks.is_none() && welfare.is_none());
            return Ok(());
        }
        let (nash, ks, welfare) = (nash.expect("nash"), ks.expect("ks"), welfare.expect("welfare"));
        for s in [nash, ks, welfare] {
            let o = s.outcome as usize;
            prop_assert!(ua[o] >= ra && ub[o] >= rb, "individually rational");
            prop_assert_eq!((s.ua, s.ub), (ua[o], ub[o]));
        }
        let best_nash = rational.iter().map(|&i| nash_product(ua[i] - ra, ub[i] - rb, pa, pb)).fold(f64::NEG_INFINITY, f64::max);
        prop_assert_eq!(nash_product(nash.ua - ra, nash.ub - rb, pa, pb), best_nash);

        let ia = rational.iter().map(|&i| ua[i]).fold(f64::NEG_INFINITY, f64::max) - ra;
        let ib = rational.iter().map(|&i| ub[i]).fold(f64::NEG_INFINITY, f64::max) - rb;
        let best_ks = rational
            .iter()
            .map(|&i| ks_score(ua[i] - ra, ub[i] - rb, ia, ib))
            .fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |m, s| if s.0 > m.0 || (s.0 == m.0 && s.1 > m.1) { s } else { m });
        prop_assert_eq!(ks_score(ks.ua - ra, ks.ub - rb, ia, ib), best_ks);

        let best_welfare = rational.iter().map(|&i| ua[i] + ub[i]).fold(f64::NEG_INFINITY, f64::max);
        prop_assert_eq!(welfare.ua + welfare.ub, best_welfare);
    }

    #[test]
    fn aspiration_deals_are_rational_and_own_offers_never_improve(
        (space, a, b) in space_and_profiles(),
        ra in -0.1f64..0.9,
        rb in -0.1f64..0.9,
        n_steps in 1u32..40,
        exponent in prop::sample::select(vec![4.0, 1.0, 0.25]),
    ) {
        let sa = SortedOutcomes::new(&space, &a).expect("valid");
        let sb = SortedOutcomes::new(&space, &b).expect("valid");
        let curve = Aspiration { exponent, ..Aspiration::default() };
        let mut trace = Vec::new();
        let deal = negotiate(
            AspirationNegotiator::new(&sa, ra, n_steps, curve),
            AspirationNegotiator::new(&sb, rb, n_steps, curve),
            Some(&mut trace),
        );
        prop_assert!(trace.len() <= 2 * n_steps as usize);
        for side in [0u8, 1] {
            let s = if side == 0 { &sa } else { &sb };
            let r = if side == 0 { ra } else { rb };
            let own: Vec<f64> = trace.iter().filter(|o| o.by == side).map(|o| s.utility(o.outcome)).collect();
            prop_assert!(own.windows(2).all(|w| w[1] <= w[0]), "concessions only: {:?}", own);
            if s.max() >= r {
                prop_assert!(own.iter().all(|&u| u >= r), "offers are rational for the proposer");
            }
        }
        if let Some(d) = deal {
            prop_assert!(d.step < n_steps);
            // The acceptor's threshold is never below its reservation; the proposer
            // offers only rational outcomes when it has any.
            if sa.max() >= ra && sb.max() >= rb {
                prop_assert!(sa.utility(d.outcome) >= ra && sb.utility(d.outcome) >= rb);
            }
        }
    }
}

#[test]
fn bad_spaces_and_preferences_are_rejected_with_a_reason() {
    use bargain_core::package::space::SpaceError;
    let continuous = OutcomeSpace::new(vec![Issue::number("amount", 0.9, 1.6, None)]);
    assert_eq!(continuous, Err(SpaceError::Continuous("amount".into())));
    let dup = OutcomeSpace::new(vec![Issue::integer("t", 1, 2), Issue::integer("t", 1, 3)]);
    assert_eq!(dup, Err(SpaceError::DuplicateKey("t".into())));
    assert_eq!(
        OutcomeSpace::new(vec![Issue::integer("t", 3, 1)]),
        Err(SpaceError::BadRange("t".into()))
    );
    assert_eq!(OutcomeSpace::new(vec![]), Err(SpaceError::NoIssues));
    let big = vec![
        Issue::integer("a", 1, 100_000),
        Issue::integer("b", 1, 100_000),
    ];
    assert_eq!(OutcomeSpace::new(big), Err(SpaceError::TooLarge));

    let space = OutcomeSpace::new(vec![
        Issue::integer("term", 1, 5),
        Issue::choice("esc", &["none", "cpi"]),
    ])
    .expect("space");
    let prefs = |weights: Vec<f64>, values: Vec<ValueFunction>| Preferences {
        utility: LinearAdditive { weights, values },
        reservation: 0.3,
        discount: 1.0,
    };
    let ok = prefs(
        vec![0.6, 0.4],
        vec![
            ValueFunction::Increasing,
            ValueFunction::Table(vec![0.0, 1.0]),
        ],
    );
    assert!(ok.validate(&space).is_ok());
    let cases = [
        (prefs(vec![0.6, 0.5], ok.utility.values.clone()), "sum to 1"),
        (prefs(vec![1.0], ok.utility.values.clone()), "2 issues"),
        (prefs(vec![1.2, -0.2], ok.utility.values.clone()), "`esc`"),
        (
            prefs(
                vec![0.6, 0.4],
                vec![
                    ValueFunction::Table(vec![1.0]),
                    ValueFunction::Table(vec![0.0, 1.0]),
                ],
            ),
            "`term`",
        ),
        (
            prefs(
                vec![0.6, 0.4],
                vec![ValueFunction::Increasing, ValueFunction::Table(vec![0.0])],
            ),
            "one value per label",
        ),
        (
            prefs(
                vec![0.6, 0.4],
                vec![
                    ValueFunction::Points(vec![(2.0, 0.0), (2.0, 1.0)]),
                    ValueFunction::Table(vec![0.0, 1.0]),
                ],
            ),
            "increase strictly",
        ),
        (
            prefs(
                vec![0.6, 0.4],
                vec![ValueFunction::Increasing, ValueFunction::Decreasing],
            ),
            "needs a table",
        ),
    ];
    for (p, needle) in cases {
        let err = p.validate(&space).expect_err(needle).to_string();
        assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    }
    let mut bad = ok.clone();
    bad.discount = 0.0;
    assert!(bad.validate(&space).is_err());
}
