//! The package learner's model of its opponent's issue weights, after Hindriks &
//! Tykhonov (2008), "Opponent modelling in automated multi-issue negotiation using
//! Bayesian learning" (AAMAS 2008): a discrete hypothesis space over the opponent's
//! weights, updated by Bayes' rule from each of its offers under an assumed time-based
//! concession. Equations: `docs/theory.md`, "Learning agents", and `docs/strategies.md`.
//!
//! - **Hypotheses** (the paper's): every ranking of the issues, each with linearly
//!   decreasing weights — the issue ranked `r`-th of `k` (from 0) weighs
//!   `2(k − r)/(k(k + 1))`; `k!` hypotheses for `k` issues, [`MAX_ISSUES`] at most
//!   (beyond it, or with one issue, there is no weight model). Uniform prior.
//! - **Value functions** are taken as known: the opponent's per-issue value functions
//!   are read from its preferences (the paper also learns them, with triangular
//!   hypotheses; here only the weights are unknown).
//! - **Likelihood** (the paper's, under the assumed concession): under hypothesis `h`
//!   the opponent's utility of its `t`-th offer, measured from its first offer,
//!   `y_{h,t} = u_h(o₀) − u_h(o_t) = Σ_i w_{h,i}·Δ_{i,t}` (`Δ_{i,t}` its loss of value on
//!   issue `i`), should follow a time-based concession `λ·w_e(τ_t)` (`w_e` as in the
//!   reservation belief, [`EXPONENTS`]) up to Gaussian noise of standard deviation
//!   [`NOISE`] of its utility range: `log L_h = max_e max_{λ≥0} −Σ_t (y_{h,t} −
//!   λ·w_e(τ_t))²/(2σ²)`, the best-fitting curve (the amount conceded `λ` and the
//!   exponent `e` fitted, as the paper fixes them). An offer that concedes much on an
//!   issue fits a smooth concession only if that issue weighs little: offers that
//!   concede more on an issue indicate a lower weight on it.
//!
//! The sums are kept per issue (`Σ_t w_e·Δ_{i,t}`, `Σ_t Δ_{i,t}·Δ_{j,t}`, `Σ_t w_e²`), so
//! an offer costs `O(issues² + issues·exponents)` whatever the number of hypotheses, and
//! the posterior (`O(hypotheses·issues·(issues + exponents))`, one `exp` per
//! hypothesis) is refreshed once per offer. The opponent's values are tabled when the
//! model is built (up to [`MAX_TABLED_VALUES`] per issue) and an outcome's value indices
//! found by multiply-and-shift, so the estimated utility `û` of an outcome
//! ([`WeightModel::utility`]), or of every outcome in index order
//! ([`WeightModel::for_each_utility`], which the estimated zone scans: `super::zone`),
//! takes no division. Everything is fixed-size: building and updating allocates
//! nothing.

use super::preferences::Preferences;
use super::space::OutcomeSpace;
use crate::strategy::learning::{EXPONENTS, NOISE, opponent_tau, powers};

/// The most issues whose weights are learnt (`4! = 24` hypotheses).
pub const MAX_ISSUES: usize = 4;
/// The most weight hypotheses (`MAX_ISSUES!`).
pub const MAX_WEIGHT_HYPOTHESES: usize = 24;
/// The learner's band: of its own outcomes worth between its target and the target plus
/// this share of its own utility range, it offers the one the estimated opponent utility
/// ranks highest (Hindriks & Tykhonov's Bayesian agent).
pub const BAND: f64 = 0.05;
/// The most outcomes of the band looked at (from the target upward).
pub const MAX_BAND_OUTCOMES: usize = 64;
/// The most values per issue whose opponent value the model keeps in a table (read
/// once when it is built); an issue with more values is read from the preferences on
/// each use (the same numbers, more slowly).
pub const MAX_TABLED_VALUES: usize = 64;

const NE: usize = EXPONENTS.len();

/// What a package learner reads of its opponent: the outcome space and the opponent's
/// preferences, of which it uses the per-issue value functions only (the weights are
/// what it learns).
#[derive(Debug, Clone, Copy)]
pub struct OpponentView<'a> {
    /// The outcome space.
    pub space: &'a OutcomeSpace,
    /// The opponent's preferences.
    pub preferences: &'a Preferences,
}

impl OpponentView<'_> {
    /// The opponent's value (unweighted) of issue `issue` in `outcome`.
    fn value(&self, outcome: u32, issue: usize) -> f64 {
        let k = self.space.value_index(outcome, issue);
        self.preferences.value(self.space, issue, k)
    }
}

/// Hypotheses over the opponent's issue weights and their posterior (see the module
/// docs).
#[derive(Debug, Clone, Copy)]
pub struct WeightModel<'a> {
    view: OpponentView<'a>,
    issues: usize,
    count: usize,
    weights: [[f64; MAX_ISSUES]; MAX_WEIGHT_HYPOTHESES],
    rounds: u32,
    /// The opponent's values of its first offer and its time then.
    first: Option<([f64; MAX_ISSUES], f64)>,
    sww: [f64; NE],
    /// `Σ_t w_e(τ_t)·Δ_{i,t}` per exponent and issue.
    swd: [[f64; MAX_ISSUES]; NE],
    /// `Σ_t Δ_{i,t}·Δ_{j,t}`.
    sdd: [[f64; MAX_ISSUES]; MAX_ISSUES],
    posterior: [f64; MAX_WEIGHT_HYPOTHESES],
    mean: [f64; MAX_ISSUES],
    observed: u32,
    /// The opponent's value of each value index of each issue, when every issue has at
    /// most [`MAX_TABLED_VALUES`] values (`tabled`).
    table: [[f64; MAX_TABLED_VALUES]; MAX_ISSUES],
    tabled: bool,
    /// The largest value of each issue.
    top: [f64; MAX_ISSUES],
    /// Per issue, its stride and number of values in the outcome index with their
    /// division constants ([`Divisor`]): the value index without a hardware division.
    digits: [(Divisor, Divisor); MAX_ISSUES],
}

/// A divisor `d ≥ 1` of 32-bit numbers with its constant `M = ⌈2⁶⁴/d⌉`: the quotient and
/// the remainder by two multiplications (Lemire, Kaser & Kurz 2019, "Faster remainder by
/// direct computation", *Software: Practice and Experience* 49(6): exact for every
/// 32-bit numerator and divisor).
#[derive(Debug, Clone, Copy, Default)]
struct Divisor {
    d: u32,
    m: u64,
}

impl Divisor {
    fn new(d: u32) -> Self {
        let d = d.max(1);
        // ⌈2⁶⁴/d⌉ = ⌊(2⁶⁴ − 1)/d⌋ + 1 for d ≥ 2; d = 1 is handled apart.
        let m = if d == 1 {
            0
        } else {
            u64::MAX / u64::from(d) + 1
        };
        Self { d, m }
    }

    /// `a / d`.
    fn div(self, a: u32) -> u32 {
        if self.d == 1 {
            a
        } else {
            // Below 2³²: the product's high word is ⌊a/d⌋ < 2³².
            ((u128::from(self.m) * u128::from(a)) >> 64) as u32
        }
    }

    /// `a % d`.
    fn rem(self, a: u32) -> u32 {
        if self.d == 1 {
            0
        } else {
            let low = self.m.wrapping_mul(u64::from(a));
            ((u128::from(low) * u128::from(self.d)) >> 64) as u32
        }
    }
}

impl<'a> WeightModel<'a> {
    /// A uniform prior over the rankings of the opponent's issues, for talks the
    /// opponent plans over `rounds`; `None` with fewer than two issues or more than
    /// [`MAX_ISSUES`]. Allocates nothing.
    #[must_use]
    pub fn new(view: OpponentView<'a>, rounds: u32) -> Option<Self> {
        let issues = view.space.issues().len();
        if !(2..=MAX_ISSUES).contains(&issues) {
            return None;
        }
        let mut weights = [[0.0; MAX_ISSUES]; MAX_WEIGHT_HYPOTHESES];
        // Every permutation of the ranks 0..k in lexicographic order.
        let mut rank = [0usize, 1, 2, 3];
        let total = (issues * (issues + 1)) as f64;
        let mut count = 0;
        loop {
            for i in 0..issues {
                weights[count][i] = 2.0 * (issues - rank[i]) as f64 / total;
            }
            count += 1;
            if !next_permutation(&mut rank[..issues]) {
                break;
            }
        }
        let p = 1.0 / count as f64;
        let mut posterior = [0.0; MAX_WEIGHT_HYPOTHESES];
        posterior[..count].fill(p);
        let mut mean = [0.0; MAX_ISSUES];
        mean[..issues].fill(1.0 / issues as f64);
        let mut table = [[0.0; MAX_TABLED_VALUES]; MAX_ISSUES];
        let mut top = [f64::NEG_INFINITY; MAX_ISSUES];
        let tabled = (0..issues).all(|i| view.space.size(i) <= MAX_TABLED_VALUES);
        for (i, (best, row)) in top.iter_mut().zip(&mut table).enumerate().take(issues) {
            for k in 0..view.space.size(i) {
                let v = view.preferences.value(view.space, i, k);
                *best = best.max(v);
                if let Some(x) = row.get_mut(k).filter(|_| tabled) {
                    *x = v;
                }
            }
        }
        // The outcome index is mixed-radix, the last issue fastest (`OutcomeSpace`).
        let mut digits = [(Divisor::default(), Divisor::default()); MAX_ISSUES];
        let mut stride: u32 = 1;
        for i in (0..issues).rev() {
            let size = u32::try_from(view.space.size(i)).unwrap_or(u32::MAX);
            digits[i] = (Divisor::new(stride), Divisor::new(size));
            stride = stride.saturating_mul(size);
        }
        Some(Self {
            view,
            issues,
            count,
            weights,
            rounds,
            first: None,
            sww: [0.0; NE],
            swd: [[0.0; MAX_ISSUES]; NE],
            sdd: [[0.0; MAX_ISSUES]; MAX_ISSUES],
            posterior,
            mean,
            observed: 0,
            table,
            tabled,
            top,
            digits,
        })
    }

    /// The number of hypotheses (`issues!`).
    #[must_use]
    pub fn hypotheses(&self) -> usize {
        self.count
    }

    /// Hypothesis `h`'s weights (one per issue).
    #[must_use]
    pub fn weights(&self, h: usize) -> &[f64] {
        &self.weights[h][..self.issues]
    }

    /// The posterior probability of every hypothesis.
    #[must_use]
    pub fn posterior(&self) -> &[f64] {
        &self.posterior[..self.count]
    }

    /// The posterior mean of the opponent's weights.
    #[must_use]
    pub fn mean_weights(&self) -> &[f64] {
        &self.mean[..self.issues]
    }

    /// The most probable hypothesis (the first of equals).
    #[must_use]
    pub fn most_probable(&self) -> usize {
        let mut best = 0;
        for h in 1..self.count {
            if self.posterior[h] > self.posterior[best] {
                best = h;
            }
        }
        best
    }

    /// The opponent's utility of `outcome` under the posterior mean weights, `û(o) =
    /// Σ_i ŵ_i·v_i(o)`: also the posterior expectation of its utility, since the utility
    /// is linear in the weights.
    #[must_use]
    pub fn utility(&self, outcome: u32) -> f64 {
        let mut u = 0.0;
        for i in 0..self.issues {
            u += self.mean[i] * self.value(outcome, i);
        }
        u
    }

    /// Call `f(outcome, û(outcome))` for every outcome of the space in index order, `û`
    /// bit for bit [`WeightModel::utility`]: with the values tabled, the sum of the
    /// issues before the last is kept while only the last issue's value changes (mixed-
    /// radix counters, no division), so an outcome costs a lookup, a product and an
    /// addition. Allocates nothing.
    pub fn for_each_utility(&self, mut f: impl FnMut(u32, f64)) {
        let len = u32::try_from(self.view.space.len()).unwrap_or(u32::MAX);
        if !self.tabled {
            for o in 0..len {
                f(o, self.utility(o));
            }
            return;
        }
        let k = self.issues;
        let last = k - 1;
        let size = |i: usize| self.view.space.size(i);
        let mut digit = [0usize; MAX_ISSUES];
        // partial[i]: the sum over issues 0..=i of ŵ_j·v_j at the current digits, summed
        // left to right as `utility` sums them.
        let mut partial = [0.0; MAX_ISSUES];
        let refill = |from: usize, digit: &[usize; MAX_ISSUES], partial: &mut [f64; MAX_ISSUES]| {
            for i in from..last {
                let before = if i == 0 { 0.0 } else { partial[i - 1] };
                partial[i] = before + self.mean[i] * self.table[i][digit[i]];
            }
        };
        refill(0, &digit, &mut partial);
        let row = &self.table[last][..size(last)];
        let w = self.mean[last];
        let mut o = 0u32;
        loop {
            let base = if last == 0 { 0.0 } else { partial[last - 1] };
            for &v in row {
                f(o, base + w * v);
                o += 1;
            }
            // Carry into the issues before the last.
            let mut i = last;
            loop {
                if i == 0 {
                    return;
                }
                i -= 1;
                digit[i] += 1;
                if digit[i] < size(i) {
                    break;
                }
                digit[i] = 0;
            }
            refill(i, &digit, &mut partial);
        }
    }

    /// An upper bound of [`WeightModel::utility`] over every outcome: `Σ_i ŵ_i·max_k
    /// v_i(k)` (the largest value of each issue).
    #[must_use]
    pub fn max_utility(&self) -> f64 {
        (0..self.issues).map(|i| self.mean[i] * self.top[i]).sum()
    }

    /// The opponent's value (unweighted) of issue `issue` in `outcome`: from the table
    /// when it has one, else from the preferences (the same number).
    fn value(&self, outcome: u32, issue: usize) -> f64 {
        if self.tabled {
            let (stride, size) = self.digits[issue];
            self.table[issue][size.rem(stride.div(outcome)) as usize]
        } else {
            self.view.value(outcome, issue)
        }
    }

    /// Take in the opponent's offer `outcome` made in round `round` (0-based), and
    /// refresh the posterior. Allocates nothing.
    #[allow(clippy::needless_range_loop)] // parallel fixed-size arrays
    pub fn observe(&mut self, outcome: u32, round: u32) {
        let tau = opponent_tau(round, self.rounds);
        self.observed += 1;
        let mut v = [0.0; MAX_ISSUES];
        for (i, x) in v.iter_mut().enumerate().take(self.issues) {
            *x = self.value(outcome, i);
        }
        let Some((v0, tau0)) = self.first else {
            self.first = Some((v, tau));
            return;
        };
        let mut d = [0.0; MAX_ISSUES];
        for i in 0..self.issues {
            d[i] = v0[i] - v[i];
        }
        let (p, p0) = (powers(tau), powers(tau0));
        for k in 0..NE {
            let den = 1.0 - p0[k];
            let w = if den > 0.0 { (p[k] - p0[k]) / den } else { 0.0 };
            self.sww[k] += w * w;
            for i in 0..self.issues {
                self.swd[k][i] += w * d[i];
            }
        }
        for i in 0..self.issues {
            for j in 0..self.issues {
                self.sdd[i][j] += d[i] * d[j];
            }
        }
        self.refresh();
    }

    /// The log-likelihood of hypothesis `h` (up to a constant): the best fit of a
    /// time-based concession to its utilities of the offers.
    fn log_likelihood(&self, h: usize) -> f64 {
        let w = &self.weights[h];
        let n = self.issues;
        let mut syy = 0.0;
        for i in 0..n {
            for j in 0..n {
                syy += w[i] * w[j] * self.sdd[i][j];
            }
        }
        // The residual sum of squares of the best λ ≥ 0, least over the exponents.
        let mut rss = syy;
        for k in 0..NE {
            if self.sww[k] <= 0.0 {
                continue;
            }
            let swy: f64 = (0..n).map(|i| w[i] * self.swd[k][i]).sum();
            let r = syy - swy.max(0.0).powi(2) / self.sww[k];
            rss = rss.min(r);
        }
        -rss.max(0.0) / (2.0 * NOISE * NOISE)
    }

    /// Recompute the posterior and the mean weights from the sums.
    #[allow(clippy::needless_range_loop)] // parallel fixed-size arrays
    fn refresh(&mut self) {
        let mut ll = [0.0; MAX_WEIGHT_HYPOTHESES];
        let mut top = f64::NEG_INFINITY;
        for (h, l) in ll.iter_mut().enumerate().take(self.count) {
            *l = self.log_likelihood(h);
            top = top.max(*l);
        }
        let mut z = 0.0;
        for h in 0..self.count {
            let p = (ll[h] - top).exp();
            self.posterior[h] = p;
            z += p;
        }
        self.mean = [0.0; MAX_ISSUES];
        for h in 0..self.count {
            self.posterior[h] /= z;
            for i in 0..self.issues {
                self.mean[i] += self.posterior[h] * self.weights[h][i];
            }
        }
    }
}

/// Rearrange `a` into its next permutation in lexicographic order; `false` (and `a`
/// left as it is) after the last.
fn next_permutation(a: &mut [usize]) -> bool {
    let n = a.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && a[i - 1] >= a[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while a[j] <= a[i - 1] {
        j -= 1;
    }
    a.swap(i - 1, j);
    a[i..].reverse();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_divisors_give_the_outcome_spaces_value_indices() {
        use crate::package::space::Issue;
        for d in [1u32, 2, 3, 6, 7, 10, 64, 1000, 65_537, u32::MAX] {
            let x = Divisor::new(d);
            for a in [
                0u32,
                1,
                2,
                5,
                63,
                64,
                65,
                999,
                1000,
                123_456_789,
                u32::MAX - 1,
                u32::MAX,
            ] {
                assert_eq!((x.div(a), x.rem(a)), (a / d, a % d), "{a} / {d}");
            }
        }
        let space = OutcomeSpace::new(vec![
            Issue::integer("a", 0, 6),
            Issue::integer("b", 0, 0),
            Issue::choice("c", &["x", "y", "z"]),
            Issue::integer("d", 1, 10),
        ])
        .expect("a valid space");
        let prefs = Preferences {
            utility: crate::package::preferences::LinearAdditive {
                weights: vec![0.25; 4],
                values: vec![
                    crate::package::preferences::ValueFunction::Increasing,
                    crate::package::preferences::ValueFunction::Points(vec![(0.0, 0.5)]),
                    crate::package::preferences::ValueFunction::Table(vec![0.1, 0.7, 0.4]),
                    crate::package::preferences::ValueFunction::Decreasing,
                ],
            },
            reservation: 0.0,
            discount: 1.0,
        };
        let view = OpponentView {
            space: &space,
            preferences: &prefs,
        };
        let mut m = WeightModel::new(view, 10).expect("four issues");
        for o in 0..space.len() as u32 {
            for i in 0..4 {
                assert_eq!(
                    m.value(o, i).to_bits(),
                    view.value(o, i).to_bits(),
                    "{o} {i}"
                );
            }
        }
        // The scan in index order gives every outcome's utility bit for bit, also after
        // the weights moved.
        for step in 0..4 {
            let mut next = 0;
            m.for_each_utility(|o, u| {
                assert_eq!(o, next);
                assert_eq!(u.to_bits(), m.utility(o).to_bits(), "{o}");
                next += 1;
            });
            assert_eq!(next as usize, space.len());
            m.observe(17 * step + 3 * (step % 2), step);
        }
    }

    #[test]
    fn the_hypotheses_are_every_ranking_with_linear_weights() {
        let mut a = [0usize, 1, 2];
        let mut seen = vec![a];
        while next_permutation(&mut a) {
            seen.push(a);
        }
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[5], [2, 1, 0]);
    }
}
