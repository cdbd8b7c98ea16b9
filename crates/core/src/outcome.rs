//! How one negotiation ends.

use crate::party::Side;

/// The kind of ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum OutcomeKind {
    /// An offer was accepted and every legislature that must ratify it does.
    Deal,
    /// The last round passed with no deal.
    Deadline,
    /// The talks collapsed after a rejected offer (exogenous breakdown risk).
    Breakdown,
    /// An offer was accepted but falls outside a party's ratification limit.
    NotRatified,
    /// A closed-form model found no zone of agreement (the reservations do not overlap).
    NoZone,
}

impl OutcomeKind {
    /// Every kind, in report order.
    pub const ALL: [OutcomeKind; 5] = [
        OutcomeKind::Deal,
        OutcomeKind::Deadline,
        OutcomeKind::Breakdown,
        OutcomeKind::NotRatified,
        OutcomeKind::NoZone,
    ];

    /// The name used in files and reports (`deal`, `deadline`, `breakdown`, `not_ratified`, `no_zone`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Deal => "deal",
            OutcomeKind::Deadline => "deadline",
            OutcomeKind::Breakdown => "breakdown",
            OutcomeKind::NotRatified => "not_ratified",
            OutcomeKind::NoZone => "no_zone",
        }
    }

    /// Position in [`OutcomeKind::ALL`].
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The outcome of one negotiation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outcome {
    /// How it ended.
    pub kind: OutcomeKind,
    /// The agreed amount: set for `deal` and `not_ratified` (the amount the negotiators signed).
    pub amount: Option<f64>,
    /// The 1-based round in which it ended (of the accepting move for deals).
    pub round: u32,
    /// Who accepted, for `deal` and `not_ratified`.
    pub accepted_by: Option<Side>,
}

impl Outcome {
    /// `amount` accepted by `by` in the 0-based round `round`: a deal when both
    /// legislatures ratify it, `not_ratified` otherwise.
    #[inline]
    pub(crate) fn accepted(amount: f64, ratified: bool, round: u32, by: Side) -> Self {
        Self {
            kind: if ratified {
                OutcomeKind::Deal
            } else {
                OutcomeKind::NotRatified
            },
            amount: Some(amount),
            round: round + 1,
            accepted_by: Some(by),
        }
    }

    /// Whether the outcome is a ratified deal.
    #[must_use]
    pub fn is_deal(&self) -> bool {
        self.kind == OutcomeKind::Deal
    }
}
