//! Property tests for the closed-form theory over wide input ranges.

use bargain_core::theory::reference::{
    brw_limit, nash_on_frontier, rubinstein_limit_rates, rubinstein_share_rates,
    stahl_share_recursive, take_it_or_leave_it_uniform, win_set_deal,
};
use bargain_core::theory::{brw_share, nash_linear, nash_weight, rubinstein_share, stahl_share};
use proptest::prelude::*;

/// Slack for floating-point rounding in monotonicity checks.
const EPS: f64 = 1e-12;

fn unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

proptest! {
    #[test]
    fn rubinstein_rises_with_own_patience(
        a in 1e-6_f64..=1.0,
        b in 1e-6_f64..=1.0,
        d2 in 1e-6_f64..=1.0,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        // Skip the (1, 1) corner, where the share jumps to the conventional ½.
        prop_assume!(!(hi == 1.0 && d2 == 1.0));
        prop_assert!(rubinstein_share(hi, d2) >= rubinstein_share(lo, d2) - EPS);
    }

    #[test]
    fn rubinstein_falls_with_responder_patience(
        d1 in 1e-6_f64..=1.0,
        a in 1e-6_f64..=1.0,
        b in 1e-6_f64..=1.0,
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assume!(!(hi == 1.0 && d1 == 1.0));
        prop_assert!(rubinstein_share(d1, hi) <= rubinstein_share(d1, lo) + EPS);
    }

    #[test]
    fn rubinstein_in_unit_interval_and_first_mover_advantage(
        d1 in 1e-9_f64..=1.0,
        d2 in 1e-9_f64..=1.0,
        d in 1e-9_f64..1.0,
    ) {
        let x = rubinstein_share(d1, d2);
        prop_assert!(unit(x), "share {x} for ({d1}, {d2})");
        prop_assert!(rubinstein_share(d, d) > 0.5);
    }

    #[test]
    fn rubinstein_rates_approach_the_limit(r1 in 1e-3_f64..1.0, r2 in 1e-3_f64..1.0) {
        let x = rubinstein_share_rates(r1, r2, 1e-7);
        prop_assert!(unit(x));
        prop_assert!((x - rubinstein_limit_rates(r1, r2)).abs() <= 1e-6);
        // The proposer's identity stops mattering.
        let other_first = rubinstein_share_rates(r2, r1, 1e-7);
        prop_assert!((x + other_first - 1.0).abs() <= 1e-6);
    }

    #[test]
    fn stahl_converges_to_rubinstein(d1 in 0.01_f64..=0.99, d2 in 0.01_f64..=0.99) {
        let limit = rubinstein_share(d1, d2);
        prop_assert!((stahl_share(2001, d1, d2) - limit).abs() <= 1e-6);
        prop_assert!((stahl_share(2000, d1, d2) - limit).abs() <= 1e-6);
        // Geometric bound: |s_1(T) − x*| ≤ q^⌊(T−1)/2⌋ (each two rounds shrink the gap by q).
        let q = d1 * d2;
        for t in [5_u32, 20, 41] {
            let bound = q.powf(f64::from((t - 1) / 2));
            prop_assert!((stahl_share(t, d1, d2) - limit).abs() <= bound + EPS);
        }
    }

    #[test]
    fn stahl_closed_form_equals_recursion(
        t in 1_u32..200,
        d1 in 0.0_f64..=1.0,
        d2 in 0.0_f64..=1.0,
    ) {
        let closed = stahl_share(t, d1, d2);
        prop_assert!(unit(closed));
        prop_assert!((closed - stahl_share_recursive(t, d1, d2)).abs() <= 1e-9);
    }

    #[test]
    fn brw_approaches_nash_as_risk_vanishes(
        d_a in 0.0_f64..1.0,
        frac in 0.0_f64..1.0,
        p in 1e-9_f64..1e-6,
    ) {
        let d_b = frac * (1.0 - d_a);
        let x = brw_share(p, d_a, d_b);
        let limit = brw_limit(d_a, d_b);
        prop_assert!((x - limit).abs() <= p);
    }

    #[test]
    fn brw_in_unit_interval(p in 0.0_f64..=1.0, d_a in 0.0_f64..=1.0, frac in 0.0_f64..=1.0) {
        let d_b = frac * (1.0 - d_a);
        let x = brw_share(p, d_a, d_b);
        prop_assert!(unit(x), "share {x} for p = {p}, d = ({d_a}, {d_b})");
    }

    #[test]
    fn nash_shares_in_unit_interval(
        power_a in 0.0_f64..1e6,
        power_b in 0.0_f64..1e6,
        d_a in 0.0_f64..=1.0,
        frac in 0.0_f64..=1.0,
    ) {
        let alpha = nash_weight(power_a, power_b);
        prop_assert!(unit(alpha));
        let d_b = frac * (1.0 - d_a);
        let (u_a, u_b) = nash_linear(1.0, d_a, d_b, alpha);
        prop_assert!(unit(u_a) && unit(u_b));
        prop_assert!(u_a >= d_a - EPS && u_b >= d_b - EPS);
        prop_assert!((u_a + u_b - 1.0).abs() <= EPS);
    }

    #[test]
    fn nash_on_linear_frontier_matches_closed_form(
        d_a in 0.0_f64..0.9,
        frac in 0.0_f64..0.9,
        alpha in 0.0_f64..=1.0,
    ) {
        let d_b = frac * (1.0 - d_a);
        let (u_a, u_b) = nash_on_frontier(|u| 1.0 - u, 1.0, (d_a, d_b), alpha);
        let (e_a, e_b) = nash_linear(1.0, d_a, d_b, alpha);
        prop_assert!((u_a - e_a).abs() <= 1e-6 && (u_b - e_b).abs() <= 1e-6);
    }

    #[test]
    fn tioli_demand_within_support(
        c in -2.0_f64..3.0,
        a in 0.0_f64..2.0,
        width in 0.0_f64..2.0,
    ) {
        let b = a + width;
        let m = take_it_or_leave_it_uniform(c, a, b);
        prop_assert!(a <= m.demand && m.demand <= b);
        prop_assert!(unit(m.p_accept));
        prop_assert!(m.expected_profit.is_finite());
    }

    #[test]
    fn win_set_deal_weakly_increasing_in_legislature(
        r_us in 0.0_f64..2.0,
        v_e in 0.0_f64..2.0,
        r_l1 in 0.0_f64..2.0,
        r_l2 in 0.0_f64..2.0,
        alpha in 0.0_f64..=1.0,
    ) {
        let (lo, hi) = if r_l1 <= r_l2 { (r_l1, r_l2) } else { (r_l2, r_l1) };
        match (win_set_deal(r_us, v_e, lo, alpha), win_set_deal(r_us, v_e, hi, alpha)) {
            (Some(tight), Some(slack)) => prop_assert!(tight <= slack + EPS),
            // A looser legislature never destroys a deal.
            (Some(_), None) => prop_assert!(false, "deal lost as r_L rose"),
            (None, _) => prop_assert!(r_us > v_e.min(lo)),
        }
    }
}

proptest! {
    #[test]
    fn stahl_with_no_options_is_stahl(t in 1u32..200, d1 in 0.01f64..=1.0, d2 in 0.01f64..=1.0) {
        let a = bargain_core::theory::stahl_share_with_options(t, d1, d2, 0.0, 0.0);
        let b = bargain_core::theory::stahl_share(t, d1, d2);
        prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }

    #[test]
    fn stahl_with_options_tends_to_the_outside_option_principle(
        d1 in 0.05f64..0.95, d2 in 0.05f64..0.95, w1 in 0.0f64..0.45, w2 in 0.0f64..0.45
    ) {
        // Long horizons approach the stationary Binmore–Shaked–Sutton shares, and every
        // share leaves the responder at least its option.
        let (x_a, _) = bargain_core::theory::outside_option_shares(d1, d2, w1, w2);
        let s = bargain_core::theory::stahl_share_with_options(2001, d1, d2, w1, w2);
        prop_assert!((s - x_a).abs() < 1e-6, "T=2001: {s} vs BSS {x_a}");
        for t in 1..40 {
            let s = bargain_core::theory::stahl_share_with_options(t, d1, d2, w1, w2);
            prop_assert!(1.0 - s >= w2 - 1e-12, "T={t}: responder gets {} < option {w2}", 1.0 - s);
        }
    }
}
