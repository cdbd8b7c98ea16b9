//! Dated events and vetoes that send the negotiators back to the table (issue #23).
//!
//! A [`Timeline`] is one trial's list of [`Event`]s — changes to a party's inputs
//! (`opening`, `reservation`, `ratification`, `lapse_cost`, `outside_option`,
//! `discount`) or to the protocol (`breakdown_risk`, `round_months`) that take effect
//! from the first round on or after a day of the calendar — and the rule for a deal outside a
//! ratification limit ([`OnVeto`]). It is a fixed-capacity value (no heap): the caller
//! fills one per trial and negotiates with [`Negotiation::outcome_in`].
//!
//! **Rules.** Closed forms use, at each round, the inputs in force at that round. With
//! [`OnVeto::End`] they keep the calendar's rule (strike at the first round whose zone,
//! widened by the lapse costs, is open; a deal outside a ratification limit in force
//! there ends `not_ratified`); with [`OnVeto::Resume`] they strike at the first round
//! whose zone is open within the ratification limits in force (none: `no_zone`, at the
//! last round). Agents see a change of their own party's inputs when it happens (its
//! strategy is rebuilt from its new private view; the public frame stays the one of the
//! first round). With [`OnVeto::Resume`] a deal outside a ratification limit is refused
//! (a *veto*): the rest of the round is skipped, the standing offers are withdrawn, the
//! vetoing side's negotiator now knows its limit (its effective reservation is the
//! better of its reservation and the limit in force, so it follows the limit when an
//! event later changes or removes it) and the talks go on.
//!
//! **Lapse costs.** A change of `lapse_cost` at round `k` changes the cost of the months
//! after it: the cost accrued by round `r ≥ k` is `c_old·L(k) + c_new·(L(r) − L(k))`,
//! `L` the months of lapse ([`Calendar::lapse_months`]).
//!
//! **Pace.** A change of `round_months` is not a change of the inputs in force: it is
//! held by the negotiation's [`Calendar`] ([`Calendar::change_pace`], applied by whoever
//! draws the trial's timeline, in the order of the events, before [`Timeline::retime`]),
//! so that the rounds' days, the rounds up to the end, the lapse months and the deal
//! dates all follow it. Closed forms count the rounds left at a round on the calendar as
//! known then ([`Calendar::through`]); agents plan to the expiry as the calendar in
//! force tells them, and both sides' negotiators re-plan when the pace changes.
//!
//! An empty timeline with [`OnVeto::End`] gives exactly
//! [`Negotiation::outcome_with`]'s outcome (the same function is called).

pub mod attrition;
mod talks;

use rand::Rng;

use crate::calendar::Calendar;
use crate::closed_form;
use crate::model::{Model, Negotiation};
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::trace::Trace;
use crate::workspace::Workspace;

/// Most events a timeline holds.
pub const MAX_EVENTS: usize = 16;
/// Most changes one event holds.
pub const MAX_CHANGES: usize = 8;

/// An input an event may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A party's opening.
    Opening,
    /// A party's reservation.
    Reservation,
    /// A party's ratification limit (may be removed).
    Ratification,
    /// A party's cost of a month of lapse.
    LapseCost,
    /// A party's outside option (may be removed).
    OutsideOption,
    /// A party's discount factor.
    Discount,
    /// The protocol's breakdown risk.
    BreakdownRisk,
    /// The calendar's months between rounds (its pace).
    RoundMonths,
}

impl Key {
    /// Every key, in the order of the docs.
    pub const ALL: [Key; 8] = [
        Key::Opening,
        Key::Reservation,
        Key::Ratification,
        Key::LapseCost,
        Key::OutsideOption,
        Key::Discount,
        Key::BreakdownRisk,
        Key::RoundMonths,
    ];

    /// The key's name in scenario files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Key::Opening => "opening",
            Key::Reservation => "reservation",
            Key::Ratification => "ratification",
            Key::LapseCost => "lapse_cost",
            Key::OutsideOption => "outside_option",
            Key::Discount => "discount",
            Key::BreakdownRisk => "breakdown_risk",
            Key::RoundMonths => "round_months",
        }
    }

    /// The key named `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether the key is a party's input (else the protocol's).
    #[must_use]
    pub fn is_party(self) -> bool {
        !matches!(self, Key::BreakdownRisk | Key::RoundMonths)
    }

    /// Whether the key may be removed (`"none"`): a limit or an option.
    #[must_use]
    pub fn removable(self) -> bool {
        matches!(self, Key::Ratification | Key::OutsideOption)
    }
}

/// One change of an event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// The value from the event on (`None`: the limit or option is removed).
    Set(Key, Option<f64>),
    /// An amount added to the value in force (an absent limit or option stays absent).
    Shift(Key, f64),
}

impl Change {
    /// The key changed.
    #[must_use]
    pub fn key(&self) -> Key {
        match *self {
            Change::Set(k, _) | Change::Shift(k, _) => k,
        }
    }

    /// The value in force after this change of a number whose value was `old`: the set
    /// value (`removed` when `"none"` is set), or `old` plus the shift.
    #[must_use]
    pub fn value(self, old: f64, removed: f64) -> f64 {
        match self {
            Change::Set(_, v) => v.unwrap_or(removed),
            Change::Shift(_, d) => old + d,
        }
    }

    /// The limit in force after this change of an optional limit `old` (a ratification
    /// limit, an outside option): the set value or none, or `old` shifted (none stays none).
    #[must_use]
    pub fn limit(self, old: Option<f64>) -> Option<f64> {
        match self {
            Change::Set(_, v) => v,
            Change::Shift(_, d) => old.map(|x| x + d),
        }
    }
}

/// One event of a trial: its changes take effect from `round` on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// The event's day (from the first round).
    pub day: u32,
    /// The first round on or after `day` (set by [`Timeline::push`]).
    pub round: u32,
    /// The party whose inputs change (`None`: the protocol's).
    pub party: Option<Side>,
    /// The event's index in the scenario file (for labels).
    pub index: u16,
    changes: [Change; MAX_CHANGES],
    len: u8,
}

impl Event {
    /// An event on `day` for `party` (none: the protocol), the scenario's event `index`,
    /// with no change yet.
    #[must_use]
    pub fn new(day: u32, party: Option<Side>, index: u16) -> Self {
        Self {
            day,
            round: 0,
            party,
            index,
            changes: [Change::Shift(Key::Opening, 0.0); MAX_CHANGES],
            len: 0,
        }
    }

    /// Add a change; `false` (and nothing added) when the event is full.
    pub fn push(&mut self, change: Change) -> bool {
        let Some(slot) = self.changes.get_mut(usize::from(self.len)) else {
            return false;
        };
        *slot = change;
        self.len += 1;
        true
    }

    /// The changes, in order.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes[..usize::from(self.len)]
    }
}

/// What happens to a deal outside a ratification limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnVeto {
    /// The talks end `not_ratified` (the default, and the rule without a timeline).
    #[default]
    End,
    /// The deal is refused and the talks go on (see the module docs).
    Resume,
}

impl OnVeto {
    /// The name in scenario files (`end`, `resume`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OnVeto::End => "end",
            OnVeto::Resume => "resume",
        }
    }
}

/// One trial's events, in the order they take effect, and the veto rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeline {
    /// What a veto does.
    pub on_veto: OnVeto,
    events: [Event; MAX_EVENTS],
    len: u8,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new(OnVeto::End)
    }
}

impl Timeline {
    /// An empty timeline with the veto rule `on_veto`.
    #[must_use]
    pub fn new(on_veto: OnVeto) -> Self {
        Self {
            on_veto,
            events: [Event::new(0, None, 0); MAX_EVENTS],
            len: 0,
        }
    }

    /// Remove every event (the veto rule stays).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Add `event`, its round set to the first round of `cal` on or after its day; the
    /// events stay ordered by round, then by index. `false` (nothing added) when full.
    pub fn push(&mut self, mut event: Event, cal: &Calendar) -> bool {
        let len = usize::from(self.len);
        if len >= MAX_EVENTS {
            return false;
        }
        event.round = first_round_on_or_after(cal, event.day);
        let mut at = len;
        while at > 0 && {
            let e = &self.events[at - 1];
            (e.round, e.index) > (event.round, event.index)
        } {
            self.events[at] = self.events[at - 1];
            at -= 1;
        }
        self.events[at] = event;
        self.len += 1;
        true
    }

    /// The events, in the order they take effect.
    #[must_use]
    pub fn events(&self) -> &[Event] {
        &self.events[..usize::from(self.len)]
    }

    /// Set each event's round again on `cal` (after a change of its pace) and restore the
    /// order by round, then index.
    pub fn retime(&mut self, cal: &Calendar) {
        let len = usize::from(self.len);
        for e in &mut self.events[..len] {
            e.round = first_round_on_or_after(cal, e.day);
        }
        self.events[..len].sort_unstable_by_key(|e| (e.round, e.index));
    }

    /// Whether the timeline holds no event.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The first round (0-based) of `cal` whose day is on or after `day`.
#[must_use]
pub fn first_round_on_or_after(cal: &Calendar, day: u32) -> u32 {
    if day == 0 {
        0
    } else {
        // The rounds on or before `day − 1`.
        cal.rounds_until(day - 1)
    }
}

/// The effective reservations `(payee, payer)` in force at `round` (0-based): the
/// parties after `tl`'s events up to that round, moved by the lapse (what a report
/// draws; not what a veto taught a negotiator).
#[must_use]
pub fn reservations_at(n: &Negotiation, tl: &Timeline, round: u32) -> (f64, f64) {
    let Some(cal) = &n.calendar else {
        return (
            n.payee.effective_reservation(),
            n.payer.effective_reservation(),
        );
    };
    let mut state = InForce::new(n, cal);
    for e in tl.events().iter().filter(|e| e.round <= round) {
        state.apply(e, cal.lapse_months(e.round));
    }
    let months = cal.lapse_months(round);
    (
        state.shifted(Side::Payee, months).effective_reservation(),
        state.shifted(Side::Payer, months).effective_reservation(),
    )
}

/// One negotiation's outcome under a timeline, with the vetoes it met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedOutcome {
    /// How the talks ended.
    pub outcome: Outcome,
    /// Deals refused by a principal on the way (only with [`OnVeto::Resume`]; closed
    /// forms, with complete information, meet none).
    pub vetoes: u32,
}

impl Negotiation {
    /// The outcome under `model` with `timeline`'s events and veto rule (see the module
    /// docs); without a calendar, or with an empty timeline and [`OnVeto::End`], exactly
    /// [`Negotiation::outcome_with`]. Allocates nothing unless `trace` is given.
    pub fn outcome_in<R: Rng + ?Sized>(
        &self,
        timeline: &Timeline,
        model: Model,
        rng: &mut R,
        trace: Option<&mut Trace>,
        workspace: &mut Workspace,
    ) -> TimedOutcome {
        let plain = timeline.is_empty() && timeline.on_veto == OnVeto::End;
        match &self.calendar {
            Some(cal) if !plain => match model {
                Model::Agents => {
                    talks::run_agents(self, cal, timeline, rng, trace, &mut workspace.memo)
                }
                // The war of attrition over the pieces between the expiry and the
                // events (`attrition.rs`; the runner draws it from its own stream).
                Model::Attrition => TimedOutcome {
                    outcome: attrition::play_in(self, cal, timeline, rng).outcome,
                    vetoes: 0,
                },
                _ => TimedOutcome {
                    outcome: closed_form_in(self, cal, timeline, model),
                    vetoes: 0,
                },
            },
            _ => TimedOutcome {
                outcome: self.outcome_with(model, rng, trace, workspace),
                vetoes: 0,
            },
        }
    }
}

/// The inputs in force at a round: both parties, the breakdown risk and the lapse costs.
#[derive(Debug, Clone)]
pub(crate) struct InForce {
    pub(crate) parties: [Party; 2],
    pub(crate) breakdown_risk: f64,
    lapse_cost: [f64; 2],
    /// Cost accrued before the last change of each side's lapse cost, less what the
    /// current cost would have accrued by then (see the module docs).
    lapse_offset: [f64; 2],
}

/// Index of a side (payee 0, payer 1).
pub(crate) fn idx(side: Side) -> usize {
    match side {
        Side::Payee => 0,
        Side::Payer => 1,
    }
}

impl InForce {
    pub(crate) fn new(n: &Negotiation, cal: &Calendar) -> Self {
        Self {
            parties: [n.payee.clone(), n.payer.clone()],
            breakdown_risk: n.protocol.breakdown_risk,
            lapse_cost: cal.lapse_cost,
            lapse_offset: [0.0; 2],
        }
    }

    /// The party on `side`.
    pub(crate) fn party(&self, side: Side) -> &Party {
        &self.parties[idx(side)]
    }

    /// Apply `event`, which takes effect at a round with `months` of lapse.
    pub(crate) fn apply(&mut self, event: &Event, months: f64) {
        for &change in event.changes() {
            let key = change.key();
            if key == Key::RoundMonths {
                // Held by the calendar (see the module docs).
                continue;
            }
            if !key.is_party() {
                self.breakdown_risk = change.value(self.breakdown_risk, 0.0).clamp(0.0, 1.0);
                continue;
            }
            let Some(side) = event.party else { continue };
            let s = idx(side);
            if key == Key::LapseCost {
                let old = self.lapse_cost[s];
                let new = change.value(old, 0.0).max(0.0);
                self.lapse_offset[s] += (old - new) * months;
                self.lapse_cost[s] = new;
                continue;
            }
            let p = &mut self.parties[s];
            let value = |x: f64| change.value(x, x);
            let optional = |x: Option<f64>| change.limit(x);
            match key {
                Key::Opening => p.opening = value(p.opening),
                Key::Reservation => p.reservation = value(p.reservation),
                Key::Discount => p.discount = value(p.discount).clamp(f64::MIN_POSITIVE, 1.0),
                Key::Ratification => p.ratification = optional(p.ratification),
                Key::OutsideOption => p.outside_option = optional(p.outside_option),
                Key::LapseCost | Key::BreakdownRisk | Key::RoundMonths => {}
            }
        }
    }

    /// What no deal has cost `side` by a round with `months` of lapse (the expression of
    /// [`Calendar::lapse_cost_at`] when no lapse cost has changed).
    pub(crate) fn lapse(&self, side: Side, months: f64) -> f64 {
        let s = idx(side);
        self.lapse_cost[s] * months + self.lapse_offset[s]
    }

    /// The party on `side` with its reservation and outside option moved by the lapse at
    /// a round with `months` of lapse (as [`Calendar::shifted`]).
    pub(crate) fn shifted(&self, side: Side, months: f64) -> Party {
        let shift = -side.sign() * self.lapse(side, months);
        let mut p = self.party(side).clone();
        p.reservation += shift;
        p.outside_option = p.outside_option.map(|w| w + shift);
        p
    }
}

/// A closed-form `model`'s outcome under a calendar and a timeline (see the module docs).
fn closed_form_in(n: &Negotiation, cal: &Calendar, tl: &Timeline, model: Model) -> Outcome {
    let total = cal.total_rounds(n.protocol.max_rounds).max(1);
    let mut state = InForce::new(n, cal);
    let events = tl.events();
    let mut next = 0;
    let mut at = n.clone();
    for round in 0..total {
        while let Some(e) = events.get(next).filter(|e| e.round <= round) {
            state.apply(e, cal.lapse_months(e.round));
            next += 1;
        }
        let months = cal.lapse_months(round);
        at.payee = state.shifted(Side::Payee, months);
        at.payer = state.shifted(Side::Payer, months);
        at.protocol.breakdown_risk = state.breakdown_risk;
        at.protocol.max_rounds = if cal.pace.is_fixed() {
            total - round
        } else {
            // The rounds left on the calendar as known at this round.
            let known = cal.through(round).total_rounds(n.protocol.max_rounds);
            known.saturating_sub(round).max(1)
        };
        let mut o = closed_form::outcome(&at, model);
        o.round = round + 1;
        match (tl.on_veto, o.kind) {
            (_, OutcomeKind::Deal) | (OnVeto::End, OutcomeKind::NotRatified) => return o,
            _ => {}
        }
    }
    Outcome {
        kind: OutcomeKind::NoZone,
        amount: None,
        round: total,
        accepted_by: None,
    }
}

#[cfg(test)]
mod tests;
