//! `[[events]]` and `[calendar] on_veto` on package files (issue #23 on packages): checked
//! by the one-issue checker (`validate/events.rs`, through its [`EventScope`]) with the
//! package's keys and domains, and drawn per trial into a core timeline as one-issue
//! events are.
//!
//! Keys on packages: a party's `reservation` (its utility reservation,
//! `utility.reservation`, in [0, 1]), `outside_option` (a utility, in [0, 1];
//! `"none"` removes it), `ratification` (its principal's limit on the amount
//! issue, in the amount's unit; a floor or a ceiling as the party's value of the amount
//! rises or falls), `lapse_cost` (in the amount's unit per month), and the protocol's
//! `breakdown_risk`. `opening` (a package negotiator opens at its best package),
//! `discount` (no package model reads it) and `round_months` (a change
//! of pace: one-issue scenarios only) are refused with located errors.

use bargain_core::Side;
use bargain_core::events::Key;
use bargain_core::package::preferences::Preferences;
use bargain_core::package::space::OutcomeSpace;

use crate::CalendarDates;
use crate::events::EventPlan;
use crate::span::{index, join};
use crate::validate::events::EventScope;

use super::compile::Compiler;
use super::file::PackageFile;
use super::rules::{amount_issue, domain_of};
use crate::validate::Domain;

/// Whether party `prefs` values the amount issue rising (`Some(true)`: its limit is a
/// floor), falling (`Some(false)`: a ceiling), or neither / there is no amount issue.
pub(super) fn limit_floor(space: &OutcomeSpace, prefs: &Preferences) -> Option<bool> {
    let j = amount_issue(space)?;
    let range = space.issues()[j].range()?;
    let v = prefs.utility.values.get(j)?;
    let rise = v.at(range.1, range) - v.at(range.0, range);
    if rise == 0.0 || rise.is_nan() {
        None
    } else {
        Some(rise > 0.0)
    }
}

impl Compiler<'_, '_> {
    /// Check and compile `[[events]]` and `on_veto` of a package file. `order`: the party
    /// keys, the first mover first (an event's side on packages names the slot: payee
    /// the first mover, payer the second); `floor`: each party's [`limit_floor`] (`None`
    /// when its preferences did not compile: an error named them already); `dates`:
    /// the calendar's, when it compiled.
    pub(super) fn package_events(
        &mut self,
        f: &PackageFile,
        order: &[&String],
        space: Option<&OutcomeSpace>,
        floor: [Option<Option<bool>>; 2],
        dates: Option<&CalendarDates>,
    ) -> EventPlan {
        let has_amount = space.and_then(amount_issue).is_some();
        let domain = |key: Key| {
            match key {
            // A utility an outcome can give: stricter than the file's `utility.reservation`
            // (where above 1 is a warning), since an event's value has no warning of its own.
            Key::Reservation | Key::OutsideOption => Ok(Domain {
                what: "a utility in [0, 1]",
                ..Domain::PROBABILITY
            }),
            Key::BreakdownRisk => Ok(domain_of("breakdown_risk")),
            Key::Ratification | Key::LapseCost if !has_amount => Err(format!(
                "expected an issue keyed `amount` of kind `number` (a package's `{}` is in the unit of the amount issue), found none",
                key.as_str()
            )),
            Key::Ratification | Key::LapseCost => Ok(domain_of(key.as_str())),
            Key::RoundMonths => Err(
                "expected `reservation`, `outside_option`, `ratification`, `lapse_cost` or `breakdown_risk` in a package scenario's events, found `round_months` (a change of the rounds' pace is taken by one-issue scenarios only)".to_owned(),
            ),
            Key::Opening | Key::Discount => Err(format!(
                "expected `reservation`, `outside_option`, `ratification`, `lapse_cost` or `breakdown_risk` in a package scenario's events, found `{}` ({})",
                key.as_str(),
                if key == Key::Opening {
                    "a package negotiator opens at its best package"
                } else {
                    "no package model reads the discount"
                }
            )),
        }
        };
        let parties = order
            .iter()
            .zip([Side::Payee, Side::Payer])
            .map(|(k, s)| (k.as_str(), s))
            .collect();
        let scope = EventScope {
            parties,
            domain: &domain,
        };
        let mut plan = self
            .c
            .event_plan(f.calendar.as_ref(), &f.events, &scope, dates);
        self.c.link_events(&mut plan, &mut self.inputs, &domain);
        // A limit set on a party indifferent to the amount is neither floor nor ceiling.
        for (i, e) in f.events.iter().enumerate() {
            let Some(slot) = e
                .party
                .as_ref()
                .and_then(|p| order.iter().position(|k| *k == p))
            else {
                continue;
            };
            let sets = e.set.contains_key("ratification") || e.shift.contains_key("ratification");
            if sets && has_amount && floor[slot] == Some(None) {
                let table = if e.set.contains_key("ratification") {
                    "set"
                } else {
                    "shift"
                };
                self.c.error(
                    &join(&join(&index("events", i), table), "ratification"),
                    format!(
                        "expected `{}` to value the amount issue rising or falling over its range (a limit is a floor for a party that prefers more, a ceiling for one that prefers less), found the same value at both ends",
                        order[slot]
                    ),
                );
            }
        }
        plan
    }
}
