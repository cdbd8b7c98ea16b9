//! Oracles of §2 (Ståhl 1972, finite horizon) from the bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::stahl_share_recursive;
use bargain_core::theory::{Zone, rubinstein_share, stahl_share};
use common::TOL;
use common::assert_close;

/// Asserts the closed form and the recursion both give `expected`.
#[track_caller]
fn assert_both(horizon: u32, d1: f64, d2: f64, expected: f64) {
    assert_close(stahl_share(horizon, d1, d2), expected, TOL);
    assert_close(stahl_share_recursive(horizon, d1, d2), expected, TOL);
}

#[test]
fn s1_one_round_is_an_ultimatum() {
    for (d1, d2) in [(0.9, 0.9), (0.1, 0.7), (1.0, 1.0), (0.5, 0.0)] {
        assert_both(1, d1, d2, 1.0);
    }
}

#[test]
fn s2_two_rounds_last_mover_advantage() {
    assert_both(2, 0.9, 0.9, 0.1);
}

#[test]
fn s3_three_rounds() {
    assert_both(3, 0.9, 0.9, 0.91);
}

#[test]
fn s4_ten_rounds() {
    assert_both(10, 0.9, 0.9, 0.342_800_821);
}

#[test]
fn s5_eleven_rounds() {
    assert_both(11, 0.9, 0.9, 0.691_479_261_1);
}

#[test]
fn s6_long_horizon_oscillates_around_rubinstein() {
    // Exact values from rational backward induction; the notes round them to 0.523603 / 0.528757.
    assert_both(50, 0.9, 0.9, 0.523_603_276_206_673_6);
    assert_both(51, 0.9, 0.9, 0.528_757_051_413_993_8);
    let limit = 1.0 / 1.9;
    assert!(stahl_share(50, 0.9, 0.9) < limit && limit < stahl_share(51, 0.9, 0.9));
}

#[test]
fn s7_five_rounds_unequal() {
    assert_both(5, 0.9, 0.8, 539.0 / 625.0);
}

#[test]
fn s8_ten_rounds_unequal() {
    assert_both(10, 0.9, 0.8, 1_125_151.0 / 1_953_125.0);
}

#[test]
fn s9_long_horizon_unequal() {
    // Exact values from rational backward induction; the notes round them to 0.714092 / 0.714363.
    assert_both(50, 0.9, 0.8, 0.714_091_989_863_131_7);
    assert_both(51, 0.9, 0.8, 0.714_363_204_054_747_3);
    assert_close(stahl_share(200, 0.9, 0.8), 5.0 / 7.0, 1e-12);
    assert_close(stahl_share(200, 0.9, 0.8), 0.714286, 5e-7);
}

#[test]
fn s_sma_ten_meetings() {
    let x = Zone::new(1.0, 1.2)
        .amount_from_payee_share(stahl_share(10, 0.9, 0.9))
        .expect("open");
    assert_close(x, 1.0 + 0.2 * 0.342_800_821, TOL);
    assert_close(x, 1.068560, 5e-7);
}

#[test]
fn closed_form_matches_recursion_for_horizons_1_to_39() {
    let pairs = [
        (0.9, 0.9),
        (0.9, 0.8),
        (0.8, 0.9),
        (0.95, 0.5),
        (0.5, 0.95),
        (0.3, 0.3),
        (0.99, 0.99),
        (0.999_999, 0.999_999),
        (1.0, 0.7),
        (0.7, 1.0),
        (1.0, 1.0),
        (0.0, 0.6),
        (0.6, 0.0),
    ];
    for (d1, d2) in pairs {
        for t in 1..=39 {
            let closed = stahl_share(t, d1, d2);
            let rec = stahl_share_recursive(t, d1, d2);
            assert!(
                (closed - rec).abs() <= 1e-12,
                "T = {t}, δ = ({d1}, {d2}): closed {closed} vs recursion {rec}"
            );
        }
    }
}

#[test]
fn common_discount_closed_form() {
    // s_1 = (1 − (−δ)^T)/(1 + δ).
    let d: f64 = 0.9;
    for t in 1..=39_i32 {
        let expected = (1.0 - (-d).powi(t)) / (1.0 + d);
        assert_close(stahl_share(t.unsigned_abs(), d, d), expected, 1e-12);
    }
}

#[test]
fn perfect_patience_uses_the_limit() {
    // q = 1: (1 − q^m)/(1 − q) → m. With δ = 1 the last proposer takes everything.
    for t in 1..=39 {
        let expected = if t % 2 == 1 { 1.0 } else { 0.0 };
        assert_both(t, 1.0, 1.0, expected);
    }
}

#[test]
fn horizon_zero_is_treated_as_one() {
    assert_eq!(stahl_share(0, 0.9, 0.8), 1.0);
    assert_eq!(stahl_share_recursive(0, 0.9, 0.8), 1.0);
}

#[test]
fn long_horizon_reaches_rubinstein() {
    assert_close(
        stahl_share(2001, 0.9, 0.8),
        rubinstein_share(0.9, 0.8),
        1e-12,
    );
    assert_close(
        stahl_share(2000, 0.9, 0.9),
        rubinstein_share(0.9, 0.9),
        1e-12,
    );
    assert_close(stahl_share(u32::MAX, 0.9, 0.9), 10.0 / 19.0, 1e-12);
}
