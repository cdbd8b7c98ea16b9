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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use arrow_array::RecordBatch;
use bargain_runner::commands::Error as CommandError;
use bargain_runner::commands::session::{self, EnsembleOptions};
use bargain_runner::ensemble::{self, Hooks, RunError, Shard};
use bargain_runner::input;
use bargain_runner::output::{Kind, OutputError, Staging};
use bargain_runner::pipeline::{self, Loaded, Overrides};
use bargain_runner::scenario::{MAX_FILE_BYTES, Override, Scenario, ScenarioError};
use bargain_runner::trials_out::ArrowRows;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// How often the waiting thread checks for signals.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Raise `bargain.ScenarioError` for a rejected scenario (attributes from its first
/// problem; the message lists them all).
fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
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

/// A scenario given as TOML text (it has a newline or starts with a table header) or as
/// the path of a file, with the overrides `sets` (`PATH=VALUE`, as `--set`) applied.
fn load(py: Python<'_>, scenario: &str, sets: &[String]) -> PyResult<Loaded> {
    let sets = sets
        .iter()
        .map(|s| s.parse::<Override>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(PyValueError::new_err)?;
    let is_text = scenario.contains('\n') || scenario.trim_start().starts_with('[');
    let (text, origin) = if is_text {
        (scenario.to_owned(), "<string>".to_owned())
    } else {
        // The CLI's reader: regular files only, never blocking on a FIFO or a device,
        // at most the scenario size limit.
        let text = input::read_text(Path::new(scenario), MAX_FILE_BYTES as u64)
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        (text, scenario.to_owned())
    };
    let (parsed, text) =
        Scenario::parse_with(&text, &origin, &sets).map_err(|e| scenario_error(py, &e))?;
    Ok(Loaded {
        scenario: parsed,
        origin,
        text,
    })
}

/// A CLI error as a Python exception: bad usage or input is a `ValueError`, an
/// interruption a `RuntimeError`, anything else an `OSError`; the message is the CLI's.
fn command_error(e: CommandError) -> PyErr {
    match e {
        CommandError::Usage(m) => PyValueError::new_err(m),
        e @ CommandError::Scenario(_) => PyValueError::new_err(e.to_string()),
        e @ CommandError::Interrupted(_) => PyRuntimeError::new_err(e.to_string()),
        e @ CommandError::Other(_) => PyOSError::new_err(e.to_string()),
    }
}

/// The overrides, checked by the CLI's own check (the same limits and message).
fn overrides(trials: Option<u64>, seed: Option<u64>) -> PyResult<Overrides> {
    EnsembleOptions {
        trials,
        seed,
        ..EnsembleOptions::default()
    }
    .overrides()
    .map_err(command_error)
}

/// Run `job` on a rayon pool of `threads` workers with the GIL released, checking for
/// signals between waits; on a signal, cancel the job and raise the signal's exception.
fn interruptible<T, F>(py: Python<'_>, threads: Option<usize>, job: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&AtomicBool) -> Result<T, RunError> + Send,
{
    // The CLI's pool: 0 is refused, more than 4 × the cores is capped (with a note on
    // stderr), so a huge count cannot hang the interpreter starting threads.
    let pool = session::pool(threads).map_err(command_error)?;
    let cancel = AtomicBool::new(false);
    let (result, signal) = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<()>();
            let cancel = &cancel;
            let pool = &pool;
            let worker = s.spawn(move || {
                let r = pool.install(|| job(cancel));
                let _ = tx.send(());
                r
            });
            let mut signal = None;
            while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(SIGNAL_POLL) {
                if signal.is_none()
                    && let Err(e) = Python::attach(|py| py.check_signals())
                {
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
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(RunError::Interrupted(i))) => Err(PyRuntimeError::new_err(i.to_string())),
        Ok(Err(RunError::Io(e))) => Err(PyOSError::new_err(e.to_string())),
        Err(_) => Err(PyRuntimeError::new_err("the ensemble panicked")),
    }
}

/// A report folder that may not be written (`out` is not a new or empty folder or a
/// report of a run) is a `ValueError`; an I/O failure, naming its path, an `OSError`.
fn output_error(e: OutputError) -> PyErr {
    match e {
        OutputError::Refused(m) => PyValueError::new_err(m),
        OutputError::Interrupted => PyRuntimeError::new_err(e.to_string()),
        e @ OutputError::Io { .. } => PyOSError::new_err(e.to_string()),
    }
}

/// Run a scenario's ensemble; return `summary.json` as text; with `out`, also write the
/// report folder there (atomically, as `bargain run --out` does).
#[pyfunction]
#[pyo3(signature = (scenario, trials=None, seed=None, threads=None, out=None, sets=Vec::new()))]
fn run(
    py: Python<'_>,
    scenario: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    out: Option<PathBuf>,
    sets: Vec<String>,
) -> PyResult<String> {
    let loaded = load(py, scenario, &sets)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides(trials, seed)?, Shard::WHOLE);
    let staging = match &out {
        Some(dir) => Some(Staging::new(dir, Kind::Run).map_err(output_error)?),
        None => None,
    };
    let finished = interruptible(py, threads, |cancel| {
        pipeline::execute(&loaded, plan, &|_| {}, cancel, None)
    })?;
    if let Some(staging) = staging {
        bargain_runner::report::write_report(staging, &loaded, &finished, None)
            .map_err(output_error)?;
    }
    let json =
        pipeline::to_json(&finished.summary).map_err(|e| PyOSError::new_err(e.to_string()))?;
    String::from_utf8(json).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Run a scenario's ensemble and return every trial's row (the columns of `trials.csv`)
/// as an Arrow IPC stream.
#[pyfunction]
#[pyo3(signature = (scenario, trials=None, seed=None, threads=None, sets=Vec::new()))]
fn trials<'py>(
    py: Python<'py>,
    scenario: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let loaded = load(py, scenario, &sets)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides(trials, seed)?, Shard::WHOLE);
    let s = &loaded.scenario;
    let batches: Vec<RecordBatch> = interruptible(py, threads, |cancel| {
        let mut rows = ArrowRows::for_run(s, &plan, Vec::new());
        let range = ensemble::amount_range(s, &plan);
        ensemble::run(
            s,
            &plan,
            range,
            Hooks {
                progress: &|_| {},
                cancel,
                rows: Some(&mut rows),
            },
        )?;
        rows.finish().map_err(RunError::Io)
    })?;
    let bytes = py
        .detach(|| -> Result<Vec<u8>, String> {
            let first = batches.first().ok_or("no trials")?;
            let mut w = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &first.schema())
                .map_err(|e| e.to_string())?;
            for b in &batches {
                w.write(b).map_err(|e| e.to_string())?;
            }
            w.into_inner().map_err(|e| e.to_string())
        })
        .map_err(PyRuntimeError::new_err)?;
    Ok(PyBytes::new(py, &bytes))
}

/// Replay one trial under one model; return the `bargain replay --json` object as text.
#[pyfunction]
#[pyo3(signature = (scenario, trial, model="agents", trials=None, seed=None, sets=Vec::new()))]
fn replay(
    py: Python<'_>,
    scenario: &str,
    trial: u64,
    model: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    sets: Vec<String>,
) -> PyResult<String> {
    let loaded = load(py, scenario, &sets)?;
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

/// Check a scenario: raise `ScenarioError` if it is rejected, else return its warnings.
#[pyfunction]
#[pyo3(signature = (scenario, sets=Vec::new()))]
fn validate(py: Python<'_>, scenario: &str, sets: Vec<String>) -> PyResult<Vec<String>> {
    Ok(load(py, scenario, &sets)?.scenario.warnings())
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(trials, m)?)?;
    m.add_function(wrap_pyfunction!(replay, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
