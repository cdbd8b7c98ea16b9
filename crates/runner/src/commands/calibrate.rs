//! `bargain calibrate PATHS --param NAME=LO..HI[:STEPS] [--inputs PATTERN]…`: run every
//! one-issue scenario with an `[observed]` amount at every point of the knobs' grid, score
//! each model's deals (CRPS), and choose the knobs in sample and leaving each case out
//! (`crate::analysis::calibrate`). Writes `calibrate.json` and `report.html` atomically.

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
use crate::scenario::knobs::About;

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
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        if super::package_run::is_package_file(f) {
            skipped.push(format!(
                "{}: a package scenario ([issues]): not scored (calibrate scores one-issue scenarios; package scenarios are scored by backtest)",
                f.display()
            ));
            continue;
        }
        match super::session::load_with(f, &opts.opts.sets) {
            Ok(l) if l.scenario.observed.is_some() => loaded.push(l),
            Ok(_) => skipped.push(format!("{}: no [observed] outcome", f.display())),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Usage(errors.join("\n")));
    }
    if loaded.len() < 2 {
        return Err(Error::Usage(format!(
            "leave-one-out calibration needs at least two one-issue scenarios with an [observed] outcome, found {}",
            loaded.len()
        )));
    }
    super::session::unique_names(&loaded)?;

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
    for l in &loaded {
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
        });
    }

    // scores[row][case][model name] = CRPS (None without deals).
    let cancel = cancel_flag();
    let pool = pool(opts.opts.threads)?;
    let total: u64 = cases.iter().map(|c| c.trials).sum::<u64>() * rows.len() as u64;
    let bar = progress_bar(total, opts.opts.quiet);
    let mut scores: Vec<Vec<ModelScores>> = vec![vec![BTreeMap::new(); cases.len()]; rows.len()];
    for (c, l) in loaded.iter().enumerate() {
        let y = cases[c].observed;
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
    let models: BTreeMap<String, cal::Fit> = model_names
        .iter()
        .map(|name| {
            let f = |m: &ModelScores| m.get(name).copied().flatten();
            (name.clone(), objective(&f))
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
