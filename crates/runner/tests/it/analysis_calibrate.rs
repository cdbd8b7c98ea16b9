//! `bargain calibrate`: leave-one-out calibration of knobs shared by a set of scenarios.

use std::path::Path;

use bargain_runner::commands::calibrate::{Options, calibrate};
use bargain_runner::commands::session::EnsembleOptions;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::common::{bargain, json};

/// A one-issue case for the Nash model: the US reservation uniform on `centre ± 0.1`, the
/// Korean one fixed at `centre + 1`, so every deal is the midpoint of the two reservations
/// and widening the US reservation by `s` widens the deals by `s`.
fn case(name: &str, centre: f64, observed: f64) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
unit = "stylized"
[run]
trials = 2000
seed = 11
models = ["nash"]
[protocol]
max_rounds = 4
first_mover = "us"
[parties.us]
side = "payee"
opening = {hi_open}
reservation = {{ uniform = [{lo}, {hi}] }}
strategy = {{ kind = "time-based", preset = "linear" }}
[parties.kr]
side = "payer"
opening = 0.1
reservation = {kr}
strategy = {{ kind = "time-based", preset = "linear" }}
[observed]
amount = {observed}
"#,
        hi_open = centre + 5.0,
        lo = centre - 0.1,
        hi = centre + 0.1,
        kr = centre + 1.0,
    )
}

/// Scenarios whose observed amounts are drawn from the model at a known spread: the
/// calibration recovers that spread within one grid step.
#[test]
fn calibrate_recovers_a_known_spread() {
    const TRUE_SPREAD: f64 = 1.5;
    const CASES: usize = 60;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("cases");
    std::fs::create_dir(&dir).expect("mkdir");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(24);
    for i in 0..CASES {
        let centre = 1.0 + 0.05 * i as f64;
        // The true deal: the midpoint of the Korean reservation and a US reservation drawn
        // uniformly on centre ± 0.1·TRUE_SPREAD.
        let us = centre + TRUE_SPREAD * 0.1 * (2.0 * rng.random::<f64>() - 1.0);
        let y = 0.5 * (us + centre + 1.0);
        std::fs::write(
            dir.join(format!("c{i:02}.toml")),
            case(&format!("c{i:02}"), centre, y),
        )
        .expect("write");
    }
    let out = tmp.path().join("cal");
    let r = calibrate(&Options {
        paths: vec![dir.clone()],
        params: vec!["spread=0.5..2.5:9".into()],
        inputs: vec!["parties.*.reservation".into()],
        out: Some(out.clone()),
        opts: EnsembleOptions {
            quiet: true,
            threads: Some(2),
            ..Default::default()
        },
    })
    .expect("calibrate");
    let c = &r.calibrate;
    let chosen = c.in_sample.as_ref().expect("in sample").chosen["spread"];
    assert!(
        (chosen - TRUE_SPREAD).abs() <= 0.25 + 1e-9,
        "chose spread {chosen}, true {TRUE_SPREAD}"
    );
    assert_eq!(c.folds.len(), CASES);
    // Every fold tunes on 59 of the 60 cases: none moves far from the in-sample choice.
    for f in &c.folds {
        assert!((f.chosen["spread"] - chosen).abs() <= 0.25 + 1e-9, "{f:?}");
        assert!(f.crps.is_some());
    }
    // The held-out mean is the mean of the folds, and no better than in sample.
    let loo = c.loo_crps.expect("loo");
    let mean = c
        .folds
        .iter()
        .map(|f| f.crps.unwrap_or(f64::NAN))
        .sum::<f64>()
        / CASES as f64;
    assert!((loo - mean).abs() < 1e-12);
    assert!(loo >= c.in_sample.as_ref().expect("in").crps - 1e-12);
    // The Korean reservation is a constant, not an input: only the US one matched.
    assert_eq!(
        c.cases[0].matched["parties.*.reservation"],
        vec!["parties.us.reservation".to_owned()]
    );
    check_files(&out);
}

fn check_files(out: &Path) {
    let j = json(&out.join("calibrate.json"));
    assert_eq!(j["format"], "bargain-calibrate");
    assert!(j["in_sample"]["chosen"]["spread"].is_number());
    assert!(j["in_sample"]["crps"].is_number());
    let folds = j["folds"].as_array().expect("folds");
    assert!(folds[0]["held_out"].is_string());
    assert!(folds[0]["chosen"]["spread"].is_number());
    assert!(folds[0]["crps"].is_number());
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(html.contains("Leave one out"));
}

/// Through the binary: the issue's command on two SMA-like cases with baselines, the same
/// result at one and two threads (common random numbers, no parallel float sums), a
/// pattern that matches nothing warns, `rank` is refused with exit 2 and nothing written.
#[test]
fn calibrate_cli_is_deterministic_and_tunes_rank() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("s");
    std::fs::create_dir(&dir).expect("mkdir");
    for (i, y) in [(0, 1.52), (1, 1.61)] {
        let mut text = case(&format!("b{i}"), 1.5 + 0.1 * f64::from(i), y);
        text.push_str(&format!(
            "[baseline]\nyear = 2020\namounts = {{ 2018 = {}, 2019 = {} }}\n",
            1.4 + 0.1 * f64::from(i),
            1.5 + 0.1 * f64::from(i)
        ));
        std::fs::write(dir.join(format!("b{i}.toml")), text).expect("write");
    }
    let d = dir.to_str().expect("utf8");
    let run = |threads: &str, out: &str| {
        let out = tmp.path().join(out);
        let o = bargain(&[
            "calibrate",
            d,
            "--param",
            "spread=0.5..2:7",
            "--inputs",
            "parties.*.reservation",
            "--inputs",
            "protocol.nothing",
            "--trials",
            "500",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("utf8"),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(
            stderr.contains("`protocol.nothing` matches no input"),
            "{stderr}"
        );
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(stdout.contains("leave one out"), "{stdout}");
        assert!(stdout.contains("baseline previous"), "{stdout}");
        std::fs::read(out.join("calibrate.json")).expect("json")
    };
    assert_eq!(run("1", "one"), run("2", "two"));
    let j = json(&tmp.path().join("one").join("calibrate.json"));
    assert_eq!(j["folds"].as_array().expect("folds").len(), 2);
    assert!(j["baselines"]["previous"]["mean_crps"].is_number());
    assert!(j["cases"][0]["baselines"]["trend"]["crps"].is_number());

    // `rank` on these cases (the payer's reservation is a constant) has no effect: a
    // warning, and every grid point scores as the files as written.
    let rank = |dir: &str, out: &str| {
        let out = tmp.path().join(out);
        let o = bargain(&[
            "calibrate",
            dir,
            "--param",
            "rank=-0.6..0.6:3",
            "--trials",
            "800",
            "--out",
            out.to_str().expect("utf8"),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            String::from_utf8_lossy(&o.stderr).into_owned(),
            json(&out.join("calibrate.json")),
        )
    };
    let (stderr, j) = rank(d, "rank");
    assert!(stderr.contains("rank has no effect"), "{stderr}");
    let grid: Vec<f64> = j["grid_crps"]
        .as_array()
        .expect("grid")
        .iter()
        .map(|x| x.as_f64().expect("crps"))
        .collect();
    assert!(grid.windows(2).all(|w| w[0] == w[1]), "{grid:?}");
    // With both reservations uncertain, the rank correlation changes the deals: the
    // grid's scores differ, the as-written row (rank 0) is the middle point's, and the
    // chosen rank is a grid value.
    let both = tmp.path().join("both");
    std::fs::create_dir(&both).expect("mkdir");
    for (i, y) in [(0, 1.62), (1, 1.71)] {
        let text = case(&format!("u{i}"), 1.5 + 0.1 * f64::from(i), y);
        // The payer's (kr's) reservation becomes a distribution.
        let (head, tail) = text.split_once("[parties.kr]").expect("kr");
        let tail: String = tail
            .lines()
            .map(|l| {
                if l.starts_with("reservation = ") {
                    format!(
                        "reservation = {{ uniform = [{}, {}] }}",
                        2.0 + 0.1 * f64::from(i),
                        3.0 + 0.1 * f64::from(i)
                    )
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let text = format!("{head}[parties.kr]{tail}\n");
        assert!(text.contains("reservation = { uniform = [2"), "{text}");
        std::fs::write(both.join(format!("u{i}.toml")), text).expect("write");
    }
    let (stderr, j) = rank(both.to_str().expect("utf8"), "rank-both");
    assert!(!stderr.contains("rank has no effect"), "{stderr}");
    let grid: Vec<f64> = j["grid_crps"]
        .as_array()
        .expect("grid")
        .iter()
        .map(|x| x.as_f64().expect("crps"))
        .collect();
    assert_eq!(grid.len(), 3);
    assert!(grid[0] != grid[2], "{grid:?}");
    assert_eq!(j["as_written_crps"].as_f64(), Some(grid[1]));
    let chosen = j["in_sample"]["chosen"]["rank"].as_f64().expect("rank");
    assert!([-0.6, 0.0, 0.6].contains(&chosen), "{chosen}");
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

/// A package scenario is a case scored on its `amount` issue (issue #24): its CRPS per
/// model equals a hand computation from the deals of `bargain run --trials-csv`, it is the
/// same at every grid point (`spread` does not apply, and a warning says so), and it is left out in
/// its own fold. A package without an `amount` issue is skipped, saying why.
#[test]
fn calibrate_scores_a_package_scenario_on_its_amount_issue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.toml"), case("case-a", 1.0, 1.02)).expect("write");
    std::fs::write(d.join("b.toml"), case("case-b", 2.0, 1.95)).expect("write");
    let pkg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2014-package.toml");
    let text = std::fs::read_to_string(&pkg).expect("package file");
    std::fs::write(d.join("pkg.toml"), &text).expect("write");
    // The same package with its amount issue renamed: not a case (lapse costs and limits,
    // which are in the amount issue's unit, go too).
    let renamed = text
        .lines()
        .filter(|l| !l.starts_with("lapse_cost") && !l.starts_with("ratification"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("[issues.amount]", "[issues.money]")
        .replace("amount = ", "money = ")
        .replace("name = \"sma-2014-package\"", "name = \"no-amount\"");
    std::fs::write(d.join("renamed.toml"), renamed).expect("write");
    let out = d.join("cal");
    let o = bargain(&[
        "calibrate",
        d.to_str().expect("utf8"),
        "--param",
        "spread=0.5..2:3",
        "--inputs",
        "parties.*.reservation",
        "--trials",
        "300",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("pkg.toml: a package scenario, scored on its `amount` issue")
            && stderr.contains("spread: its inputs are utilities"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("sma-2014-package is a package scenario"),
        "{stdout}"
    );
    let c = json(&out.join("calibrate.json"));
    assert_eq!(c["version"], 2);
    let skipped = c["skipped"].to_string();
    assert!(
        skipped.contains("without an issue keyed `amount`"),
        "{skipped}"
    );
    let cases = c["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 3);
    let p = cases
        .iter()
        .find(|k| k["name"] == "sma-2014-package")
        .expect("package case");
    assert_eq!(p["issue"], "amount");
    assert_eq!(p["observed"].as_f64(), Some(0.92));
    assert!(
        cases
            .iter()
            .filter(|k| k["name"] != "sma-2014-package")
            .all(|k| k["issue"].is_null())
    );

    // By hand from the package run's deals.
    let run = d.join("run");
    let o = bargain(&[
        "run",
        pkg.to_str().expect("utf8"),
        "--trials",
        "300",
        "--quiet",
        "--trials-csv",
        "--out",
        run.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(run.join("trials.csv")).expect("trials.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let written = p["as_written"].as_object().expect("as_written");
    assert_eq!(written.len(), 4);
    for (model, got) in written {
        let col = |h: &str| {
            header
                .iter()
                .position(|c| *c == format!("{model}.{h}"))
                .expect("column")
        };
        let (kind, amount) = (col("kind"), col("amount"));
        let deals: Vec<f64> = rows
            .iter()
            .filter(|r| r[kind] == "deal")
            .map(|r| r[amount].parse().expect("amount"))
            .collect();
        let want = crps_by_hand(&deals, 0.92);
        let got = got.as_f64().expect("crps");
        assert!((got - want).abs() < 1e-12, "{model}: {got} vs {want}");
    }
    // max-welfare runs only in the package: its fit is over that case alone, and its
    // score is the same at every grid point.
    let mw = &c["models"]["max-welfare"];
    let grid = mw["grid_crps"].as_array().expect("grid");
    assert_eq!(grid.len(), 3);
    assert!(
        grid.iter()
            .all(|g| g.as_f64() == written["max-welfare"].as_f64())
    );
    // Nash runs in all three cases; the package is left out in a fold of its own.
    let folds = c["folds"].as_array().expect("folds");
    assert_eq!(folds.len(), 3);
    assert!(folds.iter().any(|f| f["held_out"] == "sma-2014-package"));
    assert_eq!(
        c["models"]["nash"]["folds"].as_array().map(Vec::len),
        Some(3)
    );
}

/// `lapse_scale` reaches package scenarios through their lapse costs (issue #24: packages
/// are scored on their amount issue; since issue #21 they have calendars): the package's
/// score moves with the knob, and at a grid point it equals the score of the file with
/// its lapse costs multiplied by hand.
#[test]
fn lapse_scale_scales_a_package_scenarios_lapse_costs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let shipped = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../scenarios")
                .join(name),
        )
        .expect("package file")
    };
    // Constant lapse costs, so that doubling them by hand is exact.
    let constant = |text: &str, us: &str, kr: &str| {
        let mut seen = 0;
        text.lines()
            .map(|l| {
                if l.starts_with("lapse_cost = ") {
                    seen += 1;
                    format!("lapse_cost = {}", if seen == 1 { us } else { kr })
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (a, b) = (
        shipped("sma-2014-package.toml"),
        shipped("sma-2019-package.toml"),
    );
    let (as_is, doubled) = (d.join("as-is"), d.join("doubled"));
    for (folder, us, kr) in [(&as_is, "0.02", "0.015"), (&doubled, "0.04", "0.03")] {
        std::fs::create_dir(folder).expect("mkdir");
        std::fs::write(folder.join("a.toml"), constant(&a, us, kr)).expect("write");
        std::fs::write(folder.join("b.toml"), constant(&b, us, kr)).expect("write");
    }
    let calibrate_json = |folder: &Path, param: &str| {
        let out = folder.join("cal");
        let o = bargain(&[
            "calibrate",
            folder.to_str().expect("utf8"),
            "--param",
            param,
            "--trials",
            "400",
            "--quiet",
            "--out",
            out.to_str().expect("utf8"),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        (json(&out.join("calibrate.json")), stderr)
    };
    let (scaled, stderr) = calibrate_json(&as_is, "lapse_scale=0.25..2:3");
    assert!(
        !stderr.contains("lapse_scale: the package has no [calendar]"),
        "{stderr}"
    );
    let grid = scaled["models"]["agents"]["grid_crps"]
        .as_array()
        .expect("grid")
        .iter()
        .map(|g| g.as_f64().expect("crps"))
        .collect::<Vec<_>>();
    assert_eq!(grid.len(), 3);
    assert!(
        grid.windows(2).any(|w| w[0] != w[1]),
        "the package's score does not move with lapse_scale: {grid:?}"
    );
    // The grid point 2 of `as-is` against the hand-doubled files as written.
    let (at_two, _) = calibrate_json(&as_is, "lapse_scale=2..2:1");
    let (by_hand, _) = calibrate_json(&doubled, "lapse_scale=1..1:1");
    for model in ["agents", "nash", "kalai-smorodinsky", "max-welfare"] {
        let got = at_two["models"][model]["grid_crps"][0].as_f64();
        let want = by_hand["models"][model]["grid_crps"][0].as_f64();
        assert!(got.is_some(), "{model}");
        assert_eq!(got, want, "{model}");
    }
}
