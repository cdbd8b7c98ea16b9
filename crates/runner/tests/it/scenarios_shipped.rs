//! Every scenario shipped in `scenarios/` parses, is named for its file, is warning-free,
//! and runs a small ensemble through the `bargain` binary. The SMA backtests carry the
//! real outcome, and the textbook scenarios give, at their central values, the closed-form
//! answers their comments promise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bargain_core::{Model, Outcome, OutcomeKind};
use bargain_runner::scenario::Scenario;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The SMA scenarios are dated forecasts: `as_of`, dated sources and `[baseline]`, and
/// `bargain validate --strict` accepts them (no source dated after `as_of`).
#[test]
fn the_sma_scenarios_are_dated_forecasts_that_pass_strict_validation() {
    let files: Vec<PathBuf> = ["sma-2014", "sma-2019", "sma-2021", "sma-2024"]
        .iter()
        .map(|n| scenarios_dir().join(format!("{n}.toml")))
        .collect();
    for f in &files {
        let s = load(f);
        assert!(s.as_of.is_some(), "{}: no as_of", f.display());
        assert!(s.baseline.is_some(), "{}: no [baseline]", f.display());
        let text = std::fs::read_to_string(f).expect("read");
        assert!(
            text.contains("{ key = \"S"),
            "{}: no dated source",
            f.display()
        );
    }
    let mut args = vec!["validate".to_owned(), "--strict".to_owned()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(&args)
        .output()
        .expect("bargain");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// Every `scenarios/*.toml`, sorted by path.
fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("read scenarios/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // Package scenarios (amount × term × …) have their own test (package_run.rs).
        .filter(|p| {
            !bargain_runner::scenario::issues::PackageScenario::is_package(
                &std::fs::read_to_string(p).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Scenario {
    Scenario::from_path(path).unwrap_or_else(|e| panic!("{} does not parse:\n{e}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file stem")
        .to_owned()
}

/// The outcome of the scenario's central negotiation under `model`.
fn central(name: &str, model: Model) -> Outcome {
    let scenario = load(&scenarios_dir().join(format!("{name}.toml")));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    scenario.central().outcome(model, &mut rng, None)
}

fn assert_deal(name: &str, model: Model, expected: f64, tol: f64) {
    let o = central(name, model);
    assert_eq!(o.kind, OutcomeKind::Deal, "{name} {model}: {o:?}");
    let x = o.amount.expect("a deal has an amount");
    assert!(
        (x - expected).abs() <= tol,
        "{name} {model}: amount {x}, expected {expected}"
    );
}

#[test]
fn the_expected_scenarios_are_shipped() {
    let names: Vec<String> = shipped().iter().map(|p| stem(p)).collect();
    for expected in [
        "sma-2014",
        "sma-2019",
        "sma-2021",
        "sma-2024",
        "rubinstein-classic",
        "deadline-pressure",
        "two-level-schelling",
        "negmas-mixed",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "scenarios/{expected}.toml is missing (found {names:?})"
        );
    }
}

#[test]
fn every_scenario_parses_without_warnings_and_is_named_for_its_file() {
    let files = shipped();
    assert!(!files.is_empty(), "no scenarios found");
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in &files {
        let s = load(path);
        assert_eq!(
            s.name,
            stem(path),
            "{}: name differs from the file stem",
            path.display()
        );
        if let Some(other) = seen.insert(s.name.clone(), path.clone()) {
            panic!(
                "name {} used by {} and {}",
                s.name,
                other.display(),
                path.display()
            );
        }
        // One known warning: the sma-2021 forecast ends its talks with the sitting US
        // president's term (docs/forecast-recipe.md); the deal came under the next one,
        // after the calendar's end, and validation says so.
        let warnings: Vec<String> = s
            .warnings()
            .into_iter()
            .filter(|w| {
                !(s.name == "sma-2021" && w.contains("observed.date: outside the calendar"))
            })
            .collect();
        assert!(
            warnings.is_empty(),
            "{} has warnings: {warnings:?}",
            path.display(),
        );
        assert!(!s.unit.is_empty(), "{}: no unit", path.display());
        assert!(!s.sources.is_empty(), "{}: no sources", path.display());
        assert!(
            s.run.trials <= 100_000,
            "{}: {} trials by default (keep it at most 100000)",
            path.display(),
            s.run.trials
        );
    }
}

#[test]
fn sma_backtests_carry_the_observed_outcome() {
    let smas: Vec<PathBuf> = shipped()
        .into_iter()
        .filter(|p| stem(p).starts_with("sma-"))
        .collect();
    assert!(
        smas.len() >= 4,
        "expected the four SMA backtests, found {smas:?}"
    );
    for path in smas {
        let s = load(&path);
        let obs = s
            .observed
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no [observed]", path.display()));
        assert!(
            obs.round.is_some(),
            "{}: observed round missing",
            path.display()
        );
        assert!(
            obs.source.as_deref().is_some_and(|t| !t.is_empty()),
            "{}: observed source missing",
            path.display()
        );
        assert_eq!(s.unit, "trillion KRW", "{}", path.display());
        // Korea's annual payment has always been between 0.5 and 2 trillion won.
        assert!(
            (0.5..2.0).contains(&obs.amount),
            "{}: observed {}",
            path.display(),
            obs.amount
        );
    }
}

#[test]
fn every_scenario_runs_a_small_ensemble() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for path in shipped() {
        let out = tmp.path().join(stem(&path));
        let status = Command::new(env!("CARGO_BIN_EXE_bargain"))
            .arg("run")
            .arg(&path)
            .args(["--trials", "500", "--quiet", "--out"])
            .arg(&out)
            .output()
            .expect("run bargain");
        assert!(
            status.status.success(),
            "bargain run {} failed: {}",
            path.display(),
            String::from_utf8_lossy(&status.stderr)
        );
        assert!(
            out.join("summary.json").is_file(),
            "{}: no summary.json",
            path.display()
        );
    }
}

#[test]
fn rubinstein_classic_gives_the_textbook_answers() {
    // R-SMA-a: 1.0 + 0.2·10/19.
    assert_deal(
        "rubinstein-classic",
        Model::Rubinstein,
        1.0 + 0.2 * 10.0 / 19.0,
        1e-9,
    );
    // S5: T = 11 offers, δ = 0.9: s_1 = 0.6914792611.
    assert_deal(
        "rubinstein-classic",
        Model::Stahl,
        1.0 + 0.2 * 0.691_479_261_1,
        1e-9,
    );
    // N-SMA: α = ½.
    assert_deal("rubinstein-classic", Model::Nash, 1.10, 1e-9);
    // F1: linear Faratin agents agree at 1.128, the US accepting in round 5.
    let o = central("rubinstein-classic", Model::Agents);
    assert_eq!(o.kind, OutcomeKind::Deal);
    assert!((o.amount.expect("amount") - 1.128).abs() < 1e-9, "{o:?}");
    assert_eq!(o.round, 5);
}

#[test]
fn two_level_schelling_central_value_is_example_t2() {
    // r_L = 1.1 binds: the zone shrinks to [1.0, 1.1].
    assert_deal("two-level-schelling", Model::Nash, 1.05, 1e-9);
    assert_deal(
        "two-level-schelling",
        Model::Rubinstein,
        1.0 + 0.1 * 10.0 / 19.0,
        1e-9,
    );
    // Uninformed Boulware agents sign above the limit: not ratified.
    assert_eq!(
        central("two-level-schelling", Model::Agents).kind,
        OutcomeKind::NotRatified
    );
}

#[test]
fn deadline_pressure_central_boulwares_just_deal() {
    // At R = 11 the two Boulwares' last thresholds cross (US asks 1.1175, Korea offers
    // up to 1.129); with 10 rounds they would not.
    let o = central("deadline-pressure", Model::Agents);
    assert_eq!(o.kind, OutcomeKind::Deal, "{o:?}");
    assert!((o.amount.expect("amount") - 1.1175).abs() < 1e-3, "{o:?}");
    assert_eq!(o.round, 11);
}
