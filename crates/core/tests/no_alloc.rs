//! The negotiation hot path allocates nothing: a counting global allocator proves it.

use bargain_core::{
    Calendar, FaratinFamily, Grid, Model, Negotiation, Party, Preset, Protocol, Side, StrategySpec,
};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

#[test]
fn negotiating_allocates_nothing() {
    let strategies = [
        StrategySpec::time_based(Preset::Boulware),
        StrategySpec::time_based(Preset::Conceder),
        StrategySpec::Faratin {
            beta: 0.5,
            kappa: 0.1,
            family: FaratinFamily::Exponential,
        },
        StrategySpec::TitForTat,
        StrategySpec::Hardliner,
        StrategySpec::learning(),
        StrategySpec::Learning {
            prior_width: 1.5,
            hypotheses: 64,
            exponent: 3.0,
        },
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let before = allocations();
    let mut deals = 0u32;
    // Without a calendar, and with one that runs far into a lapse (expiry after round 1).
    let calendars = [
        None,
        Some(Calendar {
            round_months: 1.0,
            expiry_day: 40,
            end_day: Some(900),
            lapse_cost: [0.01, 0.02],
            end_game: [Some(0.5), None],
            pace: bargain_core::calendar::Pace::FIXED,
        }),
    ];
    for (i, (s1, calendar)) in strategies
        .iter()
        .flat_map(|s| calendars.iter().map(move |c| (s, *c)))
        .enumerate()
    {
        for s2 in &strategies {
            let n = Negotiation {
                calendar,
                payee: Party {
                    side: Side::Payee,
                    opening: 1.4,
                    reservation: 1.0,
                    discount: 0.9,
                    power: 1.0,
                    ratification: Some(0.9),
                    outside_option: None,
                    strategy: *s1,
                },
                payer: Party {
                    side: Side::Payer,
                    opening: 0.96,
                    reservation: 1.2,
                    discount: 0.9,
                    power: 1.0,
                    ratification: Some(1.3),
                    outside_option: Some(1.25),
                    strategy: *s2,
                },
                protocol: Protocol {
                    max_rounds: 10,
                    first_mover: Side::Payee,
                    breakdown_risk: 0.05,
                    grid: (i % 2 == 0).then_some(Grid {
                        lo: 0.9,
                        hi: 1.6,
                        step: 0.001,
                    }),
                    obstinacy: [0.0; 2],
                },
            };
            for m in Model::ALL {
                deals += u32::from(n.outcome(m, &mut rng, None).amount.is_some());
            }
        }
    }
    deals += attrition_under_events(&mut rng);
    let after = allocations();
    assert!(deals > 0);
    assert_eq!(after - before, 0, "the hot path allocated");
}

/// `attrition` under a timeline (an event that doubles a lapse cost, one that removes a
/// ratification limit; vetoes that resume): the deals, with no allocation.
fn attrition_under_events(rng: &mut Xoshiro256PlusPlus) -> u32 {
    use bargain_core::Workspace;
    use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
    let cal = Calendar {
        round_months: 1.0,
        expiry_day: 61,
        end_day: Some(1500),
        lapse_cost: [0.02, 0.05],
        end_game: [None; 2],
        pace: bargain_core::calendar::Pace::FIXED,
    };
    let party = |side, opening, reservation, ratification| Party {
        side,
        opening,
        reservation,
        discount: 0.9,
        power: 1.0,
        ratification,
        outside_option: None,
        strategy: StrategySpec::time_based(Preset::Linear),
    };
    let n = Negotiation {
        calendar: Some(cal),
        payee: party(Side::Payee, 1.4, 1.0, None),
        payer: party(Side::Payer, 0.96, 1.2, Some(1.3)),
        protocol: Protocol {
            max_rounds: 10,
            first_mover: Side::Payee,
            breakdown_risk: 0.0,
            grid: None,
            obstinacy: [0.3, 0.3],
        },
    };
    let mut tl = Timeline::new(OnVeto::Resume);
    let mut e = Event::new(152, Some(Side::Payer), 0);
    e.push(Change::Set(Key::LapseCost, Some(0.10)));
    tl.push(e, &cal);
    let mut e = Event::new(243, Some(Side::Payer), 1);
    e.push(Change::Set(Key::Ratification, None));
    tl.push(e, &cal);
    let mut ws = Workspace::new();
    (0..200)
        .map(|_| {
            let o = n.outcome_in(&tl, Model::Attrition, rng, None, &mut ws);
            u32::from(o.outcome.amount.is_some())
        })
        .sum()
}
