//! The package compiler's checks of the one-issue rules on packages: `[calendar]`, each
//! party's `lapse_cost` (in the unit of the amount issue), `ratification` (a floor or
//! ceiling on the amount issue) and `outside_option` (a utility). `protocol.breakdown_risk` and `max_rounds` are checked
//! in `compile.rs`; domains come from the field table ([`domain_of`]).

use bargain_core::Calendar;
use bargain_core::package::preferences::Preferences;
use bargain_core::package::space::{IssueKind, OutcomeSpace};
use bargain_core::package::talks::Ratification;

use crate::CalendarDates;
use crate::file::{CalendarFile, NumberSpec};
use crate::span::join;
use crate::validate::Domain;

use crate::fields::package::field as pkg;
use crate::fields::{At, Scope};

use super::compile::Compiler;
use super::file::PackagePartyFile;

/// The domain of the field table's entry `key` (`lapse_cost`, `ratification`,
/// `breakdown_risk`): packages check these numbers as one-issue files do.
pub(super) fn domain_of(key: &str) -> Domain {
    crate::fields::FIELDS
        .iter()
        .find(|d| d.key == key)
        .map_or(Domain::AMOUNT, |d| d.domain)
}

/// The amount issue of a package: the `number` issue keyed `amount`, if there is one.
#[must_use]
pub fn amount_issue(space: &OutcomeSpace) -> Option<usize> {
    space
        .issues()
        .iter()
        .position(|i| i.key == "amount" && matches!(i.kind, IssueKind::Number { .. }))
}

/// What a party's principal and calendar add to it: its lapse cost (in the amount
/// issue's unit), its end game and its ratification limit.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Principal {
    pub(super) lapse: f64,
    pub(super) end_game: Option<f64>,
    pub(super) ratification: Option<Ratification>,
    /// Its outside option, a utility (central value).
    pub(super) outside_option: Option<f64>,
}

impl Compiler<'_, '_> {
    /// `[calendar]`: checked as in one-issue files (dates, `round_months`, the bound on
    /// rounds); `round_months` as a distribution becomes a package input. `None` after
    /// reporting a problem.
    pub(super) fn calendar(&mut self, c: &CalendarFile) -> Option<(Calendar, CalendarDates)> {
        let (inputs, centrals) = (self.c.inputs.len(), self.c.centrals.len());
        let out = self.c.calendar(c);
        // The one-issue checker registered `round_months`: move it to the package inputs.
        self.adopt_checker_inputs(inputs);
        let months = self.c.centrals[centrals..]
            .iter()
            .find(|(d, ..)| d.key == "round_months")
            .map(|x| x.2);
        self.c.centrals.truncate(centrals);
        let (mut cal, dates) = out?;
        cal.round_months = months?;
        Some((cal, dates))
    }

    /// Party `i`'s `lapse_cost` (central, 0 when left out), its `end_game` and its principal's
    /// `ratification` limit on the amount issue (a floor when the party's value of the
    /// amount rises over the issue's range, a ceiling when it falls; from the central
    /// value function). `has_calendar`: whether the file has a `[calendar]` table.
    /// Errors: a lapse cost without a `[calendar]`, either without an
    /// amount issue, a limit for a party indifferent to the amount.
    pub(super) fn principal(
        &mut self,
        key: &str,
        f: &PackagePartyFile,
        i: usize,
        space: &OutcomeSpace,
        prefs: Option<&Preferences>,
        has_calendar: bool,
    ) -> Principal {
        let path = join("parties", key);
        let end_game = f.end_game.and_then(|x| {
            let p = join(&path, "end_game");
            self.c
                .number(&p, &NumberSpec::Fixed(x), domain_of("end_game"))?;
            if !has_calendar {
                self.c.error(
                    &p,
                    "expected a `[calendar]` (the end game runs against its expiry)",
                );
            }
            Some(x)
        });
        let amount = amount_issue(space);
        let lapse_path = join(&path, "lapse_cost");
        let lapse = match &f.lapse_cost {
            None => 0.0,
            Some(spec) => {
                let x = self.num(
                    &lapse_path,
                    spec,
                    pkg(Scope::Party, "lapse_cost"),
                    At::party(i),
                );
                if !has_calendar {
                    self.c.error(
                        &lapse_path,
                        "expected a `[calendar]` (a lapse cost needs an expiry date)",
                    );
                }
                if amount.is_none() {
                    self.c.error(&lapse_path, "expected an issue keyed `amount` of kind `number` (a lapse cost is in the unit of the amount issue), found none");
                }
                x.unwrap_or(0.0)
            }
        };
        let outside_option = f.outside_option.as_ref().and_then(|spec| {
            self.num(
                &join(&path, "outside_option"),
                spec,
                pkg(Scope::Party, "outside_option"),
                At::party(i),
            )
        });
        let rp = join(&path, "ratification");
        let done = |ratification| Principal {
            lapse,
            end_game,
            ratification,
            outside_option,
        };
        let Some(spec) = &f.ratification else {
            return done(None);
        };
        let limit = self.num(&rp, spec, pkg(Scope::Party, "ratification"), At::party(i));
        if amount.is_none() {
            self.c.error(&rp, "expected an issue keyed `amount` of kind `number` (a ratification limit is a floor or ceiling on the amount issue), found none");
            return done(None);
        }
        let (Some(limit), Some(prefs)) = (limit, prefs) else {
            return done(None);
        };
        let Some(floor) = super::events::limit_floor(space, prefs) else {
            self.c.error(
                &rp,
                format!("expected `{key}` to value the amount issue rising or falling over its range (the limit is a floor for a party that prefers more, a ceiling for one that prefers less), found the same value at both ends"),
            );
            return done(None);
        };
        done(Some(Ratification { limit, floor }))
    }
}
