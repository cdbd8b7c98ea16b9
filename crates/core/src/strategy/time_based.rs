//! NegMAS 0.16's time-based concession (`TimeBasedConcedingNegotiator` and the
//! Boulware/Linear/Conceder presets), reproduced from its stated formulas.

use super::{Action, MoveContext, Setup, Strategy};
use crate::party::Side;
use crate::protocol::Grid;

/// Tolerance of NegMAS's inverse utility: a point just below the threshold wins when closer.
const NEAR: f64 = 1e-6;

/// Time-based concession on utilities normalized between the two openings.
///
/// Relative time in round `r` (0-based) is `τ = (r+1)/(max_rounds+1)` for both moves of
/// the round; aspiration `a(τ) = max_aspiration·(1 − τ^exponent)`; threshold
/// `f(τ) = clamp((umax − umin)·a(τ) + umin − eps, umin, umax)`, with `umin` the utility of
/// the reservation (at least that of the other side's opening) and `umax` that of the own
/// opening (1 up to rounding). Accepts iff `u(offer) ≥ f`; otherwise offers the amount with
/// `u = f`, or on a grid the worst-for-itself point with `u ≥ f` (a rational point with `u`
/// in `[f − 1e-6, f)` wins when strictly closer).
#[derive(Debug, Clone)]
pub struct TimeBased {
    side: Side,
    slope: f64,
    /// `1 / slope`, only to seed the grid search.
    inv_slope: f64,
    bias: f64,
    umin: f64,
    umax: f64,
    exponent: f64,
    max_aspiration: f64,
    eps: f64,
    max_rounds: u32,
    /// `τ^exponent` per round, when remembered by a [`PowerMemo`].
    powers: Option<[f64; MEMO_ROUNDS]>,
    grid: Option<GridIndex>,
    reservation: f64,
    /// The snapped opening, offered throughout when the frame is degenerate.
    top: f64,
    degenerate: bool,
}

/// A grid with its last index and reciprocals precomputed, for the offer search.
///
/// The reciprocals only seed the search; every comparison uses the exact points
/// `lo + k·step` (as [`Grid::point`]), so the result is that of a plain search.
#[derive(Debug, Clone, Copy)]
struct GridIndex {
    lo: f64,
    step: f64,
    last: i64,
    inv_step: f64,
}

impl GridIndex {
    fn new(g: Grid) -> Self {
        Self {
            lo: g.lo,
            step: g.step,
            last: i64::try_from(g.len() - 1).unwrap_or(i64::MAX),
            inv_step: 1.0 / g.step,
        }
    }

    /// The `k`-th point, bit for bit as [`Grid::point`].
    fn point(&self, k: i64) -> f64 {
        self.lo + k as f64 * self.step
    }

    /// An index near `x`, within the grid (a starting point for the exact search).
    fn near(&self, x: f64) -> i64 {
        // `as` saturates (NaN → 0), so any `x` gives an index in range.
        (((x - self.lo) * self.inv_step) as i64).clamp(0, self.last)
    }
}

/// Rounds covered by a [`PowerMemo`] entry (longer negotiations compute every power).
pub(crate) const MEMO_ROUNDS: usize = 16;

/// `τ^exponent` of round `round` (0-based) of `max_rounds`: the time term of the threshold.
fn tau_power(round: u32, max_rounds: u32, exponent: f64) -> f64 {
    let tau = f64::from(round + 1) / f64::from(max_rounds + 1);
    // `powf(τ, 1)` is exactly τ: skip the call for the linear preset.
    if exponent == 1.0 {
        tau
    } else {
        tau.powf(exponent)
    }
}

/// Entries of a [`PowerMemo`]: enough for the three presets over every planning horizon a
/// calendar gives (the horizon varies per trial with the sampled round pace), so the
/// round-robin replacement does not thrash. A lookup scans them once per negotiation.
const MEMO_SLOTS: usize = 32;

/// The powers of one (exponent, round count) pair.
#[derive(Debug, Clone, Copy)]
struct Powers {
    exponent_bits: u64,
    max_rounds: u32,
    values: [f64; MEMO_ROUNDS],
}

/// Remembers `τ^exponent` for every round across negotiations, so that an ensemble
/// whose strategies share a few exponents (the presets) calls `powf` once per exponent
/// instead of once per move. The values are the very ones [`TimeBased`] computes
/// without it: results are bit-identical. Fixed size; never allocates.
#[derive(Debug, Clone, Default)]
pub(crate) struct PowerMemo {
    slots: [Option<Powers>; MEMO_SLOTS],
    /// The slot replaced on the next miss (round robin).
    next: usize,
}

impl PowerMemo {
    /// An empty memo.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The powers for `exponent` over `max_rounds` rounds (`None` beyond [`MEMO_ROUNDS`]).
    fn powers(&mut self, exponent: f64, max_rounds: u32) -> Option<[f64; MEMO_ROUNDS]> {
        if max_rounds as usize > MEMO_ROUNDS {
            return None;
        }
        let bits = exponent.to_bits();
        let hit = self
            .slots
            .iter()
            .flatten()
            .find(|p| p.exponent_bits == bits && p.max_rounds == max_rounds);
        if let Some(p) = hit {
            return Some(p.values);
        }
        let mut values = [0.0; MEMO_ROUNDS];
        for (round, v) in (0..max_rounds).zip(values.iter_mut()) {
            *v = tau_power(round, max_rounds, exponent);
        }
        self.slots[self.next] = Some(Powers {
            exponent_bits: bits,
            max_rounds,
            values,
        });
        self.next = (self.next + 1) % self.slots.len();
        Some(values)
    }
}

impl TimeBased {
    /// Build for one negotiation, taking the powers of the threshold from `memo`
    /// (bit-identical to [`TimeBased::new`], faster over many negotiations).
    #[must_use]
    pub(crate) fn with_memo(
        setup: Setup,
        exponent: f64,
        max_aspiration: f64,
        eps: f64,
        memo: &mut PowerMemo,
    ) -> Self {
        let mut s = Self::new(setup, exponent, max_aspiration, eps);
        s.powers = memo.powers(exponent, setup.public.max_rounds);
        s
    }

    /// Build for one negotiation.
    #[must_use]
    pub fn new(setup: Setup, exponent: f64, max_aspiration: f64, eps: f64) -> Self {
        let side = setup.side();
        let frame = setup.public.frame;
        let width = frame.width();
        let degenerate = !(width > 0.0 && width.is_finite());
        let (slope, bias) = match side {
            Side::Payee => (1.0 / width, -frame.low / width),
            Side::Payer => (-1.0 / width, frame.high / width),
        };
        let reservation = setup.reservation();
        // Only a degenerate frame offers the opening as such: snap it only then.
        let top = if degenerate {
            setup.snap(setup.opening())
        } else {
            setup.opening()
        };
        let (own_top, other_top) = match side {
            Side::Payee => (frame.high, frame.low),
            Side::Payer => (frame.low, frame.high),
        };
        let u = |x: f64| x * slope + bias;
        let umax = u(own_top);
        let umin = u(other_top).max(u(reservation)).min(umax);
        Self {
            side,
            slope,
            inv_slope: 1.0 / slope,
            bias,
            umin,
            umax,
            exponent,
            max_aspiration,
            eps,
            max_rounds: setup.public.max_rounds,
            powers: None,
            grid: setup.public.grid.map(GridIndex::new),
            reservation,
            top,
            degenerate,
        }
    }

    fn utility(&self, x: f64) -> f64 {
        x * self.slope + self.bias
    }

    /// The acceptance threshold in round `round` (0-based).
    #[must_use]
    pub fn threshold(&self, round: u32) -> f64 {
        let power = match self.powers {
            Some(p) if round < self.max_rounds && (round as usize) < MEMO_ROUNDS => {
                p[round as usize]
            }
            _ => tau_power(round, self.max_rounds, self.exponent),
        };
        let aspiration = self.max_aspiration * (1.0 - power);
        let raw = (self.umax - self.umin) * aspiration + self.umin - self.eps;
        raw.max(self.umin).min(self.umax)
    }

    fn offer_for(&self, f: f64) -> f64 {
        match self.grid {
            None => self
                .side
                .better((f - self.bias) / self.slope, self.reservation),
            Some(g) => self.grid_offer(g, f),
        }
    }

    /// The worst-for-itself grid point with `u >= f`, with NegMAS's near-point rule.
    ///
    /// Utility is monotone in the grid index (the payee's grows with it, the payer's
    /// falls), so the answer is the extreme index with `u >= f`, whatever the start:
    /// the search starts next to the amount with utility `f` and walks to it.
    fn grid_offer(&self, g: GridIndex, f: f64) -> f64 {
        let u_at = |k: i64| self.utility(g.point(k));
        // +1 steps toward better-for-self (the payee's utility grows with k).
        let up: i64 = match self.side {
            Side::Payee => 1,
            Side::Payer => -1,
        };
        let inside = |k: i64| (0..=g.last).contains(&k);
        let mut k = g.near((f - self.bias) * self.inv_slope);
        while inside(k - up) && u_at(k - up) >= f {
            k -= up;
        }
        while u_at(k) < f {
            if !inside(k + up) {
                return g.point(k);
            }
            k += up;
        }
        if inside(k - up) {
            let uw = u_at(k - up);
            if uw >= f - NEAR && uw >= self.umin && f - uw < u_at(k) - f {
                k -= up;
            }
        }
        g.point(k)
    }
}

impl Strategy for TimeBased {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        if self.degenerate {
            return match ctx.standing {
                Some(s) if self.side.at_least_as_good(s, self.top) => Action::Accept,
                _ => Action::Offer(self.top),
            };
        }
        let f = self.threshold(ctx.round);
        if let Some(s) = ctx.standing
            && self.utility(s) >= f
        {
            return Action::Accept;
        }
        Action::Offer(self.offer_for(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::Party;
    use crate::strategy::StrategySpec;

    fn party(side: Side, exponent: f64) -> Party {
        Party {
            side,
            opening: if side == Side::Payee { 1.4 } else { 0.97 },
            reservation: 1.05,
            discount: 0.97,
            power: 1.0,
            ratification: None,
            outside_option: None,
            strategy: StrategySpec::TimeBased {
                exponent,
                max_aspiration: 1.0,
                eps: 1e-4,
            },
        }
    }

    #[test]
    fn memo_gives_the_same_thresholds_bit_for_bit() {
        let mut memo = PowerMemo::new();
        // More exponents than slots, round counts on both sides of MEMO_ROUNDS.
        for max_rounds in [1, 3, 10, 16, 17, 40] {
            for exponent in [4.0, 1.0, 0.25, 0.2, 2.0, 0.7] {
                let me = party(Side::Payee, exponent);
                let setup = Setup {
                    public: crate::strategy::PublicView {
                        frame: crate::protocol::frame_of(&me, &party(Side::Payer, 1.0)),
                        grid: None,
                        max_rounds,
                    },
                    own: crate::strategy::OwnView::of(&me),
                };
                let plain = TimeBased::new(setup, exponent, 1.0, 1e-4);
                let memoized = TimeBased::with_memo(setup, exponent, 1.0, 1e-4, &mut memo);
                for round in 0..max_rounds + 2 {
                    assert_eq!(
                        plain.threshold(round).to_bits(),
                        memoized.threshold(round).to_bits(),
                        "exponent {exponent}, {max_rounds} rounds, round {round}"
                    );
                }
            }
        }
    }
}
