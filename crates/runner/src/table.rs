//! Plain-text tables for the terminal: the run summary, `explain` and `replay`.

use std::fmt::Write;

use bargain_core::{Model, OutcomeKind};

use crate::ensemble::Replay;
use crate::scenario::Scenario;
use crate::summary::Summary;

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

/// The short summary printed at the end of a run.
#[must_use]
pub fn summary_table(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} trials, seed {}, amounts in {}",
        s.scenario.title, s.trials, s.seed, s.scenario.unit
    );
    let calendar = s.models.values().any(|m| m.timing.is_some());
    let _ = writeln!(
        out,
        "{:<18} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}{}  observed pct",
        "model",
        "deal %",
        "p05",
        "p25",
        "median",
        "p75",
        "p95",
        "round",
        if calendar {
            "  before expiry %  median lapse (months)"
        } else {
            ""
        }
    );
    for (name, m) in crate::report::ordered_models(s) {
        let q = |k: &str| m.amount.as_ref().and_then(|a| a.quantiles.get(k).copied());
        let observed = m
            .observed
            .as_ref()
            .map_or_else(String::new, |o| format!("{:.0}%", 100.0 * o.percentile));
        let timing = m.timing.as_ref().map_or_else(String::new, |t| {
            let lapse = t
                .lapse_months
                .as_ref()
                .and_then(|l| l.quantiles.get("p50"))
                .map_or_else(|| "-".into(), |x| format!("{x:.1}"));
            format!("  {:>15.1}  {:>21}", 100.0 * t.before_expiry, lapse)
        });
        let _ = writeln!(
            out,
            "{:<18} {:>7.1} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}{}  {}",
            name,
            100.0 * m.agreement_rate,
            fmt_opt(q("p05")),
            fmt_opt(q("p25")),
            fmt_opt(q("p50")),
            fmt_opt(q("p75")),
            fmt_opt(q("p95")),
            m.round
                .mean
                .map_or_else(|| "-".into(), |r| format!("{r:.1}")),
            timing,
            observed
        );
        let no_deal: Vec<String> = OutcomeKind::ALL
            .iter()
            .filter(|k| **k != OutcomeKind::Deal)
            .filter_map(|k| {
                let n = m.outcomes.get(k.as_str()).copied().unwrap_or(0);
                (n > 0).then(|| {
                    format!(
                        "{} {:.1}%",
                        k.as_str(),
                        100.0 * n as f64 / m.trials.max(1) as f64
                    )
                })
            })
            .collect();
        if !no_deal.is_empty() {
            let _ = writeln!(out, "{:<18} no deal: {}", "", no_deal.join(", "));
        }
    }
    out
}

/// `bargain explain`: the zone of agreement and every closed form at the central values.
#[must_use]
pub fn explain(scenario: &Scenario) -> String {
    let n = scenario.central();
    let mut out = String::new();
    let _ = writeln!(out, "{} (amounts in {})", scenario.title, scenario.unit);
    let _ = writeln!(out, "central values (medians of every distribution):");
    for p in [&n.payee, &n.payer] {
        let _ = writeln!(
            out,
            "  {:<6} opening {:.4}  reservation {:.4}  discount {:.3}  power {:.3}  ratification {}  outside option {}  strategy {}",
            p.side.as_str(),
            p.opening,
            p.reservation,
            p.discount,
            p.power,
            fmt_opt(p.ratification),
            fmt_opt(p.outside_option),
            p.strategy.kind()
        );
    }
    let (lo, hi) = (n.payee.reservation, n.payer.reservation);
    if lo <= hi {
        let _ = writeln!(
            out,
            "zone of agreement: [{lo:.4}, {hi:.4}] (surplus {:.4})",
            hi - lo
        );
    } else {
        let _ = writeln!(
            out,
            "zone of agreement: empty (the payee needs {:.4} more than the payer can bear)",
            lo - hi
        );
    }
    let _ = writeln!(
        out,
        "protocol: {} rounds, {} moves first, breakdown risk {:.4}",
        n.protocol.max_rounds,
        n.protocol.first_mover.as_str(),
        n.protocol.breakdown_risk
    );
    let mut rng = crate::ensemble::trial_rng(0, 0);
    for m in Model::ALL {
        let o = n.outcome(m, &mut rng, None);
        let _ = writeln!(
            out,
            "  {:<18} {:<13} amount {:>8}  round {}",
            m.as_str(),
            o.kind.as_str(),
            fmt_opt(o.amount),
            o.round
        );
    }
    out
}

/// `bargain replay`: one trial, offer by offer.
#[must_use]
pub fn replay(scenario: &Scenario, trial: u64, model: Model, r: &Replay) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — trial {trial}, model {model}", scenario.title);
    let _ = writeln!(out, "sampled inputs:");
    for (name, x) in scenario.input_names().iter().zip(&r.inputs) {
        let _ = writeln!(out, "  {name} = {x}");
    }
    for p in [&r.negotiation.payee, &r.negotiation.payer] {
        let _ = writeln!(
            out,
            "  {}: opening {}, reservation {}, strategy {:?}",
            p.side.as_str(),
            p.opening,
            p.reservation,
            p.strategy
        );
    }
    if !r.trace.offers.is_empty() {
        let _ = writeln!(out, "offers:");
        for o in &r.trace.offers {
            let _ = writeln!(
                out,
                "  round {:>3}  {:<6} offers {}",
                o.round + 1,
                o.by.as_str(),
                o.amount
            );
        }
    }
    let _ = writeln!(
        out,
        "outcome: {} amount {} round {} accepted by {}",
        r.outcome.kind.as_str(),
        r.outcome
            .amount
            .map_or_else(|| "-".into(), |x| x.to_string()),
        r.outcome.round,
        r.outcome.accepted_by.map_or("-", |s| s.as_str())
    );
    out
}
