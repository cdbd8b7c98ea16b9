//! Parallel ensembles: per-trial seeds, fixed chunks, exact merges.
//!
//! Trial `i` samples its parameters from its own generator, `trial_rng(seed, i)`, so
//! any trial can be replayed alone. Trials run through the wave driver ([`waves`]) in
//! fixed chunks of [`CHUNK`] trials, a wave of [`WAVE`] chunks at a time; each chunk
//! fills its own accumulator, which holds only integers and merges exactly, and chunks
//! merge in order, so results do not depend on the thread count, the schedule or the
//! sharding. With `trials.csv`, rows are buffered per chunk
//! and written in trial order. Every model of the run sees the same sampled parameters
//! (common random numbers). Memory is bounded by one wave, whatever the number of trials.

pub mod custom;
pub mod kernel;
pub mod package;
pub mod waves;

use std::io::Write;
use std::sync::atomic::AtomicBool;

use bargain_core::{Model, Negotiation, Outcome, OutcomeKind, Trace};

use crate::accumulate::{AmountRange, ModelAccumulator, value_bound};
use crate::scenario::Scenario;
use crate::trial::{self, Workspace};
use waves::{Merge, Waves};

/// Most trials per chunk: the unit of parallel work and of sharding (see [`chunk_size`]).
pub const CHUNK: u64 = 1024;
/// Chunks per wave: how many chunks are in flight (bounds memory and progress latency).
pub const WAVE: u64 = 64;
/// Trials of the pilot that fixes the histogram range (the first trials of the run).
pub const PILOT: u64 = 4096;

pub use crate::scenario::{splitmix64, trial_rng};

/// Trials per chunk of a run of `trials` trials, for every kind of scenario: the largest
/// power of two up to [`CHUNK`] that still gives a wave of [`WAVE`] chunks, so that a run
/// of few (possibly expensive) trials, such as a package run, gives every thread work.
/// It depends only on `trials`, never on the thread count; results do not depend on it
/// at all (accumulators merge exactly). It divides [`CHUNK`], so shard bounds fall on
/// chunk bounds.
#[must_use]
pub fn chunk_size(trials: u64) -> u64 {
    let per = (trials / WAVE).max(1);
    (1u64 << per.ilog2()).min(CHUNK)
}

/// A contiguous block of the trial index space: shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based shard index.
    pub index: u64,
    /// Number of shards (≥ 1).
    pub count: u64,
}

impl Shard {
    /// The whole run as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The trials `[start, end)` of this shard: whole blocks of [`CHUNK`] trials (each a
    /// whole number of [`chunk_size`] chunks, which divides it), split as evenly as
    /// possible. Fixed by the format of `partial.json`: shards written by earlier versions
    /// still merge.
    #[must_use]
    pub fn bounds(&self, trials: u64) -> (u64, u64) {
        let chunks = trials.div_ceil(CHUNK);
        let at = |k: u64| {
            ((u128::from(chunks) * u128::from(k) / u128::from(self.count)) as u64 * CHUNK)
                .min(trials)
        };
        (at(self.index), at(self.index + 1))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Trials of the whole run (all shards).
    pub trials: u64,
    /// The run's seed.
    pub seed: u64,
    /// Models to run on every trial.
    pub models: Vec<Model>,
    /// Which part of the trial space this process runs.
    pub shard: Shard,
}

/// The accumulated outcomes of a run (or of one shard of it), of either kind of scenario:
/// one integer [`ModelAccumulator`] per model keyed by `M` (a one-issue [`Model`], or a
/// package's `PackageModel`, whose accumulators carry their issue tally).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Accumulated<M = Model> {
    /// The histogram range shared by all shards.
    pub range: AmountRange,
    /// One accumulator per model, in plan order.
    pub models: Vec<(M, ModelAccumulator)>,
}

impl<M: Copy> Accumulated<M> {
    /// Empty accumulators of `models` (without issue tallies) on `range`.
    pub(crate) fn empty(range: AmountRange, models: &[M]) -> Self {
        Self {
            range,
            models: models
                .iter()
                .map(|&m| (m, ModelAccumulator::default()))
                .collect(),
        }
    }

    /// Merge another run's (or shard's) accumulators: exact, order-independent.
    ///
    /// # Panics
    /// On an overflow, impossible for accumulators of one run.
    pub fn merge(&mut self, other: &Accumulated<M>) {
        for ((_, a), (_, b)) in self.models.iter_mut().zip(&other.models) {
            a.merge(b);
        }
    }
}

/// The run was stopped (Ctrl-C or SIGTERM) before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted after {done} trials")]
pub struct Interrupted {
    /// Trials completed before the stop.
    pub done: u64,
}

/// Hooks into a running ensemble.
pub struct Hooks<'a> {
    /// Called with the number of trials finished since its last call (after each chunk,
    /// or each trial of a slow kernel), from any worker thread.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Set to stop the run at the next wave.
    pub cancel: &'a AtomicBool,
    /// If set, one CSV row per trial is streamed here, in trial order.
    pub rows: Option<&'a mut dyn Write>,
}

impl<'a> Hooks<'a> {
    /// No progress and no rows: only the cancel flag.
    #[must_use]
    pub fn silent(cancel: &'a AtomicBool) -> Self {
        fn none(_: u64) {}
        Self {
            progress: &none,
            cancel,
            rows: None,
        }
    }
}

/// Fix the histogram range from a pilot over the first trials of the whole run (the
/// same for every shard), padded by a quarter of the span on each side (with an offer
/// grid, widened to [`grid_aligned`] edges), centered for quantization on the pilot's
/// mean deal (summed in trial order: deterministic).
#[must_use]
pub fn amount_range(scenario: &Scenario, plan: &Plan) -> AmountRange {
    let mut inputs = vec![0.0; scenario.input_count()];
    let mut ws = Workspace::new();
    let mut probe = RangeProbe::new(scenario, &mut inputs);
    for trial in 0..plan.trials.min(PILOT) {
        let (seed, trials, models) = (plan.seed, plan.trials, &plan.models);
        trial::run_trial(
            scenario,
            seed,
            trials,
            models,
            trial,
            &mut inputs,
            &mut ws,
            |_, negotiation, o| probe.observe(negotiation, o),
        );
    }
    probe.finish(scenario, plan.trials)
}

/// What [`amount_range`] gathers over the pilot trials: the largest amount seen, the
/// deals' extremes and their sum, in trial order. Any runner of the pilot's trials
/// (the ensemble's, or [`custom::run`]'s) fixes the same range from the same outcomes.
#[derive(Clone, Copy)]
pub(crate) struct RangeProbe {
    lo: f64,
    hi: f64,
    sum: f64,
    n: u64,
    bound: f64,
}

impl RangeProbe {
    /// Start from the largest amount any trial can hold, for the quantizers' floor: the
    /// inputs at both ends of their distributions and the central values (`inputs` is
    /// scratch of the scenario's input count).
    pub(crate) fn new(scenario: &Scenario, inputs: &mut [f64]) -> Self {
        let bound = [0.0, 1.0]
            .map(|u| value_bound(&scenario.at_quantiles(&vec![u; inputs.len()], inputs)))
            .into_iter()
            .fold(value_bound(&scenario.central()), f64::max)
            .max(value_bound(&scenario.at_largest(inputs)));
        Self {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            sum: 0.0,
            n: 0,
            bound,
        }
    }

    /// One model's outcome `o` of a pilot trial's `negotiation`.
    pub(crate) fn observe(&mut self, negotiation: &Negotiation, o: &Outcome) {
        self.bound = self.bound.max(value_bound(negotiation));
        if let (OutcomeKind::Deal, Some(x)) = (o.kind, o.amount) {
            self.bound = self.bound.max(x.abs());
            self.lo = self.lo.min(x);
            self.hi = self.hi.max(x);
            self.sum += x;
            self.n += 1;
        }
    }

    /// The range of a run of `trials` trials.
    pub(crate) fn finish(&self, scenario: &Scenario, trials: u64) -> AmountRange {
        let Self {
            mut lo,
            mut hi,
            sum,
            n,
            bound,
        } = *self;
        if !(lo.is_finite() && hi.is_finite()) {
            let central = scenario.central();
            lo = central.payer.opening.min(central.payee.opening);
            hi = central.payer.opening.max(central.payee.opening);
        }
        let span = hi - lo;
        let pad = if span > 0.0 {
            0.25 * span
        } else {
            (lo.abs() * 1e-3).max(1e-9)
        };
        let center = if n > 0 {
            (sum / n as f64).clamp(lo, hi)
        } else {
            0.5 * (lo + hi)
        };
        let (lo, hi) = match scenario.central().protocol.grid {
            Some(g) => grid_aligned(lo - pad, hi + pad, g.lo, g.step),
            None => (lo - pad, hi + pad),
        };
        AmountRange {
            lo,
            hi,
            center,
            floor: 0.0,
        }
        .with_bound(bound, trials)
    }
}

/// `lo..hi` widened so that each bin of the summary's histogram
/// ([`crate::summary::HISTOGRAM_BINS`] equal bins) is a whole, odd number `k` of grid
/// steps wide and centred on a grid point: its edges lie halfway between grid points
/// (`grid_lo + (i − ½)·step`) and it holds exactly `k` of them, `k` the smallest odd
/// number whose bins cover `lo..hi`. Deals lie on the grid, so no bar of the amounts
/// plot, and no bin of `compare`'s distributions, is empty for want of a grid point.
#[must_use]
pub fn grid_aligned(lo: f64, hi: f64, grid_lo: f64, step: f64) -> (f64, f64) {
    if !(step > 0.0 && step.is_finite() && lo.is_finite() && hi.is_finite() && hi >= lo) {
        return (lo, hi);
    }
    let bins = crate::summary::HISTOGRAM_BINS as f64;
    let mut k = ((hi - lo) / (bins * step)).ceil().max(1.0);
    if k % 2.0 == 0.0 {
        k += 1.0;
    }
    // The first edge: the last half-step point at or below `lo`.
    let i0 = ((lo - grid_lo) / step + 0.5).floor();
    let first = grid_lo + (i0 - 0.5) * step;
    while first + bins * k * step < hi {
        k += 2.0;
    }
    (first, first + bins * k * step)
}

/// The CSV header of `trials.csv`.
#[must_use]
pub fn csv_header(scenario: &Scenario, models: &[Model]) -> String {
    let mut h = String::from("trial");
    for name in scenario.input_names() {
        h.push(',');
        h.push_str(&name);
    }
    for d in scenario.event_draws() {
        h.push(',');
        h.push_str(&d.name());
    }
    for m in models {
        for col in ["kind", "amount", "round"] {
            h.push_str(&format!(",{m}.{col}"));
        }
        if scenario.calendar.is_some() {
            for col in ["deal_date", "lapse_months"] {
                h.push_str(&format!(",{m}.{col}"));
            }
        }
    }
    h.push('\n');
    h
}

impl<M: Copy> Merge for Accumulated<M> {
    fn merge(&mut self, other: Self) {
        Accumulated::merge(self, &other);
    }
}

/// Run `shard` of `kernel`'s trials on the current rayon pool: the one run of the engine,
/// for every kind of scenario ([`kernel::Kernel`]). The trials are cut into chunks of
/// [`chunk_size`] and driven [`WAVE`] chunks at a time ([`waves::Waves`]); each chunk
/// records into a fresh accumulator, merged in chunk order; with `hooks.rows`, each
/// chunk's `trials.csv` rows (without the header, [`kernel::Kernel::csv_header`]) are
/// written there in trial order. `hooks.progress` receives the trials finished since its
/// last call (after each chunk, or each trial for slow kernels), from any worker.
///
/// # Errors
/// [`RunError::Interrupted`] when `hooks.cancel` is set before the last wave finishes
/// (or, for kernels that check it, before the last trial), counting the trials merged;
/// [`RunError::Failed`] when the core rejects a trial; [`RunError::Io`] when streaming
/// the rows fails.
pub fn run<K: kernel::Kernel>(
    kernel: &K,
    shard: Shard,
    hooks: Hooks<'_>,
) -> Result<Accumulated<K::Model>, RunError> {
    let trials = kernel.trials();
    let driver = Waves {
        range: shard.bounds(trials),
        chunk: chunk_size(trials),
        wave: WAVE,
        cancel: hooks.cancel,
        progress: &|_| {},
    };
    let (cancel, progress) = (hooks.cancel, hooks.progress);
    let want_rows = hooks.rows.is_some();
    let mut rows = hooks.rows;
    let mut total = kernel.empty();
    let mut done = 0u64;
    driver.drive(
        || kernel.scratch(),
        |scratch, (start, end)| {
            let mut acc = kernel.empty();
            let mut text = String::new();
            for trial in start..end {
                let row = if want_rows { Some(&mut text) } else { None };
                kernel.trial(scratch, trial, &mut acc, row, cancel)?;
                if K::PROGRESS_PER_TRIAL {
                    progress(1);
                }
            }
            if !K::PROGRESS_PER_TRIAL {
                progress(end - start);
            }
            Ok::<_, RunError>((acc, text, end - start))
        },
        |chunk| {
            let (acc, text, n) = chunk.map_err(|e| match e {
                // A kernel's own check: count the trials merged so far, as the driver does.
                RunError::Interrupted(_) => RunError::Interrupted(Interrupted { done }),
                e => e,
            })?;
            total.merge(&acc);
            done += n;
            if let Some(w) = rows.as_mut() {
                w.write_all(text.as_bytes()).map_err(RunError::Io)?;
            }
            Ok::<(), RunError>(())
        },
    )?;
    Ok(total)
}

/// Why a run did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Stopped by a signal.
    #[error(transparent)]
    Interrupted(Interrupted),
    /// The core rejected a sampled trial (a package's preferences; not expected after
    /// validation).
    #[error("a sampled trial's preferences were rejected: {0}")]
    Failed(bargain_core::package::preferences::PreferencesError),
    /// Writing the per-trial rows failed.
    #[error("writing trials.csv: {0}")]
    Io(std::io::Error),
}

impl From<bargain_core::package::preferences::PreferencesError> for RunError {
    fn from(e: bargain_core::package::preferences::PreferencesError) -> Self {
        RunError::Failed(e)
    }
}

impl From<Interrupted> for RunError {
    fn from(i: Interrupted) -> Self {
        RunError::Interrupted(i)
    }
}

/// One trial replayed alone, exactly as the ensemble ran it.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The sampled negotiation.
    pub negotiation: Negotiation,
    /// The sampled inputs, in `Scenario::input_names` order.
    pub inputs: Vec<f64>,
    /// The outcome under the requested model.
    pub outcome: Outcome,
    /// The offers (for the `agents` model; empty for closed forms).
    pub trace: Trace,
    /// The trial's events (in the order they took effect) and veto rule: empty for a
    /// scenario without `[[events]]`.
    pub timeline: bargain_core::events::Timeline,
    /// Deals a principal refused on the way (`on_veto = "resume"`).
    pub vetoes: u32,
    /// For the `attrition` model: each side's type, the concession time and who conceded.
    pub attrition: Option<bargain_core::attrition::AttritionPlay>,
}

/// Replay trial `trial` of a run under `model`.
///
/// Only the `agents` model draws from the trial's generator after sampling (for
/// breakdown), `attrition` from a stream of its own and closed forms draw nothing, so
/// replaying one model alone reproduces its outcome in the ensemble.
#[must_use]
pub fn replay(scenario: &Scenario, plan: &Plan, trial: u64, model: Model) -> Replay {
    let mut inputs = vec![0.0; scenario.input_count()];
    let (mut negotiation, mut rng) =
        trial::draw(scenario, plan.seed, plan.trials, trial, &mut inputs);
    let mut trace = Trace::new();
    let mut timeline = bargain_core::events::Timeline::default();
    trial::draw_timeline(
        scenario,
        plan.seed,
        plan.trials,
        trial,
        &inputs,
        &mut negotiation,
        &mut timeline,
    );
    let timed = trial::timed_outcome(
        &negotiation,
        &timeline,
        model,
        &mut rng,
        Some(&mut trace),
        &mut Workspace::new(),
    );
    let attrition =
        (model == Model::Attrition).then(|| trial::attrition_play(&negotiation, &timeline, &rng));
    Replay {
        negotiation,
        inputs,
        outcome: timed.outcome,
        trace,
        timeline,
        vetoes: timed.vetoes,
        attrition,
    }
}

#[cfg(test)]
mod chunk_tests {
    use super::*;

    /// Chunks depend only on the trials: powers of two dividing [`CHUNK`] (so shard
    /// bounds fall on chunk bounds), at least a wave of them when there are that many
    /// trials, [`CHUNK`] for large runs.
    #[test]
    fn chunks_give_every_thread_work_and_divide_the_shard_unit() {
        for trials in [1, 2, 63, 64, 200, 4095, 4096, 20_000, 262_144, 1 << 40] {
            let c = chunk_size(trials);
            assert!(c >= 1 && CHUNK.is_multiple_of(c), "{trials}: {c}");
            assert!(trials.div_ceil(c) >= WAVE.min(trials), "{trials}: {c}");
        }
        assert_eq!(chunk_size(1_000_000), CHUNK);
    }
}
