//! Distribution functions rebuilt from a summary's histogram, and the distances
//! computed on them (`compare`'s KS and Wasserstein; the backtest scores samples in
//! `forecast`).
//!
//! A summary keeps a 64-bin histogram of deal amounts over `lo..hi`, the deals below and
//! above that range, and the smallest and largest deal. [`PiecewiseCdf::from_amount`]
//! turns that into a continuous, piecewise-linear distribution function: uniform density
//! inside each bin, the deals below `lo` spread uniformly over `[min, lo]` and those above
//! `hi` over `[hi, max]`, and every edge clamped into `[min, max]` (so a bin holding the
//! smallest deal starts at it; all deals at one amount give a vertical step). Distances
//! on these functions are computed exactly (no numerical integration): the
//! only approximation is the uniform density within a bin, whose width is the
//! resolution reported next to every distance.

use crate::summary::AmountSummary;

/// A continuous distribution function, linear between knots `(x, F(x))`.
///
/// Knots are sorted by `x`; `F` rises from 0 at the first knot to 1 at the last. Two
/// knots at the same `x` are a jump (the function is right-continuous).
#[derive(Debug, Clone, PartialEq)]
pub struct PiecewiseCdf {
    knots: Vec<(f64, f64)>,
    resolution: f64,
}

impl PiecewiseCdf {
    /// The distribution of deal amounts of a summary (`None` without deals or without a
    /// usable histogram).
    #[must_use]
    pub fn from_amount(a: &AmountSummary) -> Option<Self> {
        let h = &a.histogram;
        let inside: u64 = h.counts.iter().sum();
        let total = h.below + inside + h.above;
        let usable = total > 0
            && !h.counts.is_empty()
            && h.lo.is_finite()
            && h.hi.is_finite()
            && h.hi > h.lo
            && a.min.is_finite()
            && a.max.is_finite()
            && a.min <= a.max;
        if !usable {
            return None;
        }
        let n = h.counts.len();
        let w = (h.hi - h.lo) / n as f64;
        let clamp = |x: f64| x.clamp(a.min, a.max);
        let share = |c: u64| c as f64 / total as f64;
        let mut knots = Vec::with_capacity(n + 3);
        let mut cum = h.below;
        if h.below > 0 {
            knots.push((a.min, 0.0));
        }
        knots.push((clamp(h.lo), share(cum)));
        for (i, &c) in h.counts.iter().enumerate() {
            cum += c;
            let edge = if i + 1 == n {
                h.hi
            } else {
                h.lo + w * (i + 1) as f64
            };
            knots.push((clamp(edge), share(cum)));
        }
        if h.above > 0 {
            knots.push((a.max, 1.0));
        }
        // Exact endpoints despite rounding in the shares.
        if let Some(last) = knots.last_mut() {
            last.1 = 1.0;
        }
        // Leading knots with F = 0 and trailing ones with F = 1 carry no information.
        let first = knots.iter().rposition(|k| k.1 == 0.0).unwrap_or(0);
        let last = knots
            .iter()
            .position(|k| k.1 >= 1.0)
            .unwrap_or(knots.len() - 1);
        let mut knots = knots[first..=last].to_vec();
        if knots.len() == 1 {
            // All mass at one amount: a step.
            let x = knots[0].0;
            knots = vec![(x, 0.0), (x, 1.0)];
        } else if knots[0].1 > 0.0 {
            let x = knots[0].0;
            knots.insert(0, (x, 0.0));
        }
        Some(Self {
            knots,
            resolution: w,
        })
    }

    /// A distribution from explicit knots (sorted by `x`, `F` non-decreasing from 0 to 1).
    ///
    /// # Panics
    /// Never; malformed knots give meaningless values rather than a panic.
    #[must_use]
    pub fn from_knots(knots: Vec<(f64, f64)>, resolution: f64) -> Self {
        Self { knots, resolution }
    }

    /// Width of one histogram bin: the resolution of the uniform-density approximation.
    #[must_use]
    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    /// The knots `(x, F(x))`.
    #[must_use]
    pub fn knots(&self) -> &[(f64, f64)] {
        &self.knots
    }

    /// `F(x)`, right-continuous.
    #[must_use]
    pub fn at(&self, x: f64) -> f64 {
        let k = &self.knots;
        // Last knot with k.x <= x.
        let i = k.partition_point(|p| p.0 <= x);
        if i == 0 {
            return 0.0;
        }
        if i == k.len() {
            return 1.0;
        }
        interpolate(k[i - 1], k[i], x)
    }

    /// `F(x−)`, the limit from the left.
    #[must_use]
    pub fn left(&self, x: f64) -> f64 {
        let k = &self.knots;
        // First knot with k.x >= x.
        let i = k.partition_point(|p| p.0 < x);
        if i == 0 {
            return 0.0;
        }
        if i == k.len() {
            return 1.0;
        }
        interpolate(k[i - 1], k[i], x)
    }
}

fn interpolate((x0, f0): (f64, f64), (x1, f1): (f64, f64), x: f64) -> f64 {
    if x1 > x0 {
        f0 + (f1 - f0) * ((x - x0) / (x1 - x0))
    } else {
        f1
    }
}

/// The union of the knots of two distributions, sorted, without duplicates.
fn union_knots(a: &PiecewiseCdf, b: &PiecewiseCdf) -> Vec<f64> {
    let mut xs: Vec<f64> = a.knots.iter().chain(&b.knots).map(|k| k.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

/// The two-sample Kolmogorov–Smirnov distance `sup |F_a − F_b|` (exact for these
/// piecewise-linear functions: the supremum is attained at a knot or a limit at one).
#[must_use]
pub fn ks_distance(a: &PiecewiseCdf, b: &PiecewiseCdf) -> f64 {
    union_knots(a, b)
        .into_iter()
        .map(|x| (a.at(x) - b.at(x)).abs().max((a.left(x) - b.left(x)).abs()))
        .fold(0.0, f64::max)
}

/// The 1-Wasserstein distance `∫ |F_a − F_b| dx` (exact for these piecewise-linear
/// functions: the difference is linear between knots).
#[must_use]
pub fn wasserstein(a: &PiecewiseCdf, b: &PiecewiseCdf) -> f64 {
    let xs = union_knots(a, b);
    let mut total = 0.0;
    for pair in xs.windows(2) {
        let (x0, x1) = (pair[0], pair[1]);
        let h = x1 - x0;
        if h <= 0.0 {
            continue;
        }
        let d0 = a.at(x0) - b.at(x0);
        let d1 = a.left(x1) - b.left(x1);
        total += if d0 * d1 >= 0.0 {
            h * (d0.abs() + d1.abs()) / 2.0
        } else {
            h * (d0 * d0 + d1 * d1) / (2.0 * (d0.abs() + d1.abs()))
        };
    }
    total
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::summary::Histogram;

    fn amount(lo: f64, hi: f64, counts: Vec<u64>, min: f64, max: f64) -> AmountSummary {
        AmountSummary {
            count: counts.iter().sum(),
            mean: 0.0,
            sd: 0.0,
            min,
            max,
            quantiles: BTreeMap::new(),
            quantile_error_bound: 0.0,
            histogram: Histogram {
                lo,
                hi,
                counts,
                below: 0,
                above: 0,
            },
        }
    }

    fn step(x: f64) -> PiecewiseCdf {
        PiecewiseCdf::from_knots(vec![(x, 0.0), (x, 1.0)], 0.0)
    }

    #[test]
    fn uniform_histogram_gives_a_straight_cdf() {
        let f =
            PiecewiseCdf::from_amount(&amount(0.0, 4.0, vec![1, 1, 1, 1], 0.0, 4.0)).expect("cdf");
        assert!((f.at(1.0) - 0.25).abs() < 1e-12);
        assert!((f.at(2.5) - 0.625).abs() < 1e-12);
        assert_eq!(f.at(-1.0), 0.0);
        assert_eq!(f.at(5.0), 1.0);
    }

    #[test]
    fn a_spike_is_a_step() {
        let f =
            PiecewiseCdf::from_amount(&amount(0.0, 4.0, vec![0, 5, 0, 0], 1.5, 1.5)).expect("cdf");
        assert_eq!(f.left(1.5), 0.0);
        assert_eq!(f.at(1.5), 1.0);
    }

    #[test]
    fn distances_between_steps_and_shifts() {
        assert!((wasserstein(&step(1.0), &step(3.0)) - 2.0).abs() < 1e-12);
        assert_eq!(ks_distance(&step(1.0), &step(3.0)), 1.0);
        let a = PiecewiseCdf::from_knots(vec![(0.0, 0.0), (1.0, 1.0)], 0.1);
        let b = PiecewiseCdf::from_knots(vec![(0.5, 0.0), (1.5, 1.0)], 0.1);
        assert!((wasserstein(&a, &b) - 0.5).abs() < 1e-12);
        assert!((ks_distance(&a, &b) - 0.5).abs() < 1e-12);
        assert_eq!(wasserstein(&a, &a), 0.0);
        assert_eq!(ks_distance(&a, &a), 0.0);
    }

    #[test]
    fn crossing_distributions_integrate_the_absolute_difference() {
        // Same mean, different spread: F_a − F_b changes sign at 1.
        let a = PiecewiseCdf::from_knots(vec![(0.0, 0.0), (2.0, 1.0)], 0.1);
        let b = PiecewiseCdf::from_knots(vec![(0.5, 0.0), (1.5, 1.0)], 0.1);
        // ∫|F_a − F_b| = 2 · (0.0625 on 0..0.5 + 0.0625 on 0.5..1) = 0.25.
        assert!((wasserstein(&a, &b) - 0.25).abs() < 1e-12);
    }
}
