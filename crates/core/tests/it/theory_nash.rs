//! Oracles of §4 (Nash and Kalai–Smorodinsky) from the bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::{kalai_smorodinsky, nash_on_frontier};
use bargain_core::theory::{Zone, nash_linear, nash_weight};
use common::TOL;
use common::assert_close;

const NUM_TOL: f64 = 1e-6;

#[track_caller]
fn assert_pair(actual: (f64, f64), expected: (f64, f64), tol: f64) {
    assert_close(actual.0, expected.0, tol);
    assert_close(actual.1, expected.1, tol);
}

#[test]
fn nash_weight_from_powers() {
    assert_close(nash_weight(7.0, 3.0), 0.7, TOL);
    assert_close(nash_weight(1.0, 1.0), 0.5, TOL);
    assert_eq!(nash_weight(0.0, 0.0), 0.5);
    assert_eq!(nash_weight(2.0, 0.0), 1.0);
}

#[test]
fn n1_symmetric_no_disagreement() {
    assert_pair(nash_linear(1.0, 0.0, 0.0, 0.5), (0.5, 0.5), TOL);
}

#[test]
fn n2_symmetric_with_disagreement_point() {
    assert_pair(nash_linear(1.0, 0.2, 0.1, 0.5), (0.55, 0.45), TOL);
}

#[test]
fn n3_asymmetric() {
    assert_pair(nash_linear(1.0, 0.2, 0.1, 0.7), (0.69, 0.31), TOL);
}

#[test]
fn n_sma_amounts() {
    let zone = Zone::new(1.0, 1.2);
    for (alpha, expected) in [(0.5, 1.10), (0.7, 1.14)] {
        let surplus = zone.surplus().expect("open");
        let (u_us, _) = nash_linear(surplus, 0.0, 0.0, alpha);
        assert_close(1.0 + u_us, expected, TOL);
        assert_close(
            zone.amount_from_payee_share(alpha).expect("open"),
            expected,
            TOL,
        );
    }
}

#[test]
fn nash_on_linear_frontier_matches_closed_form() {
    for (d, alpha) in [((0.0, 0.0), 0.5), ((0.2, 0.1), 0.5), ((0.2, 0.1), 0.7)] {
        let numeric = nash_on_frontier(|u| 1.0 - u, 1.0, d, alpha);
        assert_pair(numeric, nash_linear(1.0, d.0, d.1, alpha), NUM_TOL);
    }
}

#[test]
fn ks_on_linear_pie_equals_symmetric_nash() {
    let ks = kalai_smorodinsky(|u| 1.0 - u, 1.0, (0.2, 0.1));
    assert_pair(ks, nash_linear(1.0, 0.2, 0.1, 0.5), NUM_TOL);
}

#[test]
fn k1_cap_on_a_separates_ks_from_nash() {
    let frontier = |u: f64| 1.0 - u;
    let ks = kalai_smorodinsky(frontier, 0.6, (0.0, 0.0));
    assert_pair(ks, (0.375, 0.625), NUM_TOL);
    let nash = nash_on_frontier(frontier, 0.6, (0.0, 0.0), 0.5);
    assert_pair(nash, (0.5, 0.5), NUM_TOL);
}

#[test]
fn k2_quadratic_frontier() {
    let frontier = |u: f64| 1.0 - u * u;
    let nash = nash_on_frontier(frontier, 1.0, (0.0, 0.0), 0.5);
    assert_pair(nash, (1.0 / 3.0_f64.sqrt(), 2.0 / 3.0), NUM_TOL);
    let golden = (5.0_f64.sqrt() - 1.0) / 2.0;
    let ks = kalai_smorodinsky(frontier, 1.0, (0.0, 0.0));
    assert_pair(ks, (golden, golden), NUM_TOL);
}

#[test]
fn frontier_ideal_is_cut_where_b_falls_below_disagreement() {
    // Frontier 1 − u on [0, 1] with d = (0, 0.5): A can get at most 0.5, so I = (0.5, 1).
    let ks = kalai_smorodinsky(|u| 1.0 - u, 1.0, (0.0, 0.5));
    assert_pair(ks, (0.25, 0.75), NUM_TOL);
    let nash = nash_on_frontier(|u| 1.0 - u, 1.0, (0.0, 0.5), 0.5);
    assert_pair(nash, (0.25, 0.75), NUM_TOL);
    // α = 1 gives A's ideal point, α = 0 gives B's.
    assert_pair(
        nash_on_frontier(|u| 1.0 - u, 1.0, (0.0, 0.5), 1.0),
        (0.5, 0.5),
        NUM_TOL,
    );
    assert_pair(
        nash_on_frontier(|u| 1.0 - u, 1.0, (0.0, 0.5), 0.0),
        (0.0, 1.0),
        NUM_TOL,
    );
}

#[test]
fn infeasible_disagreement_point_is_returned_unchanged() {
    let d = (0.7, 0.5);
    assert_eq!(nash_on_frontier(|u| 1.0 - u, 1.0, d, 0.5), d);
    assert_eq!(kalai_smorodinsky(|u| 1.0 - u, 1.0, d), d);
    assert_eq!(
        nash_on_frontier(|u| 1.0 - u, 0.5, (0.6, 0.0), 0.5),
        (0.6, 0.0)
    );
}
