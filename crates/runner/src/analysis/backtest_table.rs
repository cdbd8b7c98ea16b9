//! The terminal tables of `bargain backtest` (the scores are [`super::backtest`]'s):
//! per scenario, across scenarios, the lapse case by case, the skill against the naive
//! baselines and the package scores.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analysis::backtest::{Backtest, PackageScore, ordered};
use crate::analysis::forecast::Skill;

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "–",
    }
}

pub(crate) fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{:.0}%", 100.0 * v))
}

pub(crate) fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.4}"))
}

/// The terminal table of a backtest.
#[must_use]
pub fn table(b: &Backtest) -> String {
    let mut out = String::new();
    if b.scenarios.is_empty() && !b.packages.is_empty() {
        // Only package scenarios: no one-issue tables.
        package_table(&mut out, &b.packages);
        for s in &b.skipped {
            let _ = writeln!(out, "skipped (no [observed]): {s}");
        }
        return out;
    }
    let _ = writeln!(
        out,
        "backtest of {} scenario(s) with an observed outcome",
        b.scenarios.len()
    );
    for sc in &b.scenarios {
        let _ = writeln!(
            out,
            "\n{} — observed {} {} ({} trials, seed {})",
            sc.title, sc.observed, sc.unit, sc.trials, sc.seed
        );
        let _ = writeln!(
            out,
            "  {:<18} {:>8} {:>10} {:>7} {:>6} {:>5} {:>5} {:>5} {:>8} {:>8}",
            "model", "deal %", "median", "APE", "PIT", "in50", "in80", "in90", "CRPS", "Brier"
        );
        for name in ordered(sc.models.keys().cloned()) {
            let m = &sc.models[&name];
            let _ = writeln!(
                out,
                "  {:<18} {:>8.1} {:>10} {:>7} {:>6} {:>5} {:>5} {:>5} {:>8} {:>8.4}",
                name,
                100.0 * m.agreement_rate,
                num(m.median),
                pct1(m.ape),
                pct(m.percentile),
                yes_no(m.in_50),
                yes_no(m.in_80),
                yes_no(m.in_90),
                num(m.crps),
                m.brier
            );
        }
        for (label, b) in [
            ("previous", sc.baselines.previous),
            ("trend", sc.baselines.trend),
        ] {
            if let Some(b) = b {
                let _ = writeln!(
                    out,
                    "  {:<18} {:>8} {:>10} {:>7} {:>6} {:>5} {:>5} {:>5} {:>8}",
                    format!("baseline {label}"),
                    "",
                    num(Some(b.forecast)),
                    pct1(Some(b.ape)),
                    "",
                    "",
                    "",
                    "",
                    num(Some(b.crps))
                );
            }
        }
        if sc.models.values().any(|m| m.timing.is_some()) {
            let observed_lapse = sc
                .models
                .values()
                .find_map(|m| m.timing.as_ref())
                .map_or(0.0, |t| t.observed_lapse_months);
            let _ = writeln!(
                out,
                "  timing: {:<10} {:>15} {:>12} {:>9} {:>5} {:>5} {:>11}  (observed lapse {:.2} months)",
                "model",
                "before expiry %",
                "Brier(exp.)",
                "date PIT",
                "in50",
                "in90",
                "mean lapse",
                observed_lapse
            );
            for name in ordered(sc.models.keys().cloned()) {
                let Some(t) = &sc.models[&name].timing else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "  {:<18} {:>15.1} {:>12.4} {:>9} {:>5} {:>5} {:>11}",
                    name,
                    100.0 * t.before_expiry,
                    t.brier_before_expiry,
                    pct(t.date_percentile),
                    yes_no(t.date_in_50),
                    yes_no(t.date_in_90),
                    months(t.mean_lapse_months)
                );
            }
            if let Some(c) = sc.baselines.climatology {
                let _ = writeln!(
                    out,
                    "  {:<18} {:>15.1} {:>12.4}  (Laplace's rule over {} earlier case(s), {} before expiry)",
                    "climatology",
                    100.0 * c.p,
                    c.brier,
                    c.cases,
                    c.deals_before_expiry
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\nacross scenarios (calibrated: about 50% and 90% inside)"
    );
    let _ = writeln!(
        out,
        "  {:<18} {:>9} {:>8} {:>8} {:>10} {:>10}",
        "model", "scenarios", "in 50%", "in 90%", "mean CRPS", "mean Brier"
    );
    for name in ordered(b.models.keys().cloned()) {
        let c = &b.models[&name];
        let _ = writeln!(
            out,
            "  {:<18} {:>9} {:>8} {:>8} {:>10} {:>10}",
            name,
            c.scenarios,
            pct(c.share_in_50),
            pct(c.share_in_90),
            num(c.mean_crps),
            num(c.mean_brier)
        );
    }
    if b.models.values().any(|c| c.timing.is_some()) {
        let _ = writeln!(
            out,
            "\ntiming across scenarios with a calendar and an observed date (small samples: a handful of agreements)"
        );
        let _ = writeln!(
            out,
            "  {:<18} {:>9} {:>12} {:>8} {:>8} {:>9}  date PITs",
            "model", "scenarios", "Brier(exp.)", "in 50%", "in 90%", "lapse ρ"
        );
        for name in ordered(b.models.keys().cloned()) {
            let Some(t) = &b.models[&name].timing else {
                continue;
            };
            let k = t.scenarios.max(1) as f64;
            let pits: Vec<String> = t.date_pit.iter().map(|p| format!("{p:.2}")).collect();
            let _ = writeln!(
                out,
                "  {:<18} {:>9} {:>12.4} {:>8} {:>8} {:>9}  {}",
                name,
                t.scenarios,
                t.mean_brier_before_expiry,
                pct(Some(t.date_in_50 as f64 / k)),
                pct(Some(t.date_in_90 as f64 / k)),
                t.lapse_spearman
                    .map_or_else(|| "–".into(), |r| format!("{r:.2}")),
                pits.join(" ")
            );
        }
        lapse_table(&mut out, b);
    }
    skill_table(&mut out, &b.skill);
    out.push_str(&crate::analysis::forecast_diagrams::diagrams_text(b));
    package_table(&mut out, &b.packages);
    for s in &b.skipped {
        let _ = writeln!(out, "skipped (no [observed]): {s}");
    }
    out
}

/// Months with two decimals (`–` for none).
pub(crate) fn months(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
}

/// Predicted mean lapse against the observed lapse, case by case, for the terminal.
fn lapse_table(out: &mut String, b: &Backtest) {
    let names: Vec<String> = ordered(
        b.models
            .iter()
            .filter(|(_, c)| c.timing.is_some())
            .map(|(n, _)| n.clone()),
    );
    let _ = writeln!(
        out,
        "\nlapse in months (predicted: mean over the model's deals, 0 before the expiry; \
         lapse ρ above: Spearman's rank correlation of predicted and observed, ties averaged)"
    );
    let _ = write!(out, "  {:<18} {:>9}", "scenario", "observed");
    for n in &names {
        let _ = write!(out, " {:>10}", short(n));
    }
    out.push('\n');
    for sc in &b.scenarios {
        let Some(obs) = sc.models.values().find_map(|m| m.timing.as_ref()) else {
            continue;
        };
        let _ = write!(out, "  {:<18} {:>9.2}", sc.name, obs.observed_lapse_months);
        for n in &names {
            let p = sc
                .models
                .get(n)
                .and_then(|m| m.timing.as_ref())
                .and_then(|t| t.mean_lapse_months);
            let _ = write!(out, " {:>10}", months(p));
        }
        out.push('\n');
    }
}

/// A model name cut to a column of 10.
fn short(name: &str) -> &str {
    match name {
        "kalai-smorodinsky" => "kalai-smo.",
        n => n,
    }
}

/// A fraction as a percentage with one decimal (`–` for none).
pub(crate) fn pct1(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{:.1}%", 100.0 * v))
}

/// Each model's skill against each baseline, with its interval and its note.
fn skill_table(out: &mut String, skill: &BTreeMap<String, BTreeMap<String, Skill>>) {
    if skill.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nskill against naive baselines: 1 − mean score / baseline's (CRPS for previous and trend, \
         Brier of a deal before expiry for climatology); > 0 beats the baseline; 95% paired bootstrap over cases"
    );
    let _ = writeln!(
        out,
        "  {:<18} {:<12} {:>7} {:>18} {:>6}",
        "model", "baseline", "skill", "95% interval", "cases"
    );
    let mut notes = std::collections::BTreeSet::new();
    for name in ordered(skill.keys().cloned()) {
        for (base, s) in &skill[&name] {
            let _ = writeln!(
                out,
                "  {:<18} {:<12} {:>7.3} {:>18} {:>6}",
                name,
                base,
                s.skill,
                format!("[{:.3}, {:.3}]", s.lo, s.hi),
                s.cases
            );
            notes.insert(s.note.as_str());
        }
    }
    for n in notes {
        let _ = writeln!(out, "  note: {n}");
    }
}

/// The package scores for the terminal (nothing without package scenarios).
fn package_table(out: &mut String, packages: &[PackageScore]) {
    for p in packages {
        let observed: Vec<String> = p
            .observed
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k} = {s}"),
                v => format!("{k} = {v}"),
            })
            .collect();
        let _ = writeln!(
            out,
            "\n{} (package) — observed {} ({} trials, seed {})",
            p.title,
            observed.join(", "),
            p.trials,
            p.seed
        );
        let _ = writeln!(
            out,
            "  shares of deals (no-deal trials left out); log score = ln max(P, 1/(2·deals))"
        );
        let _ = writeln!(
            out,
            "  {:<18} {:>8} {:<12} {:>8} {:>9} {:>6} {:>5} {:>5}",
            "model", "deal %", "issue", "P(obs)", "log score", "PIT", "in50", "in90"
        );
        for name in ordered(p.models.keys().cloned()) {
            let m = &p.models[&name];
            for (i, s) in m.issues.iter().enumerate() {
                let (model, rate) = if i == 0 {
                    (name.as_str(), format!("{:.1}", 100.0 * m.deal_rate))
                } else {
                    ("", String::new())
                };
                let _ = writeln!(
                    out,
                    "  {:<18} {:>8} {:<12} {:>8} {:>9} {:>6} {:>5} {:>5}",
                    model,
                    rate,
                    s.issue,
                    num(s.probability),
                    s.log_score
                        .map_or_else(|| "–".into(), |x| format!("{x:.3}")),
                    pct(s.percentile),
                    yes_no(s.in_50),
                    yes_no(s.in_90)
                );
            }
        }
    }
}
