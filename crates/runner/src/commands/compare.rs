//! `bargain compare A B`: two report folders, two scenario files (run with common random
//! numbers) or one of each; writes `compare.json`, `.csv`, `.html` and the plot. The
//! statistics are `crate::analysis::compare`'s.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::Error;
use super::session::{
    EnsembleOptions, cancel_flag, check_trials, load_with, pool, print_result, with_spinner,
};
use crate::analysis::compare::{self as cmp, Comparison};
use crate::analysis::package_compare;
use crate::ensemble::kernel::package::Packages;
use crate::ensemble::{Hooks, RunError};
use crate::ensemble::{Plan, Shard};
use crate::output::{Kind, Staging};
use crate::pipeline::{self, Loaded, Overrides, to_json};
use crate::scenario::issues::PackageScenario;
use crate::summary::Summary;

/// Options of `bargain compare`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The first input: a report folder or a scenario file.
    pub a: PathBuf,
    /// The second input.
    pub b: PathBuf,
    /// Output folder (default `reports/compare`).
    pub out: Option<PathBuf>,
    /// Trials and seed (for scenario inputs), threads, quiet.
    pub opts: EnsembleOptions,
}

/// What `bargain compare` produced.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The comparison (`compare.json`).
    pub comparison: Comparison,
    /// Where the files were written.
    pub dest: PathBuf,
    /// The table for the terminal.
    pub table: String,
}

fn read_report(dir: &Path, warnings: &mut Vec<String>) -> Result<Summary, Error> {
    let path = dir.join("summary.json");
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "{}: not a report folder (no summary.json)",
            dir.display()
        )));
    }
    let text = crate::input::read_text(&path, crate::input::MAX_REPORT_BYTES)?;
    crate::summary::check_header(&text)
        .map_err(|m| Error::Usage(format!("{}: {m}", path.display())))?;
    let summary: Summary = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    cmp::check_summary(&summary).map_err(|m| {
        Error::Usage(format!(
            "{}: {m} (the file was edited or damaged; run the scenario again)",
            path.display()
        ))
    })?;
    if dir.join("partial.json").is_file() {
        warnings.push(format!(
            "{} is a partial report (one shard of a run): merge the shards with `bargain merge` to compare whole runs",
            dir.display()
        ));
    }
    Ok(summary)
}

/// Print a scenario's warnings to stderr, as `run` does.
fn scenario_warnings(loaded: &Loaded) {
    for w in loaded.scenario.warnings() {
        eprintln!("warning: {}: {w}", loaded.scenario.name);
    }
}

fn run_one(loaded: &Loaded, plan: Plan, cancel: &AtomicBool) -> Result<Summary, Error> {
    let f = pipeline::execute(loaded, plan, &|_| {}, cancel, None)
        .map_err(|e| Error::run(&loaded.scenario.name, e))?;
    Ok(f.summary)
}

/// Run `bargain compare` with a spinner; print the table (unless quiet) and where the
/// report is.
///
/// # Errors
/// See [`compare`].
pub fn run(opts: &Options) -> Result<(), Error> {
    let r = with_spinner(opts.opts.quiet, "compare: running", || compare(opts))?;
    // Warnings go to stderr, under `-q` too (the table leaves them out).
    for w in &r.comparison.warnings {
        eprintln!("warning: {w}");
    }
    print_result(opts.opts.quiet, &r.table, "compare", &r.dest);
    Ok(())
}

/// One input of a comparison: a report folder, or a scenario to run here.
#[derive(Debug, Clone)]
pub enum Input {
    /// A report folder (its `summary.json` is read).
    Report(PathBuf),
    /// A loaded scenario and the path (or name) it was given as.
    Scenario(Box<Loaded>, PathBuf),
    /// A package scenario (`[issues]`) and the path (or name) it was given as.
    Package(Box<PackageScenario>, PathBuf),
}

impl Input {
    /// The input at `path`: a report folder (restored first if a crashed commit left it
    /// hidden) or a scenario file, loaded with `sets`.
    ///
    /// # Errors
    /// A usage error for a path that is neither; the scenario's errors.
    pub fn from_path(path: &Path, sets: &[crate::scenario::Override]) -> Result<Input, Error> {
        crate::output::recover_report(path)?;
        if path.is_dir() {
            Ok(Input::Report(path.to_owned()))
        } else if super::package_run::is_package_file(path) {
            let (s, _) = super::package_run::load_package(path, sets)?;
            Ok(Input::Package(Box::new(s), path.to_owned()))
        } else if path.is_file() {
            Ok(Input::Scenario(
                Box::new(load_with(path, sets)?),
                path.to_owned(),
            ))
        } else {
            Err(Error::Usage(format!(
                "{}: no such report folder or scenario file",
                path.display()
            )))
        }
    }
}

/// A comparison computed (nothing written yet).
#[derive(Debug, Clone)]
pub struct Computed {
    /// The comparison (`compare.json`).
    pub comparison: Comparison,
    /// The first input's summary.
    pub a: Summary,
    /// The second input's summary.
    pub b: Summary,
    /// The summaries of the inputs run here (`a` and/or `b`), for `a.summary.json`…
    pub ran: Vec<(&'static str, Summary)>,
}

/// Compare `a` and `b` in the current rayon pool: two scenarios run with common random
/// numbers (paired statistics when they use one sampler), two report folders from their
/// summaries, or one of each (the scenario run with the folder's seed and trials). The
/// trials and seed of `opts` override the first scenario's (or the folder's).
///
/// # Errors
/// Unreadable report folders, interruption.
pub fn compute(
    a: &Input,
    b: &Input,
    opts: &EnsembleOptions,
    cancel: &AtomicBool,
) -> Result<Computed, Error> {
    check_trials(opts.trials)?;
    let mut warnings = Vec::new();
    let mut ran: Vec<(&str, Summary)> = Vec::new();
    let (mut cmp, sa, sb) = match (a, b) {
        (Input::Package(..), _) | (_, Input::Package(..)) => {
            with_packages([a, b], opts, cancel, &mut warnings, &mut ran)?
        }
        (Input::Report(da), Input::Report(db)) => {
            let sa = read_report(da, &mut warnings)?;
            let sb = read_report(db, &mut warnings)?;
            let ia = cmp::side_info("A", da, "report", &sa);
            let ib = cmp::side_info("B", db, "report", &sb);
            (cmp::compare_summaries((&ia, &sa), (&ib, &sb)), sa, sb)
        }
        (Input::Scenario(la, pa_path), Input::Scenario(lb, pb_path)) => {
            let overrides = Overrides {
                trials: Some(opts.trials.unwrap_or(la.scenario.run.trials)),
                seed: Some(opts.seed.unwrap_or(la.scenario.run.seed)),
            };
            let pa = pipeline::plan(&la.scenario, &overrides, Shard::WHOLE);
            let pb = pipeline::plan(&lb.scenario, &overrides, Shard::WHOLE);
            let run = cmp::run_paired((&la.scenario, &pa), (&lb.scenario, &pb), cancel, &|_| {})
                .map_err(|e| Error::run(&la.scenario.name, e))?;
            let sa = pipeline::summarize(&la.scenario, &pa, &run.a);
            let sb = pipeline::summarize(&lb.scenario, &pb, &run.b);
            let ia = cmp::side_info("A", pa_path, "scenario", &sa);
            let ib = cmp::side_info("B", pb_path, "scenario", &sb);
            let mut cmp = cmp::compare_summaries((&ia, &sa), (&ib, &sb));
            // Trial i of both draws every input from the stream of its field path (and the
            // models' draws from the trial's generator): common random numbers, as long
            // as both map those streams to values the same way, i.e. use one sampler.
            let paired = la.scenario.run.sampler == lb.scenario.run.sampler;
            cmp.common_random_numbers = paired;
            if !paired {
                warnings.push(
                    "the two scenarios use different samplers (monte-carlo, latin-hypercube): \
                     their inputs are not common random numbers, so the comparison is unpaired"
                        .into(),
                );
            }
            if paired {
                cmp::apply_pairs(&mut cmp, run.pairs.iter().map(|(m, s)| (m.as_str(), s)));
            }
            ran.push(("a", sa.clone()));
            ran.push(("b", sb.clone()));
            (cmp, sa, sb)
        }
        (Input::Report(dir), Input::Scenario(loaded, file))
        | (Input::Scenario(loaded, file), Input::Report(dir)) => {
            // One report folder, one scenario: run the scenario with the folder's seed and
            // trial count (same per-trial generators), compare from summaries.
            let a_is_dir = matches!(a, Input::Report(_));
            let report = read_report(dir, &mut warnings)?;
            let overrides = Overrides {
                trials: Some(opts.trials.unwrap_or(report.trials)),
                seed: Some(opts.seed.unwrap_or(report.seed)),
            };
            let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
            let run = run_one(loaded, plan, cancel)?;
            warnings.push(
                "one input is a report folder: the scenario ran with its seed and trial count, \
                 but the comparison uses summaries only (unpaired intervals)"
                    .into(),
            );
            let (sa, sb, pa, pb) = if a_is_dir {
                ran.push(("b", run.clone()));
                (report, run, dir, file)
            } else {
                ran.push(("a", run.clone()));
                (run, report, file, dir)
            };
            let ia = cmp::side_info("A", pa, if a_is_dir { "report" } else { "scenario" }, &sa);
            let ib = cmp::side_info("B", pb, if a_is_dir { "scenario" } else { "report" }, &sb);
            (cmp::compare_summaries((&ia, &sa), (&ib, &sb)), sa, sb)
        }
    };
    cmp.warnings.extend(warnings);
    if cmp.models.is_empty() {
        cmp.warnings
            .push("no model is present in both inputs: nothing to compare".into());
    }
    Ok(Computed {
        comparison: cmp,
        a: sa,
        b: sb,
        ran,
    })
}

/// A package scenario's summary of `trials` trials of seed `seed`.
fn run_package(
    s: &PackageScenario,
    path: &Path,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<Summary, Error> {
    let acc = Packages::new(s, trials, seed, cancel)
        .and_then(|k| crate::ensemble::run(&k, Shard::WHOLE, Hooks::silent(cancel)))
        .map_err(|e| package_stop(path, e))?;
    Ok(crate::summary::package::summarize(
        s, trials, seed, &s.unit, &acc,
    ))
}

fn package_stop(path: &Path, e: RunError) -> Error {
    match e {
        RunError::Failed(e) => Error::Other(format!(
            "{}: a sampled trial's preferences were rejected: {e}",
            path.display()
        )),
        RunError::Interrupted(_) | RunError::Io(_) => {
            Error::Interrupted("during the trials".into())
        }
    }
}

/// A comparison where at least one input is a package scenario file. Every scenario runs
/// with one seed and trial count (`--seed`/`--trials`, else the first report folder's,
/// else A's file's). Two package files that pair ([`package_compare::pairs`]) get
/// paired statistics; any other combination is compared from summaries (unpaired). A
/// package against a one-issue scenario or report compares what they share (the
/// agreement rate, the amount, the rounds), with a warning; issues are compared where
/// both sides are packages.
fn with_packages(
    inputs: [&Input; 2],
    opts: &EnsembleOptions,
    cancel: &AtomicBool,
    warnings: &mut Vec<String>,
    ran: &mut Vec<(&'static str, Summary)>,
) -> Result<(Comparison, Summary, Summary), Error> {
    let mut reports = [None, None];
    for (slot, input) in reports.iter_mut().zip(inputs) {
        if let Input::Report(dir) = input {
            *slot = Some(read_report(dir, warnings)?);
        }
    }
    let report = reports.iter().flatten().next().map(|r| (r.trials, r.seed));
    let first = report.or_else(|| {
        inputs.iter().find_map(|i| match i {
            Input::Scenario(l, _) => Some((l.scenario.run.trials, l.scenario.run.seed)),
            Input::Package(s, _) => Some((s.run.trials, s.run.seed)),
            Input::Report(_) => None,
        })
    });
    let (trials0, seed0) = first.unwrap_or((1, 0));
    let (trials, seed) = (opts.trials.unwrap_or(trials0), opts.seed.unwrap_or(seed0));
    // Two package files that pair run once each, side by side: the paired run records
    // both whole runs.
    let mut paired = match inputs {
        [Input::Package(pa, path), Input::Package(pb, _)] if package_compare::pairs(pa, pb) => {
            let run = package_compare::run_paired(pa, pb, trials, seed, cancel)
                .map_err(|e| package_stop(path, e))?;
            let summarize = |s: &PackageScenario, acc| {
                crate::summary::package::summarize(s, trials, seed, &s.unit, acc)
            };
            Some((
                [Some(summarize(pa, &run.a)), Some(summarize(pb, &run.b))],
                run.pairs,
            ))
        }
        _ => None,
    };
    let mut summaries = Vec::with_capacity(2);
    let mut infos = Vec::with_capacity(2);
    for (k, ((input, report), (label, stem))) in inputs
        .iter()
        .zip(reports)
        .zip([("A", "a"), ("B", "b")])
        .enumerate()
    {
        let done = paired.as_mut().and_then(|(ran, _)| ran[k].take());
        let (summary, path, kind) = match (input, report, done) {
            (Input::Package(_, path), _, Some(summary)) => (summary, path, "scenario"),
            (Input::Report(dir), Some(r), _) => (r, dir, "report"),
            (Input::Scenario(l, path), _, _) => {
                let overrides = Overrides {
                    trials: Some(trials),
                    seed: Some(seed),
                };
                let plan = pipeline::plan(&l.scenario, &overrides, Shard::WHOLE);
                (run_one(l, plan, cancel)?, path, "scenario")
            }
            (Input::Package(s, path), _, None) => (
                run_package(s, path, trials, seed, cancel)?,
                path,
                "scenario",
            ),
            (Input::Report(dir), None, _) => (read_report(dir, warnings)?, dir, "report"),
        };
        if kind == "scenario" {
            ran.push((stem, summary.clone()));
        }
        infos.push(cmp::side_info(label, path, kind, &summary));
        summaries.push(summary);
    }
    let (sb, sa) = (summaries.pop(), summaries.pop());
    let (Some(sa), Some(sb)) = (sa, sb) else {
        return Err(Error::Other("compare: two inputs expected".into()));
    };
    let mut c = cmp::compare_summaries((&infos[0], &sa), (&infos[1], &sb));
    package_compare::add_issues(&mut c, &sa, &sb);
    match inputs {
        [Input::Package(..), Input::Package(..)] if paired.is_some() => {
            if let Some((_, pairs)) = &paired {
                cmp::apply_pairs(&mut c, pairs.iter().map(|(m, s)| (m.as_str(), s)));
            }
            c.common_random_numbers = true;
        }
        [Input::Package(..), Input::Package(..)] => warnings.push(
            "the two package scenarios use different samplers or one has no amount issue: \
             the comparison is unpaired"
                .into(),
        ),
        _ => {
            if sa.package.is_none() || sb.package.is_none() {
                warnings.push(
                    "a package scenario compared with a one-issue one: only what they share \
                     is compared (agreement rate, amount, rounds), unpaired; the package's \
                     other issues are not"
                        .into(),
                );
            } else {
                warnings.push(
                    "one input is a report folder: the scenario ran with its seed and trial \
                     count, but the comparison uses summaries only (unpaired intervals)"
                        .into(),
                );
            }
        }
    }
    Ok((c, sa, sb))
}

/// Run `bargain compare`: compute, write `compare.json`, `compare.html`, `compare.svg`
/// and `compare.png` (and, for scenario inputs, `a.summary.json`/`b.summary.json`) into
/// the output folder atomically, and return the terminal table.
///
/// # Errors
/// Usage errors for missing or unreadable inputs, scenario errors, interruption, I/O.
pub fn compare(opts: &Options) -> Result<Compared, Error> {
    check_trials(opts.opts.trials)?;
    let dest = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports/compare"));
    crate::output::check_destination(&dest, Kind::Compare)?;
    // Both inputs must exist before either is loaded (a report folder left hidden by a
    // crashed commit is restored first).
    for p in [&opts.a, &opts.b] {
        crate::output::recover_report(p)?;
        if !p.is_dir() && !p.is_file() {
            return Err(Error::Usage(format!(
                "{}: no such report folder or scenario file",
                p.display()
            )));
        }
    }
    let a = Input::from_path(&opts.a, &opts.opts.sets)?;
    let b = Input::from_path(&opts.b, &opts.opts.sets)?;
    for input in [&a, &b] {
        match input {
            Input::Scenario(loaded, _) => scenario_warnings(loaded),
            Input::Package(s, _) => {
                for w in s.warnings() {
                    eprintln!("warning: {}: {w}", s.name);
                }
            }
            Input::Report(_) => {}
        }
    }
    let cancel = cancel_flag();
    let pool = pool(opts.opts.threads)?;
    let Computed {
        comparison: cmp,
        a: sa,
        b: sb,
        ran,
    } = pool.install(|| compute(&a, &b, &opts.opts, &cancel))?;

    let staging = Staging::new(&dest, Kind::Compare)?;
    let write = || -> std::io::Result<()> {
        let dir = staging.path();
        std::fs::write(dir.join("compare.json"), to_json(&cmp)?)?;
        std::fs::write(dir.join("compare.csv"), crate::csv_out::compare_csv(&cmp))?;
        for (stem, s) in &ran {
            std::fs::write(dir.join(format!("{stem}.summary.json")), to_json(s)?)?;
        }
        crate::report::write_compare_plot(dir, &cmp, &sa, &sb)?;
        let svg = crate::report::compare_svg(&cmp, &sa, &sb)?;
        std::fs::write(
            dir.join("compare.html"),
            crate::report::compare_html(&cmp, &svg),
        )?;
        Ok(())
    };
    write().map_err(Error::io(dest.display()))?;
    staging.commit(Some(&cancel))?;
    // The warnings are printed to stderr by `run`, not in the table.
    let table = cmp::table(&Comparison {
        warnings: Vec::new(),
        ..cmp.clone()
    });
    Ok(Compared {
        comparison: cmp,
        dest,
        table,
    })
}
