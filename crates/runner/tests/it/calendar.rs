//! The negotiation calendar (issue 11): lapse semantics of every model, the timing
//! block, validation of `[calendar]`, and sharding with a calendar.

use crate::common;

use bargain_core::{Model, OutcomeKind};
use bargain_runner::scenario::Scenario;
use bargain_runner::trial::{self, Workspace};
use common::{bargain, ok};
use serde_json::Value;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The issue's fixed scenario: no zone at the start (payee needs 1.2, payer bears 1.0),
/// lapse costs 0.01 a month each, one round a month, the end far away.
fn lapse_scenario(payee: &str, payer: &str) -> String {
    format!(
        r#"
[scenario]
name = "lapse-fixed"
[run]
trials = 300
seed = 5
models = ["agents", "rubinstein", "stahl", "nash", "kalai-smorodinsky", "breakdown"]
[protocol]
first_mover = "us"
[calendar]
start = "2020-01-01"
expiry = "2020-06-30"
end = "2035-01-01"
round_months = 1
[parties.us]
side = "payee"
opening = 1.5
reservation = 1.2
lapse_cost = 0.01
strategy = {{ kind = "time-based", preset = "{payee}" }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = 1.0
lapse_cost = 0.01
strategy = {{ kind = "time-based", preset = "{payer}" }}
"#
    )
}

#[test]
fn closed_forms_strike_at_the_first_feasible_round_and_agents_always_agree() {
    let presets = ["boulware", "linear", "conceder"];
    for a in presets {
        for b in presets {
            let s = Scenario::parse(&lapse_scenario(a, b), "lapse.toml").expect("valid");
            let mut ws = Workspace::new();
            let mut inputs = vec![0.0; s.input_count()];
            for t in 0..s.run.trials {
                trial::run_trial(
                    &s,
                    s.run.seed,
                    s.run.trials,
                    &s.run.models,
                    t,
                    &mut inputs,
                    &mut ws,
                    |i, n, o| {
                        let model = s.run.models[i];
                        let cal = n.calendar.expect("calendar");
                        assert_eq!(o.kind, OutcomeKind::Deal, "{model} {a}/{b} trial {t}");
                        let r = o.round - 1;
                        assert!(cal.lapse_months(r) >= 10.0 - 1e-9, "{model}: {r}");
                        let open =
                            |r: u32| cal.reservation(&n.payer, r) >= cal.reservation(&n.payee, r);
                        let amount = o.amount.expect("amount");
                        assert!(
                            amount >= cal.reservation(&n.payee, r) - 1e-9
                                && amount <= cal.reservation(&n.payer, r) + 1e-9,
                            "{model}: {amount} outside the widened zone"
                        );
                        if model != Model::Agents {
                            assert!(open(r) && !open(r - 1), "{model}: round {r} not first");
                        }
                    },
                );
            }
        }
    }
}

#[test]
fn sma_2019_mostly_concludes_before_the_end_and_sometimes_before_the_expiry() {
    let file = root().join("scenarios/sma-2019.toml");
    let out = ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--trials",
        "3000",
        "--json",
        "--quiet",
        "--out",
        tempfile::tempdir()
            .expect("tmp")
            .path()
            .join("r")
            .to_str()
            .expect("p"),
    ]);
    let s: Value = serde_json::from_slice(&out.stdout).expect("json");
    let agents = &s["models"]["agents"];
    let rate = agents["agreement_rate"].as_f64().expect("rate");
    assert!(rate >= 0.8, "agents conclude in {rate}");
    let before = agents["timing"]["before_expiry"].as_f64().expect("timing");
    assert!(before > 0.0 && before < 1.0, "before_expiry {before}");
    let lapse = agents["timing"]["lapse_rate"].as_f64().expect("lapse");
    assert!((before + lapse - rate).abs() < 1e-12);
    // Dates are ISO and ordered.
    let q = &agents["timing"]["deal_date"];
    let dates: Vec<&str> = ["p05", "p25", "p50", "p75", "p95"]
        .iter()
        .map(|k| q[k].as_str().expect("date"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(dates[0] >= "2018-03-07" && dates[4] <= "2021-01-20");
    // The cumulative curve ends at the deal rate.
    let by = agents["timing"]["by_month"].as_array().expect("by_month");
    assert_eq!(by[0]["month"], "2018-03");
    let last = by.last().expect("months")["share"].as_f64().expect("share");
    assert!((last - rate).abs() < 1e-12);
    assert!(agents["timing"]["observed"]["date"] == "2019-02-10");
}

#[test]
fn no_timing_block_without_a_calendar() {
    let file = root().join("scenarios/rubinstein-classic.toml");
    let out = ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--trials",
        "500",
        "--json",
        "--quiet",
        "--out",
        tempfile::tempdir()
            .expect("tmp")
            .path()
            .join("r")
            .to_str()
            .expect("p"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("timing") && !text.contains("deal_days"));
}

fn parse_error(text: &str) -> String {
    Scenario::parse(text, "cal.toml")
        .expect_err("must be rejected")
        .to_string()
}

#[test]
fn bad_calendars_are_located_errors() {
    let good = lapse_scenario("linear", "linear");
    let cases = [
        (
            "start = \"2020-01-01\"",
            "start = \"2020-02-30\"",
            "cal.toml:11:9: calendar.start: expected a date of the form YYYY-MM-DD",
        ),
        (
            "expiry = \"2020-06-30\"",
            "expiry = \"2019-06-30\"",
            "calendar.expiry: expected an expiry after the start",
        ),
        (
            "end = \"2035-01-01\"",
            "end = \"2019-01-01\"",
            "calendar.end: expected an end after the start",
        ),
        (
            "round_months = 1",
            "round_months = 0",
            "calendar.round_months: expected a number of months between rounds > 0",
        ),
        (
            "round_months = 1",
            "round_months = 0.01",
            "expected at most 10000 rounds",
        ),
        (
            "lapse_cost = 0.01\nstrategy = { kind = \"time-based\", preset = \"linear\" }\n[parties.kr]",
            "lapse_cost = -0.01\nstrategy = { kind = \"time-based\", preset = \"linear\" }\n[parties.kr]",
            "parties.us.lapse_cost: expected a lapse cost per month ≥ 0",
        ),
    ];
    for (from, to, want) in cases {
        assert!(good.contains(from), "{from}");
        let msg = parse_error(&good.replacen(from, to, 1));
        assert!(msg.contains(want), "{to}: {msg}");
    }
    // Observed dates too.
    let msg = parse_error(&format!(
        "{good}\n[observed]\namount = 1.1\ndate = \"10 Feb 2019\"\n"
    ));
    assert!(
        msg.contains("observed.date: expected a date of the form YYYY-MM-DD"),
        "{msg}"
    );
    // Lapse costs need a calendar; so does max_rounds' absence.
    let no_cal = good.replace(
        "[calendar]\nstart = \"2020-01-01\"\nexpiry = \"2020-06-30\"\nend = \"2035-01-01\"\nround_months = 1\n",
        "",
    );
    let msg = parse_error(&no_cal);
    assert!(
        msg.contains("parties.us.lapse_cost: expected a `[calendar]`"),
        "{msg}"
    );
    assert!(msg.contains("protocol: expected `max_rounds`"), "{msg}");
}

#[test]
fn end_wins_over_max_rounds() {
    let good = lapse_scenario("boulware", "conceder");
    let both = good.replace("[protocol]\n", "[protocol]\nmax_rounds = 3\n");
    let a = Scenario::parse(&good, "a.toml").expect("valid");
    let b = Scenario::parse(&both, "b.toml").expect("valid");
    assert!(
        b.warnings()
            .iter()
            .any(|w| w.contains("protocol.max_rounds: ignored")),
        "{:?}",
        b.warnings()
    );
    assert_eq!(a.central(), b.central());
    // Without an end, max_rounds counts every round: 3 rounds cannot reach the lapse.
    let no_end = good
        .replace("end = \"2035-01-01\"\n", "")
        .replace("[protocol]\n", "[protocol]\nmax_rounds = 3\n");
    let c = Scenario::parse(&no_end, "c.toml").expect("valid");
    let n = c.central();
    let o = n.outcome(
        Model::Agents,
        &mut bargain_runner::ensemble::trial_rng(0, 0),
        None,
    );
    assert_eq!((o.kind, o.round), (OutcomeKind::Deadline, 3));
}

#[test]
fn shards_merge_to_the_single_run_with_a_calendar() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = root().join("scenarios/sma-2019.toml");
    let f = file.to_str().expect("p");
    let single = tmp.path().join("single");
    ok(&[
        "run",
        f,
        "--trials",
        "5000",
        "--quiet",
        "--out",
        single.to_str().expect("p"),
    ]);
    let mut names = Vec::new();
    for k in 1..=3 {
        let d = tmp.path().join(format!("part{k}"));
        ok(&[
            "run",
            f,
            "--trials",
            "5000",
            "--quiet",
            "--shard",
            &format!("{k}/3"),
            "--out",
            d.to_str().expect("p"),
        ]);
        names.push(d.display().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(names.iter().rev().map(String::as_str));
    args.extend(["--out", merged.to_str().expect("p")]);
    ok(&args);
    let a = std::fs::read(single.join("summary.json")).expect("single");
    assert!(String::from_utf8_lossy(&a).contains("\"before_expiry\""));
    assert_eq!(
        a,
        std::fs::read(merged.join("summary.json")).expect("merged")
    );
    // And a run on 1 thread gives the same bytes as on 2.
    let one = tmp.path().join("one");
    ok(&[
        "run",
        f,
        "--trials",
        "5000",
        "--threads",
        "1",
        "--quiet",
        "--out",
        one.to_str().expect("p"),
    ]);
    assert_eq!(a, std::fs::read(one.join("summary.json")).expect("one"));
    let _ = bargain(&["--version"]);
}

#[test]
fn replay_reproduces_the_ensemble_under_a_calendar() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = root().join("scenarios/sma-2019.toml");
    let f = file.to_str().expect("p");
    let out = tmp.path().join("r");
    ok(&[
        "run",
        f,
        "--trials",
        "40",
        "--trials-csv",
        "--quiet",
        "--out",
        out.to_str().expect("p"),
    ]);
    let csv = std::fs::read_to_string(out.join("trials.csv")).expect("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (kind, amount, round, date) = (
        col("agents.kind"),
        col("agents.amount"),
        col("agents.round"),
        col("agents.deal_date"),
    );
    let mut deals = 0;
    for (t, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let r = ok(&[
            "replay",
            f,
            "--trial",
            &t.to_string(),
            "--trials",
            "40",
            "--model",
            "agents",
        ]);
        let text = String::from_utf8_lossy(&r.stdout);
        let result = text
            .lines()
            .find_map(|l| l.strip_prefix("result: "))
            .unwrap_or_else(|| panic!("trial {t}: no result line in {text}"));
        let parts: Vec<&str> = result.split(", ").collect();
        assert_eq!(parts[0], cells[kind], "trial {t}: {text}");
        if cells[kind] == "deal" {
            deals += 1;
            let shown: f64 = parts[1]
                .strip_prefix("amount ")
                .and_then(|x| x.parse().ok())
                .expect("amount");
            let csv_amount: f64 = cells[amount].parse().expect("csv amount");
            assert!((shown - csv_amount).abs() < 5e-5, "trial {t}: {text}");
            assert_eq!(parts[2], format!("round {}", cells[round]), "trial {t}");
            assert!(cells[date].starts_with("20"), "{}", cells[date]);
        }
    }
    assert!(deals > 20);
}
