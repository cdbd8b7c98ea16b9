//! `calibration.svg`/`.png`: the backtest's calibration plot. Left: each model's sorted
//! PIT values against uniform quantiles. Right: the share of observed outcomes inside
//! each model's central 50% and 90% intervals, against the nominal levels.

use std::io;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title, svg_string,
    write_figure,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{INK, Scale, darken, lighten, model_color, pct_tick_format};
use crate::analysis::backtest::{Backtest, ordered};

/// Design height of the model names under the coverage bars.
const NAMES_H: f64 = 130.0;

struct Calibration<'a> {
    backtest: &'a Backtest,
}

/// Write `calibration.svg` and `calibration.png` into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_calibration_plot(dir: &Path, backtest: &Backtest) -> io::Result<()> {
    write_figure(dir, "calibration", &Calibration { backtest })
}

/// The calibration plot as an SVG document (for inlining).
///
/// # Errors
/// Any rendering error.
pub fn calibration_svg(backtest: &Backtest) -> io::Result<String> {
    svg_string(&Calibration { backtest })
}

impl Figure for Calibration<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 600)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let b = self.backtest;
        let n = b.scenarios.len();
        let top = draw_title(
            root,
            s,
            &format!(
                "Calibration against {n} observed outcome{}",
                if n == 1 { "" } else { "s" }
            ),
            "Left: sorted PIT of each observed amount vs uniform quantiles (diagonal = calibrated). Right: share inside the central intervals.",
        )?;
        let (_, body) = root.split_vertically(top);
        let (w, _) = body.dim_in_pixel();
        let (left, rest) = body.split_horizontally((f64::from(w) * 0.46) as u32);
        let (right, legend) = rest.split_horizontally((f64::from(w) * 0.34) as u32);
        let names = ordered(b.models.keys().cloned());
        let mut entries: Vec<(Swatch, String)> = names
            .iter()
            .map(|name| {
                let c = &b.models[name];
                (
                    Swatch::Line(model_color(name)),
                    format!("{name} ({} scored)", c.scenarios),
                )
            })
            .collect();
        entries.push((Swatch::Dashed(INK), "calibrated / nominal".into()));
        entries.push((Swatch::None, "bars: light 50%, dark 90%".into()));
        let lw = legend.dim_in_pixel().0.saturating_sub(s.upx(10.0));
        draw_legend(&legend, s, (s.px(6.0), s.px(16.0)), lw, &entries)?;
        if b.models.values().all(|c| c.pit.is_empty()) {
            draw_message(&left, s, "no model had deals")?;
            return Ok(());
        }
        draw_pit(&left, s, b, &names)?;
        draw_coverage(&right, s, b, &names)?;
        Ok(())
    }
}

fn draw_pit<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    b: &Backtest,
    names: &[String],
) -> DrawResult {
    let mut ch = percent_panel(
        area,
        s,
        (0.0..1.0, 0.0..1.0),
        ("uniform quantile", "PIT of observed amount"),
    )?;
    for name in names {
        let pit = &b.models[name].pit;
        if pit.is_empty() {
            continue;
        }
        let k = pit.len() as f64;
        let points: Vec<(f64, f64)> = pit
            .iter()
            .enumerate()
            .map(|(i, &p)| ((i as f64 + 0.5) / k, p))
            .collect();
        let color = model_color(name);
        ch.draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(s.upx(2.0)),
        ))?;
        ch.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, s.px(5.0), color.filled())),
        )?;
    }
    Ok(())
}

/// A percent-by-percent panel as the backtest's figures draw it (the sorted PIT values
/// here, the reliability diagram in `forecast_plot.rs`): the house margins and label
/// areas, ticks every 20% on both axes with their titles, and the dashed diagonal of a
/// calibrated model. Returns the chart to draw the models on.
pub(super) fn percent_panel<'a, DB: Backend>(
    area: &'a DrawingArea<DB, Shift>,
    s: Scale,
    (x, y): (Range<f64>, Range<f64>),
    (x_desc, y_desc): (&str, &str),
) -> DrawResult<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut ch = ChartBuilder::on(area)
        .margin_left(s.px(8.0))
        .margin_right(s.px(20.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(8.0))
        .x_label_area_size(s.px(56.0))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(x, y)?;
    let f = pct_tick_format(1.0);
    house_mesh(&mut ch, s)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&f)
        .y_label_formatter(&f)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;
    ch.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        s.px(7.0),
        s.px(4.0),
        INK.stroke_width(s.upx(1.5)),
    )))?;
    Ok(ch)
}

fn draw_coverage<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    b: &Backtest,
    names: &[String],
) -> DrawResult {
    let k = names.len().max(1) as f64;
    let mut ch = ChartBuilder::on(area)
        .margin_left(s.px(8.0))
        .margin_right(s.px(12.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(8.0))
        .x_label_area_size(s.px(NAMES_H))
        .y_label_area_size(s.px(70.0))
        .build_cartesian_2d(0.0..k, 0.0..1.05)?;
    let f = pct_tick_format(1.0);
    let blank = |_: &f64| String::new();
    house_mesh(&mut ch, s)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .x_label_formatter(&blank)
        .y_label_formatter(&f)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .y_desc("share inside the interval")
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;
    for (i, name) in names.iter().enumerate() {
        let c = &b.models[name];
        let color = model_color(name);
        let x = i as f64;
        for (j, (share, light)) in [(c.share_in_50, 0.55), (c.share_in_90, 0.0)]
            .into_iter()
            .enumerate()
        {
            let Some(v) = share else { continue };
            let left = x + 0.12 + 0.38 * j as f64;
            let fill = lighten(color, light);
            // A sliver for 0% so the bar is visible.
            let top = v.max(0.004);
            ch.draw_series(std::iter::once(Rectangle::new(
                [(left, 0.0), (left + 0.36, top)],
                fill.filled(),
            )))?;
        }
    }
    // Each model's name under its bars, written upwards.
    let (_, yr) = ch.plotting_area().get_pixel_range();
    let (bx, by) = area.get_base_pixel();
    for (i, name) in names.iter().enumerate() {
        let (px, _) = ch.backend_coord(&(i as f64 + 0.5, 0.0));
        let color = darken(model_color(name), 0.2);
        let style = s
            .text(13.0)
            .color(&color)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Right, VPos::Center));
        area.draw(&Text::new(
            name.clone(),
            (px - bx, yr.end - by + s.px(8.0)),
            style,
        ))?;
    }
    for level in [0.5, 0.9] {
        ch.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, level), (k, level)],
            s.px(7.0),
            s.px(4.0),
            INK.stroke_width(s.upx(1.5)),
        )))?;
    }
    Ok(())
}
