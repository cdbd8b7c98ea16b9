//! Per-worker scratch state carried from negotiation to negotiation.

use crate::strategy::PowerMemo;

/// Scratch state that one worker reuses across many negotiations (see
/// [`Negotiation::outcome_with`](crate::Negotiation::outcome_with)).
///
/// It remembers work that many negotiations share (today: the time terms of the
/// time-based strategies' thresholds) so that an ensemble does not redo it trial after
/// trial. Results never depend on it: an outcome is bit-identical with a fresh
/// workspace, a long-used one, or [`Negotiation::outcome`](crate::Negotiation::outcome)
/// (which uses a fresh one). Fixed size; creating and using it allocates nothing. One
/// workspace per thread: it is not shared between concurrent negotiations.
///
/// ```
/// use bargain_core::{Model, Negotiation, Party, Preset, Protocol, Side, StrategySpec, Workspace};
/// use rand::SeedableRng;
/// use rand_xoshiro::Xoshiro256PlusPlus;
///
/// let party = |side, opening, reservation, preset| Party {
///     side,
///     opening,
///     reservation,
///     discount: 0.95,
///     power: 1.0,
///     ratification: None,
///     outside_option: None,
///     strategy: StrategySpec::time_based(preset),
/// };
/// let talks = Negotiation {
///     payee: party(Side::Payee, 1.4, 1.0, Preset::Boulware),
///     payer: party(Side::Payer, 0.9, 1.2, Preset::Conceder),
///     protocol: Protocol { max_rounds: 10, first_mover: Side::Payee, breakdown_risk: 0.01, grid: None, obstinacy: [0.0; 2] },
///     calendar: None,
/// };
/// // One workspace per worker, reused trial after trial: the same outcomes as fresh ones.
/// let mut per_worker = Workspace::new();
/// for seed in 0..50 {
///     let reused = talks.outcome_with(
///         Model::Agents,
///         &mut Xoshiro256PlusPlus::seed_from_u64(seed),
///         None,
///         &mut per_worker,
///     );
///     let fresh = talks.outcome(Model::Agents, &mut Xoshiro256PlusPlus::seed_from_u64(seed), None);
///     assert_eq!(reused, fresh);
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    pub(crate) memo: PowerMemo,
}

impl Workspace {
    /// A fresh workspace (nothing remembered yet).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}
