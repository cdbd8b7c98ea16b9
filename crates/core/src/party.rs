//! The two parties of a negotiation and the side each sits on.

use crate::strategy::StrategySpec;

/// Which side of the money a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Side {
    /// Receives the amount and prefers more (e.g. the United States in the SMA).
    Payee,
    /// Pays the amount and prefers less (e.g. the Republic of Korea in the SMA).
    Payer,
}

impl Side {
    /// The other side.
    #[must_use]
    pub fn other(self) -> Side {
        match self {
            Side::Payee => Side::Payer,
            Side::Payer => Side::Payee,
        }
    }

    /// `+1` for the payee (more is better), `-1` for the payer (less is better).
    #[must_use]
    pub fn sign(self) -> f64 {
        match self {
            Side::Payee => 1.0,
            Side::Payer => -1.0,
        }
    }

    /// Whether `a` is at least as good as `b` for this side.
    #[must_use]
    pub fn at_least_as_good(self, a: f64, b: f64) -> bool {
        match self {
            Side::Payee => a >= b,
            Side::Payer => a <= b,
        }
    }

    /// The better of two amounts for this side.
    #[must_use]
    pub fn better(self, a: f64, b: f64) -> f64 {
        if self.at_least_as_good(a, b) { a } else { b }
    }

    /// Lower-case name used in files and reports (`payee`, `payer`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Payee => "payee",
            Side::Payer => "payer",
        }
    }
}

/// One party: what it asks for, what it can bear, how patient it is and how it concedes.
///
/// All amounts are in the scenario's unit (e.g. trillion won a year).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Party {
    /// Which side of the money the party is on.
    pub side: Side,
    /// The best amount it asks for: the top of its concession range.
    pub opening: f64,
    /// The worst amount it will sign.
    pub reservation: f64,
    /// Per-offer discount factor in (0, 1] (patience), for the theory models and discounted payoffs.
    pub discount: f64,
    /// Bargaining power (> 0) for the generalized Nash solution.
    pub power: f64,
    /// The worst amount its legislature ratifies, if ratification is needed.
    pub ratification: Option<f64>,
    /// The amount-equivalent of what it can walk away to, if it has an outside option.
    ///
    /// Nobody signs a deal worse than walking away: the strategies treat the better
    /// of `reservation` and `outside_option` as the effective reservation, and the
    /// Rubinstein model applies the outside-option principle (Binmore–Shaked–Sutton).
    pub outside_option: Option<f64>,
    /// How the party's negotiators concede (used by the `agents` model).
    pub strategy: StrategySpec,
}

impl Party {
    /// The effective reservation: the better (for this party) of its reservation and its outside option.
    #[must_use]
    pub fn effective_reservation(&self) -> f64 {
        match self.outside_option {
            Some(w) => self.side.better(self.reservation, w),
            None => self.reservation,
        }
    }

    /// The worst amount this party's side can both sign and ratify
    /// (complete information about its own legislature).
    #[must_use]
    pub fn ratifiable_reservation(&self) -> f64 {
        let r = self.effective_reservation();
        match self.ratification {
            Some(limit) => self.side.better(r, limit),
            None => r,
        }
    }

    /// Whether the legislature of this party ratifies `amount`.
    #[must_use]
    pub fn ratifies(&self, amount: f64) -> bool {
        match self.ratification {
            Some(limit) => self.side.at_least_as_good(amount, limit),
            None => true,
        }
    }

    /// Surplus of a deal at `amount` over the reservation (positive = better than reservation).
    #[must_use]
    pub fn surplus(&self, amount: f64) -> f64 {
        self.side.sign() * (amount - self.reservation)
    }
}
