//! Events that `set`/`shift` a `[context]` quantity (issue #23, item 3's last clause):
//! every expression that reads it is re-evaluated with the context in force from the
//! event on, for one-issue and package files — the done-when test of the ratification
//! event with a context change in its place, replay and explain listing what moved,
//! located errors and warnings, the order of direct and context changes, and
//! determinism across threads and shards.

use crate::common::{bargain, json, ok, write};

use bargain_core::events::{Change, Key, reservations_at};
use bargain_runner::scenario::Scenario;
use bargain_runner::trial;

/// No zone until `2021-01-20`, when the won strengthens (`fx` falls by 350): the US
/// needs `1.2 · fx / 1000` (1.38–1.50 before, 0.96–1.08 after), Korea pays at most
/// 1.15–1.25; lapse costs 0; `on_veto = "resume"`.
pub(crate) fn fx_scenario(probability: f64, trials: u64) -> String {
    format!(
        r#"
[scenario]
name = "fx-event"
[run]
trials = {trials}
seed = 23
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"]
[protocol]
first_mover = "us"
[context]
fx = {{ uniform = [1150, 1250] }}
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = {{ uniform = [0.8, 1.2] }}
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.6
reservation = "1.2 * fx / 1000"
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.15, 1.25] }}
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[[events]]
date = "2021-01-20"
probability = {probability}
shift = {{ context.fx = -350 }}
note = "the won strengthens"
"#
    )
}

use super::events::{
    assert_every_model_deals_after_the_event, assert_half_the_trials_deal_after_the_event,
    assert_no_model_deals_after_the_event,
};

#[test]
fn a_context_change_gives_every_model_a_deal_after_it() {
    let s = Scenario::parse(&fx_scenario(1.0, 300), "fx.toml").expect("valid");
    assert_every_model_deals_after_the_event(&s);
    // Without the event no model deals at all: the US's reservation blocked them.
    let s = Scenario::parse(&fx_scenario(0.0, 50), "fx.toml").expect("valid");
    assert_no_model_deals_after_the_event(&s);
}

#[test]
fn a_context_change_of_probability_one_half_happens_in_half_the_trials() {
    let trials = 400;
    let s = Scenario::parse(&fx_scenario(0.5, trials), "fx.toml").expect("valid");
    assert_half_the_trials_deal_after_the_event(&s);
}

/// The timeline holds the change as a `set` of the US reservation at the expression's
/// value with the context in force; `trials.csv` keeps the first meeting's values.
#[test]
fn the_moved_input_is_the_expression_at_the_context_in_force() {
    let s = Scenario::parse(&fx_scenario(1.0, 50), "fx.toml").expect("valid");
    let names = s.input_names();
    let fx = names.iter().position(|n| n == "context.fx").expect("fx");
    let us = names
        .iter()
        .position(|n| n == "parties.us.reservation")
        .expect("us");
    let mut inputs = vec![0.0; s.input_count()];
    let mut tl = bargain_core::events::Timeline::default();
    for t in 0..50 {
        let (mut n, _) = trial::draw(&s, 23, 50, t, &mut inputs);
        assert!((inputs[us] - 1.2 * inputs[fx] / 1000.0).abs() < 1e-12);
        trial::draw_timeline(&s, 23, 50, t, &inputs, &mut n, &mut tl);
        let events = tl.events();
        assert_eq!(events.len(), 1, "trial {t}: {events:?}");
        assert_eq!(events[0].party, Some(bargain_core::Side::Payee));
        let want = 1.2 * (inputs[fx] - 350.0) / 1000.0;
        match events[0].changes() {
            [Change::Set(Key::Reservation, Some(x))] => {
                assert!((x - want).abs() < 1e-12, "trial {t}: {x} vs {want}");
            }
            other => panic!("trial {t}: {other:?}"),
        }
        // The same timeline when the inputs are drawn again (no input buffer).
        let mut again = bargain_core::events::Timeline::default();
        trial::draw_timeline(&s, 23, 50, t, &[], &mut n, &mut again);
        assert_eq!(tl, again);
    }
    // trials.csv: `context.fx` and the expression at the first meeting, on every row.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "fx.toml", &fx_scenario(1.0, 200));
    let out = dir.path().join("r");
    let (f, o) = (file.to_str().expect("utf8"), out.to_str().expect("utf8"));
    ok(&["run", f, "--quiet", "--trials-csv", "--out", o]);
    let rows = std::fs::read_to_string(out.join("trials.csv")).expect("rows");
    let header: Vec<&str> = rows.lines().next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let (cfx, cus) = (col("context.fx"), col("parties.us.reservation"));
    for line in rows.lines().skip(1) {
        let cells: Vec<f64> = line
            .split(',')
            .map(|c| c.parse().unwrap_or(f64::NAN))
            .collect();
        assert!((1150.0..=1250.0).contains(&cells[cfx]), "{line}");
        assert!(
            (cells[cus] - 1.2 * cells[cfx] / 1000.0).abs() <= 1e-9 * cells[cus].abs().max(1.0),
            "{line}"
        );
    }
}

/// Events apply by date: a later context change re-evaluates and overrides an earlier
/// direct change; a later `shift` adds to the value in force; an event's own change of
/// a key wins over its context change's.
#[test]
fn direct_and_context_changes_interleave_by_date() {
    let base = fx_scenario(1.0, 10)
        .replace("fx = { uniform = [1150, 1250] }", "fx = 1200")
        .replace(
            "round_months = { uniform = [0.8, 1.2] }",
            "round_months = 1",
        )
        .replace(
            "reservation = { uniform = [1.15, 1.25] }",
            "reservation = 1.2",
        );
    let events = r#"
[[events]]
date = "2020-06-01"
party = "us"
set = { reservation = 1.0 }
[[events]]
date = "2020-09-01"
party = "us"
shift = { reservation = 0.01 }
[[events]]
date = "2020-12-01"
party = "us"
shift = { context.fx = -100, reservation = -0.5 }
"#;
    let text = base.replace("[[events]]", &format!("{events}\n[[events]]"));
    let s = Scenario::parse(&text, "order.toml").expect("valid");
    let mut inputs = vec![0.0; s.input_count()];
    let (mut n, _) = trial::draw(&s, 1, 10, 0, &mut inputs);
    let mut tl = bargain_core::events::Timeline::default();
    trial::draw_timeline(&s, 1, 10, 0, &inputs, &mut n, &mut tl);
    let cal = n.calendar.expect("calendar");
    let round_of = |date: &str| {
        let d = bargain_runner::scenario::date::parse_date(date).expect("date")
            - s.calendar.expect("calendar").start;
        bargain_core::events::first_round_on_or_after(&cal, d as u32)
    };
    let us = |round: u32| reservations_at(&n, &tl, round).0;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(us(0), 1.44), "{}", us(0));
    assert!(close(us(round_of("2020-06-01")), 1.0));
    assert!(close(us(round_of("2020-09-01")), 1.01));
    // The third event's own shift of the reservation wins over its context change's.
    assert!(
        close(us(round_of("2020-12-01")), 0.51),
        "{}",
        us(round_of("2020-12-01"))
    );
    // The last event (fx −350 on 2021-01-20) re-evaluates: 1.2 · (1200 − 100 − 350) / 1000.
    assert!(
        close(us(round_of("2021-01-20")), 0.9),
        "{}",
        us(round_of("2021-01-20"))
    );
    // A shift after it adds to the value in force.
    let later = text.clone()
        + r#"
[[events]]
date = "2021-06-01"
party = "us"
shift = { reservation = 0.05 }
"#;
    let s = Scenario::parse(&later, "order.toml").expect("valid");
    let (mut n, _) = trial::draw(&s, 1, 10, 0, &mut inputs);
    trial::draw_timeline(&s, 1, 10, 0, &inputs, &mut n, &mut tl);
    let last = reservations_at(&n, &tl, round_of("2021-06-01")).0;
    assert!(close(last, 0.95), "{last}");
}

#[test]
fn replay_and_explain_list_what_a_context_change_moved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "fx.toml", &fx_scenario(1.0, 20));
    let f = file.to_str().expect("utf8");
    let text = ok(&["replay", f, "--trial", "3"]);
    let text = String::from_utf8_lossy(&text.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("context.fx += -350"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("took effect in round"), "{line}");
    assert!(line.contains("moved parties.us.reservation to "), "{line}");
    let v: serde_json::Value =
        serde_json::from_slice(&ok(&["replay", f, "--trial", "3", "--json"]).stdout).expect("json");
    let e = &v["events"][0];
    assert_eq!(e["changes"][0], "context.fx += -350", "{e}");
    assert_eq!(e["moves"][0]["input"], "parties.us.reservation", "{e}");
    let x = e["moves"][0]["value"].as_f64().expect("value");
    assert!((0.96..=1.08).contains(&x), "{e}");
    // explain: at central values, fx = 1200 → 1.2 · 850 / 1000.
    let v: serde_json::Value =
        serde_json::from_slice(&ok(&["explain", f, "--json"]).stdout).expect("json");
    let e = &v["events"][0];
    assert_eq!(e["happened"], true, "{e}");
    let x = e["moves"][0]["value"].as_f64().expect("value");
    assert!((x - 1.02).abs() < 1e-12, "{e}");
    // An event that did not happen lists what it would move.
    let never = write(dir.path(), "never.toml", &fx_scenario(0.0, 20));
    let text = ok(&["replay", never.to_str().expect("utf8"), "--trial", "0"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("did not happen") && text.contains("(moves parties.us.reservation)"),
        "{text}"
    );
}

#[test]
fn bad_context_changes_are_located() {
    let base = fx_scenario(1.0, 10);
    let cases = [
        (
            "shift = { context.fx = -350 }",
            "shift = { context.fz = -350 }",
            "events[0].shift.context.fz",
            "(`fx`), found `fz`",
        ),
        (
            "shift = { context.fx = -350 }",
            "shift = { \"context.fz\" = -350 }",
            "events[0].shift.\"context.fz\"",
            "(`fx`), found `fz`",
        ),
        (
            "shift = { context.fx = -350 }",
            "set = { context.fx = \"none\" }",
            "events[0].set.context.fx",
            "found \"none\"",
        ),
        (
            "shift = { context.fx = -350 }",
            "set = { context.fx = 800 }\nshift = { context.fx = -350 }",
            "events[0].set.context.fx",
            "found it in both",
        ),
        (
            "shift = { context.fx = -350 }",
            "shift = { context.fx = \"2 * fx\" }",
            "events[0].shift.context.fx",
            "drawn, not computed",
        ),
    ];
    for (from, to, path, says) in cases {
        let text = base.replace(from, to);
        assert_ne!(text, base, "{from}");
        let e = Scenario::parse(&text, "bad.toml").expect_err(to);
        let d = e
            .diagnostics()
            .iter()
            .find(|d| d.path == path)
            .unwrap_or_else(|| panic!("{to}: no error at {path}: {e}"));
        assert!(d.message.contains(says), "{to}: {}", d.message);
        let line = text
            .lines()
            .position(|l| l.contains(to.lines().next().unwrap_or(to)));
        assert_eq!(Some(d.line - 1), line, "{to}: {e}");
    }
    // A shift that can bring an expression out of its field's domain: the US discount
    // `fx / 1300` is 0.88–0.96 at the first meeting, up to 1.15 after a shift of +350.
    let text = base
        .replace(
            "shift = { context.fx = -350 }",
            "shift = { context.fx = 350 }",
        )
        .replace(
            "side = \"payee\"",
            "side = \"payee\"\ndiscount = \"fx / 1300\"",
        );
    let e = Scenario::parse(&text, "bad.toml").expect_err("out of domain");
    let d = e
        .diagnostics()
        .iter()
        .find(|d| d.path == "events[0].shift.context.fx")
        .unwrap_or_else(|| panic!("{e}"));
    assert!(d.message.contains("parties.us.discount"), "{}", d.message);
    let line = text.lines().position(|l| l.contains("context.fx = 350"));
    assert_eq!(Some(d.line - 1), line, "{e}");
    // Without a `[context]`.
    let text = base
        .replace("[context]\nfx = { uniform = [1150, 1250] }\n", "")
        .replace("\"1.2 * fx / 1000\"", "1.4");
    let e = Scenario::parse(&text, "bad.toml").expect_err("no context");
    assert!(
        e.diagnostics()
            .iter()
            .any(|d| d.path == "events[0].shift.context.fx" && d.message.contains("no `[context]`")),
        "{e}"
    );
    // An expression in a field events cannot change: a warning at the change.
    let text = base.replace(
        "side = \"payer\"",
        "side = \"payer\"\npower = \"fx / 1000\"",
    );
    let s = Scenario::parse(&text, "warn.toml").expect("valid");
    let line = text
        .lines()
        .position(|l| l.contains("context.fx = -350"))
        .expect("line")
        + 1;
    let w = s
        .warnings()
        .into_iter()
        .find(|w| w.contains("parties.kr.power"))
        .expect("warning");
    assert!(
        w.starts_with(&format!("warn.toml:{line}:")) && w.contains("first meeting"),
        "{w}"
    );
}

#[test]
fn context_changes_are_deterministic_across_threads_and_shards() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = fx_scenario(0.5, 3000).replace(
        "date = \"2021-01-20\"",
        "date = { uniform = [\"2020-09-01\", \"2021-06-01\"] }",
    );
    let text = text.replace(
        "shift = { context.fx = -350 }",
        "shift = { context.fx = { uniform = [-400, -300] } }",
    );
    let file = write(dir.path(), "fx.toml", &text);
    let f = file.to_str().expect("utf8");
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        let o = out.to_str().expect("utf8");
        ok(&[
            "run",
            f,
            "--quiet",
            "--trials-csv",
            "--threads",
            threads,
            "--out",
            o,
        ]);
        let read = |name: &str| std::fs::read(out.join(name)).expect("read");
        (read("trials.csv"), read("summary.json"))
    };
    let (one, two) = (run("1"), run("2"));
    assert!(one.0 == two.0, "trials.csv differs between 1 and 2 threads");
    assert!(
        one.1 == two.1,
        "summary.json differs between 1 and 2 threads"
    );
    crate::package_outputs::shards_merge_byte_identically(f, "2500");
}

/// The package file of `package_events.rs` with a context change in place of the
/// removed floor: `a` needs `fx / 2000` (0.75–0.85), `b` 0.55–0.6 of a pie whose
/// utilities sum to 1 — no zone until `fx` falls by 1000 on 2020-05-01 (0.25–0.35).
fn package_fx(probability: &str) -> String {
    crate::package_events::FLOOR
        .replace("PROBABILITY", probability)
        .replace(
            "party = \"a\"\nset = { ratification = \"none\" }",
            "shift = { context.fx = -1000 }",
        )
        .replace("ratification = 8\n", "")
        .replace(
            "reservation = { uniform = [0.0, 0.3] }",
            "reservation = \"fx / 2000\"",
        )
        .replace(
            "[issues.amount]",
            "[context]\nfx = { uniform = [1500, 1700] }\n\n[issues.amount]",
        )
}

#[test]
fn a_package_context_change_brings_the_deals_after_it() {
    let text = package_fx("1");
    assert!(text.contains("context.fx = -1000") && !text.contains("ratification"));
    let (s, rows) = crate::package_events::run(&text);
    let event_round = crate::package_events::EVENT_ROUND;
    for (m, trials) in crate::package_events::MODELS.iter().zip(&rows) {
        let after = trials
            .iter()
            .filter(|(k, r)| k == "deal" && *r >= event_round)
            .count();
        if *m == "agents" {
            assert!(after as f64 >= 0.95 * 2000.0, "{m}: {after} deals after");
        } else {
            assert!(
                trials.iter().all(|(k, r)| k == "deal" && *r == event_round),
                "{m}: {:?}",
                trials
                    .iter()
                    .find(|(k, r)| k != "deal" || *r != event_round)
            );
        }
        assert_eq!(s["models"][m]["timing"]["events"][0]["date"], "2020-05-01");
    }
    // With probability 0.5: half the trials, within 3 Monte Carlo standard errors.
    let (_, rows) = crate::package_events::run(&package_fx("0.5"));
    let n: f64 = 2000.0;
    let se = (0.25 / n).sqrt();
    for (m, trials) in crate::package_events::MODELS.iter().zip(&rows) {
        let after = trials
            .iter()
            .filter(|(k, r)| k == "deal" && *r >= event_round)
            .count() as f64
            / n;
        if *m == "agents" {
            assert!(
                after <= 0.5 + 3.0 * se && after >= 0.95 * 0.5 - 3.0 * se,
                "{m}: {after}"
            );
        } else {
            assert!(
                (after - 0.5).abs() <= 3.0 * se,
                "{m}: {after} vs 0.5 ± 3·{se}"
            );
        }
    }
}

#[test]
fn package_context_changes_replay_and_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "fx.toml", &package_fx("0.5"));
    let f = file.to_str().expect("utf8");
    let mut seen = [false; 2];
    for trial in 0..12 {
        let r = ok(&["replay", f, "--trial", &trial.to_string(), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
        let e = &v["events"][0];
        assert_eq!(e["changes"][0], "context.fx += -1000", "{e}");
        assert_eq!(
            e["moves"][0]["input"], "parties.a.utility.reservation",
            "{e}"
        );
        let happened = e["happened"].as_bool().expect("happened");
        seen[usize::from(happened)] = true;
        if happened {
            let x = e["moves"][0]["value"].as_f64().expect("value");
            assert!((0.25..=0.35).contains(&x), "{e}");
        } else {
            assert!(e["moves"][0]["value"].is_null(), "{e}");
        }
    }
    assert_eq!(seen, [true, true]);
    let out = bargain(&["validate", f]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::package_outputs::shards_merge_byte_identically(f, "300");
    // A package weight reading a changed quantity keeps its first-meeting value: warned.
    let text = package_fx("1").replace(
        "weights = { amount = 0.8, term = 0.2 }\namount = \"increasing\"",
        "weights = { amount = \"fx / 2000\", term = 0.2 }\namount = \"increasing\"",
    );
    let dir2 = tempfile::tempdir().expect("tempdir");
    let file = write(dir2.path(), "w.toml", &text);
    let out = bargain(&["validate", file.to_str().expect("utf8")]);
    let err =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("events[0].shift.context.fx")
            && err.contains("parties.a.utility.weights.amount"),
        "{err}"
    );
    let _ = json;
}
