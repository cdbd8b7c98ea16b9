//! Forecast scores from a sample (issue #24): what `backtest` reports for each model
//! against an observed amount, and the skill of a model against a naive baseline.
//!
//! - CRPS of a sample `x₁…xₙ` against `y`, exactly: `E|X − y| − ½ E|X − X′|`
//!   with `E|X − X′| = (2/n²) Σᵢ x₍ᵢ₎ (2i − n + 1)` over the sorted sample (0-based `i`),
//!   so O(n log n) for the sort and O(n) after it (Gneiting & Raftery 2007, eq. 20).
//! - PIT: the share of the sample below `y` plus half the share equal to it.
//! - Quantiles: the sorted value at position `round(p·(n − 1))` (as `summary.json`).
//! - Log score: `ln f̂(y)` of a Gaussian kernel density with Silverman's rule of thumb
//!   `h = 0.9 · min(sd, IQR/1.34) · n^(−1/5)` (widened to a tenth of a per cent of
//!   `|median|` when the sample is (nearly) constant), floored at [`DENSITY_FLOOR`].
//! - Skill: `1 − mean score_model / mean score_baseline` over the cases both scored, with
//!   a paired bootstrap interval over cases ([`BOOTSTRAP_REPS`] resamples, fixed seed,
//!   2.5% and 97.5% percentiles).
//!
//! The sample of deal amounts comes from [`deal_samples`]: every trial of the plan
//! replayed through the trial kernel (so the same draws as the run), deals kept in trial
//! order.

use std::sync::atomic::AtomicBool;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::ensemble::waves::{Merge, Waves};
use crate::ensemble::{CHUNK, Interrupted, Plan, WAVE};
use crate::scenario::Scenario;
use crate::trial::{self, Workspace};

/// The density floor of the log score, per unit of amounts: `ln` of it is the worst score.
pub const DENSITY_FLOOR: f64 = 1e-9;
/// Bootstrap resamples of the skill intervals.
pub const BOOTSTRAP_REPS: usize = 2000;
/// Seed of the bootstrap (fixed: the intervals are reproducible).
pub const BOOTSTRAP_SEED: u64 = 0x5eed_b007;

/// Deal amounts per model, in plan order, each in trial order.
#[derive(Debug, Clone, Default)]
pub struct DealSamples(pub Vec<Vec<f64>>);

impl Merge for DealSamples {
    fn merge(&mut self, other: Self) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            a.extend(b);
        }
    }
}

/// Every deal amount of every model of `plan` (the whole run, all shards), replayed
/// through the trial kernel on the current rayon pool. Holds one run's deals in memory.
///
/// # Errors
/// [`Interrupted`] when `cancel` is set before the last wave.
pub fn deal_samples(
    scenario: &Scenario,
    plan: &Plan,
    cancel: &AtomicBool,
) -> Result<DealSamples, Interrupted> {
    let models = &plan.models;
    let driver = Waves {
        range: (0, plan.trials),
        chunk: CHUNK,
        wave: WAVE,
        cancel,
        progress: &|_| {},
    };
    driver.fold(
        DealSamples(vec![Vec::new(); models.len()]),
        || (vec![0.0; scenario.input_count()], Workspace::new()),
        |(inputs, ws), (start, end)| {
            let mut out = DealSamples(vec![Vec::new(); models.len()]);
            for t in start..end {
                trial::run_trial(
                    scenario,
                    plan.seed,
                    plan.trials,
                    models,
                    t,
                    inputs,
                    ws,
                    |i, _, o| {
                        if o.kind == bargain_core::OutcomeKind::Deal
                            && let Some(a) = o.amount
                        {
                            out.0[i].push(a);
                        }
                    },
                );
            }
            out
        },
    )
}

/// A model's scores against one observed amount, from its sample of deals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampleScore {
    /// Median of the deals.
    pub median: f64,
    /// Absolute error of the median, as a fraction of the observed amount.
    pub ape: f64,
    /// PIT of the observed amount (mid-rank).
    pub pit: f64,
    /// Exact CRPS of the sample, in the unit of amounts.
    pub crps: f64,
    /// Log score (natural log of the kernel density at the observed amount).
    pub log_score: f64,
    /// Kernel bandwidth of the log score, in the unit of amounts.
    pub bandwidth: f64,
    /// Inside [p25, p75].
    pub in_50: bool,
    /// Inside [p10, p90].
    pub in_80: bool,
    /// Inside [p05, p95].
    pub in_90: bool,
}

/// The value at sorted position `round(p·(n − 1))` of a sorted, non-empty sample.
#[must_use]
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let k = (p * (n.saturating_sub(1)) as f64).round() as usize;
    sorted[k.min(n - 1)]
}

/// Exact CRPS of a sorted sample against `y` (see the module docs).
#[must_use]
pub fn crps_sorted(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len() as f64;
    let mut abs = 0.0;
    let mut spread = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        abs += (x - y).abs();
        spread += x * (2.0 * i as f64 - n + 1.0);
    }
    abs / n - spread / (n * n)
}

/// Exact CRPS against `y` of a sample given as counts of ascending values (`(value,
/// count)` pairs, values ascending; the package tallies of a number issue): the same as
/// [`crps_sorted`] of the expanded sample, a block of `c` copies of `v` after `a` smaller
/// deals adding `v·c·(2a + c − n)` to `Σᵢ x₍ᵢ₎ (2i − n + 1)`. `None` without deals.
#[must_use]
pub fn crps_counted(values: &[(f64, u64)], y: f64) -> Option<f64> {
    let n: u64 = values.iter().map(|&(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let (mut abs, mut spread, mut before) = (0.0, 0.0, 0u64);
    for &(v, c) in values {
        let cf = c as f64;
        abs += cf * (v - y).abs();
        spread += v * cf * (2.0 * before as f64 + cf - nf);
        before += c;
    }
    Some(abs / nf - spread / (nf * nf))
}

/// Mid-rank PIT of `y` in a sorted sample.
#[must_use]
pub fn pit_sorted(sorted: &[f64], y: f64) -> f64 {
    let below = sorted.partition_point(|&x| x < y);
    let at_most = sorted.partition_point(|&x| x <= y);
    (below as f64 + 0.5 * (at_most - below) as f64) / sorted.len() as f64
}

/// Silverman's bandwidth of a sorted sample (see the module docs).
#[must_use]
pub fn silverman_bandwidth(sorted: &[f64]) -> f64 {
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let var = sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    let iqr = quantile_sorted(sorted, 0.75) - quantile_sorted(sorted, 0.25);
    let spread = if iqr > 0.0 {
        var.sqrt().min(iqr / 1.34)
    } else {
        var.sqrt()
    };
    let h = 0.9 * spread * n.powf(-0.2);
    h.max(1e-3 * quantile_sorted(sorted, 0.5).abs())
        .max(f64::MIN_POSITIVE)
}

/// `ln` of the Gaussian kernel density of a sorted sample at `y`, floored.
#[must_use]
pub fn kde_log_score(sorted: &[f64], y: f64, h: f64) -> f64 {
    let norm = 1.0 / (sorted.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt());
    let density: f64 = sorted
        .iter()
        .map(|&x| (-0.5 * ((y - x) / h).powi(2)).exp())
        .sum::<f64>()
        * norm;
    density.max(DENSITY_FLOOR).ln()
}

/// Score a sample of deals (any order; sorted here) against the observed amount `y`.
/// `None` without deals.
#[must_use]
pub fn score_sample(deals: &mut [f64], y: f64) -> Option<SampleScore> {
    if deals.is_empty() {
        return None;
    }
    deals.sort_by(f64::total_cmp);
    let s = &*deals;
    let q = |p| quantile_sorted(s, p);
    let median = q(0.5);
    let bandwidth = silverman_bandwidth(s);
    Some(SampleScore {
        median,
        ape: (median - y).abs() / y.abs(),
        pit: pit_sorted(s, y),
        crps: crps_sorted(s, y),
        log_score: kde_log_score(s, y, bandwidth),
        bandwidth,
        in_50: q(0.25) <= y && y <= q(0.75),
        in_80: q(0.10) <= y && y <= q(0.90),
        in_90: q(0.05) <= y && y <= q(0.95),
    })
}

/// A naive point forecast scored against the observed amount.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointScore {
    /// The forecast amount.
    pub forecast: f64,
    /// Absolute error as a fraction of the observed amount.
    pub ape: f64,
    /// CRPS of a point forecast: the absolute error, in the unit of amounts.
    pub crps: f64,
}

/// Score a point forecast.
#[must_use]
pub fn score_point(forecast: f64, y: f64) -> PointScore {
    PointScore {
        forecast,
        ape: (forecast - y).abs() / y.abs(),
        crps: (forecast - y).abs(),
    }
}

/// A skill score with its paired bootstrap interval over cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    /// `1 − mean model score / mean baseline score` (positive: the model is better).
    pub skill: f64,
    /// 2.5th percentile of the bootstrap skills.
    pub lo: f64,
    /// 97.5th percentile of the bootstrap skills.
    pub hi: f64,
    /// Cases both were scored on.
    pub cases: usize,
    /// What the interval can be trusted for, in words.
    pub note: String,
}

/// The skill of `model` against `baseline` (paired scores per case, lower is better),
/// `None` without cases or when the baseline's mean score is 0.
#[must_use]
pub fn skill(pairs: &[(f64, f64)]) -> Option<Skill> {
    let n = pairs.len();
    let ratio = |idx: &mut dyn Iterator<Item = usize>| -> Option<f64> {
        let (m, b) = idx.fold((0.0, 0.0), |(m, b), i| (m + pairs[i].0, b + pairs[i].1));
        (b > 0.0).then(|| 1.0 - m / b)
    };
    let skill = ratio(&mut (0..n))?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(BOOTSTRAP_SEED);
    // Each resample draws n case indices with replacement, summed as they are drawn.
    let mut boot: Vec<f64> = (0..BOOTSTRAP_REPS)
        .filter_map(|_| ratio(&mut (0..n).map(|_| rng.random_range(0..n))))
        .collect();
    boot.sort_by(f64::total_cmp);
    let (lo, hi) = if boot.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (quantile_sorted(&boot, 0.025), quantile_sorted(&boot, 0.975))
    };
    let note = match n {
        1 => "one case: no interval can be trusted".to_owned(),
        2..=9 => {
            format!("only {n} cases: the bootstrap interval is rough and the skill may be luck")
        }
        _ => format!("{n} cases"),
    };
    Some(Skill {
        skill,
        lo,
        hi,
        cases: n,
        note,
    })
}

/// Laplace's rule: `(successes + 1) / (cases + 2)`.
#[must_use]
pub fn laplace(successes: usize, cases: usize) -> f64 {
    (successes as f64 + 1.0) / (cases as f64 + 2.0)
}

/// Months of lapse (`days / DAYS_PER_MONTH`, the mean Gregorian month) between the
/// expiry and a deal struck `days` after it; 0 for a deal on or before the expiry.
#[must_use]
pub fn lapse_months_of_days(days_after_expiry: i64) -> f64 {
    days_after_expiry.max(0) as f64 / bargain_core::calendar::DAYS_PER_MONTH
}

/// The predicted mean lapse of a model: the mean, over its deals, of the months of lapse
/// of each deal (0 for a deal on or before the expiry), from its integer count of deals
/// by day (`deal_days[d]` = deals struck `d` days after the first round; the expiry is
/// day `expiry`). Exact: the lapse days are summed as integers, `Σ_{d > expiry} (d −
/// expiry)·deal_days[d]`, and divided once by the deals and by the days of a month, so the
/// value does not depend on the order or sharding of the trials. `None` without deals.
#[must_use]
pub fn mean_lapse_months(deal_days: &[u64], expiry: i64) -> Option<f64> {
    let deals: u128 = deal_days.iter().map(|&k| u128::from(k)).sum();
    if deals == 0 {
        return None;
    }
    let lapse_days: u128 = deal_days
        .iter()
        .enumerate()
        .filter_map(|(d, &k)| {
            let after = i64::try_from(d).ok()? - expiry;
            (after > 0).then(|| after as u128 * u128::from(k))
        })
        .sum();
    Some(lapse_days as f64 / deals as f64 / bargain_core::calendar::DAYS_PER_MONTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CRPS by the definition E|X − y| − ½ E|X − X′| over all ordered pairs.
    fn crps_naive(xs: &[f64], y: f64) -> f64 {
        let n = xs.len() as f64;
        let a: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
        let mut b = 0.0;
        for x in xs {
            for z in xs {
                b += (x - z).abs();
            }
        }
        a - 0.5 * b / (n * n)
    }

    #[test]
    fn crps_matches_its_definition() {
        let mut xs = vec![1.3, 0.2, 0.9, 0.9, 2.5, -0.4, 1.1];
        for y in [-1.0, 0.0, 0.9, 1.0, 3.0] {
            let naive = crps_naive(&xs, y);
            xs.sort_by(f64::total_cmp);
            assert!((crps_sorted(&xs, y) - naive).abs() < 1e-12, "{y}");
        }
        // A point forecast: the absolute error.
        assert!((crps_sorted(&[2.0], 5.0) - 3.0).abs() < 1e-15);
    }

    #[test]
    fn pit_is_the_mid_rank() {
        let xs = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(pit_sorted(&xs, 2.0), 0.5);
        assert_eq!(pit_sorted(&xs, 0.0), 0.0);
        assert_eq!(pit_sorted(&xs, 9.0), 1.0);
    }

    #[test]
    fn kde_of_a_large_normal_sample_is_near_the_normal_density() {
        use statrs::distribution::{ContinuousCDF, Normal};
        let d = Normal::new(0.0, 1.0).unwrap_or_else(|_| unreachable!());
        let n = 20_000;
        let mut xs: Vec<f64> = (0..n)
            .map(|i| d.inverse_cdf((i as f64 + 0.5) / n as f64))
            .collect();
        xs.sort_by(f64::total_cmp);
        let h = silverman_bandwidth(&xs);
        let at0 = kde_log_score(&xs, 0.0, h);
        let exact = -(2.0 * std::f64::consts::PI).sqrt().ln();
        assert!((at0 - exact).abs() < 0.01, "{at0} vs {exact}");
        // Far outside: the floor.
        assert_eq!(kde_log_score(&xs, 1e6, h), DENSITY_FLOOR.ln());
    }

    #[test]
    fn skill_is_one_minus_the_ratio_of_means_with_an_interval_around_it() {
        let pairs = [(1.0, 2.0), (2.0, 4.0), (1.0, 2.0), (3.0, 6.0)];
        let s = skill(&pairs).unwrap_or_else(|| unreachable!());
        assert!((s.skill - 0.5).abs() < 1e-15);
        // Every case has ratio 1/2: every resample too.
        assert!((s.lo - 0.5).abs() < 1e-12 && (s.hi - 0.5).abs() < 1e-12);
        assert!(s.note.contains("only 4 cases"));
        assert!(skill(&[]).is_none());
        assert!(skill(&[(1.0, 0.0)]).is_none());
    }

    #[test]
    fn laplace_rule() {
        assert_eq!(laplace(0, 0), 0.5);
        assert_eq!(laplace(2, 3), 0.6);
    }

    #[test]
    fn crps_of_counts_equals_crps_of_the_expanded_sample() {
        let counts = [(0.9, 3u64), (1.0, 0), (1.1, 5), (1.45, 1), (2.0, 2)];
        let mut xs: Vec<f64> = Vec::new();
        for &(v, c) in &counts {
            xs.extend(std::iter::repeat_n(v, c as usize));
        }
        for y in [0.5, 0.9, 1.05, 1.2, 3.0] {
            let got = crps_counted(&counts, y).unwrap_or(f64::NAN);
            assert!((got - crps_sorted(&xs, y)).abs() < 1e-14, "{y}");
        }
        assert_eq!(crps_counted(&[(1.0, 0)], 1.0), None);
    }

    #[test]
    fn mean_lapse_counts_days_after_the_expiry_over_every_deal() {
        // Expiry on day 2: deals on days 1 (×2), 2 (×1), 4 (×3), 7 (×1): lapse days
        // 0, 0, 2·3 + 5 = 11 over 7 deals.
        let days = [0, 2, 1, 0, 3, 0, 0, 1];
        let m = mean_lapse_months(&days, 2).unwrap_or(f64::NAN);
        let dpm = bargain_core::calendar::DAYS_PER_MONTH;
        assert!((m - 11.0 / 7.0 / dpm).abs() < 1e-15, "{m}");
        assert_eq!(mean_lapse_months(&days, 7), Some(0.0));
        assert_eq!(mean_lapse_months(&[0, 0], 0), None);
        assert_eq!(lapse_months_of_days(-3), 0.0);
        assert!((lapse_months_of_days(61) - 61.0 / dpm).abs() < 1e-15);
    }
}
