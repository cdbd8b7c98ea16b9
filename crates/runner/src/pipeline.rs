//! One scenario from file to report folder: scenario → trials → outcomes → summary → report.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use bargain_core::Model;
use serde::{Deserialize, Serialize};

use crate::ensemble::{self, Accumulated, Hooks, Plan, RunError, Shard};
use crate::output::Staging;
use crate::report::{DanceTrial, ReportData};
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
            (
                model_key(*m),
                ModelSummary::from_accumulator(a, &acc.range, observed),
            )
        })
        .collect();
    let (start, end) = plan.shard.bounds(plan.trials);
    Summary {
        format: FORMAT.to_string(),
        version: VERSION,
        scenario: ScenarioInfo {
            name: scenario.name.clone(),
            title: scenario.title.clone(),
            unit: scenario.unit.clone(),
        },
        trials: end - start,
        seed: plan.seed,
        sampler: sampler_name(&scenario.run.sampler).to_string(),
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

/// A partial report's machine-readable state, from which `bargain merge` rebuilds the
/// exact report a single run would write.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    /// Always `bargain-partial`.
    pub format: String,
    /// Trials of the whole run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// `[index, count]` of the shard.
    pub shard: [u64; 2],
    /// The accumulated outcomes of this shard.
    pub accumulated: Accumulated,
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
        scenario,
        &plan,
        range,
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
    let closed: Vec<Model> = if listed.is_empty() {
        Model::ALL
            .into_iter()
            .filter(|m| m.is_closed_form())
            .collect()
    } else {
        listed
    };
    let mut rng = ensemble::trial_rng(finished.plan.seed, u64::MAX);
    let closed_forms = closed
        .into_iter()
        .map(|m| {
            let o = central.outcome(m, &mut rng, None);
            (m, o.is_deal().then_some(o.amount).flatten())
        })
        .collect();
    let dance = if finished.plan.models.contains(&Model::Agents) {
        (0..DANCE_TRIALS.min(finished.plan.trials))
            .map(|t| {
                let r = ensemble::replay(scenario, &finished.plan, t, Model::Agents);
                DanceTrial {
                    trial: t,
                    offers: r.trace.offers,
                    outcome: r.outcome,
                    payee_reservation: r.negotiation.payee.reservation,
                    payer_reservation: r.negotiation.payer.reservation,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    ReportData {
        summary: &finished.summary,
        description: &scenario.description,
        sources: &scenario.sources,
        observed: scenario.observed.as_ref().map(|o| (o.amount, o.round)),
        closed_forms,
        zone: (central.payee.reservation, central.payer.reservation),
        dance,
        warnings: finished.info.warnings.clone(),
    }
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

/// Write every file of a report folder into `dir` (a staging folder).
///
/// # Errors
/// Any I/O error.
pub fn write_report_files(dir: &Path, loaded: &Loaded, finished: &Finished) -> std::io::Result<()> {
    std::fs::write(dir.join("summary.json"), to_json(&finished.summary)?)?;
    std::fs::write(
        dir.join("summary.csv"),
        crate::csv_out::summary_csv(&finished.summary),
    )?;
    std::fs::write(dir.join("run.json"), to_json(&finished.info)?)?;
    std::fs::write(dir.join("scenario.toml"), &loaded.text)?;
    if finished.plan.shard.count > 1 {
        let partial = Partial {
            format: "bargain-partial".into(),
            trials: finished.plan.trials,
            seed: finished.plan.seed,
            shard: [finished.plan.shard.index, finished.plan.shard.count],
            accumulated: finished.accumulated.clone(),
        };
        std::fs::write(dir.join("partial.json"), to_json(&partial)?)?;
    }
    let data = report_data(loaded, finished);
    crate::report::write_plots(dir, &data)?;
    crate::report::write_html(dir, &data)?;
    Ok(())
}

/// Write a finished run into `staging` and move it into place atomically. Files already
/// in the staging folder (such as a streamed `trials.csv`) become part of the report.
///
/// # Errors
/// Any I/O error; nothing is left at `dest` on failure (an earlier report stays).
pub fn write_report(
    staging: Staging,
    loaded: &Loaded,
    finished: &Finished,
) -> std::io::Result<PathBuf> {
    write_report_files(staging.path(), loaded, finished)?;
    let dest = staging.dest().to_path_buf();
    staging.commit()?;
    Ok(dest)
}
