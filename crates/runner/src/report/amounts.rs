//! `amounts.svg`/`.png`: the distribution of agreed amounts per model.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_shared_line, draw_title,
};
use super::style::{INK, Scale, ZONE, darken, model_color, pct_tick_format, sig, tick_format};
use super::{HistogramScale, ReportData};
use crate::summary::AmountSummary;

/// Width of the legend column, in design pixels.
const LEGEND_WIDTH: f64 = 250.0;

/// The amounts figure.
pub(crate) struct Amounts<'a> {
    /// What to draw.
    pub(crate) data: &'a ReportData<'a>,
}

/// The shape of one model's distribution, as shares of its deals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// Equal bins: `(lo, hi, share)`.
    Bins(Vec<(f64, f64, f64)>),
    /// Every deal at one amount (the histogram has no width).
    Spike(f64),
}

impl Shape {
    /// The shape of an amount summary (`None` without a finite amount to show).
    pub(crate) fn of(a: &AmountSummary) -> Option<Shape> {
        if a.count == 0 {
            return None;
        }
        let h = &a.histogram;
        let inside: u64 = h.counts.iter().sum();
        if h.lo.is_finite() && h.hi.is_finite() && h.hi > h.lo && inside > 0 {
            let w = (h.hi - h.lo) / h.counts.len() as f64;
            let total = a.count.max(inside) as f64;
            let bins = h
                .counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let lo = h.lo + w * i as f64;
                    (lo, lo + w, c as f64 / total)
                })
                .collect();
            return Some(Shape::Bins(bins));
        }
        [
            a.min,
            a.quantiles.get("p50").copied().unwrap_or(f64::NAN),
            a.mean,
        ]
        .into_iter()
        .find(|x| x.is_finite())
        .map(Shape::Spike)
    }

    /// The amounts where the distribution has mass: `(first, last)`.
    pub(crate) fn extent(&self) -> (f64, f64) {
        match self {
            Shape::Bins(bins) => {
                let mut nz = bins.iter().filter(|b| b.2 > 0.0);
                let first = nz.next().map_or(f64::NAN, |b| b.0);
                let last = bins.iter().rev().find(|b| b.2 > 0.0).map_or(first, |b| b.1);
                (first, last)
            }
            Shape::Spike(x) => (*x, *x),
        }
    }

    /// The largest share of one bin.
    pub(crate) fn peak(&self) -> f64 {
        match self {
            Shape::Bins(bins) => bins.iter().map(|b| b.2).fold(0.0, f64::max),
            Shape::Spike(_) => 1.0,
        }
    }
}

/// The factor that turns a model's shares of deals into bar heights: 1 for
/// [`HistogramScale::OwnDeals`], `deals / trials` for [`HistogramScale::AllTrials`].
pub(crate) fn height_factor(scale: HistogramScale, deals: u64, trials: u64) -> f64 {
    match scale {
        HistogramScale::OwnDeals => 1.0,
        HistogramScale::AllTrials if trials > 0 => deals.min(trials) as f64 / trials as f64,
        HistogramScale::AllTrials => 0.0,
    }
}

/// A labelled vertical marker.
struct Marker {
    x: f64,
    label: String,
    /// One colour, or several for closed forms that coincide (drawn as one line with
    /// their colours taking turns, under one label naming them all).
    colors: Vec<RGBColor>,
    dashed: bool,
}

/// Closed-form markers (dashed) whose lines would fall on the same pixel column, merged
/// into one marker: its label names every model, then the amount (each amount when they
/// differ at three significant digits).
fn merge_coinciding(markers: Vec<(Marker, String, i32)>) -> Vec<Marker> {
    // (merged marker, its models' names and amounts, pixel column)
    type Group = (Marker, Vec<(String, f64)>, i32);
    let mut out: Vec<Group> = Vec::new();
    for (m, name, px) in markers {
        if m.dashed
            && let Some(g) = out
                .iter_mut()
                .find(|(g, _, gx)| g.dashed && (gx - px).abs() <= 2)
        {
            g.0.colors.extend(m.colors);
            g.1.push((name, m.x));
            continue;
        }
        let x = m.x;
        out.push((m, vec![(name, x)], px));
    }
    out.into_iter()
        .map(|(mut m, names, _)| {
            if names.len() > 1 {
                let first = sig(m.x, 3);
                m.label = if names.iter().all(|(_, x)| sig(*x, 3) == first) {
                    let list: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
                    format!("{} {first}", list.join(", "))
                } else {
                    let list: Vec<String> = names
                        .iter()
                        .map(|(n, x)| format!("{n} {}", sig(*x, 3)))
                        .collect();
                    list.join(", ")
                };
            }
            m
        })
        .collect()
}

/// Place labels of width `w` for vertical lines at pixel `x` in rows above the plot
/// (row 0 on top; each line runs from the plot up to its label's row), beside their line,
/// so that no label overlaps another label or is crossed by another marker's line.
/// `items` are `(x, w)`; returns `(row, left)` per item.
pub(crate) fn layout_labels(
    items: &[(i32, i32)],
    (lo, hi): (i32, i32),
    pad: i32,
    gap: i32,
) -> Vec<(usize, i32)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].0);
    // (row, left, right, x) of placed labels.
    let mut placed: Vec<(usize, i32, i32, i32)> = Vec::new();
    let mut out = vec![(0, lo); items.len()];
    for i in order {
        let (x, w) = items[i];
        let mut sides: Vec<i32> = [x + pad, x - pad - w]
            .into_iter()
            .filter(|&left| left >= lo && left + w <= hi)
            .collect();
        if sides.is_empty() {
            sides.push((x - w / 2).clamp(lo, (hi - w).max(lo)));
        }
        let fits = |row: usize, left: i32| {
            let right = left + w;
            placed.iter().all(|&(r, l, rt, px)| {
                let same_row_clear = r != row || right + gap <= l || rt + gap <= left;
                let their_line_clear = r > row || px < left - gap / 2 || px > right + gap / 2;
                let my_line_clear = r < row || x < l - gap / 2 || x > rt + gap / 2;
                same_row_clear && their_line_clear && my_line_clear
            })
        };
        let (row, left) = (0..=placed.len())
            .find_map(|row| sides.iter().find(|&&l| fits(row, l)).map(|&l| (row, l)))
            .unwrap_or((placed.len(), sides[0]));
        placed.push((row, left, left + w, x));
        out[i] = (row, left);
    }
    out
}

/// A range `lo..hi` covering `points`, padded, never empty.
pub(crate) fn padded_range(points: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (lo, hi) = points
        .into_iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
    if !lo.is_finite() {
        return None;
    }
    let span = hi - lo;
    let margin = if span > 0.0 {
        span * pad
    } else if lo != 0.0 {
        lo.abs() * 0.05
    } else {
        0.5
    };
    Some((lo - margin, hi + margin))
}

impl Figure for Amounts<'_> {
    fn size(&self) -> (u32, u32) {
        super::FIGURE_SIZE
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let summary = self.data.summary;
        let models = super::ordered_models(summary);
        let scale = self.data.histogram_scale;
        // (name, height factor, shape): shares of deals times the factor.
        let series: Vec<(&str, f64, Shape)> = models
            .iter()
            .filter_map(|&(name, m)| {
                let a = m.amount.as_ref()?;
                let shape = Shape::of(a)?;
                Some((name, height_factor(scale, a.count, m.trials), shape))
            })
            .collect();
        let (per, y_desc) = match scale {
            HistogramScale::AllTrials => (
                "bar heights are shares of all of a model's trials",
                "share of all trials",
            ),
            HistogramScale::OwnDeals => (
                "each model's bars sum to 100% of its deals",
                "share of the model's deals",
            ),
        };
        let top = draw_title(
            root,
            s,
            &summary.scenario.title,
            &format!(
                "Agreed amounts per model over {} trials ({per})",
                summary.trials
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let (w, _) = body.dim_in_pixel();
        let (chart_area, legend_area) =
            body.split_horizontally(w.saturating_sub(s.upx(LEGEND_WIDTH)));

        // Legend (drawn even without deals, so the models are named).
        let mut entries: Vec<(Swatch, String)> = Vec::new();
        for &(name, m) in &models {
            let text = if m.amount.is_some() {
                format!("{name} ({} agree)", super::style::pct(m.agreement_rate))
            } else {
                format!("{name} (no deals)")
            };
            entries.push((Swatch::Fill(model_color(name), 0.25), text));
        }
        let mut markers = Vec::new();
        if let Some((x, _)) = self.data.observed.filter(|o| o.0.is_finite()) {
            markers.push((
                Marker {
                    x,
                    label: format!("observed {}", sig(x, 3)),
                    colors: vec![INK],
                    dashed: false,
                },
                "observed".to_owned(),
            ));
            entries.push((Swatch::Line(INK), "observed outcome".to_string()));
        }
        let mut no_agreement = Vec::new();
        for (model, value) in &self.data.closed_forms {
            match value {
                Some(x) if x.is_finite() => markers.push((
                    Marker {
                        x: *x,
                        label: format!("{model} {}", sig(*x, 3)),
                        colors: vec![model_color(model.as_str())],
                        dashed: true,
                    },
                    model.as_str().to_owned(),
                )),
                _ => no_agreement.push(model.as_str()),
            }
        }
        if !self.data.closed_forms.is_empty() {
            entries.push((
                Swatch::Dashed(INK),
                "closed form, central values".to_string(),
            ));
        }
        let (z0, z1) = self.data.zone;
        let has_zone = z0.is_finite() && z1.is_finite() && z0 <= z1;
        if has_zone {
            entries.push((Swatch::Fill(ZONE, 1.0), "zone, central values".to_string()));
        } else {
            entries.push((Swatch::None, "no zone, central values".to_string()));
        }
        for name in &no_agreement {
            entries.push((Swatch::None, format!("{name}: no agreement")));
        }
        let legend_w = legend_area.dim_in_pixel().0.saturating_sub(s.upx(12.0));
        draw_legend(&legend_area, s, (s.px(4.0), s.px(16.0)), legend_w, &entries)?;

        if series.is_empty() {
            draw_message(&chart_area, s, "no deals under any model")?;
            return Ok(());
        }

        // x range: where the deals are, plus the markers and the zone.
        let mut points: Vec<f64> = Vec::new();
        for (_, _, shape) in &series {
            let (a, b) = shape.extent();
            points.extend([a, b]);
        }
        points.extend(markers.iter().map(|m| m.0.x));
        if has_zone {
            points.extend([z0, z1]);
        }
        let Some((x0, x1)) = padded_range(points, 0.04) else {
            draw_message(&chart_area, s, "no deals under any model")?;
            return Ok(());
        };
        let peak = series
            .iter()
            .map(|(_, k, sh)| k * sh.peak())
            .fold(0.0, f64::max)
            .max(1e-9);

        let build = |ymax: f64| {
            ChartBuilder::on(&chart_area)
                .margin_left(s.px(8.0))
                .margin_right(s.px(20.0))
                .margin_top(s.px(6.0))
                .margin_bottom(s.px(8.0))
                .x_label_area_size(s.px(56.0))
                .y_label_area_size(s.px(76.0))
                .build_cartesian_2d(x0..x1, 0.0..ymax)
        };

        // Lay the marker labels out in rows above the bars, without overlaps.
        let probe = build(1.0)?;
        let (xr, yr) = probe.plotting_area().get_pixel_range();
        let label_style = s.text(14.0);
        let markers = merge_coinciding(
            markers
                .into_iter()
                .map(|(m, name)| {
                    let px = probe.backend_coord(&(m.x, 0.0)).0;
                    (m, name, px)
                })
                .collect(),
        );
        let mut items = Vec::with_capacity(markers.len());
        for m in &markers {
            let px = probe.backend_coord(&(m.x, 0.0)).0;
            let tw = root.estimate_text_size(&m.label, &label_style)?.0 as i32;
            items.push((px, tw));
        }
        let placed = layout_labels(&items, (xr.start, xr.end), s.px(4.0), s.px(10.0));
        let rows = placed.iter().map(|p| p.0 + 1).max().unwrap_or(0);
        let row_h = s.px(20.0);
        let plot_h = f64::from((yr.end - yr.start).max(1));
        let headroom = f64::from(rows as i32 * row_h + s.px(10.0));
        let free = (1.0 - headroom / plot_h).max(0.35);
        let ymax = peak * 1.05 / free;

        let mut chart = build(ymax)?;
        let fx = tick_format(x0, x1);
        let fy = pct_tick_format(ymax);
        house_mesh(&mut chart, s)
            .disable_x_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(s.text(14.0))
            .axis_desc_style(s.text(16.0))
            .x_desc(format!("agreed amount ({})", summary.scenario.unit))
            .y_desc(y_desc)
            .set_all_tick_mark_size(s.px(5.0))
            .draw()?;

        if has_zone {
            let a = z0.max(x0);
            let b = z1.min(x1);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, 0.0), (b, ymax)],
                ZONE.filled(),
            )))?;
        }

        let spike_w = (x1 - x0) * 0.006;
        for (name, k, shape) in &series {
            let color = model_color(name);
            match shape {
                Shape::Bins(bins) => {
                    let mut outline = Vec::with_capacity(bins.len() * 2 + 2);
                    for &(lo, hi, share) in bins {
                        outline.push((lo, k * share));
                        outline.push((hi, k * share));
                    }
                    chart.draw_series(AreaSeries::new(
                        outline.iter().copied(),
                        0.0,
                        color.mix(0.14).filled(),
                    ))?;
                    let first = bins.first().map_or(x0, |b| b.0);
                    let last = bins.last().map_or(x1, |b| b.1);
                    let path = std::iter::once((first, 0.0))
                        .chain(outline)
                        .chain(std::iter::once((last, 0.0)));
                    chart.draw_series(LineSeries::new(path, color.stroke_width(s.upx(2.0))))?;
                }
                Shape::Spike(x) => {
                    let r = [(x - spike_w, 0.0), (x + spike_w, *k)];
                    chart
                        .draw_series(std::iter::once(Rectangle::new(r, color.mix(0.3).filled())))?;
                    chart.draw_series(std::iter::once(Rectangle::new(
                        r,
                        color.stroke_width(s.upx(2.0)),
                    )))?;
                }
            }
        }

        // Markers: a line from the axis up to its label.
        for (i, m) in markers.iter().enumerate() {
            let (row, left) = placed[i];
            if m.x < x0 || m.x > x1 {
                continue;
            }
            let label_top = yr.start + s.px(4.0) + row as i32 * row_h;
            let line_top_px = label_top;
            let y_top = ymax * f64::from(yr.end - line_top_px) / plot_h;
            let width = if m.dashed { 2.0 } else { 2.5 };
            let color = m.colors.first().copied().unwrap_or(INK);
            let style = color.stroke_width(s.upx(width));
            if m.colors.len() > 1 {
                let a = chart.backend_coord(&(m.x, 0.0));
                let b = chart.backend_coord(&(m.x, y_top));
                draw_shared_line(root, &[a, b], &m.colors, s.px(6.0), s.upx(width))?;
            } else if m.dashed {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(m.x, 0.0), (m.x, y_top)],
                    s.px(7.0),
                    s.px(4.0),
                    style,
                )))?;
            } else {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(m.x, 0.0), (m.x, y_top)],
                    style,
                )))?;
            }
            let text_color = if m.colors.len() > 1 {
                INK
            } else {
                darken(color, 0.2)
            };
            let text_style = label_style
                .clone()
                .color(&text_color)
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(m.label.clone(), (left, label_top), text_style))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::layout_labels;

    #[test]
    fn labels_neither_overlap_nor_get_crossed() {
        // Six markers within 110 px, labels about 100 px wide.
        let items = [
            (400, 90),
            (430, 60),
            (445, 150),
            (480, 60),
            (490, 110),
            (510, 110),
        ];
        let placed = layout_labels(&items, (100, 900), 4, 10);
        for (i, &(ri, li)) in placed.iter().enumerate() {
            let (xi, wi) = items[i];
            assert!(li >= 100 && li + wi <= 900);
            assert!(xi < li || xi > li + wi, "label {i} crossed by its own line");
            for (j, &(rj, lj)) in placed.iter().enumerate() {
                if i == j {
                    continue;
                }
                let (xj, wj) = items[j];
                if ri == rj {
                    assert!(li + wi <= lj || lj + wj <= li, "labels {i} and {j} overlap");
                }
                if rj <= ri {
                    assert!(xj < li || xj > li + wi, "line {j} crosses label {i}");
                }
            }
        }
    }

    #[test]
    fn crowded_labels_still_get_a_place() {
        let items = vec![(500, 200); 12];
        let placed = layout_labels(&items, (0, 1000), 4, 10);
        assert_eq!(placed.len(), 12);
    }
}
