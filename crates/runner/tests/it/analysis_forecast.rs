//! Forecast scores of `bargain backtest` (issue #24): the exact CRPS recomputed by hand
//! from `trials.csv`, the naive baselines recomputed from the scenario file, and the
//! climatology of deals before the expiry by Laplace's rule over earlier cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use crate::common::{json, ok, write};

/// The SMA 2019 nowcast: the tests below add `as_of` and dated sources to a file that has
/// neither (the shipped sma-2019.toml is a dated forecast already).
fn sma_2019() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/nowcast/sma-2019-nowcast.toml")
}

/// CRPS by its definition, E|X − y| − ½ E|X − X′|, over every ordered pair.
fn crps_by_hand(xs: &[f64], y: f64) -> f64 {
    let n = xs.len() as f64;
    let a: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    let b: f64 = xs
        .iter()
        .map(|x| xs.iter().map(|z| (x - z).abs()).sum::<f64>())
        .sum();
    a - 0.5 * b / (n * n)
}

#[test]
fn backtest_crps_pit_and_ape_equal_a_hand_computation_from_trials_csv() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let bt = dir.path().join("bt");
    let file = sma_2019();
    let f = file.to_str().unwrap();
    ok(&[
        "run",
        f,
        "--trials",
        "1500",
        "--quiet",
        "--trials-csv",
        "--out",
        run.to_str().unwrap(),
    ]);
    ok(&[
        "backtest",
        f,
        "--trials",
        "1500",
        // Only the file's models: `agents-learning` has no columns in this trials.csv.
        "--no-learning",
        "--quiet",
        "--out",
        bt.to_str().unwrap(),
    ]);
    let b = json(&bt.join("backtest.json"));
    assert_eq!(b["version"], 3);
    let sc = &b["scenarios"][0];
    let y = sc["observed"].as_f64().unwrap();
    let csv = std::fs::read_to_string(run.join("trials.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 1500);
    let mut checked = 0;
    for (model, m) in sc["models"].as_object().unwrap() {
        let kind = header
            .iter()
            .position(|h| *h == format!("{model}.kind"))
            .unwrap();
        let amount = header
            .iter()
            .position(|h| *h == format!("{model}.amount"))
            .unwrap();
        let mut deals: Vec<f64> = rows
            .iter()
            .filter(|r| r[kind] == "deal")
            .map(|r| r[amount].parse::<f64>().unwrap())
            .collect();
        assert_eq!(m["deals"].as_u64().unwrap(), deals.len() as u64, "{model}");
        if deals.is_empty() {
            continue;
        }
        let crps = crps_by_hand(&deals, y);
        let got = m["crps"].as_f64().unwrap();
        assert!(
            (got - crps).abs() <= 1e-9 * crps.abs().max(1e-3),
            "{model}: {got} vs {crps}"
        );
        deals.sort_by(f64::total_cmp);
        let n = deals.len();
        let below = deals.iter().filter(|&&x| x < y).count() as f64;
        let equal = deals.iter().filter(|&&x| x == y).count() as f64;
        let pit = (below + 0.5 * equal) / n as f64;
        assert_eq!(m["pit"].as_f64().unwrap(), pit, "{model}");
        let median = deals[((n - 1) as f64 * 0.5).round() as usize];
        assert_eq!(m["median"].as_f64().unwrap(), median, "{model}");
        let ape = (median - y).abs() / y;
        assert!((m["ape"].as_f64().unwrap() - ape).abs() < 1e-15, "{model}");
        checked += 1;
    }
    assert!(checked >= 4, "several models scored");

    // The baselines, from the file's [baseline] by hand.
    let doc: toml::Table = std::fs::read_to_string(&file).unwrap().parse().unwrap();
    let base = doc["baseline"].as_table().unwrap();
    let year = base["year"].as_integer().unwrap();
    let mut amounts: Vec<(i64, f64)> = base["amounts"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_float().unwrap()))
        .collect();
    amounts.sort_by_key(|a| a.0);
    let (y_last, last) = *amounts.last().unwrap();
    let window = &amounts[amounts.len().saturating_sub(5)..];
    let (y0, a0) = window[0];
    let trend = last
        * (last / a0)
            .powf(1.0 / (y_last - y0) as f64)
            .powf((year - y_last) as f64);
    let bl = &sc["baselines"];
    for (name, forecast) in [("previous", last), ("trend", trend)] {
        assert!(
            (bl[name]["forecast"].as_f64().unwrap() - forecast).abs() < 1e-15,
            "{name}"
        );
        assert!((bl[name]["ape"].as_f64().unwrap() - (forecast - y).abs() / y).abs() < 1e-15);
        assert!((bl[name]["crps"].as_f64().unwrap() - (forecast - y).abs()).abs() < 1e-15);
    }
    // Skill of every scored model against both amount baselines, with an interval.
    let skill = &b["skill"]["nash"];
    for base in ["previous", "trend"] {
        let s = &skill[base];
        let expect = 1.0
            - sc["models"]["nash"]["crps"].as_f64().unwrap() / bl[base]["crps"].as_f64().unwrap();
        assert!(
            (s["skill"].as_f64().unwrap() - expect).abs() < 1e-12,
            "{base}"
        );
        assert_eq!(s["cases"], 1);
        assert!(s["note"].as_str().unwrap().contains("one case"));
    }
    // The terminal table names the baselines and the skill.
    let out = ok(&[
        "backtest",
        f,
        "--trials",
        "500",
        "--out",
        dir.path().join("bt2").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("baseline previous") && text.contains("baseline trend"),
        "{text}"
    );
    assert!(text.contains("skill against naive baselines"), "{text}");
}

/// One stylized case: talks from `start`, the old agreement expiring at `expiry`, the deal
/// observed on `date`.
fn case(dir: &Path, name: &str, start: &str, expiry: &str, date: &str) -> std::path::PathBuf {
    write(
        dir,
        &format!("{name}.toml"),
        &format!(
            r#"[scenario]
name = "{name}"
unit = "u"
[run]
trials = 200
seed = 1
models = ["nash", "agents"]
[protocol]
max_rounds = 8
first_mover = "a"
[calendar]
start = "{start}"
expiry = "{expiry}"
round_months = 1
[parties.a]
side = "payee"
opening = 1.4
reservation = {{ uniform = [0.9, 1.0] }}
lapse_cost = 0.01
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.b]
side = "payer"
opening = 0.8
reservation = {{ uniform = [1.0, 1.1] }}
lapse_cost = 0.01
strategy = {{ kind = "time-based", preset = "linear" }}
[observed]
amount = 1.0
date = "{date}"
"#
        ),
    )
}

#[test]
fn climatology_is_laplaces_rule_over_the_earlier_cases_of_the_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Case 1: before expiry; case 2: after (a lapse); case 3: before; case 4 overlaps
    // case 3 (its start precedes case 3's expiry), so only cases 1 and 2 are earlier.
    case(d, "c1", "2000-01-01", "2000-06-30", "2000-05-01");
    case(d, "c2", "2001-01-01", "2001-06-30", "2001-08-01");
    case(d, "c3", "2002-01-01", "2002-06-30", "2002-03-01");
    case(d, "c4", "2002-05-01", "2002-12-31", "2002-11-01");
    let out = d.join("bt");
    ok(&[
        "backtest",
        d.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let b = json(&out.join("backtest.json"));
    let by_name = |n: &str| {
        b["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == n)
            .unwrap()
            .clone()
    };
    // (name, earlier cases, of them before expiry, this one before expiry)
    for (name, cases, hits, hit) in [
        ("c1", 0u64, 0u64, true),
        ("c2", 1, 1, false),
        ("c3", 2, 1, true),
        ("c4", 2, 1, true),
    ] {
        let c = &by_name(name)["baselines"]["climatology"];
        let p = (hits as f64 + 1.0) / (cases as f64 + 2.0);
        assert_eq!(c["cases"].as_u64().unwrap(), cases, "{name}");
        assert_eq!(c["deals_before_expiry"].as_u64().unwrap(), hits, "{name}");
        assert!((c["p"].as_f64().unwrap() - p).abs() < 1e-15, "{name}");
        let brier = (p - f64::from(u8::from(hit))).powi(2);
        assert!(
            (c["brier"].as_f64().unwrap() - brier).abs() < 1e-15,
            "{name}"
        );
    }
    // Timing skill against climatology, for every model with timing scores.
    let s = &b["skill"]["nash"]["climatology"];
    assert_eq!(s["cases"], 4);
    assert!(s["note"].as_str().unwrap().contains("only 4 cases"));
}

#[test]
fn a_baseline_year_at_or_after_the_forecast_year_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sma_2019()).unwrap();
    let bad = text.replace("2018 = 0.9602", "2019 = 0.9602");
    let f = write(dir.path(), "bad.toml", &bad);
    let out = crate::common::bargain(&["validate", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = bad
        .lines()
        .position(|l| l.contains("2019 = 0.9602"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("bad.toml:{line}:")) && err.contains("baseline.amounts.2019"),
        "{err}"
    );
    let bad_date = text.replacen("[scenario]\n", "[scenario]\nas_of = \"2018-02-30\"\n", 1);
    let f = write(dir.path(), "bad-date.toml", &bad_date);
    let out = crate::common::bargain(&["validate", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scenario.as_of"));
}

/// `[scenario] as_of` and dated sources: a source dated after `as_of` and an undated source
/// are located warnings, errors under `validate --strict` (exit 2).
#[test]
fn sources_dated_after_as_of_warn_and_fail_under_strict() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sma_2019()).unwrap();
    let dated = text.replacen("[scenario]\n", "[scenario]\nas_of = \"2018-03-07\"\n", 1);
    // Replace the whole sources list by three: before, after and undated.
    let start = dated.find("sources = [").unwrap();
    let end = start + dated[start..].find("\n]\n").unwrap() + 3;
    let sources = "sources = [\n  { key = \"S20\", date = \"2018-02-01\", what = \"an early report\" },\n  { key = \"S33\", date = \"2019-02-03\", what = \"a late report\" },\n  \"an undated note\",\n]\n";
    let with_sources = format!("{}{}{}", &dated[..start], sources, &dated[end..]);
    let f = write(dir.path(), "dated.toml", &with_sources);
    let late_line = with_sources
        .lines()
        .position(|l| l.contains("key = \"S33\""))
        .unwrap()
        + 1;
    let out = ok(&["validate", f.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("dated.toml:{late_line}:"))
            && stdout.contains("source S33 is dated 2019-02-03, after as_of 2018-03-07"),
        "{stdout}"
    );
    assert!(stdout.contains("source 3 has no date"), "{stdout}");
    assert!(!stdout.contains("S20 is dated"), "{stdout}");
    let strict = crate::common::bargain(&["validate", "--strict", f.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(2));
    let err = String::from_utf8_lossy(&strict.stderr);
    assert!(
        err.contains("source S33") && err.contains("--strict"),
        "{err}"
    );
    // Without as_of nothing is said, and --strict passes.
    let plain = write(
        dir.path(),
        "plain.toml",
        &format!(
            "{}{}{}",
            &text[..text.find("sources = [").unwrap()],
            sources,
            &text[text.find("sources = [").unwrap()
                + text[text.find("sources = [").unwrap()..]
                    .find("\n]\n")
                    .unwrap()
                + 3..]
        ),
    );
    let out = ok(&["validate", "--strict", plain.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("information set"));
    // A bad source date is an error.
    let bad = write(
        dir.path(),
        "bad.toml",
        &with_sources.replace("2019-02-03", "2019-02-31"),
    );
    let out = crate::common::bargain(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scenario.sources[1].date"));
}
