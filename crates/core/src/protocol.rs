//! The alternating-offers protocol (NegMAS SAO semantics) and the offer grid.

use rand::{Rng, RngExt};

use crate::calendar::{Calendar, calendar_move};
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::strategy::{Action, Frame, MoveContext, PowerMemo, Setup, Strategy};
use crate::trace::{Trace, TracedOffer};

/// An offer grid: offers are the points `lo + k·step` for `k = 0..` up to `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Grid {
    /// The lowest point.
    pub lo: f64,
    /// The upper bound (the last point is the largest `lo + k·step <= hi`, with a 1e-9 relative tolerance).
    pub hi: f64,
    /// Distance between points (> 0).
    pub step: f64,
}

impl Grid {
    /// Number of points.
    #[must_use]
    pub fn len(&self) -> u64 {
        let n = ((self.hi - self.lo) / self.step + 1e-9).floor();
        if n.is_finite() && n >= 0.0 {
            n as u64 + 1
        } else {
            1
        }
    }

    /// Whether the grid has no points (never: a grid has at least `lo`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `k`-th point.
    #[must_use]
    pub fn point(&self, k: u64) -> f64 {
        self.lo + k as f64 * self.step
    }

    /// Index of the smallest point `>= x`, if any.
    #[must_use]
    pub fn ceil_index(&self, x: f64) -> Option<u64> {
        let last = self.len() - 1;
        if x <= self.lo {
            return Some(0);
        }
        let mut k = ((x - self.lo) / self.step).ceil().min(last as f64 + 1.0) as u64;
        while k > 0 && self.point(k - 1) >= x {
            k -= 1;
        }
        while k <= last && self.point(k) < x {
            k += 1;
        }
        (k <= last).then_some(k)
    }

    /// Index of the largest point `<= x`, if any.
    #[must_use]
    pub fn floor_index(&self, x: f64) -> Option<u64> {
        if x < self.lo {
            return None;
        }
        let last = self.len() - 1;
        let mut k = ((x - self.lo) / self.step).floor().min(last as f64) as u64;
        while k < last && self.point(k + 1) <= x {
            k += 1;
        }
        while k > 0 && self.point(k) > x {
            k -= 1;
        }
        (self.point(k) <= x).then_some(k)
    }

    /// The worst point for `side` that is at least as good for it as `amount`
    /// (the payee rounds up, the payer down). If the grid has no such point, the
    /// best grid point for `side` is used when it still respects `reservation`;
    /// otherwise `amount` itself is returned (a grid that does not cover the
    /// reservations is rejected by scenario validation).
    #[must_use]
    pub fn snap_toward(&self, side: Side, amount: f64, reservation: f64) -> f64 {
        let last = self.len() - 1;
        let (found, extreme) = match side {
            Side::Payee => (self.ceil_index(amount), last),
            Side::Payer => (self.floor_index(amount), 0),
        };
        match found {
            Some(k) => self.point(k),
            None => {
                let p = self.point(extreme);
                if side.at_least_as_good(p, reservation) {
                    p
                } else {
                    amount
                }
            }
        }
    }

    /// Whether `x` is (within 1e-9 of a step) a grid point inside the grid's range.
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        let k = ((x - self.lo) / self.step).round();
        k >= 0.0
            && (k as u64) < self.len()
            && (self.point(k as u64) - x).abs() <= 1e-9 * self.step.max(x.abs())
    }
}

/// The rules of the talks.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Protocol {
    /// At most this many rounds (each party moves once a round).
    pub max_rounds: u32,
    /// The side that moves first in every round and opens in round 0.
    pub first_mover: Side,
    /// Probability in [0, 1] that the talks collapse after each rejected offer.
    pub breakdown_risk: f64,
    /// Offers must be points of this grid, if set.
    pub grid: Option<Grid>,
}

impl Protocol {
    /// Number of offers that can still be answered: `2·max_rounds − 1`.
    #[must_use]
    pub fn answerable_offers(&self) -> u32 {
        (2 * self.max_rounds).saturating_sub(1)
    }
}

/// The public normalization frame of two parties: between their effective openings.
#[must_use]
pub fn frame_of(payee: &Party, payer: &Party) -> Frame {
    let high = Side::Payee.better(payee.opening, payee.effective_reservation());
    let low = Side::Payer.better(payer.opening, payer.effective_reservation());
    Frame { low, high }
}

/// Run the alternating-offers protocol between `payee` and `payer` with their own strategies.
///
/// In each round both parties move once, the first mover first; a move accepts the
/// standing offer or makes a new one; in round 0 the first mover just opens. After each
/// rejected offer the talks collapse with probability `breakdown_risk` (one uniform draw
/// from `rng` per rejection, none when the risk is 0). A deal outside a party's
/// ratification limit ends as `not_ratified`. Allocates nothing unless `trace` is given.
pub fn negotiate<S1, S2, R>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    payee_strategy: &mut S1,
    payer_strategy: &mut S2,
    rng: &mut R,
    trace: Option<&mut Trace>,
) -> Outcome
where
    S1: Strategy + ?Sized,
    S2: Strategy + ?Sized,
    R: Rng + ?Sized,
{
    negotiate_in(
        protocol,
        payee,
        payer,
        payee_strategy,
        payer_strategy,
        rng,
        trace,
        None,
    )
}

/// [`negotiate`], with an optional calendar and its planning horizon (rounds up to the
/// expiry): from the horizon on, and for the end game, [`calendar_move`] may decide a
/// move before the strategy does.
#[allow(clippy::too_many_arguments)]
#[inline]
fn negotiate_in<S1, S2, R>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    payee_strategy: &mut S1,
    payer_strategy: &mut S2,
    rng: &mut R,
    mut trace: Option<&mut Trace>,
    calendar: Option<(&Calendar, u32)>,
) -> Outcome
where
    S1: Strategy + ?Sized,
    S2: Strategy + ?Sized,
    R: Rng + ?Sized,
{
    // Best offer (for the receiver) received so far, indexed by the receiver's side.
    let mut best: [Option<f64>; 2] = [None; 2];
    // Last two offers of each side: [latest, previous], indexed by side.
    let mut last: [[Option<f64>; 2]; 2] = [[None; 2]; 2];
    let idx = |s: Side| match s {
        Side::Payee => 0,
        Side::Payer => 1,
    };
    let mut move_index = 0u32;
    for round in 0..protocol.max_rounds {
        for mover in [protocol.first_mover, protocol.first_mover.other()] {
            let opp = mover.other();
            let ctx = MoveContext {
                round,
                move_index,
                standing: last[idx(opp)][0],
                opponent_previous: last[idx(opp)][1],
                own_previous: last[idx(mover)][0],
            };
            move_index += 1;
            let own = match mover {
                Side::Payee => payee,
                Side::Payer => payer,
            };
            let decided = match calendar {
                Some((cal, horizon)) => calendar_move(
                    cal,
                    own,
                    protocol.grid,
                    round,
                    horizon,
                    &ctx,
                    best[idx(mover)],
                ),
                None => None,
            };
            let action = match (decided, mover) {
                (Some(a), _) => a,
                (None, Side::Payee) => payee_strategy.decide(&ctx),
                (None, Side::Payer) => payer_strategy.decide(&ctx),
            };
            match (action, ctx.standing) {
                (Action::Accept, Some(amount)) => {
                    let ratified = payee.ratifies(amount) && payer.ratifies(amount);
                    return Outcome {
                        kind: if ratified {
                            OutcomeKind::Deal
                        } else {
                            OutcomeKind::NotRatified
                        },
                        amount: Some(amount),
                        round: round + 1,
                        accepted_by: Some(mover),
                    };
                }
                (Action::Accept, None) => {
                    // Nothing to accept: the strategy broke its contract; open at its opening.
                    let own = match mover {
                        Side::Payee => payee,
                        Side::Payer => payer,
                    };
                    record(&mut last[idx(mover)], &mut trace, round, mover, own.opening);
                }
                (Action::Offer(amount), standing) => {
                    record(&mut last[idx(mover)], &mut trace, round, mover, amount);
                    if calendar.is_some() {
                        let b = &mut best[idx(opp)];
                        *b = Some(b.map_or(amount, |x| opp.better(x, amount)));
                    }
                    if standing.is_some()
                        && protocol.breakdown_risk > 0.0
                        && rng.random::<f64>() < protocol.breakdown_risk
                    {
                        return Outcome {
                            kind: OutcomeKind::Breakdown,
                            amount: None,
                            round: round + 1,
                            accepted_by: None,
                        };
                    }
                }
            }
        }
    }
    Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: protocol.max_rounds,
        accepted_by: None,
    }
}

fn record(
    slot: &mut [Option<f64>; 2],
    trace: &mut Option<&mut Trace>,
    round: u32,
    by: Side,
    amount: f64,
) {
    slot[1] = slot[0];
    slot[0] = Some(amount);
    if let Some(t) = trace.as_deref_mut() {
        t.offers.push(TracedOffer { round, by, amount });
    }
}

/// Build both parties' strategies from their specs and run [`negotiate`].
pub fn run_agents<R: Rng + ?Sized>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    rng: &mut R,
    trace: Option<&mut Trace>,
) -> Outcome {
    run_agents_with(protocol, payee, payer, rng, trace, &mut PowerMemo::new())
}

/// [`run_agents`], with time-based strategies taking their powers from `memo`: the
/// same outcome, faster when one memo serves many negotiations.
pub fn run_agents_with<R: Rng + ?Sized>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    rng: &mut R,
    trace: Option<&mut Trace>,
    memo: &mut PowerMemo,
) -> Outcome {
    let frame = frame_of(payee, payer);
    let mut s_payee = payee
        .strategy
        .build_with(setup_for(protocol, frame, payee), memo);
    let mut s_payer = payer
        .strategy
        .build_with(setup_for(protocol, frame, payer), memo);
    negotiate(
        protocol,
        payee,
        payer,
        &mut s_payee,
        &mut s_payer,
        rng,
        trace,
    )
}

/// [`run_agents_with`] under a calendar: the strategies plan for the rounds up to the
/// expiry; the talks run every round of the calendar (see [`crate::calendar`]).
pub fn run_agents_calendar<R: Rng + ?Sized>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    calendar: &Calendar,
    rng: &mut R,
    trace: Option<&mut Trace>,
    memo: &mut PowerMemo,
) -> Outcome {
    let total = calendar.total_rounds(protocol.max_rounds);
    let horizon = calendar.expiry_rounds().min(total);
    let planning = Protocol {
        max_rounds: horizon,
        ..*protocol
    };
    let talks = Protocol {
        max_rounds: total,
        ..*protocol
    };
    let frame = frame_of(payee, payer);
    let mut s_payee = payee
        .strategy
        .build_with(setup_for(&planning, frame, payee), memo);
    let mut s_payer = payer
        .strategy
        .build_with(setup_for(&planning, frame, payer), memo);
    negotiate_in(
        &talks,
        payee,
        payer,
        &mut s_payee,
        &mut s_payer,
        rng,
        trace,
        Some((calendar, horizon)),
    )
}

fn setup_for<'a>(protocol: &Protocol, frame: Frame, me: &'a Party) -> Setup<'a> {
    Setup {
        me,
        frame,
        grid: protocol.grid,
        max_rounds: protocol.max_rounds,
        moves_first: me.side == protocol.first_mover,
    }
}
