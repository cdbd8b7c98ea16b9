//! NegMAS 0.16's `AspirationNegotiator` (default arguments) on discrete multi-issue
//! spaces, and the SAO alternating-offers loop that runs two of them.
//!
//! The rules, inferred from NegMAS's behaviour and checked offer by offer against
//! `crates/core/tests/data/negmas-multi-issue.json` (docs/negmas-multi-issue.md):
//!
//! - relative time in step `s` (0-based) of `n`: `τ = (s+1)/(n+1)`, the same for both
//!   moves of a step; aspiration `a = max_aspiration·(1 − τ^exponent)` (Boulware:
//!   exponent 4, max aspiration 1);
//! - `umax` is the best utility, `umin = max(worst utility, reservation)`;
//!   `lo = clamp((umax − umin)·a + umin − tolerance, umin, umax)` (tolerance 0.001), and
//!   `hi` likewise from `a = 1` with `+ tolerance` (so `hi = umax`);
//! - it accepts an offer `o` iff `lo <= u(o) <= hi`;
//! - it offers the first outcome, in ascending utility, of utility `>= lo` among the
//!   rational ones (`u >= reservation`) — the worst for itself that meets its
//!   aspiration; the closest outcome just below `lo` (within 1e-6, and strictly closer to
//!   `lo`) wins instead; with no rational outcome at all it offers its best outcome.
//!   Among equal utilities NegMAS takes the first in numpy's unstable sort order (not
//!   reproducible across machines); here the [`SortedOutcomes`] tie rank decides.

use super::sorted::SortedOutcomes;

/// Distance below the aspiration within which a closer outcome wins (NegMAS's `EPS`).
const NEAR: f64 = 1e-6;

/// The parameters of an aspiration curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aspiration {
    /// `τ^exponent`: 4 Boulware, 1 linear, 0.25 conceder.
    pub exponent: f64,
    /// Aspiration at `τ = 0`.
    pub max_aspiration: f64,
    /// Widening of the utility range (`AspirationNegotiator`'s `tolerance`).
    pub tolerance: f64,
}

impl Default for Aspiration {
    /// `AspirationNegotiator()` with default arguments: Boulware, 1.0, 0.001.
    fn default() -> Self {
        Self {
            exponent: 4.0,
            max_aspiration: 1.0,
            tolerance: 0.001,
        }
    }
}

/// `τ^exponent` for every step of an `n_steps` negotiation, computed once and shared
/// by every negotiation with that step count and exponent (each `powf` as
/// [`AspirationNegotiator::range`] computes it, so results are bit-identical).
///
/// ```
/// use bargain_core::package::aspiration::StepPowers;
/// let p = StepPowers::new(3, 4.0);
/// assert_eq!(p.get(1), 0.5f64.powf(4.0)); // τ = 2/4 in step 1 of 3
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StepPowers {
    n_steps: u32,
    exponent: f64,
    powers: Vec<f64>,
}

impl StepPowers {
    /// The powers of steps `0..n_steps`.
    #[must_use]
    pub fn new(n_steps: u32, exponent: f64) -> Self {
        let powers = (0..n_steps)
            .map(|s| tau_power(s, n_steps, exponent))
            .collect();
        Self {
            n_steps,
            exponent,
            powers,
        }
    }

    /// `τ^exponent` of step `step` (computed when beyond the table).
    #[must_use]
    pub fn get(&self, step: u32) -> f64 {
        match self.powers.get(step as usize) {
            Some(&p) => p,
            None => tau_power(step, self.n_steps, self.exponent),
        }
    }
}

/// The [`StepPowers`] of the curves a worker has met, kept by the caller (one per worker
/// thread; core holds no hidden state): negotiations with the same step count and
/// exponent share one table, so `powf` runs once per step per curve instead of once per
/// step per negotiator. Allocates only when a new curve is met, and holds at most
/// [`PowerCache::CAPACITY`] curves (the oldest is replaced).
#[derive(Debug, Clone, Default)]
pub struct PowerCache {
    curves: Vec<StepPowers>,
    /// The curve replaced on the next miss once full.
    next: usize,
}

impl PowerCache {
    /// Most curves kept.
    pub const CAPACITY: usize = 64;

    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, n_steps: u32, exponent: f64) -> Option<usize> {
        self.curves
            .iter()
            .position(|c| c.n_steps == n_steps && c.exponent.to_bits() == exponent.to_bits())
    }

    /// Make sure the curve `(n_steps, exponent)` is held.
    pub fn prepare(&mut self, n_steps: u32, exponent: f64) {
        if self.position(n_steps, exponent).is_some() {
            return;
        }
        let powers = StepPowers::new(n_steps, exponent);
        if self.curves.len() < Self::CAPACITY {
            self.curves.push(powers);
        } else {
            self.curves[self.next] = powers;
            self.next = (self.next + 1) % Self::CAPACITY;
        }
    }

    /// The powers of `(n_steps, exponent)`, if held (see [`PowerCache::prepare`]).
    #[must_use]
    pub fn get(&self, n_steps: u32, exponent: f64) -> Option<&StepPowers> {
        self.position(n_steps, exponent).map(|k| &self.curves[k])
    }
}

/// `τ^exponent` with `τ = (step+1)/(n_steps+1)`.
fn tau_power(step: u32, n_steps: u32, exponent: f64) -> f64 {
    let tau = f64::from(step + 1) / f64::from(n_steps + 1);
    // `powf(τ, 1)` is exactly τ.
    if exponent == 1.0 {
        tau
    } else {
        tau.powf(exponent)
    }
}

/// One party's aspiration negotiator in one negotiation. Small, `Copy`, no allocation:
/// it borrows the profile's precomputed [`SortedOutcomes`].
#[derive(Debug, Clone, Copy)]
pub struct AspirationNegotiator<'a> {
    sorted: &'a SortedOutcomes,
    curve: Aspiration,
    n_steps: u32,
    umin: f64,
    umax: f64,
    /// First sorted position with `u >= reservation` (`len` if none).
    first_rational: usize,
    /// Shared `τ^exponent` per step, if given.
    powers: Option<&'a StepPowers>,
    /// The sorted position found by the last offer: thresholds only fall over a
    /// negotiation, so the next search gallops from here (`O(log distance)`).
    hint: usize,
    /// `(step, lo, hi)` of the last threshold computed.
    cached: Option<(u32, f64, f64)>,
}

impl<'a> AspirationNegotiator<'a> {
    /// A negotiator over `sorted` with the given reservation, for `n_steps` steps.
    #[must_use]
    pub fn new(
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
        curve: Aspiration,
    ) -> Self {
        let umax = sorted.max();
        Self {
            sorted,
            curve,
            n_steps,
            umin: sorted.min().max(reservation),
            umax,
            first_rational: sorted.first_at_least(reservation),
            powers: None,
            hint: sorted.len(),
            cached: None,
        }
    }

    /// As [`AspirationNegotiator::new`], reading `τ^exponent` from `powers` (which must
    /// be for the same step count and `curve.exponent`; bit-identical, no `powf`).
    ///
    /// # Panics
    /// If `powers` is for another step count or exponent.
    #[must_use]
    pub fn with_powers(
        sorted: &'a SortedOutcomes,
        reservation: f64,
        powers: &'a StepPowers,
        curve: Aspiration,
    ) -> Self {
        assert!(
            powers.exponent.to_bits() == curve.exponent.to_bits(),
            "step powers for another exponent"
        );
        let mut s = Self::new(sorted, reservation, powers.n_steps, curve);
        s.powers = Some(powers);
        s
    }

    /// The accepted utility range `(lo, hi)` in step `step`.
    #[must_use]
    pub fn range(&mut self, step: u32) -> (f64, f64) {
        if let Some((s, lo, hi)) = self.cached
            && s == step
        {
            return (lo, hi);
        }
        let power = match self.powers {
            Some(p) => p.get(step),
            None => tau_power(step, self.n_steps, self.curve.exponent),
        };
        let a = self.curve.max_aspiration * (1.0 - power);
        let width = self.umax - self.umin;
        let clamp = |x: f64| self.umin.max(self.umax.min(x));
        let lo = clamp(width * a + self.umin - self.curve.tolerance);
        let hi = clamp(width * 1.0 + self.umin + self.curve.tolerance);
        self.cached = Some((step, lo, hi));
        (lo, hi)
    }

    /// Whether it accepts `offer` in step `step`.
    pub fn accepts(&mut self, step: u32, offer: u32) -> bool {
        let (lo, hi) = self.range(step);
        let u = self.sorted.utility(offer);
        lo <= u && u <= hi
    }

    /// The outcome it offers in step `step`.
    pub fn propose(&mut self, step: u32) -> u32 {
        let s = self.sorted;
        let n = s.len();
        if self.first_rational >= n {
            return s.order()[n - 1];
        }
        let (lo, _) = self.range(step);
        let sorted = s.sorted();
        let p = lower_bound_from(sorted, self.first_rational, self.hint, lo);
        self.hint = p;
        let p = p.min(n - 1);
        let mut pick = p;
        if p > 0 {
            let below = sorted[p - 1];
            if below >= lo - NEAR && (below - lo).abs() < (sorted[p] - lo).abs() {
                pick = s.run_start(p - 1);
            }
        }
        s.order()[pick]
    }
}

/// The first position `p` in `[from, len)` with `sorted[p] >= x` (`len` if none), by a
/// galloping search from `hint`: the same answer as a binary search over the whole range.
pub(super) fn lower_bound_from(sorted: &[f64], from: usize, hint: usize, x: f64) -> usize {
    let n = sorted.len();
    let below = |p: usize| sorted[p] < x;
    let h = hint.clamp(from, n);
    if h < n && below(h) {
        // The answer is above h: gallop up (invariant: everything before `a` is below x).
        let (mut a, mut step) = (h + 1, 1);
        loop {
            let b = a + step - 1;
            if b >= n {
                return a + sorted[a..n].partition_point(|&v| v < x);
            }
            if !below(b) {
                return a + sorted[a..b].partition_point(|&v| v < x);
            }
            a = b + 1;
            step *= 2;
        }
    }
    // The answer is at most h: gallop down (invariant: the answer is at most `b`).
    let (mut b, mut step) = (h, 1);
    loop {
        if b <= from {
            return from;
        }
        let a = b.saturating_sub(step).max(from);
        if below(a) {
            return a + 1 + sorted[a + 1..b].partition_point(|&v| v < x);
        }
        b = a;
        step *= 2;
    }
}

/// One offer of a package negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageOffer {
    /// Step (0-based).
    pub step: u32,
    /// 0 for the first mover, 1 for the second.
    pub by: u8,
    /// The outcome offered.
    pub outcome: u32,
}

/// A package deal: the outcome and the step (0-based) in which it was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageDeal {
    /// The agreed outcome.
    pub outcome: u32,
    /// Step of acceptance (0-based; NegMAS's final `state.step` minus one).
    pub step: u32,
}

/// Where a move falls in a negotiation: the step (0-based) and who moves (0 the first
/// mover, 1 the second). Two moves a step; the move index is `2·step + by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    /// Step (0-based).
    pub step: u32,
    /// 0 for the first mover, 1 for the second.
    pub by: u8,
}

impl Turn {
    /// The 0-based index of this move over the whole negotiation (`2·step + by`).
    #[must_use]
    pub fn index(self) -> u32 {
        2 * self.step + u32::from(self.by)
    }
}

/// What a package negotiator does on its move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Accept the standing offer: a deal.
    Accept,
    /// Reject the standing offer (if any) and offer this outcome instead.
    Offer(u32),
}

/// One party's negotiator in one package negotiation, as the SAO loop [`negotiate`]
/// drives it: once per move, it sees the standing offer (none only on the very first
/// move) and accepts it or makes its own offer. Implementations must not allocate.
pub trait Negotiator {
    /// The number of steps it plans for (the loop runs the smaller of the two).
    fn n_steps(&self) -> u32;
    /// Decide this move. With `standing == None` it must offer.
    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision;
}

impl Negotiator for AspirationNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        self.n_steps
    }

    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision {
        match standing {
            Some(offer) if self.accepts(at.step, offer) => Decision::Accept,
            _ => Decision::Offer(self.propose(at.step)),
        }
    }
}

/// NegMAS's SAO protocol between two negotiators (two aspiration negotiators, or any
/// [`Negotiator`], e.g. [`crate::package::tactics::TacticNegotiator`]): in each of
/// `n_steps` steps the first mover, then the second, accepts the standing offer or
/// replaces it with its own (the first move of step 0 only opens). Returns the deal, if
/// any; records every offer into `trace` when given (the only allocation).
///
/// ```
/// use bargain_core::package::aspiration::{negotiate, Aspiration, AspirationNegotiator};
/// use bargain_core::package::sorted::SortedOutcomes;
/// // One issue of 11 values; opposite linear utilities.
/// let up = SortedOutcomes::from_utilities((0..11).map(|k| k as f64 / 10.0).collect(), u64::from);
/// let down = SortedOutcomes::from_utilities((0..11).map(|k| 1.0 - k as f64 / 10.0).collect(), u64::from);
/// let a = AspirationNegotiator::new(&up, 0.0, 20, Aspiration::default());
/// let b = AspirationNegotiator::new(&down, 0.0, 20, Aspiration::default());
/// let deal = negotiate(a, b, None).expect("a deal by the deadline");
/// assert!(deal.step < 20);
/// ```
pub fn negotiate<A: Negotiator, B: Negotiator>(
    mut first: A,
    mut second: B,
    mut trace: Option<&mut Vec<PackageOffer>>,
) -> Option<PackageDeal> {
    let n_steps = first.n_steps().min(second.n_steps());
    let mut standing: Option<u32> = None;
    for step in 0..n_steps {
        for by in 0..2u8 {
            let at = Turn { step, by };
            let decision = if by == 0 {
                first.decide(at, standing)
            } else {
                second.decide(at, standing)
            };
            let outcome = match (decision, standing) {
                (Decision::Accept, Some(offer)) => {
                    return Some(PackageDeal {
                        outcome: offer,
                        step,
                    });
                }
                // Accepting with nothing standing breaks the trait's contract: no deal.
                (Decision::Accept, None) => return None,
                (Decision::Offer(o), _) => o,
            };
            standing = Some(outcome);
            if let Some(t) = trace.as_deref_mut() {
                t.push(PackageOffer { step, by, outcome });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::lower_bound_from;

    #[test]
    fn galloping_search_equals_binary_search() {
        let sorted: Vec<f64> = [0.0, 0.1, 0.1, 0.1, 0.3, 0.5, 0.5, 0.7, 0.9, 1.0, 1.0].to_vec();
        for from in 0..=sorted.len() {
            for hint in 0..=sorted.len() + 1 {
                for x in [-1.0, 0.0, 0.05, 0.1, 0.2, 0.5, 0.6, 0.95, 1.0, 2.0] {
                    let want = from + sorted[from..].partition_point(|&v| v < x);
                    assert_eq!(
                        lower_bound_from(&sorted, from, hint, x),
                        want,
                        "from {from} hint {hint} x {x}"
                    );
                }
            }
        }
    }
}
