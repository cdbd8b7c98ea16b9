//! The `bargain` command line: argument types (the shared flags once, in `EnsembleOpts`
//! and `CommonOpts`), dispatch to `bargain_runner::commands`, and the one place where
//! errors become exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use bargain_runner::commands::session::EnsembleOptions;
use bargain_runner::commands::{self, Error};
use bargain_runner::ensemble::Shard;
use bargain_runner::pipeline::Overrides;
use bargain_runner::scenario::Override;
use clap::{Args, Parser, Subcommand};

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
        /// `--set PATH=VALUE`.
        #[command(flatten)]
        set: SetOpt,
        /// Make information-set warnings errors (a source dated after `[scenario] as_of`,
        /// an undated source when `as_of` is set): exit 2.
        #[arg(long)]
        strict: bool,
    },
    /// Closed-form predictions at the scenario's central values, and its zone of agreement.
    Explain {
        /// Scenario file (default: the built-in SMA 2019 scenario).
        scenario: Option<PathBuf>,
        /// `--set PATH=VALUE`.
        #[command(flatten)]
        set: SetOpt,
        /// Print one JSON object (central values, zone, each model's outcome) instead of text.
        #[arg(long)]
        json: bool,
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
        /// `--seed`.
        #[command(flatten)]
        seed: SeedOpt,
        /// `--set PATH=VALUE`.
        #[command(flatten)]
        set: SetOpt,
        /// `--trials`.
        #[command(flatten)]
        trials: TrialsOpt,
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
    /// Print the JSON Schema of scenario files (one-issue; `--package` for packages).
    Schema {
        /// The schema of package scenario files (`[issues.KEY]`, `[parties.P.utility]`).
        #[arg(long)]
        package: bool,
    },
    /// Combine partial reports of `run --shard` into the report a single run writes.
    Merge {
        /// Partial report folders (all shards of one run).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged report.
        #[arg(long)]
        out: PathBuf,
        /// No table: only errors and warnings.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Compare two report folders, or two scenario files run with common random numbers.
    Compare(CompareArgs),
    /// Run every scenario with `[observed]` and write a calibration report.
    Backtest(BacktestArgs),
    /// Tune knobs shared by a set of scenarios (spread of named inputs, lapse costs) to
    /// minimise the mean CRPS against their observed outcomes, in sample and leaving each
    /// case out; writes calibrate.json and report.html.
    Calibrate(CalibrateArgs),
    /// Run a scenario once per value of one or two fields (the file's `[sweep]` table,
    /// or `--sweep`), with common random numbers; write `reports/<name>-sweep/`.
    Sweep(SweepArgs),
    /// Rank the uncertain inputs by how much they move the deal (PRCC, optional Sobol);
    /// write `reports/<name>-sensitivity/`.
    Sensitivity(SensitivityArgs),
    /// Convert files of other negotiation tools into scenarios (`import genius …`).
    #[command(subcommand)]
    Import(ImportCommand),
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
    /// Leave out the `agents-learning` row (each scenario's `agents` model rerun with
    /// both parties' negotiators `{ kind = "learning" }`).
    #[arg(long)]
    pub no_learning: bool,
    /// Trials, seed, threads, quiet.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

/// Options of `bargain sweep`.
/// Options of `bargain calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario files or folders (one-issue scenarios with [observed] are the cases).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A knob and its grid: NAME=LO..HI[:STEPS] (spread, lapse_scale; rank is not yet
    /// supported); repeat for a grid over several knobs.
    #[arg(long = "param", value_name = "NAME=LO..HI[:STEPS]", required = true)]
    pub params: Vec<String>,
    /// The inputs `spread` widens or narrows around their centres: a field path pattern
    /// where `*` matches within one segment, e.g. 'parties.*.reservation'; repeatable.
    #[arg(long = "inputs", value_name = "PATTERN")]
    pub inputs: Vec<String>,
    /// Output folder (default `reports/calibrate/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet, --set.
    #[command(flatten)]
    pub opts: EnsembleOpts,
}

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
    #[arg(long, default_value_t = bargain_runner::analysis::sensitivity::DEFAULT_SAMPLES)]
    pub samples: u64,
    /// Also estimate first-order and total Sobol indices (Saltelli design).
    #[arg(long)]
    pub sobol: bool,
    /// Rows of the Sobol design (N·(inputs + 2) evaluations; at most 200,000).
    #[arg(long, default_value_t = bargain_runner::analysis::sensitivity::DEFAULT_SOBOL_SAMPLES)]
    pub sobol_samples: u64,
    /// The model of the tornado chart (default: the scenario's first model).
    #[arg(long)]
    pub model: Option<String>,
    /// Output folder (default `reports/<name>-sensitivity/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seed, threads, quiet.
    #[command(flatten)]
    pub common: CommonOpts,
}

/// What `bargain import` converts.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A GENIUS domain and two preference profiles (discrete issues) as a package
    /// scenario: parties `a` and `b` in the order given (`a` moves first).
    Genius {
        /// The domain file (`<utility_space>` with `<issue type="discrete">`).
        domain: PathBuf,
        /// The profile of party `a` (moves first).
        profile_a: PathBuf,
        /// The profile of party `b`.
        profile_b: PathBuf,
        /// Write the scenario to this new file (never replaced) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// `protocol.max_rounds` of the scenario.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10000))]
        rounds: u32,
    },
}

/// `--trials`: the one definition, shared by every verb that takes it.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct TrialsOpt {
    /// Override the scenario's number of trials (1..=10^12; `replay` needs the run's
    /// count only for the latin-hypercube sampler).
    #[arg(long)]
    pub trials: Option<u64>,
}

/// `--seed`: the one definition, shared by every verb that takes it.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct SeedOpt {
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Options shared by the verbs that run ensembles.
#[derive(Debug, Args, Default, Clone)]
pub struct EnsembleOpts {
    /// `--trials`.
    #[command(flatten)]
    pub trials: TrialsOpt,
    /// Seed, threads, quiet.
    #[command(flatten)]
    pub common: CommonOpts,
}

/// Options of every verb that runs trials (`sensitivity` takes these without `--trials`).
#[derive(Debug, Args, Default, Clone)]
pub struct CommonOpts {
    /// `--seed`.
    #[command(flatten)]
    pub seed: SeedOpt,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no tables.
    #[arg(long, short)]
    pub quiet: bool,
    /// `--set PATH=VALUE`.
    #[command(flatten)]
    pub set: SetOpt,
}

/// `--set PATH=VALUE`, repeatable: a field of every scenario file the command loads
/// replaced before it is checked. Defined once, shared by every verb that loads scenarios.
#[derive(Debug, Args, Default, Clone)]
pub struct SetOpt {
    /// Replace a field of the scenario file before it is checked: PATH is the file's dotted
    /// key path, VALUE a number, a word or a TOML inline table
    /// (`--set 'parties.kr.reservation={ uniform = [1.0, 1.2] }'`); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

impl From<EnsembleOpts> for EnsembleOptions {
    fn from(o: EnsembleOpts) -> Self {
        EnsembleOptions {
            trials: o.trials.trials,
            seed: o.common.seed.seed,
            threads: o.common.threads,
            quiet: o.common.quiet,
            sets: o.common.set.set,
        }
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
    /// Amounts histogram: bars as shares of all a model's trials (`all-trials`, so a
    /// model with few deals draws small bars) or of its own deals (`own-deals`, shapes
    /// only).
    #[arg(long, value_enum, default_value_t = Histogram::AllTrials)]
    pub histogram: Histogram,
}

/// `--histogram`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Histogram {
    /// Shares of all the model's trials.
    #[default]
    AllTrials,
    /// Shares of the model's deals.
    OwnDeals,
}

impl From<Histogram> for bargain_runner::pipeline::HistogramScale {
    fn from(h: Histogram) -> Self {
        match h {
            Histogram::AllTrials => Self::AllTrials,
            Histogram::OwnDeals => Self::OwnDeals,
        }
    }
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

/// The process exit code of a failed command; the only mapping of errors to exit codes:
///
/// | code | class |
/// |---|---|
/// | 0 | success |
/// | 1 | an I/O failure (the message names the path) or another failure |
/// | 2 | bad usage or bad input: arguments, scenario files, `partial.json`/`summary.json`, an `--out` that may not be replaced, an input that is not a regular file |
/// | 130 | interrupted by Ctrl-C or SIGTERM before the report was committed |
fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Usage(_) | Error::Scenario(_) => 2,
        Error::Interrupted(_) => 130,
        Error::Other(_) => 1,
    }
}

/// Parse the arguments, run the command, and turn its result into an exit code.
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
            ExitCode::from(exit_code(&e))
        }
    }
}

/// One arm per verb: arguments → the command's options → its `run`.
fn dispatch(cli: Cli) -> Result<(), Error> {
    match cli.command.unwrap_or(Command::Run(cli.run)) {
        Command::Run(a) => commands::run::run(&commands::run::Options {
            scenarios: a.scenarios,
            out: a.out,
            trials_csv: a.trials_csv,
            trials_parquet: a.trials_parquet,
            json: a.json,
            shard: a.shard,
            opts: a.opts.into(),
            histogram: a.histogram.into(),
        }),
        Command::Validate { files, set, strict } => {
            commands::validate::run(&files, &set.set, strict)
        }
        Command::Explain {
            scenario,
            set,
            json,
        } => commands::explain::run(scenario.as_deref(), &set.set, json),
        Command::Replay {
            scenario,
            trial,
            model,
            seed,
            trials,
            json,
            set,
        } => {
            let (seed, trials) = (seed.seed, trials.trials);
            if commands::package_run::is_package_file(&scenario) {
                commands::package_replay::replay(
                    &scenario, &set.set, trial, &model, trials, seed, json,
                )
            } else {
                commands::replay::run(
                    &scenario,
                    trial,
                    &model,
                    Overrides { trials, seed },
                    json,
                    &set.set,
                )
            }
        }
        Command::Import(ImportCommand::Genius {
            domain,
            profile_a,
            profile_b,
            out,
            rounds,
        }) => commands::import::genius(commands::import::GeniusImport {
            domain,
            profile_a,
            profile_b,
            out,
            rounds,
        }),
        Command::Schema { package } => commands::schema::run(package),
        Command::Merge { dirs, out, quiet } => commands::merge::run(&dirs, &out, quiet),
        Command::New { name, dir } => commands::new::run(&dir, &name),
        Command::Compare(a) => commands::compare::run(&commands::compare::Options {
            a: a.a,
            b: a.b,
            out: a.out,
            opts: a.opts.into(),
        }),
        Command::Backtest(a) => commands::backtest::run(&commands::backtest::Options {
            paths: a.paths,
            out: a.out,
            opts: a.opts.into(),
            no_learning: a.no_learning,
        }),
        Command::Calibrate(a) => commands::calibrate::run(&commands::calibrate::Options {
            paths: a.paths,
            params: a.params,
            inputs: a.inputs,
            out: a.out,
            opts: a.opts.into(),
        }),
        Command::Sweep(a) => commands::sweep::run(&commands::sweep::Options {
            scenario: a.scenario,
            sweeps: a.sweeps,
            out: a.out,
            opts: a.opts.into(),
        }),
        Command::Sensitivity(a) => commands::sensitivity::run(&commands::sensitivity::Options {
            scenario: a.scenario,
            samples: a.samples,
            sobol: a.sobol,
            sobol_samples: a.sobol_samples,
            model: a.model,
            seed: a.common.seed.seed,
            threads: a.common.threads,
            out: a.out,
            quiet: a.common.quiet,
            sets: a.common.set.set,
        }),
    }
}
