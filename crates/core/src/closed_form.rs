//! Closed-form models as the outcome of one negotiation.
//!
//! All of them map surplus shares to amounts through the zone of agreement
//! `[r_payee, r_payer]` and agree at round 1 (the first mover proposes, the other
//! accepts). Ratification limits are known to the negotiators (complete information,
//! Putnam's two-level game): they shrink the zone to the win-set intersection. When the
//! reservations do not overlap the answer is `no_zone`; when they do but the win-sets
//! do not, the level-1 deal is recorded as `not_ratified`.

use crate::model::{Model, Negotiation};
use crate::outcome::{Outcome, OutcomeKind};
use crate::party::{Party, Side};
use crate::theory::{
    Zone, brw_share, nash_linear, nash_weight, outside_option_shares, rubinstein_share,
    stahl_share, stahl_share_with_options,
};

/// The outcome of `negotiation` under a closed-form `model` (not `agents`).
pub(crate) fn outcome(n: &Negotiation, model: Model) -> Outcome {
    let first = n.protocol.first_mover;
    let fail = |kind| Outcome {
        kind,
        amount: None,
        round: 1,
        accepted_by: None,
    };
    let level1 = zone(n, |p: &Party| reservation(p, model));
    let Zone::Open { .. } = level1 else {
        return fail(OutcomeKind::NoZone);
    };
    let ratifiable = zone(n, |p: &Party| ratifiable(p, model));
    let (kind, z) = match ratifiable {
        Zone::Open { .. } => (OutcomeKind::Deal, ratifiable),
        Zone::Empty { .. } => (OutcomeKind::NotRatified, level1),
    };
    match amount(n, model, z) {
        Some(x) => Outcome {
            kind,
            amount: Some(x),
            round: 1,
            accepted_by: Some(first.other()),
        },
        None => fail(OutcomeKind::NoZone),
    }
}

/// The reservation a model bargains from: the effective reservation when the model
/// bargains from outside options ([`Model::bargains_from_outside_options`]), else the
/// plain one.
pub(crate) fn reservation(p: &Party, model: Model) -> f64 {
    if model.bargains_from_outside_options() {
        p.effective_reservation()
    } else {
        p.reservation
    }
}

fn ratifiable(p: &Party, model: Model) -> f64 {
    let r = reservation(p, model);
    match p.ratification {
        Some(limit) => p.side.better(r, limit),
        None => r,
    }
}

fn zone(n: &Negotiation, r: impl Fn(&Party) -> f64) -> Zone {
    Zone::new(r(&n.payee), r(&n.payer))
}

/// A party's outside option as a share of the surplus of zone `z` (0 when it has none or
/// it is no better than its reservation).
fn option_share(p: &Party, lo: f64, hi: f64) -> f64 {
    let s = hi - lo;
    match p.outside_option {
        Some(w) if s > 0.0 => {
            let gain = match p.side {
                Side::Payee => w - lo,
                Side::Payer => hi - w,
            };
            (gain / s).clamp(0.0, 1.0)
        }
        _ => 0.0,
    }
}

/// The amount under `model` in zone `z`, or `None` if the model finds no agreement.
fn amount(n: &Negotiation, model: Model, z: Zone) -> Option<f64> {
    let Zone::Open { lo, hi } = z else {
        return None;
    };
    let first = n.protocol.first_mover;
    let proposer = n.party(first);
    let responder = n.party(first.other());
    // The proposer's share of the surplus, mapped through the zone.
    let from_proposer_share = |x: f64| match first {
        Side::Payee => z.amount_from_payee_share(x),
        Side::Payer => z.amount_from_payer_share(x),
    };
    match model {
        Model::Agents | Model::Attrition => None,
        Model::Rubinstein => {
            let w_a = option_share(proposer, lo, hi);
            let w_b = option_share(responder, lo, hi);
            if w_a + w_b >= 1.0 {
                return None;
            }
            let x = if w_a > 0.0 || w_b > 0.0 {
                outside_option_shares(proposer.discount, responder.discount, w_a, w_b).0
            } else {
                rubinstein_share(proposer.discount, responder.discount)
            };
            from_proposer_share(x)
        }
        Model::Stahl => {
            let horizon = n.protocol.answerable_offers().max(1);
            let (d_a, d_b) = (proposer.discount, responder.discount);
            let w_a = option_share(proposer, lo, hi);
            let w_b = option_share(responder, lo, hi);
            if w_a + w_b >= 1.0 {
                return None;
            }
            let x = if w_a > 0.0 || w_b > 0.0 {
                stahl_share_with_options(horizon, d_a, d_b, w_a, w_b)
            } else {
                stahl_share(horizon, d_a, d_b)
            };
            from_proposer_share(x)
        }
        Model::Brw => {
            let d_a = option_share(proposer, lo, hi);
            let d_b = option_share(responder, lo, hi);
            if d_a + d_b >= 1.0 {
                return None;
            }
            from_proposer_share(brw_share(n.protocol.breakdown_risk, d_a, d_b))
        }
        Model::Nash => {
            let alpha = nash_weight(n.payee.power, n.payer.power);
            let (u_payee, _) = nash_linear(hi - lo, 0.0, 0.0, alpha);
            z.amount_from_payee_share(if hi > lo { u_payee / (hi - lo) } else { 0.0 })
        }
        Model::KalaiSmorodinsky => {
            // The feasible set is the zone truncated at each side's own opening: nobody
            // asks for more than it opened with. Utilities are surplus over reservation.
            let s = hi - lo;
            if s <= 0.0 {
                return Some(lo);
            }
            let cap_payee = (n.payee.opening - lo).clamp(0.0, s);
            let cap_payer = (hi - n.payer.opening).clamp(0.0, s);
            Some(lo + ks_linear_capped(s, cap_payee, cap_payer))
        }
    }
}

/// The payee's Kalai–Smorodinsky utility on the pie `u_payee + u_payer = s` with
/// `u_payee ≤ cap_payee` and `u_payer ≤ cap_payer` (caps in `[0, s]`), disagreement at 0.
///
/// The ideal point is `(cap_payee, cap_payer)`; the KS point `t·I` lies on the frontier at
/// `t = min(1, s / (I_payee + I_payer))`. Closed form of
/// [`kalai_smorodinsky`](crate::theory::reference::kalai_smorodinsky) on this frontier (they agree:
/// see the `ks_closed_form_matches_the_bisection` property test below).
#[must_use]
pub(crate) fn ks_linear_capped(s: f64, cap_payee: f64, cap_payer: f64) -> f64 {
    let ideal = cap_payee + cap_payer;
    if ideal <= 0.0 {
        return 0.0;
    }
    (s / ideal).min(1.0) * cap_payee
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::ks_linear_capped;

    proptest! {
        #[test]
        fn ks_closed_form_matches_the_bisection(s in 1e-6f64..1e3, a in 0.0f64..=1.0, b in 0.0f64..=1.0) {
            let (cap_payee, cap_payer) = (a * s, b * s);
            let closed = ks_linear_capped(s, cap_payee, cap_payer);
            let frontier = move |u: f64| (s - u).min(cap_payer).max(0.0);
            let (bisected, _) = crate::theory::reference::kalai_smorodinsky(frontier, cap_payee, (0.0, 0.0));
            prop_assert!((closed - bisected).abs() <= 1e-9 * s, "closed {closed} vs bisection {bisected}");
        }
    }
}
