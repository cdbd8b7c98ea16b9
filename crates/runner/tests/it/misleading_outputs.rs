//! Outputs that mislead a reader (issue #20, item 9): one name per thing, one round
//! convention, warnings on stderr, values without float noise. Each test goes through
//! the binary (or the report library) and failed before its fix.

use crate::common;
use common::{bargain, ok, write};

use std::path::Path;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The SMA 2019 nowcast: its closed forms coincide, its talks run past the expiry and its
/// deals come over many rounds, what these plots must show (the shipped forecast's closed
/// forms all strike at once before the expiry).
fn sma_2019() -> String {
    root()
        .join("scenarios/nowcast/sma-2019-nowcast.toml")
        .display()
        .to_string()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A scenario naming the BRW model by its former name `breakdown`.
const ALIAS: &str = r#"
[scenario]
name = "alias"
unit = "trillion KRW"
[run]
trials = 500
seed = 3
models = ["agents", "breakdown"]
[protocol]
max_rounds = 8
first_mover = "us"
breakdown_risk = 0.02
[parties.us]
side = "payee"
opening = 1.4
reservation = { uniform = [0.95, 1.1] }
strategy = { kind = "time-based", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.96
reservation = { uniform = [1.05, 1.2] }
strategy = { kind = "time-based", preset = "linear" }
"#;

#[test]
fn the_brw_model_is_named_brw_and_breakdown_stays_an_accepted_alias() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "alias.toml", ALIAS);
    let file = file.to_str().expect("utf-8");
    let out = tmp.path().join("out");
    let run = ok(&["run", file, "--out", out.to_str().expect("utf-8")]);
    let summary = common::json(&out.join("summary.json"));
    let models = summary["models"].as_object().expect("models");
    assert!(models.contains_key("brw"), "{:?}", models.keys());
    assert!(!models.contains_key("breakdown"), "{:?}", models.keys());
    // In the terminal table, `breakdown` is only ever an outcome.
    let table = stdout(&run);
    assert!(table.lines().any(|l| l.starts_with("brw ")), "{table}");
    assert!(
        !table.lines().any(|l| l.starts_with("breakdown")),
        "{table}"
    );
    // `--model breakdown` still names the model; outputs say `brw`.
    let json = ok(&[
        "replay",
        file,
        "--trial",
        "0",
        "--model",
        "breakdown",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["model"], "brw");
    let listed = ok(&["replay", file, "--trial", "0", "--model", "brw", "--json"]);
    assert_eq!(json.stdout, listed.stdout);
    // Everywhere the model list is printed, it is `brw`.
    let bad = bargain(&["replay", file, "--trial", "0", "--model", "nope"]);
    assert!(stderr(&bad).contains("brw"), "{}", stderr(&bad));
    let sens = tmp.path().join("sens");
    ok(&[
        "sensitivity",
        file,
        "--samples",
        "200",
        "--model",
        "breakdown",
        "-q",
        "--out",
        sens.to_str().expect("utf-8"),
    ]);
}

#[test]
fn replay_lists_the_accepted_offer_in_the_round_of_the_deal() {
    let scenario = sma_2019();
    let mut answered_next_round = false;
    for trial in 0..12 {
        let t = trial.to_string();
        let out = ok(&["replay", &scenario, "--trial", &t, "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let offers = v["offers"].as_array().expect("offers");
        let last = offers.last().expect("an offer");
        let rounds: Vec<u64> = offers.iter().filter_map(|o| o["round"].as_u64()).collect();
        assert!(rounds.windows(2).all(|w| w[0] <= w[1]), "{rounds:?}");
        assert_eq!(
            rounds.first(),
            Some(&1),
            "the opening offer is answered in round 1"
        );
        if v["outcome"] == "deal" {
            assert_eq!(last["round"], v["round"], "trial {trial}: {v}");
            assert_eq!(last["response"], "accept");
            // The US moves first: Korea's offers are answered in the next round.
            answered_next_round |= last["by"] == "kr";
            // The text lists the same rounds: its last offer line is in the result's round.
            let text = stdout(&ok(&["replay", &scenario, "--trial", &t]));
            let last_line = text
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with("round "))
                .expect("offer lines");
            let listed: u64 = last_line
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse().ok())
                .expect("round number");
            let result = text
                .lines()
                .find(|l| l.starts_with("result:"))
                .expect("result line");
            assert!(
                result.ends_with(&format!("round {listed}")),
                "trial {trial}: {last_line} / {result}"
            );
        }
    }
    assert!(
        answered_next_round,
        "no offer of Korea's accepted in trials 0..12"
    );
}

#[test]
fn closed_forms_that_coincide_stay_visible_under_one_label() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    ok(&[
        "run",
        &sma_2019(),
        "--trials",
        "2000",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    // At the central values nash, kalai-smorodinsky and brw agree to within a pixel:
    // one marker names them all (its line drawn in their colours taking turns).
    let amounts = std::fs::read_to_string(out.join("amounts.svg")).expect("amounts.svg");
    assert!(
        amounts.contains("nash, kalai-smorodinsky, brw 1.07"),
        "no merged marker label"
    );
    // The closed forms strike on the same days: one timing curve, one legend entry.
    let timing = std::fs::read_to_string(out.join("timing.svg")).expect("timing.svg");
    assert!(timing.contains("(same curve)"), "no shared timing curve");
}

/// A scenario whose payee opens worse than its own reservation (a warning).
fn warned(name: &str, unit: &str) -> String {
    format!(
        r#"[scenario]
name = "{name}"
unit = "{unit}"
[run]
trials = 400
seed = 5
models = ["nash", "agents"]
[protocol]
max_rounds = 6
first_mover = "us"
[parties.us]
side = "payee"
opening = 0.9
reservation = {{ uniform = [0.95, 1.05] }}
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.1, 1.2] }}
strategy = {{ kind = "time-based", preset = "linear" }}
"#
    )
}

const WARNING: &str = "is worse for `us` than its reservation";

#[test]
fn scenario_warnings_reach_stderr_in_sweep_sensitivity_and_compare_even_quiet() {
    let tmp = tempfile::tempdir().expect("tmp");
    let a = write(tmp.path(), "a.toml", &warned("a", "trillion KRW"));
    let a = a.to_str().expect("utf-8");
    let out = |name: &str| tmp.path().join(name).display().to_string();
    let sweep = ok(&[
        "sweep",
        a,
        "--sweep",
        "parties.kr.opening=0.8,0.85",
        "-q",
        "--out",
        &out("sweep"),
    ]);
    assert!(
        stderr(&sweep).contains(WARNING),
        "sweep: {}",
        stderr(&sweep)
    );
    let sens = ok(&[
        "sensitivity",
        a,
        "--samples",
        "100",
        "-q",
        "--out",
        &out("sens"),
    ]);
    assert!(
        stderr(&sens).contains(WARNING),
        "sensitivity: {}",
        stderr(&sens)
    );
    let b = write(tmp.path(), "b.toml", &warned("b", "billion USD"));
    let b = b.to_str().expect("utf-8");
    let cmp = ok(&["compare", a, b, "-q", "--out", &out("cmp")]);
    let err = stderr(&cmp);
    assert!(err.contains(WARNING), "compare: {err}");
    // The unit mismatch is a warning too: on stderr under -q, never on stdout.
    assert!(err.contains("billion USD"), "compare: {err}");
    assert!(!stdout(&cmp).contains("warning"), "{}", stdout(&cmp));
    let loud = ok(&["compare", a, b, "--out", &out("cmp")]);
    assert!(!stdout(&loud).contains("warning"), "{}", stdout(&loud));
    assert!(stderr(&loud).contains("billion USD"), "{}", stderr(&loud));
}

/// `replay … | head`: the reader closes the pipe before the text is written.
fn replay_into_a_closed_pipe(args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn replay_into_a_closed_pipe_exits_quietly() {
    let package = root().join("scenarios/sma-2019-package.toml");
    let package = package.to_str().expect("utf-8");
    let one = sma_2019();
    for args in [
        vec!["replay", package, "--trial", "0", "--model", "agents"],
        vec!["replay", package, "--trial", "0", "--json"],
        vec!["replay", one.as_str(), "--trial", "0"],
        vec!["explain", one.as_str()],
    ] {
        let out = replay_into_a_closed_pipe(&args);
        assert!(
            out.status.success() && !stderr(&out).contains("panicked"),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
    }
}

#[test]
fn the_starter_histogram_bins_follow_its_offer_grid() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_str().expect("utf-8");
    ok(&["new", "starter", "--dir", dir]);
    let file = tmp.path().join("starter.toml");
    let text = std::fs::read_to_string(&file).expect("starter");
    assert!(text.contains("step = 0.01"), "the starter's grid changed");
    let out = tmp.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("utf-8"),
        "--trials",
        "20000",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let s = common::json(&out.join("summary.json"));
    let step = 0.01;
    for (name, m) in s["models"].as_object().expect("models") {
        let a = &m["amount"];
        let h = &a["histogram"];
        let (lo, hi) = (h["lo"].as_f64().expect("lo"), h["hi"].as_f64().expect("hi"));
        let counts: Vec<u64> = h["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        // Each bin: a whole, odd number of grid steps, centred on a grid point.
        let k = (hi - lo) / counts.len() as f64 / step;
        assert!(
            (k - k.round()).abs() < 1e-6 && k.round() % 2.0 == 1.0,
            "{name}: k = {k}"
        );
        let edge = lo / step + 0.5;
        assert!(
            (edge - edge.round()).abs() < 1e-6,
            "{name}: lo {lo} is not a half step"
        );
        // So no bar inside the central 90% is empty for want of a grid point.
        let w = (hi - lo) / counts.len() as f64;
        let q = |k: &str| a["quantiles"][k].as_f64().expect("quantile");
        let (p05, p95) = (q("p05"), q("p95"));
        for (i, &c) in counts.iter().enumerate() {
            let (b0, b1) = (lo + w * i as f64, lo + w * (i + 1) as f64);
            if b0 >= p05 && b1 <= p95 {
                assert!(c > 0, "{name}: empty bin [{b0}, {b1}] inside [p05, p95]");
            }
        }
    }
}

/// Float noise: more than 12 decimals, or a run of six 0s or 9s after the point.
fn noisy(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|w| {
            w.split_once('.')
                .is_some_and(|(_, d)| d.len() > 12 || d.contains("000000") || d.contains("999999"))
        })
}

#[test]
fn printed_values_carry_no_float_noise() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("sweep").display().to_string();
    // 0.95:1.15:5 computes 1.0499999999999998 and 1.0999999999999999.
    let sweep = ok(&[
        "sweep",
        &sma_2019(),
        "--sweep",
        "parties.kr.reservation=0.95:1.15:5",
        "--trials",
        "300",
        "--out",
        &out,
    ]);
    let table = stdout(&sweep);
    assert!(noisy(&table).is_none(), "{:?} in\n{table}", noisy(&table));
    assert!(
        table.lines().any(|l| l.trim_start().starts_with("1.05 ")),
        "{table}"
    );
    let html = std::fs::read_to_string(Path::new(&out).join("sweep.html")).expect("html");
    assert!(!html.contains("1.0499999"), "sweep.html");
    let package = root().join("scenarios/sma-2019-package.toml");
    let package = package.to_str().expect("utf-8");
    for model in ["agents", "nash", "max-welfare"] {
        let text = stdout(&ok(&["replay", package, "--trial", "1", "--model", model]));
        assert!(
            noisy(&text).is_none(),
            "{model}: {:?} in\n{text}",
            noisy(&text)
        );
    }
}

#[test]
fn the_dance_draws_reservations_that_move_with_the_lapse() {
    use bargain_runner::ensemble::Shard;
    use bargain_runner::pipeline::{self, Loaded, Overrides};
    let text = std::fs::read_to_string(sma_2019()).expect("sma-2019");
    let scenario =
        bargain_runner::scenario::Scenario::parse(&text, "sma-2019.toml").expect("parse");
    let loaded = Loaded {
        scenario,
        origin: "sma-2019.toml".into(),
        text,
    };
    let overrides = Overrides {
        trials: Some(2000),
        seed: None,
    };
    let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let finished = pipeline::execute(&loaded, plan, &|_| {}, &cancel, None).expect("run");
    let data = pipeline::report_data(&loaded, &finished);
    let mut moved = false;
    for t in &data.dance {
        let last = *t.rounds.iter().max().expect("offers") as usize;
        assert!(
            t.reservations.len() >= last,
            "trial {}: a value per round",
            t.trial
        );
        let (payee, payer) = t.reservations[t.outcome.round as usize - 1];
        if let Some(x) = t.outcome.amount.filter(|_| t.outcome.is_deal()) {
            // The deal lies within the reservations of its round, as drawn.
            assert!(
                payee - 1e-9 <= x && x <= payer + 1e-9,
                "trial {}: {x} outside [{payee}, {payer}]",
                t.trial
            );
            moved |= !(t.payee_reservation <= x && x <= t.payer_reservation);
        }
    }
    // On sma-2019, trial 0's deal (1.07) lies below the US's starting reservation (1.1):
    // only the moved reservations explain it.
    assert!(moved, "no dance deal outside the starting reservations");
}

#[test]
fn the_glossary_defines_every_term_the_pages_mark() {
    use bargain_runner::report::glossary::{TERMS, term};
    let glossary = std::fs::read_to_string(root().join("docs/glossary.md")).expect("glossary");
    let headings: Vec<&str> = glossary
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    for (t, def) in TERMS {
        assert!(
            headings
                .iter()
                .any(|h| h.to_lowercase().contains(&t.to_lowercase())),
            "docs/glossary.md has no heading for {t}"
        );
        let escaped = def.replace('\'', "&#39;");
        assert!(term(t, t).contains(&format!("title=\"{escaped}")), "{t}");
    }
    assert!(headings.iter().any(|h| h.contains("Spearman")));
    // The pages mark their terms and name the glossary.
    let tmp = tempfile::tempdir().expect("tmp");
    let run = tmp.path().join("run");
    ok(&[
        "run",
        &sma_2019(),
        "--trials",
        "1000",
        "-q",
        "--out",
        run.to_str().expect("utf-8"),
    ]);
    let cmp = tmp.path().join("cmp");
    ok(&[
        "compare",
        run.to_str().expect("utf-8"),
        run.to_str().expect("utf-8"),
        "-q",
        "--out",
        cmp.to_str().expect("utf-8"),
    ]);
    let sens = tmp.path().join("sens");
    ok(&[
        "sensitivity",
        &sma_2019(),
        "--samples",
        "100",
        "-q",
        "--out",
        sens.to_str().expect("utf-8"),
    ]);
    for (page, terms) in [
        (
            run.join("report.html"),
            vec!["zone of agreement", "payee", "payer"],
        ),
        (cmp.join("compare.html"), vec!["KS", "W₁"]),
        (sens.join("sensitivity.html"), vec!["PRCC", "Spearman"]),
    ] {
        let html = std::fs::read_to_string(&page).expect("page");
        assert!(html.contains("docs/glossary.md"), "{}", page.display());
        for t in terms {
            let def = TERMS
                .iter()
                .find(|(k, _)| *k == t)
                .map_or("Spearman's rank correlation", |(_, d)| *d);
            let def = def.replace('\'', "&#39;");
            assert!(
                html.contains("<abbr class=\"term\"") && html.contains(&def),
                "{}: no tooltip for {t}",
                page.display()
            );
        }
    }
}

#[test]
fn package_replay_lists_the_accepted_offer_in_the_round_of_the_deal() {
    let package = root().join("scenarios/sma-2019-package.toml");
    let package = package.to_str().expect("utf-8");
    let mut answered_next_round = false;
    for trial in 0..12 {
        let t = trial.to_string();
        let out = ok(&["replay", package, "--trial", &t, "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let offers = v["offers"].as_array().expect("offers");
        if v["outcome"] != "deal" {
            continue;
        }
        let last = offers.last().expect("an offer");
        assert_eq!(last["round"], v["round"], "trial {trial}: {v}");
        answered_next_round |= last["by"] != offers[0]["by"];
    }
    assert!(
        answered_next_round,
        "no second mover's offer accepted in trials 0..12"
    );
}

#[test]
fn coinciding_round_lines_are_one_shared_line_named_in_a_note() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    // 100,000 trials reach over 24 rounds: the rounds panel draws lines, not bars.
    ok(&[
        "run",
        &sma_2019(),
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let svg = std::fs::read_to_string(out.join("rounds.svg")).expect("rounds.svg");
    assert!(svg.contains("the same line (same rounds)"), "no note");
    assert!(
        svg.contains("rubinstein, stahl, nash, kalai-smorodinsky, brw"),
        "no names"
    );
}
