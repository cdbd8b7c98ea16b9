//! `bargain._native`: the PyO3 extension behind the `bargain` Python package.
//!
//! Every function takes a scenario as a path or as TOML text and calls the same library
//! code as the `bargain` binary, so results are the CLI's. Ensembles run on their own
//! rayon pool with the GIL released; the calling thread wakes every 50 ms, takes the GIL
//! briefly and checks for signals, and on Ctrl-C sets the ensemble's cancel flag (it stops
//! at the next wave) and raises `KeyboardInterrupt`. The Python layer
//! (`python/bargain/__init__.py`) turns the JSON and Arrow IPC bytes returned here into
//! dicts and `pyarrow.Table`s.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

mod analyses;
mod experiments;
mod negotiator;

use arrow_array::RecordBatch;
use bargain_core::Side;
use bargain_runner::commands::Error as CommandError;
use bargain_runner::commands::package_run;
use bargain_runner::commands::session::{self, EnsembleOptions};
use bargain_runner::ensemble::custom;
use bargain_runner::ensemble::kernel::OneIssue;
use bargain_runner::ensemble::kernel::package::{Packages, csv_header};
use bargain_runner::ensemble::package::PackageAccumulated;
use bargain_runner::ensemble::{self, Hooks, RunError, Shard};
use bargain_runner::input;
use bargain_runner::output::{Kind, OutputError, Staging};
use bargain_runner::pipeline::{self, Loaded, Overrides};
use bargain_runner::scenario::issues::PackageScenario;
use bargain_runner::scenario::{MAX_FILE_BYTES, Override, Scenario, ScenarioError};
use bargain_runner::summary::package::summarize as package_summary;
use bargain_runner::trials_out::ArrowRows;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// How often the waiting thread checks for signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Raise `bargain.ScenarioError` for a rejected scenario (attributes from its first
/// problem; the message lists them all).
pub(crate) fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("bargain")?.getattr("ScenarioError")?;
        let all: Vec<(String, usize, usize, String, String)> = e
            .diagnostics()
            .iter()
            .map(|d| {
                (
                    d.origin.clone(),
                    d.line,
                    d.column,
                    d.path.clone(),
                    d.message.clone(),
                )
            })
            .collect();
        let first = all.first().cloned().unwrap_or_default();
        let value = class.call1((
            e.to_string(),
            first.0,
            first.1,
            first.2,
            first.3,
            first.4,
            all,
        ))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|err| err)
}

/// A scenario given as TOML text (`origin` given, or it has a newline or starts with a
/// table header) or as the path of a file, with the overrides `sets` (`PATH=VALUE`, as
/// `--set`) applied. `origin` names the text in messages (a `bargain.Scenario` passes the
/// file it was read from).
pub(crate) fn load(
    py: Python<'_>,
    scenario: &str,
    origin: Option<&str>,
    sets: &[String],
) -> PyResult<Loaded> {
    let sets = parse_sets(sets)?;
    let (text, origin) = read_input(scenario, origin)?;
    let (parsed, text) =
        Scenario::parse_with(&text, &origin, &sets).map_err(|e| scenario_error(py, &e))?;
    Ok(Loaded {
        scenario: parsed,
        origin,
        text,
    })
}

/// The text of `scenario` (a path, or TOML text when `origin` is given or it looks like
/// TOML) and the name its messages carry.
pub(crate) fn read_input(scenario: &str, origin: Option<&str>) -> PyResult<(String, String)> {
    let is_text =
        origin.is_some() || scenario.contains('\n') || scenario.trim_start().starts_with('[');
    if is_text {
        Ok((scenario.to_owned(), origin.unwrap_or("<string>").to_owned()))
    } else {
        // The CLI's reader: regular files only, never blocking on a FIFO or a device,
        // at most the scenario size limit.
        let text = input::read_text(Path::new(scenario), MAX_FILE_BYTES as u64)
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        Ok((text, scenario.to_owned()))
    }
}

/// A package scenario (`[issues]`) with its overrides applied, with its edited text; `None`
/// for a one-issue scenario.
pub(crate) fn load_package(
    py: Python<'_>,
    scenario: &str,
    origin: Option<&str>,
    sets: &[String],
) -> PyResult<Option<(PackageScenario, String)>> {
    let (text, origin) = read_input(scenario, origin)?;
    if !PackageScenario::is_package(&text) {
        return Ok(None);
    }
    let sets = parse_sets(sets)?;
    PackageScenario::parse_with(&text, &origin, &sets)
        .map(Some)
        .map_err(|e| scenario_error(py, &e))
}

/// Run package scenario `s` (the engine's package kernel) with `rows`, if given, receiving
/// the `trials.csv` rows.
fn run_package<'a>(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &'a AtomicBool,
    rows: Option<&'a mut dyn std::io::Write>,
) -> Result<PackageAccumulated, Failure> {
    let hooks = Hooks {
        progress: &|_| {},
        cancel,
        rows,
    };
    Packages::new(s, trials, seed, cancel)
        .and_then(|k| ensemble::run(&k, Shard::WHOLE, hooks))
        .map_err(|e| match e {
            RunError::Interrupted(_) => {
                Failure::Command(CommandError::Interrupted("during the trials".into()))
            }
            RunError::Failed(e) => Failure::Command(CommandError::Other(format!(
                "a sampled trial's preferences were rejected: {e}"
            ))),
            RunError::Io(e) => Failure::Run(RunError::Io(e)),
        })
}

/// `PATH=VALUE` texts as overrides (a malformed one is a `ValueError`).
pub(crate) fn parse_sets(sets: &[String]) -> PyResult<Vec<Override>> {
    sets.iter()
        .map(|s| s.parse::<Override>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(PyValueError::new_err)
}

/// A CLI error as a Python exception: bad usage or input is a `ValueError`, an
/// interruption a `RuntimeError`, anything else an `OSError`; the message is the CLI's.
pub(crate) fn command_error(e: CommandError) -> PyErr {
    match e {
        CommandError::Usage(m) => PyValueError::new_err(m),
        e @ CommandError::Scenario(_) => PyValueError::new_err(e.to_string()),
        e @ CommandError::Interrupted(_) => PyRuntimeError::new_err(e.to_string()),
        e @ CommandError::Other(_) => PyOSError::new_err(e.to_string()),
    }
}

/// The overrides, checked by the CLI's own check (the same limits and message).
pub(crate) fn overrides(trials: Option<u64>, seed: Option<u64>) -> PyResult<Overrides> {
    EnsembleOptions {
        trials,
        seed,
        ..EnsembleOptions::default()
    }
    .overrides()
    .map_err(command_error)
}

/// What a job run by [`interruptible`] sees: the cancel flag (set on a signal) and a
/// counter of finished items, reported to the progress callback.
pub(crate) struct Ctl<'a> {
    /// Set on Ctrl-C (or an exception in the progress callback): stop at the next wave.
    pub cancel: &'a AtomicBool,
    /// Items finished so far (variants, scenarios); the caller's unit.
    pub done: &'a AtomicU64,
    /// Items in all, once the job knows (0 before).
    pub total: &'a AtomicU64,
}

/// Why a job failed; turned into a Python exception once the GIL is held again.
pub(crate) enum Failure {
    /// An ensemble failed or was interrupted.
    Run(RunError),
    /// A command's error (usage, scenario, I/O, interruption).
    Command(CommandError),
    /// A rejected scenario (a variant): `bargain.ScenarioError`.
    Scenario(ScenarioError),
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        Failure::Run(e)
    }
}

impl From<CommandError> for Failure {
    fn from(e: CommandError) -> Self {
        Failure::Command(e)
    }
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Run(RunError::Interrupted(i)) => PyRuntimeError::new_err(i.to_string()),
            Failure::Run(RunError::Io(e)) => PyOSError::new_err(e.to_string()),
            Failure::Run(e @ RunError::Failed(_)) => PyRuntimeError::new_err(e.to_string()),
            Failure::Command(CommandError::Scenario(e)) => scenario_error(py, &e),
            Failure::Command(e) => command_error(e),
            Failure::Scenario(e) => scenario_error(py, &e),
        }
    }
}

/// Run `job` on a rayon pool of `threads` workers with the GIL released, checking for
/// signals between waits; on a signal, cancel the job and raise the signal's exception.
/// With `progress`, call it with `(finished, total)` items of the job whenever that changed
/// (about every 50 ms, and once at the end); an exception inside it cancels the job and
/// is raised.
pub(crate) fn interruptible<T, F>(
    py: Python<'_>,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
    job: F,
) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Ctl<'_>) -> Result<T, Failure> + Send,
{
    // The CLI's pool: 0 is refused, more than 4 × the cores is capped (with a note on
    // stderr), so a huge count cannot hang the interpreter starting threads.
    let pool = session::pool(threads).map_err(command_error)?;
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let total = AtomicU64::new(0);
    let callback: Option<Py<PyAny>> = progress.map(|p| p.clone().unbind());
    let (result, signal) = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<()>();
            let ctl = Ctl {
                cancel: &cancel,
                done: &done,
                total: &total,
            };
            let pool = &pool;
            let worker = s.spawn(move || {
                let r = pool.install(|| job(&ctl));
                let _ = tx.send(());
                r
            });
            let mut signal = None;
            let mut shown = 0;
            while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(SIGNAL_POLL) {
                if signal.is_some() {
                    continue;
                }
                let checked = Python::attach(|py| -> PyResult<()> {
                    py.check_signals()?;
                    let now = done.load(Ordering::Relaxed);
                    if let Some(cb) = &callback
                        && now != shown
                    {
                        shown = now;
                        cb.call1(py, (now, total.load(Ordering::Relaxed)))?;
                    }
                    Ok(())
                });
                if let Err(e) = checked {
                    signal = Some(e);
                    cancel.store(true, Ordering::SeqCst);
                }
            }
            (worker.join(), signal)
        })
    });
    if let Some(e) = signal {
        return Err(e);
    }
    let value = match result {
        Ok(Ok(v)) => v,
        Ok(Err(f)) => return Err(f.into_py(py)),
        Err(_) => return Err(PyRuntimeError::new_err("the ensemble panicked")),
    };
    if let Some(cb) = &callback {
        cb.call1(
            py,
            (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed)),
        )?;
    }
    Ok(value)
}

/// A report folder that may not be written (`out` is not a new or empty folder or a
/// report of a run) is a `ValueError`; an I/O failure, naming its path, an `OSError`.
pub(crate) fn output_error(e: OutputError) -> PyErr {
    match e {
        OutputError::Refused(m) => PyValueError::new_err(m),
        OutputError::Interrupted => PyRuntimeError::new_err(e.to_string()),
        e @ OutputError::Io { .. } => PyOSError::new_err(e.to_string()),
    }
}

/// Run a scenario's ensemble; return `summary.json` as text; with `out`, also write the
/// report folder there (atomically, as `bargain run --out` does).
#[pyfunction]
#[pyo3(signature = (scenario, trials=None, seed=None, threads=None, out=None, sets=Vec::new(), origin=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    scenario: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    out: Option<PathBuf>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<String> {
    if let Some((s, text)) = load_package(py, scenario, origin, &sets)? {
        let o = overrides(trials, seed)?;
        let (trials, seed) = (
            o.trials.unwrap_or(s.run.trials),
            o.seed.unwrap_or(s.run.seed),
        );
        let staging = match &out {
            Some(dir) => Some(Staging::new(dir, Kind::Run).map_err(output_error)?),
            None => None,
        };
        let acc = interruptible(py, threads, None, |ctl| {
            run_package(&s, trials, seed, ctl.cancel, None)
        })?;
        let summary = match staging {
            Some(staging) => {
                let summary =
                    package_run::report_into(staging.path(), &text, &s, trials, seed, &acc)
                        .map_err(command_error)?;
                staging.commit(None).map_err(output_error)?;
                summary
            }
            None => package_summary(&s, trials, seed, &s.unit, &acc),
        };
        let json = pipeline::to_json(&summary).map_err(|e| PyOSError::new_err(e.to_string()))?;
        return String::from_utf8(json).map_err(|e| PyRuntimeError::new_err(e.to_string()));
    }
    let loaded = load(py, scenario, origin, &sets)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides(trials, seed)?, Shard::WHOLE);
    let staging = match &out {
        Some(dir) => Some(Staging::new(dir, Kind::Run).map_err(output_error)?),
        None => None,
    };
    let finished = interruptible(py, threads, None, |ctl| {
        Ok(pipeline::execute(&loaded, plan, &|_| {}, ctl.cancel, None)?)
    })?;
    if let Some(staging) = staging {
        bargain_runner::report::write_report(staging, &loaded, &finished, None)
            .map_err(output_error)?;
    }
    let json =
        pipeline::to_json(&finished.summary).map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(json).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Run a scenario with the `agents` model's negotiator of party `party` replaced by
/// the Python class (or factory) `factory`: `bargain.run(…, strategies={party: factory})`.
/// Single-threaded, holding the GIL (the engine's `ensemble::custom::run`); returns
/// `summary.json` as text.
#[pyfunction]
#[pyo3(signature = (scenario, party, factory, trials=None, seed=None, sets=Vec::new(), origin=None))]
#[allow(clippy::too_many_arguments)]
fn run_negotiator(
    py: Python<'_>,
    scenario: &str,
    party: &str,
    factory: Bound<'_, PyAny>,
    trials: Option<u64>,
    seed: Option<u64>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<String> {
    if load_package(py, scenario, origin, &sets)?.is_some() {
        return Err(PyValueError::new_err(
            "strategies= is not available for package scenarios ([issues]): their agents \
             negotiate whole packages, not one amount",
        ));
    }
    let loaded = load(py, scenario, origin, &sets)?;
    let s = &loaded.scenario;
    let side = [Side::Payee, Side::Payer]
        .into_iter()
        .find(|&side| s.party_key(side) == party)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "strategies: scenario `{}` has no party `{party}` (its parties: {}, {})",
                s.name,
                s.party_key(Side::Payee),
                s.party_key(Side::Payer)
            ))
        })?;
    if !factory.is_callable() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "strategies[{party:?}] must be a class or a function that makes a negotiator"
        )));
    }
    let plan = pipeline::plan(s, &overrides(trials, seed)?, Shard::WHOLE);
    if !plan.models.contains(&bargain_core::Model::Agents) {
        return Err(PyValueError::new_err(format!(
            "strategies apply to the `agents` model only, and scenario `{}` runs {}",
            s.name,
            plan.models
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut negotiator = negotiator::PyNegotiator::new(py, factory, party.to_owned(), side);
    let cancel = AtomicBool::new(false);
    let acc = custom::run(s, &plan, side, &mut negotiator, &cancel, &|_| {})
        .map_err(|e| negotiator::error_to_py(py, e, party, s.party_name(side)))?;
    let summary = pipeline::summarize(s, &plan, &acc);
    let json = pipeline::to_json(&summary).map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(json).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Run a scenario's ensemble and return every trial's row (the columns of `trials.csv`)
/// as an Arrow IPC stream.
#[pyfunction]
#[pyo3(signature = (scenario, trials=None, seed=None, threads=None, sets=Vec::new(), origin=None))]
fn trials<'py>(
    py: Python<'py>,
    scenario: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<Bound<'py, PyBytes>> {
    if let Some((s, _)) = load_package(py, scenario, origin, &sets)? {
        let o = overrides(trials, seed)?;
        let (trials, seed) = (
            o.trials.unwrap_or(s.run.trials),
            o.seed.unwrap_or(s.run.seed),
        );
        let batches = interruptible(py, threads, None, |ctl| {
            let mut rows = ArrowRows::new(&csv_header(&s), &s.input_names(), Vec::new());
            run_package(&s, trials, seed, ctl.cancel, Some(&mut rows))?;
            rows.finish().map_err(|e| Failure::Run(RunError::Io(e)))
        })?;
        let bytes = py
            .detach(|| ipc_bytes(&batches))
            .map_err(PyRuntimeError::new_err)?;
        return Ok(PyBytes::new(py, &bytes));
    }
    let loaded = load(py, scenario, origin, &sets)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides(trials, seed)?, Shard::WHOLE);
    let s = &loaded.scenario;
    let batches = interruptible(py, threads, None, |ctl| {
        Ok(trial_batches(s, &plan, ctl.cancel)?)
    })?;
    let bytes = py
        .detach(|| ipc_bytes(&batches))
        .map_err(PyRuntimeError::new_err)?;
    Ok(PyBytes::new(py, &bytes))
}

/// Every trial's row of `scenario` under `plan` (the columns of `trials.csv`), as record
/// batches, run in the current rayon pool.
pub(crate) fn trial_batches(
    s: &Scenario,
    plan: &bargain_runner::ensemble::Plan,
    cancel: &AtomicBool,
) -> Result<Vec<RecordBatch>, RunError> {
    let mut rows = ArrowRows::for_run(s, plan, Vec::new());
    let range = ensemble::amount_range(s, plan);
    ensemble::run(
        &OneIssue::new(s, plan, range),
        plan.shard,
        Hooks {
            progress: &|_| {},
            cancel,
            rows: Some(&mut rows),
        },
    )?;
    rows.finish().map_err(RunError::Io)
}

/// Record batches (of one schema) as an Arrow IPC stream.
pub(crate) fn ipc_bytes(batches: &[RecordBatch]) -> Result<Vec<u8>, String> {
    let first = batches.first().ok_or("no trials")?;
    let mut w = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &first.schema())
        .map_err(|e| e.to_string())?;
    for b in batches {
        w.write(b).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Replay one trial under one model; return the `bargain replay --json` object as text.
#[pyfunction]
#[pyo3(signature = (scenario, trial, model="agents", trials=None, seed=None, sets=Vec::new(), origin=None))]
#[allow(clippy::too_many_arguments)]
fn replay(
    py: Python<'_>,
    scenario: &str,
    trial: u64,
    model: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<String> {
    if let Some((s, _)) = load_package(py, scenario, origin, &sets)? {
        let o = overrides(trials, seed)?;
        let v = bargain_runner::commands::package_replay::replay_value(
            &s, trial, model, o.trials, o.seed,
        )
        .map_err(command_error)?;
        return Ok(v.to_string());
    }
    let loaded = load(py, scenario, origin, &sets)?;
    let m = bargain_runner::commands::replay::model_named(model).map_err(PyValueError::new_err)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides(trials, seed)?, Shard::WHOLE);
    if trial >= plan.trials {
        return Err(PyValueError::new_err(format!(
            "trial {trial} is out of range: the run has {} trials (0..{})",
            plan.trials, plan.trials
        )));
    }
    let r = ensemble::replay(&loaded.scenario, &plan, trial, m);
    Ok(bargain_runner::replay_json::replay_json(&loaded.scenario, trial, m, &r).to_string())
}

/// Check a scenario (one-issue or package): raise `ScenarioError` if it is rejected,
/// else return its warnings.
#[pyfunction]
#[pyo3(signature = (scenario, sets=Vec::new(), origin=None))]
fn validate(
    py: Python<'_>,
    scenario: &str,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<Vec<String>> {
    if let Some((s, _)) = load_package(py, scenario, origin, &sets)? {
        return Ok(s.warnings());
    }
    Ok(load(py, scenario, origin, &sets)?.scenario.warnings())
}

/// The scenario's TOML text with `sets` applied (the file's own text, comments and
/// layout kept; see `--set`), without checking the result: `bargain.Scenario.to_toml`.
#[pyfunction]
#[pyo3(signature = (text, origin, sets=Vec::new()))]
fn apply_sets(py: Python<'_>, text: &str, origin: &str, sets: Vec<String>) -> PyResult<String> {
    let sets = parse_sets(&sets)?;
    bargain_runner::scenario::set::apply(text, origin, &sets).map_err(|e| scenario_error(py, &e))
}

/// Read a scenario file as text (the CLI's reader: a regular file, at most the scenario
/// size limit, UTF-8): `bargain.Scenario.from_file`.
#[pyfunction]
fn read_scenario(path: PathBuf) -> PyResult<String> {
    input::read_text(&path, MAX_FILE_BYTES as u64).map_err(|e| PyOSError::new_err(e.to_string()))
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(run_negotiator, m)?)?;
    m.add_class::<negotiator::State>()?;
    m.add_function(wrap_pyfunction!(trials, m)?)?;
    m.add_function(wrap_pyfunction!(replay, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(apply_sets, m)?)?;
    m.add_function(wrap_pyfunction!(read_scenario, m)?)?;
    analyses::register(m)?;
    experiments::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
