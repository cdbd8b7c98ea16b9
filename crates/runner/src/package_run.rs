//! `bargain run` on a package scenario (`[issues]`): every trial's agreement under the
//! `agents` model (NegMAS's `AspirationNegotiator` on both sides, `bargain_core::package`)
//! and the closed forms `nash`, `kalai-smorodinsky`, `max-welfare` on the trial's Pareto
//! frontier; a report folder with `summary.json` (per model: deals, rounds, an `issues`
//! block, mean utilities) and a copy of the scenario.
//!
//! Trials run in parallel and are aggregated in trial order, so the summary is the same
//! at any thread count. With no distributions, the profiles are sorted and the frontier
//! computed once for all trials.

use std::path::{Path, PathBuf};

use bargain_core::package::aspiration::{AspirationNegotiator, negotiate};
use bargain_core::package::preferences::{PreferencesError, UtilityTable};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{IssueKind, OutcomeSpace};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::cli::{CliError, RunArgs};
use crate::output::{Kind, Staging};
use crate::scenario::SampleCtx;
use crate::scenario::issues::{PackageModel, PackageScenario, PackageTrial};

/// Whether `path` is a readable scenario file with an `[issues]` table.
#[must_use]
pub fn is_package_file(path: &Path) -> bool {
    path.is_file()
        && crate::input::read_bytes(path, crate::scenario::MAX_FILE_BYTES as u64)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .is_some_and(|t| PackageScenario::is_package(&t))
}

/// Utilities, sorted profiles and frontier of one trial's preferences.
struct Prepared {
    ua: Vec<f64>,
    ub: Vec<f64>,
    sorted: [SortedOutcomes; 2],
    frontier: ParetoFrontier,
}

impl Prepared {
    fn new(space: &OutcomeSpace, t: &PackageTrial) -> Result<Self, PreferencesError> {
        let ua = UtilityTable::new(space, &t.parties[0].preferences)?.all(space);
        let ub = UtilityTable::new(space, &t.parties[1].preferences)?.all(space);
        let sorted = [
            SortedOutcomes::from_utilities(ua.clone(), u64::from),
            SortedOutcomes::from_utilities(ub.clone(), u64::from),
        ];
        let frontier = ParetoFrontier::new(&ua, &ub);
        Ok(Self {
            ua,
            ub,
            sorted,
            frontier,
        })
    }
}

/// One model's result in one trial: the outcome and the 1-based round (agents only).
type Deal = Option<(u32, Option<u32>)>;

fn trial_deals(models: &[PackageModel], t: &PackageTrial, p: &Prepared) -> Vec<(Deal, f64, f64)> {
    let [a, b] = &t.parties;
    let (ra, rb) = (a.preferences.reservation, b.preferences.reservation);
    models
        .iter()
        .map(|m| {
            let deal: Deal = match m {
                PackageModel::Agents => {
                    let first =
                        AspirationNegotiator::new(&p.sorted[0], ra, t.max_rounds, a.aspiration);
                    let second =
                        AspirationNegotiator::new(&p.sorted[1], rb, t.max_rounds, b.aspiration);
                    negotiate(first, second, None).map(|d| (d.outcome, Some(d.step + 1)))
                }
                PackageModel::Nash => p
                    .frontier
                    .nash(ra, rb, a.power, b.power)
                    .map(|s| (s.outcome, None)),
                PackageModel::KalaiSmorodinsky => p
                    .frontier
                    .kalai_smorodinsky(ra, rb)
                    .map(|s| (s.outcome, None)),
                PackageModel::MaxWelfare => {
                    p.frontier.max_welfare(ra, rb).map(|s| (s.outcome, None))
                }
            };
            let (ua, ub) = deal.map_or((f64::NAN, f64::NAN), |(o, _)| {
                (p.ua[o as usize], p.ub[o as usize])
            });
            (deal, ua, ub)
        })
        .collect()
}

/// Mean, standard deviation and quantiles of `xs` (sorted in place); `null` when empty.
fn stats(xs: &mut [f64]) -> Value {
    if xs.is_empty() {
        return Value::Null;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    let q = |p: f64| xs[((p * (n - 1.0)).round() as usize).min(xs.len() - 1)];
    json!({
        "mean": mean, "sd": var.sqrt(), "min": xs[0],
        "p05": q(0.05), "p50": q(0.5), "p95": q(0.95), "max": xs[xs.len() - 1],
    })
}

/// Run every trial of `s` (with `trials`/`seed` overrides) and summarize it as JSON.
///
/// # Errors
/// A sampled trial whose preferences core rejects (not expected after validation).
pub fn summarize(s: &PackageScenario, trials: u64, seed: u64) -> Result<Value, PreferencesError> {
    let space = s.space();
    let models = &s.run.models;
    let fixed = s.input_names().is_empty();
    let central = s.central();
    let shared = if fixed {
        Some(Prepared::new(space, &central)?)
    } else {
        None
    };
    let per_trial: Vec<Vec<(Deal, f64, f64)>> = (0..trials)
        .into_par_iter()
        .map(|trial| {
            let (t, _) = s.draw_trial(
                SampleCtx {
                    trial,
                    trials,
                    seed,
                },
                &mut [],
            );
            match &shared {
                Some(p) => Ok(trial_deals(models, &t, p)),
                None => Ok(trial_deals(models, &t, &Prepared::new(space, &t)?)),
            }
        })
        .collect::<Result<_, _>>()?;
    let mut by_model = Map::new();
    for (m_i, m) in models.iter().enumerate() {
        let mut deals = 0u64;
        let mut rounds = Vec::new();
        let mut utils = [Vec::new(), Vec::new()];
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); space.issues().len()];
        let mut counts: Vec<Vec<u64>> = (0..space.issues().len())
            .map(|j| vec![0; space.size(j)])
            .collect();
        for r in &per_trial {
            let (deal, ua, ub) = r[m_i];
            let Some((o, round)) = deal else { continue };
            deals += 1;
            if let Some(x) = round {
                rounds.push(f64::from(x));
            }
            utils[0].push(ua);
            utils[1].push(ub);
            for (j, issue) in space.issues().iter().enumerate() {
                let k = space.value_index(o, j);
                match issue.numeric(k) {
                    Some(x) => values[j].push(x),
                    None => counts[j][k] += 1,
                }
            }
        }
        let mut issues = Map::new();
        for (j, issue) in space.issues().iter().enumerate() {
            let v = match &issue.kind {
                IssueKind::Choice { labels } => {
                    let c: Map<String, Value> = labels
                        .iter()
                        .zip(&counts[j])
                        .map(|(l, n)| (l.clone(), json!(n)))
                        .collect();
                    json!({ "counts": c })
                }
                _ => stats(&mut values[j]),
            };
            issues.insert(issue.key.clone(), v);
        }
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                Value::Null
            } else {
                json!(xs.iter().sum::<f64>() / xs.len() as f64)
            }
        };
        let mut entry = Map::new();
        entry.insert("trials".into(), json!(trials));
        entry.insert("deals".into(), json!(deals));
        entry.insert("deal_rate".into(), json!(deals as f64 / trials as f64));
        if *m == PackageModel::Agents {
            entry.insert("round".into(), stats(&mut rounds));
        }
        // As in one-issue summaries, an issue keyed `amount` also has its own block.
        if let Some(a) = issues.get("amount").filter(|a| a.get("mean").is_some()) {
            entry.insert("amount".into(), a.clone());
        }
        entry.insert("issues".into(), Value::Object(issues));
        let mut u = Map::new();
        u.insert(s.party_keys[0].clone(), mean(&utils[0]));
        u.insert(s.party_keys[1].clone(), mean(&utils[1]));
        entry.insert("utility".into(), Value::Object(u));
        by_model.insert(m.as_str().into(), Value::Object(entry));
    }
    Ok(json!({
        "scenario": s.name,
        "kind": "package",
        "trials": trials,
        "seed": seed,
        "outcomes": space.len(),
        "issues": space.issues().iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
        "parties": s.party_keys,
        "models": by_model,
    }))
}

/// `bargain run FILE` for one package scenario: `summary.json` and `scenario.toml` in
/// `--out` (default `reports/<name>/`), written through [`Staging`].
///
/// # Errors
/// Scenario errors (exit 2), options that do not apply to packages (exit 2), I/O.
pub fn run(path: &Path, args: &RunArgs) -> Result<(), CliError> {
    if args.trials_csv || args.trials_parquet || args.shard.is_some() {
        return Err(CliError::Usage(
            "--trials-csv, --trials-parquet and --shard do not apply to package scenarios yet"
                .into(),
        ));
    }
    let s = PackageScenario::from_path(path)?;
    let o = &args.opts;
    if o.trials == Some(0) || o.trials.is_some_and(|t| t > 1_000_000_000_000) {
        return Err(CliError::Usage("--trials must be in 1..=10^12".into()));
    }
    let trials = o.trials.unwrap_or(s.run.trials);
    let seed = o.seed.unwrap_or(s.run.seed);
    let threads = crate::input::check_threads(o.threads).map_err(CliError::Usage)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Other(format!("starting worker threads: {e}")))?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&s.name));
    let staging = Staging::new(&dest, Kind::Run)?;
    let summary = pool.install(|| summarize(&s, trials, seed)).map_err(|e| {
        CliError::Other(format!(
            "{}: a sampled trial's preferences were rejected: {e}",
            path.display()
        ))
    })?;
    let text =
        serde_json::to_string_pretty(&summary).map_err(|e| CliError::Other(e.to_string()))?;
    let write = |name: &str, bytes: &[u8]| {
        let p = staging.path().join(name);
        std::fs::write(&p, bytes).map_err(|e| CliError::Other(format!("{}: {e}", p.display())))
    };
    write("summary.json", format!("{text}\n").as_bytes())?;
    let source =
        std::fs::read(path).map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
    write("scenario.toml", &source)?;
    let dest = staging.commit(None)?;
    if args.json {
        println!("{text}");
    }
    if !o.quiet {
        eprintln!("wrote {}", dest.display());
    }
    Ok(())
}
