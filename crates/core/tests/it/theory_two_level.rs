//! Oracles of §5 (Putnam two-level games) and §7b (take-it-or-leave-it screening) from the
//! bargaining-theory notes.

use crate::common;
use bargain_core::theory::reference::{TakeItOrLeaveIt, take_it_or_leave_it_uniform, win_set_deal};
use common::TOL;
use common::assert_close;

#[track_caller]
fn assert_tioli(actual: TakeItOrLeaveIt, demand: f64, p_accept: f64, profit: f64) {
    assert_close(actual.demand, demand, TOL);
    assert_close(actual.p_accept, p_accept, TOL);
    assert_close(actual.expected_profit, profit, TOL);
}

#[test]
fn t1_slack_assembly() {
    assert_close(win_set_deal(1.0, 1.2, 1.3, 0.5).expect("deal"), 1.10, TOL);
}

#[test]
fn t2_binding_assembly_lowers_the_amount() {
    let binding = win_set_deal(1.0, 1.2, 1.1, 0.5).expect("deal");
    assert_close(binding, 1.05, TOL);
    let slack = win_set_deal(1.0, 1.2, 1.3, 0.5).expect("deal");
    assert!(binding < slack, "Schelling: a tighter Assembly pays less");
}

#[test]
fn t3_disjoint_win_sets_give_no_deal() {
    assert_eq!(win_set_deal(1.0, 1.2, 0.95, 0.5), None);
    assert_eq!(win_set_deal(1.0, 0.9, 1.3, 0.5), None);
}

#[test]
fn two_level_touching_win_sets_deal_at_the_point() {
    assert_eq!(win_set_deal(1.0, 1.2, 1.0, 0.5), Some(1.0));
}

#[test]
fn t4_wide_uncertainty() {
    assert_tioli(
        take_it_or_leave_it_uniform(1.0, 0.9, 1.3),
        1.15,
        0.375,
        0.05625,
    );
}

#[test]
fn t5_narrower_uncertainty() {
    assert_tioli(
        take_it_or_leave_it_uniform(1.0, 1.1, 1.3),
        1.15,
        0.75,
        0.1125,
    );
}

#[test]
fn t6_demand_at_the_floor_is_sure() {
    assert_tioli(take_it_or_leave_it_uniform(1.0, 1.2, 1.3), 1.20, 1.0, 0.20);
}

#[test]
fn m1_monopoly_zero_cost() {
    let m = take_it_or_leave_it_uniform(0.0, 0.0, 1.0);
    assert_tioli(m, 0.5, 0.5, 0.25);
    // Buyer surplus E[(v − X)·1{v ≥ X}] = 1/8; deadweight loss E[v·1{v < X}] = 1/8.
    let buyer_surplus = (1.0 - m.demand).powi(2) / 2.0;
    let deadweight = m.demand.powi(2) / 2.0;
    assert_close(buyer_surplus, 0.125, TOL);
    assert_close(deadweight, 0.125, TOL);
}

#[test]
fn m2_monopoly_with_cost() {
    assert_tioli(take_it_or_leave_it_uniform(0.2, 0.0, 1.0), 0.6, 0.4, 0.16);
}

#[test]
fn m3_sma_units() {
    assert_tioli(
        take_it_or_leave_it_uniform(1.0, 0.9, 1.3),
        1.15,
        0.375,
        0.05625,
    );
}

#[test]
fn tioli_degenerate_and_swapped_ranges_are_finite() {
    // a == b: the value is known, the demand is a and it is surely accepted.
    assert_tioli(take_it_or_leave_it_uniform(1.0, 1.2, 1.2), 1.2, 1.0, 0.2);
    // Reversed bounds are swapped.
    assert_eq!(
        take_it_or_leave_it_uniform(1.0, 1.3, 0.9),
        take_it_or_leave_it_uniform(1.0, 0.9, 1.3)
    );
    // Cost above every value: demand b, never accepted, no profit.
    assert_tioli(take_it_or_leave_it_uniform(2.0, 0.9, 1.3), 1.3, 0.0, 0.0);
}
