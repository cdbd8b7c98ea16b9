//! `forecast.svg`/`.png`: the backtest's PIT histogram (left: how many observed amounts
//! fell in each fifth of each model's distribution of deals) and the reliability diagram
//! of "deal before the expiry" (right: the share of cases whose deal came on or before
//! the expiry against the model's forecast probability, binned). The numbers come from
//! `analysis::forecast_diagrams`.

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::calibration_plot::percent_panel;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title, house_mesh,
    svg_string, write_figure,
};
use super::style::{INK, Scale, lighten, model_color, pct_tick_format};
use crate::analysis::backtest::{Backtest, ordered};
use crate::analysis::forecast_diagrams::{
    PIT_BINS, RELIABILITY_BINS, before_expiry_points, pit_histogram, reliability,
};

struct Diagrams<'a> {
    backtest: &'a Backtest,
}

/// Write `forecast.svg` and `forecast.png` into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_forecast_plot(dir: &Path, backtest: &Backtest) -> io::Result<()> {
    write_figure(dir, "forecast", &Diagrams { backtest })
}

/// The diagrams as an SVG document (for inlining).
///
/// # Errors
/// Any rendering error.
pub fn forecast_svg(backtest: &Backtest) -> io::Result<String> {
    svg_string(&Diagrams { backtest })
}

impl Figure for Diagrams<'_> {
    fn size(&self) -> (u32, u32) {
        (1100, 600)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let b = self.backtest;
        let top = draw_title(
            root,
            s,
            "PIT histogram and reliability of a deal before the expiry",
            "Left: observed amounts per fifth of each model's deals (calibrated: flat). Right: observed share vs forecast P(deal before expiry) (calibrated: diagonal).",
        )?;
        let (_, body) = root.split_vertically(top);
        let (w, _) = body.dim_in_pixel();
        let (left, rest) = body.split_horizontally((f64::from(w) * 0.42) as u32);
        let (right, legend) = rest.split_horizontally((f64::from(w) * 0.38) as u32);
        let names = ordered(b.models.keys().cloned());
        let mut entries: Vec<(Swatch, String)> = names
            .iter()
            .map(|n| (Swatch::Line(model_color(n)), n.clone()))
            .collect();
        entries.push((Swatch::Dashed(INK), "calibrated".into()));
        entries.push((Swatch::None, "dot size: cases in the bin".into()));
        let lw = legend.dim_in_pixel().0.saturating_sub(s.upx(10.0));
        draw_legend(&legend, s, (s.px(6.0), s.px(16.0)), lw, &entries)?;
        if names.iter().all(|n| b.models[n].pit.is_empty()) {
            draw_message(&left, s, "no model had deals")?;
        } else {
            draw_pit_histogram(&left, s, b, &names)?;
        }
        let points = before_expiry_points(b);
        if points.is_empty() {
            draw_message(
                &right,
                s,
                "no scenario with a calendar and an observed date",
            )?;
        } else {
            draw_reliability(&right, s, &points)?;
        }
        Ok(())
    }
}

fn draw_pit_histogram<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    b: &Backtest,
    names: &[String],
) -> DrawResult {
    let hists: Vec<Vec<u64>> = names
        .iter()
        .map(|n| pit_histogram(&b.models[n].pit, PIT_BINS))
        .collect();
    let most = hists.iter().flatten().copied().max().unwrap_or(1).max(1);
    let mut ch = ChartBuilder::on(area)
        .margin_left(s.px(8.0))
        .margin_right(s.px(16.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(8.0))
        .x_label_area_size(s.px(56.0))
        .y_label_area_size(s.px(60.0))
        .build_cartesian_2d(0.0..1.0, 0.0..(most as f64 + 0.5))?;
    let f = pct_tick_format(1.0);
    let whole = |y: &f64| {
        if (y - y.round()).abs() < 1e-9 {
            format!("{y:.0}")
        } else {
            String::new()
        }
    };
    house_mesh(&mut ch, s)
        .x_labels(PIT_BINS + 1)
        .y_labels(most as usize + 1)
        .x_label_formatter(&f)
        .y_label_formatter(&whole)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .x_desc("PIT of the observed amount in the model's deals")
        .y_desc("observed outcomes (count)")
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;
    let k = names.len().max(1) as f64;
    let width = 1.0 / PIT_BINS as f64;
    for (j, (name, h)) in names.iter().zip(&hists).enumerate() {
        let color = model_color(name);
        for (i, &c) in h.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let x0 = i as f64 * width + width * (0.08 + 0.84 * j as f64 / k);
            let x1 = x0 + width * 0.84 / k;
            ch.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x1, c as f64)],
                lighten(color, 0.1).filled(),
            )))?;
        }
    }
    // The flat histogram of a calibrated model.
    let scored = b.models.values().map(|c| c.pit.len()).max().unwrap_or(0) as f64;
    let flat = scored / PIT_BINS as f64;
    ch.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, flat), (1.0, flat)],
        s.px(7.0),
        s.px(4.0),
        INK.stroke_width(s.upx(1.5)),
    )))?;
    Ok(())
}

fn draw_reliability<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    points: &[(String, Vec<(f64, bool)>)],
) -> DrawResult {
    let mut ch = percent_panel(
        area,
        s,
        (-0.04..1.05, -0.03..1.03),
        (
            "forecast P(deal before expiry)",
            "observed share before expiry",
        ),
    )?;
    let k = points.len().max(1) as f64;
    for (j, (name, pts)) in points.iter().enumerate() {
        let color = model_color(name);
        // Models at the same place are nudged apart a little so each stays visible.
        let dx = 0.012 * (j as f64 - (k - 1.0) / 2.0);
        let bins = reliability(pts, RELIABILITY_BINS);
        let xy: Vec<(f64, f64)> = bins
            .iter()
            .map(|r| (r.mean_forecast + dx, r.observed))
            .collect();
        ch.draw_series(LineSeries::new(
            xy.iter().copied(),
            color.stroke_width(s.upx(2.0)),
        ))?;
        ch.draw_series(bins.iter().zip(&xy).map(|(r, &p)| {
            Circle::new(p, s.px(4.0 + 2.0 * (r.cases as f64).sqrt()), color.filled())
        }))?;
    }
    Ok(())
}
