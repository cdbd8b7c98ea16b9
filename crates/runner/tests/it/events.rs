//! Dated events and vetoes that restart talks (issue #23): the fixed scenario of the
//! issue, the probability of an event, the streams of the other inputs, validation, the
//! summary's `vetoes` and replay.

use crate::common;

use bargain_core::{Model, OutcomeKind};
use bargain_runner::scenario::Scenario;
use bargain_runner::trial::{self, Workspace};
use common::{json, ok, write};

/// No ratifiable deal until `2021-01-20`, when the payee's principal floor (1.4, above
/// anything the payer bears) is removed; lapse costs 0; `on_veto = "resume"`.
pub(crate) fn floor_scenario(probability: f64, trials: u64) -> String {
    format!(
        r#"
[scenario]
name = "floor-event"
[run]
trials = {trials}
seed = 23
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "brw"]
[protocol]
first_mover = "us"
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2022-12-31"
round_months = {{ uniform = [0.8, 1.2] }}
on_veto = "resume"
[parties.us]
side = "payee"
opening = 1.5
reservation = {{ uniform = [0.95, 1.05] }}
ratification = 1.4
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.15, 1.25] }}
strategy = {{ kind = "time-based", preset = {{ choice = ["boulware", "linear", "conceder"] }} }}
[[events]]
date = "2021-01-20"
probability = {probability}
party = "us"
set = {{ ratification = "none" }}
note = "change of US administration"
"#
    )
}

/// For each model: (trials, deals struck on or after the event's day, closed-form
/// deals in the first round on or after it). Shared with `events_context.rs`.
pub(super) fn deals_after_event(s: &Scenario) -> Vec<(u64, u64, u64)> {
    let event_day = (s.events()[0].days.0 - s.calendar.expect("calendar").start) as u32;
    let mut counts = vec![(0, 0, 0); s.run.models.len()];
    let mut ws = Workspace::new();
    let mut inputs = vec![0.0; s.input_count()];
    for t in 0..s.run.trials {
        trial::run_trial(
            s,
            s.run.seed,
            s.run.trials,
            &s.run.models,
            t,
            &mut inputs,
            &mut ws,
            |i, n, o| {
                let cal = n.calendar.expect("calendar");
                let c = &mut counts[i];
                c.0 += 1;
                if o.kind != OutcomeKind::Deal {
                    return;
                }
                let round = o.round - 1;
                if cal.day(round) >= event_day {
                    c.1 += 1;
                    let first = bargain_core::events::first_round_on_or_after(&cal, event_day);
                    c.2 += u64::from(round == first);
                }
            },
        );
    }
    counts
}

/// The issue's checks of an event that opens the zone: every closed form deals in the
/// first round on or after it in every trial, the agents after it in at least 95%.
pub(super) fn assert_every_model_deals_after_the_event(s: &Scenario) {
    for (model, (n, after, first)) in s.run.models.iter().zip(deals_after_event(s)) {
        if model.is_closed_form() {
            assert_eq!(
                first, n,
                "{model}: every deal in the first round after the event"
            );
        } else {
            assert!(after as f64 >= 0.95 * n as f64, "{model}: {after} of {n}");
        }
    }
}

/// Without the event no model deals after its date.
pub(super) fn assert_no_model_deals_after_the_event(s: &Scenario) {
    for (model, (_, after, _)) in s.run.models.iter().zip(deals_after_event(s)) {
        assert_eq!(after, 0, "{model}");
    }
}

/// An event of probability one half: the share of trials with a deal after it is 0.5
/// within 3 Monte Carlo standard errors.
pub(super) fn assert_half_the_trials_deal_after_the_event(s: &Scenario) {
    let se = (0.25 / s.run.trials as f64).sqrt();
    for (model, (n, after, _)) in s.run.models.iter().zip(deals_after_event(s)) {
        let share = after as f64 / n as f64;
        assert!(
            (share - 0.5).abs() <= 3.0 * se,
            "{model}: {share} is more than 3 standard errors ({se}) from 0.5"
        );
    }
}

#[test]
fn a_removed_floor_gives_every_model_a_deal_after_the_event() {
    let s = Scenario::parse(&floor_scenario(1.0, 300), "floor.toml").expect("valid");
    assert_every_model_deals_after_the_event(&s);
    // Without the event no model deals at all: the floor blocked them.
    let never = floor_scenario(0.0, 50);
    let s = Scenario::parse(&never, "floor.toml").expect("valid");
    assert_no_model_deals_after_the_event(&s);
}

#[test]
fn an_event_happens_in_its_share_of_trials() {
    let trials = 400;
    let s = Scenario::parse(&floor_scenario(0.5, trials), "floor.toml").expect("valid");
    assert_half_the_trials_deal_after_the_event(&s);
}

#[test]
fn events_keep_the_other_inputs_draws() {
    let plain = floor_scenario(1.0, 50)
        .replace("on_veto = \"resume\"", "")
        .split("[[events]]")
        .next()
        .expect("text")
        .to_owned();
    let with = floor_scenario(0.5, 50).replace(
        "set = { ratification = \"none\" }",
        "set = { ratification = \"none\", reservation = { uniform = [0.9, 1.0] } }",
    );
    let (a, b) = (
        Scenario::parse(&plain, "a.toml").expect("valid"),
        Scenario::parse(&with, "b.toml").expect("valid"),
    );
    assert!(!a.has_timeline() && b.has_timeline());
    assert_eq!(a.input_names(), b.input_names());
    let (mut x, mut y) = (vec![0.0; a.input_count()], vec![0.0; b.input_count()]);
    for t in 0..50 {
        let (na, _) = trial::draw(&a, 1, 50, t, &mut x);
        let (nb, _) = trial::draw(&b, 1, 50, t, &mut y);
        assert_eq!(x, y, "trial {t}");
        assert_eq!(na, nb, "trial {t}");
    }
    // The event's own draws: a day of its range, its value within its distribution.
    let ranged = with.replace(
        "date = \"2021-01-20\"",
        "date = { uniform = [\"2020-11-03\", \"2021-01-20\"] }",
    );
    let s = Scenario::parse(&ranged, "c.toml").expect("valid");
    let start = s.calendar.expect("calendar").start;
    let (lo, hi) = s.events()[0].days;
    let mut tl = bargain_core::events::Timeline::default();
    let (mut happened, mut days) = (0, std::collections::BTreeSet::new());
    for t in 0..200 {
        let (mut n, _) = trial::draw(&s, 3, 200, t, &mut y);
        trial::draw_timeline(&s, 3, 200, t, &y, &mut n, &mut tl);
        for e in tl.events() {
            happened += 1;
            let day = start + i64::from(e.day);
            assert!((lo..=hi).contains(&day));
            days.insert(day);
            let set = e.changes().iter().find_map(|c| match c {
                bargain_core::events::Change::Set(bargain_core::events::Key::Reservation, x) => *x,
                _ => None,
            });
            assert!(set.is_some_and(|x| (0.9..=1.0).contains(&x)));
        }
    }
    assert!(
        (70..=130).contains(&happened),
        "{happened} of 200 at p = 0.5"
    );
    assert!(days.len() > 20, "the dates vary: {}", days.len());
}

#[test]
fn bad_events_are_located() {
    let base = floor_scenario(1.0, 10);
    let cases = [
        (
            "set = { ratification = \"none\" }",
            "set = { ratifcation = \"none\" }",
            "events[0].set.ratifcation",
            "did you mean `ratification`",
        ),
        (
            "date = \"2021-01-20\"",
            "date = \"2019-01-20\"",
            "events[0].date",
            "within the calendar",
        ),
        (
            "probability = 1",
            "probability = 1.5",
            "events[0].probability",
            "probability in [0, 1]",
        ),
        (
            "set = { ratification = \"none\" }",
            "set = { reservation = 1.1 }\nshift = { reservation = 0.1 }",
            "events[0].set.reservation",
            "found it in both",
        ),
        (
            "set = { ratification = \"none\" }",
            "set = { reservation = \"none\" }",
            "events[0].set.reservation",
            "may be \"none\"",
        ),
        (
            "party = \"us\"",
            "party = \"usa\"",
            "events[0].party",
            "did you mean `us`",
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
    // Events need a calendar.
    let text = base.split("[calendar]").next().expect("head").to_owned()
        + &base[base.find("[parties.us]").expect("parties")..];
    let e = Scenario::parse(&text, "bad.toml").expect_err("no calendar");
    assert!(
        e.diagnostics()
            .iter()
            .any(|d| d.path == "events" && d.message.contains("[calendar]")),
        "{e}"
    );
}

#[test]
fn the_summary_counts_vetoes_and_replay_tells_the_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "floor.toml", &floor_scenario(1.0, 60));
    let out = dir.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let summary = json(&out.join("summary.json"));
    let agents = &summary["models"]["agents"]["vetoes"];
    let share = agents["share"].as_f64().expect("vetoes.share");
    let mean = agents["mean"].as_f64().expect("vetoes.mean");
    assert!(share > 0.5 && mean >= share, "{agents}");
    assert_eq!(summary["models"]["nash"]["vetoes"]["total"], 0);
    // Replay: when the event took effect and what it changed, and the vetoes.
    let o = ok(&[
        "replay",
        file.to_str().expect("utf-8"),
        "--trial",
        "0",
        "--model",
        "agents",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("2021-01-20") && text.contains("ratification = none"),
        "{text}"
    );
    assert!(text.contains("change of US administration"), "{text}");
    assert!(text.contains("vetoes:"), "{text}");
    let vetoes: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("vetoes: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count of vetoes");
    assert_eq!(
        text.matches("then vetoed by a principal").count(),
        vetoes,
        "{text}"
    );
    let _ = Model::ALL;
}

/// On sma-2021 with the administration change (the nowcast, where it happens in every
/// trial; the dated forecast `sma-2021.toml` gives it the probability known in 2019).
#[test]
fn sma_2021_deals_blocked_by_the_floor_come_after_the_change_of_administration() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/nowcast/sma-2021-nowcast.toml");
    let s = Scenario::from_path(&path).expect("sma-2021");
    let change = bargain_runner::scenario::date::parse_date("2021-01-20").expect("date");
    assert!(
        s.events()
            .iter()
            .any(|e| e.days.0 == change && e.changes == ["ratification = none"]),
        "sma-2021 assumes the change of administration"
    );
    assert_eq!(s.on_veto(), bargain_core::events::OnVeto::Resume);
    let start = s.calendar.expect("calendar").start;
    let trials = 400;
    let mut days: Vec<Vec<i64>> = vec![Vec::new(); s.run.models.len()];
    let mut ws = Workspace::new();
    let mut inputs = vec![0.0; s.input_count()];
    for t in 0..trials {
        trial::run_trial(
            &s,
            11,
            trials,
            &s.run.models,
            t,
            &mut inputs,
            &mut ws,
            |i, n, o| {
                if o.kind == OutcomeKind::Deal {
                    let cal = n.calendar.expect("calendar");
                    days[i].push(start + i64::from(cal.day(o.round - 1)));
                }
            },
        );
    }
    let mut latest_p95 = i64::MIN;
    for (model, d) in s.run.models.iter().zip(&mut days) {
        if model.is_closed_form() {
            assert!(
                d.len() as f64 >= 0.95 * trials as f64,
                "{model}: {} deals of {trials}",
                d.len()
            );
        }
        if d.is_empty() {
            continue;
        }
        d.sort_unstable();
        let p95 = d[((0.95 * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1];
        latest_p95 = latest_p95.max(p95);
    }
    assert!(
        latest_p95 >= change,
        "no model's 95th percentile of deal dates is on or after 2021-01-20"
    );
}

/// `bargain backtest scenarios/` (and the nowcasts, where sma-2021 has the change of
/// administration) shows the observed date's percentile for every model of every
/// one-issue scenario with an observed date: in `backtest.json` and the terminal table.
#[test]
fn backtest_shows_the_observed_dates_percentile_for_every_model() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let tmp = tempfile::tempdir().expect("tempdir");
    for (folder, must) in [
        (root.clone(), "sma-2021"),
        (root.join("nowcast"), "sma-2021-nowcast"),
    ] {
        let out = tmp.path().join(must);
        let o = ok(&[
            "backtest",
            folder.to_str().expect("utf-8"),
            "--trials",
            "300",
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        let b = json(&out.join("backtest.json"));
        let mut dated = Vec::new();
        for sc in b["scenarios"].as_array().expect("scenarios") {
            if sc["observed_date"].is_null() {
                continue;
            }
            let name = sc["name"].as_str().expect("name");
            dated.push(name.to_owned());
            for (model, m) in sc["models"].as_object().expect("models") {
                let p = m["timing"]["date_percentile"].as_f64();
                assert!(
                    p.is_some_and(|p| (0.0..=1.0).contains(&p)),
                    "{name} {model}: {}",
                    m["timing"]
                );
            }
        }
        assert!(dated.iter().any(|n| n == must), "{dated:?}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("date PIT"), "{text}");
    }
}
