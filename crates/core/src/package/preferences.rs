//! A party's preferences over packages: linear-additive utility, reservation, discount.

use std::fmt;

use super::space::{IssueKind, OutcomeSpace};

/// Tolerance on the sum of the weights.
const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

/// How a party values one issue, on `[0, 1]` (other values are allowed, not needed).
#[derive(Debug, Clone, PartialEq)]
pub enum ValueFunction {
    /// `(x − lo) / (hi − lo)` over the issue's range (`number` and `integer` issues).
    Increasing,
    /// `(hi − x) / (hi − lo)` over the issue's range.
    Decreasing,
    /// Linear between points `(x, y)` (x strictly increasing), constant beyond the ends.
    Points(Vec<(f64, f64)>),
    /// One value per label of a `choice` issue, in the issue's label order.
    Table(Vec<f64>),
}

impl ValueFunction {
    /// The value of `x` for a numeric function (a `Table` has no numeric argument: NaN).
    ///
    /// Between points `(x0, y0)`, `(x1, y1)` the value is `y0 + (y1 − y0)·((x − x0)/(x1 − x0))`,
    /// exactly as `benches/peers/negmas_multi_issue.py` computes it.
    ///
    /// ```
    /// use bargain_core::package::preferences::ValueFunction;
    /// let f = ValueFunction::Points(vec![(1.0, 1.0), (5.0, 0.0)]);
    /// assert_eq!(f.at(3.0, (1.0, 5.0)), 0.5);
    /// assert_eq!(f.at(9.0, (1.0, 5.0)), 0.0);
    /// assert_eq!(ValueFunction::Decreasing.at(2.0, (1.0, 5.0)), 0.75);
    /// ```
    #[must_use]
    pub fn at(&self, x: f64, (lo, hi): (f64, f64)) -> f64 {
        match self {
            ValueFunction::Increasing => (x - lo) / (hi - lo),
            ValueFunction::Decreasing => (hi - x) / (hi - lo),
            ValueFunction::Points(p) => {
                let (Some(first), Some(last)) = (p.first(), p.last()) else {
                    return f64::NAN;
                };
                if x <= first.0 {
                    return first.1;
                }
                for w in p.windows(2) {
                    let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                    if x <= x1 {
                        return y0 + (y1 - y0) * ((x - x0) / (x1 - x0));
                    }
                }
                last.1
            }
            ValueFunction::Table(_) => f64::NAN,
        }
    }
}

/// Linear-additive utility: `u(o) = Σ_j w_j · v_j(o_j)`, summed in issue order.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearAdditive {
    /// One weight per issue, ≥ 0, summing to 1.
    pub weights: Vec<f64>,
    /// One value function per issue.
    pub values: Vec<ValueFunction>,
}

/// A party's preferences over the outcomes of a space.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// The utility of a package.
    pub utility: LinearAdditive,
    /// The utility of no agreement: deals below it are irrational.
    pub reservation: f64,
    /// Per-round discount factor in `(0, 1]` (time-based negotiators ignore it, as in NegMAS).
    pub discount: f64,
}

/// Why preferences do not fit an outcome space.
#[derive(Debug, Clone, PartialEq)]
pub enum PreferencesError {
    /// Not one weight and one value function per issue.
    Arity {
        /// Issues in the space.
        issues: usize,
        /// Weights given.
        weights: usize,
        /// Value functions given.
        values: usize,
    },
    /// A weight is negative or not finite (issue key).
    BadWeight(String),
    /// The weights do not sum to 1 (their sum).
    WeightSum(f64),
    /// A value function does not fit its issue (issue key, what is wrong).
    BadValueFunction(String, &'static str),
    /// Reservation not finite, or discount outside `(0, 1]`.
    BadParameter(&'static str),
}

impl fmt::Display for PreferencesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreferencesError::Arity {
                issues,
                weights,
                values,
            } => write!(
                f,
                "{issues} issues need as many weights and value functions (got {weights} and {values})"
            ),
            PreferencesError::BadWeight(k) => write!(f, "weight of `{k}` must be finite and >= 0"),
            PreferencesError::WeightSum(s) => write!(f, "weights must sum to 1 (they sum to {s})"),
            PreferencesError::BadValueFunction(k, why) => {
                write!(f, "value function of `{k}`: {why}")
            }
            PreferencesError::BadParameter(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for PreferencesError {}

impl Preferences {
    /// Check that the preferences fit `space`.
    pub fn validate(&self, space: &OutcomeSpace) -> Result<(), PreferencesError> {
        let issues = space.issues();
        let u = &self.utility;
        if u.weights.len() != issues.len() || u.values.len() != issues.len() {
            return Err(PreferencesError::Arity {
                issues: issues.len(),
                weights: u.weights.len(),
                values: u.values.len(),
            });
        }
        let mut sum = 0.0;
        for ((w, f), issue) in u.weights.iter().zip(&u.values).zip(issues) {
            if !(w.is_finite() && *w >= 0.0) {
                return Err(PreferencesError::BadWeight(issue.key.clone()));
            }
            sum += w;
            let bad = |why| Err(PreferencesError::BadValueFunction(issue.key.clone(), why));
            match (f, &issue.kind) {
                (ValueFunction::Table(t), IssueKind::Choice { labels }) => {
                    if t.len() != labels.len() {
                        return bad("a table needs one value per label");
                    }
                    if t.iter().any(|y| !y.is_finite()) {
                        return bad("table values must be finite");
                    }
                }
                (ValueFunction::Table(_), _) => return bad("a table is for `choice` issues"),
                (_, IssueKind::Choice { .. }) => return bad("a `choice` issue needs a table"),
                (ValueFunction::Increasing | ValueFunction::Decreasing, _) => {
                    let (lo, hi) = issue.range().unwrap_or((0.0, 0.0));
                    if hi <= lo {
                        return bad("increasing/decreasing need hi > lo");
                    }
                }
                (ValueFunction::Points(p), _) => {
                    if p.is_empty() {
                        return bad("needs at least one point");
                    }
                    if p.iter().any(|(x, y)| !(x.is_finite() && y.is_finite())) {
                        return bad("points must be finite");
                    }
                    if p.windows(2).any(|w| w[1].0 <= w[0].0) {
                        return bad("point x values must increase strictly");
                    }
                }
            }
        }
        if (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
            return Err(PreferencesError::WeightSum(sum));
        }
        if !self.reservation.is_finite() {
            return Err(PreferencesError::BadParameter("reservation must be finite"));
        }
        if !(self.discount > 0.0 && self.discount <= 1.0) {
            return Err(PreferencesError::BadParameter("discount must be in (0, 1]"));
        }
        Ok(())
    }

    /// The value (unweighted) of value index `k` of issue `j`.
    #[must_use]
    pub fn value(&self, space: &OutcomeSpace, j: usize, k: usize) -> f64 {
        let issue = &space.issues()[j];
        match &self.utility.values[j] {
            ValueFunction::Table(t) => t[k],
            f => f.at(
                issue.numeric(k).unwrap_or(f64::NAN),
                issue.range().unwrap_or((f64::NAN, f64::NAN)),
            ),
        }
    }
}

/// A linear-additive utility tabulated on a space: `w_j · v_j(k)` for every issue value,
/// so that the utility of an outcome is a few lookups and additions, never an allocation.
///
/// ```
/// use bargain_core::package::preferences::{LinearAdditive, Preferences, UtilityTable, ValueFunction};
/// use bargain_core::package::space::{Issue, OutcomeSpace};
/// let space = OutcomeSpace::new(vec![
///     Issue::integer("term", 1, 5),
///     Issue::choice("escalation", &["none", "cpi"]),
/// ])
/// .unwrap();
/// let prefs = Preferences {
///     utility: LinearAdditive {
///         weights: vec![0.5, 0.5],
///         values: vec![ValueFunction::Decreasing, ValueFunction::Table(vec![0.0, 1.0])],
///     },
///     reservation: 0.2,
///     discount: 1.0,
/// };
/// let table = UtilityTable::new(&space, &prefs).unwrap();
/// assert_eq!(table.utility(&space, space.index_of(&[0, 1]).unwrap()), 1.0);
/// assert_eq!(table.utility(&space, space.index_of(&[2, 0]).unwrap()), 0.25);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UtilityTable {
    /// `w_j · v_j(k)`, issue after issue.
    weighted: Vec<f64>,
    /// Start of issue `j` in `weighted`.
    offsets: Vec<usize>,
}

impl UtilityTable {
    /// Tabulate `prefs` on `space` (validating them first).
    pub fn new(space: &OutcomeSpace, prefs: &Preferences) -> Result<Self, PreferencesError> {
        prefs.validate(space)?;
        let mut weighted = Vec::new();
        let mut offsets = Vec::with_capacity(space.issues().len());
        for (j, w) in prefs.utility.weights.iter().enumerate() {
            offsets.push(weighted.len());
            for k in 0..space.size(j) {
                weighted.push(w * prefs.value(space, j, k));
            }
        }
        Ok(Self { weighted, offsets })
    }

    /// The utility of `outcome`: `Σ_j w_j·v_j`, left to right from the first issue.
    #[must_use]
    pub fn utility(&self, space: &OutcomeSpace, outcome: u32) -> f64 {
        let mut u = 0.0;
        for (j, &off) in self.offsets.iter().enumerate() {
            u += self.weighted[off + space.value_index(outcome, j)];
        }
        u
    }

    /// The utility of every outcome, by index.
    #[must_use]
    pub fn all(&self, space: &OutcomeSpace) -> Vec<f64> {
        (0..space.len() as u32)
            .map(|o| self.utility(space, o))
            .collect()
    }
}
