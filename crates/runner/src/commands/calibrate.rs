//! `bargain calibrate PATHS --param NAME=LO..HI[:STEPS] [--inputs PATTERN]…`: run every
//! one-issue scenario with an `[observed]` amount at every point of the knobs' grid, score
//! each model's deals (CRPS), and choose the knobs in sample and leaving each case out
//! (`crate::analysis::calibrate`). Package scenarios with an observed number issue keyed
//! `amount` are cases too, scored on that issue; of the knobs only `lapse_scale` applies to
//! them (with a `[calendar]`: a warning names the others), so without it they are run once
//! and score the same at every grid point. Writes
//! `calibrate.json` and `report.html` atomically.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use super::Error;
use super::session::{EnsembleOptions, cancel_flag, expand, pool, print_result, progress_bar};
use crate::analysis::backtest::ordered;
use crate::analysis::calibrate::{self as cal, Calibrate, Case, Param};
use crate::analysis::forecast;
use crate::ensemble::Shard;
use crate::output::{Kind, Staging};
use crate::pipeline::{self, Loaded, to_json};
use crate::scenario::Scenario;
use crate::scenario::issues::{ObservedValue, PackageScenario};
use crate::scenario::knobs::About;
use bargain_core::package::space::IssueKind;

/// One case's CRPS at one grid point, per model (`None`: the model had no deal).
type ModelScores = BTreeMap<String, Option<f64>>;

/// Options of `bargain calibrate`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Scenario files or folders.
    pub paths: Vec<PathBuf>,
    /// `--param NAME=LO..HI[:STEPS]`, as given.
    pub params: Vec<String>,
    /// `--inputs PATTERN`: the inputs `spread` widens or narrows.
    pub inputs: Vec<String>,
    /// Output folder (default `reports/calibrate`).
    pub out: Option<PathBuf>,
    /// Trials, seed, threads, quiet, `--set`.
    pub opts: EnsembleOptions,
}

/// What `bargain calibrate` produced.
#[derive(Debug, Clone)]
pub struct CalibrateRun {
    /// The results (`calibrate.json`).
    pub calibrate: Calibrate,
    /// Where the files were written.
    pub dest: PathBuf,
    /// The table for the terminal.
    pub table: String,
}

/// Run `bargain calibrate`; print the table (unless quiet) and where the report is.
///
/// # Errors
/// See [`calibrate`].
pub fn run(opts: &Options) -> Result<(), Error> {
    let r = calibrate(opts)?;
    for w in &r.calibrate.warnings {
        eprintln!("warning: {w}");
    }
    print_result(opts.opts.quiet, &r.table, "calibrate", &r.dest);
    Ok(())
}

/// Check the `--param` and `--inputs` flags.
fn parse_params(opts: &Options) -> Result<Vec<Param>, Error> {
    if opts.params.is_empty() {
        return Err(Error::Usage(
            "give at least one knob to tune, e.g. --param spread=0.5..2:7 --inputs 'parties.*.reservation'".into(),
        ));
    }
    let mut params: Vec<Param> = Vec::new();
    for text in &opts.params {
        let p = Param::parse(text).map_err(Error::Usage)?;
        if params.iter().any(|q| q.name == p.name) {
            return Err(Error::Usage(format!("--param {}: given twice", p.name)));
        }
        params.push(p);
    }
    let has_spread = params.iter().any(|p| p.name == "spread");
    if has_spread && opts.inputs.is_empty() {
        return Err(Error::Usage(
            "--param spread needs --inputs PATTERN naming the inputs to widen, e.g. --inputs 'parties.*.reservation'".into(),
        ));
    }
    if !has_spread && !opts.inputs.is_empty() {
        return Err(Error::Usage(
            "--inputs names the inputs of --param spread, which is not given".into(),
        ));
    }
    if let Some(bad) = opts.inputs.iter().find(|p| p.trim().is_empty()) {
        return Err(Error::Usage(format!(
            "--inputs: expected a field path pattern such as parties.*.reservation, found `{bad}`"
        )));
    }
    let points: usize = params.iter().map(|p| p.steps).product();
    if points > cal::MAX_GRID {
        return Err(Error::Usage(format!(
            "--param: the grid has {points} points, more than {}",
            cal::MAX_GRID
        )));
    }
    Ok(params)
}

/// The scenario at one grid point (`values` in `params` order). `rank` (not 0) re-reads
/// the file's text with a `[[correlation]]` of the parties' reservations appended, when
/// [`rank_pair`] finds the pair.
fn variant(
    l: &crate::pipeline::Loaded,
    params: &[Param],
    values: &[f64],
    inputs: &[String],
) -> Result<Scenario, Error> {
    let mut v = l.scenario.clone();
    if let Some((_, &r)) = params
        .iter()
        .zip(values)
        .find(|(p, x)| p.name == "rank" && **x != 0.0)
        && let Some((a, b)) = rank_pair(&l.scenario)
    {
        let text = format!(
            "{}\n\n[[correlation]]\nbetween = [\"{a}\", \"{b}\"]\nrank = {r}\n",
            l.text.trim_end()
        );
        v = Scenario::parse(&text, &l.origin)?;
    }
    for (p, &x) in params.iter().zip(values) {
        v = match p.name.as_str() {
            "spread" => v.with_scaled_inputs(inputs, About::Centre, x).0,
            "lapse_scale" => v.with_lapse_scale(x).0,
            _ => v,
        };
    }
    Ok(v)
}

/// The field paths of the payee's and the payer's reservations, when both are
/// distributions and the file declares no correlation between them: what `rank`
/// correlates. `None`: the knob has no effect on this scenario.
fn rank_pair(s: &Scenario) -> Option<(String, String)> {
    use bargain_core::Side;
    let path = |side| format!("parties.{}.reservation", s.party_key(side));
    let (a, b) = (path(Side::Payee), path(Side::Payer));
    let names = s.input_names();
    (names.contains(&a) && names.contains(&b) && !s.correlates(&a, &b)).then_some((a, b))
}

/// A case of the calibration: a one-issue scenario, or a package scenario scored on its
/// number issue keyed `amount` (its index).
enum Source {
    One(Box<Loaded>),
    Package {
        scenario: Box<PackageScenario>,
        origin: String,
        amount: usize,
    },
}

impl Source {
    fn name(&self) -> &str {
        match self {
            Source::One(l) => &l.scenario.name,
            Source::Package { scenario, .. } => &scenario.name,
        }
    }
}

/// The index of a package scenario's number issue keyed `amount` and its observed value,
/// or why the scenario cannot be a case.
fn package_amount(s: &PackageScenario) -> Result<(usize, f64), String> {
    let issues = s.space().issues();
    let Some(j) = issues.iter().position(|i| i.key == "amount") else {
        return Err("a package scenario without an issue keyed `amount`: not scored".into());
    };
    if !matches!(issues[j].kind, IssueKind::Number { .. }) {
        return Err(
            "a package scenario whose `amount` issue is not a number issue: not scored".into(),
        );
    }
    match s.observed.as_ref().and_then(|o| o.values.get(j)) {
        Some(ObservedValue::Number(y)) => Ok((j, *y)),
        _ => Err("no [observed] outcome".into()),
    }
}

/// Which knobs of `names` do not apply to a package scenario, and why, for its warning;
/// `lapse_scale` applies when the package has a `[calendar]` (its lapse costs).
fn package_warning(origin: &str, names: &[String], has_calendar: bool) -> Option<String> {
    let why: Vec<&str> = names
        .iter()
        .filter(|n| !(has_calendar && n.as_str() == "lapse_scale"))
        .map(|n| match n.as_str() {
            "spread" => {
                "spread: its inputs are utilities, weights and negotiation settings, not \
                 amounts, and are not widened"
            }
            "lapse_scale" => "lapse_scale: the package has no [calendar], so no lapse costs",
            _ => "rank: package scenarios declare no [[correlation]] of reservations",
        })
        .collect();
    if why.is_empty() {
        return None;
    }
    let tail = if why.len() == names.len() {
        "so its CRPS is the same at every grid point"
    } else {
        "only lapse_scale moves its CRPS"
    };
    Some(format!(
        "{origin}: a package scenario, scored on its `amount` issue: knobs that do not \
         apply to it: {}; {tail}",
        why.join("; ")
    ))
}

/// Each package model's CRPS on issue `amount` of package scenario `s`, from the package
/// run's tallies (`None`: the model had no deal).
fn package_scores(
    s: &PackageScenario,
    origin: &str,
    amount: usize,
    (trials, seed, y): (u64, u64, f64),
    pool: &rayon::ThreadPool,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<ModelScores, Error> {
    let tallies = pool
        .install(|| super::package_run::tallies(s, trials, seed, Some(cancel)))
        .map_err(|e| {
            Error::Other(format!(
                "{origin}: a sampled trial's preferences were rejected: {e}"
            ))
        })?
        .ok_or_else(|| Error::Interrupted("during the calibration runs".into()))?;
    let issue = &s.space().issues()[amount];
    Ok(tallies
        .models
        .iter()
        .map(|(m, a)| {
            let counts = a
                .issues
                .as_ref()
                .and_then(|t| t.counts.get(amount))
                .map_or(&[][..], |c| &c[..]);
            let values: Vec<(f64, u64)> = counts
                .iter()
                .enumerate()
                .map(|(k, &c)| (issue.numeric(k).unwrap_or(f64::NAN), c))
                .collect();
            (m.as_str().to_owned(), forecast::crps_counted(&values, y))
        })
        .collect())
}

/// Run `bargain calibrate`: see the module docs.
///
/// # Errors
/// Usage errors (bad `--param`/`--inputs`, fewer than two scenarios with `[observed]`,
/// bad paths, duplicate names), scenario errors, interruption, I/O.
pub fn calibrate(opts: &Options) -> Result<CalibrateRun, Error> {
    let overrides = opts.opts.overrides()?;
    let params = parse_params(opts)?;
    if opts.paths.is_empty() {
        return Err(Error::Usage(
            "give scenario files or folders to calibrate on (e.g. scenarios/)".into(),
        ));
    }
    let dest = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports/calibrate"));
    crate::output::check_destination(&dest, Kind::Calibrate)?;
    let files = expand(&opts.paths)?;
    let mut sources: Vec<Source> = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        if super::package_run::is_package_file(f) {
            match super::package_run::load_package(f, &opts.opts.sets) {
                Ok((s, _)) => match package_amount(&s) {
                    Ok((amount, _)) => sources.push(Source::Package {
                        scenario: Box::new(s),
                        origin: f.display().to_string(),
                        amount,
                    }),
                    Err(why) => skipped.push(format!("{}: {why}", f.display())),
                },
                Err(e) => errors.push(e.to_string()),
            }
            continue;
        }
        match super::session::load_with(f, &opts.opts.sets) {
            Ok(l) if l.scenario.observed.is_some() => sources.push(Source::One(Box::new(l))),
            Ok(_) => skipped.push(format!("{}: no [observed] outcome", f.display())),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Usage(errors.join("\n")));
    }
    if sources.len() < 2 {
        return Err(Error::Usage(format!(
            "leave-one-out calibration needs at least two scenarios with an [observed] amount \
             (one-issue scenarios, or package scenarios with a number issue keyed `amount`), found {}",
            sources.len()
        )));
    }
    let mut seen: Vec<&str> = sources.iter().map(Source::name).collect();
    seen.sort_unstable();
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "two scenarios are named `{}`: cases are named after scenarios, so names must differ",
            w[0]
        )));
    }

    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let points = cal::grid(&params);
    // The scenarios as written: every knob at 1 (an extra row unless on the grid).
    let identity: Vec<f64> = params.iter().map(Param::identity).collect();
    let identity_row = points.iter().position(|p| *p == identity);
    let mut rows = points.clone();
    if identity_row.is_none() {
        rows.push(identity.clone());
    }

    let mut warnings = Vec::new();
    let mut cases = Vec::new();
    for source in &sources {
        let l = match source {
            Source::One(l) => l,
            Source::Package {
                scenario: s,
                origin,
                amount,
            } => {
                warnings.extend(package_warning(origin, &names, s.calendar.is_some()));
                cases.push(Case {
                    name: s.name.clone(),
                    file: origin.clone(),
                    unit: s.unit.clone(),
                    observed: package_amount(s).map_or(f64::NAN, |(_, y)| y),
                    trials: overrides.trials.unwrap_or(s.run.trials),
                    seed: overrides.seed.unwrap_or(s.run.seed),
                    matched: BTreeMap::new(),
                    baselines: BTreeMap::new(),
                    as_written: BTreeMap::new(),
                    issue: Some(s.space().issues()[*amount].key.clone()),
                });
                continue;
            }
        };
        let s = &l.scenario;
        let mut matched = BTreeMap::new();
        for p in &opts.inputs {
            let m = s.inputs_matching(p);
            if m.is_empty() {
                warnings.push(format!(
                    "{}: --inputs `{p}` matches no input (distribution) of this scenario; its inputs: {}",
                    l.origin,
                    s.input_names().join(", ")
                ));
            }
            matched.insert(p.clone(), m);
        }
        if names.iter().any(|n| n == "rank") && rank_pair(s).is_none() {
            warnings.push(format!(
                "{}: rank has no effect: the parties' reservations are not both distributions, or the file already correlates them",
                l.origin
            ));
        }
        if names.iter().any(|n| n == "lapse_scale") && s.calendar.is_none() {
            warnings.push(format!(
                "{}: lapse_scale has no effect: the scenario has no [calendar], so no lapse costs",
                l.origin
            ));
        }
        let plan = pipeline::plan(s, &overrides, Shard::WHOLE);
        let Some(obs) = s.observed.as_ref() else {
            continue;
        };
        let mut baselines = BTreeMap::new();
        if let Some(b) = &s.baseline {
            baselines.insert(
                "previous".to_owned(),
                forecast::score_point(b.previous(), obs.amount),
            );
            baselines.insert(
                "trend".to_owned(),
                forecast::score_point(b.trend(), obs.amount),
            );
        }
        cases.push(Case {
            name: s.name.clone(),
            file: l.origin.clone(),
            unit: s.unit.clone(),
            observed: obs.amount,
            trials: plan.trials,
            seed: plan.seed,
            matched,
            baselines,
            as_written: BTreeMap::new(),
            issue: None,
        });
    }

    // scores[row][case][model name] = CRPS (None without deals).
    let cancel = cancel_flag();
    let pool = pool(opts.opts.threads)?;
    let total: u64 = cases.iter().map(|c| c.trials).sum::<u64>() * rows.len() as u64;
    let bar = progress_bar(total, opts.opts.quiet);
    let mut scores: Vec<Vec<ModelScores>> = vec![vec![BTreeMap::new(); cases.len()]; rows.len()];
    for (c, source) in sources.iter().enumerate() {
        let y = cases[c].observed;
        let l = match source {
            Source::One(l) => l,
            Source::Package {
                scenario,
                origin,
                amount,
            } => {
                let run = (cases[c].trials, cases[c].seed, y);
                // Only `lapse_scale` reaches a package (through its lapse costs): one run
                // per grid point with it, else one run scored at every point.
                let lapse = params.iter().position(|p| p.name == "lapse_scale");
                match lapse.filter(|_| scenario.calendar.is_some()) {
                    Some(k) => {
                        for (r, values) in rows.iter().enumerate() {
                            let (v, _) = scenario.with_lapse_scale(values[k]);
                            scores[r][c] = package_scores(&v, origin, *amount, run, &pool, &cancel)
                                .inspect_err(|_| bar.finish_and_clear())?;
                            bar.inc(cases[c].trials);
                        }
                    }
                    None => {
                        let m = package_scores(scenario, origin, *amount, run, &pool, &cancel)
                            .inspect_err(|_| bar.finish_and_clear())?;
                        for row in &mut scores {
                            row[c] = m.clone();
                        }
                        bar.inc(cases[c].trials * rows.len() as u64);
                    }
                }
                continue;
            }
        };
        for (r, values) in rows.iter().enumerate() {
            let v = variant(l, &params, values, &opts.inputs)?;
            let plan = pipeline::plan(&v, &overrides, Shard::WHOLE);
            let deals = pool
                .install(|| forecast::deal_samples(&v, &plan, &cancel))
                .map_err(|e| Error::run(&l.scenario.name, e.into()))?;
            for (model, mut sample) in plan.models.iter().zip(deals.0) {
                sample.sort_by(f64::total_cmp);
                let crps = (!sample.is_empty()).then(|| forecast::crps_sorted(&sample, y));
                scores[r][c].insert(model.as_str().to_owned(), crps);
            }
            bar.inc(plan.trials);
            if cancel.load(Ordering::SeqCst) {
                bar.finish_and_clear();
                return Err(Error::Interrupted("during the calibration runs".into()));
            }
        }
    }
    bar.finish_and_clear();
    let id = identity_row.unwrap_or(rows.len() - 1);
    for (c, case) in cases.iter_mut().enumerate() {
        case.as_written = scores[id][c].clone();
    }

    // The objectives: the mean over each case's models, and each model alone.
    let case_names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    let mean_models = |m: &ModelScores| -> Option<f64> {
        if m.is_empty() {
            return None;
        }
        m.values()
            .copied()
            .sum::<Option<f64>>()
            .map(|s| s / m.len() as f64)
    };
    let objective = |f: &dyn Fn(&ModelScores) -> Option<f64>| {
        let table: Vec<Vec<Option<f64>>> = scores
            .iter()
            .map(|row| row.iter().map(f).collect())
            .collect();
        let grid_rows = &table[..points.len()];
        cal::fit(&names, &points, grid_rows, &table[id], &case_names)
    };
    let top = objective(&mean_models);
    let model_names = ordered(
        scores
            .iter()
            .flatten()
            .flat_map(|m| m.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>(),
    );
    // Each model over the cases that run it (package and one-issue models differ).
    let models: BTreeMap<String, cal::Fit> = model_names
        .iter()
        .map(|name| {
            let keep: Vec<usize> = (0..cases.len())
                .filter(|&c| scores[id][c].contains_key(name))
                .collect();
            let table: Vec<Vec<Option<f64>>> = scores
                .iter()
                .map(|row| {
                    keep.iter()
                        .map(|&c| row[c].get(name).copied().flatten())
                        .collect()
                })
                .collect();
            let kept: Vec<String> = keep.iter().map(|&c| case_names[c].clone()).collect();
            let fit = cal::fit(&names, &points, &table[..points.len()], &table[id], &kept);
            (name.clone(), fit)
        })
        .collect();
    let mut baselines = BTreeMap::new();
    for base in ["previous", "trend"] {
        let v: Vec<f64> = cases
            .iter()
            .filter_map(|c| c.baselines.get(base).map(|b| b.crps))
            .collect();
        if !v.is_empty() {
            baselines.insert(
                base.to_owned(),
                cal::BaselineMean {
                    mean_crps: v.iter().sum::<f64>() / v.len() as f64,
                    cases: v.len() as u64,
                },
            );
        }
    }
    let result = Calibrate {
        format: cal::FORMAT.into(),
        version: cal::VERSION,
        trials_override: opts.opts.trials,
        seed_override: opts.opts.seed,
        methods: cal::METHODS
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        params,
        inputs: opts.inputs.clone(),
        grid: points,
        cases,
        skipped,
        warnings,
        in_sample: top.in_sample,
        folds: top.folds,
        loo_crps: top.loo_crps,
        as_written_crps: top.as_written_crps,
        grid_crps: top.grid_crps,
        models,
        baselines,
    };
    let staging = Staging::new(&dest, Kind::Calibrate)?;
    let write = || -> std::io::Result<()> {
        let dir = staging.path();
        std::fs::write(dir.join("calibrate.json"), to_json(&result)?)?;
        std::fs::write(
            dir.join("report.html"),
            crate::report::calibrate_html(&result),
        )?;
        Ok(())
    };
    write().map_err(Error::io(dest.display()))?;
    staging.commit(Some(&cancel))?;
    let table = cal::table(&result);
    Ok(CalibrateRun {
        calibrate: result,
        dest,
        table,
    })
}
