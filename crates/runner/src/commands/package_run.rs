//! `bargain run` on a package scenario (`[issues]`): every trial's agreement under the
//! `agents` model (NegMAS's `AspirationNegotiator` on both sides, `bargain_core::package`)
//! and the closed forms `nash`, `kalai-smorodinsky`, `max-welfare` on the trial's Pareto
//! frontier; a report folder with `summary.json` (per model: deals, rounds, an `issues`
//! block, mean utilities) and a copy of the scenario.
//!
//! Trials run in parallel in fixed chunks whose tallies are merged in trial order, so the
//! summary is the same at any thread count; memory does not grow with the trials. With no distributions, the profiles are sorted and the frontier
//! computed once for all trials.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use bargain_core::package::aspiration::{AspirationNegotiator, negotiate};
use bargain_core::package::preferences::{PreferencesError, UtilityTable};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{IssueKind, OutcomeSpace};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::commands::Error;
use crate::commands::run::Options as RunOptions;
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
pub(crate) struct Prepared {
    pub(crate) ua: Vec<f64>,
    pub(crate) ub: Vec<f64>,
    pub(crate) sorted: [SortedOutcomes; 2],
    pub(crate) frontier: ParetoFrontier,
}

impl Prepared {
    pub(crate) fn new(space: &OutcomeSpace, t: &PackageTrial) -> Result<Self, PreferencesError> {
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

fn deal(m: PackageModel, t: &PackageTrial, p: &Prepared) -> Deal {
    let [a, b] = &t.parties;
    let (ra, rb) = (a.preferences.reservation, b.preferences.reservation);
    match m {
        PackageModel::Agents => {
            let first = AspirationNegotiator::new(&p.sorted[0], ra, t.max_rounds, a.aspiration);
            let second = AspirationNegotiator::new(&p.sorted[1], rb, t.max_rounds, b.aspiration);
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
        PackageModel::MaxWelfare => p.frontier.max_welfare(ra, rb).map(|s| (s.outcome, None)),
    }
}

/// One model's tallies over consecutive trials; merged in trial order, so the sums are
/// the same at any thread count. Memory does not grow with the number of trials.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    pub(crate) deals: u64,
    /// Deals per 1-based round (agents).
    rounds: Vec<u64>,
    /// Sums of the parties' utilities over deals.
    sum_u: [f64; 2],
    /// Deals per issue and value index.
    pub(crate) counts: Vec<Vec<u64>>,
}

impl Tally {
    fn new(space: &OutcomeSpace) -> Self {
        Self {
            deals: 0,
            rounds: Vec::new(),
            sum_u: [0.0; 2],
            counts: (0..space.issues().len())
                .map(|j| vec![0; space.size(j)])
                .collect(),
        }
    }

    fn add(&mut self, space: &OutcomeSpace, deal: Deal, p: &Prepared) {
        let Some((o, round)) = deal else { return };
        self.deals += 1;
        if let Some(r) = round {
            let r = r as usize;
            if self.rounds.len() <= r {
                self.rounds.resize(r + 1, 0);
            }
            self.rounds[r] += 1;
        }
        self.sum_u[0] += p.ua[o as usize];
        self.sum_u[1] += p.ub[o as usize];
        for (j, c) in self.counts.iter_mut().enumerate() {
            c[space.value_index(o, j)] += 1;
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.deals += o.deals;
        if self.rounds.len() < o.rounds.len() {
            self.rounds.resize(o.rounds.len(), 0);
        }
        for (a, b) in self.rounds.iter_mut().zip(&o.rounds) {
            *a += b;
        }
        self.sum_u[0] += o.sum_u[0];
        self.sum_u[1] += o.sum_u[1];
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Mean, standard deviation and quantiles of a distribution given as counts of the
/// ascending values `value(k)`; `null` without any count. Quantile `p` is the value at
/// sorted position `round(p·(n − 1))`.
fn stats(counts: &[u64], value: impl Fn(usize) -> f64) -> Value {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return Value::Null;
    }
    let nf = n as f64;
    let mean = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| c as f64 * value(k))
        .sum::<f64>()
        / nf;
    let var = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| c as f64 * (value(k) - mean) * (value(k) - mean))
        .sum::<f64>()
        / nf;
    let at = |pos: u64| {
        let mut seen = 0;
        for (k, &c) in counts.iter().enumerate() {
            seen += c;
            if seen > pos {
                return value(k);
            }
        }
        f64::NAN
    };
    let q = |p: f64| at(((p * (nf - 1.0)).round() as u64).min(n - 1));
    json!({
        "mean": mean, "sd": var.sqrt(), "min": at(0),
        "p05": q(0.05), "p50": q(0.5), "p95": q(0.95), "max": at(n - 1),
    })
}

/// Trials per chunk (the unit of parallel work and of ordered merging).
const CHUNK: u64 = 4096;
/// Chunks run in parallel before their tallies are merged.
const WAVE: u64 = 64;

/// Run every trial of `s` (with `trials`/`seed` overrides) and summarize it as JSON;
/// `None` when `cancel` was set (checked between waves of chunks).
///
/// # Errors
/// A sampled trial whose preferences core rejects (not expected after validation).
pub fn summarize(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Option<Value>, PreferencesError> {
    let Some(totals) = tallies(s, trials, seed, cancel)? else {
        return Ok(None);
    };
    let space = s.space();
    let models = &s.run.models;
    let mut by_model = Map::new();
    for (m, tally) in models.iter().zip(&totals) {
        let mut issues = Map::new();
        for (j, issue) in space.issues().iter().enumerate() {
            let v = match &issue.kind {
                IssueKind::Choice { labels } => {
                    let c: Map<String, Value> = labels
                        .iter()
                        .zip(&tally.counts[j])
                        .map(|(l, n)| (l.clone(), json!(n)))
                        .collect();
                    json!({ "counts": c })
                }
                _ => stats(&tally.counts[j], |k| issue.numeric(k).unwrap_or(f64::NAN)),
            };
            issues.insert(issue.key.clone(), v);
        }
        let mean = |sum: f64| {
            if tally.deals == 0 {
                Value::Null
            } else {
                json!(sum / tally.deals as f64)
            }
        };
        let mut entry = Map::new();
        entry.insert("trials".into(), json!(trials));
        entry.insert("deals".into(), json!(tally.deals));
        entry.insert(
            "deal_rate".into(),
            json!(tally.deals as f64 / trials as f64),
        );
        if *m == PackageModel::Agents {
            entry.insert("round".into(), stats(&tally.rounds, |k| k as f64));
        }
        // As in one-issue summaries, an issue keyed `amount` also has its own block.
        if let Some(a) = issues.get("amount").filter(|a| a.get("mean").is_some()) {
            entry.insert("amount".into(), a.clone());
        }
        entry.insert("issues".into(), Value::Object(issues));
        let mut u = Map::new();
        u.insert(s.party_keys[0].clone(), mean(tally.sum_u[0]));
        u.insert(s.party_keys[1].clone(), mean(tally.sum_u[1]));
        entry.insert("utility".into(), Value::Object(u));
        by_model.insert(m.as_str().into(), Value::Object(entry));
    }
    Ok(Some(json!({
        "scenario": s.name,
        "kind": "package",
        "trials": trials,
        "seed": seed,
        "outcomes": space.len(),
        "issues": space.issues().iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
        "parties": s.party_keys,
        "models": by_model,
    })))
}

/// Every trial's deal tallied per model (in `s.run.models` order); `None` when `cancel`
/// was set. The one trial loop behind [`summarize`] and `bargain backtest`.
pub(crate) fn tallies(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Option<Vec<Tally>>, PreferencesError> {
    let space = s.space();
    let models = &s.run.models;
    let shared = if s.input_names().is_empty() {
        Some(Prepared::new(space, &s.central())?)
    } else {
        None
    };
    let run_chunk = |c: u64| -> Result<Vec<Tally>, PreferencesError> {
        let mut tallies = vec![Tally::new(space); models.len()];
        for trial in c * CHUNK..((c + 1) * CHUNK).min(trials) {
            let ctx = SampleCtx {
                trial,
                trials,
                seed,
            };
            let (t, _) = s.draw_trial(ctx, &mut []);
            let own;
            let p = match &shared {
                Some(p) => p,
                None => {
                    own = Prepared::new(space, &t)?;
                    &own
                }
            };
            for (tally, m) in tallies.iter_mut().zip(models) {
                tally.add(space, deal(*m, &t, p), p);
            }
        }
        Ok(tallies)
    };
    let chunks = trials.div_ceil(CHUNK);
    let mut totals = vec![Tally::new(space); models.len()];
    let mut start = 0;
    while start < chunks {
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Ok(None);
        }
        let end = (start + WAVE).min(chunks);
        let wave: Vec<Vec<Tally>> = (start..end)
            .into_par_iter()
            .map(run_chunk)
            .collect::<Result<_, _>>()?;
        for chunk in &wave {
            for (total, t) in totals.iter_mut().zip(chunk) {
                total.merge(t);
            }
        }
        start = end;
    }
    Ok(Some(totals))
}

/// `bargain run FILE` for one package scenario: `summary.json` and `scenario.toml` in
/// `--out` (default `reports/<name>/`), written through [`Staging`].
///
/// # Errors
/// Scenario errors (exit 2), options that do not apply to packages (exit 2), I/O.
pub fn run(path: &Path, args: &RunOptions, cancel: &AtomicBool) -> Result<(), Error> {
    if args.trials_csv || args.trials_parquet || args.shard.is_some() {
        return Err(Error::Usage(
            "--trials-csv, --trials-parquet and --shard do not apply to package scenarios yet"
                .into(),
        ));
    }
    let s = PackageScenario::from_path(path)?;
    let o = &args.opts;
    if o.trials == Some(0) || o.trials.is_some_and(|t| t > 1_000_000_000_000) {
        return Err(Error::Usage("--trials must be in 1..=10^12".into()));
    }
    let trials = o.trials.unwrap_or(s.run.trials);
    let seed = o.seed.unwrap_or(s.run.seed);
    let threads = crate::input::check_threads(o.threads).map_err(Error::Usage)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(format!("starting worker threads: {e}")))?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&s.name));
    let staging = Staging::new(&dest, Kind::Run)?;
    let summary = pool
        .install(|| summarize(&s, trials, seed, Some(cancel)))
        .map_err(|e| {
            Error::Other(format!(
                "{}: a sampled trial's preferences were rejected: {e}",
                path.display()
            ))
        })?;
    let Some(summary) = summary else {
        return Err(Error::Interrupted("during the trials".into()));
    };
    let text = serde_json::to_string_pretty(&summary).map_err(|e| Error::Other(e.to_string()))?;
    let write = |name: &str, bytes: &[u8]| {
        let p = staging.path().join(name);
        std::fs::write(&p, bytes).map_err(|e| Error::Other(format!("{}: {e}", p.display())))
    };
    write("summary.json", format!("{text}\n").as_bytes())?;
    let source =
        std::fs::read(path).map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
    write("scenario.toml", &source)?;
    let dest = staging.commit(Some(cancel))?;
    if args.json {
        println!("{text}");
    }
    if !o.quiet {
        eprintln!("wrote {}", dest.display());
    }
    Ok(())
}
