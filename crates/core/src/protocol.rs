//! The alternating-offers protocol (NegMAS SAO semantics) and the offer grid.

use rand::{Rng, RngExt};

use crate::calendar::{Calendar, GridSearch, LapseMover, end_game_accepts, end_game_start};
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::strategy::{
    Action, Frame, MoveContext, OwnView, PowerMemo, PublicView, Setup, Strategy,
};
use crate::trace::{Trace, TracedOffer};

mod grid;
pub use grid::{Grid, SnapGrid};

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
    /// Probability in [0, 1] that each side (`[payee, payer]`) is an obstinate type that
    /// never moves from its opening: the prior of the `attrition` model (which alone uses it).
    #[cfg_attr(feature = "serde", serde(default))]
    pub obstinacy: [f64; 2],
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
    let mut talks = Talks::new(protocol, payee, payer, trace);
    for round in 0..protocol.max_rounds {
        for mover in talks.order {
            let ctx = talks.context(round, mover);
            let action = match mover {
                Side::Payee => payee_strategy.decide(&ctx),
                Side::Payer => payer_strategy.decide(&ctx),
            };
            if let Some(end) = talks.play(mover, &ctx, action, false, rng) {
                return end;
            }
        }
    }
    talks.deadline()
}

/// [`negotiate`] under a calendar whose planning horizon (rounds up to the expiry) is
/// `horizon`. In the planning rounds a party with an end game
/// ([`Calendar::end_game`]) first checks it (from its [`end_game_start`] on), then its
/// strategy decides; from the horizon on each party's [`LapseMover`] decides (a
/// hardliner's strategy keeps deciding). The moves, draws and outcome are those of the
/// plain protocol with these decisions.
#[allow(clippy::too_many_arguments)]
pub(crate) fn negotiate_calendar<S1, S2, R>(
    protocol: &Protocol,
    payee: &Party,
    payer: &Party,
    payee_strategy: &mut S1,
    payer_strategy: &mut S2,
    rng: &mut R,
    trace: Option<&mut Trace>,
    cal: &Calendar,
    horizon: u32,
) -> Outcome
where
    S1: Strategy + ?Sized,
    S2: Strategy + ?Sized,
    R: Rng + ?Sized,
{
    let mut talks = Talks::new(protocol, payee, payer, trace);
    let planning = horizon.min(protocol.max_rounds);
    let end_game_from = [
        end_game_start(cal.end_game[0], horizon),
        end_game_start(cal.end_game[1], horizon),
    ];
    let track_best = [cal.end_game[0].is_some(), cal.end_game[1].is_some()];
    let plan = Planning {
        cal,
        end_game_from,
        track_best,
    };
    // One copy of the loop per move order, so that each move's side is a constant.
    let ended = match protocol.first_mover {
        Side::Payee => plan.rounds(
            &mut talks,
            planning,
            (Side::Payee, payee_strategy),
            (Side::Payer, payer_strategy),
            rng,
        ),
        Side::Payer => plan.rounds(
            &mut talks,
            planning,
            (Side::Payer, payer_strategy),
            (Side::Payee, payee_strategy),
            rng,
        ),
    };
    if let Some(end) = ended {
        return end;
    }
    if planning < protocol.max_rounds {
        let movers = [LapseMover::new(cal, payee), LapseMover::new(cal, payer)];
        let grid = GridSearch::new(protocol.grid);
        for round in planning..protocol.max_rounds {
            // One lapse per round, shared by both moves (a pure function of the round).
            let months = cal.lapse_months(round);
            for mover in talks.order {
                let ctx = talks.context(round, mover);
                let lapse = &movers[idx(mover)];
                let action = match mover {
                    _ if !lapse.keeps_strategy() => lapse.decide(months, ctx.standing, &grid),
                    Side::Payee => payee_strategy.decide(&ctx),
                    Side::Payer => payer_strategy.decide(&ctx),
                };
                // Nothing reads the best offers after the planning rounds.
                if let Some(end) = talks.play(mover, &ctx, action, false, rng) {
                    return end;
                }
            }
        }
    }
    talks.deadline()
}

/// The planning rounds of [`negotiate_calendar`]: each party's end game, then its strategy.
struct Planning<'c> {
    cal: &'c Calendar,
    /// Per side (payee, payer): the first round of its end game ([`end_game_start`]).
    end_game_from: [u32; 2],
    /// Per side: whether the best offer it has received is tracked (its end game reads it).
    track_best: [bool; 2],
}

impl Planning<'_> {
    /// Rounds `0..rounds`, `first` moving first in each: the outcome if the talks end.
    #[inline(always)]
    fn rounds<A, B, R>(
        &self,
        talks: &mut Talks<'_, '_>,
        rounds: u32,
        (first, a): (Side, &mut A),
        (second, b): (Side, &mut B),
        rng: &mut R,
    ) -> Option<Outcome>
    where
        A: Strategy + ?Sized,
        B: Strategy + ?Sized,
        R: Rng + ?Sized,
    {
        for round in 0..rounds {
            if let Some(end) = self.play(talks, round, first, a, rng) {
                return Some(end);
            }
            if let Some(end) = self.play(talks, round, second, b, rng) {
                return Some(end);
            }
        }
        None
    }

    /// One move of `mover` (whose strategy is `strategy`) in planning round `round`.
    #[inline(always)]
    fn play<S, R>(
        &self,
        talks: &mut Talks<'_, '_>,
        round: u32,
        mover: Side,
        strategy: &mut S,
        rng: &mut R,
    ) -> Option<Outcome>
    where
        S: Strategy + ?Sized,
        R: Rng + ?Sized,
    {
        let ctx = talks.context(round, mover);
        let s = idx(mover);
        let action = if round >= self.end_game_from[s]
            && end_game_accepts(
                self.cal,
                talks.party(mover),
                round,
                ctx.standing,
                talks.best[s],
            ) {
            Action::Accept
        } else {
            strategy.decide(&ctx)
        };
        let track = self.track_best[idx(mover.other())];
        talks.play(mover, &ctx, action, track, rng)
    }
}

/// Index of a side in the per-side arrays of [`Talks`] (payee 0, payer 1).
#[inline]
fn idx(side: Side) -> usize {
    match side {
        Side::Payee => 0,
        Side::Payer => 1,
    }
}

/// The state of one negotiation between moves: the offers so far and the trace.
struct Talks<'a, 't> {
    protocol: &'a Protocol,
    payee: &'a Party,
    payer: &'a Party,
    /// The movers of every round, in order.
    order: [Side; 2],
    /// Best offer (for the receiver) received so far, indexed by the receiver's side
    /// (kept only where asked: see [`Talks::play`]).
    best: [Option<f64>; 2],
    /// Last two offers of each side: `[latest, previous]`, indexed by side.
    last: [[Option<f64>; 2]; 2],
    move_index: u32,
    trace: Option<&'t mut Trace>,
}

impl<'a, 't> Talks<'a, 't> {
    #[inline]
    fn new(
        protocol: &'a Protocol,
        payee: &'a Party,
        payer: &'a Party,
        trace: Option<&'t mut Trace>,
    ) -> Self {
        Self {
            protocol,
            payee,
            payer,
            order: [protocol.first_mover, protocol.first_mover.other()],
            best: [None; 2],
            last: [[None; 2]; 2],
            move_index: 0,
            trace,
        }
    }

    #[inline]
    fn party(&self, side: Side) -> &'a Party {
        match side {
            Side::Payee => self.payee,
            Side::Payer => self.payer,
        }
    }

    /// What `mover` sees on its move in `round` (and count the move).
    #[inline(always)]
    fn context(&mut self, round: u32, mover: Side) -> MoveContext {
        let opp = idx(mover.other());
        let ctx = MoveContext {
            round,
            move_index: self.move_index,
            standing: self.last[opp][0],
            opponent_previous: self.last[opp][1],
            own_previous: self.last[idx(mover)][0],
        };
        self.move_index += 1;
        ctx
    }

    /// Carry out `mover`'s `action` on the move described by `ctx`: the outcome when it
    /// ends the talks (a deal, not ratified, or a breakdown after a rejection). With
    /// `track_best`, an offer updates the receiver's best offer received.
    #[inline(always)]
    fn play<R: Rng + ?Sized>(
        &mut self,
        mover: Side,
        ctx: &MoveContext,
        action: Action,
        track_best: bool,
        rng: &mut R,
    ) -> Option<Outcome> {
        let round = ctx.round;
        match (action, ctx.standing) {
            (Action::Accept, Some(amount)) => {
                let ratified = self.payee.ratifies(amount) && self.payer.ratifies(amount);
                Some(Outcome::accepted(amount, ratified, round, mover))
            }
            (Action::Accept, None) => {
                // Nothing to accept: the strategy broke its contract; open at its opening.
                let opening = self.party(mover).opening;
                record(
                    &mut self.last[idx(mover)],
                    &mut self.trace,
                    round,
                    mover,
                    opening,
                );
                None
            }
            (Action::Offer(amount), standing) => {
                record(
                    &mut self.last[idx(mover)],
                    &mut self.trace,
                    round,
                    mover,
                    amount,
                );
                if track_best {
                    let opp = mover.other();
                    let b = &mut self.best[idx(opp)];
                    *b = Some(b.map_or(amount, |x| opp.better(x, amount)));
                }
                let risk = self.protocol.breakdown_risk;
                if standing.is_some() && risk > 0.0 && rng.random::<f64>() < risk {
                    return Some(Outcome {
                        kind: OutcomeKind::Breakdown,
                        amount: None,
                        round: round + 1,
                        accepted_by: None,
                    });
                }
                None
            }
        }
    }

    /// The outcome when every round has been played.
    fn deadline(&self) -> Outcome {
        Outcome {
            kind: OutcomeKind::Deadline,
            amount: None,
            round: self.protocol.max_rounds,
            accepted_by: None,
        }
    }
}

/// Record `by`'s offer `amount` in round `round`: it becomes the standing offer of
/// `slot` (`[latest, previous]`) and, with a trace, the trace's next offer.
#[inline(always)]
pub(crate) fn record(
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
pub(crate) fn run_agents_with<R: Rng + ?Sized>(
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
pub(crate) fn run_agents_calendar<R: Rng + ?Sized>(
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
    negotiate_calendar(
        &talks,
        payee,
        payer,
        &mut s_payee,
        &mut s_payer,
        rng,
        trace,
        calendar,
        horizon,
    )
}

/// What `me`'s strategy knows under `protocol`: the public view and its own private
/// view (never its ratification limit).
pub(crate) fn setup_for(protocol: &Protocol, frame: Frame, me: &Party) -> Setup {
    Setup {
        public: PublicView {
            frame,
            grid: protocol.grid,
            max_rounds: protocol.max_rounds,
        },
        own: OwnView::of(me),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! The calendar protocol against the reference it replaced (one loop asking a
    //! `calendar_move` on every move, `floor` in the day of a round, the plain grid
    //! searches): outcomes, offers and the generator's state must be bit-identical.

    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;
    use crate::calendar::DAYS_PER_MONTH;
    use crate::strategy::{FaratinFamily, Preset, StrategySpec};

    fn ref_day(cal: &Calendar, round: u32) -> u32 {
        let d = (f64::from(round) * cal.round_months * DAYS_PER_MONTH).floor();
        if d < f64::from(u32::MAX) {
            d as u32
        } else {
            u32::MAX
        }
    }

    fn ref_rounds_until(cal: &Calendar, last: u32) -> u32 {
        let mut k = 1;
        while k <= crate::calendar::MAX_CALENDAR_ROUNDS && ref_day(cal, k) <= last {
            k += 1;
        }
        k
    }

    fn ref_reservation(cal: &Calendar, party: &Party, round: u32) -> f64 {
        let d = ref_day(cal, round);
        let months = if d > cal.expiry_day {
            f64::from(d - cal.expiry_day) / DAYS_PER_MONTH
        } else {
            0.0
        };
        let slot = idx(party.side);
        party.effective_reservation() - party.side.sign() * (cal.lapse_cost[slot] * months)
    }

    fn ref_calendar_move(
        cal: &Calendar,
        party: &Party,
        grid: Option<Grid>,
        round: u32,
        horizon: u32,
        ctx: &MoveContext,
        best_seen: Option<f64>,
    ) -> Option<Action> {
        let side = party.side;
        if round >= horizon {
            if matches!(party.strategy, StrategySpec::Hardliner) {
                return None;
            }
            let rho = ref_reservation(cal, party, round);
            return Some(match ctx.standing {
                Some(s) if side.at_least_as_good(s, rho) => Action::Accept,
                _ => Action::Offer(crate::strategy::snap(side, grid, rho, rho)),
            });
        }
        if let (Some(after), Some(s), Some(best)) =
            (cal.end_game[idx(side)], ctx.standing, best_seen)
        {
            let tau = f64::from(round + 1) / f64::from(horizon + 1);
            if tau >= after
                && side.at_least_as_good(s, best)
                && side.at_least_as_good(s, ref_reservation(cal, party, round))
            {
                return Some(Action::Accept);
            }
        }
        None
    }

    /// The protocol loop as it was before the calendar path was split in two phases.
    #[allow(clippy::too_many_arguments)]
    fn ref_negotiate(
        protocol: &Protocol,
        payee: &Party,
        payer: &Party,
        payee_strategy: &mut impl Strategy,
        payer_strategy: &mut impl Strategy,
        rng: &mut impl Rng,
        trace: &mut Trace,
        cal: &Calendar,
        horizon: u32,
    ) -> Outcome {
        let mut best: [Option<f64>; 2] = [None; 2];
        let mut last: [[Option<f64>; 2]; 2] = [[None; 2]; 2];
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
                let own = if mover == Side::Payee { payee } else { payer };
                let decided = ref_calendar_move(
                    cal,
                    own,
                    protocol.grid,
                    round,
                    horizon,
                    &ctx,
                    best[idx(mover)],
                );
                let action = match (decided, mover) {
                    (Some(a), _) => a,
                    (None, Side::Payee) => payee_strategy.decide(&ctx),
                    (None, Side::Payer) => payer_strategy.decide(&ctx),
                };
                let mut tr = Some(&mut *trace);
                match (action, ctx.standing) {
                    (Action::Accept, Some(amount)) => {
                        let ratified = payee.ratifies(amount) && payer.ratifies(amount);
                        return Outcome::accepted(amount, ratified, round, mover);
                    }
                    (Action::Accept, None) => {
                        record(&mut last[idx(mover)], &mut tr, round, mover, own.opening);
                    }
                    (Action::Offer(amount), standing) => {
                        record(&mut last[idx(mover)], &mut tr, round, mover, amount);
                        let b = &mut best[idx(opp)];
                        *b = Some(b.map_or(amount, |x| opp.better(x, amount)));
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

    fn random_strategy(rng: &mut Xoshiro256PlusPlus) -> StrategySpec {
        match rng.random_range(0..8) {
            0 => StrategySpec::time_based(Preset::Boulware),
            1 => StrategySpec::time_based(Preset::Linear),
            2 => StrategySpec::time_based(Preset::Conceder),
            3 => StrategySpec::TimeBased {
                exponent: rng.random_range(0.1..6.0),
                max_aspiration: 1.0,
                eps: 1e-4,
            },
            4 => StrategySpec::Faratin {
                beta: rng.random_range(0.1..3.0),
                kappa: rng.random_range(0.0..0.3),
                family: if rng.random::<bool>() {
                    FaratinFamily::Polynomial
                } else {
                    FaratinFamily::Exponential
                },
            },
            5 => StrategySpec::TitForTat,
            6 => StrategySpec::Hardliner,
            _ => StrategySpec::time_based(Preset::Boulware),
        }
    }

    pub(crate) fn random_party(rng: &mut Xoshiro256PlusPlus, side: Side) -> Party {
        let (opening, reservation) = match side {
            Side::Payee => (rng.random_range(1.1..1.8), rng.random_range(0.9..1.3)),
            Side::Payer => (rng.random_range(0.8..1.0), rng.random_range(0.95..1.25)),
        };
        Party {
            side,
            opening,
            reservation,
            discount: rng.random_range(0.9..1.0),
            power: 1.0,
            ratification: (rng.random_range(0..4) == 0).then(|| rng.random_range(1.0..1.5)),
            outside_option: (rng.random_range(0..5) == 0).then(|| reservation + 0.05 * side.sign()),
            strategy: random_strategy(rng),
        }
    }

    pub(crate) fn random_calendar(rng: &mut Xoshiro256PlusPlus) -> Calendar {
        let end_game = |rng: &mut Xoshiro256PlusPlus| match rng.random_range(0..4) {
            0 => None,
            1 => Some(0.9),
            2 => Some(1.0),
            _ => Some(rng.random_range(0.0..1.1)),
        };
        Calendar {
            round_months: rng.random_range(0.3..2.0),
            expiry_day: rng.random_range(1..400),
            end_day: (rng.random_range(0..4) != 0).then(|| rng.random_range(400..1200)),
            lapse_cost: [rng.random_range(0.0..0.05), rng.random_range(0.0..0.05)],
            end_game: [end_game(rng), end_game(rng)],
            pace: crate::calendar::Pace::FIXED,
        }
    }

    pub(crate) fn random_grid(rng: &mut Xoshiro256PlusPlus) -> Option<Grid> {
        match rng.random_range(0..4) {
            0 => None,
            1 => Some(Grid {
                lo: 0.5,
                hi: 2.5,
                step: 0.0001,
            }),
            2 => Some(Grid {
                lo: 0.9,
                hi: 1.3,
                step: 0.05,
            }),
            _ => Some(Grid {
                lo: rng.random_range(0.0..1.0),
                hi: rng.random_range(1.0..2.0),
                step: rng.random_range(0.0001..0.1),
            }),
        }
    }

    #[test]
    fn calendar_talks_match_the_reference_bit_for_bit() {
        let mut gen_rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let mut memo = PowerMemo::new();
        let mut post_expiry = 0u32;
        for case in 0..40_000u64 {
            let cal = random_calendar(&mut gen_rng);
            let payee = random_party(&mut gen_rng, Side::Payee);
            let payer = random_party(&mut gen_rng, Side::Payer);
            let protocol = Protocol {
                max_rounds: gen_rng.random_range(1..40),
                first_mover: if gen_rng.random::<bool>() {
                    Side::Payee
                } else {
                    Side::Payer
                },
                breakdown_risk: [0.0, 0.002, 0.02][gen_rng.random_range(0..3)],
                grid: random_grid(&mut gen_rng),
                obstinacy: [0.0; 2],
            };

            let mut rng_new = Xoshiro256PlusPlus::seed_from_u64(case);
            let mut trace_new = Trace::new();
            let new = run_agents_calendar(
                &protocol,
                &payee,
                &payer,
                &cal,
                &mut rng_new,
                Some(&mut trace_new),
                &mut memo,
            );

            let total = match cal.end_day {
                Some(end) => ref_rounds_until(&cal, end),
                None => protocol.max_rounds,
            }
            .min(crate::calendar::MAX_CALENDAR_ROUNDS);
            let horizon = ref_rounds_until(&cal, cal.expiry_day).min(total);
            let planning = Protocol {
                max_rounds: horizon,
                ..protocol
            };
            let talks = Protocol {
                max_rounds: total,
                ..protocol
            };
            let frame = frame_of(&payee, &payer);
            let mut s_payee = payee.strategy.build(setup_for(&planning, frame, &payee));
            let mut s_payer = payer.strategy.build(setup_for(&planning, frame, &payer));
            let mut rng_ref = Xoshiro256PlusPlus::seed_from_u64(case);
            let mut trace_ref = Trace::new();
            let reference = ref_negotiate(
                &talks,
                &payee,
                &payer,
                &mut s_payee,
                &mut s_payer,
                &mut rng_ref,
                &mut trace_ref,
                &cal,
                horizon,
            );

            let bits = |o: &Outcome| (o.kind, o.amount.map(f64::to_bits), o.round, o.accepted_by);
            assert_eq!(
                bits(&new),
                bits(&reference),
                "case {case}: {new:?} vs {reference:?}"
            );
            assert_eq!(
                trace_new.offers.len(),
                trace_ref.offers.len(),
                "case {case}"
            );
            for (a, b) in trace_new.offers.iter().zip(&trace_ref.offers) {
                assert_eq!((a.round, a.by), (b.round, b.by), "case {case}");
                assert_eq!(a.amount.to_bits(), b.amount.to_bits(), "case {case}");
            }
            assert_eq!(
                rng_new.random::<u64>(),
                rng_ref.random::<u64>(),
                "case {case}"
            );
            if reference.round > horizon {
                post_expiry += 1;
            }
        }
        // The cases reach past the expiry often enough to exercise the lapse moves.
        assert!(
            post_expiry > 5_000,
            "only {post_expiry} cases past the expiry"
        );
    }

    #[test]
    fn the_day_of_a_round_is_the_floor_saturated() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let specials = [
            1e-300,
            0.03,
            0.7,
            1.0,
            1.4,
            1e6,
            1e9,
            f64::from(u32::MAX) / DAYS_PER_MONTH,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -0.5,
            -1e9,
        ];
        for i in 0..200_000u32 {
            let round_months = if (i as usize) < specials.len() * 64 {
                specials[i as usize % specials.len()]
            } else {
                rng.random_range(0.01..3.0)
            };
            let cal = Calendar {
                round_months,
                expiry_day: 300,
                end_day: None,
                lapse_cost: [0.0; 2],
                end_game: [None; 2],
                pace: crate::calendar::Pace::FIXED,
            };
            let round = match i % 4 {
                0 => rng.random_range(0..100),
                1 => rng.random_range(0..10_001),
                2 => rng.random::<u32>(),
                _ => i / 64,
            };
            assert_eq!(
                cal.day(round),
                ref_day(&cal, round),
                "{round_months} × {round}"
            );
        }
    }

    #[test]
    fn grid_search_snaps_as_the_plain_grid() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for _ in 0..2_000 {
            let grid = random_grid(&mut rng);
            let search = GridSearch::new(grid);
            for _ in 0..200 {
                let side = if rng.random::<bool>() {
                    Side::Payee
                } else {
                    Side::Payer
                };
                let x = match rng.random_range(0..8) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    // Exactly on a grid point, and next to one.
                    3 | 4 => grid.map_or(1.0, |g| {
                        let p = g.point(rng.random_range(0..g.len()));
                        if rng.random::<bool>() {
                            p
                        } else {
                            f64::from_bits(p.to_bits() + 1)
                        }
                    }),
                    _ => rng.random_range(-1.0..3.5),
                };
                let reservation = if rng.random::<bool>() {
                    x
                } else {
                    rng.random_range(0.0..3.0)
                };
                let plain = crate::strategy::snap(side, grid, reservation, x);
                let fast = search.snap(side, reservation, x);
                assert_eq!(
                    plain.to_bits(),
                    fast.to_bits(),
                    "{grid:?} {side:?} x {x} r {reservation}"
                );
            }
        }
    }
}
