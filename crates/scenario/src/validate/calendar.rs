//! The `[calendar]` table.

use bargain_core::{Calendar, Side};

use crate::fields::{self, Scope, Slot};

use crate::CalendarDates;
use crate::file::CalendarFile;
use crate::span::join;

use super::{Checker, fmt_num};

impl Checker<'_, '_> {
    /// The `[calendar]` table: dates, the time between rounds (an input) and the bound
    /// on the number of rounds. The lapse costs and end games are filled in by `compile`.
    pub(super) fn calendar(&mut self, c: &CalendarFile) -> Option<(Calendar, CalendarDates)> {
        let mut date = |key: &str, text: &str| {
            let d = crate::date::parse_date(text);
            if d.is_none() {
                self.error(
                    &join("calendar", key),
                    format!("expected a date of the form YYYY-MM-DD, found {text:?}"),
                );
            }
            d
        };
        let start = date("start", &c.start);
        let expiry = date("expiry", &c.expiry);
        let end = c.end.as_deref().map(|e| date("end", e));
        // The calendar's numbers (from the field table); `round_months` bounds the rounds.
        let mut numbers_ok = true;
        let mut round_months = 1.0;
        for def in fields::of_scope(Scope::Calendar) {
            let Slot::Calendar(get, _) = def.slot else {
                continue;
            };
            match self.input(def, &def.path(""), get(c), Side::Payee) {
                None => numbers_ok = false,
                Some(Some(x)) if def.key == "round_months" => round_months = x,
                Some(_) => {}
            }
        }
        let (start, expiry) = (start?, expiry?);
        if !numbers_ok {
            return None;
        }
        let end = match end {
            Some(e) => Some(e?),
            None => None,
        };
        if expiry <= start {
            self.error(
                "calendar.expiry",
                format!(
                    "expected an expiry after the start ({}), found {}",
                    c.start, c.expiry
                ),
            );
            return None;
        }
        if let Some(e) = end
            && e <= start
        {
            self.error(
                "calendar.end",
                format!(
                    "expected an end after the start ({}), found {}",
                    c.start,
                    c.end.as_deref().unwrap_or_default()
                ),
            );
            return None;
        }
        let span = |d: i64| u32::try_from(d - start).ok();
        let (Some(expiry_day), end_day) = (span(expiry), end.map(span)) else {
            self.error(
                "calendar.expiry",
                "expected an expiry within 10 million days of the start",
            );
            return None;
        };
        let end_day = match end_day {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.error(
                    "calendar.end",
                    "expected an end within 10 million days of the start",
                );
                return None;
            }
            None => None,
        };
        if let Some(d) = end_day {
            // The most rounds any draw allows: at the smallest time between rounds.
            let least = self
                .ranges
                .get("calendar.round_months")
                .map_or(round_months, |r| r.0);
            let rounds = (f64::from(d) + 1.0) / (least * bargain_core::calendar::DAYS_PER_MONTH);
            if rounds.is_nan() || rounds > f64::from(bargain_core::calendar::MAX_CALENDAR_ROUNDS) {
                self.error(
                    "calendar.round_months",
                    format!(
                        "expected at most {} rounds between the start and the end, found up to {} (at {} months a round); bound `round_months` away from 0 (e.g. `within`) or move the end",
                        bargain_core::calendar::MAX_CALENDAR_ROUNDS,
                        if rounds.is_finite() { format!("{}", rounds.ceil()) } else { "infinitely many".into() },
                        fmt_num(least)
                    ),
                );
                return None;
            }
        }
        Some((
            // `round_months` and the parties' calendar fields are set by `compile`.
            fields::calendar_skeleton(expiry_day, end_day),
            CalendarDates { start, expiry, end },
        ))
    }
}
