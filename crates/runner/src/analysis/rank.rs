//! Rank statistics: average ranks, Spearman's rank correlation and partial rank
//! correlation coefficients (PRCC).
//!
//! PRCC of input `j` with output `y` is the correlation of `rank(x_j)` and `rank(y)`
//! after removing the linear effect of the ranks of every other input. With `R` the
//! correlation matrix of the ranks of `(x_1, …, x_k, y)` and `P = R⁻¹`,
//! `PRCC_j = −P_{j,y} / √(P_{jj} P_{yy})` (the partial correlation from the precision
//! matrix). Every sum runs in index order, so results are deterministic.

/// Average ranks (1-based; tied values share the mean of their ranks). NaNs rank last.
#[must_use]
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]].total_cmp(&x[order[i]]).is_eq() {
            j += 1;
        }
        // Ranks i+1 ..= j share their mean.
        let mean = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            out[k] = mean;
        }
        i = j;
    }
    out
}

/// Pearson's correlation, or `None` when either variable is constant or the lengths
/// differ or are below 3.
#[must_use]
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || x.len() < 3 {
        return None;
    }
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation (Pearson's on average ranks).
#[must_use]
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// Invert a square matrix (row-major, `n × n`) by Gauss–Jordan elimination with partial
/// pivoting; `None` if it is singular to working precision.
#[must_use]
pub fn invert(m: &[f64], n: usize) -> Option<Vec<f64>> {
    if m.len() != n * n {
        return None;
    }
    let w = 2 * n;
    let mut a = vec![0.0; n * w];
    for i in 0..n {
        a[i * w..i * w + n].copy_from_slice(&m[i * n..i * n + n]);
        a[i * w + n + i] = 1.0;
    }
    let scale = m.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1e-300);
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&r, &s| a[r * w + col].abs().total_cmp(&a[s * w + col].abs()))?;
        if a[pivot * w + col].abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..w {
                a.swap(col * w + k, pivot * w + k);
            }
        }
        let p = a[col * w + col];
        for k in 0..w {
            a[col * w + k] /= p;
        }
        for r in 0..n {
            if r != col {
                let f = a[r * w + col];
                if f != 0.0 {
                    for k in 0..w {
                        a[r * w + k] -= f * a[col * w + k];
                    }
                }
            }
        }
    }
    Some(
        (0..n)
            .flat_map(|i| a[i * w + n..i * w + w].to_vec())
            .collect(),
    )
}

/// Partial rank correlation of each input column with `y`. Inputs that are constant
/// over the sample get `None` and are left out of the others' conditioning; all are
/// `None` if `y` is constant or the rank correlation matrix is singular.
#[must_use]
pub fn prcc(inputs: &[Vec<f64>], y: &[f64]) -> Vec<Option<f64>> {
    let mut out = vec![None; inputs.len()];
    if y.len() < 3 {
        return out;
    }
    let ry = ranks(y);
    let mut cols: Vec<(usize, Vec<f64>)> = Vec::new();
    for (j, x) in inputs.iter().enumerate() {
        if x.len() == y.len() {
            let r = ranks(x);
            if r.iter().any(|&v| v != r[0]) {
                cols.push((j, r));
            }
        }
    }
    if cols.is_empty() {
        return out;
    }
    let k = cols.len();
    let n = k + 1;
    let col = |i: usize| -> &[f64] { if i < k { &cols[i].1 } else { &ry } };
    let mut r = vec![0.0; n * n];
    for i in 0..n {
        r[i * n + i] = 1.0;
        for j in i + 1..n {
            let Some(c) = pearson(col(i), col(j)) else {
                return out;
            };
            r[i * n + j] = c;
            r[j * n + i] = c;
        }
    }
    let Some(p) = invert(&r, n) else {
        return out;
    };
    let pyy = p[k * n + k];
    for (i, (j, _)) in cols.iter().enumerate() {
        let d = p[i * n + i] * pyy;
        if d > 0.0 {
            out[*j] = Some((-p[i * n + k] / d.sqrt()).clamp(-1.0, 1.0));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn spearman_is_one_for_monotone_maps() {
        let x: Vec<f64> = (0..50).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3) + 2.0).collect();
        assert!((spearman(&x, &y).unwrap() - 1.0).abs() < 1e-12);
        let z: Vec<f64> = x.iter().map(|v| -v.exp()).collect();
        assert!((spearman(&x, &z).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&x, &vec![1.0; 50]), None);
    }

    #[test]
    fn inverse_times_matrix_is_identity() {
        let m = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let inv = invert(&m, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| m[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        assert!(invert(&[1.0, 2.0, 2.0, 4.0], 2).is_none());
    }

    /// y depends strongly on x0, weakly on x1, not on x2: PRCC orders them so, and the
    /// irrelevant input's PRCC is near zero.
    #[test]
    fn prcc_ranks_the_decisive_input_first() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 4000;
        let cols: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..n).map(|_| rng.random::<f64>()).collect())
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| 5.0 * cols[0][i] + 0.5 * cols[1][i] + 0.1 * rng.random::<f64>())
            .collect();
        let p = prcc(&cols, &y);
        let p: Vec<f64> = p.into_iter().map(Option::unwrap).collect();
        assert!(p[0] > 0.95, "{p:?}");
        assert!(p[1] > 0.3 && p[1] < p[0], "{p:?}");
        assert!(p[2].abs() < 0.06, "{p:?}");
    }

    #[test]
    fn prcc_skips_constant_inputs() {
        let x: Vec<f64> = (0..20).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v + 4.0 * (v * 7.0).sin()).collect();
        let p = prcc(&[x, vec![1.0; 20]], &y);
        assert!(p[0].unwrap() > 0.5, "{p:?}");
        assert_eq!(p[1], None);
    }
}
