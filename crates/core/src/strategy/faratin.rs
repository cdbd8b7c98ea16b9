//! Faratin, Sierra & Jennings (1998) time-dependent tactics (GENIUS's TimeDependentAgent family).

use super::{Action, MoveContext, Setup, Strategy};
use crate::party::Side;

/// The shape of the concession curve α(τ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum FaratinFamily {
    /// `α(τ) = κ + (1 − κ)·τ^(1/β)`.
    Polynomial,
    /// `α(τ) = exp((1 − τ)^β · ln κ)`.
    Exponential,
}

impl FaratinFamily {
    /// α(τ) of this family with shape `beta` and initial concession `kappa` (in [0, 1]);
    /// τ is clamped to [0, 1]. The one concession curve of the Faratin tactics, shared
    /// by the one-issue [`Faratin`] and the package negotiator
    /// (`crate::package::tactics`).
    ///
    /// ```
    /// use bargain_core::strategy::FaratinFamily;
    /// assert_eq!(FaratinFamily::Polynomial.alpha(1.0, 0.0, 0.25), 0.25);
    /// assert_eq!(FaratinFamily::Exponential.alpha(1.0, 0.5, 1.0), 1.0);
    /// ```
    #[must_use]
    pub fn alpha(self, beta: f64, kappa: f64, tau: f64) -> f64 {
        let tau = tau.clamp(0.0, 1.0);
        match self {
            FaratinFamily::Polynomial => kappa + (1.0 - kappa) * tau.powf(1.0 / beta),
            FaratinFamily::Exponential => {
                if tau >= 1.0 {
                    1.0
                } else if kappa <= 0.0 {
                    0.0
                } else {
                    ((1.0 - tau).powf(beta) * kappa.ln()).exp()
                }
            }
        }
    }
}

/// Time-dependent tactic on the party's own range `[reservation, opening]`.
///
/// The clock counts moves: the k-th of the `K = 2·max_rounds − 1` answerable offers
/// (k = 0..K−1) is made at `τ = k/(K−1)` (clamped to 1), so the last answerable offer is
/// made at the deadline. The payee offers `reservation + (1 − α)(opening − reservation)`,
/// the payer `opening + α(reservation − opening)`. It accepts an offer at least as good as
/// the one it would make now, hence at the deadline anything within its reservation.
#[derive(Debug, Clone)]
pub struct Faratin {
    side: Side,
    beta: f64,
    kappa: f64,
    family: FaratinFamily,
    opening: f64,
    reservation: f64,
    span: f64,
    setup_grid: Option<crate::protocol::Grid>,
}

impl Faratin {
    /// Build for one negotiation.
    #[must_use]
    pub fn new(setup: Setup, beta: f64, kappa: f64, family: FaratinFamily) -> Self {
        let k = 2 * setup.public.max_rounds;
        let span = f64::from(k.saturating_sub(2));
        Self {
            side: setup.side(),
            beta,
            kappa: kappa.clamp(0.0, 1.0),
            family,
            opening: setup.opening(),
            reservation: setup.reservation(),
            span,
            setup_grid: setup.public.grid,
        }
    }

    /// α at relative time τ in [0, 1].
    #[must_use]
    pub fn alpha(&self, tau: f64) -> f64 {
        self.family.alpha(self.beta, self.kappa, tau)
    }

    /// The amount it offers at relative time τ (before grid snapping).
    #[must_use]
    pub fn target(&self, tau: f64) -> f64 {
        let a = self.alpha(tau);
        match self.side {
            Side::Payee => self.reservation + (1.0 - a) * (self.opening - self.reservation),
            Side::Payer => self.opening + a * (self.reservation - self.opening),
        }
    }

    fn tau(&self, move_index: u32) -> f64 {
        if self.span <= 0.0 {
            1.0
        } else {
            (f64::from(move_index) / self.span).min(1.0)
        }
    }
}

impl Strategy for Faratin {
    fn decide(&mut self, ctx: &MoveContext) -> Action {
        let own = super::snap(
            self.side,
            self.setup_grid,
            self.reservation,
            self.target(self.tau(ctx.move_index)),
        );
        match ctx.standing {
            Some(s) if self.side.at_least_as_good(s, own) => Action::Accept,
            _ => Action::Offer(own),
        }
    }
}
