//! One party's outcomes sorted by utility, computed once per fixed profile and shared
//! (read-only) by every negotiation that uses the profile.

use super::preferences::{Preferences, PreferencesError, UtilityTable};
use super::space::OutcomeSpace;

/// The utility of every outcome for one profile, and the outcomes in ascending utility.
///
/// Built once (`O(n log n)`); afterwards every query is `O(1)` or `O(log n)` and
/// allocates nothing. Ties in utility are ordered by a *tie rank* (by default the
/// outcome index, so among equal utilities the lowest index comes first).
///
/// ```
/// use bargain_core::package::preferences::{LinearAdditive, Preferences, ValueFunction};
/// use bargain_core::package::sorted::SortedOutcomes;
/// use bargain_core::package::space::{Issue, OutcomeSpace};
/// let space = OutcomeSpace::new(vec![Issue::integer("term", 1, 3)]).unwrap();
/// let prefs = Preferences {
///     utility: LinearAdditive { weights: vec![1.0], values: vec![ValueFunction::Decreasing] },
///     reservation: 0.0,
///     discount: 1.0,
/// };
/// let sorted = SortedOutcomes::new(&space, &prefs).unwrap();
/// assert_eq!(sorted.order(), &[2, 1, 0]);
/// assert_eq!(sorted.first_at_least(0.4), 1); // position of utility 0.5 (outcome 1)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SortedOutcomes {
    /// Utility of outcome `i`.
    utilities: Vec<f64>,
    /// Outcomes in ascending utility (ties by tie rank).
    order: Vec<u32>,
    /// `utilities[order[p]]`.
    sorted: Vec<f64>,
}

impl SortedOutcomes {
    /// Sort the outcomes of `space` by their utility under `prefs`, ties by index.
    pub fn new(space: &OutcomeSpace, prefs: &Preferences) -> Result<Self, PreferencesError> {
        Self::with_tie_rank(space, prefs, u64::from)
    }

    /// As [`SortedOutcomes::new`], ordering outcomes of equal utility by `rank` (lower
    /// first; then by index). NegMAS orders ties as its unstable sort leaves them; a
    /// replay supplies that order here.
    pub fn with_tie_rank(
        space: &OutcomeSpace,
        prefs: &Preferences,
        rank: impl Fn(u32) -> u64,
    ) -> Result<Self, PreferencesError> {
        let table = UtilityTable::new(space, prefs)?;
        Ok(Self::from_utilities(table.all(space), rank))
    }

    /// Sort given utilities (one per outcome, finite), ties by `rank` then index.
    ///
    /// # Panics
    /// If there are `u32::MAX` or more utilities.
    #[must_use]
    pub fn from_utilities(utilities: Vec<f64>, rank: impl Fn(u32) -> u64) -> Self {
        Self::from_utilities_where(utilities, rank, None)
    }

    /// [`SortedOutcomes::from_utilities`] over the outcomes flagged in `allowed` only (one
    /// flag per outcome; `None`: all): the others (a scenario's excluded contracts) are
    /// never in [`SortedOutcomes::order`], so no negotiator built on it offers them, and
    /// `min`/`max` are over the allowed outcomes. Their utilities stay readable.
    ///
    /// # Panics
    /// If there are `u32::MAX` or more utilities, or `allowed` has another length.
    #[must_use]
    pub fn from_utilities_where(
        utilities: Vec<f64>,
        rank: impl Fn(u32) -> u64,
        allowed: Option<&[bool]>,
    ) -> Self {
        let n = u32::try_from(utilities.len()).expect("fewer than 2^32 outcomes");
        let mut order: Vec<u32> = match allowed {
            None => (0..n).collect(),
            Some(a) => {
                assert_eq!(a.len(), utilities.len(), "one flag per outcome");
                (0..n).filter(|&o| a[o as usize]).collect()
            }
        };
        order.sort_by(|&a, &b| {
            utilities[a as usize]
                .total_cmp(&utilities[b as usize])
                .then_with(|| rank(a).cmp(&rank(b)))
                .then_with(|| a.cmp(&b))
        });
        let sorted = order.iter().map(|&o| utilities[o as usize]).collect();
        Self {
            utilities,
            order,
            sorted,
        }
    }

    /// Number of outcomes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are no outcomes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Utility of outcome `outcome`.
    #[must_use]
    pub fn utility(&self, outcome: u32) -> f64 {
        self.utilities[outcome as usize]
    }

    /// Utilities by outcome index.
    #[must_use]
    pub fn utilities(&self) -> &[f64] {
        &self.utilities
    }

    /// Outcomes in ascending utility.
    #[must_use]
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// Utilities in ascending order (`sorted()[p]` is the utility of `order()[p]`).
    #[must_use]
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// The lowest utility.
    #[must_use]
    pub fn min(&self) -> f64 {
        self.sorted.first().copied().unwrap_or(f64::NAN)
    }

    /// The highest utility.
    #[must_use]
    pub fn max(&self) -> f64 {
        self.sorted.last().copied().unwrap_or(f64::NAN)
    }

    /// The first position whose utility is `>= u` (`len()` if none).
    #[must_use]
    pub fn first_at_least(&self, u: f64) -> usize {
        self.sorted.partition_point(|&x| x < u)
    }

    /// The first position of the run of positions sharing `sorted()[p]`.
    #[must_use]
    pub fn run_start(&self, p: usize) -> usize {
        let u = self.sorted[p];
        self.sorted[..p].partition_point(|&x| x < u)
    }
}
