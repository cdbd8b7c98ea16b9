//! Optional record of the offers of one negotiation, for replay and plots.

use crate::party::Side;

/// One offer made during a negotiation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TracedOffer {
    /// 0-based round.
    pub round: u32,
    /// Who made the offer.
    pub by: Side,
    /// The amount offered.
    pub amount: f64,
}

/// The offers of one negotiation, in order. Only built when asked for: with no trace
/// the protocol allocates nothing.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Trace {
    /// Every offer, in the order made.
    pub offers: Vec<TracedOffer>,
    /// Indices (into `offers`) of the offers accepted and then refused by a principal,
    /// after which the talks went on (`on_veto = "resume"`, see [`crate::events`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub vetoed: Vec<usize>,
}

impl Trace {
    /// An empty trace.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}
