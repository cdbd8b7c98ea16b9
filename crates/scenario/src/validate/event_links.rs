//! Events that `set`/`shift` a `[context]` quantity (`set = { context.fx = 1200 }`):
//! located checks of the changes, and the link from each change to the inputs it moves.
//!
//! An input *moves* with a context quantity when it is an expression that reads the
//! quantity in a field that events can change (a party's `opening`, `reservation`,
//! `ratification`, `lapse_cost`, `outside_option`, `discount`, the protocol's
//! `breakdown_risk`; on packages the keys package events take): from the event on, its
//! value in force is its expression at the context in force, exactly as if the event
//! had set it ([`crate::events::EventPlan`]'s draw turns each change into those sets).
//! An expression in a field that events cannot change (a strategy's parameters, a
//! package's weights, `power`, …) keeps its value at the first meeting: a warning at
//! the event's change says so. The range validation found for a moving expression is
//! widened to every value the events can bring it to (each quantity between the least
//! and the most it can reach: its own range, every `set`, and the sum of the `shift`s'
//! negative and positive ends), checked against the field's domain as an event's `set`
//! of the field is (an error at the change otherwise).

use bargain_core::Side;
use bargain_core::events::{Key, MAX_EVENTS};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::dist::Dist;
use crate::error::did_you_mean;
use crate::events::{ContextChange, EventFile, EventPlan, Move, Moved, SetValue, Value};
use crate::file::NumberSpec;
use crate::sample::Drawn;
use crate::span::join;

use super::{Checker, Domain, Param, fmt_num};

/// Random points (besides the corners) at which a moving expression is checked.
const PROBES: usize = 1000;
/// Up to this many names an expression is checked at every corner of their ranges.
const MAX_CORNER_NAMES: usize = 10;

/// The path of an event's change of context quantity `name` in its `table` (`set` or
/// `shift` below the event's path): `….context.fx`, or `…."context.fx"` when the key was
/// written quoted.
fn change_path(table: &str, name: &str, quoted: bool) -> String {
    if quoted {
        join(table, &format!("context.{name}"))
    } else {
        join(&join(table, "context"), name)
    }
}

/// The smallest and largest value of a change's value.
fn value_range(v: &Value) -> (f64, f64) {
    match v {
        Value::Removed => (0.0, 0.0),
        Value::Fixed(x) => (*x, *x),
        Value::Drawn(d, _) => (d.quantile(0.0), d.quantile(1.0)),
    }
}

impl Checker<'_, '_> {
    /// Check and compile the changes of context quantities of event `e` (at path `at`):
    /// each name a declared quantity, not `"none"`, not an expression, not in both `set`
    /// and `shift`; their words are added to `words`, and `ok` cleared after an error.
    pub(super) fn context_changes(
        &mut self,
        at: &str,
        e: &EventFile,
        words: &mut Vec<String>,
        ok: &mut bool,
    ) -> Vec<ContextChange> {
        let mut out = Vec::new();
        let entries = e
            .set
            .context
            .iter()
            .map(|(n, (v, q))| (n, false, *q, Some(v), None))
            .chain(
                e.shift
                    .context
                    .iter()
                    .map(|(n, (v, q))| (n, true, *q, None, Some(v))),
            );
        for (name, shift, quoted, set, by) in entries {
            let table = join(at, if shift { "shift" } else { "set" });
            let path = change_path(&table, name, quoted);
            let Some(slot) = self.links.slot_of(name) else {
                let message = if self.links.declared() {
                    let names = self.links.names();
                    let hint = did_you_mean(name, names.iter().map(String::as_str));
                    let list = names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!(
                        "expected a context quantity of `[context]` ({list}), found `{name}`{hint}"
                    )
                } else {
                    format!(
                        "expected a quantity declared in a `[context]` table, found `context.{name}` and no `[context]`"
                    )
                };
                self.error(&path, message);
                *ok = false;
                continue;
            };
            if !shift && e.shift.context.contains_key(name) {
                self.error(
                    &path,
                    format!("expected `context.{name}` in `set` or in `shift`, found it in both"),
                );
                *ok = false;
                continue;
            }
            let spec = match (set, by) {
                (Some(SetValue::None), _) => {
                    self.error(
                        &path,
                        format!(
                            "expected a number or a distribution, found \"none\" for `context.{name}` (a context quantity always has a value; only `ratification` and `outside_option` may be \"none\")"
                        ),
                    );
                    *ok = false;
                    continue;
                }
                (Some(SetValue::Number(n)), _) | (None, Some(n)) => n,
                (None, None) => continue,
            };
            if let NumberSpec::Expr(text) = spec {
                self.error(
                    &path,
                    format!(
                        "expected a number or a distribution (a context quantity is drawn, not computed), found the expression {text:?}"
                    ),
                );
                *ok = false;
                continue;
            }
            let Some(param) = self.number(&path, spec, Domain::AMOUNT) else {
                *ok = false;
                continue;
            };
            let (value, text) = match param {
                Param::Fixed(x) => (Value::Fixed(x), fmt_num(x)),
                Param::Dist(dist) => {
                    let text = format!("a {} draw", super::events::dist_name(&dist));
                    (Value::Drawn(dist, crate::stream_key(&path)), text)
                }
            };
            words.push(if shift {
                format!("context.{name} += {text}")
            } else {
                format!("context.{name} = {text}")
            });
            out.push(ContextChange {
                slot,
                shift,
                value,
                path,
            });
        }
        out
    }

    /// Link the plan's changes of context quantities to the `inputs` they move (see the
    /// module docs): each event's [`crate::events::EventSpec::moves`] and the
    /// [`crate::events::EventInfo::moves`] the reports show, the moving expressions'
    /// ranges widened (errors at the change when a value leaves the field's domain,
    /// `domain` giving a key's domain when set by an event, or why this kind of file's
    /// events cannot change it), warnings for expressions in fields events cannot change,
    /// and the timeline's capacity. Nothing happens without such a change.
    pub(crate) fn link_events<I: Drawn>(
        &mut self,
        plan: &mut EventPlan,
        inputs: &mut [I],
        domain: &dyn Fn(Key) -> Result<Domain, String>,
    ) {
        if plan.events.iter().all(|e| e.context.is_empty()) {
            return;
        }
        plan.context = true;
        // Each quantity's reach: the least and the most the events can bring it to.
        let slots = self.links.names().len();
        let mut reach: Vec<(f64, f64)> = (0..slots).map(|s| self.links.slot_range(s)).collect();
        let mut down = vec![0.0; slots];
        let mut up = vec![0.0; slots];
        let mut changed = vec![false; slots];
        for c in plan.events.iter().flat_map(|e| &e.context) {
            let (lo, hi) = value_range(&c.value);
            let Some(r) = reach.get_mut(c.slot) else {
                continue;
            };
            changed[c.slot] = true;
            if c.shift {
                down[c.slot] += lo.min(0.0);
                up[c.slot] += hi.max(0.0);
            } else {
                *r = (r.0.min(lo), r.1.max(hi));
            }
        }
        for (s, r) in reach.iter_mut().enumerate() {
            *r = (r.0 + down[s], r.1 + up[s]);
        }
        // The first change of a quantity an expression reads (where its messages go).
        let first_change = |reads: &[usize]| {
            plan.events
                .iter()
                .flat_map(|e| &e.context)
                .find(|c| reads.contains(&c.slot))
                .map(|c| c.path.clone())
        };
        let mut movers: Vec<(Move, String)> = Vec::new();
        for input in inputs.iter_mut() {
            let Dist::Derived { formula, .. } = *input.dist() else {
                continue;
            };
            let Some(reads) = self.links.formula(formula).map(|f| f.slots().to_vec()) else {
                continue;
            };
            if !reads
                .iter()
                .any(|&s| changed.get(s).copied().unwrap_or(false))
            {
                continue;
            }
            let at = first_change(&reads).unwrap_or_else(|| "events".to_owned());
            let name = input.name().to_owned();
            let quantities = reads
                .iter()
                .filter(|&&s| changed.get(s).copied().unwrap_or(false))
                .map(|&s| format!("`{}`", self.links.names()[s]))
                .collect::<Vec<_>>()
                .join(", ");
            let keyed = input
                .event_key()
                .and_then(|(k, p)| Some((k, p, domain(k).ok()?)));
            let Some((key, party, d)) = keyed else {
                self.warn(
                    &at,
                    format!(
                        "`{name}` is an expression over {quantities}, which events change, but events cannot change `{name}`: it keeps its value at the first meeting"
                    ),
                );
                continue;
            };
            let Some((lo, hi)) = self.reach_range(formula, &reach, &reads, d, &name, &at) else {
                continue;
            };
            if let Some(f) = self.links.formula_mut(formula) {
                f.lo = f.lo.min(lo);
                f.hi = f.hi.max(hi);
            }
            if let Dist::Derived { lo: l, hi: h, .. } = input.dist_mut() {
                *l = l.min(lo);
                *h = h.max(hi);
            }
            movers.push((
                Move {
                    formula,
                    key,
                    party,
                },
                name,
            ));
        }
        // Each event's moves: the movers reading a quantity it changes, less the keys it
        // changes itself on its party (its own change is the one in force).
        for (spec, info) in plan.events.iter_mut().zip(plan.info.iter_mut()) {
            if spec.context.is_empty() {
                continue;
            }
            for group in [Some(Side::Payee), Some(Side::Payer), None] {
                for (m, path) in movers.iter().filter(|(m, _)| m.party == group) {
                    let reads = self.links.formula(m.formula).map_or(&[][..], |f| f.slots());
                    let moved = spec.context.iter().any(|c| reads.contains(&c.slot));
                    let own = (m.party.is_none() || m.party == spec.party)
                        && spec.changes.iter().any(|c| c.0 == m.key);
                    if moved && !own {
                        spec.moves.push(*m);
                        info.moves.push(Moved {
                            path: path.clone(),
                            party: m.party,
                            key: m.key,
                        });
                    }
                }
            }
        }
        let total: usize = plan
            .events
            .iter()
            .map(crate::events::EventSpec::core_events)
            .sum();
        if total > MAX_EVENTS {
            self.error(
                "events",
                format!(
                    "expected at most {MAX_EVENTS} changes in a trial's timeline, counting an event once, and a change of a context quantity once more for each party (and the protocol) whose inputs it moves; found {total}"
                ),
            );
        }
    }

    /// The values expression `formula` (reading `reads`) takes with each quantity over
    /// its `reach`: its range, or `None` after an error at `at` when a value is not in
    /// `d` (the domain of the field `name` it gives).
    fn reach_range(
        &mut self,
        formula: usize,
        reach: &[(f64, f64)],
        reads: &[usize],
        d: Domain,
        name: &str,
        at: &str,
    ) -> Option<(f64, f64)> {
        let f = self.links.formula(formula)?.clone();
        let center: Vec<f64> = (0..reach.len())
            .map(|s| {
                let (lo, hi) = self.links.slot_range(s);
                0.5 * (lo + hi)
            })
            .collect();
        let at_point = |pick: &dyn Fn(usize) -> f64| {
            let mut v = center.clone();
            for (i, &s) in reads.iter().enumerate() {
                let (lo, hi) = reach[s];
                v[s] = lo + pick(i) * (hi - lo);
            }
            v
        };
        let k = reads.len();
        let mut points = Vec::new();
        if k <= MAX_CORNER_NAMES {
            for corner in 0..(1usize << k) {
                points.push(at_point(&|i| if corner >> i & 1 == 1 { 1.0 } else { 0.0 }));
            }
        } else {
            points.push(at_point(&|_| 0.0));
            points.push(at_point(&|_| 1.0));
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x6576_656e_7473);
        for _ in 0..PROBES {
            let u: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
            points.push(at_point(&|i| u[i]));
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in &points {
            let x = f.raw(v);
            if !x.is_finite() || !d.contains(x) || x.abs() > super::MAX_MAGNITUDE {
                let point = reads
                    .iter()
                    .map(|&s| format!("{} = {}", self.links.names()[s], fmt_num(v[s])))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.error(
                    at,
                    format!(
                        "expected changes of the context that keep `{name}` {}, but its expression gives {} at {point} (a value the events can bring the context to)",
                        d.what,
                        fmt_num(x)
                    ),
                );
                return None;
            }
            lo = lo.min(x);
            hi = hi.max(x);
        }
        Some((lo, hi))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::Scenario;
    use crate::dist::Dist;
    use bargain_core::Side;
    use bargain_core::events::Key;

    /// Both reservations read `fx`; `EVENTS` is replaced by the events.
    const BASE: &str = r#"
[scenario]
name = "fx"
[run]
trials = 10
[protocol]
first_mover = "us"
[context]
fx = { uniform = [1150, 1250] }
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2021-12-31"
round_months = 1
[parties.us]
side = "payee"
opening = 1.6
reservation = "1.2 * fx / 1000"
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.8
reservation = "fx / 1000"
strategy = { kind = "time-based", preset = "linear" }
EVENTS
"#;

    fn parse(events: &str) -> Scenario {
        Scenario::parse(&BASE.replace("EVENTS", events), "fx.toml").expect("valid")
    }

    #[test]
    fn dotted_quoted_and_table_keys_compile_alike() {
        let forms = [
            "shift = { context.fx = -350 }",
            "shift = { \"context.fx\" = -350 }",
            "shift = { context = { fx = -350 } }",
        ];
        let mut seen = Vec::new();
        for form in forms {
            let s = parse(&format!("[[events]]\ndate = \"2021-01-20\"\n{form}\n"));
            let e = &s.events()[0];
            assert_eq!(e.changes, ["context.fx += -350"], "{form}");
            let moved: Vec<(&str, Option<Side>, Key)> = e
                .moves
                .iter()
                .map(|m| (m.path.as_str(), m.party, m.key))
                .collect();
            assert_eq!(
                moved,
                [
                    (
                        "parties.us.reservation",
                        Some(Side::Payee),
                        Key::Reservation
                    ),
                    (
                        "parties.kr.reservation",
                        Some(Side::Payer),
                        Key::Reservation
                    ),
                ],
                "{form}"
            );
            seen.push(s.events.events[0].moves.clone());
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn an_events_own_change_of_a_key_is_not_moved() {
        let s = parse(
            "[[events]]\ndate = \"2021-01-20\"\nparty = \"us\"\nshift = { context.fx = -350, reservation = 0.1 }\n",
        );
        let moved: Vec<&str> = s.events()[0]
            .moves
            .iter()
            .map(|m| m.path.as_str())
            .collect();
        assert_eq!(moved, ["parties.kr.reservation"]);
        // One core event of its own, one for the payer's moved reservation.
        assert_eq!(s.events.events[0].core_events(), 2);
    }

    #[test]
    fn a_moving_expressions_range_covers_what_events_bring() {
        let s = parse(
            "[[events]]\ndate = \"2021-01-20\"\nshift = { context.fx = { uniform = [-400, -300] } }\n[[events]]\ndate = \"2021-03-01\"\nset = { context.fx = 2000 }\n",
        );
        let input = s
            .plan
            .inputs
            .iter()
            .find(|i| i.name == "parties.us.reservation")
            .expect("input");
        let Dist::Derived {
            formula, lo, hi, ..
        } = input.dist
        else {
            panic!("an expression");
        };
        // fx can reach 1150 − 400 = 750 and 2000 (each quantity's least and most).
        assert!(
            (lo - 0.9).abs() < 1e-9 && (hi - 2.4).abs() < 1e-9,
            "{lo} {hi}"
        );
        let f = &s.plan.links.formulas[formula];
        assert!((f.lo - lo).abs() < 1e-12 && (f.hi - hi).abs() < 1e-12);
        assert!((f.eval(&[760.0]) - 0.912).abs() < 1e-12, "not clamped");
        // Without events the range is the first meeting's.
        let plain = parse("");
        let input = plain
            .plan
            .inputs
            .iter()
            .find(|i| i.name == "parties.us.reservation");
        let Some(Dist::Derived { lo, hi, .. }) = input.map(|i| &i.dist) else {
            panic!("an expression");
        };
        assert!(
            (lo - 1.38).abs() < 1e-9 && (hi - 1.5).abs() < 1e-9,
            "{lo} {hi}"
        );
    }

    #[test]
    fn the_timeline_capacity_counts_each_moved_party() {
        // 16 events is the file's limit; each moves both reservations: 32 core events.
        let events: String = (0..16)
            .map(|i| {
                format!(
                    "[[events]]\ndate = \"2021-01-{:02}\"\nshift = {{ context.fx = -1 }}\n",
                    i + 1
                )
            })
            .collect();
        let text = BASE.replace("EVENTS", &events);
        let e = Scenario::parse(&text, "fx.toml").expect_err("too many");
        let d = e
            .diagnostics()
            .iter()
            .find(|d| d.path == "events")
            .expect("events");
        assert!(d.message.contains("found 32"), "{}", d.message);
        // Eight fit.
        let events: String = (0..8)
            .map(|i| {
                format!(
                    "[[events]]\ndate = \"2021-01-{:02}\"\nshift = {{ context.fx = -1 }}\n",
                    i + 1
                )
            })
            .collect();
        assert!(Scenario::parse(&BASE.replace("EVENTS", &events), "fx.toml").is_ok());
    }
}
