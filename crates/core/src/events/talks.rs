//! The agents' talks under a calendar and a timeline: the calendar protocol of
//! `protocol.rs` (planning rounds with end games, then lapse rounds) with the inputs in
//! force at each round and vetoes that restart the talks.
//!
//! With an empty timeline and [`OnVeto::End`] the moves, draws and outcome are those of
//! the calendar protocol (checked by a unit test against it); this loop is only run for
//! scenarios with events or `on_veto = "resume"`, so the plain path stays as it was.

use rand::{Rng, RngExt};

use super::{InForce, OnVeto, TimedOutcome, Timeline, idx};
use crate::calendar::{Calendar, GridSearch, end_game_start};
use crate::model::Negotiation;
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::Party;
use crate::protocol::{frame_of, record};
use crate::strategy::{
    Action, AnyStrategy, Frame, MoveContext, OwnView, PowerMemo, PublicView, Setup, Strategy,
    StrategySpec,
};
use crate::trace::Trace;

/// What a side's negotiators believe they can sign: the party in force, its reservation
/// raised (for its side) to its ratification limit once a veto has taught it the limit.
fn negotiator(party: &Party, knows_limit: bool) -> Party {
    let mut p = party.clone();
    if knows_limit && let Some(limit) = p.ratification {
        p.reservation = p.side.better(p.reservation, limit);
    }
    p
}

/// The strategy of `party`'s negotiators, built from their view now.
fn build(
    party: &Party,
    knows_limit: bool,
    public: PublicView,
    memo: &mut PowerMemo,
) -> AnyStrategy {
    let view = negotiator(party, knows_limit);
    party.strategy.build_with(
        Setup {
            public,
            own: OwnView::of(&view),
        },
        memo,
    )
}

/// Run the agents (see the module docs).
pub(super) fn run_agents<R: Rng + ?Sized>(
    n: &Negotiation,
    cal: &Calendar,
    tl: &Timeline,
    rng: &mut R,
    mut trace: Option<&mut Trace>,
    memo: &mut PowerMemo,
) -> TimedOutcome {
    let protocol = &n.protocol;
    let total = cal.total_rounds(protocol.max_rounds);
    // The planning horizon on the calendar as known at the start (a later change of the
    // pace is not foreseen; the negotiators re-plan when it comes).
    let horizon_at = |round: u32| {
        let known = cal.through(round);
        known
            .expiry_rounds()
            .min(known.total_rounds(protocol.max_rounds))
    };
    let mut horizon = horizon_at(0);
    let frame: Frame = frame_of(&n.payee, &n.payer);
    let mut public = PublicView {
        frame,
        grid: protocol.grid,
        max_rounds: horizon,
    };
    let mut state = InForce::new(n, cal);
    let mut knows = [false; 2];
    let mut strategies = [
        build(&n.payee, false, public, memo),
        build(&n.payer, false, public, memo),
    ];
    let mut end_game_from = [
        end_game_start(cal.end_game[0], horizon),
        end_game_start(cal.end_game[1], horizon),
    ];
    let track_best = [cal.end_game[0].is_some(), cal.end_game[1].is_some()];
    let grid = GridSearch::new(protocol.grid);
    let order = [protocol.first_mover, protocol.first_mover.other()];
    let mut best: [Option<f64>; 2] = [None; 2];
    let mut last: [[Option<f64>; 2]; 2] = [[None; 2]; 2];
    let mut move_index = 0u32;
    let mut vetoes = 0u32;
    let events = tl.events();
    let mut next = 0;
    let done = |outcome, vetoes| TimedOutcome { outcome, vetoes };
    'rounds: for round in 0..total {
        let mut changed = [false; 2];
        if round > 0 && cal.pace.changes().iter().any(|c| c.round == round) {
            // A change of pace: both sides re-plan to the expiry on the new calendar.
            horizon = horizon_at(round);
            public.max_rounds = horizon;
            end_game_from = [
                end_game_start(cal.end_game[0], horizon),
                end_game_start(cal.end_game[1], horizon),
            ];
            changed = [true; 2];
        }
        while let Some(e) = events.get(next).filter(|e| e.round <= round) {
            state.apply(e, cal.lapse_months(e.round));
            if let Some(side) = e.party {
                changed[idx(side)] = true;
            }
            next += 1;
        }
        for s in 0..2 {
            if changed[s] {
                strategies[s] = build(&state.parties[s], knows[s], public, memo);
            }
        }
        let months = cal.lapse_months(round);
        for mover in order {
            let s = idx(mover);
            let opp = idx(mover.other());
            let ctx = MoveContext {
                round,
                move_index,
                standing: last[opp][0],
                opponent_previous: last[opp][1],
                own_previous: last[s][0],
            };
            move_index += 1;
            let party = state.party(mover);
            // The negotiators' effective reservation now (moved by the lapse; at least
            // the limit a veto taught them).
            let rho = {
                let r =
                    party.effective_reservation() - party.side.sign() * state.lapse(mover, months);
                match party.ratification {
                    Some(limit) if knows[s] => mover.better(r, limit),
                    _ => r,
                }
            };
            let action = if round < horizon {
                let end_game = round >= end_game_from[s]
                    && match (ctx.standing, best[s]) {
                        (Some(x), Some(b)) => {
                            mover.at_least_as_good(x, b) && mover.at_least_as_good(x, rho)
                        }
                        _ => false,
                    };
                if end_game {
                    Action::Accept
                } else {
                    strategies[s].decide(&ctx)
                }
            } else if matches!(party.strategy, StrategySpec::Hardliner) {
                strategies[s].decide(&ctx)
            } else {
                match ctx.standing {
                    Some(x) if mover.at_least_as_good(x, rho) => Action::Accept,
                    _ => Action::Offer(grid.snap(mover, rho, rho)),
                }
            };
            match (action, ctx.standing) {
                (Action::Accept, Some(amount)) => {
                    let ok = [
                        state.parties[0].ratifies(amount),
                        state.parties[1].ratifies(amount),
                    ];
                    let ratified = ok[0] && ok[1];
                    if ratified || tl.on_veto == OnVeto::End {
                        return done(Outcome::accepted(amount, ratified, round, mover), vetoes);
                    }
                    // A veto: the round counts, the offers are withdrawn, and the vetoing
                    // side's negotiators learn the limit.
                    vetoes += 1;
                    if let Some(t) = trace.as_deref_mut() {
                        // The accepted offer is the last one made.
                        t.vetoed.push(t.offers.len().saturating_sub(1));
                    }
                    for v in 0..2 {
                        if !ok[v] && !knows[v] {
                            knows[v] = true;
                            strategies[v] = build(&state.parties[v], true, public, memo);
                        }
                    }
                    last = [[None; 2]; 2];
                    best = [None; 2];
                    continue 'rounds;
                }
                (Action::Accept, None) => {
                    // Nothing to accept: the strategy broke its contract; open at its opening.
                    let opening = party.opening;
                    record(&mut last[s], &mut trace, round, mover, opening);
                }
                (Action::Offer(amount), standing) => {
                    record(&mut last[s], &mut trace, round, mover, amount);
                    if round < horizon && track_best[opp] {
                        let b = &mut best[opp];
                        *b = Some(b.map_or(amount, |x| mover.other().better(x, amount)));
                    }
                    let risk = state.breakdown_risk;
                    if standing.is_some() && risk > 0.0 && rng.random::<f64>() < risk {
                        let end = Outcome {
                            kind: OutcomeKind::Breakdown,
                            amount: None,
                            round: round + 1,
                            accepted_by: None,
                        };
                        return done(end, vetoes);
                    }
                }
            }
        }
    }
    let end = Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: total,
        accepted_by: None,
    };
    done(end, vetoes)
}
