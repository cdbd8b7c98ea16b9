//! `report.html`: one self-contained, offline page per scenario.

use std::fmt::{self, Write};
use std::io;
use std::path::Path;

use super::style::{pct, sig};
use super::{ReportData, ordered_models, plots};
use crate::summary::{ModelSummary, QUANTILES, Summary};

/// Outcome kinds in report order, with their column headings.
const KINDS: [(&str, &str); 5] = [
    ("deal", "deal"),
    ("deadline", "deadline"),
    ("breakdown", "breakdown"),
    ("not_ratified", "not ratified"),
    ("no_zone", "no zone"),
];

/// Write `report.html` into `dir`: one self-contained page (inline style and inline SVG
/// plots, no script, no external resource) with the headline per model, the outcome,
/// quantile and surplus tables, the fit of the observed outcome, the closed-form
/// predictions at central values, the warnings, the three plots and the sources.
///
/// # Errors
///
/// Any I/O or rendering error.
pub fn write_html(dir: &Path, data: &ReportData<'_>) -> io::Result<()> {
    let [amounts, rounds, dance] = plots::svgs(data)?;
    let page = page(data, [&amounts, &rounds, &dance]).map_err(io::Error::other)?;
    let timing = super::timing_plot::html_section(data)?;
    let page = page.replacen(
        "<h2>Outcomes</h2>",
        &format!("{timing}<h2>Outcomes</h2>"),
        1,
    );
    std::fs::write(dir.join("report.html"), page)
}

/// Escape text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Formats the amounts of one scenario with the same number of decimals (about four
/// significant digits at the scenario's scale), so table columns line up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num {
    decimals: Option<usize>,
}

impl Num {
    /// The format for a summary's amounts (scaled by the largest median).
    pub(crate) fn for_summary(summary: &Summary) -> Self {
        let scale = summary
            .models
            .values()
            .filter_map(|m| quantile(m, "p50"))
            .map(f64::abs)
            .fold(0.0, f64::max);
        let decimals = if scale == 0.0 {
            Some(3)
        } else if (1e-4..1e7).contains(&scale) {
            Some((3.0 - scale.log10().floor()).clamp(0.0, 8.0) as usize)
        } else {
            None
        };
        Self { decimals }
    }

    /// One amount (`–` when not finite).
    pub(crate) fn of(self, x: f64) -> String {
        match self.decimals {
            _ if !x.is_finite() => "–".to_string(),
            Some(d) => format!("{x:.d$}"),
            None => sig(x, 4),
        }
    }

    /// An optional amount.
    pub(crate) fn opt(self, x: Option<f64>) -> String {
        x.map_or_else(|| "–".to_string(), |x| self.of(x))
    }
}

/// A quantile from a map, formatted (`–` when missing).
pub(crate) fn quantile(m: &ModelSummary, key: &str) -> Option<f64> {
    m.amount
        .as_ref()
        .and_then(|a| a.quantiles.get(key).copied())
        .filter(|x| x.is_finite())
}

fn interval(num: Num, m: &ModelSummary, lo: &str, hi: &str) -> String {
    match (quantile(m, lo), quantile(m, hi)) {
        (Some(a), Some(b)) => format!("{} – {}", num.of(a), num.of(b)),
        _ => "–".to_string(),
    }
}

/// The shared head of every page: charset, viewport, title and the inline style sheet.
pub(crate) fn head(out: &mut String, title: &str) -> fmt::Result {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", escape(title))?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>")
}

/// The inline style sheet (system fonts only: nothing is fetched).
const STYLE: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #f6f6f4; color: #222; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 40px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
p.lead { color: #444; margin-top: 4px; }
p.note, .muted { color: #666; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
th { background: #f1f1ee; font-weight: 600; white-space: normal; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
tbody tr:nth-child(even) { background: #fafaf8; }
.scroll { overflow-x: auto; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.warn { background: #fff6e0; border-left: 4px solid #e6a700; padding: 8px 14px; margin: 16px 0; }
.warn ul { margin: 4px 0; padding-left: 20px; }
.yes { color: #2d7a1f; font-weight: 600; }
.no { color: #a3322b; }
figure { margin: 16px 0 8px; }
figure svg { display: block; width: 100%; height: auto; max-width: 1000px; border: 1px solid #eee; }
figcaption { color: #555; font-size: 13px; margin-top: 4px; }
ol.sources li { margin: 2px 0; overflow-wrap: anywhere; }
abbr.term { text-decoration: underline dotted; cursor: help; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid #ddd; color: #666; font-size: 13px; }
@media print { body { background: #fff; } main { padding: 0; } figure { break-inside: avoid; } }
"#;

/// A model name with its plot colour.
pub(crate) fn model_cell(name: &str) -> String {
    let c = super::style::model_color(name);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}",
        c.0,
        c.1,
        c.2,
        escape(name)
    )
}

/// An SVG document ready to inline: with an accessible label.
pub(crate) fn inline_svg(svg: &str, label: &str) -> String {
    let body = svg.trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(body, |(_, r)| r.trim_start()),
        None => body,
    };
    match body.strip_prefix("<svg") {
        Some(rest) => format!("<svg role=\"img\" aria-label=\"{}\"{rest}", escape(label)),
        None => body.to_string(),
    }
}

fn page(data: &ReportData<'_>, svgs: [&str; 3]) -> Result<String, fmt::Error> {
    let s = data.summary;
    let unit = escape(&s.scenario.unit);
    let models = ordered_models(s);
    let num = Num::for_summary(s);
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, &s.scenario.title)?;

    writeln!(out, "<h1>{}</h1>", escape(&s.scenario.title))?;
    writeln!(
        out,
        "<p class=\"muted\">Scenario <code>{}</code> · amounts in {unit}</p>",
        escape(&s.scenario.name)
    )?;
    for para in data
        .description
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
    {
        writeln!(out, "<p class=\"lead\">{}</p>", escape(para.trim()))?;
    }
    if !data.warnings.is_empty() {
        writeln!(out, "<div class=\"warn\"><strong>Warnings</strong><ul>")?;
        for w in &data.warnings {
            writeln!(out, "<li>{}</li>", escape(w))?;
        }
        writeln!(out, "</ul></div>")?;
    }

    // Headline.
    writeln!(out, "<h2>Headline</h2>")?;
    writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>trials</th>\
         <th>agreement rate</th><th>median ({unit})</th><th>50% interval</th>\
         <th>90% interval</th><th>mean round</th></tr></thead><tbody>"
    )?;
    for &(name, m) in &models {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            model_cell(name),
            m.trials,
            super::mc_error::rate_with_se(m.agreement_rate, m.trials),
            num.opt(quantile(m, "p50")),
            interval(num, m, "p25", "p75"),
            interval(num, m, "p05", "p95"),
            m.round
                .mean
                .filter(|x| x.is_finite())
                .map_or("–".to_string(), |r| format!("{r:.2}")),
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Agreement rate ± its Monte Carlo standard error √(p(1−p)/trials), \
         in percentage points. Intervals are central: 50% = p25–p75, 90% = p05–p95 of the agreed \
         amounts of each model's deals.</p>"
    )?;

    // Plots.
    writeln!(out, "<h2>Plots</h2>")?;
    let amounts_caption = format!(
        "{} Solid line: observed outcome; dashed: closed forms at central values; shaded: \
         zone of agreement at central values, after outside options and ratification limits.",
        match data.histogram_scale {
            super::HistogramScale::AllTrials => {
                "Bar heights are shares of all of a model's trials, so a model that rarely \
                 agrees draws a small histogram."
            }
            super::HistogramScale::OwnDeals => {
                "Each model's histogram is normalized to its own deals (shapes compare, \
                 agreement rates do not)."
            }
        }
    );
    let captions = [
        (
            "Distribution of agreed amounts per model",
            amounts_caption.as_str(),
        ),
        (
            "Deals per round and outcome kinds",
            "Left: deals per round as a share of trials. Right: how the trials end.",
        ),
        (
            "Negotiation dance",
            "Every offer of one trial of each outcome the agents reached (the first such \
             trial), at the round in which each was answered; dashed: each trial's effective \
             reservations round by round (they move with the lapse), in its shade; rings: \
             accepted offers.",
        ),
    ];
    for (svg, (label, caption)) in svgs.iter().zip(captions) {
        writeln!(
            out,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            inline_svg(svg, label),
            escape(caption)
        )?;
    }

    // Outcomes.
    writeln!(out, "<h2>Outcomes</h2>")?;
    write!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>trials</th>"
    )?;
    for (key, heading) in KINDS {
        write!(out, "<th title=\"{key}\">{heading}</th>")?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for &(name, m) in &models {
        write!(
            out,
            "<tr><td>{}</td><td>{}</td>",
            model_cell(name),
            m.trials
        )?;
        for (key, _) in KINDS {
            let n = m.outcomes.get(key).copied().unwrap_or(0);
            let share = if m.trials > 0 {
                n as f64 / m.trials as f64
            } else {
                0.0
            };
            write!(
                out,
                "<td>{n} <span class=\"muted\">({})</span></td>",
                pct(share)
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Kinds: deal, deadline, breakdown, not_ratified (signed but not \
         ratified), no_zone (no zone of agreement).</p>"
    )?;
    if let Some(p) = &data.pairs {
        super::pairs_html::write(&mut out, p)?;
    }

    // Quantiles.
    writeln!(out, "<h2>Quantiles of the agreed amount ({unit})</h2>")?;
    write!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>deals</th>"
    )?;
    for (key, _) in QUANTILES {
        write!(out, "<th>{key}</th>")?;
    }
    writeln!(
        out,
        "<th>mean</th><th>sd</th><th>error bound ±</th></tr></thead><tbody>"
    )?;
    for &(name, m) in &models {
        let deals = m.amount.as_ref().map_or(0, |a| a.count);
        write!(out, "<tr><td>{}</td><td>{deals}</td>", model_cell(name))?;
        for (key, _) in QUANTILES {
            write!(out, "<td>{}</td>", num.opt(quantile(m, key)))?;
        }
        let a = m.amount.as_ref();
        writeln!(
            out,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            num.opt(a.map(|a| a.mean).filter(|x| x.is_finite())),
            num.opt(a.map(|a| a.sd).filter(|x| x.is_finite())),
            a.map(|a| a.quantile_error_bound)
                .filter(|x| x.is_finite())
                .map_or("–".to_string(), |x| sig(x, 3)),
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Quantiles come from a streaming histogram: each is within the error \
         bound of the exact sample quantile when it lies inside the histogram's range.</p>"
    )?;

    // Surplus.
    writeln!(out, "<h2>Surplus ({unit})</h2>")?;
    writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>payee, per deal</th>\
         <th>payer, per deal</th><th>payee, per trial</th><th>payer, per trial</th></tr>\
         </thead><tbody>"
    )?;
    for &(name, m) in &models {
        let Some(sp) = &m.surplus else { continue };
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            model_cell(name),
            num.opt(sp.payee.filter(|x| x.is_finite())),
            num.opt(sp.payer.filter(|x| x.is_finite())),
            num.opt(Some(sp.payee_per_trial).filter(|x| x.is_finite())),
            num.opt(Some(sp.payer_per_trial).filter(|x| x.is_finite())),
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Mean surplus over each party's {}: per deal, and per trial \
         (counting 0 for trials without a deal).</p>",
        super::glossary::term("reservation", "reservation")
    )?;

    // Observed outcome.
    let fits: Vec<_> = models
        .iter()
        .filter_map(|&(name, m)| m.observed.as_ref().map(|o| (name, o)))
        .collect();
    if data.observed.is_some() || !fits.is_empty() {
        writeln!(out, "<h2>Observed outcome</h2>")?;
        if let Some((x, round)) = data.observed {
            let round = round.map_or(String::new(), |r| format!(" in round {r}"));
            writeln!(
                out,
                "<p>The real negotiation ended at <strong>{} {unit}</strong>{round}.</p>",
                sig(x, 6)
            )?;
        }
        if let Some((_, Some(r))) = data.observed {
            write_observed_round(&mut out, &models, r)?;
        }
        if fits.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">No model has deals to compare it with.</p>"
            )?;
        } else {
            writeln!(
                out,
                "<table><thead><tr><th>model</th><th>percentile</th>\
                 <th>in central 50%</th><th>in central 90%</th></tr></thead><tbody>"
            )?;
            for (name, o) in fits {
                let yn = |b: bool| {
                    if b {
                        "<span class=\"yes\">yes</span>"
                    } else {
                        "<span class=\"no\">no</span>"
                    }
                };
                writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    model_cell(name),
                    pct(o.percentile),
                    yn(o.in_50),
                    yn(o.in_90)
                )?;
            }
            writeln!(out, "</tbody></table>")?;
            writeln!(
                out,
                "<p class=\"note\">Percentile: share of the model's deals at or below the \
                 observed amount.</p>"
            )?;
        }
    }

    // Closed forms.
    writeln!(out, "<h2>Closed-form predictions at central values</h2>")?;
    let (z0, z1) = data.zone;
    if z0.is_finite() && z1.is_finite() && z0 <= z1 {
        writeln!(
            out,
            "<p>{} after outside options and ratification limits \
             [{}'s floor, {}'s ceiling]: <strong>{} – {} {unit}</strong>.</p>",
            super::glossary::term("zone of agreement", "Zone of agreement"),
            super::glossary::term("payee", "payee"),
            super::glossary::term("payer", "payer"),
            num.of(z0),
            num.of(z1)
        )?;
    } else {
        writeln!(
            out,
            "<p>No zone of agreement at central values after outside options and \
             ratification limits (payee's floor {}, payer's ceiling {} {unit}).</p>",
            num.of(z0),
            num.of(z1)
        )?;
    }
    if data.closed_forms.is_empty() {
        writeln!(
            out,
            "<p class=\"note\">No closed-form model in this run.</p>"
        )?;
    } else {
        writeln!(
            out,
            "<table><thead><tr><th>model</th><th>amount ({unit})</th></tr></thead><tbody>"
        )?;
        for (model, value) in &data.closed_forms {
            let v = match value {
                Some(x) if x.is_finite() => num.of(*x),
                _ => "no agreement".to_string(),
            };
            writeln!(
                out,
                "<tr><td>{}</td><td>{v}</td></tr>",
                model_cell(model.as_str())
            )?;
        }
        writeln!(out, "</tbody></table>")?;
    }

    write_assumptions(&mut out, data)?;

    // Sources.
    if !data.sources.is_empty() {
        writeln!(out, "<h2>Sources</h2>\n<ol class=\"sources\">")?;
        for src in data.sources {
            writeln!(out, "<li>{}</li>", escape(src))?;
        }
        writeln!(out, "</ol>")?;
    }

    writeln!(
        out,
        "<footer>{} trials · seed {} · sampler {} · {} v{} · generated by bargain</footer>",
        s.trials,
        s.seed,
        escape(&s.sampler),
        escape(&s.format),
        s.version
    )?;
    writeln!(out, "{}", super::glossary::NOTE)?;
    writeln!(out, "</main>\n</body>\n</html>")?;
    Ok(out)
}

/// The median round of deals and the share of deals at or before round `r` (1-based),
/// from deals per round (`counts[0]` is round 1); `None` without deals.
pub(crate) fn round_stats(counts: &[u64], r: u32) -> Option<(u32, f64)> {
    let deals: u64 = counts.iter().sum();
    if deals == 0 {
        return None;
    }
    let mut acc = 0;
    let mut median = counts.len() as u32;
    for (i, &c) in counts.iter().enumerate() {
        acc += c;
        if 2 * acc >= deals {
            median = i as u32 + 1;
            break;
        }
    }
    let by: u64 = counts.iter().take(r as usize).sum();
    Some((median, by as f64 / deals as f64))
}

/// The observed round against each model's rounds of deals.
fn write_observed_round(out: &mut String, models: &[(&str, &ModelSummary)], r: u32) -> fmt::Result {
    writeln!(
        out,
        "<table><thead><tr><th>model</th><th>median round of deals</th>\
         <th>deals at or before round {r}</th><th>trials with a deal by round {r}</th>\
         </tr></thead><tbody>"
    )?;
    for &(name, m) in models {
        let Some((median, share)) = round_stats(&m.round.counts, r) else {
            writeln!(
                out,
                "<tr><td>{}</td><td>–</td><td>–</td><td>–</td></tr>",
                model_cell(name)
            )?;
            continue;
        };
        writeln!(
            out,
            "<tr><td>{}</td><td>{median}</td><td>{}</td><td>{}</td></tr>",
            model_cell(name),
            pct(share),
            pct(share * m.agreement_rate)
        )?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(
        out,
        "<p class=\"note\">Rounds of each model's deals against the round of the real \
         agreement: the median round of the model's deals, the share of its deals made at or \
         before the observed round, and that share times the agreement rate.</p>"
    )
}

/// The scenario's assumptions: uncertain inputs with their distributions, then fixed ones.
fn write_assumptions(out: &mut String, data: &ReportData<'_>) -> fmt::Result {
    let note = format!(
        "As written in the scenario file; amounts in {}. A choice of negotiator types is \
         drawn with the weights shown.",
        data.summary.scenario.unit
    );
    assumptions_table(out, &data.assumptions, &note)
}

/// The "Assumptions" section of a report page (one-issue or package): a row per input,
/// with `note` (plain text) under the table; nothing without rows.
pub(crate) fn assumptions_table(
    out: &mut String,
    rows: &[crate::assumptions::Assumption],
    note: &str,
) -> fmt::Result {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2>Assumptions</h2>")?;
    writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>input</th><th>field</th>\
         <th>value</th><th>kind</th></tr></thead><tbody>"
    )?;
    for a in rows {
        writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&a.label),
            escape(&a.path),
            escape(&a.value),
            if a.uncertain {
                "uncertain (drawn per trial)"
            } else {
                "fixed"
            }
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(out, "<p class=\"note\">{}</p>", escape(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_against_the_observed_round() {
        // 10 deals: 2 in round 1, 3 in round 2, 5 in round 4.
        let counts = [2, 3, 0, 5];
        assert_eq!(round_stats(&counts, 2), Some((2, 0.5)));
        assert_eq!(round_stats(&counts, 3), Some((2, 0.5)));
        assert_eq!(round_stats(&counts, 10), Some((2, 1.0)));
        assert_eq!(round_stats(&counts, 1), Some((2, 0.2)));
        assert_eq!(round_stats(&[0, 0, 4], 1), Some((3, 0.0)));
        assert_eq!(round_stats(&[0, 0], 1), None);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn inlines_svg_with_label() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"></svg>";
        let out = inline_svg(svg, "a <b>");
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"a &lt;b&gt;\" width="));
    }
}
