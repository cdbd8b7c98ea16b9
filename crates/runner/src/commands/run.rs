//! `bargain run`: scenario files or folders (none: the built-in scenario) → one report
//! folder each (several: a folder of runs with an index), committed as a whole.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::Error;
use super::session::{EnsembleOptions, cancel_flag, load_split, pool, progress_bar};
use crate::ensemble::{RunError, Shard};
use crate::output::{Kind, Staging};
use crate::pipeline::{self, Finished, Loaded};
use crate::trials_out;

/// Options of `bargain run`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scenario files or folders of them (none: the built-in SMA 2019 scenario).
    pub scenarios: Vec<PathBuf>,
    /// Report folder (one scenario) or folder of reports (several).
    pub out: Option<PathBuf>,
    /// Also write `trials.csv`.
    pub trials_csv: bool,
    /// Also write `trials.parquet`.
    pub trials_parquet: bool,
    /// Print the summary JSON to stdout.
    pub json: bool,
    /// Run only this shard and write a partial report.
    pub shard: Option<Shard>,
    /// Trials, seed, threads, quiet.
    pub opts: EnsembleOptions,
    /// How the amounts histogram is scaled.
    pub histogram: crate::pipeline::HistogramScale,
}

/// Run `bargain run`.
///
/// # Errors
/// Usage, scenario, I/O errors; interruption.
pub fn run(args: &Options) -> Result<(), Error> {
    // Catch Ctrl-C and SIGTERM from the start, so that a signal during loading also
    // ends with exit code 130 and nothing written.
    let cancel = cancel_flag();
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted("before the run started".into()));
    }
    if let [one] = args.scenarios.as_slice()
        && super::package_run::is_package_file(one)
    {
        return super::package_run::run(one, args, &cancel);
    }
    let overrides = args.opts.overrides()?;
    let (loaded, packages) = load_split(&args.scenarios, &args.opts.sets)?;
    // A folder, or several files, is a multi-scenario run: one report each plus an index.
    let many = loaded.len() + packages.len() > 1 || args.scenarios.iter().any(|p| p.is_dir());
    let root = args.out.clone().unwrap_or_else(|| PathBuf::from("reports"));
    let dest_of = |l: &Loaded| {
        if many || args.out.is_none() {
            root.join(&l.scenario.name)
        } else {
            root.clone()
        }
    };
    // Refuse bad destinations before any work. Several scenarios make one report (a
    // folder of runs with an index), committed as a whole.
    let (out_dir, kind) = match loaded.first() {
        Some(l) if !many => (dest_of(l), Kind::Run),
        _ => (root.clone(), Kind::Runs),
    };
    let staging = Staging::new(&out_dir, kind)?;
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let plans: Vec<_> = loaded
        .iter()
        .map(|l| pipeline::plan(&l.scenario, &overrides, shard))
        .collect();
    let total: u64 = plans
        .iter()
        .map(|p| {
            let (a, b) = p.shard.bounds(p.trials);
            b - a
        })
        .sum();
    let bar = progress_bar(total, args.opts.quiet);
    let done = AtomicU64::new(0);
    let pool = pool(args.opts.threads)?;

    let results: Vec<Result<(PathBuf, Finished), Error>> = pool.install(|| {
        loaded
            .par_iter()
            .zip(plans.clone())
            .map(|(l, plan)| {
                let dir = if many {
                    let d = staging.path().join(&l.scenario.name);
                    std::fs::create_dir_all(&d).map_err(Error::io(dest_of(l).display()))?;
                    d
                } else {
                    staging.path().to_path_buf()
                };
                let (want_csv, want_parquet) = (args.trials_csv, args.trials_parquet);
                for w in trials_out::size_warnings(&l.scenario, &plan, want_csv, want_parquet) {
                    eprintln!("warning: {w}");
                }
                let trials_path = dest_of(l).display().to_string();
                let mut csv = trials_out::TrialsFiles::create(
                    &dir,
                    &l.scenario,
                    &plan,
                    want_csv,
                    want_parquet,
                )
                .map_err(Error::io(&trials_path))?;
                let progress = |n: u64| {
                    bar.set_position(done.fetch_add(n, Ordering::Relaxed) + n);
                };
                let finished = pipeline::execute(
                    l,
                    plan,
                    &progress,
                    &cancel,
                    csv.as_mut().map(|w| w as &mut dyn Write),
                )
                .map_err(|e| match e {
                    RunError::Interrupted(i) => {
                        Error::Interrupted(format!("{}: {i}", l.scenario.name))
                    }
                    e @ RunError::Failed(_) => Error::Other(format!("{}: {e}", l.scenario.name)),
                    RunError::Io(e) => Error::Other(format!(
                        "{}: {}",
                        dest_of(l).join("trials.csv").display(),
                        crate::output::plain_io(&e)
                    )),
                })?;
                if let Some(w) = csv {
                    w.finish().map_err(Error::io(&trials_path))?;
                }
                crate::report::write_report_files(&dir, l, &finished, args.histogram)
                    .map_err(Error::io(dest_of(l).display().to_string()))?;
                if many {
                    crate::output::mark(&dir, Kind::Run)?;
                }
                Ok((dest_of(l), finished))
            })
            .collect()
    });
    bar.finish_and_clear();

    let mut finished = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => finished.push(f),
            Err(e) => errors.push(e),
        }
    }
    if let Some(i) = errors
        .iter()
        .position(|e| matches!(e, Error::Interrupted(_)))
    {
        let done = done.load(Ordering::Relaxed);
        eprintln!("interrupted after {done} of {total} trials");
        return Err(errors.swap_remove(i));
    }
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    // The package scenarios of a folder, one after the other (each uses every thread).
    let mut package_runs: Vec<(PathBuf, crate::summary::Summary)> = Vec::new();
    for f in &packages {
        let (s, text) = super::package_run::load_package(f, &args.opts.sets)?;
        let s = std::sync::Arc::new(s);
        let dir = staging.path().join(&s.name);
        std::fs::create_dir_all(&dir).map_err(Error::io(root.join(&s.name).display()))?;
        let summary = super::package_run::write_run(f, &s, &text, args, &dir, &cancel)?;
        crate::output::mark(&dir, Kind::Run)?;
        package_runs.push((root.join(&s.name), summary));
    }
    if many {
        let all: Vec<(&PathBuf, &crate::summary::Summary)> = finished
            .iter()
            .map(|(d, f)| (d, &f.summary))
            .chain(package_runs.iter().map(|(d, s)| (d, s)))
            .collect();
        write_index(staging.path(), &all).map_err(Error::io(root.join("index.html").display()))?;
    }
    // Signals are honoured until here: an interrupt leaves the earlier report untouched.
    staging.commit(Some(&cancel))?;
    if args.json {
        // One JSON document: the summary of one scenario, an array of them for several.
        let summaries: Vec<&crate::summary::Summary> = finished
            .iter()
            .map(|(_, f)| &f.summary)
            .chain(package_runs.iter().map(|(_, s)| s))
            .collect();
        let text = if many {
            serde_json::to_string_pretty(&summaries)
        } else {
            serde_json::to_string_pretty(summaries[0])
        }
        .map_err(|e| Error::Other(e.to_string()))?;
        println!("{text}");
    }
    for (dest, f) in &finished {
        // Warnings go to stderr even with --quiet.
        for w in &f.info.warnings {
            eprintln!("warning: {}: {w}", f.summary.scenario.name);
        }
        if !args.opts.quiet {
            let table = crate::table::summary_table(&f.summary);
            if args.json {
                eprint!("{table}");
                eprintln!("report: {}", dest.display());
            } else {
                print!("{table}");
                println!(
                    "report: {}  ({:.0} trials/s)",
                    dest.display(),
                    f.info.trials_per_second
                );
            }
        }
    }
    for (dest, summary) in &package_runs {
        if !args.opts.quiet {
            let table = crate::table::summary_table(summary);
            if args.json {
                eprint!("{table}");
                eprintln!("report: {}", dest.display());
            } else {
                print!("{table}");
                println!("report: {}", dest.display());
            }
        }
    }
    if many && !args.opts.quiet {
        let line = format!("index: {}", root.join("index.html").display());
        if args.json {
            eprintln!("{line}")
        } else {
            println!("{line}")
        }
    }
    Ok(())
}

/// Write `index.html` and `index.json` into `dir`, the staging folder of a folder of runs.
fn write_index(dir: &Path, runs: &[(&PathBuf, &crate::summary::Summary)]) -> std::io::Result<()> {
    let entries: Vec<crate::report::IndexEntry<'_>> = runs
        .iter()
        .map(|(dest, summary)| crate::report::IndexEntry {
            summary,
            // The sub-report's folder name; the index appends `/report.html`.
            link: dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
        .collect();
    crate::report::write_index(dir, &entries)
}
