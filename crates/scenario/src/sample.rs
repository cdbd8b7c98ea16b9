//! The sampling plan: a central negotiation plus the inputs that vary, and the hot-path draw.

use bargain_core::{Negotiation, Party, Preset, Side, StrategySpec};
use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::dist::Dist;
use super::lhs::Permutation;
use super::{SampleCtx, Sampler};

/// A party field that an input can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Opening,
    Reservation,
    Discount,
    Power,
    Ratification,
    OutsideOption,
    /// `strategy.preset`: the value is an index into the input's preset list.
    Preset,
    Exponent,
    MaxAspiration,
    Eps,
    Beta,
    Kappa,
}

/// Where a sampled value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    MaxRounds,
    BreakdownRisk,
    /// `calendar.round_months`.
    RoundMonths,
    /// A party's `lapse_cost`.
    LapseCost(Side),
    Party(Side, Field),
    /// A held input of a sweep variant whose field the variant no longer has: drawn (to
    /// keep the base run's streams), never applied.
    Unapplied,
}

/// One input that is a distribution.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub name: String,
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
            Target::MaxRounds => n.protocol.max_rounds = x as u32,
            Target::BreakdownRisk => n.protocol.breakdown_risk = x,
            Target::RoundMonths => {
                if let Some(c) = n.calendar.as_mut() {
                    c.round_months = x;
                }
            }
            Target::LapseCost(side) => {
                if let Some(c) = n.calendar.as_mut() {
                    c.lapse_cost[usize::from(side == Side::Payer)] = x;
                }
            }
            Target::Party(side, field) => {
                let party = match side {
                    Side::Payee => &mut n.payee,
                    Side::Payer => &mut n.payer,
                };
                let preset = self.presets.get(x as usize).copied();
                set_field(party, field, x, preset);
            }
        }
    }
}

fn set_field(p: &mut Party, field: Field, x: f64, preset: Option<Preset>) {
    match field {
        Field::Opening => p.opening = x,
        Field::Reservation => p.reservation = x,
        Field::Discount => p.discount = x,
        Field::Power => p.power = x,
        Field::Ratification => p.ratification = Some(x),
        Field::OutsideOption => p.outside_option = Some(x),
        _ => set_strategy(&mut p.strategy, field, x, preset),
    }
}

fn set_strategy(s: &mut StrategySpec, field: Field, x: f64, preset: Option<Preset>) {
    match (s, field) {
        (StrategySpec::TimeBased { exponent, .. }, Field::Preset) => {
            if let Some(p) = preset {
                *exponent = p.time_based_exponent();
            }
        }
        (StrategySpec::TimeBased { exponent, .. }, Field::Exponent) => *exponent = x,
        (StrategySpec::TimeBased { max_aspiration, .. }, Field::MaxAspiration) => {
            *max_aspiration = x;
        }
        (StrategySpec::TimeBased { eps, .. }, Field::Eps) => *eps = x,
        (StrategySpec::Faratin { beta, .. }, Field::Preset) => {
            if let Some(p) = preset {
                *beta = p.faratin_beta();
            }
        }
        (StrategySpec::Faratin { beta, .. }, Field::Beta) => *beta = x,
        (StrategySpec::Faratin { kappa, .. }, Field::Kappa) => *kappa = x,
        // Validation only creates inputs for fields of the party's strategy kind.
        _ => {}
    }
}

/// Draw input `j` of trial `ctx` from `dist` (Monte Carlo, or its Latin-hypercube
/// stratum), rounded when `integer`: the one draw every sampling plan makes per input.
pub(crate) fn draw(
    dist: &Dist,
    integer: bool,
    sampler: Sampler,
    ctx: SampleCtx,
    j: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> f64 {
    let x = match sampler {
        Sampler::MonteCarlo => dist.draw(rng),
        Sampler::LatinHypercube => {
            let trials = ctx.trials.max(1);
            let stratum = Permutation::new(trials, ctx.seed, j as u64).apply(ctx.trial);
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
    /// Draw every input once, in order; see [`super::Scenario::sample`].
    pub(crate) fn sample(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        rng: &mut Xoshiro256PlusPlus,
        out: &mut [f64],
    ) -> Negotiation {
        let mut n = self.central.clone();
        for (j, input) in self.inputs.iter().enumerate() {
            let x = draw(&input.dist, input.integer, sampler, ctx, j, rng);
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
        let mut rng = super::trial_rng(ctx.seed, ctx.trial);
        let n = self.sample(sampler, ctx, &mut rng, out);
        (n, rng)
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
