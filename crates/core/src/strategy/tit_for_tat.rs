//! Relative tit-for-tat (Faratin et al.'s imitative tactic).

use super::{Action, MoveContext, Setup, Strategy};
use crate::party::Side;

/// Concedes, each move, the same share of its own range (opening to reservation) that the
/// opponent conceded in its last move, measured as a share of the public gap between the
/// two openings; never beyond its reservation. Opens at its opening. Accepts an offer at
/// least as good as the one it would make now, and at its last move anything within its
/// reservation.
#[derive(Debug, Clone)]
pub struct TitForTat {
    side: Side,
    opening: f64,
    reservation: f64,
    gap: f64,
    setup: TitForTatSetup,
}

#[derive(Debug, Clone, Copy)]
struct TitForTatSetup {
    grid: Option<crate::protocol::Grid>,
    max_rounds: u32,
}

impl TitForTat {
    /// Build for one negotiation.
    #[must_use]
    pub fn new(setup: Setup) -> Self {
        Self {
            side: setup.side(),
            opening: setup.opening(),
            reservation: setup.reservation(),
            gap: setup.public.frame.width().abs(),
            setup: TitForTatSetup {
                grid: setup.public.grid,
                max_rounds: setup.public.max_rounds,
            },
        }
    }

    fn next_offer(&self, ctx: &MoveContext) -> f64 {
        let own = ctx.own_previous.unwrap_or(self.opening);
        let (Some(now), Some(before)) = (ctx.standing, ctx.opponent_previous) else {
            return super::snap(self.side, self.setup.grid, self.reservation, own);
        };
        // The opponent concedes when it moves toward us: the payer up, the payee down.
        let conceded = (now - before) * self.side.sign();
        let share = if self.gap > 0.0 {
            (conceded.max(0.0) / self.gap).min(1.0)
        } else {
            0.0
        };
        let range = (self.opening - self.reservation).abs();
        let x = own - self.side.sign() * share * range;
        super::snap(self.side, self.setup.grid, self.reservation, x)
    }
}

impl Strategy for TitForTat {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        let offer = self.next_offer(ctx);
        match ctx.standing {
            Some(s) if self.side.at_least_as_good(s, offer) => Action::Accept,
            Some(s)
                if ctx.round + 1 >= self.setup.max_rounds
                    && self.side.at_least_as_good(s, self.reservation) =>
            {
                Action::Accept
            }
            _ => Action::Offer(offer),
        }
    }
}
