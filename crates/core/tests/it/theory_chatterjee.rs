//! Oracles of §7a (Chatterjee–Samuelson double auction) from the bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::{
    CS_EXPECTED_GAINS, CS_FIRST_BEST_GAINS, CS_P_TRADE, cs_ask, cs_bid, cs_trade,
};
use common::TOL;
use common::assert_close;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[test]
fn constants_are_the_exact_fractions() {
    assert_eq!(CS_P_TRADE, 0.28125);
    assert_eq!(CS_EXPECTED_GAINS, 0.140625);
    assert_close(CS_FIRST_BEST_GAINS, 1.0 / 6.0, 1e-15);
}

#[test]
fn c1_trade() {
    assert_close(cs_ask(0.2), 0.383_333_333_333_333_3, TOL);
    assert_close(cs_bid(0.6), 0.483_333_333_333_333_3, TOL);
    assert_close(cs_trade(0.2, 0.6).expect("trade"), 13.0 / 30.0, TOL);
}

#[test]
fn c2_no_trade_despite_gains() {
    assert_close(cs_ask(0.3), 0.45, TOL);
    assert_close(cs_bid(0.5), 5.0 / 12.0, TOL);
    assert_eq!(cs_trade(0.3, 0.5), None);
}

#[test]
fn c3_trade_at_one_half() {
    assert_close(cs_trade(0.1, 0.9).expect("trade"), 0.5, TOL);
}

#[test]
fn trade_iff_buyer_value_exceeds_seller_value_by_a_quarter() {
    assert!(cs_trade(0.2, 0.46).is_some());
    assert!(cs_trade(0.2, 0.44).is_none());
    assert!(cs_trade(0.0, 0.26).is_some());
    assert!(cs_trade(0.0, 0.24).is_none());
}

#[test]
fn c_mc_monte_carlo_matches_the_closed_forms() {
    const DRAWS: u32 = 2_000_000;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let (mut trades, mut gains, mut price_sum) = (0_u32, 0.0_f64, 0.0_f64);
    for _ in 0..DRAWS {
        let v_s = rng.random::<f64>();
        let v_b = rng.random::<f64>();
        if let Some(price) = cs_trade(v_s, v_b) {
            trades += 1;
            gains += v_b - v_s;
            price_sum += price;
        }
    }
    let p_trade = f64::from(trades) / f64::from(DRAWS);
    let mean_gains = gains / f64::from(DRAWS);
    let mean_price = price_sum / f64::from(trades);
    assert_close(p_trade, CS_P_TRADE, 0.003);
    assert_close(mean_gains, CS_EXPECTED_GAINS, 0.003);
    assert_close(mean_price, 0.5, 0.003);
}
