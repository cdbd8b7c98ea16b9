//! `bargain merge`: partial reports of a sharded run → the report a single run writes.
//! Package runs merge in [`package`].

pub mod package;

pub use package::{MergedPackage, is_package_partial, merge_package};

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

/// The files of one partial report, as text.
#[derive(Debug, Clone)]
pub struct PartText {
    /// The folder (named in errors).
    pub dir: PathBuf,
    /// `partial.json`.
    pub partial: String,
    /// `run.json`.
    pub run: String,
    /// `scenario.toml`.
    pub scenario: String,
}

fn read(dir: &Path, file: &str) -> Result<String, MergeError> {
    let p = dir.join(file);
    crate::input::read_text(&p, crate::input::MAX_REPORT_BYTES).map_err(|e| {
        let hint = " (is this a partial report of `bargain run --shard`?)";
        if e.bad_input {
            MergeError::Usage(format!("{e}{hint}"))
        } else {
            MergeError::Io(e.to_string())
        }
    })
}

/// Merge the partial reports in `dirs` (every shard of one run, in any order).
///
/// # Errors
/// If a folder is not a partial report, a file fails a check (format, version, or any
/// invariant of its counts: the message names the file and the field), the partials
/// disagree on the scenario, seed or trials, or a shard is missing or repeated.
pub fn merge(dirs: &[PathBuf]) -> Result<(Loaded, Finished), MergeError> {
    let mut parts = Vec::new();
    for d in dirs {
        parts.push(PartText {
            dir: d.clone(),
            partial: read(d, "partial.json")?,
            run: read(d, "run.json")?,
            scenario: read(d, "scenario.toml")?,
        });
    }
    merge_texts(&parts)
}

/// Merge partial reports given as text (what [`merge`] reads; the fuzz target's entry).
///
/// # Errors
/// As [`merge`].
pub fn merge_texts(texts: &[PartText]) -> Result<(Loaded, Finished), MergeError> {
    if texts.is_empty() {
        return Err(MergeError::Usage("no partial reports given".into()));
    }
    let mut parts: Vec<(Partial, RunInfo, &str, &Path)> = Vec::new();
    for t in texts {
        let file = t.dir.join("partial.json");
        let bad = |m: String| MergeError::Usage(format!("{}: {m}", file.display()));
        crate::summary::check_format(
            &t.partial,
            crate::pipeline::PARTIAL_FORMAT,
            crate::pipeline::PARTIAL_VERSION,
        )
        .map_err(bad)?;
        let partial: Partial = serde_json::from_str(&t.partial).map_err(|e| bad(e.to_string()))?;
        crate::merge_check::check_header(&partial).map_err(|v| bad(v.to_string()))?;
        let info: RunInfo = serde_json::from_str(&t.run)
            .map_err(|e| MergeError::Usage(format!("{}: {e}", t.dir.join("run.json").display())))?;
        parts.push((partial, info, &t.scenario, &t.dir));
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
    let models = scenario.run.models.clone();
    let last_day = last_deal_day(&scenario);
    let mut total: Option<Accumulated> = None;
    for (p, _, _, d) in &parts {
        let file = d.join("partial.json");
        let bad = |v: crate::merge_check::Violation| {
            MergeError::Usage(format!("{}: {v}", file.display()))
        };
        let acc = crate::merge_check::check_partial(p, &models).map_err(bad)?;
        crate::merge_check::check_deal_days(&acc, last_day).map_err(bad)?;
        match &mut total {
            None => total = Some(acc),
            Some(t) => {
                if acc.range != t.range {
                    return Err(MergeError::Usage(format!(
                        "{}: accumulated.range: differs from the first shard's histogram range",
                        file.display()
                    )));
                }
                crate::merge_check::checked_merge(t, &acc).map_err(bad)?;
            }
        }
    }
    let Some(total) = total else {
        return Err(MergeError::Usage("no partial reports given".into()));
    };
    let plan = Plan {
        trials: first.trials,
        seed: first.seed,
        models,
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
        text: (*text).to_owned(),
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

/// The last day (from the first round) on which `scenario` can strike a deal, or `None`
/// without a calendar: its end, or without one the day of its last round with every
/// input at the top of its range (the latest rounds, the longest time between them), with
/// a margin for rounding.
fn last_deal_day(scenario: &Scenario) -> Option<u64> {
    let dates = scenario.calendar?;
    if let Some(end) = dates.end {
        return Some(u64::try_from(end - dates.start).unwrap_or(0));
    }
    let n = scenario.input_count();
    let mut inputs = vec![0.0; n];
    let top = scenario.at_quantiles(&vec![1.0; n], &mut inputs);
    let Some(mut cal) = top.calendar else {
        return Some(u64::from(u32::MAX));
    };
    cal.round_months *= 1.0 + 1e-6;
    let rounds = cal.total_rounds(top.protocol.max_rounds);
    Some(u64::from(cal.day(rounds.saturating_sub(1))).saturating_add(1))
}

/// The scenario of the `partial_merge` fuzz target and its corpus replay test.
const FUZZ_SCENARIO: &str = include_str!("../../../fuzz/partial_merge/scenario.toml");
/// The `run.json` of the `partial_merge` fuzz target.
const FUZZ_RUN: &str = include_str!("../../../fuzz/partial_merge/run.json");

/// The check of the `partial_merge` fuzz target (and of the test that replays its corpus):
/// `data` holds `partial.json` texts separated by lines `--`, merged as the shards of a
/// fixed scenario. Rejections must name the file; an accepted merge must give a summary
/// that agrees with itself.
///
/// Returns whether the input merged.
///
/// # Errors
/// A description of the broken promise (the fuzz target panics with it).
pub fn check_merge_input(data: &[u8]) -> Result<bool, String> {
    let text = String::from_utf8_lossy(data);
    let parts: Vec<PartText> = text
        .split("\n--\n")
        .take(8)
        .enumerate()
        .map(|(i, p)| PartText {
            dir: PathBuf::from(format!("shard{i}")),
            partial: p.to_owned(),
            run: FUZZ_RUN.to_owned(),
            scenario: FUZZ_SCENARIO.to_owned(),
        })
        .collect();
    let (_, finished) = match merge_texts(&parts) {
        Ok(m) => m,
        Err(e) => {
            let msg = e.to_string();
            // Every folder is named `shardI`; a rejection names its folder or file.
            return if msg.contains("shard") {
                Ok(false)
            } else {
                Err(format!("a rejection that names no file: {msg}"))
            };
        }
    };
    for (name, m) in &finished.summary.models {
        let total: u64 = m.outcomes.values().sum();
        if total != m.trials || m.trials != finished.plan.trials {
            return Err(format!(
                "{name}: outcomes sum to {total} of {} trials",
                m.trials
            ));
        }
        if !(0.0..=1.0).contains(&m.agreement_rate) {
            return Err(format!("{name}: agreement rate {}", m.agreement_rate));
        }
        if let Some(a) = &m.amount {
            let slack = (a.max - a.min).abs() * 1e-9 + 1e-12;
            if !(a.min <= a.max && a.mean >= a.min - slack && a.mean <= a.max + slack) {
                return Err(format!(
                    "{name}: min {} mean {} max {}",
                    a.min, a.mean, a.max
                ));
            }
            let q: Vec<f64> = a.quantiles.values().copied().collect();
            if q.iter().any(|x| !x.is_finite()) {
                return Err(format!("{name}: a non-finite quantile {q:?}"));
            }
        }
    }
    Ok(true)
}
