//! Civil dates (proleptic Gregorian) as day numbers, for the `[calendar]` table.
//!
//! A tiny, dependency-free conversion (Howard Hinnant's `days_from_civil` and
//! `civil_from_days`): dates are parsed once, when a scenario is compiled, and the hot
//! path only adds whole days. Only the form `YYYY-MM-DD` is accepted.

/// Days from 1970-01-01 to `y-m-d` (negative before).
#[must_use]
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of day number `z` (days from 1970-01-01).
#[must_use]
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parse `YYYY-MM-DD` (years 1000–9999) into a day number; `None` for anything else,
/// including dates that do not exist (`2019-02-29`).
#[must_use]
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &s[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let y = i64::from(y);
    if y < 1000 || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// The last day a date may have: 9999-12-31 (a four-digit year), as a day number.
pub const LAST_DAY: i64 = 2_932_896;

/// Why `s` is not a date [`parse_date`] accepts: a year before 1000 is named as such,
/// anything else gets the expected form.
#[must_use]
pub fn date_error(s: &str) -> String {
    let b = s.as_bytes();
    let form = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0..4, 5..7, 8..10]
            .into_iter()
            .all(|r| b[r].iter().all(u8::is_ascii_digit));
    if form && s[..4].parse::<u32>().is_ok_and(|y| y < 1000) {
        format!("expected a year from 1000 to 9999, found {s:?}")
    } else {
        format!("expected a date of the form YYYY-MM-DD, found {s:?}")
    }
}

/// Format a day number as `YYYY-MM-DD`.
#[must_use]
pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        for day in -800_000..800_000 {
            let s = format_date(day);
            if s.len() == 10 && (b'1'..=b'9').contains(&s.as_bytes()[0]) {
                assert_eq!(parse_date(&s), Some(day), "{s}");
            }
        }
        for bad in [
            "2019-02-29",
            "2019-13-01",
            "2019-00-10",
            "19-01-01",
            "2019/01/01",
            "2019-1-01",
            "2019-01-32",
            "+019-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(days_from_civil(9999, 12, 31), LAST_DAY);
        assert_eq!(
            date_error("0999-12-31"),
            "expected a year from 1000 to 9999, found \"0999-12-31\""
        );
        assert_eq!(
            date_error("2019-13-01"),
            "expected a date of the form YYYY-MM-DD, found \"2019-13-01\""
        );
        assert_eq!(
            parse_date("2020-02-29").map(format_date).as_deref(),
            Some("2020-02-29")
        );
    }
}
