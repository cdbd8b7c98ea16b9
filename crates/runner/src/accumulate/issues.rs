//! What a package scenario's deals agreed on, issue by issue: integer counts that merge
//! exactly, like every accumulator of the engine.

use std::collections::BTreeMap;

use bargain_core::package::space::OutcomeSpace;
use serde::{Deserialize, Serialize};

/// Fixed-point scale of utility sums: a utility `u ∈ [0, 1]` is added as
/// `round(u · 2^64)` to an `i128`, which holds the sum of 2^63 of them; every utility of
/// at least 2^-11 is a whole number at this scale, so sums are exact and a mean is
/// correct to the last bit of its `f64`.
const UTILITY_SCALE: f64 = 18_446_744_073_709_551_616.0;

/// Deals of one model of a package run: per issue and value, per combination of the
/// non-amount issues, per cell of the report's heat map, and the parties' utilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueTally {
    /// `counts[j][k]`: deals whose issue `j` takes its value `k`.
    pub counts: Vec<Vec<u64>>,
    /// Deals per combination of the issues other than the amount issue, keyed by the
    /// combination's index (mixed radix over those issues, in file order); only
    /// combinations with a deal are stored.
    pub joint: BTreeMap<u64, u64>,
    /// Deals per cell `x · size(y) + y` of the heat map's two issues (empty without).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heat: Vec<u64>,
    /// Sums of each party's utility over deals (the first mover's first), in units of
    /// 2^-64 (decimal strings in JSON).
    #[serde(with = "utility_sums")]
    pub utility: [i128; 2],
}

/// Which issues an [`IssueTally`] crosses: fixed per scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyLayout {
    /// The amount issue (left out of the joint combinations), if any.
    pub amount: Option<usize>,
    /// The heat map's issues `(x, y)`, if the space has two issues.
    pub heat: Option<(usize, usize)>,
}

impl IssueTally {
    /// An empty tally for `space`.
    #[must_use]
    pub fn new(space: &OutcomeSpace, layout: &TallyLayout) -> Self {
        Self {
            counts: (0..space.issues().len())
                .map(|j| vec![0; space.size(j)])
                .collect(),
            joint: BTreeMap::new(),
            heat: layout
                .heat
                .map(|(x, y)| vec![0; space.size(x) * space.size(y)])
                .unwrap_or_default(),
            utility: [0; 2],
        }
    }

    /// Record a deal on `outcome` with the parties' utilities `u`.
    pub fn add(&mut self, space: &OutcomeSpace, layout: &TallyLayout, outcome: u32, u: [f64; 2]) {
        for (j, c) in self.counts.iter_mut().enumerate() {
            c[space.value_index(outcome, j)] += 1;
        }
        *self
            .joint
            .entry(joint_index(space, layout, outcome))
            .or_insert(0) += 1;
        if let Some((x, y)) = layout.heat {
            self.heat
                [space.value_index(outcome, x) * space.size(y) + space.value_index(outcome, y)] +=
                1;
        }
        for (sum, u) in self.utility.iter_mut().zip(u) {
            let k = (u.clamp(-1.0, 1.0) * UTILITY_SCALE).round() as i128;
            *sum = sum
                .checked_add(k)
                .expect("fewer than 2^63 deals: utility sums cannot overflow");
        }
    }

    /// Add `other` (checked; the field's name on overflow or a shape mismatch).
    ///
    /// # Errors
    /// The name of the field that overflows or whose shape differs.
    pub fn try_merge(&mut self, other: &IssueTally) -> Result<(), &'static str> {
        if self.counts.len() != other.counts.len()
            || self
                .counts
                .iter()
                .zip(&other.counts)
                .any(|(a, b)| a.len() != b.len())
        {
            return Err("issues.counts");
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.checked_add(*y).ok_or("issues.counts")?;
            }
        }
        for (k, n) in &other.joint {
            let c = self.joint.entry(*k).or_insert(0);
            *c = c.checked_add(*n).ok_or("issues.joint")?;
        }
        if self.heat.len() != other.heat.len() {
            return Err("issues.heat");
        }
        for (x, y) in self.heat.iter_mut().zip(&other.heat) {
            *x = x.checked_add(*y).ok_or("issues.heat")?;
        }
        for (a, b) in self.utility.iter_mut().zip(other.utility) {
            *a = a.checked_add(b).ok_or("issues.utility")?;
        }
        Ok(())
    }

    /// The mean utility of each party over `deals` deals (`None` without deals).
    #[must_use]
    pub fn mean_utility(&self, deals: u64) -> [Option<f64>; 2] {
        [0, 1].map(|i| (deals > 0).then(|| self.utility[i] as f64 / UTILITY_SCALE / deals as f64))
    }
}

mod utility_sums {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[i128; 2], s: S) -> Result<S::Ok, S::Error> {
        [v[0].to_string(), v[1].to_string()].serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[i128; 2], D::Error> {
        let [a, b] = <[String; 2]>::deserialize(d)?;
        let parse = |x: String| x.parse().map_err(serde::de::Error::custom);
        Ok([parse(a)?, parse(b)?])
    }
}

/// The index of `outcome`'s combination of the non-amount issues (mixed radix, the last
/// issue fastest).
#[must_use]
pub fn joint_index(space: &OutcomeSpace, layout: &TallyLayout, outcome: u32) -> u64 {
    let mut i = 0u64;
    for j in 0..space.issues().len() {
        if Some(j) != layout.amount {
            i = i * space.size(j) as u64 + space.value_index(outcome, j) as u64;
        }
    }
    i
}

/// The value indices (per issue, `None` for the amount issue) of joint combination `i`.
#[must_use]
pub fn joint_values(space: &OutcomeSpace, layout: &TallyLayout, mut i: u64) -> Vec<Option<usize>> {
    let n = space.issues().len();
    let mut out = vec![None; n];
    for j in (0..n).rev() {
        if Some(j) != layout.amount {
            let size = space.size(j) as u64;
            out[j] = Some((i % size) as usize);
            i /= size;
        }
    }
    out
}
