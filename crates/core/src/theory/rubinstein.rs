//! Rubinstein (1982): the infinite-horizon alternating-offers game.
//!
//! Two players split a pie of 1; player 1 proposes first. The unique subgame-perfect
//! equilibrium gives the proposer `(1 − δ2)/(1 − δ1·δ2)` at once.

/// Clamps a discount factor into `[0, 1]` (NaN passes through).
fn clamp_unit(d: f64) -> f64 {
    d.clamp(0.0, 1.0)
}

/// The proposer's share from the complements `e_i = 1 − δ_i` and `δ1`.
///
/// Uses `1 − δ1δ2 = e1 + δ1·e2`, which avoids cancellation when both factors are near 1.
/// Both complements zero (`δ1 = δ2 = 1`) gives the symmetric limit ½.
fn share_from_complements(e1: f64, e2: f64, d1: f64) -> f64 {
    let denom = e1 + d1 * e2;
    if denom > 0.0 { e2 / denom } else { 0.5 }
}

/// The proposer's subgame-perfect share `(1 − δ2)/(1 − δ1·δ2)` in Rubinstein's game.
///
/// `d1` is the proposer's discount factor and `d2` the responder's, each in `(0, 1]`
/// (values outside `[0, 1]` are clamped to it). When `δ1·δ2 = 1` the game has no unique
/// equilibrium and the function returns ½, the limit along equal discount factors. The
/// result lies in `[0, 1]` and is never NaN for finite inputs.
#[must_use]
pub fn rubinstein_share(d1: f64, d2: f64) -> f64 {
    let (d1, d2) = (clamp_unit(d1), clamp_unit(d2));
    share_from_complements(1.0 - d1, 1.0 - d2, d1)
}

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
