//! The timeline against the calendar protocol it extends, and the veto rules.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::*;
use crate::protocol::Protocol;
use crate::protocol::tests::{random_calendar, random_grid, random_party};
use crate::strategy::{Preset, StrategySpec};

fn random_negotiation(rng: &mut Xoshiro256PlusPlus) -> Negotiation {
    Negotiation {
        payee: random_party(rng, Side::Payee),
        payer: random_party(rng, Side::Payer),
        protocol: Protocol {
            max_rounds: rng.random_range(1..60),
            first_mover: if rng.random::<bool>() {
                Side::Payee
            } else {
                Side::Payer
            },
            breakdown_risk: if rng.random::<bool>() {
                0.0
            } else {
                rng.random_range(0.0..0.05)
            },
            grid: random_grid(rng),
            obstinacy: [0.0; 2],
        },
        calendar: Some(random_calendar(rng)),
    }
}

#[test]
fn an_empty_timeline_negotiates_as_the_calendar_protocol() {
    // The events loops themselves (not the shortcut of `outcome_in`) against
    // `outcome_with`: outcomes, offers and the generator's state, bit for bit.
    let mut draws = Xoshiro256PlusPlus::seed_from_u64(23);
    let tl = Timeline::new(OnVeto::End);
    for case in 0..3000 {
        let n = random_negotiation(&mut draws);
        let cal = n.calendar.expect("a calendar");
        let seed = draws.random::<u64>();
        let (mut r1, mut r2) = (
            Xoshiro256PlusPlus::seed_from_u64(seed),
            Xoshiro256PlusPlus::seed_from_u64(seed),
        );
        let (mut t1, mut t2) = (Trace::new(), Trace::new());
        let plain = n.outcome(Model::Agents, &mut r1, Some(&mut t1));
        let timed = talks::run_agents(
            &n,
            &cal,
            &tl,
            &mut r2,
            Some(&mut t2),
            &mut crate::strategy::PowerMemo::new(),
        );
        assert_eq!(plain, timed.outcome, "case {case}: {n:?}");
        assert_eq!(t1, t2, "case {case}");
        assert_eq!(r1.random::<u64>(), r2.random::<u64>(), "case {case}");
        assert_eq!(timed.vetoes, 0);
        for model in Model::ALL.into_iter().filter(|m| m.is_closed_form()) {
            let plain = n.outcome(model, &mut r1, None);
            assert_eq!(
                plain,
                closed_form_in(&n, &cal, &tl, model),
                "case {case} {model}"
            );
        }
    }
}

/// Talks with no ratifiable deal until `day`, when the payee's principal floor goes.
fn floor_until(day: u32) -> (Negotiation, Timeline) {
    let party = |side, opening, reservation, ratification| Party {
        side,
        opening,
        reservation,
        discount: 0.95,
        power: 1.0,
        ratification,
        outside_option: None,
        strategy: StrategySpec::time_based(Preset::Linear),
    };
    let n = Negotiation {
        payee: party(Side::Payee, 1.5, 1.0, Some(1.4)),
        payer: party(Side::Payer, 0.8, 1.2, None),
        protocol: Protocol {
            max_rounds: 40,
            first_mover: Side::Payee,
            breakdown_risk: 0.0,
            grid: None,
            obstinacy: [0.0; 2],
        },
        calendar: Some(Calendar {
            round_months: 1.0,
            expiry_day: 180,
            end_day: Some(900),
            lapse_cost: [0.0; 2],
            end_game: [None; 2],
            pace: crate::calendar::Pace::FIXED,
        }),
    };
    let cal = n.calendar.expect("a calendar");
    let mut tl = Timeline::new(OnVeto::Resume);
    let mut e = Event::new(day, Some(Side::Payee), 0);
    assert!(e.push(Change::Set(Key::Ratification, None)));
    assert!(tl.push(e, &cal));
    (n, tl)
}

#[test]
fn a_removed_floor_lets_every_model_deal_after_it() {
    let (n, tl) = floor_until(400);
    let cal = n.calendar.expect("a calendar");
    let event_round = tl.events()[0].round;
    assert!(cal.day(event_round) >= 400 && cal.day(event_round - 1) < 400);
    let mut ws = Workspace::new();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    // `attrition` does not take events yet (it plays on the first meeting's inputs).
    for model in Model::ALL.into_iter().filter(|&m| m != Model::Attrition) {
        let o = n.outcome_in(&tl, model, &mut rng, None, &mut ws);
        assert_eq!(o.outcome.kind, OutcomeKind::Deal, "{model}: {o:?}");
        if model.is_closed_form() {
            assert_eq!(o.outcome.round, event_round + 1, "{model}");
            assert_eq!(o.vetoes, 0);
        } else {
            assert!(o.outcome.round > event_round, "{o:?}");
            // The linear agents meet inside [1.0, 1.2] long before the event: vetoed.
            assert!(o.vetoes >= 1, "{o:?}");
        }
        let x = o.outcome.amount.expect("an amount");
        assert!((1.0..=1.2).contains(&x), "{model}: {x}");
    }
    // With `end`, the first deal outside the floor ends the talks.
    let end = Timeline {
        on_veto: OnVeto::End,
        ..tl
    };
    let o = n.outcome_in(&end, Model::Agents, &mut rng, None, &mut ws);
    assert_eq!(o.outcome.kind, OutcomeKind::NotRatified);
    assert!(o.outcome.round <= event_round);
    // The closed forms keep the calendar's rule: level-1 zone open at once.
    let o = n.outcome_in(&end, Model::Nash, &mut rng, None, &mut ws);
    assert_eq!(
        (o.outcome.kind, o.outcome.round),
        (OutcomeKind::NotRatified, 1)
    );
}

#[test]
fn a_veto_teaches_the_limit() {
    // No event: the floor of 1.1 lies inside the zone; the vetoed agents learn it and
    // deal at or above it.
    let (mut n, _) = floor_until(400);
    n.payee.ratification = Some(1.1);
    let tl = Timeline::new(OnVeto::Resume);
    let mut ws = Workspace::new();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
    let o = n.outcome_in(&tl, Model::Agents, &mut rng, None, &mut ws);
    assert_eq!(o.outcome.kind, OutcomeKind::Deal, "{o:?}");
    assert!(o.outcome.amount.expect("an amount") >= 1.1);
    // Every closed form deals within the limits at round 1, without a veto.
    for model in Model::ALL.into_iter().filter(|m| m.is_closed_form()) {
        let o = n.outcome_in(&tl, model, &mut rng, None, &mut ws);
        assert_eq!(
            (o.outcome.kind, o.outcome.round, o.vetoes),
            (OutcomeKind::Deal, 1, 0)
        );
        assert!(o.outcome.amount.expect("an amount") >= 1.1, "{model}");
    }
}

#[test]
fn shifts_and_lapse_costs_follow_the_values_in_force() {
    let (n, _) = floor_until(400);
    let cal = n.calendar.expect("a calendar");
    let mut state = InForce::new(&n, &cal);
    let mut e = Event::new(0, Some(Side::Payer), 0);
    assert!(e.push(Change::Shift(Key::Reservation, -0.1)));
    assert!(e.push(Change::Set(Key::LapseCost, Some(0.02))));
    assert!(e.push(Change::Shift(Key::Ratification, 1.0)));
    state.apply(&e, 3.0);
    let p = state.party(Side::Payer);
    assert!((p.reservation - 1.1).abs() < 1e-12);
    assert_eq!(p.ratification, None, "an absent limit stays absent");
    // The cost of the lapse counts from the change: 2 months later, 0.04.
    assert!((state.lapse(Side::Payer, 5.0) - 0.04).abs() < 1e-12);
    assert_eq!(state.lapse(Side::Payee, 5.0), 0.0);
    let mut p = Event::new(0, None, 1);
    assert!(p.push(Change::Shift(Key::BreakdownRisk, 2.0)));
    state.apply(&p, 0.0);
    assert_eq!(state.breakdown_risk, 1.0, "clamped to a probability");
}

#[test]
fn events_take_effect_in_round_order_and_a_timeline_is_bounded() {
    let (n, _) = floor_until(400);
    let cal = n.calendar.expect("a calendar");
    let mut tl = Timeline::new(OnVeto::End);
    for (i, day) in [300u32, 0, 300, 61].into_iter().enumerate() {
        assert!(tl.push(Event::new(day, None, i as u16), &cal));
    }
    let order: Vec<(u32, u16)> = tl.events().iter().map(|e| (e.day, e.index)).collect();
    assert_eq!(order, [(0, 1), (61, 3), (300, 0), (300, 2)]);
    assert_eq!(tl.events()[1].round, 3, "day 61 is after round 2 (day 60)");
    while tl.events().len() < MAX_EVENTS {
        assert!(tl.push(Event::new(1, None, 9), &cal));
    }
    assert!(!tl.push(Event::new(1, None, 9), &cal));
    let mut e = Event::new(0, None, 0);
    for _ in 0..MAX_CHANGES {
        assert!(e.push(Change::Set(Key::BreakdownRisk, Some(0.0))));
    }
    assert!(!e.push(Change::Set(Key::BreakdownRisk, Some(0.0))));
}
