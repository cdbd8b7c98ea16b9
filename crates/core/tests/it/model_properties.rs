//! Properties of every model over wide random parameters (proptest), and the closed-form
//! models against the worked examples through the one model interface.

use bargain_core::{
    FaratinFamily, Grid, Model, Negotiation, OutcomeKind, Party, Preset, Protocol, Side,
    StrategySpec,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn party(side: Side, opening: f64, reservation: f64, strategy: StrategySpec) -> Party {
    Party {
        side,
        opening,
        reservation,
        discount: 0.9,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy,
    }
}

fn sma(first: Side) -> Negotiation {
    Negotiation {
        calendar: None,
        payee: party(
            Side::Payee,
            1.4,
            1.0,
            StrategySpec::time_based(Preset::Linear),
        ),
        payer: party(
            Side::Payer,
            0.96,
            1.2,
            StrategySpec::time_based(Preset::Linear),
        ),
        protocol: Protocol {
            max_rounds: 10,
            first_mover: first,
            breakdown_risk: 0.0,
            grid: None,
            obstinacy: [0.0; 2],
        },
    }
}

fn outcome(n: &Negotiation, m: Model) -> bargain_core::Outcome {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    n.outcome(m, &mut rng, None)
}

fn amount(n: &Negotiation, m: Model) -> f64 {
    let o = outcome(n, m);
    assert_eq!(o.kind, OutcomeKind::Deal, "{m}: {o:?}");
    assert_eq!(o.round, 1, "{m}: theory models agree at round 1");
    o.amount.expect("amount")
}

#[test]
fn rubinstein_model_matches_r_sma() {
    assert!(
        (amount(&sma(Side::Payee), Model::Rubinstein) - (1.0 + 0.2 * 10.0 / 19.0)).abs() < 1e-9
    );
    assert!(
        (amount(&sma(Side::Payer), Model::Rubinstein) - (1.2 - 0.2 * 10.0 / 19.0)).abs() < 1e-9
    );
    let mut n = sma(Side::Payee);
    n.payer.discount = 0.8;
    assert!((amount(&n, Model::Rubinstein) - (1.0 + 0.2 * 5.0 / 7.0)).abs() < 1e-9);
}

#[test]
fn stahl_model_uses_the_answerable_offers_as_horizon() {
    // max_rounds 5 → 9 answerable offers; common δ: s1 = (1 − (−δ)^T)/(1+δ).
    let mut n = sma(Side::Payee);
    n.protocol.max_rounds = 5;
    let s1 = (1.0 - (-0.9f64).powi(9)) / 1.9;
    assert!((amount(&n, Model::Stahl) - (1.0 + 0.2 * s1)).abs() < 1e-9);
}

#[test]
fn nash_model_matches_n_sma() {
    let mut n = sma(Side::Payee);
    assert!((amount(&n, Model::Nash) - 1.10).abs() < 1e-9);
    n.payee.power = 0.7;
    n.payer.power = 0.3;
    assert!((amount(&n, Model::Nash) - 1.14).abs() < 1e-9);
}

#[test]
fn kalai_smorodinsky_splits_the_zone_when_openings_do_not_bind() {
    assert!((amount(&sma(Side::Payee), Model::KalaiSmorodinsky) - 1.10).abs() < 1e-9);
    // A payee that opens at 1.15 caps its ideal: KS moves below Nash's midpoint.
    let mut n = sma(Side::Payee);
    n.payee.opening = 1.15;
    assert!(amount(&n, Model::KalaiSmorodinsky) < 1.10);
}

#[test]
fn breakdown_model_matches_brw() {
    let mut n = sma(Side::Payee);
    n.protocol.breakdown_risk = 0.5;
    assert!((amount(&n, Model::Brw) - (1.0 + 0.2 * 2.0 / 3.0)).abs() < 1e-9);
}

#[test]
fn two_level_examples_t1_t2_t3() {
    let mut n = sma(Side::Payee);
    n.payer.ratification = Some(1.3);
    assert!((amount(&n, Model::Nash) - 1.10).abs() < 1e-9, "T1");
    n.payer.ratification = Some(1.1);
    assert!((amount(&n, Model::Nash) - 1.05).abs() < 1e-9, "T2");
    n.payer.ratification = Some(0.95);
    assert_eq!(
        outcome(&n, Model::Nash).kind,
        OutcomeKind::NotRatified,
        "T3"
    );
}

#[test]
fn empty_zone_is_no_zone_for_theory_and_deadline_for_agents() {
    let mut n = sma(Side::Payee);
    n.payer.reservation = 0.98;
    // `attrition` bargains over the openings, not the reservations (its own tests).
    for m in Model::ALL.into_iter().filter(|&m| m != Model::Attrition) {
        let o = outcome(&n, m);
        assert!(o.amount.is_none(), "{m}");
        let expected = if m == Model::Agents {
            OutcomeKind::Deadline
        } else {
            OutcomeKind::NoZone
        };
        assert_eq!(o.kind, expected, "{m}");
    }
}

#[test]
fn agents_deal_outside_the_assembly_limit_is_not_ratified() {
    let mut n = sma(Side::Payee);
    n.payer.ratification = Some(1.0);
    let o = outcome(&n, Model::Agents);
    assert_eq!(o.kind, OutcomeKind::NotRatified);
    assert!(o.amount.is_some_and(|x| x > 1.0));
}

#[test]
fn certain_breakdown_ends_at_the_first_rejection() {
    let mut n = sma(Side::Payee);
    n.protocol.breakdown_risk = 1.0;
    let o = outcome(&n, Model::Agents);
    assert_eq!(o.kind, OutcomeKind::Breakdown);
    assert_eq!(o.round, 1);
}

fn strategy() -> impl Strategy<Value = StrategySpec> {
    prop_oneof![
        (0.05f64..8.0).prop_map(|e| StrategySpec::TimeBased {
            exponent: e,
            max_aspiration: 1.0,
            eps: 1e-4
        }),
        (0.05f64..5.0, 0.0f64..0.5, any::<bool>()).prop_map(|(b, k, exp)| StrategySpec::Faratin {
            beta: b,
            kappa: k,
            family: if exp {
                FaratinFamily::Exponential
            } else {
                FaratinFamily::Polynomial
            }
        }),
        Just(StrategySpec::TitForTat),
        Just(StrategySpec::Hardliner),
        (0.1f64..=4.0, 2u32..=64, 0.1f64..8.0).prop_map(|(w, h, e)| StrategySpec::Learning {
            prior_width: w,
            hypotheses: h,
            exponent: e,
        }),
    ]
}

prop_compose! {
    fn negotiation()(
        r_payee in 0.0f64..100.0,
        width in -20.0f64..50.0,
        ask in 0.0f64..50.0,
        offer in 0.0f64..50.0,
        d1 in 0.01f64..=1.0,
        d2 in 0.01f64..=1.0,
        p1 in 0.01f64..10.0,
        p2 in 0.01f64..10.0,
        rounds in 1u32..40,
        payee_first in any::<bool>(),
        risk in prop_oneof![Just(0.0), 0.0f64..=1.0],
        grid in prop_oneof![Just(None), (1u32..200).prop_map(Some)],
        s1 in strategy(),
        s2 in strategy(),
    ) -> Negotiation {
        let r_payer = r_payee + width;
        let mut payee = party(Side::Payee, r_payee + ask, r_payee, s1);
        let mut payer = party(Side::Payer, r_payer - offer, r_payer, s2);
        payee.discount = d1;
        payer.discount = d2;
        payee.power = p1;
        payer.power = p2;
        // A grid covering every opening and reservation.
        let grid = grid.map(|k| {
            let lo = payer.opening.min(payee.reservation) - 1.0;
            let hi = payee.opening.max(payer.reservation) + 1.0;
            Grid { lo, hi, step: (hi - lo) / f64::from(k) }
        });
        Negotiation {
            calendar: None,
            payee,
            payer,
            protocol: Protocol {
                max_rounds: rounds,
                first_mover: if payee_first { Side::Payee } else { Side::Payer },
                breakdown_risk: risk,
                grid,
                obstinacy: [0.0; 2],
            },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn deals_lie_within_both_reservations_and_on_the_grid(n in negotiation(), seed in any::<u64>()) {
        for m in Model::ALL {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let o = n.outcome(m, &mut rng, None);
            prop_assert!(o.round >= 1 && o.round <= n.protocol.max_rounds.max(1), "{m}: round {}", o.round);
            match o.kind {
                OutcomeKind::Deal | OutcomeKind::NotRatified => {
                    let x = o.amount.expect("amount");
                    prop_assert!(x.is_finite(), "{m}: {x}");
                    if m == Model::Attrition {
                        // The conceding side accepts the other's opening.
                        prop_assert!(x == n.payee.opening || x == n.payer.opening, "{m}: {x}");
                        continue;
                    }
                    prop_assert!(x >= n.payee.reservation - 1e-9 && x <= n.payer.reservation + 1e-9,
                        "{m}: {x} outside [{}, {}]", n.payee.reservation, n.payer.reservation);
                    if let (Model::Agents, Some(g)) = (m, n.protocol.grid) {
                        prop_assert!(g.contains(x), "{m}: {x} is not a grid point of {g:?}");
                    }
                }
                _ => prop_assert!(o.amount.is_none()),
            }
        }
    }

    #[test]
    fn a_tighter_ratification_limit_never_makes_the_payer_pay_more(
        n in negotiation(), a in 0.0f64..1.0, b in 0.0f64..1.0
    ) {
        let (r_payee, r_payer) = (n.payee.reservation, n.payer.reservation);
        let (loose, tight) = (r_payee + a.max(b) * (r_payer - r_payee), r_payee + a.min(b) * (r_payer - r_payee));
        for m in Model::ALL.into_iter().filter(|m| m.is_closed_form()) {
            let with = |limit: f64| {
                let mut n = n.clone();
                n.payer.ratification = Some(limit);
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
                n.outcome(m, &mut rng, None)
            };
            let (lo, ti) = (with(loose), with(tight));
            if let (OutcomeKind::Deal, OutcomeKind::Deal) = (lo.kind, ti.kind) {
                let (t, l) = (ti.amount.unwrap_or(f64::NAN), lo.amount.unwrap_or(f64::NAN));
                prop_assert!(t <= l + 1e-12 * l.abs().max(1.0), "{m}: tight {t} > loose {l}");
            }
        }
    }

    #[test]
    fn the_trace_matches_the_outcome(n in negotiation(), seed in any::<u64>()) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut trace = bargain_core::Trace::new();
        let o = n.outcome(Model::Agents, &mut rng, Some(&mut trace));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        prop_assert_eq!(n.outcome(Model::Agents, &mut rng, None), o);
        if o.kind == OutcomeKind::Deal {
            let last = trace.offers.last().expect("an offer precedes a deal");
            prop_assert_eq!(Some(last.amount), o.amount);
            prop_assert_eq!(Some(last.by.other()), o.accepted_by);
        }
    }
}
