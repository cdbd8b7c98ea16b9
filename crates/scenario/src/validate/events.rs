//! `[[events]]` and `[calendar] on_veto`: located checks and compilation.

use bargain_core::Side;
use bargain_core::calendar::{DAYS_PER_MONTH, MAX_CALENDAR_ROUNDS, MAX_PACE_CHANGES};
use bargain_core::events::{Key, MAX_CHANGES, MAX_EVENTS, OnVeto};

use crate::CalendarDates;
use crate::error::did_you_mean;
use crate::events::EventFile;
use crate::events::{DateSpec, EventInfo, EventPlan, EventSpec, SetValue, Value};
use crate::fields::{self, Scope};
use crate::file::{CalendarFile, ScenarioFile, SideKey};
use crate::span::{index, join};

use super::{Checker, Domain, Param, fmt_num};

/// The names of the keys an event may change, for messages.
fn key_list() -> String {
    Key::ALL
        .iter()
        .map(|k| format!("`{}`", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The allowed values of `key` when set (its field's domain).
fn domain(key: Key) -> Domain {
    let scope = if key.is_party() {
        Scope::Party
    } else if key == Key::RoundMonths {
        Scope::Calendar
    } else {
        Scope::Protocol
    };
    fields::of_scope(scope)
        .find(|d| d.key == key.as_str())
        .map_or(Domain::AMOUNT, |d| d.domain)
}

/// What [`Checker::event_plan`] needs of a file besides its events: its parties (key and
/// the side an event on it changes) and the domain of a key set by an event (`Err`: a
/// message for a key the file's kind does not take).
pub(crate) struct EventScope<'a> {
    /// Party keys and sides, in file order.
    pub parties: Vec<(&'a str, Side)>,
    /// The domain of a key when set, or why the key is refused.
    pub domain: &'a dyn Fn(Key) -> Result<Domain, String>,
}

impl Checker<'_, '_> {
    /// Check and compile `[[events]]` and `on_veto` (`dates`: the calendar's, when it
    /// compiled). Errors are collected; the plan holds the events that checked.
    pub(super) fn events(&mut self, f: &ScenarioFile, dates: Option<&CalendarDates>) -> EventPlan {
        let parties = f
            .parties
            .iter()
            .map(|(k, p)| {
                let side = match p.side {
                    SideKey::Payee => Side::Payee,
                    SideKey::Payer => Side::Payer,
                };
                (k.as_str(), side)
            })
            .collect();
        let scope = EventScope {
            parties,
            domain: &|k| Ok(domain(k)),
        };
        let mut plan = self.event_plan(f.calendar.as_ref(), &f.events, &scope, dates);
        let mut inputs = std::mem::take(&mut self.inputs);
        self.link_events(&mut plan, &mut inputs, scope.domain);
        self.inputs = inputs;
        plan
    }

    /// [`Checker::events`] for any kind of file: its `[calendar]`, its `[[events]]` and
    /// its [`EventScope`] (one-issue files and package files share it).
    pub(crate) fn event_plan(
        &mut self,
        calendar: Option<&CalendarFile>,
        events: &[EventFile],
        scope: &EventScope<'_>,
        dates: Option<&CalendarDates>,
    ) -> EventPlan {
        let on_veto = calendar
            .and_then(|c| c.on_veto)
            .map_or(OnVeto::End, |k| k.to_core());
        let mut plan = EventPlan {
            on_veto,
            ..EventPlan::default()
        };
        if events.is_empty() {
            return plan;
        }
        if calendar.is_none() {
            self.error(
                "events",
                "expected a `[calendar]` (events take effect on dates of the calendar)",
            );
            return plan;
        }
        if events.len() > MAX_EVENTS {
            self.error(
                &index("events", MAX_EVENTS),
                format!(
                    "expected at most {MAX_EVENTS} events, found {}",
                    events.len()
                ),
            );
            return plan;
        }
        let keys: Vec<&str> = scope.parties.iter().map(|p| p.0).collect();
        // Changes of `round_months`: how many, and the smallest pace any draw can reach.
        let mut pace = Pace {
            count: 0,
            lowest: self
                .ranges
                .get("calendar.round_months")
                .map_or(f64::INFINITY, |r| r.0),
            shifts: 0.0,
            last_path: String::new(),
        };
        for (i, e) in events.iter().enumerate() {
            let at = index("events", i);
            let mut ok = true;
            // The date (or range) within the calendar.
            let texts: Vec<&str> = match &e.date {
                DateSpec::Fixed(t) => vec![t.as_str()],
                DateSpec::Uniform(v) => v.iter().map(String::as_str).collect(),
            };
            let date_path = join(&at, "date");
            if let DateSpec::Uniform(v) = &e.date
                && v.len() != 2
            {
                self.error(
                    &join(&date_path, "uniform"),
                    format!("expected two dates [first, last], found {}", v.len()),
                );
                continue;
            }
            let mut days = Vec::new();
            for t in &texts {
                match crate::date::parse_date(t) {
                    Some(d) => days.push(d),
                    None => {
                        self.error(&date_path, crate::date::date_error(t));
                        ok = false;
                    }
                }
            }
            if let (Some(dates), true) = (dates, ok) {
                for (d, t) in days.iter().zip(&texts) {
                    if *d < dates.start || *d > dates.last {
                        self.error(
                            &date_path,
                            format!(
                                "expected a date within the calendar, {} (the start) to {} (its last day), found {t}",
                                crate::date::format_date(dates.start),
                                crate::date::format_date(dates.last)
                            ),
                        );
                        ok = false;
                    }
                }
                if ok && days.len() == 2 && days[0] > days[1] {
                    self.error(
                        &date_path,
                        format!(
                            "expected the first date on or before the last, found {} after {}",
                            texts[0], texts[1]
                        ),
                    );
                    ok = false;
                }
            }
            let probability = e.probability.unwrap_or(1.0);
            if !(0.0..=1.0).contains(&probability) {
                self.error(
                    &join(&at, "probability"),
                    format!(
                        "expected a probability in [0, 1], found {}",
                        fmt_num(probability)
                    ),
                );
                ok = false;
            }
            // The party.
            let party = match &e.party {
                None => None,
                Some(p) => match scope.parties.iter().find(|q| q.0 == p) {
                    Some(q) => Some(q.1),
                    None => {
                        let hint = did_you_mean(p, keys.iter().copied());
                        let list = keys
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" or ");
                        self.error(
                            &join(&at, "party"),
                            format!("expected a party key ({list}), found `{p}`{hint}"),
                        );
                        ok = false;
                        None
                    }
                },
            };
            // The changes.
            if e.set.is_empty() && e.shift.is_empty() {
                self.error(
                    &at,
                    "expected `set` or `shift` (the inputs the event changes), found neither",
                );
                ok = false;
            }
            if e.set.keys.len() + e.shift.keys.len() > MAX_CHANGES {
                self.error(
                    &at,
                    format!(
                        "expected at most {MAX_CHANGES} changes of inputs in one event, found {}",
                        e.set.keys.len() + e.shift.keys.len()
                    ),
                );
                ok = false;
            }
            let mut changes = Vec::new();
            let mut words = Vec::new();
            let names: Vec<&str> = Key::ALL.iter().map(|k| k.as_str()).collect();
            let entries = e
                .set
                .keys
                .iter()
                .map(|(k, v)| (k, false, Some(v), None))
                .chain(e.shift.keys.iter().map(|(k, v)| (k, true, None, Some(v))));
            for (name, shift, set, by) in entries {
                let table = if shift { "shift" } else { "set" };
                let path = join(&join(&at, table), name);
                let Some(key) = Key::from_name(name) else {
                    let hint = did_you_mean(name, names.iter().copied());
                    self.error(
                        &path,
                        format!("expected one of {}, found `{name}`{hint}", key_list()),
                    );
                    ok = false;
                    continue;
                };
                if key == Key::RoundMonths && (scope.domain)(key).is_ok() {
                    let end = calendar.and_then(|c| c.end.as_ref());
                    if end.is_none() {
                        self.error(
                            &path,
                            "expected a `calendar.end` with a change of `round_months` (the rounds up to the end follow the new pace; without an end the last round's day is not bounded)",
                        );
                        ok = false;
                        continue;
                    }
                    pace.count += 1;
                    if pace.count > MAX_PACE_CHANGES {
                        self.error(
                            &path,
                            format!("expected at most {MAX_PACE_CHANGES} changes of `round_months` in a scenario, found more"),
                        );
                        ok = false;
                        continue;
                    }
                }
                if !shift && e.shift.contains_key(name) {
                    self.error(
                        &path,
                        format!("expected `{name}` in `set` or in `shift`, found it in both"),
                    );
                    ok = false;
                    continue;
                }
                match (key.is_party(), party) {
                    (true, None) if e.party.is_none() => {
                        self.error(
                            &path,
                            format!("expected `party` (whose `{name}` changes), found none"),
                        );
                        ok = false;
                        continue;
                    }
                    (false, _) if e.party.is_some() => {
                        self.error(
                            &path,
                            format!("expected no `party` with the protocol's `{name}`, found `party = \"{}\"` (put it in an event of its own)", e.party.as_deref().unwrap_or_default()),
                        );
                        ok = false;
                        continue;
                    }
                    _ => {}
                }
                let set_domain = match (scope.domain)(key) {
                    Ok(d) => d,
                    Err(why) => {
                        self.error(&path, why);
                        ok = false;
                        continue;
                    }
                };
                let spec = match (set, by) {
                    (Some(SetValue::None), _) => {
                        if !key.removable() {
                            self.error(
                                &path,
                                format!("expected a number or a distribution (only `ratification` and `outside_option` may be \"none\"), found \"none\" for `{name}`"),
                            );
                            ok = false;
                            continue;
                        }
                        changes.push((key, false, Value::Removed));
                        words.push(format!("{name} = none"));
                        continue;
                    }
                    (Some(SetValue::Number(n)), _) | (None, Some(n)) => n,
                    (None, None) => continue,
                };
                let d = if shift { Domain::AMOUNT } else { set_domain };
                let Some(param) = self.number(&path, spec, d) else {
                    ok = false;
                    continue;
                };
                if key == Key::RoundMonths {
                    let lo = self.ranges.get(&path).map_or(f64::NEG_INFINITY, |r| r.0);
                    if shift {
                        pace.shifts += lo.min(0.0);
                    } else {
                        pace.lowest = pace.lowest.min(lo);
                    }
                    pace.last_path.clone_from(&path);
                }
                let (value, text) = match param {
                    Param::Fixed(x) => (Value::Fixed(x), fmt_num(x)),
                    Param::Dist(dist) => {
                        let text = format!("a {} draw", dist_name(&dist));
                        (Value::Drawn(dist, crate::stream_key(&path)), text)
                    }
                };
                changes.push((key, shift, value));
                words.push(if shift {
                    format!("{name} += {text}")
                } else {
                    format!("{name} = {text}")
                });
            }
            let context = self.context_changes(&at, e, &mut words, &mut ok);
            let (Some(dates), true) = (dates, ok) else {
                continue;
            };
            let (first, last) = (days[0], days[days.len() - 1]);
            let from_start = |d: i64| u32::try_from(d - dates.start).unwrap_or(0);
            let date = if first == last {
                crate::date::format_date(first)
            } else {
                format!(
                    "{} to {}",
                    crate::date::format_date(first),
                    crate::date::format_date(last)
                )
            };
            plan.events.push(EventSpec {
                days: (from_start(first), from_start(last)),
                date_stream: crate::stream_key(&date_path),
                probability,
                probability_stream: crate::stream_key(&join(&at, "probability")),
                party,
                changes,
                context,
                moves: Vec::new(),
            });
            plan.info.push(EventInfo {
                note: e.note.clone().unwrap_or_else(|| words.join(", ")),
                date,
                days: (first, last),
                probability,
                party,
                changes: words,
                moves: Vec::new(),
            });
        }
        if pace.count > 0 && plan.events.len() == events.len() {
            plan.pace = true;
            self.check_pace(&pace, dates);
        }
        plan
    }

    /// The bound on rounds with changes of `round_months`: every pace positive, at most
    /// [`MAX_CALENDAR_ROUNDS`] rounds up to the end at the smallest one (errors at the
    /// last change of the pace).
    fn check_pace(&mut self, pace: &Pace, dates: Option<&CalendarDates>) {
        let Some(end) = dates.and_then(|d| d.end.map(|e| e - d.start)) else {
            return;
        };
        let least = pace.lowest + pace.shifts;
        if least.is_nan() || least <= 0.0 {
            self.error(
                &pace.last_path,
                format!(
                    "expected changes of `round_months` that keep it above 0, found that they can bring it to {}",
                    fmt_num(least)
                ),
            );
            return;
        }
        let rounds = (end as f64 + 1.0) / (least * DAYS_PER_MONTH);
        if rounds > f64::from(MAX_CALENDAR_ROUNDS) {
            self.error(
                &pace.last_path,
                format!(
                    "expected at most {MAX_CALENDAR_ROUNDS} rounds between the start and the end, found up to {} (at {} months a round after the changes of `round_months`)",
                    rounds.ceil(),
                    fmt_num(least)
                ),
            );
        }
    }
}

/// What the events do to the calendar's pace (for [`Checker::check_pace`]).
struct Pace {
    /// Changes of `round_months`.
    count: usize,
    /// The smallest value `round_months` is set to (or has), over every draw.
    lowest: f64,
    /// The sum of the shifts' smallest negative parts.
    shifts: f64,
    /// The path of the last change of `round_months` (where errors go).
    last_path: String,
}

pub(super) fn dist_name(d: &crate::dist::Dist) -> &'static str {
    match d {
        crate::dist::Dist::Continuous(c) => c.name(),
        crate::dist::Dist::Choice(_) => "choice",
        crate::dist::Dist::Held(..) => "held",
        crate::dist::Dist::Affine { inner, .. } => dist_name(inner),
        crate::dist::Dist::Derived { .. } => "expression",
    }
}
