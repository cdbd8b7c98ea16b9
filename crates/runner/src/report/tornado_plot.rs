//! `tornado.svg`/`.png`: the partial rank correlation of each uncertain input with the
//! agreed amount and with the chance of a deal, for one model, largest effect on top.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::house_mesh;
use super::figure::{
    Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title, fit_text,
};
use super::style::{INK, PAYEE, PAYER, Scale};
pub(crate) use crate::analysis::sensitivity::order;
use crate::analysis::sensitivity::{Effect, ModelSensitivity, SensitivityReport};

/// Height of one input's row, in design pixels.
const ROW: u32 = 34;
/// Width of the input-name column (without Sobol indices).
const LABEL_W: f64 = 310.0;
/// Width of the input-name column when each row also shows its Sobol indices.
const LABEL_W_SOBOL: f64 = 330.0;

/// The tornado chart of one model.
pub(crate) struct Tornado<'a> {
    /// The analysis.
    pub(crate) report: &'a SensitivityReport,
    /// The model shown.
    pub(crate) model: &'a ModelSensitivity,
}

/// "amount S₁ 0.12 Sₜ 0.52 · deal S₁ 0.10 Sₜ 0.43": the Sobol indices of one input, or
/// `None` when neither output has them.
fn sobol_line(amount: &Effect, deal: &Effect) -> Option<String> {
    let one = |e: &Effect| {
        e.sobol.map_or_else(
            || "–".to_string(),
            |x| format!("S₁ {:.2} Sₜ {:.2}", x.first, x.total),
        )
    };
    (amount.sobol.is_some() || deal.sobol.is_some())
        .then(|| format!("amount {} · deal {}", one(amount), one(deal)))
}

impl Figure for Tornado<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 170 + ROW * self.model.amount.len().max(1) as u32)
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let r = self.report;
        let m = self.model;
        let with_sobol = r.sobol_samples.is_some();
        let label_w = if with_sobol { LABEL_W_SOBOL } else { LABEL_W };
        let top = draw_title(
            root,
            s,
            &format!("{}: what moves the deal ({})", r.scenario.title, m.model),
            &if with_sobol {
                format!(
                    "PRCC (bars) and Spearman's ρ (ticks), first {} trials ({} deals); under each input its Sobol first-order S₁ and total Sₜ indices.",
                    r.samples, m.deals
                )
            } else {
                format!(
                    "Partial rank correlation (bars) and Spearman's ρ (ticks) of each uncertain input; first {} trials ({} deals).",
                    r.samples, m.deals
                )
            },
        )?;
        let (_, body) = root.split_vertically(top);
        if m.amount.is_empty() {
            draw_message(&body, s, "no uncertain inputs")?;
            return Ok(());
        }
        let (body, legend) = body.split_vertically(body.dim_in_pixel().1 - s.upx(40.0));
        let (labels, charts) = body.split_horizontally(s.upx(label_w));
        let (left, right) = charts.split_horizontally(charts.dim_in_pixel().0 / 2);
        let idx = order(m);
        let k = idx.len();
        let head = s.px(28.0);
        let axis_h = s.px(34.0);
        let mut row_y = Vec::new();
        for (out, (area, title, effects)) in [
            (&left, "agreed amount", &m.amount),
            (&right, "chance of a deal", &m.deal),
        ]
        .into_iter()
        .enumerate()
        {
            area.draw(&Text::new(
                title.to_string(),
                (area.dim_in_pixel().0 as i32 / 2, s.px(4.0)),
                s.bold(15.0).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
            let (_, plot) = area.split_vertically(head);
            let mut chart = ChartBuilder::on(&plot)
                .margin_left(s.px(10.0))
                .margin_right(s.px(18.0))
                .x_label_area_size(axis_h)
                .build_cartesian_2d(-1.25..1.25, -0.5..k as f64 - 0.5)?;
            let fx = |v: &f64| {
                if v.abs() <= 1.0 + 1e-9 {
                    format!("{v:.1}")
                } else {
                    String::new()
                }
            };
            house_mesh(&mut chart, s)
                .disable_y_mesh()
                .x_labels(6)
                .y_labels(0)
                .x_label_formatter(&fx)
                .label_style(s.text(13.0))
                .set_all_tick_mark_size(s.px(4.0))
                .draw()?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.5), (0.0, k as f64 - 0.5)],
                INK.mix(0.7).stroke_width(s.upx(1.0)),
            )))?;
            for (row, &j) in idx.iter().enumerate() {
                let y = (k - 1 - row) as f64;
                let e = &effects[j];
                if let Some(p) = e.prcc {
                    let c = if p >= 0.0 { PAYEE } else { PAYER };
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.32), (p, y + 0.32)],
                        c.filled(),
                    )))?;
                    let label = format!("{p:+.2}");
                    let (x, anchor) = if p >= 0.0 {
                        (p + 0.04, HPos::Left)
                    } else {
                        (p - 0.04, HPos::Right)
                    };
                    let color = &INK;
                    chart.draw_series(std::iter::once(Text::new(
                        label,
                        (x, y),
                        s.text(12.0)
                            .color(color)
                            .pos(Pos::new(anchor, VPos::Center)),
                    )))?;
                } else {
                    chart.draw_series(std::iter::once(Text::new(
                        "n/a".to_string(),
                        (0.03, y),
                        s.muted(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
                    )))?;
                }
                if let Some(rho) = e.spearman {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(rho, y - 0.42), (rho, y + 0.42)],
                        INK.stroke_width(s.upx(2.5)),
                    )))?;
                }
                if out == 0 {
                    let (_, py) = chart.backend_coord(&(0.0, y));
                    row_y.push((j, py));
                }
            }
        }
        let (_, ly) = labels.get_base_pixel();
        let style = s.text(14.0);
        let small = s.muted(11.0);
        for (j, py) in row_y {
            let name = fit_text(&labels, r.label(j), &style, s.upx(label_w - 20.0))?;
            let sobol = sobol_line(&m.amount[j], &m.deal[j]);
            let dy = if with_sobol { s.px(7.0) } else { 0 };
            labels.draw(&Text::new(
                name,
                (s.px(label_w - 8.0), py - ly - dy),
                style.clone().pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
            if let Some(line) = sobol.filter(|_| with_sobol) {
                labels.draw(&Text::new(
                    line,
                    (s.px(label_w - 8.0), py - ly + s.px(8.0)),
                    small.clone().pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
            }
        }
        let x0 = s.px(label_w);
        let third = (legend.dim_in_pixel().0 as i32 - x0).max(3) / 3;
        let entries = [
            (Swatch::Fill(PAYEE, 1.0), "raises it (PRCC > 0)".to_string()),
            (Swatch::Fill(PAYER, 1.0), "lowers it (PRCC < 0)".to_string()),
            (Swatch::Line(INK), "Spearman's ρ".to_string()),
        ];
        for (i, entry) in entries.iter().enumerate() {
            draw_legend(
                &legend,
                s,
                (x0 + i as i32 * third, s.px(8.0)),
                third as u32,
                std::slice::from_ref(entry),
            )?;
        }
        Ok(())
    }
}
