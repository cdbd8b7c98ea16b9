//! Concession strategies: small types behind one trait, chosen per party.
//!
//! The protocol only ever talks to [`Strategy`]; adding a strategy means adding a
//! type here and a variant of [`StrategySpec`] / [`AnyStrategy`], never touching
//! the protocol. [`AnyStrategy`] is an enum (not a `Box<dyn Strategy>`) so that
//! building the strategies of a trial allocates nothing.

mod faratin;
mod hardliner;
pub mod learning;
mod time_based;
mod tit_for_tat;

pub use faratin::{Faratin, FaratinFamily};
pub use hardliner::Hardliner;
pub use learning::Learning;
pub(crate) use time_based::PowerMemo;
pub use time_based::TimeBased;
pub use tit_for_tat::TitForTat;

use crate::party::{Party, Side};
use crate::protocol::{Grid, SnapGrid};

/// What a party does on its move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Accept the standing offer: a deal.
    Accept,
    /// Reject the standing offer (if any) and propose this amount.
    Offer(f64),
}

/// What a strategy sees when it moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoveContext {
    /// 0-based round.
    pub round: u32,
    /// 0-based index of this move over the whole negotiation (two moves a round).
    pub move_index: u32,
    /// The opponent's standing offer, if any (none only for the very first move).
    pub standing: Option<f64>,
    /// The opponent's offer before the standing one, if any.
    pub opponent_previous: Option<f64>,
    /// This party's own last offer, if any.
    pub own_previous: Option<f64>,
}

/// A concession strategy: decides, move by move, to accept or to make an offer.
///
/// When `ctx.standing` is `None` the strategy must offer.
/// Implementations must not allocate: `decide` sits on the per-trial hot path.
///
/// ```
/// use bargain_core::strategy::{Action, MoveContext, Strategy};
///
/// /// A payer that offers its limit at once and accepts any demand within it.
/// struct TakeItOrLeaveIt { limit: f64 }
///
/// impl Strategy for TakeItOrLeaveIt {
///     fn decide(&mut self, ctx: &MoveContext) -> Action {
///         match ctx.standing {
///             Some(demand) if demand <= self.limit => Action::Accept,
///             _ => Action::Offer(self.limit),
///         }
///     }
/// }
///
/// let mut payer = TakeItOrLeaveIt { limit: 1.1 };
/// let first = MoveContext { round: 0, move_index: 1, standing: Some(1.4), opponent_previous: None, own_previous: None };
/// assert_eq!(payer.decide(&first), Action::Offer(1.1));
/// let later = MoveContext { round: 3, move_index: 7, standing: Some(1.05), opponent_previous: Some(1.2), own_previous: Some(1.1) };
/// assert_eq!(payer.decide(&later), Action::Accept);
/// ```
pub trait Strategy {
    /// Decide this move.
    fn decide(&mut self, ctx: &MoveContext) -> Action;
}

/// The public frame of a negotiation, shared by both parties' strategies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The payer's (effective) opening: the low end of the normalization range.
    pub low: f64,
    /// The payee's (effective) opening: the high end of the normalization range.
    pub high: f64,
}

impl Frame {
    /// Width `high - low` (may be zero or negative when the openings cross).
    #[must_use]
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// The public view of a negotiation: what both parties' negotiators know alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublicView {
    /// The normalization range between the two (effective) openings.
    pub frame: Frame,
    /// The offer grid, if offers must be grid points.
    pub grid: Option<Grid>,
    /// The number of rounds the negotiators plan for (the protocol's, or the rounds up to
    /// a calendar's expiry).
    pub max_rounds: u32,
}

/// A party's private view of itself: what its own negotiators know and the other side
/// does not.
///
/// It holds only what a concession strategy bargains with: the side, the effective
/// opening and the effective reservation. It deliberately omits the party's
/// legislature's ratification limit (negotiators do not know it: a deal outside it ends
/// as `not_ratified` after the talks), and the discount and power, which only the
/// closed-form models read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnView {
    /// Which side of the money the party is on.
    pub side: Side,
    /// The effective opening: the opening, or the effective reservation if the opening
    /// is worse than it.
    pub opening: f64,
    /// The effective reservation: the better of the reservation and the outside option
    /// ([`Party::effective_reservation`]).
    pub reservation: f64,
}

impl OwnView {
    /// What the negotiators of `party` know of it (not its ratification limit).
    #[must_use]
    pub fn of(party: &Party) -> Self {
        let reservation = party.effective_reservation();
        Self {
            side: party.side,
            opening: party.side.better(party.opening, reservation),
            reservation,
        }
    }
}

/// Everything a strategy knows before the negotiation starts: the public view of the
/// negotiation and its party's private view of itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// What both sides know: the frame, the grid and the rounds.
    pub public: PublicView,
    /// What only this party's negotiators know (never its ratification limit).
    pub own: OwnView,
}

impl Setup {
    /// The party's side.
    #[must_use]
    pub fn side(&self) -> Side {
        self.own.side
    }

    /// The effective reservation (the better of reservation and outside option).
    #[must_use]
    pub fn reservation(&self) -> f64 {
        self.own.reservation
    }

    /// The effective opening: the opening, or the reservation if the opening is worse than it.
    #[must_use]
    pub fn opening(&self) -> f64 {
        self.own.opening
    }

    /// Snap an intended offer to the grid (if any): the worst point for this party that is
    /// at least as good for it as `amount`; never beyond its reservation.
    #[must_use]
    pub fn snap(&self, amount: f64) -> f64 {
        snap(self.side(), self.public.grid, self.reservation(), amount)
    }
}

/// Clamp an intended offer to the reservation, then snap it to the grid (if any) toward
/// the side's own interest. Shared by the strategies that think in amounts.
pub(crate) fn snap(side: Side, grid: Option<Grid>, reservation: f64, amount: f64) -> f64 {
    snap_on(side, grid.map(SnapGrid::new), reservation, amount)
}

/// [`snap`] on a grid whose searches are set up once (for strategies that snap every
/// offer): the same answers.
pub(crate) fn snap_on(side: Side, grid: Option<SnapGrid>, reservation: f64, amount: f64) -> f64 {
    let amount = side.better(amount, reservation);
    match grid {
        None => amount,
        Some(g) => g.snap_toward(side, amount, reservation),
    }
}

/// Named concession speeds shared by the time-based and Faratin families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Preset {
    /// Holds firm and concedes late.
    Boulware,
    /// Concedes at a constant pace.
    Linear,
    /// Concedes early.
    Conceder,
}

impl Preset {
    /// NegMAS's aspiration exponent for this preset (boulware 4, linear 1, conceder 0.25).
    #[must_use]
    pub fn time_based_exponent(self) -> f64 {
        match self {
            Preset::Boulware => 4.0,
            Preset::Linear => 1.0,
            Preset::Conceder => 0.25,
        }
    }

    /// Faratin's β for this preset (boulware 0.2, linear 1, conceder 2).
    #[must_use]
    pub fn faratin_beta(self) -> f64 {
        match self {
            Preset::Boulware => 0.2,
            Preset::Linear => 1.0,
            Preset::Conceder => 2.0,
        }
    }
}

/// A party's strategy as chosen in a scenario: plain parameters, no state.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "kebab-case"))]
pub enum StrategySpec {
    /// NegMAS 0.16's time-based concession (`TimeBasedConcedingNegotiator` family).
    TimeBased {
        /// Aspiration exponent: 4 boulware, 1 linear, 0.25 conceder.
        exponent: f64,
        /// Maximum aspiration (default 1).
        max_aspiration: f64,
        /// Threshold tolerance (default 1e-4).
        eps: f64,
    },
    /// Faratin, Sierra & Jennings (1998) time-dependent tactics.
    Faratin {
        /// Concession shape: < 1 boulware, 1 linear, > 1 conceder.
        beta: f64,
        /// Initial concession in [0, 1] (0 opens at the extreme).
        kappa: f64,
        /// Polynomial or exponential family.
        family: FaratinFamily,
    },
    /// Relative tit-for-tat: imitates the opponent's last concession.
    TitForTat,
    /// Never moves from its opening.
    Hardliner,
    /// Bayesian opponent modelling (Hindriks & Tykhonov 2008) with a concession toward
    /// the estimated zone ([`learning`]).
    Learning {
        /// Width of the prior over the opponent's reservation, as a share of the gap
        /// between its first offer and the own opening (default 1).
        prior_width: f64,
        /// Number of reservation hypotheses, 2..=64 (default 32).
        hypotheses: u32,
        /// Exponent of the own concession toward the goal (default 1, linear).
        exponent: f64,
    },
}

impl StrategySpec {
    /// A learning strategy with the documented defaults.
    #[must_use]
    pub fn learning() -> Self {
        StrategySpec::Learning {
            prior_width: learning::DEFAULT_PRIOR_WIDTH,
            hypotheses: learning::DEFAULT_HYPOTHESES,
            exponent: learning::DEFAULT_EXPONENT,
        }
    }

    /// A time-based strategy with NegMAS's defaults for a preset.
    #[must_use]
    pub fn time_based(preset: Preset) -> Self {
        StrategySpec::TimeBased {
            exponent: preset.time_based_exponent(),
            max_aspiration: 1.0,
            eps: 1e-4,
        }
    }

    /// A polynomial Faratin strategy with κ = 0 for a preset.
    #[must_use]
    pub fn faratin(preset: Preset) -> Self {
        StrategySpec::Faratin {
            beta: preset.faratin_beta(),
            kappa: 0.0,
            family: FaratinFamily::Polynomial,
        }
    }

    /// Build the stateful strategy for one negotiation. Allocates nothing.
    #[must_use]
    pub fn build(&self, setup: Setup) -> AnyStrategy {
        match *self {
            StrategySpec::TimeBased {
                exponent,
                max_aspiration,
                eps,
            } => AnyStrategy::TimeBased(TimeBased::new(setup, exponent, max_aspiration, eps)),
            StrategySpec::Faratin {
                beta,
                kappa,
                family,
            } => AnyStrategy::Faratin(Faratin::new(setup, beta, kappa, family)),
            StrategySpec::TitForTat => AnyStrategy::TitForTat(TitForTat::new(setup)),
            StrategySpec::Hardliner => AnyStrategy::Hardliner(Hardliner::new(setup)),
            StrategySpec::Learning {
                prior_width,
                hypotheses,
                exponent,
            } => AnyStrategy::Learning(Learning::new(setup, prior_width, hypotheses, exponent)),
        }
    }

    /// [`StrategySpec::build`], with a time-based strategy's powers taken from `memo`
    /// (bit-identical results; faster over many negotiations). Allocates nothing.
    #[must_use]
    pub(crate) fn build_with(&self, setup: Setup, memo: &mut PowerMemo) -> AnyStrategy {
        match *self {
            StrategySpec::TimeBased {
                exponent,
                max_aspiration,
                eps,
            } => AnyStrategy::TimeBased(TimeBased::with_memo(
                setup,
                exponent,
                max_aspiration,
                eps,
                memo,
            )),
            _ => self.build(setup),
        }
    }

    /// Short name for reports (`time-based`, `faratin`, `tit-for-tat`, `hardliner`,
    /// `learning`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            StrategySpec::TimeBased { .. } => "time-based",
            StrategySpec::Faratin { .. } => "faratin",
            StrategySpec::TitForTat => "tit-for-tat",
            StrategySpec::Hardliner => "hardliner",
            StrategySpec::Learning { .. } => "learning",
        }
    }
}

/// Any built strategy: static dispatch over the strategy types.
///
/// The `Learning` variant is the largest (its belief's running sums per exponent): an
/// enum rather than a box, so that building a trial's strategies allocates nothing; it
/// lives once per negotiation on the stack.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum AnyStrategy {
    /// See [`TimeBased`].
    TimeBased(TimeBased),
    /// See [`Faratin`].
    Faratin(Faratin),
    /// See [`TitForTat`].
    TitForTat(TitForTat),
    /// See [`Hardliner`].
    Hardliner(Hardliner),
    /// See [`Learning`].
    Learning(Learning),
}

impl Strategy for AnyStrategy {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        match self {
            AnyStrategy::TimeBased(s) => s.decide(ctx),
            AnyStrategy::Faratin(s) => s.decide(ctx),
            AnyStrategy::TitForTat(s) => s.decide(ctx),
            AnyStrategy::Hardliner(s) => s.decide(ctx),
            AnyStrategy::Learning(s) => s.decide(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payer(ratification: Option<f64>) -> Party {
        Party {
            side: Side::Payer,
            opening: 0.9,
            reservation: 1.2,
            discount: 0.95,
            power: 1.0,
            ratification,
            outside_option: Some(1.15),
            strategy: StrategySpec::TitForTat,
        }
    }

    #[test]
    fn own_view_is_blind_to_the_ratification_limit() {
        let blind = OwnView::of(&payer(None));
        // The effective reservation is the better of reservation and outside option.
        assert_eq!(
            blind,
            OwnView {
                side: Side::Payer,
                opening: 0.9,
                reservation: 1.15,
            }
        );
        for limit in [0.8, 1.0, 1.1, 1.3] {
            assert_eq!(OwnView::of(&payer(Some(limit))), blind, "limit {limit}");
        }
    }
}
