//! End-to-end tests of the `bargain` binary: reports, closed forms in `summary.json`,
//! determinism across threads and shards, replay, and exit codes.

use crate::common;
use common::{bargain, ok, write};

use std::path::Path;

use serde_json::Value;

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("summary"))
        .expect("json")
}

const FIXED: &str = r#"
[scenario]
name = "fixed"
unit = "trillion KRW"
[run]
trials = 3000
models = ["rubinstein", "nash", "stahl", "agents"]
[protocol]
max_rounds = 5
first_mover = "us"
[parties.us]
side = "payee"
opening = 1.4
reservation = 1.0
discount = 0.9
power = 0.7
strategy = { kind = "faratin", preset = "linear" }
[parties.kr]
side = "payer"
opening = 0.96
reservation = 1.2
discount = 0.8
power = 0.3
strategy = { kind = "faratin", preset = "linear" }
"#;

const UNCERTAIN: &str = r#"
[scenario]
name = "uncertain"
unit = "trillion KRW"
[run]
trials = 5000
seed = 11
models = ["agents", "nash", "breakdown"]
[protocol]
max_rounds = 8
first_mover = "kr"
breakdown_risk = { uniform = [0.0, 0.05] }
grid = { lo = 0.5, hi = 2.0, step = 0.001 }
[parties.us]
side = "payee"
opening = { triangular = [1.3, 1.4, 1.6] }
reservation = { uniform = [0.95, 1.13] }
strategy = { kind = "time-based", preset = { choice = ["boulware", "linear", "conceder"] } }
[parties.kr]
side = "payer"
opening = 0.96
reservation = { normal = [1.1, 0.05], within = [1.0, 1.3] }
ratification = { uniform = [1.05, 1.5] }
strategy = { kind = "tit-for-tat" }
"#;

#[test]
fn a_fixed_scenario_gives_the_closed_forms_in_summary_json() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "fixed.toml", FIXED);
    let out = tmp.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("path"),
        "--quiet",
        "--out",
        out.to_str().expect("path"),
    ]);
    let s = summary(&out);
    let mean = |m: &str| s["models"][m]["amount"]["mean"].as_f64().expect("mean");
    // Rubinstein, US proposes, δ = (0.9, 0.8): X = 1.0 + 0.2·5/7 (R-SMA-b).
    assert!((mean("rubinstein") - (1.0 + 0.2 * 5.0 / 7.0)).abs() < 1e-9);
    // Nash with α_US = 0.7: X = 1.14 (N-SMA).
    assert!((mean("nash") - 1.14).abs() < 1e-9);
    // Ståhl over 2·5 − 1 = 9 answerable offers.
    let (d1, d2) = (0.9f64, 0.8f64);
    let mut share = 1.0;
    for t in (1..9).rev() {
        share = 1.0 - if t % 2 == 1 { d2 } else { d1 } * share;
    }
    assert!((mean("stahl") - (1.0 + 0.2 * share)).abs() < 1e-9);
    for m in ["rubinstein", "nash", "stahl"] {
        let model = &s["models"][m];
        assert_eq!(model["agreement_rate"].as_f64(), Some(1.0), "{m}");
        assert_eq!(model["amount"]["sd"].as_f64(), Some(0.0), "{m}");
        let bound = model["amount"]["quantile_error_bound"]
            .as_f64()
            .expect("bound");
        let p50 = model["amount"]["quantiles"]["p50"].as_f64().expect("p50");
        assert!(
            (p50 - mean(m)).abs() <= bound,
            "{m}: median {p50} vs {}",
            mean(m)
        );
        assert_eq!(model["round"]["counts"][0].as_u64(), Some(3000), "{m}");
    }
    // Every file of the report folder is there.
    for f in [
        "summary.json",
        "run.json",
        "report.html",
        "amounts.svg",
        "amounts.png",
        "rounds.svg",
        "rounds.png",
        "dance.svg",
        "dance.png",
        "scenario.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(
        !out.join("trials.csv").exists(),
        "trials.csv only with --trials-csv"
    );
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    for bad in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "<script src",
        "<link ",
    ] {
        assert!(
            !html.contains(bad),
            "report.html references the network: {bad}"
        );
    }
    let png = std::fs::read(out.join("amounts.png")).expect("png");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real PNG"
    );
}

#[test]
fn the_same_seed_gives_byte_identical_summaries_at_any_thread_count() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "u.toml", UNCERTAIN);
    let mut bytes = Vec::new();
    for threads in ["1", "2", "8", "2"] {
        let out = tmp.path().join(format!("t{threads}-{}", bytes.len()));
        ok(&[
            "run",
            file.to_str().expect("p"),
            "--quiet",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("p"),
        ]);
        bytes.push(std::fs::read(out.join("summary.json")).expect("summary"));
    }
    assert!(
        bytes.windows(2).all(|w| w[0] == w[1]),
        "summary.json differs between thread counts"
    );
    // A different seed gives a different summary (the test can fail).
    let out = tmp.path().join("seed");
    ok(&[
        "run",
        file.to_str().expect("p"),
        "--quiet",
        "--seed",
        "12",
        "--out",
        out.to_str().expect("p"),
    ]);
    assert_ne!(
        std::fs::read(out.join("summary.json")).expect("s"),
        bytes[0]
    );
}

#[test]
fn four_shards_merge_into_exactly_the_single_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "u.toml", UNCERTAIN);
    let single = tmp.path().join("single");
    ok(&[
        "run",
        file.to_str().expect("p"),
        "--quiet",
        "--out",
        single.to_str().expect("p"),
    ]);
    let mut parts = Vec::new();
    for k in 1..=4 {
        let d = tmp.path().join(format!("part{k}"));
        ok(&[
            "run",
            file.to_str().expect("p"),
            "--quiet",
            "--shard",
            &format!("{k}/4"),
            "--out",
            d.to_str().expect("p"),
        ]);
        assert!(d.join("partial.json").is_file());
        parts.push(d);
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    // Shards in any order.
    let names: Vec<String> = parts
        .iter()
        .rev()
        .map(|p| p.display().to_string())
        .collect();
    args.extend(names.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().expect("p")]);
    ok(&args);
    assert_eq!(
        std::fs::read(single.join("summary.json")).expect("single"),
        std::fs::read(merged.join("summary.json")).expect("merged"),
        "merged summary differs from the single run"
    );
    assert!(merged.join("amounts.png").is_file() && merged.join("report.html").is_file());
    // A missing shard is refused with exit code 2.
    let out = bargain(&[
        "merge",
        parts[0].to_str().expect("p"),
        "--out",
        tmp.path().join("m2").to_str().expect("p"),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn replay_reproduces_a_trial_of_the_ensemble() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "u.toml", UNCERTAIN);
    let out = tmp.path().join("out");
    ok(&[
        "run",
        file.to_str().expect("p"),
        "--quiet",
        "--trials-csv",
        "--out",
        out.to_str().expect("p"),
    ]);
    let csv = std::fs::read_to_string(out.join("trials.csv")).expect("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 5000);
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let mut checked = 0;
    for trial in [0usize, 1, 17, 4321, 4999] {
        let cells: Vec<&str> = rows[trial].split(',').collect();
        assert_eq!(cells[0], trial.to_string());
        for model in ["agents", "nash"] {
            let r = ok(&[
                "replay",
                file.to_str().expect("p"),
                "--trial",
                &trial.to_string(),
                "--model",
                model,
            ]);
            let text = String::from_utf8_lossy(&r.stdout);
            let line = text
                .lines()
                .find(|l| l.starts_with("result: "))
                .expect("result line");
            let kind = cells[col(&format!("{model}.kind"))];
            let amount = cells[col(&format!("{model}.amount"))];
            let round = cells[col(&format!("{model}.round"))];
            let parts: Vec<&str> = line["result: ".len()..].split(", ").collect();
            assert_eq!(parts.len(), 3, "{line}");
            assert_eq!(parts[0], kind, "trial {trial} {model}: {line}");
            assert_eq!(parts[2], format!("round {round}"), "{line}");
            let shown = parts[1].strip_prefix("amount ").expect("amount");
            if amount.is_empty() {
                assert_eq!(shown, "-", "{line}");
            } else {
                // Shown at the grid's precision (4 decimals without a grid), no float noise.
                let (a, b): (f64, f64) =
                    (amount.parse().expect("f64"), shown.parse().expect("f64"));
                let d = shown.split('.').nth(1).map_or(0, str::len);
                assert_eq!(d, 3, "the grid's step 0.001 has 3 decimals: {line}");
                assert!((a - b).abs() <= 0.5e-3 + 1e-12, "{a} vs {line}");
            }
            // The last line says why the trial ended.
            let why = text.lines().last().expect("why line");
            assert!(why.starts_with("why: "), "{text}");
            let word = match kind {
                "deal" => "deal at",
                "no_zone" => "no zone of agreement",
                "not_ratified" => "not ratified",
                other => other,
            };
            assert!(why.contains(word), "{kind}: {why}");
            assert!(!text.contains("TimeBased {"), "debug dump in {text}");
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}

#[test]
fn a_bad_scenario_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(
        tmp.path(),
        "bad.toml",
        &FIXED.replace("reservation = 1.0", "reservaton = 1.0"),
    );
    let out = tmp.path().join("out");
    let r = bargain(&[
        "run",
        file.to_str().expect("p"),
        "--out",
        out.to_str().expect("p"),
    ]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("bad.toml:") && err.contains("did you mean `reservation`"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("dir").count(),
        1,
        "nothing else written"
    );
    assert_eq!(bargain(&["run", "--trials", "0"]).status.code(), Some(2));
    assert_eq!(bargain(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn out_refuses_a_folder_that_is_not_a_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = write(tmp.path(), "fixed.toml", FIXED);
    let precious = tmp.path().join("precious");
    std::fs::create_dir(&precious).expect("dir");
    std::fs::write(precious.join("thesis.tex"), "years of work").expect("write");
    let r = bargain(&[
        "run",
        file.to_str().expect("p"),
        "--quiet",
        "--out",
        precious.to_str().expect("p"),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(precious.join("thesis.tex")).expect("kept"),
        "years of work"
    );
    // A report folder is replaced whole, but a file the user put into it is never
    // deleted: the run is refused and names it.
    let out = tmp.path().join("report");
    let args = [
        "run",
        file.to_str().expect("p"),
        "--quiet",
        "--out",
        out.to_str().expect("p"),
    ];
    ok(&args);
    ok(&args);
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let r = bargain(&args);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("notes.txt"));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "mine"
    );
    assert!(out.join("summary.json").is_file());
}

#[test]
fn several_scenarios_run_in_one_call_with_an_index() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("scen");
    std::fs::create_dir(&dir).expect("dir");
    write(&dir, "a.toml", FIXED);
    write(&dir, "b.toml", UNCERTAIN);
    let out = tmp.path().join("reports");
    ok(&[
        "run",
        dir.to_str().expect("p"),
        "--quiet",
        "--trials",
        "500",
        "--out",
        out.to_str().expect("p"),
    ]);
    for f in [
        "index.html",
        "index.json",
        "distributions.svg",
        "distributions.png",
        "fixed/summary.json",
        "uncertain/summary.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let index = std::fs::read_to_string(out.join("index.html")).expect("index");
    assert!(index.contains("fixed/report.html") && index.contains("uncertain/report.html"));
}

#[test]
fn the_default_command_runs_the_builtin_sma_2019_scenario() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("sma");
    let r = ok(&["run", "--trials", "2000", "--out", out.to_str().expect("p")]);
    let text = String::from_utf8_lossy(&r.stdout);
    assert!(text.contains("Special Measures Agreement"), "{text}");
    let s = summary(&out);
    assert_eq!(s["scenario"]["name"], "sma-2019");
    assert!(
        s["models"]["agents"]["observed"]["percentile"]
            .as_f64()
            .is_some()
    );
    let explain = ok(&["explain"]);
    assert!(String::from_utf8_lossy(&explain.stdout).contains("zone of agreement"));
    let schema: Value = serde_json::from_slice(&ok(&["schema"]).stdout).expect("schema json");
    assert!(schema.is_object());
    assert!(schema["properties"].get("issues").is_none());
    let package: Value =
        serde_json::from_slice(&ok(&["schema", "--package"]).stdout).expect("schema json");
    assert!(package["properties"].get("issues").is_some());
}

/// `explain` names the negotiator types and shows the zone after ratification limits:
/// in the two-level scenario Korea's legislature (1.1) binds before its negotiators' 1.2.
#[test]
fn explain_shows_presets_and_the_zone_after_ratification() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/two-level-schelling.toml");
    let out = ok(&["explain", file.to_str().expect("p")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("zone of agreement after every limit: [1.0000, 1.1000]"),
        "{text}"
    );
    assert!(text.contains("payer's ratification limit"), "{text}");
    assert!(text.contains("negotiator faratin boulware"), "{text}");
    assert!(text.contains("why: not ratified"), "{text}");
}

/// `explain --json` holds the numbers of the text: the same zone (here Korea's
/// ratification limit binding), the negotiator names and each model's outcome.
#[test]
fn explain_json_has_the_numbers_of_the_text() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/two-level-schelling.toml");
    let path = file.to_str().expect("p");
    let text = String::from_utf8_lossy(&ok(&["explain", path]).stdout).into_owned();
    let json: serde_json::Value =
        serde_json::from_slice(&ok(&["explain", path, "--json"]).stdout).expect("json");
    let zone = &json["zone"];
    assert_eq!(zone["ceiling"]["kind"], "ratification", "{json}");
    let (lo, hi) = (
        zone["floor"]["amount"].as_f64().expect("floor"),
        zone["ceiling"]["amount"].as_f64().expect("ceiling"),
    );
    assert!(
        text.contains(&format!("[{lo:.4}, {hi:.4}]")),
        "{text}\n{json}"
    );
    for (model, m) in json["models"].as_object().expect("models") {
        let kind = m["outcome"].as_str().expect("outcome");
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{model} ")))
            .unwrap_or_else(|| panic!("{model} not in {text}"));
        assert!(line.contains(kind), "{line} vs {kind}");
        assert_eq!(m["why"].is_null(), kind == "deal", "{model}: {m}");
    }
}

/// Under a calendar `explain` prints the calendar in dates and each deal's date: a
/// closed form that strikes in round 1 does so on the first day of talks; the lapse is
/// stated for deals after the expiry; calendar inputs have plain-words labels. Without a
/// calendar no date is printed.
#[test]
fn explain_prints_the_calendar_and_deal_dates() {
    let text = String::from_utf8_lossy(&ok(&["explain"]).stdout).into_owned();
    assert!(
        text.contains("calendar: talks from 2018-03-07, the agreement expires after 2018-12-31"),
        "{text}"
    );
    assert!(text.contains("no talks after 2021-01-20"), "{text}");
    let nash = text
        .lines()
        .find(|l| l.trim_start().starts_with("nash "))
        .expect("nash line");
    assert!(
        nash.contains("round 1") && nash.contains("· 2018-03-07 (before expiry)"),
        "{nash}"
    );
    let agents = text
        .lines()
        .find(|l| l.trim_start().starts_with("agents "))
        .expect("agents line");
    let date = agents.split("· ").nth(1).expect("agents date");
    assert!(&date[..10] >= "2018-03-07", "{agents}");
    assert!(
        agents.contains("months of lapse") == (&date[..10] > "2018-12-31"),
        "{agents}"
    );
    assert!(text.contains("calendar: months between rounds"), "{text}");
    assert!(
        text.contains("United States: cost of a month of lapse"),
        "{text}"
    );
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/two-level-schelling.toml");
    let plain = ok(&["explain", file.to_str().expect("p")]);
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert!(
        !plain.contains("calendar:") && !plain.contains(" · "),
        "{plain}"
    );
}

/// `bargain new NAME` writes a starter that validates and runs, and never overwrites.
#[test]
fn new_writes_a_starter_that_validates_and_runs() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_str().expect("p");
    ok(&["new", "my-talks", "--dir", dir]);
    let file = tmp.path().join("my-talks.toml");
    let text = std::fs::read_to_string(&file).expect("starter");
    assert!(text.starts_with("# A starter scenario"), "commented");
    let f = file.to_str().expect("p");
    let v = ok(&["validate", f]);
    assert!(String::from_utf8_lossy(&v.stderr).is_empty(), "no warnings");
    let out = tmp.path().join("out");
    ok(&[
        "run",
        f,
        "--trials",
        "300",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    assert!(out.join("summary.json").is_file());
    // A second `new` refuses to overwrite (exit 2) and leaves the file as it was.
    let again = bargain(&["new", "my-talks", "--dir", dir]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), text);
    assert_eq!(
        bargain(&["new", "Bad Name", "--dir", dir]).status.code(),
        Some(2)
    );
}

/// The form without a verb takes `run`'s options (`bargain -q --trials N --out DIR`).
#[test]
fn the_verbless_form_accepts_run_options() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("builtin");
    let o = ok(&["-q", "--trials", "300", "--out", out.to_str().expect("p")]);
    assert!(o.stdout.is_empty(), "quiet");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(v["trials"], 300);
}

/// The report's zone honours ratification limits (two-level: Korea's legislature, 1.1,
/// binds before its negotiators' 1.2), and closed-form markers appear only for models
/// that ran.
#[test]
fn report_zone_after_ratification_and_markers_only_for_models_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/two-level-schelling.toml");
    let text = std::fs::read_to_string(&file).expect("read");
    let out = tmp.path().join("tl");
    ok(&[
        "run",
        file.to_str().expect("p"),
        "--trials",
        "500",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(
        html.contains("<strong>1.000 – 1.100"),
        "zone after ratification"
    );
    // Only the agents: no closed-form marker in the amounts plot.
    let models_line = text
        .lines()
        .find(|l| l.starts_with("models"))
        .expect("models line");
    let agents_only = write(
        tmp.path(),
        "agents-only.toml",
        &text.replace(models_line, "models = [\"agents\"]"),
    );
    let out2 = tmp.path().join("agents");
    ok(&[
        "run",
        agents_only.to_str().expect("p"),
        "--trials",
        "500",
        "-q",
        "--out",
        out2.to_str().expect("p"),
    ]);
    let svg = std::fs::read_to_string(out2.join("amounts.svg")).expect("svg");
    for m in ["nash", "rubinstein", "stahl", "closed form"] {
        assert!(!svg.contains(m), "{m} marker in an agents-only run");
    }
}

/// The dance plot shows one trial of each outcome the agents reached (sma-2021's first
/// four trials have no deal; the plot must still show one).
#[test]
fn dance_shows_one_trial_of_each_outcome() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2021.toml");
    let out = tmp.path().join("r");
    ok(&[
        "run",
        file.to_str().expect("p"),
        "--trials",
        "2000",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("s"))
            .expect("json");
    let svg = std::fs::read_to_string(out.join("dance.svg")).expect("svg");
    let outcomes = summary["models"]["agents"]["outcomes"]
        .as_object()
        .expect("outcomes");
    for (kind, n) in outcomes {
        if n.as_u64().unwrap_or(0) > 0 {
            let word = kind.replace('_', " ");
            assert!(
                svg.contains(&format!(": {word}")),
                "no {word} trial in the dance plot"
            );
        }
    }
}

/// `--histogram` chooses how the amounts histogram is scaled: by default as shares of all
/// a model's trials, with `own-deals` as shares of its deals; other files are unchanged.
#[test]
fn histogram_option_scales_the_amounts_plot() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2021.toml");
    let f = file.to_str().expect("p");
    let svg = |flag: Option<&str>| {
        let out = tmp.path().join(flag.unwrap_or("default"));
        let o = out.to_str().expect("p");
        let mut args = vec!["run", f, "--trials", "1000", "-q", "--out", o];
        if let Some(v) = flag {
            args.extend(["--histogram", v]);
        }
        ok(&args);
        (
            std::fs::read_to_string(out.join("amounts.svg")).expect("amounts.svg"),
            std::fs::read_to_string(out.join("summary.json")).expect("summary"),
        )
    };
    let (default, s1) = svg(None);
    let (all, _) = svg(Some("all-trials"));
    let (own, s2) = svg(Some("own-deals"));
    assert_eq!(default, all);
    assert!(default.contains("share of all trials"), "default title");
    assert!(
        own.contains("share of the model&apos;s deals") && !own.contains("share of all trials"),
        "own-deals title"
    );
    assert_eq!(s1, s2, "the numbers do not depend on the plot");
    let bad = bargain(&["run", f, "--histogram", "per-model", "-q"]);
    assert_eq!(bad.status.code(), Some(2));
}
