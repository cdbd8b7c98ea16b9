//! The war of attrition of Abreu & Gul (2000) (`theory::attrition`) against hand-computed
//! cases, its delay distribution against a Monte Carlo sample (Kolmogorov–Smirnov), its
//! comparative statics (proptest), and the `attrition` model built on it.

use bargain_core::attrition::{game, play};
use bargain_core::theory::{Attrition, concession_rate};
use bargain_core::{Calendar, Model, Negotiation, OutcomeKind, Party, Preset, Protocol, Side};
use bargain_core::{StrategySpec, calendar::DAYS_PER_MONTH};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const TOL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL
}

/// One phase: z = (0.1, 0.2); the gap is 0.4, the payer's cost of waiting 0.2 and the
/// payee's 0.1, so λ_payee = 0.2/0.4 = 0.5 and λ_payer = 0.1/0.4 = 0.25.
fn one_phase() -> Attrition {
    let pre = [concession_rate(0.2, 0.4), concession_rate(0.1, 0.4)];
    Attrition::new([0.1, 0.2], pre, pre, f64::INFINITY, 1)
}

#[test]
fn concession_rates_keep_the_other_side_indifferent() {
    // λ_i = c_j / Δ (flow costs alone), and nothing to gain or no cost: no concession.
    assert!(close(concession_rate(0.03, 0.5), 0.06));
    assert_eq!(concession_rate(0.0, 0.5), 0.0);
    assert_eq!(concession_rate(0.1, 0.0), 0.0);
    let a = one_phase();
    assert!(close(a.pre[0], 0.5) && close(a.pre[1], 0.25));
}

#[test]
fn one_phase_end_time_atom_and_delay_by_hand() {
    let a = one_phase();
    let s10 = 10f64.sqrt();
    // T_payee = −ln 0.1 / 0.5 = 2 ln 10 < T_payer = −ln 0.2 / 0.25 = 4 ln 5.
    assert!(close(a.reach_one(0), 2.0 * 10f64.ln()));
    assert!(close(a.reach_one(1), 4.0 * 5f64.ln()));
    assert!(close(a.end, 2.0 * 10f64.ln()));
    // The payer is weaker: c = 1 − 0.2·e^{0.25·2 ln 10} = 1 − 0.2√10; the payee has none.
    assert!(close(a.atom[1], 1.0 - 0.2 * s10));
    assert_eq!(a.atom[0], 0.0);
    // P(τ > t) = 0.2√10 · e^{−0.75 t} before T_0, z_0 z_1 = 0.02 after.
    assert!(close(a.delay_cdf(0.0), 1.0 - 0.2 * s10));
    assert!(close(a.delay_cdf(1.0), 1.0 - 0.2 * s10 * (-0.75f64).exp()));
    assert!(close(a.delay_cdf(5.0), 0.98));
    assert!(close(a.no_deal(), 0.02));
    // E[τ | deal] = (0.2√10 (1 − 10^{−1.5}) / 0.75 − 0.02 · 2 ln 10) / 0.98, and
    // 0.2√10 · 10^{−1.5} = 0.02.
    let mean = ((0.2 * s10 - 0.02) / 0.75 - 0.04 * 10f64.ln()) / 0.98;
    assert!(close(a.mean_delay().expect("deals"), mean));
    // Who concedes: the payee only after 0, with share λ_payee / (λ_payee + λ_payer) = 2/3.
    assert!(close(a.concedes(0), 2.0 / 3.0 * (0.2 * s10 - 0.02)));
    assert!(close(
        a.concedes(1),
        1.0 - 0.2 * s10 + (0.2 * s10 - 0.02) / 3.0
    ));
}

/// Two phases: z = (0.3, 0.3), hazards (0.1, 0.2) before the switch at 2, (0.5, 0.6) after.
fn two_phase() -> Attrition {
    Attrition::new([0.3, 0.3], [0.1, 0.2], [0.5, 0.6], 2.0, 1)
}

#[test]
fn two_phase_end_time_atom_and_delay_by_hand() {
    let a = two_phase();
    let l = (10.0f64 / 3.0).ln();
    // Λ_payee(2) = 0.2, Λ_payer(2) = 0.4; T_i = 2 + (−ln 0.3 − Λ_i(2)) / post_i.
    assert!(close(a.reach_one(0), 2.0 + (l - 0.2) / 0.5));
    assert!(close(a.reach_one(1), 2.0 + (l - 0.4) / 0.6));
    assert!(close(a.end, 2.0 + (l - 0.4) / 0.6));
    // The payee is weaker: Λ_payee(T_0) = 0.2 + (5/6)(l − 0.4) = (5/6) l − 2/15.
    let survive = 0.3 * (10.0f64 / 3.0).powf(5.0 / 6.0) * (-2.0f64 / 15.0).exp();
    assert!(close(a.atom[0], 1.0 - survive));
    assert_eq!(a.atom[1], 0.0);
    // Before the switch the hazards add to 0.3, after it to 1.1.
    assert!(close(a.delay_cdf(1.0), 1.0 - survive * (-0.3f64).exp()));
    assert!(close(a.delay_cdf(3.0), 1.0 - survive * (-1.7f64).exp()));
    assert!(close(a.delay_cdf(10.0), 1.0 - 0.09));
    // The inverse of the strong side's distribution: Λ_payer(t) = 0.3 at t = 1.5 and
    // 0.7 at t = 2 + 0.3/0.6 = 2.5; the weak side's atom is its lowest uniforms.
    assert!(close(a.concession_time(1, 1.0 - (-0.3f64).exp()), 1.5));
    assert!(close(a.concession_time(1, 1.0 - (-0.7f64).exp()), 2.5));
    assert_eq!(a.concession_time(0, 0.5 * a.atom[0]), 0.0);
    assert!(
        a.concession_time(1, 0.75).is_infinite(),
        "the obstinate top 0.3"
    );
    // E[τ | deal] = (S(0)(∫_0^2 e^{−0.3t} + e^{−0.6} ∫_0^{T−2} e^{−1.1s}) − 0.09 T) / 0.91.
    let t = a.end;
    let integral =
        (1.0 - (-0.6f64).exp()) / 0.3 + (-0.6f64).exp() * (1.0 - (-1.1 * (t - 2.0)).exp()) / 1.1;
    let mean = (survive * integral - 0.09 * t) / 0.91;
    assert!(close(a.mean_delay().expect("deals"), mean));
}

#[test]
fn degenerate_obstinacies() {
    // Both sides certainly rational: the weaker (smaller long-run hazard) concedes at once.
    let a = Attrition::new([0.0, 0.0], [0.5, 0.25], [0.5, 0.25], f64::INFINITY, 0);
    assert_eq!(a.atom, [0.0, 1.0]);
    assert_eq!(a.mean_delay(), Some(0.0));
    // Equal hazards: the tie side concedes.
    let a = Attrition::new([0.0, 0.0], [0.5, 0.5], [0.5, 0.5], f64::INFINITY, 0);
    assert_eq!(a.atom, [1.0, 0.0]);
    // A certainly obstinate side: the other concedes at once unless it is obstinate too.
    let a = Attrition::new([1.0, 0.4], [0.5, 0.5], [0.5, 0.5], f64::INFINITY, 0);
    assert!(close(a.atom[1], 0.6) && a.end == 0.0);
    assert!(close(a.no_deal(), 0.4));
    let both = Attrition::new([1.0, 1.0], [0.5, 0.5], [0.5, 0.5], f64::INFINITY, 0);
    assert_eq!(both.mean_delay(), None);
    assert!(both.play([0.3, 0.9], 0).conceder.is_none());
}

/// The Kolmogorov–Smirnov distance between the sample's delays (infinite: no deal) and
/// `cdf` (a distribution with an atom at 0 and mass at infinity; the statistic is exact
/// at every jump of either).
fn ks_distance(mut times: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len() as f64;
    let mut d = 0.0f64;
    let mut i = 0;
    while i < times.len() && times[i].is_finite() {
        let v = times[i];
        let mut j = i;
        while j < times.len() && times[j] == v {
            j += 1;
        }
        // Just below v (the closed form has its only jump at 0) and at v.
        let below = if v > 0.0 { cdf(v) } else { 0.0 };
        d = d.max((i as f64 / n - below).abs());
        d = d.max((j as f64 / n - cdf(v)).abs());
        i = j;
    }
    d
}

#[test]
fn monte_carlo_delays_match_the_closed_form() {
    // 10^6 plays of the two-phase game; Kolmogorov's 1% critical value is 1.628/√n
    // (conservative for a distribution with atoms).
    let a = two_phase();
    let n = 1_000_000;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2000);
    let times: Vec<f64> = (0..n)
        .map(|_| a.play([rng.random(), rng.random()], 1).time)
        .collect();
    let deals: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
    let d = ks_distance(times, |t| a.delay_cdf(t));
    assert!(d < 1.628 / f64::from(n).sqrt(), "KS distance {d}");
    // And the mean delay of the deals (standard error ≈ 1.3/√(9.1·10^5) ≈ 0.0014).
    let mean = deals.iter().sum::<f64>() / deals.len() as f64;
    let exact = a.mean_delay().expect("deals");
    assert!((mean - exact).abs() < 0.006, "{mean} vs {exact}");
}

/// A negotiation for the model: the payee opens at 1.4 (reservation 1.0), the payer at
/// 0.96 (reservation 1.2), with the calendar given.
fn talks(calendar: Option<Calendar>, obstinacy: [f64; 2]) -> Negotiation {
    let party = |side, opening, reservation, discount| Party {
        side,
        opening,
        reservation,
        discount,
        power: 1.0,
        ratification: None,
        outside_option: None,
        strategy: StrategySpec::time_based(Preset::Linear),
    };
    Negotiation {
        payee: party(Side::Payee, 1.4, 1.0, 0.9),
        payer: party(Side::Payer, 0.96, 1.2, 0.8),
        protocol: Protocol {
            max_rounds: 20,
            first_mover: Side::Payee,
            breakdown_risk: 0.0,
            grid: None,
            obstinacy,
        },
        calendar,
    }
}

fn calendar(expiry_day: u32, lapse_cost: [f64; 2]) -> Calendar {
    Calendar {
        round_months: 1.0,
        expiry_day,
        end_day: Some(3000),
        lapse_cost,
        end_game: [None; 2],
        pace: bargain_core::calendar::Pace::FIXED,
    }
}

#[test]
fn the_model_hazards_by_hand() {
    // Openings beyond the other's reservation: no gain from accepting before the expiry
    // (discounting costs nothing); after it the lapse costs alone, λ_i = c_j / 0.44.
    let n = talks(Some(calendar(61, [0.02, 0.05])), [0.3, 0.3]);
    let eq = game(&n).equilibrium.expect("conflicting openings");
    assert_eq!(eq.pre, [0.0, 0.0]);
    assert!(close(eq.post[0], 0.05 / 0.44) && close(eq.post[1], 0.02 / 0.44));
    assert!(close(eq.switch, 61.0 / DAYS_PER_MONTH));
    // A payer that would gain 0.1 by accepting 1.4 (reservation 1.5) and discounts at
    // −ln 0.8 a round (a month): the payee concedes at 0.1·(−ln 0.8)/0.44 before the expiry.
    let mut n = n;
    n.payer.reservation = 1.5;
    let eq = game(&n).equilibrium.expect("conflicting openings");
    assert!(close(eq.pre[0], -(0.8f64.ln()) * 0.1 / 0.44));
    assert!(close(eq.post[0], (-(0.8f64.ln()) * 0.1 + 0.05) / 0.44));
    // Without a calendar: discounting only, one phase, time in rounds.
    let n = talks(None, [0.3, 0.3]);
    let eq = game(&n).equilibrium.expect("conflicting openings");
    assert!(eq.switch.is_infinite() && eq.pre == [0.0, 0.0]);
}

#[test]
fn the_model_concession_round_and_winner() {
    let n = talks(Some(calendar(61, [0.02, 0.05])), [0.3, 0.3]);
    for seed in 0..200 {
        let p = play(&n, &mut Xoshiro256PlusPlus::seed_from_u64(seed));
        let d = p.draw.expect("a war");
        match d.conceder {
            Some(i) => {
                // The first round on or after the concession time (one round a month).
                assert_eq!(p.outcome.round, d.time.ceil() as u32 + 1);
                let x = p.outcome.amount.expect("deal");
                assert_eq!(x, if i == 0 { 0.96 } else { 1.4 });
                assert_eq!(p.outcome.kind, OutcomeKind::Deal);
            }
            None => {
                assert!(d.obstinate[0] && d.obstinate[1]);
                assert_eq!(p.outcome.kind, OutcomeKind::Deadline);
            }
        }
        // The model's outcome is the play's, from the same two uniforms.
        let o = n.outcome(
            Model::Attrition,
            &mut Xoshiro256PlusPlus::seed_from_u64(seed),
            None,
        );
        assert_eq!(o, p.outcome);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn zero_obstinacy_and_an_open_zone_agree_at_once(
        gap in 0.01f64..1.0, lo in 0.0f64..2.0, up in 0.0f64..1.0, down in 0.0f64..1.0,
        d0 in 0.5f64..1.0, d1 in 0.5f64..1.0, c0 in 0.0f64..0.1, c1 in 0.0f64..0.1,
        with_calendar in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut n = talks(with_calendar.then(|| calendar(90, [c0, c1])), [0.0, 0.0]);
        n.payee.reservation = lo;
        n.payer.reservation = lo + gap;
        n.payee.opening = lo + gap + up;
        n.payer.opening = lo - down;
        n.payee.discount = d0;
        n.payer.discount = d1;
        let o = n.outcome(Model::Attrition, &mut Xoshiro256PlusPlus::seed_from_u64(seed), None);
        prop_assert_eq!(o.kind, OutcomeKind::Deal);
        prop_assert_eq!(o.round, 1);
    }

    #[test]
    fn scaling_both_costs_up_shortens_the_delay(
        z0 in 0.01f64..0.99, z1 in 0.01f64..0.99, k0 in 0.01f64..1.0, k1 in 0.01f64..1.0,
        scale in 1.01f64..10.0,
    ) {
        let at = |s: f64| {
            let pre = [concession_rate(s * k1, 1.0), concession_rate(s * k0, 1.0)];
            Attrition::new([z0, z1], pre, pre, f64::INFINITY, 1).mean_delay().expect("deals")
        };
        let (base, scaled) = (at(1.0), at(scale));
        prop_assert!(scaled < base || base == 0.0, "{scaled} vs {base}");
    }

    #[test]
    fn a_costlier_wait_for_the_weaker_side_shortens_the_delay_for_the_stronger_lengthens_it(
        z0 in 0.01f64..0.99, z1 in 0.01f64..0.99, k0 in 0.01f64..1.0, k1 in 0.01f64..1.0,
        more in 1.01f64..3.0,
    ) {
        // Side i's hazard is the other's cost over the gap (1 here).
        let with = |k: [f64; 2]| {
            let pre = [k[1], k[0]];
            Attrition::new([z0, z1], pre, pre, f64::INFINITY, 1)
        };
        let base = with([k0, k1]);
        let weak = usize::from(base.reach_one(1) > base.reach_one(0));
        let mean = base.mean_delay().expect("deals");
        let mut k = [k0, k1];
        k[weak] *= more;
        prop_assert!(with(k).mean_delay().expect("deals") <= mean + 1e-12);
        let mut k = [k0, k1];
        k[1 - weak] *= more;
        let stronger = with(k);
        // As long as the weaker side stays the weaker, its atom shrinks: a longer delay.
        let still_weak = usize::from(stronger.reach_one(1) > stronger.reach_one(0)) == weak;
        if still_weak {
            prop_assert!(stronger.mean_delay().expect("deals") >= mean - 1e-12);
        }
    }

    #[test]
    fn the_side_with_the_cheaper_wait_wins_more_often(
        z in 0.01f64..0.99, c_low in 0.001f64..0.1, extra in 0.001f64..0.1, half in 0.05f64..1.0,
        payee_cheaper in any::<bool>(),
    ) {
        // Symmetric demands around the zone [1 − half/2, 1 + half/2], the same discount
        // and obstinacy; only the lapse costs differ.
        let costs = if payee_cheaper { [c_low, c_low + extra] } else { [c_low + extra, c_low] };
        let mut n = talks(Some(calendar(30, costs)), [z, z]);
        n.payee.reservation = 1.0 - half / 2.0;
        n.payer.reservation = 1.0 + half / 2.0;
        n.payee.opening = 1.0 + half;
        n.payer.opening = 1.0 - half;
        n.payee.discount = 0.95;
        n.payer.discount = 0.95;
        let eq = game(&n).equilibrium.expect("conflicting openings");
        let (cheap, dear) = if payee_cheaper { (0, 1) } else { (1, 0) };
        prop_assert!(eq.concedes(dear) > eq.concedes(cheap), "{:?}", eq);
    }
}

#[test]
fn raising_the_stronger_sides_cost_can_lengthen_the_delay() {
    // z = (0.5, 0.5) and a gap of 1, so λ_payee = k_payer and λ_payer = k_payee.
    let with = |k: [f64; 2]| {
        let pre = [k[1], k[0]];
        Attrition::new([0.5, 0.5], pre, pre, f64::INFINITY, 1)
    };
    let base = with([1.0, 2.0]);
    // λ = (2, 1): T_payee = ln 2 / 2 < T_payer = ln 2: the payer is weaker, the payee stronger.
    assert!(base.atom[1] > 0.0 && base.atom[0] == 0.0);
    // Raising the stronger (payee's) cost from 1 to 1.5 raises λ_payer to 1.5.
    let raised = with([1.5, 2.0]);
    assert!(raised.atom[1] < base.atom[1]);
    assert!(raised.mean_delay().expect("deals") > base.mean_delay().expect("deals"));
}
