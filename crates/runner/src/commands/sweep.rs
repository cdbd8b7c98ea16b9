//! `bargain sweep`: one scenario run once per value of one or two fields, with common
//! random numbers; writes `reports/<name>-sweep/`.

use std::path::PathBuf;

use super::Error;
use super::session::{EnsembleOptions, cancel_flag, load_with, pool, progress_bar};
use crate::analysis::sweep::{self as sw, SweepError};
use crate::ensemble::RunError;
use crate::output::{Kind, Staging};
use crate::pipeline::Loaded;
use crate::scenario::{MAX_SWEEP_PATHS, SweepAxis};

/// Options of `bargain sweep`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `PATH=VALUES` specifications; replace the file's `[sweep]` table when given.
    pub sweeps: Vec<String>,
    /// Output folder (default `reports/<name>-sweep/`).
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet.
    pub opts: EnsembleOptions,
}

/// The axes of a sweep of `loaded`: the `--sweep PATH=VALUES` specifications `specs`,
/// or without any the file's `[sweep]` table; at most [`MAX_SWEEP_PATHS`], each path once
/// (the CLI's and Python's check). `name` names the scenario in the error without axes.
///
/// # Errors
/// A usage error for a bad specification, a path given twice, too many or no axes.
pub fn axes(loaded: &Loaded, specs: &[String], name: &str) -> Result<Vec<SweepAxis>, Error> {
    let axes = if specs.is_empty() {
        loaded.scenario.sweep.clone()
    } else {
        let mut axes: Vec<SweepAxis> = Vec::new();
        for spec in specs {
            let (path, values) = spec.split_once('=').ok_or_else(|| {
                Error::Usage(format!("--sweep: expected PATH=VALUES, found `{spec}`"))
            })?;
            let path = path.trim();
            let axis = loaded
                .scenario
                .sweep_axis(path, values)
                .map_err(|m| Error::Usage(format!("--sweep {path}: {m}")))?;
            if axes.iter().any(|a| a.path == path) {
                return Err(Error::Usage(format!("--sweep {path}: given twice")));
            }
            axes.push(axis);
        }
        axes
    };
    if axes.is_empty() {
        return Err(Error::Usage(format!(
            "{name}: nothing to sweep: add a [sweep] table or --sweep PATH=VALUES"
        )));
    }
    if axes.len() > MAX_SWEEP_PATHS {
        return Err(Error::Usage(format!(
            "at most {MAX_SWEEP_PATHS} --sweep fields, found {}",
            axes.len()
        )));
    }
    Ok(axes)
}

/// Run `bargain sweep`.
///
/// # Errors
/// Usage, scenario, I/O errors; interruption.
pub fn run(args: &Options) -> Result<(), Error> {
    let overrides = args.opts.overrides()?;
    let loaded = load_with(&args.scenario, &args.opts.sets)?;
    // The scenario's warnings on stderr, under `-q` too, as `run` prints them.
    for w in loaded.scenario.warnings() {
        eprintln!("warning: {}: {w}", loaded.scenario.name);
    }
    let axes = axes(&loaded, &args.sweeps, &args.scenario.display().to_string())?;
    let dest = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("reports").join(format!("{}-sweep", loaded.scenario.name))
    });
    let staging = Staging::new(&dest, Kind::Sweep)?;
    let cancel = cancel_flag();
    let total: usize = axes.iter().map(|a| a.values.len()).product();
    let bar = progress_bar(total as u64, args.opts.quiet);
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    let report = pool(args.opts.threads)?
        .install(|| sw::run(&loaded, &axes, &overrides, &progress, &cancel))
        .map_err(|e| match e {
            SweepError::Scenario { .. } => Error::Usage(e.to_string()),
            SweepError::Run(RunError::Interrupted(i)) => Error::Interrupted(i.to_string()),
            SweepError::Run(RunError::Io(e)) => Error::Other(e.to_string()),
        })?;
    bar.finish_and_clear();
    sw::write_files(staging.path(), &loaded, &report).map_err(Error::io(dest.display()))?;
    staging.commit(Some(&cancel))?;
    if !args.opts.quiet {
        print!("{}", sw::table(&report));
        println!(
            "{} variants x {} trials; report: {}",
            report.points.len(),
            report.trials,
            dest.join("sweep.html").display()
        );
    }
    Ok(())
}
