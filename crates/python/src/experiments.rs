//! `bargain.experiments`: many variants of one scenario (levers crossed with samples of
//! the uncertainties), each run as an ensemble with the same seed and trial count.
//!
//! Two functions: [`sample_inputs`] draws `n` samples of chosen inputs with the
//! scenario's own sampler (each input from its own stream, as every run draws it), and
//! [`experiments`] runs every variant (a list of `--set` overrides) in parallel with the
//! GIL released and returns each variant's trial rows (the columns of `trials.csv`) as an
//! Arrow IPC stream. Each variant is exactly `bargain.trials(scenario, set=variant, …)`.
//! Both take one-issue and package scenarios.

use std::sync::atomic::{AtomicBool, Ordering};

use arrow_array::RecordBatch;

use bargain_runner::ensemble::kernel::package::csv_header;
use bargain_runner::ensemble::{Interrupted, RunError, Shard};
use bargain_runner::pipeline;
use bargain_runner::scenario::issues::PackageScenario;
use bargain_runner::scenario::{Override, SampleCtx, Scenario};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::{
    ArrowRows, Failure, interruptible, ipc_bytes, load, load_package, overrides, parse_sets,
    run_package, trial_batches,
};

/// A drawn value as the TOML text of an override: a preset by name, the rounds as an
/// integer, any other number in the shortest text that reads back as the same float
/// (`label`: the value in words, as the scenario's `input_value` gives it).
fn value_text(label: &str, integer: bool, x: f64) -> String {
    if integer {
        return format!("{x:.0}");
    }
    if label.parse::<f64>().is_err() {
        // A negotiator type: the preset's name.
        return format!("\"{label}\"");
    }
    format!("{x:?}")
}

/// Draw `n` samples (`0..n` as trials of a run of `n` trials, with `seed` or the file's)
/// of the inputs `paths` of the scenario, with `sets` applied. Returns, per sample, each
/// path's value as override text (`"linear"`, `1.0734…`) and as a number (a preset's
/// index among the input's options).
///
/// # Errors
/// `ValueError` for a path that is not a distribution of the scenario.
#[pyfunction]
#[pyo3(signature = (scenario, paths, n, seed=None, sets=Vec::new(), origin=None))]
#[allow(clippy::type_complexity)]
fn sample_inputs(
    py: Python<'_>,
    scenario: &str,
    paths: Vec<String>,
    n: u64,
    seed: Option<u64>,
    sets: Vec<String>,
    origin: Option<&str>,
) -> PyResult<(Vec<Vec<String>>, Vec<Vec<f64>>)> {
    // One draw function for either kind: trial `ctx`'s inputs into the slice, and input
    // `j`'s value `x` in words.
    let package = load_package(py, scenario, origin, &sets)?.map(|(s, _)| s);
    let issue = match package {
        Some(_) => None,
        None => Some(load(py, scenario, origin, &sets)?.scenario),
    };
    let (names, file_seed, count) = match (&package, &issue) {
        (Some(p), _) => (p.input_names(), p.run.seed, p.input_names().len()),
        (None, Some(s)) => (s.input_names(), s.run.seed, s.input_count()),
        (None, None) => return Err(PyValueError::new_err("no scenario")),
    };
    let draw = |ctx: SampleCtx, inputs: &mut [f64]| match (&package, &issue) {
        (Some(p), _) => {
            let _ = p.draw_trial(ctx, inputs);
        }
        (None, Some(s)) => {
            s.sample(ctx, inputs);
        }
        (None, None) => {}
    };
    let words = |j: usize, x: f64| match (&package, &issue) {
        (Some(p), _) => p.input_value(j, x),
        (None, Some(s)) => s.input_value(j, x),
        (None, None) => format!("{x}"),
    };
    let index = paths
        .iter()
        .map(|p| {
            names.iter().position(|x| x == p).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "uncertainty `{p}` is not a distribution of the scenario (its uncertain inputs: {}); give its distribution, e.g. {{\"{p}\": {{\"uniform\": [lo, hi]}}}}",
                    names.join(", ")
                ))
            })
        })
        .collect::<PyResult<Vec<usize>>>()?;
    if n == 0 {
        return Err(PyValueError::new_err("n must be at least 1"));
    }
    let seed = seed.unwrap_or(file_seed);
    let integer: Vec<bool> = paths.iter().map(|p| p == "protocol.max_rounds").collect();
    let mut inputs = vec![0.0; count];
    let mut texts = Vec::with_capacity(n as usize);
    let mut values = Vec::with_capacity(n as usize);
    for trial in 0..n {
        draw(
            SampleCtx {
                trial,
                trials: n,
                seed,
            },
            &mut inputs,
        );
        let row: Vec<f64> = index.iter().map(|&j| inputs[j]).collect();
        texts.push(
            index
                .iter()
                .zip(&integer)
                .zip(&row)
                .map(|((&j, &int), &x)| value_text(&words(j, x), int, x))
                .collect(),
        );
        values.push(row);
    }
    Ok((texts, values))
}

/// Run every variant (a list of `PATH=VALUE` overrides applied after `sets`) of the
/// scenario with the same trials and seed; return each variant's trial rows as an Arrow
/// IPC stream, in order. Variants run in parallel (each is deterministic on its own);
/// `progress(done, total)` is called as they finish; Ctrl-C stops them.
#[pyfunction]
#[pyo3(signature = (scenario, variants, trials=None, seed=None, threads=None, sets=Vec::new(), origin=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn experiments<'py>(
    py: Python<'py>,
    scenario: &str,
    variants: Vec<Vec<String>>,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    sets: Vec<String>,
    origin: Option<&str>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Vec<Bound<'py, PyBytes>>> {
    let ov = overrides(trials, seed)?;
    let variants = variants
        .iter()
        .map(|v| parse_sets(v))
        .collect::<PyResult<Vec<_>>>()?;
    // Each variant's trial rows, for either kind of scenario: a package is the file with
    // `sets` and then the variant applied, run as `bargain.trials` runs a package; a
    // one-issue scenario the text with `sets` applied, then the variant.
    let package = load_package(py, scenario, origin, &sets)?.is_some();
    let (text, name, base) = if package {
        let (text, name) = crate::read_input(scenario, origin)?;
        (text, name, parse_sets(&sets)?)
    } else {
        let loaded = load(py, scenario, origin, &sets)?;
        (loaded.text, loaded.origin, Vec::new())
    };
    let rows_of = |v: &[Override], cancel: &AtomicBool| -> Result<Vec<RecordBatch>, Failure> {
        if package {
            let all: Vec<Override> = base.iter().chain(v).cloned().collect();
            let (s, _) =
                PackageScenario::parse_with(&text, &name, &all).map_err(Failure::Scenario)?;
            let (trials, seed) = (
                ov.trials.unwrap_or(s.run.trials),
                ov.seed.unwrap_or(s.run.seed),
            );
            let mut rows = ArrowRows::new(&csv_header(&s), &s.input_names(), Vec::new());
            run_package(&s, trials, seed, cancel, Some(&mut rows))?;
            rows.finish().map_err(|e| Failure::Run(RunError::Io(e)))
        } else {
            let (s, _) = Scenario::parse_with(&text, &name, v).map_err(Failure::Scenario)?;
            let plan = pipeline::plan(&s, &ov, Shard::WHOLE);
            Ok(trial_batches(&s, &plan, cancel)?)
        }
    };
    let streams = interruptible(py, threads, progress, |ctl| {
        ctl.total.store(variants.len() as u64, Ordering::Relaxed);
        variants
            .par_iter()
            .map(|v| -> Result<Vec<u8>, Failure> {
                if ctl.cancel.load(Ordering::Relaxed) {
                    // No trial of this variant ran.
                    return Err(Failure::Run(RunError::Interrupted(Interrupted { done: 0 })));
                }
                let batches = rows_of(v, ctl.cancel)?;
                let bytes = ipc_bytes(&batches)
                    .map_err(|e| Failure::Run(RunError::Io(std::io::Error::other(e))))?;
                ctl.done.fetch_add(1, Ordering::Relaxed);
                Ok(bytes)
            })
            .collect::<Result<Vec<_>, Failure>>()
    })?;
    if streams.len() != variants.len() {
        return Err(PyRuntimeError::new_err("a variant is missing"));
    }
    Ok(streams.iter().map(|b| PyBytes::new(py, b)).collect())
}

/// Add this module's functions to the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sample_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(experiments, m)?)?;
    Ok(())
}
