//! The pages and figures of `bargain sweep` (`sweep.html`) and `bargain sensitivity`
//! (`sensitivity.html`): self-contained, offline, in the style of `report.html`.

use std::fmt::{self, Write};
use std::io;
use std::path::Path;

use super::figure::{svg_string, write_figure};
use super::html::{escape, head, inline_svg, model_cell};
use super::style::{pct, sig};
use super::sweep_plot::{Fan, Heat, HeatStat};
use super::tornado_plot::{Tornado, order};
use crate::analysis::sensitivity::{Effect, SensitivityReport};
use crate::analysis::sweep::SweepReport;

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| sig(v, 4))
}

fn corr(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{v:+.3}"))
}

/// Write the sweep's figures (`sweep.svg`/`.png` for one field; `sweep-median` and
/// `sweep-agreement` heat maps for two; with either, `sweep-issues` for a package's
/// issues other than its amount) and `sweep.html` into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_sweep(dir: &Path, report: &SweepReport) -> io::Result<()> {
    let mut figures = Vec::new();
    if report.axes.len() >= 2 {
        for (stem, stat, label) in [
            (
                "sweep-median",
                HeatStat::Median,
                "Heat map of the median agreed amount",
            ),
            (
                "sweep-agreement",
                HeatStat::Agreement,
                "Heat map of the agreement rate",
            ),
        ] {
            let fig = Heat { report, stat };
            write_figure(dir, stem, &fig)?;
            figures.push((svg_string(&fig)?, label));
        }
        if let Some(fig) = super::package_sweep_grid::figure(report) {
            write_figure(dir, "sweep-issues", &fig)?;
            figures.push((
                svg_string(&fig)?,
                "Each issue of the package per model over both swept fields: the median, or the most frequent label and its share of deals",
            ));
        }
    } else {
        let fig = Fan { report };
        write_figure(dir, "sweep", &fig)?;
        figures.push((
            svg_string(&fig)?,
            "Fan chart of the agreed amount and agreement rate",
        ));
        if let Some(fig) = super::package_sweep_plot::figure(report) {
            write_figure(dir, "sweep-issues", &fig)?;
            figures.push((
                svg_string(&fig)?,
                "Each issue of the package per model: median and 5–95% band, or each label's share of deals",
            ));
        }
    }
    let page = sweep_page(report, &figures).map_err(io::Error::other)?;
    std::fs::write(dir.join("sweep.html"), page)
}

fn sweep_page(r: &SweepReport, figures: &[(String, &str)]) -> Result<String, fmt::Error> {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("{}: sweep", r.scenario.title);
    head(&mut out, &title)?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    let axes: Vec<String> = r
        .axes
        .iter()
        .map(|a| {
            format!(
                "<code>{}</code> over {} values ({} to {})",
                escape(&a.path),
                a.values.len(),
                sig(a.values.first().copied().unwrap_or(f64::NAN), 4),
                sig(a.values.last().copied().unwrap_or(f64::NAN), 4)
            )
        })
        .collect();
    writeln!(
        out,
        "<p class=\"lead\">Each variant replaces {} by a constant and runs {} trials with seed {} ({}). Every variant uses the same seed, so trial <em>i</em> sees the same random draws in every variant (common random numbers): differences come from the swept field. Amounts in {}.</p>",
        axes.join(" and "),
        r.trials,
        r.seed,
        escape(&r.sampler),
        escape(if r.scenario.unit.is_empty() {
            "the scenario's unit"
        } else {
            &r.scenario.unit
        })
    )?;
    for (svg, label) in figures {
        writeln!(
            out,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            inline_svg(svg, label),
            escape(label)
        )?;
    }
    writeln!(out, "<h2>Results</h2>")?;
    writeln!(out, "<div class=\"scroll\"><table><thead><tr>")?;
    for a in &r.axes {
        write!(out, "<th>{}</th>", escape(&a.path))?;
    }
    write!(
        out,
        "<th>model</th><th>agreement</th><th>p05</th><th>p25</th><th>median</th><th>p75</th><th>p95</th><th>mean</th>"
    )?;
    // A package's issues: the median, or the modal label and its share of deals.
    for i in &r.issues {
        write!(out, "<th>{}</th>", escape(&i.key))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for p in &r.points {
        for name in &r.models {
            let Some(m) = p.models.get(name) else {
                continue;
            };
            write!(out, "<tr>")?;
            for x in &p.at {
                write!(out, "<td>{}</td>", sig(*x, 6))?;
            }
            write!(
                out,
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                model_cell(name),
                pct(m.agreement_rate),
                opt(m.p05),
                opt(m.p25),
                opt(m.p50),
                opt(m.p75),
                opt(m.p95),
                opt(m.mean)
            )?;
            for i in &r.issues {
                let c = m
                    .issues
                    .get(&i.key)
                    .map_or_else(|| "–".into(), |x| x.text());
                write!(out, "<td>{}</td>", escape(&c))?;
            }
            writeln!(out, "</tr>")?;
        }
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<p class=\"note\">Quantiles come from each variant's streaming histogram (error at most one fine bin, see <code>summary.json</code>). Files: <code>sweep.json</code>, <code>sweep.csv</code>.</p>"
    )?;
    writeln!(
        out,
        "<footer>bargain {} · sweep</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "</main>\n</body>\n</html>")?;
    Ok(out)
}

/// Write `tornado.svg`/`.png` (for `model`, default the first model) and
/// `sensitivity.html` (tables for every model) into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_sensitivity(
    dir: &Path,
    report: &SensitivityReport,
    model: Option<&str>,
) -> io::Result<()> {
    let shown = model
        .and_then(|name| report.models.iter().find(|m| m.model == name))
        .or(report.models.first());
    let svg = match shown {
        Some(m) => {
            let fig = Tornado { report, model: m };
            write_figure(dir, "tornado", &fig)?;
            Some((svg_string(&fig)?, m.model.clone()))
        }
        None => None,
    };
    let page = sensitivity_page(report, svg.as_ref()).map_err(io::Error::other)?;
    std::fs::write(dir.join("sensitivity.html"), page)
}

fn sobol_cell(e: &Effect, total: bool) -> String {
    match e.sobol {
        Some(s) => {
            let (v, ci) = if total {
                (s.total, s.total_ci)
            } else {
                (s.first, s.first_ci)
            };
            format!("{v:.3} ± {ci:.3}")
        }
        None => "–".to_string(),
    }
}

fn sensitivity_page(
    r: &SensitivityReport,
    tornado: Option<&(String, String)>,
) -> Result<String, fmt::Error> {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("{}: sensitivity", r.scenario.title);
    head(&mut out, &title)?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    writeln!(
        out,
        "<p class=\"lead\">Which uncertain input moves the agreed amount and the chance of a deal. Rank correlations over the first {} trials of the run (seed {}, {}); the agreed amount over the trials that end in a deal, the chance of a deal over all of them.{}</p>",
        r.samples,
        r.seed,
        escape(&r.sampler),
        match r.sobol_samples {
            Some(n) => format!(
                " Sobol indices from a Saltelli design of {n} rows ({} model evaluations per model), with approximate 95% half-widths.",
                n * (r.inputs.len() as u64 + 2)
            ),
            None => " Sobol indices: run with <code>--sobol</code>.".to_string(),
        }
    )?;
    if r.inputs.is_empty() {
        writeln!(
            out,
            "<p>This scenario has no uncertain inputs (every number is a constant): there is nothing to rank.</p>"
        )?;
    }
    if let Some((svg, model)) = tornado {
        let label = format!("Tornado chart of the {model} model");
        writeln!(
            out,
            "<figure>{}<figcaption>{}: bars are partial rank correlations (PRCC), ticks Spearman's ρ. Inputs ordered by their largest |PRCC|.</figcaption></figure>",
            inline_svg(svg, &label),
            escape(&label)
        )?;
    }
    for m in &r.models {
        writeln!(
            out,
            "<h2>{} <span class=\"muted\">({} deals in the sample)</span></h2>",
            model_cell(&m.model),
            m.deals
        )?;
        writeln!(
            out,
            "<div class=\"scroll\"><table><thead><tr><th>input</th><th colspan=\"2\">agreed amount</th><th colspan=\"2\">chance of a deal</th>"
        )?;
        if r.sobol_samples.is_some() {
            writeln!(
                out,
                "<th colspan=\"2\">{sobol}: amount</th><th colspan=\"2\">{sobol}: deal</th>",
                sobol = super::glossary::term("Sobol", "Sobol")
            )?;
        }
        writeln!(
            out,
            "</tr><tr><th></th><th>{rho}</th><th>{prcc}</th><th>{rho}</th><th>{prcc}</th>",
            rho = super::glossary::term("Spearman", "ρ"),
            prcc = super::glossary::term("PRCC", "PRCC")
        )?;
        if r.sobol_samples.is_some() {
            writeln!(
                out,
                "<th>first</th><th>total</th><th>first</th><th>total</th>"
            )?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for j in order(m) {
            let (a, d) = (&m.amount[j], &m.deal[j]);
            write!(
                out,
                "<tr><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                escape(r.label(j)),
                escape(&a.input),
                corr(a.spearman),
                corr(a.prcc),
                corr(d.spearman),
                corr(d.prcc)
            )?;
            if r.sobol_samples.is_some() {
                write!(
                    out,
                    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    sobol_cell(a, false),
                    sobol_cell(a, true),
                    sobol_cell(d, false),
                    sobol_cell(d, true)
                )?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody></table></div>")?;
    }
    writeln!(
        out,
        "<p class=\"note\">ρ: Spearman's rank correlation. PRCC: the rank correlation after removing the linear effect of the other inputs' ranks; near ±1 means the input decides the output's order. A dash: undefined (no variance, e.g. no deals or every trial a deal). The Sobol first-order index is the share of the output's variance due to the input alone, the total index includes its interactions (Saltelli 2010 and Jansen estimators on centred outputs). For the agreed amount, design points without a deal are held at the mean agreed amount, so they add no variance: the indices are those of the amount among deals. The deal indicator's indices are shares of the variance of deal/no deal. Files: <code>sensitivity.json</code>, <code>sensitivity.csv</code>.</p>"
    )?;
    writeln!(out, "{}", super::glossary::NOTE)?;
    writeln!(
        out,
        "<footer>bargain {} · sensitivity</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "</main>\n</body>\n</html>")?;
    Ok(out)
}
