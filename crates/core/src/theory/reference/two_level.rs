//! Putnam (1988) two-level games: win-sets, ratification and the Schelling conjecture, and
//! the take-it-or-leave-it demand under an uncertain ratification limit.

use crate::theory::Zone;

/// The deal of a two-level game under complete information, or `None` when the win-sets are
/// disjoint (no deal / lapse).
///
/// The payee's negotiator accepts iff `X ≥ r_us`; the payer's executive accepts iff
/// `X ≤ v_e` and its legislature ratifies iff `X ≤ r_l`. The deal splits the overlap by the
/// generalized Nash solution: `X* = r_us + α·(min(v_e, r_l) − r_us)`, with `α` (the payee's
/// weight) clamped to `[0, 1]`. `None` when `r_us > min(v_e, r_l)`.
///
/// Weakly increasing in `r_l` (the Schelling conjecture: a tighter legislature lowers the
/// amount the payer pays, as long as a deal survives).
#[must_use]
pub fn win_set_deal(r_us: f64, v_e: f64, r_l: f64, alpha: f64) -> Option<f64> {
    Zone::new(r_us, v_e.min(r_l)).amount_from_payee_share(alpha.clamp(0.0, 1.0))
}

/// The seller's optimal take-it-or-leave-it demand against a buyer whose value is uniform.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TakeItOrLeaveIt {
    /// The demand `X*`.
    pub demand: f64,
    /// The probability that the buyer accepts (ratifies) it.
    pub p_accept: f64,
    /// The seller's expected profit `(X* − c)·P(accept)`.
    pub expected_profit: f64,
}

/// The optimal take-it-or-leave-it demand of a seller with cost (reservation) `c` against a
/// buyer whose value (ratification limit) is uniform on `[a, b]` and who accepts iff its value
/// is at least the demand.
///
/// `X* = min(b, max(a, (b + c)/2))`, `P = (b − X*)/(b − a)` clamped to `[0, 1]` (1 when
/// `X* ≤ a`, which covers `a == b` without a division by zero), profit `(X* − c)·P`.
/// If `a > b` the bounds are swapped. The demand always lies in `[a, b]`; if `c ≥ b` no demand
/// there is profitable and the function returns `X* = b` (with `P = 0` unless `a == b`).
#[must_use]
pub fn take_it_or_leave_it_uniform(c: f64, a: f64, b: f64) -> TakeItOrLeaveIt {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let demand = b.min(a.max((b + c) / 2.0));
    let p_accept = if demand <= a {
        1.0
    } else {
        ((b - demand) / (b - a)).clamp(0.0, 1.0)
    };
    let expected_profit = if p_accept > 0.0 {
        (demand - c) * p_accept
    } else {
        0.0
    };
    TakeItOrLeaveIt {
        demand,
        p_accept,
        expected_profit,
    }
}
