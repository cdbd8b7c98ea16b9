//! The plots of a package run (`[issues]`): `issues` (each issue's agreements per model,
//! from `summary.json`), `heatmap` (deals over two issues per model), `utility` (one
//! trial's outcomes in utility space with the Pareto frontier, the reservation lines and
//! each model's agreement) and `dance` (the negotiation dance in utility space: every
//! offer of a few trials of the `agents` model, with each trial's frontier, reservation
//! lines and agreement). Everything drawn is computed by the commands layer
//! (`commands::package_run`); these figures only place it.

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use serde_json::Value;

use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title, fit_text,
};
use super::style::{INK, MUTED, PAYEE, PAYER, Scale, lighten, model_color, pct_tick_format, sig};

/// One issue as the plots name it.
#[derive(Debug, Clone)]
pub struct IssueAxis {
    /// The issue key.
    pub key: String,
    /// `Some(labels)` for a `choice` issue; `None` for a numeric one.
    pub labels: Option<Vec<String>>,
    /// The range of a numeric issue.
    pub range: (f64, f64),
    /// The unit of its values (empty: none), shown with its name.
    pub unit: String,
    /// The observed deal's value (`[observed]`): a number, or the index of a label.
    pub observed: Option<f64>,
}

impl IssueAxis {
    /// The issue's name with its unit: `amount (trillion KRW)`, `term (years)`.
    #[must_use]
    pub fn title(&self) -> String {
        if self.unit.is_empty() {
            self.key.clone()
        } else {
            format!("{} ({})", self.key, self.unit)
        }
    }
}

/// Deals over two issues, per model, in cells (numeric issues with many values binned).
#[derive(Debug, Clone)]
pub struct HeatMap {
    /// Key of the issue across.
    pub x_key: String,
    /// Key of the issue up.
    pub y_key: String,
    /// The cells' labels across.
    pub x_labels: Vec<String>,
    /// The cells' labels up.
    pub y_labels: Vec<String>,
    /// Per model (report name): deals per cell, `x * y_labels.len() + y`.
    pub counts: Vec<(String, Vec<u64>)>,
    /// The axis titles, with units: `amount (trillion KRW)`.
    pub x_desc: String,
    /// The vertical axis title.
    pub y_desc: String,
    /// The cell `(x, y)` of the observed deal, outlined.
    pub observed: Option<(usize, usize)>,
}

/// One trial in utility space.
#[derive(Debug, Clone)]
pub struct UtilityView {
    /// Which trial, in words (for the subtitle).
    pub which: String,
    /// Utilities of (a sample of) every outcome: first party, second party.
    pub cloud: Vec<(f64, f64)>,
    /// How many outcomes the space has (the cloud may be a sample).
    pub outcomes: usize,
    /// The Pareto frontier, by increasing first-party utility.
    pub frontier: Vec<(f64, f64)>,
    /// The reservation utilities (first, second party).
    pub reservation: (f64, f64),
    /// Each model's agreement in this trial (report name, utilities); absent: no deal.
    pub points: Vec<(String, Option<(f64, f64)>)>,
}

/// One trial's negotiation (the `agents` model) in utility space.
#[derive(Debug, Clone)]
pub struct DanceTrace {
    /// The trial index.
    pub trial: u64,
    /// Every offer in order: who made it (0 the first party, 1 the second) and its
    /// utilities (first party, second party).
    pub offers: Vec<(u8, (f64, f64))>,
    /// The agreement's utilities and its 1-based round; absent: no deal by the deadline.
    pub deal: Option<((f64, f64), u32)>,
    /// The trial's reservation utilities (first, second party).
    pub reservation: (f64, f64),
    /// The trial's Pareto frontier, by increasing first-party utility.
    pub frontier: Vec<(f64, f64)>,
}

/// The negotiation dance in utility space: a few trials of the `agents` model.
#[derive(Debug, Clone)]
pub struct PackageDance {
    /// Which trials, in words (for the subtitle).
    pub which: String,
    /// Each party's strategy kind (`time-based`, `faratin`, …), first party first.
    pub kinds: [String; 2],
    /// The trials, the first drawn darkest and on top.
    pub trials: Vec<DanceTrace>,
}

/// What the package report shows, computed by the commands layer.
#[derive(Debug, Clone)]
pub struct PackageReport<'a> {
    /// `summary.json` of the run.
    pub summary: &'a Value,
    /// The scenario's title.
    pub title: &'a str,
    /// The scenario's description.
    pub description: &'a str,
    /// The scenario's sources.
    pub sources: &'a [String],
    /// The parties' display names (first mover's order as in the file: `a` first).
    pub party_names: [&'a str; 2],
    /// The parties' keys (as in `summary.json`'s `utility` blocks).
    pub party_keys: [&'a str; 2],
    /// The issues, in space order.
    pub issues: Vec<IssueAxis>,
    /// The heat map (absent with one issue).
    pub heat: Option<HeatMap>,
    /// One trial in utility space.
    pub trial: UtilityView,
    /// A few trials' offers in utility space.
    pub dance: PackageDance,
    /// The scenario's inputs and events in words (the "Assumptions" table).
    pub assumptions: Vec<crate::assumptions::Assumption>,
}

/// The colour of a package model (`max-welfare` is no one-issue model: it takes the
/// colour of `attrition`, which packages do not run).
pub(crate) fn package_color(name: &str) -> RGBColor {
    if name == "max-welfare" {
        model_color("attrition")
    } else {
        model_color(name)
    }
}

/// The models of the summary, in its order.
pub(crate) fn models(summary: &Value) -> Vec<(&str, &Value)> {
    summary["models"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// Write `issues`, `heatmap` (with two issues or more), `utility`, `dance` and, with a
/// calendar, `timing`, SVG and PNG.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_package_plots(dir: &Path, r: &PackageReport<'_>) -> io::Result<()> {
    use super::figure::write_figure;
    write_figure(dir, "issues", &Issues { r })?;
    if r.heat.is_some() {
        write_figure(dir, "heatmap", &Heat { r })?;
    }
    write_figure(dir, "utility", &Utility { r })?;
    write_figure(dir, "dance", &Dance { r })?;
    super::package_timing::write_timing_plot(dir, r)
}

/// The plots as SVG documents for inlining: `(stem, caption-less label, svg)`.
pub(crate) fn package_svgs(r: &PackageReport<'_>) -> io::Result<Vec<(&'static str, String)>> {
    use super::figure::svg_string;
    let mut out = vec![("issues", svg_string(&Issues { r })?)];
    if r.heat.is_some() {
        out.push(("heatmap", svg_string(&Heat { r })?));
    }
    out.push(("utility", svg_string(&Utility { r })?));
    out.push(("dance", svg_string(&Dance { r })?));
    Ok(out)
}

/// Panels per row of the issues figure.
const COLUMNS: usize = 2;
/// Height of one row of issue panels, in design pixels.
const ROW_HEIGHT: u32 = 300;

struct Issues<'a> {
    r: &'a PackageReport<'a>,
}

impl Figure for Issues<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.r.issues.len().div_ceil(COLUMNS).max(1) as u32;
        (1000, 110 + ROW_HEIGHT * rows)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.r;
        let top = draw_title(
            root,
            s,
            &format!("{}: agreements by issue", r.title),
            "numeric issues: p05–p95 bar, min–max line, median tick; choices: share of deals; dashed line or outline: the observed deal",
        )?;
        let models = models(r.summary);
        let (_, h) = root.dim_in_pixel();
        let legend_h = s.px(30.0);
        let body = root.margin(top as u32, legend_h as u32, 0, 0);
        // Legend in one row at the bottom.
        let mut x = s.px(16.0);
        let legend_y = h as i32 - legend_h;
        for (name, _) in &models {
            let width = s.px(40.0) + root.estimate_text_size(name, &s.text(14.0))?.0 as i32;
            draw_legend(
                root,
                s,
                (x, legend_y),
                width as u32,
                &[(Swatch::Fill(package_color(name), 0.8), (*name).to_string())],
            )?;
            x += width + s.px(16.0);
        }
        if r.issues.is_empty() || models.is_empty() {
            return draw_message(&body, s, "nothing to show");
        }
        let rows = r.issues.len().div_ceil(COLUMNS);
        let cols = if r.issues.len() == 1 { 1 } else { COLUMNS };
        let panels = body.split_evenly((rows, cols));
        for (issue, panel) in r.issues.iter().zip(&panels) {
            match &issue.labels {
                Some(labels) => choice_panel(panel, s, issue, labels, &models)?,
                None => numeric_panel(panel, s, issue, &models)?,
            }
        }
        Ok(())
    }
}

fn numeric_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    issue: &IssueAxis,
    models: &[(&str, &Value)],
) -> DrawResult {
    let (lo, hi) = issue.range;
    let pad = ((hi - lo) * 0.04).max(1e-9);
    let n = models.len() as f64;
    let f = |v: &Value, k: &str| v["issues"][&issue.key][k].as_f64();
    let mut chart = ChartBuilder::on(area)
        .caption(issue.title(), s.bold(16.0))
        .margin_left(s.px(8.0))
        .margin_right(s.px(20.0))
        .margin_bottom(s.px(6.0))
        .x_label_area_size(s.px(34.0))
        .y_label_area_size(s.px(150.0))
        .build_cartesian_2d(lo - pad..hi + pad, -0.5..n - 0.5)?;
    let names: Vec<String> = models.iter().map(|(m, _)| (*m).to_string()).collect();
    let fy = |y: &f64| {
        let k = y.round();
        if (y - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
            names[names.len() - 1 - k as usize].clone()
        } else {
            String::new()
        }
    };
    let fx = |x: &f64| sig(*x, 4);
    house_mesh(&mut chart, s)
        .disable_y_mesh()
        .x_labels(6)
        .y_labels(models.len())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(14.0))
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    for (k, (name, m)) in models.iter().enumerate() {
        let y = n - 1.0 - k as f64;
        let c = package_color(name);
        let (Some(min), Some(p05), Some(p50), Some(p95), Some(max)) = (
            f(m, "min"),
            f(m, "p05"),
            f(m, "p50"),
            f(m, "p95"),
            f(m, "max"),
        ) else {
            let (x0, _) = chart.backend_coord(&(lo, y));
            let (bx, by) = area.get_base_pixel();
            let (_, py) = chart.backend_coord(&(lo, y));
            area.draw(&Text::new(
                "no deals",
                (x0 - bx + s.px(6.0), py - by - s.px(8.0)),
                s.muted(14.0),
            ))?;
            continue;
        };
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(min, y), (max, y)],
            c.stroke_width(s.upx(2.0)),
        )))?;
        let half = 0.28;
        let w = ((hi - lo) * 0.004).max(1e-12);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(p05, y - half), (p95.max(p05 + w), y + half)],
            c.mix(0.75).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p50, y - half - 0.08), (p50, y + half + 0.08)],
            INK.stroke_width(s.upx(3.0)),
        )))?;
    }
    if let Some(x) = issue.observed {
        chart.draw_series(DashedLineSeries::new(
            vec![(x, -0.5), (x, n - 0.5)],
            s.px(6.0),
            s.px(4.0),
            INK.stroke_width(s.upx(2.0)),
        ))?;
        let (px, py) = chart.backend_coord(&(x, n - 0.5));
        let (bx, by) = area.get_base_pixel();
        area.draw(&Text::new(
            format!("observed {}", sig(x, 4)),
            (px - bx + s.px(4.0), py - by + s.px(2.0)),
            s.text(13.0),
        ))?;
    }
    Ok(())
}

fn choice_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    issue: &IssueAxis,
    labels: &[String],
    models: &[(&str, &Value)],
) -> DrawResult {
    let nl = labels.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(issue.title(), s.bold(16.0))
        .margin_left(s.px(8.0))
        .margin_right(s.px(20.0))
        .margin_bottom(s.px(6.0))
        .x_label_area_size(s.px(34.0))
        .y_label_area_size(s.px(60.0))
        .build_cartesian_2d(-0.5..nl as f64 - 0.5, 0.0..1.08)?;
    // Labels shortened to their column's width.
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let col_w = ((xr.end - xr.start) / nl as i32 - s.px(6.0)).max(0) as u32;
    let mut short = Vec::with_capacity(labels.len());
    for l in labels {
        short.push(fit_text(area, l, &s.text(14.0), col_w)?);
    }
    let fx = |x: &f64| {
        let k = x.round();
        if (x - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < short.len() {
            short[k as usize].clone()
        } else {
            String::new()
        }
    };
    let fy = pct_tick_format(1.0);
    house_mesh(&mut chart, s)
        .disable_x_mesh()
        .x_labels(nl)
        .y_labels(5)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(14.0))
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    let group = 0.8;
    let bw = group / models.len().max(1) as f64;
    for (k, (name, m)) in models.iter().enumerate() {
        let counts = &m["issues"][&issue.key]["counts"];
        let total: u64 = labels.iter().filter_map(|l| counts[l].as_u64()).sum();
        if total == 0 {
            continue;
        }
        let c = package_color(name);
        let bars = labels.iter().enumerate().filter_map(|(i, l)| {
            let share = counts[l].as_u64()? as f64 / total as f64;
            (share > 0.0).then(|| {
                let x = i as f64 - group / 2.0 + bw * k as f64;
                Rectangle::new([(x, 0.0), (x + bw * 0.92, share)], c.filled())
            })
        });
        chart.draw_series(bars)?;
    }
    if let Some(k) = issue.observed {
        // The observed label: its column outlined, with a note above it.
        let x = k.round();
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.46, 0.0), (x + 0.46, 1.04)],
            INK.stroke_width(s.upx(2.0)),
        )))?;
        let (px, py) = chart.backend_coord(&(x - 0.44, 1.04));
        let (bx, by) = area.get_base_pixel();
        area.draw(&Text::new(
            "observed",
            (px - bx + s.px(2.0), py - by + s.px(2.0)),
            s.text(13.0),
        ))?;
    }
    Ok(())
}

struct Heat<'a> {
    r: &'a PackageReport<'a>,
}

impl Figure for Heat<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 720)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let Some(heat) = &self.r.heat else {
            return draw_message(root, s, "one issue: no heat map");
        };
        let top = draw_title(
            root,
            s,
            &format!("{}: deals by {} × {}", self.r.title, heat.x_key, heat.y_key),
            "share of each model's deals per cell (scale beside each panel); no deals: blank; outlined: the observed deal",
        )?;
        let body = root.margin(top as u32, 0, 0, 0);
        let n = heat.counts.len().max(1);
        let cols = if n == 1 { 1 } else { 2 };
        let rows = n.div_ceil(cols);
        let panels = body.split_evenly((rows, cols));
        for ((name, counts), panel) in heat.counts.iter().zip(&panels) {
            heat_panel(panel, s, heat, name, counts)?;
        }
        Ok(())
    }
}

fn heat_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    heat: &HeatMap,
    name: &str,
    counts: &[u64],
) -> DrawResult {
    let (nx, ny) = (heat.x_labels.len(), heat.y_labels.len());
    let total: u64 = counts.iter().sum();
    let peak = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let caption = if total == 0 {
        format!("{name}: no deals")
    } else {
        name.to_string()
    };
    let y_label_w = heat
        .y_labels
        .iter()
        .map(|l| area.estimate_text_size(l, &s.text(13.0)).map(|d| d.0))
        .try_fold(0u32, |a, b| b.map(|b| a.max(b)))?;
    let (w, _) = area.dim_in_pixel();
    let (area, scale_area) = area.split_horizontally(w as i32 - s.px(64.0));
    let area = &area;
    let c = package_color(name);
    if total > 0 {
        let top = format!("{:.1}%", 100.0 * peak / total as f64);
        colour_scale(&scale_area, s, c, &top, "0%")?;
    }
    let mut chart = ChartBuilder::on(area)
        .caption(caption, s.bold(16.0).color(&package_color(name)))
        .margin_left(s.px(8.0))
        .margin_right(s.px(20.0))
        .margin_bottom(s.px(6.0))
        .x_label_area_size(s.px(52.0))
        .y_label_area_size(y_label_w as i32 + s.px(40.0))
        .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    // At most as many x labels as fit side by side.
    let widest = heat
        .x_labels
        .iter()
        .map(|l| area.estimate_text_size(l, &s.text(13.0)).map(|d| d.0))
        .try_fold(0u32, |a, b| b.map(|b| a.max(b)))?;
    let room = ((xr.end - xr.start).max(1) as u32 / (widest + s.upx(12.0)).max(1)).max(1) as usize;
    let every = nx.div_ceil(room).max(1);
    let fx = |x: &f64| {
        let k = x.round();
        if (x - k).abs() < 1e-6
            && k >= 0.0
            && (k as usize) < nx
            && (k as usize).is_multiple_of(every)
        {
            heat.x_labels[k as usize].clone()
        } else {
            String::new()
        }
    };
    let fy = |y: &f64| {
        let k = y.round();
        if (y - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < ny {
            heat.y_labels[k as usize].clone()
        } else {
            String::new()
        }
    };
    house_mesh(&mut chart, s)
        .disable_mesh()
        .x_labels(nx)
        .y_labels(ny)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(14.0))
        .x_desc(heat.x_desc.as_str())
        .y_desc(heat.y_desc.as_str())
        .set_all_tick_mark_size(s.px(3.0))
        .draw()?;
    let cells = (0..nx)
        .flat_map(|x| (0..ny).map(move |y| (x, y)))
        .filter_map(|(x, y)| {
            let v = counts.get(x * ny + y).copied().unwrap_or(0);
            (v > 0).then(|| {
                let t = 0.88 * (1.0 - v as f64 / peak);
                Rectangle::new(
                    [
                        (x as f64 - 0.5, y as f64 - 0.5),
                        (x as f64 + 0.5, y as f64 + 0.5),
                    ],
                    lighten(c, t).filled(),
                )
            })
        });
    chart.draw_series(cells)?;
    if let Some((x, y)) = heat.observed {
        let (x, y) = (x as f64, y as f64);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
            INK.stroke_width(s.upx(3.0)),
        )))?;
    }
    Ok(())
}

/// A vertical colour scale for a heat-map panel, in the shades of `c` its cells use
/// (`lighten(c, 0.88 · (1 − t))` for `t` from 0 at the bottom to 1 at the top), labelled
/// `bottom` and `top` (e.g. no deals and the share of the largest cell).
pub(crate) fn colour_scale<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    c: RGBColor,
    top: &str,
    bottom: &str,
) -> DrawResult {
    let (_, h) = area.dim_in_pixel();
    let (x0, x1) = (s.px(6.0), s.px(20.0));
    let (y0, y1) = (s.px(44.0), h as i32 - s.px(70.0));
    let steps = 24;
    for k in 0..steps {
        let t = (k as f64 + 0.5) / steps as f64;
        let ya = y1 - ((y1 - y0) as f64 * (k + 1) as f64 / steps as f64) as i32;
        let yb = y1 - ((y1 - y0) as f64 * k as f64 / steps as f64) as i32;
        area.draw(&Rectangle::new(
            [(x0, ya), (x1, yb)],
            lighten(c, 0.88 * (1.0 - t)).filled(),
        ))?;
    }
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], MUTED.stroke_width(1)))?;
    area.draw(&Text::new(
        top.to_owned(),
        (x0, y0 - s.px(18.0)),
        s.text(12.0),
    ))?;
    area.draw(&Text::new(
        bottom.to_owned(),
        (x0, y1 + s.px(4.0)),
        s.text(12.0),
    ))?;
    Ok(())
}

struct Utility<'a> {
    r: &'a PackageReport<'a>,
}

/// Width of the utility figure's legend column.
const LEGEND_WIDTH: f64 = 270.0;

impl Figure for Utility<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 640)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.r;
        let t = &r.trial;
        let top = draw_title(
            root,
            s,
            &format!("{}: deals in utility space", r.title),
            &format!(
                "{}; grey: {} outcomes{}",
                t.which,
                t.outcomes,
                if t.cloud.len() < t.outcomes {
                    format!(" ({} shown)", t.cloud.len())
                } else {
                    String::new()
                }
            ),
        )?;
        let (w, _) = root.dim_in_pixel();
        let legend_w = s.px(LEGEND_WIDTH);
        let (plot, legend) = root
            .margin(top as u32, 0, 0, 0)
            .split_horizontally(w as i32 - legend_w);
        let mut chart = utility_axes(&plot, s, -0.02..1.02, r.party_names)?;
        let cloud = lighten(MUTED, 0.45);
        chart.draw_series(
            t.cloud
                .iter()
                .map(|&p| Circle::new(p, s.px(2.0), cloud.filled())),
        )?;
        let (ra, rb) = t.reservation;
        for line in [vec![(ra, -0.02), (ra, 1.02)], vec![(-0.02, rb), (1.02, rb)]] {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                line,
                s.px(6.0),
                s.px(4.0),
                MUTED.stroke_width(s.upx(1.5)),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            t.frontier.clone(),
            INK.stroke_width(s.upx(2.0)),
        )))?;
        chart.draw_series(
            t.frontier
                .iter()
                .map(|&p| Circle::new(p, s.px(2.5), INK.filled())),
        )?;
        // Models' agreements: rings of decreasing size, so coinciding points stay visible.
        let n = t.points.len();
        for (k, (name, p)) in t.points.iter().enumerate() {
            if let Some(p) = p {
                let radius = 7.0 + 4.0 * (n - 1 - k) as f64;
                chart.draw_series(std::iter::once(Circle::new(
                    *p,
                    s.px(radius),
                    package_color(name).stroke_width(s.upx(3.0)),
                )))?;
            }
        }
        let mut entries = vec![(Swatch::None, "this trial's agreements".to_string())];
        for (name, p) in &t.points {
            let text = match p {
                Some((a, b)) => format!("{name} ({}, {})", sig(*a, 3), sig(*b, 3)),
                None => format!("{name}: no deal"),
            };
            entries.push((Swatch::Ring(package_color(name)), text));
        }
        entries.push((Swatch::None, String::new()));
        entries.push((Swatch::Line(INK), "Pareto frontier".to_string()));
        entries.push((Swatch::Dashed(MUTED), "reservation utilities".to_string()));
        entries.push((Swatch::None, format!("({}, {})", sig(ra, 3), sig(rb, 3))));
        draw_legend(
            &legend,
            s,
            (s.px(4.0), s.px(20.0)),
            (legend_w - s.px(12.0)).max(0) as u32,
            &entries,
        )?;
        Ok(())
    }
}

/// The two parties' colours in the dance (first party, second party).
const PARTY_COLORS: [RGBColor; 2] = [PAYEE, PAYER];
/// Trials listed one by one in the dance's legend.
const LISTED_TRIALS: usize = 6;

/// How light trial `i` of `n` is drawn (the first trial darkest).
fn shade(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        0.6 * i as f64 / (n - 1) as f64
    }
}

/// The plotted range of the dance: `[0, 1]` widened to every offer and reservation.
fn dance_range(d: &PackageDance) -> (f64, f64) {
    let mut lo = 0.0f64;
    let mut hi = 1.0f64;
    for t in &d.trials {
        let (ra, rb) = t.reservation;
        for v in t
            .offers
            .iter()
            .flat_map(|(_, (a, b))| [*a, *b])
            .chain([ra, rb])
            .filter(|v| v.is_finite())
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let pad = (hi - lo) * 0.02;
    (lo - pad, hi + pad)
}

struct Dance<'a> {
    r: &'a PackageReport<'a>,
}

impl Figure for Dance<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 680)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.r;
        let d = &r.dance;
        let n = d.trials.len();
        let top = draw_title(
            root,
            s,
            &format!("{}: the negotiation dance in utility space", r.title),
            &format!(
                "every offer of the agents model, {}; each party's offers joined in order",
                d.which
            ),
        )?;
        let (w, _) = root.dim_in_pixel();
        let legend_w = s.px(LEGEND_WIDTH);
        let (plot, legend) = root
            .margin(top as u32, 0, 0, 0)
            .split_horizontally(w as i32 - legend_w);
        let mut entries = Vec::new();
        for ((color, name), kind) in PARTY_COLORS.iter().zip(r.party_names).zip(&d.kinds) {
            entries.push((Swatch::Line(*color), format!("{name} ({kind}) offers")));
        }
        entries.push((Swatch::Ring(INK), "agreement".to_string()));
        entries.push((Swatch::Line(MUTED), "Pareto frontier".to_string()));
        entries.push((Swatch::Dashed(MUTED), "reservation utilities".to_string()));
        entries.push((Swatch::None, String::new()));
        entries.push((
            Swatch::None,
            "trials, darkest first (round, utilities):".to_string(),
        ));
        for (i, t) in d.trials.iter().enumerate().take(LISTED_TRIALS) {
            let f = shade(i, n);
            let what = match t.deal {
                Some(((a, b), round)) => {
                    format!("round {round}, ({}, {})", sig(a, 2), sig(b, 2))
                }
                None => "no deal".to_string(),
            };
            entries.push((
                Swatch::Pair(lighten(PARTY_COLORS[0], f), lighten(PARTY_COLORS[1], f)),
                format!("trial {}: {what}", t.trial),
            ));
        }
        if n > LISTED_TRIALS {
            entries.push((Swatch::None, format!("… and {} more", n - LISTED_TRIALS)));
        }
        draw_legend(
            &legend,
            s,
            (s.px(4.0), s.px(20.0)),
            (legend_w - s.px(12.0)).max(0) as u32,
            &entries,
        )?;
        if d.trials.iter().all(|t| t.offers.is_empty()) {
            return draw_message(&plot, s, "no offers to show");
        }
        let (lo, hi) = dance_range(d);
        let mut chart = utility_axes(&plot, s, lo..hi, r.party_names)?;
        // Lightest trial first, so the first trial is on top.
        for (i, t) in d.trials.iter().enumerate().rev() {
            let f = shade(i, n);
            let line = lighten(MUTED, 0.3 + f * 0.5);
            chart.draw_series(std::iter::once(PathElement::new(
                t.frontier.clone(),
                line.stroke_width(s.upx(1.5)),
            )))?;
            let (ra, rb) = t.reservation;
            for seg in [vec![(ra, lo), (ra, hi)], vec![(lo, rb), (hi, rb)]] {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    seg,
                    s.px(6.0),
                    s.px(4.0),
                    line.stroke_width(s.upx(1.2)),
                )))?;
            }
        }
        for (i, t) in d.trials.iter().enumerate().rev() {
            let f = shade(i, n);
            for (k, base) in PARTY_COLORS.iter().enumerate() {
                let color = lighten(*base, f);
                let pts: Vec<(f64, f64)> = t
                    .offers
                    .iter()
                    .filter(|(by, _)| usize::from(*by) == k)
                    .map(|(_, p)| *p)
                    .collect();
                chart.draw_series(LineSeries::new(
                    pts.iter().copied(),
                    color.stroke_width(s.upx(1.5)),
                ))?;
                chart.draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, s.px(3.5), color.filled())),
                )?;
                // The opening offer: a larger hollow marker.
                if let Some(&first) = pts.first() {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [
                            (first.0 - (hi - lo) * 0.008, first.1 - (hi - lo) * 0.008),
                            (first.0 + (hi - lo) * 0.008, first.1 + (hi - lo) * 0.008),
                        ],
                        color.stroke_width(s.upx(2.0)),
                    )))?;
                }
            }
            if let Some((p, _)) = t.deal {
                chart.draw_series(std::iter::once(Circle::new(
                    p,
                    s.px(9.0),
                    lighten(INK, f).stroke_width(s.upx(3.0)),
                )))?;
            }
        }
        Ok(())
    }
}

/// The square chart of utilities that the utility and dance plots draw on: `range` on
/// both axes, the house mesh, each axis named for its party.
fn utility_axes<'a, DB: Backend>(
    plot: &'a DrawingArea<DB, Shift>,
    s: Scale,
    range: std::ops::Range<f64>,
    names: [&str; 2],
) -> DrawResult<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(plot)
        .margin_left(s.px(8.0))
        .margin_right(s.px(16.0))
        .margin_bottom(s.px(8.0))
        .x_label_area_size(s.px(56.0))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(range.clone(), range)?;
    let fmt = |v: &f64| sig(*v, 2);
    house_mesh(&mut chart, s)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .x_desc(format!("utility of {}", names[0]))
        .y_desc(format!("utility of {}", names[1]))
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;
    Ok(chart)
}
