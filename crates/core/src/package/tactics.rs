//! The package negotiators besides NegMAS's aspiration negotiator: `faratin`,
//! `tit-for-tat` and `hardliner`, defined in utility space on the party's own sorted
//! outcomes ([`SortedOutcomes`]), and [`Tactic`], the choice among all four.
//!
//! Every tactic works on the party's own utility scale: `umax` is its best utility,
//! `umin = max(worst utility, reservation)` (as for [`AspirationNegotiator`]). Each
//! move it has a *target* utility and offers the outcome it likes least among those it
//! likes at least as much as the target (and at least as much as its reservation): the
//! first outcome at or above the target in its ascending order, ties by the tie rank.
//! It accepts the standing offer when it is worth at least its reservation and at least
//! the offer it would make now (so never an offer below its reservation). With no
//! outcome at or above its reservation it offers its best outcome and accepts nothing.
//!
//! - `time-based`: [`AspirationNegotiator`], unchanged (NegMAS 0.16 parity);
//! - `hardliner`: the target never moves from `umax`: it always offers its best
//!   outcome and accepts only an offer as good as that;
//! - `faratin` (Faratin, Sierra & Jennings 1998, time-dependent): target
//!   `umin + (1 − α(τ))·(umax − umin)` with the one-issue α(τ)
//!   ([`FaratinFamily::alpha`]: polynomial `κ + (1 − κ)·τ^(1/β)` or exponential), on the
//!   one-issue move clock: move `m = 2·step + by` is made at `τ = min(1, m / (2·n − 2))`
//!   for `n` steps, so the first mover's last move is at the deadline. Its target, and so
//!   the utility it offers itself, never rises; at `τ = 1` it accepts any offer worth its
//!   reservation;
//! - `tit-for-tat` (relative tit-for-tat, Faratin et al. 1998's imitative tactic, read
//!   as the one-issue `strategy::TitForTat`): it opens at `umax`. Each time the
//!   opponent makes a new offer, it measures the opponent's last concession in its own
//!   utility, `u(new) − u(previous)` (none if negative), as a share of the gap
//!   `umax − u(the opponent's opening offer)` (the distance, in its own utility, between
//!   the two openings; share 0 when there is no gap, at most 1), and lowers its target by
//!   that share of its own range `umax − umin` (never below `umin`). Its target is kept
//!   unrounded, so small concessions add up across the outcome grid. At its last move
//!   (the last step) it also accepts any offer worth its reservation;
//! - `learning` (Bayesian opponent modelling, Hindriks & Tykhonov 2008, as the one-issue
//!   `strategy::Learning`): a [`Belief`] over where the opponent's concession ends *in
//!   the learner's own utility* (its reservation seen from here), updated from the own
//!   utility of each opponent offer; its target is [`concession_target`] with top `umax`
//!   and floor `umin`, and it accepts as the other tactics do. Built
//!   [`Tactic::build_against`] its opponent, it also learns the opponent's issue weights
//!   ([`WeightModel`]): its goal becomes the estimated Nash point of the estimated zone in
//!   the outcome space ([`estimated_zone`], recomputed after each opponent offer; the
//!   target reaches it one step before the floor, [`concede_toward`]; the one-issue goal
//!   when no zone is estimated), and, of its outcomes within a band above its target
//!   (closing toward the deadline), it offers the one the estimated opponent utility
//!   ranks highest; built without (`build`, `build_cached`), it offers as the other
//!   tactics do.
//!
//! Building and running a negotiator allocates nothing: each borrows its profile's
//! [`SortedOutcomes`], and its search gallops from the last position it found.

use super::aspiration::{
    Aspiration, AspirationNegotiator, Decision, Negotiator, PackageOffer, PowerCache, Turn,
    lower_bound_from,
};
use super::opponent::{BAND, MAX_BAND_OUTCOMES, OpponentView, WeightModel};
use super::sorted::SortedOutcomes;
use super::zone::{ZoneEstimate, concede_toward, estimated_zone};
use crate::strategy::FaratinFamily;
use crate::strategy::learning::{Belief, Estimate, concession_target};

/// A party's package negotiator as chosen in a scenario: plain parameters, no state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tactic {
    /// NegMAS 0.16's `AspirationNegotiator` with this curve.
    TimeBased(Aspiration),
    /// Faratin's time-dependent tactic in utility space.
    Faratin {
        /// Concession shape: < 1 boulware, 1 linear, > 1 conceder.
        beta: f64,
        /// Initial concession in [0, 1] (clamped; 0 opens at the best outcome).
        kappa: f64,
        /// Polynomial or exponential α(τ).
        family: FaratinFamily,
    },
    /// Relative tit-for-tat in utility space.
    TitForTat,
    /// Always offers its best outcome.
    Hardliner,
    /// Bayesian opponent modelling in its own utility (see the module docs).
    Learning {
        /// Width of the prior, as a share of the gap from the opponent's first offer to
        /// `umax`.
        prior_width: f64,
        /// Number of hypotheses, 2..=64.
        hypotheses: u32,
        /// Exponent of its concession toward the goal.
        exponent: f64,
    },
}

impl Default for Tactic {
    /// NegMAS's default `AspirationNegotiator` (Boulware).
    fn default() -> Self {
        Tactic::TimeBased(Aspiration::default())
    }
}

impl Tactic {
    /// Build the negotiator of one party (its outcomes `sorted`, its `reservation`) for
    /// an `n_steps` negotiation. Allocates nothing.
    #[must_use]
    pub fn build<'a>(
        &self,
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
    ) -> TacticNegotiator<'a> {
        match *self {
            Tactic::TimeBased(curve) => TacticNegotiator::TimeBased(AspirationNegotiator::new(
                sorted,
                reservation,
                n_steps,
                curve,
            )),
            Tactic::Faratin {
                beta,
                kappa,
                family,
            } => TacticNegotiator::Faratin(FaratinNegotiator::new(
                sorted,
                reservation,
                n_steps,
                beta,
                kappa,
                family,
            )),
            Tactic::TitForTat => {
                TacticNegotiator::TitForTat(TitForTatNegotiator::new(sorted, reservation, n_steps))
            }
            Tactic::Hardliner => {
                TacticNegotiator::Hardliner(HardlinerNegotiator::new(sorted, reservation, n_steps))
            }
            Tactic::Learning {
                prior_width,
                hypotheses,
                exponent,
            } => TacticNegotiator::Learning(LearningNegotiator::new(
                sorted,
                reservation,
                n_steps,
                prior_width,
                hypotheses,
                exponent,
            )),
        }
    }

    /// Make sure `cache` holds what [`Tactic::build_cached`] reads for an `n_steps`
    /// negotiation (the time-based curve's powers); nothing for the other kinds.
    pub fn prepare(&self, cache: &mut PowerCache, n_steps: u32) {
        if let Tactic::TimeBased(curve) = self {
            cache.prepare(n_steps, curve.exponent);
        }
    }

    /// As [`Tactic::build`], reading a time-based curve's `τ^exponent` from `cache` when
    /// it holds them ([`Tactic::prepare`]): the same negotiator, bit for bit, without a
    /// `powf` per step. Allocates nothing.
    #[must_use]
    pub fn build_cached<'a>(
        &self,
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
        cache: &'a PowerCache,
    ) -> TacticNegotiator<'a> {
        match *self {
            Tactic::TimeBased(curve) => match cache.get(n_steps, curve.exponent) {
                Some(powers) => TacticNegotiator::TimeBased(AspirationNegotiator::with_powers(
                    sorted,
                    reservation,
                    powers,
                    curve,
                )),
                None => self.build(sorted, reservation, n_steps),
            },
            _ => self.build(sorted, reservation, n_steps),
        }
    }

    /// As [`Tactic::build_cached`], for a party whose opponent is `opponent`: a
    /// `learning` tactic also learns the opponent's issue weights
    /// ([`LearningNegotiator::against`]); the other tactics are built as by
    /// [`Tactic::build_cached`]. Allocates nothing.
    #[must_use]
    pub fn build_against<'a>(
        &self,
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
        cache: &'a PowerCache,
        opponent: OpponentView<'a>,
    ) -> TacticNegotiator<'a> {
        match self.build_cached(sorted, reservation, n_steps, cache) {
            TacticNegotiator::Learning(l) => TacticNegotiator::Learning(l.against(opponent)),
            other => other,
        }
    }

    /// The scenario name of the tactic (`time-based`, `faratin`, `tit-for-tat`,
    /// `hardliner`, `learning`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Tactic::TimeBased(_) => "time-based",
            Tactic::Faratin { .. } => "faratin",
            Tactic::TitForTat => "tit-for-tat",
            Tactic::Hardliner => "hardliner",
            Tactic::Learning { .. } => "learning",
        }
    }
}

/// A built negotiator of any [`Tactic`] (static dispatch; building it allocates nothing).
/// The learner's variant is the largest (its fixed-size weight model); it is not boxed,
/// since building must not allocate.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum TacticNegotiator<'a> {
    /// See [`AspirationNegotiator`].
    TimeBased(AspirationNegotiator<'a>),
    /// See [`FaratinNegotiator`].
    Faratin(FaratinNegotiator<'a>),
    /// See [`TitForTatNegotiator`].
    TitForTat(TitForTatNegotiator<'a>),
    /// See [`HardlinerNegotiator`].
    Hardliner(HardlinerNegotiator<'a>),
    /// See [`LearningNegotiator`].
    Learning(LearningNegotiator<'a>),
}

impl Negotiator for TacticNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        match self {
            TacticNegotiator::TimeBased(n) => n.n_steps(),
            TacticNegotiator::Faratin(n) => n.n_steps(),
            TacticNegotiator::TitForTat(n) => n.n_steps(),
            TacticNegotiator::Hardliner(n) => n.n_steps(),
            TacticNegotiator::Learning(n) => n.n_steps(),
        }
    }

    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision {
        match self {
            TacticNegotiator::TimeBased(n) => n.decide(at, standing),
            TacticNegotiator::Faratin(n) => n.decide(at, standing),
            TacticNegotiator::TitForTat(n) => n.decide(at, standing),
            TacticNegotiator::Hardliner(n) => n.decide(at, standing),
            TacticNegotiator::Learning(n) => n.decide(at, standing),
        }
    }
}

/// A party's own utility scale and its offer search (shared by the tactics).
#[derive(Debug, Clone, Copy)]
struct Ladder<'a> {
    sorted: &'a SortedOutcomes,
    reservation: f64,
    umin: f64,
    umax: f64,
    /// First sorted position with `u >= reservation` (`len` if none).
    first_rational: usize,
    /// Last position found: targets only fall, so the next search gallops from here.
    hint: usize,
}

impl<'a> Ladder<'a> {
    fn new(sorted: &'a SortedOutcomes, reservation: f64) -> Self {
        Self {
            sorted,
            reservation,
            umin: sorted.min().max(reservation),
            umax: sorted.max(),
            first_rational: sorted.first_at_least(reservation),
            hint: sorted.len(),
        }
    }

    /// `umin + share·(umax − umin)` for `share` in [0, 1].
    fn at_share(&self, share: f64) -> f64 {
        self.umin + share * (self.umax - self.umin)
    }

    /// The outcome offered for `target` and its utility: the first rational outcome (in
    /// ascending utility) at or above the target (clamped into `[umin, umax]`); the best
    /// outcome when no outcome is rational.
    fn pick(&mut self, target: f64) -> (u32, f64) {
        let s = self.sorted;
        let n = s.len();
        if self.first_rational >= n {
            return (s.order()[n - 1], s.sorted()[n - 1]);
        }
        let target = target.min(self.umax).max(self.umin);
        let p = lower_bound_from(s.sorted(), self.first_rational, self.hint, target);
        self.hint = p;
        let p = p.min(n - 1);
        (s.order()[p], s.sorted()[p])
    }

    /// Whether `offer` is worth its reservation and at least `own` (the utility of the
    /// offer it would make now).
    fn acceptable(&self, offer: u32, own: f64) -> bool {
        let u = self.sorted.utility(offer);
        u >= self.reservation && u >= own
    }

    /// Accept `standing` if acceptable against the offer `(o, u)`; else offer `o`.
    fn answer(&self, standing: Option<u32>, (o, u): (u32, f64)) -> Decision {
        match standing {
            Some(s) if self.acceptable(s, u) => Decision::Accept,
            _ => Decision::Offer(o),
        }
    }
}

/// Always offers its best outcome (the first of the best run in tie order); accepts
/// only offers worth as much (and worth its reservation).
#[derive(Debug, Clone, Copy)]
pub struct HardlinerNegotiator<'a> {
    ladder: Ladder<'a>,
    n_steps: u32,
    offer: (u32, f64),
}

impl<'a> HardlinerNegotiator<'a> {
    /// A hardliner over `sorted` with the given reservation, for `n_steps` steps.
    #[must_use]
    pub fn new(sorted: &'a SortedOutcomes, reservation: f64, n_steps: u32) -> Self {
        let mut ladder = Ladder::new(sorted, reservation);
        let offer = ladder.pick(ladder.umax);
        Self {
            ladder,
            n_steps,
            offer,
        }
    }
}

impl Negotiator for HardlinerNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        self.n_steps
    }

    fn decide(&mut self, _at: Turn, standing: Option<u32>) -> Decision {
        self.ladder.answer(standing, self.offer)
    }
}

/// Faratin's time-dependent tactic on its own utility scale (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct FaratinNegotiator<'a> {
    ladder: Ladder<'a>,
    n_steps: u32,
    beta: f64,
    kappa: f64,
    family: FaratinFamily,
    /// Moves from τ = 0 to τ = 1: `2·n_steps − 2`.
    span: f64,
}

impl<'a> FaratinNegotiator<'a> {
    /// A Faratin negotiator over `sorted` with the given reservation, for `n_steps`
    /// steps; `kappa` is clamped to [0, 1].
    #[must_use]
    pub fn new(
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
        beta: f64,
        kappa: f64,
        family: FaratinFamily,
    ) -> Self {
        Self {
            ladder: Ladder::new(sorted, reservation),
            n_steps,
            beta,
            kappa: kappa.clamp(0.0, 1.0),
            family,
            span: f64::from((2 * n_steps).saturating_sub(2)),
        }
    }

    /// Relative time of move `at`: `min(1, (2·step + by) / (2·n_steps − 2))`.
    #[must_use]
    pub fn tau(&self, at: Turn) -> f64 {
        if self.span <= 0.0 {
            1.0
        } else {
            (f64::from(at.index()) / self.span).min(1.0)
        }
    }

    /// Its target utility at move `at`: `umin + (1 − α(τ))·(umax − umin)`.
    #[must_use]
    pub fn target(&self, at: Turn) -> f64 {
        let a = self.family.alpha(self.beta, self.kappa, self.tau(at));
        self.ladder.at_share(1.0 - a)
    }
}

impl Negotiator for FaratinNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        self.n_steps
    }

    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision {
        let offer = self.ladder.pick(self.target(at));
        self.ladder.answer(standing, offer)
    }
}

/// Relative tit-for-tat on its own utility scale (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct TitForTatNegotiator<'a> {
    ladder: Ladder<'a>,
    n_steps: u32,
    /// Its current target utility (starts at `umax`).
    target: f64,
    /// Own utilities of the opponent's opening offer and of its latest offer.
    seen: Option<(f64, f64)>,
}

impl<'a> TitForTatNegotiator<'a> {
    /// A tit-for-tat negotiator over `sorted` with the given reservation, for `n_steps`
    /// steps.
    #[must_use]
    pub fn new(sorted: &'a SortedOutcomes, reservation: f64, n_steps: u32) -> Self {
        let ladder = Ladder::new(sorted, reservation);
        Self {
            target: ladder.umax,
            ladder,
            n_steps,
            seen: None,
        }
    }

    /// Its current target utility.
    #[must_use]
    pub fn target(&self) -> f64 {
        self.target
    }

    /// Take in the opponent's new offer (own utility `u`) and concede in kind.
    fn observe(&mut self, u: f64) {
        let l = &self.ladder;
        match self.seen {
            None => self.seen = Some((u, u)),
            Some((opening, previous)) => {
                let gap = l.umax - opening;
                let share = if gap > 0.0 {
                    ((u - previous).max(0.0) / gap).min(1.0)
                } else {
                    0.0
                };
                self.target = (self.target - share * (l.umax - l.umin)).max(l.umin);
                self.seen = Some((opening, u));
            }
        }
    }
}

impl Negotiator for TitForTatNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        self.n_steps
    }

    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision {
        if let Some(s) = standing {
            self.observe(self.ladder.sorted.utility(s));
        }
        let offer = self.ladder.pick(self.target);
        match standing {
            Some(s)
                if at.step + 1 >= self.n_steps
                    && self.ladder.sorted.utility(s) >= self.ladder.reservation =>
            {
                Decision::Accept
            }
            _ => self.ladder.answer(standing, offer),
        }
    }
}

/// A package learner's belief after one of the opponent's offers, as a replay shows it
/// ([`LearningNegotiator::beliefs_after`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Believed {
    /// The offer's index in the trace.
    pub offer: usize,
    /// Where it estimates the opponent's concession ends, in its own utility.
    pub estimate: Estimate,
    /// Its goal ([`LearningNegotiator::goal`]).
    pub goal: Option<f64>,
    /// Its estimated zone, if any ([`LearningNegotiator::zone`]).
    pub zone: Option<ZoneEstimate>,
    /// The opponent's estimated weights, one per issue (empty without a weight model).
    pub weights: Vec<f64>,
}

/// Bayesian opponent modelling on its own utility scale (see the module docs), with a
/// model of the opponent's issue weights when built [`LearningNegotiator::against`] it.
#[derive(Debug, Clone, Copy)]
pub struct LearningNegotiator<'a> {
    ladder: Ladder<'a>,
    n_steps: u32,
    exponent: f64,
    belief: Belief,
    weights: Option<WeightModel<'a>>,
    /// The posterior mean of the belief (`L̂`) after the latest offer.
    end: Option<f64>,
    /// The estimated zone after the latest offer (with a weight model).
    zone: Option<ZoneEstimate>,
    /// Whether the estimated zone sets its goal (else the weight model only picks in
    /// the band).
    zone_goal: bool,
}

impl<'a> LearningNegotiator<'a> {
    /// A learner over `sorted` with the given reservation, for `n_steps` steps.
    #[must_use]
    pub fn new(
        sorted: &'a SortedOutcomes,
        reservation: f64,
        n_steps: u32,
        prior_width: f64,
        hypotheses: u32,
        exponent: f64,
    ) -> Self {
        let ladder = Ladder::new(sorted, reservation);
        Self {
            belief: Belief::new(ladder.umax, prior_width, hypotheses, n_steps),
            ladder,
            n_steps,
            exponent,
            weights: None,
            end: None,
            zone: None,
            zone_goal: true,
        }
    }

    /// The same learner, also learning the issue weights of the opponent `view`
    /// ([`WeightModel`]; none with one issue or more than
    /// [`opponent::MAX_ISSUES`](super::opponent::MAX_ISSUES)), and offering, of its
    /// outcomes within [`BAND`] of its target, the one the estimated opponent utility
    /// ranks highest. Allocates nothing.
    #[must_use]
    pub fn against(mut self, view: OpponentView<'a>) -> Self {
        self.weights = WeightModel::new(view, self.n_steps);
        self
    }

    /// The same learner whose weight model, if it has one, only picks among the outcomes
    /// of the band (L6), its goal staying the one-issue goal of (L3), as before the
    /// estimated zone (L7)–(L8) existed: for comparisons (`zone_goal == false`). It then
    /// estimates no zone. Allocates nothing.
    #[must_use]
    pub fn with_zone_goal(mut self, zone_goal: bool) -> Self {
        self.zone_goal = zone_goal;
        self
    }

    /// Its model of the opponent's issue weights, if it has one.
    #[must_use]
    pub fn weight_model(&self) -> Option<&WeightModel<'a>> {
        self.weights.as_ref()
    }

    /// The outcome it offers in step `step` for the target pick `(o, u)`: with a weight
    /// model, of its outcomes worth `u` to `u + BAND·(umax − umin)·(1 − φ)` (`φ = step/(n
    /// − 1)`: the band closes toward the deadline, and in the last step only outcomes
    /// worth exactly `u` remain, so its last offer is worth no more to it than without
    /// the model; at most [`MAX_BAND_OUTCOMES`] of them, upward from `o`), the first that
    /// the estimated opponent utility ranks highest; else `o`.
    fn in_band(&self, step: u32, (o, u): (u32, f64)) -> u32 {
        let (Some(m), l) = (&self.weights, &self.ladder) else {
            return o;
        };
        let (sorted, order) = (l.sorted.sorted(), l.sorted.order());
        let n = sorted.len();
        if l.first_rational >= n {
            return o;
        }
        let start = l.hint.min(n - 1);
        let phi = if self.n_steps > 1 {
            (f64::from(step) / f64::from(self.n_steps - 1)).min(1.0)
        } else {
            1.0
        };
        let upper = u + BAND * (l.umax - l.umin) * (1.0 - phi);
        let (mut best, mut best_u) = (o, m.utility(o));
        for p in (start + 1..n).take(MAX_BAND_OUTCOMES - 1) {
            if sorted[p] > upper {
                break;
            }
            let x = m.utility(order[p]);
            if x > best_u {
                (best, best_u) = (order[p], x);
            }
        }
        best
    }

    /// Take in the opponent's offer `outcome` made in step `step`: what `decide` does
    /// with each standing offer, and what a replay calls to show the estimate.
    ///
    /// After the updates it computes its estimate `L̂` and, with a weight model, the
    /// estimated zone and its Nash point ([`estimated_zone`]): once per opponent offer,
    /// since nothing they depend on changes in between.
    pub fn observe(&mut self, outcome: u32, step: u32) {
        self.belief
            .observe(self.ladder.sorted.utility(outcome), step);
        self.end = self.belief.estimate_mean().map(|e| e.mean);
        if let Some(m) = &mut self.weights {
            m.observe(outcome, step);
            if !self.zone_goal {
                return;
            }
            let l = &self.ladder;
            self.zone = self.end.and_then(|end| {
                estimated_zone(l.sorted, l.first_rational, l.umin, end, m, outcome)
            });
        }
    }

    /// Its estimated zone of agreement after the latest offer: `None` without a weight
    /// model, before any offer, or when no zone is estimated.
    #[must_use]
    pub fn zone(&self) -> Option<ZoneEstimate> {
        self.zone
    }

    /// Its goal: the own utility it concedes toward (see the module docs), `None`
    /// before any offer. With an estimated zone its Nash point's utility; else the
    /// one-issue goal, the midpoint of `[umin, L̂]` (capped at `umax`), or `umin` when
    /// `L̂ < umin`.
    #[must_use]
    pub fn goal(&self) -> Option<f64> {
        let l = &self.ladder;
        match (self.zone, self.end) {
            (Some(z), _) => Some(z.goal),
            (None, Some(e)) if e >= l.umin => Some((0.5 * (l.umin + e)).min(l.umax)),
            (None, Some(_)) => Some(l.umin),
            (None, None) => None,
        }
    }

    /// Its estimate of where the opponent's concession ends, in its own utility.
    #[must_use]
    pub fn estimate(&self) -> Option<Estimate> {
        self.belief.estimate()
    }

    /// Its estimates after each of the opponent's offers among `offers` (a trace of its
    /// talks, where it moved `me`-th: 0 first, 1 second): `(index into offers, estimate in
    /// its own utility)`, the same updates as in the talks. For a replay; allocates the
    /// list.
    #[must_use]
    pub fn estimates_after(mut self, me: u8, offers: &[PackageOffer]) -> Vec<(usize, Estimate)> {
        let mut out = Vec::new();
        for (i, o) in offers.iter().enumerate() {
            if o.by == me {
                continue;
            }
            self.observe(o.outcome, o.step);
            if let Some(e) = self.estimate() {
                out.push((i, e));
            }
        }
        out
    }

    /// What it believed after each of the opponent's offers among `offers` (as
    /// [`LearningNegotiator::estimates_after`]): the estimate, its goal and, with a
    /// weight model, the opponent's estimated (posterior-mean) weights. For a replay;
    /// allocates the list.
    #[must_use]
    pub fn beliefs_after(mut self, me: u8, offers: &[PackageOffer]) -> Vec<Believed> {
        let mut out = Vec::new();
        for (i, o) in offers.iter().enumerate() {
            if o.by == me {
                continue;
            }
            self.observe(o.outcome, o.step);
            if let Some(estimate) = self.estimate() {
                out.push(Believed {
                    offer: i,
                    estimate,
                    goal: self.goal(),
                    zone: self.zone,
                    weights: self
                        .weights
                        .as_ref()
                        .map(|m| m.mean_weights().to_vec())
                        .unwrap_or_default(),
                });
            }
        }
        out
    }

    /// Its target utility in step `step`.
    #[must_use]
    pub fn target(&self, step: u32) -> f64 {
        let l = self.ladder;
        match self.zone {
            // Toward the estimated Nash point (its floor in the last step).
            Some(z) => concede_toward(l.umax, l.umin, z.goal, step, self.n_steps, self.exponent),
            // In its last step the target is its floor whatever the estimate.
            None => concession_target(l.umax, l.umin, self.end, step, self.n_steps, self.exponent),
        }
    }
}

impl Negotiator for LearningNegotiator<'_> {
    fn n_steps(&self) -> u32 {
        self.n_steps
    }

    fn decide(&mut self, at: Turn, standing: Option<u32>) -> Decision {
        if let Some(s) = standing {
            // The first mover answers the offer of the previous step.
            let step = if at.by == 0 {
                at.step.saturating_sub(1)
            } else {
                at.step
            };
            self.observe(s, step);
        }
        let pick = self.ladder.pick(self.target(at.step));
        // It accepts as against its target pick, and offers the band's best for the
        // opponent (the same outcome without a weight model).
        match standing {
            Some(s) if self.ladder.acceptable(s, pick.1) => Decision::Accept,
            _ => Decision::Offer(self.in_band(at.step, pick)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::aspiration::negotiate;

    fn opposed(n: u32) -> (SortedOutcomes, SortedOutcomes) {
        let up = (0..n).map(|k| f64::from(k) / f64::from(n - 1)).collect();
        let down = (0..n)
            .map(|k| 1.0 - f64::from(k) / f64::from(n - 1))
            .collect();
        (
            SortedOutcomes::from_utilities(up, u64::from),
            SortedOutcomes::from_utilities(down, u64::from),
        )
    }

    #[test]
    fn hardliner_offers_its_best_and_accepts_only_that() {
        let (up, _) = opposed(11);
        let mut h = HardlinerNegotiator::new(&up, 0.2, 10);
        let t = |step| Turn { step, by: 0 };
        assert_eq!(h.decide(t(0), None), Decision::Offer(10));
        assert_eq!(h.decide(t(9), Some(9)), Decision::Offer(10));
        assert_eq!(h.decide(t(9), Some(10)), Decision::Accept);
    }

    #[test]
    fn faratin_linear_concedes_evenly_and_ends_at_its_reservation() {
        let (up, _) = opposed(101);
        // n = 6 steps: span 10 moves; linear (β = 1, κ = 0) target 1 − τ·(1 − 0.3).
        let mut f = FaratinNegotiator::new(&up, 0.3, 6, 1.0, 0.0, FaratinFamily::Polynomial);
        let at = Turn { step: 2, by: 1 }; // move 5: τ = 0.5
        assert!((f.target(at) - 0.65).abs() < 1e-12);
        assert_eq!(f.decide(at, Some(3)), Decision::Offer(65));
        let last = Turn { step: 5, by: 0 }; // move 10: τ = 1
        assert_eq!(f.tau(last), 1.0);
        assert_eq!(f.decide(last, Some(30)), Decision::Accept);
        assert_eq!(f.decide(last, Some(29)), Decision::Offer(30));
    }

    #[test]
    fn tit_for_tat_mirrors_the_share_of_the_gap() {
        let (up, _) = opposed(101);
        let mut t = TitForTatNegotiator::new(&up, 0.0, 50);
        let at = |step| Turn { step, by: 1 };
        // Opponent opens at own utility 0.2: gap 0.8; no concession yet.
        assert_eq!(t.decide(at(0), Some(20)), Decision::Offer(100));
        // It moves to 0.4: a quarter of the gap; own range 1 → target 0.75.
        assert_eq!(t.decide(at(1), Some(40)), Decision::Offer(75));
        assert!((t.target() - 0.75).abs() < 1e-12);
        // Moving back is no concession.
        assert_eq!(t.decide(at(2), Some(30)), Decision::Offer(75));
        // At its last move it takes anything rational.
        assert_eq!(t.decide(at(49), Some(31)), Decision::Accept);
    }

    #[test]
    fn the_enum_runs_every_tactic_through_the_sao_loop() {
        let (up, down) = opposed(41);
        let tactics = [
            Tactic::default(),
            Tactic::Faratin {
                beta: 1.0,
                kappa: 0.0,
                family: FaratinFamily::Polynomial,
            },
            Tactic::TitForTat,
            Tactic::Hardliner,
        ];
        for a in tactics {
            for b in tactics {
                let deal = negotiate(a.build(&up, 0.2, 30), b.build(&down, 0.2, 30), None);
                // A hardliner's best is the other's worst here; two tit-for-tats never
                // start conceding.
                let stuck = a == Tactic::Hardliner
                    || b == Tactic::Hardliner
                    || (a == Tactic::TitForTat && b == Tactic::TitForTat);
                if let Some(d) = deal {
                    assert!(up.utility(d.outcome) >= 0.2 && down.utility(d.outcome) >= 0.2);
                }
                assert_eq!(deal.is_none(), stuck, "{} vs {}", a.kind(), b.kind());
            }
        }
    }
}
