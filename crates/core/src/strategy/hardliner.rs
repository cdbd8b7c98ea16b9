//! The hardliner: never moves from its opening.

use super::{Action, MoveContext, Setup, Strategy};
use crate::party::Side;

/// Offers its opening every time; accepts only offers at least as good as its opening.
#[derive(Debug, Clone)]
pub struct Hardliner {
    side: Side,
    offer: f64,
}

impl Hardliner {
    /// Build for one negotiation.
    #[must_use]
    pub fn new(setup: Setup) -> Self {
        Self {
            side: setup.side(),
            offer: setup.snap(setup.opening()),
        }
    }
}

impl Strategy for Hardliner {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        match ctx.standing {
            Some(s) if self.side.at_least_as_good(s, self.offer) => Action::Accept,
            _ => Action::Offer(self.offer),
        }
    }
}
