//! Chatterjee & Samuelson (1983): the linear equilibrium of the double auction with values
//! independent and uniform on `[0, 1]`.
//!
//! Seller and buyer bid simultaneously; they trade iff the bid is at least the ask, at the
//! midpoint. In the linear equilibrium they trade iff `v_b ≥ v_s + 1/4`.

/// Probability of trade in the linear equilibrium: 9/32 (efficient trade would give 1/2).
pub const CS_P_TRADE: f64 = 9.0 / 32.0;

/// Expected gains from trade `E[(v_b − v_s)·1{trade}]` in the linear equilibrium: 9/64.
pub const CS_EXPECTED_GAINS: f64 = 9.0 / 64.0;

/// Expected gains from trade under efficient (first-best) trade: 1/6.
pub const CS_FIRST_BEST_GAINS: f64 = 1.0 / 6.0;

/// The seller's equilibrium ask `(2/3)·v_s + 1/4`.
#[must_use]
pub fn cs_ask(v_s: f64) -> f64 {
    2.0 / 3.0 * v_s + 0.25
}

/// The buyer's equilibrium bid `(2/3)·v_b + 1/12`.
#[must_use]
pub fn cs_bid(v_b: f64) -> f64 {
    2.0 / 3.0 * v_b + 1.0 / 12.0
}

/// The trade price `(ask + bid)/2` when the bid is at least the ask, else `None`.
#[must_use]
pub fn cs_trade(v_s: f64, v_b: f64) -> Option<f64> {
    let (ask, bid) = (cs_ask(v_s), cs_bid(v_b));
    (bid >= ask).then_some((ask + bid) / 2.0)
}
