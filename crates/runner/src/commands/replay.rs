//! `bargain replay`: one trial offer by offer, exactly as the ensemble ran it.

use std::path::Path;

use bargain_core::Model;

use super::Error;
use super::session::load_with;
use crate::ensemble::{self, Shard};
use crate::pipeline::{self, Overrides};
use crate::scenario::Override;

/// Replay trial `trial` of the scenario at `path` (with `sets` applied) under the model
/// named `model`; print a table, or one JSON object with `json`.
///
/// # Errors
/// The scenario's errors; a usage error for an unknown model or a trial out of range.
pub fn run(
    path: &Path,
    trial: u64,
    model: &str,
    overrides: Overrides,
    json: bool,
    sets: &[Override],
) -> Result<(), Error> {
    let loaded = load_with(path, sets)?;
    let model = model_named(model).map_err(Error::Usage)?;
    let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
    if trial >= plan.trials {
        return Err(Error::Usage(format!(
            "--trial {trial} is out of range: the run has {} trials (0..{})",
            plan.trials, plan.trials
        )));
    }
    let r = ensemble::replay(&loaded.scenario, &plan, trial, model);
    if json {
        let v = crate::replay_json::replay_json(&loaded.scenario, trial, model, &r);
        return write_stdout(&format!("{v}\n"));
    }
    write_stdout(&crate::table::replay(&loaded.scenario, trial, model, &r))
}

/// Write `text` to stdout at once. A reader that closed the pipe early (`| head`) ends
/// the command quietly (exit 0) instead of a "Broken pipe" panic; other write errors
/// are errors.
///
/// # Errors
/// A failed write to stdout other than a closed pipe.
pub(crate) fn write_stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("standard output")(e))
        }
        _ => Ok(()),
    }
}

/// The model named `name`, or a message listing the names (CLI and Python).
///
/// # Errors
/// An unknown name.
pub fn model_named(name: &str) -> Result<Model, String> {
    Model::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
        format!(
            "unknown model `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}
