//! `bargain backtest PATHS`: run every scenario with an `[observed]` outcome, write each
//! one's report and the calibration report. The scores are `crate::analysis::backtest`'s.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::Error;
use super::session::{
    EnsembleOptions, cancel_flag, expand, pool, print_result, unique_names, with_spinner,
};
use crate::analysis::backtest::{self as bt, Backtest};
use crate::analysis::forecast;
use crate::ensemble::Shard;
use crate::output::{Kind, Staging};
use crate::pipeline::Loaded;
use crate::pipeline::{self, to_json};
use crate::scenario::issues::PackageScenario;
use crate::scenario::{Observed, Override};
use bargain_core::{Model, Side};

/// Options of `bargain backtest`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scenario files or folders.
    pub paths: Vec<PathBuf>,
    /// Output folder (default `reports/backtest`).
    pub out: Option<PathBuf>,
    /// Trials and seed (for scenario inputs), threads, quiet.
    pub opts: EnsembleOptions,
    /// Leave out the `agents-learning` row: by default every one-issue scenario that runs
    /// `agents` is also run with both parties' negotiators `{ kind = "learning" }`
    /// ([`LEARNING`]) and scored beside its models.
    pub no_learning: bool,
}

/// The backtest's row of the `learning` strategy (issue #25): the scenario's `agents`
/// model with both parties' negotiators replaced by `strategy = { kind = "learning" }`
/// at its defaults, everything else (inputs, seed, calendar) as in the file.
pub const LEARNING: &str = "agents-learning";

/// What `bargain backtest` produced.
#[derive(Debug, Clone)]
pub struct BacktestRun {
    /// The results (`backtest.json`).
    pub backtest: Backtest,
    /// Where the files were written.
    pub dest: PathBuf,
    /// The table for the terminal.
    pub table: String,
}

/// Run `bargain backtest` with a spinner; print the table (unless quiet) and where the
/// report is.
///
/// # Errors
/// See [`backtest`].
pub fn run(opts: &Options) -> Result<(), Error> {
    let r = with_spinner(opts.opts.quiet, "backtest: running the scenarios", || {
        backtest(opts)
    })?;
    print_result(opts.opts.quiet, &r.table, "backtest", &r.dest);
    Ok(())
}

/// Run `bargain backtest`: run every scenario with `[observed]`, write each one's report
/// folder and `backtest.json`, `backtest.html`, `calibration.svg`/`.png` into the output
/// folder atomically, and return the terminal table.
///
/// # Errors
/// Usage errors (no scenario with `[observed]`, bad paths, duplicate names), scenario
/// errors, interruption, I/O.
pub fn backtest(opts: &Options) -> Result<BacktestRun, Error> {
    backtest_with(opts, &cancel_flag())
}

/// [`backtest`] stopped by `cancel` instead of Ctrl-C (Python sets it on a signal).
///
/// # Errors
/// As [`backtest`].
pub fn backtest_with(opts: &Options, cancel: &AtomicBool) -> Result<BacktestRun, Error> {
    let overrides = opts.opts.overrides()?;
    if opts.paths.is_empty() {
        return Err(Error::Usage(
            "give scenario files or folders to backtest (e.g. scenarios/)".into(),
        ));
    }
    let dest = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports/backtest"));
    crate::output::check_destination(&dest, Kind::Backtest)?;
    let files = expand(&opts.paths)?;
    let mut loaded = Vec::new();
    let mut packages = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        if super::package_run::is_package_file(f) {
            match PackageScenario::from_path(f) {
                Ok(s) if s.observed.is_some() => packages.push((f.display().to_string(), s)),
                Ok(_) => skipped.push(f.display().to_string()),
                Err(e) => errors.push(e.to_string()),
            }
            continue;
        }
        match super::session::load_with(f, &opts.opts.sets) {
            Ok(l) if l.scenario.observed.is_some() => loaded.push(l),
            Ok(_) => skipped.push(f.display().to_string()),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Usage(errors.join("\n")));
    }
    if loaded.is_empty() && packages.is_empty() {
        return Err(Error::Usage(
            "no scenario with an [observed] outcome to backtest".into(),
        ));
    }
    unique_names(&loaded)?;

    let pool = pool(opts.opts.threads)?;
    let staging = Staging::new(&dest, Kind::Backtest)?;
    let mut scores = Vec::new();
    for l in &loaded {
        let plan = pipeline::plan(&l.scenario, &overrides, Shard::WHOLE);
        let finished = pool
            .install(|| pipeline::execute(l, plan, &|_| {}, cancel, None))
            .map_err(|e| Error::run(&l.scenario.name, e))?;
        let dir = staging.path().join(&l.scenario.name);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            crate::report::write_report_files(&dir, l, &finished, Default::default())
        };
        write().map_err(Error::io(dest.join(&l.scenario.name).display()))?;
        crate::output::mark(&dir, Kind::Run)?;
        let Some(obs) = l.scenario.observed.as_ref() else {
            continue;
        };
        let s = &finished.summary;
        let mut models = model_scores(l, &finished, obs, &pool, cancel)?;
        if !opts.no_learning
            && let Some(variant) = learning_variant(l)?
        {
            let plan = pipeline::plan(&variant.scenario, &overrides, Shard::WHOLE);
            let run = pool
                .install(|| pipeline::execute(&variant, plan, &|_| {}, cancel, None))
                .map_err(|e| Error::run(&l.scenario.name, e))?;
            if let Some(score) = model_scores(&variant, &run, obs, &pool, cancel)?.remove("agents")
            {
                models.insert(LEARNING.to_owned(), score);
            }
        }
        let fmt = crate::scenario::date::format_date;
        let baselines = l
            .scenario
            .baseline
            .as_ref()
            .map_or_else(bt::Baselines::default, |b| bt::Baselines {
                previous: Some(forecast::score_point(b.previous(), obs.amount)),
                trend: Some(forecast::score_point(b.trend(), obs.amount)),
                climatology: None,
            });
        scores.push(bt::ScenarioScore {
            name: s.scenario.name.clone(),
            title: s.scenario.title.clone(),
            file: l.origin.clone(),
            unit: s.scenario.unit.clone(),
            observed: obs.amount,
            observed_round: obs.round,
            trials: s.trials,
            seed: s.seed,
            as_of: l.scenario.as_of.map(fmt),
            calendar: l.scenario.calendar.map(|c| [fmt(c.start), fmt(c.expiry)]),
            observed_date: obs.date.map(fmt),
            baselines,
            models,
        });
    }
    let skill = bt::baselines_and_skill(&mut scores);
    let mut package_scores = Vec::new();
    for (file, s) in &packages {
        package_scores.push(score_package(file, s, opts, cancel)?);
    }
    let result = bt::Backtest {
        format: bt::FORMAT.into(),
        version: bt::VERSION,
        trials_override: opts.opts.trials,
        seed_override: opts.opts.seed,
        methods: bt::METHODS
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        models: bt::calibrate(&scores),
        skill,
        scenarios: scores,
        skipped,
        package_methods: if package_scores.is_empty() {
            Default::default()
        } else {
            bt::PACKAGE_METHODS
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect()
        },
        packages: package_scores,
    };
    let write = || -> std::io::Result<()> {
        let dir = staging.path();
        std::fs::write(dir.join("backtest.json"), to_json(&result)?)?;
        crate::report::write_calibration_plot(dir, &result)?;
        crate::report::write_forecast_plot(dir, &result)?;
        let svg = crate::report::calibration_svg(&result)?;
        let diagrams = crate::report::forecast_svg(&result)?;
        std::fs::write(
            dir.join("backtest.html"),
            crate::report::backtest_html(&result, &svg, &diagrams),
        )?;
        Ok(())
    };
    write().map_err(Error::io(dest.display()))?;
    staging.commit(Some(cancel))?;
    let table = bt::table(&result);
    Ok(BacktestRun {
        backtest: result,
        dest,
        table,
    })
}

/// Each model's scores of one finished run against `obs`: the deal amounts' CRPS and
/// coverage ([`bt::score`]) and, with a calendar, the timing scores.
fn model_scores(
    l: &Loaded,
    finished: &pipeline::Finished,
    obs: &Observed,
    pool: &rayon::ThreadPool,
    cancel: &AtomicBool,
) -> Result<BTreeMap<String, bt::ModelScore>, Error> {
    let mut deals = pool
        .install(|| forecast::deal_samples(&l.scenario, &finished.plan, cancel))
        .map_err(|e| Error::run(&l.scenario.name, e.into()))?;
    let s = &finished.summary;
    Ok(finished
        .plan
        .models
        .iter()
        .zip(deals.0.iter_mut())
        .filter_map(|(model, sample)| {
            let (k, m) = s.models.get_key_value(model.as_str())?;
            let mut sc = bt::score(m, sample, obs.amount);
            let deal_days = finished
                .accumulated
                .models
                .iter()
                .find(|(m, _)| m == model)
                .map_or(&[][..], |(_, a)| &a.deal_days[..]);
            let dates = l.scenario.calendar.as_ref();
            sc.timing = bt::timing_score(m, deal_days, obs.date, dates);
            Some((k.clone(), sc))
        })
        .collect())
}

/// The scenario `l` with both parties' negotiators `{ kind = "learning" }` and `agents`
/// as its only model ([`LEARNING`]); `None` when `l` does not run `agents` or both of
/// its parties learn already (the row would repeat `agents`). `l.text` already holds the
/// user's `--set` overrides.
fn learning_variant(l: &Loaded) -> Result<Option<Loaded>, Error> {
    let s = &l.scenario;
    if !s.run.models.contains(&Model::Agents) {
        return Ok(None);
    }
    let keys = [s.party_key(Side::Payee), s.party_key(Side::Payer)];
    let file = toml::from_str::<toml::Table>(&l.text).unwrap_or_default();
    let learning = |k: &str| {
        file.get("parties")
            .and_then(|p| p.get(k))
            .and_then(|p| p.get("strategy"))
            .and_then(|st| st.get("kind"))
            .and_then(toml::Value::as_str)
            == Some("learning")
    };
    if keys.iter().all(|k| learning(k)) {
        return Ok(None);
    }
    let mut all = Vec::new();
    for k in keys {
        all.push(Override {
            path: format!("parties.{k}.strategy"),
            value: r#"{ kind = "learning" }"#.to_owned(),
        });
    }
    all.push(Override {
        path: "run.models".to_owned(),
        value: r#"["agents"]"#.to_owned(),
    });
    let (scenario, text) =
        crate::scenario::Scenario::parse_with(&l.text, &l.origin, &all).map_err(Error::from)?;
    Ok(Some(Loaded {
        scenario,
        origin: l.origin.clone(),
        text,
    }))
}

/// Run a package scenario's trials through the package run's tally
/// ([`super::package_run`]) and score each model's deals against `[observed]`, issue by
/// issue ([`bt::score_issue`]).
fn score_package(
    file: &str,
    s: &PackageScenario,
    opts: &Options,
    cancel: &AtomicBool,
) -> Result<bt::PackageScore, Error> {
    let trials = opts.opts.trials.unwrap_or(s.run.trials);
    let seed = opts.opts.seed.unwrap_or(s.run.seed);
    let pool = pool(opts.opts.threads)?;
    let tallies = pool
        .install(|| super::package_run::tallies(s, trials, seed, Some(cancel)))
        .map_err(|e| {
            Error::Other(format!(
                "{file}: a sampled trial's preferences were rejected: {e}"
            ))
        })?
        .ok_or_else(|| Error::Interrupted("during the trials".into()))?;
    let issues = s.space().issues();
    let observed = s
        .observed
        .as_ref()
        .map(|o| &o.values[..])
        .unwrap_or_default();
    Ok(bt::PackageScore {
        name: s.name.clone(),
        title: s.title.clone(),
        file: file.to_owned(),
        observed: issues
            .iter()
            .zip(observed)
            .map(|(i, v)| (i.key.clone(), bt::observed_json(v)))
            .collect(),
        trials,
        seed,
        models: tallies
            .models
            .iter()
            .map(|(m, a)| {
                let counts = a.issues.as_ref().map(|t| &t.counts[..]).unwrap_or_default();
                let score = bt::PackageModelScore {
                    deals: a.deals(),
                    deal_rate: a.deals() as f64 / trials as f64,
                    issues: issues
                        .iter()
                        .zip(counts)
                        .zip(observed)
                        .map(|((i, c), v)| bt::score_issue(i, c, v))
                        .collect(),
                };
                (m.as_str().to_owned(), score)
            })
            .collect(),
    })
}
