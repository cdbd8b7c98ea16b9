//! Compiled distributions: samplers built once at parse time, drawn on the hot path.
//!
//! Each continuous distribution keeps both a `rand_distr` sampler (Monte Carlo draws)
//! and a `statrs` distribution (CDF and inverse CDF: Latin-hypercube draws, medians,
//! the exact fallback for truncation). Nothing here allocates after construction.

use rand::{Rng, RngExt};
use rand_distr::Distribution;
use rand_distr::weighted::WeightedIndex;
use statrs::distribution::ContinuousCDF;

/// Rejection tries before the exact inverse-CDF fallback for a truncated draw.
const REJECTION_TRIES: usize = 64;

/// Keep probabilities strictly inside (0, 1) so inverse CDFs stay finite.
const P_EDGE: f64 = 1e-16;

/// A continuous family with its parameters.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Uniform(rand_distr::Uniform<f64>, statrs::distribution::Uniform),
    Normal(rand_distr::Normal<f64>, statrs::distribution::Normal),
    LogNormal(rand_distr::LogNormal<f64>, statrs::distribution::LogNormal),
    Triangular(
        rand_distr::Triangular<f64>,
        statrs::distribution::Triangular,
    ),
    /// Beta on `[lo, lo + width]`.
    Beta {
        mc: rand_distr::Beta<f64>,
        q: statrs::distribution::Beta,
        lo: f64,
        width: f64,
    },
}

impl Shape {
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Shape::Uniform(d, _) => d.sample(rng),
            Shape::Normal(d, _) => d.sample(rng),
            Shape::LogNormal(d, _) => d.sample(rng),
            Shape::Triangular(d, _) => d.sample(rng),
            Shape::Beta { mc, lo, width, .. } => lo + width * mc.sample(rng),
        }
    }

    pub(crate) fn cdf(&self, x: f64) -> f64 {
        match self {
            Shape::Uniform(_, q) => q.cdf(x),
            Shape::Normal(_, q) => q.cdf(x),
            Shape::LogNormal(_, q) => q.cdf(x),
            Shape::Triangular(_, q) => q.cdf(x),
            Shape::Beta { q, lo, width, .. } => q.cdf(((x - lo) / width).clamp(0.0, 1.0)),
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(P_EDGE, 1.0 - P_EDGE);
        match self {
            Shape::Uniform(_, q) => q.inverse_cdf(p),
            Shape::Normal(_, q) => q.inverse_cdf(p),
            Shape::LogNormal(_, q) => q.inverse_cdf(p),
            Shape::Triangular(_, q) => q.inverse_cdf(p),
            Shape::Beta { q, lo, width, .. } => lo + width * q.inverse_cdf(p),
        }
    }

    /// The closed support `[lo, hi]` (infinite ends for unbounded families).
    pub(crate) fn support(&self) -> (f64, f64) {
        match self {
            Shape::Uniform(_, q) => (q.min(), q.max()),
            Shape::Normal(..) => (f64::NEG_INFINITY, f64::INFINITY),
            Shape::LogNormal(..) => (0.0, f64::INFINITY),
            Shape::Triangular(_, q) => (q.min(), q.max()),
            Shape::Beta { lo, width, .. } => (*lo, lo + width),
        }
    }

    /// Family name for messages.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Shape::Uniform(..) => "uniform",
            Shape::Normal(..) => "normal",
            Shape::LogNormal(..) => "lognormal",
            Shape::Triangular(..) => "triangular",
            Shape::Beta { .. } => "beta",
        }
    }
}

/// A continuous distribution, optionally truncated to `[lo, hi]`.
#[derive(Debug, Clone)]
pub(crate) struct Continuous {
    shape: Shape,
    lo: f64,
    hi: f64,
    p_lo: f64,
    p_hi: f64,
    truncated: bool,
}

impl Continuous {
    /// `shape` truncated to `within` (if any). Returns the distribution and the mass it keeps.
    pub(crate) fn new(shape: Shape, within: Option<(f64, f64)>) -> (Self, f64) {
        let (s_lo, s_hi) = shape.support();
        let (lo, hi, truncated) = match within {
            Some((a, b)) if a > s_lo || b < s_hi => (a.max(s_lo), b.min(s_hi), true),
            _ => (s_lo, s_hi, false),
        };
        let (p_lo, p_hi) = if truncated {
            (shape.cdf(lo), shape.cdf(hi))
        } else {
            (0.0, 1.0)
        };
        let mass = if lo > hi { 0.0 } else { (p_hi - p_lo).max(0.0) };
        (
            Continuous {
                shape,
                lo,
                hi,
                p_lo,
                p_hi,
                truncated,
            },
            mass,
        )
    }

    /// Range of values it can produce.
    pub(crate) fn range(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// The family name.
    pub(crate) fn name(&self) -> &'static str {
        self.shape.name()
    }

    /// The `u`-quantile of the (truncated) distribution, `u` in [0, 1].
    pub(crate) fn quantile(&self, u: f64) -> f64 {
        let x = self.shape.quantile(self.p_lo + u * (self.p_hi - self.p_lo));
        x.clamp(self.lo, self.hi)
    }

    /// A Monte Carlo draw: the `rand_distr` sampler, by rejection when truncated,
    /// then the exact inverse CDF if rejection keeps failing.
    ///
    /// A draw beyond the range the validator checked (a far tail of an untruncated
    /// normal or lognormal, where a sampler may even overflow) is replaced by an
    /// inverse-CDF draw, so every value is finite and inside the checked range.
    pub(crate) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if !self.truncated {
            let x = self.shape.draw(rng);
            if x.is_finite() && x.abs() <= super::validate::MAX_MAGNITUDE {
                return x;
            }
            return self.quantile(rng.random::<f64>());
        }
        for _ in 0..REJECTION_TRIES {
            let x = self.shape.draw(rng);
            if (self.lo..=self.hi).contains(&x) {
                return x;
            }
        }
        self.quantile(rng.random::<f64>())
    }
}

/// A discrete choice among values with weights.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    values: Vec<f64>,
    index: WeightedIndex<f64>,
    /// Normalized cumulative weights (last = 1).
    cumulative: Vec<f64>,
    mode: usize,
}

impl Choice {
    /// `values` with `weights` (non-negative, finite, not all zero, same length: checked by the caller).
    pub(crate) fn new(values: Vec<f64>, weights: &[f64]) -> Option<Self> {
        let index = WeightedIndex::new(weights.iter().copied()).ok()?;
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                acc / total
            })
            .collect();
        let mut mode = 0;
        for (i, w) in weights.iter().enumerate() {
            if *w > weights[mode] {
                mode = i;
            }
        }
        Some(Choice {
            values,
            index,
            cumulative,
            mode,
        })
    }

    /// A Monte Carlo draw: the index chosen.
    pub(crate) fn draw_index<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        self.index.sample(rng)
    }

    /// Inverse CDF over the options: the index whose cumulative weight first exceeds `u`.
    pub(crate) fn quantile_index(&self, u: f64) -> usize {
        self.cumulative
            .partition_point(|&c| c <= u)
            .min(self.values.len() - 1)
    }

    /// The most likely option (the first one on ties).
    pub(crate) fn mode_index(&self) -> usize {
        self.mode
    }

    /// The value of option `i`.
    pub(crate) fn value(&self, i: usize) -> f64 {
        self.values[i]
    }
}

/// Any compiled distribution.
#[derive(Debug, Clone)]
pub(crate) enum Dist {
    Continuous(Continuous),
    Choice(Choice),
    /// An input a sweep variant fixed: keeps the base scenario's input in its place and
    /// yields the fixed value (or, with `None`, the draw itself, for an input that the
    /// variant no longer applies).
    Held(Box<Dist>, Option<f64>),
    /// A calibration knob's variant ([`crate::knobs`]): `centre + factor·(x − centre)` of
    /// the inner draw `x`, clamped to `[lo, hi]` (`factor > 0`, so quantiles stay ordered).
    Affine {
        inner: Box<Dist>,
        centre: f64,
        factor: f64,
        lo: f64,
        hi: f64,
    },
    /// Not drawn: the value of an expression over the `[context]` quantities (formula
    /// `formula` of the plan's links), within `[lo, hi]`; `central` at central context.
    Derived {
        formula: usize,
        lo: f64,
        hi: f64,
        central: f64,
    },
}

impl Dist {
    /// A Monte Carlo draw (for a choice: the chosen value).
    pub(crate) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Continuous(c) => c.draw(rng),
            Dist::Choice(c) => c.value(c.draw_index(rng)),
            Dist::Held(inner, value) => {
                let x = inner.draw(rng);
                value.unwrap_or(x)
            }
            Dist::Affine { inner, .. } => self.map(inner.draw(rng)),
            Dist::Derived { central, .. } => *central,
        }
    }

    /// The `u`-quantile.
    pub(crate) fn quantile(&self, u: f64) -> f64 {
        match self {
            Dist::Continuous(c) => c.quantile(u),
            Dist::Choice(c) => c.value(c.quantile_index(u)),
            Dist::Held(inner, value) => value.unwrap_or_else(|| inner.quantile(u)),
            Dist::Affine { inner, .. } => self.map(inner.quantile(u)),
            Dist::Derived { central, .. } => *central,
        }
    }

    /// The value of largest magnitude it can produce, when that is finite: the option of
    /// largest |x| of a choice, the end of largest |x| of a bounded range.
    pub(crate) fn largest(&self) -> Option<f64> {
        let pick = |a: f64, b: f64| if a.abs() >= b.abs() { a } else { b };
        match self {
            Dist::Continuous(c) => {
                let (lo, hi) = c.range();
                (lo.is_finite() && hi.is_finite()).then(|| pick(lo, hi))
            }
            Dist::Choice(c) => c.values.iter().copied().reduce(pick),
            Dist::Held(inner, value) => value.or_else(|| inner.largest()),
            Dist::Affine { inner, .. } => {
                // Bounded iff the inner one is: map both ends (a choice: every option).
                inner.largest()?;
                match &**inner {
                    Dist::Choice(c) => c.values.iter().map(|&x| self.map(x)).reduce(pick),
                    other => Some(pick(
                        self.map(other.quantile(0.0)),
                        self.map(other.quantile(1.0)),
                    )),
                }
            }
            Dist::Derived { lo, hi, .. } => {
                (lo.is_finite() && hi.is_finite()).then(|| pick(*lo, *hi))
            }
        }
    }

    /// The central value: the median, or the most likely option of a choice.
    pub(crate) fn central(&self) -> f64 {
        match self {
            Dist::Continuous(c) => c.quantile(0.5),
            Dist::Choice(c) => c.value(c.mode_index()),
            Dist::Held(inner, value) => value.unwrap_or_else(|| inner.central()),
            Dist::Derived { central, .. } => *central,
            Dist::Affine { inner, .. } => self.map(inner.central()),
        }
    }

    /// An affine variant's map of an inner value (the identity for other kinds).
    fn map(&self, x: f64) -> f64 {
        match self {
            Dist::Affine {
                centre,
                factor,
                lo,
                hi,
                ..
            } => (centre + factor * (x - centre)).clamp(*lo, *hi),
            _ => x,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn truncated_normal_median_and_mass() {
        let n = Shape::Normal(
            rand_distr::Normal::new(0.0, 1.0).unwrap(),
            statrs::distribution::Normal::new(0.0, 1.0).unwrap(),
        );
        let (c, mass) = Continuous::new(n, Some((0.0, f64::INFINITY)));
        assert!((mass - 0.5).abs() < 1e-12);
        // Median of the half-normal: Φ⁻¹(0.75).
        assert!((c.quantile(0.5) - 0.674_489_750_196_081_7).abs() < 1e-9);
    }

    #[test]
    fn choice_quantile_follows_weights() {
        let c = Choice::new(vec![10.0, 20.0, 30.0], &[1.0, 2.0, 1.0]).unwrap();
        assert_eq!(c.quantile_index(0.0), 0);
        assert_eq!(c.quantile_index(0.24), 0);
        assert_eq!(c.quantile_index(0.25), 1);
        assert_eq!(c.quantile_index(0.74), 1);
        assert_eq!(c.quantile_index(0.9999), 2);
        assert_eq!(c.mode_index(), 1);
    }
}
