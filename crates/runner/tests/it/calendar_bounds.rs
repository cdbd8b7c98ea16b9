//! Bounded calendars (issue #20 item 2): every date a scenario's calendar can reach lies
//! within `MAX_CALENDAR_YEARS` of its start, for every draw of every distribution, or the
//! file is refused with a located error at the field that breaks the bound; and the
//! per-month table of `summary.json` is sized by the calendar, not by how late a deal is.

use std::path::Path;

use crate::common::{bargain, json, ok, write};
use bargain_runner::scenario::date::{civil_from_days, parse_date};
use bargain_runner::scenario::{MAX_CALENDAR_DAYS, MAX_CALENDAR_YEARS};

/// A calendar without `end`: `max_rounds` rounds, `round_months` apart. `payer_res` sets
/// how soon a deal comes (a wide zone: round 1; none until the lapse costs open it: late).
fn scenario(max_rounds: &str, round_months: &str, extra_calendar: &str, payer_res: f64) -> String {
    format!(
        r#"[scenario]
name = "long-calendar"
[run]
trials = 40
seed = 3
models = ["agents", "nash"]
[protocol]
first_mover = "us"
max_rounds = {max_rounds}
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
round_months = {round_months}
{extra_calendar}
[parties.us]
side = "payee"
opening = 1.5
reservation = 1.2
lapse_cost = 0.0001
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = {payer_res}
lapse_cost = 0.0001
strategy = {{ kind = "time-based", preset = "linear" }}
"#
    )
}

/// `file:line:column: path:` of the value of the line starting with `key_line` in `text`.
fn located(text: &str, key_line: &str, path: &str) -> String {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(key_line))
        .unwrap_or_else(|| panic!("no line {key_line:?}"));
    let col = line.find(" = ").expect("key = value") + 4;
    format!("bad.toml:{}:{col}: {path}:", i + 1)
}

/// `validate` and `run` refuse `text` with exit 2 and a message at `key_line`'s value
/// naming `path`; `run` writes no report folder. Returns the message.
fn refused(text: &str, key_line: &str, path: &str) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), "bad.toml", text);
    let f = file.to_str().expect("utf-8");
    let want = located(text, key_line, path);
    let v = bargain(&["validate", f]);
    let err = String::from_utf8_lossy(&v.stderr);
    assert_eq!(v.status.code(), Some(2), "validate: {err}");
    assert!(err.contains(&want), "want {want:?} in:\n{err}");
    assert!(err.contains("within 50 years of the start"), "{err}");
    let out = dir.path().join("out");
    let r = bargain(&["run", f, "--quiet", "--out", out.to_str().expect("p")]);
    assert_eq!(
        r.status.code(),
        Some(2),
        "run: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!out.exists(), "no report for a refused file");
    err.into_owned()
}

#[test]
fn the_maximum_span_is_fifty_mean_years() {
    assert_eq!(MAX_CALENDAR_YEARS, 50);
    assert_eq!(f64::from(MAX_CALENDAR_DAYS), (50.0f64 * 365.2425).floor());
}

#[test]
fn rounds_beyond_fifty_years_are_refused_at_the_field_that_reaches_them() {
    // One step of 1e100 months: before, a deal in year 10407 or an abort.
    let msg = refused(
        &scenario("20", "1e100", "", 1.0),
        "round_months",
        "calendar.round_months",
    );
    assert!(
        msg.contains(
            "at 1e100 months a round (calendar.round_months) 1.6e100 years after the start"
        ),
        "{msg}"
    );
    // An unbounded distribution (the lognormal's upper tail), no `end`.
    let _ = refused(
        &scenario("20", "{ lognormal = [0, 1] }", "", 1.0),
        "round_months",
        "calendar.round_months",
    );
    // `within = [lo, inf]` leaves it unbounded.
    let _ = refused(
        &scenario("20", "{ normal = [1, 0.2], within = [0.5, inf] }", "", 1.0),
        "round_months",
        "calendar.round_months",
    );
    // Bounded, but its largest draw takes the 20th round past 50 years (19 × 40 months).
    let _ = refused(
        &scenario("20", "{ uniform = [1, 40] }", "", 1.0),
        "round_months",
        "calendar.round_months",
    );
    // A fixed pace, but up to 100 yearly rounds.
    let _ = refused(
        &scenario("{ uniform = [10, 100] }", "12", "", 1.0),
        "max_rounds",
        "protocol.max_rounds",
    );
    // 10000 monthly rounds: 833 years.
    let _ = refused(
        &scenario("10000", "1", "", 1.0),
        "max_rounds",
        "protocol.max_rounds",
    );
    // Dates beyond the span.
    let _ = refused(
        &scenario("20", "1", "", 1.0).replace("expiry = \"2020-06-30\"", "expiry = \"2070-06-30\""),
        "expiry",
        "calendar.expiry",
    );
    let _ = refused(
        &scenario("20", "1", "end = \"2071-01-01\"", 1.0),
        "end",
        "calendar.end",
    );
}

#[test]
fn an_end_or_within_bounds_the_talks() {
    let dir = tempfile::tempdir().expect("tmp");
    for (i, text) in [
        // `end` bounds an unbounded pace: the rounds are those up to the end.
        scenario(
            "20",
            "{ lognormal = [0, 1], within = [0.1, inf] }",
            "end = \"2030-01-01\"",
            1.0,
        ),
        // `within` bounds it without an end: 19 × 30 months < 50 years.
        scenario("20", "{ lognormal = [0, 1], within = [0.1, 30] }", "", 1.0),
        // The last day of the span is allowed.
        scenario("20", "1", "end = \"2069-12-31\"", 1.0),
    ]
    .iter()
    .enumerate()
    {
        let f = write(dir.path(), &format!("ok{i}.toml"), text);
        ok(&["validate", f.to_str().expect("utf-8")]);
    }
}

/// The x-axis tick marks of a plot's SVG: two-point polylines in the axis style
/// (opacity 0.8, 1 px), vertical and short.
fn x_ticks(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter(|p| p.contains("opacity=\"0.8\"") && p.contains("stroke-width=\"1\""))
        .filter_map(|p| {
            let points = p.split("points=\"").nth(1)?.split('"').next()?;
            let xy: Vec<(f64, f64)> = points
                .split_whitespace()
                .filter_map(|q| {
                    let (x, y) = q.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            match xy.as_slice() {
                [(x0, y0), (x1, y1)] if x0 == x1 && (y1 - y0).abs() <= 10.0 => Some(()),
                _ => None,
            }
        })
        .count()
}

/// Run `text` and return (its report's total size in bytes, `by_month` of each model,
/// the x-axis ticks of `timing.svg`).
fn run_report(dir: &Path, name: &str, text: &str) -> (u64, Vec<Vec<String>>, usize) {
    let file = write(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--quiet",
        "--trials-csv",
        "--out",
        out.to_str().expect("p"),
    ]);
    let size = std::fs::read_dir(&out)
        .expect("report")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    let s = json(&out.join("summary.json"));
    let months = ["agents", "nash"]
        .iter()
        .map(|m| {
            s["models"][m]["timing"]["by_month"]
                .as_array()
                .expect("by_month")
                .iter()
                .map(|b| b["month"].as_str().expect("month").to_owned())
                .collect()
        })
        .collect();
    let svg = std::fs::read_to_string(out.join("timing.svg")).expect("timing.svg");
    (size, months, x_ticks(&svg))
}

#[test]
fn a_legal_fifty_year_calendar_runs_small_and_its_tables_follow_the_calendar() {
    // 100 rounds 6 months apart: the last on day ⌊99 · 6 · 30.436875⌋ = 18079, within
    // the span; the deal comes at once (a wide zone) or late (no zone until the lapse
    // costs of 0.0001 a month each open it, after 20 months of lapse).
    let dir = tempfile::tempdir().expect("tmp");
    let (size_early, early, ticks_early) =
        run_report(dir.path(), "early", &scenario("100", "6", "", 1.3));
    let (size_late, late, ticks_late) =
        run_report(dir.path(), "late", &scenario("100", "6", "", 1.196));
    let start = parse_date("2020-01-01").expect("date");
    let (y, m, _) = civil_from_days(start + 18_079);
    let last = format!("{y:04}-{m:02}");
    for months in early.iter().chain(&late) {
        assert_eq!(months.first().map(String::as_str), Some("2020-01"));
        assert_eq!(months.last(), Some(&last), "sized by the calendar");
        assert_eq!(months.len(), 12 * 49 + 7);
    }
    for size in [size_early, size_late] {
        assert!(size < 4_000_000, "report of {size} bytes");
    }
    // The timing plot's x axis: a tick per label (every 5 years here), not per month.
    for ticks in [ticks_early, ticks_late] {
        assert!((2..=11).contains(&ticks), "{ticks} x ticks");
    }
}
