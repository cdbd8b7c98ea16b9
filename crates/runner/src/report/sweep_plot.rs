//! Sweep figures: the fan chart of a one-field sweep (`sweep.svg`/`.png`) and the heat
//! maps of a two-field sweep (`sweep-median.svg`/`.png`, `sweep-agreement.svg`/`.png`).
//! One panel per model, on shared scales so that panels compare.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::house_mesh;
use super::figure::{Backend, DrawResult, Figure, draw_title, fit_text};
use super::style::{INK, Scale, lighten, model_color, pct_tick_format, sig, tick_format};
use crate::analysis::sweep::{PointStats, SweepReport};

/// Panels per row.
const COLS: usize = 3;
/// Height of one row of panels, in design pixels.
const ROW_H: u32 = 330;
/// Height of the title block.
const TITLE_H: u32 = 70;
/// Width of the figures.
const WIDTH: u32 = 1000;

/// The unit of a swept field, from the last part of its path (`None`: no unit). A
/// package party's `utility` numbers (its reservation, weights, the `u` of its value
/// functions) are utilities or weights in [0, 1], never amounts.
pub(crate) fn field_unit(path: &str, unit: &str) -> Option<String> {
    if path.contains(".utility.") {
        let what = if path.contains(".utility.weights.") {
            "weight, 0–1"
        } else {
            "utility, 0–1"
        };
        return Some(what.to_string());
    }
    let unit = if unit.is_empty() { "amount" } else { unit };
    let last = path.rsplit('.').next().unwrap_or(path);
    Some(match last {
        "opening" | "reservation" | "ratification" | "outside_option" => unit.to_string(),
        "lapse_cost" => format!("{unit} per month"),
        "round_months" => "months per round".to_string(),
        "discount" => "factor per offer".to_string(),
        "breakdown_risk" => "probability".to_string(),
        "max_rounds" => "rounds".to_string(),
        _ => return None,
    })
}

/// An axis title: the field path and its unit.
pub(crate) fn axis_title(path: &str, unit: &str) -> String {
    match field_unit(path, unit) {
        Some(u) => format!("{path} ({u})"),
        None => path.to_string(),
    }
}

/// The heat map's tick for value `i` of an axis: its name for a negotiator type, else the
/// number to 3 significant digits.
fn tick(axis: &crate::analysis::sweep::Axis, i: usize) -> String {
    axis.labels
        .get(i)
        .cloned()
        .unwrap_or_else(|| axis.values.get(i).map_or_else(String::new, |&x| sig(x, 3)))
}

/// An agreement rate as a cell label: whole percents, but never `0%` or `100%` for a
/// rate that is not exactly 0 or 1 (0.1–0.4% print as `0.1%`–`0.4%`).
pub(crate) fn rate_label(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let p = v * 100.0;
    if p == 0.0 || p == 100.0 {
        return format!("{p:.0}%");
    }
    let mut decimals = 0;
    while decimals < 3 {
        let text = format!("{p:.decimals$}");
        let shown: f64 = text.parse().unwrap_or(p);
        if shown != 0.0 && shown != 100.0 {
            break;
        }
        decimals += 1;
    }
    format!("{p:.decimals$}%")
}

fn layout(models: usize) -> (usize, usize) {
    let cols = models.clamp(1, COLS);
    (cols, models.max(1).div_ceil(cols))
}

/// The fan chart of a one-field sweep.
pub(crate) struct Fan<'a> {
    /// The sweep.
    pub(crate) report: &'a SweepReport,
}

impl Figure for Fan<'_> {
    fn size(&self) -> (u32, u32) {
        let (_, rows) = layout(self.report.models.len());
        (WIDTH, TITLE_H + 24 + ROW_H * rows as u32)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.report;
        let path = r.axes.first().map_or("", |a| a.path.as_str());
        let top = draw_title(
            root,
            s,
            &format!("{}: sweep of {path}", r.scenario.title),
            &format!(
                "Agreed amount ({}): median, 50% and 90% bands; below, the agreement rate. {} trials per value, common random numbers.",
                if r.scenario.unit.is_empty() {
                    "amount"
                } else {
                    &r.scenario.unit
                },
                r.trials
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let (body, _) = body.split_vertically(body.dim_in_pixel().1 - s.upx(24.0));
        let unit = if r.scenario.unit.is_empty() {
            "amount"
        } else {
            r.scenario.unit.as_str()
        };
        let titles = FanTitles {
            x: axis_title(path, unit),
            amount: format!("agreed amount ({unit})"),
            ticks: r.axes.first().map_or_else(Vec::new, |a| {
                a.values
                    .iter()
                    .copied()
                    .zip(a.labels.iter().cloned())
                    .collect()
            }),
        };
        // One rate scale for every panel, zoomed in when every rate is small.
        let top_rate = r
            .points
            .iter()
            .flat_map(|p| p.models.values())
            .map(|m| m.agreement_rate)
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        let rate_hi = if top_rate > 0.0 && top_rate < 0.5 {
            top_rate * 1.15
        } else {
            1.05
        };
        let xs: Vec<f64> = r.points.iter().map(|p| p.at[0]).collect();
        let (xlo, xhi) = span(xs.iter().copied());
        // Named values (negotiator types) need room for their end labels.
        let named = r.axes.first().is_some_and(|a| !a.labels.is_empty());
        let (xlo, xhi) = pad(xlo, xhi, if named { 0.15 } else { 0.03 });
        let amounts = r
            .points
            .iter()
            .flat_map(|p| p.models.values())
            .flat_map(|m| [m.p05, m.p95, m.p50])
            .flatten();
        let (ylo, yhi) = span(amounts);
        let (ylo, yhi) = pad(ylo, yhi, 0.06);
        let (cols, rows) = layout(r.models.len());
        let panels = body.split_evenly((rows, cols));
        for (name, panel) in r.models.iter().zip(panels.iter()) {
            let stats: Vec<(f64, &PointStats)> = r
                .points
                .iter()
                .filter_map(|p| p.models.get(name).map(|m| (p.at[0], m)))
                .collect();
            draw_fan_panel(
                panel,
                s,
                name,
                &stats,
                &titles,
                ((xlo, xhi), (ylo, yhi), rate_hi),
            )?;
        }
        Ok(())
    }
}

fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        })
}

fn pad(lo: f64, hi: f64, share: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let w = hi - lo;
    if w <= 0.0 {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        return (lo - d, hi + d);
    }
    (lo - w * share, hi + w * share)
}

/// The axis titles of the fan panels.
struct FanTitles {
    /// The swept field and its unit.
    x: String,
    /// The amount axis.
    amount: String,
    /// For a swept negotiator type: each value and its name (the x ticks); empty for a
    /// numeric field.
    ticks: Vec<(f64, String)>,
}

fn draw_fan_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    name: &str,
    stats: &[(f64, &PointStats)],
    titles: &FanTitles,
    ((xlo, xhi), (ylo, yhi), rate_hi): ((f64, f64), (f64, f64), f64),
) -> DrawResult {
    let color = model_color(name);
    let (w, h) = area.dim_in_pixel();
    let label = fit_text(area, name, &s.bold(16.0), w.saturating_sub(s.upx(20.0)))?;
    area.draw(&Text::new(
        label,
        (s.px(12.0), s.px(4.0)),
        s.bold(16.0).color(&super::style::darken(color, 0.2)),
    ))?;
    let (upper, lower) = area.split_vertically(s.upx(24.0) + (f64::from(h) * 0.62) as u32);
    let (_, upper) = upper.split_vertically(s.upx(24.0));
    let numeric = tick_format(xlo, xhi);
    let fx = |v: &f64| {
        if titles.ticks.is_empty() {
            numeric(v)
        } else {
            titles
                .ticks
                .iter()
                .find(|(x, _)| (x - v).abs() < 1e-6)
                .map_or_else(String::new, |(_, l)| l.clone())
        }
    };
    let fy = tick_format(ylo, yhi);
    let mut chart = ChartBuilder::on(&upper)
        .margin_left(s.px(6.0))
        .margin_right(s.px(14.0))
        .margin_top(s.px(4.0))
        .x_label_area_size(s.px(4.0))
        .y_label_area_size(s.px(74.0))
        .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
    house_mesh(&mut chart, s)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(5)
        .y_label_formatter(&fy)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(13.0))
        .y_desc(titles.amount.as_str())
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    let band = |lo: fn(&PointStats) -> Option<f64>,
                hi: fn(&PointStats) -> Option<f64>|
     -> Vec<(f64, f64)> {
        let pts: Vec<(f64, f64, f64)> = stats
            .iter()
            .filter_map(|(x, m)| Some((*x, lo(m)?, hi(m)?)))
            .collect();
        pts.iter()
            .map(|p| (p.0, p.2))
            .chain(pts.iter().rev().map(|p| (p.0, p.1)))
            .collect()
    };
    let outer = band(|m| m.p05, |m| m.p95);
    let inner = band(|m| m.p25, |m| m.p75);
    if outer.len() >= 2 {
        chart.draw_series(std::iter::once(Polygon::new(
            outer,
            lighten(color, 0.78).filled(),
        )))?;
    }
    if inner.len() >= 2 {
        chart.draw_series(std::iter::once(Polygon::new(
            inner,
            lighten(color, 0.5).filled(),
        )))?;
    }
    let median: Vec<(f64, f64)> = stats
        .iter()
        .filter_map(|(x, m)| Some((*x, m.p50?)))
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
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let (bx, by) = upper.get_base_pixel();
        upper.draw(&Text::new(
            "no deals".to_string(),
            ((xr.start + xr.end) / 2 - bx, (yr.start + yr.end) / 2 - by),
            s.muted(15.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }

    let fp = pct_tick_format(rate_hi.min(1.0));
    let mut rate = ChartBuilder::on(&lower)
        .margin_left(s.px(6.0))
        .margin_right(s.px(14.0))
        .margin_top(s.px(6.0))
        .margin_bottom(s.px(2.0))
        .x_label_area_size(s.px(44.0))
        .y_label_area_size(s.px(74.0))
        .build_cartesian_2d(xlo..xhi, 0.0..rate_hi)?;
    house_mesh(&mut rate, s)
        .disable_x_mesh()
        .x_labels(5)
        .y_labels(3)
        .x_label_formatter(&fx)
        .y_label_formatter(&fp)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(13.0))
        .x_desc(fit_text(
            area,
            &titles.x,
            &s.text(13.0),
            w.saturating_sub(s.upx(60.0)),
        )?)
        .y_desc("agreement")
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    let pts: Vec<(f64, f64)> = stats.iter().map(|(x, m)| (*x, m.agreement_rate)).collect();
    rate.draw_series(LineSeries::new(
        pts.iter().copied(),
        INK.mix(0.75).stroke_width(s.upx(2.0)),
    ))?;
    rate.draw_series(
        pts.iter()
            .map(|&p| Circle::new(p, s.px(3.0), INK.mix(0.75).filled())),
    )?;
    Ok(())
}

/// Which statistic a heat map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeatStat {
    /// The median agreed amount.
    Median,
    /// The agreement rate.
    Agreement,
}

/// A heat map of a two-field sweep.
pub(crate) struct Heat<'a> {
    /// The sweep (two axes).
    pub(crate) report: &'a SweepReport,
    /// What to show.
    pub(crate) stat: HeatStat,
}

/// A sequential colour scale (light yellow → green → dark blue), `t` in `[0, 1]`.
fn ramp(t: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 5] = [
        (0.0, (255.0, 247.0, 188.0)),
        (0.25, (161.0, 218.0, 180.0)),
        (0.5, (65.0, 182.0, 196.0)),
        (0.75, (34.0, 94.0, 168.0)),
        (1.0, (12.0, 44.0, 96.0)),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let i = STOPS
        .iter()
        .rposition(|(x, _)| *x <= t)
        .unwrap_or(0)
        .min(STOPS.len() - 2);
    let (x0, a) = STOPS[i];
    let (x1, b) = STOPS[i + 1];
    let u = (t - x0) / (x1 - x0);
    let mix = |p: f64, q: f64| (p + (q - p) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Heat<'_> {
    fn value(&self, m: &PointStats) -> Option<f64> {
        match self.stat {
            HeatStat::Median => m.p50,
            HeatStat::Agreement => Some(m.agreement_rate),
        }
    }

    fn label(&self, v: f64) -> String {
        match self.stat {
            HeatStat::Median => sig(v, 4),
            HeatStat::Agreement => rate_label(v),
        }
    }
}

impl Figure for Heat<'_> {
    fn size(&self) -> (u32, u32) {
        let (_, rows) = layout(self.report.models.len());
        (WIDTH, TITLE_H + 60 + ROW_H * rows as u32)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.report;
        let (Some(ay), Some(ax)) = (r.axes.first(), r.axes.get(1)) else {
            return Ok(());
        };
        let what = match self.stat {
            HeatStat::Median => format!(
                "Median agreed amount ({})",
                if r.scenario.unit.is_empty() {
                    "amount"
                } else {
                    &r.scenario.unit
                }
            ),
            HeatStat::Agreement => "Agreement rate".to_string(),
        };
        let top = draw_title(
            root,
            s,
            &format!("{}: {what}", r.scenario.title),
            &format!(
                "Rows: {}; columns: {}. {} trials per cell, common random numbers; blank: no deals.",
                ay.path, ax.path, r.trials
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let (body, legend) = body.split_vertically(body.dim_in_pixel().1 - s.upx(60.0));
        let unit = if r.scenario.unit.is_empty() {
            "amount"
        } else {
            r.scenario.unit.as_str()
        };
        let values = r
            .points
            .iter()
            .flat_map(|p| p.models.values())
            .filter_map(|m| self.value(m));
        let (lo, hi) = match self.stat {
            HeatStat::Agreement => (0.0, 1.0),
            HeatStat::Median => span(values),
        };
        let scale = move |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        let (cols, rows) = layout(r.models.len());
        let panels = body.split_evenly((rows, cols));
        let (ny, nx) = (ay.values.len(), ax.values.len());
        for (name, panel) in r.models.iter().zip(panels.iter()) {
            let color = model_color(name);
            panel.draw(&Text::new(
                name.clone(),
                (s.px(12.0), s.px(4.0)),
                s.bold(16.0).color(&super::style::darken(color, 0.2)),
            ))?;
            let (_, area) = panel.split_vertically(s.upx(24.0));
            let fxl = |v: &f64| {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < nx {
                    tick(ax, i as usize)
                } else {
                    String::new()
                }
            };
            let fyl = |v: &f64| {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < ny {
                    tick(ay, i as usize)
                } else {
                    String::new()
                }
            };
            let mut chart = ChartBuilder::on(&area)
                .margin_left(s.px(6.0))
                .margin_right(s.px(14.0))
                .margin_bottom(s.px(4.0))
                .x_label_area_size(s.px(44.0))
                .y_label_area_size(s.px(70.0))
                .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)?;
            house_mesh(&mut chart, s)
                .disable_mesh()
                .x_labels(nx.min(8) * 2 + 1)
                .y_labels(ny.min(8) * 2 + 1)
                .x_label_formatter(&fxl)
                .y_label_formatter(&fyl)
                .label_style(s.text(12.0))
                .axis_desc_style(s.text(13.0))
                .x_desc(axis_title(&ax.path, unit))
                .y_desc(axis_title(&ay.path, unit))
                .set_all_tick_mark_size(s.px(3.0))
                .draw()?;
            let (xr, _) = chart.plotting_area().get_pixel_range();
            let cell_w = (xr.end - xr.start) as f64 / nx as f64;
            let annotate = cell_w >= s.0 * 40.0 && ny <= 12;
            for (k, p) in r.points.iter().enumerate() {
                let (iy, ix) = (k / nx, k % nx);
                let Some(v) = p.models.get(name).and_then(|m| self.value(m)) else {
                    continue;
                };
                let c = ramp(scale(v));
                let (x, y) = (ix as f64, iy as f64);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    c.filled(),
                )))?;
                if annotate {
                    let dark = scale(v) > 0.55;
                    let style = s
                        .text(11.0)
                        .color(if dark { &WHITE } else { &INK })
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    chart.draw_series(std::iter::once(Text::new(self.label(v), (x, y), style)))?;
                }
            }
        }
        // Colour bar.
        let (w, _) = legend.dim_in_pixel();
        let (x0, x1) = (s.px(220.0), w as i32 - s.px(220.0));
        let (y0, y1) = (s.px(14.0), s.px(30.0));
        let steps = 100;
        for i in 0..steps {
            let a = x0 + (x1 - x0) * i / steps;
            let b = x0 + (x1 - x0) * (i + 1) / steps;
            legend.draw(&Rectangle::new(
                [(a, y0), (b, y1)],
                ramp((f64::from(i) + 0.5) / f64::from(steps)).filled(),
            ))?;
        }
        legend.draw(&Rectangle::new(
            [(x0, y0), (x1, y1)],
            INK.mix(0.5).stroke_width(1),
        ))?;
        let end = |v: f64| {
            if hi > lo || self.stat == HeatStat::Agreement {
                self.label(v)
            } else {
                sig(v, 4)
            }
        };
        legend.draw(&Text::new(
            end(lo),
            (x0 - s.px(8.0), (y0 + y1) / 2),
            s.text(13.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        legend.draw(&Text::new(
            end(hi),
            (x1 + s.px(8.0), (y0 + y1) / 2),
            s.text(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        legend.draw(&Text::new(
            what,
            ((x0 + x1) / 2, y1 + s.px(6.0)),
            s.muted(13.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_rates_are_not_printed_as_zero() {
        assert_eq!(rate_label(0.001), "0.1%");
        assert_eq!(rate_label(0.004), "0.4%");
        assert_eq!(rate_label(0.00004), "0.004%");
        assert_eq!(rate_label(0.9996), "99.96%");
        assert_eq!(rate_label(0.42), "42%");
        assert_eq!(rate_label(0.0), "0%");
        assert_eq!(rate_label(1.0), "100%");
    }

    #[test]
    fn axis_titles_carry_units() {
        assert_eq!(
            axis_title("parties.us.opening", "trillion KRW"),
            "parties.us.opening (trillion KRW)"
        );
        assert_eq!(
            axis_title("protocol.breakdown_risk", "x"),
            "protocol.breakdown_risk (probability)"
        );
        assert_eq!(axis_title("parties.us.power", "x"), "parties.us.power");
        // Package utilities are not amounts.
        assert_eq!(
            axis_title("parties.us.utility.reservation", "trillion KRW"),
            "parties.us.utility.reservation (utility, 0–1)"
        );
        assert_eq!(
            axis_title("parties.kr.utility.weights.term", "trillion KRW"),
            "parties.kr.utility.weights.term (weight, 0–1)"
        );
    }
}
