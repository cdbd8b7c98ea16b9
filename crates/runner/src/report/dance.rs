//! `dance.svg`/`.png`: the negotiation dance, offer by offer, of a few sample trials.

use bargain_core::{OutcomeKind, Side};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::amounts::padded_range;
use super::figure::house_mesh;
use super::figure::{Backend, DrawResult, Figure, Swatch, draw_legend, draw_message, draw_title};
use super::style::{
    INK, PAYEE, PAYER, Scale, integer_ticks, kind_color, lighten, sig, tick_format,
};
use super::{DanceTrial, ReportData};

/// Width of the legend column, in design pixels.
const LEGEND_WIDTH: f64 = 270.0;
/// Trials listed one by one in the legend.
const LISTED_TRIALS: usize = 8;

/// The negotiation-dance figure.
pub(crate) struct Dance<'a> {
    /// What to draw.
    pub(crate) data: &'a ReportData<'a>,
}

/// Horizontal position of each offer: the 1-based round in which it was answered (as
/// `replay` lists it, so the accepted offer sits at the deal's round), plus ½ for the
/// second offer answered in a round.
pub(crate) fn positions(trial: &DanceTrial) -> Vec<f64> {
    let mut out = Vec::with_capacity(trial.rounds.len());
    let mut current = None;
    let mut in_round = 0u32;
    for &round in &trial.rounds {
        if current == Some(round) {
            in_round += 1;
        } else {
            current = Some(round);
            in_round = 0;
        }
        let within = (f64::from(in_round) * 0.5).min(0.9);
        out.push(f64::from(round) + within);
    }
    out
}

/// The step line of one side's effective reservation over a trial's rounds: round `k`
/// spans `k − ¼ .. k + ¾` (its offers sit at `k` and `k + ½`).
pub(crate) fn reservation_steps(t: &DanceTrial, side: Side) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(t.reservations.len() * 2);
    for (i, &(payee, payer)) in t.reservations.iter().enumerate() {
        let value = if side == Side::Payee { payee } else { payer };
        if !value.is_finite() {
            continue;
        }
        let k = (i + 1) as f64;
        out.push((k - 0.25, value));
        out.push((k + 0.75, value));
    }
    out
}

/// How light trial `i` of `n` is drawn (the first trial darkest).
fn shade(i: usize, n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        0.6 * i as f64 / (n - 1) as f64
    }
}

fn describe(t: &DanceTrial, unit_digits: u32) -> String {
    let kind = t.outcome.kind.as_str().replace('_', " ");
    match t.outcome.amount {
        Some(a) if a.is_finite() => format!(
            "trial {}: {kind} {} (round {})",
            t.trial,
            sig(a, unit_digits),
            t.outcome.round
        ),
        _ => format!("trial {}: {kind} (round {})", t.trial, t.outcome.round),
    }
}

impl Figure for Dance<'_> {
    fn size(&self) -> (u32, u32) {
        super::FIGURE_SIZE
    }

    fn draw<DB: Backend>(&self, root: &DrawingArea<DB, Shift>, s: Scale) -> DrawResult {
        let summary = self.data.summary;
        let trials: Vec<&DanceTrial> = self.data.dance.iter().collect();
        let top = draw_title(
            root,
            s,
            &summary.scenario.title,
            &format!(
                "Negotiation dance: every offer of {} sample trial{} of the agents model; dashed: each trial's effective reservations, round by round",
                trials.len(),
                if trials.len() == 1 { "" } else { "s" }
            ),
        )?;
        let (_, body) = root.split_vertically(top);
        let (w, _) = body.dim_in_pixel();
        let (chart_area, legend_area) =
            body.split_horizontally(w.saturating_sub(s.upx(LEGEND_WIDTH)));

        let offers_total: usize = trials.iter().map(|t| t.offers.len()).sum();
        if offers_total == 0 {
            draw_message(&chart_area, s, "no negotiation traces to show")?;
            return Ok(());
        }
        let mut entries = vec![
            (Swatch::Line(PAYEE), "payee offers".to_string()),
            (Swatch::Line(PAYER), "payer offers".to_string()),
            (Swatch::Ring(INK), "accepted offer".to_string()),
            (
                Swatch::Dashed(INK),
                "effective reservations by round\n(they move with the lapse)".to_string(),
            ),
            (Swatch::None, "trials (darkest first):".to_string()),
        ];
        if trials.iter().any(|t| !t.events.is_empty()) {
            entries.insert(
                4,
                (
                    Swatch::Dashed(RGBColor(110, 60, 160)),
                    "event: the round it took effect".to_string(),
                ),
            );
        }
        let n = trials.len();
        for (i, t) in trials.iter().enumerate().take(LISTED_TRIALS) {
            let f = shade(i, n);
            entries.push((
                Swatch::Pair(lighten(PAYEE, f), lighten(PAYER, f)),
                describe(t, 3),
            ));
            entries.push((
                Swatch::None,
                format!(
                    "    at the start: payee {}, payer {}",
                    sig(t.payee_reservation, 3),
                    sig(t.payer_reservation, 3)
                ),
            ));
        }
        if n > LISTED_TRIALS {
            entries.push((Swatch::None, format!("… and {} more", n - LISTED_TRIALS)));
        }
        let legend_w = legend_area.dim_in_pixel().0.saturating_sub(s.upx(12.0));
        draw_legend(&legend_area, s, (s.px(4.0), s.px(16.0)), legend_w, &entries)?;

        let pos: Vec<Vec<f64>> = trials.iter().map(|t| positions(t)).collect();
        let xmax = pos.iter().flatten().copied().fold(1.0, f64::max);
        let amounts = trials
            .iter()
            .flat_map(|t| t.offers.iter().map(|o| o.amount).chain(t.outcome.amount))
            .chain(
                trials
                    .iter()
                    .flat_map(|t| t.reservations.iter().flat_map(|&(a, b)| [a, b])),
            );
        let Some((y0, y1)) = padded_range(amounts, 0.08) else {
            draw_message(&chart_area, s, "no finite offers to show")?;
            return Ok(());
        };
        let last_round = xmax.floor() as usize;
        let mut chart = ChartBuilder::on(&chart_area)
            .margin_left(s.px(8.0))
            .margin_right(s.px(20.0))
            .margin_top(s.px(10.0))
            .margin_bottom(s.px(8.0))
            .x_label_area_size(s.px(56.0))
            .y_label_area_size(s.px(76.0))
            .build_cartesian_2d(0.5..xmax + 0.75, y0..y1)?;
        let fx = integer_ticks;
        let fy = tick_format(y0, y1);
        house_mesh(&mut chart, s)
            .disable_x_mesh()
            .x_labels(last_round.min(12) + 2)
            .y_labels(7)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(s.text(14.0))
            .axis_desc_style(s.text(16.0))
            .x_desc("round in which the offer was answered (the second of a round at +½)")
            .y_desc(format!("offer ({})", summary.scenario.unit))
            .set_all_tick_mark_size(s.px(5.0))
            .draw()?;

        // Each trial's effective reservations, dashed, in the trial's shade: a step line
        // over its rounds (each round from ¼ before its first answer to ¼ before the
        // next round), so that they move with the lapse as the negotiators' own do.
        for (i, t) in trials.iter().enumerate().rev() {
            let f = shade(i, n);
            for (side, base) in [(Side::Payee, PAYEE), (Side::Payer, PAYER)] {
                let steps = reservation_steps(t, side);
                if steps.is_empty() {
                    continue;
                }
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    steps,
                    s.px(8.0),
                    s.px(5.0),
                    lighten(base, f).stroke_width(s.upx(1.5)),
                )))?;
            }
        }

        // Events: a dotted mark where each took effect (the start of its round), once per
        // round and note over the trials shown.
        let event_color = RGBColor(110, 60, 160);
        let mut marks: Vec<(u32, &str)> = trials
            .iter()
            .flat_map(|t| t.events.iter().map(|(r, note)| (*r, note.as_str())))
            .collect();
        marks.sort_unstable();
        marks.dedup();
        for (k, (round, note)) in marks.iter().enumerate() {
            let x = f64::from(*round) - 0.25;
            if x > xmax + 0.75 {
                continue;
            }
            chart.draw_series(DashedLineSeries::new(
                [(x, y0), (x, y1)],
                s.px(2.0),
                s.px(4.0),
                event_color.stroke_width(s.upx(2.0)),
            ))?;
            let y = y1 - (y1 - y0) * (0.04 + 0.06 * (k % 4) as f64);
            let left = x > 0.6 * (xmax + 0.75);
            let (h, dx) = if left {
                (HPos::Right, -0.15)
            } else {
                (HPos::Left, 0.15)
            };
            chart.draw_series(std::iter::once(Text::new(
                format!("{note} (round {round})"),
                (x + dx, y),
                s.text(13.0)
                    .color(&event_color)
                    .pos(Pos::new(h, VPos::Center)),
            )))?;
        }

        // Offers, lightest trial first so the first trial is on top.
        for (i, t) in trials.iter().enumerate().rev() {
            let f = shade(i, n);
            for (side, base) in [(Side::Payee, PAYEE), (Side::Payer, PAYER)] {
                let color = lighten(base, f);
                let pts: Vec<(f64, f64)> = t
                    .offers
                    .iter()
                    .zip(&pos[i])
                    .filter(|(o, _)| o.by == side && o.amount.is_finite())
                    .map(|(o, &x)| (x, o.amount))
                    .collect();
                chart.draw_series(LineSeries::new(
                    pts.iter().copied(),
                    color.stroke_width(s.upx(2.0)),
                ))?;
                chart.draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, s.px(3.5), color.filled())),
                )?;
            }
            if let (Some(amount), Some(&x)) = (t.outcome.amount, pos[i].last())
                && amount.is_finite()
            {
                let color = match t.outcome.kind {
                    OutcomeKind::Deal => INK,
                    other => kind_color(other.as_str()),
                };
                chart.draw_series(std::iter::once(Circle::new(
                    (x, amount),
                    s.px(8.0),
                    color.stroke_width(s.upx(2.5)),
                )))?;
            }
        }
        Ok(())
    }
}
