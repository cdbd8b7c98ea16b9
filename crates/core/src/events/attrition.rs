//! The war of attrition under a timeline of events (issue #23 item 1 for `attrition`):
//! the game of [`crate::attrition`] with the costs of waiting in force in each interval
//! between breakpoints — the expiry and the date of each event that happens in the
//! trial — so each rational side's hazard is piecewise constant over all of them
//! ([`Pieces`]; derivation in `docs/theory.md`).
//!
//! * **Costs in force.** In the interval from a breakpoint on, side `j`'s cost of waiting
//!   is `r_j / m · max(0, s_j(D_i))` — its discount rate in force, `m` the round months
//!   at the breakpoint, its gain over its effective reservation in force (reservation and
//!   outside option after the events) from accepting the other's demand — plus, from the
//!   expiry on, its lapse cost in force (an event on `lapse_cost` changes the flow from
//!   its date). A rational side `i` concedes at `λ_i = k_j / Δ` in that interval.
//! * **Demands are fixed** at the first meeting (the openings in force at round 0): in
//!   Abreu–Gul an obstinate type is committed to its demand, and a demand that moved
//!   mid-game would be a different game. A later event on `opening` changes no demand
//!   of this model (it still changes the agents' and the closed forms' inputs);
//!   `docs/theory.md` says so.
//! * **Dates.** An event that takes effect at round `r` changes the hazards from
//!   `r · round_months` months (a concession in `((r − 1)m, rm]` falls in round `r`,
//!   under the event's inputs); with changes of pace, from the day of round `r`.
//! * **Ratification.** The conceding side accepts the other's demand in the round of its
//!   concession; with [`OnVeto::End`] a deal beyond a limit in force at that round ends
//!   `not_ratified`; with [`OnVeto::Resume`] the deal happens no earlier than the first
//!   round, from that one on, at which it is ratifiable (none before the end: a
//!   `deadline`).
//!
//! Two uniforms (payee's, then payer's) from the caller's generator, as the plain model;
//! no allocation.

use rand::{Rng, RngExt};

use super::{InForce, OnVeto, Timeline};
use crate::attrition::{gain, index, rate, side_of};
use crate::calendar::{Calendar, DAYS_PER_MONTH};
use crate::model::Negotiation;
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::Side;
use crate::theory::attrition::{AttritionDraw, Pieces, concession_rate};

/// One play of `attrition` under a timeline: the game (`None` when the demands do not
/// conflict), the draw and the outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedAttrition {
    /// The equilibrium over the pieces, payee index 0.
    pub game: Option<Pieces>,
    /// Each side's type and concession time (`None` without a conflict).
    pub draw: Option<AttritionDraw>,
    /// The outcome.
    pub outcome: Outcome,
}

/// The months from the first round to round `round` of `cal`.
fn months_at(cal: &Calendar, round: u32) -> f64 {
    if cal.pace.is_fixed() {
        f64::from(round) * cal.round_months
    } else {
        f64::from(cal.day(round)) / DAYS_PER_MONTH
    }
}

/// The first round (0-based) on or after `t` months.
fn round_at(cal: &Calendar, t: f64) -> f64 {
    if cal.pace.is_fixed() {
        (t / cal.round_months).ceil()
    } else {
        let day = (t * DAYS_PER_MONTH).ceil();
        if day >= f64::from(u32::MAX) {
            f64::INFINITY
        } else {
            f64::from(super::first_round_on_or_after(cal, day as u32))
        }
    }
}

/// The round months in force at `round`.
fn pace_at(cal: &Calendar, round: u32) -> f64 {
    cal.months_at(round)
}

/// Each rational side's hazard under the inputs `state` in force (the demands `demand`,
/// payee first, gap `gap`), with the lapse costs when `expired`; `m` the round months.
fn hazards(state: &InForce, demand: [f64; 2], gap: f64, m: f64, expired: bool) -> [f64; 2] {
    let per = if m > 0.0 { m } else { 1.0 };
    let k = [0, 1].map(|j| {
        let p = &state.parties[j];
        let early = rate(p.discount) / per * gain(p, demand[1 - j]);
        if expired {
            early + state.lapse_cost[j].max(0.0)
        } else {
            early
        }
    });
    [0, 1].map(|i| concession_rate(k[1 - i], gap))
}

/// `attrition` on `n` under calendar `cal` and timeline `tl` (see the module docs).
pub fn play_in<R: Rng + ?Sized>(
    n: &Negotiation,
    cal: &Calendar,
    tl: &Timeline,
    rng: &mut R,
) -> TimedAttrition {
    let u: [f64; 2] = [rng.random(), rng.random()];
    let total = cal.total_rounds(n.protocol.max_rounds).max(1);
    let tie = n.protocol.first_mover.other();
    let events = tl.events();
    let mut state = InForce::new(n, cal);
    let mut next = 0;
    while let Some(e) = events.get(next).filter(|e| e.round == 0) {
        state.apply(e, cal.lapse_months(0));
        next += 1;
    }
    let demand = [state.parties[0].opening, state.parties[1].opening];
    let gap = demand[0] - demand[1];
    let deadline = Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: total,
        accepted_by: None,
    };
    let (game, draw, deal) = if gap.is_nan() || gap <= 0.0 {
        // No conflict: the first mover's demand, accepted at once.
        let first = n.protocol.first_mover;
        (None, None, Some((demand[index(first)], 0.0, first.other())))
    } else {
        let expiry = f64::from(cal.expiry_day) / DAYS_PER_MONTH;
        let mut expired = expiry <= 0.0;
        let mut pieces = Pieces::new(
            n.protocol.obstinacy,
            hazards(&state, demand, gap, pace_at(cal, 0), expired),
        );
        loop {
            let at = events.get(next).map(|e| (e.round, months_at(cal, e.round)));
            match at {
                Some((_, t)) if expired || t < expiry => {
                    let round = events[next].round;
                    while let Some(e) = events.get(next).filter(|e| e.round == round) {
                        state.apply(e, cal.lapse_months(round));
                        next += 1;
                    }
                    let m = pace_at(cal, round);
                    pieces.push(t, hazards(&state, demand, gap, m, expired));
                }
                _ if !expired => {
                    expired = true;
                    // The pace in force at the expiry: that of the last event before it.
                    let round = events[..next].last().map_or(0, |e| e.round);
                    let m = pace_at(cal, round);
                    pieces.push(expiry, hazards(&state, demand, gap, m, true));
                }
                _ => break,
            }
        }
        let eq = pieces.solve(index(tie));
        let d = eq.play(u, index(tie));
        let deal = d
            .conceder
            .map(|i| (demand[index(side_of(1 - i))], d.time, side_of(i)));
        (Some(eq), Some(d), deal)
    };
    let outcome = match deal {
        None => deadline,
        Some((amount, time, by)) => {
            let r = round_at(cal, time);
            if r < f64::from(total) {
                ratify(n, cal, tl, amount, r as u32, by, total)
            } else {
                deadline
            }
        }
    };
    TimedAttrition {
        game,
        draw,
        outcome,
    }
}

/// `amount` accepted by `by` in round `round` (0-based) under the limits in force then;
/// with [`OnVeto::Resume`], in the first round from `round` on at which it is ratifiable.
fn ratify(
    n: &Negotiation,
    cal: &Calendar,
    tl: &Timeline,
    amount: f64,
    round: u32,
    by: Side,
    total: u32,
) -> Outcome {
    let mut state = InForce::new(n, cal);
    let events = tl.events();
    let mut next = 0;
    let mut apply_through = |state: &mut InForce, r: u32| {
        while let Some(e) = events.get(next).filter(|e| e.round <= r) {
            state.apply(e, cal.lapse_months(e.round));
            next += 1;
        }
    };
    apply_through(&mut state, round);
    let ok = |s: &InForce| s.parties.iter().all(|p| p.ratifies(amount));
    if ok(&state) {
        return Outcome::accepted(amount, true, round, by);
    }
    if tl.on_veto == OnVeto::End {
        return Outcome::accepted(amount, false, round, by);
    }
    // The limits change only at events: the first later event round that ratifies it.
    for e in events.iter().filter(|e| e.round > round && e.round < total) {
        apply_through(&mut state, e.round);
        if ok(&state) {
            return Outcome::accepted(amount, true, e.round, by);
        }
    }
    Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: total,
        accepted_by: None,
    }
}
