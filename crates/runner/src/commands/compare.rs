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
use crate::ensemble::{Plan, Shard};
use crate::output::{Kind, Staging};
use crate::pipeline::{self, Loaded, Overrides, to_json};
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
    // A report folder left hidden by a crashed commit is restored before it is read.
    crate::output::recover_report(&opts.a)?;
    crate::output::recover_report(&opts.b)?;
    let kind = |p: &Path| -> Result<bool, Error> {
        if p.is_dir() {
            Ok(true)
        } else if p.is_file() {
            Ok(false)
        } else {
            Err(Error::Usage(format!(
                "{}: no such report folder or scenario file",
                p.display()
            )))
        }
    };
    let (a_dir, b_dir) = (kind(&opts.a)?, kind(&opts.b)?);
    let mut warnings = Vec::new();
    let cancel = cancel_flag();
    let pool = pool(opts.opts.threads)?;
    let mut ran: Vec<(&str, Summary)> = Vec::new();
    let (mut cmp, sa, sb) = match (a_dir, b_dir) {
        (true, true) => {
            let sa = read_report(&opts.a, &mut warnings)?;
            let sb = read_report(&opts.b, &mut warnings)?;
            let ia = cmp::side_info("A", &opts.a, "report", &sa);
            let ib = cmp::side_info("B", &opts.b, "report", &sb);
            (cmp::compare_summaries((&ia, &sa), (&ib, &sb)), sa, sb)
        }
        (false, false) => {
            let la = load_with(&opts.a, &opts.opts.sets)?;
            let lb = load_with(&opts.b, &opts.opts.sets)?;
            scenario_warnings(&la);
            scenario_warnings(&lb);
            let overrides = Overrides {
                trials: Some(opts.opts.trials.unwrap_or(la.scenario.run.trials)),
                seed: Some(opts.opts.seed.unwrap_or(la.scenario.run.seed)),
            };
            let pa = pipeline::plan(&la.scenario, &overrides, Shard::WHOLE);
            let pb = pipeline::plan(&lb.scenario, &overrides, Shard::WHOLE);
            let run = pool
                .install(|| {
                    cmp::run_paired((&la.scenario, &pa), (&lb.scenario, &pb), &cancel, &|_| {})
                })
                .map_err(|e| Error::run(&la.scenario.name, e))?;
            let sa = pipeline::summarize(&la.scenario, &pa, &run.a);
            let sb = pipeline::summarize(&lb.scenario, &pb, &run.b);
            let ia = cmp::side_info("A", &opts.a, "scenario", &sa);
            let ib = cmp::side_info("B", &opts.b, "scenario", &sb);
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
            for (model, sums) in run.pairs.iter().filter(|_| paired) {
                if let Some(mc) = cmp.models.get_mut(model.as_str()) {
                    mc.agreement_rate = sums.agreement();
                    if let Some(m) = mc.mean {
                        mc.mean = sums.mean(m.estimate).or(Some(m));
                    }
                    mc.paired_amount = sums.paired_amount();
                }
            }
            ran.push(("a", sa.clone()));
            ran.push(("b", sb.clone()));
            (cmp, sa, sb)
        }
        (a_is_dir, _) => {
            // One report folder, one scenario: run the scenario with the folder's seed and
            // trial count (same per-trial generators), compare from summaries.
            let (dir, file) = if a_is_dir {
                (&opts.a, &opts.b)
            } else {
                (&opts.b, &opts.a)
            };
            let report = read_report(dir, &mut warnings)?;
            let loaded = load_with(file, &opts.opts.sets)?;
            scenario_warnings(&loaded);
            let overrides = Overrides {
                trials: Some(opts.opts.trials.unwrap_or(report.trials)),
                seed: Some(opts.opts.seed.unwrap_or(report.seed)),
            };
            let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
            let run = pool.install(|| run_one(&loaded, plan, &cancel))?;
            warnings.push(
                "one input is a report folder: the scenario ran with its seed and trial count, \
                 but the comparison uses summaries only (unpaired intervals)"
                    .into(),
            );
            let (sa, sb) = if a_is_dir {
                ran.push(("b", run.clone()));
                (report, run)
            } else {
                ran.push(("a", run.clone()));
                (run, report)
            };
            let ia = cmp::side_info(
                "A",
                &opts.a,
                if a_is_dir { "report" } else { "scenario" },
                &sa,
            );
            let ib = cmp::side_info(
                "B",
                &opts.b,
                if a_is_dir { "scenario" } else { "report" },
                &sb,
            );
            (cmp::compare_summaries((&ia, &sa), (&ib, &sb)), sa, sb)
        }
    };
    cmp.warnings.extend(warnings);
    if cmp.models.is_empty() {
        cmp.warnings
            .push("no model is present in both inputs: nothing to compare".into());
    }

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
