//! `distributions.svg`/`.png`: one ridge per (scenario, model), one panel per unit.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::IndexEntry;
use super::amounts::{Shape, padded_range};
use super::figure::house_mesh;
use super::figure::{Backend, DrawResult, Figure, draw_message, draw_title, fit_text};
use super::style::{GRID, INK, Scale, model_color, tick_format};

/// Design height of one ridge row.
const ROW: f64 = 34.0;
/// Design height of a panel's heading and x axis.
const PANEL_CHROME: f64 = 96.0;
/// Design height of the title block.
const TITLE: f64 = 70.0;
/// Height of a ridge relative to its row.
const RIDGE: f64 = 0.88;
/// Design width of the agreement-rate column right of the plot.
const RATE_W: f64 = 84.0;
/// The colour of the observed amount.
const OBSERVED: RGBColor = RGBColor(200, 30, 45);

/// One ridge.
struct Row<'a> {
    label: String,
    model: &'a str,
    shape: Option<Shape>,
    median: Option<f64>,
    interval: Option<(f64, f64)>,
    /// The model's agreement rate (0–1).
    rate: f64,
    /// The scenario's observed amount, if it has one.
    observed: Option<f64>,
}

/// The distributions figure of an index.
pub(crate) struct Distributions<'a> {
    /// `(unit, rows)`, in order of first appearance of the unit.
    panels: Vec<(&'a str, Vec<Row<'a>>)>,
}

impl<'a> Distributions<'a> {
    /// Group the entries' models into one panel per unit.
    pub(crate) fn new(entries: &'a [IndexEntry<'a>]) -> Self {
        let mut panels: Vec<(&'a str, Vec<Row<'a>>)> = Vec::new();
        for e in entries {
            let unit = e.summary.scenario.unit.as_str();
            let index = match panels.iter().position(|(u, _)| *u == unit) {
                Some(i) => i,
                None => {
                    panels.push((unit, Vec::new()));
                    panels.len() - 1
                }
            };
            // The scenario's observed amount (each model with deals carries it).
            let observed = e
                .summary
                .models
                .values()
                .find_map(|m| m.observed.as_ref().map(|o| o.amount))
                .filter(|x| x.is_finite());
            for (model, m) in super::ordered_models(e.summary) {
                let q = |k: &str| super::html::quantile(m, k);
                let interval = q("p05").zip(q("p95"));
                panels[index].1.push(Row {
                    label: format!("{} · {model}", e.summary.scenario.name),
                    model,
                    shape: m.amount.as_ref().and_then(Shape::of),
                    median: q("p50"),
                    interval,
                    rate: m.agreement_rate,
                    observed,
                });
            }
        }
        Self { panels }
    }
}

fn panel_height(rows: usize) -> f64 {
    PANEL_CHROME + ROW * rows.max(1) as f64
}

impl Figure for Distributions<'_> {
    fn size(&self) -> (u32, u32) {
        let body: f64 = self.panels.iter().map(|(_, r)| panel_height(r.len())).sum();
        let h = TITLE + body.max(panel_height(1)) + 12.0;
        (super::FIGURE_SIZE.0, h.round() as u32)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let top = draw_title(
            root,
            s,
            "Agreed amounts by scenario and model",
            "Each row is normalized to its own peak. Black tick: median; grey bar: central 90% (p05–p95); red line: observed amount. Right: agreement rate.",
        )?;
        let (_, mut rest) = root.split_vertically(top + s.px(6.0));
        if self.panels.is_empty() {
            draw_message(&rest, s, "no scenarios")?;
            return Ok(());
        }
        // One label width for every panel, so the panels line up.
        let label_style = s.text(14.0);
        let mut label_w = s.px(120.0);
        for r in self.panels.iter().flat_map(|(_, rows)| rows) {
            label_w = label_w.max(root.estimate_text_size(&r.label, &label_style)?.0 as i32);
        }
        let label_w = label_w.min(s.px(330.0)) + s.px(24.0);
        for (unit, rows) in &self.panels {
            let (panel, below) = rest.split_vertically(s.px(panel_height(rows.len())));
            draw_panel(&panel, s, unit, rows, label_w)?;
            rest = below;
        }
        Ok(())
    }
}

fn draw_panel<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    unit: &str,
    rows: &[Row<'_>],
    label_w: i32,
) -> DrawResult {
    let heading = format!("Amounts in {unit}");
    area.draw(&Text::new(heading, (s.px(16.0), s.px(4.0)), s.bold(15.0)))?;
    let (_, body) = area.split_vertically(s.px(30.0));

    let label_style = s.text(14.0);

    let points = rows.iter().flat_map(|r| {
        let (a, b) = r.shape.as_ref().map_or((f64::NAN, f64::NAN), Shape::extent);
        [
            a,
            b,
            r.median.unwrap_or(f64::NAN),
            r.observed.unwrap_or(f64::NAN),
        ]
    });
    let Some((x0, x1)) = padded_range(points, 0.03) else {
        draw_message(&body, s, "no deals")?;
        return Ok(());
    };
    let n = rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin_left(s.px(8.0))
        .margin_right(s.px(RATE_W))
        .margin_bottom(s.px(6.0))
        .x_label_area_size(s.px(56.0))
        .y_label_area_size(label_w)
        .build_cartesian_2d(x0..x1, 0.0..n)?;
    let fx = tick_format(x0, x1);
    house_mesh(&mut chart, s)
        .disable_y_mesh()
        .x_labels(8)
        .y_labels(0)
        .x_label_formatter(&fx)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .x_desc(format!("agreed amount ({unit})"))
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let base_px = area.get_base_pixel();
    // Heading of the agreement-rate column.
    area.draw(&Text::new(
        "agree".to_string(),
        (
            xr.end + s.px(RATE_W) - s.px(10.0) - base_px.0,
            yr.start - s.px(4.0) - base_px.1,
        ),
        s.muted(13.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))?;
    let spike_w = (x1 - x0) * 0.004;
    for (i, r) in rows.iter().enumerate() {
        let base = n - 1.0 - i as f64;
        let color = model_color(r.model);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x0, base), (x1, base)],
            GRID.stroke_width(s.upx(1.0)),
        )))?;
        // Row label, right-aligned against the plot.
        let (_, py) = chart.backend_coord(&(x0, base + 0.4));
        let text = fit_text(area, &r.label, &label_style, (label_w - s.px(24.0)) as u32)?;
        let style = label_style.clone().pos(Pos::new(HPos::Right, VPos::Center));
        area.draw(&Text::new(
            text,
            (
                xr.start - s.px(10.0) - area.get_base_pixel().0,
                py - area.get_base_pixel().1,
            ),
            style,
        ))?;

        // Agreement rate, right of the ridge.
        area.draw(&Text::new(
            super::style::pct(r.rate),
            (
                xr.end + s.px(RATE_W) - s.px(10.0) - base_px.0,
                py - base_px.1,
            ),
            label_style.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;

        match &r.shape {
            Some(Shape::Bins(bins)) => {
                let peak = bins.iter().map(|b| b.2).fold(0.0, f64::max).max(1e-12);
                // Only where there are deals: empty tails would draw a coloured baseline.
                let first = bins.iter().position(|b| b.2 > 0.0).unwrap_or(0);
                let last = bins.iter().rposition(|b| b.2 > 0.0).unwrap_or(0);
                let bins = &bins[first..=last.max(first)];
                let mut outline = Vec::with_capacity(bins.len() * 2 + 2);
                outline.push((bins.first().map_or(x0, |b| b.0), base));
                for &(lo, hi, share) in bins {
                    let y = base + RIDGE * share / peak;
                    outline.push((lo, y));
                    outline.push((hi, y));
                }
                outline.push((bins.last().map_or(x1, |b| b.1), base));
                chart.draw_series(std::iter::once(Polygon::new(
                    outline.clone(),
                    color.mix(0.35).filled(),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(
                    outline,
                    color.stroke_width(s.upx(1.5)),
                )))?;
            }
            Some(Shape::Spike(x)) => {
                let rect = [(x - spike_w, base), (x + spike_w, base + RIDGE)];
                chart.draw_series(std::iter::once(Rectangle::new(
                    rect,
                    color.mix(0.35).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    rect,
                    color.stroke_width(s.upx(1.5)),
                )))?;
            }
            None => {
                let (px, py) = chart.backend_coord(&((x0 + x1) / 2.0, base + 0.4));
                let style = s.muted(14.0).pos(Pos::new(HPos::Center, VPos::Center));
                area.draw(&Text::new(
                    "no deals".to_string(),
                    (px - base_px.0, py - base_px.1),
                    style,
                ))?;
            }
        }
        if let Some((a, b)) = r.interval {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(a, base + 0.04), (b, base + 0.04)],
                RGBColor(90, 90, 90).mix(0.8).stroke_width(s.upx(4.0)),
            )))?;
        }
        if let Some(m) = r.median {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(m, base), (m, base + RIDGE * 0.75)],
                INK.stroke_width(s.upx(2.5)),
            )))?;
        }
        if let Some(x) = r.observed.filter(|x| (x0..=x1).contains(x)) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, base), (x, base + RIDGE)],
                OBSERVED.stroke_width(s.upx(2.0)),
            )))?;
            // A marker on top: a small downward triangle.
            let (px, py) = chart.backend_coord(&(x, base + RIDGE));
            let (px, py) = (px - base_px.0, py - base_px.1);
            let d = s.px(5.0);
            area.draw(&Polygon::new(
                vec![(px - d, py - d), (px + d, py - d), (px, py + d / 2)],
                OBSERVED.filled(),
            ))?;
        }
    }
    Ok(())
}
