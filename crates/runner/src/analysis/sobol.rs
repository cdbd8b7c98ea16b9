//! Variance-based (Sobol) sensitivity indices from a Saltelli design.
//!
//! Two independent `N × k` matrices `A` and `B` of uniforms on `[0, 1]` are drawn; `A_B^(j)`
//! is `A` with column `j` taken from `B`. With `f` evaluated on every row of `A`, `B`
//! and each `A_B^(j)` (`N (k + 2)` evaluations), and `V` the variance of `f` over the
//! rows of `A` and `B` together:
//!
//! - first order (Saltelli et al. 2010): `S_j = mean(f(B) · (f(A_B^(j)) − f(A))) / V`;
//! - total (Jansen 1999): `S_Tj = mean((f(A) − f(A_B^(j)))²) / (2V)`.
//!
//! Rows where any of the three values is undefined (NaN: e.g. no deal, for the agreed
//! amount) are left out of that input's means. The half-widths of approximate 95%
//! intervals are `1.96 · sd(term) / √N / V` (the uncertainty of `V` is ignored).

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
    /// Rows used (those where every value was defined).
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
/// and `fab[j][i]` for row `i` and input `j`. `None` for an input when the output has
/// no variance or fewer than 2 rows are defined.
#[must_use]
pub fn indices(fa: &[f64], fb: &[f64], fab: &[Vec<f64>]) -> Vec<Option<SobolIndex>> {
    let both: Vec<f64> = fa
        .iter()
        .chain(fb)
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    let (_, sd) = mean_sd(&both);
    let var = sd * sd;
    fab.iter()
        .map(|fj| {
            if var.is_nan() || var <= 0.0 {
                return None;
            }
            let mut first = Vec::with_capacity(fa.len());
            let mut total = Vec::with_capacity(fa.len());
            for ((&a, &b), &ab) in fa.iter().zip(fb).zip(fj) {
                if a.is_finite() && b.is_finite() && ab.is_finite() {
                    first.push(b * (ab - a));
                    total.push((a - ab) * (a - ab) / 2.0);
                }
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
