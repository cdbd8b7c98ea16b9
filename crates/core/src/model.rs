//! One interface for every model: the outcome of one sampled negotiation.

use rand::Rng;

use crate::calendar::Calendar;
use crate::outcome::Outcome;
use crate::party::{Party, Side};
use crate::protocol::{Protocol, run_agents_calendar, run_agents_with};
use crate::trace::Trace;
use crate::workspace::Workspace;

/// A model that predicts the outcome of a negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Model {
    /// The alternating-offers protocol with the parties' strategies.
    Agents,
    /// Rubinstein's subgame-perfect equilibrium (with the outside-option principle).
    Rubinstein,
    /// Ståhl's finite-horizon equilibrium over the protocol's `2·max_rounds − 1` answerable offers.
    Stahl,
    /// The generalized Nash bargaining solution with weights from the parties' powers.
    Nash,
    /// The Kalai–Smorodinsky solution.
    KalaiSmorodinsky,
    /// Binmore–Rubinstein–Wolinsky: alternating offers with the protocol's breakdown risk.
    /// Named `brw` (not `breakdown`, which is an outcome); `breakdown` is still accepted
    /// as an alias by [`Model::from_name`] and in serialized input.
    #[cfg_attr(feature = "serde", serde(rename = "brw", alias = "breakdown"))]
    Brw,
    /// Abreu–Gul reputational bargaining: a war of attrition between possibly obstinate
    /// sides (see [`crate::attrition`]); random, two uniforms per negotiation.
    Attrition,
}

impl Model {
    /// Every model, in report order.
    pub const ALL: [Model; 7] = [
        Model::Agents,
        Model::Rubinstein,
        Model::Stahl,
        Model::Nash,
        Model::KalaiSmorodinsky,
        Model::Brw,
        Model::Attrition,
    ];

    /// The name used in scenario files and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Agents => "agents",
            Model::Rubinstein => "rubinstein",
            Model::Stahl => "stahl",
            Model::Nash => "nash",
            Model::KalaiSmorodinsky => "kalai-smorodinsky",
            Model::Brw => "brw",
            Model::Attrition => "attrition",
        }
    }

    /// Former names still accepted wherever a user names a model: `breakdown` was the
    /// BRW model's name until it was renamed `brw` (it is also an outcome kind).
    pub const ALIASES: [(&'static str, Model); 1] = [("breakdown", Model::Brw)];

    /// Parse a model name (as in [`Model::as_str`], or one of [`Model::ALIASES`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL
            .into_iter()
            .find(|m| m.as_str() == name)
            .or_else(|| {
                Model::ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == name)
                    .map(|&(_, m)| m)
            })
    }

    /// Whether the model is a closed form (deterministic, agreement at round 1): every
    /// model but `agents` and `attrition`.
    #[must_use]
    pub fn is_closed_form(self) -> bool {
        !matches!(self, Model::Agents | Model::Attrition)
    }

    /// Whether the model bargains from each party's outside option as its disagreement
    /// point (its effective reservation, the better of reservation and option). The
    /// axiomatic models (Nash, Kalai–Smorodinsky), the agents and the war of attrition do;
    /// the strategic closed forms bargain from the plain reservations, where an outside
    /// option acts only when it binds (Rubinstein via Binmore–Shaked–Sutton, Ståhl by
    /// backward induction with the responder's opt-out, BRW as the payoffs on breakdown).
    /// The one statement of this rule: the closed forms and the report's explanations
    /// (`why`) both read it.
    #[must_use]
    pub fn bargains_from_outside_options(self) -> bool {
        match self {
            Model::Agents | Model::Attrition | Model::Nash | Model::KalaiSmorodinsky => true,
            Model::Rubinstein | Model::Stahl | Model::Brw => false,
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One negotiation with all its parameters fixed: the two parties and the protocol.
///
/// ```
/// use bargain_core::{Model, Negotiation, OutcomeKind, Party, Preset, Protocol, Side, StrategySpec};
/// use rand::SeedableRng;
///
/// let party = |side, opening, reservation| Party {
///     side,
///     opening,
///     reservation,
///     discount: 0.95,
///     power: 1.0,
///     ratification: None,
///     outside_option: None,
///     strategy: StrategySpec::time_based(Preset::Linear),
/// };
/// let talks = Negotiation {
///     payee: party(Side::Payee, 1.4, 1.0),
///     payer: party(Side::Payer, 0.9, 1.2),
///     protocol: Protocol { max_rounds: 20, first_mover: Side::Payee, breakdown_risk: 0.0, grid: None, obstinacy: [0.0; 2] },
///     calendar: None,
/// };
/// let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
/// // Equal powers: the Nash bargaining solution splits the zone [1.0, 1.2] in half, at once.
/// let nash = talks.outcome(Model::Nash, &mut rng, None);
/// assert_eq!(nash.kind, OutcomeKind::Deal);
/// assert!((nash.amount.unwrap() - 1.1).abs() < 1e-12);
/// assert_eq!(nash.round, 1);
/// // Two linear concession agents meet inside the zone before the deadline.
/// let agents = talks.outcome(Model::Agents, &mut rng, None);
/// let x = agents.amount.unwrap();
/// assert!(agents.kind == OutcomeKind::Deal && (1.0..=1.2).contains(&x));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Negotiation {
    /// The party that receives the amount.
    pub payee: Party,
    /// The party that pays the amount.
    pub payer: Party,
    /// The rules of the talks.
    pub protocol: Protocol,
    /// The calendar (expiry, lapse costs, end), if the scenario has one; `None` keeps
    /// the protocol's `max_rounds` as a hard stop (NegMAS semantics).
    pub calendar: Option<Calendar>,
}

impl Negotiation {
    /// The party on `side`.
    #[must_use]
    pub fn party(&self, side: Side) -> &Party {
        match side {
            Side::Payee => &self.payee,
            Side::Payer => &self.payer,
        }
    }

    /// The outcome under `model`, with a fresh [`Workspace`] (see
    /// [`Negotiation::outcome_with`]). Only the `agents` model (for breakdown draws) and
    /// `attrition` (two uniforms, for the sides' types and concession times) use `rng`;
    /// only `agents` uses `trace` (its offers); the closed forms are deterministic.
    pub fn outcome<R: Rng + ?Sized>(
        &self,
        model: Model,
        rng: &mut R,
        trace: Option<&mut Trace>,
    ) -> Outcome {
        self.outcome_with(model, rng, trace, &mut Workspace::new())
    }

    /// The outcome under `model`: the one entry point for every model, agents and
    /// closed forms, with or without a calendar. `workspace` is the caller's per-worker
    /// scratch state, reused across negotiations (bit-identical results to
    /// [`Negotiation::outcome`], faster over many). Only `agents` (breakdown draws) and
    /// `attrition` (two uniforms) use `rng`; only `agents` uses `trace` (its offers).
    /// Allocates nothing unless `trace` is given.
    pub fn outcome_with<R: Rng + ?Sized>(
        &self,
        model: Model,
        rng: &mut R,
        trace: Option<&mut Trace>,
        workspace: &mut Workspace,
    ) -> Outcome {
        let memo = &mut workspace.memo;
        match (model, &self.calendar) {
            (Model::Agents, None) => {
                run_agents_with(&self.protocol, &self.payee, &self.payer, rng, trace, memo)
            }
            (Model::Agents, Some(cal)) => run_agents_calendar(
                &self.protocol,
                &self.payee,
                &self.payer,
                cal,
                rng,
                trace,
                memo,
            ),
            (Model::Attrition, _) => crate::attrition::outcome(self, rng),
            (_, None) => crate::closed_form::outcome(self, model),
            (_, Some(cal)) => crate::calendar::outcome_closed_form(self, cal, model),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Model;

    #[test]
    fn names_round_trip_and_breakdown_is_brw() {
        for m in Model::ALL {
            assert_eq!(Model::from_name(m.as_str()), Some(m));
        }
        assert_eq!(Model::Brw.as_str(), "brw");
        assert_eq!(Model::from_name("breakdown"), Some(Model::Brw));
        // No model is named like an outcome kind.
        for k in crate::OutcomeKind::ALL {
            assert!(
                Model::ALL.iter().all(|m| m.as_str() != k.as_str()),
                "{}",
                k.as_str()
            );
        }
    }
}
