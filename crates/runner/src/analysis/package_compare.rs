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
//! intervals of [`super::compare::PairSums`]. The issues other than the amount are
//! compared from the summaries (unpaired).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

use bargain_core::package::aspiration::PowerCache;
use serde::{Deserialize, Serialize};

use super::compare::{Comparison, Difference, ModelComparison, ModelStats, PairSums, welch};
use super::package_sensitivity::prepared_trial;
use super::sweep::{IssueStat, SweepIssue};
use crate::ensemble::package::{Stop, amount_issue, deal};
use crate::ensemble::waves::Waves;
use crate::ensemble::{WAVE, chunk_size};
use crate::scenario::SampleCtx;
use crate::scenario::issues::PackageScenario;
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
    let shared: Vec<SweepIssue> = pa
        .issues
        .iter()
        .filter(|i| pb.issues.iter().any(|j| j.key == i.key && j.kind == i.kind))
        .map(|i| SweepIssue {
            key: i.key.clone(),
            kind: i.kind.clone(),
        })
        .collect();
    for (name, mc) in &mut cmp.models {
        let (Some(ma), Some(mb)) = (a.models.get(name), b.models.get(name)) else {
            continue;
        };
        for issue in &shared {
            let (Some(sa), Some(sb)) = (
                IssueStat::from_summary(ma, issue),
                IssueStat::from_summary(mb, issue),
            ) else {
                continue;
            };
            let mean = if issue.is_choice() {
                None
            } else {
                issue_stats(ma, &issue.key)
                    .zip(issue_stats(mb, &issue.key))
                    .and_then(|(x, y)| welch(&x, &y))
            };
            mc.issues.insert(
                issue.key.clone(),
                IssueComparison {
                    kind: issue.kind.clone(),
                    a: sa,
                    b: sb,
                    mean,
                },
            );
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

/// Run trials `0..trials` (seed `seed`) of both package scenarios side by side and sum,
/// per model in both, the paired deal indicators and amounts (centred on A's amount range's
/// middle). Chunks are summed in trial order and merged in chunk order: the sums do not
/// depend on the thread count.
///
/// # Errors
/// [`Stop::Cancelled`] once `cancel` is set; rejected preferences.
pub fn run_paired(
    a: &PackageScenario,
    b: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<BTreeMap<String, PairSums>, Stop> {
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
    let mut total = vec![PairSums::default(); models.len()];
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
                PowerCache::new(),
                PowerCache::new(),
                vec![0.0; ka],
                vec![0.0; kb],
            )
        },
        |(ca, cb, ia, ib), (lo, hi)| {
            let mut sums = vec![PairSums::default(); models.len()];
            for trial in lo..hi {
                let ctx = SampleCtx {
                    trial,
                    trials,
                    seed,
                };
                let (ta, pa) = prepared_trial(a, ctx, ia, cancel)?;
                let (tb, pb) = prepared_trial(b, ctx, ib, cancel)?;
                for (sum, &m) in sums.iter_mut().zip(&models) {
                    // Both have an amount issue (see `pairs`): a deal has an amount.
                    let da = deal(m, a, &ta, &pa, ca).and_then(|(o, _)| amount_of(a, o));
                    let db = deal(m, b, &tb, &pb, cb).and_then(|(o, _)| amount_of(b, o));
                    sum.add(center, da, db);
                }
            }
            Ok::<_, Stop>(sums)
        },
        |chunk| {
            for (t, s) in total.iter_mut().zip(chunk?) {
                t.merge(&s);
            }
            Ok::<(), Stop>(())
        },
    )?;
    Ok(models
        .iter()
        .map(|m| m.as_str().to_owned())
        .zip(total)
        .collect())
}
