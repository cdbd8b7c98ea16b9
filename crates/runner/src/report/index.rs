//! The index of a multi-scenario run: `index.json`, `distributions.svg`/`.png` and
//! `index.html`.

use std::fmt::{self, Write};
use std::io;
use std::path::Path;

use serde::Serialize;

use super::IndexEntry;
use super::figure::{svg_string, write_figure};
use super::html::{Num, escape, head, inline_svg, model_cell, quantile};
use super::ordered_models;
use super::ridgeline::Distributions;
use super::style::pct;

/// Format name written into `index.json`.
pub const INDEX_FORMAT: &str = "bargain-index";
/// Version of the `index.json` format.
pub const INDEX_VERSION: u32 = 1;

/// `index.json`.
#[derive(Debug, Serialize)]
struct IndexFile<'a> {
    format: &'static str,
    version: u32,
    rows: Vec<IndexRow<'a>>,
}

/// One (scenario, model) row of `index.json`.
#[derive(Debug, Serialize)]
struct IndexRow<'a> {
    name: &'a str,
    title: &'a str,
    unit: &'a str,
    model: &'a str,
    trials: u64,
    agreement_rate: Option<f64>,
    p05: Option<f64>,
    p25: Option<f64>,
    p50: Option<f64>,
    p75: Option<f64>,
    p95: Option<f64>,
    mean: Option<f64>,
    /// The scenario's report folder, as given.
    link: &'a str,
    /// The scenario's `report.html`, relative to the index.
    report: String,
}

/// The path of an entry's `report.html` relative to the index folder.
fn report_href(link: &str) -> String {
    let link = link.trim_end_matches('/');
    if link.is_empty() {
        "report.html".to_string()
    } else {
        format!("{link}/report.html")
    }
}

fn rows<'a>(entries: &'a [IndexEntry<'a>]) -> Vec<IndexRow<'a>> {
    let mut rows = Vec::new();
    for e in entries {
        let sc = &e.summary.scenario;
        for (model, m) in ordered_models(e.summary) {
            let q = |k: &str| quantile(m, k);
            rows.push(IndexRow {
                name: &sc.name,
                title: &sc.title,
                unit: &sc.unit,
                model,
                trials: m.trials,
                agreement_rate: Some(m.agreement_rate).filter(|x| x.is_finite()),
                p05: q("p05"),
                p25: q("p25"),
                p50: q("p50"),
                p75: q("p75"),
                p95: q("p95"),
                mean: m.amount.as_ref().map(|a| a.mean).filter(|x| x.is_finite()),
                link: &e.link,
                report: report_href(&e.link),
            });
        }
    }
    rows
}

/// Write the index of a multi-scenario run into `dir`:
///
/// - `index.json`: one row per (scenario, model) with name, title, unit, model, trials,
///   agreement rate, p05/p25/p50/p75/p95, mean and the link to the scenario's report
///   (`null` where a model has no deals), in the order of `entries` and of the models;
/// - `distributions.svg`/`.png`: a ridgeline plot, one row per (scenario, model), one
///   panel per unit, each row normalized to its peak, with the median and the central 90%;
/// - `index.html`: a self-contained page with the plot and a table linking every
///   scenario's `report.html` (`<link>/report.html`).
///
/// # Errors
///
/// Any I/O or rendering error.
pub fn write_index(dir: &Path, entries: &[IndexEntry<'_>]) -> io::Result<()> {
    let file = IndexFile {
        format: INDEX_FORMAT,
        version: INDEX_VERSION,
        rows: rows(entries),
    };
    let mut json = serde_json::to_string_pretty(&file).map_err(io::Error::other)?;
    json.push('\n');
    std::fs::write(dir.join("index.json"), json)?;

    let fig = Distributions::new(entries);
    write_figure(dir, "distributions", &fig)?;
    let svg = svg_string(&fig)?;
    let page = page(entries, &svg).map_err(io::Error::other)?;
    std::fs::write(dir.join("index.html"), page)
}

fn page(entries: &[IndexEntry<'_>], svg: &str) -> Result<String, fmt::Error> {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!(
        "bargain: {} scenario{}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    );
    head(&mut out, &title)?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    writeln!(
        out,
        "<p class=\"lead\">Agreement rates and agreed amounts of every scenario and model. \
         Follow a scenario's name to its full report.</p>"
    )?;
    writeln!(
        out,
        "<figure>{}<figcaption>Each row is normalized to its own peak; black tick: median; \
         grey bar: central 90% (p05–p95); red line with a triangle: the scenario's observed \
         amount, where it has one. The agreement rate of each row is written at its right. \
         One panel per unit.</figcaption></figure>",
        inline_svg(svg, "Distributions of agreed amounts by scenario and model")
    )?;
    writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>scenario</th><th>unit</th><th>model</th>\
         <th>trials</th><th>agreement</th><th>p05</th><th>p25</th><th>p50</th><th>p75</th>\
         <th>p95</th><th>mean</th></tr></thead><tbody>"
    )?;
    for e in entries {
        let sc = &e.summary.scenario;
        let models = ordered_models(e.summary);
        let num = Num::for_summary(e.summary);
        let span = models.len().max(1);
        let cell = format!(
            "<td rowspan=\"{span}\"><a href=\"{}\">{}</a><br><span class=\"muted\">{}</span></td>\
             <td rowspan=\"{span}\">{}</td>",
            escape(&report_href(&e.link)),
            escape(&sc.name),
            escape(&sc.title),
            escape(&sc.unit)
        );
        if models.is_empty() {
            writeln!(out, "<tr>{cell}<td colspan=\"9\">no models</td></tr>")?;
        }
        for (i, (model, m)) in models.into_iter().enumerate() {
            let q = |k: &str| num.opt(quantile(m, k));
            let mean = num.opt(m.amount.as_ref().map(|a| a.mean).filter(|x| x.is_finite()));
            writeln!(
                out,
                "<tr>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{mean}</td></tr>",
                if i == 0 { cell.as_str() } else { "" },
                model_cell(model),
                m.trials,
                pct(m.agreement_rate),
                q("p05"),
                q("p25"),
                q("p50"),
                q("p75"),
                q("p95"),
            )?;
        }
    }
    writeln!(out, "</tbody></table></div>")?;
    writeln!(
        out,
        "<footer>index of {} scenario run{} · generated by bargain</footer>",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    )?;
    writeln!(out, "</main>\n</body>\n</html>")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::report_href;

    #[test]
    fn links_point_at_reports() {
        assert_eq!(report_href("sma-2019"), "sma-2019/report.html");
        assert_eq!(report_href("runs/sma/"), "runs/sma/report.html");
        assert_eq!(report_href(""), "report.html");
    }
}
