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
    bias: f64,
    umin: f64,
    umax: f64,
    exponent: f64,
    max_aspiration: f64,
    eps: f64,
    max_rounds: u32,
    grid: Option<Grid>,
    reservation: f64,
    top: f64,
    degenerate: bool,
}

impl TimeBased {
    /// Build for one negotiation.
    #[must_use]
    pub fn new(setup: Setup<'_>, exponent: f64, max_aspiration: f64, eps: f64) -> Self {
        let side = setup.side();
        let frame = setup.frame;
        let width = frame.width();
        let degenerate = !(width > 0.0 && width.is_finite());
        let (slope, bias) = match side {
            Side::Payee => (1.0 / width, -frame.low / width),
            Side::Payer => (-1.0 / width, frame.high / width),
        };
        let reservation = setup.reservation();
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
            bias,
            umin,
            umax,
            exponent,
            max_aspiration,
            eps,
            max_rounds: setup.max_rounds,
            grid: setup.grid,
            reservation,
            top: setup.snap(setup.opening()),
            degenerate,
        }
    }

    fn utility(&self, x: f64) -> f64 {
        x * self.slope + self.bias
    }

    /// The acceptance threshold in round `round` (0-based).
    #[must_use]
    pub fn threshold(&self, round: u32) -> f64 {
        let tau = f64::from(round + 1) / f64::from(self.max_rounds + 1);
        let aspiration = self.max_aspiration * (1.0 - tau.powf(self.exponent));
        let raw = (self.umax - self.umin) * aspiration + self.umin - self.eps;
        raw.max(self.umin).min(self.umax)
    }

    fn offer_for(&self, f: f64) -> f64 {
        let x = (f - self.bias) / self.slope;
        match self.grid {
            None => self.side.better(x, self.reservation),
            Some(g) => self.grid_offer(g, f, x),
        }
    }

    /// The worst-for-itself grid point with `u >= f`, with NegMAS's near-point rule.
    fn grid_offer(&self, g: Grid, f: f64, x: f64) -> f64 {
        let last = g.len() - 1;
        let u_at = |k: u64| self.utility(g.point(k));
        // Step from worse-for-self to better-for-self: the payee's utility grows with k.
        let better = |k: u64| -> Option<u64> {
            match self.side {
                Side::Payee => (k < last).then(|| k + 1),
                Side::Payer => k.checked_sub(1),
            }
        };
        let worse = |k: u64| -> Option<u64> {
            match self.side {
                Side::Payee => k.checked_sub(1),
                Side::Payer => (k < last).then(|| k + 1),
            }
        };
        let start = match self.side {
            Side::Payee => g.ceil_index(x).unwrap_or(last),
            Side::Payer => g.floor_index(x).unwrap_or(0),
        };
        let mut k = start;
        while let Some(w) = worse(k) {
            if u_at(w) >= f {
                k = w;
            } else {
                break;
            }
        }
        while u_at(k) < f {
            match better(k) {
                Some(b) => k = b,
                None => return g.point(k),
            }
        }
        if let Some(w) = worse(k) {
            let uw = u_at(w);
            if uw >= f - NEAR && uw >= self.umin && f - uw < u_at(k) - f {
                k = w;
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
