//! What every command shares: expanding and loading scenario files, the `--trials`/`--seed`
//! overrides, the worker pool, Ctrl-C/SIGTERM cancellation and progress on the terminal.
//! Report folders (the `--out` check, staging, the marker) are `crate::output`'s.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Error;
use crate::pipeline::{Loaded, Overrides};
use crate::scenario::{Override, Scenario};

/// The built-in SMA 2019 scenario's text (also embedded in the scenario crate).
pub const BUILTIN_TEXT: &str = include_str!("../../../../scenarios/sma-2019.toml");

/// Options shared by the commands that run ensembles.
#[derive(Debug, Clone, Default)]
pub struct EnsembleOptions {
    /// Override the number of trials (1..=10^12).
    pub trials: Option<u64>,
    /// Override the seed.
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// No progress and no tables.
    pub quiet: bool,
    /// `--set PATH=VALUE` overrides applied to every scenario file the command loads.
    pub sets: Vec<Override>,
}

impl EnsembleOptions {
    /// The `[run]` overrides, checked.
    ///
    /// # Errors
    /// A usage error for a `--trials` outside 1..=10^12.
    pub fn overrides(&self) -> Result<Overrides, Error> {
        check_trials(self.trials)?;
        Ok(Overrides {
            trials: self.trials,
            seed: self.seed,
        })
    }
}

/// Check a `--trials` override.
pub(crate) fn check_trials(trials: Option<u64>) -> Result<(), Error> {
    if trials == Some(0) || trials.is_some_and(|t| t > 1_000_000_000_000) {
        return Err(Error::Usage("--trials must be in 1..=10^12".into()));
    }
    Ok(())
}

/// Expand files and folders into scenario files (a folder: its `*.toml`, sorted; an
/// empty one is an error).
///
/// # Errors
/// A usage error for a path that is neither a file nor a folder, or a folder without
/// scenario files; an I/O error for an unreadable folder.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(Error::io(p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: no *.toml scenario files in this folder",
                    p.display()
                )));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(Error::Usage(match std::fs::metadata(p) {
                Ok(m) => format!(
                    "{}: expected a scenario file or folder, found {}",
                    p.display(),
                    crate::input::describe(&m)
                ),
                Err(e) => format!("{}: {e}", p.display()),
            }));
        }
    }
    Ok(files)
}

/// Read one scenario file, apply `sets` (`--set PATH=VALUE`, see
/// [`crate::scenario::set`]) and validate it, keeping the text that ran for the report.
///
/// # Errors
/// The scenario's errors (at the override for an overridden field); input errors.
pub fn load_with(path: &Path, sets: &[Override]) -> Result<Loaded, Error> {
    if sets.is_empty() {
        return load(path);
    }
    let origin = path.display().to_string();
    let text = crate::input::read_text(path, crate::scenario::MAX_FILE_BYTES as u64)?;
    let (scenario, text) = Scenario::parse_with(&text, &origin, sets)?;
    Ok(Loaded {
        scenario,
        origin,
        text,
    })
}

/// The built-in SMA 2019 scenario with `sets` applied.
///
/// # Errors
/// The scenario's errors at an override.
pub fn builtin_with(sets: &[Override]) -> Result<Loaded, Error> {
    if sets.is_empty() {
        return Ok(builtin());
    }
    let origin = "(built-in)".to_owned();
    let (scenario, text) = Scenario::parse_with(BUILTIN_TEXT, &origin, sets)?;
    Ok(Loaded {
        scenario,
        origin,
        text,
    })
}

/// Read and validate one scenario file, keeping its text for the report.
///
/// # Errors
/// The scenario's errors; input errors reading it.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let scenario = Scenario::from_path(path)?;
    let text = crate::input::read_text(path, crate::scenario::MAX_FILE_BYTES as u64)?;
    Ok(Loaded {
        scenario,
        origin: path.display().to_string(),
        text,
    })
}

/// The built-in SMA 2019 scenario.
#[must_use]
pub fn builtin() -> Loaded {
    Loaded {
        scenario: Scenario::builtin_sma_2019(),
        origin: "(built-in)".into(),
        text: BUILTIN_TEXT.into(),
    }
}

/// Load files and folders of scenarios (none: the built-in one), reporting every bad
/// file, not just the first; names must differ. Package scenarios found in a folder are
/// left out with a note (commands that take one scenario at a time run them alone).
///
/// # Errors
/// See [`expand`]; a usage error listing every bad file, or naming a duplicate name.
pub fn load_all(paths: &[PathBuf], sets: &[Override]) -> Result<Vec<Loaded>, Error> {
    let (loaded, packages) = load_split(paths, sets)?;
    for f in &packages {
        eprintln!(
            "note: {} is a package scenario; run it on its own: bargain run {}",
            f.display(),
            f.display()
        );
    }
    if loaded.is_empty() {
        return Err(Error::Usage(
            "no one-issue scenario to run here (package scenarios run one at a time)".into(),
        ));
    }
    Ok(loaded)
}

/// [`load_all`] for `bargain run`, which runs folders whole: the one-issue scenarios
/// loaded, and the package scenarios found in folders (checked, by path), each to be
/// run by the package kernel. Either list may be empty, not both.
///
/// # Errors
/// See [`load_all`]; also a bad package file, or two scenarios of one name.
pub fn load_split(
    paths: &[PathBuf],
    sets: &[Override],
) -> Result<(Vec<Loaded>, Vec<PathBuf>), Error> {
    if paths.is_empty() {
        return Ok((vec![builtin_with(sets)?], Vec::new()));
    }
    let files = expand(paths)?;
    let mut loaded = Vec::new();
    let mut packages = Vec::new();
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        // A package scenario found in a folder runs with the others; named among several
        // files it is refused by `load` with the reason.
        if !paths.contains(f) && super::package_run::is_package_file(f) {
            match crate::scenario::issues::PackageScenario::from_path(f) {
                Ok(p) => {
                    names.push(p.name);
                    packages.push(f.clone());
                }
                Err(e) => errors.push(e.to_string()),
            }
            continue;
        }
        match load_with(f, sets) {
            Ok(l) => loaded.push(l),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Usage(errors.join("\n")));
    }
    if loaded.is_empty() && packages.is_empty() {
        return Err(Error::Usage("no scenario to run here".into()));
    }
    unique_names(&loaded)?;
    names.extend(loaded.iter().map(|l| l.scenario.name.clone()));
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "two scenarios are named `{}`: their report folders would collide",
            w[0]
        )));
    }
    Ok((loaded, packages))
}

/// Report folders are named after scenarios, so the names of one job must differ.
pub(crate) fn unique_names(loaded: &[Loaded]) -> Result<(), Error> {
    let mut names: Vec<&str> = loaded.iter().map(|l| l.scenario.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "two scenarios are named `{}`: report folders are named after scenarios, so names must differ",
            w[0]
        )));
    }
    Ok(())
}

/// Start a rayon pool with `threads` workers (default: all cores).
///
/// # Errors
/// A usage error for a bad thread count; failing to start threads.
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let threads = crate::input::check_threads(threads).map_err(Error::Usage)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("starting worker threads: {e}")))
}

/// A flag set by Ctrl-C or SIGTERM; ensembles stop at the next wave. If a handler is
/// already installed (tests calling twice), the first one is kept.
#[must_use]
pub fn cancel_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

/// A progress bar over `total` trials on stderr, hidden when `quiet` or stderr is not a
/// terminal.
#[must_use]
pub fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} trials  {per_sec}  eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// A ticking spinner showing `message` and the elapsed time, for the commands that do not
/// report per-item progress (`sensitivity`, `compare`, `backtest`); hidden when `quiet`
/// or stderr is not a terminal.
#[must_use]
pub fn spinner(quiet: bool, message: String) -> Spinner {
    if quiet || !std::io::stderr().is_terminal() {
        return Spinner(ProgressBar::hidden());
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}  {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    Spinner(bar)
}

/// Run `job` under a [`spinner`] showing `message`.
///
/// # Errors
/// The job's.
pub fn with_spinner<T>(
    quiet: bool,
    message: &str,
    job: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    let spin = spinner(quiet, message.to_owned());
    let r = job();
    drop(spin);
    r
}

/// Print an analysis's terminal `table` (unless quiet) and `label: dest` (always).
pub fn print_result(quiet: bool, table: &str, label: &str, dest: &Path) {
    if !quiet {
        print!("{table}");
    }
    println!("{label}: {}", dest.display());
}

/// The spinner; cleared from the terminal when dropped.
#[derive(Debug)]
pub struct Spinner(ProgressBar);

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
