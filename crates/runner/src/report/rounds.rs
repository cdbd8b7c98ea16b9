//! `rounds.svg`/`.png`: when deals are struck, and how every trial ends, per model.

use bargain_core::Model;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ReportData;
use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, axis_color, draw_message, draw_shared_line, draw_title, fit_text,
};
use super::style::{INK, Scale, integer_ticks, kind_color, model_color, pct_tick_format};

/// Outcome kinds in report order.
const KINDS: [&str; 5] = ["deal", "deadline", "breakdown", "not_ratified", "no_zone"];

/// Above this many rounds the deals per round are drawn as lines instead of bars.
const MAX_BAR_ROUNDS: usize = 24;

/// The rounds-and-outcomes figure.
pub(crate) struct Rounds<'a> {
    /// What to draw.
    pub(crate) data: &'a ReportData<'a>,
}

impl Figure for Rounds<'_> {
    fn size(&self) -> (u32, u32) {
        super::FIGURE_SIZE
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let summary = self.data.summary;
        let top = draw_title(
            root,
            s,
            &summary.scenario.title,
            "Left: deals struck in each round, as a share of the model's trials. Right: how the trials end.",
        )?;
        let (_, body) = root.split_vertically(top);
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally((f64::from(w) * 0.58) as u32);
        draw_rounds(&left, s, self.data)?;
        draw_outcomes(&right, s, self.data)?;
        Ok(())
    }
}

fn draw_rounds<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    data: &ReportData<'_>,
) -> DrawResult {
    let all: Vec<(&str, Vec<f64>)> = super::ordered_models(data.summary)
        .into_iter()
        .filter(|(_, m)| m.trials > 0 && m.round.counts.iter().any(|&c| c > 0))
        .map(|(name, m)| {
            let shares = m
                .round
                .counts
                .iter()
                .map(|&c| c as f64 / m.trials as f64)
                .collect();
            (name, shares)
        })
        .collect();
    // Closed forms agree in round 1 by construction: their bars would dwarf the timing
    // of the agents model, so they are named in a note instead (their agreement rates
    // are in the outcome panel).
    let round_one_only = |(name, v): &(&str, Vec<f64>)| {
        Model::from_name(name).is_some_and(Model::is_closed_form)
            && v.iter().skip(1).all(|&x| x == 0.0)
    };
    let (noted, mut series): (Vec<_>, Vec<_>) = all.into_iter().partition(round_one_only);
    let mut note = String::new();
    if series.is_empty() {
        series = noted;
    } else if !noted.is_empty() {
        let names: Vec<&str> = noted.iter().map(|(n, _)| *n).collect();
        note = format!("closed forms, all deals in round 1: {}", names.join(", "));
    }
    let rounds = series
        .iter()
        .filter_map(|(_, v)| v.iter().rposition(|&x| x > 0.0))
        .max()
        .map_or(0, |i| i + 1);
    // Drawn as lines, models with the same shares in every round (closed forms that
    // strike on the same days) share one line in their colours taking turns; the note
    // names them.
    let mut groups: Vec<(Vec<&str>, &Vec<f64>)> = Vec::new();
    for (name, shares) in &series {
        match groups.iter_mut().find(|g| g.1 == shares) {
            Some(g) => g.0.push(name),
            None => groups.push((vec![name], shares)),
        }
    }
    if rounds > MAX_BAR_ROUNDS && note.is_empty() {
        let shared: Vec<String> = groups
            .iter()
            .filter(|g| g.0.len() > 1)
            .map(|g| g.0.join(", "))
            .collect();
        if !shared.is_empty() {
            note = format!("the same line (same rounds): {}", shared.join("; "));
        }
    }
    if series.is_empty() || rounds == 0 {
        draw_message(area, s, "no deals")?;
        return Ok(());
    }
    let peak = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0, f64::max)
        .max(1e-9);
    // Room above the bars for the two-line note.
    let ymax = if note.is_empty() {
        peak * 1.1
    } else {
        peak * 1.32
    };
    let mut chart = ChartBuilder::on(area)
        .margin_left(s.px(8.0))
        .margin_right(s.px(16.0))
        .margin_top(s.px(10.0))
        .margin_bottom(s.px(8.0))
        .x_label_area_size(s.px(56.0))
        .y_label_area_size(s.px(76.0))
        .build_cartesian_2d(0.5..rounds as f64 + 0.5, 0.0..ymax)?;
    let fx = integer_ticks;
    let fy = pct_tick_format(ymax);
    house_mesh(&mut chart, s)
        .disable_x_mesh()
        .x_labels(rounds.min(12) + 2)
        .y_labels(6)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(s.text(14.0))
        .axis_desc_style(s.text(16.0))
        .x_desc("round of the deal")
        .y_desc("share of trials")
        .set_all_tick_mark_size(s.px(5.0))
        .draw()?;

    if rounds <= MAX_BAR_ROUNDS {
        let n = series.len() as f64;
        let group = 0.8;
        let bw = group / n;
        for (k, (name, shares)) in series.iter().enumerate() {
            let color = model_color(name);
            let bars = shares
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0)
                .map(|(i, &v)| {
                    let x = (i + 1) as f64 - group / 2.0 + bw * k as f64;
                    Rectangle::new([(x, 0.0), (x + bw, v)], color.filled())
                });
            chart.draw_series(bars)?;
        }
    } else {
        let (bx, by) = area.get_base_pixel();
        for (names, shares) in &groups {
            let colors: Vec<RGBColor> = names.iter().map(|n| model_color(n)).collect();
            let pts: Vec<(i32, i32)> = shares
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let (x, y) = chart.backend_coord(&((i + 1) as f64, v));
                    (x - bx, y - by)
                })
                .collect();
            draw_shared_line(area, &pts, &colors, s.px(9.0), s.upx(2.0))?;
        }
    }
    if !note.is_empty() {
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let style = s.muted(14.0);
        let width = (xr.end - xr.start - s.px(16.0)).max(0) as u32;
        let lines = match note.split_once(": ") {
            Some((head, tail)) => vec![format!("{head}:"), tail.to_string()],
            None => vec![note.clone()],
        };
        let (bx, by) = area.get_base_pixel();
        for (k, line) in lines.into_iter().enumerate() {
            let line = fit_text(area, &line, &style, width)?;
            let y = yr.start - by + s.px(6.0) + s.px(20.0) * k as i32;
            let anchor = Pos::new(HPos::Right, VPos::Top);
            area.draw(&Text::new(
                line,
                (xr.end - bx - s.px(8.0), y),
                style.clone().pos(anchor),
            ))?;
        }
    }
    Ok(())
}

fn draw_outcomes<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
    data: &ReportData<'_>,
) -> DrawResult {
    let models: Vec<(&str, Vec<f64>)> = super::ordered_models(data.summary)
        .into_iter()
        .map(|(name, m)| {
            let total = m.trials.max(1) as f64;
            let shares = KINDS
                .iter()
                .map(|k| m.outcomes.get(*k).copied().unwrap_or(0) as f64 / total)
                .collect();
            (name, shares)
        })
        .collect();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    if models.is_empty() {
        draw_message(area, s, "no models")?;
        return Ok(());
    }
    let label_w = s.px(150.0);
    let bar_x0 = s.px(16.0) + label_w;
    let bar_x1 = w - s.px(20.0);
    let top = s.px(10.0);
    let legend_h = s.px(76.0);
    let axis_h = s.px(30.0);
    let bottom = h - legend_h - axis_h;
    let row_h = ((bottom - top) / models.len() as i32).min(s.px(56.0));
    let bar_h = (f64::from(row_h) * 0.62) as i32;
    let span = f64::from(bar_x1 - bar_x0);
    let x_of = |share: f64| bar_x0 + (share.clamp(0.0, 1.0) * span).round() as i32;

    for (i, (name, shares)) in models.iter().enumerate() {
        let mid = top + row_h * i as i32 + row_h / 2;
        // Name with the model's colour swatch (the legend of the left panel).
        let sw = s.px(12.0);
        area.draw(&Rectangle::new(
            [(s.px(10.0), mid - sw / 2), (s.px(10.0) + sw, mid + sw / 2)],
            model_color(name).filled(),
        ))?;
        let style = s.text(14.0);
        let text = fit_text(area, name, &style, (label_w - s.px(22.0)).max(0) as u32)?;
        area.draw(&Text::new(
            text,
            (s.px(28.0), mid),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let mut acc = 0.0;
        for (k, &share) in shares.iter().enumerate() {
            if share <= 0.0 {
                continue;
            }
            let (a, b) = (x_of(acc), x_of(acc + share));
            acc += share;
            let color = kind_color(KINDS[k]);
            area.draw(&Rectangle::new(
                [(a, mid - bar_h / 2), (b.max(a + 1), mid + bar_h / 2)],
                color.filled(),
            ))?;
            let label = super::style::pct(share);
            let ls = s.text(13.0).color(if k == 0 || k == 2 || k == 4 {
                &WHITE
            } else {
                &INK
            });
            let tw = area.estimate_text_size(&label, &ls)?.0 as i32;
            if b - a > tw + s.px(6.0) {
                area.draw(&Text::new(
                    label,
                    ((a + b) / 2, mid),
                    ls.pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
    }
    // Share axis.
    let axis_y = top + row_h * models.len() as i32 + s.px(4.0);
    area.draw(&PathElement::new(
        vec![(bar_x0, axis_y), (bar_x1, axis_y)],
        axis_color(),
    ))?;
    for t in [0.0, 0.5, 1.0] {
        let x = x_of(t);
        area.draw(&PathElement::new(
            vec![(x, axis_y), (x, axis_y + s.px(5.0))],
            axis_color(),
        ))?;
        let anchor = if t == 0.0 {
            HPos::Left
        } else if t == 1.0 {
            HPos::Right
        } else {
            HPos::Center
        };
        area.draw(&Text::new(
            format!("{:.0}%", t * 100.0),
            (x, axis_y + s.px(8.0)),
            s.text(14.0).pos(Pos::new(anchor, VPos::Top)),
        ))?;
    }
    // Kind legend, two rows.
    let ly = axis_y + s.px(34.0);
    let cols = 2;
    let col_w = (bar_x1 - s.px(10.0)) / cols;
    for (k, kind) in KINDS.iter().enumerate() {
        let x = s.px(10.0) + col_w * (k as i32 % cols);
        let y = ly + s.px(22.0) * (k as i32 / cols);
        let sw = s.px(12.0);
        area.draw(&Rectangle::new(
            [(x, y - sw / 2), (x + sw, y + sw / 2)],
            kind_color(kind).filled(),
        ))?;
        area.draw(&Text::new(
            kind.replace('_', " "),
            (x + sw + s.px(6.0), y),
            s.text(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}
