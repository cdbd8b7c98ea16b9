//! `bargain explain` on a package scenario: the outcome space, each party's central
//! preferences, and every model's agreement at the central values (the closed forms on
//! the central trial's Pareto frontier; the agents' negotiation between the central
//! negotiators), issue by issue with both parties' utilities. A scenario with
//! `[[events]]` or `on_veto = "resume"` is explained on its timeline at central values
//! (each event that happens in at least half of the trials, on the middle day of its
//! dates, with the medians of drawn values), as one-issue scenarios are: the events are
//! listed and each model's vetoes counted.

use std::fmt::Write as _;

use bargain_core::package::aspiration::PowerCache;
use serde_json::{Value, json};

use super::Error;
use crate::ensemble::package::{Prepared, end_timed};
use crate::events_report::EventsView;
use crate::scenario::issues::{PackageScenario, PackageTrial};
use crate::summary::package::value_json;

/// The explanation as one JSON object: `scenario`, `outcomes`, `excluded`, `parties`
/// (per party: `reservation`, `outside_option` or `null`, `weights` by issue), `models` (per model: `outcome`,
/// `agreement` by issue or `null`, `round`, `utility` by party; with events, `vetoes`),
/// and with events `events` (as `replay --json` lists them).
///
/// # Errors
/// Central preferences core rejects (not expected after validation).
pub fn explain_value(s: &PackageScenario) -> Result<Value, Error> {
    let t = s.central_timeline();
    let p = Prepared::new(s, &t).map_err(|e| Error::Other(e.to_string()))?;
    let space = s.space();
    let keys = &s.party_keys;
    let mut cache = PowerCache::new();
    let parties: serde_json::Map<String, Value> = t
        .parties
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(i, (party, k))| {
            let w: serde_json::Map<String, Value> = space
                .issues()
                .iter()
                .zip(&party.preferences.utility.weights)
                .map(|(i, w)| (i.key.clone(), json!(w)))
                .collect();
            (
                k.clone(),
                json!({
                    "reservation": party.preferences.reservation,
                    "outside_option": t.outside_option[i],
                    "weights": w,
                    "negotiator": party.tactic.kind(),
                }),
            )
        })
        .collect();
    let models: serde_json::Map<String, Value> = s
        .run
        .models
        .iter()
        .map(|&m| {
            let timed = end_timed(m, s, &t, &p, &mut cache);
            let e = timed.end;
            let mut v = match e.outcome {
                Some(o) => {
                    let round = e.round;
                    let agreement: serde_json::Map<String, Value> = space
                        .issues()
                        .iter()
                        .enumerate()
                        .map(|(j, i)| {
                            (i.key.clone(), value_json(space, j, space.value_index(o, j)))
                        })
                        .collect();
                    json!({
                        "outcome": e.kind.as_str(),
                        "agreement": agreement,
                        "round": round,
                        "utility": { &keys[0]: p.ua[o as usize], &keys[1]: p.ub[o as usize] },
                    })
                }
                None => json!({
                    "outcome": e.kind.as_str(),
                    "agreement": null,
                    "round": null,
                    "utility": null,
                }),
            };
            if let (true, Some(obj)) = (s.has_timeline(), v.as_object_mut()) {
                obj.insert("vetoes".into(), json!(timed.vetoes));
            }
            (m.as_str().to_string(), v)
        })
        .collect();
    let mut v = json!({
        "scenario": s.name,
        "kind": "package",
        "outcomes": space.len(),
        "excluded": s.allowed().map_or(0, |a| a.iter().filter(|&&ok| !ok).count()),
        "parties": parties,
        "models": models,
    });
    if let (Some(events), Some(obj)) = (events_view(s, &t).events_json(), v.as_object_mut()) {
        obj.insert("events".into(), events);
    }
    Ok(v)
}

/// The events of the central trial `t` of `s`, as replays and one-issue explanations
/// list them.
fn events_view<'a>(s: &'a PackageScenario, t: &'a PackageTrial) -> EventsView<'a> {
    EventsView::package(
        s,
        t,
        0,
        "at the central values (it happens in fewer than half of the trials)",
    )
}

/// The explanation as text (what `bargain explain FILE` prints for a package).
///
/// # Errors
/// As [`explain_value`].
pub fn explain_text(s: &PackageScenario) -> Result<String, Error> {
    let v = explain_value(s)?;
    let mut out = String::new();
    let space = s.space();
    let _ = writeln!(
        out,
        "{} — a package of {} issues ({}), {} outcomes{}",
        s.title,
        space.issues().len(),
        space
            .issues()
            .iter()
            .zip(&s.issue_units)
            .map(|(i, u)| if u.is_empty() {
                i.key.clone()
            } else {
                format!("{} ({u})", i.key)
            })
            .collect::<Vec<_>>()
            .join(", "),
        space.len(),
        match v["excluded"].as_u64() {
            Some(n) if n > 0 => format!(", {n} excluded by [[exclude]]"),
            _ => String::new(),
        }
    );
    let _ = writeln!(
        out,
        "central values (medians of every distribution, the most likely option of a choice):"
    );
    for (k, name) in s.party_keys.iter().zip(&s.party_names) {
        let p = &v["parties"][k];
        let weights: Vec<String> = space
            .issues()
            .iter()
            .map(|i| {
                format!(
                    "{} {:.3}",
                    i.key,
                    p["weights"][&i.key].as_f64().unwrap_or(f64::NAN)
                )
            })
            .collect();
        let option = p["outside_option"]
            .as_f64()
            .map(|w| format!(" (outside option {w:.3})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {name}: reservation utility {:.3}{option}; weights {}; negotiator {}",
            p["reservation"].as_f64().unwrap_or(f64::NAN),
            weights.join(", "),
            p["negotiator"].as_str().unwrap_or("?"),
        );
    }
    out.push_str(&events_view(s, &s.central_timeline()).event_lines());
    let _ = writeln!(out, "each model at the central values:");
    for m in &s.run.models {
        let r = &v["models"][m.as_str()];
        if r["outcome"] == "deal" {
            let agreement: Vec<String> = space
                .issues()
                .iter()
                .map(|i| match &r["agreement"][&i.key] {
                    Value::String(t) => format!("{} {t}", i.key),
                    other => format!("{} {other}", i.key),
                })
                .collect();
            let vetoes = match r["vetoes"].as_u64() {
                Some(1) => ", after 1 veto".to_string(),
                Some(k) if k > 1 => format!(", after {k} vetoes"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<18} {} (round {}{vetoes}); utilities {} {:.3}, {} {:.3}",
                m.as_str(),
                agreement.join(", "),
                r["round"],
                s.party_keys[0],
                r["utility"][&s.party_keys[0]].as_f64().unwrap_or(f64::NAN),
                s.party_keys[1],
                r["utility"][&s.party_keys[1]].as_f64().unwrap_or(f64::NAN),
            );
        } else {
            let why = match r["outcome"].as_str() {
                Some("deadline") => "no deal: the negotiators ran out of rounds",
                Some("not_ratified") => {
                    "no deal: the package agreed lies beyond a principal's ratification limit on the amount"
                }
                Some("breakdown") => "no deal: the talks broke down after a rejected offer",
                _ => "no deal: no outcome gives both parties at least their reservation utility",
            };
            let _ = writeln!(out, "  {:<18} {why}", m.as_str());
        }
    }
    Ok(out)
}
