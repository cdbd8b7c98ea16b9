//! One scenario from file to finished run: scenario → trials → outcomes → summary, and
//! what its report shows (`report_data`); `report::folder` writes the report folder.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use bargain_core::{Model, Outcome, TracedOffer};
use serde::{Deserialize, Serialize};

use crate::ensemble::kernel::OneIssue;
use crate::ensemble::{self, Accumulated, Hooks, Plan, RunError, Shard};
use crate::scenario::{Sampler, Scenario};
use crate::summary::{FORMAT, ModelSummary, ScenarioInfo, Summary, VERSION, model_key};

/// Trials of the `agents` model shown in the negotiation-dance plot.
pub const DANCE_TRIALS: u64 = 4;

/// A scenario ready to run, with the text it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed scenario.
    pub scenario: Scenario,
    /// Where it came from (`(built-in)` for the embedded SMA 2019 scenario).
    pub origin: String,
    /// Its TOML text, copied into the report as `scenario.toml`.
    pub text: String,
}

/// Overrides of the scenario's `[run]` table from the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--trials`.
    pub trials: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
}

/// The plan of a scenario's run under the overrides.
#[must_use]
pub fn plan(scenario: &Scenario, overrides: &Overrides, shard: Shard) -> Plan {
    Plan {
        trials: overrides.trials.unwrap_or(scenario.run.trials),
        seed: overrides.seed.unwrap_or(scenario.run.seed),
        models: scenario.run.models.clone(),
        shard,
    }
}

/// The name of a sampler in files.
#[must_use]
pub fn sampler_name(s: &Sampler) -> &'static str {
    match s {
        Sampler::MonteCarlo => "monte-carlo",
        Sampler::LatinHypercube => "latin-hypercube",
    }
}

/// Build the summary of accumulated outcomes.
#[must_use]
pub fn summarize(scenario: &Scenario, plan: &Plan, acc: &Accumulated) -> Summary {
    let observed = scenario.observed.as_ref().map(|o| o.amount);
    let models = acc
        .models
        .iter()
        .map(|(m, a)| {
            let mut s = ModelSummary::from_accumulator(a, &acc.range, observed);
            s.timing = scenario.calendar.as_ref().map(|dates| {
                let date = scenario.observed.as_ref().and_then(|o| o.date);
                let mut t = crate::timing::summarize(a, dates, date);
                t.events = crate::timing::TimingEvent::of(scenario);
                t
            });
            if scenario.on_veto() == bargain_core::events::OnVeto::Resume {
                s.vetoes = Some(crate::summary::VetoSummary::of(a));
            }
            (model_key(*m), s)
        })
        .collect();
    let (start, end) = plan.shard.bounds(plan.trials);
    Summary {
        format: FORMAT.to_string(),
        version: VERSION,
        kind: crate::summary::ONE_ISSUE.to_string(),
        scenario: ScenarioInfo {
            name: scenario.name.clone(),
            title: scenario.title.clone(),
            unit: scenario.unit.clone(),
        },
        trials: end - start,
        seed: plan.seed,
        sampler: sampler_name(&scenario.run.sampler).to_string(),
        package: None,
        models,
    }
}

/// `run.json`: facts about the run that are not deterministic (time, machine).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    /// Always `bargain-run`.
    pub format: String,
    /// Version of bargain that ran.
    pub bargain_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file (or `(built-in)`).
    pub scenario_file: String,
    /// Trials of the whole run.
    pub trials: u64,
    /// Trials this process ran (differs under `--shard`).
    pub trials_run: u64,
    /// Seed.
    pub seed: u64,
    /// `[index, count]` of the shard (0-based index).
    pub shard: [u64; 2],
    /// Worker threads.
    pub threads: usize,
    /// Start time, seconds since the Unix epoch.
    pub started_unix: u64,
    /// Wall-clock seconds of the ensemble.
    pub elapsed_seconds: f64,
    /// Trials per second (all models of a trial count as one trial).
    pub trials_per_second: f64,
    /// Semantic warnings about the scenario.
    pub warnings: Vec<String>,
}

/// The `format` of `partial.json`.
pub const PARTIAL_FORMAT: &str = "bargain-partial";
/// The `version` of `partial.json` this build writes and reads.
pub const PARTIAL_VERSION: u32 = 1;

/// A partial report's machine-readable state, from which `bargain merge` rebuilds the
/// exact report a single run would write.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    /// Always `bargain-partial` ([`PARTIAL_FORMAT`]).
    pub format: String,
    /// [`PARTIAL_VERSION`]; `merge` refuses other versions.
    pub version: u32,
    /// Trials of the whole run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// `[index, count]` of the shard.
    pub shard: [u64; 2],
    /// The accumulated outcomes of this shard.
    pub accumulated: Accumulated,
}

/// `partial.json` of one shard of a package run (`"kind": "package"`): the shard's
/// accumulators, which `bargain merge` adds exactly into the whole run's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackagePartial {
    /// Always `bargain-partial` ([`PARTIAL_FORMAT`]).
    pub format: String,
    /// [`PARTIAL_VERSION`].
    pub version: u32,
    /// Always `package`.
    pub kind: String,
    /// Trials of the whole run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// `[index, count]` of the shard.
    pub shard: [u64; 2],
    /// The amount issue's histogram range (the same for every shard).
    pub range: crate::accumulate::AmountRange,
    /// Each model's accumulator (with its issue tally), by model name, in `[run]` order.
    pub models: Vec<(String, crate::accumulate::ModelAccumulator)>,
}

impl PackagePartial {
    /// The partial report of `shard` of a run of `trials` trials.
    #[must_use]
    pub fn new(
        trials: u64,
        seed: u64,
        shard: Shard,
        acc: &crate::ensemble::package::PackageAccumulated,
    ) -> Self {
        Self {
            format: PARTIAL_FORMAT.into(),
            version: PARTIAL_VERSION,
            kind: crate::summary::PACKAGE.into(),
            trials,
            seed,
            shard: [shard.index, shard.count],
            range: acc.range,
            models: acc
                .models
                .iter()
                .map(|(m, a)| (m.as_str().to_string(), a.clone()))
                .collect(),
        }
    }
}

/// A finished run of one scenario (or shard), in memory.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The plan that ran.
    pub plan: Plan,
    /// The accumulated outcomes.
    pub accumulated: Accumulated,
    /// The summary.
    pub summary: Summary,
    /// Facts about the run.
    pub info: RunInfo,
}

/// Run the ensemble of one scenario.
///
/// # Errors
/// If interrupted or writing rows fails.
pub fn execute<'a>(
    loaded: &Loaded,
    plan: Plan,
    progress: &'a (dyn Fn(u64) + Sync),
    cancel: &'a AtomicBool,
    rows: Option<&'a mut dyn std::io::Write>,
) -> Result<Finished, RunError> {
    let scenario = &loaded.scenario;
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let clock = Instant::now();
    let range = ensemble::amount_range(scenario, &plan);
    let accumulated = ensemble::run(
        &OneIssue::new(scenario, &plan, range),
        plan.shard,
        Hooks {
            progress,
            cancel,
            rows,
        },
    )?;
    let elapsed = clock.elapsed().as_secs_f64();
    let summary = summarize(scenario, &plan, &accumulated);
    let (start, end) = plan.shard.bounds(plan.trials);
    let info = RunInfo {
        format: "bargain-run".into(),
        bargain_version: env!("CARGO_PKG_VERSION").into(),
        scenario: scenario.name.clone(),
        scenario_file: loaded.origin.clone(),
        trials: plan.trials,
        trials_run: end - start,
        seed: plan.seed,
        shard: [plan.shard.index, plan.shard.count],
        threads: rayon::current_num_threads(),
        started_unix: started,
        elapsed_seconds: elapsed,
        trials_per_second: if elapsed > 0.0 {
            (end - start) as f64 / elapsed
        } else {
            0.0
        },
        warnings: scenario.warnings(),
    };
    Ok(Finished {
        plan,
        accumulated,
        summary,
        info,
    })
}

/// Everything a scenario report shows.
#[derive(Debug, Clone)]
pub struct ReportData<'a> {
    /// The run's summary (the same content as `summary.json`).
    pub summary: &'a Summary,
    /// Longer description of the scenario.
    pub description: &'a str,
    /// Sources cited by the scenario.
    pub sources: &'a [String],
    /// The observed real outcome, if the scenario has one: (amount, round).
    pub observed: Option<(f64, Option<u32>)>,
    /// Each closed-form model's prediction at the scenario's central values
    /// (`None`: no agreement under that model).
    pub closed_forms: Vec<(Model, Option<f64>)>,
    /// The zone of agreement `[payee's floor, payer's ceiling]` at the central values,
    /// after outside options and ratification limits (`why::zone`).
    pub zone: (f64, f64),
    /// A few sample trials of the `agents` model, offer by offer (the negotiation dance).
    pub dance: Vec<DanceTrial>,
    /// Semantic warnings about the scenario.
    pub warnings: Vec<String>,
    /// The agents' outcomes by negotiator-type pair (when the pair varies).
    pub pairs: Option<crate::pairs::PairTable>,
    /// How the amounts histogram is scaled.
    pub histogram_scale: HistogramScale,
    /// The scenario's inputs in words (see [`crate::assumptions::assumptions`]); empty:
    /// no table.
    pub assumptions: Vec<crate::assumptions::Assumption>,
}

/// How the bars of the amounts histogram are scaled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HistogramScale {
    /// Each bar is a share of all the model's trials: a model with few deals draws a
    /// small histogram beside a model with many (the default: heights compare across
    /// models).
    #[default]
    AllTrials,
    /// Each model's bars sum to 100% of its own deals: shapes compare, rates do not.
    OwnDeals,
}

/// One sampled negotiation, offer by offer.
#[derive(Debug, Clone)]
pub struct DanceTrial {
    /// The trial index.
    pub trial: u64,
    /// Every offer made.
    pub offers: Vec<TracedOffer>,
    /// The 1-based round in which each offer was answered
    /// ([`crate::replay_json::answer_rounds`]): the plot's x positions, as `replay` lists
    /// them.
    pub rounds: Vec<u32>,
    /// How it ended.
    pub outcome: Outcome,
    /// The payee's sampled effective reservation (the better of its reservation and
    /// outside option) at the start.
    pub payee_reservation: f64,
    /// The payer's sampled effective reservation at the start.
    pub payer_reservation: f64,
    /// The effective reservations `(payee, payer)` in each 1-based round `1..=last`
    /// (index `k − 1`): with a calendar they move with the lapse after the expiry, as the
    /// negotiators' own do; without one they stay at the start values.
    pub reservations: Vec<(f64, f64)>,
    /// The trial's events (`[[events]]`) that took effect before its talks ended: the
    /// 1-based round of each, and its note (empty without events).
    pub events: Vec<(u32, String)>,
}

/// The effective reservations `(payee, payer)` of `n` in rounds `1..=last`.
fn reservations_by_round(n: &bargain_core::Negotiation, last: u32) -> Vec<(f64, f64)> {
    (0..last.max(1))
        .map(|r| match &n.calendar {
            Some(cal) => (cal.reservation(&n.payee, r), cal.reservation(&n.payer, r)),
            None => (
                n.payee.effective_reservation(),
                n.payer.effective_reservation(),
            ),
        })
        .collect()
}

/// The report content that needs the scenario: closed-form points, zone, dance trials.
#[must_use]
pub fn report_data<'a>(loaded: &'a Loaded, finished: &'a Finished) -> ReportData<'a> {
    let scenario = &loaded.scenario;
    let central = scenario.central();
    let listed: Vec<Model> = finished
        .plan
        .models
        .iter()
        .copied()
        .filter(|m| m.is_closed_form())
        .collect();
    // Markers only for the closed forms that ran.
    let closed = listed;
    let mut rng = ensemble::trial_rng(finished.plan.seed, u64::MAX);
    let closed_forms = closed
        .into_iter()
        .map(|m| {
            let o = central.outcome(m, &mut rng, None);
            (m, o.is_deal().then_some(o.amount).flatten())
        })
        .collect();
    let dance = if finished.plan.models.contains(&Model::Agents) {
        dance_trials(scenario, finished)
    } else {
        Vec::new()
    };
    ReportData {
        summary: &finished.summary,
        description: &scenario.description,
        sources: &scenario.sources,
        observed: scenario.observed.as_ref().map(|o| (o.amount, o.round)),
        closed_forms,
        zone: {
            // After outside options and ratification limits (see `why::zone`).
            let z = crate::why::zone(&central);
            (z.floor.amount, z.ceiling.amount)
        },
        dance,
        warnings: finished.info.warnings.clone(),
        pairs: crate::pairs::by_strategy_pair(scenario, &finished.plan, crate::pairs::PAIR_TRIALS),
        histogram_scale: HistogramScale::default(),
        assumptions: crate::assumptions::assumptions(scenario, &loaded.text),
    }
}

/// Most trials replayed to find one of each outcome kind for the dance plot.
const DANCE_SEARCH: u64 = 5000;

/// The dance plot's trials: the first trial of each outcome kind the agents reached
/// (deal first, in [`OutcomeKind::ALL`] order), searched among the first
/// [`DANCE_SEARCH`] trials; trials `0..DANCE_TRIALS` fill up when fewer kinds occur.
fn dance_trials(scenario: &Scenario, finished: &Finished) -> Vec<DanceTrial> {
    use bargain_core::OutcomeKind;
    let occurred: Vec<OutcomeKind> = finished
        .summary
        .models
        .get("agents")
        .map(|m| {
            OutcomeKind::ALL
                .into_iter()
                .filter(|k| m.outcomes.get(k.as_str()).copied().unwrap_or(0) > 0)
                .collect()
        })
        .unwrap_or_default();
    let replay = |t: u64| {
        let r = ensemble::replay(scenario, &finished.plan, t, Model::Agents);
        let rounds = crate::replay_json::answer_rounds(&r.trace.offers, &r.outcome);
        let last = rounds
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(r.outcome.round);
        let reservations = if r.timeline.is_empty() {
            reservations_by_round(&r.negotiation, last)
        } else {
            (0..last.max(1))
                .map(|k| bargain_core::events::reservations_at(&r.negotiation, &r.timeline, k))
                .collect()
        };
        let events = r
            .timeline
            .events()
            .iter()
            .filter(|e| e.round < last)
            .map(|e| {
                let note = scenario
                    .events()
                    .get(usize::from(e.index))
                    .map(|i| i.note.clone())
                    .unwrap_or_default();
                (e.round + 1, note)
            })
            .collect();
        DanceTrial {
            events,
            trial: t,
            rounds,
            offers: r.trace.offers,
            outcome: r.outcome,
            payee_reservation: r.negotiation.payee.effective_reservation(),
            payer_reservation: r.negotiation.payer.effective_reservation(),
            reservations,
        }
    };
    let mut found: Vec<Option<DanceTrial>> = vec![None; OutcomeKind::ALL.len()];
    for t in 0..DANCE_SEARCH.min(finished.plan.trials) {
        if occurred.iter().all(|k| found[k.index()].is_some()) {
            break;
        }
        let d = replay(t);
        let slot = &mut found[d.outcome.kind.index()];
        if slot.is_none() {
            *slot = Some(d);
        }
    }
    let mut out: Vec<DanceTrial> = found.into_iter().flatten().collect();
    let mut t = 0;
    while (out.len() as u64) < DANCE_TRIALS.min(finished.plan.trials) && t < finished.plan.trials {
        if !out.iter().any(|d| d.trial == t) {
            out.push(replay(t));
        }
        t += 1;
    }
    out
}

/// Serialize to pretty JSON with a trailing newline.
///
/// # Errors
/// If serialization fails.
pub fn to_json<T: Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}
