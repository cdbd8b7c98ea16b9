//! `report.html` of a package run: one self-contained page (inline style and SVG, no
//! script) with the models' deal rates and mean utilities, a table per issue (numeric:
//! p05/p50/p95 from `summary.json`; choice: shares of deals), the plots and the sources.

use std::fmt::{self, Write as _};
use std::io;
use std::path::Path;

use super::html::{escape, head, inline_svg, model_cell};
use super::package_plots::{PackageReport, models, package_svgs};
use super::style::{pct, sig};

/// Write `report.html` of a package run into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_package_html(dir: &Path, r: &PackageReport<'_>) -> io::Result<()> {
    let svgs = package_svgs(r)?;
    let timing = super::package_timing::html_section(r)?;
    let page = page(r, &svgs, &timing).map_err(io::Error::other)?;
    std::fs::write(dir.join("report.html"), page)
}

fn num(v: &serde_json::Value) -> String {
    v.as_f64().map_or_else(|| "–".to_string(), |x| sig(x, 4))
}

fn page(
    r: &PackageReport<'_>,
    svgs: &[(&str, String)],
    timing: &str,
) -> Result<String, fmt::Error> {
    let s = r.summary;
    let mut out = String::new();
    head(&mut out, r.title)?;
    writeln!(out, "<h1>{}</h1>", escape(r.title))?;
    writeln!(
        out,
        "<p class=\"lead\">{}</p>",
        escape(r.description.trim())
    )?;
    writeln!(
        out,
        "<p class=\"note\">Package scenario: {} issues ({}), {} outcomes; {} trials, seed {}.</p>",
        r.issues.len(),
        escape(
            &r.issues
                .iter()
                .map(|i| i.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        num(&s["package"]["outcomes"]),
        num(&s["trials"]),
        num(&s["seed"]),
    )?;
    let ms = models(s);

    writeln!(out, "<h2>Deals</h2>\n<div class=\"scroll\"><table>")?;
    write!(
        out,
        "<thead><tr><th>model</th><th>deal rate</th><th>deals</th><th>mean round</th>"
    )?;
    for (name, key) in r.party_names.iter().zip(r.party_keys) {
        write!(
            out,
            "<th>mean utility of {}</th>",
            escape(if name.is_empty() { key } else { name })
        )?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for (name, m) in &ms {
        write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            model_cell(name),
            m["agreement_rate"].as_f64().map_or("–".into(), pct),
            num(&m["outcomes"]["deal"]),
            num(&m["round"]["mean"]),
        )?;
        for key in r.party_keys {
            write!(out, "<td>{}</td>", num(&m["utility"][key]))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")?;

    writeln!(out, "<h2>Issues</h2>")?;
    for issue in &r.issues {
        writeln!(
            out,
            "<h3>{}</h3>\n<div class=\"scroll\"><table>",
            escape(&issue.title())
        )?;
        match &issue.labels {
            None => {
                writeln!(
                    out,
                    "<thead><tr><th>model</th><th>p05</th><th>median</th><th>p95</th><th>mean</th></tr></thead><tbody>"
                )?;
                for (name, m) in &ms {
                    let b = &m["issues"][&issue.key];
                    writeln!(
                        out,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        model_cell(name),
                        num(&b["p05"]),
                        num(&b["p50"]),
                        num(&b["p95"]),
                        num(&b["mean"]),
                    )?;
                }
                if let Some(x) = issue.observed {
                    writeln!(
                        out,
                        "<tr><td><b>observed</b></td><td colspan=\"4\">{}</td></tr>",
                        num(&serde_json::json!(x))
                    )?;
                }
            }
            Some(labels) => {
                write!(out, "<thead><tr><th>model</th>")?;
                for l in labels {
                    write!(out, "<th>{}</th>", escape(l))?;
                }
                writeln!(out, "</tr></thead><tbody>")?;
                for (name, m) in &ms {
                    let c = &m["issues"][&issue.key]["counts"];
                    let total: u64 = labels.iter().filter_map(|l| c[l].as_u64()).sum();
                    write!(out, "<tr><td>{}</td>", model_cell(name))?;
                    for l in labels {
                        let cell = match c[l].as_u64() {
                            Some(n) if total > 0 => pct(n as f64 / total as f64),
                            _ => "–".to_string(),
                        };
                        write!(out, "<td>{cell}</td>")?;
                    }
                    writeln!(out, "</tr>")?;
                }
                if let Some(k) = issue.observed {
                    write!(out, "<tr><td><b>observed</b></td>")?;
                    for (i, _) in labels.iter().enumerate() {
                        let mark = if i as f64 == k { "✓" } else { "" };
                        write!(out, "<td>{mark}</td>")?;
                    }
                    writeln!(out, "</tr>")?;
                }
            }
        }
        writeln!(out, "</tbody></table></div>")?;
    }
    writeln!(
        out,
        "<p class=\"note\">Shares and quantiles are of each model's deals.</p>"
    )?;
    out.push_str(timing);

    writeln!(out, "<h2>Plots</h2>")?;
    for (stem, svg) in svgs {
        let caption = match *stem {
            "issues" => "Each issue's agreements per model.".to_string(),
            "heatmap" => "Deals over two issues per model.".to_string(),
            "dance" => format!(
                "The negotiation dance in utility space, {}: each party's offers in order (a square marks its opening offer), each trial's Pareto frontier and reservation lines, and the agreement.",
                r.dance.which
            ),
            _ => format!(
                "{}: every outcome, the Pareto frontier, the reservation lines and each model's agreement (nash and kalai-smorodinsky are the Nash and Kalai–Smorodinsky points on the frontier).",
                r.trial.which
            ),
        };
        writeln!(
            out,
            "<figure>{}<figcaption>{} (<code>{stem}.svg</code>, <code>{stem}.png</code>)</figcaption></figure>",
            inline_svg(svg, stem),
            escape(&caption)
        )?;
    }

    super::html::assumptions_table(
        &mut out,
        &r.assumptions,
        "As written in the scenario file (utilities on [0, 1]; amounts, lapse costs and \
         ratification limits in the amount issue's unit). Events change values from the \
         first round on or after their date.",
    )?;

    if !r.sources.is_empty() {
        writeln!(out, "<h2>Sources</h2>\n<ol class=\"sources\">")?;
        for src in r.sources {
            writeln!(out, "<li>{}</li>", escape(src))?;
        }
        writeln!(out, "</ol>")?;
    }
    writeln!(
        out,
        "<footer>bargain {} · package report</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    )?;
    Ok(out)
}
