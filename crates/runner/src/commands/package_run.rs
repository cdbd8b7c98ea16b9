//! `bargain run` on a package scenario (`[issues]`): every trial's agreement under the
//! `agents` model (each party's negotiator, `bargain_core::package::tactics`: NegMAS's
//! `AspirationNegotiator` for `time-based`, or `faratin`, `tit-for-tat`, `hardliner`)
//! and the closed forms `nash`, `kalai-smorodinsky`, `max-welfare` on the trial's Pareto
//! frontier; a report folder with `summary.json` (per model: deals, rounds, an `issues`
//! block, mean utilities), a copy of the scenario, and the report of `report::package_*`
//! (`issues`, `heatmap`, `utility` plots and `report.html`), whose data is gathered here.
//!
//! Trials run in parallel in fixed chunks (their size depends only on the number of
//! trials, small enough that every thread has work) whose tallies are merged in trial
//! order, so the summary is the same at any thread count; memory does not grow with the
//! trials. With no distributions, the profiles are sorted and the frontier computed once
//! for all trials. The cancel flag is checked before every trial and between the steps of
//! preparing a trial's outcome space, so a signal is honoured within a second even on the
//! largest spaces; progress is reported per trial.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use bargain_core::package::aspiration::{PackageDeal, PackageOffer, PowerCache, negotiate};
use bargain_core::package::preferences::{PreferencesError, UtilityTable};
use bargain_core::package::solutions::ParetoFrontier;
use bargain_core::package::sorted::SortedOutcomes;
use bargain_core::package::space::{IssueKind, OutcomeSpace};
use serde_json::{Map, Value, json};

use crate::analysis::counted::Counted;
use crate::commands::Error;
use crate::commands::run::Options as RunOptions;
use crate::commands::session::{pool, progress_bar, spinner};
use crate::ensemble::Interrupted;
use crate::ensemble::waves::Waves;
use crate::output::{Kind, Staging};
use crate::report::{
    DanceTrace, HeatMap, IssueAxis, PackageDance, PackageReport, UtilityView, write_package_html,
    write_package_plots,
};
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

/// Why a package run stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The cancel flag was set.
    Cancelled,
    /// Core rejected a sampled trial's preferences.
    Failed(PreferencesError),
}

impl From<PreferencesError> for Stop {
    fn from(e: PreferencesError) -> Self {
        Stop::Failed(e)
    }
}

impl From<Interrupted> for Stop {
    fn from(_: Interrupted) -> Self {
        Stop::Cancelled
    }
}

/// `Err(Stop::Cancelled)` once `cancel` is set.
fn check(cancel: &AtomicBool) -> Result<(), Stop> {
    if cancel.load(Ordering::Relaxed) {
        Err(Stop::Cancelled)
    } else {
        Ok(())
    }
}

impl Prepared {
    pub(crate) fn new(space: &OutcomeSpace, t: &PackageTrial) -> Result<Self, PreferencesError> {
        Self::steps(space, t, || Ok(()))
    }

    /// [`Prepared::new`], checking `cancel` between its steps (each a pass over the
    /// outcome space: about a second at most even at the largest space validation accepts).
    pub(crate) fn cancellable(
        space: &OutcomeSpace,
        t: &PackageTrial,
        cancel: &AtomicBool,
    ) -> Result<Self, Stop> {
        Self::steps(space, t, || check(cancel))
    }

    /// The preparation, calling `between` before and after each pass over the space.
    fn steps<E: From<PreferencesError>>(
        space: &OutcomeSpace,
        t: &PackageTrial,
        mut between: impl FnMut() -> Result<(), E>,
    ) -> Result<Self, E> {
        between()?;
        let ua = UtilityTable::new(space, &t.parties[0].preferences)?.all(space);
        between()?;
        let ub = UtilityTable::new(space, &t.parties[1].preferences)?.all(space);
        between()?;
        let sa = SortedOutcomes::from_utilities(ua.clone(), u64::from);
        between()?;
        let sb = SortedOutcomes::from_utilities(ub.clone(), u64::from);
        between()?;
        let frontier = ParetoFrontier::new(&ua, &ub);
        between()?;
        Ok(Self {
            ua,
            ub,
            sorted: [sa, sb],
            frontier,
        })
    }
}

/// One model's result in one trial: the outcome and the 1-based round (agents only).
type Deal = Option<(u32, Option<u32>)>;

/// The `agents` model in one trial: each party's negotiator (its `strategy`, built on its
/// sorted outcomes and reservation) in the SAO loop; every offer into `trace` if given.
/// `cache` holds the aspiration curves' powers across the trials of one worker (the same
/// negotiation, bit for bit, without a `powf` per step).
pub(crate) fn agents(
    t: &PackageTrial,
    p: &Prepared,
    cache: &mut PowerCache,
    trace: Option<&mut Vec<PackageOffer>>,
) -> Option<PackageDeal> {
    let [a, b] = &t.parties;
    a.tactic.prepare(cache, t.max_rounds);
    b.tactic.prepare(cache, t.max_rounds);
    let first = a
        .tactic
        .build_cached(&p.sorted[0], a.preferences.reservation, t.max_rounds, cache);
    let second =
        b.tactic
            .build_cached(&p.sorted[1], b.preferences.reservation, t.max_rounds, cache);
    negotiate(first, second, trace)
}

fn deal(m: PackageModel, t: &PackageTrial, p: &Prepared, cache: &mut PowerCache) -> Deal {
    let [a, b] = &t.parties;
    let (ra, rb) = (a.preferences.reservation, b.preferences.reservation);
    match m {
        PackageModel::Agents => agents(t, p, cache, None).map(|d| (d.outcome, Some(d.step + 1))),
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
    /// Sums of the parties' utilities over deals: the sum of the closed blocks' sums
    /// (see [`BLOCK`]), in block order.
    sum_u: [f64; 2],
    /// The open block's sums, added deal by deal in trial order.
    block_u: [f64; 2],
    /// A chunk's deals' utilities in trial order, added to the total's open block when
    /// the chunk is merged (so the sums do not depend on the chunk size).
    pending_u: Vec<[f64; 2]>,
    /// Deals per issue and value index.
    pub(crate) counts: Vec<Vec<u64>>,
    /// The heat map's two issues and deals per value pair (`x · size(y) + y`).
    joint: Option<(usize, usize, Vec<u64>)>,
}

impl Tally {
    fn new(space: &OutcomeSpace) -> Self {
        Self {
            deals: 0,
            rounds: Vec::new(),
            sum_u: [0.0; 2],
            block_u: [0.0; 2],
            pending_u: Vec::new(),
            counts: (0..space.issues().len())
                .map(|j| vec![0; space.size(j)])
                .collect(),
            joint: heat_pair(space).map(|(x, y)| (x, y, vec![0; space.size(x) * space.size(y)])),
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
        self.pending_u.push([p.ua[o as usize], p.ub[o as usize]]);
        for (j, c) in self.counts.iter_mut().enumerate() {
            c[space.value_index(o, j)] += 1;
        }
        if let Some((x, y, joint)) = &mut self.joint {
            joint[space.value_index(o, *x) * space.size(*y) + space.value_index(o, *y)] += 1;
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
        for u in &o.pending_u {
            self.block_u[0] += u[0];
            self.block_u[1] += u[1];
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        if let (Some((_, _, a)), Some((_, _, b))) = (&mut self.joint, &o.joint) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// Close the open block: add its sums to the total.
    fn close_block(&mut self) {
        self.sum_u[0] += self.block_u[0];
        self.sum_u[1] += self.block_u[1];
        self.block_u = [0.0; 2];
    }
}

/// Mean, standard deviation and quantiles of a distribution given as counts of the
/// ascending values `value(k)`; `null` without any count. Quantile `p` is the value at
/// sorted position `round(p·(n − 1))`.
fn stats(counts: &[u64], value: impl Fn(usize) -> f64) -> Value {
    let Some(c) = Counted::new(counts, value) else {
        return Value::Null;
    };
    json!({
        "mean": c.mean(), "sd": c.sd(), "min": c.at(0),
        "p05": c.quantile(0.05), "p50": c.quantile(0.5), "p95": c.quantile(0.95), "max": c.at(c.n() - 1),
    })
}

/// Trials per block of the utility sums: each block's deals are summed in trial order
/// and the block sums added in block order, whatever the chunk size (the grouping of the
/// former fixed 4096-trial chunks, so summaries are unchanged).
const BLOCK: u64 = 4096;
/// Chunks run in parallel before their tallies are merged.
const WAVE: u64 = 64;

/// Trials per chunk (the unit of parallel work and of ordered merging): the largest power
/// of two up to [`BLOCK`] that still gives a wave of [`WAVE`] chunks, so that a run of
/// few trials uses every thread. It depends only on `trials`, never on the thread count,
/// and divides [`BLOCK`], so block ends fall on chunk ends.
fn chunk_size(trials: u64) -> u64 {
    let per = (trials / WAVE).max(1);
    (1u64 << per.ilog2()).min(BLOCK)
}

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
    Ok(tallies(s, trials, seed, cancel)?.map(|t| summary_json(s, trials, seed, &t)))
}

/// Every trial's deal tallied per model (in `s.run.models` order); `None` when `cancel`
/// was set. The one trial loop behind [`summarize`] and `bargain backtest`.
pub(crate) fn tallies(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Option<Vec<Tally>>, PreferencesError> {
    let never = AtomicBool::new(false);
    let driven = run_trials(s, trials, seed, cancel.unwrap_or(&never), &|_| {});
    match driven {
        Ok(totals) => Ok(Some(totals)),
        Err(Stop::Cancelled) => Ok(None),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The trial loop behind [`tallies`]: `cancel` is checked before every trial (and inside
/// the preparation of each trial's outcome space), `progress` receives each trial done.
fn run_trials(
    s: &PackageScenario,
    trials: u64,
    seed: u64,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Tally>, Stop> {
    let space = s.space();
    let models = &s.run.models;
    let shared = if s.input_names().is_empty() {
        Some(Prepared::cancellable(space, &s.central(), cancel)?)
    } else {
        None
    };
    let run_chunk =
        |cache: &mut PowerCache, (first, end): (u64, u64)| -> Result<(u64, Vec<Tally>), Stop> {
            let mut tallies = vec![Tally::new(space); models.len()];
            for trial in first..end {
                check(cancel)?;
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
                        own = Prepared::cancellable(space, &t, cancel)?;
                        &own
                    }
                };
                for (tally, m) in tallies.iter_mut().zip(models) {
                    tally.add(space, deal(*m, &t, p, cache), p);
                }
                progress(1);
            }
            Ok((end, tallies))
        };
    let waves = Waves {
        range: (0, trials),
        chunk: chunk_size(trials),
        wave: WAVE,
        cancel,
        progress: &|_| {},
    };
    let mut totals = vec![Tally::new(space); models.len()];
    // The engine's one wave driver: fixed chunks, merged in chunk order.
    waves.drive(
        PowerCache::new,
        |cache, bounds| run_chunk(cache, bounds),
        |chunk| {
            let (end, chunk) = chunk?;
            for (total, t) in totals.iter_mut().zip(&chunk) {
                total.merge(t);
                if end.is_multiple_of(BLOCK) || end == trials {
                    total.close_block();
                }
            }
            Ok::<(), Stop>(())
        },
    )?;
    Ok(totals)
}

/// `summary.json` of the tallies.
fn summary_json(s: &PackageScenario, trials: u64, seed: u64, totals: &[Tally]) -> Value {
    let space = s.space();
    let models = &s.run.models;
    let mut by_model = Map::new();
    for (m, tally) in models.iter().zip(totals) {
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
    json!({
        "scenario": s.name,
        "kind": "package",
        "trials": trials,
        "seed": seed,
        "outcomes": space.len(),
        "issues": space.issues().iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
        "parties": s.party_keys,
        "models": by_model,
    })
}

/// The heat map's issues: the first `number` issue keyed `amount` across and the first
/// `integer` issue up, else the first two issues; `None` with one issue.
fn heat_pair(space: &OutcomeSpace) -> Option<(usize, usize)> {
    let issues = space.issues();
    let amount = issues
        .iter()
        .position(|i| i.key == "amount" && matches!(i.kind, IssueKind::Number { .. }));
    let integer = issues
        .iter()
        .position(|i| matches!(i.kind, IssueKind::Integer { .. }));
    match (amount, integer) {
        (Some(a), Some(b)) => Some((a, b)),
        _ if issues.len() >= 2 => Some((0, 1)),
        _ => None,
    }
}

/// Most cells along one side of the heat map: numeric issues with more values are binned.
const HEAT_CELLS: usize = 24;

/// A value of issue `j` as a short label (numbers without float noise).
fn value_label(space: &OutcomeSpace, j: usize, k: usize) -> String {
    let issue = &space.issues()[j];
    match issue.kind {
        IssueKind::Number { .. } => {
            let x = issue.numeric(k).unwrap_or(f64::NAN);
            format!("{}", (x * 1e6).round() / 1e6)
        }
        _ => issue.value(k).to_string(),
    }
}

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
                value_label(space, j, lo)
            } else {
                format!(
                    "{}–{}",
                    value_label(space, j, lo),
                    value_label(space, j, hi)
                )
            }
        })
        .collect();
    (per, labels)
}

fn heat_map(s: &PackageScenario, totals: &[Tally]) -> Option<HeatMap> {
    let space = s.space();
    let (x, y) = heat_pair(space)?;
    let ((px, xl), (py, yl)) = (heat_bins(space, x), heat_bins(space, y));
    let ny = space.size(y);
    let counts = s
        .run
        .models
        .iter()
        .zip(totals)
        .map(|(m, t)| {
            let mut cells = vec![0u64; xl.len() * yl.len()];
            if let Some((_, _, joint)) = &t.joint {
                for (i, &c) in joint.iter().enumerate() {
                    let (vx, vy) = (i / ny, i % ny);
                    cells[(vx / px) * yl.len() + vy / py] += c;
                }
            }
            (m.as_str().to_string(), cells)
        })
        .collect();
    Some(HeatMap {
        x_key: space.issues()[x].key.clone(),
        y_key: space.issues()[y].key.clone(),
        x_labels: xl,
        y_labels: yl,
        counts,
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
) -> Result<UtilityView, Stop> {
    let space = s.space();
    let (t, _) = s.draw_trial(
        SampleCtx {
            trial: 0,
            trials,
            seed,
        },
        &mut [],
    );
    let p = Prepared::cancellable(space, &t, cancel)?;
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
            let d = deal(m, &t, &p, &mut PowerCache::new())
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
        reservation: (
            t.parties[0].preferences.reservation,
            t.parties[1].preferences.reservation,
        ),
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
) -> Result<PackageDance, Stop> {
    let space = s.space();
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
        let p = Prepared::cancellable(space, &t, cancel)?;
        offers.clear();
        let deal = agents(&t, &p, &mut PowerCache::new(), Some(&mut offers));
        let u = |o: u32| (p.ua[o as usize], p.ub[o as usize]);
        traces.push(DanceTrace {
            trial,
            offers: offers.iter().map(|o| (o.by, u(o.outcome))).collect(),
            deal: deal.map(|d| (u(d.outcome), d.step + 1)),
            reservation: (
                t.parties[0].preferences.reservation,
                t.parties[1].preferences.reservation,
            ),
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
fn issue_axes(space: &OutcomeSpace) -> Vec<IssueAxis> {
    space
        .issues()
        .iter()
        .map(|i| IssueAxis {
            key: i.key.clone(),
            labels: match &i.kind {
                IssueKind::Choice { labels } => Some(labels.clone()),
                _ => None,
            },
            range: i.range().unwrap_or((0.0, 1.0)),
        })
        .collect()
}

/// Run `job` on a thread of its own and wait for it, checking `cancel` every 50 ms: once
/// it is set, return [`Stop::Cancelled`] at once, leaving the job to stop at its own next
/// check. A single pass of the core over a large outcome space (a sort of 10^7 outcomes)
/// cannot be interrupted and takes seconds on a busy machine; the job only computes in
/// memory (nothing it does needs undoing), and the process exits without waiting for it.
///
/// # Errors
/// The job's; [`Error::Other`] when its thread cannot start or it panics.
fn detached<T: Send + 'static>(
    cancel: &AtomicBool,
    job: impl FnOnce() -> Result<T, Stop> + Send + 'static,
) -> Result<Result<T, Stop>, Error> {
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
                    return Ok(Err(Stop::Cancelled));
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
    if args.trials_csv || args.trials_parquet || args.shard.is_some() {
        return Err(Error::Usage(
            "--trials-csv, --trials-parquet and --shard do not apply to package scenarios yet"
                .into(),
        ));
    }
    let s = Arc::new(PackageScenario::from_path(path)?);
    let o = &args.opts;
    let overrides = o.overrides()?;
    let trials = overrides.trials.unwrap_or(s.run.trials);
    let seed = overrides.seed.unwrap_or(s.run.seed);
    let pool = pool(o.threads)?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&s.name));
    let staging = Staging::new(&dest, Kind::Run)?;
    let stopped = |e: Stop| match e {
        Stop::Cancelled => Error::Interrupted("during the trials".into()),
        Stop::Failed(e) => Error::Other(format!(
            "{}: a sampled trial's preferences were rejected: {e}",
            path.display()
        )),
    };
    // The one-issue runs' progress bar (stderr, terminal only), advanced per trial; then
    // a spinner while trial 0's view and the dance prepare a few more trials.
    let bar = progress_bar(trials, o.quiet);
    let spin_quiet = o.quiet;
    let (totals, view, dance) = detached(cancel, {
        let (s, cancel) = (Arc::clone(&s), Arc::clone(cancel));
        move || {
            let totals = pool.install(|| run_trials(&s, trials, seed, &cancel, &|n| bar.inc(n)));
            bar.finish_and_clear();
            let totals = totals?;
            let spin = spinner(spin_quiet, "preparing the report".into());
            let view = utility_view(&s, trials, seed, &cancel)?;
            let dance = dance(&s, trials, seed, &cancel)?;
            drop(spin);
            Ok((totals, view, dance))
        }
    })?
    .map_err(stopped)?;
    let summary = summary_json(&s, trials, seed, &totals);
    let text = serde_json::to_string_pretty(&summary).map_err(|e| Error::Other(e.to_string()))?;
    let write = |name: &str, bytes: &[u8]| {
        let p = staging.path().join(name);
        std::fs::write(&p, bytes).map_err(|e| Error::Other(format!("{}: {e}", p.display())))
    };
    write("summary.json", format!("{text}\n").as_bytes())?;
    let source =
        std::fs::read(path).map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
    write("scenario.toml", &source)?;
    let report = PackageReport {
        summary: &summary,
        title: &s.title,
        description: &s.description,
        sources: &s.sources,
        party_names: [&s.party_names[0], &s.party_names[1]],
        party_keys: [&s.party_keys[0], &s.party_keys[1]],
        issues: issue_axes(s.space()),
        heat: heat_map(&s, &totals),
        trial: view,
        dance,
    };
    let dir = staging.path();
    write_package_plots(dir, &report)
        .and_then(|()| write_package_html(dir, &report))
        .map_err(|e| Error::Other(format!("{}: writing the report: {e}", dir.display())))?;
    let dest = staging.commit(Some(cancel))?;
    if args.json {
        println!("{text}");
    }
    if !o.quiet {
        eprintln!("wrote {}", dest.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Chunks depend only on the trials: powers of two dividing the block, at least a
    /// wave of them when there are that many trials, whole blocks for large runs.
    #[test]
    fn chunks_give_every_thread_work_and_divide_the_block() {
        for trials in [
            1,
            2,
            63,
            64,
            200,
            4095,
            4096,
            20_000,
            262_144,
            1_000_000_000_000,
        ] {
            let c = chunk_size(trials);
            assert!(c >= 1 && BLOCK.is_multiple_of(c), "{trials}: {c}");
            assert!(trials.div_ceil(c) >= WAVE.min(trials), "{trials}: {c}");
        }
        assert_eq!(chunk_size(1_000_000), BLOCK);
    }

    /// The utility sums are those of the former fixed 4096-trial chunks, bit for bit:
    /// deals summed in trial order within each block of 4096 trials, the block sums added
    /// in block order, whatever the (smaller) chunk size.
    #[test]
    fn utility_sums_keep_the_grouping_of_4096_trial_blocks() {
        let s = sma();
        let (trials, seed) = (4200, 7);
        assert!(chunk_size(trials) < BLOCK);
        let totals = tallies(&s, trials, seed, None).unwrap().unwrap();
        let space = s.space();
        let mut cache = PowerCache::new();
        let models = &s.run.models;
        let mut sums = vec![[0.0f64; 2]; models.len()];
        for start in (0..trials).step_by(BLOCK as usize) {
            let mut blocks = vec![[0.0f64; 2]; models.len()];
            for trial in start..(start + BLOCK).min(trials) {
                let ctx = SampleCtx {
                    trial,
                    trials,
                    seed,
                };
                let (t, _) = s.draw_trial(ctx, &mut []);
                let p = Prepared::new(space, &t).unwrap();
                for (m, block) in models.iter().zip(&mut blocks) {
                    if let Some((o, _)) = deal(*m, &t, &p, &mut cache) {
                        block[0] += p.ua[o as usize];
                        block[1] += p.ub[o as usize];
                    }
                }
            }
            for (sum, block) in sums.iter_mut().zip(&blocks) {
                sum[0] += block[0];
                sum[1] += block[1];
            }
        }
        for ((m, total), sum) in models.iter().zip(&totals).zip(&sums) {
            assert_eq!(
                total.sum_u.map(f64::to_bits),
                sum.map(f64::to_bits),
                "{m:?}"
            );
            assert!(total.pending_u.is_empty() && total.block_u == [0.0; 2]);
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
        let totals = tallies(&s, 600, 7, None).unwrap().unwrap();
        let heat = heat_map(&s, &totals).expect("two issues");
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
        for ((name, cells), t) in heat.counts.iter().zip(&totals) {
            assert!(t.deals > 0, "{name}");
            assert_eq!(cells.iter().sum::<u64>(), t.deals, "{name}");
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
