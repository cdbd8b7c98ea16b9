//! `timing.svg`/`.png` (scenarios with a `[calendar]`, one-issue or package): the
//! cumulative probability of a deal by date for each model, with the expiry, the end and
//! the observed date marked, and the "Timing" section of the report pages.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ReportData;
use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_shared_line, draw_title,
    shared_label,
};
use super::style::{INK, Scale, model_color, pct_tick_format};
use crate::scenario::date::{civil_from_days, parse_date};
use crate::timing::TimingSummary;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The timing figure.
pub(crate) struct Timing<'a> {
    /// The scenario's title.
    pub(crate) title: &'a str,
    /// Each model with a `timing` block, in report order: its name and block.
    pub(crate) models: Vec<(&'a str, &'a TimingSummary)>,
    /// A model's colour by its report name.
    pub(crate) color: fn(&str) -> RGBColor,
}

impl<'a> Timing<'a> {
    /// The timing figure of a one-issue run (`None` without a calendar).
    pub(crate) fn of_run(data: &'a ReportData<'a>) -> Option<Self> {
        let models: Vec<_> = super::ordered_models(data.summary)
            .into_iter()
            .filter_map(|(name, m)| m.timing.as_ref().map(|t| (name, t)))
            .collect();
        (!models.is_empty()).then_some(Self {
            title: &data.summary.scenario.title,
            models,
            color: model_color,
        })
    }
}

/// Months (fractional) from the first day of `origin`'s month to `date` (ISO).
fn month_x(origin: (i64, u32), date: &str) -> Option<f64> {
    let (y, m, d) = civil_from_days(parse_date(date)?);
    let whole = (y - origin.0) * 12 + i64::from(m) - i64::from(origin.1);
    Some(whole as f64 + f64::from(d - 1) / 30.436_875)
}

impl Figure for Timing<'_> {
    fn size(&self) -> (u32, u32) {
        super::FIGURE_SIZE
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let top = draw_title(
            root,
            s,
            self.title,
            "Cumulative probability of a ratified deal by the end of each month, per model (share of all trials); models with the same curve share one line.",
        )?;
        let (_, body) = root.split_vertically(top);
        let models = &self.models;
        let Some((_, first)) = models.first() else {
            draw_message(&body, s, "no calendar")?;
            return Ok(());
        };
        let Some(start) = parse_date(&first.start) else {
            draw_message(&body, s, "no calendar")?;
            return Ok(());
        };
        let (y0, m0, _) = civil_from_days(start);
        let origin = (y0, m0);
        let months = models
            .iter()
            .map(|(_, t)| t.by_month.len())
            .max()
            .unwrap_or(1);
        // A label and a tick every `step` months, at the first of the month: at most 11
        // however long the calendar (up to 50 years). The x axis counts steps (x = months
        // / step), so its integer key points are the labelled months.
        let step = [1usize, 2, 3, 6, 12, 24, 60]
            .into_iter()
            .find(|k| months / k <= 10)
            .unwrap_or(120);
        let unit = step as f64;
        let xmax = months.max(1) as f64 / unit;
        let (w, _) = body.dim_in_pixel();
        let (plot, side) = body.split_horizontally((f64::from(w) * 0.78) as u32);
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(s.px(8.0))
            .margin_right(s.px(16.0))
            .margin_top(s.px(10.0))
            .margin_bottom(s.px(8.0))
            .x_label_area_size(s.px(56.0))
            .y_label_area_size(s.px(76.0))
            .build_cartesian_2d(0.0..xmax, 0.0..1.0)?;
        let fx = move |x: &f64| {
            let k = x.round() as i64;
            if (x - k as f64).abs() > 1e-6 || k < 0 {
                return String::new();
            }
            let total = i64::from(origin.1) - 1 + k * step as i64;
            let (y, m) = (
                origin.0 + total.div_euclid(12),
                total.rem_euclid(12) as usize,
            );
            format!("{} {y}", MONTHS[m])
        };
        let fy = pct_tick_format(1.0);
        house_mesh(&mut chart, s)
            .disable_x_mesh()
            .x_labels(months / step + 1)
            .y_labels(6)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(s.text(14.0))
            .axis_desc_style(s.text(16.0))
            .x_desc("date (first day of the month)")
            .y_desc("P(deal by date)")
            .set_all_tick_mark_size(s.px(5.0))
            .draw()?;
        let mut legend = Vec::new();
        // Models with the same curve (closed forms often strike on the same days) are
        // drawn as one line in their colours taking turns, with one legend entry.
        let mut groups: Vec<(Vec<&str>, &TimingSummary)> = Vec::new();
        for (name, t) in models {
            let same = |g: &(Vec<&str>, &TimingSummary)| {
                g.1.by_month.len() == t.by_month.len()
                    && g.1
                        .by_month
                        .iter()
                        .zip(&t.by_month)
                        .all(|(a, b)| a.share == b.share)
            };
            match groups.iter_mut().find(|g| same(g)) {
                Some(g) => g.0.push(name),
                None => groups.push((vec![name], t)),
            }
        }
        for (names, t) in &groups {
            let colors: Vec<RGBColor> = names.iter().map(|n| (self.color)(n)).collect();
            let mut pts = vec![(0.0, 0.0)];
            let mut last = 0.0;
            // A step at the end of each month: the share with a deal by that day.
            for (i, b) in t.by_month.iter().enumerate() {
                let x = (i + 1) as f64 / unit;
                pts.push((x, last));
                pts.push((x, b.share));
                last = b.share;
            }
            let px: Vec<(i32, i32)> = pts.iter().map(|p| chart.backend_coord(p)).collect();
            draw_shared_line(root, &px, &colors, s.px(9.0), s.upx(2.5))?;
            let swatch = match colors.as_slice() {
                [a, b, ..] => Swatch::Shared(*a, *b),
                _ => Swatch::Line(colors.first().copied().unwrap_or(INK)),
            };
            legend.push((swatch, shared_label(names)));
        }
        let marks = [
            (Some(first.expiry.as_str()), "expiry", RGBColor(200, 60, 40)),
            (first.end.as_deref(), "end", INK),
            (
                first.observed.as_ref().map(|o| o.date.as_str()),
                "observed",
                RGBColor(20, 120, 60),
            ),
        ];
        for (k, (date, label, color)) in marks.iter().enumerate() {
            let Some(x) = date.and_then(|d| month_x(origin, d)).map(|m| m / unit) else {
                continue;
            };
            if !(0.0..=xmax).contains(&x) {
                continue;
            }
            chart.draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, 1.0)],
                s.px(6.0),
                s.px(4.0),
                color.stroke_width(s.upx(2.0)),
            ))?;
            let text = format!("{label} {}", date.unwrap_or_default());
            let y = 0.97 - 0.07 * k as f64;
            // Labels near the right edge go to the left of their line.
            let (h, dx) = if x > 0.7 * xmax {
                (HPos::Right, -xmax * 0.008)
            } else {
                (HPos::Left, xmax * 0.008)
            };
            let anchor = Pos::new(h, VPos::Center);
            chart.draw_series(std::iter::once(Text::new(
                text,
                (x + dx, y),
                s.text(13.0).color(color).pos(anchor),
            )))?;
            legend.push((Swatch::Dashed(*color), (*label).to_owned()));
        }
        // The scenario's events: a dotted mark at each (its first date for a range).
        let event_color = RGBColor(110, 60, 160);
        for (k, e) in first.events.iter().enumerate() {
            let Some(x) = month_x(origin, &e.date).map(|m| m / unit) else {
                continue;
            };
            if !(0.0..=xmax).contains(&x) {
                continue;
            }
            chart.draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, 1.0)],
                s.px(2.0),
                s.px(4.0),
                event_color.stroke_width(s.upx(2.0)),
            ))?;
            let when = match &e.last {
                Some(last) => format!("{} to {last}", e.date),
                None => e.date.clone(),
            };
            let p = if e.probability < 1.0 {
                format!(" (p = {})", e.probability)
            } else {
                String::new()
            };
            let y = 0.97 - 0.07 * (marks.len() + k) as f64;
            let (h, dx) = if x > 0.7 * xmax {
                (HPos::Right, -xmax * 0.008)
            } else {
                (HPos::Left, xmax * 0.008)
            };
            chart.draw_series(std::iter::once(Text::new(
                format!("{} {when}{p}", e.note),
                (x + dx, y),
                s.text(13.0)
                    .color(&event_color)
                    .pos(Pos::new(h, VPos::Center)),
            )))?;
            legend.push((Swatch::Dashed(event_color), format!("event: {}", e.note)));
        }
        let (sw, _) = side.dim_in_pixel();
        draw_legend(
            &side,
            s,
            (s.px(8.0), s.px(20.0)),
            sw.saturating_sub(s.upx(12.0)),
            &legend,
        )?;
        Ok(())
    }
}

/// The "Timing" section of a one-issue `report.html` (empty without a calendar): a table
/// per model and the inline timing plot.
pub(crate) fn html_section(data: &ReportData<'_>) -> std::io::Result<String> {
    let Some(figure) = Timing::of_run(data) else {
        return Ok(String::new());
    };
    let svg = super::figure::svg_string(&figure)?;
    Ok(section(&figure.models, &svg, super::html::escape))
}

/// The "Timing" section: the calendar in words, a table per model (`cell` writes a
/// model's name cell) and the plot `svg`.
pub(crate) fn section(
    models: &[(&str, &TimingSummary)],
    svg: &str,
    cell: impl Fn(&str) -> String,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let fmt = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"));
    let _ = writeln!(out, "<h2>Timing</h2>");
    if let Some((_, t)) = models.first() {
        let _ = writeln!(
            out,
            "<p>Talks from {}; the current agreement expires after {}{}. Months are calendar months from the first round.</p>",
            super::html::escape(&t.start),
            super::html::escape(&t.expiry),
            t.end
                .as_ref()
                .map(|e| format!("; no talks after {}", super::html::escape(e)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><tr><th>model</th><th>before expiry %</th><th>{} %</th><th>median months</th><th>median lapse (months)</th><th>deal date p05</th><th>p50</th><th>p95</th><th>observed date pct</th></tr>",
        super::glossary::term("lapse", "lapse")
    );
    for (name, t) in models {
        let q = |o: &Option<crate::timing::MonthStats>| {
            o.as_ref().and_then(|s| s.quantiles.get("p50").copied())
        };
        let d = |k: &str| {
            t.deal_date
                .as_ref()
                .and_then(|q| q.get(k).cloned())
                .unwrap_or_else(|| "–".into())
        };
        let obs = t
            .observed
            .as_ref()
            .map_or_else(|| "–".into(), |o| format!("{:.0}%", 100.0 * o.percentile));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell(name),
            100.0 * t.before_expiry,
            100.0 * t.lapse_rate,
            fmt(q(&t.months)),
            fmt(q(&t.lapse_months)),
            d("p05"),
            d("p50"),
            d("p95"),
            obs
        );
    }
    let _ = writeln!(out, "</table></div>\n<figure>{svg}</figure>");
    out
}
