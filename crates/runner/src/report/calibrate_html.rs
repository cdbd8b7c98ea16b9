//! `report.html` of `bargain calibrate`: the knobs chosen in sample and leaving each case
//! out, beside the scenarios as written and the naive baselines (computed by
//! `analysis::calibrate`).

use std::fmt::Write as _;

use super::compare_html::methods_and_footer;
use super::html::{escape, head, model_cell};
use crate::analysis::backtest::ordered;
use crate::analysis::calibrate::{Calibrate, Fit, crps_text, knobs_text};

/// The calibration page.
#[must_use]
pub fn calibrate_html(c: &Calibrate) -> String {
    let crps = super::glossary::term("CRPS", "CRPS");
    let mut out = String::with_capacity(16 * 1024);
    let title = "Leave-one-out calibration";
    let _ = head(&mut out, title);
    let _ = writeln!(out, "<h1>{title}</h1>");
    let grid: Vec<String> = c
        .params
        .iter()
        .map(|p| {
            format!(
                "<code>{}</code> {}..{} ({} values)",
                escape(&p.name),
                p.lo,
                p.hi,
                p.steps
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} case(s) were run at every point of the grid {}{}, with the same \
         seed at every point (common random numbers). The knobs are chosen to minimise the \
         mean {crps} over the cases: on every case (in sample, optimistic) and, for each case \
         in turn, on the others, scoring the case left out (leave one out).</p>",
        c.cases.len(),
        grid.join(" × "),
        if c.inputs.is_empty() {
            String::new()
        } else {
            format!(
                "; <code>spread</code> applies to {}",
                escape(&c.inputs.join(", "))
            )
        }
    );
    for w in &c.warnings {
        let _ = writeln!(out, "<p class=\"muted\">warning: {}</p>", escape(w));
    }

    let _ = writeln!(out, "<h2>Scores</h2>");
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>objective</th><th>chosen in sample</th>\
         <th>in-sample {crps}</th><th>leave-one-out {crps}</th><th>as written</th></tr></thead><tbody>"
    );
    let row = |out: &mut String, label: String, f: &Fit| {
        let _ = writeln!(
            out,
            "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(
                &f.in_sample
                    .as_ref()
                    .map_or_else(|| "–".into(), |i| knobs_text(&i.chosen, &c.params))
            ),
            crps_text(f.in_sample.as_ref().map(|i| i.crps)),
            crps_text(f.loo_crps),
            crps_text(f.as_written_crps)
        );
    };
    let top = Fit {
        in_sample: c.in_sample.clone(),
        folds: c.folds.clone(),
        loo_crps: c.loo_crps,
        as_written_crps: c.as_written_crps,
        grid_crps: c.grid_crps.clone(),
    };
    row(&mut out, "mean over the models".into(), &top);
    for name in ordered(c.models.keys().cloned()) {
        row(&mut out, model_cell(&name), &c.models[&name]);
    }
    for (name, b) in &c.baselines {
        let v = crps_text(Some(b.mean_crps));
        let _ = writeln!(
            out,
            "<tr><td>baseline <code>{}</code></td><td class=\"muted\">not tuned ({} case(s))</td>\
             <td>{v}</td><td>{v}</td><td>{v}</td></tr>",
            escape(name),
            b.cases
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");

    let _ = writeln!(out, "<h2>Leave one out</h2>");
    let _ = writeln!(
        out,
        "<p>For the mean over the models: the knobs chosen on the other cases and the held-out \
         case's {crps} there, beside the case's baselines.</p>"
    );
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>held out</th><th>chosen on the others</th>\
         <th>held-out {crps}</th><th>others' mean</th><th>as written</th><th>previous</th>\
         <th>trend</th></tr></thead><tbody>"
    );
    for f in &c.folds {
        let case = c.cases.iter().find(|k| k.name == f.held_out);
        let written = case.and_then(|k| {
            let v: Option<f64> = k.as_written.values().copied().sum();
            v.map(|s| s / k.as_written.len().max(1) as f64)
        });
        let base = |b: &str| crps_text(case.and_then(|k| k.baselines.get(b)).map(|p| p.crps));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.held_out),
            escape(&knobs_text(&f.chosen, &c.params)),
            crps_text(f.crps),
            crps_text(Some(f.train_crps)),
            crps_text(written),
            base("previous"),
            base("trend")
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
    if c.cases.len() < 10 {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Small sample: {} cases, so each fold tunes on {} case(s); read \
             the held-out scores as rough.</p>",
            c.cases.len(),
            c.cases.len().saturating_sub(1)
        );
    }

    let _ = writeln!(out, "<h2>Grid</h2>");
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>knobs</th><th>mean {crps} (mean over the \
         models)</th></tr></thead><tbody>"
    );
    for (point, score) in c.grid.iter().zip(&c.grid_crps) {
        let chosen = c
            .params
            .iter()
            .map(|p| p.name.clone())
            .zip(point.iter().copied())
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(&knobs_text(&chosen, &c.params)),
            crps_text(*score)
        );
    }
    let _ = writeln!(out, "</tbody></table></div>");
    if !c.skipped.is_empty() {
        let _ = writeln!(out, "<h2>Not scored</h2><ul>");
        for s in &c.skipped {
            let _ = writeln!(out, "<li>{}</li>", escape(s));
        }
        let _ = writeln!(out, "</ul>");
    }
    methods_and_footer(&mut out, &c.methods, &c.format, c.version, "calibrate");
    out
}
