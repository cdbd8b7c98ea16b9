//! `[[events]]` and vetoes in `bargain replay` (text and `--json`) of either kind of
//! scenario: when each event of the trial took effect and what it changed, and how many
//! deals a principal refused. Scenarios without events (and without
//! `on_veto = "resume"`) print and serialize exactly as before.

use std::fmt::Write;

use bargain_core::events::{Change, OnVeto, Timeline};
use bargain_core::{Calendar, Side};
use serde_json::{Value, json};

use crate::ensemble::Replay;
use crate::scenario::EventInfo;
use crate::scenario::Scenario;
use crate::scenario::date::format_date;

/// What a replay reports of events and vetoes, from a one-issue or a package trial.
pub struct EventsView<'a> {
    /// The scenario's `[[events]]`, in file order.
    pub events: &'a [EventInfo],
    /// The veto rule.
    pub on_veto: OnVeto,
    /// The parties' keys and names: the payee's (a package's first mover's) first.
    pub parties: [(&'a str, &'a str); 2],
    /// The calendar's first day (days from 1970-01-01), with a calendar.
    pub start: Option<i64>,
    /// The trial's calendar (round dates).
    pub calendar: Option<&'a Calendar>,
    /// The trial's events, in the order they took effect.
    pub timeline: &'a Timeline,
    /// Deals a principal refused in the replayed talks.
    pub vetoes: u32,
    /// Where an event that did not happen failed to: `in this trial` for a replay.
    pub scope: &'a str,
}

impl<'a> EventsView<'a> {
    /// The view of a one-issue replay.
    #[must_use]
    pub fn one_issue(scenario: &'a Scenario, r: &'a Replay) -> Self {
        let party = |side| (scenario.party_key(side), scenario.party_name(side));
        Self {
            events: scenario.events(),
            on_veto: scenario.on_veto(),
            parties: [party(Side::Payee), party(Side::Payer)],
            start: scenario.calendar.map(|c| c.start),
            calendar: r.negotiation.calendar.as_ref(),
            timeline: &r.timeline,
            vetoes: r.vetoes,
            scope: "in this trial",
        }
    }

    /// The view of `scenario`'s timeline at central values (`timeline`, on `n`'s
    /// calendar), as `bargain explain` lists it.
    #[must_use]
    pub fn central(
        scenario: &'a Scenario,
        n: &'a bargain_core::Negotiation,
        timeline: &'a Timeline,
    ) -> Self {
        let party = |side| (scenario.party_key(side), scenario.party_name(side));
        Self {
            events: scenario.events(),
            on_veto: scenario.on_veto(),
            parties: [party(Side::Payee), party(Side::Payer)],
            start: scenario.calendar.map(|c| c.start),
            calendar: n.calendar.as_ref(),
            timeline,
            vetoes: 0,
            scope: "at the central values (it happens in fewer than half of the trials)",
        }
    }

    /// The view of package trial `t` of `s` (its calendar and timeline), with the
    /// `vetoes` its talks met; `scope` says where an event that did not happen failed to.
    #[must_use]
    pub fn package(
        s: &'a crate::scenario::issues::PackageScenario,
        t: &'a crate::scenario::issues::PackageTrial,
        vetoes: u32,
        scope: &'a str,
    ) -> Self {
        Self {
            events: s.events(),
            on_veto: s.on_veto(),
            parties: [0, 1].map(|i| (s.party_keys[i].as_str(), s.party_names[i].as_str())),
            start: s.calendar.map(|c| c.start),
            calendar: t.calendar.as_ref(),
            timeline: &t.timeline,
            vetoes,
            scope,
        }
    }

    /// The key and name of the party on `side`.
    fn party(&self, side: Side) -> (&'a str, &'a str) {
        self.parties[usize::from(side == Side::Payer)]
    }

    /// Whether the replay reports events and vetoes.
    fn shown(&self) -> bool {
        !self.events.is_empty() || self.on_veto == OnVeto::Resume
    }

    /// One row per scenario event: `(index, Some((date it took effect, 1-based round)))`
    /// when it happened in the replayed trial, `None` when it did not.
    fn taken(&self) -> Vec<(usize, Option<(String, u32)>)> {
        let start = self.start.unwrap_or(0);
        (0..self.events.len())
            .map(|i| {
                let e = self
                    .timeline
                    .events()
                    .iter()
                    .find(|e| usize::from(e.index) == i);
                let when = e.map(|e| {
                    let day = self
                        .calendar
                        .map_or(i64::from(e.day), |c| i64::from(c.day(e.round)));
                    (format_date(start + day), e.round + 1)
                });
                (i, when)
            })
            .collect()
    }

    /// What event `i`'s changes of `[context]` quantities moved: each input's path and,
    /// when the event took effect in this timeline, the value it set (its expression at
    /// the context in force). Empty for an event without such changes.
    fn moved(&self, i: usize) -> Vec<(&'a str, Option<f64>)> {
        let events: &'a [EventInfo] = self.events;
        let Some(e) = events.get(i) else {
            return Vec::new();
        };
        e.moves
            .iter()
            .map(|m| {
                let value = self
                    .timeline
                    .events()
                    .iter()
                    .filter(|t| usize::from(t.index) == i && t.party == m.party)
                    .flat_map(|t| t.changes())
                    .find_map(|c| match *c {
                        Change::Set(k, x) if k == m.key => x,
                        _ => None,
                    });
                (m.path.as_str(), value)
            })
            .collect()
    }

    /// Event `i`'s moved inputs in words (empty without any): ` (moved parties.us.reservation
    /// to 1.32, …)` when it took effect, ` (moves parties.us.reservation, …)` when not.
    fn moved_words(&self, i: usize, happened: bool) -> String {
        let moved = self.moved(i);
        if moved.is_empty() {
            return String::new();
        }
        let list = moved
            .iter()
            .map(|(path, x)| match (happened, x) {
                (true, Some(x)) => format!("{path} to {}", number(*x)),
                _ => (*path).to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if happened {
            format!(" (moved {list})")
        } else {
            format!(" (moves {list})")
        }
    }

    /// The replay table's lines about events and vetoes (empty for a scenario without
    /// them).
    #[must_use]
    pub fn lines(&self) -> String {
        let mut out = self.event_lines();
        if !out.is_empty() {
            let _ = writeln!(
                out,
                "vetoes: {} (deals refused by a principal; the talks went on)",
                self.vetoes
            );
        }
        out
    }

    /// The lines about the events alone: the veto rule, then when each event took
    /// effect and what it changed, or that it did not happen (empty for a scenario
    /// without events and without `on_veto = "resume"`).
    #[must_use]
    pub fn event_lines(&self) -> String {
        let mut out = String::new();
        if !self.shown() {
            return out;
        }
        let _ = writeln!(out, "events (on_veto = \"{}\"):", self.on_veto.as_str());
        if self.events.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for (i, when) in self.taken() {
            let e = &self.events[i];
            let who = e
                .party
                .map(|side| format!("{}: ", self.party(side).1))
                .unwrap_or_default();
            let changes = e.changes.join(", ") + &self.moved_words(i, when.is_some());
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
                        "  did not happen {} (probability {}): {who}{changes} — {}",
                        self.scope, e.probability, e.note
                    );
                }
            }
        }
        out
    }

    /// The events as a JSON array (`note`, `date`, `party`, `changes`, `happened`,
    /// `took_effect`, `round`); `None` for a scenario without events and without
    /// `on_veto = "resume"`.
    #[must_use]
    pub fn events_json(&self) -> Option<Value> {
        if !self.shown() {
            return None;
        }
        let events: Vec<Value> = self
            .taken()
            .into_iter()
            .map(|(i, when)| {
                let e = &self.events[i];
                let mut v = json!({
                    "note": e.note,
                    "date": e.date,
                    "party": e.party.map(|s| self.party(s).0),
                    "changes": e.changes,
                    "happened": when.is_some(),
                    "took_effect": when.as_ref().map(|(d, _)| d),
                    "round": when.as_ref().map(|(_, r)| r),
                });
                let moved = self.moved(i);
                if !moved.is_empty()
                    && let Some(obj) = v.as_object_mut()
                {
                    // The inputs its context changes moved, and the value each took
                    // (null when the event did not take effect).
                    let list: Vec<Value> = moved
                        .into_iter()
                        .map(|(path, x)| json!({ "input": path, "value": x.filter(|_| when.is_some()) }))
                        .collect();
                    obj.insert("moves".into(), Value::from(list));
                }
                v
            })
            .collect();
        Some(Value::from(events))
    }

    /// Add `events` and `vetoes` to a `replay --json` object (nothing for a scenario
    /// without them).
    pub fn add_to_json(&self, v: &mut Value) {
        let Some(events) = self.events_json() else {
            return;
        };
        if let Some(obj) = v.as_object_mut() {
            obj.insert("events".into(), events);
            obj.insert("vetoes".into(), json!(self.vetoes));
        }
    }
}

/// A value set by an event, at most 6 decimals without trailing zeros.
fn number(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_owned()
}
