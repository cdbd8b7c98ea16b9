//! Sensitivity analysis: which uncertain input moves the agreed amount and the chance
//! of a deal.
//!
//! - **Rank correlations** over the first `samples` trials of the run (exactly the
//!   trials `0..samples` that `bargain run` draws, with the scenario's seed and sampler):
//!   Spearman's ρ and the partial rank correlation (PRCC) of each input with, per model,
//!   the agreed amount (over the trials that end in a deal) and the deal indicator (over
//!   all trials). Memory: `samples × (inputs + 2 · models)` numbers, plus one ranked copy
//!   of a column at a time per correlation (at most 1,000,000 samples: about 8 MB per column).
//! - **Sobol indices** (on request): a Saltelli design of `sobol_samples` rows (uniforms
//!   mapped through each input's inverse CDF, see `Scenario::at_quantiles`), first-order
//!   and total indices per model for the deal indicator (defined everywhere) and for the
//!   agreed amount, where design points without a deal are held at the mean agreed amount
//!   (so the indices are those of the amount among deals; see [`super::sobol`]). The
//!   `agents` model's own randomness (breakdown draws) uses one generator per design
//!   row, shared by that row's `A`, `B` and `A_B^(j)` evaluations.
//! - **Events** (`[[events]]`): outcomes follow each trial's timeline, as in `run`; the
//!   events' own draws (`events.<i>.date` as days from the calendar's start,
//!   `events.<i>.happens` as 1 or 0, see `Scenario::event_draws`) are inputs of the rank
//!   correlations after the scenario's inputs. They are not in the Sobol design (each
//!   design row negotiates under the timeline drawn for its row), so they have no Sobol
//!   index.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use bargain_core::events::Timeline;
use bargain_core::{Model, OutcomeKind};
use serde::{Deserialize, Serialize};

use super::rank::{prcc, spearman};
use super::sobol::{SobolIndex, design_rows, indices};
use crate::ensemble::waves::Waves;
use crate::ensemble::{Interrupted, WAVE};
use crate::scenario::{EventDraw, Scenario};
use crate::summary::{ScenarioInfo, model_key};
use crate::trial;

/// Format name of `sensitivity.json`.
pub const FORMAT: &str = "bargain-sensitivity";
/// Version of the `sensitivity.json` format.
pub const VERSION: u32 = 1;
/// Default number of trials for the rank correlations.
pub const DEFAULT_SAMPLES: u64 = 100_000;
/// Most trials for the rank correlations (bounds memory).
pub const MAX_SAMPLES: u64 = 1_000_000;
/// Default rows of the Sobol design.
pub const DEFAULT_SOBOL_SAMPLES: u64 = 8192;
/// Most rows of the Sobol design.
pub const MAX_SOBOL_SAMPLES: u64 = 200_000;
/// Rows evaluated per parallel task.
const BLOCK: u64 = 1024;
/// Tag mixed into the seed for the `agents` model's draws in the Sobol design.
const SOBOL_RUN_TAG: u64 = 0x5341_4c54_454c_4c49;

/// How one input moves one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// The input's field path.
    pub input: String,
    /// Spearman's rank correlation with the output.
    pub spearman: Option<f64>,
    /// Partial rank correlation with the output, given the other inputs.
    pub prcc: Option<f64>,
    /// Sobol indices (only with `--sobol`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sobol: Option<SobolIndex>,
}

/// The sensitivity of one model's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSensitivity {
    /// Model name.
    pub model: String,
    /// Trials in the rank sample that ended in a deal (the sample of the amount's correlations).
    pub deals: u64,
    /// Effects on the agreed amount (over deals), in input order.
    pub amount: Vec<Effect>,
    /// Effects on the deal indicator (1 deal, 0 otherwise), in input order.
    pub deal: Vec<Effect>,
    /// Package scenarios: the effects on each number or integer issue other than the
    /// amount issue (over deals, like `amount`), keyed by issue; absent for one-issue
    /// scenarios.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub issues: BTreeMap<String, Vec<Effect>>,
}

/// `sensitivity.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityReport {
    /// Always `bargain-sensitivity`.
    pub format: String,
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// The seed.
    pub seed: u64,
    /// `monte-carlo` or `latin-hypercube` (of the rank sample).
    pub sampler: String,
    /// Trials `0..samples` of the run were used for the rank correlations.
    pub samples: u64,
    /// Rows of the Sobol design (`null` without `--sobol`); `N (k + 2)` evaluations.
    pub sobol_samples: Option<u64>,
    /// The uncertain inputs, in sampling order.
    pub inputs: Vec<String>,
    /// Their human-readable labels (`Republic of Korea: negotiator type`), same order.
    #[serde(default)]
    pub input_labels: Vec<String>,
    /// Per model, in run order.
    pub models: Vec<ModelSensitivity>,
}

impl SensitivityReport {
    /// The label of input `j` (its field path when the report has no labels).
    #[must_use]
    pub fn label(&self, j: usize) -> &str {
        self.input_labels
            .get(j)
            .or_else(|| self.inputs.get(j))
            .map_or("", String::as_str)
    }
}

/// What to compute.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Trials of the rank sample (clamped to 1..=[`MAX_SAMPLES`]).
    pub samples: u64,
    /// Rows of the Sobol design, if wanted (clamped to 2..=[`MAX_SOBOL_SAMPLES`]).
    pub sobol: Option<u64>,
    /// The seed (the scenario's unless overridden).
    pub seed: u64,
}

/// Each model's (deal indicator, amount or NaN) on one negotiation, under its timeline
/// when the scenario has one.
fn outputs(
    n: &bargain_core::Negotiation,
    timeline: Option<&Timeline>,
    models: &[Model],
    rng: &mut trial::TrialRng,
    out: &mut Vec<f64>,
    ws: &mut trial::Workspace,
) {
    for &m in models {
        let o = match timeline {
            Some(tl) => trial::timed_outcome(n, tl, m, rng, None, ws).outcome,
            None => trial::outcome(n, m, rng, None, ws),
        };
        match (o.kind, o.amount) {
            (OutcomeKind::Deal, Some(x)) => {
                out.push(1.0);
                out.push(x);
            }
            _ => {
                out.push(0.0);
                out.push(f64::NAN);
            }
        }
    }
}

/// Run the analysis.
///
/// # Errors
/// If `cancel` is set before the end.
pub fn analyze(
    scenario: &Scenario,
    opts: Options,
    cancel: &AtomicBool,
) -> Result<SensitivityReport, Interrupted> {
    let k0 = scenario.input_count();
    // The events' draws are inputs after the scenario's (see the module docs).
    let draws = scenario.event_draws();
    let k = k0 + draws.len();
    let models = scenario.run.models.clone();
    let m = models.len();
    let n = opts.samples.clamp(1, MAX_SAMPLES);
    let width = k + 2 * m;
    // The rank sample: trial t exactly as the ensemble draws it.
    let ctx_trials = scenario.run.trials.max(n);
    let timed = scenario.has_timeline();
    let rows = blocks(n, cancel).fold(
        Vec::with_capacity(n as usize * width),
        || {
            (
                vec![0.0; k0],
                vec![0.0; draws.len()],
                Timeline::default(),
                trial::Workspace::new(),
            )
        },
        |(inputs, events, tl, ws), (lo, hi)| {
            let mut rows = Vec::with_capacity((hi - lo) as usize * width);
            for t in lo..hi {
                let (mut neg, mut rng) = trial::draw(scenario, opts.seed, ctx_trials, t, inputs);
                rows.extend_from_slice(inputs);
                trial::event_draws(scenario, opts.seed, ctx_trials, t, events);
                rows.extend_from_slice(events);
                if timed {
                    trial::draw_timeline(scenario, opts.seed, ctx_trials, t, inputs, &mut neg, tl);
                }
                outputs(
                    &neg,
                    timed.then_some(&*tl),
                    &models,
                    &mut rng,
                    &mut rows,
                    ws,
                );
            }
            rows
        },
    )?;
    let column = |c: usize| -> Vec<f64> { rows.chunks_exact(width).map(|r| r[c]).collect() };
    // Expressions' values follow the context quantities: those are the inputs here.
    let keep: Vec<usize> = (0..k0)
        .filter(|&j| !scenario.is_derived(j))
        .chain(k0..k)
        .collect();
    let inputs: Vec<Vec<f64>> = keep.iter().map(|&j| column(j)).collect();
    let mut all_names = scenario.input_names();
    all_names.extend(draws.iter().map(|d| d.name()));
    let names: Vec<String> = keep.iter().map(|&j| all_names[j].clone()).collect();
    let mut all_labels = scenario.input_labels();
    all_labels.extend(draws.iter().map(|d| event_label(scenario, *d)));
    let labels: Vec<String> = keep.iter().map(|&j| all_labels[j].clone()).collect();

    let sobol = match opts.sobol {
        Some(rows) => Some(sobol_design(
            scenario,
            &models,
            rows.clamp(2, MAX_SOBOL_SAMPLES),
            opts.seed,
            cancel,
        )?),
        None => None,
    };

    let mut out = Vec::with_capacity(m);
    for (mi, &model) in models.iter().enumerate() {
        let deal = column(k + 2 * mi);
        let amount = column(k + 2 * mi + 1);
        let (amount_x, amount_y) = among_finite(&inputs, &amount);
        let effects =
            |xs: &[Vec<f64>], y: &[f64], s: Option<&Vec<Option<SobolIndex>>>| -> Vec<Effect> {
                rank_effects(&names, xs, y, |j| {
                    s.and_then(|v| v.get(keep[j]).copied().flatten())
                })
            };
        let (s_deal, s_amount) = match &sobol {
            Some(per_model) => (Some(&per_model[mi].0), Some(&per_model[mi].1)),
            None => (None, None),
        };
        out.push(ModelSensitivity {
            model: model_key(model),
            deals: amount_y.len() as u64,
            amount: effects(&amount_x, &amount_y, s_amount),
            deal: effects(&inputs, &deal, s_deal),
            issues: BTreeMap::new(),
        });
    }
    Ok(SensitivityReport {
        format: FORMAT.into(),
        version: VERSION,
        scenario: ScenarioInfo {
            name: scenario.name.clone(),
            title: scenario.title.clone(),
            unit: scenario.unit.clone(),
        },
        seed: opts.seed,
        sampler: scenario.run.sampler.as_str().into(),
        samples: n,
        sobol_samples: opts.sobol.map(|r| r.clamp(2, MAX_SOBOL_SAMPLES)),
        inputs: names,
        input_labels: labels,
        models: out,
    })
}

/// The label of an event draw: `event 1 (note): date` (1-based, as the reports number
/// events).
fn event_label(scenario: &Scenario, d: EventDraw) -> String {
    let (i, what) = match d {
        EventDraw::Date(i) => (i, "date (days from the start)"),
        EventDraw::Happens(i) => (i, "happens"),
    };
    let note = scenario.events().get(i).map_or("", |e| e.note.as_str());
    format!("event {} ({note}): {what}", i + 1)
}

/// The rows where output `y` is finite (the trials with a deal, for an agreed value): the
/// input columns and the output restricted to them.
pub(crate) fn among_finite(inputs: &[Vec<f64>], y: &[f64]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let rows: Vec<usize> = (0..y.len()).filter(|&i| y[i].is_finite()).collect();
    let ys = rows.iter().map(|&i| y[i]).collect();
    let xs = inputs
        .iter()
        .map(|c| rows.iter().map(|&i| c[i]).collect())
        .collect();
    (xs, ys)
}

/// The effect of each input column `xs[j]` (named `names[j]`) on output `y`: Spearman's ρ,
/// the PRCC given the other inputs, and `sobol(j)`.
pub(crate) fn rank_effects(
    names: &[String],
    xs: &[Vec<f64>],
    y: &[f64],
    sobol: impl Fn(usize) -> Option<SobolIndex>,
) -> Vec<Effect> {
    let p = prcc(xs, y);
    names
        .iter()
        .enumerate()
        .map(|(j, name)| Effect {
            input: name.clone(),
            spearman: spearman(&xs[j], y),
            prcc: p[j],
            sobol: sobol(j),
        })
        .collect()
}

/// The wave driver over `n` sample rows in blocks of [`BLOCK`]: rows come back in order.
pub(crate) fn blocks(n: u64, cancel: &AtomicBool) -> Waves<'_> {
    Waves {
        range: (0, n),
        chunk: BLOCK,
        wave: WAVE,
        cancel,
        progress: &|_| {},
    }
}

/// Per model: (deal-indicator indices, amount indices), each one per input.
type SobolPerModel = Vec<(Vec<Option<SobolIndex>>, Vec<Option<SobolIndex>>)>;

fn sobol_design(
    scenario: &Scenario,
    models: &[Model],
    n: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<SobolPerModel, Interrupted> {
    let k = scenario.input_count();
    let m = models.len();
    let timed = scenario.has_timeline();
    // Each row yields (k + 2) evaluations × m models × (deal, amount).
    let per_row = (k + 2) * 2 * m;
    let rows = blocks(n, cancel).fold(
        Vec::with_capacity(n as usize * per_row),
        || {
            let z = vec![0.0; k];
            let tl = Timeline::default();
            (
                z.clone(),
                z.clone(),
                z.clone(),
                z,
                tl,
                trial::Workspace::new(),
            )
        },
        |(a, bb, ab, scratch, tl, ws), (lo, hi)| {
            let mut out = Vec::with_capacity((hi - lo) as usize * per_row);
            for i in lo..hi {
                design_rows(seed, i, a, bb);
                let mut eval = |u: &[f64], out: &mut Vec<f64>| {
                    let mut neg = scenario.at_quantiles(u, scratch);
                    let mut rng = trial::TrialRng::new(seed ^ SOBOL_RUN_TAG, i);
                    if timed {
                        // The row's timeline: the same for its A, B and A_B^(j).
                        let seed = seed ^ SOBOL_RUN_TAG;
                        trial::draw_timeline(scenario, seed, n, i, scratch, &mut neg, tl);
                    }
                    outputs(&neg, timed.then_some(&*tl), models, &mut rng, out, ws);
                };
                eval(a, &mut out);
                eval(bb, &mut out);
                for j in 0..k {
                    ab.copy_from_slice(a);
                    ab[j] = bb[j];
                    eval(ab, &mut out);
                }
            }
            out
        },
    )?;
    // Value of evaluation e (0 = A, 1 = B, 2 + j = A_B^(j)), model mi, output o (0 deal, 1 amount).
    let series = |e: usize, mi: usize, o: usize| -> Vec<f64> {
        rows.chunks_exact(per_row)
            .map(|r| r[e * 2 * m + 2 * mi + o])
            .collect()
    };
    Ok((0..m)
        .map(|mi| {
            let one = |o: usize| {
                let fab: Vec<Vec<f64>> = (0..k).map(|j| series(2 + j, mi, o)).collect();
                indices(&series(0, mi, o), &series(1, mi, o), &fab)
            };
            (one(0), one(1))
        })
        .collect())
}

/// Inputs ordered by their largest |PRCC| over the two outputs, largest first (ties:
/// input order): the rows of the tornado chart and of the tables.
#[must_use]
pub fn order(m: &ModelSensitivity) -> Vec<usize> {
    let size = |e: &Effect| e.prcc.map_or(0.0, f64::abs);
    let key = |j: usize| size(&m.amount[j]).max(size(&m.deal[j]));
    let mut idx: Vec<usize> = (0..m.amount.len()).collect();
    idx.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    idx
}

/// `sensitivity.csv`: one row per model, output and input.
#[must_use]
pub fn csv(report: &SensitivityReport) -> String {
    let f = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v}"));
    let mut s = String::from(
        "model,output,input,spearman,prcc,sobol_first,sobol_first_ci,sobol_total,sobol_total_ci\n",
    );
    for m in &report.models {
        let issues = m.issues.iter().map(|(k, e)| (k.as_str(), e));
        for (output, effects) in [("amount", &m.amount), ("deal", &m.deal)]
            .into_iter()
            .chain(issues)
        {
            for e in effects {
                let so = e.sobol;
                s.push_str(&format!(
                    "{},{output},{},{},{},{},{},{},{}\n",
                    m.model,
                    e.input,
                    f(e.spearman),
                    f(e.prcc),
                    f(so.map(|x| x.first)),
                    f(so.map(|x| x.first_ci)),
                    f(so.map(|x| x.total)),
                    f(so.map(|x| x.total_ci)),
                ));
            }
        }
    }
    s
}

/// The terminal table: per model, the inputs by largest |PRCC| with their PRCCs and,
/// with `--sobol`, their first-order and total Sobol indices (± 95% half-widths).
#[must_use]
pub fn table(report: &SensitivityReport) -> String {
    use std::fmt::Write as _;
    let f = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| format!("{v:+.3}"));
    let sob = |e: &Effect, total: bool| {
        e.sobol.map_or_else(
            || "-".to_string(),
            |x| {
                let (v, ci) = if total {
                    (x.total, x.total_ci)
                } else {
                    (x.first, x.first_ci)
                };
                format!("{v:.3}±{ci:.3}")
            },
        )
    };
    let with_sobol = report.sobol_samples.is_some();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — sensitivity over trials 0..{} (seed {})",
        report.scenario.title, report.samples, report.seed
    );
    for m in &report.models {
        let _ = writeln!(s, "{} ({} deals)", m.model, m.deals);
        let _ = write!(
            s,
            "  {:<46} {:>12} {:>12}",
            "input", "PRCC amount", "PRCC deal"
        );
        for k in m.issues.keys() {
            let _ = write!(s, " {:>12}", format!("PRCC {k}"));
        }
        if with_sobol {
            let _ = write!(
                s,
                " {:>13} {:>13} {:>13} {:>13}",
                "S1 amount", "ST amount", "S1 deal", "ST deal"
            );
        }
        s.push('\n');
        for j in order(m) {
            let (a, d) = (&m.amount[j], &m.deal[j]);
            let _ = write!(
                s,
                "  {:<46} {:>12} {:>12}",
                report.label(j),
                f(a.prcc),
                f(d.prcc)
            );
            for e in m.issues.values() {
                let _ = write!(s, " {:>12}", f(e.get(j).and_then(|e| e.prcc)));
            }
            if with_sobol {
                let _ = write!(
                    s,
                    " {:>13} {:>13} {:>13} {:>13}",
                    sob(a, false),
                    sob(a, true),
                    sob(d, false),
                    sob(d, true)
                );
            }
            s.push('\n');
        }
    }
    if let Some(n) = report.sobol_samples {
        let _ = writeln!(
            s,
            "Sobol: S1 first-order, ST total index (Saltelli design of {n} rows, ±95% half-width); \
             for the amount, no-deal points are held at the mean agreed amount."
        );
    }
    s
}
