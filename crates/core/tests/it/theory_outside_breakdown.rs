//! Oracles of §3 (outside options, BSS 1989; breakdown risk, BRW 1986) from the
//! bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::brw_limit;
use bargain_core::theory::{brw_share, outside_option_shares, rubinstein_share};
use common::TOL;
use common::assert_close;
use proptest::prelude::*;

/// The reference solution: iterate the two stationarity equations (as the notes' script does).
fn outside_by_iteration(d_a: f64, d_b: f64, w_a: f64, w_b: f64) -> (f64, f64) {
    let (mut x_a, mut x_b) = (0.5, 0.5);
    for _ in 0..10_000 {
        x_a = 1.0 - w_b.max(d_b * x_b);
        x_b = 1.0 - w_a.max(d_a * x_a);
    }
    (x_a, x_b)
}

#[test]
fn o1_weak_option_is_irrelevant() {
    let (x_a, x_b) = outside_option_shares(0.9, 0.9, 0.0, 0.3);
    assert_close(x_a, 10.0 / 19.0, TOL);
    assert_close(x_b, 10.0 / 19.0, TOL);
    assert_close(1.0 - x_a, 9.0 / 19.0, TOL);
}

#[test]
fn o2_strong_option_binds_exactly() {
    let (x_a, x_b) = outside_option_shares(0.9, 0.9, 0.0, 0.6);
    assert_close(x_a, 0.4, TOL);
    assert_close(1.0 - x_a, 0.6, TOL);
    assert_close(x_b, 0.64, TOL);
    assert_close(x_b, 1.0 - 0.9 * (1.0 - 0.6), TOL);
}

#[test]
fn o3_other_option_does_not_bind() {
    let (x_a, x_b) = outside_option_shares(0.9, 0.9, 0.2, 0.6);
    assert_close(x_a, 0.4, TOL);
    assert_close(x_b, 0.64, TOL);
}

#[test]
fn o4_option_beats_inside_share() {
    assert_close(1.0 - rubinstein_share(0.9, 0.8), 2.0 / 7.0, TOL);
    let (x_a, _) = outside_option_shares(0.9, 0.8, 0.0, 0.5);
    assert_close(x_a, 0.5, TOL);
}

#[test]
fn outside_options_on_both_sides_can_both_bind() {
    // δ = 0.5: Rubinstein 2/3 each as proposer; options 0.45 and 0.45 both beat δ·x.
    let (x_a, x_b) = outside_option_shares(0.5, 0.5, 0.45, 0.45);
    assert_close(x_a, 0.55, TOL);
    assert_close(x_b, 0.55, TOL);
    let (i_a, i_b) = outside_by_iteration(0.5, 0.5, 0.45, 0.45);
    assert_close(x_a, i_a, TOL);
    assert_close(x_b, i_b, TOL);
}

#[test]
fn outside_closed_form_matches_iteration_on_a_grid() {
    let ds = [0.1, 0.5, 0.8, 0.9, 0.95];
    let ws = [0.0, 0.1, 0.3, 0.45];
    for d_a in ds {
        for d_b in ds {
            for w_a in ws {
                for w_b in ws {
                    let closed = outside_option_shares(d_a, d_b, w_a, w_b);
                    let iter = outside_by_iteration(d_a, d_b, w_a, w_b);
                    assert!(
                        (closed.0 - iter.0).abs() <= TOL && (closed.1 - iter.1).abs() <= TOL,
                        "δ = ({d_a}, {d_b}), w = ({w_a}, {w_b}): {closed:?} vs {iter:?}"
                    );
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn outside_closed_form_matches_iteration(
        d_a in 0.01_f64..0.99,
        d_b in 0.01_f64..0.99,
        w_a in 0.0_f64..1.0,
        frac in 0.0_f64..1.0,
    ) {
        // w_A + w_B < 1.
        let w_b = frac * (1.0 - w_a);
        let closed = outside_option_shares(d_a, d_b, w_a, w_b);
        let iter = outside_by_iteration(d_a, d_b, w_a, w_b);
        prop_assert!((closed.0 - iter.0).abs() <= 1e-9, "{closed:?} vs {iter:?}");
        prop_assert!((closed.1 - iter.1).abs() <= 1e-9, "{closed:?} vs {iter:?}");
    }
}

#[test]
fn b1_no_disagreement_payoffs() {
    assert_close(brw_share(0.5, 0.0, 0.0), 2.0 / 3.0, TOL);
    // With d = 0 it is Rubinstein with δ = 1 − p.
    assert_close(brw_share(0.5, 0.0, 0.0), rubinstein_share(0.5, 0.5), TOL);
}

#[test]
fn b2_ten_percent_risk() {
    assert_close(brw_share(0.1, 0.2, 0.1), 54.0 / 95.0, TOL);
}

#[test]
fn b3_one_percent_risk() {
    let x = brw_share(0.01, 0.2, 0.1);
    assert_close(x, (1.0 - 0.1 + 0.99 * 0.2) / 1.99, TOL);
    assert_close(x, 0.551759, 5e-7);
}

#[test]
fn b4_vanishing_risk_is_nash() {
    assert_close(brw_share(1e-9, 0.2, 0.1), 0.55, 1e-9);
    assert_close(brw_limit(0.2, 0.1), 0.55, TOL);
    assert_close(brw_share(0.0, 0.2, 0.1), brw_limit(0.2, 0.1), TOL);
}

#[test]
fn b5_certain_breakdown_is_an_ultimatum() {
    assert_close(brw_share(1.0, 0.2, 0.1), 0.9, TOL);
}

#[test]
fn brw_solves_its_stationarity_equations() {
    let (p, d_a, d_b) = (0.1, 0.2, 0.1);
    let x_a = brw_share(p, d_a, d_b);
    let x_b = brw_share(p, d_b, d_a);
    assert_close(x_a, 1.0 - (p * d_b + (1.0 - p) * x_b), TOL);
    assert_close(x_b, 1.0 - (p * d_a + (1.0 - p) * x_a), TOL);
}
