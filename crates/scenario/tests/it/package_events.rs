//! `[[events]]` and `[calendar] on_veto` on package files (issue #23 on packages): the
//! package keys compile and draw into each trial's timeline; the keys packages do not
//! take, and the one-issue checks (dates, probability, `set` and `shift` of one key),
//! give located errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bargain_core::Side;
use bargain_core::events::{Change, Key, OnVeto};
use bargain_scenario::SampleCtx;
use bargain_scenario::issues::PackageScenario;

const BASE: &str = r#"[scenario]
name = "events-package"
unit = "trillion KRW"

[run]
trials = 400
seed = 7
models = ["agents", "nash"]

[protocol]
first_mover = "us"

[calendar]
start = "2018-03-01"
expiry = "2018-12-31"
end = "2019-12-31"
round_months = 1
on_veto = "resume"

[issues.amount]
kind = "number"
lo = 0.9
hi = 1.6
step = 0.05

[issues.term]
kind = "integer"
lo = 1
hi = 5

[parties.us]
ratification = 1.2
strategy = { kind = "time-based", preset = "boulware" }

[parties.us.utility]
weights = { amount = 0.7, term = 0.3 }
amount = "increasing"
term = "decreasing"
reservation = 0.4

[parties.kr]
strategy = { kind = "time-based", preset = "boulware" }

[parties.kr.utility]
weights = { amount = 0.6, term = 0.4 }
amount = "decreasing"
term = "increasing"
reservation = 0.3
"#;

const EVENTS: &str = r#"
[[events]]
date = "2019-01-20"
party = "us"
set = { ratification = "none" }
shift = { reservation = -0.05 }
probability = 0.5
note = "administration change"

[[events]]
date = { uniform = ["2018-06-01", "2018-09-01"] }
party = "kr"
set = { ratification = { uniform = [1.1, 1.3] }, lapse_cost = 0.02 }

[[events]]
date = "2019-03-01"
set = { breakdown_risk = 0.01 }
"#;

#[test]
fn package_events_compile_and_draw_per_trial() {
    let text = format!("{BASE}{EVENTS}");
    let s = PackageScenario::parse(&text, "events.toml").unwrap();
    assert!(s.has_timeline());
    assert_eq!(s.on_veto(), OnVeto::Resume);
    assert_eq!(s.events().len(), 3);
    assert_eq!(s.events()[0].note, "administration change");
    // kr values the amount falling: a limit set on it is a ceiling.
    assert_eq!(s.limit_floor(), [true, false]);
    let mut inputs = vec![0.0; s.input_names().len()];
    let (mut happened, mut risk_streams) = (0, std::collections::BTreeSet::new());
    for trial in 0..400 {
        let ctx = SampleCtx {
            trial,
            trials: 400,
            seed: 7,
        };
        let (t, _) = s.draw_trial(ctx, &mut inputs);
        let tl = &t.timeline;
        assert_eq!(tl.on_veto, OnVeto::Resume);
        // The first party's event (slot 0: `Side::Payee`) happens in about half.
        let us = tl.events().iter().find(|e| e.party == Some(Side::Payee));
        if let Some(e) = us {
            happened += 1;
            assert_eq!(e.changes()[0], Change::Set(Key::Ratification, None));
            assert_eq!(e.changes()[1], Change::Shift(Key::Reservation, -0.05));
        }
        let kr = tl
            .events()
            .iter()
            .find(|e| e.party == Some(Side::Payer))
            .expect("kr's event always happens");
        // `set` in key order: lapse_cost, then ratification.
        assert_eq!(kr.changes()[0], Change::Set(Key::LapseCost, Some(0.02)));
        let Change::Set(Key::Ratification, Some(limit)) = kr.changes()[1] else {
            panic!("{:?}", kr.changes());
        };
        assert!((1.1..=1.3).contains(&limit));
        // An event on the breakdown risk gives each trial its own breakdown stream.
        risk_streams.insert(format!("{:?}", t.breakdown_rng));
    }
    assert!((150..=250).contains(&happened), "{happened} of 400");
    assert_eq!(risk_streams.len(), 400);
}

/// Parse `BASE` plus `events`; the error must name `path` at the line of `needle` and
/// say `what`.
fn bad(events: &str, needle: &str, path: &str, what: &str) {
    let text = format!("{BASE}{events}");
    let line = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1;
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("bad.toml:{line}:")) && e.contains(path) && e.contains(what),
        "expected line {line}, `{path}` and `{what}` in:\n{e}"
    );
}

#[test]
fn bad_package_events_are_located() {
    let one = |body: &str| format!("\n[[events]]\ndate = \"2019-01-20\"\n{body}\n");
    bad(
        &one("party = \"us\"\nset = { opening = 1.5 }"),
        "opening",
        "events[0].set.opening",
        "found `opening` (a package negotiator opens at its best package)",
    );
    bad(
        &one("party = \"us\"\nset = { outside_option = 1.5 }"),
        "outside_option",
        "events[0].set.outside_option",
        "expected a utility in [0, 1], found 1.5",
    );
    bad(
        &one("party = \"us\"\nset = { discount = 0.9 }"),
        "discount",
        "events[0].set.discount",
        "no package model reads the discount",
    );
    bad(
        &one("set = { round_months = 2 }"),
        "set = { round_months",
        "events[0].set.round_months",
        "a change of the rounds' pace is taken by one-issue scenarios only",
    );
    bad(
        &one("party = \"us\"\nset = { reservation = 1.5 }"),
        "set = { reservation = 1.5",
        "events[0].set.reservation",
        "found 1.5",
    );
    bad(
        &one("party = \"us\"\nset = { reservation = 0.3 }\nshift = { reservation = 0.1 }"),
        "set = {",
        "events[0].set.reservation",
        "expected `reservation` in `set` or in `shift`, found it in both",
    );
    bad(
        &one("party = \"us\"\nprobability = 1.5\nset = { reservation = 0.3 }"),
        "probability",
        "events[0].probability",
        "expected a probability in [0, 1], found 1.5",
    );
    bad(
        "\n[[events]]\ndate = \"2021-01-20\"\nparty = \"us\"\nset = { reservation = 0.3 }\n",
        "2021-01-20",
        "events[0].date",
        "expected a date within the calendar",
    );
    bad(
        &one("party = \"usa\"\nset = { reservation = 0.3 }"),
        "usa",
        "events[0].party",
        "expected a party key",
    );
    bad(
        &one("party = \"us\"\nset = { breakdown_risk = 0.1 }"),
        "breakdown_risk",
        "events[0].set.breakdown_risk",
        "expected no `party` with the protocol's `breakdown_risk`",
    );
}

#[test]
fn package_events_need_a_calendar_and_an_amount_issue() {
    let no_calendar = BASE
        .replace("[calendar]\nstart = \"2018-03-01\"\nexpiry = \"2018-12-31\"\nend = \"2019-12-31\"\nround_months = 1\non_veto = \"resume\"\n", "")
        .replace("[protocol]\n", "[protocol]\nmax_rounds = 20\n");
    let text = format!(
        "{no_calendar}\n[[events]]\ndate = \"2019-01-20\"\nparty = \"us\"\nset = {{ reservation = 0.3 }}\n"
    );
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains(": events: expected a `[calendar]`"), "{e}");
    let no_amount = BASE
        .replace("[issues.amount]", "[issues.price]")
        .replace("amount = ", "price = ")
        .replace("ratification = 1.2\n", "");
    let text = format!(
        "{no_amount}\n[[events]]\ndate = \"2019-01-20\"\nparty = \"us\"\nset = {{ lapse_cost = 0.3 }}\n"
    );
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("events[0].set.lapse_cost") && e.contains("expected an issue keyed `amount`"),
        "{e}"
    );
}
