//! The analyses of the CLI from Python: `sweep`, `compare`, `sensitivity`, `backtest` and
//! `explain`, each calling the library function behind its `bargain` verb and returning
//! its JSON (`sweep.json`, `compare.json`, `sensitivity.json`, `backtest.json`,
//! `explain --json`) as text, byte for byte the CLI's. `sweep`, `compare` and
//! `sensitivity` take package scenarios (`[issues]`) as the CLI does.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use bargain_runner::analysis::sensitivity::{self as sa, DEFAULT_SAMPLES, DEFAULT_SOBOL_SAMPLES};
use bargain_runner::analysis::sweep::SweepError;
use bargain_runner::commands::Error as CommandError;
use bargain_runner::commands::session::EnsembleOptions;
use bargain_runner::commands::{
    backtest as bt, compare as cmp, sensitivity as sens_cmd, sweep as sweep_cmd,
};
use bargain_runner::ensemble::RunError;
use bargain_runner::pipeline::to_json;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::{
    Failure, command_error, interruptible, load, load_package, overrides, parse_sets, read_input,
};

/// A value as the CLI's JSON text.
fn json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    let bytes = to_json(value).map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| PyOSError::new_err(e.to_string()))
}

/// `bargain sweep`: one ensemble per point of the axes (`PATH=VALUES` specifications as
/// `--sweep`, or the file's `[sweep]` table without any), with common random numbers;
/// returns `sweep.json`. `progress(done, total)` is called as variants finish.
#[pyfunction]
#[pyo3(signature = (scenario, sweeps=Vec::new(), trials=None, seed=None, threads=None, sets=Vec::new(), origin=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    scenario: &str,
    sweeps: Vec<String>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
    origin: Option<&str>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let ov = overrides(trials, seed)?;
    let swept = match load_package(py, scenario, origin, &sets)? {
        Some((s, text)) => {
            let (_, name) = read_input(scenario, origin)?;
            sweep_cmd::Swept::Package(Box::new(s), text, name)
        }
        None => sweep_cmd::Swept::Issue(Box::new(load(py, scenario, origin, &sets)?)),
    };
    let name = match &swept {
        sweep_cmd::Swept::Issue(l) => l.origin.clone(),
        sweep_cmd::Swept::Package(_, _, name) => name.clone(),
    };
    let axes = swept.axes(&sweeps, &name).map_err(command_error)?;
    let points: usize = axes.iter().map(|a| a.values.len()).product();
    let report = interruptible(py, threads, progress, |ctl| {
        ctl.total.store(points as u64, Ordering::Relaxed);
        let tick = |done: usize, _: usize| ctl.done.store(done as u64, Ordering::Relaxed);
        swept
            .run(&axes, &ov, &tick, ctl.cancel)
            .map_err(|e| match e {
                SweepError::Scenario { .. } => Failure::Command(CommandError::Usage(e.to_string())),
                SweepError::Failed { .. } => Failure::Command(CommandError::Other(e.to_string())),
                SweepError::Run(r) => Failure::Run(r),
            })
    })?;
    json(&report)
}

/// One side of a comparison: a report folder (`report`), or a scenario (a path, or TOML
/// text with `origin`).
fn side(
    py: Python<'_>,
    input: &str,
    origin: Option<&str>,
    report: bool,
    sets: &[String],
) -> PyResult<cmp::Input> {
    if report {
        return cmp::Input::from_path(&PathBuf::from(input), &parse_sets(sets)?)
            .map_err(|e| Failure::Command(e).into_py(py));
    }
    if let Some((s, _)) = load_package(py, input, origin, sets)? {
        let (_, name) = read_input(input, origin)?;
        return Ok(cmp::Input::Package(Box::new(s), PathBuf::from(name)));
    }
    let loaded = load(py, input, origin, sets)?;
    let source = PathBuf::from(&loaded.origin);
    Ok(cmp::Input::Scenario(Box::new(loaded), source))
}

/// `bargain compare A B`: two scenarios run with common random numbers, two report
/// folders, or one of each; returns `compare.json`.
#[pyfunction]
#[pyo3(signature = (a, b, a_report=false, b_report=false, a_origin=None, b_origin=None, trials=None, seed=None, threads=None, sets=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    a: &str,
    b: &str,
    a_report: bool,
    b_report: bool,
    a_origin: Option<&str>,
    b_origin: Option<&str>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
) -> PyResult<String> {
    overrides(trials, seed)?;
    let ia = side(py, a, a_origin, a_report, &sets)?;
    let ib = side(py, b, b_origin, b_report, &sets)?;
    let opts = EnsembleOptions {
        trials,
        seed,
        ..EnsembleOptions::default()
    };
    let computed = interruptible(py, threads, None, |ctl| {
        Ok(cmp::compute(&ia, &ib, &opts, ctl.cancel)?)
    })?;
    json(&computed.comparison)
}

/// `bargain sensitivity`: rank correlations (PRCC) of every uncertain input with each
/// model's deal, over `samples` trials, and Sobol indices with `sobol`; returns
/// `sensitivity.json`.
#[pyfunction]
#[pyo3(signature = (scenario, samples=DEFAULT_SAMPLES, sobol=false, sobol_samples=DEFAULT_SOBOL_SAMPLES, seed=None, threads=None, sets=Vec::new(), origin=None))]
#[allow(clippy::too_many_arguments)]
fn sensitivity(
    py: Python<'_>,
    scenario: &str,
    samples: u64,
    sobol: bool,
    sobol_samples: u64,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<String> {
    let rows = sobol.then_some(sobol_samples);
    sens_cmd::check_samples(samples, rows).map_err(command_error)?;
    if let Some((s, _)) = load_package(py, scenario, origin, &sets)? {
        let (_, name) = read_input(scenario, origin)?;
        let seed = seed.unwrap_or(s.run.seed);
        let report = interruptible(py, threads, None, |ctl| {
            Ok(sens_cmd::analyze_package(
                &s, &name, samples, sobol, seed, ctl.cancel,
            )?)
        })?;
        return json(&report);
    }
    let sobol = rows;
    let loaded = load(py, scenario, origin, &sets)?;
    let opts = sa::Options {
        samples,
        sobol,
        seed: seed.unwrap_or(loaded.scenario.run.seed),
    };
    let report = interruptible(py, threads, None, |ctl| {
        sa::analyze(&loaded.scenario, opts, ctl.cancel)
            .map_err(|i| Failure::Run(RunError::Interrupted(i)))
    })?;
    json(&report)
}

/// `bargain backtest PATHS --out OUT`: run every scenario with `[observed]` among the
/// files and folders `paths`, write the report folder `out` as the CLI does, and return
/// `backtest.json`. `progress` is not reported per scenario (the CLI shows a spinner).
/// `learning=False` is `--no-learning`.
#[pyfunction]
#[pyo3(signature = (paths, out, trials=None, seed=None, threads=None, sets=Vec::new(), learning=true))]
#[allow(clippy::too_many_arguments)]
fn backtest(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    out: PathBuf,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
    learning: bool,
) -> PyResult<String> {
    let opts = bt::Options {
        no_learning: !learning,
        paths,
        out: Some(out),
        opts: EnsembleOptions {
            trials,
            seed,
            threads,
            quiet: true,
            sets: parse_sets(&sets)?,
        },
    };
    let run = interruptible(py, threads, None, |ctl| {
        Ok(bt::backtest_with(&opts, ctl.cancel)?)
    })?;
    json(&run.backtest)
}

/// `bargain explain --json`: the scenario at its central values, its zone of agreement
/// and each model's outcome there (a package scenario: its explanation issue by issue).
#[pyfunction]
#[pyo3(signature = (scenario, sets=Vec::new(), origin=None))]
fn explain(
    py: Python<'_>,
    scenario: &str,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<String> {
    if let Some((s, _)) = load_package(py, scenario, origin, &sets)? {
        let v =
            bargain_runner::commands::package_explain::explain_value(&s).map_err(command_error)?;
        return Ok(v.to_string());
    }
    let loaded = load(py, scenario, origin, &sets)?;
    Ok(bargain_runner::explain_json::explain_json(&loaded.scenario).to_string())
}

/// Add this module's functions to the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(backtest, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    Ok(())
}
