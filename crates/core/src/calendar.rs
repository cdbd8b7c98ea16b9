//! The negotiation calendar: rounds on dates, the expiry of the current agreement, the
//! lapse after it and talks that go on until an end date.
//!
//! A [`Calendar`] is one trial's calendar in days counted from the first round (day 0):
//! round `r` (0-based) falls on day `⌊r · round_months · 30.436875⌋` (a calendar month
//! is the mean Gregorian month, 365.2425 / 12 days). A dated event may change the pace
//! ([`Pace`]): from the first round `r₀` on or after its day, round `r` falls on day
//! `day(r₀) + ⌊(r − r₀) · new_months · 30.436875⌋` (piecewise, in a fixed-capacity list;
//! without a change the calendar computes exactly the fixed pace). The rounds on or before the expiry
//! day are the horizon the negotiators plan for (their relative time runs against it);
//! after it the talks go on, round after round, until the end day (or breakdown).
//!
//! **Lapse costs.** Each month without an agreement after the expiry makes no deal
//! costlier for a party by its `lapse_cost` (in the unit of the amount). A payer whose
//! walk-away value is `r` (it signs anything `≤ r`) and who loses `c` a month while the
//! agreement lapses is, after `L` months of lapse, indifferent between no deal and a deal
//! at `r + c·L`: its effective reservation rises. A payee's falls to `r − c·L`. Both the
//! reservation and an outside option move (both measure what no deal is worth), so the
//! zone of agreement widens by `(c_payee + c_payer)` a month of lapse.
//!
//! **Models.** Closed forms (complete information) strike the deal in the first round
//! whose widened zone is non-empty, splitting that zone as they split the zone without a
//! calendar (both reached through
//! [`Negotiation::outcome_with`](crate::Negotiation::outcome_with)). Agents plan to the
//! expiry with their own strategy; after it each keeps conceding toward its moving
//! effective reservation: it accepts any standing offer at least as good as that
//! reservation and otherwise offers it (on the grid, rounded in its own favour). A hardliner stays one. The optional end-game
//! acceptance ([`Calendar::end_game`]) is Baarslag et al.'s `AC_combi(T, MAX^T)`.

use crate::closed_form;
use crate::model::{Model, Negotiation};
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::protocol::Grid;
use crate::strategy::{Action, StrategySpec};

/// Days in a calendar month (the mean Gregorian month, 365.2425 / 12).
pub const DAYS_PER_MONTH: f64 = 30.436_875;

/// Most rounds a calendar may hold (scenario validation rejects more).
pub const MAX_CALENDAR_ROUNDS: u32 = 10_000;

/// Most changes of pace a calendar holds (scenario validation rejects more).
pub const MAX_PACE_CHANGES: usize = 4;

/// One change of the rounds' pace: from `round` (0-based, on `day`) on, rounds are
/// `round_months` apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceChange {
    /// The first round at the new pace (it keeps its day under the pace before).
    pub round: u32,
    /// The day of `round`.
    pub day: u32,
    /// Calendar months between rounds from `round` on (> 0).
    pub round_months: f64,
}

/// The changes of a calendar's pace, ordered by round, in a fixed-capacity array (no
/// heap). Empty: the calendar keeps its `round_months` throughout.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    changes: [PaceChange; MAX_PACE_CHANGES],
    len: u8,
}

/// Two paces are equal when their changes are (not the unused slots).
impl PartialEq for Pace {
    fn eq(&self, other: &Self) -> bool {
        self.changes() == other.changes()
    }
}

impl Default for Pace {
    fn default() -> Self {
        Self::FIXED
    }
}

impl Pace {
    /// No change of pace.
    pub const FIXED: Pace = Pace {
        changes: [PaceChange {
            round: 0,
            day: 0,
            round_months: 1.0,
        }; MAX_PACE_CHANGES],
        len: 0,
    };

    /// The changes, ordered by round.
    #[must_use]
    pub fn changes(&self) -> &[PaceChange] {
        &self.changes[..usize::from(self.len)]
    }

    /// Whether the pace never changes.
    #[must_use]
    pub fn is_fixed(&self) -> bool {
        self.len == 0
    }

    /// The last change at or before `round`, if any.
    #[inline]
    fn at(&self, round: u32) -> Option<&PaceChange> {
        self.changes().iter().rev().find(|c| c.round <= round)
    }
}

/// One trial's calendar, in days from the first round.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Calendar {
    /// Calendar months between rounds (> 0).
    pub round_months: f64,
    /// The last day (from the first round, > 0) on which the current agreement holds.
    pub expiry_day: u32,
    /// The last day on which talks may be held, if any; without it the protocol's
    /// `max_rounds` counts all rounds (before and after the expiry).
    pub end_day: Option<u32>,
    /// Cost of a month of lapse, per party: `[payee, payer]` (≥ 0).
    pub lapse_cost: [f64; 2],
    /// End-game acceptance per party (`[payee, payer]`): from this relative time of the
    /// planning horizon on, accept a standing offer that is the best the opponent has
    /// made so far and clears the current effective reservation. `None`: off (NegMAS).
    pub end_game: [Option<f64>; 2],
    /// Changes of the pace by dated events ([`Pace::FIXED`]: none; set through
    /// [`Calendar::change_pace`]).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub pace: Pace,
}

/// `⌊k · months · 30.436875⌋` saturated to `u32`: the day of the `k`-th round at a fixed
/// pace.
#[inline]
fn steps(k: u32, months: f64) -> u32 {
    // `⌊x⌋` saturated to `u32`, without a call to `floor` (software on the baseline
    // x86-64 target): for `x < u32::MAX` the cast truncates toward zero, which is the
    // floor for `x ≥ 0` and 0 (as the saturated floor) below; `⌊x⌋ < u32::MAX` exactly
    // when `x < u32::MAX` (an integer), and NaN fails the test as before.
    let x = f64::from(k) * months * DAYS_PER_MONTH;
    if x < f64::from(u32::MAX) {
        x as u32
    } else {
        u32::MAX
    }
}

/// Number of `k ≥ 0` with `steps(k, months) ≤ last` (at least 1), at most
/// [`MAX_CALENDAR_ROUNDS`] + 1.
#[inline]
fn fixed_rounds_until(months: f64, last: u32) -> u32 {
    let per = months * DAYS_PER_MONTH;
    let guess = ((f64::from(last) + 1.0) / per).ceil();
    let mut k = if guess.is_finite() && guess >= 1.0 {
        guess.min(f64::from(MAX_CALENDAR_ROUNDS) + 1.0) as u32
    } else {
        1
    };
    while k > 1 && steps(k - 1, months) > last {
        k -= 1;
    }
    while k <= MAX_CALENDAR_ROUNDS && steps(k, months) <= last {
        k += 1;
    }
    k.max(1)
}

fn slot(side: Side) -> usize {
    match side {
        Side::Payee => 0,
        Side::Payer => 1,
    }
}

impl Calendar {
    /// Day (from the first round) of round `round` (0-based).
    #[must_use]
    #[inline]
    pub fn day(&self, round: u32) -> u32 {
        if self.pace.is_fixed() {
            return steps(round, self.round_months);
        }
        match self.pace.at(round) {
            Some(c) => c.day.saturating_add(steps(round - c.round, c.round_months)),
            None => steps(round, self.round_months),
        }
    }

    /// Number of rounds `r ≥ 0` with `day(r) ≤ last` (at least 1: round 0 is day 0).
    #[must_use]
    pub fn rounds_until(&self, last: u32) -> u32 {
        if self.pace.is_fixed() {
            return fixed_rounds_until(self.round_months, last);
        }
        // Days rise with rounds: the rounds up to `last` end in the segment of the last
        // change on or before it.
        match self.pace.changes().iter().rev().find(|c| c.day <= last) {
            Some(c) => c
                .round
                .saturating_add(fixed_rounds_until(c.round_months, last - c.day)),
            None => fixed_rounds_until(self.round_months, last),
        }
    }

    /// Calendar months between round `round` and the next.
    #[must_use]
    pub fn months_at(&self, round: u32) -> f64 {
        self.pace
            .at(round)
            .map_or(self.round_months, |c| c.round_months)
    }

    /// Change the pace to `round_months` from the first round on or after `day` on (that
    /// round keeps its day). Changes must come in the order of their days; one at the
    /// same round as the last replaces it. `false` (nothing changed) when the list is
    /// full.
    pub fn change_pace(&mut self, day: u32, round_months: f64) -> bool {
        let round = if day == 0 {
            0
        } else {
            self.rounds_until(day - 1)
        };
        let change = PaceChange {
            round,
            day: self.day(round),
            round_months,
        };
        let len = usize::from(self.pace.len);
        if len > 0 && self.pace.changes[len - 1].round >= round {
            self.pace.changes[len - 1] = PaceChange {
                round: self.pace.changes[len - 1].round,
                ..change
            };
            return true;
        }
        let Some(slot) = self.pace.changes.get_mut(len) else {
            return false;
        };
        *slot = change;
        self.pace.len += 1;
        true
    }

    /// This calendar as known at round `round`: the changes of pace that took effect
    /// by then, not the later ones (what a party planning at `round` knows).
    #[must_use]
    pub fn through(&self, round: u32) -> Calendar {
        let mut c = *self;
        let kept = self
            .pace
            .changes()
            .iter()
            .filter(|c| c.round <= round)
            .count();
        c.pace.len = u8::try_from(kept).unwrap_or(c.pace.len);
        c
    }

    /// Rounds on or before the expiry day: the horizon the negotiators plan for.
    #[must_use]
    pub fn expiry_rounds(&self) -> u32 {
        self.rounds_until(self.expiry_day)
    }

    /// All rounds of the talks: those on or before the end day, or `max_rounds` without
    /// one; at most [`MAX_CALENDAR_ROUNDS`].
    #[must_use]
    pub fn total_rounds(&self, max_rounds: u32) -> u32 {
        match self.end_day {
            Some(end) => self.rounds_until(end),
            None => max_rounds,
        }
        .min(MAX_CALENDAR_ROUNDS)
    }

    /// Months of lapse at round `round` (0 on or before the expiry day).
    #[must_use]
    pub fn lapse_months(&self, round: u32) -> f64 {
        let d = self.day(round);
        if d > self.expiry_day {
            f64::from(d - self.expiry_day) / DAYS_PER_MONTH
        } else {
            0.0
        }
    }

    /// How much no deal has cost `side` by round `round` (per unit of amount).
    #[must_use]
    pub fn lapse_cost_at(&self, side: Side, round: u32) -> f64 {
        self.lapse_cost[slot(side)] * self.lapse_months(round)
    }

    /// `party` with its reservation and outside option moved by the lapse at `round`.
    #[must_use]
    pub fn shifted(&self, party: &Party, round: u32) -> Party {
        let shift = -party.side.sign() * self.lapse_cost_at(party.side, round);
        let mut p = party.clone();
        p.reservation += shift;
        p.outside_option = p.outside_option.map(|w| w + shift);
        p
    }

    /// The effective reservation of `party` at `round`, moved by the lapse.
    #[must_use]
    pub fn reservation(&self, party: &Party, round: u32) -> f64 {
        party.effective_reservation() - party.side.sign() * self.lapse_cost_at(party.side, round)
    }
}

/// The first planning round (0-based, below `horizon`) whose relative time
/// `τ = (r+1)/(horizon+1)` reaches `after`, or `horizon` when none does (or `after` is
/// `None` or NaN): from that round on a party's end game may accept.
///
/// `τ` is evaluated by the very expression of the end-game test and is non-decreasing in
/// the round (a correctly rounded division of increasing integers by one divisor), so
/// `τ ≥ after` holds exactly from the returned round on: a binary search finds it.
pub(crate) fn end_game_start(after: Option<f64>, horizon: u32) -> u32 {
    let Some(after) = after else {
        return horizon;
    };
    let reached = |round: u32| f64::from(round + 1) / f64::from(horizon + 1) >= after;
    let (mut lo, mut hi) = (0, horizon);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Whether `party`'s end game accepts the standing offer `standing` in planning round
/// `round` (at or after its [`end_game_start`]): it is the best the opponent has made so
/// far (`best_seen`, for `party`) and clears the effective reservation of the round.
pub(crate) fn end_game_accepts(
    cal: &Calendar,
    party: &Party,
    round: u32,
    standing: Option<f64>,
    best_seen: Option<f64>,
) -> bool {
    let side = party.side;
    match (standing, best_seen) {
        (Some(s), Some(best)) => {
            side.at_least_as_good(s, best)
                && side.at_least_as_good(s, cal.reservation(party, round))
        }
        _ => false,
    }
}

/// One side's moves after the expiry, with its per-trial constants hoisted: it accepts
/// any standing offer at least as good as its effective reservation moved by the lapse
/// and otherwise offers that reservation (on the grid, rounded in its own favour).
///
/// Every value is computed by the expressions of [`Calendar::reservation`] and
/// [`crate::strategy::snap`], in the same order: the moves are bit-identical to them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LapseMover {
    side: Side,
    /// [`Party::effective_reservation`].
    base: f64,
    /// [`Side::sign`].
    sign: f64,
    /// The side's cost of a month of lapse.
    cost: f64,
    /// A hardliner stays one: its strategy keeps deciding.
    hardliner: bool,
}

impl LapseMover {
    pub(crate) fn new(cal: &Calendar, party: &Party) -> Self {
        Self {
            side: party.side,
            base: party.effective_reservation(),
            sign: party.side.sign(),
            cost: cal.lapse_cost[slot(party.side)],
            hardliner: matches!(party.strategy, StrategySpec::Hardliner),
        }
    }

    /// Whether the side's own strategy decides (a hardliner) instead of [`Self::decide`].
    pub(crate) fn keeps_strategy(&self) -> bool {
        self.hardliner
    }

    /// The move after `months` of lapse ([`Calendar::lapse_months`] of the round).
    #[inline]
    pub(crate) fn decide(&self, months: f64, standing: Option<f64>, grid: &GridSearch) -> Action {
        let rho = self.base - self.sign * (self.cost * months);
        match standing {
            Some(s) if self.side.at_least_as_good(s, rho) => Action::Accept,
            _ => Action::Offer(grid.snap(self.side, rho, rho)),
        }
    }
}

/// An offer grid (if any) with its last index and step reciprocal computed once, for
/// snapping many amounts: [`GridSearch::snap`] returns what
/// [`crate::strategy::snap`] returns, bit for bit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GridSearch {
    grid: Option<Grid>,
    /// `grid.len() − 1`.
    last: u64,
    /// `1 / step`, only to seed the searches.
    inv_step: f64,
    /// Whether the points `lo + k·step` are finite and non-decreasing in `k` (a finite
    /// `lo`, a finite `step > 0`), so the fast searches apply; otherwise the plain
    /// [`Grid`] methods are used.
    monotone: bool,
}

impl GridSearch {
    pub(crate) fn new(grid: Option<Grid>) -> Self {
        match grid {
            None => Self {
                grid,
                last: 0,
                inv_step: 0.0,
                monotone: false,
            },
            Some(g) => Self {
                grid,
                last: g.len() - 1,
                inv_step: 1.0 / g.step,
                monotone: g.lo.is_finite() && g.step.is_finite() && g.step > 0.0,
            },
        }
    }

    /// [`crate::strategy::snap`]`(side, grid, reservation, amount)`.
    #[inline]
    pub(crate) fn snap(&self, side: Side, reservation: f64, amount: f64) -> f64 {
        let amount = side.better(amount, reservation);
        match self.grid {
            None => amount,
            Some(g) if self.monotone => self.snap_toward(g, side, amount, reservation),
            Some(g) => g.snap_toward(side, amount, reservation),
        }
    }

    /// [`Grid::snap_toward`], with its index searches done by [`Self::ceil_index`] and
    /// [`Self::floor_index`].
    fn snap_toward(&self, g: Grid, side: Side, amount: f64, reservation: f64) -> f64 {
        let (found, extreme) = match side {
            Side::Payee => (self.ceil_index(g, amount), self.last),
            Side::Payer => (self.floor_index(g, amount), 0),
        };
        match found {
            Some(k) => g.point(k),
            None => {
                let p = g.point(extreme);
                if side.at_least_as_good(p, reservation) {
                    p
                } else {
                    amount
                }
            }
        }
    }

    /// An index near `x` (`x ≥ lo`), within the grid: where the exact searches start.
    fn near(&self, g: Grid, x: f64) -> u64 {
        // `as` saturates, so any `x ≥ lo` gives an index; `min` keeps it on the grid.
        (((x - g.lo) * self.inv_step) as u64).min(self.last)
    }

    /// [`Grid::ceil_index`]: the smallest `k ≤ last` with `point(k) ≥ x`. The points are
    /// non-decreasing in `k`, so that index is unique and any exact search finds it.
    fn ceil_index(&self, g: Grid, x: f64) -> Option<u64> {
        if x <= g.lo {
            return Some(0);
        }
        // None when no point reaches `x` (or `x` is NaN), as the plain search.
        let top = g.point(self.last);
        if !matches!(
            top.partial_cmp(&x),
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ) {
            return None;
        }
        let mut k = self.near(g, x);
        while k > 0 && g.point(k - 1) >= x {
            k -= 1;
        }
        while g.point(k) < x {
            k += 1;
        }
        Some(k)
    }

    /// [`Grid::floor_index`]: the largest `k ≤ last` with `point(k) ≤ x` (unique, as
    /// above).
    fn floor_index(&self, g: Grid, x: f64) -> Option<u64> {
        if x < g.lo || x.is_nan() {
            return None;
        }
        let mut k = self.near(g, x);
        while k < self.last && g.point(k + 1) <= x {
            k += 1;
        }
        // `point(0)` is `lo ≤ x`: the walk stops there at the latest.
        while k > 0 && g.point(k) > x {
            k -= 1;
        }
        Some(k)
    }
}

/// The outcome of a closed-form `model` under the negotiation's calendar: the first round
/// whose zone, widened by the lapse costs so far, is non-empty; the model splits that
/// round's zone. When no round before the end opens a zone the answer is `no_zone`
/// (recorded at the last round).
pub(crate) fn outcome_closed_form(n: &Negotiation, cal: &Calendar, model: Model) -> Outcome {
    let total = cal.total_rounds(n.protocol.max_rounds).max(1);
    let at = |round: u32| {
        let mut shifted = n.clone();
        shifted.payee = cal.shifted(&n.payee, round);
        shifted.payer = cal.shifted(&n.payer, round);
        shifted.protocol.max_rounds = total - round;
        let mut o = closed_form::outcome(&shifted, model);
        o.round = round + 1;
        o
    };
    let first = at(0);
    if first.kind != OutcomeKind::NoZone {
        return first;
    }
    // The zone (on the models' plain or effective reservations) opens once the lapse
    // has covered the gap: start from the first round whose lapse could, and walk on.
    let gap = closed_form::reservation(&n.payee, model) - closed_form::reservation(&n.payer, model);
    let widening = cal.lapse_cost[0] + cal.lapse_cost[1];
    if widening.is_nan() || widening <= 0.0 {
        return Outcome {
            round: total,
            ..first
        };
    }
    let need_days = (gap.max(0.0) / widening * DAYS_PER_MONTH).floor();
    let mut round = if need_days < f64::from(u32::MAX - cal.expiry_day) {
        cal.rounds_until(cal.expiry_day + need_days as u32)
            .saturating_sub(1)
    } else {
        total
    };
    while round < total {
        let o = at(round);
        if o.kind != OutcomeKind::NoZone {
            return o;
        }
        round += 1;
    }
    Outcome {
        round: total,
        ..first
    }
}

#[cfg(test)]
mod tests;
