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
/// use bargain_core::Workspace;
///
/// let mut per_worker = Workspace::new();
/// # let _ = &mut per_worker;
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
