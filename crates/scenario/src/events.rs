//! `[[events]]` and `[calendar] on_veto`: dated changes during the talks (issue #23).
//!
//! The file types (`EventFile`: `date`, `probability`, `party`, `set`, `shift`, `note`),
//! the compiled [`EventPlan`] (checked by `validate/events.rs`) and its per-trial draw
//! into a core [`Timeline`]. Every draw of an event — its date, whether it happens, the
//! values of its `set` and `shift` distributions — comes from its own stream, keyed by
//! its field path (`events[0].date`, `events[0].probability`,
//! `events[0].set.reservation`): the other inputs keep their draws, and a scenario
//! without events draws exactly as before.
//!
//! A change of `round_months` changes the trial's calendar (`Calendar::change_pace`, in
//! the order the events take effect); the events' rounds are then set on that calendar.
//!
//! **Draws as columns.** Each event's own draws — its date when it is a range
//! (`events.<i>.date`, drawn whether or not the event happens) and whether it happens
//! when its probability is below 1 (`events.<i>.happens`, 1 or 0), `<i>` its 0-based
//! index in the file — are the columns of [`EventPlan::draw_names`], which `trials.csv`
//! and `bargain sensitivity` show.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use bargain_core::events::{Change, Event, Key, OnVeto, Timeline};
use bargain_core::{Negotiation, Side};
use rand::RngExt;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

use crate::dist::Dist;
use crate::file::NumberSpec;
use crate::lhs::Permutation;
use crate::{SampleCtx, Sampler};

/// `[calendar] on_veto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum OnVetoKey {
    /// A deal outside a ratification limit ends the talks (`not_ratified`).
    End,
    /// It is refused; the vetoing side's negotiators learn the limit; talks go on.
    Resume,
}

impl OnVetoKey {
    pub(crate) fn to_core(self) -> OnVeto {
        match self {
            OnVetoKey::End => OnVeto::End,
            OnVetoKey::Resume => OnVeto::Resume,
        }
    }
}

/// One `[[events]]` entry as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventFile {
    /// The day it takes effect (YYYY-MM-DD), or `{ uniform = ["YYYY-MM-DD", "YYYY-MM-DD"] }`.
    pub date: DateSpec,
    /// The share of trials in which it happens (default 1).
    pub probability: Option<f64>,
    /// The party whose inputs change (omit for `breakdown_risk`).
    pub party: Option<String>,
    /// Values from the date on: numbers, distributions, or "none" to remove a limit.
    #[serde(default)]
    pub set: BTreeMap<String, SetValue>,
    /// Amounts added to the values in force.
    #[serde(default)]
    pub shift: BTreeMap<String, NumberSpec>,
    /// What the event is (shown on plots, in the Assumptions table and by replay).
    pub note: Option<String>,
}

/// An event's date: a fixed date or a uniform draw over a range of dates.
#[derive(Debug, Clone)]
pub(crate) enum DateSpec {
    Fixed(String),
    Uniform(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DateRange {
    uniform: Vec<String>,
}

impl<'de> Deserialize<'de> for DateSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a date \"YYYY-MM-DD\" or `{ uniform = [\"YYYY-MM-DD\", \"YYYY-MM-DD\"] }`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateSpec, E> {
                Ok(DateSpec::Fixed(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateSpec, A::Error> {
                DateRange::deserialize(MapAccessDeserializer::new(map))
                    .map(|r| DateSpec::Uniform(r.uniform))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for DateSpec {
    fn schema_name() -> Cow<'static, str> {
        "EventDate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A date (YYYY-MM-DD) or `{ uniform = [first, last] }` (every day in between equally likely).",
            "anyOf": [
                { "type": "string" },
                { "type": "object", "properties": { "uniform": { "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 } }, "required": ["uniform"], "additionalProperties": false }
            ]
        })
    }
}

/// A value of `set`: a number, a distribution, or `"none"`.
#[derive(Debug, Clone)]
pub(crate) enum SetValue {
    None,
    Number(NumberSpec),
}

impl<'de> Deserialize<'de> for SetValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SetValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a number, a distribution such as `{ normal = [mean, sd] }`, or \"none\"",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SetValue, E> {
                if v == "none" {
                    Ok(SetValue::None)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SetValue, E> {
                Ok(SetValue::Number(NumberSpec::Fixed(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SetValue, E> {
                Ok(SetValue::Number(NumberSpec::Fixed(v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SetValue, E> {
                Ok(SetValue::Number(NumberSpec::Fixed(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SetValue, A::Error> {
                NumberSpec::deserialize(MapAccessDeserializer::new(map)).map(SetValue::Number)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for SetValue {
    fn schema_name() -> Cow<'static, str> {
        "EventValue".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number, a distribution, or \"none\" (removes a ratification limit or an outside option).",
            "anyOf": [g.subschema_for::<NumberSpec>(), { "const": "none" }]
        })
    }
}

/// A compiled value of an event's change.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// `"none"`.
    Removed,
    Fixed(f64),
    /// A distribution, drawn from its own stream.
    Drawn(Dist, u64),
}

/// One compiled event.
#[derive(Debug, Clone)]
pub(crate) struct EventSpec {
    /// First and last possible day (days from the calendar's start).
    pub days: (u32, u32),
    pub date_stream: u64,
    pub probability: f64,
    pub probability_stream: u64,
    pub party: Option<Side>,
    /// `(key, is_shift, value)`, in file order (`set` then `shift`).
    pub changes: Vec<(Key, bool, Value)>,
}

/// Every event of a scenario, compiled once, and the veto rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventPlan {
    pub on_veto: OnVeto,
    pub events: Vec<EventSpec>,
    pub info: Vec<EventInfo>,
    /// Whether an event changes `round_months` (the calendar's pace).
    pub pace: bool,
}

/// An event as the reports show it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventInfo {
    /// `note`, or a description of the changes.
    pub note: String,
    /// The date as written (`2021-01-20`, or `2020-11-03 to 2021-01-20` for a range).
    pub date: String,
    /// First and last possible day (days from 1970-01-01).
    pub days: (i64, i64),
    /// The share of trials in which it happens.
    pub probability: f64,
    /// The party whose inputs change (`None`: the protocol's).
    pub party: Option<Side>,
    /// Each change in words: `ratification = none`, `reservation += -0.05`.
    pub changes: Vec<String>,
}

/// A uniform number in `[0, 1)` for trial `ctx` from the stream `stream` (its
/// Latin-hypercube stratum under that sampler).
fn uniform(sampler: Sampler, ctx: SampleCtx, key: u64, stream: u64) -> f64 {
    let mut rng = crate::rng::keyed_rng(key, stream);
    match sampler {
        Sampler::MonteCarlo => rng.random::<f64>(),
        Sampler::LatinHypercube => {
            let trials = ctx.trials.max(1);
            let stratum = Permutation::new(trials, ctx.seed, stream).apply(ctx.trial);
            ((stratum as f64 + rng.random::<f64>()) / trials as f64).min(1.0 - f64::EPSILON)
        }
    }
}

impl EventSpec {
    /// Whether the event happens in trial `ctx` (`key`: the trial's stream key).
    fn happens(&self, sampler: Sampler, ctx: SampleCtx, key: u64) -> bool {
        self.probability >= 1.0
            || uniform(sampler, ctx, key, self.probability_stream) < self.probability
    }

    /// The event's day in trial `ctx` (days from the calendar's start).
    fn day(&self, sampler: Sampler, ctx: SampleCtx, key: u64) -> u32 {
        let (lo, hi) = self.days;
        if hi > lo {
            let u = uniform(sampler, ctx, key, self.date_stream);
            let span = f64::from(hi - lo) + 1.0;
            lo + ((u * span) as u32).min(hi - lo)
        } else {
            lo
        }
    }

    /// Whether the event's date is drawn (a range).
    fn drawn_date(&self) -> bool {
        self.days.1 > self.days.0
    }

    /// Whether whether it happens is drawn (probability below 1).
    fn drawn_happens(&self) -> bool {
        self.probability < 1.0
    }
}

/// One column of an event's draws (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventDraw {
    /// The event's drawn date (days from the calendar's start).
    Date(usize),
    /// Whether the event happens (1 or 0).
    Happens(usize),
}

impl EventDraw {
    /// The column's name: `events.<i>.date` or `events.<i>.happens`.
    #[must_use]
    pub fn name(self) -> String {
        match self {
            EventDraw::Date(i) => format!("events.{i}.date"),
            EventDraw::Happens(i) => format!("events.{i}.happens"),
        }
    }
}

impl EventPlan {
    /// Whether trials need a timeline (an event, or `on_veto = "resume"`).
    pub(crate) fn active(&self) -> bool {
        !self.events.is_empty() || self.on_veto != OnVeto::End
    }

    /// The columns of the events' own draws, in file order (empty when no event draws:
    /// fixed dates, probability 1).
    pub(crate) fn draw_columns(&self) -> Vec<EventDraw> {
        let mut out = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            if e.drawn_date() {
                out.push(EventDraw::Date(i));
            }
            if e.drawn_happens() {
                out.push(EventDraw::Happens(i));
            }
        }
        out
    }

    /// Trial `ctx`'s value of each of [`Self::draw_columns`] into `out` (same length): the
    /// draws [`Self::draw`] makes, from the same streams. Allocates nothing.
    pub(crate) fn draw_values(&self, sampler: Sampler, ctx: SampleCtx, out: &mut [f64]) {
        let key = crate::rng::trial_key(ctx.seed, ctx.trial);
        let mut slots = out.iter_mut();
        for e in &self.events {
            if e.drawn_date()
                && let Some(x) = slots.next()
            {
                *x = f64::from(e.day(sampler, ctx, key));
            }
            if e.drawn_happens()
                && let Some(x) = slots.next()
            {
                *x = if e.happens(sampler, ctx, key) {
                    1.0
                } else {
                    0.0
                };
            }
        }
    }

    /// Whether an event changes the protocol's breakdown risk.
    pub(crate) fn changes_breakdown_risk(&self) -> bool {
        self.events
            .iter()
            .any(|e| e.changes.iter().any(|c| c.0 == Key::BreakdownRisk))
    }

    /// Draw trial `ctx`'s timeline for its sampled negotiation `n` into `out`.
    pub(crate) fn draw(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        n: &mut Negotiation,
        out: &mut Timeline,
    ) {
        if let Some(paced) = self.draw_on(sampler, ctx, n.calendar.as_ref(), out) {
            n.calendar = Some(paced);
        }
    }

    /// [`EventPlan::draw`] on a trial's calendar (none: no event), for any kind of
    /// scenario; returns the calendar with the events' changes of pace when there are
    /// any (`round_months` events: one-issue scenarios only).
    pub(crate) fn draw_on(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        calendar: Option<&bargain_core::Calendar>,
        out: &mut Timeline,
    ) -> Option<bargain_core::Calendar> {
        let key = crate::rng::trial_key(ctx.seed, ctx.trial);
        self.build_on(calendar, out, |e| {
            e.happens(sampler, ctx, key)
                .then(|| (e.day(sampler, ctx, key), Pick::Drawn(sampler, ctx, key)))
        })
    }

    /// The timeline at central values, on `calendar` (none: no event), for `bargain
    /// explain`: each event that happens in at least half of the trials (`probability`
    /// ≥ 0.5), on the middle day of its range, with the median of each drawn value.
    /// Returns the calendar with its changes of pace, as [`EventPlan::draw_on`].
    pub(crate) fn central_on(
        &self,
        calendar: Option<&bargain_core::Calendar>,
        out: &mut Timeline,
    ) -> Option<bargain_core::Calendar> {
        self.build_on(calendar, out, |e| {
            (e.probability >= 0.5).then(|| (e.days.0 + (e.days.1 - e.days.0) / 2, Pick::Central))
        })
    }

    /// The timeline of the events `pick` lets happen (on the day it gives, with values
    /// as it says) into `out`, on `calendar`; the paced calendar when events change the
    /// pace.
    fn build_on(
        &self,
        calendar: Option<&bargain_core::Calendar>,
        out: &mut Timeline,
        pick: impl Fn(&EventSpec) -> Option<(u32, Pick)>,
    ) -> Option<bargain_core::Calendar> {
        out.on_veto = self.on_veto;
        out.clear();
        let cal = calendar?;
        for (i, e) in self.events.iter().enumerate() {
            let Some((day, values)) = pick(e) else {
                continue;
            };
            let mut event = Event::new(day, e.party, u16::try_from(i).unwrap_or(u16::MAX));
            for (k, shift, v) in &e.changes {
                let x = match v {
                    Value::Removed => None,
                    Value::Fixed(x) => Some(*x),
                    Value::Drawn(dist, stream) => Some(match values {
                        Pick::Drawn(sampler, ctx, key) => {
                            crate::sample::draw(dist, false, sampler, ctx, key, *stream)
                        }
                        Pick::Central => dist.central(),
                    }),
                };
                let change = match (shift, x) {
                    (true, x) => Change::Shift(*k, x.unwrap_or(0.0)),
                    (false, x) => Change::Set(*k, x),
                };
                event.push(change);
            }
            out.push(event, cal);
        }
        if self.pace {
            let mut paced = *cal;
            for e in out.events() {
                for c in e.changes() {
                    let months = match *c {
                        Change::Set(Key::RoundMonths, Some(x)) => x,
                        Change::Shift(Key::RoundMonths, d) => {
                            let round =
                                bargain_core::events::first_round_on_or_after(&paced, e.day);
                            paced.months_at(round) + d
                        }
                        _ => continue,
                    };
                    // Validation keeps every draw positive; a shift's sum is kept so.
                    paced.change_pace(e.day, months.max(MIN_MONTHS));
                }
            }
            out.retime(&paced);
            return Some(paced);
        }
        None
    }
}

/// How an event's drawn values are taken: drawn for a trial (its sampler, the trial,
/// the trial's stream key), or at their medians.
#[derive(Clone, Copy)]
enum Pick {
    /// Drawn from the value's own stream in trial `ctx`.
    Drawn(Sampler, SampleCtx, u64),
    /// The distribution's median.
    Central,
}

/// The smallest pace a change of `round_months` leaves (months between rounds).
const MIN_MONTHS: f64 = 1e-6;
