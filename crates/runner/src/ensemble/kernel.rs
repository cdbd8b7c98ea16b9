//! The one trial-kernel interface: what the engine's one [`super::run`] needs from a kind
//! of scenario. A kernel owns the scenario, the run's seed and trials, and the models;
//! [`super::run`] cuts the trials into the engine's chunks ([`super::chunk_size`]), drives
//! them in waves ([`super::waves::Waves`]), gives each chunk a fresh [`Accumulated`] and
//! each worker its [`Kernel::Scratch`], streams the `trials.csv` rows in trial order,
//! honours the cancel flag and reports progress; the kernel runs one trial.
//!
//! Two kernels implement it: [`OneIssue`] (a one-issue scenario: the specialised fast
//! path of [`crate::trial::run_trial_timed`], one amount on a line) and
//! [`package::Packages`] (a package scenario, `[issues]`: each trial's outcome space,
//! [`super::package::record_trial`]). Both record into the same integer
//! [`ModelAccumulator`]s (a package's with its [`crate::accumulate::IssueTally`]), so one
//! summary builder, one merge and one `partial.json` reader serve both. The generic run
//! is monomorphised per kernel: the one-issue path pays nothing for the interface
//! (docs/performance.md, "One kernel").

pub mod package;

use std::sync::atomic::AtomicBool;

use bargain_core::Model;

use super::{Accumulated, Plan, RunError};
use crate::accumulate::{AmountRange, ModelAccumulator};
use crate::scenario::Scenario;
use crate::trial::{self, Workspace};

/// One kind of scenario's trials, as the engine's one [`super::run`] drives them.
pub trait Kernel: Sync {
    /// The key of a model (`bargain_core::Model`, `PackageModel`).
    type Model: Copy + Send + Sync;
    /// What one worker keeps from chunk to chunk: scratch only (results go to the
    /// chunk's accumulator), which must not influence results.
    type Scratch: Send;
    /// Whether progress is reported after every trial (slow trials: packages) rather
    /// than after every chunk.
    const PROGRESS_PER_TRIAL: bool;

    /// Trials of the whole run (all shards): the draws depend on it.
    fn trials(&self) -> u64;
    /// The models run on every trial, in the order of the run's accumulators.
    fn models(&self) -> &[Self::Model];
    /// The amount histogram's range, the same for every chunk and shard.
    fn range(&self) -> AmountRange;
    /// A fresh accumulator of one model.
    fn accumulator(&self) -> ModelAccumulator;
    /// A worker's scratch.
    fn scratch(&self) -> Self::Scratch;
    /// The `trials.csv` header, ending in a newline.
    fn csv_header(&self) -> String;
    /// Run trial `trial` under every model, recording each model's outcome into `acc`
    /// (whose models are [`Kernel::models`]); with `row`, append the trial's `trials.csv`
    /// row (under [`Kernel::csv_header`]). A kernel whose trials are slow checks `cancel`.
    ///
    /// # Errors
    /// [`RunError::Interrupted`] once `cancel` is set (kernels that check it);
    /// [`RunError::Failed`] for a sampled trial the core rejects.
    fn trial(
        &self,
        scratch: &mut Self::Scratch,
        trial: u64,
        acc: &mut Accumulated<Self::Model>,
        row: Option<&mut String>,
        cancel: &AtomicBool,
    ) -> Result<(), RunError>;

    /// An empty accumulator of the run: one [`Kernel::accumulator`] per model.
    fn empty(&self) -> Accumulated<Self::Model> {
        Accumulated {
            range: self.range(),
            models: self
                .models()
                .iter()
                .map(|&m| (m, self.accumulator()))
                .collect(),
        }
    }
}

/// The one-issue kernel: trials of a [`Scenario`] under a [`Plan`] through
/// [`trial::run_trial_timed`], the amounts binned on `range` (from
/// [`super::amount_range`]).
pub struct OneIssue<'a> {
    scenario: &'a Scenario,
    plan: &'a Plan,
    range: AmountRange,
}

impl<'a> OneIssue<'a> {
    /// The kernel of `plan` on `scenario`, binning amounts on `range`.
    #[must_use]
    pub fn new(scenario: &'a Scenario, plan: &'a Plan, range: AmountRange) -> Self {
        Self {
            scenario,
            plan,
            range,
        }
    }
}

/// A one-issue worker's scratch.
pub struct OneIssueScratch {
    inputs: Vec<f64>,
    /// The events' draws of a trial (`trials.csv` only; empty without them).
    events: Vec<f64>,
    ws: Workspace,
}

impl Kernel for OneIssue<'_> {
    type Model = Model;
    type Scratch = OneIssueScratch;
    const PROGRESS_PER_TRIAL: bool = false;

    fn trials(&self) -> u64 {
        self.plan.trials
    }

    fn models(&self) -> &[Model] {
        &self.plan.models
    }

    fn range(&self) -> AmountRange {
        self.range
    }

    fn accumulator(&self) -> ModelAccumulator {
        ModelAccumulator::default()
    }

    fn scratch(&self) -> OneIssueScratch {
        OneIssueScratch {
            inputs: vec![0.0; self.scenario.input_count()],
            events: vec![0.0; self.scenario.event_draws().len()],
            ws: Workspace::new(),
        }
    }

    fn csv_header(&self) -> String {
        super::csv_header(self.scenario, &self.plan.models)
    }

    #[inline]
    fn trial(
        &self,
        scratch: &mut OneIssueScratch,
        trial: u64,
        acc: &mut Accumulated<Model>,
        rows: Option<&mut String>,
        _cancel: &AtomicBool,
    ) -> Result<(), RunError> {
        let (scenario, plan) = (self.scenario, self.plan);
        let Accumulated { range, models } = acc;
        let mut cells = String::new();
        let want_rows = rows.is_some();
        trial::run_trial_timed(
            scenario,
            plan.seed,
            plan.trials,
            &plan.models,
            trial,
            &mut scratch.inputs,
            &mut scratch.ws,
            |i, n, t| {
                let o = &t.outcome;
                models[i].1.add(range, n, o);
                models[i].1.add_vetoes(t.vetoes);
                if want_rows {
                    let amount = o.amount.map(|x| x.to_string()).unwrap_or_default();
                    cells.push_str(&format!(",{},{},{}", o.kind.as_str(), amount, o.round));
                    if let (Some(dates), Some(cal)) = (&scenario.calendar, &n.calendar) {
                        cells.push_str(&crate::timing::csv_cells(dates, cal, o));
                    }
                }
            },
        );
        if let Some(rows) = rows {
            rows.push_str(&trial.to_string());
            for x in &scratch.inputs {
                rows.push(',');
                rows.push_str(&x.to_string());
            }
            if !scratch.events.is_empty() {
                trial::event_draws(scenario, plan.seed, plan.trials, trial, &mut scratch.events);
                crate::trials_out::event_cells(scenario, &scratch.events, rows);
            }
            rows.push_str(&cells);
            rows.push('\n');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::ensemble::{Hooks, Interrupted, Shard, run};

    /// A kernel of `trials` trials, one model, each trial counting itself and writing
    /// its index as its row; it sets `stop_at`'s trial's cancel flag (as a signal would).
    struct Counting {
        trials: u64,
        stop_at: Option<u64>,
    }

    impl Kernel for Counting {
        type Model = u8;
        type Scratch = ();
        const PROGRESS_PER_TRIAL: bool = true;

        fn trials(&self) -> u64 {
            self.trials
        }
        fn models(&self) -> &[u8] {
            &[7]
        }
        fn range(&self) -> AmountRange {
            AmountRange {
                lo: 0.0,
                hi: 1.0,
                center: 0.5,
                floor: 0.0,
            }
        }
        fn accumulator(&self) -> ModelAccumulator {
            ModelAccumulator::default()
        }
        fn scratch(&self) {}
        fn csv_header(&self) -> String {
            "trial\n".into()
        }
        fn trial(
            &self,
            (): &mut (),
            trial: u64,
            acc: &mut Accumulated<u8>,
            row: Option<&mut String>,
            cancel: &AtomicBool,
        ) -> Result<(), RunError> {
            if self.stop_at == Some(trial) {
                cancel.store(true, Ordering::Relaxed);
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(RunError::Interrupted(Interrupted { done: 0 }));
            }
            acc.models[0].1.trials += 1;
            if let Some(row) = row {
                row.push_str(&format!("{trial}\n"));
            }
            Ok(())
        }
    }

    /// The one run, on any kernel: every trial of the shard once, rows in trial order on
    /// the global pool (one thread per core), progress adding up to the trials run.
    #[test]
    fn the_generic_run_streams_rows_in_trial_order_and_counts_every_trial() {
        let k = Counting {
            trials: 5_000,
            stop_at: None,
        };
        let cancel = AtomicBool::new(false);
        let seen = AtomicU64::new(0);
        let progress = |n: u64| {
            seen.fetch_add(n, Ordering::Relaxed);
        };
        let mut out = Vec::new();
        let shard = Shard { index: 1, count: 2 };
        let acc = run(
            &k,
            shard,
            Hooks {
                progress: &progress,
                cancel: &cancel,
                rows: Some(&mut out),
            },
        )
        .expect("finished");
        let (start, end) = shard.bounds(k.trials);
        let want = ModelAccumulator {
            trials: end - start,
            ..ModelAccumulator::default()
        };
        assert_eq!(acc.models, vec![(7, want)]);
        assert_eq!(seen.load(Ordering::Relaxed), end - start);
        let rows: String = (start..end).map(|t| format!("{t}\n")).collect();
        assert_eq!(String::from_utf8(out).expect("utf-8"), rows);
    }

    /// A kernel's own cancel check stops the run with the number of trials merged before
    /// the stop (whole chunks), not the kernel's 0.
    #[test]
    fn a_kernel_stop_reports_the_trials_merged() {
        let k = Counting {
            trials: 100_000,
            stop_at: Some(70_000),
        };
        let cancel = AtomicBool::new(false);
        let r = run(&k, Shard::WHOLE, Hooks::silent(&cancel));
        let chunk = crate::ensemble::chunk_size(k.trials);
        match r {
            Err(RunError::Interrupted(Interrupted { done })) => {
                assert!(done > 0 && done <= 70_000 && done % chunk == 0, "{done}");
            }
            other => panic!("expected an interruption, got {other:?}"),
        }
    }
}
