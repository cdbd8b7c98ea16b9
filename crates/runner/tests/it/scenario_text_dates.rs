//! Scenario text and dates (issue #20 item 8): TOML date literals, years before 1000,
//! dates past 9999, observed dates outside the calendar, package reservations no outcome
//! can meet, GENIUS profiles that do not match their domain, and bidirectional control
//! characters in text — each a located error (exit 2) or a located warning.

use crate::common::{bargain, write};

const BASE: &str = r#"[scenario]
name = "dates"
title = "Dates"
[run]
trials = 200
[protocol]
first_mover = "us"
max_rounds = 20
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
round_months = 1
[parties.us]
name = "United States"
side = "payee"
opening = 1.5
reservation = 1.2
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.8
reservation = 1.3
strategy = { kind = "time-based", preset = "linear" }
"#;

/// `BASE` with the line starting with `key` replaced by `line` (or `BASE` + `line` when
/// `key` is empty).
fn with(key: &str, line: &str) -> String {
    if key.is_empty() {
        return format!("{BASE}{line}");
    }
    assert!(BASE.contains(&format!("\n{key} = ")), "{key}");
    BASE.lines()
        .map(|l| {
            if l.starts_with(&format!("{key} = ")) {
                line
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Run `bargain validate` on `text` (as `name`): exit code and stdout + stderr.
fn validate(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), name, text);
    let out = bargain(&["validate", f.to_str().expect("utf-8")]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), all)
}

fn refused(text: &str, want: &str) {
    let (code, msg) = validate("bad.toml", text);
    assert_eq!(code, Some(2), "{msg}");
    assert!(msg.contains(want), "want {want:?} in:\n{msg}");
}

#[test]
fn unquoted_toml_dates_are_located_errors_saying_to_quote_them() {
    refused(
        &with("start", "start = 2019-01-01"),
        "bad.toml:10:9: calendar.start: expected a string, found the unquoted TOML date 2019-01-01; dates are text here: write \"2019-01-01\"",
    );
    refused(
        &with(
            "",
            "[observed]\namount = 1.25\ndate = 2020-05-01T10:00:00Z\n",
        ),
        "bad.toml:26:8: observed.date: expected a string, found the unquoted TOML date 2020-05-01T10:00:00Z; dates are text here: write \"2020-05-01T10:00:00Z\"",
    );
}

#[test]
fn years_before_1000_are_named_and_dates_stay_within_four_digits() {
    refused(
        &with("start", "start = \"0999-01-01\""),
        "bad.toml:10:9: calendar.start: expected a year from 1000 to 9999, found \"0999-01-01\"",
    );
    refused(
        &with("", "[observed]\namount = 1.25\ndate = \"0500-03-01\"\n"),
        "bad.toml:26:8: observed.date: expected a year from 1000 to 9999, found \"0500-03-01\"",
    );
    // 200 monthly rounds from 9990 reach 10006: refused (before, deal dates printed
    // with five-digit years).
    let late = with("start", "start = \"9990-01-01\"")
        .replace("expiry = \"2020-06-30\"", "expiry = \"9990-06-30\"")
        .replace("max_rounds = 20", "max_rounds = 200");
    refused(
        &late,
        "bad.toml:8:14: protocol.max_rounds: expected talks within 50 years of the start (by 9999-12-31)",
    );
    refused(
        &with("start", "start = \"9990-01-01\"")
            .replace("expiry = \"2020-06-30\"", "expiry = \"9990-06-30\"")
            .replace(
                "round_months = 1",
                "round_months = 1\nend = \"10000-01-01\"",
            ),
        "calendar.end: expected a date of the form YYYY-MM-DD",
    );
}

#[test]
fn an_observed_date_outside_the_calendar_is_a_located_warning() {
    for date in ["2019-12-31", "2021-08-02"] {
        let (code, msg) = validate(
            "w.toml",
            &with(
                "",
                &format!("[observed]\namount = 1.25\ndate = \"{date}\"\n"),
            ),
        );
        assert_eq!(code, Some(0), "{msg}");
        assert!(
            msg.contains(&format!("w.toml:26:8: observed.date: outside the calendar: {date} is not within 2020-01-01 (the start) to 2021-08-01")),
            "{msg}"
        );
    }
    // The last round (19 months after the start) is inside.
    let (code, msg) = validate(
        "w.toml",
        &with("", "[observed]\namount = 1.25\ndate = \"2021-08-01\"\n"),
    );
    assert_eq!(code, Some(0), "{msg}");
    assert!(!msg.contains("outside the calendar"), "{msg}");
}

#[test]
fn bidirectional_controls_in_text_are_refused() {
    for (key, line, at) in [
        (
            "title",
            "title = \"Deal \u{202e}laeD\"",
            "bad.toml:3:9: scenario.title",
        ),
        (
            "name",
            "name = \"United \u{2067}States\"",
            "bad.toml:14:8: parties.us.name",
        ),
    ] {
        let text = if key == "name" {
            BASE.replacen("name = \"United States\"", line, 1)
        } else {
            with(key, line)
        };
        let (code, msg) = validate("bad.toml", &text);
        assert_eq!(code, Some(2), "{msg}");
        assert!(
            msg.contains(&format!(
                "{at}: expected text without bidirectional control characters"
            )),
            "{msg}"
        );
    }
    // A package's choice labels too.
    let package = "[scenario]\nname = \"p\"\n[protocol]\nmax_rounds = 10\nfirst_mover = \"a\"\n[issues.x]\nkind = \"choice\"\nvalues = [\"yes\", \"n\u{200f}o\"]\n[parties.a]\nstrategy = { kind = \"hardliner\" }\n[parties.a.utility]\nweights = { x = 1 }\nx = { table = { yes = 1, no = 0 } }\n[parties.b]\nstrategy = { kind = \"hardliner\" }\n[parties.b.utility]\nweights = { x = 1 }\nx = { table = { yes = 0, no = 1 } }\n";
    let (code, msg) = validate("bad.toml", package);
    assert_eq!(code, Some(2), "{msg}");
    assert!(
        msg.contains("bad.toml:8:18: issues.x.values[1]: expected a label without bidirectional control characters (they reorder what is displayed), found U+200F"),
        "{msg}"
    );
}

#[test]
fn a_package_reservation_above_every_outcome_is_a_located_warning() {
    let package = |r: &str| {
        format!(
            "[scenario]\nname = \"p\"\n[protocol]\nmax_rounds = 10\nfirst_mover = \"a\"\n[issues.x]\nkind = \"number\"\nlo = 0\nhi = 1\n[parties.a]\nstrategy = {{ kind = \"hardliner\" }}\n[parties.a.utility]\nweights = {{ x = 1 }}\nx = \"increasing\"\nreservation = {r}\n[parties.b]\nstrategy = {{ kind = \"hardliner\" }}\n[parties.b.utility]\nweights = {{ x = 1 }}\nx = \"decreasing\"\n"
        )
    };
    let (code, msg) = validate("p.toml", &package("{ uniform = [0.8, 1.2] }"));
    assert_eq!(code, Some(0), "{msg}");
    assert!(
        msg.contains("p.toml:15:15: parties.a.utility.reservation: above 1, the best utility an outcome can give (reaching 1.2)"),
        "{msg}"
    );
    let (code, msg) = validate("p.toml", &package("0.9"));
    assert_eq!(code, Some(0), "{msg}");
    assert!(!msg.contains("above 1"), "{msg}");
}

#[test]
fn a_genius_profile_that_does_not_match_its_domain_is_refused() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/genius");
    let domain = data.join("trade_domain.xml");
    let good = std::fs::read_to_string(data.join("trade_exporter.xml")).expect("read");
    let importer = data.join("trade_importer.xml");
    let dir = tempfile::tempdir().expect("tmp");
    let line_of = |text: &str, needle: &str| {
        1 + text
            .lines()
            .position(|l| l.contains(needle))
            .expect("needle")
    };
    // Issue 2 of the domain is "Tariff rate"; a profile naming it otherwise.
    let renamed = good.replace("name=\"Tariff rate\"", "name=\"Tariff\"");
    // A profile with an issue the domain does not have.
    let extra = good.replace(
        "</objective>",
        "\t<issue index=\"9\" etype=\"discrete\" type=\"discrete\" vtype=\"discrete\" name=\"Quota share\">\n\t\t<item index=\"1\" value=\"x\" evaluation=\"1\"/>\n\t</issue>\n</objective>",
    );
    for (name, text, needle, want) in [
        (
            "renamed.xml",
            &renamed,
            "name=\"Tariff\"",
            "expected the domain's issue `Tariff rate` at index \"2\", found `Tariff`",
        ),
        (
            "extra.xml",
            &extra,
            "name=\"Quota share\"",
            "expected only issues of the domain, found `Quota share`",
        ),
    ] {
        let f = write(dir.path(), name, text);
        let out = bargain(&[
            "import",
            "genius",
            domain.to_str().expect("p"),
            f.to_str().expect("p"),
            importer.to_str().expect("p"),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        let at = format!("{name}:{}:", line_of(text, needle));
        assert!(
            err.contains(&at) && err.contains(want),
            "want {at} … {want:?} in:\n{err}"
        );
    }
}
