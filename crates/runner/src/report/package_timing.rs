//! The timing of a package run with a `[calendar]`: the `timing.svg`/`.png` plot and the
//! "Timing" section of its `report.html`, drawn by the one-issue figure
//! (`timing_plot::Timing`) from the `timing` blocks of the package's `summary.json`.

use std::io;
use std::path::Path;

use serde_json::Value;

use super::figure::{svg_string, write_figure};
use super::package_plots::{PackageReport, models, package_color};
use super::timing_plot::{Timing, section};
use crate::timing::TimingSummary;

/// Each model's `timing` block in the summary's order (empty without a calendar).
fn timings(summary: &Value) -> Vec<(&str, TimingSummary)> {
    models(summary)
        .into_iter()
        .filter_map(|(name, m)| {
            let t = serde_json::from_value(m.get("timing")?.clone()).ok()?;
            Some((name, t))
        })
        .collect()
}

/// The figure over `blocks` (`None` when no model has a `timing` block).
fn figure<'a>(title: &'a str, blocks: &'a [(&'a str, TimingSummary)]) -> Option<Timing<'a>> {
    (!blocks.is_empty()).then(|| Timing {
        title,
        models: blocks.iter().map(|(n, t)| (*n, t)).collect(),
        color: package_color,
    })
}

/// Write `timing.svg`/`.png` of a package run with a calendar into `dir` (nothing
/// without one).
///
/// # Errors
/// Any I/O or rendering error.
pub(crate) fn write_timing_plot(dir: &Path, r: &PackageReport<'_>) -> io::Result<()> {
    let blocks = timings(r.summary);
    match figure(r.title, &blocks) {
        Some(f) => write_figure(dir, "timing", &f),
        None => Ok(()),
    }
}

/// The "Timing" section of a package `report.html` (empty without a calendar): the
/// calendar, a table per model and the inline plot.
///
/// # Errors
/// Any rendering error.
pub(crate) fn html_section(r: &PackageReport<'_>) -> io::Result<String> {
    let blocks = timings(r.summary);
    let Some(f) = figure(r.title, &blocks) else {
        return Ok(String::new());
    };
    let svg = svg_string(&f)?;
    Ok(section(&f.models, &svg, package_cell))
}

/// A model's name with its package colour's swatch.
fn package_cell(name: &str) -> String {
    let c = package_color(name);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}",
        c.0,
        c.1,
        c.2,
        super::html::escape(name)
    )
}
