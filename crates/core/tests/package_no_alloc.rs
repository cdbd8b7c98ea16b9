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
    // The closed forms with events that change a ratification limit refill a reused
    // buffer: warmed up once (its growth is the only allocation), then none.
    let order = ParetoFrontier::order_where(&ua, &ub, None);
    // A floor of 7 on amounts 0..=6: nothing is ratifiable until the event.
    let within: Vec<bool> = (0..600u32).map(|o| f64::from(o % 7) >= 7.0).collect();
    let ratifiable = ParetoFrontier::new_where(&ua, &ub, Some(&within));
    let mut scratch = ParetoFrontier::default();
    let warm = timed_closed_forms(&frontier, &ratifiable, &ua, &ub, &order, &mut scratch);
    let issues = IssueCase::new();
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
    let rule_ends = talks_under_rules(&sa, &sb, &frontier);
    let timed_ends = timed_closed_forms(&frontier, &ratifiable, &ua, &ub, &order, &mut scratch);
    let learner_deals = learners_with_weight_models(&issues);
    let zones = estimated_zones(&issues);
    let after = allocations();
    assert_eq!(after - before, 0, "allocations on the package hot path");
    assert!(deals > 100);
    assert!(tactic_deals > 100, "{tactic_deals}");
    assert!(rule_ends > 100, "{rule_ends}");
    assert_eq!(timed_ends, warm);
    // Deals only after the event, and refills of the frontier within the new limits.
    assert!(
        timed_ends.0 > 50 && timed_ends.1 == timed_ends.0 && timed_ends.2 > 30,
        "{timed_ends:?}"
    );
    assert!(learner_deals > 50, "{learner_deals}");
    assert!(zones > 500, "{zones}");
}

/// A package learner with a weight model fed a time-based opponent's offers: it
/// estimates the zone and its Nash point after each (`package::zone`); the number of
/// offers after which it had a zone.
fn estimated_zones(c: &IssueCase) -> usize {
    use bargain_core::package::aspiration::{Decision, Negotiator, Turn};
    use bargain_core::package::opponent::OpponentView;
    use bargain_core::package::tactics::LearningNegotiator;
    let mut zones = 0;
    for k in 0..40u32 {
        let (ra, rb) = (f64::from(k % 5) / 10.0, f64::from(k % 4) / 10.0);
        let n = 20 + k % 30;
        let mut opponent = AspirationNegotiator::new(&c.sorted[1], rb, n, Aspiration::default());
        let view = OpponentView {
            space: &c.space,
            preferences: &c.prefs[1],
        };
        let mut learner = LearningNegotiator::new(&c.sorted[0], ra, n, 1.0, 32, 1.0).against(view);
        for step in 0..n {
            if let Decision::Offer(o) = opponent.decide(Turn { step, by: 1 }, None) {
                learner.observe(o, step);
                zones += usize::from(learner.zone().is_some());
                let _ = learner.target(step);
            }
        }
    }
    zones
}

/// The closed forms under a timeline whose event changes the first party's ratification
/// limit (lowers the floor that nothing met, or removes it), `on_veto = "resume"`:
/// `(deals, deals after the event, refills of the frontier within the limits)`.
fn timed_closed_forms(
    frontier: &ParetoFrontier,
    ratifiable: &ParetoFrontier,
    ua: &[f64],
    ub: &[f64],
    order: &[u32],
    scratch: &mut ParetoFrontier,
) -> (usize, usize, usize) {
    use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
    use bargain_core::package::talks::{Ratification, Rules};
    use bargain_core::package::timed::{Principals, closed_form_timed};
    use bargain_core::{Calendar, OutcomeKind, Side};
    let (mut deals, mut after, mut refills) = (0, 0, 0);
    for k in 0..100u32 {
        let (ra, rb) = (
            0.3 + f64::from(k % 10) / 40.0,
            0.3 + f64::from(k % 7) / 28.0,
        );
        let cal = Calendar {
            round_months: 1.0,
            expiry_day: 100 + 10 * k,
            end_day: Some(3000),
            lapse_cost: [0.01, 0.02],
            end_game: [None; 2],
            pace: bargain_core::calendar::Pace::FIXED,
        };
        let rules = Rules {
            max_rounds: 40,
            calendar: Some(cal),
            breakdown_risk: 0.0,
        };
        let on_veto = if k % 2 == 0 {
            OnVeto::Resume
        } else {
            OnVeto::End
        };
        let mut tl = Timeline::new(on_veto);
        let mut e = Event::new(5 * k, Some(Side::Payee), 0);
        let limit = (k % 3 != 0).then_some(f64::from(k % 3));
        e.push(Change::Set(Key::Ratification, limit));
        tl.push(e, &cal);
        let round = tl.events()[0].round;
        let principals = Principals {
            reservation: [ra, rb],
            outside_option: [None, (k % 4 == 0).then_some(0.35)],
            ratification: [
                Some(Ratification {
                    limit: 7.0,
                    floor: true,
                }),
                None,
            ],
            floor: [true, false],
            per_unit: [0.01, 0.01],
        };
        let end = closed_form_timed(
            frontier,
            Some(ratifiable),
            &principals,
            &rules,
            &tl,
            scratch,
            |limits, out| {
                refills += 1;
                out.refill(order, ua, ub, |o| {
                    let x = f64::from(o % 7);
                    limits.iter().flatten().all(|r| r.ratifies(x))
                });
            },
            |f, x, y| f.nash(x, y, 1.0, 1.0),
        );
        if end.kind == OutcomeKind::Deal {
            deals += 1;
            after += usize::from(end.round > round);
        }
    }
    (deals, after, refills)
}

/// Three issues (6 × 5 × 4 outcomes) and two parties' preferences, built before the
/// counter is read.
struct IssueCase {
    space: bargain_core::package::space::OutcomeSpace,
    prefs: [bargain_core::package::preferences::Preferences; 2],
    sorted: [SortedOutcomes; 2],
}

impl IssueCase {
    fn new() -> Self {
        use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
        use bargain_core::package::space::{Issue, OutcomeSpace};
        let space = OutcomeSpace::new(vec![
            Issue::integer("a", 0, 5),
            Issue::integer("b", 0, 4),
            Issue::choice("c", &["x", "y", "z", "w"]),
        ])
        .expect("valid space");
        let pref = |weights: Vec<f64>, f: ValueFunction, table: Vec<f64>| Preferences {
            utility: LinearAdditive {
                weights,
                values: vec![f.clone(), f, ValueFunction::Table(table)],
            },
            reservation: 0.0,
            discount: 1.0,
        };
        let prefs = [
            pref(
                vec![0.5, 0.3, 0.2],
                ValueFunction::Increasing,
                vec![0.0, 0.3, 0.7, 1.0],
            ),
            pref(
                vec![0.2, 0.3, 0.5],
                ValueFunction::Decreasing,
                vec![1.0, 0.6, 0.2, 0.0],
            ),
        ];
        let sorted = [0, 1].map(|i| SortedOutcomes::new(&space, &prefs[i]).expect("valid"));
        Self {
            space,
            prefs,
            sorted,
        }
    }
}

/// Package learners that also learn the opponent's issue weights (`build_against`), in
/// self-play and against the time-based negotiator: the number of deals.
fn learners_with_weight_models(c: &IssueCase) -> usize {
    use bargain_core::package::aspiration::PowerCache;
    use bargain_core::package::opponent::OpponentView;
    use bargain_core::package::tactics::Tactic;
    let cache = PowerCache::new();
    let learner = Tactic::Learning {
        prior_width: 1.0,
        hypotheses: 32,
        exponent: 1.0,
    };
    let view = |i: usize| OpponentView {
        space: &c.space,
        preferences: &c.prefs[1 - i],
    };
    let mut deals = 0;
    for k in 0..60u32 {
        let (ra, rb) = (f64::from(k % 10) / 20.0, f64::from(k % 7) / 14.0);
        let n = 10 + k % 40;
        let other = if k % 2 == 0 {
            learner
        } else {
            Tactic::default()
        };
        let a = learner.build_against(&c.sorted[0], ra, n, &cache, view(0));
        let b = other.build_against(&c.sorted[1], rb, n, &cache, view(1));
        deals += usize::from(negotiate(a, b, None).is_some());
    }
    deals
}

/// Talks under a calendar (lapse moves after the expiry), a breakdown risk and a
/// ratification limit, and the closed forms under the calendar rule: no allocation.
fn talks_under_rules(sa: &SortedOutcomes, sb: &SortedOutcomes, frontier: &ParetoFrontier) -> usize {
    use bargain_core::package::talks::{EndGame, LapseMover, Rules, closed_form, negotiate_talks};
    use bargain_core::{Calendar, OutcomeKind};
    use rand::SeedableRng;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
    let mut ends = 0;
    for k in 0..100u32 {
        let (ra, rb) = (
            0.5 + f64::from(k % 10) / 40.0,
            0.5 + f64::from(k % 7) / 28.0,
        );
        let rules = Rules {
            max_rounds: 40,
            calendar: Some(Calendar {
                round_months: 1.0,
                expiry_day: 100 + 10 * k,
                end_day: (k % 2 == 0).then_some(2000),
                lapse_cost: [0.01, 0.02],
                end_game: [None; 2],
                pace: bargain_core::calendar::Pace::FIXED,
            }),
            breakdown_risk: f64::from(k % 3) / 50.0,
        };
        let (horizon, _) = rules.rounds();
        let a = AspirationNegotiator::new(sa, ra, horizon, Aspiration::default());
        let b = AspirationNegotiator::new(sb, rb, horizon, Aspiration::default());
        let lapse = [
            Some(LapseMover::new(sa, ra, 0.01)),
            Some(LapseMover::new(sb, rb, 0.02)),
        ];
        let end_game = [Some(EndGame::new(sa, ra, 0.8, horizon)), None];
        let end = negotiate_talks(
            a,
            b,
            lapse,
            end_game,
            &rules,
            |o| o % 5 != 0,
            &mut rng,
            None,
        );
        ends += usize::from(end.kind != OutcomeKind::Deadline);
        let c = closed_form(frontier, Some(frontier), [ra, rb], &rules, |f, x, y| {
            f.nash(x, y, 1.0, 1.0)
        });
        ends += usize::from(c.kind == OutcomeKind::Deal);
        // The same talks with a timeline (an event removing the limit, vetoes that
        // resume): no allocation either.
        use bargain_core::Side;
        use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
        use bargain_core::package::talks::Ratification;
        use bargain_core::package::timed::{Principals, negotiate_timed};
        let mut tl = Timeline::new(OnVeto::Resume);
        let mut e = Event::new(60 + k, Some(Side::Payee), 0);
        e.push(Change::Set(Key::Ratification, None));
        e.push(Change::Shift(Key::Reservation, -0.05));
        if let Some(cal) = rules.calendar.as_ref() {
            tl.push(e, cal);
        }
        let principals = Principals {
            reservation: [ra, rb],
            outside_option: [None; 2],
            ratification: [
                Some(Ratification {
                    limit: 3.0,
                    floor: true,
                }),
                None,
            ],
            floor: [true, false],
            per_unit: [0.01, 0.01],
        };
        let timed = negotiate_timed(
            |s, r| AspirationNegotiator::new([sa, sb][s], r, horizon, Aspiration::default()),
            [sa, sb],
            [false; 2],
            &principals,
            &rules,
            &tl,
            |o| Some(f64::from(o % 7)),
            &mut rng,
            None,
        );
        ends += usize::from(timed.end.kind != OutcomeKind::Deadline);
    }
    ends
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
