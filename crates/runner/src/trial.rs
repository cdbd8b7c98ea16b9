//! The trial kernel: how one trial is drawn and negotiated, in one place.
//!
//! Every command that runs trial `i` of a scenario — the ensemble (`run`), `replay`,
//! the paired runs of `compare`, the `sensitivity` samples — goes through
//! [`run_trial`] or its two steps [`draw`] and [`outcome`], so that they draw and
//! negotiate identically (common random numbers, exact replays). The sampled
//! warnings of validation use the same draw ([`Scenario::draw_trial`]).
//!
//! Only the `agents` model draws from the trial's generator after sampling (breakdown);
//! `attrition` draws its two uniforms from a stream of its own, keyed like an input's
//! (`models.attrition`) and fresh at each use, so it never shifts the agents' draws nor
//! depends on the models before it; closed forms draw nothing. So one model replays
//! alone. Allocates nothing without a trace.

use bargain_core::events::{TimedOutcome, Timeline};
use bargain_core::strategy::Strategy;
use bargain_core::{Model, Negotiation, Outcome, Side, Trace};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::scenario::{SampleCtx, Scenario};

/// The stream key of the `attrition` model's draws (no input has this path).
pub const ATTRITION_STREAM: &str = "models.attrition";

/// The generators of one trial: the trial's own (what the models continue from, the
/// agents' breakdown draws) and the `attrition` model's stream.
#[derive(Debug, Clone)]
pub struct TrialRng {
    /// The trial's generator, [`crate::ensemble::trial_rng`]`(seed, trial)`.
    pub main: Xoshiro256PlusPlus,
    /// The run's seed and the trial: what the `attrition` model's stream is keyed by
    /// (built at each use, so nothing is paid without that model).
    seed: u64,
    trial: u64,
}

impl TrialRng {
    /// The generators of trial `trial` of a run with `seed`: `main` is
    /// [`crate::ensemble::trial_rng`]`(seed, trial)`.
    #[must_use]
    pub fn new(seed: u64, trial: u64) -> Self {
        Self::with_main(crate::scenario::trial_rng(seed, trial), seed, trial)
    }

    fn with_main(main: Xoshiro256PlusPlus, seed: u64, trial: u64) -> Self {
        Self { main, seed, trial }
    }

    /// The `attrition` model's stream of this trial, at its start.
    fn attrition(&self) -> Xoshiro256PlusPlus {
        let key = crate::scenario::stream_key(ATTRITION_STREAM);
        crate::scenario::input_rng(self.seed, self.trial, key)
    }
}

/// Per-worker scratch state carried from trial to trial: core's opaque workspace.
/// Results never depend on it.
pub use bargain_core::Workspace;

/// Draw trial `trial` of a run (`seed`, `trials`): the sampled negotiation and the
/// trial's generators, in the state the models continue from. The sampled inputs are
/// written to `inputs` (see [`Scenario::sample`]).
pub fn draw(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    trial: u64,
    inputs: &mut [f64],
) -> (Negotiation, TrialRng) {
    let ctx = SampleCtx {
        trial,
        trials,
        seed,
    };
    let (n, main) = scenario.draw_trial(ctx, inputs);
    (n, TrialRng::with_main(main, seed, trial))
}

/// The outcome of a drawn negotiation under `model` (the same as
/// `negotiation.outcome(model, ..)`, reusing the worker's workspace).
pub fn outcome(
    negotiation: &Negotiation,
    model: Model,
    rng: &mut TrialRng,
    trace: Option<&mut Trace>,
    ws: &mut Workspace,
) -> Outcome {
    if model == Model::Attrition {
        let mut own = rng.attrition();
        return negotiation.outcome_with(model, &mut own, trace, ws);
    }
    negotiation.outcome_with(model, &mut rng.main, trace, ws)
}

/// The outcome of a drawn negotiation under `model` with the trial's `timeline` of
/// events and veto rule (`Negotiation::outcome_in`). The `attrition` model plays from
/// its own stream, as in [`outcome`] (the same draws: without events and with
/// `on_veto = "end"` the same outcome), over the costs in force between the events.
pub fn timed_outcome(
    negotiation: &Negotiation,
    timeline: &Timeline,
    model: Model,
    rng: &mut TrialRng,
    trace: Option<&mut Trace>,
    ws: &mut Workspace,
) -> TimedOutcome {
    if model == Model::Attrition {
        let mut own = rng.attrition();
        return negotiation.outcome_in(timeline, model, &mut own, trace, ws);
    }
    negotiation.outcome_in(timeline, model, &mut rng.main, trace, ws)
}

/// The `attrition` model's play of a drawn negotiation under the trial's `timeline`:
/// each side's type, the concession time and who conceded, from the same draws as
/// [`timed_outcome`]. With events (or `on_veto = "resume"`) the draw and the outcome are
/// those of the game over the costs in force between the events
/// (`bargain_core::events::attrition`); the equilibrium shown keeps the first meeting's
/// hazards before and after the expiry, with that game's end time and atoms.
#[must_use]
pub fn attrition_play(
    negotiation: &Negotiation,
    timeline: &Timeline,
    rng: &TrialRng,
) -> bargain_core::attrition::AttritionPlay {
    let plain = bargain_core::attrition::play(negotiation, &mut rng.attrition());
    let Some(cal) = &negotiation.calendar else {
        return plain;
    };
    if timeline.is_empty() && timeline.on_veto == bargain_core::events::OnVeto::End {
        return plain;
    }
    let timed =
        bargain_core::events::attrition::play_in(negotiation, cal, timeline, &mut rng.attrition());
    let mut game = plain.game;
    if let (Some(eq), Some(pieces)) = (game.equilibrium.as_mut(), timed.game) {
        eq.end = pieces.end;
        eq.atom = pieces.atom;
    }
    bargain_core::attrition::AttritionPlay {
        game,
        draw: timed.draw,
        outcome: timed.outcome,
    }
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
/// them), drawn for its sampled `negotiation` into `out`; an event that changes
/// `round_months` changes `negotiation`'s calendar (its pace). `inputs`: the trial's
/// input values as [`draw`] (or `Scenario::at_quantiles`) wrote them, which an event's
/// change of a `[context]` quantity starts from (see `Scenario::draw_timeline`).
#[allow(clippy::too_many_arguments)]
pub fn draw_timeline(
    scenario: &Scenario,
    seed: u64,
    trials: u64,
    trial: u64,
    inputs: &[f64],
    negotiation: &mut Negotiation,
    out: &mut Timeline,
) {
    let ctx = SampleCtx {
        trial,
        trials,
        seed,
    };
    scenario.draw_timeline(ctx, inputs, negotiation, out);
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
    let (mut negotiation, mut rng) = draw(scenario, seed, trials, trial, inputs);
    if scenario.has_timeline() {
        let mut tl = Timeline::default();
        draw_timeline(
            scenario,
            seed,
            trials,
            trial,
            inputs,
            &mut negotiation,
            &mut tl,
        );
        for (i, &model) in models.iter().enumerate() {
            let t = timed_outcome(&negotiation, &tl, model, &mut rng, None, ws);
            each(i, &negotiation, &t);
        }
        return;
    }
    for (i, &model) in models.iter().enumerate() {
        let outcome = outcome(&negotiation, model, &mut rng, None, ws);
        each(i, &negotiation, &TimedOutcome { outcome, vetoes: 0 });
    }
}

/// Trial `trial`'s values of the scenario's event draws
/// ([`Scenario::event_draws`]: a date as days from the calendar's start, whether the
/// event happens as 1 or 0) into `out`.
pub fn event_draws(scenario: &Scenario, seed: u64, trials: u64, trial: u64, out: &mut [f64]) {
    let ctx = SampleCtx {
        trial,
        trials,
        seed,
    };
    scenario.event_draw_values(ctx, out);
}

/// The `agents` outcome of a drawn negotiation with `side`'s negotiator supplied by the
/// caller (`Negotiation::agents_with`: the same protocol and draws as [`outcome`] under
/// `Model::Agents`, the other party keeping its own strategy). Not for scenarios with a
/// timeline (the caller refuses them).
pub fn agents_outcome_with<S: Strategy + ?Sized>(
    negotiation: &Negotiation,
    side: Side,
    strategy: &mut S,
    rng: &mut TrialRng,
    trace: Option<&mut Trace>,
    ws: &mut Workspace,
) -> Outcome {
    negotiation.agents_with(side, strategy, &mut rng.main, trace, ws)
}
