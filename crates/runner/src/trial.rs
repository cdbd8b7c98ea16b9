//! The trial kernel: how one trial is drawn and negotiated, in one place.
//!
//! Every command that runs trial `i` of a scenario — the ensemble (`run`), `replay`,
//! the paired runs of `compare`, the `sensitivity` samples — goes through
//! [`run_trial`] or its two steps [`draw`] and [`outcome`], so that they draw and
//! negotiate identically (common random numbers, exact replays). The sampled
//! warnings of validation use the same draw ([`Scenario::draw_trial`]).
//!
//! Only the `agents` model draws from the trial's generator after sampling (breakdown);
//! closed forms draw nothing, so one model replays alone. Allocates nothing without a
//! trace.

use bargain_core::events::{TimedOutcome, Timeline};
use bargain_core::{Model, Negotiation, Outcome, Trace};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::scenario::{SampleCtx, Scenario};

/// Per-worker scratch state carried from trial to trial: core's opaque workspace.
/// Results never depend on it.
pub use bargain_core::Workspace;

/// Draw trial `trial` of a run (`seed`, `trials`): the sampled negotiation and the
/// trial's generator, in the state the models continue from. The sampled inputs are
/// written to `inputs` (see [`Scenario::sample`]).
pub fn draw(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    trial: u64,
    inputs: &mut [f64],
) -> (Negotiation, Xoshiro256PlusPlus) {
    let ctx = SampleCtx {
        trial,
        trials,
        seed,
    };
    scenario.draw_trial(ctx, inputs)
}

/// The outcome of a drawn negotiation under `model` (the same as
/// `negotiation.outcome(model, ..)`, reusing the worker's workspace).
pub fn outcome(
    negotiation: &Negotiation,
    model: Model,
    rng: &mut Xoshiro256PlusPlus,
    trace: Option<&mut Trace>,
    ws: &mut Workspace,
) -> Outcome {
    negotiation.outcome_with(model, rng, trace, ws)
}

/// Draw trial `trial` and run every model of `models` on it, in order, calling
/// `each(model index, negotiation, outcome)`.
#[allow(clippy::too_many_arguments)]
pub fn run_trial(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    models: &[Model],
    trial: u64,
    inputs: &mut [f64],
    ws: &mut Workspace,
    mut each: impl FnMut(usize, &Negotiation, &Outcome),
) {
    run_trial_timed(
        scenario,
        seed,
        trials,
        models,
        trial,
        inputs,
        ws,
        |i, n, t| each(i, n, &t.outcome),
    );
}

/// Trial `trial`'s timeline (its events and veto rule; empty for a scenario without
/// them), drawn for its sampled `negotiation` into `out`.
pub fn draw_timeline(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    trial: u64,
    negotiation: &Negotiation,
    out: &mut Timeline,
) {
    let ctx = SampleCtx {
        trial,
        trials,
        seed,
    };
    scenario.draw_timeline(ctx, negotiation, out);
}

/// [`run_trial`], with each model's vetoes: a scenario with a timeline (`[[events]]`,
/// `on_veto = "resume"`) negotiates through `Negotiation::outcome_in`; one without
/// exactly as [`outcome`] (no veto).
#[allow(clippy::too_many_arguments)]
pub fn run_trial_timed(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    models: &[Model],
    trial: u64,
    inputs: &mut [f64],
    ws: &mut Workspace,
    mut each: impl FnMut(usize, &Negotiation, &TimedOutcome),
) {
    let (negotiation, mut rng) = draw(scenario, seed, trials, trial, inputs);
    if scenario.has_timeline() {
        let mut tl = Timeline::default();
        draw_timeline(scenario, seed, trials, trial, &negotiation, &mut tl);
        for (i, &model) in models.iter().enumerate() {
            let t = negotiation.outcome_in(&tl, model, &mut rng, None, ws);
            each(i, &negotiation, &t);
        }
        return;
    }
    for (i, &model) in models.iter().enumerate() {
        let outcome = outcome(&negotiation, model, &mut rng, None, ws);
        each(i, &negotiation, &TimedOutcome { outcome, vetoes: 0 });
    }
}
