//! `compare.html`: a comparison of two runs (computed by `analysis::compare`) with its
//! plot inlined.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::html::{escape, head, inline_svg, model_cell};
use crate::analysis::compare::{Comparison, decimals, interval, opt, ordered, signed};

/// `compare.html`: the comparison with its plot `svg` inlined.
#[must_use]
pub fn compare_html(cmp: &Comparison, svg: &str) -> String {
    let d = decimals(cmp);
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("Comparison: {} vs {}", cmp.a.scenario, cmp.b.scenario);
    let _ = head(&mut out, &title);
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        out,
        "<p class=\"lead\">Differences are <strong>B − A</strong> with {:.0}% confidence \
         intervals; {}.</p>",
        cmp.confidence * 100.0,
        if cmp.common_random_numbers {
            "both scenarios ran here with <strong>common random numbers</strong> (same seed and \
             trial count, so trial i of both drew from the same generator): agreement and mean \
             intervals are paired"
        } else {
            "the inputs are compared from their summaries as independent samples"
        }
    );
    let _ = writeln!(
        out,
        "<table><thead><tr><th></th><th>input</th><th>scenario</th><th>title</th>\
         <th>trials</th><th>seed</th><th>unit</th></tr></thead><tbody>"
    );
    for s in [&cmp.a, &cmp.b] {
        let _ = writeln!(
            out,
            "<tr><td><strong>{}</strong></td><td>{} <span class=\"muted\">({})</span></td>\
             <td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.label),
            escape(&s.source),
            escape(&s.input),
            escape(&s.scenario),
            escape(&s.title),
            s.trials,
            s.seed,
            escape(&s.unit)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    if !cmp.warnings.is_empty() {
        let _ = writeln!(out, "<div class=\"warn\"><strong>Warnings</strong><ul>");
        for w in &cmp.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        let _ = writeln!(out, "</ul></div>");
    }

    let _ = writeln!(out, "<h2>Differences per model</h2>");
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table><thead><tr><th>model</th><th>statistic</th><th>A</th>\
         <th>B</th><th>B − A</th><th>95% interval</th></tr></thead><tbody>"
    );
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    for name in ordered(cmp) {
        let m = &cmp.models[name];
        let mut rows: Vec<[String; 5]> = vec![[
            "agreement rate".into(),
            pct(m.a.agreement_rate),
            pct(m.b.agreement_rate),
            format!("{:+.2} pp", 100.0 * m.agreement_rate.estimate),
            format!("{} pp", interval(&m.agreement_rate, 2, 100.0)),
        ]];
        for (label, diff, a, b) in [
            ("mean amount", &m.mean, m.a.mean, m.b.mean),
            ("median amount", &m.median, m.a.median, m.b.median),
        ] {
            rows.push([
                label.into(),
                opt(a, d),
                opt(b, d),
                signed(diff.map(|x| x.estimate), d),
                diff.as_ref().map_or("–".into(), |x| interval(x, d, 1.0)),
            ]);
        }
        if let Some(p) = &m.paired_amount {
            rows.push([
                format!("paired amount ({} trials)", p.both_deal),
                String::new(),
                String::new(),
                signed(Some(p.difference.estimate), d),
                interval(&p.difference, d, 1.0),
            ]);
        }
        rows.push([
            "mean round".into(),
            opt(m.a.mean_round, 2),
            opt(m.b.mean_round, 2),
            match (m.a.mean_round, m.b.mean_round) {
                (Some(a), Some(b)) => format!("{:+.2}", b - a),
                _ => "–".into(),
            },
            String::new(),
        ]);
        rows.push([
            format!(
                "{} distance · {}",
                super::glossary::term("KS", "KS"),
                super::glossary::term("W₁", "W₁")
            ),
            String::new(),
            String::new(),
            format!("{} · {}", opt(m.ks, 3), opt(m.wasserstein, d + 1)),
            format!("resolution {}", opt(m.resolution, d + 1)),
        ]);
        for (i, r) in rows.iter().enumerate() {
            let first = if i == 0 {
                format!(
                    "<td rowspan=\"{}\" style=\"vertical-align:top\">{}</td>",
                    rows.len(),
                    model_cell(name)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<tr>{first}<td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td>\
                 <td><strong>{}</strong></td><td>{}</td></tr>",
                r[0], r[1], r[2], r[3], r[4]
            );
        }
    }
    let _ = writeln!(out, "</tbody></table></div>");
    for (side, names) in [("A", &cmp.only_in_a), ("B", &cmp.only_in_b)] {
        if !names.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"note\">Only in {side}: {}.</p>",
                escape(&names.join(", "))
            );
        }
    }

    let _ = writeln!(out, "<h2>Distributions</h2>");
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>Per model: the histograms of agreed amounts (each normalized \
         to its own deals), the distribution functions, and deals per round as a share of \
         trials, A and B overlaid.</figcaption></figure>",
        inline_svg(svg, "Comparison of the distributions of A and B")
    );

    let _ = writeln!(out, "<h2>Rounds side by side</h2>");
    let names = ordered(cmp);
    let rounds = names
        .iter()
        .map(|n| {
            cmp.models[*n]
                .rounds
                .a
                .len()
                .max(cmp.models[*n].rounds.b.len())
        })
        .max()
        .unwrap_or(0);
    if rounds == 0 {
        let _ = writeln!(out, "<p class=\"note\">No deals.</p>");
    } else {
        let _ = write!(
            out,
            "<div class=\"scroll\"><table><thead><tr><th>round</th>"
        );
        for n in &names {
            let _ = write!(out, "<th>{} A</th><th>{} B</th>", escape(n), escape(n));
        }
        let _ = writeln!(out, "</tr></thead><tbody>");
        for r in 0..rounds {
            let _ = write!(out, "<tr><td>{}</td>", r + 1);
            for n in &names {
                let m = &cmp.models[*n];
                for v in [&m.rounds.a, &m.rounds.b] {
                    let _ = write!(out, "<td>{}</td>", v.get(r).map_or("–".into(), |x| pct(*x)));
                }
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody></table></div>");
        let _ = writeln!(
            out,
            "<p class=\"note\">Deals struck in each round as a share of the model's trials.</p>"
        );
    }

    methods_and_footer(&mut out, &cmp.methods, &cmp.format, cmp.version, "compare");
    out
}

/// The "Methods" list and the footer that close an analysis page (`verb`: the command
/// that wrote it).
pub(super) fn methods_and_footer(
    out: &mut String,
    methods: &BTreeMap<String, String>,
    format: &str,
    version: u32,
    verb: &str,
) {
    let _ = writeln!(out, "<h2>Methods</h2><dl>");
    for (k, v) in methods {
        let _ = writeln!(
            out,
            "<dt><code>{}</code></dt><dd class=\"muted\">{}</dd>",
            escape(k),
            escape(v)
        );
    }
    let _ = writeln!(out, "</dl>");
    let _ = writeln!(
        out,
        "{}\n<footer>{} v{version} · generated by bargain {verb}</footer>\n</main>\n</body>\n</html>",
        super::glossary::NOTE,
        escape(format)
    );
}
