//! Sensitivity of package scenarios (`[issues]`): the rank correlations of
//! [`super::sensitivity`] between the sampled inputs and each model's outcome, with the
//! package's outputs: the deal indicator (over all trials), the amount issue (the report's
//! `amount`) and every other number or integer issue (the report's `issues`), each over
//! the trials that end in a deal.
//!
//! The rank sample is trials `0..samples` exactly as `bargain run` draws them (each input
//! from the stream of its field path), run through the engine's package kernel
//! ([`crate::ensemble::package::deal`]). Sobol indices need a design over the inputs'
//! quantiles that package scenarios do not offer: `--sobol` is refused for them.

use std::sync::atomic::AtomicBool;

use bargain_core::package::aspiration::PowerCache;
use bargain_core::package::space::IssueKind;

use super::sensitivity::{
    FORMAT, MAX_SAMPLES, ModelSensitivity, SensitivityReport, VERSION, among_finite, blocks,
    rank_effects,
};
use crate::ensemble::RunError;
use crate::ensemble::package::{Prepared, amount_issue, check, deal};
use crate::scenario::SampleCtx;
use crate::scenario::issues::{PackageScenario, PackageTrial};
use crate::summary::ScenarioInfo;

/// The issues whose agreed values are correlated: every number and integer issue, the
/// amount issue (if any) first.
fn numeric_issues(s: &PackageScenario) -> Vec<usize> {
    let space = s.space();
    let amount = amount_issue(space);
    let mut out: Vec<usize> = amount.into_iter().collect();
    out.extend(
        space
            .issues()
            .iter()
            .enumerate()
            .filter(|&(j, i)| Some(j) != amount && !matches!(i.kind, IssueKind::Choice { .. }))
            .map(|(j, _)| j),
    );
    out
}

/// Trial `ctx.trial` of package scenario `s` as the run draws it (its inputs into
/// `inputs`), prepared for the models; `cancel` is checked first and between the passes.
///
/// # Errors
/// [`RunError::Interrupted`] once `cancel` is set; rejected preferences.
pub(crate) fn prepared_trial(
    s: &PackageScenario,
    ctx: SampleCtx,
    inputs: &mut [f64],
    cancel: &AtomicBool,
) -> Result<(PackageTrial, Prepared), RunError> {
    check(cancel)?;
    let (t, _) = s.draw_trial(ctx, inputs);
    let p = Prepared::cancellable(s, &t, cancel)?;
    Ok((t, p))
}

/// Analyse package scenario `s` over trials `0..samples` (clamped to 1..=[`MAX_SAMPLES`])
/// of seed `seed`, on the current rayon pool.
///
/// # Errors
/// [`RunError::Interrupted`] once `cancel` is set; [`RunError::Failed`] when core rejects a sampled
/// trial's preferences (not expected after validation).
pub fn analyze(
    s: &PackageScenario,
    samples: u64,
    seed: u64,
    cancel: &AtomicBool,
) -> Result<SensitivityReport, RunError> {
    let space = s.space();
    let names = s.input_names();
    let k = names.len();
    let issues = numeric_issues(s);
    let has_amount = amount_issue(space).is_some();
    let m = s.run.models.len();
    let n = samples.clamp(1, MAX_SAMPLES);
    // Per trial: the inputs, then per model the deal indicator and each issue's value.
    let per_model = 1 + issues.len();
    let width = k + m * per_model;
    let trials = s.run.trials.max(n);
    let mut rows: Vec<f64> = Vec::with_capacity(n as usize * width);
    blocks(n, cancel).drive(
        || (PowerCache::new(), vec![0.0; k]),
        |(cache, inputs), (lo, hi)| {
            let mut out = Vec::with_capacity((hi - lo) as usize * width);
            for trial in lo..hi {
                let ctx = SampleCtx {
                    trial,
                    trials,
                    seed,
                };
                let (t, p) = prepared_trial(s, ctx, inputs, cancel)?;
                out.extend_from_slice(inputs);
                for &model in &s.run.models {
                    match deal(model, s, &t, &p, cache) {
                        Some((o, _)) => {
                            out.push(1.0);
                            out.extend(issues.iter().map(|&j| {
                                space.issues()[j]
                                    .numeric(space.value_index(o, j))
                                    .unwrap_or(f64::NAN)
                            }));
                        }
                        None => {
                            out.push(0.0);
                            out.extend(issues.iter().map(|_| f64::NAN));
                        }
                    }
                }
            }
            Ok::<_, RunError>(out)
        },
        |chunk| {
            rows.extend(chunk?);
            Ok::<(), RunError>(())
        },
    )?;
    let column = |c: usize| -> Vec<f64> { rows.chunks_exact(width).map(|r| r[c]).collect() };
    // Expressions' values follow the context quantities: those are the inputs here.
    let keep: Vec<usize> = (0..k).filter(|&j| !s.is_derived(j)).collect();
    let inputs: Vec<Vec<f64>> = keep.iter().map(|&j| column(j)).collect();
    let all_labels = s.input_labels();
    let labels: Vec<String> = keep.iter().map(|&j| all_labels[j].clone()).collect();
    let names: Vec<String> = keep.iter().map(|&j| names[j].clone()).collect();
    let none = |_: usize| None;
    let models = s
        .run
        .models
        .iter()
        .enumerate()
        .map(|(mi, model)| {
            let base = k + mi * per_model;
            let deal = column(base);
            let mut per_issue: Vec<(usize, u64, Vec<_>)> = issues
                .iter()
                .enumerate()
                .map(|(q, &j)| {
                    let (xs, y) = among_finite(&inputs, &column(base + 1 + q));
                    (j, y.len() as u64, rank_effects(&names, &xs, &y, none))
                })
                .collect();
            // The amount issue's effects are the report's `amount`, the others its
            // `issues`; without an amount issue, `amount` has no sample (no correlations).
            let (deals, amount) = if has_amount {
                let (_, d, e) = per_issue.remove(0);
                (d, e)
            } else {
                let (xs, y) = among_finite(&inputs, &[]);
                let deals = deal.iter().filter(|&&x| x > 0.0).count() as u64;
                (deals, rank_effects(&names, &xs, &y, none))
            };
            let rest = per_issue;
            ModelSensitivity {
                model: model.as_str().to_owned(),
                deals,
                amount,
                deal: rank_effects(&names, &inputs, &deal, none),
                issues: rest
                    .into_iter()
                    .map(|(j, _, e)| (space.issues()[j].key.clone(), e))
                    .collect(),
            }
        })
        .collect();
    Ok(SensitivityReport {
        format: FORMAT.into(),
        version: VERSION,
        scenario: ScenarioInfo {
            name: s.name.clone(),
            title: s.title.clone(),
            unit: s.unit.clone(),
        },
        seed,
        sampler: s.run.sampler.as_str().into(),
        samples: n,
        sobol_samples: None,
        inputs: names,
        input_labels: labels,
        models,
    })
}
