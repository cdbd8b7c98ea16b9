//! `bargain run` on a package scenario (`[issues]`): the engine's package kernel
//! ([`crate::ensemble::package`]) runs the trials, [`crate::summary::package`] writes
//! `summary.json` (the one schema, `kind = "package"`), and this module gathers what the
//! report of `report::package_*` shows (`issues`, `heatmap`, `utility` and `dance` plots
//! and `report.html`): trial 0 in utility space, a few traced trials, the heat map.
//!
//! The run goes on a thread of its own so that a signal is honoured within 50 ms even
//! while core sorts a very large outcome space; progress is reported per trial.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use bargain_core::package::aspiration::{PackageOffer, PowerCache};
use bargain_core::package::preferences::PreferencesError;
use bargain_core::package::space::{IssueKind, OutcomeSpace};

use crate::commands::Error;
use crate::commands::run::Options as RunOptions;
use crate::commands::session::{pool, progress_bar, spinner};
use crate::ensemble::kernel::package::{Packages, csv_header};
use crate::ensemble::package::{PackageAccumulated, Prepared, agents, check, deal, heat_pair};
use crate::ensemble::{self, Hooks, Interrupted, RunError, Shard};
use crate::output::{Kind, Staging};
use crate::pipeline::PackagePartial;
use crate::report::{
    DanceTrace, HeatMap, IssueAxis, PackageDance, PackageReport, UtilityView, write_package_html,
    write_package_plots,
};
use crate::scenario::SampleCtx;
use crate::scenario::issues::{ObservedValue, PackageScenario};
use crate::summary::Summary;
use crate::summary::package::{summarize as package_summary, value_text};

/// Whether `path` is a readable scenario file with an `[issues]` table.
#[must_use]
pub fn is_package_file(path: &Path) -> bool {
    path.is_file()
        && crate::input::read_bytes(path, crate::scenario::MAX_FILE_BYTES as u64)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .is_some_and(|t| PackageScenario::is_package(&t))
}

/// Run every trial of `s` (with `trials`/`seed` overrides) and summarize it; `None`
/// when `cancel` was set.
///
/// # Errors
/// A sampled trial whose preferences core rejects (not expected after validation).
pub fn summarize(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Option<Summary>, PreferencesError> {
    Ok(
        tallies(s, trials, seed, cancel)?
            .map(|acc| package_summary(s, trials, seed, &s.unit, &acc)),
    )
}

/// Every trial's outcome accumulated per model (in `s.run.models` order); `None` when
/// `cancel` was set. The one trial loop behind [`summarize`] and `bargain backtest`.
///
/// # Errors
/// A sampled trial whose preferences core rejects.
pub fn tallies(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Option<PackageAccumulated>, PreferencesError> {
    let never = AtomicBool::new(false);
    let cancel = cancel.unwrap_or(&never);
    let run = Packages::new(s, trials, seed, cancel)
        .and_then(|k| ensemble::run(&k, Shard::WHOLE, Hooks::silent(cancel)));
    match run {
        Ok(acc) => Ok(Some(acc)),
        // Without rows nothing is written, so `RunError::Io` cannot occur.
        Err(RunError::Interrupted(_) | RunError::Io(_)) => Ok(None),
        Err(RunError::Failed(e)) => Err(e),
    }
}

/// Most cells along one side of the heat map: numeric issues with more values are binned.
const HEAT_CELLS: usize = 24;

/// How issue `j`'s values fall into heat-map cells: values per cell, and the labels.
fn heat_bins(space: &OutcomeSpace, j: usize) -> (usize, Vec<String>) {
    let n = space.size(j);
    let numeric = !matches!(space.issues()[j].kind, IssueKind::Choice { .. });
    let per = if numeric && n > HEAT_CELLS {
        n.div_ceil(HEAT_CELLS - 8)
    } else {
        1
    };
    let labels = (0..n.div_ceil(per))
        .map(|b| {
            let (lo, hi) = (b * per, ((b + 1) * per).min(n) - 1);
            if lo == hi {
                value_text(space, j, lo)
            } else {
                format!("{}–{}", value_text(space, j, lo), value_text(space, j, hi))
            }
        })
        .collect();
    (per, labels)
}

fn heat_map(s: &PackageScenario, acc: &PackageAccumulated) -> Option<HeatMap> {
    let space = s.space();
    let (x, y) = heat_pair(space)?;
    let ((px, xl), (py, yl)) = (heat_bins(space, x), heat_bins(space, y));
    let ny = space.size(y);
    let counts = acc
        .models
        .iter()
        .map(|(m, a)| {
            let mut cells = vec![0u64; xl.len() * yl.len()];
            if let Some(t) = &a.issues {
                for (i, &c) in t.heat.iter().enumerate() {
                    let (vx, vy) = (i / ny, i % ny);
                    cells[(vx / px) * yl.len() + vy / py] += c;
                }
            }
            (m.as_str().to_string(), cells)
        })
        .collect();
    let axes = issue_axes(s);
    let observed = s
        .observed_index(x)
        .zip(s.observed_index(y))
        .map(|(vx, vy)| (vx / px, vy / py));
    Some(HeatMap {
        x_key: space.issues()[x].key.clone(),
        y_key: space.issues()[y].key.clone(),
        x_labels: xl,
        y_labels: yl,
        counts,
        x_desc: axes[x].title(),
        y_desc: axes[y].title(),
        observed,
    })
}

/// Most outcomes drawn in the utility plot's cloud (a larger space is thinned evenly).
const CLOUD: usize = 4000;

/// Trial 0 in utility space: every outcome (thinned), the frontier, the reservations and
/// each model's agreement, from the same [`Prepared`] the run uses.
fn utility_view(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<UtilityView, RunError> {
    let (t, _) = s.draw_trial(
        SampleCtx {
            trial: 0,
            trials,
            seed,
        },
        &mut [],
    );
    let p = Prepared::cancellable(s, &t, cancel)?;
    let step = p.ua.len().div_ceil(CLOUD).max(1);
    let cloud =
        p.ua.iter()
            .zip(&p.ub)
            .step_by(step)
            .map(|(&a, &b)| (a, b))
            .collect();
    let frontier = (0..p.frontier.len())
        .map(|k| {
            let q = p.frontier.point(k);
            (q.ua, q.ub)
        })
        .collect();
    let points = s
        .run
        .models
        .iter()
        .map(|&m| {
            let d = deal(m, s, &t, &p, &mut PowerCache::new())
                .map(|(o, _)| (p.ua[o as usize], p.ub[o as usize]));
            (m.as_str().to_string(), d)
        })
        .collect();
    let which = if s.input_names().is_empty() {
        "trial 0 (no input is uncertain: every trial is alike)".to_string()
    } else {
        format!("trial 0 of seed {seed} (one draw of the uncertain inputs)")
    };
    Ok(UtilityView {
        which,
        cloud,
        outcomes: p.ua.len(),
        frontier,
        // The effective reservations (the better of each party's reservation and its
        // outside option), as every model bargains from.
        reservation: (t.reservation(0), t.reservation(1)),
        points,
    })
}

/// Trials the dance shows (only trial 0 when no input is uncertain: all are alike).
pub(crate) const DANCE_TRIALS: u64 = 4;

/// The negotiation dance in utility space: the first few trials of the `agents` model
/// replayed with their offers, each with its frontier, reservations and agreement.
fn dance(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<PackageDance, RunError> {
    let alike = s.input_names().is_empty();
    let n = if alike { 1 } else { DANCE_TRIALS.min(trials) };
    let mut offers: Vec<PackageOffer> = Vec::new();
    let mut traces = Vec::new();
    for trial in 0..n {
        let ctx = SampleCtx {
            trial,
            trials,
            seed,
        };
        let (t, _) = s.draw_trial(ctx, &mut []);
        let p = Prepared::cancellable(s, &t, cancel)?;
        offers.clear();
        let deal = agents(s, &t, &p, &mut PowerCache::new(), Some(&mut offers));
        let u = |o: u32| (p.ua[o as usize], p.ub[o as usize]);
        traces.push(DanceTrace {
            trial,
            offers: offers.iter().map(|o| (o.by, u(o.outcome))).collect(),
            deal: deal.map(|d| (u(d.outcome), d.step + 1)),
            reservation: (t.reservation(0), t.reservation(1)),
            frontier: (0..p.frontier.len())
                .map(|k| {
                    let q = p.frontier.point(k);
                    (q.ua, q.ub)
                })
                .collect(),
        });
    }
    let which = if alike {
        "trial 0 (no input is uncertain: every trial is alike)".to_string()
    } else if n == 1 {
        format!("trial 0 of seed {seed}")
    } else {
        format!("trials 0–{} of seed {seed}", n - 1)
    };
    let central = s.central();
    Ok(PackageDance {
        which,
        kinds: central.parties.map(|p| p.tactic.kind().to_string()),
        trials: traces,
    })
}

/// The issues as the report names them.
fn issue_axes(s: &PackageScenario) -> Vec<IssueAxis> {
    s.space()
        .issues()
        .iter()
        .enumerate()
        .map(|(j, i)| IssueAxis {
            key: i.key.clone(),
            labels: match &i.kind {
                IssueKind::Choice { labels } => Some(labels.clone()),
                _ => None,
            },
            range: i.range().unwrap_or((0.0, 1.0)),
            unit: s.issue_units.get(j).cloned().unwrap_or_default(),
            observed: s
                .observed
                .as_ref()
                .and_then(|o| match (&o.values[j], &i.kind) {
                    (ObservedValue::Number(x), _) => Some(*x),
                    (ObservedValue::Integer(x), _) => Some(*x as f64),
                    (ObservedValue::Label(l), IssueKind::Choice { labels }) => {
                        labels.iter().position(|x| x == l).map(|k| k as f64)
                    }
                    _ => None,
                }),
        })
        .collect()
}

/// Run `job` on a thread of its own and wait for it, checking `cancel` every 50 ms: once
/// it is set, return [`RunError::Interrupted`] at once, leaving the job to stop at its own next
/// check. A single pass of the core over a large outcome space (a sort of 10^7 outcomes)
/// cannot be interrupted and takes seconds on a busy machine; the job only computes in
/// memory (nothing it does needs undoing), and the process exits without waiting for it.
///
/// # Errors
/// The job's; [`Error::Other`] when its thread cannot start or it panics.
fn detached<T: Send + 'static>(
    cancel: &AtomicBool,
    job: impl FnOnce() -> Result<T, RunError> + Send + 'static,
) -> Result<Result<T, RunError>, Error> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("package-run".into())
        .spawn(move || {
            let _ = tx.send(job());
        })
        .map_err(|e| Error::Other(format!("starting the run's thread: {e}")))?;
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(result) => return Ok(result),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if check(cancel).is_err() {
                    return Ok(Err(RunError::Interrupted(Interrupted { done: 0 })));
                }
            }
            // The job panicked (its message is already on stderr).
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Other("the run's thread panicked".into()));
            }
        }
    }
}

/// `bargain run FILE` for one package scenario: `summary.json` and `scenario.toml` in
/// `--out` (default `reports/<name>/`), written through [`Staging`].
///
/// # Errors
/// Scenario errors (exit 2), options that do not apply to packages (exit 2), I/O.
pub fn run(path: &Path, args: &RunOptions, cancel: &Arc<AtomicBool>) -> Result<(), Error> {
    let (s, text) = load_package(path, &args.opts.sets)?;
    let s = Arc::new(s);
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&s.name));
    let staging = Staging::new(&dest, Kind::Run)?;
    let summary = write_run(path, &s, &text, args, staging.path(), cancel)?;
    let dest = staging.commit(Some(cancel))?;
    let o = &args.opts;
    if args.json {
        let text =
            serde_json::to_string_pretty(&summary).map_err(|e| Error::Other(e.to_string()))?;
        println!("{text}");
    }
    if !o.quiet {
        print!("{}", crate::table::summary_table(&summary));
        println!("report: {}", dest.display());
    }
    Ok(())
}

/// Read a package scenario file with `--set` overrides applied: the scenario and the
/// edited text (what the report copies as `scenario.toml`).
///
/// # Errors
/// An unreadable file (exit 2 for bad input), scenario errors at the file or override.
pub fn load_package(
    path: &Path,
    sets: &[crate::scenario::Override],
) -> Result<(PackageScenario, String), Error> {
    let text =
        crate::input::read_text(path, crate::scenario::MAX_FILE_BYTES as u64).map_err(|e| {
            if e.bad_input {
                Error::Usage(e.to_string())
            } else {
                Error::Other(e.to_string())
            }
        })?;
    Ok(PackageScenario::parse_with(
        &text,
        &path.display().to_string(),
        sets,
    )?)
}

/// Run package scenario `s` (read from `path`) under `args`' trials, seed, threads and
/// shard and write its report into `dir` (an existing, empty staging folder):
/// `summary.json`, `summary.csv`, `scenario.toml`, the plots and `report.html`; with
/// `--trials-csv` / `--trials-parquet` the trials files; for a shard (`--shard I/N`),
/// `partial.json`, `summary.json`, `summary.csv` and `scenario.toml` only, for
/// `bargain merge`. Returns the summary.
///
/// # Errors
/// Interruption, rejected preferences, I/O.
pub(crate) fn write_run(
    path: &Path,
    s: &Arc<PackageScenario>,
    text: &str,
    args: &RunOptions,
    dir: &Path,
    cancel: &Arc<AtomicBool>,
) -> Result<Summary, Error> {
    let o = &args.opts;
    let overrides = o.overrides()?;
    let trials = overrides.trials.unwrap_or(s.run.trials);
    let seed = overrides.seed.unwrap_or(s.run.seed);
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let pool = pool(o.threads)?;
    let stopped = |e: RunError| match e {
        RunError::Interrupted(_) => Error::Interrupted("during the trials".into()),
        RunError::Failed(e) => Error::Other(format!(
            "{}: a sampled trial's preferences were rejected: {e}",
            path.display()
        )),
        RunError::Io(e) => Error::Other(format!(
            "{}: {}",
            dir.join("trials.csv").display(),
            crate::output::plain_io(&e)
        )),
    };
    let files = crate::trials_out::TrialsFiles::with_header(
        dir,
        &csv_header(s),
        &s.input_names(),
        args.trials_csv,
        args.trials_parquet,
    )
    .map_err(Error::io(dir.display()))?;
    // The one-issue runs' progress bar (stderr, terminal only), advanced per trial; then
    // a spinner while trial 0's view and the dance prepare a few more trials.
    let (first, end) = shard.bounds(trials);
    let bar = progress_bar(end - first, o.quiet);
    let spin_quiet = o.quiet;
    let (totals, views) = detached(cancel, {
        let (s, cancel) = (Arc::clone(s), Arc::clone(cancel));
        move || {
            let mut files = files;
            let totals = pool.install(|| {
                let rows = files.as_mut().map(|w| w as &mut dyn std::io::Write);
                let hooks = Hooks {
                    progress: &|n| bar.inc(n),
                    cancel: &cancel,
                    rows,
                };
                Packages::new(&s, trials, seed, &cancel)
                    .and_then(|k| ensemble::run(&k, shard, hooks))
            });
            bar.finish_and_clear();
            let totals = totals?;
            if let Some(f) = files {
                f.finish().map_err(RunError::Io)?;
            }
            if shard.count > 1 {
                return Ok((totals, None));
            }
            let spin = spinner(spin_quiet, "preparing the report".into());
            let view = utility_view(&s, trials, seed, &cancel)?;
            let dance = dance(&s, trials, seed, &cancel)?;
            drop(spin);
            Ok((totals, Some((view, dance))))
        }
    })?
    .map_err(stopped)?;
    let source = text.as_bytes();
    let summary = package_summary(s, end - first, seed, &s.unit, &totals);
    match views {
        Some((view, dance)) => {
            write_report(dir, source, s, &summary, &totals, view, dance)?;
        }
        None => {
            let partial = PackagePartial::new(trials, seed, shard, &totals);
            write_file(dir, "partial.json", &to_json(&partial)?)?;
            write_summary(dir, source, &summary)?;
        }
    }
    Ok(summary)
}

/// `summary.json`, `summary.csv` and `scenario.toml` into `dir`.
fn write_summary(dir: &Path, source: &[u8], summary: &Summary) -> Result<(), Error> {
    write_file(dir, "summary.json", &to_json(summary)?)?;
    write_file(
        dir,
        "summary.csv",
        crate::csv_out::summary_csv(summary).as_bytes(),
    )?;
    write_file(dir, "scenario.toml", source)
}

/// `value` as pretty JSON with a final newline, as every report file.
fn to_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Other(e.to_string()))?;
    Ok(format!("{text}\n").into_bytes())
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).map_err(|e| Error::Other(format!("{}: {e}", p.display())))
}

/// The report of a whole package run into `dir`: the summary files, `scenario.toml`
/// (`source`), the plots and `report.html`.
fn write_report(
    dir: &Path,
    source: &[u8],
    s: &PackageScenario,
    summary: &Summary,
    totals: &PackageAccumulated,
    view: UtilityView,
    dance: PackageDance,
) -> Result<(), Error> {
    write_summary(dir, source, summary)?;
    let value = serde_json::to_value(summary).map_err(|e| Error::Other(e.to_string()))?;
    let report = PackageReport {
        summary: &value,
        title: &s.title,
        description: &s.description,
        sources: &s.sources,
        party_names: [&s.party_names[0], &s.party_names[1]],
        party_keys: [&s.party_keys[0], &s.party_keys[1]],
        issues: issue_axes(s),
        heat: heat_map(s, totals),
        trial: view,
        dance,
        assumptions: crate::assumptions::package_assumptions(
            s,
            std::str::from_utf8(source).unwrap_or_default(),
        ),
    };
    write_package_plots(dir, &report)
        .and_then(|()| write_package_html(dir, &report))
        .map_err(|e| Error::Other(format!("{}: writing the report: {e}", dir.display())))
}

/// `bargain merge` of the partial reports of a sharded package run: the whole run's
/// report (byte-identical `summary.json` to a single run's) into `dir`.
///
/// # Errors
/// I/O.
pub(crate) fn write_merged(
    dir: &Path,
    merged: &crate::merge::MergedPackage,
) -> Result<Summary, Error> {
    report_into(
        dir,
        &merged.text,
        &merged.scenario,
        merged.trials,
        merged.seed,
        &merged.accumulated,
    )
}

/// The report of a whole package run of `trials` trials (seed `seed`) accumulated in
/// `totals`, written into `dir` (a staging folder): the summary files, `scenario.toml`
/// (`text`), the plots and `report.html`, with trial 0's view and the dance replayed from
/// the scenario. Returns the summary. (`bargain merge` and Python's `run(out=…)`.)
///
/// # Errors
/// I/O.
pub fn report_into(
    dir: &Path,
    text: &str,
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    totals: &PackageAccumulated,
) -> Result<Summary, Error> {
    let never = AtomicBool::new(false);
    let fail = |e: RunError| Error::Other(format!("preparing the report: {e:?}"));
    let view = utility_view(s, trials, seed, &never).map_err(fail)?;
    let dance = dance(s, trials, seed, &never).map_err(fail)?;
    let summary = package_summary(s, trials, seed, &s.unit, totals);
    write_report(dir, text.as_bytes(), s, &summary, totals, view, dance)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A package run is exact under sharding: the shards' accumulators merge into the
    /// whole run's, bit for bit, and the utility sums are exact integers.
    #[test]
    fn shards_merge_into_the_whole_run() {
        let s = sma();
        let (trials, seed) = (700, 7);
        let never = AtomicBool::new(false);
        let run = |shard| {
            let k = Packages::new(&s, trials, seed, &never).unwrap();
            ensemble::run(&k, shard, Hooks::silent(&never)).unwrap()
        };
        let whole = run(Shard::WHOLE);
        let mut merged: Option<PackageAccumulated> = None;
        for index in 0..3 {
            let shard = Shard { index, count: 3 };
            let part = run(shard);
            match &mut merged {
                None => merged = Some(part),
                Some(m) => m.merge(&part),
            }
        }
        assert_eq!(merged.unwrap(), whole);
        for (m, a) in &whole.models {
            assert_eq!(a.trials, trials, "{m:?}");
            assert!(a.deals() > 0, "{m:?}");
        }
    }

    fn sma() -> PackageScenario {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/sma-2019-package.toml");
        PackageScenario::from_path(&path).expect("shipped package")
    }

    /// The heat map is amount × term, its binned cells hold every deal, and summing a
    /// row or a column gives back the per-issue tallies of the summary.
    #[test]
    fn heat_map_cells_add_up_to_the_issue_tallies() {
        let s = sma();
        let space = s.space();
        let acc = tallies(&s, 600, 7, None).unwrap().unwrap();
        let heat = heat_map(&s, &acc).expect("two issues");
        assert_eq!(
            (heat.x_key.as_str(), heat.y_key.as_str()),
            ("amount", "term")
        );
        let (x, y) = heat_pair(space).unwrap();
        let (per, xl) = heat_bins(space, x);
        assert!(
            xl.len() <= HEAT_CELLS && per > 1,
            "amount is binned: {per} {}",
            xl.len()
        );
        assert_eq!(heat.y_labels, ["1", "2", "3", "4", "5"]);
        let ny = heat.y_labels.len();
        for ((name, cells), (_, a)) in heat.counts.iter().zip(&acc.models) {
            let t = a.issues.as_ref().unwrap();
            assert!(a.deals() > 0, "{name}");
            assert_eq!(cells.iter().sum::<u64>(), a.deals(), "{name}");
            for (k, want) in t.counts[y].iter().enumerate() {
                let got: u64 = (0..xl.len()).map(|b| cells[b * ny + k]).sum();
                assert_eq!(got, *want, "{name}: term value {k}");
            }
            for (b, _) in xl.iter().enumerate() {
                let got: u64 = cells[b * ny..(b + 1) * ny].iter().sum();
                let want: u64 = t.counts[x][b * per..((b + 1) * per).min(space.size(x))]
                    .iter()
                    .sum();
                assert_eq!(got, want, "{name}: amount bin {b}");
            }
        }
    }

    /// Trial 0's view: the frontier is the core's, each closed form's point lies on it
    /// and is rational for both parties.
    #[test]
    fn utility_view_points_lie_on_the_frontier() {
        let s = sma();
        let v = utility_view(&s, 600, 7, &AtomicBool::new(false)).unwrap();
        assert_eq!(v.outcomes, s.space().len());
        assert_eq!(v.cloud.len(), v.outcomes);
        let (ra, rb) = v.reservation;
        for (name, p) in &v.points {
            let (a, b) = p.expect("a deal in trial 0");
            assert!(a >= ra && b >= rb, "{name}: ({a}, {b})");
            if name != "agents" {
                assert!(v.frontier.contains(&(a, b)), "{name} not on the frontier");
            }
        }
    }

    fn fixture() -> PackageScenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/packages/faratin-hardliner.toml");
        PackageScenario::from_path(&path).expect("fixture")
    }

    /// The dance's traces are the offers `bargain replay --model agents` reports, trial
    /// by trial (utilities, proposers, agreement and round).
    #[test]
    fn dance_traces_equal_replay_offers() {
        for (s, which) in [(sma(), "sma"), (fixture(), "faratin-hardliner")] {
            let d = dance(&s, 600, 7, &AtomicBool::new(false)).unwrap();
            assert_eq!(d.trials.len(), DANCE_TRIALS as usize, "{which}");
            for t in &d.trials {
                let v = crate::commands::package_replay::replay_value(
                    &s,
                    t.trial,
                    "agents",
                    Some(600),
                    Some(7),
                )
                .unwrap();
                let offers = v["offers"].as_array().unwrap();
                assert!(!offers.is_empty(), "{which} trial {}", t.trial);
                assert_eq!(offers.len(), t.offers.len(), "{which} trial {}", t.trial);
                for (o, (by, (ua, ub))) in offers.iter().zip(&t.offers) {
                    assert_eq!(
                        o["by"].as_str(),
                        Some(s.party_keys[usize::from(*by)].as_str())
                    );
                    assert_eq!(o["utility"][&s.party_keys[0]].as_f64(), Some(*ua));
                    assert_eq!(o["utility"][&s.party_keys[1]].as_f64(), Some(*ub));
                }
                match t.deal {
                    Some(((ua, ub), round)) => {
                        assert_eq!(v["outcome"], "deal");
                        assert_eq!(v["round"].as_u64(), Some(u64::from(round)));
                        assert_eq!(v["utility"][&s.party_keys[0]].as_f64(), Some(ua));
                        assert_eq!(v["utility"][&s.party_keys[1]].as_f64(), Some(ub));
                    }
                    None => assert_eq!(v["outcome"], "deadline"),
                }
            }
        }
        // The fixture's kinds reach the plot's legend.
        let d = dance(&fixture(), 600, 7, &AtomicBool::new(false)).unwrap();
        assert_eq!(d.kinds, ["hardliner".to_string(), "faratin".to_string()]);
    }
}
