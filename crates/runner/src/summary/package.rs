//! The package blocks of `summary.json` (version 2): the outcome space, each issue's
//! agreed values, the combinations of the non-amount issues, the parties' utilities — and
//! the summary of a package run, built by the same [`ModelSummary::from_accumulator`] as
//! a one-issue run's for what they share (`outcomes`, `agreement_rate`, `amount`,
//! `round`, `observed`).

use std::collections::BTreeMap;

use bargain_core::package::space::{IssueKind, OutcomeSpace};
use serde::{Deserialize, Serialize};

use super::{FORMAT, ModelSummary, PACKAGE, ScenarioInfo, Summary, VERSION};
use crate::accumulate::counted::Counted;
use crate::accumulate::issues::{IssueTally, TallyLayout, joint_values};
use crate::ensemble::package::{PackageAccumulated, amount_issue, layout};
use crate::scenario::issues::{ObservedValue, PackageScenario};

/// The outcome space of a package run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// The parties' keys, the first mover first (the order of `utility`).
    pub parties: Vec<String>,
    /// The issues, in file order.
    pub issues: Vec<IssueInfo>,
    /// Number of outcomes (contracts) of the space.
    pub outcomes: u64,
    /// Outcomes ruled out by `[[exclude]]` (never offered, accepted or chosen).
    pub excluded: u64,
}

/// One issue of a package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueInfo {
    /// Its key.
    pub key: String,
    /// `number`, `integer` or `choice`.
    pub kind: String,
    /// Lowest and highest value (numbers and integers).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub range: Option<[f64; 2]>,
    /// The labels of a `choice` issue.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub values: Option<Vec<String>>,
}

/// What deals agreed on one issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueSummary {
    /// Numbers and integers, over deals: mean (`null` without deals).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mean: Option<f64>,
    /// Sample standard deviation (divisor `n − 1`, as the `amount` block's; 0 for one
    /// deal).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sd: Option<f64>,
    /// Smallest agreed value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min: Option<f64>,
    /// 5th percentile (the value at sorted position `round(0.05·(n − 1))`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub p05: Option<f64>,
    /// Median (the value at sorted position `round(0.5·(n − 1))`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub p50: Option<f64>,
    /// 95th percentile.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub p95: Option<f64>,
    /// Largest agreed value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max: Option<f64>,
    /// Integers and choices: deals per value (labels, or integers written as text).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub counts: Option<BTreeMap<String, u64>>,
    /// Integers and choices: the most frequent value (the first in issue order on a tie).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<String>,
}

/// Deals on one combination of the issues other than the amount issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointCount {
    /// The value of each issue of the combination, keyed by issue (numbers or labels).
    pub values: BTreeMap<String, serde_json::Value>,
    /// Deals on it.
    pub count: u64,
}

/// A value of issue `j` as summary text (numbers without float noise).
#[must_use]
pub fn value_text(space: &OutcomeSpace, j: usize, k: usize) -> String {
    let issue = &space.issues()[j];
    match issue.kind {
        IssueKind::Number { .. } => {
            let x = issue.numeric(k).unwrap_or(f64::NAN);
            format!("{}", (x * 1e6).round() / 1e6)
        }
        _ => issue.value(k).to_string(),
    }
}

/// A value of issue `j` as JSON: a label, an integer, or a number without float noise.
#[must_use]
pub fn value_json(space: &OutcomeSpace, j: usize, k: usize) -> serde_json::Value {
    let issue = &space.issues()[j];
    match &issue.kind {
        IssueKind::Choice { labels } => serde_json::Value::String(labels[k].clone()),
        IssueKind::Integer { lo, .. } => serde_json::json!(lo + k as i64),
        IssueKind::Number { .. } => {
            serde_json::json!(issue.numeric(k).map(|x| (x * 1e6).round() / 1e6))
        }
    }
}

/// The outcome space as the summary describes it.
#[must_use]
pub fn info(s: &PackageScenario) -> PackageInfo {
    let space = s.space();
    PackageInfo {
        parties: s.party_keys.to_vec(),
        issues: space
            .issues()
            .iter()
            .map(|i| IssueInfo {
                key: i.key.clone(),
                kind: match i.kind {
                    IssueKind::Number { .. } => "number",
                    IssueKind::Integer { .. } => "integer",
                    IssueKind::Choice { .. } => "choice",
                }
                .to_string(),
                range: i.range().map(|(a, b)| [a, b]),
                values: match &i.kind {
                    IssueKind::Choice { labels } => Some(labels.clone()),
                    _ => None,
                },
            })
            .collect(),
        outcomes: space.len() as u64,
        excluded: s
            .allowed()
            .map_or(0, |a| a.iter().filter(|&&ok| !ok).count() as u64),
    }
}

/// Each issue's summary from a tally.
#[must_use]
pub fn issue_summaries(space: &OutcomeSpace, t: &IssueTally) -> BTreeMap<String, IssueSummary> {
    space
        .issues()
        .iter()
        .enumerate()
        .map(|(j, issue)| {
            let counts = &t.counts[j];
            let numeric = !matches!(issue.kind, IssueKind::Choice { .. });
            let c = numeric
                .then(|| Counted::new(counts, |k| issue.numeric(k).unwrap_or(f64::NAN)))
                .flatten();
            let discrete = !matches!(issue.kind, IssueKind::Number { .. });
            let mode = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a)))
                .map(|(k, _)| value_text(space, j, k));
            let summary = IssueSummary {
                mean: c.map(|c| c.mean()),
                sd: c.map(|c| {
                    let n = c.n() as f64;
                    if n > 1.0 {
                        c.sd() * (n / (n - 1.0)).sqrt()
                    } else {
                        0.0
                    }
                }),
                min: c.map(|c| c.at(0)),
                p05: c.map(|c| c.quantile(0.05)),
                p50: c.map(|c| c.quantile(0.5)),
                p95: c.map(|c| c.quantile(0.95)),
                max: c.map(|c| c.at(c.n() - 1)),
                counts: discrete.then(|| {
                    counts
                        .iter()
                        .enumerate()
                        .map(|(k, n)| (value_text(space, j, k), *n))
                        .collect()
                }),
                mode: if discrete { mode } else { None },
            };
            (issue.key.clone(), summary)
        })
        .collect()
}

/// The combinations of the non-amount issues with deals, most frequent first (ties in
/// combination order).
#[must_use]
pub fn joint_counts(space: &OutcomeSpace, lay: &TallyLayout, t: &IssueTally) -> Vec<JointCount> {
    let mut rows: Vec<(u64, u64)> = t.joint.iter().map(|(k, n)| (*k, *n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(i, count)| JointCount {
            values: joint_values(space, lay, i)
                .into_iter()
                .enumerate()
                .filter_map(|(j, k)| {
                    k.map(|k| (space.issues()[j].key.clone(), value_json(space, j, k)))
                })
                .collect(),
            count,
        })
        .collect()
}

/// The observed value of the amount issue, if the scenario has both.
#[must_use]
pub fn observed_amount(s: &PackageScenario) -> Option<f64> {
    let j = amount_issue(s.space())?;
    match s.observed.as_ref()?.values.get(j)? {
        ObservedValue::Number(x) => Some(*x),
        _ => None,
    }
}

/// `summary.json` of a package run (or of one shard: `trials_run` trials of it).
#[must_use]
pub fn summarize(
    s: &PackageScenario,
    trials_run: u64,
    seed: u64,
    unit: &str,
    acc: &PackageAccumulated,
) -> Summary {
    let space = s.space();
    let lay = layout(space);
    let has_amount = lay.amount.is_some();
    let observed = observed_amount(s);
    let models = acc
        .models
        .iter()
        .map(|(m, a)| {
            let mut ms = ModelSummary::from_accumulator(a, &acc.range, observed);
            ms.timing = s.calendar.as_ref().map(|dates| {
                let date = s.observed.as_ref().and_then(|o| o.date);
                let mut t = crate::timing::summarize(a, dates, date);
                t.events = crate::timing::TimingEvent::of_infos(s.events());
                t
            });
            if s.on_veto() == bargain_core::events::OnVeto::Resume {
                ms.vetoes = Some(crate::summary::VetoSummary::of(a));
            }
            ms.surplus = None;
            if !has_amount {
                ms.amount = None;
                ms.observed = None;
            }
            if let Some(t) = &a.issues {
                ms.issues = Some(issue_summaries(space, t));
                ms.joint = Some(joint_counts(space, &lay, t));
                let [ua, ub] = t.mean_utility(a.deals());
                ms.utility = Some(
                    [(s.party_keys[0].clone(), ua), (s.party_keys[1].clone(), ub)]
                        .into_iter()
                        .collect(),
                );
            }
            (m.as_str().to_string(), ms)
        })
        .collect();
    Summary {
        format: FORMAT.to_string(),
        version: VERSION,
        kind: PACKAGE.to_string(),
        scenario: ScenarioInfo {
            name: s.name.clone(),
            title: s.title.clone(),
            unit: unit.to_string(),
        },
        trials: trials_run,
        seed,
        sampler: crate::pipeline::sampler_name(&s.run.sampler).to_string(),
        package: Some(info(s)),
        models,
    }
}
