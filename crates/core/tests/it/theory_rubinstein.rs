//! Oracles of §1 (Rubinstein 1982) and the zone of agreement, from the bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::{
    discount_from_rate, rubinstein_fixed_costs, rubinstein_limit_rates, rubinstein_share_rates,
};
use bargain_core::theory::{Zone, rubinstein_share};
use common::TOL;
use common::assert_close;

/// The running SMA example: R_US = 1.0, R_KR = 1.2.
fn sma_zone() -> Zone {
    Zone::new(1.0, 1.2)
}

#[test]
fn zone_open_has_surplus_and_maps_shares() {
    let z = sma_zone();
    assert!(z.is_open());
    assert_close(z.surplus().expect("open"), 0.2, TOL);
    assert_close(z.amount_from_payee_share(0.0).expect("open"), 1.0, TOL);
    assert_close(z.amount_from_payee_share(1.0).expect("open"), 1.2, TOL);
    assert_close(z.amount_from_payer_share(0.0).expect("open"), 1.2, TOL);
    assert_close(z.amount_from_payer_share(1.0).expect("open"), 1.0, TOL);
    assert!(z.contains(1.1));
    assert!(!z.contains(1.3));
}

#[test]
fn zone_empty_is_distinct_not_nan() {
    let z = Zone::new(1.2, 1.0);
    match z {
        Zone::Empty { gap } => assert_close(gap, 0.2, TOL),
        Zone::Open { .. } => panic!("reservations that miss must give an empty zone"),
    }
    assert!(!z.is_open());
    assert_eq!(z.surplus(), None);
    assert_eq!(z.amount_from_payee_share(0.5), None);
    assert_eq!(z.amount_from_payer_share(0.5), None);
    assert!(!z.contains(1.1));
}

#[test]
fn zone_zero_width_is_open() {
    let z = Zone::new(1.1, 1.1);
    assert_eq!(z, Zone::Open { lo: 1.1, hi: 1.1 });
    assert_eq!(z.surplus(), Some(0.0));
    assert_eq!(z.amount_from_payee_share(0.7), Some(1.1));
}

#[test]
fn r1_equal_discounts() {
    let x = rubinstein_share(0.9, 0.9);
    assert_close(x, 10.0 / 19.0, TOL);
    assert_close(1.0 - x, 9.0 / 19.0, TOL);
    assert_close(x, 1.0 / 1.9, TOL);
}

#[test]
fn r2_responder_more_impatient() {
    let x = rubinstein_share(0.9, 0.8);
    assert_close(x, 5.0 / 7.0, TOL);
    assert_close(1.0 - x, 2.0 / 7.0, TOL);
}

#[test]
fn r3_very_impatient_responder() {
    assert_close(rubinstein_share(0.95, 0.5), 20.0 / 21.0, TOL);
}

#[test]
fn r4_rates_unit_period() {
    assert_close(discount_from_rate(0.05, 1.0), 0.951229, 5e-7);
    assert_close(discount_from_rate(0.10, 1.0), 0.904837, 5e-7);
    let x = rubinstein_share_rates(0.05, 0.10, 1.0);
    assert_close(x, 0.683188, 5e-7);
    let via_factors =
        rubinstein_share(discount_from_rate(0.05, 1.0), discount_from_rate(0.10, 1.0));
    assert_close(x, via_factors, 1e-12);
}

#[test]
fn r5_rates_quarter_period() {
    assert_close(rubinstein_share_rates(0.05, 0.10, 0.25), 0.670825, 5e-7);
}

#[test]
fn r6_rates_vanishing_period() {
    assert_close(rubinstein_share_rates(0.05, 0.10, 1e-6), 2.0 / 3.0, 1e-6);
    assert_close(rubinstein_limit_rates(0.05, 0.10), 2.0 / 3.0, TOL);
    // The first-mover advantage vanishes: player 2 proposing gets its own limit share.
    let p2_first = rubinstein_share_rates(0.10, 0.05, 1e-6);
    assert_close(p2_first, 1.0 / 3.0, 1e-6);
}

#[test]
fn r7_cheaper_delay_takes_all() {
    assert_eq!(rubinstein_fixed_costs(0.01, 0.02), Some(1.0));
}

#[test]
fn r8_dearer_delay_gets_other_cost() {
    assert_eq!(rubinstein_fixed_costs(0.05, 0.02), Some(0.02));
}

#[test]
fn fixed_costs_equal_is_not_unique() {
    assert_eq!(rubinstein_fixed_costs(0.02, 0.02), None);
}

#[test]
fn r_sma_a_us_first_equal_patience() {
    let x = sma_zone()
        .amount_from_payee_share(rubinstein_share(0.9, 0.9))
        .expect("open");
    assert_close(x, 1.0 + 0.2 * 10.0 / 19.0, TOL);
    assert_close(x, 1.105263, 5e-7);
}

#[test]
fn r_sma_b_us_first_korea_impatient() {
    let x = sma_zone()
        .amount_from_payee_share(rubinstein_share(0.9, 0.8))
        .expect("open");
    assert_close(x, 1.0 + 0.2 * 5.0 / 7.0, TOL);
    assert_close(x, 1.142857, 5e-7);
}

#[test]
fn r_sma_c_korea_first_equal_patience() {
    let x = sma_zone()
        .amount_from_payer_share(rubinstein_share(0.9, 0.9))
        .expect("open");
    assert_close(x, 1.2 - 0.2 * 10.0 / 19.0, TOL);
    assert_close(x, 1.094737, 5e-7);
}

#[test]
fn perfect_patience_edge_cases_are_finite() {
    assert_eq!(rubinstein_share(1.0, 1.0), 0.5);
    assert_eq!(rubinstein_share(1.0, 0.5), 1.0);
    assert_eq!(rubinstein_share(0.5, 1.0), 0.0);
    assert_eq!(rubinstein_share_rates(0.0, 0.0, 1.0), 0.5);
    assert_eq!(rubinstein_share_rates(0.05, 0.1, 0.0), 0.5);
    assert_eq!(rubinstein_limit_rates(0.0, 0.0), 0.5);
    // Common discount: 1/(1 + δ), above one half.
    assert_close(rubinstein_share(0.5, 0.5), 1.0 / 1.5, TOL);
}
