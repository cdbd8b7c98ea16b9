//! The `bargain` command line: argument parsing, dispatch, and the one place where
//! errors become exit codes (0 success, 1 other failure, 2 bad usage or bad scenario,
//! 130 interrupted).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bargain_core::Model;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::ensemble::{self, RunError, Shard};
use crate::input::InputError;
use crate::output::{Kind, OutputError, Staging};
use crate::pipeline::{self, Finished, Loaded, Overrides};
use crate::scenario::{Scenario, ScenarioError};
use crate::trials_out;

/// The built-in SMA 2019 scenario's text (also embedded in the scenario module).
pub const BUILTIN_TEXT: &str = include_str!("../../../scenarios/sma-2019.toml");

/// Simulate bargaining between two governments and show the distribution of deals.
#[derive(Debug, Parser)]
#[command(
    name = "bargain",
    version,
    about = "Simulate bargaining between two governments and show the distribution of deals",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do (default: `run`, with `run`'s options: `bargain -q --trials 1000`).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `run`'s options, for the form without a verb.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenario files or folders (none: the built-in SMA 2019 scenario) and write reports.
    Run(RunArgs),
    /// Check scenario files and print their warnings.
    Validate {
        /// Scenario files or folders.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Closed-form predictions at the scenario's central values, and its zone of agreement.
    Explain {
        /// Scenario file (default: the built-in SMA 2019 scenario).
        scenario: Option<PathBuf>,
    },
    /// Replay one trial offer by offer, exactly as the ensemble ran it.
    Replay {
        /// Scenario file.
        scenario: PathBuf,
        /// The 0-based trial index.
        #[arg(long)]
        trial: u64,
        /// The model (default `agents`).
        #[arg(long, default_value = "agents")]
        model: String,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Override the scenario's trial count (matters for the latin-hypercube sampler).
        #[arg(long)]
        trials: Option<u64>,
        /// Print one JSON object (outcome, round, agreement, offers) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a commented starter scenario `NAME.toml` that validates and runs as written.
    New {
        /// The scenario's name (lower-case letters, digits, `-`).
        name: String,
        /// Folder to write it in (default: the current folder).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Combine partial reports of `run --shard` into the report a single run writes.
    Merge {
        /// Partial report folders (all shards of one run).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged report.
        #[arg(long)]
        out: PathBuf,
    },
    /// Compare two report folders, or two scenario files run with common random numbers.
    Compare(CompareArgs),
    /// Run every scenario with `[observed]` and write a calibration report.
    Backtest(BacktestArgs),
    /// Run a scenario once per value of one or two fields (the file's `[sweep]` table,
    /// or `--sweep`), with common random numbers; write `reports/<name>-sweep/`.
    Sweep(SweepArgs),
    /// Rank the uncertain inputs by how much they move the deal (PRCC, optional Sobol);
    /// write `reports/<name>-sensitivity/`.
    Sensitivity(SensitivityArgs),
    /// Convert files of other negotiation tools into scenarios (`import genius …`).
    #[command(subcommand)]
    Import(crate::import_genius::ImportCommand),
}

/// Options of `bargain compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A: a report folder or a scenario file.
    pub a: PathBuf,
    /// B: a report folder or a scenario file.
    pub b: PathBuf,
    /// Output folder (default `reports/compare/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

/// Options of `bargain backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Scenario files or folders (those without `[observed]` are skipped).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output folder (default `reports/backtest/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

/// Options of `bargain sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `PATH=VALUES` (`1.2,1.4,2` or `from:to:steps`); repeat for a second field.
    /// Replaces the file's `[sweep]` table.
    #[arg(long = "sweep", value_name = "PATH=VALUES")]
    pub sweeps: Vec<String>,
    /// Output folder (default `reports/<name>-sweep/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

/// Options of `bargain sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Trials `0..N` of the run used for the rank correlations (at most 1,000,000).
    #[arg(long, default_value_t = crate::analysis::sensitivity::DEFAULT_SAMPLES)]
    pub samples: u64,
    /// Also estimate first-order and total Sobol indices (Saltelli design).
    #[arg(long)]
    pub sobol: bool,
    /// Rows of the Sobol design (N·(inputs + 2) evaluations; at most 200,000).
    #[arg(long, default_value_t = crate::analysis::sensitivity::DEFAULT_SOBOL_SAMPLES)]
    pub sobol_samples: u64,
    /// The model of the tornado chart (default: the scenario's first model).
    #[arg(long)]
    pub model: Option<String>,
    /// Override the seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default `reports/<name>-sensitivity/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options shared by the verbs that run ensembles.
#[derive(Debug, Args, Default, Clone)]
pub struct EnsembleOpts {
    /// Override the number of trials (1..=10^12).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Override the seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no tables.
    #[arg(long, short)]
    pub quiet: bool,
}

impl EnsembleOpts {
    /// The `[run]` overrides, checked.
    fn overrides(&self) -> Result<Overrides, CliError> {
        if self.trials == Some(0) || self.trials.is_some_and(|t| t > 1_000_000_000_000) {
            return Err(CliError::Usage("--trials must be in 1..=10^12".into()));
        }
        Ok(Overrides {
            trials: self.trials,
            seed: self.seed,
        })
    }
}

/// Options of `bargain run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario files or folders of them (none: the built-in SMA 2019 scenario).
    pub scenarios: Vec<PathBuf>,
    /// Report folder (one scenario) or folder of reports (several); default `reports/<name>/` or `reports/`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write `trials.csv`: sampled inputs and outcomes, one row per trial.
    #[arg(long)]
    pub trials_csv: bool,
    /// Also write `trials.parquet`: the same columns as `trials.csv`, typed and compressed.
    #[arg(long)]
    pub trials_parquet: bool,
    /// Print the summary JSON to stdout.
    #[arg(long)]
    pub json: bool,
    /// Run only shard K of N (`K/N`, 1-based K) and write a partial report.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Trials, seed, threads, quiet.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected K/N such as 1/4, found `{s}`"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("shard K must be a whole number, found `{k}`"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("shard N must be a whole number, found `{n}`"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard K/N needs 1 <= K <= N, found {k}/{n}"));
    }
    Ok(Shard {
        index: k - 1,
        count: n,
    })
}

/// Why the command failed; mapped to an exit code in [`CliError::exit_code`] only:
///
/// | code | class |
/// |---|---|
/// | 0 | success |
/// | 1 | an I/O failure (the message names the path) or another failure |
/// | 2 | bad usage or bad input: arguments, scenario files, `partial.json`/`summary.json`, an `--out` that may not be replaced, an input that is not a regular file |
/// | 130 | interrupted by Ctrl-C or SIGTERM before the report was committed |
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// A bad scenario file.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Stopped by Ctrl-C or SIGTERM.
    #[error("interrupted: {0}; no report was written")]
    Interrupted(String),
    /// Anything else (I/O, …).
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// The process exit code.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Scenario(_) => 2,
            CliError::Interrupted(_) => 130,
            CliError::Other(_) => 1,
        }
    }
}

impl From<OutputError> for CliError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Refused(m) => CliError::Usage(m),
            OutputError::Io { .. } => CliError::Other(e.to_string()),
            OutputError::Interrupted => {
                CliError::Interrupted("before the report was committed".into())
            }
        }
    }
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        if e.bad_input {
            CliError::Usage(e.to_string())
        } else {
            CliError::Other(e.to_string())
        }
    }
}

fn other(context: &str) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Other(format!("{context}: {e}"))
}

/// Entry point of the binary.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command.unwrap_or(Command::Run(cli.run)) {
        Command::Run(args) => run(args),
        Command::Validate { files } => validate(&files),
        Command::Explain { scenario } => explain(scenario.as_deref()),
        Command::Replay {
            scenario,
            trial,
            model,
            seed,
            trials,
            json,
        } if crate::package_run::is_package_file(&scenario) => {
            crate::package_replay::replay(&scenario, trial, &model, trials, seed, json)
        }
        Command::Replay {
            scenario,
            trial,
            model,
            seed,
            trials,
            json,
        } => replay(&scenario, trial, &model, Overrides { trials, seed }, json),
        Command::Schema => {
            let schema = Scenario::json_schema();
            let text = serde_json::to_string_pretty(&schema)
                .map_err(|e| CliError::Other(e.to_string()))?;
            println!("{text}");
            Ok(())
        }
        Command::Merge { dirs, out } => merge(&dirs, &out),
        Command::New { name, dir } => {
            use crate::starter::{NewError, write};
            let path = write(&dir, &name).map_err(|e| match e {
                NewError::Output(e) => CliError::from(e),
                _ => CliError::Usage(e.to_string()),
            })?;
            println!(
                "wrote {}; next: bargain validate {0}, bargain run {0}",
                path.display()
            );
            Ok(())
        }
        Command::Compare(a) => analysis_compare(a),
        Command::Backtest(a) => analysis_backtest(a),
        Command::Sweep(args) => sweep(&args),
        Command::Sensitivity(args) => sensitivity(&args),
        Command::Import(c) => crate::import_genius::run(c),
    }
}

impl From<crate::analysis::error::AnalysisError> for CliError {
    fn from(e: crate::analysis::error::AnalysisError) -> Self {
        use crate::analysis::error::AnalysisError as E;
        match e {
            E::Usage(m) => CliError::Usage(m),
            E::Scenario(e) => CliError::Scenario(e),
            E::Interrupted(m) => CliError::Interrupted(m),
            E::Other(m) => CliError::Other(m),
        }
    }
}

fn analysis_compare(a: CompareArgs) -> Result<(), CliError> {
    let spin = crate::progress::spinner(a.opts.quiet, "compare: running".into());
    let r = crate::analysis::compare::compare(&crate::analysis::compare::CompareOptions {
        a: a.a,
        b: a.b,
        out: a.out,
        trials: a.opts.trials,
        seed: a.opts.seed,
        threads: a.opts.threads,
    })?;
    drop(spin);
    if !a.opts.quiet {
        print!("{}", r.table);
    }
    println!("compare: {}", r.dest.display());
    Ok(())
}

fn analysis_backtest(a: BacktestArgs) -> Result<(), CliError> {
    let spin = crate::progress::spinner(a.opts.quiet, "backtest: running the scenarios".into());
    let r = crate::analysis::backtest::backtest(&crate::analysis::backtest::BacktestOptions {
        paths: a.paths,
        out: a.out,
        trials: a.opts.trials,
        seed: a.opts.seed,
        threads: a.opts.threads,
    })?;
    drop(spin);
    if !a.opts.quiet {
        print!("{}", r.table);
    }
    println!("backtest: {}", r.dest.display());
    Ok(())
}

/// Expand files and folders into scenario files (a folder: its `*.toml`, sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(other(&p.display().to_string()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(CliError::Usage(format!(
                    "{}: no *.toml scenario files in this folder",
                    p.display()
                )));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(CliError::Usage(match std::fs::metadata(p) {
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

fn load(path: &Path) -> Result<Loaded, CliError> {
    let scenario = Scenario::from_path(path)?;
    let text = crate::input::read_text(path, crate::scenario::MAX_FILE_BYTES as u64)?;
    Ok(Loaded {
        scenario,
        origin: path.display().to_string(),
        text,
    })
}

fn builtin() -> Loaded {
    Loaded {
        scenario: Scenario::builtin_sma_2019(),
        origin: "(built-in)".into(),
        text: BUILTIN_TEXT.into(),
    }
}

fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, CliError> {
    if paths.is_empty() {
        return Ok(vec![builtin()]);
    }
    let files = expand(paths)?;
    // Report every bad file, not just the first.
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        match load(f) {
            Ok(l) => loaded.push(l),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Usage(errors.join("\n")));
    }
    let mut names: Vec<&str> = loaded.iter().map(|l| l.scenario.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(CliError::Usage(format!(
            "two scenarios are named `{}`: report folders are named after scenarios, so names must differ",
            w[0]
        )));
    }
    Ok(loaded)
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, CliError> {
    let threads = crate::input::check_threads(threads).map_err(CliError::Usage)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Other(format!("starting worker threads: {e}")))
}

/// Ctrl-C and SIGTERM set this flag; the ensemble stops at the next wave.
fn cancel_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    // If a handler is already installed (tests calling twice), keep the first one.
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
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

fn run(args: RunArgs) -> Result<(), CliError> {
    // Catch Ctrl-C and SIGTERM from the start, so that a signal during loading also
    // ends with exit code 130 and nothing written.
    let cancel = cancel_flag();
    if cancel.load(Ordering::SeqCst) {
        return Err(CliError::Interrupted("before the run started".into()));
    }
    if let [one] = args.scenarios.as_slice()
        && crate::package_run::is_package_file(one)
    {
        return crate::package_run::run(one, &args, &cancel);
    }
    let overrides = args.opts.overrides()?;
    let loaded = load_all(&args.scenarios)?;
    // A folder, or several files, is a multi-scenario run: one report each plus an index.
    let many = loaded.len() > 1 || args.scenarios.iter().any(|p| p.is_dir());
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
    let (out_dir, kind) = if many {
        (root.clone(), Kind::Runs)
    } else {
        (dest_of(&loaded[0]), Kind::Run)
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

    let results: Vec<Result<(PathBuf, Finished), CliError>> = pool.install(|| {
        loaded
            .par_iter()
            .zip(plans.clone())
            .map(|(l, plan)| {
                let dir = if many {
                    let d = staging.path().join(&l.scenario.name);
                    std::fs::create_dir_all(&d).map_err(other(&d.display().to_string()))?;
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
                .map_err(other(&trials_path))?;
                let last = AtomicU64::new(0);
                let progress = |n: u64| {
                    let prev = last.swap(n, Ordering::Relaxed);
                    let all = done.fetch_add(n - prev, Ordering::Relaxed) + n - prev;
                    bar.set_position(all);
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
                        CliError::Interrupted(format!("{}: {i}", l.scenario.name))
                    }
                    RunError::Io(e) => {
                        CliError::Other(format!("{}: {e}", dest_of(l).join("trials.csv").display()))
                    }
                })?;
                if let Some(w) = csv {
                    w.finish().map_err(other(&trials_path))?;
                }
                pipeline::write_report_files(&dir, l, &finished)
                    .map_err(other(&dest_of(l).display().to_string()))?;
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
        .position(|e| matches!(e, CliError::Interrupted(_)))
    {
        let done = done.load(Ordering::Relaxed);
        eprintln!("interrupted after {done} of {total} trials");
        return Err(errors.swap_remove(i));
    }
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    if many {
        write_index(staging.path(), &finished)?;
    }
    // Signals are honoured until here: an interrupt leaves the earlier report untouched.
    staging.commit(Some(&cancel))?;
    if args.json {
        // One JSON document: the summary of one scenario, an array of them for several.
        let summaries: Vec<&crate::summary::Summary> =
            finished.iter().map(|(_, f)| &f.summary).collect();
        let text = if many {
            serde_json::to_string_pretty(&summaries)
        } else {
            serde_json::to_string_pretty(summaries[0])
        }
        .map_err(|e| CliError::Other(e.to_string()))?;
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
fn write_index(dir: &Path, finished: &[(PathBuf, Finished)]) -> Result<(), CliError> {
    let entries: Vec<crate::report::IndexEntry<'_>> = finished
        .iter()
        .map(|(dest, f)| crate::report::IndexEntry {
            summary: &f.summary,
            // The sub-report's folder name; the index appends `/report.html`.
            link: dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
        .collect();
    crate::report::write_index(dir, &entries).map_err(other("writing the index report"))
}

fn validate(paths: &[PathBuf]) -> Result<(), CliError> {
    let files = expand(paths)?;
    let mut failed = Vec::new();
    for f in &files {
        let checked = if crate::package_run::is_package_file(f) {
            crate::scenario::issues::PackageScenario::from_path(f).map(|s| s.warnings())
        } else {
            Scenario::from_path(f).map(|s| s.warnings())
        };
        match checked {
            Ok(warnings) => {
                println!("ok: {}", f.display());
                // Each warning starts with its file:line:col.
                for w in warnings {
                    println!("warning: {w}");
                }
            }
            Err(e) => failed.push(e.to_string()),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(failed.join("\n")))
    }
}

fn explain(path: Option<&Path>) -> Result<(), CliError> {
    let loaded = match path {
        Some(p) => load(p)?,
        None => builtin(),
    };
    print!("{}", crate::table::explain(&loaded.scenario));
    Ok(())
}

fn replay(
    path: &Path,
    trial: u64,
    model: &str,
    overrides: Overrides,
    json: bool,
) -> Result<(), CliError> {
    let loaded = load(path)?;
    let model = Model::from_name(model).ok_or_else(|| {
        let names: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
        CliError::Usage(format!(
            "unknown model `{model}`: expected one of {}",
            names.join(", ")
        ))
    })?;
    let plan = pipeline::plan(&loaded.scenario, &overrides, Shard::WHOLE);
    if trial >= plan.trials {
        return Err(CliError::Usage(format!(
            "--trial {trial} is out of range: the run has {} trials (0..{})",
            plan.trials, plan.trials
        )));
    }
    let r = ensemble::replay(&loaded.scenario, &plan, trial, model);
    if json {
        let v = crate::replay_json::replay_json(&loaded.scenario, trial, model, &r);
        println!("{v}");
        return Ok(());
    }
    print!(
        "{}",
        crate::table::replay(&loaded.scenario, trial, model, &r)
    );
    Ok(())
}

fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), CliError> {
    // Check --out before reading the partial reports.
    let staging = Staging::new(out, Kind::Run)?;
    let merged = crate::merge::merge(dirs).map_err(|e| match e {
        crate::merge::MergeError::Usage(m) => CliError::Usage(m),
        crate::merge::MergeError::Scenario(e) => CliError::Scenario(e),
        crate::merge::MergeError::Io(m) => CliError::Other(m),
    })?;
    let dest = pipeline::write_report(staging, &merged.0, &merged.1, None)?;
    print!("{}", crate::table::summary_table(&merged.1.summary));
    println!("report: {}", dest.display());
    Ok(())
}

fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    use crate::analysis::sweep::{self as sw, SweepError};
    use crate::scenario::{MAX_SWEEP_PATHS, SweepAxis, parse_sweep_values};
    let overrides = args.opts.overrides()?;
    let loaded = load(&args.scenario)?;
    let axes = if args.sweeps.is_empty() {
        loaded.scenario.sweep.clone()
    } else {
        let mut axes: Vec<SweepAxis> = Vec::new();
        for spec in &args.sweeps {
            let (path, values) = spec.split_once('=').ok_or_else(|| {
                CliError::Usage(format!("--sweep: expected PATH=VALUES, found `{spec}`"))
            })?;
            let path = path.trim();
            loaded
                .scenario
                .check_number_path(path)
                .map_err(|m| CliError::Usage(format!("--sweep {path}: {m}")))?;
            if axes.iter().any(|a| a.path == path) {
                return Err(CliError::Usage(format!("--sweep {path}: given twice")));
            }
            let values = parse_sweep_values(values)
                .map_err(|m| CliError::Usage(format!("--sweep {path}: {m}")))?;
            axes.push(SweepAxis {
                path: path.to_owned(),
                values,
            });
        }
        axes
    };
    if axes.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: nothing to sweep: add a [sweep] table or --sweep PATH=VALUES",
            args.scenario.display()
        )));
    }
    if axes.len() > MAX_SWEEP_PATHS {
        return Err(CliError::Usage(format!(
            "at most {MAX_SWEEP_PATHS} --sweep fields, found {}",
            axes.len()
        )));
    }
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
            SweepError::Scenario { .. } => CliError::Usage(e.to_string()),
            SweepError::Run(RunError::Interrupted(i)) => CliError::Interrupted(i.to_string()),
            SweepError::Run(RunError::Io(e)) => CliError::Other(e.to_string()),
        })?;
    bar.finish_and_clear();
    sw::write_files(staging.path(), &loaded, &report)
        .map_err(other(&dest.display().to_string()))?;
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

fn sensitivity(args: &SensitivityArgs) -> Result<(), CliError> {
    use crate::analysis::sensitivity::{self as sa, MAX_SAMPLES, MAX_SOBOL_SAMPLES};
    if !(1..=MAX_SAMPLES).contains(&args.samples) {
        return Err(CliError::Usage(format!(
            "--samples must be in 1..={MAX_SAMPLES}"
        )));
    }
    if args.sobol && !(2..=MAX_SOBOL_SAMPLES).contains(&args.sobol_samples) {
        return Err(CliError::Usage(format!(
            "--sobol-samples must be in 2..={MAX_SOBOL_SAMPLES}"
        )));
    }
    let loaded = load(&args.scenario)?;
    if let Some(m) = &args.model
        && !loaded.scenario.run.models.iter().any(|x| x.as_str() == m)
    {
        let names: Vec<&str> = loaded
            .scenario
            .run
            .models
            .iter()
            .map(|m| m.as_str())
            .collect();
        return Err(CliError::Usage(format!(
            "--model {m}: not a model of this scenario (its models: {})",
            names.join(", ")
        )));
    }
    let dest = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("reports").join(format!("{}-sensitivity", loaded.scenario.name))
    });
    let staging = Staging::new(&dest, Kind::Sensitivity)?;
    let opts = sa::Options {
        samples: args.samples,
        sobol: args.sobol.then_some(args.sobol_samples),
        seed: args.seed.unwrap_or(loaded.scenario.run.seed),
    };
    let cancel = cancel_flag();
    let spin = crate::progress::spinner(
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
        .map_err(|i| CliError::Interrupted(i.to_string()))?;
    drop(spin);
    sa::write_files(staging.path(), &loaded.text, &report, args.model.as_deref())
        .map_err(other(&dest.display().to_string()))?;
    staging.commit(Some(&cancel))?;
    if !args.quiet {
        print!("{}", sa::table(&report));
        println!("report: {}", dest.join("sensitivity.html").display());
    }
    Ok(())
}
