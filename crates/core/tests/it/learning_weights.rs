//! The package learner's model of its opponent's issue weights (issue #25; Hindriks &
//! Tykhonov 2008): against a time-based opponent with known weights the posterior finds
//! the opponent's ranking of the issues and its mean weights approach them as the
//! offers come in; two learners with weight models still agree whenever an outcome
//! suits both.

use bargain_core::package::aspiration::{
    Aspiration, AspirationNegotiator, Decision, Negotiator, Turn, negotiate,
};
use bargain_core::package::opponent::{OpponentView, WeightModel};
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};
use bargain_core::package::tactics::LearningNegotiator;
use proptest::prelude::*;

/// A space of `issues` integer issues `0 … values − 1` (keys `a`, `b`, …). Shared with
/// `learning_zone.rs`.
pub(super) fn space(issues: usize, values: i64) -> OutcomeSpace {
    let keys = ["a", "b", "c", "d"];
    OutcomeSpace::new(
        (0..issues)
            .map(|i| Issue::integer(keys[i], 0, values - 1))
            .collect(),
    )
    .expect("a valid space")
}

/// Linear-additive preferences, every value function rising or every one falling.
/// Shared with `learning_zone.rs`.
pub(super) fn prefs(weights: &[f64], increasing: bool, reservation: f64) -> Preferences {
    let f = if increasing {
        ValueFunction::Increasing
    } else {
        ValueFunction::Decreasing
    };
    Preferences {
        utility: LinearAdditive {
            weights: weights.to_vec(),
            values: vec![f; weights.len()],
        },
        reservation,
        discount: 1.0,
    }
}

/// The offers of a time-based opponent (NegMAS's aspiration negotiator, exponent `e`)
/// over `steps`, as it makes them when nothing it is offered suits it.
fn opponent_offers(sorted: &SortedOutcomes, reservation: f64, steps: u32, e: f64) -> Vec<u32> {
    let curve = Aspiration {
        exponent: e,
        ..Aspiration::default()
    };
    let mut n = AspirationNegotiator::new(sorted, reservation, steps, curve);
    (0..steps)
        .map(|step| match n.decide(Turn { step, by: 0 }, None) {
            Decision::Offer(o) => o,
            Decision::Accept => panic!("nothing was offered"),
        })
        .collect()
}

/// The error of the mean weights (largest gap to `target`, the hypothesis of the true
/// ranking) after each offer, and the weights of the most probable hypothesis at the end.
fn learn(issues: usize, truth: &[f64], target: &[f64], e: f64, steps: u32) -> (Vec<f64>, Vec<f64>) {
    let sp = space(issues, 6);
    let theirs = prefs(truth, true, 0.2);
    let sorted = SortedOutcomes::new(&sp, &theirs).expect("valid preferences");
    let view = OpponentView {
        space: &sp,
        preferences: &theirs,
    };
    let mut m = WeightModel::new(view, steps).expect("two to four issues");
    let mut errors = Vec::new();
    for (step, o) in opponent_offers(&sorted, 0.2, steps, e)
        .into_iter()
        .enumerate()
    {
        m.observe(o, step as u32);
        let err = m
            .mean_weights()
            .iter()
            .zip(target)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        errors.push(err);
    }
    let best = m.weights(m.most_probable()).to_vec();
    (errors, best)
}

/// The hypothesis weights of a ranking (0 = most important) of `k` issues.
fn ranked(ranks: &[usize]) -> Vec<f64> {
    let k = ranks.len() as f64;
    ranks
        .iter()
        .map(|&r| 2.0 * (k - r as f64) / (k * (k + 1.0)))
        .collect()
}

#[test]
fn the_posterior_finds_a_time_based_opponents_issue_ranking() {
    // Three issues (216 outcomes) and four (1296), weights exactly a hypothesis's or
    // not, linear and boulware concessions.
    let cases: [(usize, Vec<f64>, Vec<usize>); 4] = [
        (3, ranked(&[1, 0, 2]), vec![1, 0, 2]),
        (3, vec![0.15, 0.25, 0.6], vec![2, 1, 0]),
        (4, ranked(&[3, 1, 0, 2]), vec![3, 1, 0, 2]),
        (4, vec![0.4, 0.1, 0.2, 0.3], vec![0, 3, 2, 1]),
    ];
    for (issues, truth, ranks) in cases {
        for e in [1.0, 4.0] {
            let steps = 40;
            let target = ranked(&ranks);
            let (errors, best) = learn(issues, &truth, &target, e, steps);
            assert_eq!(best, target, "{truth:?} e = {e}: {errors:?}");
            // The error of the mean weights (to the true ranking's) falls with the offers.
            let mean =
                |r: std::ops::Range<usize>| errors[r.clone()].iter().sum::<f64>() / r.len() as f64;
            let (early, late) = (mean(0..10), mean(30..40));
            assert!(late < 0.5 * early, "{truth:?} e = {e}: {errors:?}");
            assert!(errors[39] < 0.1, "{truth:?} e = {e}: {errors:?}");
        }
    }
}

#[test]
fn one_issue_or_more_than_four_has_no_weight_model() {
    for issues in [1, 5] {
        let keys = ["a", "b", "c", "d", "e"];
        let sp = OutcomeSpace::new((0..issues).map(|i| Issue::integer(keys[i], 0, 2)).collect())
            .expect("a valid space");
        let p = prefs(&vec![1.0 / issues as f64; issues], true, 0.0);
        let view = OpponentView {
            space: &sp,
            preferences: &p,
        };
        assert!(WeightModel::new(view, 10).is_none(), "{issues}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Two learners with weight models on two opposed issues (each values the other's
    /// gain as its loss, with the same weights): a deal exactly when an outcome suits
    /// both, within both reservations.
    #[test]
    fn two_package_learners_with_weight_models_agree_whenever_an_outcome_suits_both(
        ra in 0.0f64..0.7,
        rb in 0.0f64..0.7,
        steps in 2u32..40,
        w in 0.1f64..0.9,
        ea in 0.2f64..4.0,
    ) {
        let sp = space(2, 8);
        let (pa, pb) = (prefs(&[w, 1.0 - w], true, ra), prefs(&[w, 1.0 - w], false, rb));
        let a = SortedOutcomes::new(&sp, &pa).expect("valid");
        let b = SortedOutcomes::new(&sp, &pb).expect("valid");
        let zone = (0..64u32).any(|k| a.utility(k) >= ra && b.utility(k) >= rb);
        let first = LearningNegotiator::new(&a, ra, steps, 1.0, 32, ea)
            .against(OpponentView { space: &sp, preferences: &pb });
        let second = LearningNegotiator::new(&b, rb, steps, 1.0, 32, 1.0)
            .against(OpponentView { space: &sp, preferences: &pa });
        prop_assert!(first.weight_model().is_some());
        let deal = negotiate(first, second, None);
        prop_assert_eq!(deal.is_some(), zone);
        if let Some(d) = deal {
            prop_assert!(a.utility(d.outcome) >= ra && b.utility(d.outcome) >= rb);
        }
    }
}
