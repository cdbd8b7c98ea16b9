//! Package talks with dated events and vetoes that restart them (issue #23 on packages):
//! the rules of [`super::talks`] with a core [`Timeline`] — changes of the parties'
//! principal numbers from a round on — and its [`OnVeto`] rule.
//!
//! **Slots.** On packages an event's [`Side`] names the party's slot: `Payee` the first
//! mover (slot 0), `Payer` the second (slot 1).
//!
//! **Keys** ([`Principals`]): `reservation` (the party's utility reservation),
//! `outside_option` (a utility: the better of it and the reservation is the effective
//! reservation the negotiators and the closed forms bargain from; `"none"` removes it),
//! `ratification` (its principal's limit on the amount issue, in the amount's unit: a
//! floor or a ceiling as the party's value of the amount rises or falls, `"none"`
//! removes it), `lapse_cost` (in the amount's unit per month, turned into utility by
//! the party's `per_unit`, as [`super::talks::utility_per_unit`] does for the calendar's
//! costs) and the protocol's `breakdown_risk`. Other keys are refused by the scenario
//! layer and ignored here. A change of `lapse_cost` at round `k` changes the cost of the
//! months after it, as on one-issue talks (`crate::events`).
//!
//! **Agents** ([`negotiate_timed`]): [`super::talks::negotiate_talks`]'s loop on the
//! inputs in force at each round. A party whose reservation changes gets a new negotiator
//! (built by the caller from the new reservation; the public frame stays). With
//! [`OnVeto::Resume`] a deal beyond a ratification limit in force is refused (a *veto*):
//! the rest of the round is skipped, the standing offer is withdrawn and the vetoing
//! side's negotiator now knows its limit: from then on it neither offers nor accepts a
//! package beyond the limit in force (an offer, or a standing offer it would accept,
//! beyond the limit becomes the ratifiable package it likes least among those it likes at
//! least as much — the one it likes most when none is — so it follows the limit when an
//! event changes or removes it). With [`OnVeto::End`] the deal ends `not_ratified`.
//!
//! **Closed forms** ([`closed_form_timed`]): at each round the inputs in force. With
//! [`OnVeto::End`], the first round whose zone (widened by the lapse) is open, and there
//! the model's choice within the ratification limits in force (none ratifiable: its
//! choice among all rational outcomes, `not_ratified`) — [`super::talks::closed_form`]'s
//! rule; with [`OnVeto::Resume`], the first round whose zone is open within the limits in
//! force (none: `no_zone` at the last round).
//!
//! Without events and with [`OnVeto::End`] both give the outcomes of
//! [`super::talks`] (unit-tested); the runner only calls them for scenarios with events
//! or `on_veto = "resume"`.

use rand::{Rng, RngExt};

use super::aspiration::{Decision, Negotiator, PackageOffer, Turn};
use super::solutions::{ParetoFrontier, Solution};
use super::sorted::SortedOutcomes;
use super::talks::{PackageEnd, Ratification, Rules};
use crate::calendar::end_game_start;
use crate::events::{Change, Event, Key, OnVeto, Timeline};
use crate::outcome::OutcomeKind;
use crate::party::Side;

/// The principal numbers of a package trial that events may change, slot 0 the first
/// mover and 1 the second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Principals {
    /// Each party's reservation utility.
    pub reservation: [f64; 2],
    /// Each party's outside option, a utility (`None`: none): the better of it and the
    /// reservation is the party's effective reservation ([`Principals::effective`]).
    pub outside_option: [Option<f64>; 2],
    /// Each party's principal's limit on the amount issue, if any.
    pub ratification: [Option<Ratification>; 2],
    /// Whether a limit set by an event is a floor (the party prefers more of the amount)
    /// or a ceiling (`false`).
    pub floor: [bool; 2],
    /// Each party's utility of a unit of the amount issue (turns an event's `lapse_cost`
    /// into utility per month).
    pub per_unit: [f64; 2],
}

impl Principals {
    /// Party `s`'s effective reservation utility: the better of its reservation and its
    /// outside option (what walking away is worth to it).
    #[must_use]
    pub fn effective(&self, s: usize) -> f64 {
        match self.outside_option[s] {
            Some(w) => self.reservation[s].max(w),
            None => self.reservation[s],
        }
    }
}

/// How a package negotiation under a timeline ended, with the vetoes it met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedEnd {
    /// How the talks ended.
    pub end: PackageEnd,
    /// Deals a principal refused on the way (agents with [`OnVeto::Resume`] only).
    pub vetoes: u32,
}

/// The slot of an event's side (see the module docs).
fn slot(side: Side) -> usize {
    match side {
        Side::Payee => 0,
        Side::Payer => 1,
    }
}

/// The inputs in force at a round.
#[derive(Debug, Clone, Copy)]
struct InForce {
    p: Principals,
    breakdown_risk: f64,
    /// Utility per month of lapse.
    lapse_cost: [f64; 2],
    /// Cost accrued before the last change of each lapse cost, less what the current
    /// cost would have accrued by then.
    lapse_offset: [f64; 2],
}

impl InForce {
    fn new(p: &Principals, rules: &Rules) -> Self {
        Self {
            p: *p,
            breakdown_risk: rules.breakdown_risk,
            lapse_cost: rules.calendar.map_or([0.0; 2], |c| c.lapse_cost),
            lapse_offset: [0.0; 2],
        }
    }

    /// Apply `event`, which takes effect at a round with `months` of lapse; returns
    /// whether a party's reservation changed (per slot).
    fn apply(&mut self, event: &Event, months: f64) -> [bool; 2] {
        let mut moved = [false; 2];
        for &change in event.changes() {
            let key = change.key();
            if key == Key::BreakdownRisk {
                self.breakdown_risk = change.value(self.breakdown_risk, 0.0).clamp(0.0, 1.0);
                continue;
            }
            let Some(side) = event.party else { continue };
            let s = slot(side);
            match key {
                Key::Reservation => {
                    let r = &mut self.p.reservation[s];
                    *r = change.value(*r, *r);
                    moved[s] = true;
                }
                Key::OutsideOption => {
                    // The negotiator is rebuilt only when its effective reservation moves.
                    let before = self.p.effective(s);
                    let w = &mut self.p.outside_option[s];
                    *w = change.limit(*w);
                    moved[s] |= self.p.effective(s).to_bits() != before.to_bits();
                }
                Key::Ratification => {
                    let floor = self.p.floor[s];
                    let r = &mut self.p.ratification[s];
                    *r = change
                        .limit(r.map(|x| x.limit))
                        .map(|limit| Ratification { limit, floor });
                }
                Key::LapseCost => {
                    let per = self.p.per_unit[s];
                    let old = self.lapse_cost[s];
                    let new = match change {
                        Change::Set(_, v) => v.unwrap_or(0.0) * per,
                        Change::Shift(_, d) => old + d * per,
                    }
                    .max(0.0);
                    self.lapse_offset[s] += (old - new) * months;
                    self.lapse_cost[s] = new;
                }
                _ => {}
            }
        }
        moved
    }

    /// Party `s`'s effective reservation utility at a round with `months` of lapse.
    fn rho(&self, s: usize, months: f64) -> f64 {
        self.p.effective(s) - (self.lapse_cost[s] * months + self.lapse_offset[s])
    }

    /// Whether both principals ratify outcome `o` (amount `amount(o)`), per slot.
    fn ratifies(&self, amount: Option<f64>) -> [bool; 2] {
        self.p.ratification.map(|r| match (r, amount) {
            (Some(r), Some(x)) => r.ratifies(x),
            _ => true,
        })
    }
}

/// Apply every event of `events[*next..]` taking effect by `round`; returns which
/// reservations moved.
fn catch_up(
    state: &mut InForce,
    events: &[Event],
    next: &mut usize,
    round: u32,
    rules: &Rules,
) -> [bool; 2] {
    let mut moved = [false; 2];
    while let Some(e) = events.get(*next).filter(|e| e.round <= round) {
        let months = rules.calendar.map_or(0.0, |c| c.lapse_months(e.round));
        let m = state.apply(e, months);
        moved = [moved[0] || m[0], moved[1] || m[1]];
        *next += 1;
    }
    moved
}

/// The ratifiable package party `sorted` likes least among those it likes at least as
/// much as `o` (the one it likes most when none is; `o` when none is ratifiable).
fn fit(sorted: &SortedOutcomes, o: u32, ok: impl Fn(u32) -> bool) -> u32 {
    let p = sorted.first_at_least(sorted.utility(o));
    let order = sorted.order();
    order[p.min(order.len())..]
        .iter()
        .chain(order[..p.min(order.len())].iter().rev())
        .copied()
        .find(|&q| ok(q))
        .unwrap_or(o)
}

/// The agents under `rules` and timeline `tl` (see the module docs). `build(slot,
/// reservation)` makes a party's negotiator for the planning horizon of
/// [`Rules::rounds`]; `sorted` are the parties' allowed outcomes sorted by their utility;
/// `hardliner` marks a party whose negotiator keeps deciding after the expiry (the others
/// move by the lapse, as [`super::talks::LapseMover`]); `end_game` is the calendar's;
/// `amount(o)` the amount of outcome `o`. Breakdown draws come from `rng`; every offer is
/// recorded into `trace` when given. Allocates nothing but the trace (and what `build`
/// does).
#[allow(clippy::too_many_arguments)]
pub fn negotiate_timed<N, R>(
    mut build: impl FnMut(usize, f64) -> N,
    sorted: [&SortedOutcomes; 2],
    hardliner: [bool; 2],
    principals: &Principals,
    rules: &Rules,
    tl: &Timeline,
    amount: impl Fn(u32) -> Option<f64>,
    rng: &mut R,
    mut trace: Option<&mut Vec<PackageOffer>>,
) -> TimedEnd
where
    N: Negotiator,
    R: Rng + ?Sized,
{
    let (horizon, total) = rules.rounds();
    let end_game = rules.calendar.map_or([None; 2], |c| c.end_game);
    let from = end_game.map(|after| end_game_start(after, horizon));
    let mut state = InForce::new(principals, rules);
    let events = tl.events();
    let mut next = 0;
    catch_up(&mut state, events, &mut next, 0, rules);
    let mut neg = [
        build(0, state.p.effective(0)),
        build(1, state.p.effective(1)),
    ];
    let mut knows = [false; 2];
    let mut standing: Option<u32> = None;
    let mut best = [f64::NEG_INFINITY; 2];
    let mut vetoes = 0u32;
    let end = |kind, outcome, round, vetoes| TimedEnd {
        end: PackageEnd {
            kind,
            outcome,
            round,
        },
        vetoes,
    };
    'rounds: for step in 0..total {
        let moved = catch_up(&mut state, events, &mut next, step, rules);
        for s in 0..2 {
            if moved[s] {
                neg[s] = build(s, state.p.effective(s));
            }
        }
        let months = rules.calendar.map_or(0.0, |c| c.lapse_months(step));
        for by in 0..2u8 {
            let me = usize::from(by);
            let rho = state.rho(me, months);
            let known = if knows[me] {
                state.p.ratification[me]
            } else {
                None
            };
            let ok = |o: u32| known.is_none_or(|r| amount(o).is_none_or(|x| r.ratifies(x)));
            let s = sorted[me];
            let ends = end_game[me].is_some()
                && step < horizon
                && step >= from[me]
                && standing.is_some_and(|o| {
                    let u = s.utility(o);
                    u >= best[me] && u >= rho && ok(o)
                });
            let decision = if ends {
                Decision::Accept
            } else if step >= horizon && !hardliner[me] {
                match standing {
                    Some(o) if s.utility(o) >= rho => Decision::Accept,
                    _ => {
                        let n = s.len();
                        let p = s.first_at_least(rho).min(n.saturating_sub(1));
                        Decision::Offer(s.order().get(p).copied().unwrap_or(0))
                    }
                }
            } else {
                neg[me].decide(Turn { step, by }, standing)
            };
            // A negotiator that knows its limit neither accepts nor offers beyond it.
            let decision = match (decision, standing) {
                (Decision::Accept, Some(o)) if !ok(o) => Decision::Offer(fit(s, o, ok)),
                (Decision::Offer(o), _) if !ok(o) => Decision::Offer(fit(s, o, ok)),
                (d, _) => d,
            };
            match (decision, standing) {
                (Decision::Accept, Some(o)) => {
                    let fine = state.ratifies(amount(o));
                    if fine[0] && fine[1] {
                        return end(OutcomeKind::Deal, Some(o), step + 1, vetoes);
                    }
                    if tl.on_veto == OnVeto::End {
                        return end(OutcomeKind::NotRatified, Some(o), step + 1, vetoes);
                    }
                    // A veto: the round counts, the offer is withdrawn, and the vetoing
                    // side's negotiator learns its limit.
                    vetoes += 1;
                    for v in 0..2 {
                        knows[v] |= !fine[v];
                    }
                    standing = None;
                    best = [f64::NEG_INFINITY; 2];
                    continue 'rounds;
                }
                // Accepting with nothing standing breaks the trait's contract: no deal.
                (Decision::Accept, None) => break 'rounds,
                (Decision::Offer(o), before) => {
                    standing = Some(o);
                    if end_game[1 - me].is_some() {
                        best[1 - me] = best[1 - me].max(sorted[1 - me].utility(o));
                    }
                    if let Some(t) = trace.as_deref_mut() {
                        t.push(PackageOffer {
                            step,
                            by,
                            outcome: o,
                        });
                    }
                    let risk = state.breakdown_risk;
                    if before.is_some() && risk > 0.0 && rng.random::<f64>() < risk {
                        return end(OutcomeKind::Breakdown, None, step + 1, vetoes);
                    }
                }
            }
        }
    }
    end(OutcomeKind::Deadline, None, total, vetoes)
}

/// A closed form under `rules` and timeline `tl` (see the module docs): `solve` is the
/// model's choice on a frontier at reservations `(ra, rb)`; `ratifiable` the frontier of
/// the outcomes within the initial limits (`None` without limits); `rebuild(limits, out)`
/// writes into `out` the frontier of the outcomes within other limits (called when an
/// event changes them; `scratch` is the caller's reused buffer, e.g.
/// [`ParetoFrontier::refill`] on a per-worker frontier, so nothing is allocated once it
/// has grown).
#[allow(clippy::too_many_arguments)]
pub fn closed_form_timed(
    frontier: &ParetoFrontier,
    ratifiable: Option<&ParetoFrontier>,
    principals: &Principals,
    rules: &Rules,
    tl: &Timeline,
    scratch: &mut ParetoFrontier,
    mut rebuild: impl FnMut(&[Option<Ratification>; 2], &mut ParetoFrontier),
    solve: impl Fn(&ParetoFrontier, f64, f64) -> Option<Solution>,
) -> PackageEnd {
    let total = rules
        .calendar
        .map_or(rules.max_rounds, |c| c.total_rounds(rules.max_rounds))
        .max(1);
    let mut state = InForce::new(principals, rules);
    let events = tl.events();
    let mut next = 0;
    // Whether `scratch` holds the frontier within the limits in force.
    let mut owned = false;
    let mut limits = principals.ratification;
    let done = |kind, s: Option<Solution>, round: u32| match s {
        Some(s) => PackageEnd {
            kind,
            outcome: Some(s.outcome),
            round: round + 1,
        },
        None => PackageEnd {
            kind: OutcomeKind::NoZone,
            outcome: None,
            round: round + 1,
        },
    };
    for round in 0..total {
        catch_up(&mut state, events, &mut next, round, rules);
        if state.p.ratification != limits {
            limits = state.p.ratification;
            owned = limits.iter().any(Option::is_some);
            if owned {
                rebuild(&limits, scratch);
            }
        }
        let within = if owned {
            Some(&*scratch)
        } else if limits == principals.ratification {
            ratifiable
        } else {
            None
        };
        let months = rules.calendar.map_or(0.0, |c| c.lapse_months(round));
        let (ra, rb) = (state.rho(0, months), state.rho(1, months));
        let open = |f: &ParetoFrontier| {
            let (start, end) = f.rational(ra, rb);
            start < end
        };
        match (tl.on_veto, within) {
            (OnVeto::Resume, Some(rf)) => {
                if open(rf) {
                    return done(OutcomeKind::Deal, solve(rf, ra, rb), round);
                }
            }
            (_, None) => {
                if open(frontier) {
                    return done(OutcomeKind::Deal, solve(frontier, ra, rb), round);
                }
            }
            (OnVeto::End, Some(rf)) => {
                if open(frontier) {
                    return match solve(rf, ra, rb) {
                        Some(s) => done(OutcomeKind::Deal, Some(s), round),
                        None => done(OutcomeKind::NotRatified, solve(frontier, ra, rb), round),
                    };
                }
            }
        }
    }
    PackageEnd {
        kind: OutcomeKind::NoZone,
        outcome: None,
        round: total,
    }
}
