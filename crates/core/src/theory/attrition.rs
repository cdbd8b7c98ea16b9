//! Abreu & Gul (2000), *Bargaining and Reputation*: two-sided reputational bargaining as
//! a war of attrition, in its continuous-time limit.
//!
//! Two sides (index 0 and 1) hold incompatible demands. Each is, with probability `z_i`
//! (its *obstinacy*), an obstinate type that never moves from its demand; otherwise it is
//! rational and concedes (accepts the other's demand) at a random time. In the unique
//! equilibrium (the paper's Proposition 1 and the construction of its §4):
//!
//! * a rational side `i` concedes at the hazard `λ_i` that keeps the other side `j`
//!   indifferent between conceding now and waiting: `λ_i = k_j / Δ`, where `k_j` is
//!   `j`'s cost of waiting (per unit of time, in the unit of the payoffs) and `Δ` what
//!   `j` gains when `i` concedes instead of `j` (the gap between the two demands). With
//!   discounting at rate `r_j` and shares `α`, this is the paper's
//!   `λ_i = r_j (1 − α_i) / (α_1 + α_2 − 1)`;
//! * given no concession by `t`, `i`'s reputation (the posterior that it is obstinate)
//!   is `z_i e^{Λ_i(t)}` with `Λ_i(t) = ∫_0^t λ_i`; it reaches one at `T_i = Λ_i⁻¹(−ln z_i)`;
//! * both reputations reach one at the same time `T_0 = min(T_0, T_1)`: the weaker side
//!   `w` (the larger `T_i`) concedes with an atom `c_w = 1 − z_w e^{Λ_w(T_0)}` at time 0,
//!   the stronger side has none;
//! * side `i` has not conceded by `t < T_0` with probability
//!   `S_i(t) = (1 − c_i) e^{−Λ_i(t)}`, and `S_i(t) = z_i` from `T_0` on (only obstinate
//!   types are left).
//!
//! Here the hazards are piecewise constant: `pre[i]` before a switch time `E` (an
//! expiry), `post[i]` from it on. The game ends at the first concession; the delay
//! `τ = min(τ_0, τ_1)` has `P(τ > t) = S_0(t) S_1(t)`; with both sides obstinate there is
//! no deal (`τ = ∞`).
//!
//! Degenerate cases, outside the paper (which has `z_i ∈ (0, 1)` and positive rates):
//! `z_i = 1` gives `T_i = 0` (that side never concedes; the other concedes at once);
//! `z_i = 0` gives `T_i = ∞`. When both `T_i` are infinite and both `z_i` are 0, the
//! limit of equal small obstinacies applies: the side with the smaller long-run hazard
//! is the weaker and concedes at once (ties: the side named `tie`). When both are
//! infinite otherwise (the hazards stop before a reputation reaches one), there is no
//! atom and each rational side concedes at its hazard as long as it lasts.
//!
//! Pure: plain numbers in and out; the draws come from the caller's uniforms.

/// The equilibrium of a two-sided war of attrition with piecewise-constant hazards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attrition {
    /// Obstinacy (prior probability of the obstinate type) of each side, in `[0, 1]`.
    pub z: [f64; 2],
    /// Concession hazard of each side's rational type before the switch time (≥ 0).
    pub pre: [f64; 2],
    /// Concession hazard of each side's rational type from the switch time on (≥ 0).
    pub post: [f64; 2],
    /// The switch time `E` (> 0; `f64::INFINITY`: one phase).
    pub switch: f64,
    /// The common time `T_0` at which both reputations reach one (`f64::INFINITY` if
    /// they never do).
    pub end: f64,
    /// Each side's probability of conceding at time 0 (at most one is positive).
    pub atom: [f64; 2],
}

/// One draw of the war of attrition: each side's type and concession time, and the
/// outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttritionDraw {
    /// Whether each side is the obstinate type.
    pub obstinate: [bool; 2],
    /// Each side's concession time (`f64::INFINITY`: it never concedes).
    pub times: [f64; 2],
    /// The side that concedes first (`None`: nobody ever concedes, no deal).
    pub conceder: Option<usize>,
    /// The time of the first concession (`f64::INFINITY` without one).
    pub time: f64,
}

/// The hazard at which a rational side concedes so that the other, whose cost of
/// waiting is `other_cost` per unit of time, is indifferent between conceding and
/// waiting, when the other gains `gap > 0` from the side's concession: `other_cost / gap`
/// (the paper's indifference condition; with flow costs alone `λ_i = c_j / Δ`).
#[must_use]
pub fn concession_rate(other_cost: f64, gap: f64) -> f64 {
    if gap > 0.0 && other_cost > 0.0 {
        other_cost / gap
    } else {
        0.0
    }
}

impl Attrition {
    /// The equilibrium for obstinacies `z`, hazards `pre` before `switch` and `post`
    /// from it on; `tie` (0 or 1) is the side that concedes at once when both
    /// obstinacies are 0 and the long-run hazards are equal. Inputs are clamped to
    /// their ranges (`z` to `[0, 1]`, hazards to `≥ 0`, NaN to 0).
    #[must_use]
    pub fn new(z: [f64; 2], pre: [f64; 2], post: [f64; 2], switch: f64, tie: usize) -> Self {
        let clamp01 = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        let rate = |x: f64| if x.is_nan() { 0.0 } else { x.max(0.0) };
        let mut a = Self {
            z: [clamp01(z[0]), clamp01(z[1])],
            pre: [rate(pre[0]), rate(pre[1])],
            post: [rate(post[0]), rate(post[1])],
            switch: if switch.is_nan() || switch <= 0.0 {
                f64::INFINITY
            } else {
                switch
            },
            end: f64::INFINITY,
            atom: [0.0; 2],
        };
        let t = [a.reach_one(0), a.reach_one(1)];
        a.end = t[0].min(t[1]);
        if a.end.is_finite() {
            // The weaker side (the later T_i) concedes with an atom that brings its
            // reputation to one at T_0 (zero when both T_i are equal).
            let w = usize::from(t[1] > t[0]);
            a.atom[w] = (1.0 - a.z[w] * a.cumulative(w, a.end).exp()).clamp(0.0, 1.0);
        } else if a.z == [0.0, 0.0] {
            let (l0, l1) = (a.long_run(0), a.long_run(1));
            let w = if l0 < l1 {
                0
            } else if l1 < l0 {
                1
            } else {
                tie.min(1)
            };
            a.atom[w] = 1.0;
        }
        a
    }

    /// The hazard of side `i` in the last phase (the one that lasts forever).
    fn long_run(&self, i: usize) -> f64 {
        if self.switch.is_finite() {
            self.post[i]
        } else {
            self.pre[i]
        }
    }

    /// `Λ_i(t)`: the cumulative hazard of side `i` by time `t ≥ 0`.
    #[must_use]
    pub fn cumulative(&self, i: usize, t: f64) -> f64 {
        let t = t.max(0.0);
        if t <= self.switch {
            if self.pre[i] == 0.0 {
                0.0
            } else {
                self.pre[i] * t
            }
        } else {
            let late = if self.post[i] == 0.0 {
                0.0
            } else {
                self.post[i] * (t - self.switch)
            };
            self.pre[i] * self.switch + late
        }
    }

    /// `Λ_i⁻¹(x)`: the first time by which side `i`'s cumulative hazard reaches `x`
    /// (`f64::INFINITY` if it never does).
    #[must_use]
    pub fn inverse(&self, i: usize, x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return 0.0;
        }
        let first = if self.pre[i] == 0.0 {
            0.0
        } else {
            self.pre[i] * self.switch
        };
        if x <= first {
            return x / self.pre[i];
        }
        if self.switch.is_finite() && self.post[i] > 0.0 {
            return self.switch + (x - first) / self.post[i];
        }
        f64::INFINITY
    }

    /// `T_i = Λ_i⁻¹(−ln z_i)`: when side `i`'s reputation would reach one without an atom.
    #[must_use]
    pub fn reach_one(&self, i: usize) -> f64 {
        self.inverse(i, -self.z[i].ln())
    }

    /// `S_i(t)`: the probability that side `i` has not conceded by time `t` (over both
    /// of its types).
    #[must_use]
    pub fn survival(&self, i: usize, t: f64) -> f64 {
        survival(self.atom[i], self.z[i], self.end, t, |t| {
            self.cumulative(i, t)
        })
    }

    /// `P(τ ≤ t)`: the probability of a deal (a first concession) by time `t`.
    #[must_use]
    pub fn delay_cdf(&self, t: f64) -> f64 {
        1.0 - self.survival(0, t) * self.survival(1, t)
    }

    /// The probability of no deal ever: `z_0 z_1` when the reputations reach one,
    /// otherwise what the hazards leave.
    #[must_use]
    pub fn no_deal(&self) -> f64 {
        self.survival(0, f64::INFINITY) * self.survival(1, f64::INFINITY)
    }

    /// The probability that side `i` is the one that concedes (it accepts the other's
    /// demand): `∫ S_j dF_i`, the atom included.
    #[must_use]
    pub fn concedes(&self, i: usize) -> f64 {
        let j = 1 - i;
        // The atom at 0 (the other side has none, or both have zero obstinacy and only
        // one atom: an atom of `i` always ends the game first).
        let at_zero = self.atom[i];
        let rest = 1.0 - self.atom[0] - self.atom[1];
        if rest <= 0.0 {
            return at_zero;
        }
        // After 0: density (1 − c_i) λ_i(t) e^{−Λ_i(t)} times S_j(t), piece by piece.
        let scale = (1.0 - self.atom[0]) * (1.0 - self.atom[1]);
        let mut total = 0.0;
        let mut start = 0.0;
        let mut lam_sum_before = 0.0_f64;
        for (rate_i, rate_sum, stop) in [
            (
                self.pre[i],
                self.pre[i] + self.pre[j],
                self.switch.min(self.end),
            ),
            (self.post[i], self.post[i] + self.post[j], self.end),
        ] {
            if stop <= start {
                continue;
            }
            if rate_sum > 0.0 {
                let len = stop - start;
                let mass = if len.is_finite() {
                    -(-rate_sum * len).exp_m1()
                } else {
                    1.0
                };
                total += scale * (-lam_sum_before).exp() * rate_i / rate_sum * mass;
                lam_sum_before += rate_sum * len;
            }
            start = stop;
        }
        at_zero + total
    }

    /// The integral `∫_0^b e^{−(Λ_0 + Λ_1)(t)} dt` (`b` may be infinite).
    fn integral(&self, b: f64) -> f64 {
        let mut total = 0.0;
        let mut start = 0.0;
        let mut lam_before = 0.0_f64;
        for (rate, stop) in [
            (self.pre[0] + self.pre[1], self.switch.min(b)),
            (self.post[0] + self.post[1], b),
        ] {
            if stop <= start {
                continue;
            }
            let len = stop - start;
            let piece = if rate > 0.0 {
                if len.is_finite() {
                    -(-rate * len).exp_m1() / rate
                } else {
                    1.0 / rate
                }
            } else {
                len
            };
            total += (-lam_before).exp() * piece;
            lam_before += if rate > 0.0 { rate * len } else { 0.0 };
            start = stop;
        }
        total
    }

    /// The expected delay of a deal, `E[τ | τ < ∞]`, in closed form:
    /// `∫_0^∞ (P(τ > t) − P(τ = ∞)) dt / P(τ < ∞)`. `None` when a deal is impossible.
    #[must_use]
    pub fn mean_delay(&self) -> Option<f64> {
        let never = self.no_deal();
        if never >= 1.0 {
            return None;
        }
        let a = (1.0 - self.atom[0]) * (1.0 - self.atom[1]);
        // Up to `cut` the survival falls; after it, it is constant (at `never`).
        let cut = if self.end.is_finite() {
            self.end
        } else if self.long_run(0) + self.long_run(1) > 0.0 {
            f64::INFINITY
        } else if self.switch.is_finite() {
            self.switch
        } else {
            0.0
        };
        let above = if cut.is_finite() {
            a * self.integral(cut) - never * cut
        } else {
            a * self.integral(cut)
        };
        Some(above.max(0.0) / (1.0 - never))
    }

    /// Side `i`'s concession time for the uniform `u ∈ [0, 1)`: the inverse of its
    /// distribution `1 − S_i` (the atom for `u < c_i`; `f64::INFINITY` for the top `z_i`
    /// of `u`, its obstinate type, and for rational types whose hazard ends too soon).
    #[must_use]
    pub fn concession_time(&self, i: usize, u: f64) -> f64 {
        concession_time(self.atom[i], self.z[i], self.end, u, |x| self.inverse(i, x))
    }

    /// One play of the game from two uniforms in `[0, 1)` (one per side): each side is
    /// obstinate when its uniform is in the top `z_i`, and concedes at
    /// [`Attrition::concession_time`]; the first to concede ends the game (a tie goes to
    /// `tie`, as in [`Attrition::new`]).
    #[must_use]
    pub fn play(&self, u: [f64; 2], tie: usize) -> AttritionDraw {
        play(self.z, u, tie, |i, u| self.concession_time(i, u))
    }
}

/// Most pieces of a [`Pieces`] game: the first, the expiry and one per event.
pub const MAX_PIECES: usize = 2 + crate::events::MAX_EVENTS;

/// The war of attrition with hazards piecewise constant over any breakpoints (an expiry
/// and the dates of events): piece `k` spans `[start_k, start_{k+1})` (the last one
/// lasts forever) with each rational side's hazard `rates[k][i]`. The equilibrium is
/// [`Attrition`]'s: in each piece each rational side concedes at the hazard that keeps
/// the other indifferent; `Λ_i` is the integral of the piecewise hazard; both
/// reputations reach one at `T_0 = min(T_0, T_1)`, `T_i = Λ_i⁻¹(−ln z_i)`; the weaker
/// side's atom at 0 is `1 − z_w e^{Λ_w(T_0)}` (derivation in `docs/theory.md`). With
/// two pieces it is [`Attrition`] with its switch (unit-tested). A fixed-capacity array:
/// no heap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pieces {
    /// Obstinacy of each side, in `[0, 1]`.
    pub z: [f64; 2],
    starts: [f64; MAX_PIECES],
    rates: [[f64; 2]; MAX_PIECES],
    len: usize,
    /// The common time at which both reputations reach one (`f64::INFINITY` if never).
    pub end: f64,
    /// Each side's probability of conceding at time 0 (at most one is positive).
    pub atom: [f64; 2],
}

impl Pieces {
    /// A game of obstinacies `z` whose hazards are `rates` from time 0, before any
    /// [`Pieces::push`]; call [`Pieces::solve`] after the last piece.
    #[must_use]
    pub fn new(z: [f64; 2], rates: [f64; 2]) -> Self {
        let clamp01 = |x: f64| if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
        let mut p = Self {
            z: [clamp01(z[0]), clamp01(z[1])],
            starts: [0.0; MAX_PIECES],
            rates: [[0.0; 2]; MAX_PIECES],
            len: 1,
            end: f64::INFINITY,
            atom: [0.0; 2],
        };
        p.rates[0] = Self::clamp(rates);
        p
    }

    fn clamp(r: [f64; 2]) -> [f64; 2] {
        r.map(|x| if x.is_nan() { 0.0 } else { x.max(0.0) })
    }

    /// The hazards from time `start` on (after the last piece's start; a start equal to
    /// it replaces that piece's hazards). `false` (nothing changed) when full or when
    /// `start` is earlier or not finite.
    pub fn push(&mut self, start: f64, rates: [f64; 2]) -> bool {
        let last = self.starts[self.len - 1];
        if start == last {
            self.rates[self.len - 1] = Self::clamp(rates);
            return true;
        }
        if start.partial_cmp(&last) != Some(std::cmp::Ordering::Greater)
            || !start.is_finite()
            || self.len >= MAX_PIECES
        {
            return false;
        }
        self.starts[self.len] = start;
        self.rates[self.len] = Self::clamp(rates);
        self.len += 1;
        true
    }

    /// The pieces: `(start, hazards)`.
    pub fn pieces(&self) -> impl Iterator<Item = (f64, [f64; 2])> + '_ {
        (0..self.len).map(|k| (self.starts[k], self.rates[k]))
    }

    /// The end of piece `k` (`f64::INFINITY` for the last).
    fn stop(&self, k: usize) -> f64 {
        if k + 1 < self.len {
            self.starts[k + 1]
        } else {
            f64::INFINITY
        }
    }

    /// The end time and the atom, as [`Attrition::new`] (`tie`: the side that concedes
    /// at once when both obstinacies are 0 and the last hazards are equal).
    #[must_use]
    pub fn solve(mut self, tie: usize) -> Self {
        let t = [self.reach_one(0), self.reach_one(1)];
        self.end = t[0].min(t[1]);
        self.atom = [0.0; 2];
        if self.end.is_finite() {
            let w = usize::from(t[1] > t[0]);
            self.atom[w] = (1.0 - self.z[w] * self.cumulative(w, self.end).exp()).clamp(0.0, 1.0);
        } else if self.z == [0.0, 0.0] {
            let last = self.rates[self.len - 1];
            let w = if last[0] < last[1] {
                0
            } else if last[1] < last[0] {
                1
            } else {
                tie.min(1)
            };
            self.atom[w] = 1.0;
        }
        self
    }

    /// `Λ_i(t)`, the integral of side `i`'s hazard over `[0, t]`.
    #[must_use]
    pub fn cumulative(&self, i: usize, t: f64) -> f64 {
        let t = t.max(0.0);
        let mut acc = 0.0;
        for k in 0..self.len {
            let (start, stop, rate) = (self.starts[k], self.stop(k), self.rates[k][i]);
            if t <= stop {
                return acc + if rate == 0.0 { 0.0 } else { rate * (t - start) };
            }
            acc += if rate == 0.0 {
                0.0
            } else {
                rate * (stop - start)
            };
        }
        acc
    }

    /// `Λ_i⁻¹(x)`: the first time side `i`'s cumulative hazard reaches `x`
    /// (`f64::INFINITY` if it never does).
    #[must_use]
    pub fn inverse(&self, i: usize, x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return 0.0;
        }
        let mut acc = 0.0;
        for k in 0..self.len {
            let (start, stop, rate) = (self.starts[k], self.stop(k), self.rates[k][i]);
            if rate == 0.0 {
                continue;
            }
            let width = rate * (stop - start);
            if x <= acc + width {
                return start + (x - acc) / rate;
            }
            acc += width;
        }
        f64::INFINITY
    }

    /// `T_i = Λ_i⁻¹(−ln z_i)`.
    #[must_use]
    pub fn reach_one(&self, i: usize) -> f64 {
        self.inverse(i, -self.z[i].ln())
    }

    /// `S_i(t)`: the probability that side `i` has not conceded by `t`.
    #[must_use]
    pub fn survival(&self, i: usize, t: f64) -> f64 {
        survival(self.atom[i], self.z[i], self.end, t, |t| {
            self.cumulative(i, t)
        })
    }

    /// `P(τ ≤ t)`: the probability of a first concession by `t`.
    #[must_use]
    pub fn delay_cdf(&self, t: f64) -> f64 {
        1.0 - self.survival(0, t) * self.survival(1, t)
    }

    /// Side `i`'s concession time for the uniform `u` (as [`Attrition::concession_time`]).
    #[must_use]
    pub fn concession_time(&self, i: usize, u: f64) -> f64 {
        concession_time(self.atom[i], self.z[i], self.end, u, |x| self.inverse(i, x))
    }

    /// One play from two uniforms (as [`Attrition::play`]).
    #[must_use]
    pub fn play(&self, u: [f64; 2], tie: usize) -> AttritionDraw {
        play(self.z, u, tie, |i, u| self.concession_time(i, u))
    }
}

/// `S(t)` of one side with the atom `atom`, the obstinate share `z`, the end time `end`
/// and the cumulative hazard `cumulative`: 1 before the start, `z` from the end on, else
/// `(1 − atom)·exp(−Λ(t))`. Shared by [`Attrition`] and [`Pieces`].
fn survival(atom: f64, z: f64, end: f64, t: f64, cumulative: impl Fn(f64) -> f64) -> f64 {
    if t < 0.0 {
        return 1.0;
    }
    if end.is_finite() && t >= end {
        return z;
    }
    (1.0 - atom) * (-cumulative(t)).exp()
}

/// A side's concession time for the uniform `u ∈ [0, 1)` (NaN read as 0): 0 in its atom
/// (`u < atom`), `f64::INFINITY` in the top `z` of `u` (its obstinate type), else the time
/// its cumulative hazard reaches `ln(1 − atom) − ln(1 − u)` (`inverse`), at most `end`:
/// `(1 − c_i) e^{−Λ_i(t)} ≤ 1 − u ⇔ Λ_i(t) ≥ ln(1 − c_i) − ln(1 − u)`.
fn concession_time(atom: f64, z: f64, end: f64, u: f64, inverse: impl Fn(f64) -> f64) -> f64 {
    let u = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) };
    if u < atom {
        return 0.0;
    }
    if u >= 1.0 - z && z > 0.0 {
        return f64::INFINITY;
    }
    let x = (-atom).ln_1p() - (-u).ln_1p();
    inverse(x).min(end)
}

/// One play from two uniforms: each side is obstinate when its uniform is in its top `z`
/// and concedes at `time(side, u)`; the first to concede ends the game (a tie goes to
/// `tie`), none when both never do.
fn play(z: [f64; 2], u: [f64; 2], tie: usize, time: impl Fn(usize, f64) -> f64) -> AttritionDraw {
    let obstinate = [0, 1].map(|i| z[i] > 0.0 && u[i] >= 1.0 - z[i]);
    let times = [time(0, u[0]), time(1, u[1])];
    let first = times[0].min(times[1]);
    let conceder = if first.is_infinite() {
        None
    } else if times[0] < times[1] {
        Some(0)
    } else if times[1] < times[0] {
        Some(1)
    } else {
        Some(tie.min(1))
    };
    AttritionDraw {
        obstinate,
        times,
        conceder,
        time: first,
    }
}
