//! `backtest.html`: the calibration of each model against observed outcomes (computed by
//! `analysis::backtest`) with its plot inlined.

use std::fmt::Write as _;

use super::compare_html::methods_and_footer;
use super::html::{escape, head, inline_svg, model_cell};
use crate::analysis::backtest::{Backtest, months, num, ordered, pct, pct1};
use serde_json::Value;

/// `backtest.html`: the calibration with its plot `svg` and the PIT histogram and
/// reliability diagram `diagrams` inlined.
#[must_use]
pub fn backtest_html(b: &Backtest, svg: &str, diagrams: &str) -> String {
    let (pit, crps) = (
        super::glossary::term("PIT", "PIT"),
        super::glossary::term("CRPS", "CRPS"),
    );
    let mut out = String::with_capacity(32 * 1024);
    let title = "Backtest against observed outcomes";
    let _ = head(&mut out, title);
    let _ = writeln!(out, "<h1>{title}</h1>");
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} scenario(s) with an observed outcome were run{}; for each model \
         this page shows where the observed amount fell in the model's distribution of agreed \
         amounts, and how often it fell inside the central intervals.</p>",
        b.scenarios.len(),
        b.trials_override
            .map_or(String::new(), |t| format!(" with {t} trials each"))
    );

    let _ = writeln!(out, "<h2>Calibration across scenarios</h2>");
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>scored</th>\
         <th>no deals</th><th>inside 50%</th><th>inside 90%</th><th>mean {crps}</th>\
         <th>mean Brier</th><th>{pit} values</th></tr></thead><tbody>"
    );
    for name in ordered(b.models.keys().cloned()) {
        let c = &b.models[&name];
        let pits: Vec<String> = c.pit.iter().map(|p| format!("{:.2}", p)).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} <span class=\"muted\">({}/{})</span></td>\
             <td>{} <span class=\"muted\">({}/{})</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            model_cell(&name),
            c.scenarios,
            c.no_deals,
            pct(c.share_in_50),
            c.in_50,
            c.scenarios,
            pct(c.share_in_90),
            c.in_90,
            c.scenarios,
            num(c.mean_crps),
            num(c.mean_brier),
            escape(&pits.join(", "))
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>Left: the observed outcomes' PIT values sorted against the \
         quantiles of a uniform distribution (a calibrated model lies on the diagonal; above \
         it, the models were too low). Right: the share of observed outcomes inside each \
         model's central 50% and 90% intervals, against the nominal levels (dashed).\
         </figcaption></figure>",
        inline_svg(svg, "Calibration plot")
    );
    if !b.scenarios.is_empty() {
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>Left: the PIT histogram, how many observed amounts fell in \
             each fifth of each model's distribution of deals (a calibrated model gives a flat \
             histogram, dashed; a pile-up at the right means the outcomes came above the \
             deals). Right: the reliability diagram of a deal before the expiry, the share of \
             cases whose deal came on or before the expiry against the model's forecast \
             probability, in fifths (calibrated: the diagonal; dot size: cases in the bin).\
             </figcaption></figure>",
            inline_svg(diagrams, "PIT histogram and reliability diagram")
        );
    }

    timing(&mut out, b);
    skill(&mut out, b);

    let _ = writeln!(out, "<h2>Scenarios</h2>");
    for sc in &b.scenarios {
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"muted\">(<a href=\"{}/report.html\">report</a>)</span></h3>",
            escape(&sc.title),
            escape(&sc.name)
        );
        let _ = writeln!(
            out,
            "<p>Observed: <strong>{} {}</strong>{} · {} trials · seed {} · <code>{}</code></p>",
            sc.observed,
            escape(&sc.unit),
            sc.observed_round
                .map_or(String::new(), |r| format!(" in round {r}")),
            sc.trials,
            sc.seed,
            escape(&sc.file)
        );
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table><thead><tr><th>model</th><th>agreement</th>\
             <th>median</th><th>error of the median</th><th>{pit}</th><th>in 50%</th>\
             <th>in 80%</th><th>in 90%</th><th>{crps}</th><th>Brier</th></tr></thead><tbody>"
        );
        for (label, p) in [
            ("baseline: previous", sc.baselines.previous),
            ("baseline: trend", sc.baselines.trend),
        ] {
            if let Some(p) = p {
                let _ = writeln!(
                    out,
                    "<tr class=\"muted\"><td>{label}</td><td>–</td><td>{}</td><td>{}</td>\
                     <td>–</td><td>–</td><td>–</td><td>–</td><td>{}</td><td>–</td></tr>",
                    num(Some(p.forecast)),
                    pct1(Some(p.ape)),
                    num(Some(p.crps))
                );
            }
        }
        for name in ordered(sc.models.keys().cloned()) {
            let m = &sc.models[&name];
            let yn = |v: Option<bool>| match v {
                Some(true) => "<span class=\"yes\">yes</span>",
                Some(false) => "<span class=\"no\">no</span>",
                None => "–",
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td></tr>",
                model_cell(&name),
                100.0 * m.agreement_rate,
                num(m.median),
                pct1(m.ape),
                pct(m.percentile),
                yn(m.in_50),
                yn(m.in_80),
                yn(m.in_90),
                num(m.crps),
                m.brier
            );
        }
        let _ = writeln!(out, "</tbody></table></div>");
        if let Some(c) = sc.baselines.climatology {
            let _ = writeln!(
                out,
                "<p class=\"note\">Climatology of a deal before the expiry: {:.0}% by Laplace's \
                 rule over {} earlier case(s) of this backtest ({} before their expiry); its \
                 Brier score here {:.4}.</p>",
                100.0 * c.p,
                c.cases,
                c.deals_before_expiry,
                c.brier
            );
        }
    }
    packages(&mut out, b);
    if !b.skipped.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Skipped (no <code>[observed]</code>): {}</p>",
            escape(&b.skipped.join(", "))
        );
    }
    methods_and_footer(&mut out, &b.methods, &b.format, b.version, "backtest");
    out
}

/// Timing across the scenarios with a calendar and an observed date: each model's Brier
/// score of a deal before the expiry, its date PITs and the rank correlation of its
/// predicted mean lapse with the observed lapse, then the lapses case by case (nothing
/// without timing scores).
fn timing(out: &mut String, b: &Backtest) {
    let names: Vec<String> = ordered(
        b.models
            .iter()
            .filter(|(_, c)| c.timing.is_some())
            .map(|(n, _)| n.clone()),
    );
    if names.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>Timing and delay</h2>");
    let _ = writeln!(
        out,
        "<p>Over the scenarios with a calendar and an observed date: the Brier score of the \
         model's probability of a deal on or before the expiry, where the observed date fell \
         among the model's deal dates (its PIT and the central intervals), and Spearman's \
         rank correlation ρ between the model's predicted mean lapse and the observed lapse \
         (ties averaged; – with fewer than 3 cases or when either does not vary). A handful \
         of agreements is no evidence either way.</p>"
    );
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>cases</th>\
         <th>mean Brier (before expiry)</th><th>date inside 50%</th><th>date inside 90%</th>\
         <th>date PIT values</th><th>lapse ρ</th></tr></thead><tbody>"
    );
    for name in &names {
        let Some(t) = &b.models[name].timing else {
            continue;
        };
        let pits: Vec<String> = t.date_pit.iter().map(|p| format!("{p:.2}")).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{:.4}</td><td>{}/{}</td><td>{}/{}</td><td>{}</td>\
             <td>{}</td></tr>",
            model_cell(name),
            t.scenarios,
            t.mean_brier_before_expiry,
            t.date_in_50,
            t.scenarios,
            t.date_in_90,
            t.scenarios,
            escape(&pits.join(", ")),
            t.lapse_spearman
                .map_or_else(|| "–".into(), |r| format!("{r:.2}"))
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
    let _ = writeln!(
        out,
        "<p>Months of lapse, case by case: the observed lapse (from the expiry to the \
         observed date; 0 for a deal on or before the expiry) and each model's predicted \
         mean lapse (the mean over its deals, a deal before the expiry counting 0).</p>"
    );
    let _ = write!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>scenario</th><th>observed</th>"
    );
    for name in &names {
        let _ = write!(out, "<th>{}</th>", model_cell(name));
    }
    let _ = writeln!(out, "</tr></thead><tbody>");
    for sc in &b.scenarios {
        let Some(obs) = sc.models.values().find_map(|m| m.timing.as_ref()) else {
            continue;
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td><strong>{:.2}</strong></td>",
            escape(&sc.title),
            obs.observed_lapse_months
        );
        for name in &names {
            let p = sc
                .models
                .get(name)
                .and_then(|m| m.timing.as_ref())
                .and_then(|t| t.mean_lapse_months);
            let _ = write!(out, "<td>{}</td>", months(p));
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody></table></div>");
}

/// Each model's skill against each naive baseline, with its bootstrap interval.
fn skill(out: &mut String, b: &Backtest) {
    if b.skill.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>Skill against naive forecasts</h2>");
    let _ = writeln!(
        out,
        "<p>Skill = 1 − the model's mean score / the baseline's, over the cases both were \
         scored on: CRPS of the amount against <em>previous</em> (the last amount in force) \
         and <em>trend</em> (compound growth of the latest five amounts); the Brier score of \
         a deal before the expiry against <em>climatology</em> (the base rate of earlier \
         cases). Above 0 the model beats the naive forecast; the interval is a paired \
         bootstrap over cases.</p>"
    );
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>baseline</th><th>skill</th>\
         <th>95% interval</th><th>cases</th><th>note</th></tr></thead><tbody>"
    );
    for name in ordered(b.skill.keys().cloned()) {
        for (base, s) in &b.skill[&name] {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{:.3}</td><td>[{:.3}, {:.3}]</td><td>{}</td>\
                 <td class=\"muted\">{}</td></tr>",
                model_cell(&name),
                escape(base),
                s.skill,
                s.lo,
                s.hi,
                s.cases,
                escape(&s.note)
            );
        }
    }
    let _ = writeln!(out, "</tbody></table></div>");
}

/// The package scenarios' per-issue scores: one small table per scenario, then how they
/// are computed (nothing without package scenarios).
fn packages(out: &mut String, b: &Backtest) {
    if b.packages.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>Package scenarios</h2>");
    let _ = writeln!(
        out,
        "<p>Each issue of the observed agreement scored against the model's deals (trials \
         without a deal are left out; the deal rate is beside): the probability the model \
         gave the observed value and its log score for <code>choice</code> and \
         <code>integer</code> issues, the PIT and the central intervals for \
         <code>number</code> issues.</p>"
    );
    for p in &b.packages {
        let observed: Vec<String> = p
            .observed
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k} = {s}"),
                v => format!("{k} = {v}"),
            })
            .collect();
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<p>Observed: <strong>{}</strong> · {} trials · seed {} · <code>{}</code></p>",
            escape(&p.title),
            escape(&observed.join(", ")),
            p.trials,
            p.seed,
            escape(&p.file)
        );
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table><thead><tr><th>model</th><th>agreement</th>\
             <th>issue</th><th>P(observed)</th><th>log score</th><th>PIT</th><th>in 50%</th>\
             <th>in 90%</th></tr></thead><tbody>"
        );
        for name in ordered(p.models.keys().cloned()) {
            let m = &p.models[&name];
            for s in &m.issues {
                let yn = |v: Option<bool>| match v {
                    Some(true) => "<span class=\"yes\">yes</span>",
                    Some(false) => "<span class=\"no\">no</span>",
                    None => "–",
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                     <td>{}</td><td>{}</td></tr>",
                    model_cell(&name),
                    100.0 * m.deal_rate,
                    escape(&s.issue),
                    num(s.probability),
                    s.log_score
                        .map_or_else(|| "–".into(), |x| format!("{x:.3}")),
                    pct(s.percentile),
                    yn(s.in_50),
                    yn(s.in_90)
                );
            }
        }
        let _ = writeln!(out, "</tbody></table></div>");
    }
    let _ = writeln!(out, "<ul class=\"note\">");
    for (k, v) in &b.package_methods {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            escape(k),
            escape(v)
        );
    }
    let _ = writeln!(out, "</ul>");
}
