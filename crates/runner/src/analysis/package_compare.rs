//! Comparisons of package scenarios (`[issues]`): what [`super::compare`] compares (the
//! agreement rate, the amount issue's distribution, rounds) plus each issue both sides
//! have — the median (numbers, integers) with the difference of means and its Welch
//! interval, or the modal label and its share of deals (choices) — and the paired run
//! of two package scenarios with common random numbers.
//!
//! Paired statistics: trial `i` of both scenarios draws each input from the stream of its
//! field path with the same seed, so the inputs the two files share take the same values
//! in both (common random numbers) when both use one sampler and run the same trials;
//! the per-trial differences of deal indicators and amounts then give the paired
//! intervals of [`super::compare::PairSums`]. The paired run records each side's whole
//! run as it goes, so each file runs once. The issues other than the amount are compared
//! from the summaries (unpaired).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

use bargain_core::package::aspiration::PowerCache;
use serde::{Deserialize, Serialize};

use bargain_core::OutcomeKind;

use super::compare::{Comparison, Difference, ModelComparison, ModelStats, PairSums, welch};
use super::package_sensitivity::prepared_trial;
use super::sweep::{IssueStat, SweepIssue};
use crate::accumulate::{IssueTally, ModelAccumulator};
use crate::ensemble::package::{
    PackageAccumulated, Prepared, amount_issue, amount_range, layout, record_trial,
};
use crate::ensemble::waves::Waves;
use crate::ensemble::{RunError, WAVE, chunk_size};
use crate::scenario::SampleCtx;
use crate::scenario::issues::{PackageModel, PackageScenario, PackageTrial};
use crate::summary::{ModelSummary, Summary};

/// One issue of a package compared between A and B (for one model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueComparison {
    /// `number`, `integer` or `choice`.
    pub kind: String,
    /// A's statistic: the median, or the modal label and its share of deals.
    pub a: IssueStat,
    /// B's statistic.
    pub b: IssueStat,
    /// Numbers and integers: the difference of mean agreed values, B − A, with its Welch
    /// interval (unpaired; `null` unless both sides have deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<Difference>,
    /// Numbers and integers: the difference of median agreed values, B − A. Its standard
    /// error and interval are the amount row's (from the histogram's density) for the
    /// amount issue; other issues have no histogram, so their median difference has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<Difference>,
    /// Numbers and integers: A's deals, mean, sd and median of the issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a_stats: Option<ModelStats>,
    /// Numbers and integers: B's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b_stats: Option<ModelStats>,
    /// Choices: per label (in issue order), its share of each side's deals and the
    /// difference of shares, B − A, with its standard error √(pₐ(1−pₐ)/nₐ + p_b(1−p_b)/n_b)
    /// and normal interval (unpaired; absent unless both sides have deals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<LabelShare>,
}

/// One label of a choice issue compared: its share of A's and of B's deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelShare {
    /// The label.
    pub label: String,
    /// Its share of A's deals.
    pub a: f64,
    /// Its share of B's deals.
    pub b: f64,
    /// `b − a`, with its standard error and interval.
    pub difference: Difference,
}

/// The shares of each label of a choice issue in both summaries (labels in A's issue
/// order, then B's others), with the differences; empty unless both sides have deals.
fn label_shares(
    labels: &[String],
    ma: &ModelSummary,
    mb: &ModelSummary,
    key: &str,
) -> Vec<LabelShare> {
    let side = |m: &ModelSummary| {
        let deals = m.outcomes.get("deal").copied().unwrap_or(0);
        let counts = m.issues.as_ref()?.get(key)?.counts.clone()?;
        (deals > 0).then_some((deals, counts))
    };
    let (Some((na, ca)), Some((nb, cb))) = (side(ma), side(mb)) else {
        return Vec::new();
    };
    let z = super::compare::z();
    let mut order: Vec<&String> = labels.iter().collect();
    for l in ca.keys().chain(cb.keys()) {
        if !order.contains(&l) {
            order.push(l);
        }
    }
    order
        .into_iter()
        .map(|l| {
            let pa = ca.get(l).copied().unwrap_or(0) as f64 / na as f64;
            let pb = cb.get(l).copied().unwrap_or(0) as f64 / nb as f64;
            let se = (pa * (1.0 - pa) / na as f64 + pb * (1.0 - pb) / nb as f64).sqrt();
            LabelShare {
                label: l.clone(),
                a: pa,
                b: pb,
                difference: Difference::with_se(pb - pa, se, z),
            }
        })
        .collect()
}

/// The statistics [`welch`] needs of one issue of one model: its deals, mean and sd.
fn issue_stats(m: &ModelSummary, key: &str) -> Option<ModelStats> {
    let block = m.issues.as_ref()?.get(key)?;
    let deals = m.outcomes.get("deal").copied().unwrap_or(0);
    Some(ModelStats {
        trials: m.trials,
        deals,
        agreement_rate: m.agreement_rate,
        mean: block.mean,
        sd: block.sd,
        median: block.p50,
        mean_round: None,
    })
}

/// Add to every model of `cmp` the comparison of each issue that both summaries have with
/// the same kind (nothing unless both are package summaries).
pub fn add_issues(cmp: &mut Comparison, a: &Summary, b: &Summary) {
    let (Some(pa), Some(pb)) = (&a.package, &b.package) else {
        return;
    };
    let shared: Vec<(SweepIssue, Vec<String>)> = pa
        .issues
        .iter()
        .filter(|i| pb.issues.iter().any(|j| j.key == i.key && j.kind == i.kind))
        .map(|i| {
            let issue = SweepIssue {
                key: i.key.clone(),
                kind: i.kind.clone(),
                unit: String::new(),
                labels: Vec::new(),
            };
            (issue, i.values.clone().unwrap_or_default())
        })
        .collect();
    for (name, mc) in &mut cmp.models {
        let (Some(ma), Some(mb)) = (a.models.get(name), b.models.get(name)) else {
            continue;
        };
        for (issue, labels) in &shared {
            let (Some(sa), Some(sb)) = (
                IssueStat::from_summary(ma, issue),
                IssueStat::from_summary(mb, issue),
            ) else {
                continue;
            };
            let mut c = IssueComparison {
                kind: issue.kind.clone(),
                a: sa,
                b: sb,
                mean: None,
                median: None,
                a_stats: None,
                b_stats: None,
                shares: Vec::new(),
            };
            if issue.is_choice() {
                c.shares = label_shares(labels, ma, mb, &issue.key);
            } else if let (Some(x), Some(y)) =
                (issue_stats(ma, &issue.key), issue_stats(mb, &issue.key))
            {
                c.mean = welch(&x, &y);
                // The amount issue's median difference has the amount row's error (from
                // the histogram's density); other issues have no histogram, so none.
                let se = match &mc.median {
                    Some(d) if issue.key == "amount" && issue.kind == "number" => {
                        d.se.unwrap_or(f64::NAN)
                    }
                    _ => f64::NAN,
                };
                c.median = x
                    .median
                    .zip(y.median)
                    .map(|(p, q)| Difference::with_se(q - p, se, super::compare::z()));
                c.a_stats = Some(x);
                c.b_stats = Some(y);
            }
            mc.issues.insert(issue.key.clone(), c);
        }
    }
}

/// The terminal table's lines of one model's issues (nothing without issues).
#[must_use]
pub fn issue_lines(m: &ModelComparison, d: usize) -> String {
    let mut out = String::new();
    for (key, c) in &m.issues {
        let diff = c.mean.as_ref().map_or_else(
            || "–".to_string(),
            |x| {
                format!(
                    "mean {:+.d$}  {}",
                    x.estimate,
                    super::compare::interval(x, d, 1.0)
                )
            },
        );
        let _ = writeln!(
            out,
            "  {:<16} {:>12} {:>12}  {}",
            format!("issue {key}"),
            c.a.text(),
            c.b.text(),
            if c.kind == "choice" {
                "modal label (share of deals)".to_string()
            } else {
                format!("median; {diff}")
            }
        );
    }
    out
}

/// Whether two package scenarios run with one seed and trial count pair trial by trial:
/// they use one sampler (each input is then drawn from the same stream in both), and
/// both have an amount issue (the paired statistics are those of the amount and of the
/// deal indicator).
#[must_use]
pub fn pairs(a: &PackageScenario, b: &PackageScenario) -> bool {
    a.run.sampler == b.run.sampler
        && amount_issue(a.space()).is_some()
        && amount_issue(b.space()).is_some()
}

/// The value of the amount issue of outcome `o`, if the scenario has one.
fn amount_of(s: &PackageScenario, o: u32) -> Option<f64> {
    let space = s.space();
    let j = amount_issue(space)?;
    space.issues()[j].numeric(space.value_index(o, j))
}

/// An empty accumulator of a whole run of `s` (`trials` trials), as the package kernel
/// starts one.
fn empty(s: &PackageScenario, trials: u64) -> PackageAccumulated {
    let space = s.space();
    let lay = layout(space);
    PackageAccumulated {
        range: amount_range(space, trials),
        models: s
            .run
            .models
            .iter()
            .map(|&m| {
                let acc = ModelAccumulator {
                    issues: Some(IssueTally::new(space, &lay)),
                    ..ModelAccumulator::default()
                };
                (m, acc)
            })
            .collect(),
    }
}

/// Record trial `t` of `s` in `acc` as the package kernel records it
/// ([`record_trial`]) and return each model's deal (outcome), in `[run] models` order,
/// into `deals`.
fn record(
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    acc: &mut PackageAccumulated,
    deals: &mut Vec<(PackageModel, Option<u32>)>,
) {
    deals.clear();
    record_trial(s, &layout(s.space()), t, p, cache, acc, |m, e| {
        let d = match (e.kind, e.outcome) {
            (OutcomeKind::Deal, Some(o)) => Some(o),
            _ => None,
        };
        deals.push((m, d));
    });
}

/// A paired run of two package scenarios: each side's whole run (as `bargain run` would
/// accumulate it) and, per model in both, the paired sums.
#[derive(Debug, Clone)]
pub struct PairedPackages {
    /// A's accumulators.
    pub a: PackageAccumulated,
    /// B's accumulators.
    pub b: PackageAccumulated,
    /// Per model run by both (by report name): the paired deal indicators and amounts.
    pub pairs: BTreeMap<String, PairSums>,
}

/// Run trials `0..trials` (seed `seed`) of both package scenarios side by side, once
/// each: every model of each is recorded into its side's accumulators (the same as its
/// own `bargain run` of those trials), and per model in both the paired deal indicators
/// and amounts (centred on A's amount range's middle) are summed. Chunks are summed in
/// trial order and merged in chunk order: the sums do not depend on the thread count.
///
/// # Errors
/// [`RunError::Interrupted`] once `cancel` is set; rejected preferences.
pub fn run_paired(
    a: &PackageScenario,
    b: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<PairedPackages, RunError> {
    let models: Vec<_> = a
        .run
        .models
        .iter()
        .copied()
        .filter(|m| b.run.models.contains(m))
        .collect();
    let center = amount_issue(a.space())
        .and_then(|j| a.space().issues()[j].range())
        .map_or(0.0, |(lo, hi)| 0.5 * (lo + hi));
    let (ka, kb) = (a.input_names().len(), b.input_names().len());
    let mut total = PairedPackages {
        a: empty(a, trials),
        b: empty(b, trials),
        pairs: BTreeMap::new(),
    };
    let mut pair_total = vec![PairSums::default(); models.len()];
    let waves = Waves {
        range: (0, trials),
        chunk: chunk_size(trials),
        wave: WAVE,
        cancel,
        progress: &|_| {},
    };
    waves.drive(
        || {
            (
                (PowerCache::new(), PowerCache::new()),
                (vec![0.0; ka], vec![0.0; kb]),
                (Vec::new(), Vec::new()),
            )
        },
        |((ca, cb), (ia, ib), (da, db)), (lo, hi)| {
            let (mut acc_a, mut acc_b) = (empty(a, trials), empty(b, trials));
            let mut sums = vec![PairSums::default(); models.len()];
            for trial in lo..hi {
                let ctx = SampleCtx {
                    trial,
                    trials,
                    seed,
                };
                let (ta, pa) = prepared_trial(a, ctx, ia, cancel)?;
                let (tb, pb) = prepared_trial(b, ctx, ib, cancel)?;
                record(a, &ta, &pa, ca, &mut acc_a, da);
                record(b, &tb, &pb, cb, &mut acc_b, db);
                for (sum, m) in sums.iter_mut().zip(&models) {
                    // Both have an amount issue (see `pairs`): a deal has an amount.
                    let amount = |s, deals: &[(PackageModel, Option<u32>)]| {
                        deals
                            .iter()
                            .find(|(x, _)| x == m)
                            .and_then(|(_, o)| *o)
                            .and_then(|o| amount_of(s, o))
                    };
                    sum.add(center, amount(a, da), amount(b, db));
                }
            }
            Ok::<_, RunError>((acc_a, acc_b, sums))
        },
        |chunk| {
            let (acc_a, acc_b, sums) = chunk?;
            total.a.merge(&acc_a);
            total.b.merge(&acc_b);
            for (t, s) in pair_total.iter_mut().zip(sums) {
                t.merge(&s);
            }
            Ok::<(), RunError>(())
        },
    )?;
    total.pairs = models
        .iter()
        .map(|m| m.as_str().to_owned())
        .zip(pair_total)
        .collect();
    Ok(total)
}
