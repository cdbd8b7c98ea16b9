//! The `timing` block of `summary.json`: when deals are struck under a calendar.
//!
//! Built from each model's integer count of deals by day (`ModelAccumulator::deal_days`),
//! which merges exactly, so the block is byte-identical at any thread count and sharding.
//! Quantiles of days are the inverse empirical CDF (the smallest day whose cumulative
//! count reaches `⌈p·n⌉`); months are days / 30.436875 (the mean Gregorian month).

use std::collections::BTreeMap;

use bargain_core::calendar::DAYS_PER_MONTH;
use serde::{Deserialize, Serialize};

use crate::accumulate::ModelAccumulator;
use crate::scenario::CalendarDates;
use crate::scenario::date::{civil_from_days, days_from_civil, format_date};

/// Quantiles reported for months, lapse months and deal dates.
pub const TIMING_QUANTILES: [(&str, f64); 5] = [
    ("p05", 0.05),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p95", 0.95),
];

/// `models.<model>.timing`: only for scenarios with a `[calendar]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingSummary {
    /// The first round (ISO date).
    pub start: String,
    /// The last day the current agreement holds (ISO date).
    pub expiry: String,
    /// The last day of talks, if any (ISO date).
    pub end: Option<String>,
    /// Share of trials with a ratified deal on or before the expiry date.
    pub before_expiry: f64,
    /// Share of trials with a ratified deal after the expiry date.
    pub lapse_rate: f64,
    /// Months from the first round to the deal, over deals (`null` without deals).
    pub months: Option<MonthStats>,
    /// Months of lapse, over deals after the expiry (`null` without such deals).
    pub lapse_months: Option<MonthStats>,
    /// Deal dates (`p05 p25 p50 p75 p95`, ISO dates), over deals.
    pub deal_date: Option<BTreeMap<String, String>>,
    /// Cumulative share of trials with a deal by the end of each calendar month, from the
    /// start's month to the calendar's last (`CalendarDates::last`): sized by the
    /// calendar, whatever the deals.
    pub by_month: Vec<MonthShare>,
    /// With `[observed] date`: where it falls among the deal dates.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub observed: Option<ObservedTiming>,
    /// The scenario's `[[events]]`, for the plots (none: left out).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub events: Vec<TimingEvent>,
}

/// An event of the scenario on the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingEvent {
    /// Its date (ISO), or the first date of its range.
    pub date: String,
    /// The last date of its range, when it is drawn from one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub last: Option<String>,
    /// Share of trials in which it happens.
    pub probability: f64,
    /// What it is.
    pub note: String,
}

impl TimingEvent {
    /// The events of `scenario`.
    #[must_use]
    pub fn of(scenario: &crate::scenario::Scenario) -> Vec<TimingEvent> {
        Self::of_infos(scenario.events())
    }

    /// The events described by `infos` (a one-issue or a package scenario's).
    #[must_use]
    pub fn of_infos(infos: &[crate::scenario::EventInfo]) -> Vec<TimingEvent> {
        infos
            .iter()
            .map(|e| TimingEvent {
                date: format_date(e.days.0),
                last: (e.days.1 != e.days.0).then(|| format_date(e.days.1)),
                probability: e.probability,
                note: e.note.clone(),
            })
            .collect()
    }
}

/// Mean and quantiles of a number of months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthStats {
    /// Mean.
    pub mean: f64,
    /// `p05 p25 p50 p75 p95`.
    pub quantiles: BTreeMap<String, f64>,
}

/// One calendar month of the cumulative deal curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthShare {
    /// `YYYY-MM`.
    pub month: String,
    /// Share of all trials with a deal on or before the month's last day.
    pub share: f64,
}

/// The observed date against the model's deal dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedTiming {
    /// The observed date (ISO).
    pub date: String,
    /// Share of deals struck on or before the observed date (the PIT).
    pub percentile: f64,
    /// Inside `[p25, p75]` of the deal dates.
    pub in_50: bool,
    /// Inside `[p05, p95]` of the deal dates.
    pub in_90: bool,
    /// Whether the observed deal came on or before the expiry date.
    pub before_expiry: bool,
}

/// The smallest day whose cumulative count (from `from`) reaches `⌈p·n⌉`.
fn quantile_day(days: &[u64], from: usize, n: u64, p: f64) -> usize {
    let need = ((p * n as f64).ceil() as u64).clamp(1, n);
    let mut c = 0;
    for (d, &k) in days.iter().enumerate().skip(from) {
        c += k;
        if c >= need {
            return d;
        }
    }
    days.len().saturating_sub(1)
}

fn month_stats(days: &[u64], from: usize, origin: usize) -> Option<MonthStats> {
    let n: u64 = days.iter().skip(from).sum();
    if n == 0 {
        return None;
    }
    let sum: u128 = days
        .iter()
        .enumerate()
        .skip(from)
        .map(|(d, &k)| (d - origin) as u128 * u128::from(k))
        .sum();
    let months = |d: usize| (d - origin) as f64 / DAYS_PER_MONTH;
    Some(MonthStats {
        mean: sum as f64 / n as f64 / DAYS_PER_MONTH,
        quantiles: TIMING_QUANTILES
            .iter()
            .map(|&(k, p)| (k.to_owned(), months(quantile_day(days, from, n, p))))
            .collect(),
    })
}

/// The first day of the month after the one containing day number `day`.
fn next_month(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(y, m, 1)
}

/// The timing block of one model.
#[must_use]
pub fn summarize(
    acc: &ModelAccumulator,
    dates: &CalendarDates,
    observed: Option<i64>,
) -> TimingSummary {
    // Sized by the calendar: no deal falls after `dates.last` (validation bounds it).
    let span = usize::try_from(dates.last - dates.start).map_or(1, |d| d + 1);
    let days = &acc.deal_days[..acc.deal_days.len().min(span)];
    let trials = acc.trials.max(1) as f64;
    let expiry = usize::try_from(dates.expiry - dates.start).unwrap_or(0);
    let n: u64 = days.iter().sum();
    let before: u64 = days.iter().take(expiry + 1).sum();
    let after = n - before;
    let deal_date = (n > 0).then(|| {
        TIMING_QUANTILES
            .iter()
            .map(|&(k, p)| {
                let d = quantile_day(days, 0, n, p);
                (k.to_owned(), format_date(dates.start + d as i64))
            })
            .collect::<BTreeMap<_, _>>()
    });
    let last = dates.last;
    let mut by_month = Vec::new();
    let mut month_start = days_from_civil(
        civil_from_days(dates.start).0,
        civil_from_days(dates.start).1,
        1,
    );
    let mut cum = 0u64;
    let mut next_day = 0usize;
    while month_start <= last {
        let month_end = next_month(month_start) - 1;
        let upto = usize::try_from(month_end - dates.start).unwrap_or(0);
        while next_day <= upto && next_day < days.len() {
            cum += days[next_day];
            next_day += 1;
        }
        let (y, m, _) = civil_from_days(month_start);
        by_month.push(MonthShare {
            month: format!("{y:04}-{m:02}"),
            share: cum as f64 / trials,
        });
        month_start = month_end + 1;
    }
    let observed = match (observed, n > 0) {
        (Some(date), true) => {
            let off = date - dates.start;
            let at_or_before: u64 = if off < 0 {
                0
            } else {
                days.iter().take(off as usize + 1).sum()
            };
            let q = |p: f64| dates.start + quantile_day(days, 0, n, p) as i64;
            Some(ObservedTiming {
                date: format_date(date),
                percentile: at_or_before as f64 / n as f64,
                in_50: q(0.25) <= date && date <= q(0.75),
                in_90: q(0.05) <= date && date <= q(0.95),
                before_expiry: date <= dates.expiry,
            })
        }
        _ => None,
    };
    TimingSummary {
        start: format_date(dates.start),
        expiry: format_date(dates.expiry),
        end: dates.end.map(format_date),
        before_expiry: before as f64 / trials,
        lapse_rate: after as f64 / trials,
        months: month_stats(days, 0, 0),
        lapse_months: month_stats(days, expiry + 1, expiry),
        deal_date,
        by_month,
        observed,
        events: Vec::new(),
    }
}

/// The `trials.csv` cells of one outcome under a calendar: `,deal_date,lapse_months`
/// (both empty without a ratified deal).
#[must_use]
pub fn csv_cells(
    dates: &CalendarDates,
    cal: &bargain_core::Calendar,
    o: &bargain_core::Outcome,
) -> String {
    if !o.is_deal() {
        return ",,".to_owned();
    }
    let round = o.round.saturating_sub(1);
    format!(
        ",{},{}",
        format_date(dates.start + i64::from(cal.day(round))),
        cal.lapse_months(round)
    )
}
