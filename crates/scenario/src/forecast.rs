//! What a scenario says about itself as a forecast (issue #24): the day the forecast is
//! made (`[scenario] as_of`) and the naive forecasts it is scored against (`[baseline]`:
//! the amounts in force by year).
//!
//! ```toml
//! [scenario]
//! as_of = "2018-03-07"
//! [baseline]
//! year = 2019                                     # the year the forecast amount is for
//! amounts = { 2014 = 0.92, 2015 = 0.932, 2016 = 0.9441, 2017 = 0.9507, 2018 = 0.9602 }
//! ```
//!
//! Baselines: `previous` (the last amount in force) and `trend` (the last amount times
//! the endpoint compound annual growth over the latest five amounts, or as many as given,
//! raised to the power `year − last year`; not a regression). The timing baseline
//! (`climatology`) needs the other cases of a backtest and lives with the backtest.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Diagnostic;
use crate::span::Doc;

/// One entry of `[scenario] sources`: a plain string, or a dated source
/// `{ key = "S33", date = "2019-02-03", what = "…" }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum SourceFile {
    /// Free text (undated).
    Text(String),
    /// A keyed source with the day it was public.
    Dated(DatedSource),
}

/// A dated source.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatedSource {
    /// Its key in the scenario's notes (e.g. `S33`).
    pub key: String,
    /// The day it was public, `YYYY-MM-DD` (optional: an undated source).
    pub date: Option<String>,
    /// What it is and what it says.
    pub what: String,
}

impl SourceFile {
    /// The source as one line of the report: `S33 (2019-02-03): what`.
    pub(crate) fn line(&self) -> String {
        match self {
            SourceFile::Text(t) => t.clone(),
            SourceFile::Dated(d) => match &d.date {
                Some(date) => format!("{} ({date}): {}", d.key, d.what),
                None => format!("{}: {}", d.key, d.what),
            },
        }
    }
}

/// Check the sources against the forecast's day: a located error for a date that is not
/// a date; a located warning for every source dated after `as_of` (the forecast would use
/// what was not known yet) and, with `as_of`, for every undated source. These warnings are
/// [`INFORMATION_WARNING`]s: `bargain validate --strict` makes them errors.
pub(crate) fn check_sources(
    sources: &[SourceFile],
    as_of: Option<i64>,
    doc: &Doc<'_>,
    origin: &str,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let at = |path: String, message: String| {
        let pos = doc.locate_path(&path);
        Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path,
            message,
        }
    };
    for (i, src) in sources.iter().enumerate() {
        let path = format!("scenario.sources[{i}]");
        let (key, date) = match src {
            SourceFile::Text(_) => (None, None),
            SourceFile::Dated(d) => (Some(d.key.as_str()), d.date.as_deref()),
        };
        let name = key.map_or_else(|| format!("source {}", i + 1), |k| format!("source {k}"));
        match (date, as_of) {
            (Some(text), _) => match crate::date::parse_date(text) {
                None => errors.push(at(
                    format!("{path}.date"),
                    format!("expected a date YYYY-MM-DD, found {text:?}"),
                )),
                Some(day) if as_of.is_some_and(|a| day > a) => warnings.push(at(
                    format!("{path}.date"),
                    format!(
                        "{INFORMATION_WARNING}: {name} is dated {text}, after as_of {}: the forecast would use what was not public yet",
                        crate::date::format_date(as_of.unwrap_or(day))
                    ),
                )),
                Some(_) => {}
            },
            (None, Some(a)) => warnings.push(at(
                path,
                format!(
                    "{INFORMATION_WARNING}: {name} has no date, so nothing shows it was public by as_of {} (write {{ key = \"…\", date = \"YYYY-MM-DD\", what = \"…\" }})",
                    crate::date::format_date(a)
                ),
            )),
            (None, None) => {}
        }
    }
}

/// The words every information-set warning starts with (`validate --strict` refuses them).
pub const INFORMATION_WARNING: &str = "information set";

/// How many of the latest amounts the trend's growth rate is taken over.
pub const TREND_YEARS: usize = 5;

/// `[baseline]` as written.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineFile {
    /// The year the forecast amount is for (e.g. 2019).
    pub year: i64,
    /// The amounts in force, by year (keys are years, e.g. `{ 2017 = 0.9507, 2018 = 0.9602 }`),
    /// in the unit of the scenario's amounts; every year before `year`.
    pub amounts: BTreeMap<String, f64>,
}

/// The naive forecasts of one scenario: the amounts in force before the forecast year.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The year the forecast amount is for.
    pub year: i64,
    /// `(year, amount)`, ascending years, every year before [`Baseline::year`]; never empty.
    pub amounts: Vec<(i64, f64)>,
}

impl Baseline {
    /// `previous`: the last amount in force.
    #[must_use]
    pub fn previous(&self) -> f64 {
        self.amounts.last().map_or(f64::NAN, |&(_, a)| a)
    }

    /// `trend`: the last amount × g^(year − last year), where g is the endpoint compound
    /// annual growth factor over the latest [`TREND_YEARS`] amounts (or as many as given):
    /// `(a_last / a_first)^(1 / (y_last − y_first))`; with one amount, g = 1.
    #[must_use]
    pub fn trend(&self) -> f64 {
        let n = self.amounts.len();
        let window = &self.amounts[n.saturating_sub(TREND_YEARS)..];
        let (Some(&(y0, a0)), Some(&(y1, a1))) = (window.first(), window.last()) else {
            return f64::NAN;
        };
        let g = if y1 > y0 {
            (a1 / a0).powf(1.0 / (y1 - y0) as f64)
        } else {
            1.0
        };
        a1 * g.powf((self.year - y1) as f64)
    }
}

/// Check `[baseline]`: a year key per amount, every year before `year`, amounts positive
/// and finite, at least one. Errors are located at the offending key.
pub(crate) fn check_baseline(
    b: &BaselineFile,
    doc: &Doc<'_>,
    origin: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<Baseline> {
    let mut found = Vec::new();
    let mut err = |path: String, message: String| {
        let pos = doc.locate_path(&path);
        found.push(Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path,
            message,
        });
    };
    if !(1000..=9999).contains(&b.year) {
        err(
            "baseline.year".into(),
            format!("expected a year from 1000 to 9999, found {}", b.year),
        );
    }
    if b.amounts.is_empty() {
        err(
            "baseline.amounts".into(),
            "expected at least one amount in force, e.g. `{ 2018 = 0.9602 }`".into(),
        );
    }
    let mut amounts = Vec::with_capacity(b.amounts.len());
    for (key, &amount) in &b.amounts {
        let path = format!("baseline.amounts.{key}");
        match key.trim().parse::<i64>() {
            Ok(y) if y < b.year && y >= 1000 => amounts.push((y, amount)),
            Ok(y) if y >= b.year => err(
                path.clone(),
                format!(
                    "expected a year before the forecast year {} (an amount of {y} or later is the outcome, not a baseline)",
                    b.year
                ),
            ),
            _ => err(
                path.clone(),
                format!("expected a year (4 digits) as the key, found {key:?}"),
            ),
        }
        if !(amount.is_finite() && amount > 0.0) {
            err(path, format!("expected a positive amount, found {amount}"));
        }
    }
    amounts.sort_by_key(|&(y, _)| y);
    let ok = found.is_empty();
    errors.extend(found);
    ok.then_some(Baseline {
        year: b.year,
        amounts,
    })
}

/// Check `[scenario] as_of`: a valid date (`YYYY-MM-DD`).
pub(crate) fn check_as_of(
    as_of: Option<&str>,
    doc: &Doc<'_>,
    origin: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<i64> {
    let text = as_of?;
    let day = crate::date::parse_date(text);
    if day.is_none() {
        let pos = doc.locate_path("scenario.as_of");
        errors.push(Diagnostic {
            origin: origin.to_owned(),
            line: pos.line,
            column: pos.column,
            path: "scenario.as_of".into(),
            message: format!(
                "expected a date YYYY-MM-DD (the day the forecast is made), found {text:?}"
            ),
        });
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(year: i64, amounts: &[(i64, f64)]) -> Baseline {
        Baseline {
            year,
            amounts: amounts.to_vec(),
        }
    }

    #[test]
    fn previous_is_the_last_amount_in_force() {
        let x = b(2019, &[(2016, 0.9441), (2017, 0.9507), (2018, 0.9602)]);
        assert_eq!(x.previous(), 0.9602);
    }

    #[test]
    fn trend_compounds_the_endpoint_growth_of_the_latest_five() {
        // Six amounts: the first (2013) is outside the five-year window.
        let x = b(
            2019,
            &[
                (2013, 0.5),
                (2014, 0.92),
                (2015, 0.932),
                (2016, 0.9441),
                (2017, 0.9507),
                (2018, 0.9602),
            ],
        );
        let g = (0.9602_f64 / 0.92).powf(1.0 / 4.0);
        assert!((x.trend() - 0.9602 * g).abs() < 1e-15);
        // Two years ahead: g².
        let y = b(2020, &x.amounts);
        assert!((y.trend() - 0.9602 * g * g).abs() < 1e-15);
        // One amount: no growth.
        assert_eq!(b(2019, &[(2018, 0.96)]).trend(), 0.96);
    }
}
