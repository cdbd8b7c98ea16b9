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
    /// combination's index (mixed radix over those issues, in file order); in JSON only
    /// the combinations with a deal, as a map.
    pub joint: JointCounts,
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
            joint: JointCounts::new(joint_combinations(space, layout)),
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
        self.joint.add(joint_index(space, layout, outcome));
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
        self.joint.try_merge(&other.joint).ok_or("issues.joint")?;
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

/// Most combinations of the non-amount issues counted densely (a `u64` each, 8 KiB);
/// beyond, a map of the combinations with a deal.
const DENSE_JOINT: u64 = 1024;

/// Deals per combination of the non-amount issues ([`IssueTally::joint`]): a dense array
/// when the combinations are few (one increment per deal, no search), else a map; either
/// way the same counts, compared, merged and written (a JSON map of the combinations with
/// a deal, ascending) alike. Read from JSON as a map.
#[derive(Debug, Clone)]
pub enum JointCounts {
    /// Deals of every combination `0..len`.
    Dense(Vec<u64>),
    /// Deals of the combinations with one.
    Sparse(BTreeMap<u64, u64>),
}

impl JointCounts {
    /// No deals over `combinations` combinations.
    #[must_use]
    pub fn new(combinations: u64) -> Self {
        match usize::try_from(combinations) {
            Ok(n) if combinations <= DENSE_JOINT => JointCounts::Dense(vec![0; n]),
            _ => JointCounts::Sparse(BTreeMap::new()),
        }
    }

    /// One deal on combination `i`.
    pub fn add(&mut self, i: u64) {
        match self {
            JointCounts::Dense(v) => match usize::try_from(i).ok().and_then(|i| v.get_mut(i)) {
                Some(c) => *c += 1,
                // Not a combination of the space: kept (and reported by the merge checks).
                None => self.spill().add(i),
            },
            JointCounts::Sparse(m) => *m.entry(i).or_insert(0) += 1,
        }
    }

    /// The map of the same counts, replacing a dense array.
    fn spill(&mut self) -> &mut Self {
        if let JointCounts::Dense(_) = self {
            *self = JointCounts::Sparse(self.iter().collect());
        }
        self
    }

    /// `(combination, deals)` of every combination with a deal, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let (dense, sparse) = match self {
            JointCounts::Dense(v) => (Some(v), None),
            JointCounts::Sparse(m) => (None, Some(m)),
        };
        let dense = dense.into_iter().flat_map(|v| {
            v.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| (k as u64, *n))
        });
        let sparse = sparse
            .into_iter()
            .flat_map(|m| m.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (*k, *n)));
        dense.chain(sparse)
    }

    /// The combinations with a deal, ascending.
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// Their deals, in the same order.
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter().map(|(_, n)| n)
    }

    /// Add `other`'s counts; `None` on an overflow.
    #[must_use]
    pub fn try_merge(&mut self, other: &JointCounts) -> Option<()> {
        if let (JointCounts::Dense(a), JointCounts::Dense(b)) = (&mut *self, other)
            && a.len() == b.len()
        {
            for (x, y) in a.iter_mut().zip(b) {
                *x = x.checked_add(*y)?;
            }
            return Some(());
        }
        let JointCounts::Sparse(m) = self.spill() else {
            return None;
        };
        for (k, n) in other.iter() {
            let c = m.entry(k).or_insert(0);
            *c = c.checked_add(n)?;
        }
        Some(())
    }
}

impl PartialEq for JointCounts {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for JointCounts {}

impl Serialize for JointCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for JointCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<u64, u64>::deserialize(d).map(JointCounts::Sparse)
    }
}

/// The number of combinations of the non-amount issues.
#[must_use]
pub fn joint_combinations(space: &OutcomeSpace, layout: &TallyLayout) -> u64 {
    (0..space.issues().len())
        .filter(|&j| Some(j) != layout.amount)
        .map(|j| space.size(j) as u64)
        .fold(1u64, u64::saturating_mul)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The dense and the sparse form of the same counts are equal, merge alike and write
    /// the same JSON (the map `partial.json` always had); JSON reads back equal.
    #[test]
    fn dense_and_sparse_joint_counts_are_the_same_counts() {
        let deals = [3u64, 0, 3, 7, 1023, 3];
        let mut dense = JointCounts::new(1024);
        let mut sparse = JointCounts::new(DENSE_JOINT + 1);
        assert!(matches!(dense, JointCounts::Dense(_)));
        assert!(matches!(sparse, JointCounts::Sparse(_)));
        for &i in &deals {
            dense.add(i);
            sparse.add(i);
        }
        assert_eq!(dense, sparse);
        let want = r#"{"0":1,"3":3,"7":1,"1023":1}"#;
        assert_eq!(serde_json::to_string(&dense).expect("json"), want);
        assert_eq!(serde_json::to_string(&sparse).expect("json"), want);
        let back: JointCounts = serde_json::from_str(want).expect("read");
        assert_eq!(back, dense);
        let mut a = dense.clone();
        a.try_merge(&sparse).expect("no overflow");
        let mut b = sparse.clone();
        b.try_merge(&dense).expect("no overflow");
        let mut c = dense.clone();
        c.try_merge(&dense).expect("no overflow");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [(0, 2), (3, 6), (7, 2), (1023, 2)]
        );
        // A combination beyond the dense range is kept, not lost.
        dense.add(5000);
        assert_eq!(dense.keys().last(), Some(5000));
        // Overflow is reported.
        let mut full = JointCounts::Sparse(BTreeMap::from([(3, u64::MAX)]));
        assert!(full.try_merge(&b).is_none());
    }
}
