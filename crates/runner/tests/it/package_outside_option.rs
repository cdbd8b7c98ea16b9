//! `outside_option` on package files (issue #21 item 2): a utility on the scale of
//! `utility.reservation`, the better of the two being the reservation every model
//! bargains from. Hand-computed cases on one amount issue 0..=10 (`a` values it
//! `x/10`, `b` `1 − x/10`, both reservations 0.2): an option of 0.4 moves the Nash and
//! Kalai–Smorodinsky deal from 5 to 6; one of 0.9 closes the zone (`no_zone` for the
//! closed forms, `deadline` for the agents, as on one issue); an event that removes it,
//! or shifts it to 0.4, on 2020-05-01 (round 5) brings the deal to that round; bad
//! values and options next to the split models are located errors; shards merge
//! byte-identically.

use bargain_core::OutcomeKind;
use bargain_core::package::aspiration::PowerCache;
use bargain_runner::ensemble::package::{self, Prepared};
use bargain_runner::scenario::issues::{PackageModel, PackageScenario};

use crate::common::write;

const BASE: &str = r#"[scenario]
name = "option-package"
unit = "units"

[run]
trials = 200
seed = 9
models = ["agents", "nash", "kalai-smorodinsky"]

[protocol]
first_mover = "a"
max_rounds = 20
CALENDAR
[issues.amount]
kind = "number"
lo = 0
hi = 10
step = 1

[parties.a]
strategy = { kind = "time-based", preset = "linear" }
OPTION

[parties.a.utility]
weights = { amount = 1 }
amount = "increasing"
reservation = 0.2

[parties.b]
strategy = { kind = "time-based", preset = "linear" }

[parties.b.utility]
weights = { amount = 1 }
amount = "decreasing"
reservation = 0.2
"#;

const CALENDAR: &str = r#"
[calendar]
start = "2020-01-01"
expiry = "2020-12-31"
end = "2021-06-30"
round_months = 1
"#;

fn text(option: &str, calendar: &str, events: &str) -> String {
    format!(
        "{}{events}",
        BASE.replace("OPTION", option).replace("CALENDAR", calendar)
    )
}

/// `(kind, amount, 1-based round)` of model `m` in trial 0 of `text` (no input is
/// uncertain: the central values, and the events, which happen for sure).
fn central(text: &str, m: PackageModel) -> (OutcomeKind, Option<f64>, u32) {
    let s = PackageScenario::parse(text, "o.toml").expect("valid");
    let ctx = bargain_runner::scenario::SampleCtx {
        trial: 0,
        trials: 1,
        seed: 9,
    };
    let (t, _) = s.draw_trial(ctx, &mut []);
    let p = Prepared::new(&s, &t).expect("prepared");
    let e = package::end(m, &s, &t, &p, &mut PowerCache::new());
    let space = s.space();
    let amount = e
        .outcome
        .and_then(|o| space.issues()[0].numeric(space.value_index(o, 0)));
    (e.kind, amount, e.round)
}

const CLOSED: [PackageModel; 2] = [PackageModel::Nash, PackageModel::KalaiSmorodinsky];

#[test]
fn an_outside_option_moves_the_closed_form_deal() {
    for m in CLOSED {
        // Zone [2, 8]: the symmetric split is 5.
        assert_eq!(
            central(&text("", "", ""), m),
            (OutcomeKind::Deal, Some(5.0), 1),
            "{m:?}"
        );
        // `a` walks away to 0.4: zone [4, 8], split at 6 ((0.6 − 0.4)·(0.4 − 0.2) = 0.04
        // against 0.03 at 5 and 7).
        assert_eq!(
            central(&text("outside_option = 0.4", "", ""), m),
            (OutcomeKind::Deal, Some(6.0), 1),
            "{m:?}"
        );
        // An option below the reservation changes nothing.
        assert_eq!(
            central(&text("outside_option = 0.1", "", ""), m),
            (OutcomeKind::Deal, Some(5.0), 1),
            "{m:?}"
        );
    }
}

#[test]
fn an_outside_option_that_closes_the_zone_leaves_no_deal() {
    // `a` needs 9 or more, `b` bears 8 at most.
    let t = text("outside_option = 0.9", "", "");
    for m in CLOSED {
        assert_eq!(central(&t, m), (OutcomeKind::NoZone, None, 1), "{m:?}");
    }
    let (kind, amount, _) = central(&t, PackageModel::Agents);
    assert_eq!((kind, amount), (OutcomeKind::Deadline, None));
    // Every agents deal with a drawn option gives `a` at least its option.
    let s = PackageScenario::parse(
        &text("outside_option = { uniform = [0.3, 0.6] }", "", ""),
        "o.toml",
    )
    .expect("valid");
    let mut inputs = vec![0.0; s.input_names().len()];
    let mut deals = 0;
    for trial in 0..200 {
        let ctx = bargain_runner::scenario::SampleCtx {
            trial,
            trials: 200,
            seed: 9,
        };
        let (t, _) = s.draw_trial(ctx, &mut inputs);
        let w = t.outside_option[0].expect("drawn");
        assert!((0.3..=0.6).contains(&w));
        let p = Prepared::new(&s, &t).expect("prepared");
        let e = package::end(PackageModel::Agents, &s, &t, &p, &mut PowerCache::new());
        if let Some(o) = e.outcome {
            deals += 1;
            assert!(
                p.ua[o as usize] >= w,
                "trial {trial}: {} < {w}",
                p.ua[o as usize]
            );
        }
    }
    assert!(deals > 100, "{deals}");
}

#[test]
fn an_event_on_the_outside_option_sets_the_deal_round() {
    let event =
        |change: &str| format!("\n[[events]]\ndate = \"2020-05-01\"\nparty = \"a\"\n{change}\n");
    // 2020-05-01 is day 121 = ⌊4 · 30.436875⌋: round 5.
    let removed = text(
        "outside_option = 0.9",
        CALENDAR,
        &event("set = { outside_option = \"none\" }"),
    );
    let lowered = text(
        "outside_option = 0.9",
        CALENDAR,
        &event("shift = { outside_option = -0.5 }"),
    );
    let raised = text("", CALENDAR, &event("set = { outside_option = 0.9 }"));
    for m in CLOSED {
        assert_eq!(
            central(&removed, m),
            (OutcomeKind::Deal, Some(5.0), 5),
            "{m:?}"
        );
        assert_eq!(
            central(&lowered, m),
            (OutcomeKind::Deal, Some(6.0), 5),
            "{m:?}"
        );
        // Open from round 1: an option raised later does not undo the deal.
        assert_eq!(
            central(&raised, m),
            (OutcomeKind::Deal, Some(5.0), 1),
            "{m:?}"
        );
    }
    // The agents cannot deal before the option goes.
    let (kind, _, round) = central(&removed, PackageModel::Agents);
    assert!(kind != OutcomeKind::Deal || round >= 5, "{kind:?} {round}");
}

/// Parse `text`; the error must name `path` at the line of `needle` and say `what`.
fn bad(text: &str, needle: &str, path: &str, what: &str) {
    let line = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1;
    let Err(e) = PackageScenario::parse(text, "bad.toml") else {
        panic!("expected an error at `{path}`");
    };
    let e = e.to_string();
    assert!(
        e.contains(&format!("bad.toml:{line}:")) && e.contains(path) && e.contains(what),
        "expected line {line}, `{path}` and `{what}` in:\n{e}"
    );
}

#[test]
fn bad_outside_options_are_located() {
    bad(
        &text("outside_option = nan", "", ""),
        "outside_option",
        "parties.a.outside_option",
        "nan",
    );
    bad(
        &text("outside_option = \"high\"", "", ""),
        "outside_option",
        "parties.a.outside_option",
        "high",
    );
    bad(
        &text("outside_option = 0.4", "", "").replace(
            "models = [\"agents\", \"nash\", \"kalai-smorodinsky\"]",
            "models = [\"nash\", \"rubinstein\"]",
        ),
        "outside_option",
        "parties.a.outside_option",
        "expected no `outside_option` in a package that runs `rubinstein`",
    );
    bad(
        &text(
            "outside_option = 0.4",
            CALENDAR,
            "\n[[events]]\ndate = \"2020-05-01\"\nparty = \"a\"\nset = { outside_option = 1.5 }\n",
        ),
        "set = { outside_option",
        "events[0].set.outside_option",
        "expected a utility in [0, 1], found 1.5",
    );
}

#[test]
fn package_outside_options_shard_byte_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = text(
        "outside_option = { uniform = [0.3, 0.6] }",
        CALENDAR,
        "\n[[events]]\ndate = { uniform = [\"2020-03-01\", \"2020-09-01\"] }\nparty = \"a\"\nprobability = 0.5\nshift = { outside_option = -0.2 }\n",
    );
    let file = write(dir.path(), "o.toml", &t);
    let file = file.to_str().expect("utf8");
    crate::package_outputs::shards_merge_byte_identically(file, "100");
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        let out = out.to_str().expect("utf8");
        crate::common::ok(&[
            "run",
            file,
            "--trials",
            "300",
            "--threads",
            threads,
            "--quiet",
            "--out",
            out,
        ]);
        std::fs::read(dir.path().join(format!("t{threads}/summary.json"))).expect("summary")
    };
    assert!(
        run("1") == run("2"),
        "summary.json differs between 1 and 2 threads"
    );
}
