//! A discrete distribution given as counts of ascending values (a package issue's deals
//! per value): its mean, standard deviation, quantiles and the mid-rank percentile of a
//! value. One definition for `summary.json`'s issue statistics and the backtest's scores.

/// Counts `counts[k]` of the ascending values `value(k)`.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a, F> {
    counts: &'a [u64],
    value: F,
    n: u64,
}

impl<'a, F: Fn(usize) -> f64> Counted<'a, F> {
    /// The distribution; `None` when every count is 0.
    #[must_use]
    pub fn new(counts: &'a [u64], value: F) -> Option<Self> {
        let n: u64 = counts.iter().sum();
        (n > 0).then_some(Self { counts, value, n })
    }

    /// The number of counted values.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The value at sorted position `pos` (0-based; NaN beyond the last).
    #[must_use]
    pub fn at(&self, pos: u64) -> f64 {
        let mut seen = 0;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > pos {
                return (self.value)(k);
            }
        }
        f64::NAN
    }

    /// Quantile `p`: the value at sorted position `round(p·(n − 1))`.
    #[must_use]
    pub fn quantile(&self, p: f64) -> f64 {
        let nf = self.n as f64;
        self.at(((p * (nf - 1.0)).round() as u64).min(self.n - 1))
    }

    /// The mean.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.sum(|c, x| c * x) / self.n as f64
    }

    /// The (population) standard deviation.
    #[must_use]
    pub fn sd(&self) -> f64 {
        let mean = self.mean();
        (self.sum(|c, x| c * (x - mean) * (x - mean)) / self.n as f64).sqrt()
    }

    /// The mid-rank percentile of `x`: the share below it plus half the share equal to it.
    #[must_use]
    pub fn percentile(&self, x: f64) -> f64 {
        let (mut below, mut ties) = (0u64, 0u64);
        for (k, &c) in self.counts.iter().enumerate() {
            let v = (self.value)(k);
            if v < x {
                below += c;
            } else if v == x {
                ties += c;
            }
        }
        (below as f64 + 0.5 * ties as f64) / self.n as f64
    }

    /// `Σ term(counts[k], value(k))`, summed in value order.
    fn sum(&self, term: impl Fn(f64, f64) -> f64) -> f64 {
        self.counts
            .iter()
            .enumerate()
            .map(|(k, &c)| term(c as f64, (self.value)(k)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::Counted;

    #[test]
    fn statistics_of_counts_equal_those_of_the_expanded_sample() {
        // Values 1, 2, 4 with counts 2, 0, 3: the sample 1 1 4 4 4.
        let values = [1.0, 2.0, 4.0];
        let c = Counted::new(&[2, 0, 3], |k| values[k]).expect("counts");
        assert_eq!(c.n(), 5);
        assert_eq!(c.mean(), 14.0 / 5.0);
        let var = (2.0 * (1.0f64 - 2.8).powi(2) + 3.0 * (4.0f64 - 2.8).powi(2)) / 5.0;
        assert_eq!(c.sd(), var.sqrt());
        assert_eq!(c.at(0), 1.0);
        assert_eq!(c.at(1), 1.0);
        assert_eq!(c.at(2), 4.0);
        assert!(c.at(5).is_nan());
        assert_eq!(c.quantile(0.5), 4.0); // position round(0.5 · 4) = 2
        assert_eq!(c.quantile(0.25), 1.0); // position 1
        assert_eq!(c.percentile(4.0), (2.0 + 1.5) / 5.0);
        assert_eq!(c.percentile(2.0), 2.0 / 5.0);
        assert!(Counted::new(&[0, 0], |k| values[k]).is_none());
    }
}
