//! A dated event that changes the rounds' pace (`round_months`, issue #23): the rounds'
//! days, the deal dates and the rounds up to the end follow the new pace (checked
//! against a hand computation through the binary), runs are bit-identical at any thread
//! count, and bad changes are located.

use crate::common;

use bargain_runner::scenario::Scenario;
use common::{bargain, ok, write};

/// Fixed inputs: the zone is empty by 0.1 until the lapse (0.03 + 0.03 a month) covers
/// it. Rounds 2 months apart from 2020-01-01; the agreement expires on 2020-06-30 (day
/// 181); talks end on 2020-12-31 (day 365). `event` is the `[[events]]` table, if any.
fn paced(event: &str, lapse: f64) -> String {
    format!(
        r#"
[scenario]
name = "pace"
[run]
trials = 20
seed = 5
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"]
[protocol]
first_mover = "us"
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2020-12-31"
round_months = 2
[parties.us]
side = "payee"
opening = 1.5
reservation = 1.0
lapse_cost = {lapse}
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
side = "payer"
opening = 0.5
reservation = 0.9
lapse_cost = {lapse}
strategy = {{ kind = "time-based", preset = "linear" }}
{event}
"#
    )
}

/// The pace halves (2 → 1 month a round) from 2020-03-15 (day 74) on.
const HALVED: &str = r#"[[events]]
date = "2020-03-15"
set = { round_months = 1 }
note = "talks every month"
"#;

/// `trials.csv`'s cells by column name, for trial 0.
fn first_row(text: &str) -> Vec<(String, String)> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    header
        .iter()
        .zip(&row)
        .map(|(h, c)| ((*h).to_owned(), (*c).to_owned()))
        .collect()
}

fn cell<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
    row.iter()
        .find(|(h, _)| h == name)
        .map(|(_, c)| c.as_str())
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn run_csv(dir: &std::path::Path, name: &str, text: &str, threads: &str) -> (String, String) {
    let file = write(dir, &format!("{name}.toml"), text);
    let out = dir.join(format!("{name}-{threads}"));
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--quiet",
        "--trials-csv",
        "--threads",
        threads,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let read = |f: &str| std::fs::read_to_string(out.join(f)).expect("read");
    (read("trials.csv"), read("summary.json"))
}

/// By hand. Without the event rounds fall on days ⌊r · 60.87375⌋ = 0, 60, 121, 182, 243,
/// 304, 365: 7 rounds to the end. The lapse covers the gap of 0.1 after 0.1 / 0.06 =
/// 1.667 months = 50.73 days past day 181, so the first open round is round 4 (day 243,
/// 2020-08-31; 1-based 5). With the event (day 74) the first round on or after it is
/// round 2 (day 121); from there rounds are ⌊k · 30.436875⌋ days apart: 151, 181, 212,
/// 242, 273, 303, 334, 364 for rounds 3 … 10 (11 rounds to the end); the first open
/// round is round 6 (day 242, 2020-08-30; 1-based 7).
#[test]
fn a_halved_pace_moves_deal_dates_and_rounds_as_computed_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let closed = ["rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"];
    let (plain, _) = run_csv(dir.path(), "plain", &paced("", 0.03), "1");
    let (halved, _) = run_csv(dir.path(), "halved", &paced(HALVED, 0.03), "1");
    let (plain, halved) = (first_row(&plain), first_row(&halved));
    for m in closed {
        assert_eq!(cell(&plain, &format!("{m}.kind")), "deal", "{m}");
        assert_eq!(cell(&plain, &format!("{m}.round")), "5", "{m}");
        assert_eq!(cell(&plain, &format!("{m}.deal_date")), "2020-08-31", "{m}");
        assert_eq!(cell(&halved, &format!("{m}.kind")), "deal", "{m}");
        assert_eq!(cell(&halved, &format!("{m}.round")), "7", "{m}");
        assert_eq!(
            cell(&halved, &format!("{m}.deal_date")),
            "2020-08-30",
            "{m}"
        );
        let lapse: f64 = cell(&halved, &format!("{m}.lapse_months"))
            .parse()
            .expect("lapse months");
        assert!((lapse - 61.0 / 30.436875).abs() < 1e-12, "{m}: {lapse}");
    }
    // Without lapse costs the zone never opens: the closed forms end at the last round,
    // which counts the rounds up to the end at the pace in force (7, or 11 halved).
    let (plain, _) = run_csv(dir.path(), "plain0", &paced("", 0.0), "1");
    let (halved, _) = run_csv(dir.path(), "halved0", &paced(HALVED, 0.0), "1");
    let (plain, halved) = (first_row(&plain), first_row(&halved));
    for m in closed {
        assert_eq!(cell(&plain, &format!("{m}.kind")), "no_zone", "{m}");
        assert_eq!(cell(&plain, &format!("{m}.round")), "7", "{m}");
        assert_eq!(cell(&halved, &format!("{m}.round")), "11", "{m}");
    }
    // The agents run out of rounds at the same counts.
    assert_eq!(cell(&plain, "agents.round"), "7");
    assert_eq!(cell(&halved, "agents.round"), "11");
}

/// The trial's calendar holds the change: the rounds' days from the kernel match the
/// hand computation above, and the event's round is set on it.
#[test]
fn the_trial_calendar_follows_the_new_pace() {
    let s = Scenario::parse(&paced(HALVED, 0.03), "pace.toml").expect("valid");
    let mut inputs = vec![0.0; s.input_count()];
    let (mut n, _) = bargain_runner::trial::draw(&s, 5, 20, 0, &mut inputs);
    let mut tl = bargain_core::events::Timeline::default();
    bargain_runner::trial::draw_timeline(&s, 5, 20, 0, &[], &mut n, &mut tl);
    let cal = n.calendar.expect("calendar");
    let days: Vec<u32> = (0..12).map(|r| cal.day(r)).collect();
    assert_eq!(
        days,
        [0, 60, 121, 151, 181, 212, 242, 273, 303, 334, 364, 394]
    );
    assert_eq!(cal.total_rounds(100), 11);
    assert_eq!(cal.expiry_rounds(), 5);
    assert_eq!(tl.events()[0].round, 2);
}

/// A pace drawn per trial (a range of dates and a distribution of months): summary.json
/// and trials.csv are byte-identical at 1 and 2 threads.
#[test]
fn a_drawn_change_of_pace_is_deterministic_across_threads() {
    let event = r#"[[events]]
date = { uniform = ["2020-02-01", "2020-09-30"] }
probability = 0.7
set = { round_months = { uniform = [0.5, 1.5] } }
"#;
    let text = paced(event, 0.03)
        .replace("trials = 20", "trials = 3000")
        .replace(
            "reservation = 1.0",
            "reservation = { uniform = [0.95, 1.05] }",
        );
    let dir = tempfile::tempdir().expect("tempdir");
    let one = run_csv(dir.path(), "drawn", &text, "1");
    let two = run_csv(dir.path(), "drawn", &text, "2");
    assert_eq!(one.0, two.0, "trials.csv");
    assert_eq!(one.1, two.1, "summary.json");
    // The pace does vary the deal dates.
    let dates: std::collections::BTreeSet<&str> = one
        .0
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(5))
        .collect();
    assert!(dates.len() > 5, "{dates:?}");
}

#[test]
fn bad_changes_of_pace_are_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        // Without an end the last round's day is not bounded.
        (
            paced(HALVED, 0.03).replace("end = \"2020-12-31\"\n", ""),
            "expected a `calendar.end`",
        ),
        (
            paced(HALVED, 0.03).replace("round_months = 1 }", "round_months = 0 }"),
            "months between rounds > 0",
        ),
        (
            paced(HALVED, 0.03).replace(
                "set = { round_months = 1 }",
                "shift = { round_months = -2.5 }",
            ),
            "keep it above 0",
        ),
        (
            paced(HALVED, 0.03).replace("round_months = 1 }", "round_months = 0.0001 }"),
            "at most 10000 rounds",
        ),
        (
            paced(HALVED, 0.03).replace("note =", "party = \"us\"\nnote ="),
            "expected no `party`",
        ),
    ];
    for (text, says) in cases {
        let e = Scenario::parse(&text, "bad.toml").expect_err(says);
        let d = e
            .diagnostics()
            .iter()
            .find(|d| d.path.starts_with("events[0]"))
            .unwrap_or_else(|| panic!("{says}: no error at the event: {e}"));
        assert!(d.message.contains(says), "{says}: {}", d.message);
        let line = text
            .lines()
            .position(|l| l.contains("round_months") && !l.starts_with("round_months"));
        assert_eq!(Some(d.line - 1), line, "{says}: {e}");
        // Through the binary: located, exit code 2.
        let f = write(dir.path(), "bad.toml", &text);
        let o = bargain(&["validate", f.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(2), "{says}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("bad.toml:{}:", d.line)), "{err}");
    }
}
