//! Why one negotiation ended as it did, in plain words.
//!
//! Used by `bargain replay` (the last line of its text) and `bargain explain`; the
//! [`Why`] value is serializable so that machine-readable outputs can carry the same
//! explanation. Amounts are written at the precision of the offer grid ([`decimals`]), so
//! a `0.0001` grid shows `1.2446`, never `1.2446000000000002`.

use bargain_core::{Grid, Model, Negotiation, Outcome, OutcomeKind, Party, Side, StrategySpec};
use bargain_core::{Preset, Trace};
use serde::Serialize;

/// Which of a party's limits binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// The worst amount its negotiators sign.
    Reservation,
    /// What it can walk away to.
    OutsideOption,
    /// The worst amount its legislature ratifies.
    Ratification,
}

impl LimitKind {
    /// `limit`, `outside option`, `ratification limit`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Reservation => "limit",
            LimitKind::OutsideOption => "outside option",
            LimitKind::Ratification => "ratification limit",
        }
    }
}

/// One party's binding limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limit {
    /// Whose limit.
    pub side: Side,
    /// Which limit.
    pub kind: LimitKind,
    /// The amount.
    pub amount: f64,
}

/// The zone of agreement after every limit: `[floor, ceiling]`, empty when the payee's
/// floor is above the payer's ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LimitZone {
    /// The least the payee accepts (its binding limit).
    pub floor: Limit,
    /// The most the payer accepts (its binding limit).
    pub ceiling: Limit,
}

impl LimitZone {
    /// Whether no amount satisfies both parties.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.floor.amount > self.ceiling.amount
    }
}

/// The binding limit of `p`: its reservation, its outside option when that is better for
/// it (if `with_option`), and its ratification limit when `with_ratification` and stricter.
fn limit(p: &Party, with_option: bool, with_ratification: bool) -> Limit {
    let mut l = Limit {
        side: p.side,
        kind: LimitKind::Reservation,
        amount: p.reservation,
    };
    let mut tighten = |kind, x: f64| {
        // Stricter for the party: better for it (higher for the payee, lower for the payer).
        if p.side.at_least_as_good(x, l.amount) && x != l.amount {
            l = Limit {
                side: p.side,
                kind,
                amount: x,
            };
        }
    };
    if with_option && let Some(w) = p.outside_option {
        tighten(LimitKind::OutsideOption, w);
    }
    if with_ratification && let Some(r) = p.ratification {
        tighten(LimitKind::Ratification, r);
    }
    l
}

/// The zone after reservations, outside options and ratification limits.
#[must_use]
pub fn zone(n: &Negotiation) -> LimitZone {
    LimitZone {
        floor: limit(&n.payee, true, true),
        ceiling: limit(&n.payer, true, true),
    }
}

/// The zone `model` bargains over before ratification: with outside options as the
/// disagreement point or not, as [`Model::bargains_from_outside_options`] says.
fn model_zone(n: &Negotiation, model: Model, with_ratification: bool) -> LimitZone {
    let with_option = model.bargains_from_outside_options();
    LimitZone {
        floor: limit(&n.payee, with_option, with_ratification),
        ceiling: limit(&n.payer, with_option, with_ratification),
    }
}

/// Decimals that show every point of `grid` exactly (4 without a grid), at most 10.
#[must_use]
pub fn decimals(grid: Option<Grid>) -> usize {
    let Some(g) = grid else { return 4 };
    (0..=10)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            let (a, b) = (g.step * scale, g.lo * scale);
            (a - a.round()).abs() < 1e-6 * a.abs().max(1.0)
                && (b - b.round()).abs() < 1e-6 * b.abs().max(1.0)
        })
        .unwrap_or(10)
}

/// `x` for people, without float noise: at most 10 significant digits, trailing zeros
/// dropped (`1.0499999999999998` → `1.05`, `1.1500000000000001` → `1.15`, `3` → `3`).
/// For values without a known precision (sweep values, package issues); amounts with a
/// grid use [`amount`] at [`decimals`].
#[must_use]
pub fn plain_number(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return format!("{x}");
    }
    let d = (9 - x.abs().log10().floor() as i32).clamp(0, 17) as usize;
    let s = format!("{x:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// `x` with `d` decimals.
#[must_use]
pub fn amount(x: f64, d: usize) -> String {
    format!("{x:.d$}")
}

/// The strategy in words: `time-based boulware`, `faratin (β 0.5, κ 0.1)`, `hardliner`.
#[must_use]
pub fn strategy_name(spec: &StrategySpec) -> String {
    let presets = [Preset::Boulware, Preset::Linear, Preset::Conceder];
    let name = |p: Preset| match p {
        Preset::Boulware => "boulware",
        Preset::Linear => "linear",
        Preset::Conceder => "conceder",
    };
    match *spec {
        StrategySpec::TimeBased {
            exponent,
            max_aspiration,
            eps,
        } => match presets.iter().find(|p| p.time_based_exponent() == exponent) {
            Some(&p) if max_aspiration == 1.0 && eps == 1e-4 => {
                format!("time-based {}", name(p))
            }
            _ => format!("time-based (exponent {exponent})"),
        },
        StrategySpec::Faratin { beta, kappa, .. } => {
            match presets.iter().find(|p| p.faratin_beta() == beta) {
                Some(&p) if kappa == 0.0 => format!("faratin {}", name(p)),
                _ => format!("faratin (β {beta}, κ {kappa})"),
            }
        }
        StrategySpec::Learning {
            prior_width,
            hypotheses,
            exponent,
        } => {
            if StrategySpec::learning() == *spec {
                "learning".to_owned()
            } else {
                format!(
                    "learning (prior width {prior_width}, {hypotheses} hypotheses, exponent {exponent})"
                )
            }
        }
        ref other => other.kind().to_string(),
    }
}

/// The explanation of one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    /// How it ended.
    pub kind: OutcomeKind,
    /// One sentence saying why.
    pub text: String,
    /// The zone after every limit (reservations, outside options, ratification).
    pub zone: LimitZone,
}

/// Names of the two parties, payee first, as shown to the user.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The payee's display name.
    pub payee: &'a str,
    /// The payer's display name.
    pub payer: &'a str,
}

impl Names<'_> {
    /// `United States (payee)`.
    fn of(&self, side: Side) -> String {
        let n = match side {
            Side::Payee => self.payee,
            Side::Payer => self.payer,
        };
        format!("{n} ({})", side.as_str())
    }

    fn limit(&self, l: &Limit, d: usize) -> String {
        format!(
            "{}'s {} {}",
            self.of(l.side),
            l.kind.as_str(),
            amount(l.amount, d)
        )
    }
}

/// Why `outcome` (of `model` on `n`, with the agents' offers in `trace`) ended as it did.
#[must_use]
pub fn why(
    n: &Negotiation,
    model: Model,
    outcome: &Outcome,
    trace: &Trace,
    names: Names<'_>,
) -> Why {
    let d = decimals(n.protocol.grid);
    let z = zone(n);
    let empty_zone = |z: &LimitZone| {
        format!(
            "{} is below {}",
            names.limit(&z.ceiling, d),
            names.limit(&z.floor, d)
        )
    };
    let last = trace.offers.last();
    let text = match outcome.kind {
        OutcomeKind::Deal | OutcomeKind::Deadline if model == Model::Attrition => {
            attrition_why(n, outcome, names, d)
        }
        OutcomeKind::Deal => {
            let by = outcome
                .accepted_by
                .map_or_else(|| "the responder".to_string(), |s| names.of(s));
            // Under a calendar the zone that counts is the one at the deal's round, after
            // the lapse has moved both limits.
            let r = outcome.round.saturating_sub(1);
            let (zd, lapse) = match &n.calendar {
                Some(c) => {
                    let shifted = Negotiation {
                        payee: c.shifted(&n.payee, r),
                        payer: c.shifted(&n.payer, r),
                        ..n.clone()
                    };
                    (zone(&shifted), c.lapse_months(r))
                }
                None => (z, 0.0),
            };
            let mut s = format!(
                "deal at {} in round {}: {by} accepted, inside the zone [{}, {}]",
                outcome.amount.map_or_else(|| "-".into(), |x| amount(x, d)),
                outcome.round,
                amount(zd.floor.amount, d),
                amount(zd.ceiling.amount, d)
            );
            if lapse > 0.0 {
                s.push_str(&format!(
                    " after {lapse:.1} months of lapse (at the start it was [{}, {}])",
                    amount(z.floor.amount, d),
                    amount(z.ceiling.amount, d)
                ));
            }
            s
        }
        OutcomeKind::NoZone => {
            format!(
                "no zone of agreement: {}",
                empty_zone(&model_zone(n, model, false))
            )
        }
        OutcomeKind::NotRatified => {
            let x = outcome.amount.unwrap_or(f64::NAN);
            let refusing: Vec<String> = [&n.payee, &n.payer]
                .into_iter()
                .filter(|p| !p.ratifies(x))
                .filter_map(|p| {
                    p.ratification.map(|r| {
                        format!(
                            "{}'s legislature ratifies no worse than {}",
                            names.of(p.side),
                            amount(r, d)
                        )
                    })
                })
                .collect();
            let mut s = format!(
                "not ratified: the negotiators signed {} but {}",
                amount(x, d),
                if refusing.is_empty() {
                    "a legislature refused".to_string()
                } else {
                    refusing.join(" and ")
                }
            );
            let rz = model_zone(n, model, true);
            if rz.is_empty() {
                s.push_str(&format!("; no amount could pass both: {}", empty_zone(&rz)));
            }
            s
        }
        OutcomeKind::Deadline => {
            let last_of = |side: Side| trace.offers.iter().rev().find(|o| o.by == side);
            let rounds = n.calendar.as_ref().map_or(n.protocol.max_rounds, |c| {
                c.total_rounds(n.protocol.max_rounds)
            });
            let mut s = format!("deadline: no offer was accepted in {rounds} rounds");
            if let (Some(a), Some(b)) = (last_of(Side::Payee), last_of(Side::Payer)) {
                s.push_str(&format!(
                    "; the last offers were {} from {} and {} from {}, a gap of {}",
                    amount(a.amount, d),
                    names.of(Side::Payee),
                    amount(b.amount, d),
                    names.of(Side::Payer),
                    amount((a.amount - b.amount).abs(), d)
                ));
            }
            if z.is_empty() {
                s.push_str(&format!("; no deal was possible: {}", empty_zone(&z)));
            }
            s
        }
        OutcomeKind::Breakdown => {
            let risk = 100.0 * n.protocol.breakdown_risk;
            let mut s = match last {
                Some(o) => format!(
                    "breakdown: the talks collapsed after {} rejected {}'s offer of {} in round {} (risk {risk:.2}% per rejected offer)",
                    names.of(o.by.other()),
                    names.of(o.by),
                    amount(o.amount, d),
                    o.round + 1,
                ),
                None => {
                    format!("breakdown: the talks collapsed (risk {risk:.2}% per rejected offer)")
                }
            };
            if z.is_empty() {
                s.push_str(&format!(
                    "; no deal was possible anyway: {}",
                    empty_zone(&z)
                ));
            }
            s
        }
    };
    Why {
        kind: outcome.kind,
        text,
        zone: z,
    }
}

/// Why a war of attrition ended as it did: who conceded to whose opening, or that
/// nobody did.
fn attrition_why(n: &Negotiation, outcome: &Outcome, names: Names<'_>, d: usize) -> String {
    match (outcome.kind, outcome.accepted_by) {
        (OutcomeKind::Deal, Some(by)) => format!(
            "deal at {} in round {}: {} conceded to {}'s opening in the war of attrition",
            outcome.amount.map_or_else(|| "-".into(), |x| amount(x, d)),
            outcome.round,
            names.of(by),
            names.of(by.other())
        ),
        _ => format!(
            "deadline: nobody conceded in the war of attrition before round {} (obstinate types never do: {} {:.3}, {} {:.3})",
            outcome.round,
            names.of(Side::Payee),
            n.protocol.obstinacy[0],
            names.of(Side::Payer),
            n.protocol.obstinacy[1]
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bargain_core::{Protocol, TracedOffer};

    fn party(side: Side, opening: f64, reservation: f64) -> Party {
        Party {
            side,
            opening,
            reservation,
            discount: 1.0,
            power: 1.0,
            ratification: None,
            outside_option: None,
            strategy: StrategySpec::Hardliner,
        }
    }

    fn negotiation(r_payee: f64, r_payer: f64) -> Negotiation {
        Negotiation {
            payee: party(Side::Payee, 1.5, r_payee),
            payer: party(Side::Payer, 0.8, r_payer),
            protocol: Protocol {
                max_rounds: 3,
                first_mover: Side::Payee,
                breakdown_risk: 0.01,
                grid: Some(Grid {
                    lo: 0.5,
                    hi: 2.5,
                    step: 0.0001,
                }),
                obstinacy: [0.0; 2],
            },
            calendar: None,
        }
    }

    const NAMES: Names<'static> = Names {
        payee: "US",
        payer: "Korea",
    };

    #[test]
    fn plain_numbers_have_no_float_noise() {
        assert_eq!(plain_number(1.0499999999999998), "1.05");
        assert_eq!(plain_number(1.1500000000000001), "1.15");
        assert_eq!(plain_number(0.1 + 0.2), "0.3");
        assert_eq!(plain_number(3.0), "3");
        assert_eq!(plain_number(-0.000123456789012), "-0.000123456789");
        assert_eq!(plain_number(1234567.25), "1234567.25");
    }

    #[test]
    fn grid_precision() {
        assert_eq!(decimals(None), 4);
        let g = |step| {
            Some(Grid {
                lo: 0.5,
                hi: 2.0,
                step,
            })
        };
        assert_eq!(decimals(g(0.0001)), 4);
        assert_eq!(decimals(g(0.05)), 2);
        assert_eq!(decimals(g(1.0)), 1);
        assert_eq!(amount(1.244_600_000_000_000_2, 4), "1.2446");
    }

    #[test]
    fn no_zone_names_both_limits() {
        let n = negotiation(1.107, 1.006);
        let o = n.outcome(Model::Nash, &mut crate::ensemble::trial_rng(0, 0), None);
        assert_eq!(o.kind, OutcomeKind::NoZone);
        let w = why(&n, Model::Nash, &o, &Trace::new(), NAMES);
        assert_eq!(
            w.text,
            "no zone of agreement: Korea (payer)'s limit 1.0060 is below US (payee)'s limit 1.1070"
        );
        assert!(w.zone.is_empty());
    }

    #[test]
    fn ratification_tightens_the_zone() {
        let mut n = negotiation(1.0, 1.2);
        n.payer.ratification = Some(1.1);
        let z = zone(&n);
        assert_eq!(z.ceiling.kind, LimitKind::Ratification);
        assert_eq!(z.ceiling.amount, 1.1);
        assert_eq!(z.floor.kind, LimitKind::Reservation);
        // A looser ratification limit does not bind.
        n.payer.ratification = Some(1.3);
        assert_eq!(zone(&n).ceiling.kind, LimitKind::Reservation);
    }

    #[test]
    fn deadline_states_the_final_gap() {
        let n = negotiation(1.0, 1.2);
        let trace = Trace {
            offers: vec![
                TracedOffer {
                    round: 0,
                    by: Side::Payee,
                    amount: 1.5,
                },
                TracedOffer {
                    round: 0,
                    by: Side::Payer,
                    amount: 0.8,
                },
                TracedOffer {
                    round: 2,
                    by: Side::Payee,
                    amount: 1.45,
                },
            ],
            ..Trace::default()
        };
        let o = Outcome {
            kind: OutcomeKind::Deadline,
            amount: None,
            round: 3,
            accepted_by: None,
        };
        let w = why(&n, Model::Agents, &o, &trace, NAMES);
        assert!(w.text.contains("a gap of 0.6500"), "{}", w.text);
        assert!(w.text.contains("1.4500 from US (payee)"), "{}", w.text);
    }

    #[test]
    fn preset_names() {
        assert_eq!(
            strategy_name(&StrategySpec::time_based(Preset::Boulware)),
            "time-based boulware"
        );
        assert_eq!(
            strategy_name(&StrategySpec::faratin(Preset::Conceder)),
            "faratin conceder"
        );
        assert_eq!(strategy_name(&StrategySpec::TitForTat), "tit-for-tat");
    }
}
