//! `summary.json`: the stable, versioned result of a run.
//!
//! Only deterministic content lives here (no wall-clock or machine fields: those go to
//! `run.json`), so the same scenario, seed and binary give a byte-identical file at any
//! thread count and any sharding. Field names are a public contract (see README.md,
//! "Output reference"): extend, never rename.

use std::collections::BTreeMap;

use bargain_core::{Model, OutcomeKind};
use serde::{Deserialize, Serialize};

use crate::accumulate::{AmountRange, FINE_BINS, ModelAccumulator};

pub mod package;

/// Format name written into every summary.
pub const FORMAT: &str = "bargain-summary";
/// Version of the summary format; bumped on any incompatible change. Version 2 (issue
/// #21) adds `kind`, and for packages `package` and each model's `issues`, `joint` and
/// `utility` (with the one-issue blocks `outcomes`, `agreement_rate`, `amount`, `round`);
/// a one-issue summary of version 1 reads as version 2 of kind `one-issue`.
pub const VERSION: u32 = 2;

/// Summary versions this binary reads (see [`VERSION`]).
pub const READS: [u32; 2] = [1, 2];

/// `kind` of a one-issue scenario's summary.
pub const ONE_ISSUE: &str = "one-issue";
/// `kind` of a package scenario's summary.
pub const PACKAGE: &str = "package";

/// Check the `format` and `version` of a JSON document before reading it as a
/// `summary.json` (any version in [`READS`]).
///
/// # Errors
/// A message naming the field: not JSON, another format, or an unknown version.
pub fn check_header(text: &str) -> Result<(), String> {
    let mut last = Ok(());
    for v in READS.into_iter().rev() {
        match check_format(text, FORMAT, v) {
            Ok(()) => return Ok(()),
            Err(e) if e.starts_with("version:") => last = Err(e),
            Err(e) => return Err(e),
        }
    }
    last.map_err(|e| e.replacen(&format!("expected {}", READS[0]), "expected 1 or 2", 1))
}

/// Check that the JSON document `text` has `"format": format` and `"version": version`.
///
/// # Errors
/// A message naming the field that differs.
pub fn check_format(text: &str, format: &str, version: u32) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let h: Header = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    match &h.format {
        Some(serde_json::Value::String(f)) if f == format => {}
        Some(other) => return Err(format!("format: expected \"{format}\", found {other}")),
        None => return Err(format!("format: missing (expected \"{format}\")")),
    }
    match &h.version {
        Some(v) if v.as_u64() == Some(u64::from(version)) => Ok(()),
        Some(other) => Err(format!(
            "version: expected {version}, found {other} (written by another version of bargain)"
        )),
        None => Err(format!("version: missing (expected {version})")),
    }
}
/// Bins of the reported histogram (the fine quantile histogram is re-binned into these).
pub const HISTOGRAM_BINS: usize = 64;

/// The quantiles reported for agreed amounts, with their JSON keys.
pub const QUANTILES: [(&str, f64); 9] = [
    ("p01", 0.01),
    ("p05", 0.05),
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
];

/// The whole summary of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always `bargain-summary`.
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// `one-issue` or `package` (absent from version 1, which has only one-issue runs).
    #[serde(default = "one_issue")]
    pub kind: String,
    /// Which scenario ran.
    pub scenario: ScenarioInfo,
    /// Number of trials summarized.
    pub trials: u64,
    /// The run's seed.
    pub seed: u64,
    /// `monte-carlo` or `latin-hypercube`.
    pub sampler: String,
    /// Package scenarios: the outcome space (issues, parties, outcomes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub package: Option<crate::summary::package::PackageInfo>,
    /// Per model, keyed by model name.
    pub models: BTreeMap<String, ModelSummary>,
}

fn one_issue() -> String {
    ONE_ISSUE.to_string()
}

/// Identification of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Machine name (`[a-z0-9-]+`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Unit of amounts.
    pub unit: String,
}

/// The distribution of outcomes under one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// Trials run under this model.
    pub trials: u64,
    /// Count of each outcome kind (`deal`, `deadline`, `breakdown`, `not_ratified`, `no_zone`).
    pub outcomes: BTreeMap<String, u64>,
    /// Share of trials that ended in a ratified deal.
    pub agreement_rate: f64,
    /// Agreed amounts over deals (`null` without deals).
    pub amount: Option<AmountSummary>,
    /// When deals were struck.
    pub round: RoundSummary,
    /// Mean surplus over the reservation of each party (one-issue scenarios; a package's
    /// reservations are utilities: see `utility`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub surplus: Option<SurplusSummary>,
    /// Where the observed outcome falls (only with `[observed]` and at least one deal).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub observed: Option<ObservedFit>,
    /// With a `[calendar]`: when deals are struck (see [`crate::timing`]).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timing: Option<crate::timing::TimingSummary>,
    /// Packages: each issue's agreed values (statistics of numbers, counts of labels),
    /// keyed by issue.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issues: Option<BTreeMap<String, crate::summary::package::IssueSummary>>,
    /// Packages: deals per combination of the issues other than `amount`, most frequent
    /// first.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub joint: Option<Vec<crate::summary::package::JointCount>>,
    /// Packages: each party's mean utility over deals, keyed by party.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub utility: Option<BTreeMap<String, Option<f64>>>,
    /// With `[calendar] on_veto = "resume"`: deals a principal refused (issue #23).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vetoes: Option<VetoSummary>,
}

/// Vetoes of one model: deals refused by a principal, after which the talks went on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoSummary {
    /// Vetoes per trial.
    pub mean: f64,
    /// Share of trials with at least one veto.
    pub share: f64,
    /// Vetoes over all trials.
    pub total: u64,
    /// Trials with at least one veto.
    pub trials: u64,
}

impl VetoSummary {
    /// From a model's accumulator.
    #[must_use]
    pub fn of(acc: &ModelAccumulator) -> Self {
        let n = acc.trials.max(1) as f64;
        Self {
            mean: acc.vetoes as f64 / n,
            share: acc.vetoed_trials as f64 / n,
            total: acc.vetoes,
            trials: acc.vetoed_trials,
        }
    }
}

/// Statistics of agreed amounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmountSummary {
    /// Number of deals.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Smallest deal.
    pub min: f64,
    /// Largest deal.
    pub max: f64,
    /// `p01` … `p99`.
    pub quantiles: BTreeMap<String, f64>,
    /// Upper bound of the absolute error of each quantile (one fine bin of the
    /// streaming histogram) when it lies inside `histogram.lo..histogram.hi`.
    pub quantile_error_bound: f64,
    /// Histogram of deal amounts (deals outside `lo..hi` are counted in `below`/`above`).
    pub histogram: Histogram,
}

/// An equal-width histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Right edge of the last bin.
    pub hi: f64,
    /// Count per bin.
    pub counts: Vec<u64>,
    /// Deals below `lo`.
    pub below: u64,
    /// Deals above `hi`.
    pub above: u64,
}

/// Rounds of deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundSummary {
    /// Mean 1-based round of deals (`null` without deals).
    pub mean: Option<f64>,
    /// Deals per round: `counts[0]` is round 1.
    pub counts: Vec<u64>,
}

/// Mean surplus of each party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurplusSummary {
    /// The payee's mean surplus (amount − its reservation) over deals.
    pub payee: Option<f64>,
    /// The payer's mean surplus (its reservation − amount) over deals.
    pub payer: Option<f64>,
    /// The payee's mean surplus over all trials (0 without a deal).
    pub payee_per_trial: f64,
    /// The payer's mean surplus over all trials (0 without a deal).
    pub payer_per_trial: f64,
}

/// How the observed outcome sits in a model's distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedFit {
    /// The observed amount.
    pub amount: f64,
    /// Share of the model's deals at or below it (0–1).
    pub percentile: f64,
    /// Whether it lies in the central 50% interval `[p25, p75]`.
    pub in_50: bool,
    /// Whether it lies in the central 90% interval `[p05, p95]`.
    pub in_90: bool,
}

impl ModelSummary {
    /// Summarize an accumulator.
    #[must_use]
    pub fn from_accumulator(
        acc: &ModelAccumulator,
        range: &AmountRange,
        observed: Option<f64>,
    ) -> Self {
        let deals = acc.deals();
        let outcomes = OutcomeKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), acc.outcomes[k.index()]))
            .collect();
        let agreement_rate = if acc.trials > 0 {
            deals as f64 / acc.trials as f64
        } else {
            0.0
        };
        let amount = (deals > 0).then(|| amount_summary(acc, range));
        let round = RoundSummary {
            mean: (deals > 0).then(|| acc.round_sum as f64 / deals as f64),
            counts: acc.rounds.clone(),
        };
        let payee = acc.payee_surplus.mean(range.deltas(), deals);
        let payer = acc.payer_surplus.mean(range.deltas(), deals);
        let per_trial = |m: Option<f64>| m.map_or(0.0, |m| m * deals as f64 / acc.trials as f64);
        let surplus = Some(SurplusSummary {
            payee,
            payer,
            payee_per_trial: per_trial(payee),
            payer_per_trial: per_trial(payer),
        });
        let observed = match (observed, &amount) {
            (Some(x), Some(a)) => Some(ObservedFit {
                amount: x,
                percentile: acc.cdf(range, x).unwrap_or(0.0),
                in_50: a.quantiles["p25"] <= x && x <= a.quantiles["p75"],
                in_90: a.quantiles["p05"] <= x && x <= a.quantiles["p95"],
            }),
            _ => None,
        };
        Self {
            trials: acc.trials,
            outcomes,
            agreement_rate,
            amount,
            round,
            surplus,
            observed,
            timing: None,
            issues: None,
            joint: None,
            utility: None,
            vetoes: None,
        }
    }
}

fn amount_summary(acc: &ModelAccumulator, range: &AmountRange) -> AmountSummary {
    let deals = acc.deals();
    let quantiles = QUANTILES
        .iter()
        .map(|&(k, p)| (k.to_string(), acc.quantile(range, p).unwrap_or(f64::NAN)))
        .collect();
    let per = FINE_BINS / HISTOGRAM_BINS;
    let counts = acc.bins[1..=FINE_BINS]
        .chunks(per)
        .map(|c| c.iter().sum())
        .collect();
    AmountSummary {
        count: deals,
        mean: acc.amount.mean(range.amounts(), deals).unwrap_or(f64::NAN),
        sd: acc.amount.sd(range.amounts(), deals),
        min: acc.min,
        max: acc.max,
        quantiles,
        quantile_error_bound: range.bin_width(),
        histogram: Histogram {
            lo: range.lo,
            hi: range.hi,
            counts,
            below: acc.bins[0],
            above: acc.bins[FINE_BINS + 1],
        },
    }
}

/// The name of a model as used for keys in the summary.
#[must_use]
pub fn model_key(model: Model) -> String {
    model.as_str().to_string()
}
