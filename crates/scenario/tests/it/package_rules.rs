//! The one-issue rules on package files (issue #21 item 2): `[calendar]` with each
//! party's `lapse_cost` (in the unit of the amount issue), `ratification` (a floor or a
//! ceiling on the amount issue), `protocol.breakdown_risk`, `max_rounds` optional with a
//! calendar `end`, `[observed] date`; located errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bargain_core::package::talks::Ratification;
use bargain_scenario::SampleCtx;
use bargain_scenario::issues::PackageScenario;

const GOOD: &str = r#"[scenario]
name = "rules-package"
unit = "trillion KRW"

[run]
trials = 50
seed = 7
models = ["agents", "nash"]

[protocol]
first_mover = "us"
breakdown_risk = { uniform = [0.0, 0.02] }

[calendar]
start = "2018-03-01"
expiry = "2018-12-31"
end = "2019-12-31"
round_months = { uniform = [0.8, 1.2] }

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
lapse_cost = { uniform = [0.02, 0.05] }
ratification = 1.0
strategy = { kind = "time-based", preset = "boulware" }

[parties.us.utility]
weights = { amount = 0.7, term = 0.3 }
amount = "increasing"
term = "decreasing"
reservation = 0.4

[parties.kr]
lapse_cost = 0.01
ratification = { uniform = [1.1, 1.3] }
strategy = { kind = "time-based", preset = "boulware" }

[parties.kr.utility]
weights = { amount = 0.6, term = 0.4 }
amount = "decreasing"
term = "increasing"
reservation = 0.3

[observed]
amount = 1.0389
term = 1
date = "2019-02-10"
"#;

#[test]
fn calendars_lapse_costs_ratification_and_breakdown_compile() {
    let s = PackageScenario::parse(GOOD, "good.toml").unwrap();
    let dates = s.calendar.expect("calendar dates");
    assert_eq!(
        bargain_scenario::date::format_date(dates.expiry),
        "2018-12-31"
    );
    let c = s.central();
    let cal = c.calendar.expect("calendar");
    // Central values: slot 0 the first mover (us), in the amount's unit.
    assert!(
        (cal.lapse_cost[0] - 0.035).abs() < 1e-12,
        "{:?}",
        cal.lapse_cost
    );
    assert_eq!(cal.lapse_cost[1], 0.01);
    assert_eq!(cal.round_months, 1.0);
    assert_eq!(c.max_rounds, cal.total_rounds(1), "`end` sets the rounds");
    assert!(c.max_rounds > 20);
    assert_eq!(c.breakdown_risk, 0.01);
    // The US prefers more: a floor; Korea less: a ceiling.
    assert_eq!(
        c.ratification[0],
        Some(Ratification {
            limit: 1.0,
            floor: true
        })
    );
    let kr = c.ratification[1].expect("a limit");
    assert!(!kr.floor && (kr.limit - 1.2).abs() < 1e-12, "{kr:?}");
    assert!(c.has_rules());
    let names = s.input_names();
    for path in [
        "protocol.breakdown_risk",
        "calendar.round_months",
        "parties.us.lapse_cost",
        "parties.kr.ratification",
    ] {
        assert!(names.iter().any(|n| n == path), "{path} in {names:?}");
    }
    // Each input lands in its trial; the breakdown stream is the trial's own.
    let mut inputs = vec![0.0; names.len()];
    let draw = |trial, inputs: &mut [f64]| {
        s.draw_trial(
            SampleCtx {
                trial,
                trials: 50,
                seed: 7,
            },
            inputs,
        )
        .0
    };
    let (t3, t4) = (draw(3, &mut inputs), draw(4, &mut []));
    let at = |p: &str| inputs[names.iter().position(|n| n == p).unwrap()];
    let cal3 = t3.calendar.unwrap();
    assert_eq!(cal3.round_months, at("calendar.round_months"));
    assert_eq!(cal3.lapse_cost[0], at("parties.us.lapse_cost"));
    assert_eq!(t3.breakdown_risk, at("protocol.breakdown_risk"));
    assert_eq!(
        t3.ratification[1].unwrap().limit,
        at("parties.kr.ratification")
    );
    assert_ne!(t3.breakdown_rng, t4.breakdown_rng);
    assert_eq!(draw(3, &mut []), t3, "a trial is drawn the same every time");
    // `lapse_scale` (calibrate): drawn and constant lapse costs scaled, other draws kept.
    let (doubled, has_costs) = s.with_lapse_scale(2.0);
    assert!(has_costs);
    let ctx = SampleCtx {
        trial: 3,
        trials: 50,
        seed: 7,
    };
    let d3 = doubled.draw_trial(ctx, &mut []).0;
    let dcal = d3.calendar.unwrap();
    assert_eq!(dcal.lapse_cost[0], 2.0 * cal3.lapse_cost[0], "drawn");
    assert_eq!(dcal.lapse_cost[1], 2.0 * cal3.lapse_cost[1], "constant");
    assert_eq!(dcal.round_months, cal3.round_months);
    assert_eq!(d3.breakdown_risk, t3.breakdown_risk);
    let o = s.observed.as_ref().unwrap();
    assert_eq!(
        o.date,
        Some(bargain_scenario::date::parse_date("2019-02-10").unwrap())
    );
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn max_rounds_is_optional_only_with_an_end() {
    let no_end = GOOD.replace("end = \"2019-12-31\"\n", "");
    let e = PackageScenario::parse(&no_end, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad.toml:10:1: protocol: expected `max_rounds` (it may be left out only when `[calendar]` has an `end`)"),
        "{e}"
    );
    let with = no_end.replace(
        "first_mover = \"us\"",
        "first_mover = \"us\"\nmax_rounds = 30",
    );
    let s = PackageScenario::parse(&with, "ok.toml").unwrap();
    assert_eq!(s.central().max_rounds, 30);
    // With an end, `max_rounds` is ignored, with a warning at it.
    let both = GOOD.replace(
        "first_mover = \"us\"",
        "first_mover = \"us\"\nmax_rounds = 5",
    );
    let s = PackageScenario::parse(&both, "both.toml").unwrap();
    assert_eq!(
        s.central().max_rounds,
        23,
        "the monthly rounds up to the end"
    );
    assert!(
        s.warnings()
            .iter()
            .any(|w| w.contains("both.toml:12:14: protocol.max_rounds: ignored")),
        "{:?}",
        s.warnings()
    );
}

/// Replace `from` by `to` in [`GOOD`]; the error must name `line:col path` and `what`.
fn bad(from: &str, to: &str, at: &str, what: &str) {
    assert!(GOOD.contains(from), "{from}");
    let text = GOOD.replacen(from, to, 1);
    let e = PackageScenario::parse(&text, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("bad.toml:{at}: ")) && e.contains(what),
        "expected `{at}` and `{what}` in:\n{e}"
    );
}

#[test]
fn bad_rules_are_located() {
    bad(
        "lapse_cost = 0.01",
        "lapse_cost = -0.01",
        "43:14: parties.kr.lapse_cost",
        "expected a lapse cost per month ≥ 0, found -0.01",
    );
    bad(
        "[calendar]\nstart = \"2018-03-01\"\nexpiry = \"2018-12-31\"\nend = \"2019-12-31\"\nround_months = { uniform = [0.8, 1.2] }\n",
        "",
        "27:14: parties.us.lapse_cost",
        "expected a `[calendar]` (a lapse cost needs an expiry date)",
    );
    bad(
        "expiry = \"2018-12-31\"",
        "expiry = \"2017-12-31\"",
        "16:10: calendar.expiry",
        "expected an expiry after the start (2018-03-01), found 2017-12-31",
    );
    bad(
        "round_months = { uniform = [0.8, 1.2] }",
        "round_months = 0",
        "18:16: calendar.round_months",
        "expected a number of months between rounds > 0, found 0",
    );
    bad(
        "breakdown_risk = { uniform = [0.0, 0.02] }",
        "breakdown_risk = 1.5",
        "12:18: protocol.breakdown_risk",
        "expected a probability in [0, 1], found 1.5",
    );
    bad(
        "date = \"2019-02-10\"",
        "date = \"2019-02-30\"",
        "56:8: observed.date",
        "2019-02-30",
    );
    // A party indifferent to the amount has no direction for a limit.
    bad(
        "amount = \"decreasing\"",
        "amount = { points = [[0.9, 0.5], [1.6, 0.5]] }",
        "44:16: parties.kr.ratification",
        "expected `kr` to value the amount issue rising or falling over its range",
    );
    // Without an amount issue, neither a lapse cost nor a limit has a unit.
    let renamed = GOOD
        .replace("[issues.amount]", "[issues.money]")
        .replace("weights = { amount = 0.7", "weights = { money = 0.7")
        .replace("weights = { amount = 0.6", "weights = { money = 0.6")
        .replace("amount = \"increasing\"", "money = \"increasing\"")
        .replace("amount = \"decreasing\"", "money = \"decreasing\"")
        .replace("amount = 1.0389", "money = 1.0389");
    let e = PackageScenario::parse(&renamed, "bad.toml")
        .unwrap_err()
        .to_string();
    for at in [
        "bad.toml:32:14: parties.us.lapse_cost: expected an issue keyed `amount` of kind `number` (a lapse cost is in the unit of the amount issue)",
        "bad.toml:33:16: parties.us.ratification: expected an issue keyed `amount` of kind `number` (a ratification limit is a floor or ceiling on the amount issue)",
    ] {
        assert!(e.contains(at), "{at} in\n{e}");
    }
}

#[test]
fn an_observed_date_outside_the_calendar_is_warned_about() {
    let text = GOOD.replace("date = \"2019-02-10\"", "date = \"2021-02-10\"");
    let s = PackageScenario::parse(&text, "w.toml").unwrap();
    assert!(
        s.warnings()
            .iter()
            .any(|w| w.contains("w.toml:56:8: observed.date: outside the calendar")),
        "{:?}",
        s.warnings()
    );
}

#[test]
fn end_games_take_a_calendar() {
    let text = GOOD.replace("lapse_cost = 0.01\n", "lapse_cost = 0.01\nend_game = 0.9\n");
    let s = PackageScenario::parse(&text, "ok.toml").unwrap();
    assert_eq!(s.central().calendar.unwrap().end_game, [None, Some(0.9)]);
    let e = PackageScenario::parse(&text.replace("end_game = 0.9", "end_game = 0"), "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "bad.toml:44:12: parties.kr.end_game: expected a relative time in (0, 1], found 0"
        ),
        "{e}"
    );
    let no_calendar = text
        .replace("[calendar]\nstart = \"2018-03-01\"\nexpiry = \"2018-12-31\"\nend = \"2019-12-31\"\nround_months = { uniform = [0.8, 1.2] }\n", "")
        .replace("lapse_cost = { uniform = [0.02, 0.05] }\n", "")
        .replace("lapse_cost = 0.01\n", "")
        .replace("first_mover = \"us\"", "first_mover = \"us\"\nmax_rounds = 10");
    let e = PackageScenario::parse(&no_calendar, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "parties.kr.end_game: expected a `[calendar]` (the end game runs against its expiry)"
        ),
        "{e}"
    );
}
