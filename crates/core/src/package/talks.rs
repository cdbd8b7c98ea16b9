//! Package talks under the one-issue rules that NegMAS's SAO loop does not have: a
//! calendar (negotiators plan to the expiry; after it each concedes toward its
//! reservation moved by the lapse), a breakdown risk after each rejected offer, and the
//! principals' ratification limits on the amount issue; and the closed forms under the
//! calendar rule of one-issue scenarios.
//!
//! **Lapse costs on packages.** A scenario gives each party's `lapse_cost` in the unit of
//! the amount issue per month of lapse, as one-issue files do. It becomes a utility cost
//! through the party's utility of the amount issue: a unit of amount is worth
//! `w · |v(hi) − v(lo)| / (hi − lo)` to it ([`utility_per_unit`]: its weight on the
//! amount issue times the mean slope of its value function over the issue's range;
//! exact for `increasing` and `decreasing`), so after `L` months of lapse its
//! reservation utility is `reservation − lapse_cost · utility_per_unit · L`: no deal is
//! worth less, as a one-issue payer's reservation rises by `lapse_cost · L`.
//!
//! **Agents** ([`negotiate_talks`]): the negotiators are built for the planning horizon
//! (the rounds up to the expiry, [`Rules::rounds`]); from the horizon on each party's
//! [`LapseMover`] moves instead (a hardliner's negotiator keeps deciding): it accepts a
//! standing offer worth at least its moving reservation, and otherwise offers the
//! outcome it likes least among those worth at least that reservation (its best outcome
//! when none is). After each rejected offer (an offer made while another stands) the
//! talks break down with probability `breakdown_risk`, one uniform draw per rejection
//! (none when the risk is 0). A party with an [`EndGame`] (the calendar's `end_game`,
//! Baarslag et al.'s `AC_combi(T, MAX^T)` as in one-issue files) accepts, in a planning
//! round from relative time `T` of the horizon on, a standing offer that is the best
//! (for itself) the other side has made so far and worth at least its reservation. An accepted outcome whose amount lies beyond a party's
//! ratification limit ends `not_ratified`: negotiators do not know their limit.
//!
//! **Closed forms** ([`closed_form`]): strike at the first round whose zone — the
//! outcomes rational for both under the reservations moved by the lapse so far — is
//! non-empty (round 1 without a calendar; `no_zone` when no round before the end opens
//! one). In that round the model chooses among the rational outcomes within both
//! ratification limits (complete information: the principals' limits are known); when
//! none is ratifiable, its choice among all rational outcomes ends `not_ratified`. This
//! is the rule of one-issue closed forms (`crate::calendar`, `closed_form.rs`).

use rand::{Rng, RngExt};

use super::aspiration::{Decision, Negotiator, PackageOffer, Turn};
use super::preferences::Preferences;
use super::solutions::{ParetoFrontier, Solution};
use super::sorted::SortedOutcomes;
use super::space::OutcomeSpace;
use crate::calendar::Calendar;
use crate::outcome::OutcomeKind;

/// A principal's limit on the amount issue of a package.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratification {
    /// The limit, in the unit of the amount issue.
    pub limit: f64,
    /// `true`: a floor (a party that prefers more ratifies no amount below it);
    /// `false`: a ceiling (a party that prefers less ratifies no amount above it).
    pub floor: bool,
}

impl Ratification {
    /// Whether the principal ratifies a deal of `amount`.
    ///
    /// ```
    /// use bargain_core::package::talks::Ratification;
    /// let floor = Ratification { limit: 1.0, floor: true };
    /// assert!(floor.ratifies(1.0) && !floor.ratifies(0.9));
    /// ```
    #[must_use]
    pub fn ratifies(self, amount: f64) -> bool {
        if self.floor {
            amount >= self.limit
        } else {
            amount <= self.limit
        }
    }
}

/// What a unit of the amount issue `j` is worth to a party, in utility: its weight on
/// the issue times `|v(hi) − v(lo)| / (hi − lo)`, the mean slope of its value function
/// over the issue's range. 0 for an issue without a numeric range or of one value.
///
/// ```
/// use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
/// use bargain_core::package::space::{Issue, OutcomeSpace};
/// use bargain_core::package::talks::utility_per_unit;
/// let space = OutcomeSpace::new(vec![Issue::number("amount", 1.0, 3.0, Some(0.5))]).unwrap();
/// let prefs = Preferences {
///     utility: LinearAdditive { weights: vec![0.5], values: vec![ValueFunction::Decreasing] },
///     reservation: 0.0,
///     discount: 1.0,
/// };
/// assert_eq!(utility_per_unit(&prefs, &space, 0), 0.25); // 0.5 · 1 / (3 − 1)
/// ```
#[must_use]
pub fn utility_per_unit(prefs: &Preferences, space: &OutcomeSpace, j: usize) -> f64 {
    let Some((lo, hi)) = space.issues().get(j).and_then(|i| i.range()) else {
        return 0.0;
    };
    let (Some(f), Some(&w)) = (prefs.utility.values.get(j), prefs.utility.weights.get(j)) else {
        return 0.0;
    };
    if hi <= lo {
        return 0.0;
    }
    let rise = f.at(hi, (lo, hi)) - f.at(lo, (lo, hi));
    let per = w * rise.abs() / (hi - lo);
    if per.is_finite() { per } else { 0.0 }
}

/// The rules of one package negotiation besides the negotiators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Rounds without a calendar (NegMAS's `n_steps`); with a calendar and no end, all
    /// rounds before and after the expiry.
    pub max_rounds: u32,
    /// The calendar, if any. **On packages `lapse_cost` is per party in utility per
    /// month, slot 0 the first mover and 1 the second** ([`utility_per_unit`] times the
    /// scenario's cost in amount units); `end_game` is not read.
    pub calendar: Option<Calendar>,
    /// Probability in [0, 1] that the talks collapse after each rejected offer.
    pub breakdown_risk: f64,
}

impl Rules {
    /// Plain SAO rules: `max_rounds` rounds, no calendar, no breakdown.
    #[must_use]
    pub fn plain(max_rounds: u32) -> Self {
        Self {
            max_rounds,
            calendar: None,
            breakdown_risk: 0.0,
        }
    }

    /// `(horizon, total)`: the rounds the negotiators plan for (those up to the expiry)
    /// and all rounds of the talks; both `max_rounds` without a calendar.
    #[must_use]
    pub fn rounds(&self) -> (u32, u32) {
        match &self.calendar {
            None => (self.max_rounds, self.max_rounds),
            Some(c) => {
                let total = c.total_rounds(self.max_rounds);
                (c.expiry_rounds().min(total), total)
            }
        }
    }

    /// Party `i`'s (0 first mover, 1 second) reservation utility in round `round`
    /// (0-based), `reservation` moved by the lapse so far.
    #[must_use]
    pub fn reservation(&self, i: usize, reservation: f64, round: u32) -> f64 {
        match &self.calendar {
            None => reservation,
            Some(c) => reservation - c.lapse_cost[i] * c.lapse_months(round),
        }
    }
}

/// How one package negotiation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageEnd {
    /// `deal`, `not_ratified`, `breakdown`, `deadline` or `no_zone`.
    pub kind: OutcomeKind,
    /// The accepted outcome (a deal, or a deal the principals refused).
    pub outcome: Option<u32>,
    /// The 1-based round in which the talks ended (the last round on a deadline or
    /// `no_zone` under a calendar; 1 for `no_zone` without one).
    pub round: u32,
}

/// One party's moves after the expiry: it accepts a standing offer worth at least its
/// reservation moved by the lapse, and otherwise offers the outcome it likes least among
/// those worth at least that (its best outcome when none is). Allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct LapseMover<'a> {
    sorted: &'a SortedOutcomes,
    reservation: f64,
    /// Utility lost per month of lapse.
    per_month: f64,
}

impl<'a> LapseMover<'a> {
    /// The lapse moves of a party with these sorted outcomes, reservation utility and
    /// cost of a month of lapse in utility.
    #[must_use]
    pub fn new(sorted: &'a SortedOutcomes, reservation: f64, per_month: f64) -> Self {
        Self {
            sorted,
            reservation,
            per_month,
        }
    }

    /// The move after `months` of lapse.
    #[must_use]
    pub fn decide(&self, months: f64, standing: Option<u32>) -> Decision {
        let rho = self.reservation - self.per_month * months;
        match standing {
            Some(o) if self.sorted.utility(o) >= rho => Decision::Accept,
            _ => {
                let n = self.sorted.len();
                let p = self.sorted.first_at_least(rho).min(n.saturating_sub(1));
                Decision::Offer(self.sorted.order()[p])
            }
        }
    }
}

/// A party's end-game acceptance in the planning rounds: from the first round whose
/// relative time `τ = (r+1)/(horizon+1)` reaches `after`, it accepts a standing offer
/// that is the best (for itself) the other side has made so far and worth at least its
/// reservation. Allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct EndGame<'a> {
    sorted: &'a SortedOutcomes,
    reservation: f64,
    /// The first planning round of the end game.
    from: u32,
}

impl<'a> EndGame<'a> {
    /// The end game from relative time `after` of a `horizon`-round planning horizon.
    #[must_use]
    pub fn new(sorted: &'a SortedOutcomes, reservation: f64, after: f64, horizon: u32) -> Self {
        Self {
            sorted,
            reservation,
            from: crate::calendar::end_game_start(Some(after), horizon),
        }
    }

    /// The first planning round in which it may accept.
    #[must_use]
    pub fn from(&self) -> u32 {
        self.from
    }
}

/// The SAO loop of [`super::aspiration::negotiate`] under `rules`: `first` and `second`
/// (built for the planning horizon of [`Rules::rounds`]) decide the planning rounds;
/// from the horizon on, a party with a [`LapseMover`] in `lapse` moves by it (`None`: its
/// negotiator keeps deciding, as a hardliner does); in the planning rounds a party with
/// an [`EndGame`] in `end_game` checks it before its negotiator. Every rejection draws from `rng` when
/// `rules.breakdown_risk > 0`; an accepted outcome that `ratified` refuses ends
/// `not_ratified`. Records every offer into `trace` when given (the only allocation).
/// With [`Rules::plain`], no lapse and everything ratified, the moves and the deal are
/// those of [`super::aspiration::negotiate`].
#[allow(clippy::too_many_arguments)]
pub fn negotiate_talks<A, B, R>(
    mut first: A,
    mut second: B,
    lapse: [Option<LapseMover<'_>>; 2],
    end_game: [Option<EndGame<'_>>; 2],
    rules: &Rules,
    ratified: impl Fn(u32) -> bool,
    rng: &mut R,
    mut trace: Option<&mut Vec<PackageOffer>>,
) -> PackageEnd
where
    A: Negotiator,
    B: Negotiator,
    R: Rng + ?Sized,
{
    let (horizon, total) = rules.rounds();
    let risk = rules.breakdown_risk;
    let mut standing: Option<u32> = None;
    // The best utility each party has been offered so far (read by its end game only).
    let mut best = [f64::NEG_INFINITY; 2];
    for step in 0..total {
        let months = match (&rules.calendar, step >= horizon) {
            (Some(c), true) => c.lapse_months(step),
            _ => 0.0,
        };
        for by in 0..2u8 {
            let at = Turn { step, by };
            let mover = if step >= horizon {
                lapse[usize::from(by)].as_ref()
            } else {
                None
            };
            let me = usize::from(by);
            let ends = match (&end_game[me], standing) {
                (Some(e), Some(o)) if step < horizon && step >= e.from => {
                    let u = e.sorted.utility(o);
                    u >= best[me] && u >= e.reservation
                }
                _ => false,
            };
            let decision = match (mover, by) {
                _ if ends => Decision::Accept,
                (Some(m), _) => m.decide(months, standing),
                (None, 0) => first.decide(at, standing),
                (None, _) => second.decide(at, standing),
            };
            match (decision, standing) {
                (Decision::Accept, Some(offer)) => {
                    let kind = if ratified(offer) {
                        OutcomeKind::Deal
                    } else {
                        OutcomeKind::NotRatified
                    };
                    return PackageEnd {
                        kind,
                        outcome: Some(offer),
                        round: step + 1,
                    };
                }
                // Accepting with nothing standing breaks the trait's contract: no deal.
                (Decision::Accept, None) => break,
                (Decision::Offer(o), before) => {
                    standing = Some(o);
                    if let Some(e) = &end_game[1 - me] {
                        best[1 - me] = best[1 - me].max(e.sorted.utility(o));
                    }
                    if let Some(t) = trace.as_deref_mut() {
                        t.push(PackageOffer {
                            step,
                            by,
                            outcome: o,
                        });
                    }
                    if before.is_some() && risk > 0.0 && rng.random::<f64>() < risk {
                        return PackageEnd {
                            kind: OutcomeKind::Breakdown,
                            outcome: None,
                            round: step + 1,
                        };
                    }
                }
            }
        }
    }
    PackageEnd {
        kind: OutcomeKind::Deadline,
        outcome: None,
        round: total,
    }
}

/// A closed form on a package under `rules` (see the module docs): `solve` is the
/// model's choice on a frontier at reservations `(ra, rb)` (e.g.
/// [`ParetoFrontier::nash`]); `ratifiable` is the frontier of the outcomes within both
/// ratification limits (`None` without limits); `reservations` the parties' reservation
/// utilities before any lapse. The first open round is found by bisection (the zone only
/// widens as the lapse grows), so the cost is `O(log rounds · log frontier)` plus one
/// solution.
pub fn closed_form(
    frontier: &ParetoFrontier,
    ratifiable: Option<&ParetoFrontier>,
    reservations: [f64; 2],
    rules: &Rules,
    solve: impl Fn(&ParetoFrontier, f64, f64) -> Option<Solution>,
) -> PackageEnd {
    let at = |r: u32| {
        (
            rules.reservation(0, reservations[0], r),
            rules.reservation(1, reservations[1], r),
        )
    };
    let open = |r: u32| {
        let (ra, rb) = at(r);
        let (start, end) = frontier.rational(ra, rb);
        start < end
    };
    let no_zone = |round| PackageEnd {
        kind: OutcomeKind::NoZone,
        outcome: None,
        round,
    };
    let round = if open(0) {
        0
    } else {
        let Some(c) = &rules.calendar else {
            return no_zone(1);
        };
        let total = c.total_rounds(rules.max_rounds).max(1);
        if !open(total - 1) {
            return no_zone(total);
        }
        // The first open round in (0, total − 1]: `open` is monotone in the round.
        let (mut lo, mut hi) = (1, total - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if open(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    let (ra, rb) = at(round);
    let (kind, choice) = match ratifiable {
        None => (OutcomeKind::Deal, solve(frontier, ra, rb)),
        Some(rf) => match solve(rf, ra, rb) {
            Some(s) => (OutcomeKind::Deal, Some(s)),
            None => (OutcomeKind::NotRatified, solve(frontier, ra, rb)),
        },
    };
    match choice {
        Some(s) => PackageEnd {
            kind,
            outcome: Some(s.outcome),
            round: round + 1,
        },
        None => no_zone(round + 1),
    }
}
