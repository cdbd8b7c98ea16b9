//! Closed forms on packages, by exact enumeration of a discrete outcome space: the
//! Pareto frontier, the generalized Nash solution, Kalai–Smorodinsky and maximal welfare.
//!
//! The frontier is computed once per fixed pair of profiles (`O(n log n)`); each
//! solution then only scans the frontier's individually rational stretch, found by
//! binary search, so per-negotiation work does not grow with the space.

/// The Pareto frontier of two utility vectors over the same outcomes.
///
/// An outcome is on the frontier when no other is at least as good for both parties and
/// better for one. Outcomes with identical utility pairs are all kept. Ordered by the
/// first party's utility descending (so the second's ascends).
///
/// ```
/// use bargain_core::package::solutions::ParetoFrontier;
/// let ua = [0.0, 0.5, 1.0, 0.4];
/// let ub = [1.0, 0.5, 0.0, 0.4];
/// let f = ParetoFrontier::new(&ua, &ub);
/// assert_eq!(f.outcomes(), &[2, 1, 0]); // outcome 3 is dominated by 1
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParetoFrontier {
    outcomes: Vec<u32>,
    ua: Vec<f64>,
    ub: Vec<f64>,
}

/// A solution: the outcome and both utilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Solution {
    /// The outcome (index into the space).
    pub outcome: u32,
    /// First party's utility.
    pub ua: f64,
    /// Second party's utility.
    pub ub: f64,
}

impl ParetoFrontier {
    /// The frontier of `ua`, `ub` (same length, finite).
    ///
    /// # Panics
    /// If the lengths differ or there are `u32::MAX` or more outcomes.
    #[must_use]
    pub fn new(ua: &[f64], ub: &[f64]) -> Self {
        Self::new_where(ua, ub, None)
    }

    /// The frontier over the outcomes flagged in `allowed` (one flag per outcome; `None`:
    /// all): an excluded contract is neither on it nor dominates anything.
    ///
    /// # Panics
    /// As [`ParetoFrontier::new`], or if `allowed` has another length.
    #[must_use]
    pub fn new_where(ua: &[f64], ub: &[f64], allowed: Option<&[bool]>) -> Self {
        let order = Self::order_where(ua, ub, allowed);
        let mut f = Self::default();
        f.refill(&order, ua, ub, |_| true);
        f
    }

    /// The outcomes flagged in `allowed` (`None`: all) in the order the frontier scans
    /// them: the first utility descending, then the second descending, then the index.
    /// Computed once, it lets [`ParetoFrontier::refill`] find the frontier of any subset
    /// without sorting again.
    ///
    /// # Panics
    /// As [`ParetoFrontier::new_where`].
    #[must_use]
    pub fn order_where(ua: &[f64], ub: &[f64], allowed: Option<&[bool]>) -> Vec<u32> {
        assert_eq!(ua.len(), ub.len(), "one utility per outcome for each party");
        let n = u32::try_from(ua.len()).expect("fewer than 2^32 outcomes");
        let mut order: Vec<u32> = match allowed {
            None => (0..n).collect(),
            Some(a) => {
                assert_eq!(a.len(), ua.len(), "one flag per outcome");
                (0..n).filter(|&o| a[o as usize]).collect()
            }
        };
        // First utility descending, then second descending, then index: a total order,
        // so the subsequence of any subset is that subset sorted.
        order.sort_by(|&i, &j| {
            let (i, j) = (i as usize, j as usize);
            ua[j]
                .total_cmp(&ua[i])
                .then(ub[j].total_cmp(&ub[i]))
                .then(i.cmp(&j))
        });
        order
    }

    /// Make this the frontier of the outcomes of `order` (from
    /// [`ParetoFrontier::order_where`] on the same `ua`, `ub`) that `keep` keeps: the same
    /// frontier as [`ParetoFrontier::new_where`] on those outcomes, in place. Allocates
    /// nothing once the buffers have grown to the frontier's size (a reused per-worker
    /// buffer).
    pub fn refill(&mut self, order: &[u32], ua: &[f64], ub: &[f64], keep: impl Fn(u32) -> bool) {
        self.outcomes.clear();
        self.ua.clear();
        self.ub.clear();
        let mut best_b = f64::NEG_INFINITY;
        let mut last: Option<(f64, f64)> = None;
        for &o in order.iter().filter(|&&o| keep(o)) {
            let (a, b) = (ua[o as usize], ub[o as usize]);
            if b > best_b || last == Some((a, b)) {
                self.outcomes.push(o);
                self.ua.push(a);
                self.ub.push(b);
                best_b = best_b.max(b);
                last = Some((a, b));
            }
        }
    }

    /// Frontier outcomes, first party's utility descending.
    #[must_use]
    pub fn outcomes(&self) -> &[u32] {
        &self.outcomes
    }

    /// Number of frontier outcomes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    /// Whether the frontier is empty (only for an empty space).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    /// The frontier point at position `p`.
    #[must_use]
    pub fn point(&self, p: usize) -> Solution {
        Solution {
            outcome: self.outcomes[p],
            ua: self.ua[p],
            ub: self.ub[p],
        }
    }

    /// Positions `[start, end)` of frontier points rational for both (`ua >= ra`, `ub >= rb`).
    #[must_use]
    pub fn rational(&self, ra: f64, rb: f64) -> (usize, usize) {
        let end = self.ua.partition_point(|&a| a >= ra);
        let start = self.ub[..end].partition_point(|&b| b < rb);
        (start, end)
    }

    /// The rational frontier point maximizing `score` lexicographically (first of equal
    /// scores, i.e. the one best for the first party); `None` when no outcome is
    /// rational for both.
    fn argmax(&self, ra: f64, rb: f64, score: impl Fn(f64, f64) -> (f64, f64)) -> Option<Solution> {
        let (start, end) = self.rational(ra, rb);
        let mut best: Option<((f64, f64), usize)> = None;
        for p in start..end {
            let s = score(self.ua[p], self.ub[p]);
            if best.is_none_or(|(b, _)| s.0 > b.0 || (s.0 == b.0 && s.1 > b.1)) {
                best = Some((s, p));
            }
        }
        best.map(|(_, p)| self.point(p))
    }

    /// Generalized Nash: maximizes `(ua − ra)^pa · (ub − rb)^pb` over outcomes rational
    /// for both (disagreement at the reservations; powers > 0).
    ///
    /// ```
    /// use bargain_core::package::solutions::ParetoFrontier;
    /// let ua = [0.0, 0.3, 0.6, 1.0];
    /// let ub = [1.0, 0.8, 0.5, 0.0];
    /// let f = ParetoFrontier::new(&ua, &ub);
    /// assert_eq!(f.nash(0.0, 0.0, 1.0, 1.0).unwrap().outcome, 2); // 0.30 > 0.24
    /// assert!(f.nash(0.7, 0.7, 1.0, 1.0).is_none());
    /// ```
    #[must_use]
    pub fn nash(&self, ra: f64, rb: f64, pa: f64, pb: f64) -> Option<Solution> {
        self.argmax(ra, rb, |a, b| (nash_product(a - ra, b - rb, pa, pb), 0.0))
    }

    /// Kalai–Smorodinsky on the discrete space: maximizes the smaller of the parties'
    /// gains relative to their ideal gains (`(u − r)/(u_ideal − r)`, the ideal being the
    /// best rational utility), ties to the larger sum of relative gains.
    #[must_use]
    pub fn kalai_smorodinsky(&self, ra: f64, rb: f64) -> Option<Solution> {
        let (start, end) = self.rational(ra, rb);
        if start >= end {
            return None;
        }
        // Ideal points: the first party's best rational is at `start`, the second's at `end − 1`.
        let (ia, ib) = (self.ua[start] - ra, self.ub[end - 1] - rb);
        self.argmax(ra, rb, |a, b| ks_score(a - ra, b - rb, ia, ib))
    }

    /// Maximal welfare: maximizes `ua + ub` over outcomes rational for both.
    #[must_use]
    pub fn max_welfare(&self, ra: f64, rb: f64) -> Option<Solution> {
        self.argmax(ra, rb, |a, b| (a + b, 0.0))
    }
}

/// `ga^pa · gb^pb` (the generalized Nash product of gains).
#[must_use]
pub fn nash_product(ga: f64, gb: f64, pa: f64, pb: f64) -> f64 {
    // `powf(x, 1)` is exactly `x`: skip the calls for the symmetric solution.
    let pow = |x: f64, p: f64| if p == 1.0 { x } else { x.powf(p) };
    pow(ga, pa) * pow(gb, pb)
}

/// Kalai–Smorodinsky score of gains `(ga, gb)` against ideal gains `(ia, ib)`: the smaller
/// relative gain, then (for ties) their sum; a relative gain is 1 when the ideal gain is 0.
#[must_use]
pub fn ks_score(ga: f64, gb: f64, ia: f64, ib: f64) -> (f64, f64) {
    let rel = |g: f64, i: f64| if i > 0.0 { g / i } else { 1.0 };
    let (x, y) = (rel(ga, ia), rel(gb, ib));
    (x.min(y), x + y)
}
