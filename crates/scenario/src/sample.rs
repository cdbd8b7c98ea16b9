//! The sampling plan: a central negotiation plus the inputs that vary, and the hot-path draw.

use bargain_core::{Negotiation, Preset, Side};
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::dist::Dist;
use super::fields::FieldDef;
use super::lhs::Permutation;
use super::{SampleCtx, Sampler};

/// Where a sampled value goes.
#[derive(Clone, Copy)]
pub(crate) enum Target {
    /// A field of the table (for party fields: of the party on the side).
    Field(&'static FieldDef, Side),
    /// `strategy.preset`: the value indexes the input's preset list; the preset sets
    /// this shape field (`exponent`, `beta`) of the party on the side.
    Preset(&'static FieldDef, Side),
    /// A held input of a sweep variant whose field the variant no longer has: drawn (to
    /// keep the base run's streams), never applied.
    Unapplied,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Field(def, side) => write!(f, "Field({}, {side:?})", def.key),
            Target::Preset(def, side) => write!(f, "Preset({}, {side:?})", def.key),
            Target::Unapplied => f.write_str("Unapplied"),
        }
    }
}

/// One input that is a distribution.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub name: String,
    /// The key of the input's own random stream ([`crate::stream_key`] of `name`).
    pub stream: u64,
    pub dist: Dist,
    pub target: Target,
    /// Round draws to integers (`max_rounds`).
    pub integer: bool,
    /// For `strategy.preset`: the options, indexed by the drawn value.
    pub presets: Vec<Preset>,
}

impl Input {
    fn apply(&self, n: &mut Negotiation, x: f64) {
        match self.target {
            Target::Unapplied => {}
            Target::Field(def, side) => def.set.apply(n, side, x),
            Target::Preset(shape, side) => {
                if let (Some(&p), Some(value)) = (self.presets.get(x as usize), shape.preset_shape)
                {
                    shape.set.apply(n, side, value(p));
                }
            }
        }
    }
}

/// Draw the input whose stream key is `stream` for trial `ctx` from `dist` (Monte Carlo,
/// or its Latin-hypercube stratum), rounded when `integer`: the one draw every sampling
/// plan makes per input (`trial_key` is the trial's [`crate::rng::trial_key`]). The draw
/// comes from the input's own generator ([`crate::input_rng`]) and its stratum from a permutation keyed by the same key, so
/// it depends on the seed, the trial and the input's path only.
pub(crate) fn draw(
    dist: &Dist,
    integer: bool,
    sampler: Sampler,
    ctx: SampleCtx,
    trial_key: u64,
    stream: u64,
) -> f64 {
    let mut rng = crate::rng::keyed_rng(trial_key, stream);
    let rng = &mut rng;
    let x = match sampler {
        Sampler::MonteCarlo => dist.draw(rng),
        Sampler::LatinHypercube => {
            let trials = ctx.trials.max(1);
            let stratum = Permutation::new(trials, ctx.seed, stream).apply(ctx.trial);
            let u = (stratum as f64 + rng.random::<f64>()) / trials as f64;
            dist.quantile(u.min(1.0))
        }
    };
    if integer { x.round() } else { x }
}

/// The compiled scenario: the negotiation at central values plus the varying inputs.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub central: Negotiation,
    pub inputs: Vec<Input>,
}

impl Plan {
    /// Draw every input once, each from its own stream; see [`super::Scenario::sample`].
    pub(crate) fn sample(&self, sampler: Sampler, ctx: SampleCtx, out: &mut [f64]) -> Negotiation {
        let mut n = self.central.clone();
        let key = crate::rng::trial_key(ctx.seed, ctx.trial);
        for (j, input) in self.inputs.iter().enumerate() {
            let x = draw(&input.dist, input.integer, sampler, ctx, key, input.stream);
            if let Some(slot) = out.get_mut(j) {
                *slot = x;
            }
            input.apply(&mut n, x);
        }
        n
    }

    /// Draw trial `ctx.trial` from its own generator; see [`super::Scenario::draw_trial`].
    pub(crate) fn draw_trial(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        out: &mut [f64],
    ) -> (Negotiation, Xoshiro256PlusPlus) {
        let n = self.sample(sampler, ctx, out);
        (n, super::trial_rng(ctx.seed, ctx.trial))
    }

    /// The negotiation with every input whose largest value is finite at that value (see
    /// `Dist::largest`), the others at their central values: with
    /// [`Plan::at_quantiles`] at 0 and 1, what bounds every amount a trial can hold.
    pub(crate) fn at_largest(&self, out: &mut [f64]) -> Negotiation {
        let mut n = self.central.clone();
        for (j, input) in self.inputs.iter().enumerate() {
            let Some(x) = input.dist.largest() else {
                continue;
            };
            if !input.presets.is_empty() {
                continue;
            }
            if let Some(slot) = out.get_mut(j) {
                *slot = x;
            }
            input.apply(&mut n, x);
        }
        n
    }

    /// The negotiation at the quantiles `u` (one in `[0, 1]` per input, in order):
    /// input `j` takes the value of its distribution's inverse CDF at `u[j]`; missing
    /// entries of `u` leave the input at its central value.
    pub(crate) fn at_quantiles(&self, u: &[f64], out: &mut [f64]) -> Negotiation {
        let mut n = self.central.clone();
        for (j, input) in self.inputs.iter().enumerate() {
            let Some(&p) = u.get(j) else { continue };
            let x = input.dist.quantile(p.clamp(0.0, 1.0));
            let x = if input.integer { x.round() } else { x };
            if let Some(slot) = out.get_mut(j) {
                *slot = x;
            }
            input.apply(&mut n, x);
        }
        n
    }
}
