//! A run with one party's negotiator supplied by the caller (the Python package's
//! `strategies=`), on the calling thread.
//!
//! Each trial is drawn by the trial kernel ([`crate::trial::draw`]); the `agents` model
//! negotiates through the same protocol as the built-in strategies with the caller's
//! [`Negotiator`] in the party's place ([`crate::trial::agents_outcome_with`]), every
//! other model as in the ensemble; outcomes go into the ensemble's own accumulators with
//! the histogram range fixed by the same pilot ([`super::RangeProbe`]). A negotiator
//! that decides as the party's built-in strategy therefore gives the ensemble's
//! [`Accumulated`] exactly. One pass: each trial is negotiated once (the pilot's trials
//! are kept until the range is known), so a stateful or costly negotiator is asked once
//! per trial. Single-threaded because the caller's negotiator may not be shareable (a
//! Python object under the GIL); the built-in multithreaded path is untouched.

use std::sync::atomic::{AtomicBool, Ordering};

use bargain_core::strategy::{Setup, Strategy};
use bargain_core::{Model, Negotiation, Outcome, OutcomeKind, Side};

use super::{Accumulated, CHUNK, Interrupted, PILOT, Plan, RangeProbe};
use crate::scenario::Scenario;
use crate::trial::{self, Workspace};

/// A party's negotiator supplied by the caller: a [`Strategy`] set up afresh for each
/// trial. `decide` cannot fail, so a negotiator that meets an error keeps it (and ends
/// its moves as it likes: the trial is discarded) until [`Negotiator::finish`] asks.
pub trait Negotiator: Strategy {
    /// What went wrong inside the negotiator.
    type Error;

    /// Set up for trial `trial`'s negotiation under the `agents` model, whose setup for
    /// this party is `setup` (what a built-in strategy is built from).
    ///
    /// # Errors
    /// When the negotiator cannot start (the run stops).
    fn start(&mut self, trial: u64, setup: &Setup) -> Result<(), Self::Error>;

    /// The negotiation of the trial is over: an error met during it, if any.
    ///
    /// # Errors
    /// The error met during the talks (the run stops).
    fn finish(&mut self) -> Result<(), Self::Error>;
}

/// Why a run with a supplied negotiator did not finish.
#[derive(Debug)]
pub enum CustomError<E> {
    /// The cancel flag was set.
    Interrupted(Interrupted),
    /// The negotiator failed in trial `trial`.
    Negotiator {
        /// The trial whose negotiation failed.
        trial: u64,
        /// The negotiator's error.
        error: E,
    },
    /// The scenario cannot take a supplied negotiator (the message says why).
    Unsupported(String),
}

impl<E: std::fmt::Display> std::fmt::Display for CustomError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CustomError::Interrupted(i) => i.fmt(f),
            CustomError::Negotiator { trial, error } => write!(f, "trial {trial}: {error}"),
            CustomError::Unsupported(m) => f.write_str(m),
        }
    }
}

/// Whether `scenario` can run with a supplied negotiator: not with `[[events]]` or
/// `on_veto = "resume"` (their talks restart after events and vetoes; not supported yet).
///
/// # Errors
/// The reason, in a sentence.
pub fn check(scenario: &Scenario) -> Result<(), String> {
    if scenario.has_timeline() {
        return Err(format!(
            "scenario `{}` has events or vetoes ([[events]], on_veto = \"resume\"): a negotiator \
             of your own cannot take part in such talks yet",
            scenario.name
        ));
    }
    Ok(())
}

/// Run the plan's shard with `side`'s negotiator under the `agents` model supplied by
/// `negotiator`, trial by trial on the calling thread; `progress` gets the trials done
/// every [`CHUNK`] trials, `cancel` is checked before each trial. The other models run
/// as in the ensemble (closed forms do not negotiate: the negotiator does not change
/// them). Allocates per pilot trial (the kept outcomes), never for later trials.
///
/// # Errors
/// [`CustomError::Unsupported`] for a scenario with a timeline ([`check`]);
/// [`CustomError::Negotiator`] when the negotiator fails (the run stops there);
/// [`CustomError::Interrupted`] when `cancel` is set.
pub fn run<N: Negotiator + ?Sized>(
    scenario: &Scenario,
    plan: &Plan,
    side: Side,
    negotiator: &mut N,
    cancel: &AtomicBool,
    progress: &dyn Fn(u64),
) -> Result<Accumulated, CustomError<N::Error>> {
    check(scenario).map_err(CustomError::Unsupported)?;
    let (start, end) = plan.shard.bounds(plan.trials);
    let pilot = plan.trials.min(PILOT);
    let mut inputs = vec![0.0; scenario.input_count()];
    let mut ws = Workspace::new();
    let mut probe = RangeProbe::new(scenario, &mut inputs);
    let mut acc: Option<Accumulated> = None;
    // The shard's trials negotiated before the range is known (those within the pilot).
    let mut kept: Vec<(Negotiation, Vec<Outcome>)> = Vec::new();
    let unset = Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: 0,
        accepted_by: None,
    };
    let mut outcomes = vec![unset; plan.models.len()];
    let mut done = 0u64;
    for t in (0..pilot).chain(start.max(pilot)..end) {
        if cancel.load(Ordering::Relaxed) {
            return Err(CustomError::Interrupted(Interrupted { done }));
        }
        let (n, mut rng) = trial::draw(scenario, plan.seed, plan.trials, t, &mut inputs);
        for (slot, &model) in outcomes.iter_mut().zip(&plan.models) {
            *slot = if model == Model::Agents {
                let fail = |error| CustomError::Negotiator { trial: t, error };
                negotiator.start(t, &n.agents_setup(side)).map_err(fail)?;
                let o = trial::agents_outcome_with(&n, side, negotiator, &mut rng, None, &mut ws);
                negotiator.finish().map_err(fail)?;
                o
            } else {
                trial::outcome(&n, model, &mut rng, None, &mut ws)
            };
        }
        if t < pilot {
            for o in &outcomes {
                probe.observe(&n, o);
            }
        }
        let in_shard = (start..end).contains(&t);
        match acc.as_mut() {
            Some(a) if in_shard => add(a, &n, &outcomes),
            None if in_shard => kept.push((n, outcomes.clone())),
            _ => {}
        }
        if in_shard {
            done += 1;
            if done.is_multiple_of(CHUNK) {
                progress(done);
            }
        }
        if t + 1 == pilot {
            let range = probe.finish(scenario, plan.trials);
            let mut a = Accumulated::empty(range, &plan.models);
            for (n, os) in kept.drain(..) {
                add(&mut a, &n, &os);
            }
            acc = Some(a);
        }
    }
    progress(done);
    // The range is fixed after the pilot's last trial; only a run of no trials has none.
    Ok(
        acc.unwrap_or_else(|| {
            Accumulated::empty(probe.finish(scenario, plan.trials), &plan.models)
        }),
    )
}

/// Add one trial's outcomes (in plan order) to the accumulators.
fn add(acc: &mut Accumulated, n: &Negotiation, outcomes: &[Outcome]) {
    let range = acc.range;
    for ((_, a), o) in acc.models.iter_mut().zip(outcomes) {
        a.add(&range, n, o);
    }
}
