//! The no-risk limit of the Binmore–Rubinstein–Wolinsky game, a reference the
//! `breakdown` model's [`brw_share`] is checked against.

#[cfg(doc)]
use crate::theory::brw_share;

/// The limit of [`brw_share`] as `p → 0`: `(1 + d_A − d_B)/2 = d_A + ½(1 − d_A − d_B)`, the
/// symmetric Nash solution with disagreement point `(d_A, d_B)`.
#[must_use]
pub fn brw_limit(d_a: f64, d_b: f64) -> f64 {
    (1.0 + d_a - d_b) / 2.0
}
