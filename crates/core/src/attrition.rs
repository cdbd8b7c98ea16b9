//! The `attrition` model: a negotiation as the war of attrition of Abreu & Gul (2000)
//! ([`theory::attrition`](crate::theory::attrition)), played on the scenario's calendar.
//!
//! * **Demands.** The payee demands its `opening`, the payer its `opening`; the gap
//!   `Δ = opening_payee − opening_payer` is what a side gains when the other concedes.
//!   Openings that do not conflict (`Δ ≤ 0`) agree at once: the first mover's opening,
//!   accepted by the other side.
//! * **Types.** Each side is obstinate (never moves from its demand) with probability
//!   [`Protocol::obstinacy`](crate::Protocol::obstinacy), rational otherwise.
//! * **Costs of waiting** (per month with a calendar, per round without one). Before the
//!   expiry, side `j` discounts at `r_j = −ln δ_j` per round (÷ `round_months` per
//!   month) the surplus it would get by accepting the other's demand, measured from its
//!   effective reservation and floored at 0 (a demand beyond its reservation is worth no
//!   more to it than no deal): `k_j = r_j · max(0, s_j(D_i))`. From the expiry on it
//!   also bears its lapse cost `c_j` a month as a (discounted) flow: `k_j + c_j`. A
//!   rational side `i` concedes at `λ_i = k_j / Δ`, piecewise constant across the expiry.
//! * **Time.** With a `[calendar]`, time is in months from the first round and the
//!   concession falls in the first round on or after it (round `r` at
//!   `r · round_months` months); after the last round of the talks there is no deal
//!   (`deadline`). Without a calendar there is no expiry: discounting only, time in
//!   rounds (one round per unit), up to `max_rounds`.
//! * **Outcome.** The conceding side accepts the other's opening: a `deal` (or
//!   `not_ratified` if a legislature refuses it) in that round; both obstinate, or no
//!   concession before the end, is a `deadline`.
//!
//! Two uniforms per negotiation (payee's, then payer's) come from the caller's
//! generator; nothing else is random. Allocates nothing.

use rand::{Rng, RngExt};

use crate::calendar::DAYS_PER_MONTH;
use crate::model::Negotiation;
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::theory::attrition::{Attrition, AttritionDraw, concession_rate};

/// The war of attrition of one negotiation, before its draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttritionGame {
    /// The equilibrium (index 0 the payee, 1 the payer), or `None` when the openings do
    /// not conflict (agreement at once).
    pub equilibrium: Option<Attrition>,
    /// Months per time unit's round: `round_months` with a calendar, `None` when time is
    /// counted in rounds.
    pub round_months: Option<f64>,
    /// The side that concedes on a tie: the first mover's opponent.
    pub tie: Side,
}

/// One negotiation under `attrition`: the game, its draw and the outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttritionPlay {
    /// The game.
    pub game: AttritionGame,
    /// Each side's type and concession time (`None` when the openings agree at once).
    pub draw: Option<AttritionDraw>,
    /// The outcome.
    pub outcome: Outcome,
}

pub(crate) fn index(side: Side) -> usize {
    match side {
        Side::Payee => 0,
        Side::Payer => 1,
    }
}

/// The side of index `i` (0 the payee, 1 the payer).
#[must_use]
pub fn side_of(i: usize) -> Side {
    if i == 0 { Side::Payee } else { Side::Payer }
}

/// The per-round discount rate `−ln δ` (0 for `δ ≥ 1` or out of range).
pub(crate) fn rate(discount: f64) -> f64 {
    if discount > 0.0 && discount < 1.0 {
        -discount.ln()
    } else {
        0.0
    }
}

/// What accepting `demand` is worth to `p` over its effective reservation, floored at 0.
pub(crate) fn gain(p: &Party, demand: f64) -> f64 {
    let s = p.side.sign() * (demand - p.effective_reservation());
    if s > 0.0 { s } else { 0.0 }
}

/// The war of attrition of `n` (see the module docs).
#[must_use]
pub fn game(n: &Negotiation) -> AttritionGame {
    let tie = n.protocol.first_mover.other();
    let gap = n.payee.opening - n.payer.opening;
    let round_months = n.calendar.map(|c| c.round_months);
    // A NaN gap is no conflict to wage either.
    if gap.is_nan() || gap <= 0.0 {
        return AttritionGame {
            equilibrium: None,
            round_months,
            tie,
        };
    }
    let parties = [&n.payee, &n.payer];
    let per_unit = round_months.filter(|m| *m > 0.0).unwrap_or(1.0);
    // k_j before the expiry: discounting of the surplus of accepting the other's demand.
    let early = [0, 1].map(|j| {
        let other = parties[1 - j].opening;
        rate(parties[j].discount) / per_unit * gain(parties[j], other)
    });
    let (late, switch) = match &n.calendar {
        Some(cal) => (
            [0, 1].map(|j| early[j] + cal.lapse_cost[j].max(0.0)),
            f64::from(cal.expiry_day) / DAYS_PER_MONTH,
        ),
        None => (early, f64::INFINITY),
    };
    // λ_i keeps j indifferent: λ_i = k_j / Δ.
    let mut pre = [0, 1].map(|i| concession_rate(early[1 - i], gap));
    let post = [0, 1].map(|i| concession_rate(late[1 - i], gap));
    // An expiry on the first day: one phase, at the late rates.
    let switch = if switch > 0.0 {
        switch
    } else {
        pre = post;
        f64::INFINITY
    };
    AttritionGame {
        equilibrium: Some(Attrition::new(
            n.protocol.obstinacy,
            pre,
            post,
            switch,
            index(tie),
        )),
        round_months,
        tie,
    }
}

/// Play `n` under `attrition`, drawing each side's uniform from `rng` (payee first).
pub fn play<R: Rng + ?Sized>(n: &Negotiation, rng: &mut R) -> AttritionPlay {
    let game = game(n);
    let total = match &n.calendar {
        Some(cal) => cal.total_rounds(n.protocol.max_rounds).max(1),
        None => n.protocol.max_rounds.max(1),
    };
    let u: [f64; 2] = [rng.random(), rng.random()];
    let Some(eq) = game.equilibrium else {
        let first = n.protocol.first_mover;
        let x = n.party(first).opening;
        return AttritionPlay {
            game,
            draw: None,
            outcome: accepted(n, x, 0, first.other()),
        };
    };
    let draw = eq.play(u, index(game.tie));
    let deadline = Outcome {
        kind: OutcomeKind::Deadline,
        amount: None,
        round: total,
        accepted_by: None,
    };
    let outcome = match draw.conceder {
        None => deadline,
        Some(i) => {
            // The first round on or after the concession time.
            let rounds = match game.round_months {
                Some(m) if m > 0.0 => draw.time / m,
                _ => draw.time,
            };
            let r = rounds.ceil();
            if r < f64::from(total) {
                let winner = side_of(1 - i);
                accepted(n, n.party(winner).opening, r as u32, side_of(i))
            } else {
                deadline
            }
        }
    };
    AttritionPlay {
        game,
        draw: Some(draw),
        outcome,
    }
}

/// `amount` accepted by `by` in the 0-based round `round`.
fn accepted(n: &Negotiation, amount: f64, round: u32, by: Side) -> Outcome {
    let ratified = n.payee.ratifies(amount) && n.payer.ratifies(amount);
    Outcome::accepted(amount, ratified, round, by)
}

/// The outcome of `n` under `attrition` (see [`play`]).
pub(crate) fn outcome<R: Rng + ?Sized>(n: &Negotiation, rng: &mut R) -> Outcome {
    play(n, rng).outcome
}
