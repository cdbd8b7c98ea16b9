//! The package kernel ([`Packages`]): a trial of a package scenario (`[issues]`) drawn,
//! its outcome space prepared (once for all trials when nothing is sampled) and every
//! model recorded by [`crate::ensemble::package::record_trial`]; its `trials.csv` header
//! ([`csv_header`]) and rows.

use std::sync::atomic::AtomicBool;

use bargain_core::OutcomeKind;
use bargain_core::package::aspiration::PowerCache;
use bargain_core::package::talks::PackageEnd;

use super::Kernel;
use crate::accumulate::issues::TallyLayout;
use crate::accumulate::{AmountRange, IssueTally, ModelAccumulator};
use crate::ensemble::package::{Prepared, amount_range, check, layout, record_trial};
use crate::ensemble::{Accumulated, RunError};
use crate::scenario::SampleCtx;
use crate::scenario::issues::{PackageModel, PackageScenario};

/// The package kernel: the trials of package scenario `s` (its `[run] models`) for a run
/// of `trials` trials with seed `seed`.
pub struct Packages<'a> {
    s: &'a PackageScenario,
    trials: u64,
    seed: u64,
    lay: TallyLayout,
    range: AmountRange,
    /// The one preparation of every trial when nothing is sampled.
    shared: Option<Prepared>,
}

impl<'a> Packages<'a> {
    /// The kernel of a run of `trials` trials of `s` with seed `seed`. Without sampled
    /// inputs every trial is the same negotiation: its outcome space is prepared here,
    /// once, checking `cancel` between the passes.
    ///
    /// # Errors
    /// [`RunError::Interrupted`] once `cancel` is set; [`RunError::Failed`] when the core
    /// rejects the preferences.
    pub fn new(
        s: &'a PackageScenario,
        trials: u64,
        seed: u64,
        cancel: &AtomicBool,
    ) -> Result<Self, RunError> {
        let space = s.space();
        let shared = if s.input_names().is_empty() {
            Some(Prepared::cancellable(s, &s.central(), cancel)?)
        } else {
            None
        };
        Ok(Self {
            s,
            trials,
            seed,
            lay: layout(space),
            range: amount_range(space, trials),
            shared,
        })
    }
}

/// A package worker's scratch: the aspiration curves' powers, the sampled inputs and
/// each model's end of the trial (for its row).
pub struct PackageScratch {
    cache: PowerCache,
    inputs: Vec<f64>,
    ends: Vec<PackageEnd>,
}

impl Kernel for Packages<'_> {
    type Model = PackageModel;
    type Scratch = PackageScratch;
    const PROGRESS_PER_TRIAL: bool = true;

    fn trials(&self) -> u64 {
        self.trials
    }

    fn models(&self) -> &[PackageModel] {
        &self.s.run.models
    }

    fn range(&self) -> AmountRange {
        self.range
    }

    fn accumulator(&self) -> ModelAccumulator {
        ModelAccumulator {
            issues: Some(IssueTally::new(self.s.space(), &self.lay)),
            ..ModelAccumulator::default()
        }
    }

    fn scratch(&self) -> PackageScratch {
        PackageScratch {
            cache: PowerCache::new(),
            inputs: vec![0.0; self.s.input_names().len()],
            ends: Vec::with_capacity(self.s.run.models.len()),
        }
    }

    fn csv_header(&self) -> String {
        csv_header(self.s)
    }

    /// Checks `cancel` before the trial and between the passes preparing its outcome
    /// space.
    fn trial(
        &self,
        scratch: &mut PackageScratch,
        trial: u64,
        acc: &mut Accumulated<PackageModel>,
        row: Option<&mut String>,
        cancel: &AtomicBool,
    ) -> Result<(), RunError> {
        check(cancel)?;
        let s = self.s;
        let ctx = SampleCtx {
            trial,
            trials: self.trials,
            seed: self.seed,
        };
        let PackageScratch {
            cache,
            inputs,
            ends,
        } = scratch;
        // A scenario that draws nothing per trial has one trial, borrowed, not copied.
        let drawn;
        let t = match s.fixed_trial() {
            Some(t) => t,
            None => {
                drawn = s.draw_trial(ctx, inputs).0;
                &drawn
            }
        };
        let own;
        let p = match &self.shared {
            Some(p) => p,
            None => {
                own = Prepared::cancellable(s, t, cancel)?;
                &own
            }
        };
        ends.clear();
        let want_row = row.is_some();
        record_trial(s, &self.lay, t, p, cache, acc, |_, e| {
            if want_row {
                ends.push(*e);
            }
        });
        if let Some(out) = row {
            push_row(out, s, trial, inputs, ends, t.calendar.as_ref());
        }
        Ok(())
    }
}

/// The `trials.csv` header of a package run: `trial`, the sampled inputs (their field
/// paths), then per model `<model>.kind`, `<model>.round`, one column per issue,
/// `<model>.<issue>` (e.g. `agents.term`), and with a calendar `<model>.deal_date` and
/// `<model>.lapse_months` (as one-issue runs), ending in a newline.
#[must_use]
pub fn csv_header(s: &PackageScenario) -> String {
    let mut h = String::from("trial");
    for name in s.input_names() {
        h.push(',');
        h.push_str(&name);
    }
    for m in &s.run.models {
        let m = m.as_str();
        h.push_str(&format!(",{m}.kind,{m}.round"));
        for issue in s.space().issues() {
            h.push_str(&format!(",{m}.{}", issue.key));
        }
        if s.calendar.is_some() {
            h.push_str(&format!(",{m}.deal_date,{m}.lapse_months"));
        }
    }
    h.push('\n');
    h
}

/// Append trial `trial`'s row (under [`csv_header`]) to `out`: its inputs, then per model
/// the outcome kind, the round and each issue's agreed value (numbers as in the summary,
/// integers, labels as text; empty cells without a deal).
fn push_row(
    out: &mut String,
    s: &PackageScenario,
    trial: u64,
    inputs: &[f64],
    deals: &[PackageEnd],
    calendar: Option<&bargain_core::Calendar>,
) {
    use std::fmt::Write as _;
    let space = s.space();
    let _ = write!(out, "{trial}");
    for x in inputs {
        let _ = write!(out, ",{x}");
    }
    for d in deals {
        match (d.kind, d.outcome) {
            (OutcomeKind::Deal, Some(o)) => {
                let round = d.round;
                let _ = write!(out, ",deal,{round}");
                for j in 0..space.issues().len() {
                    let k = space.value_index(o, j);
                    let text = crate::summary::package::value_text(space, j, k);
                    let _ = write!(out, ",{}", crate::trials_out::csv_cell(&text));
                }
            }
            _ => {
                let _ = write!(out, ",{},", d.kind.as_str());
                for _ in space.issues() {
                    out.push(',');
                }
            }
        }
        if let (Some(dates), Some(cal)) = (&s.calendar, calendar) {
            // The one-issue cells, from the same round of the talks.
            let o = bargain_core::Outcome {
                kind: d.kind,
                amount: None,
                round: d.round,
                accepted_by: None,
            };
            out.push_str(&crate::timing::csv_cells(dates, cal, &o));
        }
    }
    out.push('\n');
}
