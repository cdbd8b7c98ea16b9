//! Variants of Rubinstein's (1982) game that no model uses: discount factors from
//! continuous rates, their short-period limit, and fixed bargaining costs.

use crate::theory::rubinstein::share_from_complements;

/// The per-period discount factor `exp(−r·dt)` for a continuous rate `r` and period `dt`.
#[must_use]
pub fn discount_from_rate(r: f64, dt: f64) -> f64 {
    (-r * dt).exp()
}

/// The proposer's share when the discount factors come from rates: `δ_i = exp(−r_i·dt)`.
///
/// Equal to `rubinstein_share(discount_from_rate(r1, dt), discount_from_rate(r2, dt))`, but
/// computed with `expm1` so it stays accurate for short periods. Negative rates are treated
/// as 0 (no impatience); `r1 = r2 = 0` or `dt = 0` gives ½.
#[must_use]
pub fn rubinstein_share_rates(r1: f64, r2: f64, dt: f64) -> f64 {
    let (r1, r2, dt) = (r1.max(0.0), r2.max(0.0), dt.max(0.0));
    let e1 = -(-r1 * dt).exp_m1();
    let e2 = -(-r2 * dt).exp_m1();
    share_from_complements(e1, e2, 1.0 - e1)
}

/// The limit of [`rubinstein_share_rates`] as the period shrinks to 0: `r2/(r1 + r2)`.
///
/// The first-mover advantage vanishes; this is the asymmetric Nash solution with weight
/// `r2/(r1 + r2)` for player 1. Negative rates are treated as 0; both 0 gives ½.
#[must_use]
pub fn rubinstein_limit_rates(r1: f64, r2: f64) -> f64 {
    let (r1, r2) = (r1.max(0.0), r2.max(0.0));
    let sum = r1 + r2;
    if sum > 0.0 { r2 / sum } else { 0.5 }
}

/// Player 1's (the first proposer's) equilibrium share with fixed per-round costs `c1`, `c2`
/// (payoff `x_i − c_i·t`) instead of discounting.
///
/// * `c1 < c2`: player 1 gets the whole pie, 1.
/// * `c1 > c2`: player 1 gets `c2` (capped at 1: a cost that exceeds the pie leaves
///   player 2 nothing to gain by rejecting).
/// * `c1 == c2` (or a NaN): `None`, since the equilibrium is not unique.
#[must_use]
pub fn rubinstein_fixed_costs(c1: f64, c2: f64) -> Option<f64> {
    if c1 < c2 {
        Some(1.0)
    } else if c1 > c2 {
        Some(c2.min(1.0))
    } else {
        None
    }
}
