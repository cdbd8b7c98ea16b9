//! The package outputs of issue #21 item 5 that one-issue runs already had, through the
//! binary on `scenarios/sma-2019-package.toml`: the report's timing plot and section,
//! the sweep's issue figure, the issue rows of `compare.csv`, and a paired compare whose
//! sides are exactly their own runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{json, ok};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn package() -> String {
    root()
        .join("scenarios/sma-2019-package.toml")
        .display()
        .to_string()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("svg parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

/// A package with a calendar draws the timing plot (dated axis, expiry and observed date
/// marked, units) and the page's "Timing" section with a row per model whose numbers are
/// the summary's; a package without a calendar draws neither.
#[test]
fn package_report_has_the_timing_plot_and_section() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    ok(&[
        "run",
        &package(),
        "--trials",
        "1500",
        "--seed",
        "5",
        "-q",
        "--out",
        &s(&out),
    ]);
    for ext in ["svg", "png"] {
        assert!(out.join(format!("timing.{ext}")).is_file(), "timing.{ext}");
    }
    let svg = std::fs::read_to_string(out.join("timing.svg")).unwrap();
    let texts = svg_texts(&svg);
    let has = |t: &str| texts.iter().any(|x| x.contains(t));
    assert!(has("expiry 2018-12-31"), "{texts:?}");
    assert!(has("observed 2019-02-10"), "{texts:?}");
    assert!(has("date (first day of the month)") && has("P(deal by date)"));
    // A dated axis: month ticks from the start of talks (March 2018).
    assert!(has("Mar 2018"), "{texts:?}");
    let summary = json(&out.join("summary.json"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Timing</h2>"));
    assert!(html.contains("expires after 2018-12-31"));
    for (name, m) in summary["models"].as_object().unwrap() {
        let t = &m["timing"];
        let row = format!(
            "{name}</td><td>{:.1}</td><td>{:.1}</td>",
            100.0 * t["before_expiry"].as_f64().unwrap(),
            100.0 * t["lapse_rate"].as_f64().unwrap()
        );
        assert!(html.contains(&row), "{row} not in report.html");
    }

    // No calendar: no timing plot, no section.
    let plain = dir.path().join("plain");
    ok(&[
        "run",
        &s(&root().join("benches/data/package-600.toml")),
        "--trials",
        "20",
        "-q",
        "--out",
        &s(&plain),
    ]);
    assert!(!plain.join("timing.svg").exists());
    let html = std::fs::read_to_string(plain.join("report.html")).unwrap();
    assert!(!html.contains("<h2>Timing</h2>"));
}

/// A one-field sweep of a package draws its non-amount issues per model: medians with
/// their 5–95% band for numbers (the band's ends are in `sweep.json`), stacked shares of
/// each label for choices (summing to one per point with deals), axes with units.
#[test]
fn package_sweep_draws_each_issue() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    ok(&[
        "sweep",
        &package(),
        "--sweep",
        "parties.us.utility.reservation=0.1,0.3,0.5",
        "--trials",
        "200",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&out),
    ]);
    for ext in ["svg", "png"] {
        assert!(out.join(format!("sweep-issues.{ext}")).is_file());
    }
    let sweep = json(&out.join("sweep.json"));
    let term = &sweep["issues"][1];
    assert_eq!(term["key"], "term");
    assert_eq!(term["unit"], "years");
    assert_eq!(
        sweep["issues"][2]["labels"],
        serde_json::json!(["none", "cpi-cap-4", "defense-budget"])
    );
    let mut dealt = 0;
    for p in sweep["points"].as_array().unwrap() {
        for (name, m) in p["models"].as_object().unwrap() {
            if m["deals"].as_u64().unwrap() == 0 {
                continue;
            }
            dealt += 1;
            let t = &m["issues"]["term"];
            let (lo, mid, hi) = (
                t["p05"].as_f64().unwrap(),
                t["p50"].as_f64().unwrap(),
                t["p95"].as_f64().unwrap(),
            );
            assert!(lo <= mid && mid <= hi, "{name}: {t}");
            let shares = m["issues"]["escalation"]["shares"].as_object().unwrap();
            let total: f64 = shares.values().map(|v| v.as_f64().unwrap()).sum();
            assert!((total - 1.0).abs() < 1e-12, "{name}: {total}");
            let mode = m["issues"]["escalation"]["mode"].as_str().unwrap();
            assert_eq!(shares[mode], m["issues"]["escalation"]["share"]);
        }
    }
    assert!(dealt > 0);
    let svg = std::fs::read_to_string(out.join("sweep-issues.svg")).unwrap();
    let texts = svg_texts(&svg);
    let has = |t: &str| texts.iter().any(|x| x.contains(t));
    for t in [
        "term (years)",
        "escalation",
        "share of deals",
        "defense-budget",
        "Sweep of parties.us.utility.reservation",
        "reservation (utility, 0–1)",
    ] {
        assert!(has(t), "`{t}` not in sweep-issues.svg: {texts:?}");
    }
    for model in sweep["models"].as_array().unwrap() {
        assert!(has(model.as_str().unwrap()));
    }
    let page = std::fs::read_to_string(out.join("sweep.html")).unwrap();
    assert!(page.contains("5–95% band"), "the page shows the figure");

    // A one-issue sweep draws no issue figure.
    let one = dir.path().join("one");
    ok(&[
        "sweep",
        &s(&root().join("scenarios/sma-2019.toml")),
        "--sweep",
        "protocol.breakdown_risk=0.01,0.02",
        "--trials",
        "100",
        "-q",
        "--out",
        &s(&one),
    ]);
    assert!(!one.join("sweep-issues.svg").exists());
}

/// Cells of a CSV (no quoted commas in these files).
fn csv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// `compare.csv` of two package files has, after the model rows, a row per model and
/// number issue (means, medians and their differences as `compare.json` has them) and a
/// row per model, choice issue and label (each side's share of deals, from its summary,
/// and the difference with its standard error).
#[test]
fn package_compare_csv_has_issue_rows() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(package()).unwrap();
    let b = dir.path().join("b.toml");
    let edited = text.replacen(
        "reservation = { uniform = [0.2, 0.4] }",
        "reservation = 0.45",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&b, edited).unwrap();
    let out = dir.path().join("c");
    ok(&[
        "compare",
        &package(),
        &s(&b),
        "--trials",
        "400",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&out),
    ]);
    let c = json(&out.join("compare.json"));
    let (sa, sb) = (
        json(&out.join("a.summary.json")),
        json(&out.join("b.summary.json")),
    );
    let cells = csv(&out.join("compare.csv"));
    let col = |name: &str| cells[0].iter().position(|h| h == name).expect(name);
    let row = |key: &str| {
        cells
            .iter()
            .find(|r| r[0] == key)
            .unwrap_or_else(|| panic!("no row {key}"))
    };
    let f = |r: &Vec<String>, name: &str| r[col(name)].parse::<f64>().ok();
    let models = c["models"].as_object().unwrap();
    let labels = ["none", "cpi-cap-4", "defense-budget"];
    assert_eq!(
        cells.len() - 1,
        models.len() * (1 + 2 + labels.len()),
        "a model row, amount and term rows, a row per escalation label"
    );
    for (name, m) in models {
        for issue in ["amount", "term"] {
            let r = row(&format!("{name}.{issue}"));
            let i = &m["issues"][issue];
            assert_eq!(f(r, "mean_diff"), i["mean"]["estimate"].as_f64());
            assert_eq!(f(r, "mean_se"), i["mean"]["se"].as_f64());
            assert_eq!(f(r, "median_diff"), i["median"]["estimate"].as_f64());
            assert_eq!(
                f(r, "a_mean"),
                sa["models"][name]["issues"][issue]["mean"].as_f64()
            );
            assert_eq!(
                f(r, "b_median"),
                sb["models"][name]["issues"][issue]["p50"].as_f64()
            );
            assert_eq!(r[col("agreement_rate_diff")], "");
        }
        // The amount issue's median difference has the amount row's error; the term's
        // (an integer without a histogram) has none.
        assert_eq!(
            f(row(&format!("{name}.amount")), "median_se"),
            m["median"]["se"].as_f64()
        );
        assert_eq!(row(&format!("{name}.term"))[col("median_se")], "");
        let mut totals = [0.0, 0.0];
        for l in labels {
            let r = row(&format!("{name}.escalation={l}"));
            let share = |sum: &Value| {
                let deals = sum["models"][name]["outcomes"]["deal"].as_f64().unwrap();
                let n = sum["models"][name]["issues"]["escalation"]["counts"][l]
                    .as_f64()
                    .unwrap_or(0.0);
                n / deals
            };
            let (a, b) = (f(r, "a_mean").unwrap(), f(r, "b_mean").unwrap());
            assert_eq!(a, share(&sa), "{name} {l}");
            assert_eq!(b, share(&sb), "{name} {l}");
            assert_eq!(f(r, "mean_diff"), Some(b - a));
            let se = (a * (1.0 - a) / f(r, "a_deals").unwrap()
                + b * (1.0 - b) / f(r, "b_deals").unwrap())
            .sqrt();
            assert!((f(r, "mean_se").unwrap() - se).abs() < 1e-15, "{name} {l}");
            totals[0] += a;
            totals[1] += b;
        }
        for t in totals {
            assert!((t - 1.0).abs() < 1e-12, "{name}: shares sum to {t}");
        }
    }
}

/// A paired compare of two package files runs each once, side by side, and each side's
/// summary is byte for byte its own `bargain run` of the same trials and seed (so the
/// paired run's accumulation is the package kernel's), also with vetoes that resume the
/// talks and a dated event (`sma-2021-package.toml`: the summaries' `vetoes`).
#[test]
fn paired_package_compare_sides_are_their_runs() {
    let vetoes = root().join("scenarios/sma-2021-package.toml");
    for a in [package(), s(&vetoes)] {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(&a).unwrap();
        assert!(text.contains("end_game = 0.9"), "{a}");
        let b = dir.path().join("b.toml");
        std::fs::write(&b, text.replacen("end_game = 0.9", "end_game = 0.8", 1)).unwrap();
        let out = dir.path().join("c");
        let args = ["--trials", "300", "--seed", "11", "--threads", "2"];
        ok(&[
            &["compare", &a, &s(&b), "-q", "--out", &s(&out)][..],
            &args[..],
        ]
        .concat());
        assert_eq!(
            json(&out.join("compare.json"))["common_random_numbers"],
            true
        );
        for (file, side) in [(a.clone(), "a"), (s(&b), "b")] {
            let run = dir.path().join(format!("run-{side}"));
            ok(&[&["run", &file, "-q", "--out", &s(&run)][..], &args[..]].concat());
            let summary = std::fs::read(run.join("summary.json")).unwrap();
            if a.contains("2021") {
                let v = json(&run.join("summary.json"));
                assert!(v["models"]["agents"].get("vetoes").is_some(), "{v}");
            }
            assert_eq!(
                std::fs::read(out.join(format!("{side}.summary.json"))).unwrap(),
                summary,
                "{a}: side {side}"
            );
        }
    }
}

/// A two-field sweep of a package draws its non-amount issues per model as grids over
/// both fields: one labelled cell per point with deals (the choice issue's share of its
/// most frequent label, as `sweep.json` has it), axes naming each field's party and
/// unit, and the number issue's colour scale in its unit.
#[test]
fn two_field_package_sweep_draws_each_issue_as_a_grid() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep2");
    ok(&[
        "sweep",
        &package(),
        "--sweep",
        "parties.us.utility.reservation=0.1,0.3,0.5",
        "--sweep",
        "parties.kr.utility.reservation=0.2,0.4",
        "--trials",
        "150",
        "--seed",
        "3",
        "-q",
        "--out",
        &s(&out),
    ]);
    for ext in ["svg", "png"] {
        assert!(out.join(format!("sweep-issues.{ext}")).is_file());
    }
    let sweep = json(&out.join("sweep.json"));
    let mut shares = Vec::new();
    for p in sweep["points"].as_array().unwrap() {
        for m in p["models"].as_object().unwrap().values() {
            if let Some(share) = m["issues"]["escalation"]["share"].as_f64() {
                shares.push(format!("{:.0}%", 100.0 * share));
            }
        }
    }
    assert!(!shares.is_empty());
    let svg = std::fs::read_to_string(out.join("sweep-issues.svg")).unwrap();
    let texts = svg_texts(&svg);
    let mut got: Vec<String> = texts
        .iter()
        .map(|t| t.trim())
        .filter(|t| {
            t.strip_suffix('%')
                .is_some_and(|n| n.parse::<f64>().is_ok())
        })
        .map(str::to_owned)
        .collect();
    let mut want = shares.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "one share per cell with deals");
    let has = |t: &str| texts.iter().any(|x| x.contains(t));
    for t in [
        "us reservation (utility, 0–1)",
        "kr reservation (utility, 0–1)",
        "term (years)",
        "years",
        "median",
        "defense-budget",
    ] {
        assert!(has(t), "`{t}` not in sweep-issues.svg: {texts:?}");
    }
    let page = std::fs::read_to_string(out.join("sweep.html")).unwrap();
    assert!(
        page.contains("over both swept fields"),
        "the page shows the figure"
    );
}
