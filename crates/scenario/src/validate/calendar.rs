//! The `[calendar]` table.

use bargain_core::calendar::{DAYS_PER_MONTH, MAX_CALENDAR_ROUNDS};
use bargain_core::{Calendar, Side};

/// Days in a mean Gregorian year.
const DAYS_PER_YEAR: f64 = 365.2425;

use crate::fields::{self, Scope, Slot};

use crate::CalendarDates;
use crate::file::CalendarFile;
use crate::span::join;

use super::{Checker, fmt_num};

impl Checker<'_, '_> {
    /// The `[calendar]` table: dates, the time between rounds (an input) and the bound
    /// on the number of rounds. The lapse costs and end games are filled in by `compile`.
    pub(crate) fn calendar(&mut self, c: &CalendarFile) -> Option<(Calendar, CalendarDates)> {
        let mut date = |key: &str, text: &str| {
            let d = crate::date::parse_date(text);
            if d.is_none() {
                self.error(&join("calendar", key), crate::date::date_error(text));
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
        // Every date of the calendar lies within `MAX_CALENDAR_DAYS` of the start.
        // (and by 9999-12-31, so that every date prints with four digits).
        let by_day = (start + i64::from(crate::MAX_CALENDAR_DAYS)).min(crate::date::LAST_DAY);
        let by = crate::date::format_date(by_day);
        let span = |d: i64| u32::try_from(d - start).ok().filter(|_| d <= by_day);
        let Some(expiry_day) = span(expiry) else {
            self.error(
                "calendar.expiry",
                format!(
                    "expected an expiry within {} years of the start (by {by}), found {}",
                    crate::MAX_CALENDAR_YEARS,
                    c.expiry
                ),
            );
            return None;
        };
        let end_day = match end.map(span) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                self.error(
                    "calendar.end",
                    format!(
                        "expected an end within {} years of the start (by {by}), found {}",
                        crate::MAX_CALENDAR_YEARS,
                        c.end.as_deref().unwrap_or_default()
                    ),
                );
                return None;
            }
            None => None,
        };
        // The last day any draw can strike a deal on: the end, or without one the last
        // of `max_rounds` rounds at the largest `round_months`.
        let last_deal = match end_day {
            Some(d) => d,
            None => self.last_round_day(round_months, by_day - start, &by)?,
        };
        if let Some(d) = end_day {
            // The most rounds any draw allows: at the smallest time between rounds.
            let least = self
                .ranges
                .get("calendar.round_months")
                .map_or(round_months, |r| r.0);
            let rounds = (f64::from(d) + 1.0) / (least * DAYS_PER_MONTH);
            if rounds.is_nan() || rounds > f64::from(MAX_CALENDAR_ROUNDS) {
                self.error(
                    "calendar.round_months",
                    format!(
                        "expected at most {} rounds between the start and the end, found up to {} (at {} months a round); bound `round_months` away from 0 (e.g. `within`) or move the end",
                        MAX_CALENDAR_ROUNDS,
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
            CalendarDates {
                start,
                expiry,
                end,
                last: start + i64::from(last_deal.max(expiry_day)),
            },
        ))
    }

    /// Without `calendar.end`: the day (from the start) of the last round any draw can
    /// reach, `⌊(max_rounds − 1) · round_months · 30.436875⌋` at the largest values of
    /// both (as `Calendar::day` computes it), or an error at the field that takes it
    /// beyond `span_days` (at most [`crate::MAX_CALENDAR_DAYS`]). `central_months` is
    /// `round_months`' central value (used when it was not recorded); `by` the last
    /// allowed date.
    fn last_round_day(&mut self, central_months: f64, span_days: i64, by: &str) -> Option<u32> {
        let months = self.ranges.get("calendar.round_months").copied();
        // Without a valid `max_rounds` there is already an error.
        let (rounds_lo, rounds_hi) = self.ranges.get("protocol.max_rounds").copied()?;
        let most_months = months.map_or(central_months, |r| r.1);
        let rounds = rounds_hi.round().min(f64::from(MAX_CALENDAR_ROUNDS));
        let day = (rounds - 1.0).max(0.0) * most_months * DAYS_PER_MONTH;
        let most = span_days as f64;
        if day <= most {
            // Within `u32`: the cast is the floor of a non-negative number.
            return Some(day as u32);
        }
        let months_vary = months.is_some_and(|(lo, hi)| lo < hi);
        let rounds_vary = rounds_lo < rounds_hi;
        // Blame `round_months` when one round's step alone leaves the span, or when only
        // it varies; else `max_rounds`.
        let one_step = most_months * DAYS_PER_MONTH;
        let at = if one_step > most || (months_vary && !rounds_vary) {
            "calendar.round_months"
        } else {
            "protocol.max_rounds"
        };
        let years = day / DAYS_PER_YEAR;
        let when = if years < 1e6 {
            format!("{years:.0} years after the start")
        } else if years.is_finite() {
            format!("{years:.1e} years after the start")
        } else {
            "at no finite date".to_owned()
        };
        let rounds_text = if rounds_vary { "up to " } else { "" };
        let months_text = if months_vary { "up to " } else { "" };
        self.error(
            at,
            format!(
                "expected talks within {} years of the start (by {by}), found the last of {rounds_text}{} rounds (protocol.max_rounds) at {months_text}{} months a round (calendar.round_months) {when}; lower them, bound `round_months` with `within = [lo, hi]`, or set `calendar.end`",
                crate::MAX_CALENDAR_YEARS,
                fmt_num(rounds),
                fmt_num(most_months),
            ),
        );
        None
    }
}

/// The warning for an observed deal date outside the calendar (`None` inside it): no
/// trial's deal date can match it. One text for one-issue and package files.
pub(crate) fn observed_date_outside(d: i64, dates: &crate::CalendarDates) -> Option<String> {
    (d < dates.start || d > dates.last).then(|| {
        format!(
            "outside the calendar: {} is not within {} (the start) to {} (the last day a deal can be struck), so no trial's deal date can match it",
            crate::date::format_date(d),
            crate::date::format_date(dates.start),
            crate::date::format_date(dates.last)
        )
    })
}
