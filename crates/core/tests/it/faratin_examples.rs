//! The worked examples F1–F7 of `shared/reference/bargaining-theory.md` §6 through the
//! `faratin` strategy on the alternating-offers protocol. T = 10 there (offers t = 0..10)
//! is `max_rounds = 6` here: 2·6 − 1 = 11 answerable offers.

use bargain_core::protocol::run_agents;
use bargain_core::{FaratinFamily, OutcomeKind, Party, Protocol, Side, StrategySpec, Trace};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn faratin(beta: f64, kappa: f64) -> StrategySpec {
    StrategySpec::Faratin {
        beta,
        kappa,
        family: FaratinFamily::Polynomial,
    }
}

fn meeting(
    beta_us: f64,
    beta_kr: f64,
    kappa: f64,
    kr_range: (f64, f64),
) -> (bargain_core::Outcome, Trace) {
    let us = Party {
        side: Side::Payee,
        opening: 1.4,
        reservation: 1.0,
        discount: 1.0,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy: faratin(beta_us, kappa),
    };
    let kr = Party {
        side: Side::Payer,
        opening: kr_range.0,
        reservation: kr_range.1,
        strategy: faratin(beta_kr, kappa),
        ..us.clone()
    };
    let protocol = Protocol {
        max_rounds: 6,
        first_mover: Side::Payee,
        breakdown_risk: 0.0,
        grid: None,
        obstinacy: [0.0; 2],
    };
    let mut trace = Trace::new();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    let outcome = run_agents(&protocol, &us, &kr, &mut rng, Some(&mut trace));
    (outcome, trace)
}

/// Check a deal: the price, the offer index `t` of the accepted offer and who accepted.
fn assert_deal(
    case: &str,
    got: &bargain_core::Outcome,
    trace: &Trace,
    price: f64,
    tol: f64,
    t: u32,
    acceptor: Side,
) {
    assert_eq!(got.kind, OutcomeKind::Deal, "{case}");
    let amount = got.amount.expect("deal amount");
    assert!(
        (amount - price).abs() <= tol,
        "{case}: price {amount} != {price}"
    );
    assert_eq!(got.accepted_by, Some(acceptor), "{case}: acceptor");
    // The accepted offer is offer t; the accepting move is move t+1 (two moves a round).
    assert_eq!(trace.offers.len() as u32, t + 1, "{case}: offers made");
    let accepting_move = t + 1;
    assert_eq!(got.round, accepting_move / 2 + 1, "{case}: 1-based round");
}

fn assert_trace(case: &str, trace: &Trace, expected: &[f64]) {
    let got: Vec<f64> = trace.offers.iter().map(|o| o.amount).collect();
    assert_eq!(got.len(), expected.len(), "{case}: trace length");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!((g - e).abs() <= 1e-9, "{case}: offer {i}: {g} != {e}");
        let by = if i % 2 == 0 { Side::Payee } else { Side::Payer };
        assert_eq!(trace.offers[i].by, by, "{case}: proposer of offer {i}");
    }
}

#[test]
fn f1_linear_linear() {
    let (o, tr) = meeting(1.0, 1.0, 0.0, (0.96, 1.2));
    assert_deal("F1", &o, &tr, 1.128, 1e-9, 7, Side::Payee);
    assert_trace(
        "F1",
        &tr,
        &[1.40, 0.984, 1.32, 1.032, 1.24, 1.08, 1.16, 1.128],
    );
}

#[test]
fn f2_boulware_boulware() {
    let (o, tr) = meeting(0.5, 0.5, 0.0, (0.96, 1.2));
    assert_deal("F2", &o, &tr, 1.144, 1e-9, 8, Side::Payer);
    assert_trace(
        "F2",
        &tr,
        &[
            1.40, 0.9624, 1.384, 0.9816, 1.336, 1.02, 1.256, 1.0776, 1.144,
        ],
    );
}

#[test]
fn f3_conceder_conceder() {
    let (o, tr) = meeting(2.0, 2.0, 0.0, (0.96, 1.2));
    assert_deal("F3", &o, &tr, 1.129706, 1e-6, 5, Side::Payee);
}

#[test]
fn f4_us_boulware_kr_conceder() {
    let (o, tr) = meeting(0.5, 2.0, 0.0, (0.96, 1.2));
    assert_deal("F4", &o, &tr, 1.160798, 1e-6, 7, Side::Payee);
}

#[test]
fn f5_us_conceder_kr_boulware() {
    let (o, tr) = meeting(2.0, 0.5, 0.0, (0.96, 1.2));
    assert_deal("F5", &o, &tr, 1.077600, 1e-6, 7, Side::Payee);
}

#[test]
fn f6_linear_with_kappa() {
    let (o, tr) = meeting(1.0, 1.0, 0.1, (0.96, 1.2));
    assert_deal("F6", &o, &tr, 1.1352, 1e-9, 7, Side::Payee);
}

#[test]
fn f7_no_zone_times_out() {
    let (o, tr) = meeting(1.0, 1.0, 0.0, (0.90, 0.98));
    assert_eq!(o.kind, OutcomeKind::Deadline);
    assert_eq!(o.amount, None);
    assert_eq!(o.round, 6);
    // Every one of the 2·6 offers was made, none accepted.
    assert_eq!(tr.offers.len(), 12);
}

#[test]
fn boulware_moves_the_price_in_its_favour() {
    // F4 (US Boulware) is better for the US than F5 (US Conceder).
    let (f4, _) = meeting(0.5, 2.0, 0.0, (0.96, 1.2));
    let (f5, _) = meeting(2.0, 0.5, 0.0, (0.96, 1.2));
    assert!(f4.amount > f5.amount);
}

#[test]
fn two_boulwares_agree_later_than_two_conceders() {
    let (f2, _) = meeting(0.5, 0.5, 0.0, (0.96, 1.2));
    let (f3, _) = meeting(2.0, 2.0, 0.0, (0.96, 1.2));
    assert!(f2.round > f3.round);
}
