//! Bayesian opponent modelling in the style of Hindriks & Tykhonov (2008): a discrete
//! hypothesis space over where the opponent's concession ends (its reservation, seen in
//! the learner's own utility), updated from each of its offers under an assumed
//! time-based concession with unknown exponent, and a concession rule that targets the
//! estimated zone of agreement. Equations and the reference: `docs/theory.md`,
//! "Learning agents".
//!
//! The model works on the learner's own utility scale (`top` = its best, its opening):
//! one-issue strategies map amounts onto the frame between the two openings (`0` at the
//! opponent's opening, `1` at its own), package negotiators use their own utility as it
//! is. Everything is fixed-size: building and updating a [`Belief`] allocates nothing.

use super::{Action, MoveContext, Setup, Strategy};
use crate::party::Side;
use crate::protocol::SnapGrid;
use crate::trace::TracedOffer;

/// The most reservation hypotheses a learner may hold (`hypotheses` is checked against
/// it when a scenario is read; [`Belief::new`] clamps to it).
pub const MAX_HYPOTHESES: u32 = 64;
/// The fewest reservation hypotheses (the two ends of the prior's range).
pub const MIN_HYPOTHESES: u32 = 2;
/// Default number of reservation hypotheses.
pub const DEFAULT_HYPOTHESES: u32 = 32;
/// Default width of the prior: the opponent's reservation anywhere between its first
/// offer and the learner's own best (1 = the whole way).
pub const DEFAULT_PRIOR_WIDTH: f64 = 1.0;
/// Default exponent of the learner's own concession toward its goal (1: linear).
pub const DEFAULT_EXPONENT: f64 = 1.0;
/// The exponents the opponent's time-based concession is assumed to have, one of them
/// unknown: conceder to boulware (NegMAS's presets are 0.25, 1 and 4), a quarter apart up
/// to 2, a half up to 4, then 5 and 6. Their powers are computed with square roots and
/// products only (no `powf`).
pub const EXPONENTS: [f64; 14] = [
    0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0,
];
/// The standard deviation of an observed offer around the assumed concession curve, as
/// a share of the gap between the opponent's first offer and the learner's best.
pub const NOISE: f64 = 0.05;

const NE: usize = EXPONENTS.len();
/// A posterior weight below `exp(NEGLIGIBLE_LN)` (about 1e-18) times the largest is
/// left out of the sums (at most 64 of them: a relative change below 1e-16).
const NEGLIGIBLE_LN: f64 = -41.5;

/// `τ^e` for every `e` of [`EXPONENTS`], bit-identical everywhere (no `powf`).
pub(crate) fn powers(tau: f64) -> [f64; NE] {
    let s = tau.sqrt();
    let q = s.sqrt();
    let t2 = tau * tau;
    let t4 = t2 * t2;
    let (tq, ts) = (tau * q, tau * s);
    let (t2s, t3) = (t2 * s, t2 * tau);
    [
        q,
        s,
        s * q,
        tau,
        tq,
        ts,
        ts * q,
        t2,
        t2s,
        t3,
        t3 * s,
        t4,
        t4 * tau,
        t4 * t2,
    ]
}

/// Whether `q/r` is as accurate as its `exp` (both normal, `r` not tiny).
fn ru_ok(q: f64, r: f64) -> bool {
    q >= f64::MIN_POSITIVE && r >= 1e-200 && r.is_finite()
}

/// The opponent's relative time at its offer in round `round` (0-based) of `rounds`:
/// `τ = (round + 1)/(rounds + 1)`, NegMAS's clock, at most 1.
pub(crate) fn opponent_tau(round: u32, rounds: u32) -> f64 {
    (f64::from(round) + 1.0) / (f64::from(rounds.max(1)) + 1.0)
}

/// The learner's estimate of where the opponent's concession ends, in the learner's own
/// utility: the posterior mean and standard deviation over the hypotheses.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Estimate {
    /// Posterior mean.
    pub mean: f64,
    /// Posterior standard deviation.
    pub sd: f64,
    /// Offers observed so far.
    pub observed: u32,
}

/// The learner's belief about the opponent: a uniform prior over `hypotheses`
/// reservations `L_j` (equally spaced from the opponent's first offer `x₀` to
/// `x₀ + prior_width·(top − x₀)`) times the [`EXPONENTS`]; each later offer `x_t` at the
/// opponent's time `τ_t` has likelihood `N(x_t; x₀ + (L − x₀)·w_e(τ_t), σ²)` with
/// `w_e(τ) = (τ^e − τ₀^e)/(1 − τ₀^e)`.
///
/// The log-likelihood of every hypothesis is a quadratic in `λ = L − x₀` whose
/// coefficients are two running sums per exponent (`Σ w²`, `Σ w·y`), so an update costs
/// a handful of products whatever the number of hypotheses. When asked
/// ([`Belief::estimate`]) the exponent is the one that fits the offers best (whose best
/// hypothesis has the largest likelihood: the exponent of maximum marginal likelihood,
/// type-II maximum likelihood or empirical Bayes), and the posterior is over the
/// reservation hypotheses under it. The same numbers as multiplying each hypothesis's
/// likelihoods one by one (checked in a unit test).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Belief {
    top: f64,
    prior_width: f64,
    hypotheses: u32,
    rounds: u32,
    /// The first offer `x₀` and, when there is anything to learn (`x₀` below `top`), the
    /// scales of the hypotheses' grid.
    first: Option<(f64, Option<GridScale>)>,
    /// Per exponent, `τ₀^e` and `1/(1 − τ₀^e)` (`0` when `τ₀ = 1`), set at the first
    /// offer.
    base: [(f64, f64); NE],
    sww: [f64; NE],
    swy: [f64; NE],
    /// The round the opponent's next offer is expected in and its `w_e(τ)`, worked out
    /// ahead (after the previous offer) so that an offer in that round does not wait for
    /// its powers of `τ`.
    ahead: (u32, [f64; NE]),
    observed: u32,
}

impl Belief {
    /// A belief before any offer: the learner's best utility `top`, the prior's width
    /// (share of the gap `top − x₀`), the number of reservation hypotheses (clamped to
    /// [`MIN_HYPOTHESES`]..=[`MAX_HYPOTHESES`]) and the rounds the opponent plans for.
    #[must_use]
    pub fn new(top: f64, prior_width: f64, hypotheses: u32, rounds: u32) -> Self {
        Self {
            top,
            prior_width,
            hypotheses: hypotheses.clamp(MIN_HYPOTHESES, MAX_HYPOTHESES),
            rounds,
            first: None,
            base: [(0.0, 0.0); NE],
            sww: [0.0; NE],
            swy: [0.0; NE],
            ahead: (u32::MAX, [0.0; NE]),
            observed: 0,
        }
    }

    /// Take in the opponent's offer worth `x` to the learner, made in round `round`
    /// (0-based). Allocates nothing.
    pub fn observe(&mut self, x: f64, round: u32) {
        self.observed += 1;
        let Some((x0, _)) = self.first else {
            self.first = Some((
                x,
                GridScale::new(self.top - x, self.prior_width, self.hypotheses),
            ));
            let tau = opponent_tau(round, self.rounds);
            for (b, p0) in self.base.iter_mut().zip(powers(tau)) {
                let d = 1.0 - p0;
                *b = (p0, if d > 0.0 { 1.0 / d } else { 0.0 });
            }
            self.ahead = (round + 1, self.ws(round + 1));
            return;
        };
        let w = if self.ahead.0 == round {
            self.ahead.1
        } else {
            self.ws(round)
        };
        let y = x - x0;
        let sums = self.sww.iter_mut().zip(&mut self.swy);
        for ((sww, swy), &w) in sums.zip(&w) {
            *sww += w * w;
            *swy += w * y;
        }
        self.ahead = (round + 1, self.ws(round + 1));
    }

    /// `w_e(τ)` of an offer in round `round`, for every exponent.
    #[inline(always)]
    fn ws(&self, round: u32) -> [f64; NE] {
        let p = powers(opponent_tau(round, self.rounds));
        std::array::from_fn(|k| {
            let (p0, inv_d) = self.base[k];
            (p[k] - p0) * inv_d
        })
    }

    /// The posterior over the reservation hypotheses: `None` before the first offer.
    /// When the opponent's first offer is already worth the learner's best, the estimate
    /// is that offer (nothing is left to learn).
    #[must_use]
    pub fn estimate(&self) -> Option<Estimate> {
        self.moments::<true>()
    }

    /// The posterior mean alone (what the talks use: [`Estimate::sd`] is `0`), bit for
    /// bit the mean of [`Belief::estimate`] (the same sums without the second moments).
    #[must_use]
    pub fn estimate_mean(&self) -> Option<Estimate> {
        self.moments::<false>()
    }

    /// The posterior's mean and, with `SD`, its standard deviation (else `0`).
    fn moments<const SD: bool>(&self) -> Option<Estimate> {
        let (x0, scale) = self.first?;
        let Some(GridScale { h, ah, bh }) = scale else {
            return Some(Estimate {
                mean: x0,
                sd: 0.0,
                observed: self.observed,
            });
        };
        let n = self.hypotheses;
        let last = f64::from(n - 1);
        // Per exponent, in units of the grid step (λ = j·h): log-likelihood
        // ll(j) = 2Bj − Aj² with A = a·h², B = b·h (the Σy² term is the same for every
        // hypothesis and cancels); its peak over the grid and its value there. Field by
        // field over the exponents (each pass vectorizes), then the best one's sums.
        let a = self.sww.map(|s| s * ah);
        let b = self.swy.map(|s| s * bh);
        let inv_a = a.map(|a| 1.0 / a);
        let c: [f64; NE] = std::array::from_fn(|k| b[k] * inv_a[k]);
        let j = c.map(|c| Fit::peak(c, last));
        let ll: [f64; NE] = std::array::from_fn(|k| (2.0 * b[k] - a[k] * j[k]) * j[k]);
        let k = first_max(&ll);
        let fit = Fit {
            a: a[k],
            inv_a: inv_a[k],
            b: b[k],
            c: c[k],
            j: j[k],
            ll: ll[k],
        };
        let (s0, s1, s2) = fit.sums::<SD>(n);
        let m = s1 / s0;
        let sd = if SD {
            h * (s2 / s0 - m * m).max(0.0).sqrt()
        } else {
            0.0
        };
        Some(Estimate {
            mean: x0 + h * m,
            sd,
            observed: self.observed,
        })
    }
}

/// The grid of reservation hypotheses, fixed at the opponent's first offer: the step
/// `h = prior_width·gap/(n − 1)` (`gap = top − x₀`) and the factors that turn the running
/// sums into the log-likelihood's coefficients in units of the step, `A = Σw²·h²/(2σ²)`
/// and `B = Σw·y·h/(2σ²)` (`σ = NOISE·gap`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct GridScale {
    h: f64,
    ah: f64,
    bh: f64,
}

impl GridScale {
    /// `None` when there is nothing to learn (no gap, or no width).
    fn new(gap: f64, prior_width: f64, n: u32) -> Option<Self> {
        let h = prior_width * gap / f64::from(n - 1);
        if !(gap > 0.0 && h > 0.0 && h.is_finite()) {
            return None;
        }
        let sigma = NOISE * gap;
        let inv = 1.0 / (2.0 * sigma * sigma);
        Some(Self {
            h,
            ah: inv * h * h,
            bh: inv * h,
        })
    }
}

/// The index of the largest of `v`, the first of equals.
#[inline(always)]
fn first_max(v: &[f64; NE]) -> usize {
    let pick = |x: (usize, f64), y: (usize, f64)| if y.1 > x.1 { y } else { x };
    // Two halves side by side, then the better of their winners (the lower half's on
    // ties): two chains of six comparisons instead of one of thirteen.
    const HALF: usize = NE / 2;
    const _: () = assert!(NE == 2 * HALF, "an even number of exponents");
    let (mut lo, mut hi) = ((0, v[0]), (HALF, v[HALF]));
    for k in 1..HALF {
        lo = pick(lo, (k, v[k]));
        hi = pick(hi, (HALF + k, v[HALF + k]));
    }
    pick(lo, hi).0
}

/// `⌊y⌋` for `0 ≤ y < 2⁵¹`, exactly and without a conversion to an integer (so that a
/// pass over the exponents vectorizes): adding and taking away `2⁵²` rounds `y` to an
/// integer, one less when it rounded up.
#[inline(always)]
fn floor_small(y: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let r = (y + TWO_52) - TWO_52;
    if r > y { r - 1.0 } else { r }
}

/// One exponent's fit in [`Belief::moments`], in units of the grid step: the
/// log-likelihood `ll(j) = 2Bj − Aj²` (`a` = A, `b` = B), its continuous peak `c = B/A`,
/// its peak `j` on the grid and `ll` there.
#[derive(Debug, Clone, Copy)]
struct Fit {
    a: f64,
    /// `1/a`.
    inv_a: f64,
    b: f64,
    c: f64,
    j: f64,
    ll: f64,
}

impl Fit {
    /// The peak on the grid `0 ..= last` of `ll(j) = 2bj − aj²` whose continuous peak is
    /// `c = b/a`: ∞ when a = 0 < b (the last hypothesis), −∞ or NaN when a = 0 ≥ b (the
    /// first); clamped to the grid (`max` takes 0 over NaN), then rounded half up.
    #[inline(always)]
    fn peak(c: f64, last: f64) -> f64 {
        floor_small(c.max(0.0).min(last) + 0.5)
    }

    /// `Σ p_j`, `Σ p_j·j` and (with `SD`) `Σ p_j·j²` over the hypotheses `j = 0 … n − 1`
    /// of this exponent, `p_j = exp(ll(j) − ll)` (`1` at the peak). Only the hypotheses
    /// whose weight is at least exp(NEGLIGIBLE_LN) are summed: ll(j) ≥ ll +
    /// NEGLIGIBLE_LN, an interval around the peak found with one square root, walked
    /// outward from the peak in both directions ([`walk`]: consecutive ratios follow
    /// r_{j+1} = r_j·exp(−2A), all at most 1 outward from the peak, so nothing
    /// overflows). A flat likelihood (no offer has told anything yet) is summed in
    /// closed form.
    #[inline(always)]
    fn sums<const SD: bool>(&self, n: u32) -> (f64, f64, f64) {
        let Fit {
            a,
            inv_a,
            b,
            c,
            j,
            ll,
        } = *self;
        let last = f64::from(n - 1);
        let floor_ll = ll + NEGLIGIBLE_LN;
        if a <= 0.0 && b == 0.0 {
            let nf = f64::from(n);
            let s2 = if SD {
                last * nf * (2.0 * last + 1.0) / 6.0
            } else {
                0.0
            };
            return (nf, nf * last / 2.0, s2);
        }
        // The exponentials first: they do not wait for the interval below.
        let q = (-2.0 * a).exp();
        let ru = (2.0 * b - a * (2.0 * j + 1.0)).exp();
        let (up, down) = if a > 0.0 {
            // (B·c − ℓ_min)/A = c² − ℓ_min/A: no second division. It is NaN only when
            // c is infinite (A all but 0): then every hypothesis is walked.
            let d2 = c * c - floor_ll * inv_a;
            let d = if d2.is_nan() {
                f64::INFINITY
            } else {
                d2.max(0.0).sqrt()
            };
            let hi = (c + d).min(last);
            let lo = (c - d).max(0.0);
            // Truncation is the floor here (non-negative differences).
            ((hi - j).max(0.0) as u32, (j - lo).max(0.0) as u32)
        } else {
            // A flat likelihood: every hypothesis.
            ((last - j) as u32, j as u32)
        };
        // The downward ratio is q/ru when both are normal numbers (one `exp` less).
        let rd = if ru_ok(q, ru) {
            q / ru
        } else {
            (a * (2.0 * j - 1.0) - 2.0 * b).exp()
        };
        let (u0, u1, u2) = walk::<SD>(ru, q, j, 1.0, up);
        let (d0, d1, d2) = walk::<SD>(rd, q, j, -1.0, down);
        let s2 = if SD { j * j + u2 + d2 } else { 0.0 };
        (1.0 + u0 + d0, j + u1 + d1, s2)
    }
}

/// Lanes of [`walk`]: independent running products, so the walk is bound by the
/// throughput of its multiplications rather than the latency of one chain.
const LANES: usize = 4;

/// The sums `Σ t_m`, `Σ t_m·j_m` and (with `SD`) `Σ t_m·j_m²` over the `count` terms
/// `m = 1 … count` walked from the peak `j` (weight 1) in direction `dir` (`±1`):
/// `t_m = t_{m−1}·r·q^{m−1}`, so `t_m = r^m·q^{m(m−1)/2}` (every factor at most 1
/// outward from the peak: nothing overflows). Term `m` sits in lane `(m − 1) mod 4`, and
/// each lane steps four terms at once with its own ratio `t_{m+4}/t_m = r⁴·q^{4m+6}` (`q^10`, `q^14`, … for the first terms),
/// itself multiplied by `q^16` each step. Allocates nothing.
#[inline(always)]
fn walk<const SD: bool>(r: f64, q: f64, j: f64, dir: f64, count: u32) -> (f64, f64, f64) {
    if count == 0 {
        return (0.0, 0.0, 0.0);
    }
    // The first term of each lane, and each lane's four-step ratio.
    let mut t = [0.0; LANES];
    let mut step = [0.0; LANES];
    let mut jj = [0.0; LANES];
    let (mut tm, mut rm) = (1.0, r);
    let q2 = q * q;
    let q4 = q2 * q2;
    let r2 = r * r;
    let q8 = q4 * q4;
    let mut ratio = r2 * r2 * q8 * q2;
    for l in 0..LANES {
        tm *= rm;
        rm *= q;
        t[l] = tm;
        step[l] = ratio;
        ratio *= q4;
        jj[l] = j + dir * (l as f64 + 1.0);
    }
    let q16 = q8 * q8;
    let dj = dir * LANES as f64;
    let (mut s0, mut s1, mut s2) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    let blocks = count / LANES as u32;
    for _ in 0..blocks {
        for l in 0..LANES {
            s0[l] += t[l];
            s1[l] += t[l] * jj[l];
            if SD {
                s2[l] += t[l] * jj[l] * jj[l];
            }
            t[l] *= step[l];
            step[l] *= q16;
            jj[l] += dj;
        }
    }
    // The last `count mod 4` terms are the lanes' next ones, in order.
    let rest = (count % LANES as u32) as usize;
    for l in 0..rest {
        s0[l] += t[l];
        s1[l] += t[l] * jj[l];
        if SD {
            s2[l] += t[l] * jj[l] * jj[l];
        }
    }
    let sum = |v: [f64; LANES]| (v[0] + v[1]) + (v[2] + v[3]);
    (sum(s0), sum(s1), if SD { sum(s2) } else { 0.0 })
}

/// The learner's target utility in its round `round` (0-based) of `rounds`, on a scale
/// whose best is `top`, with its reservation utility `floor` and the estimated end of
/// the opponent's concession `estimate` (`None` before any offer: it opens at `top`).
///
/// The goal is the estimated Nash point of the estimated zone `[floor, L̂]` (linear
/// utilities: its midpoint), or `floor` when no zone is estimated; the target concedes
/// from `top` toward it, `goal + (top − goal)·(1 − φ^exponent)` with `φ = round/(rounds −
/// 1)`, never below `floor`; in the first round it is `top` exactly (`φ = 0`: the
/// estimate is not needed) and in the last round `floor` (a last offer at the
/// reservation, and acceptance of anything within it).
#[must_use]
pub fn concession_target(
    top: f64,
    floor: f64,
    estimate: Option<f64>,
    round: u32,
    rounds: u32,
    exponent: f64,
) -> f64 {
    if round + 1 >= rounds {
        return floor;
    }
    let Some(l) = estimate.filter(|_| round > 0) else {
        return top;
    };
    let goal = if l >= floor {
        (0.5 * (floor + l)).min(top)
    } else {
        floor
    };
    let phi = f64::from(round) / f64::from(rounds - 1);
    // `powf(φ, 1)` is `φ` exactly: the default linear concession skips the call.
    let shape = if exponent == 1.0 {
        phi
    } else {
        phi.powf(exponent)
    };
    let t = goal + (top - goal) * (1.0 - shape);
    t.max(floor)
}

/// The learning strategy on one issue (see the module docs): its utility of an amount
/// is its position on the frame, `0` at the opponent's opening, `1` at its own.
#[derive(Debug, Clone)]
pub struct Learning {
    side: Side,
    /// The opponent's effective opening (utility 0).
    origin: f64,
    /// `±1/width`: utility per unit of amount.
    per_unit: f64,
    /// `1/per_unit`: amount per unit of utility.
    per_utility: f64,
    degenerate: bool,
    opening: f64,
    reservation: f64,
    /// The reservation's utility.
    floor: f64,
    grid: Option<SnapGrid>,
    rounds: u32,
    exponent: f64,
    belief: Belief,
}

impl Learning {
    /// Build for one negotiation (`hypotheses` clamped to [`MIN_HYPOTHESES`]..=
    /// [`MAX_HYPOTHESES`]). Allocates nothing.
    #[must_use]
    pub fn new(setup: Setup, prior_width: f64, hypotheses: u32, exponent: f64) -> Self {
        let side = setup.side();
        let frame = setup.public.frame;
        let width = frame.width();
        let degenerate = !(width > 0.0 && width.is_finite());
        let (origin, per_unit) = match side {
            Side::Payee => (frame.low, 1.0 / width),
            Side::Payer => (frame.high, -1.0 / width),
        };
        let rounds = setup.public.max_rounds;
        let mut s = Self {
            side,
            origin,
            per_unit,
            per_utility: 1.0 / per_unit,
            degenerate,
            opening: setup.opening(),
            reservation: setup.reservation(),
            floor: 0.0,
            grid: setup.public.grid.map(SnapGrid::new),
            rounds,
            exponent,
            belief: Belief::new(1.0, prior_width, hypotheses, rounds),
        };
        s.floor = s.utility(s.reservation).min(1.0);
        s
    }

    /// Its utility of `amount`.
    #[must_use]
    pub fn utility(&self, amount: f64) -> f64 {
        (amount - self.origin) * self.per_unit
    }

    /// The amount of utility `x`.
    fn amount(&self, x: f64) -> f64 {
        self.origin + x * self.per_utility
    }

    /// Take in the opponent's offer `amount` made in round `round` (0-based): what
    /// [`Strategy::decide`] does with each standing offer, and what a replay calls to
    /// show the estimate after each offer.
    pub fn observe(&mut self, amount: f64, round: u32) {
        if !self.degenerate {
            self.belief.observe(self.utility(amount), round);
        }
    }

    /// The estimate of the opponent's reservation in amounts (mean, standard deviation
    /// as an amount), `None` before any offer or on a degenerate frame.
    #[must_use]
    pub fn estimate(&self) -> Option<Estimate> {
        if self.degenerate {
            return None;
        }
        self.belief.estimate().map(|e| Estimate {
            mean: self.amount(e.mean),
            sd: e.sd / self.per_unit.abs(),
            observed: e.observed,
        })
    }

    /// The offer it makes in round `round` (snapped, never beyond its reservation).
    fn offer(&self, round: u32) -> f64 {
        let intended = if self.degenerate {
            self.opening
        } else {
            // In its first round the target is its best, in its last its floor, whatever
            // the estimate.
            let l = if round == 0 || round + 1 >= self.rounds {
                None
            } else {
                self.belief.estimate_mean().map(|e| e.mean)
            };
            let t = concession_target(1.0, self.floor, l, round, self.rounds, self.exponent);
            self.amount(t)
        };
        super::snap_on(self.side, self.grid, self.reservation, intended)
    }
}

impl Strategy for Learning {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        if let Some(s) = ctx.standing {
            // The first mover (even move index) answers the previous round's offer.
            let first_mover = ctx.move_index.is_multiple_of(2);
            let round = if first_mover {
                ctx.round.saturating_sub(1)
            } else {
                ctx.round
            };
            self.observe(s, round);
        }
        let own = self.offer(ctx.round);
        match ctx.standing {
            Some(s) if self.side.at_least_as_good(s, own) => Action::Accept,
            Some(s)
                if ctx.round + 1 >= self.rounds
                    && self.side.at_least_as_good(s, self.reservation) =>
            {
                Action::Accept
            }
            _ => Action::Offer(own),
        }
    }
}

/// The estimates a learner on `setup` holds after each of the opponent's offers among
/// `offers` (a negotiation's trace, in order): `(index into offers, estimate)`. The same
/// updates as in the talks ([`Learning::observe`]), so a replay shows what the learner
/// believed. Allocates the returned list only.
#[must_use]
pub fn estimates_after(
    setup: Setup,
    prior_width: f64,
    hypotheses: u32,
    offers: &[TracedOffer],
) -> Vec<(usize, Estimate)> {
    let mut learner = Learning::new(setup, prior_width, hypotheses, DEFAULT_EXPONENT);
    let me = setup.side();
    let mut out = Vec::new();
    for (i, o) in offers.iter().enumerate() {
        if o.by == me || o.round >= setup.public.max_rounds {
            continue;
        }
        learner.observe(o.amount, o.round);
        if let Some(e) = learner.estimate() {
            out.push((i, e));
        }
    }
    out
}

/// The estimate each learning party of `n` holds after each of the other side's offers
/// in `offers` (the trace of `n`'s talks): `(index into offers, the learner's side,
/// estimate in amounts)`, in the order of the offers. The learner is rebuilt from the
/// view its talks gave it (the frame, the grid, the rounds up to a calendar's expiry);
/// offers after the expiry are not shown (from there a lapse rule moves, not the
/// strategy). Empty when no party learns. For a replay; allocates the list.
#[must_use]
pub fn replay_estimates(
    n: &crate::Negotiation,
    offers: &[TracedOffer],
) -> Vec<(usize, Side, Estimate)> {
    let frame = crate::protocol::frame_of(&n.payee, &n.payer);
    let rounds = match &n.calendar {
        Some(c) => c.expiry_rounds().min(c.total_rounds(n.protocol.max_rounds)),
        None => n.protocol.max_rounds,
    };
    let mut out = Vec::new();
    for party in [&n.payee, &n.payer] {
        let super::StrategySpec::Learning {
            prior_width,
            hypotheses,
            ..
        } = party.strategy
        else {
            continue;
        };
        let setup = Setup {
            public: super::PublicView {
                frame,
                grid: n.protocol.grid,
                max_rounds: rounds,
            },
            own: super::OwnView::of(party),
        };
        out.extend(
            estimates_after(setup, prior_width, hypotheses, offers)
                .into_iter()
                .map(|(i, e)| (i, party.side, e)),
        );
    }
    out.sort_by_key(|&(i, ..)| i);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The posterior by brute force: every hypothesis's likelihood multiplied offer by
    /// offer (in logs); the exponent whose best hypothesis fits best; the posterior over
    /// its hypotheses, normalized.
    fn naive(top: f64, width: f64, n: u32, rounds: u32, obs: &[(f64, u32)]) -> (f64, f64) {
        let (x0, r0) = obs[0];
        let gap = top - x0;
        let sigma = NOISE * gap;
        let tau0 = opponent_tau(r0, rounds);
        let per_exponent: Vec<Vec<(f64, f64)>> = EXPONENTS
            .iter()
            .map(|&e| {
                (0..n)
                    .map(|j| {
                        let l = x0 + f64::from(j) * width * gap / f64::from(n - 1);
                        let mut ll = 0.0;
                        for &(x, r) in &obs[1..] {
                            let w = (opponent_tau(r, rounds).powf(e) - tau0.powf(e))
                                / (1.0 - tau0.powf(e));
                            let pred = x0 + (l - x0) * w;
                            ll -= (x - pred).powi(2) / (2.0 * sigma * sigma);
                        }
                        (l, ll)
                    })
                    .collect()
            })
            .collect();
        let peak = |k: usize| {
            per_exponent[k]
                .iter()
                .map(|p| p.1)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let mut best = 0;
        for k in 1..EXPONENTS.len() {
            if peak(k) > peak(best) + 1e-9 {
                best = k;
            }
        }
        let lls = per_exponent[best].clone();
        let m = peak(best);
        let z: f64 = lls.iter().map(|p| (p.1 - m).exp()).sum();
        let mean = lls.iter().map(|p| p.0 * (p.1 - m).exp()).sum::<f64>() / z;
        let var = lls
            .iter()
            .map(|p| (p.0 - mean).powi(2) * (p.1 - m).exp())
            .sum::<f64>()
            / z;
        (mean, var.sqrt())
    }

    #[test]
    fn the_running_sums_give_the_brute_force_posterior() {
        let rounds = 12;
        for (width, n, curve) in [(1.0, 32, 2.0), (1.5, 7, 0.4), (0.6, 64, 1.0)] {
            let mut b = Belief::new(1.0, width, n, rounds);
            let mut obs = Vec::new();
            for r in 0..rounds {
                let tau: f64 = opponent_tau(r, rounds);
                // A concession toward 0.55 with a little wobble.
                let x = 0.1 + 0.45 * tau.powf(curve) + 0.01 * f64::from(r % 3);
                b.observe(x, r);
                obs.push((x, r));
                if obs.len() < 2 {
                    continue;
                }
                let e = b.estimate().expect("offers seen");
                let (mean, sd) = naive(1.0, width, n, rounds, &obs);
                assert!(
                    (e.mean - mean).abs() < 1e-9,
                    "{width} {n} {r}: {} vs {mean}",
                    e.mean
                );
                assert!(
                    (e.sd - sd).abs() < 1e-9,
                    "{width} {n} {r}: {} vs {sd}",
                    e.sd
                );
            }
        }
    }

    #[test]
    fn the_mean_alone_is_the_estimates_mean_bit_for_bit() {
        let rounds = 20;
        for (width, n, curve) in [(1.0, 32, 2.0), (1.5, 7, 0.4), (0.6, 64, 1.0), (1.0, 2, 6.0)] {
            let mut b = Belief::new(1.0, width, n, rounds);
            assert_eq!(b.estimate_mean(), None);
            for r in 0..rounds {
                let tau: f64 = opponent_tau(r, rounds);
                let x = 0.05 + 0.6 * tau.powf(curve) + 0.004 * f64::from(r % 5);
                b.observe(x, r);
                let full = b.estimate().expect("offers seen");
                let mean = b.estimate_mean().expect("offers seen");
                assert_eq!(full.mean.to_bits(), mean.mean.to_bits(), "{width} {n} {r}");
                assert_eq!(full.observed, mean.observed);
                assert_eq!(mean.sd, 0.0);
            }
        }
    }

    #[test]
    fn the_powers_are_the_exponents_powers() {
        for i in 1..=400 {
            let tau = f64::from(i) / 400.0;
            for (p, e) in powers(tau).into_iter().zip(EXPONENTS) {
                let want = tau.powf(e);
                assert!(
                    (p - want).abs() <= 1e-14 * want,
                    "τ {tau}, e {e}: {p} vs {want}"
                );
            }
        }
        assert!(EXPONENTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn floor_small_is_the_floor_and_first_max_the_first_of_equals() {
        for i in 0..20_000 {
            let y = f64::from(i) * 0.003_7 + [0.0, 0.5, 1e-12][i as usize % 3];
            assert_eq!(floor_small(y), y.floor(), "{y}");
            let x = f64::from(i) + 0.5;
            assert_eq!(floor_small(x), f64::from(i), "{x}");
            assert_eq!(floor_small(x.next_down()), f64::from(i), "{x}");
        }
        assert_eq!(floor_small(0.0), 0.0);
        let mut v = [0.0; NE];
        for seed in 0u32..5_000 {
            for (k, x) in v.iter_mut().enumerate() {
                // Few distinct values: many ties.
                *x = f64::from((seed.wrapping_mul(2_654_435_761) >> (k % 29)) % 4);
            }
            let naive = (0..NE).fold(0, |b, k| if v[k] > v[b] { k } else { b });
            assert_eq!(first_max(&v), naive, "{v:?}");
        }
    }

    #[test]
    fn before_any_offer_there_is_no_estimate_and_the_first_gives_the_prior() {
        let mut b = Belief::new(1.0, 1.0, 5, 10);
        assert_eq!(b.estimate(), None);
        b.observe(0.2, 0);
        let e = b.estimate().expect("one offer");
        // Uniform over 0.2, 0.4, …, 1.0.
        assert!((e.mean - 0.6).abs() < 1e-12, "{e:?}");
        assert!((e.sd - (0.08f64).sqrt()).abs() < 1e-12, "{e:?}");
    }

    #[test]
    fn the_target_opens_concedes_toward_the_goal_and_ends_at_the_floor() {
        assert_eq!(concession_target(1.0, 0.2, None, 0, 10, 1.0), 1.0);
        // Zone [0.2, 0.6]: goal 0.4.
        assert_eq!(concession_target(1.0, 0.2, Some(0.6), 0, 10, 1.0), 1.0);
        assert!(
            (concession_target(1.0, 0.2, Some(0.6), 8, 10, 1.0) - (0.4 + 0.6 / 9.0)).abs() < 1e-12
        );
        // No zone: concede toward the floor.
        assert!(
            (concession_target(1.0, 0.5, Some(0.3), 8, 10, 1.0) - (0.5 + 0.5 / 9.0)).abs() < 1e-12
        );
        assert_eq!(concession_target(1.0, 0.2, Some(0.6), 9, 10, 1.0), 0.2);
    }
}
