//! Parameter sweeps: run a scenario once per value (or pair of values) of one or two
//! fields, with common random numbers, and tabulate each model's distribution of deals.
//!
//! Every variant runs with the same seed and trial count, so trial `i` of every variant
//! draws its inputs from the same generator `trial_rng(seed, i)`: differences between
//! variants come from the swept field, not from sampling noise. (A swept field is a
//! constant in every variant, so it draws nothing; the other inputs see identical streams.)

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::ensemble::{RunError, Shard};
use crate::pipeline::{self, Loaded, Overrides};
use crate::scenario::{ScenarioError, SweepAxis};
use crate::summary::{ModelSummary, ScenarioInfo, Summary, model_key};

/// Format name of `sweep.json`.
pub const FORMAT: &str = "bargain-sweep";
/// Version of the `sweep.json` format.
pub const VERSION: u32 = 1;

/// One swept field in `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The field path.
    pub path: String,
    /// Its values, in order (for a negotiator type: indices into the presets
    /// `boulware`, `linear`, `conceder`).
    pub values: Vec<f64>,
    /// For a negotiator type, each value's preset name; absent for a numeric field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

impl Axis {
    /// Value `x` of this axis in words: its label when it has one, else the number.
    #[must_use]
    pub fn text(&self, x: f64) -> String {
        self.values
            .iter()
            .position(|&v| v == x)
            .and_then(|i| self.labels.get(i))
            .cloned()
            .unwrap_or_else(|| crate::why::plain_number(x))
    }
}

/// One model's outcome at one point of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointStats {
    /// Trials run.
    pub trials: u64,
    /// Trials that ended in a ratified deal.
    pub deals: u64,
    /// `deals / trials`.
    pub agreement_rate: f64,
    /// Mean agreed amount (`null` without deals).
    pub mean: Option<f64>,
    /// 5th percentile of agreed amounts.
    pub p05: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Package scenarios: each issue's statistic among deals, keyed by issue (absent for
    /// one-issue scenarios).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub issues: BTreeMap<String, IssueStat>,
}

/// One issue of a package scenario at one point of a sweep: the median agreed value of a
/// number or integer issue, the modal label and its share of the deals for a choice issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueStat {
    /// Number and integer issues: the median agreed value (`null` without deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
    /// Choice issues: the most frequent label among deals (`null` without deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Choice issues: the share of deals that agreed on `mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Number and integer issues: the 5th percentile of agreed values (the band of the
    /// sweep's issue plot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p05: Option<f64>,
    /// Number and integer issues: the 95th percentile of agreed values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95: Option<f64>,
    /// Choice issues: every label's share of the deals (empty without deals).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shares: BTreeMap<String, f64>,
}

/// One issue of a swept package scenario (`sweep.json`'s `issues`; absent for one-issue
/// scenarios).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepIssue {
    /// The issue's key.
    pub key: String,
    /// `number`, `integer` or `choice` (as in `summary.json`'s `package.issues`).
    pub kind: String,
    /// The unit of its values (empty: none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// A choice issue's labels, in issue order (empty for numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

impl SweepIssue {
    /// Whether the issue's statistic is a modal label (a choice) rather than a median.
    #[must_use]
    pub fn is_choice(&self) -> bool {
        self.kind == "choice"
    }
}

impl IssueStat {
    /// Issue `issue`'s statistic in `m` (a package model's summary); `None` when the
    /// summary has no block for it.
    pub(crate) fn from_summary(m: &ModelSummary, issue: &SweepIssue) -> Option<Self> {
        let block = m.issues.as_ref()?.get(&issue.key)?;
        let deals = m.outcomes.get("deal").copied().unwrap_or(0);
        Some(if issue.is_choice() {
            let share = block.mode.as_ref().and_then(|k| {
                let c = block.counts.as_ref()?.get(k)?;
                (deals > 0).then(|| *c as f64 / deals as f64)
            });
            let shares = match &block.counts {
                Some(counts) if deals > 0 => counts
                    .iter()
                    .map(|(l, &c)| (l.clone(), c as f64 / deals as f64))
                    .collect(),
                _ => BTreeMap::new(),
            };
            IssueStat {
                p50: None,
                mode: block.mode.clone().filter(|_| deals > 0),
                share,
                p05: None,
                p95: None,
                shares,
            }
        } else {
            let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
            IssueStat {
                p50: finite(block.p50),
                mode: None,
                share: None,
                p05: finite(block.p05),
                p95: finite(block.p95),
                shares: BTreeMap::new(),
            }
        })
    }

    /// The statistic in words: the median, or the modal label with its share in percent.
    #[must_use]
    pub fn text(&self) -> String {
        match (&self.p50, &self.mode, self.share) {
            (Some(x), _, _) => crate::why::plain_number(*x),
            (None, Some(l), Some(s)) => format!("{l} {:.0}%", 100.0 * s),
            _ => "-".into(),
        }
    }
}

impl PointStats {
    /// A model's statistics from its summary; `issues` are the package's issues (empty for
    /// a one-issue scenario).
    fn from_summary(m: &ModelSummary, issues: &[SweepIssue]) -> Self {
        let q = |k: &str| {
            m.amount
                .as_ref()
                .and_then(|a| a.quantiles.get(k).copied())
                .filter(|x| x.is_finite())
        };
        PointStats {
            trials: m.trials,
            deals: m.outcomes.get("deal").copied().unwrap_or(0),
            agreement_rate: m.agreement_rate,
            mean: m.amount.as_ref().map(|a| a.mean),
            p05: q("p05"),
            p25: q("p25"),
            p50: q("p50"),
            p75: q("p75"),
            p95: q("p95"),
            issues: issues
                .iter()
                .filter_map(|i| Some((i.key.clone(), IssueStat::from_summary(m, i)?)))
                .collect(),
        }
    }
}

/// One variant: the values of the swept fields and each model's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// One value per axis, in axis order.
    pub at: Vec<f64>,
    /// Per model (by model name).
    pub models: BTreeMap<String, PointStats>,
}

/// `sweep.json`: the whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    /// Always `bargain-sweep`.
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The scenario swept.
    pub scenario: ScenarioInfo,
    /// Trials per variant.
    pub trials: u64,
    /// The seed shared by every variant (common random numbers).
    pub seed: u64,
    /// `monte-carlo` or `latin-hypercube`.
    pub sampler: String,
    /// The swept fields (one or two).
    pub axes: Vec<Axis>,
    /// The models, in run order.
    pub models: Vec<String>,
    /// One point per combination of values; the last axis varies fastest.
    pub points: Vec<Point>,
    /// Package scenarios: their issues, in file order (absent for one-issue scenarios);
    /// each point's `issues` hold their statistics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<SweepIssue>,
}

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A variant is not a valid scenario (or a path is unknown).
    #[error("sweep variant {at}:\n{error}")]
    Scenario {
        /// The variant, as `path = value` pairs.
        at: String,
        /// The scenario error.
        error: ScenarioError,
    },
    /// Interrupted or an ensemble failure.
    #[error("{0}")]
    Run(#[from] RunError),
    /// A package variant's sampled preferences were rejected (not expected after
    /// validation).
    #[error("sweep variant {at}: a sampled trial's preferences were rejected: {message}")]
    Failed {
        /// The variant, as `path = value` pairs.
        at: String,
        /// Why.
        message: String,
    },
}

/// Every combination of the axes' values (the last axis varies fastest).
#[must_use]
pub fn grid(axes: &[SweepAxis]) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |&x| {
                    let mut q = p.clone();
                    q.push(x);
                    q
                })
            })
            .collect();
    }
    points
}

/// The variant at `at` in words, as `path = value` pairs.
pub(crate) fn describe(axes: &[SweepAxis], at: &[f64]) -> String {
    axes.iter()
        .zip(at)
        .map(|(a, x)| {
            let i = a.values.iter().position(|v| v == x).unwrap_or(0);
            format!("{} = {}", a.path, a.value_text(i))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The loop of every sweep, of either kind of scenario: `build` makes the variant at each
/// point of [`grid`] (all are built before any runs, so a bad value fails at once), then
/// `run` summarizes each variant (with the sweep's one seed and trial count: common random
/// numbers), and each model's statistics are kept (`issues`: a package's issues).
/// `progress(done_variants, total_variants)` is called after each variant.
///
/// # Errors
/// A variant that `build` rejects; `run`'s errors.
pub(crate) fn points<V>(
    axes: &[SweepAxis],
    issues: &[SweepIssue],
    build: impl Fn(&[f64]) -> Result<V, ScenarioError>,
    run: impl Fn(&[f64], V) -> Result<Summary, SweepError>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Point>, SweepError> {
    let points = grid(axes);
    let mut variants = Vec::with_capacity(points.len());
    for at in &points {
        variants.push(build(at).map_err(|error| SweepError::Scenario {
            at: describe(axes, at),
            error,
        })?);
    }
    let total = points.len();
    let mut out = Vec::with_capacity(total);
    for (k, (at, variant)) in points.into_iter().zip(variants).enumerate() {
        let summary = run(&at, variant)?;
        let models = summary
            .models
            .iter()
            .map(|(name, m)| (name.clone(), PointStats::from_summary(m, issues)))
            .collect();
        out.push(Point { at, models });
        progress(k + 1, total);
    }
    Ok(out)
}

/// The axes as `sweep.json` lists them.
pub(crate) fn report_axes(axes: &[SweepAxis]) -> Vec<Axis> {
    axes.iter()
        .map(|a| Axis {
            path: a.path.clone(),
            values: a.values.clone(),
            labels: a.labels.clone(),
        })
        .collect()
}

/// Run the sweep: one ensemble per point of [`grid`], each with the same seed and trials.
/// `progress(done_variants, total_variants)` is called after each variant.
///
/// # Errors
/// A variant that is not a valid scenario (all are built before any runs), or an
/// interrupted run.
pub fn run(
    loaded: &Loaded,
    axes: &[SweepAxis],
    overrides: &Overrides,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<SweepReport, SweepError> {
    let base = &loaded.scenario;
    let plan0 = pipeline::plan(base, overrides, Shard::WHOLE);
    let noop = |_: u64| {};
    let build = |at: &[f64]| {
        let pairs: Vec<(&str, f64)> = axes
            .iter()
            .map(|a| a.path.as_str())
            .zip(at.iter().copied())
            .collect();
        base.with_overrides(&pairs)
    };
    let run = |_: &[f64], scenario| {
        let variant = Loaded {
            scenario,
            origin: loaded.origin.clone(),
            text: loaded.text.clone(),
        };
        let plan = pipeline::plan(&variant.scenario, overrides, Shard::WHOLE);
        Ok(pipeline::execute(&variant, plan, &noop, cancel, None)?.summary)
    };
    let out = points(axes, &[], build, run, progress)?;
    Ok(SweepReport {
        format: FORMAT.into(),
        version: VERSION,
        scenario: ScenarioInfo {
            name: base.name.clone(),
            title: base.title.clone(),
            unit: base.unit.clone(),
        },
        trials: plan0.trials,
        seed: plan0.seed,
        sampler: base.run.sampler.as_str().into(),
        axes: report_axes(axes),
        models: plan0.models.iter().map(|m| model_key(*m)).collect(),
        points: out,
        issues: Vec::new(),
    })
}

/// The terminal table: per point, each model's median and agreement rate; for a package
/// scenario, per model, each point's agreement rate and each issue's statistic.
#[must_use]
pub fn table(report: &SweepReport) -> String {
    if !report.issues.is_empty() {
        return package_table(report);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — sweep, {} trials per variant, seed {}; median (agreement %)",
        report.scenario.title, report.trials, report.seed
    );
    for a in &report.axes {
        let _ = write!(s, "{:>14} ", short(&a.path));
    }
    for m in &report.models {
        let _ = write!(s, "{:>20}", m);
    }
    s.push('\n');
    for p in &report.points {
        for (a, &x) in report.axes.iter().zip(&p.at) {
            let _ = write!(s, "{:>14} ", a.text(x));
        }
        for m in &report.models {
            let c = p.models.get(m).map_or_else(String::new, |st| {
                format!(
                    "{} ({:.1})",
                    st.p50
                        .map_or_else(|| "-".to_string(), |v| format!("{v:.4}")),
                    100.0 * st.agreement_rate
                )
            });
            let _ = write!(s, "{c:>20}");
        }
        s.push('\n');
    }
    s
}

/// The table of a package sweep: one block per model, one row per point with the
/// agreement rate, then each issue's median (numbers, integers) or modal label and its
/// share of the deals (choices).
fn package_table(report: &SweepReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — sweep, {} trials per variant, seed {}; agreement %, median per number issue, \
         modal label (share of deals) per choice issue",
        report.scenario.title, report.trials, report.seed
    );
    for m in &report.models {
        let _ = writeln!(s, "{m}");
        for a in &report.axes {
            let _ = write!(s, "{:>14} ", short(&a.path));
        }
        let _ = write!(s, "{:>10}", "agreement");
        for i in &report.issues {
            let _ = write!(s, " {:>18}", i.key);
        }
        s.push('\n');
        for p in &report.points {
            let Some(st) = p.models.get(m) else {
                continue;
            };
            for (a, &x) in report.axes.iter().zip(&p.at) {
                let _ = write!(s, "{:>14} ", a.text(x));
            }
            let _ = write!(s, "{:>10.1}", 100.0 * st.agreement_rate);
            for i in &report.issues {
                let c = st
                    .issues
                    .get(&i.key)
                    .map_or_else(|| "-".into(), IssueStat::text);
                let _ = write!(s, " {c:>18}");
            }
            s.push('\n');
        }
    }
    s
}

/// The last two segments of a field path (`us.opening`), for narrow columns.
fn short(path: &str) -> String {
    let parts: Vec<&str> = path.rsplitn(3, '.').collect();
    match parts.as_slice() {
        [a, b, _] => format!("{b}.{a}"),
        _ => path.to_owned(),
    }
}

fn cell(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v}"))
}

/// `sweep.csv`: one row per point and model.
#[must_use]
pub fn csv(report: &SweepReport) -> String {
    let mut s = String::new();
    for a in &report.axes {
        s.push_str(&a.path);
        s.push(',');
    }
    s.push_str("model,trials,deals,agreement_rate,mean,p05,p25,p50,p75,p95");
    // A package's issues: `KEY.p50` per number or integer issue, `KEY.mode,KEY.share`
    // per choice issue.
    for i in &report.issues {
        if i.is_choice() {
            let _ = write!(s, ",{0}.mode,{0}.share", i.key);
        } else {
            let _ = write!(s, ",{}.p50", i.key);
        }
    }
    s.push('\n');
    for p in &report.points {
        for model in &report.models {
            let Some(m) = p.models.get(model) else {
                continue;
            };
            for (a, &x) in report.axes.iter().zip(&p.at) {
                let _ = write!(s, "{},", a.text(x));
            }
            let _ = write!(
                s,
                "{model},{},{},{},{},{},{},{},{},{}",
                m.trials,
                m.deals,
                m.agreement_rate,
                cell(m.mean),
                cell(m.p05),
                cell(m.p25),
                cell(m.p50),
                cell(m.p75),
                cell(m.p95)
            );
            for i in &report.issues {
                let st = m.issues.get(&i.key);
                if i.is_choice() {
                    let mode = st.and_then(|x| x.mode.as_deref()).unwrap_or("");
                    let _ = write!(
                        s,
                        ",{},{}",
                        crate::trials_out::csv_cell(mode),
                        cell(st.and_then(|x| x.share))
                    );
                } else {
                    let _ = write!(s, ",{}", cell(st.and_then(|x| x.p50)));
                }
            }
            s.push('\n');
        }
    }
    s
}

/// Write `sweep.json`, `sweep.csv`, the plots, `sweep.html` and `scenario.toml` (`text`,
/// the file that ran) into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_files(dir: &Path, text: &str, report: &SweepReport) -> std::io::Result<()> {
    std::fs::write(dir.join("sweep.json"), pipeline::to_json(report)?)?;
    std::fs::write(dir.join("sweep.csv"), csv(report))?;
    std::fs::write(dir.join("scenario.toml"), text)?;
    crate::report::write_sweep(dir, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_varies_the_last_axis_fastest() {
        let axes = [
            SweepAxis {
                path: "a".into(),
                values: vec![1.0, 2.0],
                labels: Vec::new(),
            },
            SweepAxis {
                path: "b".into(),
                values: vec![3.0, 4.0, 5.0],
                labels: Vec::new(),
            },
        ];
        let g = grid(&axes);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![1.0, 3.0]);
        assert_eq!(g[1], vec![1.0, 4.0]);
        assert_eq!(g[3], vec![2.0, 3.0]);
    }
}
