//! Sweeps of package scenarios (`[issues]`): the sweep of [`super::sweep`] (its grid, its
//! loop, its `sweep.json`) over a package file's own keys.
//!
//! A swept path is any key of the file (`parties.us.utility.reservation`,
//! `parties.kr.utility.weights.term`, `parties.us.strategy.preset`, `protocol.max_rounds`,
//! …), set in each variant as `--set PATH=VALUE` sets it; the variant is then checked by
//! the package checker like the file itself, so an unknown key or a value the field
//! cannot take is a located error before anything runs. Values are numbers (`1,2,3` or
//! `from:to:steps`) or words (`boulware,conceder`: a choice field). Every variant runs
//! with the sweep's one seed and trial count, and trial `i` of each draws its inputs from
//! the streams keyed by their field paths: common random numbers, as for one-issue
//! sweeps. Each point reports, per model, the agreement rate and each issue's statistic
//! ([`super::sweep::IssueStat`]).

use std::cell::Cell;
use std::sync::atomic::AtomicBool;

use super::sweep::{self as sw, SweepError, SweepIssue, SweepReport};
use crate::ensemble::kernel::package::Packages;
use crate::ensemble::{self, Hooks, Interrupted, RunError, Shard};
use crate::pipeline::Overrides;
use crate::scenario::issues::PackageScenario;
use crate::scenario::{MAX_SWEEP_VALUES, Override, SweepAxis, parse_sweep_values as parse_values};
use crate::summary::ScenarioInfo;

/// Top-level tables a package sweep may not set: `[run]` (the trials, seed, models and
/// sampler are the sweep's own, the same in every variant) and `[scenario]` (names).
const FIXED: [&str; 2] = ["run", "scenario"];

/// The axis of `--sweep PATH=TEXT` on a package file: numbers (`1.2,1.4`, `from:to:steps`)
/// or words (`boulware,linear`: the values of a choice field, kept as labels with their
/// indices as values). Whether the path is a key of the file is checked when the
/// variants are built.
///
/// # Errors
/// A path under `[run]` or `[scenario]`, an empty word, a word that is not a bare TOML
/// word, too many values.
pub fn axis(path: &str, text: &str) -> Result<SweepAxis, String> {
    let top = path.split('.').next().unwrap_or(path);
    if FIXED.contains(&top) {
        return Err(format!(
            "`[{top}]` is the same in every variant of a sweep (use --trials and --seed for the run)"
        ));
    }
    if let Ok(values) = parse_values(text) {
        return Ok(SweepAxis {
            path: path.to_owned(),
            values,
            labels: Vec::new(),
        });
    }
    let labels: Vec<String> = text.split(',').map(|w| w.trim().to_owned()).collect();
    if let Some(bad) = labels.iter().find(|w| {
        w.is_empty()
            || !w
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) {
        return Err(format!(
            "expected numbers (`a,b,c` or `from:to:steps`) or words (`boulware,conceder`), found `{bad}`"
        ));
    }
    if labels.len() > MAX_SWEEP_VALUES {
        return Err(format!(
            "expected 1 to {MAX_SWEEP_VALUES} values, found {}",
            labels.len()
        ));
    }
    Ok(SweepAxis {
        path: path.to_owned(),
        values: (0..labels.len()).map(|i| i as f64).collect(),
        labels,
    })
}

/// The overrides that make the variant at `at`: each axis's path set to its value (a
/// number, or the label of a word axis).
fn variant_sets(axes: &[SweepAxis], at: &[f64]) -> Vec<Override> {
    axes.iter()
        .zip(at)
        .map(|(a, &x)| {
            let i = a.values.iter().position(|&v| v == x).unwrap_or(0);
            Override {
                path: a.path.clone(),
                value: a.value_text(i),
            }
        })
        .collect()
}

/// Sweep package scenario `s`, read from `text` (`origin` names it in errors): one run of
/// the package kernel per point of the axes' grid, every one with the same seed and
/// trials (the scenario's unless `overrides` says otherwise).
/// `progress(done_variants, total_variants)` is called after each variant.
///
/// # Errors
/// A variant that is not a valid package scenario (all are built before any runs), a
/// sampled trial core rejects, or an interrupted run.
pub fn run(
    s: &PackageScenario,
    text: &str,
    origin: &str,
    axes: &[SweepAxis],
    overrides: &Overrides,
    progress: &(dyn Fn(usize, usize) + Sync),
    cancel: &AtomicBool,
) -> Result<SweepReport, SweepError> {
    let trials = overrides.trials.unwrap_or(s.run.trials);
    let seed = overrides.seed.unwrap_or(s.run.seed);
    let issues: Vec<SweepIssue> = crate::summary::package::info(s)
        .issues
        .into_iter()
        .enumerate()
        .map(|(j, i)| SweepIssue {
            key: i.key,
            kind: i.kind,
            unit: s.issue_units.get(j).cloned().unwrap_or_default(),
            labels: i.values.unwrap_or_default(),
        })
        .collect();
    let build = |at: &[f64]| {
        PackageScenario::parse_with(text, origin, &variant_sets(axes, at)).map(|(v, _)| v)
    };
    let done = Cell::new(0u64);
    let run = |at: &[f64], v: PackageScenario| {
        let acc = Packages::new(&v, trials, seed, cancel)
            .and_then(|k| ensemble::run(&k, Shard::WHOLE, Hooks::silent(cancel)))
            .map_err(|e| match e {
                RunError::Failed(e) => SweepError::Failed {
                    at: sw::describe(axes, at),
                    message: e.to_string(),
                },
                // Without rows nothing is written: an I/O stop cannot occur.
                RunError::Interrupted(_) | RunError::Io(_) => {
                    SweepError::Run(RunError::Interrupted(Interrupted { done: done.get() }))
                }
            })?;
        done.set(done.get() + trials);
        Ok(crate::summary::package::summarize(
            &v, trials, seed, &v.unit, &acc,
        ))
    };
    let points = sw::points(axes, &issues, build, run, progress)?;
    Ok(SweepReport {
        format: sw::FORMAT.into(),
        version: sw::VERSION,
        scenario: ScenarioInfo {
            name: s.name.clone(),
            title: s.title.clone(),
            unit: s.unit.clone(),
        },
        trials,
        seed,
        sampler: s.run.sampler.as_str().into(),
        axes: sw::report_axes(axes),
        models: s.run.models.iter().map(|m| m.as_str().to_owned()).collect(),
        points,
        issues,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn axes_take_numbers_or_words_and_refuse_the_run_table() {
        let a = axis("parties.us.utility.reservation", "0.1:0.3:3").unwrap();
        assert_eq!(a.values.len(), 3);
        assert!(a.labels.is_empty());
        let w = axis("parties.us.strategy.preset", "boulware, conceder").unwrap();
        assert_eq!(w.values, [0.0, 1.0]);
        assert_eq!(w.labels, ["boulware", "conceder"]);
        assert_eq!(
            variant_sets(&[w], &[1.0])[0].value,
            "conceder",
            "a word axis sets its label"
        );
        assert!(axis("run.seed", "1,2").unwrap_err().contains("[run]"));
        assert!(axis("parties.us.name", "a b,c").is_err());
    }
}
