//! `[[correlation]]`: rank correlations between uncertain inputs, induced by a Gaussian
//! copula.
//!
//! Each correlated input keeps its own keyed stream: a trial draws one uniform `p_i`
//! from it (Monte Carlo: `p_i ~ U(0, 1)`; Latin hypercube: its stratum plus a uniform
//! offset), turns it into a standard normal `z_i = Φ⁻¹(p_i)`, correlates the normals
//! with the Cholesky factor `L` of the Pearson matrix (`x = L z`), and maps each back
//! through `Φ` and the input's own quantile function: `value_i = F_i⁻¹(Φ(x_i))`. Every
//! `x_i` is a standard normal, so every marginal is exactly the declared one; the
//! Pearson correlation `ρ = 2 sin(π ρ_S / 6)` of the normals gives the declared Spearman
//! rank correlation `ρ_S` for continuous marginals (Kruskal 1958; the NORTA method of
//! Cario & Nelson 1997; Iman & Conover 1982 induce the same ranks by reordering a whole
//! sample, which per-trial generation cannot do). Under the Latin hypercube the first
//! input of the matrix (in input order) keeps its strata exactly (`x_1 = z_1`); the
//! others keep exact marginals but are no longer stratified.

use rand::RngExt;
use schemars::JsonSchema;
use serde::Deserialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::lhs::Permutation;
use crate::{SampleCtx, Sampler};

/// Most distinct inputs all `[[correlation]]` entries together may name (a trial keeps
/// their normals in a fixed array on the stack).
pub(crate) const MAX_CORRELATED: usize = 32;

/// Keep probabilities strictly inside (0, 1) so `Φ⁻¹` stays finite.
const P_EDGE: f64 = 1e-16;

/// One `[[correlation]]` entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CorrelationFile {
    /// The two uncertain inputs, by field path (`parties.us.reservation`,
    /// `context.fx`).
    pub between: Vec<String>,
    /// Their Spearman rank correlation, in (-1, 1).
    pub rank: f64,
}

/// The Pearson correlation of two normals whose Spearman rank correlation is `rank`:
/// `2 sin(π ρ_S / 6)`.
#[must_use]
pub(crate) fn pearson_of_spearman(rank: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rank / 6.0).sin()
}

/// The lower-triangular Cholesky factor of the symmetric `m × m` matrix `a` (row-major),
/// or `None` if `a` is not positive definite.
pub(crate) fn cholesky(a: &[f64], m: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * m + k] * l[j * m + k]).sum();
            if i == j {
                let d = a[i * m + i] - s;
                if d.is_nan() || d <= 1e-12 {
                    return None;
                }
                l[i * m + j] = d.sqrt();
            } else {
                l[i * m + j] = (a[i * m + j] - s) / l[j * m + j];
            }
        }
    }
    Some(l)
}

/// The compiled copula: which inputs it correlates and the Cholesky factor.
#[derive(Debug, Clone)]
pub(crate) struct Copula {
    /// The stream key of each correlated input, in input order.
    streams: Vec<u64>,
    /// For every input of the plan: its place among the correlated ones, if it is one.
    slot_of: Vec<Option<usize>>,
    /// Lower-triangular Cholesky factor of the Pearson matrix, row-major.
    chol: Vec<f64>,
    normal: Normal,
}

impl Copula {
    /// The copula of the inputs at `members` (indices into the plan's `n_inputs`
    /// inputs, ascending, with their stream keys), given the Cholesky factor of their
    /// Pearson matrix.
    pub(crate) fn new(members: &[(usize, u64)], n_inputs: usize, chol: Vec<f64>) -> Option<Copula> {
        let mut slot_of = vec![None; n_inputs];
        for (s, &(j, _)) in members.iter().enumerate() {
            *slot_of.get_mut(j)? = Some(s);
        }
        Some(Copula {
            streams: members.iter().map(|&(_, k)| k).collect(),
            slot_of,
            chol,
            normal: Normal::standard(),
        })
    }

    /// The place of input `j` among the correlated inputs, if it is one.
    #[inline]
    pub(crate) fn slot(&self, j: usize) -> Option<usize> {
        self.slot_of.get(j).copied().flatten()
    }

    /// The correlated uniforms `Φ(x_i)` of trial `ctx` (its [`crate::rng::trial_key`]
    /// is `trial_key`) into `u`, by slot. Allocates nothing.
    pub(crate) fn uniforms(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        trial_key: u64,
        u: &mut [f64; MAX_CORRELATED],
    ) {
        let m = self.streams.len().min(MAX_CORRELATED);
        let mut z = [0.0; MAX_CORRELATED];
        for (zi, &stream) in z.iter_mut().zip(&self.streams) {
            let mut rng = crate::rng::keyed_rng(trial_key, stream);
            let p = match sampler {
                Sampler::MonteCarlo => rng.random::<f64>(),
                Sampler::LatinHypercube => {
                    let trials = ctx.trials.max(1);
                    let stratum = Permutation::new(trials, ctx.seed, stream).apply(ctx.trial);
                    (stratum as f64 + rng.random::<f64>()) / trials as f64
                }
            };
            *zi = self.normal.inverse_cdf(p.clamp(P_EDGE, 1.0 - P_EDGE));
        }
        for (i, ui) in u.iter_mut().enumerate().take(m) {
            let row = &self.chol[i * m..=i * m + i];
            let x: f64 = row.iter().zip(&z).map(|(l, z)| l * z).sum();
            *ui = self.normal.cdf(x);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn spearman_to_pearson_is_the_gaussian_identity() {
        assert_eq!(pearson_of_spearman(0.0), 0.0);
        assert!((pearson_of_spearman(1.0) - 1.0).abs() < 1e-15);
        // ρ_S = (6/π) asin(ρ/2) inverts it.
        let r = pearson_of_spearman(0.6);
        assert!(((6.0 / std::f64::consts::PI) * (r / 2.0).asin() - 0.6).abs() < 1e-12);
    }

    #[test]
    fn cholesky_refuses_matrices_that_are_not_positive_definite() {
        let ok = [1.0, 0.5, 0.5, 1.0];
        let l = cholesky(&ok, 2).unwrap();
        assert!((l[2] - 0.5).abs() < 1e-15 && (l[3] - 0.75f64.sqrt()).abs() < 1e-15);
        // Three inputs pairwise at -0.9 cannot hold together.
        let bad = [1.0, -0.9, -0.9, -0.9, 1.0, -0.9, -0.9, -0.9, 1.0];
        assert!(cholesky(&bad, 3).is_none());
        let c = Copula::new(&[(0, 1), (2, 2)], 3, l).unwrap();
        assert_eq!((c.slot(0), c.slot(1), c.slot(2)), (Some(0), None, Some(1)));
    }
}
