//! `bargain merge`: partial reports of a sharded run → the report a single run writes.

use std::path::{Path, PathBuf};

use crate::ensemble::{Accumulated, Plan, Shard};
use crate::pipeline::{Finished, Loaded, Partial, RunInfo};
use crate::scenario::{Scenario, ScenarioError};

/// Why partial reports could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The folders do not make up one complete run.
    #[error("{0}")]
    Usage(String),
    /// The scenario copied into a partial report is bad.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Reading a partial report failed.
    #[error("{0}")]
    Io(String),
}

fn read(dir: &Path, file: &str) -> Result<String, MergeError> {
    let p = dir.join(file);
    std::fs::read_to_string(&p).map_err(|e| {
        MergeError::Usage(format!(
            "{}: {e} (is this a partial report of `bargain run --shard`?)",
            p.display()
        ))
    })
}

/// Merge the partial reports in `dirs` (every shard of one run, in any order).
///
/// # Errors
/// If a folder is not a partial report, the partials disagree on the scenario, seed or
/// trials, or a shard is missing or repeated.
pub fn merge(dirs: &[PathBuf]) -> Result<(Loaded, Finished), MergeError> {
    let mut parts: Vec<(Partial, RunInfo, String, PathBuf)> = Vec::new();
    for d in dirs {
        let partial: Partial = serde_json::from_str(&read(d, "partial.json")?)
            .map_err(|e| MergeError::Usage(format!("{}: {e}", d.join("partial.json").display())))?;
        let info: RunInfo = serde_json::from_str(&read(d, "run.json")?)
            .map_err(|e| MergeError::Usage(format!("{}: {e}", d.join("run.json").display())))?;
        let text = read(d, "scenario.toml")?;
        parts.push((partial, info, text, d.clone()));
    }
    parts.sort_by_key(|p| p.0.shard[0]);
    let (first, first_info, text, first_dir) = &parts[0];
    let count = first.shard[1];
    for (i, (p, _, t, d)) in parts.iter().enumerate() {
        if p.shard != [i as u64, count]
            || t != text
            || p.seed != first.seed
            || p.trials != first.trials
        {
            return Err(MergeError::Usage(format!(
                "{}: shard {}/{} does not belong with {} (shards must be 1..={count} of the same scenario, seed and trials, each once)",
                d.display(),
                p.shard[0] + 1,
                p.shard[1],
                first_dir.display()
            )));
        }
    }
    if parts.len() as u64 != count {
        return Err(MergeError::Usage(format!(
            "{} of {count} shards given: every shard is needed",
            parts.len()
        )));
    }
    let scenario = Scenario::parse(text, &first_dir.join("scenario.toml").display().to_string())?;
    let mut total: Accumulated = first.accumulated.clone();
    for (p, ..) in &parts[1..] {
        if p.accumulated.range != total.range {
            return Err(MergeError::Usage(
                "partial reports use different histogram ranges".into(),
            ));
        }
        total.merge(&p.accumulated);
    }
    let plan = Plan {
        trials: first.trials,
        seed: first.seed,
        models: total.models.iter().map(|(m, _)| *m).collect(),
        shard: Shard::WHOLE,
    };
    let summary = crate::pipeline::summarize(&scenario, &plan, &total);
    let elapsed: f64 = parts.iter().map(|p| p.1.elapsed_seconds).sum();
    let info = RunInfo {
        trials_run: plan.trials,
        shard: [0, 1],
        elapsed_seconds: elapsed,
        trials_per_second: if elapsed > 0.0 {
            plan.trials as f64 / elapsed
        } else {
            0.0
        },
        ..first_info.clone()
    };
    let loaded = Loaded {
        scenario,
        origin: first_info.scenario_file.clone(),
        text: text.clone(),
    };
    Ok((
        loaded,
        Finished {
            plan,
            accumulated: total,
            summary,
            info,
        },
    ))
}
