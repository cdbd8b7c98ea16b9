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
pub(in crate::theory) fn share_from_complements(e1: f64, e2: f64, d1: f64) -> f64 {
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
