//! Package talks under the one-issue rules (`bargain_core::package::talks`): with plain
//! rules they are NegMAS's SAO loop move for move; closed forms strike at the first round
//! whose zone, widened by the lapse, is open (against a scan of every round); agents
//! after the expiry concede toward their moving reservation; ratification limits and
//! the breakdown risk end talks as in one-issue files.

use bargain_core::Calendar;
use bargain_core::OutcomeKind;
use bargain_core::package::aspiration::{Aspiration, AspirationNegotiator, negotiate};
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};
use bargain_core::package::talks::{
    LapseMover, Ratification, Rules, closed_form, negotiate_talks, utility_per_unit,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::package_properties::{space_and_profiles, utilities};

fn calendar(round_months: f64, expiry_day: u32, end_day: Option<u32>, cost: [f64; 2]) -> Calendar {
    Calendar {
        round_months,
        expiry_day,
        end_day,
        lapse_cost: cost,
        end_game: [None; 2],
        pace: bargain_core::calendar::Pace::FIXED,
    }
}

/// One issue `amount` in 0..=10 (step 1) and `term` 1..=3; the first party wants more of
/// both, the second less, each with weight 0.8 on the amount.
fn amount_space() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.0, 10.0, Some(1.0)),
        Issue::integer("term", 1, 3),
    ])
    .expect("space");
    let prefs = |up: bool, reservation: f64| Preferences {
        utility: LinearAdditive {
            weights: vec![0.8, 0.2],
            values: if up {
                vec![ValueFunction::Increasing, ValueFunction::Increasing]
            } else {
                vec![ValueFunction::Decreasing, ValueFunction::Decreasing]
            },
        },
        reservation,
        discount: 1.0,
    };
    (space.clone(), prefs(true, 0.7), prefs(false, 0.7))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Plain rules, no lapse, every deal ratified: the offers and the deal of
    /// `negotiate`, and no draw from the generator.
    #[test]
    fn plain_rules_are_the_sao_loop(
        (space, a, b) in space_and_profiles(),
        ra in -0.1f64..0.9,
        rb in -0.1f64..0.9,
        n_steps in 1u32..30,
        exponent in prop::sample::select(vec![4.0, 1.0, 0.25]),
    ) {
        let sa = SortedOutcomes::new(&space, &a).expect("valid");
        let sb = SortedOutcomes::new(&space, &b).expect("valid");
        let curve = Aspiration { exponent, ..Aspiration::default() };
        let build = || (
            AspirationNegotiator::new(&sa, ra, n_steps, curve),
            AspirationNegotiator::new(&sb, rb, n_steps, curve),
        );
        let (mut want, mut got) = (Vec::new(), Vec::new());
        let (x, y) = build();
        let deal = negotiate(x, y, Some(&mut want));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let fresh = rng.clone();
        let (x, y) = build();
        let end = negotiate_talks(x, y, [None, None], [None, None], &Rules::plain(n_steps), |_| true, &mut rng, Some(&mut got));
        prop_assert_eq!(&want, &got);
        prop_assert_eq!(rng, fresh, "no draw without a breakdown risk");
        match deal {
            Some(d) => {
                prop_assert_eq!(end.kind, OutcomeKind::Deal);
                prop_assert_eq!(end.outcome, Some(d.outcome));
                prop_assert_eq!(end.round, d.step + 1);
            }
            None => prop_assert_eq!((end.kind, end.outcome, end.round), (OutcomeKind::Deadline, None, n_steps)),
        }
    }

    /// Closed forms strike at the first round whose zone (reservations moved by the
    /// lapse) holds an outcome rational for both, found here by scanning every round,
    /// and choose there what the model chooses at those reservations.
    #[test]
    fn closed_forms_strike_at_the_first_open_round(
        (space, a, b) in space_and_profiles(),
        ra in 0.3f64..1.2,
        rb in 0.3f64..1.2,
        months in 0.25f64..3.0,
        expiry in 1u32..400,
        end in prop::option::of(400u32..1500),
        cost in (0.0f64..0.05, 0.0f64..0.05),
        max_rounds in 1u32..60,
    ) {
        let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
        let frontier = ParetoFrontier::new(&ua, &ub);
        let rules = Rules {
            max_rounds,
            calendar: Some(calendar(months, expiry, end, [cost.0, cost.1])),
            breakdown_risk: 0.0,
        };
        let (_, total) = rules.rounds();
        let got = closed_form(&frontier, None, [ra, rb], &rules, |f, x, y| f.nash(x, y, 1.0, 1.0));
        let first = (0..total.max(1)).find(|&r| {
            let (x, y) = (rules.reservation(0, ra, r), rules.reservation(1, rb, r));
            ua.iter().zip(&ub).any(|(&p, &q)| p >= x && q >= y)
        });
        match first {
            Some(r) => {
                let want = frontier.nash(rules.reservation(0, ra, r), rules.reservation(1, rb, r), 1.0, 1.0);
                prop_assert_eq!(got.kind, OutcomeKind::Deal);
                prop_assert_eq!(got.round, r + 1);
                prop_assert_eq!(got.outcome, want.map(|s| s.outcome));
            }
            None => {
                prop_assert_eq!(got.kind, OutcomeKind::NoZone);
                prop_assert_eq!(got.round, total.max(1));
            }
        }
    }
}

/// Reservations that only cross after the expiry: the agents agree after it (in a lapse
/// round) on an outcome each values at least at its reservation moved by the lapse, and
/// the closed form strikes at the first round where such an outcome exists.
#[test]
fn the_lapse_opens_the_zone_after_the_expiry() {
    let (space, a, b) = amount_space();
    let (sa, sb) = (
        SortedOutcomes::new(&space, &a).expect("valid"),
        SortedOutcomes::new(&space, &b).expect("valid"),
    );
    // 0.5 amount units a month is worth 0.8 · 1/10 · 0.5 = 0.04 utility to each.
    let per = utility_per_unit(&a, &space, 0) * 0.5;
    assert!((per - 0.04).abs() < 1e-12, "{per}");
    assert_eq!(utility_per_unit(&b, &space, 0) * 0.5, per);
    let rules = Rules {
        max_rounds: 1,
        calendar: Some(calendar(1.0, 181, Some(700), [per, per])),
        breakdown_risk: 0.0,
    };
    let (horizon, total) = rules.rounds();
    assert_eq!((horizon, total), (6, 24));
    let curve = Aspiration::default();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let end = negotiate_talks(
        AspirationNegotiator::new(&sa, a.reservation, horizon, curve),
        AspirationNegotiator::new(&sb, b.reservation, horizon, curve),
        [
            Some(LapseMover::new(&sa, a.reservation, per)),
            Some(LapseMover::new(&sb, b.reservation, per)),
        ],
        [None, None],
        &rules,
        |_| true,
        &mut rng,
        None,
    );
    assert_eq!(end.kind, OutcomeKind::Deal, "{end:?}");
    assert!(end.round > horizon, "a deal only after the expiry: {end:?}");
    let o = end.outcome.expect("outcome");
    let r = end.round - 1;
    assert!(sa.utility(o) >= rules.reservation(0, a.reservation, r) - 1e-12);
    assert!(sb.utility(o) >= rules.reservation(1, b.reservation, r) - 1e-12);
    // Utilities sum to 1 at most: the zone opens once the reservations sum to 1.
    let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
    let frontier = ParetoFrontier::new(&ua, &ub);
    let nash = closed_form(
        &frontier,
        None,
        [a.reservation, b.reservation],
        &rules,
        |f, x, y| f.max_welfare(x, y),
    );
    assert_eq!(nash.kind, OutcomeKind::Deal);
    let r = nash.round - 1;
    assert!(rules.reservation(0, 0.7, r) + rules.reservation(1, 0.7, r) <= 1.0 + 1e-12);
    assert!(rules.reservation(0, 0.7, r - 1) + rules.reservation(1, 0.7, r - 1) > 1.0);
    assert!(
        nash.round > horizon && nash.round <= end.round,
        "{nash:?} {end:?}"
    );
    // Without lapse costs the zone never opens.
    let flat = Rules {
        calendar: Some(calendar(1.0, 181, Some(700), [0.0, 0.0])),
        ..rules
    };
    let none = closed_form(&frontier, None, [0.7, 0.7], &flat, |f, x, y| {
        f.max_welfare(x, y)
    });
    assert_eq!((none.kind, none.round), (OutcomeKind::NoZone, 24));
}

/// A deal beyond a principal's limit ends `not_ratified` for the agents (negotiators
/// do not know the limit); a closed form chooses within the limits when it can, else its
/// choice ends `not_ratified`.
#[test]
fn ratification_limits_on_the_amount_issue() {
    let (space, mut a, mut b) = amount_space();
    a.reservation = 0.2;
    b.reservation = 0.2;
    let (sa, sb) = (
        SortedOutcomes::new(&space, &a).expect("valid"),
        SortedOutcomes::new(&space, &b).expect("valid"),
    );
    let amount = |o: u32| {
        space.issues()[0]
            .numeric(space.value_index(o, 0))
            .expect("number")
    };
    let ceiling = Ratification {
        limit: 2.0,
        floor: false,
    };
    let rules = Rules::plain(20);
    let curve = Aspiration {
        exponent: 1.0,
        ..Aspiration::default()
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let talks = |limit: Ratification, rng: &mut Xoshiro256PlusPlus| {
        negotiate_talks(
            AspirationNegotiator::new(&sa, a.reservation, 20, curve),
            AspirationNegotiator::new(&sb, b.reservation, 20, curve),
            [None, None],
            [None, None],
            &rules,
            |o| limit.ratifies(amount(o)),
            rng,
            None,
        )
    };
    let end = talks(ceiling, &mut rng);
    let o = end.outcome.expect("an accepted outcome");
    assert!(
        amount(o) > 2.0,
        "the symmetric deal is near the middle: {}",
        amount(o)
    );
    assert_eq!(end.kind, OutcomeKind::NotRatified);
    let loose = talks(
        Ratification {
            limit: 9.0,
            floor: false,
        },
        &mut rng,
    );
    assert_eq!(
        (loose.kind, loose.outcome, loose.round),
        (OutcomeKind::Deal, end.outcome, end.round)
    );

    let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
    let frontier = ParetoFrontier::new(&ua, &ub);
    let within = |limit: Ratification| -> Vec<bool> {
        (0..space.len() as u32)
            .map(|o| limit.ratifies(amount(o)))
            .collect()
    };
    let mask = within(ceiling);
    let ratifiable = ParetoFrontier::new_where(&ua, &ub, Some(&mask));
    let nash = |f: &ParetoFrontier, x: f64, y: f64| f.nash(x, y, 1.0, 1.0);
    let chosen = closed_form(&frontier, Some(&ratifiable), [0.2, 0.2], &rules, nash);
    assert_eq!(chosen.kind, OutcomeKind::Deal);
    let o = chosen.outcome.expect("outcome");
    assert!(amount(o) <= 2.0 && ua[o as usize] >= 0.2 && ub[o as usize] >= 0.2);
    // A ceiling below every amount the first party accepts (at 0.3 it needs an amount
    // of at least 1): nothing ratifiable.
    let mask = within(Ratification {
        limit: 0.5,
        floor: false,
    });
    let none = ParetoFrontier::new_where(&ua, &ub, Some(&mask));
    let refused = closed_form(&frontier, Some(&none), [0.3, 0.2], &rules, nash);
    assert_eq!(refused.kind, OutcomeKind::NotRatified);
    assert_eq!(
        refused.outcome,
        frontier.nash(0.3, 0.2, 1.0, 1.0).map(|s| s.outcome)
    );
}

/// A breakdown risk of 1 ends the talks at the first rejected offer (the second mover's
/// counter-offer in round 1); each rejection draws one uniform from the generator.
#[test]
fn breakdown_after_a_rejected_offer() {
    let (space, a, b) = amount_space();
    let (sa, sb) = (
        SortedOutcomes::new(&space, &a).expect("valid"),
        SortedOutcomes::new(&space, &b).expect("valid"),
    );
    let curve = Aspiration::default();
    let run = |risk: f64, seed: u64| {
        let rules = Rules {
            breakdown_risk: risk,
            ..Rules::plain(30)
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut trace = Vec::new();
        let end = negotiate_talks(
            AspirationNegotiator::new(&sa, 0.1, 30, curve),
            AspirationNegotiator::new(&sb, 0.1, 30, curve),
            [None, None],
            [None, None],
            &rules,
            |_| true,
            &mut rng,
            Some(&mut trace),
        );
        (end, trace.len())
    };
    let (end, offers) = run(1.0, 3);
    assert_eq!(
        (end.kind, end.round, end.outcome, offers),
        (OutcomeKind::Breakdown, 1, None, 2)
    );
    // A small risk: some seeds break down, others reach the risk-free deal.
    let ends: Vec<OutcomeKind> = (0..200).map(|seed| run(0.05, seed).0.kind).collect();
    let broke = ends
        .iter()
        .filter(|&&k| k == OutcomeKind::Breakdown)
        .count();
    assert!(broke > 20 && broke < 200, "{broke} breakdowns of 200");
    assert!(
        ends.iter()
            .all(|&k| k == OutcomeKind::Breakdown || k == OutcomeKind::Deal)
    );
}

/// The end game (`AC_combi`): against a hardliner, a Boulware negotiator never lowers
/// its aspiration to the hardliner's package and the talks run out; with an end game
/// from half the horizon on it accepts that package (the best offered so far, worth its
/// reservation) in the first round of its end game.
#[test]
fn the_end_game_accepts_the_best_offer_so_far() {
    use bargain_core::package::tactics::Tactic;
    use bargain_core::package::talks::EndGame;
    let (space, a, mut b) = amount_space();
    b.reservation = 0.0;
    let (sa, sb) = (
        SortedOutcomes::new(&space, &a).expect("valid"),
        SortedOutcomes::new(&space, &b).expect("valid"),
    );
    let rules = Rules::plain(10);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let run = |end_game: Option<EndGame<'_>>, rng: &mut Xoshiro256PlusPlus| {
        negotiate_talks(
            Tactic::Hardliner.build(&sa, a.reservation, 10),
            AspirationNegotiator::new(&sb, b.reservation, 10, Aspiration::default()),
            [None, None],
            [None, end_game],
            &rules,
            |_| true,
            rng,
            None,
        )
    };
    let without = run(None, &mut rng);
    assert_eq!(without.kind, OutcomeKind::Deadline, "{without:?}");
    let e = EndGame::new(&sb, b.reservation, 0.5, 10);
    assert_eq!(e.from(), 5, "τ = 6/11 is the first ≥ 0.5");
    let with = run(Some(e), &mut rng);
    assert_eq!((with.kind, with.round), (OutcomeKind::Deal, 6), "{with:?}");
    let o = with.outcome.expect("outcome");
    assert_eq!(sa.utility(o), sa.max(), "the hardliner's best package");
}
