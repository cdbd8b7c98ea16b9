//! Latin-hypercube strata without storing permutations.
//!
//! Input dimension `j` of trial `i` falls in stratum `π_j(i)`, where `π_j` is a
//! pseudo-random permutation of `0..trials` keyed by `(seed, j)`. The permutation is
//! a balanced Feistel network on the smallest even power-of-two domain that holds
//! `trials`, restricted to `[0, trials)` by cycle walking (apply it again until the
//! value falls inside; the domain is at most 4× `trials`, so this takes few steps).
//! A Feistel network is a bijection whatever its round function, so `π_j` is a
//! permutation; the round function only needs to mix well.

/// Rounds of the Feistel network.
const ROUNDS: u64 = 4;

/// SplitMix64's finalizer: a fast, well-mixing 64-bit hash.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A keyed permutation of `0..n`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    key: u64,
}

impl Permutation {
    /// The permutation of `0..n` for input dimension `dim` under `seed`.
    pub(crate) fn new(n: u64, seed: u64, dim: u64) -> Self {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let key = mix(mix(seed ^ 0x6c68_735f_7065_726d).wrapping_add(dim));
        Permutation { n, half_bits, key }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let mut left = x >> self.half_bits;
        let mut right = x & mask;
        for round in 0..ROUNDS {
            let f = mix(right
                ^ self
                    .key
                    .wrapping_add(round.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
            (left, right) = (right, left ^ (f & mask));
        }
        (left << self.half_bits) | right
    }

    /// `π(i)` for `i < n` (an `i >= n` is first reduced modulo `n`).
    pub(crate) fn apply(&self, i: u64) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        let mut x = self.feistel(i % self.n);
        while x >= self.n {
            x = self.feistel(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_for_many_sizes() {
        for n in [1u64, 2, 3, 5, 7, 16, 17, 100, 1000, 4097] {
            for dim in 0..3 {
                let p = Permutation::new(n, 42, dim);
                let mut seen = vec![false; n as usize];
                for i in 0..n {
                    let k = p.apply(i) as usize;
                    assert!(!seen[k], "n={n} dim={dim}: {k} hit twice");
                    seen[k] = true;
                }
            }
        }
    }

    #[test]
    fn keys_give_different_permutations() {
        let a = Permutation::new(1000, 1, 0);
        let b = Permutation::new(1000, 1, 1);
        let same = (0..1000).filter(|&i| a.apply(i) == b.apply(i)).count();
        assert!(same < 20, "{same} fixed agreements");
    }
}
