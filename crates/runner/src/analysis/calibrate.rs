//! `bargain calibrate PATHS --param NAME=LO..HI[:STEPS]`: tune global knobs shared by every
//! scenario of a set to minimise the mean CRPS over the cases, in sample and leave one
//! case out (issue #24 item 4). This module holds the grid, the choice of the best grid
//! point and the `calibrate.json` types; `commands::calibrate` runs the scenarios.
//!
//! The knobs ([`KNOBS`]): `spread` maps every draw `x` of the inputs named by `--inputs`
//! to `c + s·(x − c)` around the input's central value `c`; `lapse_scale` multiplies every
//! lapse cost; `rank` declares a Spearman rank correlation between the two parties'
//! reservations (a `[[correlation]]`, Gaussian copula, every marginal kept). Each grid point is run with the same seed and
//! each input keeps its own random stream, so the grid points share common random numbers.
//! See [`METHODS`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::analysis::forecast::PointScore;

/// Format name of `calibrate.json`.
pub const FORMAT: &str = "bargain-calibrate";
/// Version of the `calibrate.json` format. 2: package scenarios are cases (`cases[].issue`,
/// `methods.packages`).
pub const VERSION: u32 = 2;
/// The knobs `--param` may name.
pub const KNOBS: [&str; 3] = ["spread", "rank", "lapse_scale"];
/// Grid steps when `:STEPS` is left out.
pub const DEFAULT_STEPS: usize = 5;
/// The most grid points (the product of every `--param`'s steps).
pub const MAX_GRID: usize = 1000;

/// How the calibration is computed, written into `calibrate.json` and the page.
pub const METHODS: [(&str, &str); 6] = [
    (
        "knobs",
        "spread: every draw x of the inputs that --inputs names becomes c + s·(x − c), c the \
         input's central value (median, or a choice's most likely option), clamped to the \
         field's allowed values; s > 1 widens, s < 1 narrows, s = 1 is the scenario as \
         written. lapse_scale: every lapse cost (drawn or constant) is multiplied by the \
         value. rank: the two parties' reservations get a [[correlation]] of that Spearman \
         rank (Gaussian copula, marginals unchanged; 0 is the scenario as written, without \
         one; no effect where a reservation is a constant or a correlation of the pair is \
         already declared). Each knob is shared by every scenario of the set.",
    ),
    (
        "common random numbers",
        "Every grid point runs each scenario with the same seed and trials; every input \
         draws from its own stream keyed by its field path, so trial t of two grid points \
         draws the same uniforms and the scores differ by the knobs only.",
    ),
    (
        "objective",
        "The CRPS of each case is that of backtest (exact, from the model's deals, in the \
         unit of amounts). A grid point's score is the mean over the cases of the mean over \
         the models each case runs (top level), or of one model's CRPS over the cases that \
         run it (`models`); a grid point where a model has no deal in some case is not \
         eligible. Ties go to the first \
         grid point in grid order. The mean mixes scales if the cases' units differ.",
    ),
    (
        "leave-one-out",
        "For each case in turn, the knobs are chosen on the other cases (the same \
         objective) and the held-out case is scored at them: `folds[i].crps`. The mean of \
         the held-out scores (`loo_crps`) estimates the score of the tuned knobs on a new \
         case; the in-sample score (`in_sample.crps`) is optimistic by construction.",
    ),
    (
        "packages",
        "A package scenario ([issues]) with an observed number issue keyed `amount` is a case \
         scored on that issue: the exact CRPS of the model's deals on it (from the package \
         run's counts of deals per value of the issue) against the observed amount; its \
         `issue` says so. Of the knobs only lapse_scale applies to a package scenario, when \
         it has a [calendar]: it multiplies its parties' lapse costs (in the amount issue's \
         unit) as on one-issue files. spread leaves its inputs as written (they are \
         utilities, weights and negotiation settings, not amounts) and rank has no \
         [[correlation]] to set. Without lapse_scale (or a calendar) it is run once, scores \
         the same at every grid point, and so counts in every mean and fold without moving \
         the choice of the knobs except through the mean; a warning names the knobs that do \
         not apply.",
    ),
    (
        "baselines",
        "previous and trend from each scenario's [baseline] (as in backtest): point \
         forecasts, whose CRPS is their absolute error. They are not tuned, so their \
         in-sample and held-out scores are the same; `mean_crps` is over the cases that \
         have a baseline.",
    ),
];

/// One `--param NAME=LO..HI[:STEPS]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The knob (one of [`KNOBS`]).
    pub name: String,
    /// Lowest value.
    pub lo: f64,
    /// Highest value.
    pub hi: f64,
    /// Evenly spaced values from `lo` to `hi`.
    pub steps: usize,
}

impl Param {
    /// Parse `NAME=LO..HI[:STEPS]` (`STEPS` defaults to [`DEFAULT_STEPS`]; one step needs
    /// `LO = HI`).
    ///
    /// # Errors
    /// A message naming what is wrong: the syntax, an unknown knob, `rank` (not yet
    /// supported), values that are not positive and finite, `LO > HI`, steps out of
    /// 1..=[`MAX_GRID`].
    pub fn parse(text: &str) -> Result<Param, String> {
        let (name, range) = text.split_once('=').ok_or_else(|| {
            format!("--param: expected NAME=LO..HI[:STEPS] such as spread=0.5..2:7, found `{text}`")
        })?;
        let name = name.trim();
        if !KNOBS.contains(&name) {
            return Err(format!(
                "--param: unknown knob `{name}`; expected one of {}",
                KNOBS.join(", ")
            ));
        }
        let (range, steps) = match range.split_once(':') {
            Some((r, s)) => {
                let steps: usize = s.trim().parse().map_err(|_| {
                    format!("--param {name}: STEPS must be a whole number, found `{s}`")
                })?;
                (r, steps)
            }
            None => (range, DEFAULT_STEPS),
        };
        let (lo, hi) = range.split_once("..").ok_or_else(|| {
            format!("--param {name}: expected LO..HI such as 0.5..2, found `{range}`")
        })?;
        let rank = name == "rank";
        let num = |s: &str| -> Result<f64, String> {
            let x = s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
            if rank {
                x.filter(|x| x.abs() < 1.0).ok_or_else(|| {
                    format!(
                        "--param rank: expected a Spearman rank correlation in (-1, 1), found `{s}`"
                    )
                })
            } else {
                x.filter(|x| *x > 0.0).ok_or_else(|| {
                    format!("--param {name}: expected a positive number (a factor), found `{s}`")
                })
            }
        };
        let (lo, hi) = (num(lo)?, num(hi)?);
        if lo > hi {
            return Err(format!("--param {name}: LO {lo} is above HI {hi}"));
        }
        if !(1..=MAX_GRID).contains(&steps) {
            return Err(format!(
                "--param {name}: STEPS must be in 1..={MAX_GRID}, found {steps}"
            ));
        }
        if steps == 1 && lo != hi {
            return Err(format!(
                "--param {name}: one step needs LO = HI (found {lo}..{hi}); give :STEPS of 2 or more"
            ));
        }
        if steps > 1 && lo == hi {
            return Err(format!(
                "--param {name}: LO = HI = {lo} gives one value; write {name}={lo}..{lo}:1"
            ));
        }
        Ok(Param {
            name: name.to_owned(),
            lo,
            hi,
            steps,
        })
    }

    /// The knob's value in the scenarios as written: 1 for the factors `spread` and
    /// `lapse_scale`, 0 (no correlation declared) for `rank`.
    #[must_use]
    pub fn identity(&self) -> f64 {
        if self.name == "rank" { 0.0 } else { 1.0 }
    }

    /// The grid values, `lo + (hi − lo)·k/(steps − 1)`, the last exactly `hi`.
    #[must_use]
    pub fn values(&self) -> Vec<f64> {
        if self.steps == 1 {
            return vec![self.lo];
        }
        let d = (self.steps - 1) as f64;
        (0..self.steps)
            .map(|k| {
                if k + 1 == self.steps {
                    self.hi
                } else {
                    self.lo + (self.hi - self.lo) * k as f64 / d
                }
            })
            .collect()
    }
}

/// Every combination of the parameters' values (the first parameter varies slowest).
#[must_use]
pub fn grid(params: &[Param]) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = vec![Vec::new()];
    for p in params {
        let vals = p.values();
        out = out
            .into_iter()
            .flat_map(|head| {
                vals.iter().map(move |&v| {
                    let mut h = head.clone();
                    h.push(v);
                    h
                })
            })
            .collect();
    }
    out
}

/// The grid point with the least mean score over `cases` (indices into each row of
/// `scores[point][case]`), and that mean; points with a missing score in one of `cases`
/// are skipped, ties go to the first. `None` when no point is eligible or `cases` is empty.
#[must_use]
pub fn best(scores: &[Vec<Option<f64>>], cases: &[usize]) -> Option<(usize, f64)> {
    if cases.is_empty() {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    for (g, row) in scores.iter().enumerate() {
        let mut sum = 0.0;
        let mut ok = true;
        for &c in cases {
            match row.get(c).copied().flatten() {
                Some(x) if x.is_finite() => sum += x,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        let mean = sum / cases.len() as f64;
        if best.is_none_or(|(_, b)| mean < b) {
            best = Some((g, mean));
        }
    }
    best
}

/// The knob values chosen and the mean CRPS there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InSample {
    /// Knob name → value.
    pub chosen: BTreeMap<String, f64>,
    /// Mean CRPS over every case at `chosen`.
    pub crps: f64,
}

/// One case left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fold {
    /// The case left out (its scenario name).
    pub held_out: String,
    /// Knob values chosen on the other cases.
    pub chosen: BTreeMap<String, f64>,
    /// The held-out case's CRPS at `chosen` (`null` if the model had no deal there).
    pub crps: Option<f64>,
    /// The mean CRPS of the other cases at `chosen`.
    pub train_crps: f64,
}

/// The fit of one objective: in sample and leave one out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Chosen on every case (`null` if no grid point is eligible).
    pub in_sample: Option<InSample>,
    /// One per case, in case order.
    pub folds: Vec<Fold>,
    /// Mean of the folds' held-out CRPS (`null` if one is missing).
    pub loo_crps: Option<f64>,
    /// Mean CRPS over every case with every knob at 1 (the scenarios as written).
    pub as_written_crps: Option<f64>,
    /// Mean CRPS over every case at each grid point, in grid order.
    pub grid_crps: Vec<Option<f64>>,
}

/// Fit one objective: `scores[point][case]` over the grid `points` (knob values in
/// `names` order); `identity` is the row of the scenarios as written.
#[must_use]
pub fn fit(
    names: &[String],
    points: &[Vec<f64>],
    scores: &[Vec<Option<f64>>],
    identity: &[Option<f64>],
    cases: &[String],
) -> Fit {
    let chosen = |g: usize| -> BTreeMap<String, f64> {
        names
            .iter()
            .cloned()
            .zip(points[g].iter().copied())
            .collect()
    };
    let all: Vec<usize> = (0..cases.len()).collect();
    let in_sample = best(scores, &all).map(|(g, crps)| InSample {
        chosen: chosen(g),
        crps,
    });
    let mut folds = Vec::new();
    for (k, name) in cases.iter().enumerate() {
        let others: Vec<usize> = all.iter().copied().filter(|&c| c != k).collect();
        if let Some((g, train)) = best(scores, &others) {
            folds.push(Fold {
                held_out: name.clone(),
                chosen: chosen(g),
                crps: scores[g].get(k).copied().flatten(),
                train_crps: train,
            });
        }
    }
    let loo_crps = (folds.len() == cases.len() && !folds.is_empty())
        .then(|| {
            folds
                .iter()
                .map(|f| f.crps)
                .sum::<Option<f64>>()
                .map(|s| s / folds.len() as f64)
        })
        .flatten();
    let mean = |row: &[Option<f64>]| -> Option<f64> {
        if row.is_empty() {
            return None;
        }
        row.iter()
            .copied()
            .sum::<Option<f64>>()
            .map(|s| s / row.len() as f64)
    };
    Fit {
        in_sample,
        folds,
        loo_crps,
        as_written_crps: mean(identity),
        grid_crps: scores.iter().map(|r| mean(r)).collect(),
    }
}

/// One case (a scenario with an observed amount).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Scenario machine name.
    pub name: String,
    /// The scenario file.
    pub file: String,
    /// Unit of amounts.
    pub unit: String,
    /// The observed amount.
    pub observed: f64,
    /// Trials per grid point.
    pub trials: u64,
    /// Seed (the same at every grid point).
    pub seed: u64,
    /// The inputs `--inputs` matched, per pattern.
    pub matched: BTreeMap<String, Vec<String>>,
    /// Naive forecasts from the scenario's `[baseline]` (`previous`, `trend`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub baselines: BTreeMap<String, PointScore>,
    /// CRPS per model with every knob at 1 (the scenario as written).
    pub as_written: BTreeMap<String, Option<f64>>,
    /// For a package scenario: the issue scored (`amount`); absent for one-issue scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
}

/// A baseline's score over the cases that have it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineMean {
    /// Mean CRPS (= mean absolute error) over `cases`.
    pub mean_crps: f64,
    /// Cases with this baseline.
    pub cases: u64,
}

/// `calibrate.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibrate {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The `--trials` override, if any.
    pub trials_override: Option<u64>,
    /// The `--seed` override, if any.
    pub seed_override: Option<u64>,
    /// How it is computed.
    pub methods: BTreeMap<String, String>,
    /// The knobs and their grids, in `--param` order.
    pub params: Vec<Param>,
    /// The `--inputs` patterns (`spread`'s inputs).
    pub inputs: Vec<String>,
    /// The grid points (knob values in `params` order).
    pub grid: Vec<Vec<f64>>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
    /// Files not scored, with why.
    pub skipped: Vec<String>,
    /// Warnings (patterns that match nothing, knobs a scenario does not have).
    pub warnings: Vec<String>,
    /// Knobs chosen on every case, for the mean over the models (see `methods`).
    pub in_sample: Option<InSample>,
    /// Leave one case out, for the mean over the models.
    pub folds: Vec<Fold>,
    /// Mean held-out CRPS over the folds, for the mean over the models.
    pub loo_crps: Option<f64>,
    /// Mean CRPS with every knob at 1, for the mean over the models.
    pub as_written_crps: Option<f64>,
    /// Mean CRPS at each grid point, for the mean over the models.
    pub grid_crps: Vec<Option<f64>>,
    /// The same fit for each model on its own.
    pub models: BTreeMap<String, Fit>,
    /// `previous` and `trend`: the naive forecasts' mean CRPS.
    pub baselines: BTreeMap<String, BaselineMean>,
}

/// A value with up to 4 decimals, trailing zeros dropped.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// `spread=1.25, lapse_scale=1` for the terminal.
#[must_use]
pub fn knobs_text(chosen: &BTreeMap<String, f64>, order: &[Param]) -> String {
    order
        .iter()
        .filter_map(|p| {
            chosen
                .get(&p.name)
                .map(|v| format!("{}={}", p.name, short(*v)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CRPS for tables (`–` for none).
#[must_use]
pub fn crps_text(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.4}"))
}

/// The terminal report.
#[must_use]
pub fn table(c: &Calibrate) -> String {
    let mut out = String::new();
    let grid: Vec<String> = c
        .params
        .iter()
        .map(|p| {
            format!(
                "{} {}..{} ({} values)",
                p.name,
                short(p.lo),
                short(p.hi),
                p.steps
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "calibration over {} case(s); grid: {}; CRPS in the unit of amounts, lower is better",
        c.cases.len(),
        grid.join(" × ")
    );
    if !c.inputs.is_empty() {
        let _ = writeln!(out, "spread applies to: {}", c.inputs.join(", "));
    }
    let _ = writeln!(
        out,
        "\n  {:<22} {:<28} {:>10} {:>10} {:>10}",
        "objective", "chosen in sample", "in-sample", "LOO", "as written"
    );
    let mut row = |label: &str, f: &Fit| {
        let chosen = f
            .in_sample
            .as_ref()
            .map_or_else(|| "–".into(), |i| knobs_text(&i.chosen, &c.params));
        let _ = writeln!(
            out,
            "  {:<22} {:<28} {:>10} {:>10} {:>10}",
            label,
            chosen,
            crps_text(f.in_sample.as_ref().map(|i| i.crps)),
            crps_text(f.loo_crps),
            crps_text(f.as_written_crps)
        );
    };
    let top = Fit {
        in_sample: c.in_sample.clone(),
        folds: c.folds.clone(),
        loo_crps: c.loo_crps,
        as_written_crps: c.as_written_crps,
        grid_crps: Vec::new(),
    };
    row("mean over models", &top);
    for name in crate::analysis::backtest::ordered(c.models.keys().cloned()) {
        row(&name, &c.models[&name]);
    }
    for (name, b) in &c.baselines {
        let _ = writeln!(
            out,
            "  {:<22} {:<28} {:>10} {:>10} {:>10}",
            format!("baseline {name}"),
            format!("(not tuned; {} case(s))", b.cases),
            crps_text(Some(b.mean_crps)),
            crps_text(Some(b.mean_crps)),
            crps_text(Some(b.mean_crps))
        );
    }
    let _ = writeln!(
        out,
        "\nleave one out (mean over models): knobs chosen on the other cases, the held-out case's CRPS"
    );
    let _ = writeln!(
        out,
        "  {:<22} {:<28} {:>10} {:>10}",
        "held out", "chosen on the others", "held-out", "others"
    );
    for f in &c.folds {
        let _ = writeln!(
            out,
            "  {:<22} {:<28} {:>10} {:>10}",
            f.held_out,
            knobs_text(&f.chosen, &c.params),
            crps_text(f.crps),
            crps_text(Some(f.train_crps))
        );
    }
    for k in c.cases.iter().filter(|k| k.issue.is_some()) {
        let _ = writeln!(
            out,
            "  note: {} is a package scenario scored on its `{}` issue: only lapse_scale applies to it (with a [calendar])",
            k.name,
            k.issue.as_deref().unwrap_or("amount")
        );
    }
    if c.cases.len() < 10 {
        let _ = writeln!(
            out,
            "  note: {} cases: each fold tunes on {} case(s), so the held-out scores are rough",
            c.cases.len(),
            c.cases.len().saturating_sub(1)
        );
    }
    for s in &c.skipped {
        let _ = writeln!(out, "skipped: {s}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_and_grid() {
        let p = Param::parse("spread=0.5..2:7").expect("valid");
        assert_eq!(p.values(), vec![0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]);
        assert!(Param::parse("rank=0..1").is_err_and(|e| e.contains("(-1, 1)")));
        let r = Param::parse("rank=-0.5..0.5:3").expect("rank");
        assert_eq!((r.values(), r.identity()), (vec![-0.5, 0.0, 0.5], 0.0));
        assert!(Param::parse("width=1..2").is_err());
        assert!(Param::parse("spread=2..1").is_err());
        assert!(Param::parse("spread=0..1").is_err());
        assert_eq!(
            Param::parse("spread=1..1:1").expect("one").values(),
            vec![1.0]
        );
        let q = Param::parse("lapse_scale=1..2:2").expect("valid");
        assert_eq!(grid(&[p, q]).len(), 14);
    }

    #[test]
    fn best_skips_missing_and_takes_first_tie() {
        let s = vec![
            vec![Some(2.0), Some(2.0)],
            vec![Some(1.0), None],
            vec![Some(1.5), Some(1.5)],
            vec![Some(1.5), Some(1.5)],
        ];
        assert_eq!(best(&s, &[0, 1]), Some((2, 1.5)));
        assert_eq!(best(&s, &[0]), Some((1, 1.0)));
        assert_eq!(best(&s, &[]), None);
    }
}
