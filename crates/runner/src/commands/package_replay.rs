//! `bargain replay FILE --trial I --model M [--json]` on a package scenario: one trial,
//! offer by offer for `agents`, as the run computed it.
//!
//! ```json
//! {"scenario": "trade", "trial": 0, "model": "agents", "outcome": "deal", "round": 89,
//!  "agreement": {"quota": "max", "tariff-rate": "10%"}, "accepted_by": "b",
//!  "utility": {"a": 0.55, "b": 0.6}, "inputs": {},
//!  "offers": [{"round": 1, "by": "a", "agreement": {…}, "utility": {…}, "response": "counter"}, …]}
//! ```
//!
//! `outcome` is `deal`, `deadline` (agents without a deal) or `no_zone` (a closed form
//! with no outcome rational for both), and with a calendar, a breakdown risk or a
//! ratification limit also `breakdown` or `not_ratified` (then `agreement` is the package
//! the principals refused); `round` is 1-based (null without an agreement, and for the
//! closed forms without a calendar); `agreement` maps issue keys to numbers or `choice` labels; each
//! offer's `round` is the round in which it was answered (the accepted offer's is the
//! deal's `round`, as in one-issue replays). When a party plays `learning`, each of the
//! other party's offers also has `"estimate": {"by": learner, "utility": mean, "sd": sd,
//! "observed": offers seen, "goal": utility}`: the learner's estimate of where the other's
//! concession ends and the goal it concedes toward, in the learner's own utility, and,
//! with two to four issues, `"weights": {issue key: weight}`, the other's issue weights as
//! the learner estimates them (its goal then the estimated Nash point of the estimated
//! zone: `bargain_core::package::zone`).
//!
//! A scenario with `[[events]]` or `on_veto = "resume"` adds `events` (when each took
//! effect in the trial and what it changed) and `vetoes`, as one-issue replays do
//! ([`crate::events_report`]); an offer accepted and then refused by a principal has the
//! response `veto`.

use std::path::Path;

use bargain_core::package::aspiration::{PackageOffer, PowerCache};
use bargain_core::package::opponent::OpponentView;
use bargain_core::package::space::{OutcomeSpace, Value as IssueValue};
use bargain_core::package::tactics::{Believed, LearningNegotiator, Tactic};
use serde_json::{Map, Value, json};

use crate::commands::Error;
use crate::ensemble::package::{Prepared, agents_end, agents_timed, end_timed, rules};
use crate::events_report::EventsView;
use crate::scenario::SampleCtx;
use crate::scenario::issues::{PackageModel, PackageScenario, PackageTrial};

/// An outcome as `{issue key: number or label}`.
fn package(space: &OutcomeSpace, o: u32) -> Value {
    let m: Map<String, Value> = space
        .issues()
        .iter()
        .enumerate()
        .map(|(j, issue)| {
            let v = match space.value(o, j) {
                IssueValue::Number(x) => json!(x),
                IssueValue::Integer(x) => json!(x),
                IssueValue::Label(l) => json!(l),
            };
            (issue.key.clone(), v)
        })
        .collect();
    Value::Object(m)
}

/// The beliefs of the learning parties after each of the other party's offers:
/// `(learner's index, belief)` in the order of the offers, by the same updates as in the
/// talks (each learner built against its opponent for the rounds it plans for, as the
/// run builds it, so with two to four issues it models the opponent's weights); offers
/// after a calendar's expiry are not shown; empty when no party learns.
fn learning_estimates(
    s: &PackageScenario,
    t: &PackageTrial,
    p: &Prepared,
    offers: &[PackageOffer],
) -> Vec<(usize, Believed)> {
    // The rounds the negotiators plan for (up to a calendar's expiry, as in the run);
    // offers after them are moved by the lapse rule, not the learner, and not shown.
    let rounds = if t.has_rules() {
        rules(s, t).rounds().0
    } else {
        t.max_rounds
    };
    let within = offers
        .iter()
        .position(|o| o.step >= rounds)
        .unwrap_or(offers.len());
    let offers = &offers[..within];
    let mut out = Vec::new();
    for (i, party) in t.parties.iter().enumerate() {
        if let Tactic::Learning {
            prior_width,
            hypotheses,
            exponent,
        } = party.tactic
        {
            let learner = LearningNegotiator::new(
                &p.sorted[i],
                t.reservation(i),
                rounds,
                prior_width,
                hypotheses,
                exponent,
            )
            .against(OpponentView {
                space: s.space(),
                preferences: &t.parties[1 - i].preferences,
            });
            let me = u8::from(i == 1);
            out.extend(
                learner
                    .beliefs_after(me, offers)
                    .into_iter()
                    .map(|b| (i, b)),
            );
        }
    }
    out.sort_by_key(|x| x.1.offer);
    out
}

/// The indices (into `offers`) of the offers a principal vetoed, in talks that met
/// `vetoes` vetoes (`bargain_core::package::timed`). In those talks each round has the
/// first mover's move and then the second's, so the move after offer `(by, step)` is
/// the other side's in step `step + by`; a veto skips the rest of its round and
/// withdraws the offer, so the next offer comes from anywhere else. A veto of the last
/// offer leaves no next offer: it is the veto left over from the count.
#[must_use]
pub fn vetoed_offers(offers: &[PackageOffer], vetoes: u32) -> Vec<usize> {
    let mut out: Vec<usize> = offers
        .windows(2)
        .enumerate()
        .filter(|(_, w)| (w[1].by, w[1].step) != (1 - w[0].by, w[0].step + u32::from(w[0].by)))
        .map(|(i, _)| i)
        .collect();
    if out.len() < vetoes as usize && !offers.is_empty() {
        out.push(offers.len() - 1);
    }
    out
}

/// The replay of trial `trial` under `model` as the JSON object above.
///
/// # Errors
/// An unknown model or a trial out of range (usage errors), a bad scenario.
pub fn replay_value(
    s: &PackageScenario,
    trial: u64,
    model: &str,
    trials: Option<u64>,
    seed: Option<u64>,
) -> Result<Value, Error> {
    Ok(replay_parts(s, trial, model, trials, seed)?.0)
}

/// The JSON object of [`replay_value`] and the text's lines on events and vetoes.
fn replay_parts(
    s: &PackageScenario,
    trial: u64,
    model: &str,
    trials: Option<u64>,
    seed: Option<u64>,
) -> Result<(Value, String), Error> {
    let m = PackageModel::from_name(model).ok_or_else(|| {
        let names: Vec<&str> = PackageModel::ALL.iter().map(|m| m.as_str()).collect();
        Error::Usage(format!(
            "unknown model `{model}` for a package scenario: expected one of {}",
            names.join(", ")
        ))
    })?;
    if m.split().is_some() && crate::ensemble::package::amount_issue(s.space()).is_none() {
        return Err(Error::Usage(format!(
            "model `{}` splits the `amount` issue (a `number` issue keyed `amount`): this package has none",
            m.as_str()
        )));
    }
    let trials = trials.unwrap_or(s.run.trials);
    let seed = seed.unwrap_or(s.run.seed);
    if trial >= trials {
        return Err(Error::Usage(format!(
            "--trial {trial} is out of range: the run has {trials} trials (0..{trials})"
        )));
    }
    let mut inputs = vec![0.0; s.input_names().len()];
    let (t, _) = s.draw_trial(
        SampleCtx {
            trial,
            trials,
            seed,
        },
        &mut inputs,
    );
    let space = s.space();
    let p = Prepared::new(s, &t).map_err(|e| Error::Other(e.to_string()))?;
    let keys = &s.party_keys;
    let utility = |o: u32| json!({ &keys[0]: p.ua[o as usize], &keys[1]: p.ub[o as usize] });
    let mut offers: Vec<PackageOffer> = Vec::new();
    // How the talks ended: `deal`, or (with a calendar, a breakdown risk or a
    // ratification limit) `not_ratified` or `breakdown`, else `deadline` / `no_zone`.
    let mut cache = PowerCache::new();
    let (e, vetoes) = match m {
        PackageModel::Agents if s.has_timeline() => {
            let timed = agents_timed(s, &t, &p, &mut cache, Some(&mut offers));
            (timed.end, timed.vetoes)
        }
        PackageModel::Agents => (agents_end(s, &t, &p, &mut cache, Some(&mut offers)), 0),
        _ => {
            let timed = end_timed(m, s, &t, &p, &mut cache);
            (timed.end, timed.vetoes)
        }
    };
    let vetoed = vetoed_offers(&offers, vetoes);
    let outcome = e.outcome;
    let (round, accepted_by) = match (m, outcome) {
        (PackageModel::Agents, Some(_)) => {
            // The last offer stands; the other party accepted it.
            let by = offers.last().map_or(0, |o| 1 - usize::from(o.by));
            (Some(e.round), Some(keys[by].clone()))
        }
        // A closed form strikes in round 1, or under a calendar in the first open round.
        (_, Some(_)) if t.calendar.is_some() => (Some(e.round), None),
        _ => (None, None),
    };
    let kind = e.kind.as_str();
    // Each offer in the 1-based round it was answered (the second mover's at the first
    // move of the next round), as one-issue replays list them: the accepted offer's
    // round is the deal's `round`.
    let estimates = learning_estimates(s, &t, &p, &offers);
    let last_made = offers.iter().map(|o| o.step + 1).max().unwrap_or(1);
    let cap = round.unwrap_or(last_made);
    let offers: Vec<Value> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let response = if vetoed.contains(&i) {
                "veto"
            } else if i + 1 < offers.len() {
                "counter"
            } else if outcome.is_some() {
                "accept"
            } else {
                kind
            };
            let mut v = json!({
                "round": (o.step + 1 + u32::from(o.by)).min(cap.max(o.step + 1)),
                "by": keys[usize::from(o.by)],
                "agreement": package(space, o.outcome),
                "utility": utility(o.outcome),
                "response": response,
            });
            if let (Some((by, b)), Value::Object(map)) =
                (estimates.iter().find(|x| x.1.offer == i), &mut v)
            {
                let e = b.estimate;
                let mut est = json!({ "by": keys[*by], "utility": e.mean, "sd": e.sd,
                                      "observed": e.observed, "goal": b.goal });
                if let (false, Value::Object(m)) = (b.weights.is_empty(), &mut est) {
                    let w: Map<String, Value> = space
                        .issues()
                        .iter()
                        .zip(&b.weights)
                        .map(|(issue, w)| (issue.key.clone(), json!(w)))
                        .collect();
                    m.insert("weights".to_owned(), Value::Object(w));
                }
                map.insert("estimate".to_owned(), est);
            }
            v
        })
        .collect();
    let inputs: Map<String, Value> = s
        .input_names()
        .into_iter()
        .zip(&inputs)
        .map(|(n, x)| (n, json!(x)))
        .collect();
    let mut v = json!({
        "scenario": s.name,
        "trial": trial,
        "model": m.as_str(),
        "outcome": kind,
        "round": round,
        "agreement": outcome.map(|o| package(space, o)),
        "accepted_by": accepted_by,
        "utility": outcome.map(utility),
        "inputs": inputs,
        "offers": offers,
    });
    let view = EventsView::package(s, &t, vetoes, "in this trial");
    view.add_to_json(&mut v);
    Ok((v, view.lines()))
}

/// `bargain replay` on the package scenario at `path` (with `sets` applied, as `run`
/// does): the JSON object, or a few lines of text (one per offer).
///
/// # Errors
/// As [`replay_value`], and scenario errors (at the file or an override).
pub fn replay(
    path: &Path,
    sets: &[crate::scenario::Override],
    trial: u64,
    model: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    json: bool,
) -> Result<(), Error> {
    let (s, _) = super::package_run::load_package(path, sets)?;
    let (v, events) = replay_parts(&s, trial, model, trials, seed)?;
    if json {
        return super::replay::write_stdout(&format!("{v}\n"));
    }
    let show = |p: &Value| {
        p.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let text = match (v.as_str(), v.as_f64()) {
                            (Some(s), _) => s.to_owned(),
                            // Numbers without float noise (1.1500000000000001 → 1.15).
                            (None, Some(x)) => crate::why::plain_number(x),
                            _ => v.to_string(),
                        };
                        format!("{k} = {text}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    // The whole text is written at once, quietly ending on a closed pipe (`| head`).
    let mut text = format!(
        "{} trial {trial}, model {}\n",
        s.title,
        v["model"].as_str().unwrap_or("")
    );
    for o in v["offers"].as_array().into_iter().flatten() {
        let response = match o["response"].as_str() {
            Some("veto") => "accepted, then vetoed by a principal; the talks went on",
            r => r.unwrap_or(""),
        };
        text.push_str(&format!(
            "round {:>4}  {:<8} offers {}  ({response})\n",
            o["round"],
            o["by"].as_str().unwrap_or(""),
            show(&o["agreement"]),
        ));
        if let Some(e) = o.get("estimate") {
            let round4 = |x: &Value| {
                crate::why::plain_number((x.as_f64().unwrap_or(f64::NAN) * 1e4).round() / 1e4)
            };
            text.push_str(&format!(
                "            {} estimates {}'s concession ends at utility {} ± {} (to {}; {} offers seen)\n",
                e["by"].as_str().unwrap_or(""),
                o["by"].as_str().unwrap_or(""),
                round4(&e["utility"]),
                round4(&e["sd"]),
                e["by"].as_str().unwrap_or(""),
                e["observed"]
            ));
            if let Some(w) = e["weights"].as_object() {
                let weights: Vec<String> = w
                    .iter()
                    .map(|(k, x)| format!("{k} {}", round4(x)))
                    .collect();
                text.push_str(&format!(
                    "            its goal: utility {}; {}'s weights as it estimates them: {}\n",
                    round4(&e["goal"]),
                    o["by"].as_str().unwrap_or(""),
                    weights.join(", ")
                ));
            }
        }
    }
    text.push_str(&events);
    match v["outcome"].as_str() {
        Some("deal") => {
            let when = v["round"]
                .as_u64()
                .map(|r| format!(" in round {r}"))
                .unwrap_or_default();
            text.push_str(&format!("deal{when}: {}\n", show(&v["agreement"])));
        }
        Some(k) => text.push_str(&format!("no deal ({k})\n")),
        None => {}
    }
    super::replay::write_stdout(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(step: u32, by: u8) -> PackageOffer {
        PackageOffer {
            step,
            by,
            outcome: 0,
        }
    }

    #[test]
    fn vetoes_are_the_breaks_in_the_order_of_moves() {
        // No veto: a, b in each round.
        let plain = [offer(0, 0), offer(0, 1), offer(1, 0), offer(1, 1)];
        assert!(vetoed_offers(&plain, 0).is_empty());
        // b's offer of round 0 accepted by a in round 1, vetoed: a offers again in round 2.
        let after_b = [offer(0, 0), offer(0, 1), offer(2, 0)];
        assert_eq!(vetoed_offers(&after_b, 1), vec![1]);
        // a's offer of round 1 accepted by b, vetoed: a offers again in round 2.
        let after_a = [offer(0, 0), offer(0, 1), offer(1, 0), offer(2, 0)];
        assert_eq!(vetoed_offers(&after_a, 1), vec![2]);
        // The last offer vetoed, then the talks ran out.
        assert_eq!(vetoed_offers(&after_a, 2), vec![2, 3]);
    }
}
