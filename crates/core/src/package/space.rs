//! Issues and discrete outcome spaces: an agreement is one value per issue.

use std::fmt;

/// What values an issue takes.
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    /// A number in `[lo, hi]`; with `step`, only the grid `lo + k·step <= hi` (the last
    /// point is the largest such, with a 1e-9 relative tolerance, as `protocol::Grid`).
    /// Without `step` the issue is continuous and a discrete space rejects it.
    Number {
        /// Lowest value.
        lo: f64,
        /// Highest value.
        hi: f64,
        /// Grid step (> 0), if discretized.
        step: Option<f64>,
    },
    /// Every integer in `lo..=hi`.
    Integer {
        /// Lowest value.
        lo: i64,
        /// Highest value.
        hi: i64,
    },
    /// One of a list of labels.
    Choice {
        /// The labels, in order (a label's index is its value index).
        labels: Vec<String>,
    },
}

/// One issue of a negotiation: a key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The issue's key (as in a scenario: `amount`, `term`, ...).
    pub key: String,
    /// Its values.
    pub kind: IssueKind,
}

/// One value of an issue, as a reader sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A value of a `number` issue.
    Number(f64),
    /// A value of an `integer` issue.
    Integer(i64),
    /// A label of a `choice` issue.
    Label(&'a str),
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{x}"),
            Value::Integer(x) => write!(f, "{x}"),
            Value::Label(s) => f.write_str(s),
        }
    }
}

/// Why an issue list does not make a discrete outcome space.
#[derive(Debug, Clone, PartialEq)]
pub enum SpaceError {
    /// No issues at all.
    NoIssues,
    /// Two issues share a key.
    DuplicateKey(String),
    /// A `number` issue without `step`.
    Continuous(String),
    /// An issue with no values, a reversed or non-finite range, or a step that is not > 0.
    BadRange(String),
    /// More outcomes than a `u32` index can name.
    TooLarge,
}

impl fmt::Display for SpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpaceError::NoIssues => f.write_str("an outcome space needs at least one issue"),
            SpaceError::DuplicateKey(k) => write!(f, "issue `{k}` is defined twice"),
            SpaceError::Continuous(k) => write!(
                f,
                "issue `{k}` is a continuous number: give it a `step` to make it discrete"
            ),
            SpaceError::BadRange(k) => write!(
                f,
                "issue `{k}` has no values (needs finite lo <= hi, step > 0, at least one label)"
            ),
            SpaceError::TooLarge => {
                f.write_str("the outcome space has more than 2^32 - 1 outcomes")
            }
        }
    }
}

impl std::error::Error for SpaceError {}

impl Issue {
    /// A `number` issue (continuous without `step`).
    #[must_use]
    pub fn number(key: &str, lo: f64, hi: f64, step: Option<f64>) -> Self {
        Self {
            key: key.to_owned(),
            kind: IssueKind::Number { lo, hi, step },
        }
    }

    /// An `integer` issue over `lo..=hi`.
    #[must_use]
    pub fn integer(key: &str, lo: i64, hi: i64) -> Self {
        Self {
            key: key.to_owned(),
            kind: IssueKind::Integer { lo, hi },
        }
    }

    /// A `choice` issue over `labels`.
    #[must_use]
    pub fn choice(key: &str, labels: &[&str]) -> Self {
        Self {
            key: key.to_owned(),
            kind: IssueKind::Choice {
                labels: labels.iter().map(|s| (*s).to_owned()).collect(),
            },
        }
    }

    /// Number of values, or an error when the issue is continuous or empty.
    ///
    /// ```
    /// use bargain_core::package::space::Issue;
    /// assert_eq!(Issue::number("amount", 0.9, 1.6, Some(0.05)).count(), Ok(15));
    /// assert_eq!(Issue::integer("term", 1, 5).count(), Ok(5));
    /// assert_eq!(Issue::choice("esc", &["none", "cpi"]).count(), Ok(2));
    /// ```
    pub fn count(&self) -> Result<u64, SpaceError> {
        let bad = || SpaceError::BadRange(self.key.clone());
        match &self.kind {
            IssueKind::Number { lo, hi, step } => {
                let Some(step) = step else {
                    return Err(SpaceError::Continuous(self.key.clone()));
                };
                if !(lo.is_finite() && hi.is_finite() && lo <= hi && *step > 0.0) {
                    return Err(bad());
                }
                let n = ((hi - lo) / step + 1e-9).floor();
                if n.is_finite() && n < 4.0e9 {
                    Ok(n as u64 + 1)
                } else {
                    Err(SpaceError::TooLarge)
                }
            }
            IssueKind::Integer { lo, hi } => {
                if lo > hi {
                    return Err(bad());
                }
                u64::try_from(i128::from(*hi) - i128::from(*lo) + 1)
                    .map_err(|_| SpaceError::TooLarge)
            }
            IssueKind::Choice { labels } => {
                if labels.is_empty() {
                    Err(bad())
                } else {
                    Ok(labels.len() as u64)
                }
            }
        }
    }

    /// The `k`-th value as a number (`lo + k·step` or `lo + k`); `None` for a `choice`.
    #[must_use]
    pub fn numeric(&self, k: usize) -> Option<f64> {
        match &self.kind {
            IssueKind::Number { lo, step, .. } => Some(lo + k as f64 * step.unwrap_or(0.0)),
            IssueKind::Integer { lo, .. } => Some((lo + k as i64) as f64),
            IssueKind::Choice { .. } => None,
        }
    }

    /// The `k`-th value (`k` must be below [`Issue::count`]).
    #[must_use]
    pub fn value(&self, k: usize) -> Value<'_> {
        match &self.kind {
            IssueKind::Number { lo, step, .. } => {
                Value::Number(lo + k as f64 * step.unwrap_or(0.0))
            }
            IssueKind::Integer { lo, .. } => Value::Integer(lo + k as i64),
            IssueKind::Choice { labels } => Value::Label(&labels[k]),
        }
    }

    /// The numeric range `(lo, hi)` of a `number` or `integer` issue.
    #[must_use]
    pub fn range(&self) -> Option<(f64, f64)> {
        match &self.kind {
            IssueKind::Number { lo, hi, .. } => Some((*lo, *hi)),
            IssueKind::Integer { lo, hi } => Some((*lo as f64, *hi as f64)),
            IssueKind::Choice { .. } => None,
        }
    }
}

/// A discrete outcome space: the Cartesian product of its issues' values.
///
/// Outcome `i` (a `u32`) enumerates the product with the first issue varying slowest
/// (as Python's `itertools.product`, and NegMAS): value index of issue `j` is
/// `(i / stride_j) % size_j`. Indexing never allocates.
///
/// ```
/// use bargain_core::package::space::{Issue, OutcomeSpace, Value};
/// let space = OutcomeSpace::new(vec![
///     Issue::number("amount", 0.9, 1.6, Some(0.35)),
///     Issue::integer("term", 1, 5),
///     Issue::choice("escalation", &["none", "cpi-cap-4"]),
/// ])
/// .unwrap();
/// assert_eq!(space.len(), 30);
/// assert_eq!(space.value_index(13, 1), 1); // outcome 13 = (1.25, 2, "cpi-cap-4")
/// assert_eq!(space.value(13, 2), Value::Label("cpi-cap-4"));
/// assert_eq!(space.index_of(&[1, 1, 1]), Some(13));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpace {
    issues: Vec<Issue>,
    sizes: Vec<u32>,
    strides: Vec<u32>,
    len: u32,
}

impl OutcomeSpace {
    /// Build the space of `issues` (every `number` issue needs a `step`).
    pub fn new(issues: Vec<Issue>) -> Result<Self, SpaceError> {
        if issues.is_empty() {
            return Err(SpaceError::NoIssues);
        }
        for (i, a) in issues.iter().enumerate() {
            if issues[..i].iter().any(|b| b.key == a.key) {
                return Err(SpaceError::DuplicateKey(a.key.clone()));
            }
        }
        let mut sizes = Vec::with_capacity(issues.len());
        for issue in &issues {
            sizes.push(u32::try_from(issue.count()?).map_err(|_| SpaceError::TooLarge)?);
        }
        let mut strides = vec![0u32; sizes.len()];
        let mut len: u32 = 1;
        for j in (0..sizes.len()).rev() {
            strides[j] = len;
            len = len.checked_mul(sizes[j]).ok_or(SpaceError::TooLarge)?;
        }
        if len == u32::MAX {
            return Err(SpaceError::TooLarge);
        }
        Ok(Self {
            issues,
            sizes,
            strides,
            len,
        })
    }

    /// The issues, in order.
    #[must_use]
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Number of outcomes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the space is empty (never: every issue has a value).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of values of issue `issue`.
    #[must_use]
    pub fn size(&self, issue: usize) -> usize {
        self.sizes[issue] as usize
    }

    /// Value index of issue `issue` in outcome `outcome`.
    #[must_use]
    pub fn value_index(&self, outcome: u32, issue: usize) -> usize {
        ((outcome / self.strides[issue]) % self.sizes[issue]) as usize
    }

    /// Value of issue `issue` in outcome `outcome`.
    #[must_use]
    pub fn value(&self, outcome: u32, issue: usize) -> Value<'_> {
        self.issues[issue].value(self.value_index(outcome, issue))
    }

    /// The outcome with value index `ks[j]` on issue `j` (`None` if out of range).
    #[must_use]
    pub fn index_of(&self, ks: &[usize]) -> Option<u32> {
        if ks.len() != self.sizes.len() {
            return None;
        }
        let mut i: u32 = 0;
        for ((&k, &size), &stride) in ks.iter().zip(&self.sizes).zip(&self.strides) {
            let k = u32::try_from(k).ok().filter(|&k| k < size)?;
            i += k * stride;
        }
        Some(i)
    }

    /// Position of the issue keyed `key`.
    #[must_use]
    pub fn issue_position(&self, key: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.key == key)
    }

    /// Whether `outcome` is a valid contract under `rules`: no rule matches it.
    #[must_use]
    pub fn is_allowed(&self, outcome: u32, rules: &[Exclusion]) -> bool {
        !rules.iter().any(|r| r.matches(self, outcome))
    }

    /// One flag per outcome: `true` where no rule of `rules` matches (see
    /// [`OutcomeSpace::is_allowed`]). One pass over the space.
    #[must_use]
    pub fn allowed(&self, rules: &[Exclusion]) -> Vec<bool> {
        (0..self.len).map(|o| self.is_allowed(o, rules)).collect()
    }
}

/// A combination of issue values that is not a valid contract (a scenario's
/// `[[exclude]]`): an outcome matches when, for every listed issue, its value is one of
/// the listed values (keys combine with AND, the values of one key with OR).
///
/// ```
/// use bargain_core::package::space::{Exclusion, Issue, OutcomeSpace};
/// let space = OutcomeSpace::new(vec![
///     Issue::integer("term", 1, 3),
///     Issue::choice("escalation", &["none", "cpi"]),
/// ]).unwrap();
/// // A one-year term with any escalator: (term 1, cpi) = outcome 1.
/// let rule = Exclusion { terms: vec![(0, vec![0]), (1, vec![1])] };
/// assert_eq!(space.allowed(&[rule]), [true, false, true, true, true, true]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// `(issue position, value indices)`: the issue's value must be one of these.
    pub terms: Vec<(usize, Vec<usize>)>,
}

impl Exclusion {
    /// Whether `outcome` of `space` matches every term of the rule.
    #[must_use]
    pub fn matches(&self, space: &OutcomeSpace, outcome: u32) -> bool {
        self.terms
            .iter()
            .all(|(j, values)| values.contains(&space.value_index(outcome, *j)))
    }
}
