//! `bargain sensitivity`: rank the uncertain inputs by how much they move the deal (PRCC,
//! optional Sobol indices); writes `reports/<name>-sensitivity/`.

use std::path::{Path, PathBuf};

use super::Error;
use super::session::{cancel_flag, load_with, pool, spinner};
use crate::analysis::package_sensitivity;
use crate::analysis::sensitivity::{self as sa, MAX_SAMPLES, MAX_SOBOL_SAMPLES, SensitivityReport};
use crate::ensemble::RunError;
use crate::output::{Kind, Staging};
use crate::scenario::issues::PackageScenario;

/// Options of `bargain sensitivity`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Trials `0..N` of the run used for the rank correlations.
    pub samples: u64,
    /// Also estimate Sobol indices.
    pub sobol: bool,
    /// Rows of the Sobol design.
    pub sobol_samples: u64,
    /// The model of the tornado chart (default: the scenario's first model).
    pub model: Option<String>,
    /// Override the seed.
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Output folder (default `reports/<name>-sensitivity/`).
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// `--set PATH=VALUE` overrides of the scenario file.
    pub sets: Vec<crate::scenario::Override>,
}

/// Check the sample counts of a sensitivity analysis: `samples` trials for the rank
/// correlations, `sobol` rows of the Sobol design when asked for (the CLI's and Python's
/// check).
///
/// # Errors
/// A usage error for a count outside its range.
pub fn check_samples(samples: u64, sobol: Option<u64>) -> Result<(), Error> {
    if !(1..=MAX_SAMPLES).contains(&samples) {
        return Err(Error::Usage(format!(
            "--samples must be in 1..={MAX_SAMPLES}"
        )));
    }
    if let Some(rows) = sobol
        && !(2..=MAX_SOBOL_SAMPLES).contains(&rows)
    {
        return Err(Error::Usage(format!(
            "--sobol-samples must be in 2..={MAX_SOBOL_SAMPLES}"
        )));
    }
    Ok(())
}

/// Run `bargain sensitivity`.
///
/// # Errors
/// Usage, scenario, I/O errors; interruption.
pub fn run(args: &Options) -> Result<(), Error> {
    check_samples(args.samples, args.sobol.then_some(args.sobol_samples))?;
    if super::package_run::is_package_file(&args.scenario) {
        return run_package(args);
    }
    let loaded = load_with(&args.scenario, &args.sets)?;
    // The scenario's warnings on stderr, under `-q` too, as `run` prints them.
    for w in loaded.scenario.warnings() {
        eprintln!("warning: {}: {w}", loaded.scenario.name);
    }
    // A former name (`breakdown` for `brw`) names the same model.
    let model = args.model.as_deref().map(|m| {
        bargain_core::Model::from_name(m).map_or_else(|| m.to_owned(), |x| x.as_str().to_owned())
    });
    if let Some(m) = &model
        && !loaded.scenario.run.models.iter().any(|x| x.as_str() == m)
    {
        let names: Vec<&str> = loaded
            .scenario
            .run
            .models
            .iter()
            .map(|m| m.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "--model {m}: not a model of this scenario (its models: {})",
            names.join(", ")
        )));
    }
    let dest = destination(args, &loaded.scenario.name);
    let staging = Staging::new(&dest, Kind::Sensitivity)?;
    let opts = sa::Options {
        samples: args.samples,
        sobol: args.sobol.then_some(args.sobol_samples),
        seed: args.seed.unwrap_or(loaded.scenario.run.seed),
    };
    let cancel = cancel_flag();
    let spin = spinner(
        args.quiet,
        format!(
            "sensitivity: {} trials{}",
            args.samples,
            if args.sobol {
                format!(", Sobol design of {} rows", args.sobol_samples)
            } else {
                String::new()
            }
        ),
    );
    let report = pool(args.threads)?
        .install(|| sa::analyze(&loaded.scenario, opts, &cancel))
        .map_err(|i| Error::Interrupted(i.to_string()))?;
    drop(spin);
    finish(
        args,
        staging,
        &loaded.text,
        &report,
        model.as_deref(),
        &cancel,
    )
}

/// The output folder: `--out`, or `reports/<name>-sensitivity/`.
fn destination(args: &Options, name: &str) -> PathBuf {
    args.out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{name}-sensitivity")))
}

/// Write the report of either kind of scenario into `staging`, commit it and print the
/// table (unless quiet).
fn finish(
    args: &Options,
    staging: Staging,
    text: &str,
    report: &SensitivityReport,
    model: Option<&str>,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<(), Error> {
    let dest = staging.dest().to_owned();
    write_files(staging.path(), text, report, model).map_err(Error::io(dest.display()))?;
    staging.commit(Some(cancel))?;
    if !args.quiet {
        print!("{}", sa::table(report));
        println!("report: {}", dest.join("sensitivity.html").display());
    }
    Ok(())
}

/// `bargain sensitivity` on a package scenario ([`package_sensitivity::analyze`]): the
/// rank correlations of the sampled inputs with each model's deal, amount and number
/// issues. `--sobol` is refused (see the module).
fn run_package(args: &Options) -> Result<(), Error> {
    let (s, text) = super::package_run::load_package(&args.scenario, &args.sets)?;
    for w in s.warnings() {
        eprintln!("warning: {}: {w}", s.name);
    }
    let model = args.model.clone();
    if let Some(m) = &model
        && !s.run.models.iter().any(|x| x.as_str() == m)
    {
        let names: Vec<&str> = s.run.models.iter().map(|m| m.as_str()).collect();
        return Err(Error::Usage(format!(
            "--model {m}: not a model of this scenario (its models: {})",
            names.join(", ")
        )));
    }
    let staging = Staging::new(&destination(args, &s.name), Kind::Sensitivity)?;
    let cancel = cancel_flag();
    let spin = spinner(args.quiet, format!("sensitivity: {} trials", args.samples));
    let seed = args.seed.unwrap_or(s.run.seed);
    let origin = args.scenario.display().to_string();
    let report = pool(args.threads)?
        .install(|| analyze_package(&s, &origin, args.samples, args.sobol, seed, &cancel))?;
    drop(spin);
    finish(args, staging, &text, &report, model.as_deref(), &cancel)
}

/// The sensitivity report of package scenario `s` (read from `origin`) over trials
/// `0..samples` of seed `seed` (the CLI's and Python's analysis of packages).
///
/// # Errors
/// A usage error with `sobol` (Sobol indices are not available for packages); a
/// rejected trial; interruption.
pub fn analyze_package(
    s: &PackageScenario,
    origin: &str,
    samples: u64,
    sobol: bool,
    seed: u64,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<SensitivityReport, Error> {
    if sobol {
        return Err(Error::Usage(format!(
            "{origin}: --sobol: Sobol indices are not available for package scenarios ([issues]); the rank correlations (PRCC) are"
        )));
    }
    package_sensitivity::analyze(s, samples, seed, cancel).map_err(|e| match e {
        RunError::Failed(e) => Error::Other(format!(
            "{origin}: a sampled trial's preferences were rejected: {e}"
        )),
        RunError::Interrupted(_) | RunError::Io(_) => {
            Error::Interrupted("during the trials".into())
        }
    })
}

/// Write `sensitivity.json`, `sensitivity.csv`, the tornado chart, `sensitivity.html`
/// and `scenario.toml` into `dir`; the tornado shows `model` (or the first model).
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_files(
    dir: &Path,
    text: &str,
    report: &SensitivityReport,
    model: Option<&str>,
) -> std::io::Result<()> {
    std::fs::write(
        dir.join("sensitivity.json"),
        crate::pipeline::to_json(report)?,
    )?;
    std::fs::write(dir.join("sensitivity.csv"), sa::csv(report))?;
    std::fs::write(dir.join("scenario.toml"), text)?;
    crate::report::write_sensitivity(dir, report, model)
}
