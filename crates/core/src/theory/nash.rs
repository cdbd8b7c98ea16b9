//! The Nash (1950) bargaining solution, generalized with weights (Kalai 1977), on a
//! linear pie (the general frontier solvers are in [`reference`](super::reference)).

/// The Nash weight `α_A = power_a/(power_a + power_b)` of party A.
///
/// Negative powers count as 0; both 0 gives ½.
#[must_use]
pub fn nash_weight(power_a: f64, power_b: f64) -> f64 {
    let (a, b) = (power_a.max(0.0), power_b.max(0.0));
    let sum = a + b;
    if sum > 0.0 { a / sum } else { 0.5 }
}

/// The generalized Nash solution `(u_A, u_B)` on a linear pie `u_A + u_B = surplus`:
/// `u_A = d_A + α·(S − d_A − d_B)` and `u_B = d_B + (1 − α)·(S − d_A − d_B)`.
///
/// `alpha` (A's weight) is clamped to `[0, 1]`. The formula assumes `d_A + d_B ≤ S`; if not,
/// no agreement beats disagreement and the result splits the (negative) gain the same way.
#[must_use]
pub fn nash_linear(surplus: f64, d_a: f64, d_b: f64, alpha: f64) -> (f64, f64) {
    let alpha = alpha.clamp(0.0, 1.0);
    let gain = surplus - d_a - d_b;
    (d_a + alpha * gain, d_b + (1.0 - alpha) * gain)
}
