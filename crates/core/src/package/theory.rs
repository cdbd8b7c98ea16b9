//! The strategic closed forms on packages — Rubinstein (1982), Ståhl (1972) and
//! Binmore, Rubinstein & Wolinsky (1986) — where the amount issue is a transferable good
//! (derivation: `docs/theory.md`, "Strategic closed forms on packages").
//!
//! **Where the theory extends.** Each party's value of the `amount` issue is a line in the
//! amount over the issue's range (`increasing`, `decreasing`, or `points` on one line from
//! `lo` to `hi`), rising for one party (the payee) and falling for the other (the payer).
//! Then a unit of amount is worth `k_i = w_i·|slope_i|` utility to party `i`, and a package
//! `(y, x)` (`y` the values of the other issues, `x` the amount) is worth, in amount
//! units, `x − x_payee(y)` to the payee and `x_payer(y) − x` to the payer over their
//! reservations, with `x_i(y)` the party's reservation converted to an amount given `y`
//! ([`Transfer::reservation_amount`]). Their sum, the money surplus
//! `S(y) = x_payer(y) − x_payee(y)`, does not depend on `x`: a package is Pareto-efficient
//! exactly when its `y` maximizes `S`, and the bargaining over `x` is the one-issue game on
//! the zone `[x_payee(y), x_payer(y)]`.
//!
//! **The solution** ([`Transfer::solve`]): among the rational outcomes of the frontier,
//! the combination `y*` of largest `S` (ties: the smallest outcome index of the
//! combination); the zone `[x_payee(y*), x_payer(y*)]` cut to the issue's range and the
//! ratification limits; the one-issue share of the proposer (the first mover) mapped onto
//! it exactly as `closed_form.rs` maps it on one issue; the amount snapped to the nearest
//! grid amount that makes a rational, allowed package with `y*` (ties: the smaller
//! amount). Allocates nothing.
//!
//! **Where it does not** ([`NotTransferable`]): no amount issue, a value function on the
//! amount that bends (utility not transferable at one rate), or values of the amount that
//! do not rise for one party and fall for the other. Scenario validation refuses the first
//! two; a trial whose draw breaks the third (a weight drawn 0, a sampled point flipping a
//! slope) is counted `no_zone`, as an empty zone is.

use std::fmt;

use super::preferences::{Preferences, ValueFunction};
use super::solutions::{ParetoFrontier, Solution};
use super::space::OutcomeSpace;
use super::talks::{PackageEnd, Rules, closed_form};
use crate::outcome::OutcomeKind;
use crate::theory::{brw_share, rubinstein_share, stahl_share};

/// Relative tolerance of the collinearity check of a `points` value function.
const LINE_TOLERANCE: f64 = 1e-12;

/// A strategic closed form that runs on packages with a transferable amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitModel {
    /// Rubinstein (1982): the proposer's share `(1 − δ_B)/(1 − δ_A·δ_B)`.
    Rubinstein,
    /// Ståhl (1972): the finite-horizon share, horizon the answerable offers left.
    Stahl,
    /// Binmore, Rubinstein & Wolinsky (1986): the proposer's share `1/(2 − p)` under the
    /// breakdown risk `p` (the disagreement payoffs are the reservations, shares 0).
    Brw,
}

impl SplitModel {
    /// The proposer's share of the zone: `discounts` are the proposer's and the
    /// responder's per-round factors, `horizon` the answerable offers (Ståhl), `risk` the
    /// breakdown risk per rejection (BRW). The one-issue formulas of [`crate::theory`].
    #[must_use]
    pub fn proposer_share(self, discounts: [f64; 2], horizon: u32, risk: f64) -> f64 {
        match self {
            SplitModel::Rubinstein => rubinstein_share(discounts[0], discounts[1]),
            SplitModel::Stahl => stahl_share(horizon.max(1), discounts[0], discounts[1]),
            SplitModel::Brw => brw_share(risk, 0.0, 0.0),
        }
    }
}

/// A party's value of the amount issue as a line over its range:
/// `v(x) = at_lo + slope·(x − lo)`, weighted by `weight` in its utility.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmountLine {
    /// The party's weight on the amount issue.
    pub weight: f64,
    /// The value at the issue's `lo`.
    pub at_lo: f64,
    /// The value's change per unit of amount.
    pub slope: f64,
}

impl AmountLine {
    /// Utility per unit of amount, `weight · slope` (> 0 for a payee, < 0 for a payer).
    #[must_use]
    pub fn per_unit(&self) -> f64 {
        self.weight * self.slope
    }
}

/// The line of `prefs`'s value function on the numeric issue `j`, or `None` when the
/// issue is not numeric (or has one value) or the function is not affine over the
/// issue's range: `increasing` and `decreasing` always are; `points` are when every
/// point lies on the line through the function's values at `lo` and `hi` (relative
/// tolerance 1e-12) — a function flat beyond its first or last point bends there unless
/// that point is at the range's end or the line is flat.
///
/// ```
/// use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
/// use bargain_core::package::space::{Issue, OutcomeSpace};
/// use bargain_core::package::theory::amount_line;
/// let space = OutcomeSpace::new(vec![Issue::number("amount", 1.0, 3.0, Some(0.5))]).unwrap();
/// let with = |f| Preferences {
///     utility: LinearAdditive { weights: vec![1.0], values: vec![f] },
///     reservation: 0.0,
///     discount: 1.0,
/// };
/// let line = amount_line(&with(ValueFunction::Decreasing), &space, 0).unwrap();
/// assert_eq!((line.at_lo, line.slope), (1.0, -0.5));
/// let bent = ValueFunction::Points(vec![(1.0, 0.0), (2.0, 0.8), (3.0, 1.0)]);
/// assert!(amount_line(&with(bent), &space, 0).is_none());
/// ```
#[must_use]
pub fn amount_line(prefs: &Preferences, space: &OutcomeSpace, j: usize) -> Option<AmountLine> {
    let (lo, hi) = space.issues().get(j)?.range()?;
    let f = prefs.utility.values.get(j)?;
    let weight = *prefs.utility.weights.get(j)?;
    if hi <= lo || matches!(f, ValueFunction::Table(_)) {
        return None;
    }
    let (v_lo, v_hi) = (f.at(lo, (lo, hi)), f.at(hi, (lo, hi)));
    let slope = (v_hi - v_lo) / (hi - lo);
    if !(slope.is_finite() && v_lo.is_finite() && weight.is_finite()) {
        return None;
    }
    if let ValueFunction::Points(points) = f {
        let scale = v_lo.abs().max(v_hi.abs()).max(1.0);
        let off = points
            .iter()
            .any(|&(x, y)| (y - (v_lo + slope * (x - lo))).abs() > LINE_TOLERANCE * scale);
        if off {
            return None;
        }
    }
    Some(AmountLine {
        weight,
        at_lo: v_lo,
        slope,
    })
}

/// Why the strategic closed forms do not extend to a package (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotTransferable {
    /// The issue given as the amount is not a numeric issue of the space.
    NoAmount,
    /// Party `0` (first mover) or `1`: its value of the amount is not a line.
    NotLinear(usize),
    /// The amount does not rise in value for one party and fall for the other.
    NotOpposed,
}

impl fmt::Display for NotTransferable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotTransferable::NoAmount => f.write_str("the package has no numeric amount issue"),
            NotTransferable::NotLinear(i) => {
                write!(f, "party {i}'s value of the amount is not linear")
            }
            NotTransferable::NotOpposed => {
                f.write_str("the amount is not worth more to one party and less to the other")
            }
        }
    }
}

impl std::error::Error for NotTransferable {}

/// The amount issue of a package as a transferable good between its two parties (slot 0
/// the first mover, 1 the second): the lines of their values of the amount and which of
/// them is the payee.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transfer {
    /// The amount issue's position in the space.
    pub issue: usize,
    /// The issue's range.
    pub range: (f64, f64),
    /// Each party's value of the amount.
    pub lines: [AmountLine; 2],
    /// The slot of the party whose value rises with the amount.
    pub payee: usize,
    /// Outcomes between two consecutive amounts of one combination of the other issues.
    stride: u32,
}

/// The strategic closed forms' choice on a package.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// The chosen outcome: the efficient combination of the other issues, the snapped amount.
    pub outcome: u32,
    /// The zone `[lo, hi]` split, in amount units: the reservation amounts of the
    /// combination, cut to the issue's range and the limits.
    pub zone: (f64, f64),
    /// The amount the one-issue model gives on the zone, before snapping.
    pub exact: f64,
    /// The amount of the chosen outcome (on the issue's grid).
    pub amount: f64,
}

impl Transfer {
    /// The transfer of amount issue `j` between the parties with preferences `prefs`.
    ///
    /// # Errors
    /// [`NotTransferable`] when the theory does not extend (see the module docs).
    pub fn new(
        space: &OutcomeSpace,
        j: usize,
        prefs: [&Preferences; 2],
    ) -> Result<Self, NotTransferable> {
        let range = space
            .issues()
            .get(j)
            .and_then(|i| i.range())
            .ok_or(NotTransferable::NoAmount)?;
        let line = |i: usize| amount_line(prefs[i], space, j).ok_or(NotTransferable::NotLinear(i));
        let lines = [line(0)?, line(1)?];
        let (k0, k1) = (lines[0].per_unit(), lines[1].per_unit());
        let payee = if k0 > 0.0 && k1 < 0.0 {
            0
        } else if k0 < 0.0 && k1 > 0.0 {
            1
        } else {
            return Err(NotTransferable::NotOpposed);
        };
        let mut stride: u32 = 1;
        for later in j + 1..space.issues().len() {
            stride = stride.saturating_mul(u32::try_from(space.size(later)).unwrap_or(u32::MAX));
        }
        Ok(Self {
            issue: j,
            range,
            lines,
            payee,
            stride,
        })
    }

    /// Outcome `o` with the amount at its first value: the key of its combination of the
    /// other issues.
    #[must_use]
    pub fn rest(&self, space: &OutcomeSpace, o: u32) -> u32 {
        let k = u32::try_from(space.value_index(o, self.issue)).unwrap_or(0);
        o - k * self.stride
    }

    /// The amount of outcome `o`.
    #[must_use]
    pub fn amount(&self, space: &OutcomeSpace, o: u32) -> f64 {
        space.issues()[self.issue]
            .numeric(space.value_index(o, self.issue))
            .unwrap_or(f64::NAN)
    }

    /// Party `i`'s reservation `r` (a utility) as an amount given the other issues'
    /// values in outcome `o`: the `x` at which `w·(at_lo + slope·(x − lo)) + G_i(o) = r`,
    /// `G_i` its weighted values of the other issues, i.e.
    /// `x_i = lo + (r − G_i − w·at_lo)/(w·slope)`. The payee accepts amounts at or above
    /// it, the payer at or below.
    #[must_use]
    pub fn reservation_amount(
        &self,
        space: &OutcomeSpace,
        prefs: &Preferences,
        i: usize,
        r: f64,
        o: u32,
    ) -> f64 {
        let mut rest = 0.0;
        for (j, w) in prefs.utility.weights.iter().enumerate() {
            if j != self.issue {
                rest += w * prefs.value(space, j, space.value_index(o, j));
            }
        }
        let l = self.lines[i];
        self.range.0 + (r - rest - l.weight * l.at_lo) / (l.weight * l.slope)
    }

    /// The money surplus `x_payer − x_payee` of the combination of outcome `o` at
    /// reservations `res` (slot order) and the two reservation amounts.
    fn surplus(
        &self,
        space: &OutcomeSpace,
        prefs: [&Preferences; 2],
        res: [f64; 2],
        o: u32,
    ) -> (f64, f64, f64) {
        let x = [0, 1].map(|i| self.reservation_amount(space, prefs[i], i, res[i], o));
        let (x_payee, x_payer) = (x[self.payee], x[1 - self.payee]);
        (x_payer - x_payee, x_payee, x_payer)
    }

    /// The split on `frontier` at reservation utilities `res` (slot order): the efficient
    /// combination of the other issues among the frontier's rational outcomes, its zone cut
    /// to the issue's range and to `limits` (`(floor, ceiling)` on the amount), the amount
    /// at `share` of it for the proposer (slot 0), snapped to the nearest grid amount of a
    /// rational frontier outcome of that combination (ties: the smaller amount). `None`
    /// when no outcome of `frontier` is rational for both.
    #[must_use]
    pub fn solve(
        &self,
        space: &OutcomeSpace,
        prefs: [&Preferences; 2],
        frontier: &ParetoFrontier,
        res: [f64; 2],
        limits: (f64, f64),
        share: f64,
    ) -> Option<Split> {
        let (start, end) = frontier.rational(res[0], res[1]);
        // The efficient combination: largest surplus, then smallest key.
        let mut best: Option<(f64, u32, f64, f64)> = None;
        for p in start..end {
            let o = frontier.point(p).outcome;
            let key = self.rest(space, o);
            if best.is_some_and(|b| b.1 == key) {
                continue;
            }
            let (s, x_payee, x_payer) = self.surplus(space, prefs, res, o);
            let better = best.is_none_or(|b| s > b.0 || (s == b.0 && key < b.1));
            if better {
                best = Some((s, key, x_payee, x_payer));
            }
        }
        let (_, key, x_payee, x_payer) = best?;
        let lo = x_payee.max(self.range.0).max(limits.0);
        let hi = x_payer.min(self.range.1).min(limits.1);
        // As `closed_form.rs` maps the proposer's share through the zone.
        let exact = if self.payee == 0 {
            lo + share * (hi - lo)
        } else {
            hi - share * (hi - lo)
        };
        let mut chosen: Option<(f64, f64, u32)> = None;
        for p in start..end {
            let o = frontier.point(p).outcome;
            if self.rest(space, o) != key {
                continue;
            }
            let x = self.amount(space, o);
            let d = (x - exact).abs();
            if chosen.is_none_or(|c| d < c.0 || (d == c.0 && x < c.1)) {
                chosen = Some((d, x, o));
            }
        }
        let (_, amount, outcome) = chosen?;
        Some(Split {
            outcome,
            zone: (lo, hi),
            exact,
            amount,
        })
    }
}

/// What the strategic closed forms need of one trial besides its outcome space.
#[derive(Debug, Clone, Copy)]
pub struct SplitTrial<'a> {
    /// Both parties' preferences, slot 0 the first mover.
    pub prefs: [&'a Preferences; 2],
    /// The Pareto frontier of the allowed outcomes.
    pub frontier: &'a ParetoFrontier,
    /// With ratification limits: the frontier of the allowed outcomes within them.
    pub ratifiable: Option<&'a ParetoFrontier>,
    /// The limits `(floor, ceiling)` on the amount (infinite without).
    pub limits: (f64, f64),
    /// Rounds, calendar (lapse costs in utility, slot order) and breakdown risk.
    pub rules: &'a Rules,
}

/// `model` on a package under the calendar rule of the package closed forms
/// ([`closed_form`]): the first round whose zone, widened by the lapse, is open; there the
/// split of [`Transfer::solve`] on the outcomes within both ratification limits, or, when
/// none of them is rational, on all rational outcomes (`not_ratified`). Ståhl's horizon is
/// the answerable offers left, `2·(rounds − round) − 1` with `round` the 0-based round
/// of the deal, as on one issue. Also returns the split (`None` with `no_zone`).
#[must_use]
pub fn split_closed_form(
    model: SplitModel,
    space: &OutcomeSpace,
    transfer: &Transfer,
    t: &SplitTrial<'_>,
) -> (PackageEnd, Option<Split>) {
    let reservations = t.prefs.map(|p| p.reservation);
    // Which round opens, and whether a ratifiable outcome is rational there.
    let probe = |f: &ParetoFrontier, ra: f64, rb: f64| -> Option<Solution> {
        let (start, end) = f.rational(ra, rb);
        (start < end).then(|| f.point(start))
    };
    let end = closed_form(t.frontier, t.ratifiable, reservations, t.rules, probe);
    if end.outcome.is_none() {
        return (end, None);
    }
    let round = end.round - 1;
    let res = [0, 1].map(|i| t.rules.reservation(i, reservations[i], round));
    let unlimited = (f64::NEG_INFINITY, f64::INFINITY);
    let (frontier, limits) = match (end.kind, t.ratifiable) {
        (OutcomeKind::Deal, Some(rf)) => (rf, t.limits),
        _ => (t.frontier, unlimited),
    };
    let total = match &t.rules.calendar {
        Some(c) => c.total_rounds(t.rules.max_rounds).max(1),
        None => t.rules.max_rounds,
    };
    let horizon = (2 * total.saturating_sub(round)).saturating_sub(1);
    let discounts = t.prefs.map(|p| p.discount);
    let share = model.proposer_share(discounts, horizon, t.rules.breakdown_risk);
    match transfer.solve(space, t.prefs, frontier, res, limits, share) {
        Some(s) => (
            PackageEnd {
                outcome: Some(s.outcome),
                ..end
            },
            Some(s),
        ),
        None => (
            PackageEnd {
                kind: OutcomeKind::NoZone,
                outcome: None,
                round: end.round,
            },
            None,
        ),
    }
}
