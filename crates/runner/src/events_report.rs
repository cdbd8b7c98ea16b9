//! `[[events]]` and vetoes in `bargain replay` (text and `--json`): when each event of
//! the trial took effect and what it changed. Scenarios without events (and without
//! `on_veto = "resume"`) print and serialize exactly as before.

use std::fmt::Write;

use bargain_core::events::OnVeto;
use serde_json::{Value, json};

use crate::ensemble::Replay;
use crate::scenario::Scenario;
use crate::scenario::date::format_date;

/// Whether a replay of `scenario` reports events and vetoes.
fn shown(scenario: &Scenario) -> bool {
    !scenario.events().is_empty() || scenario.on_veto() == OnVeto::Resume
}

/// One row per scenario event: `(index, Some((date it took effect, 1-based round)))`
/// when it happened in the replayed trial, `None` when it did not.
fn taken(scenario: &Scenario, r: &Replay) -> Vec<(usize, Option<(String, u32)>)> {
    let start = scenario.calendar.map_or(0, |c| c.start);
    (0..scenario.events().len())
        .map(|i| {
            let e = r
                .timeline
                .events()
                .iter()
                .find(|e| usize::from(e.index) == i);
            let when = e.map(|e| {
                let day = r
                    .negotiation
                    .calendar
                    .map_or(i64::from(e.day), |c| i64::from(c.day(e.round)));
                (format_date(start + day), e.round + 1)
            });
            (i, when)
        })
        .collect()
}

/// The replay table's lines about events and vetoes (empty for a scenario without them).
#[must_use]
pub fn replay_lines(scenario: &Scenario, r: &Replay) -> String {
    let mut out = String::new();
    if !shown(scenario) {
        return out;
    }
    let _ = writeln!(
        out,
        "events (on_veto = \"{}\"):",
        scenario.on_veto().as_str()
    );
    if scenario.events().is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (i, when) in taken(scenario, r) {
        let e = &scenario.events()[i];
        let who = e
            .party
            .map(|side| format!("{}: ", scenario.party_name(side)))
            .unwrap_or_default();
        let changes = e.changes.join(", ");
        match when {
            Some((date, round)) => {
                let _ = writeln!(
                    out,
                    "  took effect in round {round} ({date}; event date {}): {who}{changes} — {}",
                    e.date, e.note
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  did not happen in this trial (probability {}): {who}{changes} — {}",
                    e.probability, e.note
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "vetoes: {} (deals refused by a principal; the talks went on)",
        r.vetoes
    );
    out
}

/// Add `events` and `vetoes` to a `replay --json` object (nothing for a scenario
/// without them).
pub fn add_to_json(scenario: &Scenario, r: &Replay, v: &mut Value) {
    if !shown(scenario) {
        return;
    }
    let events: Vec<Value> = taken(scenario, r)
        .into_iter()
        .map(|(i, when)| {
            let e = &scenario.events()[i];
            json!({
                "note": e.note,
                "date": e.date,
                "party": e.party.map(|s| scenario.party_key(s)),
                "changes": e.changes,
                "happened": when.is_some(),
                "took_effect": when.as_ref().map(|(d, _)| d),
                "round": when.as_ref().map(|(_, r)| r),
            })
        })
        .collect();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("events".into(), Value::from(events));
        obj.insert("vetoes".into(), json!(r.vetoes));
    }
}
