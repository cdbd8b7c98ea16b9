//! `sweep-issues.svg`/`.png`: the issues of a swept package scenario other than its amount
//! (which the fan chart shows), one row per issue and one panel per model, along the
//! swept field of a one-field sweep. A number or integer issue shows the median agreed
//! value and the band from its 5th to its 95th percentile among deals; a choice issue
//! shows each label's share of the deals, stacked. Everything drawn is `sweep.json`'s.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Backend, DrawResult, Figure, draw_title, fit_text, house_mesh};
use super::package_plots::package_color;
use super::style::{INK, Scale, darken, integer_ticks, lighten, pct_tick_format, tick_format};
use super::sweep_plot::field_unit;
use crate::analysis::sweep::{IssueStat, SweepIssue, SweepReport};

/// Height of the title block.
pub(crate) const TITLE_H: u32 = 70;
/// Height of one issue's row: its heading and the panels.
pub(crate) const ROW_H: u32 = 300;
/// Height of a row's heading (issue name, legend of labels).
pub(crate) const HEAD_H: u32 = 30;
/// Smallest width of one panel.
pub(crate) const PANEL_W: u32 = 300;

/// Colours of a choice issue's labels, in issue order (Okabe–Ito, colour-blind safe).
const LABEL_COLORS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(120, 120, 120),
];

/// The colour of label `k` of a choice issue.
pub(crate) fn label_color(k: usize) -> RGBColor {
    LABEL_COLORS[k % LABEL_COLORS.len()]
}

/// The issues the figure shows: every issue but the amount issue (the fan chart's).
pub(crate) fn shown(report: &SweepReport) -> Vec<&SweepIssue> {
    report
        .issues
        .iter()
        .filter(|i| !(i.key == "amount" && i.kind == "number"))
        .collect()
}

/// The issue figure of a one-field package sweep (`None` for a one-issue scenario, a
/// two-field sweep — see `package_sweep_grid` — or a package whose only issue is the
/// amount).
pub(crate) fn figure(report: &SweepReport) -> Option<SweepIssues<'_>> {
    (report.axes.len() == 1 && !shown(report).is_empty()).then_some(SweepIssues { report })
}

/// The issue figure of a one-field package sweep.
pub(crate) struct SweepIssues<'a> {
    /// The sweep.
    report: &'a SweepReport,
}

/// An issue's title with its unit: `term (years)`.
fn issue_title(i: &SweepIssue) -> String {
    if i.unit.is_empty() {
        i.key.clone()
    } else {
        format!("{} ({})", i.key, i.unit)
    }
}

/// The labels of a choice issue in issue order (else those seen in the points, sorted).
pub(crate) fn labels_of(report: &SweepReport, i: &SweepIssue) -> Vec<String> {
    if !i.labels.is_empty() {
        return i.labels.clone();
    }
    let mut seen: Vec<String> = report
        .points
        .iter()
        .flat_map(|p| p.models.values())
        .filter_map(|m| m.issues.get(&i.key))
        .flat_map(|s| s.shares.keys().cloned())
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

/// The smallest gap between consecutive swept values (the bar width's scale).
fn min_gap(xs: &[f64]) -> Option<f64> {
    xs.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|d| *d > 0.0)
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
}

/// The x range: the swept values with room for the bars (`half` on each side).
fn x_range(xs: &[f64], half: f64) -> (f64, f64) {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = half.max(0.03 * (hi - lo));
    (lo - pad, hi + pad)
}

impl Figure for SweepIssues<'_> {
    fn size(&self) -> (u32, u32) {
        let cols = self.report.models.len().max(1) as u32;
        let rows = shown(self.report).len().max(1) as u32;
        ((PANEL_W * cols).max(1000), TITLE_H + ROW_H * rows + 10)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.report;
        let Some(axis) = r.axes.first() else {
            return Ok(());
        };
        let top = draw_title(
            root,
            s,
            &format!("Sweep of {}: each issue", axis.path),
            &format!(
                "{}. Among deals: median and 5–95% band, or each label's share; {} trials per value.",
                r.scenario.title, r.trials
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let issues = shown(r);
        let rows = body.split_evenly((issues.len().max(1), 1));
        let xs: Vec<f64> = r.points.iter().map(|p| p.at[0]).collect();
        let half = min_gap(&xs).map_or(0.5, |g| 0.35 * g);
        let x = Xaxis {
            range: x_range(&xs, half),
            half,
            // The field's last key and its unit (the whole path is in the title).
            title: {
                let last = axis.path.rsplit('.').next().unwrap_or(&axis.path);
                match field_unit(&axis.path, &r.scenario.unit) {
                    Some(u) => format!("{last} ({u})"),
                    None => last.to_string(),
                }
            },
            ticks: axis
                .values
                .iter()
                .copied()
                .zip(axis.labels.iter().cloned())
                .collect(),
        };
        for (issue, row) in issues.iter().zip(rows.iter()) {
            let labels = if issue.is_choice() {
                labels_of(r, issue)
            } else {
                Vec::new()
            };
            let (head, panels) = row.split_vertically(s.upx(f64::from(HEAD_H)));
            draw_heading(&head, s, issue, &labels)?;
            let cells = panels.split_evenly((1, r.models.len().max(1)));
            // One value scale per issue, shared by its panels.
            let values: Vec<f64> = r
                .points
                .iter()
                .flat_map(|p| p.models.values())
                .filter_map(|m| m.issues.get(&issue.key))
                .flat_map(|st| [st.p05, st.p50, st.p95])
                .flatten()
                .filter(|v| v.is_finite())
                .collect();
            for (name, cell) in r.models.iter().zip(cells.iter()) {
                let stats: Vec<(f64, Option<&IssueStat>)> = r
                    .points
                    .iter()
                    .map(|p| {
                        let st = p.models.get(name).and_then(|m| m.issues.get(&issue.key));
                        (p.at[0], st)
                    })
                    .collect();
                if issue.is_choice() {
                    choice_panel(cell, s, name, &stats, &labels, &x)?;
                } else {
                    number_panel(cell, s, name, issue, &stats, &values, &x)?;
                }
            }
        }
        Ok(())
    }
}

/// The swept field's axis, shared by every panel.
struct Xaxis {
    /// The plotted range.
    range: (f64, f64),
    /// Half a bar's width.
    half: f64,
    /// The field's last key and its unit.
    title: String,
    /// A word axis's values and their labels (empty for numbers).
    ticks: Vec<(f64, String)>,
}

/// A row's heading: the issue and its unit, and for a choice the labels' colours.
pub(crate) fn draw_heading<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    issue: &SweepIssue,
    labels: &[String],
) -> DrawResult {
    let title = issue_title(issue);
    let style = s.bold(16.0).pos(Pos::new(HPos::Left, VPos::Center));
    let mid = s.px(f64::from(HEAD_H) / 2.0);
    area.draw(&Text::new(title.clone(), (s.px(16.0), mid), style.clone()))?;
    let mut x = s.px(16.0) + area.estimate_text_size(&title, &style)?.0 as i32 + s.px(24.0);
    let (w, _) = area.dim_in_pixel();
    for (k, l) in labels.iter().enumerate() {
        let text_style = s.text(14.0).pos(Pos::new(HPos::Left, VPos::Center));
        let width = area.estimate_text_size(l, &text_style)?.0 as i32;
        if x + s.px(22.0) + width > w as i32 {
            break;
        }
        area.draw(&Rectangle::new(
            [(x, mid - s.px(6.0)), (x + s.px(14.0), mid + s.px(6.0))],
            label_color(k).filled(),
        ))?;
        area.draw(&Text::new(l.clone(), (x + s.px(20.0), mid), text_style))?;
        x += s.px(20.0) + width + s.px(18.0);
    }
    Ok(())
}

/// The model's name at the top of its panel; returns the area below it.
pub(crate) fn panel_name<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    name: &str,
) -> DrawResult<DrawingArea<DB, Shift>> {
    let (w, _) = area.dim_in_pixel();
    let label = fit_text(area, name, &s.bold(14.0), w.saturating_sub(s.upx(20.0)))?;
    area.draw(&Text::new(
        label,
        (s.px(12.0), s.px(2.0)),
        s.bold(14.0).color(&darken(package_color(name), 0.2)),
    ))?;
    Ok(area.split_vertically(s.upx(22.0)).1)
}

/// The x tick text of value `v`: its word on a word axis, else the number.
fn x_tick(x: &Xaxis, v: f64) -> String {
    if x.ticks.is_empty() {
        tick_format(x.range.0, x.range.1)(&v)
    } else {
        x.ticks
            .iter()
            .find(|(t, _)| (t - v).abs() < 1e-6)
            .map_or_else(String::new, |(_, l)| l.clone())
    }
}

/// A "no deals" note in the middle of a chart.
fn no_deals<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    pixels: (std::ops::Range<i32>, std::ops::Range<i32>),
) -> DrawResult {
    let (xr, yr) = pixels;
    let (bx, by) = area.get_base_pixel();
    area.draw(&Text::new(
        "no deals".to_string(),
        ((xr.start + xr.end) / 2 - bx, (yr.start + yr.end) / 2 - by),
        s.muted(14.0).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// A number or integer issue in one model's panel: median line and 5–95% band.
fn number_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    name: &str,
    issue: &SweepIssue,
    stats: &[(f64, Option<&IssueStat>)],
    values: &[f64],
    x: &Xaxis,
) -> DrawResult {
    let plot = panel_name(area, s, name)?;
    let (w, _) = plot.dim_in_pixel();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (ylo, yhi) = if lo.is_finite() && hi > lo {
        let pad = 0.08 * (hi - lo);
        (lo - pad, hi + pad)
    } else if lo.is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (0.0, 1.0)
    };
    let color = package_color(name);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(s.px(4.0))
        .margin_right(s.px(12.0))
        .margin_bottom(s.px(4.0))
        .x_label_area_size(s.px(46.0))
        .y_label_area_size(s.px(64.0))
        .build_cartesian_2d(x.range.0..x.range.1, ylo..yhi)?;
    let integer = issue.kind == "integer";
    let fy_num = tick_format(ylo, yhi);
    let fy = |v: &f64| {
        if integer { integer_ticks(v) } else { fy_num(v) }
    };
    let fx = |v: &f64| x_tick(x, *v);
    let x_desc = fit_text(
        &plot,
        &x.title,
        &s.text(13.0),
        w.saturating_sub(s.upx(70.0)),
    )?;
    let y_desc = fit_text(&plot, &issue_title(issue), &s.text(13.0), s.upx(180.0))?;
    house_mesh(&mut chart, s)
        .disable_x_mesh()
        .x_labels(if x.ticks.is_empty() { 4 } else { x.ticks.len() })
        .y_labels(5)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(13.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    let band: Vec<(f64, f64, f64)> = stats
        .iter()
        .filter_map(|&(v, st)| Some((v, st?.p05?, st?.p95?)))
        .collect();
    if band.len() >= 2 {
        let poly: Vec<(f64, f64)> = band
            .iter()
            .map(|p| (p.0, p.2))
            .chain(band.iter().rev().map(|p| (p.0, p.1)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            poly,
            lighten(color, 0.75).filled(),
        )))?;
    } else {
        // One point: its band as a bar.
        chart.draw_series(band.iter().map(|&(v, a, b)| {
            Rectangle::new(
                [(v - x.half * 0.5, a), (v + x.half * 0.5, b)],
                lighten(color, 0.75).filled(),
            )
        }))?;
    }
    let median: Vec<(f64, f64)> = stats
        .iter()
        .filter_map(|&(v, st)| Some((v, st?.p50?)))
        .collect();
    chart.draw_series(LineSeries::new(
        median.iter().copied(),
        color.stroke_width(s.upx(2.5)),
    ))?;
    chart.draw_series(
        median
            .iter()
            .map(|&p| Circle::new(p, s.px(3.5), color.filled())),
    )?;
    if median.is_empty() {
        no_deals(&plot, s, chart.plotting_area().get_pixel_range())?;
    }
    Ok(())
}

/// A choice issue in one model's panel: each label's share of deals, stacked per value.
fn choice_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    name: &str,
    stats: &[(f64, Option<&IssueStat>)],
    labels: &[String],
    x: &Xaxis,
) -> DrawResult {
    let plot = panel_name(area, s, name)?;
    let (w, _) = plot.dim_in_pixel();
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(s.px(4.0))
        .margin_right(s.px(12.0))
        .margin_bottom(s.px(4.0))
        .x_label_area_size(s.px(46.0))
        .y_label_area_size(s.px(64.0))
        .build_cartesian_2d(x.range.0..x.range.1, 0.0..1.0)?;
    let fy = pct_tick_format(1.0);
    let fx = |v: &f64| x_tick(x, *v);
    let x_desc = fit_text(
        &plot,
        &x.title,
        &s.text(13.0),
        w.saturating_sub(s.upx(70.0)),
    )?;
    house_mesh(&mut chart, s)
        .disable_x_mesh()
        .x_labels(if x.ticks.is_empty() { 4 } else { x.ticks.len() })
        .y_labels(5)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(13.0))
        .x_desc(x_desc)
        .y_desc("share of deals")
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    let mut any = false;
    for &(v, st) in stats {
        let Some(st) = st.filter(|st| !st.shares.is_empty()) else {
            continue;
        };
        any = true;
        let mut base = 0.0;
        let bars = labels.iter().enumerate().filter_map(|(k, l)| {
            let share = st.shares.get(l).copied().unwrap_or(0.0);
            let bar = (share > 0.0).then(|| {
                Rectangle::new(
                    [(v - x.half, base), (v + x.half, base + share)],
                    label_color(k).filled(),
                )
            });
            base += share;
            bar
        });
        chart.draw_series(bars.collect::<Vec<_>>())?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(v - x.half, 0.0), (v + x.half, base.min(1.0))],
            INK.mix(0.6).stroke_width(s.upx(1.0)),
        )))?;
    }
    if !any {
        no_deals(&plot, s, chart.plotting_area().get_pixel_range())?;
    }
    Ok(())
}
