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
//! **Context.** An event may `set`/`shift` a `[context]` quantity (`context.fx`). The
//! core knows nothing of context: from the trial's first-meeting context values, in the
//! order the events take effect, each such change updates the context in force and
//! becomes a core `Change::Set` of every input it moves (an expression over the quantity
//! in a key events change, at its value with the context in force), in one core event
//! per party and one for the protocol, with the event's index and day — exactly what an
//! event that set those inputs would hold (`validate/event_links.rs` compiles the moves).
//!
//! **Draws as columns.** Each event's own draws — its date when it is a range
//! (`events.<i>.date`, drawn whether or not the event happens) and whether it happens
//! when its probability is below 1 (`events.<i>.happens`, 1 or 0), `<i>` its 0-based
//! index in the file — are the columns of [`EventPlan::draw_names`], which `trials.csv`
//! and `bargain sensitivity` show.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use bargain_core::events::{Change, Event, Key, MAX_EVENTS, OnVeto, Timeline};
use bargain_core::{Negotiation, Side};
use rand::RngExt;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

use crate::context::MAX_CONTEXT;
use crate::dist::Dist;
use crate::file::NumberSpec;
use crate::lhs::Permutation;
use crate::sample::Links;
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
    /// Values from the date on: numbers, distributions, or "none" to remove a limit;
    /// `context.NAME` sets a `[context]` quantity.
    #[serde(default)]
    pub set: Changes<SetValue>,
    /// Amounts added to the values in force (`context.NAME`: to a context quantity).
    #[serde(default)]
    pub shift: Changes<NumberSpec>,
    /// What the event is (shown on plots, in the Assumptions table and by replay).
    pub note: Option<String>,
}

/// An event's `set` or `shift` table: the inputs' keys (`reservation = …`) and the
/// `[context]` quantities it changes, written `context.fx = …` (a dotted key, so a
/// `context` sub-table) or `"context.fx" = …` (a quoted key).
#[derive(Debug, Clone)]
pub(crate) struct Changes<V> {
    /// The inputs' keys, by name.
    pub keys: BTreeMap<String, V>,
    /// The context quantities, by name: the value and whether the key was written quoted
    /// (`"context.fx"`: its path is then `…."context.fx"`, else `….context.fx`).
    pub context: BTreeMap<String, (V, bool)>,
}

impl<V> Default for Changes<V> {
    fn default() -> Self {
        Self {
            keys: BTreeMap::new(),
            context: BTreeMap::new(),
        }
    }
}

impl<V> Changes<V> {
    /// Whether it changes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.context.is_empty()
    }

    /// Whether it changes the input keyed `key` (not a context quantity).
    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Changes<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Changes<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of inputs' keys (`reservation = …`) and context quantities (`context.fx = …`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Changes<V>, A::Error> {
                let mut out = Changes::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "context" {
                        let names: BTreeMap<String, V> = map.next_value()?;
                        for (name, v) in names {
                            if out.context.insert(name.clone(), (v, false)).is_some() {
                                return Err(de::Error::custom(format!(
                                    "context quantity `{name}` given twice"
                                )));
                            }
                        }
                    } else if let Some(name) = key.strip_prefix("context.") {
                        let v: V = map.next_value()?;
                        if out.context.insert(name.to_owned(), (v, true)).is_some() {
                            return Err(de::Error::custom(format!(
                                "context quantity `{name}` given twice"
                            )));
                        }
                    } else {
                        let v: V = map.next_value()?;
                        out.keys.insert(key, v);
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

impl<V: JsonSchema> JsonSchema for Changes<V> {
    fn schema_name() -> Cow<'static, str> {
        format!("EventChanges_{}", V::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let value = g.subschema_for::<V>();
        json_schema!({
            "description": "Inputs' keys (`reservation`, `ratification`, …) and `[context]` quantities (`context.fx`, or a `context` table of names) with their values.",
            "type": "object",
            "properties": {
                "context": { "type": "object", "additionalProperties": value }
            },
            "additionalProperties": value
        })
    }
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
    /// The `[context]` quantities it changes, in file order (`set` then `shift`).
    pub context: Vec<ContextChange>,
    /// The inputs those changes move (expressions over a changed quantity in a field
    /// events can change, less the keys the event changes itself on its party), the
    /// payee's first, then the payer's, then the protocol's.
    pub moves: Vec<Move>,
}

/// An event's change of a `[context]` quantity.
#[derive(Debug, Clone)]
pub(crate) struct ContextChange {
    /// The quantity's slot.
    pub slot: usize,
    /// Whether it is a `shift` (else a `set`).
    pub shift: bool,
    /// The value (never [`Value::Removed`]).
    pub value: Value,
    /// Its field path (`events[0].shift.context.fx`), for validation's messages.
    pub path: String,
}

/// An input that an event's context changes move: the value of an expression
/// (`formula` of the plan's links) in a field that events can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Move {
    /// The expression.
    pub formula: usize,
    /// The key its field is.
    pub key: Key,
    /// The party whose field it is (`None`: the protocol's).
    pub party: Option<Side>,
}

impl EventSpec {
    /// The core events it adds to a timeline: its own (when it changes keys directly,
    /// or changes nothing else), and one per party (and one for the protocol) whose
    /// inputs its context changes move.
    pub(crate) fn core_events(&self) -> usize {
        let groups = [Some(Side::Payee), Some(Side::Payer), None]
            .into_iter()
            .filter(|g| self.moves.iter().any(|m| m.party == *g))
            .count();
        usize::from(!self.changes.is_empty() || groups == 0) + groups
    }
}

/// Every event of a scenario, compiled once, and the veto rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventPlan {
    pub on_veto: OnVeto,
    pub events: Vec<EventSpec>,
    pub info: Vec<EventInfo>,
    /// Whether an event changes `round_months` (the calendar's pace).
    pub pace: bool,
    /// Whether an event changes a `[context]` quantity (then the timeline's draw needs
    /// the trial's context values: [`EventPlan::needs_context`]).
    pub context: bool,
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
    /// Each change in words: `ratification = none`, `reservation += -0.05`,
    /// `context.fx += -50`.
    pub changes: Vec<String>,
    /// The inputs its changes of `[context]` quantities move (empty without any).
    pub moves: Vec<Moved>,
}

/// An input that an event's change of a `[context]` quantity moves: an expression over
/// the quantity in a field that events can change, re-evaluated with the context in
/// force from the event on.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// The input's field path (`parties.us.reservation`).
    pub path: String,
    /// The party whose input it is (`None`: the protocol's).
    pub party: Option<Side>,
    /// The key of the input (what a timeline's change of it is keyed by).
    pub key: Key,
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

    /// Whether the timeline's draw needs the trial's context values (an event changes a
    /// `[context]` quantity).
    pub(crate) fn needs_context(&self) -> bool {
        self.context
    }

    /// Draw trial `ctx`'s timeline for its sampled negotiation `n` into `out`;
    /// `context`: the plan's links and the trial's context values at the first meeting,
    /// when [`EventPlan::needs_context`].
    pub(crate) fn draw(
        &self,
        sampler: Sampler,
        ctx: SampleCtx,
        n: &mut Negotiation,
        out: &mut Timeline,
        context: Option<(&Links, &[f64; MAX_CONTEXT])>,
    ) {
        if let Some(paced) = self.draw_on(sampler, ctx, n.calendar.as_ref(), out, context) {
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
        context: Option<(&Links, &[f64; MAX_CONTEXT])>,
    ) -> Option<bargain_core::Calendar> {
        let key = crate::rng::trial_key(ctx.seed, ctx.trial);
        self.build_on(calendar, out, context, |e| {
            e.happens(sampler, ctx, key)
                .then(|| (e.day(sampler, ctx, key), Pick::Drawn(sampler, ctx, key)))
        })
    }

    /// The timeline at central values, on `calendar` (none: no event), for `bargain
    /// explain`: each event that happens in at least half of the trials (`probability`
    /// ≥ 0.5), on the middle day of its range, with the median of each drawn value
    /// (`context`: the links and the central context values, as for
    /// [`EventPlan::draw`]). Returns the calendar with its changes of pace, as
    /// [`EventPlan::draw_on`].
    pub(crate) fn central_on(
        &self,
        calendar: Option<&bargain_core::Calendar>,
        out: &mut Timeline,
        context: Option<(&Links, &[f64; MAX_CONTEXT])>,
    ) -> Option<bargain_core::Calendar> {
        self.build_on(calendar, out, context, |e| {
            (e.probability >= 0.5).then(|| (e.days.0 + (e.days.1 - e.days.0) / 2, Pick::Central))
        })
    }

    /// The timeline of the events `pick` lets happen (on the day it gives, with values
    /// as it says) into `out`, on `calendar`; the paced calendar when events change the
    /// pace. Changes of context quantities are turned into changes of the inputs they
    /// move ([`EventPlan::context_changes`]), after the pace is known.
    fn build_on(
        &self,
        calendar: Option<&bargain_core::Calendar>,
        out: &mut Timeline,
        context: Option<(&Links, &[f64; MAX_CONTEXT])>,
        pick: impl Fn(&EventSpec) -> Option<(u32, Pick)>,
    ) -> Option<bargain_core::Calendar> {
        out.on_veto = self.on_veto;
        out.clear();
        let cal = calendar?;
        // The context-changing events that happen: their day and how values are taken.
        let mut picked: [Option<(u32, Pick)>; MAX_EVENTS] = [None; MAX_EVENTS];
        for (i, e) in self.events.iter().enumerate() {
            let Some((day, values)) = pick(e) else {
                continue;
            };
            if !e.context.is_empty()
                && let Some(slot) = picked.get_mut(i)
            {
                *slot = Some((day, values));
            }
            if e.changes.is_empty() && !e.moves.is_empty() {
                // Its context changes' events mark when it took effect.
                continue;
            }
            let party = if e.changes.is_empty() { None } else { e.party };
            let mut event = Event::new(day, party, u16::try_from(i).unwrap_or(u16::MAX));
            for (k, shift, v) in &e.changes {
                let x = v.take(values);
                let change = match (shift, x) {
                    (true, x) => Change::Shift(*k, x.unwrap_or(0.0)),
                    (false, x) => Change::Set(*k, x),
                };
                event.push(change);
            }
            out.push(event, cal);
        }
        let mut paced = None;
        if self.pace {
            let mut p = *cal;
            for e in out.events() {
                for c in e.changes() {
                    let months = match *c {
                        Change::Set(Key::RoundMonths, Some(x)) => x,
                        Change::Shift(Key::RoundMonths, d) => {
                            let round = bargain_core::events::first_round_on_or_after(&p, e.day);
                            p.months_at(round) + d
                        }
                        _ => continue,
                    };
                    // Validation keeps every draw positive; a shift's sum is kept so.
                    p.change_pace(e.day, months.max(MIN_MONTHS));
                }
            }
            out.retime(&p);
            paced = Some(p);
        }
        if self.context
            && let Some((links, values)) = context
        {
            self.context_changes(links, *values, paced.as_ref().unwrap_or(cal), &picked, out);
        }
        paced
    }

    /// The changes of context quantities of the events in `picked` (day and values by
    /// file index), in the order they take effect on `cal` (by round, then file order),
    /// from the trial's first-meeting context `values`: each event sets the quantities in
    /// force, then every input it moves ([`EventSpec::moves`]) is set to its
    /// expression's value at the context in force, in one event per party (and one for
    /// the protocol) with the event's index and day. Allocates nothing.
    fn context_changes(
        &self,
        links: &Links,
        mut values: [f64; MAX_CONTEXT],
        cal: &bargain_core::Calendar,
        picked: &[Option<(u32, Pick)>; MAX_EVENTS],
        out: &mut Timeline,
    ) {
        // (round, file index) of the context events that happen, in the order they take effect.
        let mut order = [(0u32, 0usize); MAX_EVENTS];
        let mut len = 0;
        for (i, p) in picked.iter().enumerate() {
            let Some((day, _)) = p else { continue };
            let key = (bargain_core::events::first_round_on_or_after(cal, *day), i);
            let mut at = len;
            while at > 0 && order[at - 1] > key {
                order[at] = order[at - 1];
                at -= 1;
            }
            order[at] = key;
            len += 1;
        }
        for &(_, i) in &order[..len] {
            let (Some(e), Some(Some((day, pick)))) = (self.events.get(i), picked.get(i)) else {
                continue;
            };
            for c in &e.context {
                let x = c.value.take(*pick).unwrap_or(0.0);
                if let Some(v) = values.get_mut(c.slot) {
                    *v = if c.shift { *v + x } else { x };
                }
            }
            let index = u16::try_from(i).unwrap_or(u16::MAX);
            for group in [Some(Side::Payee), Some(Side::Payer), None] {
                let mut event = Event::new(*day, group, index);
                for m in e.moves.iter().filter(|m| m.party == group) {
                    if let Some(f) = links.formulas.get(m.formula) {
                        event.push(Change::Set(m.key, Some(f.eval(&values))));
                    }
                }
                if !event.changes().is_empty() {
                    out.push(event, cal);
                }
            }
        }
    }
}

impl Value {
    /// The value as `pick` takes it (`None`: removed).
    fn take(&self, pick: Pick) -> Option<f64> {
        match self {
            Value::Removed => None,
            Value::Fixed(x) => Some(*x),
            Value::Drawn(dist, stream) => Some(match pick {
                Pick::Drawn(sampler, ctx, key) => {
                    crate::sample::draw(dist, false, sampler, ctx, key, *stream)
                }
                Pick::Central => dist.central(),
            }),
        }
    }
}

/// How an event's drawn values are taken: drawn for a trial (its sampler, the trial,
/// the trial's stream key), or at their medians.
#[derive(Clone, Copy, Debug)]
enum Pick {
    /// Drawn from the value's own stream in trial `ctx`.
    Drawn(Sampler, SampleCtx, u64),
    /// The distribution's median.
    Central,
}

/// The smallest pace a change of `round_months` leaves (months between rounds).
const MIN_MONTHS: f64 = 1e-6;
