//! Figures quoted in docs/ are recomputed at the quoted trial count; the test fails when a
//! quoted figure no longer matches what the command prints.

use crate::common;
use common::ok;

use std::path::Path;

use serde_json::Value;

/// docs/analysis.md, Sweeps: the agents' median and agreement rate at the two ends of a
/// sweep of the US opening on sma-2019 (100,000 trials, the scenario's seed).
#[test]
fn the_sweep_figures_quoted_in_analysis_md_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/analysis.md")).expect("analysis.md");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("sweep");
    ok(&[
        "sweep",
        root.join("scenarios/sma-2019.toml").to_str().expect("p"),
        "--sweep",
        "parties.us.opening=1.2,2.5",
        "--trials",
        "100000",
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).expect("json"))
            .expect("parse");
    let agents = |i: usize| &v["points"][i]["models"]["agents"];
    let rate = |i: usize| 100.0 * agents(i)["agreement_rate"].as_f64().expect("rate");
    let median = |i: usize| agents(i)["p50"].as_f64().expect("p50");
    let quoted = format!(
        "US opening ({:.2} at 1.2 to {:.2} at 2.5) while the agreement rate falls ({:.1}% to {:.1}%)",
        median(0),
        median(1),
        rate(0),
        rate(1)
    );
    assert!(
        doc.contains(&quoted),
        "docs/analysis.md no longer matches the sweep; it should read:\n{quoted}"
    );
}

/// The repository root.
fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A document with every run of whitespace collapsed to one space (quotes wrap lines).
fn doc(name: &str) -> String {
    let text = std::fs::read_to_string(root().join(name)).expect("read doc");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Run `scenarios` (names under `scenarios/`) into a fresh folder with `extra` options;
/// returns the folder (kept alive by the returned guard) with one report per scenario.
fn run(scenarios: &[&str], extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("runs");
    let files: Vec<String> = scenarios
        .iter()
        .map(|s| {
            root()
                .join(format!("scenarios/{s}.toml"))
                .to_str()
                .expect("p")
                .to_string()
        })
        .collect();
    let mut args: Vec<&str> = vec!["run"];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    args.extend(["-q", "--out", out.to_str().expect("p")]);
    ok(&args);
    (tmp, out)
}

fn summary(dir: &Path, scenario: &str) -> Value {
    let path = if dir.join("summary.json").is_file() {
        dir.join("summary.json")
    } else {
        dir.join(scenario).join("summary.json")
    };
    serde_json::from_str(&std::fs::read_to_string(path).expect("summary")).expect("parse")
}

fn share(m: &Value, kind: &str) -> f64 {
    100.0 * m["outcomes"][kind].as_f64().expect("count") / m["trials"].as_f64().expect("trials")
}

fn assert_quoted(doc_name: &str, text: &str, quoted: &str) {
    assert!(
        text.contains(quoted),
        "{doc_name} no longer matches the run; it should read:\n{quoted}"
    );
}

/// README.md, "What the main command does": the headline table of sma-2019 (100,000
/// trials, seed 2019) and the paragraph that reads it.
#[test]
fn the_readme_headline_holds() {
    let (_keep, out) = run(&["sma-2019"], &[]);
    let s = summary(&out, "sma-2019");
    let readme = doc("README.md");
    for model in [
        "agents",
        "rubinstein",
        "stahl",
        "nash",
        "kalai-smorodinsky",
        "brw",
    ] {
        let m = &s["models"][model];
        let q = |k: &str| m["amount"]["quantiles"][k].as_f64().expect("quantile");
        let t = &m["timing"];
        // No deal after the expiry: no lapse, `-` in the table.
        let lapse = t["lapse_months"]["quantiles"]["p50"]
            .as_f64()
            .map_or_else(|| "-".to_owned(), |x| format!("{x:.1}"));
        let row = format!(
            "{:.4} {:.4} {:.4} {:.4} {:.4} {:.1} {:.1} {lapse} {:.0}%",
            q("p05"),
            q("p25"),
            q("p50"),
            q("p75"),
            q("p95"),
            m["round"]["mean"].as_f64().expect("round"),
            100.0 * t["before_expiry"].as_f64().expect("before expiry"),
            100.0 * m["observed"]["percentile"].as_f64().expect("pct"),
        );
        assert_quoted("README.md", &readme, &format!("{model} "));
        assert_quoted("README.md", &readme, &row);
    }
    let agents = &s["models"]["agents"];
    let nash = &s["models"]["nash"];
    let prose = format!(
        "agents conclude in {:.1}% of trials (the rest break down): most before the expiry \
         ({:.0}%), the others after a short lapse (median {:.1} months)",
        100.0 * agents["agreement_rate"].as_f64().expect("rate"),
        100.0 * agents["timing"]["before_expiry"].as_f64().expect("b"),
        agents["timing"]["lapse_months"]["quantiles"]["p50"]
            .as_f64()
            .expect("l"),
    );
    assert_quoted("README.md", &readme, &prose);
    // The forecast's reservation ranges meet: the closed forms always find a zone and
    // strike at once, so they have no lapse to quote.
    assert!(nash["timing"]["lapse_months"].is_null());
    let closed = format!(
        "the closed forms strike at once ({:.0}% before the expiry)",
        100.0 * nash["timing"]["before_expiry"].as_f64().expect("b"),
    );
    assert_quoted("README.md", &readme, &closed);
}

/// README.md (backtest section) and docs/scenarios-catalogue.md: the agents' agreement
/// rates of the four SMA scenarios with 20,000 trials (the files' seeds).
#[test]
fn the_sma_agreement_rates_at_20000_trials_hold() {
    let names = ["sma-2014", "sma-2019", "sma-2021", "sma-2024"];
    let (_keep, out) = run(&names, &["--trials", "20000"]);
    let rate: Vec<String> = names
        .iter()
        .map(|n| {
            let r = summary(&out, n)["models"]["agents"]["agreement_rate"]
                .as_f64()
                .expect("rate");
            format!("{:.0}%", 100.0 * r)
        })
        .collect();
    assert_quoted(
        "docs/scenarios-catalogue.md",
        &doc("docs/scenarios-catalogue.md"),
        &format!(
            "20,000 trials the agents now conclude in {} (2014), {} (2019), {} (2021) and {} (2024)",
            rate[0], rate[1], rate[2], rate[3]
        ),
    );
    assert_quoted(
        "README.md",
        &doc("README.md"),
        &format!(
            "the agents model concludes in {}, {}, {} and {} of trials (2014, 2019, 2021, 2024)",
            rate[0], rate[1], rate[2], rate[3]
        ),
    );
}

/// docs/scenarios-catalogue.md: the headlines of the scenarios without a calendar
/// (deadline-pressure, negmas-mixed, two-level-schelling), at their own trial counts.
#[test]
fn the_catalogue_headlines_hold() {
    let names = ["deadline-pressure", "negmas-mixed", "two-level-schelling"];
    let (_keep, out) = run(&names, &[]);
    let catalogue = doc("docs/scenarios-catalogue.md");
    let agents = |n: &str| summary(&out, n)["models"]["agents"].clone();
    let q = |m: &Value, k: &str| m["amount"]["quantiles"][k].as_f64().expect("quantile");

    let dp = agents("deadline-pressure");
    assert_quoted(
        "docs/scenarios-catalogue.md",
        &catalogue,
        &format!("Agents deal {:.1}%.", share(&dp, "deal")),
    );

    let nm = agents("negmas-mixed");
    assert_quoted(
        "docs/scenarios-catalogue.md",
        &catalogue,
        &format!(
            "Agents deal {:.0}% (median {:.3}, p05–p95 {:.3}–{:.3})",
            share(&nm, "deal"),
            q(&nm, "p50"),
            q(&nm, "p05"),
            q(&nm, "p95")
        ),
    );

    let tl = summary(&out, "two-level-schelling");
    assert_quoted(
        "docs/scenarios-catalogue.md",
        &catalogue,
        &format!(
            "and {:.0}% end `not_ratified`",
            share(&tl["models"]["nash"], "not_ratified")
        ),
    );
    let a = &tl["models"]["agents"];
    let signed = share(a, "deal") + share(a, "not_ratified");
    assert_quoted(
        "docs/scenarios-catalogue.md",
        &catalogue,
        &format!(
            "{:.0}% of their deals fail ratification",
            100.0 * share(a, "not_ratified") / signed
        ),
    );
}

/// `summary.json` of `bargain run FILE` at the file's own trial count and seed.
fn run_summary(root: &Path, file: &str) -> Value {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("run");
    ok(&[
        "run",
        root.join(file).to_str().expect("p"),
        "-q",
        "--out",
        out.to_str().expect("p"),
    ]);
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json"))
        .expect("parse")
}

/// README, "Packages": what sma-2019-package.toml says about the term, amount and
/// escalator (20,000 trials, the scenario's own count and seed).
#[test]
fn the_package_figures_quoted_in_the_readme_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = run_summary(&root, "scenarios/sma-2019-package.toml");
    assert_eq!(s["trials"], 20000);
    let nash = &s["models"]["nash"];
    let term = &nash["issues"]["term"];
    let amount = &nash["issues"]["amount"];
    let f = |v: &Value| v.as_f64().expect("number");
    let counts = &nash["issues"]["escalation"]["counts"];
    let cpi = 100.0 * f(&counts["cpi-cap-4"]) / f(&nash["outcomes"]["deal"]);
    let quoted = format!(
        "(`nash`: median {}, mean {:.2}, 5th percentile {} year), at a median ₩{:.2}tn (p05–p95 {:.2}–{:.2}) with the CPI-capped escalator in {:.0}% of trials",
        f(&term["p50"]),
        f(&term["mean"]),
        f(&term["p05"]),
        f(&amount["p50"]),
        f(&amount["p05"]),
        f(&amount["p95"]),
        cpi
    );
    assert!(flat.contains(&quoted), "README should say: {quoted}");
    let mw = &s["models"]["max-welfare"]["issues"]["term"];
    assert!(
        f(&mw["p05"]) == 3.0
            && f(&mw["p95"]) == 3.0
            && flat.contains("`max-welfare` picks 3 years in at least 90% of trials (its 5th and 95th percentiles are both 3)"),
        "max-welfare term {mw}"
    );
}

/// README, "Packages": what `scenarios/sma-2014-package.toml` says (20,000 trials, the
/// file's seed): `nash`'s amount, term and escalator, and the agents' term.
#[test]
fn the_2014_package_figures_quoted_in_the_readme_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = run_summary(&root, "scenarios/sma-2014-package.toml");
    assert_eq!(s["trials"], 20000);
    let f = |v: &Value| v.as_f64().expect("number");
    let nash = &s["models"]["nash"];
    let (amount, term) = (&nash["issues"]["amount"], &nash["issues"]["term"]);
    let counts = &nash["issues"]["escalation"]["counts"];
    let quoted = format!(
        "`nash` puts the deal at a median ₩{:.3}tn (p05–p95 {:.3}–{:.3}) for a median **{}-year** term (mean {:.2}) with the CPI-capped escalator in {:.0}% of trials",
        f(&amount["p50"]),
        f(&amount["p05"]),
        f(&amount["p95"]),
        f(&term["p50"]),
        f(&term["mean"]),
        100.0 * f(&counts["cpi-cap-4"]) / f(&nash["outcomes"]["deal"]),
    );
    assert!(flat.contains(&quoted), "README should say: {quoted}");
    let agents = &s["models"]["agents"]["issues"]["term"];
    let quoted = format!(
        "the `agents` spread the term over {}–{} years (median {})",
        f(&agents["p05"]),
        f(&agents["p95"]),
        f(&agents["p50"]),
    );
    assert!(flat.contains(&quoted), "README should say: {quoted}");
}

/// README, "Backtest": the sentence on `sma-2014-package` quotes the committed report
/// (probabilities of the observed term and escalator per model, the amount in every 50%
/// interval).
#[test]
fn the_2014_package_backtest_sentence_quotes_the_committed_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let b: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/backtest/backtest.json")).expect("report"),
    )
    .expect("json");
    let p = b["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "sma-2014-package")
        .expect("sma-2014-package in the committed report");
    let models = ["agents", "nash", "kalai-smorodinsky", "max-welfare"];
    let issue = |m: &str, key: &str| -> Value {
        p["models"][m]["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["issue"] == key)
            .cloned()
            .expect("issue")
    };
    let prob =
        |m: &str, key: &str| format!("{:.2}", issue(m, key)["probability"].as_f64().expect("p"));
    let quoted = format!(
        "the probability of the observed term (5 years) is {} (agents), {} (nash), {} (kalai-smorodinsky) and {} (max-welfare), of the observed escalator (CPI capped at 4%) {}, {}, {} and {}, and the observed amount lies inside every model's 50% interval",
        prob(models[0], "term"),
        prob(models[1], "term"),
        prob(models[2], "term"),
        prob(models[3], "term"),
        prob(models[0], "escalation"),
        prob(models[1], "escalation"),
        prob(models[2], "escalation"),
        prob(models[3], "escalation"),
    );
    assert!(flat.contains(&quoted), "README should say: {quoted}");
    for m in models {
        assert_eq!(issue(m, "amount")["in_50"], true, "{m}");
    }
}

/// README, "Backtest": the percentile table quotes the committed report
/// `docs/backtest/backtest.json` (each observed amount's percentile and each model's
/// agreement rate, rounded to whole percents).
#[test]
fn the_backtest_table_quotes_the_committed_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let b: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/backtest/backtest.json")).expect("report"),
    )
    .expect("json");
    let rows = [
        ("sma-2014", "9th, 2014"),
        ("sma-2019", "10th, 2019"),
        ("sma-2021", "11th, 2021"),
        ("sma-2024", "12th, 2024"),
    ];
    for (name, label) in rows {
        let s = b["scenarios"]
            .as_array()
            .expect("scenarios")
            .iter()
            .find(|s| s["name"] == name)
            .expect("scenario in the report");
        let cell = |m: &str| {
            let c = &s["models"][m];
            format!(
                "{:.0}% ({:.0}%)",
                100.0 * c["percentile"].as_f64().expect("percentile"),
                100.0 * c["agreement_rate"].as_f64().expect("rate")
            )
        };
        let row = format!("| {label} | ");
        let line = readme
            .lines()
            .find(|l| l.starts_with(&row) && l.contains('%') && !l.contains('-'))
            .unwrap_or_else(|| panic!("README row {label}"));
        let want = format!(
            "| {} | {} | {} |",
            cell("agents"),
            cell("nash"),
            cell("stahl")
        );
        assert!(line.ends_with(&want), "{line}\nshould end with {want}");
    }
}
