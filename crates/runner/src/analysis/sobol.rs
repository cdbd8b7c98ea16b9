//! Variance-based (Sobol) sensitivity indices from a Saltelli design.
//!
//! Two independent `N × k` matrices `A` and `B` of uniforms on `[0, 1]` are drawn; `A_B^(j)`
//! is `A` with column `j` taken from `B`. `f` is evaluated on every row of `A`, `B` and each
//! `A_B^(j)` (`N (k + 2)` evaluations). Values are **centred** on `f0`, the mean of `f` over
//! the rows of `A` and `B`, and `V` is the variance of the centred values over those `2N`
//! rows. Then
//!
//! - first order (Saltelli et al. 2010, eq. (b) of table 2):
//!   `S_j = mean(f(B) · (f(A_B^(j)) − f(A))) / V`;
//! - total (Jansen 1999): `S_Tj = mean((f(A) − f(A_B^(j)))²) / (2V)`.
//!
//! Centring leaves both estimators unbiased and removes the `f0²` term that otherwise
//! inflates the variance of the first-order estimator.
//!
//! **Undefined values** (NaN: the agreed amount of a trial without a deal) are held at `f0`,
//! the mean of the defined values, i.e. they contribute nothing after centring. The indices
//! are then those of the well-defined function `g(x) = f(x)` where defined, `f0` elsewhere:
//! for the agreed amount, the share of the variance of the amount (with no-deal trials
//! at the mean deal amount) that each input explains. They are exact Sobol indices of `g`,
//! so estimates lie in `[0, 1]` up to sampling error. (Dropping the rows where any value is
//! undefined, as an earlier version did, selects rows by the output and biases the
//! estimator without bound.) When every value is defined, `g = f`.
//!
//! The half-widths of approximate 95% intervals are `1.96 · sd(term) / √N / V` (the
//! uncertainty of `V` is ignored).

use rand::RngExt;

use crate::ensemble::trial_rng;

/// A tag mixed into the seed so that the design's uniforms differ from the trials' draws.
const DESIGN_TAG: u64 = 0x736f_626f_6c5f_6162;

/// First-order and total indices of one input, with approximate 95% half-widths.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SobolIndex {
    /// First-order index `S_j`: the share of the output variance due to input `j` alone.
    pub first: f64,
    /// Half-width of an approximate 95% interval of `first`.
    pub first_ci: f64,
    /// Total index `S_Tj`: the share due to `j` including all its interactions.
    pub total: f64,
    /// Half-width of an approximate 95% interval of `total`.
    pub total_ci: f64,
    /// Design rows used (all of them; undefined values are held at the mean).
    pub rows: u64,
}

/// Row `i` of `A` and of `B` (each `k` uniforms), from the generator of (`seed`, `i`).
pub fn design_rows(seed: u64, i: u64, a: &mut [f64], b: &mut [f64]) {
    let mut rng = trial_rng(seed ^ DESIGN_TAG, i);
    for x in a.iter_mut() {
        *x = rng.random::<f64>();
    }
    for x in b.iter_mut() {
        *x = rng.random::<f64>();
    }
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, v.sqrt())
}

/// The indices of every input from the outputs of a Saltelli design: `fa[i]`, `fb[i]`
/// and `fab[j][i]` for row `i` and input `j` (NaN: undefined, held at the mean; see the
/// module documentation). `None` for every input when fewer than 2 values of `A` and `B`
/// are defined or the output has no variance.
#[must_use]
pub fn indices(fa: &[f64], fb: &[f64], fab: &[Vec<f64>]) -> Vec<Option<SobolIndex>> {
    let none = || vec![None; fab.len()];
    let (sum, count) = fa
        .iter()
        .chain(fb)
        .filter(|x| x.is_finite())
        .fold((0.0, 0_u64), |(s, c), &x| (s + x, c + 1));
    if count < 2 {
        return none();
    }
    let f0 = sum / count as f64;
    let centred = |x: f64| if x.is_finite() { x - f0 } else { 0.0 };
    let rows = fa.len().min(fb.len());
    let var = fa
        .iter()
        .chain(fb)
        .map(|&x| centred(x) * centred(x))
        .sum::<f64>()
        / (2 * rows).saturating_sub(1).max(1) as f64;
    // A constant output leaves only rounding noise of `f0` after centring.
    if var.is_nan() || var <= f64::EPSILON * (f0 * f0).max(f64::MIN_POSITIVE) {
        return none();
    }
    let mut first = Vec::with_capacity(rows);
    let mut total = Vec::with_capacity(rows);
    fab.iter()
        .map(|fj| {
            first.clear();
            total.clear();
            for ((&a, &b), &ab) in fa.iter().zip(fb).zip(fj) {
                let (a, b, ab) = (centred(a), centred(b), centred(ab));
                first.push(b * (ab - a));
                total.push((a - ab) * (a - ab) / 2.0);
            }
            if first.len() < 2 {
                return None;
            }
            let root_n = (first.len() as f64).sqrt();
            let (m1, s1) = mean_sd(&first);
            let (mt, st) = mean_sd(&total);
            Some(SobolIndex {
                first: m1 / var,
                first_ci: 1.96 * s1 / root_n / var,
                total: mt / var,
                total_ci: 1.96 * st / root_n / var,
                rows: first.len() as u64,
            })
        })
        .collect()
}

/// Evaluate `f` on a Saltelli design of `n` rows over `k` inputs and return the indices.
/// For tests and small functions; the scenario analysis evaluates its own design in parallel.
pub fn analyze(k: usize, n: u64, seed: u64, f: impl Fn(&[f64]) -> f64) -> Vec<Option<SobolIndex>> {
    let (mut a, mut b, mut ab) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut fa = Vec::with_capacity(n as usize);
    let mut fb = Vec::with_capacity(n as usize);
    let mut fab = vec![Vec::with_capacity(n as usize); k];
    for i in 0..n {
        design_rows(seed, i, &mut a, &mut b);
        fa.push(f(&a));
        fb.push(f(&b));
        for (j, out) in fab.iter_mut().enumerate() {
            ab.copy_from_slice(&a);
            ab[j] = b[j];
            out.push(f(&ab));
        }
    }
    indices(&fa, &fb, &fab)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Y = X1 + 2·X2 + 0·X3 with independent uniforms: Var = 1/12 + 4/12, so
    /// S1 = 1/5, S2 = 4/5, S3 = 0, and total = first order (no interactions).
    #[test]
    fn additive_function_matches_analytic_indices() {
        let s = analyze(3, 20_000, 11, |x| x[0] + 2.0 * x[1] + 0.0 * x[2]);
        let s: Vec<SobolIndex> = s.into_iter().map(Option::unwrap).collect();
        let expected = [0.2, 0.8, 0.0];
        for (j, (idx, want)) in s.iter().zip(expected).enumerate() {
            // Within the estimator's own 95% interval, widened to 4 standard errors,
            // and within 0.03 absolutely.
            let tol_first = (idx.first_ci * 4.0 / 1.96).max(1e-9);
            let tol_total = (idx.total_ci * 4.0 / 1.96).max(1e-9);
            assert!(
                (idx.first - want).abs() <= tol_first.max(1e-12) && (idx.first - want).abs() < 0.03,
                "S{} = {} ± {}, want {want}",
                j + 1,
                idx.first,
                idx.first_ci
            );
            assert!(
                (idx.total - want).abs() <= tol_total.max(1e-12) && (idx.total - want).abs() < 0.03,
                "ST{} = {} ± {}, want {want}",
                j + 1,
                idx.total,
                idx.total_ci
            );
        }
        // The irrelevant input is exactly zero: A and A_B^(3) give the same value.
        assert_eq!(s[2].total, 0.0);
    }

    /// Ishigami: f = sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1 on U(−π, π)³, the standard test of
    /// Sobol estimators (Ishigami & Homma 1990; analytic indices in Saltelli et al. 2010).
    #[test]
    fn ishigami_within_002_of_analytic() {
        use std::f64::consts::PI;
        let (a, b) = (7.0, 0.1);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        let first = [v1 / v, v2 / v, 0.0];
        let total = [(v1 + v13) / v, v2 / v, v13 / v];
        let s = analyze(3, 200_000, 2010, |u| {
            let x: Vec<f64> = u.iter().map(|u| PI * (2.0 * u - 1.0)).collect();
            x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
        });
        for (j, idx) in s.into_iter().map(Option::unwrap).enumerate() {
            assert!(
                (idx.first - first[j]).abs() < 0.02,
                "S{} = {} ± {}, analytic {}",
                j + 1,
                idx.first,
                idx.first_ci,
                first[j]
            );
            assert!(
                (idx.total - total[j]).abs() < 0.02,
                "ST{} = {} ± {}, analytic {}",
                j + 1,
                idx.total,
                idx.total_ci,
                total[j]
            );
            // The approximate interval covers the analytic value (at 3 standard errors).
            assert!((idx.first - first[j]).abs() <= idx.first_ci * 3.0 / 1.96 + 1e-9);
        }
    }

    /// A large offset must not matter (centring): Y = 1000 + X1 + 2·X2.
    #[test]
    fn offset_does_not_change_the_indices() {
        let s = analyze(2, 5_000, 3, |x| 1000.0 + x[0] + 2.0 * x[1]);
        let t = analyze(2, 5_000, 3, |x| x[0] + 2.0 * x[1]);
        for (a, b) in s.iter().zip(&t) {
            let (a, b) = (a.unwrap(), b.unwrap());
            assert!((a.first - b.first).abs() < 1e-6, "{a:?} vs {b:?}");
            assert!((a.first_ci - b.first_ci).abs() < 1e-6);
        }
    }

    /// Undefined values are held at the mean: f = X1 where X2 < 1/2 and undefined elsewhere
    /// is g = X1·1[X2<½] + f0·1[X2≥½] with f0 = 1/2, so g − f0 = (X1 − ½)·1[X2<½]:
    /// V = 1/24, V1 = Var((X1−½)/2) = 1/48, V2 = Var(E[g|X2]) = 0, so S1 = 1/2, S2 = 0,
    /// ST1 = 1 and ST2 = 1/2 (the interaction).
    #[test]
    fn undefined_values_are_held_at_the_mean() {
        let s = analyze(2, 100_000, 9, |x| if x[1] < 0.5 { x[0] } else { f64::NAN });
        let s: Vec<SobolIndex> = s.into_iter().map(Option::unwrap).collect();
        for (got, want) in [
            (s[0].first, 0.5),
            (s[1].first, 0.0),
            (s[0].total, 1.0),
            (s[1].total, 0.5),
        ] {
            assert!((got - want).abs() < 0.02, "{got} vs {want}: {s:?}");
        }
    }

    /// A product has interactions: total indices exceed first-order ones.
    #[test]
    fn interactions_raise_total_above_first_order() {
        // Y = X1 · X2 on U(0,1)²: V = 7/144, S1 = S2 = (1/48)/(7/144) = 3/7, ST = 4/7.
        let s = analyze(2, 20_000, 5, |x| x[0] * x[1]);
        for idx in s.into_iter().map(Option::unwrap) {
            assert!((idx.first - 3.0 / 7.0).abs() < 0.04, "{idx:?}");
            assert!((idx.total - 4.0 / 7.0).abs() < 0.04, "{idx:?}");
        }
    }

    #[test]
    fn constant_output_has_no_indices() {
        assert!(analyze(2, 100, 1, |_| 3.0).iter().all(Option::is_none));
    }
}
