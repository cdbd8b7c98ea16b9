//! The sampling plan: a central negotiation plus the inputs that vary, and the hot-path draw.

use bargain_core::{Negotiation, Preset, Side};
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::context::{Formula, MAX_CONTEXT};
use super::correlation::{Copula, MAX_CORRELATED};
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
    /// A `[context]` quantity: its value goes to this slot of the trial's context values
    /// (which expressions read), not into the negotiation.
    Context(usize),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Field(def, side) => write!(f, "Field({}, {side:?})", def.key),
            Target::Preset(def, side) => write!(f, "Preset({}, {side:?})", def.key),
            Target::Unapplied => f.write_str("Unapplied"),
            Target::Context(slot) => write!(f, "Context({slot})"),
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
            Target::Unapplied | Target::Context(_) => {}
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

/// What ties inputs together: `[context]` (its quantities' central values by slot, and
/// the compiled expressions that [`Dist::Derived`] inputs evaluate) and
/// `[[correlation]]` (the copula). Empty for a scenario without either, whose draws then
/// take the plain path of [`Plan::sample`] unchanged.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    /// Every context quantity's central value (a constant's value), by slot (the names
    /// in alphabetical order).
    pub context: Vec<f64>,
    /// The compiled expressions, indexed by [`Dist::Derived`]'s `formula`.
    pub formulas: Vec<Formula>,
    /// The Gaussian copula of the correlated inputs, if any.
    pub copula: Option<Copula>,
}

impl Links {
    /// Whether the scenario has neither context, expressions nor correlations.
    pub(crate) fn is_empty(&self) -> bool {
        self.context.is_empty() && self.formulas.is_empty() && self.copula.is_none()
    }

    /// The context values of a trial at the first meeting, by slot: the central values,
    /// each uncertain quantity at its value in `drawn` (the trial's values of `inputs`,
    /// as [`Links::draw_each`] or `at_quantiles` wrote them), or drawn again as
    /// [`Links::draw_each`] draws them when `drawn` is shorter than `inputs`. What an
    /// event's change of a context quantity starts from. Allocates nothing.
    pub(crate) fn trial_context<I: Drawn>(
        &self,
        inputs: &[I],
        drawn: &[f64],
        sampler: Sampler,
        ctx: SampleCtx,
    ) -> [f64; MAX_CONTEXT] {
        let mut values = self.context_values();
        let mut put = |input: &I, x: f64| {
            if let Some(slot) = input.context_slot()
                && let Some(v) = values.get_mut(slot)
            {
                *v = x;
            }
        };
        if drawn.len() >= inputs.len() {
            for (input, &x) in inputs.iter().zip(drawn) {
                put(input, x);
            }
        } else {
            self.draw_each(inputs, sampler, ctx, |_, input, x| put(input, x));
        }
        values
    }

    /// The context's central values in a fixed array (slots past the context unused).
    pub(crate) fn context_values(&self) -> [f64; MAX_CONTEXT] {
        let mut values = [0.0; MAX_CONTEXT];
        for (v, c) in values.iter_mut().zip(&self.context) {
            *v = *c;
        }
        values
    }

    /// Draw every one of `inputs` once for trial `ctx`, in order, handing each value to
    /// `each(j, input, x)`: **the one draw of a trial**, of one-issue plans and package
    /// scenarios alike. Each input draws from its own stream ([`draw`]); with links,
    /// context quantities (first in the input order) fill the trial's context values,
    /// which expressions ([`Dist::Derived`]) then read, and correlated inputs take their
    /// copula uniforms through their quantile functions. Without links every input takes
    /// the plain [`draw`], unchanged. Allocates nothing.
    pub(crate) fn draw_each<I: Drawn>(
        &self,
        inputs: &[I],
        sampler: Sampler,
        ctx: SampleCtx,
        mut each: impl FnMut(usize, &I, f64),
    ) {
        let key = crate::rng::trial_key(ctx.seed, ctx.trial);
        if self.is_empty() {
            for (j, input) in inputs.iter().enumerate() {
                let x = draw(
                    input.dist(),
                    input.integer(),
                    sampler,
                    ctx,
                    key,
                    input.stream(),
                );
                each(j, input, x);
            }
            return;
        }
        let mut values = self.context_values();
        let mut u = [0.5; MAX_CORRELATED];
        if let Some(c) = &self.copula {
            c.uniforms(sampler, ctx, key, &mut u);
        }
        for (j, input) in inputs.iter().enumerate() {
            let dist = input.dist();
            let x = if let Dist::Derived { formula, .. } = *dist {
                self.formulas
                    .get(formula)
                    .map_or_else(|| dist.central(), |f| f.eval(&values))
            } else if let Some(s) = self.copula.as_ref().and_then(|c| c.slot(j)) {
                let x = dist.quantile(u[s]);
                if input.integer() { x.round() } else { x }
            } else {
                draw(dist, input.integer(), sampler, ctx, key, input.stream())
            };
            if let Some(slot) = input.context_slot()
                && let Some(v) = values.get_mut(slot)
            {
                *v = x;
            }
            each(j, input, x);
        }
    }
}

/// What the one draw of a trial ([`Links::draw_each`]) needs of an input, whichever kind
/// of scenario holds it (a one-issue [`Input`] or a package input).
pub(crate) trait Drawn {
    /// Its field path (`parties.us.reservation`, `context.fx`).
    fn name(&self) -> &str;
    /// The key of its own random stream.
    fn stream(&self) -> u64;
    /// Its distribution.
    fn dist(&self) -> &Dist;
    /// Whether draws are rounded to integers.
    fn integer(&self) -> bool;
    /// The context slot its value fills, if it is a `[context]` quantity.
    fn context_slot(&self) -> Option<usize>;
    /// Its distribution, to change (validation widens an expression's range to what
    /// events' changes of its context quantities can bring it to).
    fn dist_mut(&mut self) -> &mut Dist;
    /// The event key its field is and the party whose it is (`None`: the protocol's),
    /// when it is a field of a kind events change (`reservation`, `breakdown_risk`, …;
    /// whether this kind of file lets events change it is the event scope's to say);
    /// `None` for other fields (strategy parameters, weights, power, …).
    fn event_key(&self) -> Option<(bargain_core::events::Key, Option<Side>)>;
}

/// Implement [`Drawn`] for an input struct with fields `name`, `stream`, `dist`,
/// `integer` and `target`, whose target variant `$context(slot)` is a context quantity
/// and whose event key is `$event_key(&input)` (the one-issue [`Input`] and the package
/// input alike).
macro_rules! impl_drawn {
    ($input:ty, $context:path, $event_key:path) => {
        impl $crate::sample::Drawn for $input {
            fn name(&self) -> &str {
                &self.name
            }
            fn stream(&self) -> u64 {
                self.stream
            }
            fn dist(&self) -> &$crate::dist::Dist {
                &self.dist
            }
            fn integer(&self) -> bool {
                self.integer
            }
            fn context_slot(&self) -> Option<usize> {
                match self.target {
                    $context(slot) => Some(slot),
                    _ => None,
                }
            }
            fn dist_mut(&mut self) -> &mut $crate::dist::Dist {
                &mut self.dist
            }
            fn event_key(&self) -> Option<(bargain_core::events::Key, Option<bargain_core::Side>)> {
                $event_key(self)
            }
        }
    };
}
pub(crate) use impl_drawn;

impl_drawn!(Input, Target::Context, Input::event_key_of);

impl Input {
    /// See [`Drawn::event_key`]: a party's `opening`, `reservation`, `ratification`,
    /// `lapse_cost`, `outside_option`, `discount`; the protocol's `breakdown_risk`.
    fn event_key_of(&self) -> Option<(bargain_core::events::Key, Option<Side>)> {
        use crate::fields::Scope;
        let Target::Field(def, side) = self.target else {
            return None;
        };
        let key = bargain_core::events::Key::from_name(def.key)?;
        match def.scope() {
            Scope::Party if key.is_party() => Some((key, Some(side))),
            Scope::Protocol if !key.is_party() => Some((key, None)),
            _ => None,
        }
    }
}

/// The compiled scenario: the negotiation at central values plus the varying inputs.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub central: Negotiation,
    pub inputs: Vec<Input>,
    /// Context, expressions and correlations (empty without them).
    pub links: Links,
}

impl Plan {
    /// Draw every input once, each from its own stream ([`Links::draw_each`]); see
    /// [`super::Scenario::sample`].
    pub(crate) fn sample(&self, sampler: Sampler, ctx: SampleCtx, out: &mut [f64]) -> Negotiation {
        let mut n = self.central.clone();
        self.links
            .draw_each(&self.inputs, sampler, ctx, |j, input, x| {
                if let Some(slot) = out.get_mut(j) {
                    *slot = x;
                }
                input.apply(&mut n, x);
            });
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
    /// Context quantities at their quantiles feed the expressions, which are evaluated
    /// (their own entries of `u` are ignored); correlations are not applied (each input
    /// at its own quantile).
    pub(crate) fn at_quantiles(&self, u: &[f64], out: &mut [f64]) -> Negotiation {
        let mut n = self.central.clone();
        let mut values = self.links.context_values();
        for (j, input) in self.inputs.iter().enumerate() {
            let x = if let Dist::Derived { formula, .. } = input.dist {
                let Some(f) = self.links.formulas.get(formula) else {
                    continue;
                };
                f.eval(&values)
            } else {
                let Some(&p) = u.get(j) else { continue };
                let x = input.dist.quantile(p.clamp(0.0, 1.0));
                if input.integer { x.round() } else { x }
            };
            if let Target::Context(slot) = input.target
                && let Some(v) = values.get_mut(slot)
            {
                *v = x;
            }
            if let Some(slot) = out.get_mut(j) {
                *slot = x;
            }
            input.apply(&mut n, x);
        }
        n
    }
}
