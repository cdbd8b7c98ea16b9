//! `bargain merge` of a sharded package run: the shards' `partial.json` (a
//! [`PackagePartial`] each) checked and added exactly into the whole run's accumulators.

use std::path::{Path, PathBuf};

use crate::accumulate::{IssueTally, ModelAccumulator};
use crate::ensemble::Shard;
use crate::ensemble::package::{PackageAccumulated, amount_range, layout};
use crate::pipeline::{PARTIAL_FORMAT, PARTIAL_VERSION, PackagePartial};
use crate::scenario::issues::PackageScenario;

use super::{MergeError, read};

/// A merged package run: what its report is written from.
#[derive(Debug, Clone)]
pub struct MergedPackage {
    /// The scenario (from the shards' identical `scenario.toml`).
    pub scenario: PackageScenario,
    /// Its text.
    pub text: String,
    /// Trials of the whole run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// The whole run's accumulators.
    pub accumulated: PackageAccumulated,
}

/// Whether the partial report in `dir` is a package run's (its `scenario.toml` has an
/// `[issues]` table).
#[must_use]
pub fn is_package_partial(dir: &Path) -> bool {
    read(dir, "scenario.toml").is_ok_and(|t| PackageScenario::is_package(&t))
}

/// Merge the partial reports of a package run in `dirs` (every shard, in any order).
///
/// # Errors
/// A folder that is not a package partial report, a file that fails a check (the message
/// names it and the field), shards of different runs, a missing or repeated shard.
pub fn merge_package(dirs: &[PathBuf]) -> Result<MergedPackage, MergeError> {
    let mut parts: Vec<(PackagePartial, String, PathBuf)> = Vec::new();
    for d in dirs {
        let file = d.join("partial.json");
        let bad = |m: String| MergeError::Usage(format!("{}: {m}", file.display()));
        let text = read(d, "partial.json")?;
        crate::summary::check_format(&text, PARTIAL_FORMAT, PARTIAL_VERSION).map_err(bad)?;
        let p: PackagePartial = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if p.kind != crate::summary::PACKAGE {
            return Err(bad(format!(
                "kind: expected \"package\", found {:?}",
                p.kind
            )));
        }
        parts.push((p, read(d, "scenario.toml")?, d.clone()));
    }
    if parts.is_empty() {
        return Err(MergeError::Usage("no partial reports given".into()));
    }
    parts.sort_by_key(|p| p.0.shard[0]);
    let (first, text, first_dir) = (&parts[0].0, parts[0].1.clone(), parts[0].2.clone());
    let count = first.shard[1];
    for (i, (p, t, d)) in parts.iter().enumerate() {
        if p.shard != [i as u64, count]
            || *t != text
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
    let scenario = PackageScenario::parse(
        &text,
        &first_dir.join("scenario.toml").display().to_string(),
    )?;
    let (trials, seed) = (first.trials, first.seed);
    let range = amount_range(scenario.space(), trials);
    let mut total: Option<PackageAccumulated> = None;
    for (p, _, d) in &parts {
        let file = d.join("partial.json");
        let bad = |m: String| MergeError::Usage(format!("{}: {m}", file.display()));
        let shard = Shard {
            index: p.shard[0],
            count: p.shard[1],
        };
        let acc = check_partial(&scenario, p, shard, range).map_err(bad)?;
        match &mut total {
            None => total = Some(acc),
            Some(t) => {
                for ((_, a), (_, b)) in t.models.iter_mut().zip(&acc.models) {
                    a.try_merge(b)
                        .map_err(|f| bad(format!("{f}: overflows in the merge")))?;
                }
            }
        }
    }
    let accumulated = total.ok_or_else(|| MergeError::Usage("no partial reports given".into()))?;
    Ok(MergedPackage {
        scenario,
        text,
        trials,
        seed,
        accumulated,
    })
}

/// One shard's accumulators, checked against the scenario: its models in `[run]` order,
/// the range every shard shares, the shard's trial count, and counts that add up (per
/// model: outcomes to trials; per issue, joint combinations and heat cells to deals).
fn check_partial(
    s: &PackageScenario,
    p: &PackagePartial,
    shard: Shard,
    range: crate::accumulate::AmountRange,
) -> Result<PackageAccumulated, String> {
    if p.range != range {
        return Err(
            "range: differs from the histogram range of the scenario's amount issue".into(),
        );
    }
    let names: Vec<&str> = s.run.models.iter().map(|m| m.as_str()).collect();
    let got: Vec<&str> = p.models.iter().map(|(n, _)| n.as_str()).collect();
    if names != got {
        return Err(format!(
            "models: expected {names:?} (the scenario's `[run] models`), found {got:?}"
        ));
    }
    let (a, b) = shard.bounds(p.trials);
    let space = s.space();
    let lay = layout(space);
    let empty = IssueTally::new(space, &lay);
    for (name, m) in &p.models {
        let at = |f: &str| format!("models.{name}.{f}");
        if m.trials != b - a {
            return Err(format!(
                "{}: expected {} (shard {}/{} of {} trials), found {}",
                at("trials"),
                b - a,
                shard.index + 1,
                shard.count,
                p.trials,
                m.trials
            ));
        }
        let sum: u64 = m.outcomes.iter().sum();
        if sum != m.trials {
            return Err(format!(
                "{}: sum to {sum}, expected {}",
                at("outcomes"),
                m.trials
            ));
        }
        let deals = m.deals();
        let t = m.issues.as_ref().ok_or_else(|| at("issues: missing"))?;
        if t.counts.len() != empty.counts.len()
            || t.counts
                .iter()
                .zip(&empty.counts)
                .any(|(x, y)| x.len() != y.len())
            || t.heat.len() != empty.heat.len()
        {
            return Err(format!(
                "{}: do not match the scenario's issues",
                at("issues")
            ));
        }
        for (j, c) in t.counts.iter().enumerate() {
            if c.iter().sum::<u64>() != deals {
                return Err(format!(
                    "{}: issue {j} counts {} deals, expected {deals}",
                    at("issues.counts"),
                    c.iter().sum::<u64>()
                ));
            }
        }
        if t.joint.values().sum::<u64>() != deals {
            return Err(format!(
                "{}: counts do not sum to the {deals} deals",
                at("issues.joint")
            ));
        }
        if !t.heat.is_empty() && t.heat.iter().sum::<u64>() != deals {
            return Err(format!(
                "{}: cells do not sum to the {deals} deals",
                at("issues.heat")
            ));
        }
        let combos: u64 = (0..space.issues().len())
            .filter(|&j| Some(j) != lay.amount)
            .map(|j| space.size(j) as u64)
            .product();
        if t.joint.keys().any(|&k| k >= combos) {
            return Err(format!(
                "{}: a combination beyond the {combos} of the issues",
                at("issues.joint")
            ));
        }
    }
    let accumulated = PackageAccumulated {
        range,
        models: s
            .run
            .models
            .iter()
            .zip(&p.models)
            .map(|(m, (_, a))| (*m, a.clone()))
            .collect::<Vec<(_, ModelAccumulator)>>(),
    };
    Ok(accumulated)
}
