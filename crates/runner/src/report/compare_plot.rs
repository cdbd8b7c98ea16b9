//! `compare.svg`/`.png`: two runs overlaid, one row per model: histograms of agreed
//! amounts, distribution functions, and deals per round side by side.

use std::io;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title, svg_string,
    write_figure,
};
use super::style::{Scale, integer_ticks, pct_tick_format, sig, tick_format};
use crate::analysis::cdf::PiecewiseCdf;
use crate::analysis::compare::{Comparison, ordered};
use crate::summary::{AmountSummary, Summary};

/// Colour of input A.
const COLOR_A: RGBColor = RGBColor(0, 114, 178);
/// Colour of input B.
const COLOR_B: RGBColor = RGBColor(213, 94, 0);
/// Height of one model's row, in design pixels.
const ROW_HEIGHT: u32 = 250;
/// Height of the title and legend, in design pixels.
const HEADER: u32 = 120;

struct ComparePlot<'a> {
    cmp: &'a Comparison,
    a: &'a Summary,
    b: &'a Summary,
}

/// Write `compare.svg` and `compare.png` into `dir`.
///
/// # Errors
/// Any I/O or rendering error.
pub fn write_compare_plot(
    dir: &Path,
    cmp: &Comparison,
    a: &Summary,
    b: &Summary,
) -> io::Result<()> {
    write_figure(dir, "compare", &ComparePlot { cmp, a, b })
}

/// The comparison plot as an SVG document (for inlining).
///
/// # Errors
/// Any rendering error.
pub fn compare_svg(cmp: &Comparison, a: &Summary, b: &Summary) -> io::Result<String> {
    svg_string(&ComparePlot { cmp, a, b })
}

/// One bin: `(lo, hi, share of deals)`.
type Bin = (f64, f64, f64);

/// Equal-width bins of a histogram.
fn bins(a: &AmountSummary) -> Vec<Bin> {
    let h = &a.histogram;
    let n = h.counts.len().max(1) as f64;
    let w = (h.hi - h.lo) / n;
    let total = a.count.max(1) as f64;
    h.counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let lo = h.lo + w * i as f64;
            (lo, lo + w, c as f64 / total)
        })
        .collect()
}

impl Figure for ComparePlot<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.cmp.models.len().max(1) as u32;
        (1200, HEADER + rows * ROW_HEIGHT)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let cmp = self.cmp;
        let top = draw_title(
            root,
            s,
            &if cmp.a.title == cmp.b.title {
                format!("{}: A vs B", cmp.a.title)
            } else {
                format!("{} vs {}", cmp.a.title, cmp.b.title)
            },
            &format!(
                "Per model: agreed amounts (share of deals), distribution function, deals per round (share of trials){}",
                if cmp.common_random_numbers {
                    "; common random numbers"
                } else {
                    ""
                }
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let (header, rows) = body.split_vertically(s.px(f64::from(HEADER) - 64.0));
        let (w, _) = header.dim_in_pixel();
        let entries = vec![
            (
                Swatch::Fill(COLOR_A, 0.25),
                format!("A: {} ({})", cmp.a.scenario, cmp.a.source),
            ),
            (
                Swatch::Fill(COLOR_B, 0.25),
                format!("B: {} ({})", cmp.b.scenario, cmp.b.source),
            ),
        ];
        draw_legend(
            &header,
            s,
            (s.px(16.0), s.px(2.0)),
            w.saturating_sub(s.upx(32.0)),
            &entries,
        )?;
        let names = ordered(cmp);
        if names.is_empty() {
            draw_message(&rows, s, "no model in both inputs")?;
            return Ok(());
        }
        let areas = rows.split_evenly((names.len(), 1));
        for (name, area) in names.iter().zip(areas) {
            let (w, _) = area.dim_in_pixel();
            let (hist, rest) = area.split_horizontally((f64::from(w) * 0.4) as u32);
            let (cdf, rounds) = rest.split_horizontally((f64::from(w) * 0.34) as u32);
            let ma = self.a.models.get(*name);
            let mb = self.b.models.get(*name);
            let amounts = [
                ma.and_then(|m| m.amount.as_ref()),
                mb.and_then(|m| m.amount.as_ref()),
            ];
            let m = &cmp.models[*name];
            let stats = match (m.ks, m.wasserstein) {
                (Some(ks), Some(w1)) => format!("  KS {} · W₁ {}", sig(ks, 2), sig(w1, 2)),
                _ => String::new(),
            };
            draw_hist(&hist, s, &format!("{name}{stats}"), amounts, &cmp.a.unit)?;
            draw_cdf(&cdf, s, amounts)?;
            draw_rounds(&rounds, s, &m.rounds.a, &m.rounds.b)?;
        }
        Ok(())
    }
}

fn x_range(amounts: [Option<&AmountSummary>; 2]) -> Option<(f64, f64)> {
    let points: Vec<f64> = amounts
        .iter()
        .flatten()
        .filter_map(|a| PiecewiseCdf::from_amount(a))
        .flat_map(|c| {
            let k = c.knots();
            [k.first().map(|p| p.0), k.last().map(|p| p.0)]
        })
        .flatten()
        .collect();
    super::amounts::padded_range(points, 0.06)
}

fn chart<'a, DB: Backend>(
    area: &'a DrawingArea<DB, Shift>,
    s: Scale,
    caption: &str,
    x: (f64, f64),
    ymax: f64,
) -> DrawResult<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    Ok(ChartBuilder::on(area)
        .caption(caption, s.bold(15.0))
        .margin_left(s.px(8.0))
        .margin_right(s.px(14.0))
        .margin_top(s.px(4.0))
        .margin_bottom(s.px(4.0))
        .x_label_area_size(s.px(40.0))
        .y_label_area_size(s.px(62.0))
        .build_cartesian_2d(x.0..x.1, 0.0..ymax)?)
}

fn mesh<DB: Backend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    s: Scale,
    xf: &dyn Fn(&f64) -> String,
    yf: &dyn Fn(&f64) -> String,
    x_desc: &str,
) -> DrawResult {
    house_mesh(chart, s)
        .disable_x_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(xf)
        .y_label_formatter(yf)
        .label_style(s.text(13.0))
        .axis_desc_style(s.text(14.0))
        .x_desc(x_desc)
        .set_all_tick_mark_size(s.px(4.0))
        .draw()?;
    Ok(())
}

fn draw_hist<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    caption: &str,
    amounts: [Option<&AmountSummary>; 2],
    unit: &str,
) -> DrawResult {
    let Some(x) = x_range(amounts) else {
        let (_, rest) = area.split_vertically(s.px(24.0));
        area.draw(&Text::new(
            caption.to_string(),
            (s.px(10.0), 0),
            s.bold(15.0),
        ))?;
        draw_message(&rest, s, "no deals")?;
        return Ok(());
    };
    let series: Vec<(RGBColor, Vec<Bin>)> = [COLOR_A, COLOR_B]
        .into_iter()
        .zip(amounts)
        .filter_map(|(c, a)| a.filter(|a| a.count > 0).map(|a| (c, bins(a))))
        .collect();
    let peak = series
        .iter()
        .flat_map(|(_, b)| b.iter().map(|x| x.2))
        .fold(0.0, f64::max)
        .max(1e-9);
    let ymax = peak * 1.1;
    let mut ch = chart(area, s, caption, x, ymax)?;
    let fx = tick_format(x.0, x.1);
    let fy = pct_tick_format(ymax);
    mesh(&mut ch, s, &fx, &fy, &format!("agreed amount ({unit})"))?;
    for (color, bins) in &series {
        let mut outline = Vec::with_capacity(bins.len() * 2 + 2);
        for &(lo, hi, share) in bins {
            outline.push((lo.clamp(x.0, x.1), share));
            outline.push((hi.clamp(x.0, x.1), share));
        }
        ch.draw_series(AreaSeries::new(
            outline.iter().copied(),
            0.0,
            color.mix(0.15).filled(),
        ))?;
        let first = outline.first().map_or(x.0, |p| p.0);
        let last = outline.last().map_or(x.1, |p| p.0);
        let path = std::iter::once((first, 0.0))
            .chain(outline)
            .chain(std::iter::once((last, 0.0)));
        ch.draw_series(LineSeries::new(path, color.stroke_width(s.upx(2.0))))?;
    }
    Ok(())
}

fn draw_cdf<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    amounts: [Option<&AmountSummary>; 2],
) -> DrawResult {
    let Some(x) = x_range(amounts) else {
        return Ok(());
    };
    let mut ch = chart(area, s, "distribution function", x, 1.0)?;
    let fx = tick_format(x.0, x.1);
    let fy = pct_tick_format(1.0);
    mesh(&mut ch, s, &fx, &fy, "agreed amount")?;
    for (color, a) in [COLOR_A, COLOR_B].into_iter().zip(amounts) {
        let Some(cdf) = a.and_then(PiecewiseCdf::from_amount) else {
            continue;
        };
        let path = std::iter::once((x.0, 0.0))
            .chain(cdf.knots().iter().copied())
            .chain(std::iter::once((x.1, 1.0)));
        ch.draw_series(LineSeries::new(path, color.stroke_width(s.upx(2.5))))?;
    }
    Ok(())
}

fn draw_rounds<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    a: &[f64],
    b: &[f64],
) -> DrawResult {
    let last = |v: &[f64]| v.iter().rposition(|&x| x > 0.0).map_or(0, |i| i + 1);
    let rounds = last(a).max(last(b));
    if rounds == 0 {
        let (_, rest) = area.split_vertically(s.px(24.0));
        draw_message(&rest, s, "no deals")?;
        return Ok(());
    }
    let peak = a.iter().chain(b).copied().fold(0.0, f64::max).max(1e-9);
    let ymax = peak * 1.1;
    let mut ch = chart(area, s, "deals per round", (0.5, rounds as f64 + 0.5), ymax)?;
    let fy = pct_tick_format(ymax);
    mesh(&mut ch, s, &integer_ticks, &fy, "round")?;
    let bw = 0.38;
    for (k, (color, v)) in [(COLOR_A, a), (COLOR_B, b)].into_iter().enumerate() {
        let bars = v
            .iter()
            .enumerate()
            .filter(|(_, x)| **x > 0.0)
            .map(|(i, &x)| {
                let left = (i + 1) as f64 - bw + bw * k as f64;
                Rectangle::new([(left, 0.0), (left + bw, x)], color.filled())
            });
        ch.draw_series(bars)?;
    }
    Ok(())
}
