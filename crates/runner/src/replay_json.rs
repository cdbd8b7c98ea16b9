//! `bargain replay --json` (and Python's `bargain.replay`): one trial as a JSON object.
//!
//! ```json
//! {"scenario": "sma-2019", "trial": 7, "model": "agents",
//!  "outcome": "deal", "round": 4, "agreement": {"amount": 1.05},
//!  "accepted_by": "kr",
//!  "inputs": {"parties.us.reservation": 1.02, ...},
//!  "offers": [{"round": 1, "by": "us", "amount": 1.4, "response": "counter"}, ...]}
//! ```
//!
//! `outcome` is the outcome kind; `round` the 1-based round in which a deal (or a deal
//! that failed ratification) was struck, `null` otherwise; `agreement` `{"amount": x}`
//! for an agreement, `null` otherwise; each offer has the 1-based round in which it was
//! answered ([`answer_rounds`]: the accepted offer's round is the result's `round`), the
//! party key of who made it, the amount and the answering move: `counter` (the other side made a
//! counter-offer), `accept`, `veto` (accepted, refused by a principal, talks went on:
//! `on_veto = "resume"`), `breakdown` (rejected, then the talks collapsed) or
//! `deadline` (rejected in the last round). When a party plays the `learning` strategy,
//! each of the other side's offers also has `"estimate": {"by": learner, "reservation":
//! mean, "sd": sd, "observed": offers seen}`: the learner's estimate of the other side's
//! reservation (an amount) after that offer ([`learning_estimates`]).

use bargain_core::strategy::learning::Estimate;
use bargain_core::{Model, Outcome, OutcomeKind, Side, TracedOffer};
use serde_json::{Map, Value, json};

use crate::ensemble::Replay;
use crate::scenario::Scenario;

/// The 1-based round in which each offer was answered: the round of the move that
/// accepted or rejected it. The first mover's offers are answered in the round they are
/// made, the second mover's at the first move of the next round; never later than the
/// round the talks ended in (`outcome.round`: the last offer of talks that ran out).
/// With this one convention the listed offers of `replay` (text and `--json`) and the
/// dance plot agree with the result's round (the summary's `round`, NegMAS's final
/// `state.step`): the accepted offer is listed in the round of the deal.
#[must_use]
pub fn answer_rounds(offers: &[TracedOffer], outcome: &Outcome) -> Vec<u32> {
    let first = offers.first().map(|o| o.by);
    offers
        .iter()
        .map(|o| {
            let made = o.round + 1;
            let answered = if Some(o.by) == first { made } else { made + 1 };
            answered.min(outcome.round.max(made))
        })
        .collect()
}

/// The estimates of the learning parties (`learning` strategy) after each of the other
/// side's offers: `(offer index, learner, estimate in amounts)`; empty when no party
/// learns, and for talks with events (which rebuild the negotiators mid-talks).
#[must_use]
pub fn learning_estimates(r: &Replay) -> Vec<(usize, Side, Estimate)> {
    if !r.timeline.is_empty() {
        return Vec::new();
    }
    bargain_core::strategy::learning::replay_estimates(&r.negotiation, &r.trace.offers)
}

/// The answering move to the offer at `index` of the replay's offers.
fn response(r: &Replay, index: usize) -> &'static str {
    if r.trace.vetoed.contains(&index) {
        return "veto";
    }
    if index + 1 < r.trace.offers.len() {
        return "counter";
    }
    match r.outcome.kind {
        OutcomeKind::Deal | OutcomeKind::NotRatified if r.outcome.accepted_by.is_some() => "accept",
        OutcomeKind::Breakdown => "breakdown",
        _ => "deadline",
    }
}

/// The `replay --json` object of trial `trial` under `model`.
#[must_use]
pub fn replay_json(scenario: &Scenario, trial: u64, model: Model, r: &Replay) -> Value {
    let agreed = matches!(r.outcome.kind, OutcomeKind::Deal | OutcomeKind::NotRatified);
    let amount = r.outcome.amount.filter(|_| agreed);
    let inputs: Map<String, Value> = scenario
        .input_names()
        .into_iter()
        .zip(&r.inputs)
        .map(|(name, x)| (name, json!(x)))
        .collect();
    let rounds = answer_rounds(&r.trace.offers, &r.outcome);
    let estimates = learning_estimates(r);
    let offers: Vec<Value> = r
        .trace
        .offers
        .iter()
        .zip(&rounds)
        .enumerate()
        .map(|(i, (o, round))| {
            let mut v = json!({
                "round": round,
                "by": scenario.party_key(o.by),
                "amount": o.amount,
                "response": response(r, i),
            });
            if let (Some((_, by, e)), Value::Object(map)) =
                (estimates.iter().find(|x| x.0 == i), &mut v)
            {
                map.insert(
                    "estimate".to_owned(),
                    json!({ "by": scenario.party_key(*by), "reservation": e.mean,
                            "sd": e.sd, "observed": e.observed }),
                );
            }
            v
        })
        .collect();
    let mut v = json!({
        "scenario": scenario.name,
        "trial": trial,
        "model": model.as_str(),
        "outcome": r.outcome.kind.as_str(),
        "round": amount.map(|_| r.outcome.round),
        "agreement": amount.map(|x| json!({ "amount": x })),
        "accepted_by": r.outcome.accepted_by.map(|s| scenario.party_key(s)),
        "inputs": inputs,
        "offers": offers,
    });
    crate::events_report::EventsView::one_issue(scenario, r).add_to_json(&mut v);
    if let (Some(play), Value::Object(map)) = (&r.attrition, &mut v) {
        map.insert("attrition".to_owned(), attrition_json(scenario, r, play));
    }
    v
}

/// The `attrition` object of a replay under that model: `{"time_unit": "months" |
/// "rounds", "end": T_0 | null, "sides": {key: {"obstinacy", "type": "obstinate" |
/// "rational", "concession_time": t | null, "rate_before_expiry", "rate_after_expiry",
/// "atom"}}, "conceded_by": key | null, "concession_time": t | null}`; `null` for the
/// war itself when the openings do not conflict.
fn attrition_json(
    scenario: &Scenario,
    r: &Replay,
    play: &bargain_core::attrition::AttritionPlay,
) -> Value {
    use bargain_core::attrition::side_of;
    let finite = |t: f64| t.is_finite().then_some(t);
    let unit = if play.game.round_months.is_some() {
        "months"
    } else {
        "rounds"
    };
    let (Some(eq), Some(draw)) = (play.game.equilibrium, play.draw) else {
        return json!({ "time_unit": unit, "end": null, "sides": null,
                       "conceded_by": r.outcome.accepted_by.map(|s| scenario.party_key(s)),
                       "concession_time": 0.0 });
    };
    let sides: Map<String, Value> = (0..2)
        .map(|i| {
            let key = scenario.party_key(side_of(i)).to_string();
            let v = json!({
                "obstinacy": r.negotiation.protocol.obstinacy[i],
                "type": if draw.obstinate[i] { "obstinate" } else { "rational" },
                "concession_time": finite(draw.times[i]),
                "rate_before_expiry": eq.pre[i],
                "rate_after_expiry": eq.post[i],
                "atom": eq.atom[i],
            });
            (key, v)
        })
        .collect();
    json!({
        "time_unit": unit,
        "end": finite(eq.end),
        "sides": sides,
        "conceded_by": draw.conceder.map(|i| scenario.party_key(side_of(i))),
        "concession_time": finite(draw.time),
    })
}
