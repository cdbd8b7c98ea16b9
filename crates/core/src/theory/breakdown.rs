//! Exogenous risk of breakdown (Binmore, Rubinstein & Wolinsky 1986).
//!
//! Alternating offers over a pie of 1 without discounting; after each rejection the talks
//! break down with probability `p`, leaving the players `(d_A, d_B)`.

/// A's share when A proposes: `[1 − d_B + (1 − p)·d_A]/(2 − p)`.
///
/// The stationary equilibrium of the game with breakdown probability `p ∈ (0, 1]` (clamped to
/// `[0, 1]`) and breakdown payoffs `d_A + d_B < 1`. At `p = 0` the formula equals its limit
/// [`brw_limit`](super::reference::brw_limit), the symmetric Nash solution; at `p = 1` it is the ultimatum `1 − d_B`.
#[must_use]
pub fn brw_share(p: f64, d_a: f64, d_b: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    (1.0 - d_b + (1.0 - p) * d_a) / (2.0 - p)
}
