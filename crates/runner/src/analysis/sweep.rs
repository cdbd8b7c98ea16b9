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
use crate::summary::{ModelSummary, ScenarioInfo, model_key};

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
}

impl PointStats {
    fn from_summary(m: &ModelSummary) -> Self {
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
    let points = grid(axes);
    let describe = |at: &[f64]| {
        axes.iter()
            .zip(at)
            .map(|(a, x)| {
                let i = a.values.iter().position(|v| v == x).unwrap_or(0);
                format!("{} = {}", a.path, a.value_text(i))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut variants = Vec::with_capacity(points.len());
    for at in &points {
        let pairs: Vec<(&str, f64)> = axes
            .iter()
            .map(|a| a.path.as_str())
            .zip(at.iter().copied())
            .collect();
        let scenario =
            loaded
                .scenario
                .with_overrides(&pairs)
                .map_err(|error| SweepError::Scenario {
                    at: describe(at),
                    error,
                })?;
        variants.push(scenario);
    }
    let base = &loaded.scenario;
    let plan0 = pipeline::plan(base, overrides, Shard::WHOLE);
    let noop = |_: u64| {};
    let total = points.len();
    let mut out = Vec::with_capacity(points.len());
    for (k, (at, scenario)) in points.into_iter().zip(variants).enumerate() {
        let variant = Loaded {
            scenario,
            origin: loaded.origin.clone(),
            text: loaded.text.clone(),
        };
        let plan = pipeline::plan(&variant.scenario, overrides, Shard::WHOLE);
        let finished = pipeline::execute(&variant, plan, &noop, cancel, None)?;
        let models = finished
            .summary
            .models
            .iter()
            .map(|(name, m)| (name.clone(), PointStats::from_summary(m)))
            .collect();
        out.push(Point { at, models });
        progress(k + 1, total);
    }
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
        axes: axes
            .iter()
            .map(|a| Axis {
                path: a.path.clone(),
                values: a.values.clone(),
                labels: a.labels.clone(),
            })
            .collect(),
        models: plan0.models.iter().map(|m| model_key(*m)).collect(),
        points: out,
    })
}

/// The terminal table: per point, each model's median and agreement rate.
#[must_use]
pub fn table(report: &SweepReport) -> String {
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
    s.push_str("model,trials,deals,agreement_rate,mean,p05,p25,p50,p75,p95\n");
    for p in &report.points {
        for model in &report.models {
            let Some(m) = p.models.get(model) else {
                continue;
            };
            for (a, &x) in report.axes.iter().zip(&p.at) {
                let _ = write!(s, "{},", a.text(x));
            }
            let _ = writeln!(
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
        }
    }
    s
}

/// Write `sweep.json`, `sweep.csv`, the plots, `sweep.html` and `scenario.toml` into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_files(dir: &Path, loaded: &Loaded, report: &SweepReport) -> std::io::Result<()> {
    std::fs::write(dir.join("sweep.json"), pipeline::to_json(report)?)?;
    std::fs::write(dir.join("sweep.csv"), csv(report))?;
    std::fs::write(dir.join("scenario.toml"), &loaded.text)?;
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
