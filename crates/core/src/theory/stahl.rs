//! Ståhl (1972): alternating offers with a finite horizon, solved by backward induction.
//!
//! At most `T` rounds; player 1 proposes in odd rounds (1, 3, …) and player 2 in even ones.
//! If the offer of round `T` is rejected both get 0; an indifferent responder accepts.

/// Player 1's subgame-perfect share with horizon `T = horizon`, in closed form.
///
/// With `q = δ1·δ2` and `G(m) = (1 − q^m)/(1 − q)` (`= m` when `q = 1`):
/// * `T` odd, `m = (T − 1)/2`: `s_1 = (1 − δ2)·G(m) + q^m`;
/// * `T` even, `m = T/2 − 1`: `s_1 = (1 − δ2)·G(m) + q^m·(1 − δ2)`.
///
/// `d1` and `d2` are clamped to `[0, 1]`. A horizon of 0 is treated as 1 (an ultimatum:
/// player 1 gets everything). Agrees with
/// [`stahl_share_recursive`](super::reference::stahl_share_recursive).
#[must_use]
pub fn stahl_share(horizon: u32, d1: f64, d2: f64) -> f64 {
    let (d1, d2) = (d1.clamp(0.0, 1.0), d2.clamp(0.0, 1.0));
    let t = horizon.max(1);
    let m = if t % 2 == 1 { (t - 1) / 2 } else { t / 2 - 1 };
    let (g, qm) = geometric(d1, d2, m);
    let e2 = 1.0 - d2;
    if t % 2 == 1 {
        e2 * g + qm
    } else {
        e2 * g + qm * e2
    }
}

/// `(G, q^m)` with `q = d1·d2` and `G = 1 + q + … + q^(m−1) = (1 − q^m)/(1 − q)`.
///
/// Near `q = 1` it works in logarithms (`ln q = ln_1p(−(1−d1)) + ln_1p(−(1−d2))`,
/// `1 − q^m = −expm1(m ln q)`) so that no precision is lost; `q = 1` gives the limit `G = m`.
/// Elsewhere (`1 − q > 1e-3`) `q^m` comes from `powi`.
fn geometric(d1: f64, d2: f64, m: u32) -> (f64, f64) {
    if m == 0 {
        return (0.0, 1.0);
    }
    let (e1, e2) = (1.0 - d1, 1.0 - d2);
    let one_minus_q = e1 + d1 * e2;
    if one_minus_q <= 0.0 {
        return (f64::from(m), 1.0);
    }
    // Far from q = 1 nothing cancels: q^m by repeated squaring is fast and accurate.
    if one_minus_q > 1e-3
        && let Ok(m) = i32::try_from(m)
    {
        let qm = (d1 * d2).powi(m);
        return ((1.0 - qm) / one_minus_q, qm);
    }
    let ln_q = (-e1).ln_1p() + (-e2).ln_1p();
    let m_ln_q = f64::from(m) * ln_q;
    let qm = m_ln_q.exp();
    let one_minus_qm = -m_ln_q.exp_m1();
    (one_minus_qm / one_minus_q, qm)
}

/// Player 1's subgame-perfect share with horizon `T` when the responder of each round may
/// opt out to its outside option (`w1` for player 1, `w2` for player 2, as shares of the
/// pie), by backward induction: `s_T = 1 − w_resp(T)` and
/// `s_t = 1 − max(w_resp(t), δ_resp(t)·s_(t+1))`.
///
/// The finite-horizon version of the outside-option principle (Binmore–Shaked–Sutton,
/// [`outside_option_shares`](super::outside_option_shares)): an option matters only when it
/// beats what the responder would get by going on. With `w1 = w2 = 0` it is
/// [`stahl_share`]. Assumes `w1 + w2 < 1`; options are clamped to `[0, 1]`. `O(T)` steps.
#[must_use]
pub fn stahl_share_with_options(horizon: u32, d1: f64, d2: f64, w1: f64, w2: f64) -> f64 {
    let (d1, d2) = (d1.clamp(0.0, 1.0), d2.clamp(0.0, 1.0));
    let (w1, w2) = (w1.clamp(0.0, 1.0), w2.clamp(0.0, 1.0));
    let t = horizon.max(1);
    // The responder of round r: player 2 in odd rounds, player 1 in even ones.
    let responder = |round: u32| if round % 2 == 1 { (d2, w2) } else { (d1, w1) };
    let mut s = 1.0 - responder(t).1;
    for round in (1..t).rev() {
        let (d, w) = responder(round);
        s = 1.0 - w.max(d * s);
    }
    s
}
