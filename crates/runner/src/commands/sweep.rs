//! `bargain sweep`: one scenario run once per value of one or two fields, with common
//! random numbers; writes `reports/<name>-sweep/`. A one-issue scenario is swept by
//! [`crate::analysis::sweep`], a package scenario (`[issues]`) over its file's own keys by
//! [`crate::analysis::package_sweep`]; both write the same files.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::Error;
use super::session::{EnsembleOptions, cancel_flag, load_with, pool, progress_bar};
use crate::analysis::package_sweep;
use crate::analysis::sweep::{self as sw, SweepError, SweepReport};
use crate::ensemble::RunError;
use crate::output::{Kind, Staging};
use crate::pipeline::{Loaded, Overrides};
use crate::scenario::issues::PackageScenario;
use crate::scenario::{MAX_SWEEP_PATHS, Override, SweepAxis};

/// The scenario of a sweep: one-issue or a package.
#[derive(Debug, Clone)]
pub enum Swept {
    /// A one-issue scenario.
    Issue(Box<Loaded>),
    /// A package scenario (`[issues]`), the text it was read from (overrides applied) and
    /// the name of that text in messages.
    Package(Box<PackageScenario>, String, String),
}

impl Swept {
    /// The scenario file at `path` with `sets` applied, of either kind.
    ///
    /// # Errors
    /// The scenario's errors; input errors.
    pub fn load(path: &Path, sets: &[Override]) -> Result<Self, Error> {
        if super::package_run::is_package_file(path) {
            let (s, text) = super::package_run::load_package(path, sets)?;
            Ok(Swept::Package(
                Box::new(s),
                text,
                path.display().to_string(),
            ))
        } else {
            Ok(Swept::Issue(Box::new(load_with(path, sets)?)))
        }
    }

    /// The scenario's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Swept::Issue(l) => &l.scenario.name,
            Swept::Package(s, _, _) => &s.name,
        }
    }

    /// The text that ran (copied as `scenario.toml`).
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Swept::Issue(l) => &l.text,
            Swept::Package(_, text, _) => text,
        }
    }

    /// The scenario's warnings.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Swept::Issue(l) => l.scenario.warnings(),
            Swept::Package(s, _, _) => s.warnings(),
        }
    }

    /// The axes of the sweep: see [`axes`] (a package file has no `[sweep]` table: its
    /// axes are `--sweep` options on its own keys, see [`package_sweep::axis`]).
    ///
    /// # Errors
    /// As [`axes`].
    pub fn axes(&self, specs: &[String], name: &str) -> Result<Vec<SweepAxis>, Error> {
        match self {
            Swept::Issue(l) => axes(l, specs, name),
            Swept::Package(..) => {
                if specs.is_empty() {
                    return Err(Error::Usage(format!(
                        "{name}: nothing to sweep: give --sweep PATH=VALUES (a key of the file, e.g. parties.us.utility.reservation=0.1,0.2)"
                    )));
                }
                checked(specs, package_sweep::axis)
            }
        }
    }

    /// Run the sweep on the current rayon pool (see [`sw::run`] and
    /// [`package_sweep::run`]).
    ///
    /// # Errors
    /// A bad variant, a rejected trial, interruption.
    pub fn run(
        &self,
        axes: &[SweepAxis],
        overrides: &Overrides,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &AtomicBool,
    ) -> Result<SweepReport, SweepError> {
        match self {
            Swept::Issue(l) => sw::run(l, axes, overrides, progress, cancel),
            Swept::Package(s, text, origin) => {
                package_sweep::run(s, text, origin, axes, overrides, progress, cancel)
            }
        }
    }
}

/// `PATH=VALUES` specifications as axes, each made by `axis(path, values)`: each path
/// once, at most [`MAX_SWEEP_PATHS`].
fn checked(
    specs: &[String],
    axis: impl Fn(&str, &str) -> Result<SweepAxis, String>,
) -> Result<Vec<SweepAxis>, Error> {
    let mut axes: Vec<SweepAxis> = Vec::new();
    for spec in specs {
        let (path, values) = spec.split_once('=').ok_or_else(|| {
            Error::Usage(format!("--sweep: expected PATH=VALUES, found `{spec}`"))
        })?;
        let path = path.trim();
        let axis = axis(path, values).map_err(|m| Error::Usage(format!("--sweep {path}: {m}")))?;
        if axes.iter().any(|a| a.path == path) {
            return Err(Error::Usage(format!("--sweep {path}: given twice")));
        }
        axes.push(axis);
    }
    if axes.len() > MAX_SWEEP_PATHS {
        return Err(Error::Usage(format!(
            "at most {MAX_SWEEP_PATHS} --sweep fields, found {}",
            axes.len()
        )));
    }
    Ok(axes)
}

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
        checked(specs, |path, values| {
            loaded.scenario.sweep_axis(path, values)
        })?
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
    let swept = Swept::load(&args.scenario, &args.opts.sets)?;
    // The scenario's warnings on stderr, under `-q` too, as `run` prints them.
    for w in swept.warnings() {
        eprintln!("warning: {}: {w}", swept.name());
    }
    let axes = swept.axes(&args.sweeps, &args.scenario.display().to_string())?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-sweep", swept.name())));
    let staging = Staging::new(&dest, Kind::Sweep)?;
    let cancel = cancel_flag();
    let total: usize = axes.iter().map(|a| a.values.len()).product();
    let bar = progress_bar(total as u64, args.opts.quiet);
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    let report = pool(args.opts.threads)?
        .install(|| swept.run(&axes, &overrides, &progress, &cancel))
        .map_err(|e| match e {
            SweepError::Scenario { .. } => Error::Usage(e.to_string()),
            SweepError::Failed { .. } => Error::Other(e.to_string()),
            SweepError::Run(RunError::Interrupted(i)) => Error::Interrupted(i.to_string()),
            SweepError::Run(e @ RunError::Failed(_)) => Error::Other(e.to_string()),
            SweepError::Run(RunError::Io(e)) => Error::Other(e.to_string()),
        })?;
    bar.finish_and_clear();
    sw::write_files(staging.path(), swept.text(), &report).map_err(Error::io(dest.display()))?;
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
