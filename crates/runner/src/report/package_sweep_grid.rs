//! `sweep-issues.svg`/`.png` of a two-field package sweep: the issues other than the
//! amount (which the sweep's heat maps show), one row per issue and one panel per model,
//! each panel a grid over the two swept fields. A number or integer issue's cell is
//! shaded by its median agreed value (one colour for every model; the scale beside the
//! row's last panel is shared by the row) and shows it; a choice issue's cell takes the colour of its most frequent label
//! (the row's heading names the colours), shaded by that label's share of the deals,
//! which it shows. A cell without deals is blank. Everything drawn is `sweep.json`'s.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{Backend, DrawResult, Figure, draw_title, fit_text, house_mesh};
use super::package_plots::colour_scale;
use super::package_sweep_plot::{
    HEAD_H, PANEL_W, ROW_H, TITLE_H, draw_heading, label_color, labels_of, panel_name, shown,
};
use super::style::{INK, Scale, lighten, sig};
use super::sweep_plot::field_unit;
use crate::analysis::sweep::{Axis, IssueStat, SweepIssue, SweepReport};

/// Width of the colour scale beside a number issue's row.
const SCALE_W: f64 = 70.0;

/// The colour of a number issue's cells, lighter for lower medians (one colour for
/// every model, so that the row's scale reads every panel).
const NUMBER_SHADE: RGBColor = RGBColor(0, 90, 160);

/// The issue figure of a two-field package sweep (`None` for a one-issue scenario, a
/// one-field sweep or a package whose only issue is the amount).
pub(crate) fn figure(report: &SweepReport) -> Option<SweepIssueGrid<'_>> {
    (report.axes.len() == 2 && !shown(report).is_empty()).then_some(SweepIssueGrid { report })
}

/// The issue figure of a two-field package sweep.
pub(crate) struct SweepIssueGrid<'a> {
    /// The sweep.
    report: &'a SweepReport,
}

/// An axis's title: the field's last key (after its party's key, for a party's field:
/// the two fields may differ only by the party) with its unit.
fn axis_title(axis: &Axis, unit: &str) -> String {
    let key = axis.path.rsplit('.').next().unwrap_or(&axis.path);
    let last = match axis
        .path
        .strip_prefix("parties.")
        .and_then(|p| p.split_once('.'))
    {
        Some((party, _)) => format!("{party} {key}"),
        None => key.to_owned(),
    };
    match field_unit(&axis.path, unit) {
        Some(u) => format!("{last} ({u})"),
        None => last.to_string(),
    }
}

/// Issue `key`'s statistic of `model` at the point `(i, j)` of the grid (the first
/// axis's value `i`, the second's `j`).
fn stat<'a>(
    r: &'a SweepReport,
    model: &str,
    key: &str,
    i: usize,
    j: usize,
) -> Option<&'a IssueStat> {
    let (a, b) = (r.axes[0].values.get(i)?, r.axes[1].values.get(j)?);
    let p = r
        .points
        .iter()
        .find(|p| p.at.first() == Some(a) && p.at.get(1) == Some(b))?;
    p.models.get(model)?.issues.get(key)
}

impl Figure for SweepIssueGrid<'_> {
    fn size(&self) -> (u32, u32) {
        let cols = self.report.models.len().max(1) as u32;
        let rows = shown(self.report).len().max(1) as u32;
        (
            (PANEL_W * cols + SCALE_W as u32).max(1000),
            TITLE_H + (ROW_H + 40) * rows + 10,
        )
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.report;
        let [ax, ay] = [&r.axes[0], &r.axes[1]];
        let top = draw_title(
            root,
            s,
            &format!("Sweep of {} × {}: each issue", ax.path, ay.path),
            &format!(
                "{}. Per cell, among deals: the median, or the most frequent label and its share; blank: no deals; {} trials per cell.",
                r.scenario.title, r.trials
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let issues = shown(r);
        let rows = body.split_evenly((issues.len().max(1), 1));
        let titles = [
            axis_title(ax, &r.scenario.unit),
            axis_title(ay, &r.scenario.unit),
        ];
        for (issue, row) in issues.iter().zip(rows.iter()) {
            let labels = if issue.is_choice() {
                labels_of(r, issue)
            } else {
                Vec::new()
            };
            let (head, rest) = row.split_vertically(s.upx(f64::from(HEAD_H)));
            draw_heading(&head, s, issue, &labels)?;
            let (w, _) = rest.dim_in_pixel();
            let (panels, scale) = rest.split_horizontally(w as i32 - s.px(SCALE_W));
            // One value scale per number issue, shared by its panels.
            let values: Vec<f64> = r
                .points
                .iter()
                .flat_map(|p| p.models.values())
                .filter_map(|m| m.issues.get(&issue.key)?.p50)
                .filter(|v| v.is_finite())
                .collect();
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let cells = panels.split_evenly((1, r.models.len().max(1)));
            for (name, cell) in r.models.iter().zip(cells.iter()) {
                let shade = |st: &IssueStat| -> Option<(RGBColor, f64, String)> {
                    if issue.is_choice() {
                        let mode = st.mode.as_ref()?;
                        let share = st.share?;
                        let k = labels.iter().position(|l| l == mode).unwrap_or(0);
                        Some((
                            label_color(k),
                            0.88 * (1.0 - share),
                            format!("{:.0}%", 100.0 * share),
                        ))
                    } else {
                        let v = st.p50?;
                        let t = if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
                        Some((NUMBER_SHADE, 0.88 * (1.0 - t), sig(v, 3)))
                    }
                };
                grid_panel(cell, s, name, r, issue, &titles, &shade)?;
            }
            if !issue.is_choice() && lo.is_finite() {
                let unit = if issue.unit.is_empty() {
                    String::new()
                } else {
                    format!(" {}", issue.unit)
                };
                let (top, bottom) = (
                    format!("{}{unit}", sig(hi, 3)),
                    format!("{}{unit}", sig(lo, 3)),
                );
                colour_scale(&scale, s, NUMBER_SHADE, &top, &bottom)?;
                scale.draw(&Text::new(
                    "median".to_string(),
                    (s.px(4.0), s.px(4.0)),
                    s.muted(12.0),
                ))?;
            }
        }
        Ok(())
    }
}

/// How a cell with deals is drawn: its colour, how much lighter (0: the colour itself),
/// and its text; `None` leaves it blank.
type Shade<'a> = dyn Fn(&IssueStat) -> Option<(RGBColor, f64, String)> + 'a;

/// One model's panel of an issue: the grid over the two swept fields, each cell shaded
/// by `shade` (its colour, how much lighter, its text) or blank without deals.
fn grid_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    name: &str,
    r: &SweepReport,
    issue: &SweepIssue,
    titles: &[String; 2],
    shade: &Shade<'_>,
) -> DrawResult {
    let plot = panel_name(area, s, name)?;
    let (w, _) = plot.dim_in_pixel();
    let [ax, ay] = [&r.axes[0], &r.axes[1]];
    let (nx, ny) = (ax.values.len(), ay.values.len());
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(s.px(4.0))
        .margin_right(s.px(12.0))
        .margin_bottom(s.px(4.0))
        .x_label_area_size(s.px(46.0))
        .y_label_area_size(s.px(64.0))
        .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)?;
    let tick = |axis: &Axis, n: usize, v: f64| {
        let k = v.round();
        if (v - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < n {
            axis.text(axis.values[k as usize])
        } else {
            String::new()
        }
    };
    let fx = |v: &f64| tick(ax, nx, *v);
    let fy = |v: &f64| tick(ay, ny, *v);
    let x_desc = fit_text(
        &plot,
        &titles[0],
        &s.text(13.0),
        w.saturating_sub(s.upx(70.0)),
    )?;
    let y_desc = fit_text(&plot, &titles[1], &s.text(13.0), s.upx(180.0))?;
    house_mesh(&mut chart, s)
        .disable_mesh()
        .x_labels(nx)
        .y_labels(ny)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(12.0))
        .axis_desc_style(s.text(13.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .set_all_tick_mark_size(s.px(3.0))
        .draw()?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let cell_w = (xr.end - xr.start) / nx.max(1) as i32;
    let cell_h = (yr.end - yr.start) / ny.max(1) as i32;
    let room = cell_w >= s.px(34.0) && cell_h >= s.px(16.0);
    for i in 0..nx {
        for j in 0..ny {
            let Some((c, t, text)) = stat(r, name, &issue.key, i, j).and_then(shade) else {
                continue;
            };
            let (x, y) = (i as f64, j as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                lighten(c, t).filled(),
            )))?;
            if room {
                let ink = if t < 0.4 { WHITE } else { INK };
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x, y),
                    s.text(12.0)
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
        }
    }
    Ok(())
}
