//! Outside options (Binmore, Shaked & Sutton 1989): the outside option principle.
//!
//! Rubinstein alternating offers in which the responder, when it answers an offer, may opt
//! out and end the game with payoffs `(w_A, w_B)`.

use super::rubinstein::rubinstein_share;

/// The stationary subgame-perfect shares `(x_A, x_B)`: `x_A` is A's share when A proposes and
/// `x_B` is B's share when B proposes.
///
/// They solve `x_A = 1 − max(w_B, δ_B·x_B)` and `x_B = 1 − max(w_A, δ_A·x_A)`. Solved in
/// closed form: substituting the second equation into the first gives
/// `x_A = 1 − max(w_B, min(δ_B·(1 − w_A), z))`, where `z = δ_B(1 − δ_A)/(1 − δ_Aδ_B)` is
/// B's Rubinstein payoff as responder. In words: B's option binds if it beats `z`; A's option
/// binds if it caps what B can hope for by rejecting, `δ_B(1 − w_A)`; otherwise the options
/// are irrelevant and the Rubinstein shares stand. Then `x_B = 1 − max(w_A, δ_A·x_A)`.
///
/// Assumes `δ_A, δ_B ∈ (0, 1]` (clamped to `[0, 1]`), `w_A, w_B ≥ 0` and `w_A + w_B < 1`.
/// When `δ_A = δ_B = 1` the Rubinstein part uses its symmetric limit ½.
#[must_use]
pub fn outside_option_shares(d_a: f64, d_b: f64, w_a: f64, w_b: f64) -> (f64, f64) {
    let (d_a, d_b) = (d_a.clamp(0.0, 1.0), d_b.clamp(0.0, 1.0));
    let b_inside = 1.0 - rubinstein_share(d_a, d_b);
    let b_cap = d_b * (1.0 - w_a);
    let x_a = 1.0 - w_b.max(b_cap.min(b_inside));
    let x_b = 1.0 - w_a.max(d_a * x_a);
    (x_a, x_b)
}
