//! `bargain compare A B`: how two runs differ, model by model.
//!
//! A and B are report folders (compared from their `summary.json`) or scenario files.
//! Two scenario files run together with common random numbers: the same seed and trial
//! count, so trial `i` of both draws from the same generator `ensemble::trial_rng(seed,
//! i)`, and the differences are estimated trial by trial (paired). A scenario file
//! compared with a report folder runs with the folder's seed and trial count.
//!
//! Every difference is B − A with a 95% confidence interval; see [`METHODS`] for how each
//! is computed. Identical inputs give differences and distances of exactly 0.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use bargain_core::{Model, Outcome, OutcomeKind};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::cdf::{PiecewiseCdf, ks_distance, wasserstein};
use crate::accumulate::{AmountRange, ModelAccumulator};
use crate::ensemble::waves::{Merge, Waves};
use crate::ensemble::{self, Accumulated, CHUNK, Plan, RunError, WAVE};
use crate::scenario::Scenario;
use crate::summary::{ModelSummary, Summary};

/// Format name of `compare.json`.
pub const FORMAT: &str = "bargain-compare";
/// Version of the `compare.json` format.
pub const VERSION: u32 = 1;
/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;

/// How each statistic is computed, written into `compare.json` and the HTML page.
pub const METHODS: [(&str, &str); 6] = [
    (
        "agreement_rate",
        "Difference of agreement rates B − A. Report folders: normal approximation for two \
         independent proportions. Common random numbers: the paired difference of the per-trial \
         deal indicators (normal approximation).",
    ),
    (
        "mean",
        "Difference of the mean agreed amount over each side's deals, B − A. Report folders: \
         Welch's t interval from the means, standard deviations and deal counts. Common random \
         numbers: delta method for two ratio means over the same trials (per-trial influence \
         functions, so the pairing is used), normal approximation.",
    ),
    (
        "median",
        "Difference of the medians (p50) of the agreed amounts, B − A. Normal approximation: \
         each median has standard error 1 / (2 f(m) √n), with the density f(m) read from the \
         summary's histogram over three bins around the median; the two sides are treated as \
         independent (conservative under common random numbers, where they are positively \
         correlated).",
    ),
    (
        "paired_amount",
        "Common random numbers only: the mean of (B − A) over the trials in which both sides \
         struck a deal, with a normal interval from the paired standard deviation.",
    ),
    (
        "distances",
        "Kolmogorov–Smirnov (sup |F_A − F_B|) and 1-Wasserstein (∫ |F_A − F_B| dx) distances \
         between the distributions of agreed amounts. Each distribution function is rebuilt \
         from the summary's 64-bin histogram with uniform density inside each bin (deals outside \
         the histogram spread over [min, lo] and [hi, max]); both are then evaluated exactly on \
         the union of the two sets of bin edges, so different binnings compare correctly. \
         `resolution` is the larger bin width: distances are exact for these piecewise-linear \
         functions and approximate the sample distances to about that resolution.",
    ),
    (
        "rounds",
        "Deals per round as a share of the model's trials, side by side.",
    ),
];

/// `compare.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The first input.
    pub a: SideInfo,
    /// The second input.
    pub b: SideInfo,
    /// Whether both ran here with common random numbers (paired statistics).
    pub common_random_numbers: bool,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// How each statistic is computed.
    pub methods: BTreeMap<String, String>,
    /// Per model present in both, keyed by model name.
    pub models: BTreeMap<String, ModelComparison>,
    /// Models only in A.
    pub only_in_a: Vec<String>,
    /// Models only in B.
    pub only_in_b: Vec<String>,
    /// Things to keep in mind (different units, partial reports, …).
    pub warnings: Vec<String>,
}

/// One input of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideInfo {
    /// `A` or `B`.
    pub label: String,
    /// The path given.
    pub source: String,
    /// `report` (a report folder) or `scenario` (a scenario file run here).
    pub input: String,
    /// Scenario machine name.
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Unit of amounts.
    pub unit: String,
    /// Trials.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
}

/// How one model's outcomes differ between A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    /// A's statistics.
    pub a: ModelStats,
    /// B's statistics.
    pub b: ModelStats,
    /// Agreement rate, B − A.
    pub agreement_rate: Difference,
    /// Mean agreed amount, B − A (`null` unless both have deals).
    pub mean: Option<Difference>,
    /// Median agreed amount, B − A (`null` unless both have deals).
    pub median: Option<Difference>,
    /// Mean of B − A over trials where both dealt (common random numbers only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paired_amount: Option<PairedDifference>,
    /// Two-sample Kolmogorov–Smirnov distance between the amount distributions.
    pub ks: Option<f64>,
    /// 1-Wasserstein distance between the amount distributions (in the unit of amounts).
    pub wasserstein: Option<f64>,
    /// The larger histogram bin width: resolution of the distances.
    pub resolution: Option<f64>,
    /// Deals per round as shares of trials, side by side (index 0 = round 1).
    pub rounds: RoundShares,
    /// Package scenarios: each issue both sides have, keyed by issue (absent otherwise).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub issues: BTreeMap<String, super::package_compare::IssueComparison>,
}

/// A side's statistics for one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelStats {
    /// Trials.
    pub trials: u64,
    /// Deals.
    pub deals: u64,
    /// Share of trials with a deal.
    pub agreement_rate: f64,
    /// Mean agreed amount.
    pub mean: Option<f64>,
    /// Standard deviation of agreed amounts.
    pub sd: Option<f64>,
    /// Median agreed amount.
    pub median: Option<f64>,
    /// Mean round of deals.
    pub mean_round: Option<f64>,
}

/// A difference B − A with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The estimate.
    pub estimate: f64,
    /// Standard error (`null` if it cannot be estimated).
    pub se: Option<f64>,
    /// Lower end of the interval.
    pub lo: Option<f64>,
    /// Upper end of the interval.
    pub hi: Option<f64>,
}

/// The paired difference of amounts over trials where both sides dealt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Trials where both dealt.
    pub both_deal: u64,
    /// The mean difference and its interval.
    pub difference: Difference,
}

/// Deals per round, as shares of trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundShares {
    /// A's shares.
    pub a: Vec<f64>,
    /// B's shares.
    pub b: Vec<f64>,
}

impl Difference {
    /// `estimate` with standard error `se` and the interval `± quantile · se` (no error
    /// or interval when `se` is not a finite non-negative number).
    pub(crate) fn with_se(estimate: f64, se: f64, quantile: f64) -> Self {
        if se.is_finite() && se >= 0.0 {
            Self {
                estimate,
                se: Some(se),
                lo: Some(estimate - quantile * se),
                hi: Some(estimate + quantile * se),
            }
        } else {
            Self {
                estimate,
                se: None,
                lo: None,
                hi: None,
            }
        }
    }

    /// Whether the interval excludes 0.
    #[must_use]
    pub fn excludes_zero(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
            _ => false,
        }
    }
}

/// The normal quantile of the two-sided [`CONFIDENCE`] interval.
pub(crate) fn z() -> f64 {
    Normal::new(0.0, 1.0).map_or(1.959_963_984_540_054, |n| {
        n.inverse_cdf(0.5 + CONFIDENCE / 2.0)
    })
}

fn stats(m: &ModelSummary) -> ModelStats {
    let a = m.amount.as_ref();
    ModelStats {
        trials: m.trials,
        deals: a.map_or(0, |a| a.count),
        agreement_rate: m.agreement_rate,
        mean: a.map(|a| a.mean).filter(|x| x.is_finite()),
        sd: a.map(|a| a.sd).filter(|x| x.is_finite()),
        median: a
            .and_then(|a| a.quantiles.get("p50").copied())
            .filter(|x| x.is_finite()),
        mean_round: m.round.mean.filter(|x| x.is_finite()),
    }
}

fn round_shares(m: &ModelSummary) -> Vec<f64> {
    m.round
        .counts
        .iter()
        .map(|&c| c as f64 / m.trials.max(1) as f64)
        .collect()
}

/// Standard error of a median from the density of the distribution around it.
fn median_se(cdf: &PiecewiseCdf, median: f64, n: u64) -> f64 {
    let h = 1.5 * cdf.resolution();
    let density = if h > 0.0 {
        (cdf.left(median + h) - cdf.at(median - h)) / (2.0 * h)
    } else {
        0.0
    };
    if density > 0.0 && n > 0 {
        1.0 / (2.0 * density * (n as f64).sqrt())
    } else {
        f64::NAN
    }
}

pub(crate) fn welch(a: &ModelStats, b: &ModelStats) -> Option<Difference> {
    let (ma, mb) = (a.mean?, b.mean?);
    let d = mb - ma;
    let (na, nb) = (a.deals as f64, b.deals as f64);
    if a.deals < 2 || b.deals < 2 {
        return Some(Difference::with_se(d, f64::NAN, 0.0));
    }
    let va = a.sd.unwrap_or(0.0).powi(2) / na;
    let vb = b.sd.unwrap_or(0.0).powi(2) / nb;
    let se = (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let q = StudentsT::new(0.0, 1.0, df)
        .ok()
        .filter(|_| df.is_finite() && df > 0.0)
        .map_or_else(z, |t| t.inverse_cdf(0.5 + CONFIDENCE / 2.0));
    Some(Difference::with_se(d, se, q))
}

/// Check a `summary.json` read from a report folder before comparing it: every count is
/// consistent (outcomes sum to the trials, the deals are the amounts' count, the
/// histogram's and the rounds'), every rate and share lies in `[0, 1]` and agrees with
/// its counts, and the amounts are finite and ordered. Returns the first problem as
/// `FIELD: message` (the field a path inside the file).
///
/// # Errors
/// The first inconsistency found.
pub fn check_summary(s: &Summary) -> Result<(), String> {
    if s.trials == 0 {
        return Err("trials: expected at least 1, found 0".into());
    }
    for (name, m) in &s.models {
        let f = |x: &str| format!("models.{name}.{x}");
        let bad = |x: &str, msg: String| Err(format!("{}: {msg}", f(x)));
        if m.trials != s.trials {
            return bad(
                "trials",
                format!("expected the run's {} trials, found {}", s.trials, m.trials),
            );
        }
        let mut total = 0u64;
        for (k, &c) in &m.outcomes {
            if !OutcomeKind::ALL.iter().any(|o| o.as_str() == k) {
                return bad("outcomes", format!("`{k}` is not an outcome"));
            }
            total = total.saturating_add(c);
        }
        if total != m.trials {
            return bad(
                "outcomes",
                format!("the counts sum to {total}, not to the {} trials", m.trials),
            );
        }
        let deals = m.outcomes.get("deal").copied().unwrap_or(0);
        let rate = deals as f64 / m.trials as f64;
        if !(0.0..=1.0).contains(&m.agreement_rate) || (m.agreement_rate - rate).abs() > 1e-9 {
            return bad(
                "agreement_rate",
                format!(
                    "expected {rate} ({deals} deals of {} trials), found {}",
                    m.trials, m.agreement_rate
                ),
            );
        }
        let rounds = m
            .round
            .counts
            .iter()
            .fold(0u64, |a, &c| a.saturating_add(c));
        if rounds != deals {
            return bad(
                "round.counts",
                format!("hold {rounds} deals, the outcomes {deals}"),
            );
        }
        if m.round.mean.is_some_and(|r| !(r.is_finite() && r >= 0.0)) {
            return bad("round.mean", "expected a finite round ≥ 0".into());
        }
        match (&m.amount, deals) {
            (None, 0) => {}
            (None, _) => return bad("amount", format!("missing with {deals} deals")),
            (Some(a), _) => {
                if a.count != deals {
                    return bad(
                        "amount.count",
                        format!("expected the {deals} deals, found {}", a.count),
                    );
                }
                let h = &a.histogram;
                let binned = h
                    .counts
                    .iter()
                    .chain([&h.below, &h.above])
                    .fold(0u64, |acc, &c| acc.saturating_add(c));
                if binned != deals {
                    return bad(
                        "amount.histogram",
                        format!("holds {binned} deals, the outcomes {deals}"),
                    );
                }
                let finite = [a.mean, a.sd, a.min, a.max, a.quantile_error_bound]
                    .iter()
                    .chain(a.quantiles.values())
                    .all(|x| x.is_finite());
                let slack = (a.max - a.min).abs() * 1e-9 + 1e-12;
                let inside = |x: f64| x >= a.min - slack && x <= a.max + slack;
                if !finite
                    || a.sd < 0.0
                    || a.min > a.max
                    || !inside(a.mean)
                    || !a.quantiles.values().all(|&q| inside(q))
                {
                    return bad(
                        "amount",
                        "expected finite amounts with min ≤ mean, quantiles ≤ max and sd ≥ 0"
                            .into(),
                    );
                }
            }
        }
        if let Some(o) = &m.observed
            && !(0.0..=1.0).contains(&o.percentile)
        {
            return bad(
                "observed.percentile",
                format!("expected a value in [0, 1], found {}", o.percentile),
            );
        }
    }
    Ok(())
}

/// Compare two summaries model by model (unpaired statistics only).
#[must_use]
pub fn compare_summaries(a: (&SideInfo, &Summary), b: (&SideInfo, &Summary)) -> Comparison {
    let z = z();
    let mut models = BTreeMap::new();
    for (name, ma) in &a.1.models {
        let Some(mb) = b.1.models.get(name) else {
            continue;
        };
        let (sa, sb) = (stats(ma), stats(mb));
        let (pa, pb) = (ma.agreement_rate, mb.agreement_rate);
        let se_p = (pa * (1.0 - pa) / ma.trials.max(1) as f64
            + pb * (1.0 - pb) / mb.trials.max(1) as f64)
            .sqrt();
        let cdfs = ma
            .amount
            .as_ref()
            .and_then(PiecewiseCdf::from_amount)
            .zip(mb.amount.as_ref().and_then(PiecewiseCdf::from_amount));
        let median = match (&cdfs, sa.median, sb.median) {
            (Some((ca, cb)), Some(xa), Some(xb)) => {
                let se = median_se(ca, xa, sa.deals).hypot(median_se(cb, xb, sb.deals));
                Some(Difference::with_se(xb - xa, se, z))
            }
            _ => None,
        };
        models.insert(
            name.clone(),
            ModelComparison {
                agreement_rate: Difference::with_se(pb - pa, se_p, z),
                mean: welch(&sa, &sb),
                median,
                paired_amount: None,
                ks: cdfs.as_ref().map(|(ca, cb)| ks_distance(ca, cb)),
                wasserstein: cdfs.as_ref().map(|(ca, cb)| wasserstein(ca, cb)),
                resolution: cdfs
                    .as_ref()
                    .map(|(ca, cb)| ca.resolution().max(cb.resolution())),
                rounds: RoundShares {
                    a: round_shares(ma),
                    b: round_shares(mb),
                },
                issues: BTreeMap::new(),
                a: sa,
                b: sb,
            },
        );
    }
    let missing = |x: &Summary, y: &Summary| -> Vec<String> {
        x.models
            .keys()
            .filter(|k| !y.models.contains_key(*k))
            .cloned()
            .collect()
    };
    let mut warnings = Vec::new();
    if a.1.scenario.unit != b.1.scenario.unit {
        warnings.push(format!(
            "the units differ: A is in {}, B in {}; differences mix units",
            a.1.scenario.unit, b.1.scenario.unit
        ));
    }
    Comparison {
        format: FORMAT.into(),
        version: VERSION,
        a: a.0.clone(),
        b: b.0.clone(),
        common_random_numbers: false,
        confidence: CONFIDENCE,
        methods: METHODS
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        only_in_a: missing(a.1, b.1),
        only_in_b: missing(b.1, a.1),
        models,
        warnings,
    }
}

/// Per-trial sums for the paired statistics of one model (amounts centred on a
/// constant to keep sums of squares well conditioned). Chunks sum in trial order and
/// merge in chunk order, so the result does not depend on the thread count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairSums {
    /// Trials.
    pub n: u64,
    /// Trials where A dealt.
    pub n_a: u64,
    /// Trials where B dealt.
    pub n_b: u64,
    /// Trials where both dealt.
    pub n_ab: u64,
    /// Σ a over A's deals (centred).
    pub sa: f64,
    /// Σ a² over A's deals.
    pub qa: f64,
    /// Σ b over B's deals (centred).
    pub sb: f64,
    /// Σ b² over B's deals.
    pub qb: f64,
    /// Σ a over trials where both dealt.
    pub ab_a: f64,
    /// Σ b over trials where both dealt.
    pub ab_b: f64,
    /// Σ a·b over trials where both dealt.
    pub ab_ab: f64,
    /// Σ (b − a)² over trials where both dealt.
    pub dd: f64,
}

impl PairSums {
    pub(crate) fn add(&mut self, center: f64, a: Option<f64>, b: Option<f64>) {
        self.n += 1;
        let a = a.map(|x| x - center);
        let b = b.map(|x| x - center);
        if let Some(a) = a {
            self.n_a += 1;
            self.sa += a;
            self.qa += a * a;
        }
        if let Some(b) = b {
            self.n_b += 1;
            self.sb += b;
            self.qb += b * b;
        }
        if let (Some(a), Some(b)) = (a, b) {
            self.n_ab += 1;
            self.ab_a += a;
            self.ab_b += b;
            self.ab_ab += a * b;
            self.dd += (b - a) * (b - a);
        }
    }

    pub(crate) fn merge(&mut self, o: &PairSums) {
        self.n += o.n;
        self.n_a += o.n_a;
        self.n_b += o.n_b;
        self.n_ab += o.n_ab;
        self.sa += o.sa;
        self.qa += o.qa;
        self.sb += o.sb;
        self.qb += o.qb;
        self.ab_a += o.ab_a;
        self.ab_b += o.ab_b;
        self.ab_ab += o.ab_ab;
        self.dd += o.dd;
    }

    /// Paired difference of agreement rates, B − A.
    #[must_use]
    pub fn agreement(&self) -> Difference {
        let n = self.n as f64;
        let d = (self.n_b as f64 - self.n_a as f64) / n;
        let discordant = (self.n_a + self.n_b - 2 * self.n_ab) as f64;
        let ss = (discordant - n * d * d).max(0.0);
        Difference::with_se(d, ss.sqrt() / n, z())
    }

    /// Difference of mean deal amounts, B − A, by the delta method over paired trials.
    /// `estimate` is the difference of the sides' means (as in their summaries).
    #[must_use]
    pub fn mean(&self, estimate: f64) -> Option<Difference> {
        if self.n_a < 2 || self.n_b < 2 {
            return None;
        }
        let n = self.n as f64;
        let (na, nb, nab) = (self.n_a as f64, self.n_b as f64, self.n_ab as f64);
        let (ma, mb) = (self.sa / na, self.sb / nb);
        let va = (self.qa - na * ma * ma).max(0.0);
        let vb = (self.qb - nb * mb * mb).max(0.0);
        let cov = self.ab_ab - mb * self.ab_a - ma * self.ab_b + nab * ma * mb;
        let (pa, pb) = (na / n, nb / n);
        let ss = (vb / (pb * pb) + va / (pa * pa) - 2.0 * cov / (pa * pb)).max(0.0);
        Some(Difference::with_se(estimate, ss.sqrt() / n, z()))
    }

    /// Mean of B − A over trials where both dealt.
    #[must_use]
    pub fn paired_amount(&self) -> Option<PairedDifference> {
        if self.n_ab == 0 {
            return None;
        }
        let k = self.n_ab as f64;
        let d = (self.ab_b - self.ab_a) / k;
        let se = if self.n_ab > 1 {
            ((self.dd - k * d * d).max(0.0) / (k - 1.0)).sqrt() / k.sqrt()
        } else {
            f64::NAN
        };
        Some(PairedDifference {
            both_deal: self.n_ab,
            difference: Difference::with_se(d, se, z()),
        })
    }
}

/// Replace the unpaired agreement and mean differences of `cmp` by the paired ones of
/// `pairs` (per model name), and add the paired amount differences.
pub(crate) fn apply_pairs<'a>(
    cmp: &mut Comparison,
    pairs: impl IntoIterator<Item = (&'a str, &'a PairSums)>,
) {
    for (model, sums) in pairs {
        if let Some(mc) = cmp.models.get_mut(model) {
            mc.agreement_rate = sums.agreement();
            if let Some(m) = mc.mean {
                mc.mean = sums.mean(m.estimate).or(Some(m));
            }
            mc.paired_amount = sums.paired_amount();
        }
    }
}

/// The result of a paired run of two scenarios.
#[derive(Debug, Clone)]
pub struct PairedRun {
    /// A's accumulated outcomes (identical to a normal run with the same plan).
    pub a: Accumulated,
    /// B's accumulated outcomes.
    pub b: Accumulated,
    /// Paired sums per common model.
    pub pairs: Vec<(Model, PairSums)>,
}

struct Side<'a> {
    scenario: &'a Scenario,
    plan: &'a Plan,
    range: AmountRange,
}

fn empty(range: AmountRange, models: &[Model]) -> Accumulated {
    Accumulated {
        range,
        models: models
            .iter()
            .map(|&m| (m, ModelAccumulator::default()))
            .collect(),
    }
}

impl Merge for PairedRun {
    fn merge(&mut self, other: Self) {
        self.a.merge(&other.a);
        self.b.merge(&other.b);
        for (t, c) in self.pairs.iter_mut().zip(&other.pairs) {
            t.1.merge(&c.1);
        }
    }
}

/// One worker's scratch space for paired chunks.
struct Scratch {
    in_a: Vec<f64>,
    in_b: Vec<f64>,
    out_a: Vec<Outcome>,
    out_b: Vec<Outcome>,
    ws: crate::trial::Workspace,
}

/// Sample trial `t` of one side and run its models in its plan's order, exactly as the
/// ensemble does; accumulate and keep the outcomes in `out`.
fn side_trial(
    side: &Side<'_>,
    t: u64,
    inputs: &mut [f64],
    acc: &mut Accumulated,
    out: &mut Vec<Outcome>,
    ws: &mut crate::trial::Workspace,
) {
    out.clear();
    let plan = side.plan;
    crate::trial::run_trial(
        side.scenario,
        plan.seed,
        plan.trials,
        &plan.models,
        t,
        inputs,
        ws,
        |i, negotiation, o| {
            acc.models[i].1.add(&side.range, negotiation, o);
            out.push(*o);
        },
    );
}

fn deal_amount(o: &Outcome) -> Option<f64> {
    (o.kind == OutcomeKind::Deal).then_some(o.amount).flatten()
}

fn empty_run(a: &Side<'_>, b: &Side<'_>, common: &[(Model, usize, usize)]) -> PairedRun {
    PairedRun {
        a: empty(a.range, &a.plan.models),
        b: empty(b.range, &b.plan.models),
        pairs: common
            .iter()
            .map(|&(m, _, _)| (m, PairSums::default()))
            .collect(),
    }
}

fn paired_chunk(
    a: &Side<'_>,
    b: &Side<'_>,
    common: &[(Model, usize, usize)],
    center: f64,
    s: &mut Scratch,
    (start, end): (u64, u64),
) -> PairedRun {
    let mut run = empty_run(a, b, common);
    for t in start..end {
        side_trial(a, t, &mut s.in_a, &mut run.a, &mut s.out_a, &mut s.ws);
        side_trial(b, t, &mut s.in_b, &mut run.b, &mut s.out_b, &mut s.ws);
        for (k, &(_, ia, ib)) in common.iter().enumerate() {
            run.pairs[k]
                .1
                .add(center, deal_amount(&s.out_a[ia]), deal_amount(&s.out_b[ib]));
        }
    }
    run
}

/// Run two scenarios trial by trial with common random numbers (both plans must have
/// the same seed and trial count) on the current rayon pool, through the ensemble's wave
/// driver: the same chunks and waves, chunk results merged in order.
///
/// # Errors
/// [`RunError::Interrupted`] when `cancel` is set before the last wave finishes.
pub fn run_paired(
    (sa, pa): (&Scenario, &Plan),
    (sb, pb): (&Scenario, &Plan),
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PairedRun, RunError> {
    let a = Side {
        scenario: sa,
        plan: pa,
        range: ensemble::amount_range(sa, pa),
    };
    let b = Side {
        scenario: sb,
        plan: pb,
        range: ensemble::amount_range(sb, pb),
    };
    let common: Vec<(Model, usize, usize)> = pa
        .models
        .iter()
        .enumerate()
        .filter_map(|(ia, m)| pb.models.iter().position(|x| x == m).map(|ib| (*m, ia, ib)))
        .collect();
    let center = a.range.center;
    let driver = Waves {
        range: (0, pa.trials),
        chunk: CHUNK,
        wave: WAVE,
        cancel,
        progress,
    };
    Ok(driver.fold(
        empty_run(&a, &b, &common),
        || Scratch {
            in_a: vec![0.0; sa.input_count()],
            in_b: vec![0.0; sb.input_count()],
            out_a: Vec::with_capacity(pa.models.len()),
            out_b: Vec::with_capacity(pb.models.len()),
            ws: crate::trial::Workspace::new(),
        },
        |s, bounds| paired_chunk(&a, &b, &common, center, s, bounds),
    )?)
}

/// Who one side of a comparison is (`label` A or B, `input` "report" or "scenario").
#[must_use]
pub fn side_info(label: &str, source: &Path, input: &str, s: &Summary) -> SideInfo {
    SideInfo {
        label: label.into(),
        source: source.display().to_string(),
        input: input.into(),
        scenario: s.scenario.name.clone(),
        title: s.scenario.title.clone(),
        unit: s.scenario.unit.clone(),
        trials: s.trials,
        seed: s.seed,
    }
}

/// Decimals for amounts of this comparison (about four significant digits).
pub(crate) fn decimals(cmp: &Comparison) -> usize {
    let scale = cmp
        .models
        .values()
        .flat_map(|m| [m.a.median, m.b.median])
        .flatten()
        .map(f64::abs)
        .fold(0.0, f64::max);
    if scale > 0.0 && scale.is_finite() {
        (3.0 - scale.log10().floor()).clamp(0.0, 8.0) as usize
    } else {
        3
    }
}

pub(crate) fn opt(x: Option<f64>, d: usize) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.d$}"))
}

pub(crate) fn signed(x: Option<f64>, d: usize) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:+.d$}"))
}

pub(crate) fn interval(diff: &Difference, d: usize, scale: f64) -> String {
    match (diff.lo, diff.hi) {
        (Some(lo), Some(hi)) => format!("[{:+.d$}, {:+.d$}]", lo * scale, hi * scale),
        _ => "–".into(),
    }
}

/// The readable terminal table of a comparison.
#[must_use]
pub fn table(cmp: &Comparison) -> String {
    let mut out = String::new();
    let d = decimals(cmp);
    let _ = writeln!(
        out,
        "A: {} ({}, {} trials, seed {})",
        cmp.a.title, cmp.a.source, cmp.a.trials, cmp.a.seed
    );
    let _ = writeln!(
        out,
        "B: {} ({}, {} trials, seed {})",
        cmp.b.title, cmp.b.source, cmp.b.trials, cmp.b.seed
    );
    let _ = writeln!(
        out,
        "differences are B − A with 95% intervals; {}; amounts in {}",
        if cmp.common_random_numbers {
            "common random numbers (paired)"
        } else {
            "independent samples"
        },
        cmp.a.unit
    );
    for name in ordered(cmp) {
        let m = &cmp.models[name];
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{name:<18} {:>12} {:>12} {:>12}  95% interval",
            "A", "B", "B − A"
        );
        let pp = |x: f64| format!("{:.1}%", 100.0 * x);
        let _ = writeln!(
            out,
            "  {:<16} {:>12} {:>12} {:>12}  {} pp",
            "agreement rate",
            pp(m.a.agreement_rate),
            pp(m.b.agreement_rate),
            format!("{:+.1} pp", 100.0 * m.agreement_rate.estimate),
            interval(&m.agreement_rate, 1, 100.0)
        );
        for (label, diff, a, b) in [
            ("mean amount", &m.mean, m.a.mean, m.b.mean),
            ("median amount", &m.median, m.a.median, m.b.median),
        ] {
            let _ = writeln!(
                out,
                "  {:<16} {:>12} {:>12} {:>12}  {}",
                label,
                opt(a, d),
                opt(b, d),
                signed(diff.map(|x| x.estimate), d),
                diff.as_ref().map_or("–".into(), |x| interval(x, d, 1.0))
            );
        }
        if let Some(p) = &m.paired_amount {
            let _ = writeln!(
                out,
                "  {:<16} {:>12} {:>12} {:>12}  {}  ({} trials where both dealt)",
                "paired B − A",
                "",
                "",
                signed(Some(p.difference.estimate), d),
                interval(&p.difference, d, 1.0),
                p.both_deal
            );
        }
        let _ = writeln!(
            out,
            "  {:<16} {:>12} {:>12} {:>12}",
            "mean round",
            opt(m.a.mean_round, 2),
            opt(m.b.mean_round, 2),
            match (m.a.mean_round, m.b.mean_round) {
                (Some(a), Some(b)) => format!("{:+.2}", b - a),
                _ => "–".into(),
            }
        );
        let _ = writeln!(
            out,
            "  KS distance {}   Wasserstein-1 {}   (resolution {})",
            opt(m.ks, 3),
            opt(m.wasserstein, d + 1),
            opt(m.resolution, d + 1)
        );
        out.push_str(&super::package_compare::issue_lines(m, d));
    }
    for (side, names) in [("A", &cmp.only_in_a), ("B", &cmp.only_in_b)] {
        if !names.is_empty() {
            let _ = writeln!(out, "\nonly in {side}: {}", names.join(", "));
        }
    }
    for w in &cmp.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// Model names of a comparison in report order.
pub(crate) fn ordered(cmp: &Comparison) -> Vec<&str> {
    let mut names: Vec<&str> = cmp.models.keys().map(String::as_str).collect();
    names.sort_by_key(|n| {
        Model::from_name(n)
            .and_then(|m| Model::ALL.iter().position(|&x| x == m))
            .unwrap_or(Model::ALL.len())
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_agreement_of_identical_indicators_is_zero_with_zero_width() {
        let mut s = PairSums::default();
        for i in 0..100 {
            let x = (i % 3 != 0).then_some(1.0 + i as f64 * 0.001);
            s.add(1.0, x, x);
        }
        let d = s.agreement();
        assert_eq!(d.estimate, 0.0);
        assert_eq!(d.se, Some(0.0));
        let m = s.mean(0.0).expect("mean");
        assert!(m.se.expect("se") < 1e-12);
        let p = s.paired_amount().expect("paired");
        assert_eq!(p.difference.estimate, 0.0);
    }

    #[test]
    fn paired_shift_is_detected() {
        let mut s = PairSums::default();
        for i in 0..1000 {
            let a = 1.0 + ((i * 37) % 100) as f64 * 0.01;
            s.add(1.5, Some(a), Some(a + 0.01));
        }
        let p = s.paired_amount().expect("paired");
        assert!((p.difference.estimate - 0.01).abs() < 1e-9);
        let m = s.mean(0.01).expect("mean");
        // Identical spread, perfectly correlated: the paired interval is (nearly) a point.
        assert!(m.excludes_zero(), "{m:?}");
    }
}
