//! Package talks with dated events and vetoes (`bargain_core::package::timed`): with no
//! event and `on_veto = end` they are the talks of `package::talks` move for move; a
//! veto with `resume` teaches the vetoing side its limit; an event that removes a limit
//! opens the closed forms' zone at its round.

use bargain_core::Calendar;
use bargain_core::OutcomeKind;
use bargain_core::Side;
use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{Issue, OutcomeSpace};
use bargain_core::package::tactics::Tactic;
use bargain_core::package::talks::{
    EndGame, LapseMover, Ratification, Rules, closed_form, negotiate_talks,
};
use bargain_core::package::timed::{Principals, closed_form_timed, negotiate_timed};
use bargain_core::strategy::FaratinFamily;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::package_properties::utilities;

/// `amount` in 0..=10 (step 1) and `term` 1..=3: the first party wants more of both, the
/// second less, weight 0.8 on the amount.
fn space() -> (OutcomeSpace, Preferences, Preferences) {
    let space = OutcomeSpace::new(vec![
        Issue::number("amount", 0.0, 10.0, Some(1.0)),
        Issue::integer("term", 1, 3),
    ])
    .expect("space");
    let prefs = |up: bool| Preferences {
        utility: LinearAdditive {
            weights: vec![0.8, 0.2],
            values: if up {
                vec![ValueFunction::Increasing, ValueFunction::Increasing]
            } else {
                vec![ValueFunction::Decreasing, ValueFunction::Decreasing]
            },
        },
        reservation: 0.0,
        discount: 1.0,
    };
    (space, prefs(true), prefs(false))
}

fn amount(space: &OutcomeSpace, o: u32) -> Option<f64> {
    space.issues()[0].numeric(space.value_index(o, 0))
}

fn tactic(k: usize) -> Tactic {
    match k {
        0 => Tactic::default(),
        1 => Tactic::Faratin {
            beta: 0.5,
            kappa: 0.1,
            family: FaratinFamily::Exponential,
        },
        2 => Tactic::TitForTat,
        _ => Tactic::Hardliner,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// No event, `on_veto = end`: the same end, offers and draws as `negotiate_talks`,
    /// and the closed form of `closed_form`.
    #[test]
    fn without_events_the_talks_are_unchanged(
        ra in 0.0f64..0.9,
        rb in 0.0f64..0.9,
        expiry in 1u32..300,
        end in prop::option::of(300u32..900),
        cost in (0.0f64..0.03, 0.0f64..0.03),
        risk in prop::sample::select(vec![0.0, 0.05]),
        floor in prop::option::of(0.0f64..10.0),
        end_game in prop::option::of(0.5f64..1.0),
        ta in 0usize..4,
        tb in 0usize..4,
    ) {
        let (space, a, b) = space();
        let (sa, sb) = (SortedOutcomes::new(&space, &a).expect("valid"), SortedOutcomes::new(&space, &b).expect("valid"));
        let rules = Rules {
            max_rounds: 30,
            calendar: Some(Calendar { pace: bargain_core::calendar::Pace::FIXED, round_months: 1.0, expiry_day: expiry, end_day: end, lapse_cost: [cost.0, cost.1], end_game: [end_game, None] }),
            breakdown_risk: risk,
        };
        let (horizon, _) = rules.rounds();
        let ratification = [floor.map(|limit| Ratification { limit, floor: true }), None];
        let ratified = |o: u32| ratification[0].is_none_or(|r| amount(&space, o).is_none_or(|x| r.ratifies(x)));
        let (tac_a, tac_b) = (tactic(ta), tactic(tb));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut want = Vec::new();
        let lapse = [
            (tac_a != Tactic::Hardliner).then(|| LapseMover::new(&sa, ra, cost.0)),
            (tac_b != Tactic::Hardliner).then(|| LapseMover::new(&sb, rb, cost.1)),
        ];
        let eg = [end_game.map(|x| EndGame::new(&sa, ra, x, horizon)), None];
        let old = negotiate_talks(tac_a.build(&sa, ra, horizon), tac_b.build(&sb, rb, horizon), lapse, eg, &rules, ratified, &mut rng, Some(&mut want));
        let principals = Principals { reservation: [ra, rb], outside_option: [None; 2], ratification, floor: [true, false], per_unit: [0.08, 0.08] };
        let tl = Timeline::new(OnVeto::End);
        let mut rng2 = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut got = Vec::new();
        let sorted = [&sa, &sb];
        let tacs = [tac_a, tac_b];
        let new = negotiate_timed(|s, r| tacs[s].build(sorted[s], r, horizon), sorted, [tac_a == Tactic::Hardliner, tac_b == Tactic::Hardliner], &principals, &rules, &tl, |o| amount(&space, o), &mut rng2, Some(&mut got));
        prop_assert_eq!(new.end, old);
        prop_assert_eq!(new.vetoes, 0);
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(rng2, rng);
        let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
        let frontier = ParetoFrontier::new(&ua, &ub);
        let within: Vec<bool> = (0..ua.len() as u32).map(ratified).collect();
        let rf = floor.map(|_| ParetoFrontier::new_where(&ua, &ub, Some(&within)));
        let solve = |f: &ParetoFrontier, x, y| f.nash(x, y, 1.0, 1.0);
        let want = closed_form(&frontier, rf.as_ref(), [ra, rb], &rules, solve);
        let got = closed_form_timed(&frontier, rf.as_ref(), &principals, &rules, &tl, &mut ParetoFrontier::default(), |_, _| unreachable!("no event"), solve);
        prop_assert_eq!(got, want);
    }
}

/// The first party's principal will not ratify less than 8; the second party's
/// reservation keeps the amount at 5 or less: no ratifiable deal until an event on day
/// 100 removes the floor. No lapse costs.
fn floor_case(on_veto: OnVeto, with_event: bool) -> (Rules, Principals, Timeline) {
    let cal = Calendar {
        pace: bargain_core::calendar::Pace::FIXED,
        round_months: 1.0,
        expiry_day: 365,
        end_day: Some(700),
        lapse_cost: [0.0; 2],
        end_game: [None; 2],
    };
    let rules = Rules {
        max_rounds: 1,
        calendar: Some(cal),
        breakdown_risk: 0.0,
    };
    let principals = Principals {
        reservation: [0.0, 0.6],
        outside_option: [None; 2],
        ratification: [
            Some(Ratification {
                limit: 8.0,
                floor: true,
            }),
            None,
        ],
        floor: [true, false],
        per_unit: [0.08, 0.08],
    };
    let mut tl = Timeline::new(on_veto);
    if with_event {
        let mut e = Event::new(100, Some(Side::Payee), 0);
        e.push(Change::Set(Key::Ratification, None));
        assert!(tl.push(e, &cal));
    }
    (rules, principals, tl)
}

#[test]
fn an_event_that_removes_the_floor_opens_the_closed_forms_zone_at_its_round() {
    let (space, a, b) = space();
    let (ua, ub) = (utilities(&space, &a), utilities(&space, &b));
    let frontier = ParetoFrontier::new(&ua, &ub);
    let within: Vec<bool> = (0..ua.len() as u32)
        .map(|o| amount(&space, o).is_some_and(|x| x >= 8.0))
        .collect();
    let rf = ParetoFrontier::new_where(&ua, &ub, Some(&within));
    let solve = |f: &ParetoFrontier, x, y| f.nash(x, y, 1.0, 1.0);
    let (rules, p, tl) = floor_case(OnVeto::Resume, true);
    let round = tl.events()[0].round;
    assert!(round > 0);
    let end = closed_form_timed(
        &frontier,
        Some(&rf),
        &p,
        &rules,
        &tl,
        &mut ParetoFrontier::default(),
        |_, _| unreachable!(),
        solve,
    );
    assert_eq!(end.kind, OutcomeKind::Deal, "{end:?}");
    assert_eq!(
        end.round,
        round + 1,
        "the first round on or after the event"
    );
    // Without the event: no ratifiable deal in any round (`resume`) or `not_ratified`
    // in the first (`end`).
    let (rules, p, tl) = floor_case(OnVeto::Resume, false);
    let none = closed_form_timed(
        &frontier,
        Some(&rf),
        &p,
        &rules,
        &tl,
        &mut ParetoFrontier::default(),
        |_, _| unreachable!(),
        solve,
    );
    assert_eq!(none.kind, OutcomeKind::NoZone);
    let (rules, p, tl) = floor_case(OnVeto::End, false);
    let refused = closed_form_timed(
        &frontier,
        Some(&rf),
        &p,
        &rules,
        &tl,
        &mut ParetoFrontier::default(),
        |_, _| unreachable!(),
        solve,
    );
    assert_eq!((refused.kind, refused.round), (OutcomeKind::NotRatified, 1));
    // An event that sets a floor later rebuilds the ratifiable frontier.
    let (rules, mut p, _) = floor_case(OnVeto::Resume, false);
    p.ratification = [None, None];
    let mut tl = Timeline::new(OnVeto::Resume);
    let mut e = Event::new(0, Some(Side::Payee), 0);
    e.push(Change::Set(Key::Ratification, Some(8.0)));
    tl.push(e, rules.calendar.as_ref().expect("calendar"));
    let mut built = 0;
    let set = closed_form_timed(
        &frontier,
        None,
        &p,
        &rules,
        &tl,
        &mut ParetoFrontier::default(),
        |l, out| {
            built += 1;
            assert_eq!(
                l[0],
                Some(Ratification {
                    limit: 8.0,
                    floor: true
                })
            );
            out.clone_from(&rf);
        },
        solve,
    );
    assert_eq!((set.kind, built), (OutcomeKind::NoZone, 1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A frontier refilled from the sorted order of all outcomes is the frontier built
    /// for the kept outcomes, point for point (ties and duplicates included).
    #[test]
    fn a_refilled_frontier_is_the_built_one(
        ua in prop::collection::vec(0u8..6, 1..60),
        ub in prop::collection::vec(0u8..6, 60),
        keep in prop::collection::vec(any::<bool>(), 60),
    ) {
        let ua: Vec<f64> = ua.iter().map(|&x| f64::from(x) / 5.0).collect();
        let ub: Vec<f64> = ub[..ua.len()].iter().map(|&x| f64::from(x) / 5.0).collect();
        let keep = &keep[..ua.len()];
        let order = ParetoFrontier::order_where(&ua, &ub, None);
        let mut f = ParetoFrontier::new(&[0.5; 3], &[0.5; 3]);
        f.refill(&order, &ua, &ub, |o| keep[o as usize]);
        prop_assert_eq!(f, ParetoFrontier::new_where(&ua, &ub, Some(keep)));
    }
}

#[test]
fn a_veto_teaches_the_limit_and_the_agents_deal_after_the_event() {
    let (space, a, b) = space();
    let (sa, sb) = (
        SortedOutcomes::new(&space, &a).expect("valid"),
        SortedOutcomes::new(&space, &b).expect("valid"),
    );
    let sorted = [&sa, &sb];
    let run = |on_veto, with_event| {
        let (rules, p, tl) = floor_case(on_veto, with_event);
        let (horizon, _) = rules.rounds();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut offers = Vec::new();
        let end = negotiate_timed(
            |s, r| Tactic::default().build(sorted[s], r, horizon),
            sorted,
            [false; 2],
            &p,
            &rules,
            &tl,
            |o| amount(&space, o),
            &mut rng,
            Some(&mut offers),
        );
        (end, offers, tl)
    };
    // `end`: the first deal the agents reach is below the floor.
    let (ended, _, _) = run(OnVeto::End, false);
    assert_eq!(ended.end.kind, OutcomeKind::NotRatified, "{ended:?}");
    // `resume` without the event: vetoed once, then the first party offers no amount
    // below 8 again, which the second never accepts.
    let (stuck, offers, _) = run(OnVeto::Resume, false);
    assert_eq!(stuck.end.kind, OutcomeKind::Deadline, "{stuck:?}");
    assert_eq!(stuck.vetoes, 1);
    let veto_round = ended.end.round - 1;
    assert!(
        offers
            .iter()
            .filter(|o| o.by == 0 && o.step > veto_round)
            .all(|o| amount(&space, o.outcome).is_some_and(|x| x >= 8.0)),
        "after the veto the first party knows its floor"
    );
    // With the event the floor goes and the knowledge follows: a deal after the event.
    let (dealt, _, tl) = run(OnVeto::Resume, true);
    assert_eq!(dealt.end.kind, OutcomeKind::Deal, "{dealt:?}");
    assert!(dealt.end.round > tl.events()[0].round, "{dealt:?}");
    // A veto before the event only if the talks without it met one by then.
    assert_eq!(dealt.vetoes, u32::from(veto_round < tl.events()[0].round));
}
