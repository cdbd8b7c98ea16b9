//! Plain-text tables for the terminal: the run summary, `explain` and `replay`.

use std::fmt::Write;

use bargain_core::{Model, OutcomeKind, Side};

use crate::ensemble::Replay;
use crate::scenario::{CalendarDates, Scenario};
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
        "{:<18} {:>16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}{}  observed pct",
        "model",
        "deal % ± se",
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
            "{:<18} {:>16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}{}  {}",
            name,
            crate::report::mc_error::rate_with_se(m.agreement_rate, m.trials),
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
        package_lines(&mut out, s, m);
    }
    out
}

/// A package model's issues in one line (numbers by their median, integers and choices
/// by their most frequent value) and its most frequent combinations of the non-amount
/// issues with their share of deals.
fn package_lines(out: &mut String, s: &Summary, m: &crate::summary::ModelSummary) {
    let (Some(p), Some(issues)) = (&s.package, &m.issues) else {
        return;
    };
    let deals = m.outcomes.get("deal").copied().unwrap_or(0);
    if deals == 0 {
        return;
    }
    let parts: Vec<String> = p
        .issues
        .iter()
        .filter_map(|i| {
            let b = issues.get(&i.key)?;
            Some(match (&b.mode, b.p50) {
                (Some(mode), _) => format!("{} mode {mode}", i.key),
                (None, Some(x)) => format!("{} median {}", i.key, fmt_opt(Some(x)).trim()),
                _ => return None,
            })
        })
        .collect();
    let _ = writeln!(out, "{:<18} issues: {}", "", parts.join("; "));
    if let Some(joint) = &m.joint {
        let top: Vec<String> = joint
            .iter()
            .take(3)
            .map(|j| {
                let v: Vec<String> = j
                    .values
                    .iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(t) => format!("{k} {t}"),
                        other => format!("{k} {other}"),
                    })
                    .collect();
                format!(
                    "{} ({:.0}%)",
                    v.join(", "),
                    100.0 * j.count as f64 / deals as f64
                )
            })
            .collect();
        if !top.is_empty() {
            let _ = writeln!(out, "{:<18} top: {}", "", top.join("; "));
        }
    }
}

/// `bargain explain`: the central values in words (negotiator types by name), the zone
/// of agreement after outside options and ratification limits, and every closed form at
/// the central values, each with why it ends as it does.
#[must_use]
pub fn explain(scenario: &Scenario) -> String {
    use crate::why::{self, Names, amount};
    let (n, timeline) = scenario.central_timeline();
    let d = why::decimals(n.protocol.grid);
    let names = Names {
        payee: scenario.party_name(Side::Payee),
        payer: scenario.party_name(Side::Payer),
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} (amounts in {})", scenario.title, scenario.unit);
    let _ = writeln!(
        out,
        "central values (medians of every distribution, the most likely option of a choice):"
    );
    let opt = |x: Option<f64>| x.map_or_else(|| "none".to_string(), |v| amount(v, d));
    for p in [&n.payee, &n.payer] {
        let _ = writeln!(
            out,
            "  {} ({}): opening {}, reservation {}, ratification limit {}, outside option {}, discount {:.3}, power {:.3}, negotiator {}",
            scenario.party_name(p.side),
            p.side.as_str(),
            amount(p.opening, d),
            amount(p.reservation, d),
            opt(p.ratification),
            opt(p.outside_option),
            p.discount,
            p.power,
            why::strategy_name(&p.strategy)
        );
    }
    let z = why::zone(&n);
    let (lo, hi) = (z.floor.amount, z.ceiling.amount);
    let source = |l: &why::Limit| l.kind.as_str();
    if z.is_empty() {
        let _ = writeln!(
            out,
            "zone of agreement after every limit: empty (the payer's {} {} is below the payee's {} {})",
            source(&z.ceiling),
            amount(hi, d),
            source(&z.floor),
            amount(lo, d)
        );
    } else {
        let _ = writeln!(
            out,
            "zone of agreement after every limit: [{}, {}] (payee's {}, payer's {}; surplus {})",
            amount(lo, d),
            amount(hi, d),
            source(&z.floor),
            source(&z.ceiling),
            amount(hi - lo, d)
        );
    }
    let _ = writeln!(
        out,
        "protocol: {} rounds, {} moves first, breakdown risk {:.4} per rejected offer",
        n.protocol.max_rounds,
        n.protocol.first_mover.as_str(),
        n.protocol.breakdown_risk
    );
    let dates = scenario.calendar.as_ref().zip(n.calendar.as_ref());
    if let Some((dates, cal)) = dates {
        let _ = writeln!(out, "{}", calendar_line(dates, cal));
    }
    out.push_str(&crate::events_report::EventsView::central(scenario, &n, &timeline).event_lines());
    let mut rng = crate::ensemble::trial_rng(0, 0);
    let mut ws = bargain_core::Workspace::new();
    for m in Model::ALL {
        // The agents' offers, so that `why` can name the final gap.
        let mut trace = bargain_core::Trace::new();
        let timed = n.outcome_in(&timeline, m, &mut rng, Some(&mut trace), &mut ws);
        let o = timed.outcome;
        let vetoed = match timed.vetoes {
            0 => String::new(),
            1 => ", after 1 veto".to_string(),
            k => format!(", after {k} vetoes"),
        };
        let when = match dates {
            Some((dates, cal)) if o.is_deal() => deal_date(dates, cal, o.round),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<18} {:<13} amount {:>8}  round {}{when}{vetoed}",
            m.as_str(),
            o.kind.as_str(),
            o.amount.map_or_else(|| "-".to_string(), |x| amount(x, d)),
            if when.is_empty() {
                o.round.to_string()
            } else {
                format!("{:<3}", o.round)
            }
        );
        if !o.is_deal() {
            let w = why::why(&n, m, &o, &trace, names);
            let _ = writeln!(out, "  {:<18} why: {}", "", w.text);
        }
    }
    if !scenario.input_names().is_empty() {
        let _ = writeln!(
            out,
            "uncertain inputs (drawn per trial; `bargain replay` shows one trial): {}",
            scenario.input_labels().join("; ")
        );
    }
    out
}

/// The calendar at central values in words: first round, expiry (and the round it
/// falls in), end of talks, pace and lapse costs.
fn calendar_line(dates: &CalendarDates, cal: &bargain_core::Calendar) -> String {
    use crate::scenario::date::format_date;
    let end = dates.end.map_or_else(
        || "no end date".to_string(),
        |e| format!("no talks after {}", format_date(e)),
    );
    format!(
        "calendar: talks from {}, the agreement expires after {} (the negotiators plan {} rounds), {end}; a round every {:.2} months; a month of lapse costs the payee {:.4} and the payer {:.4}",
        format_date(dates.start),
        format_date(dates.expiry),
        cal.expiry_rounds(),
        cal.round_months,
        cal.lapse_cost[0],
        cal.lapse_cost[1]
    )
}

/// `  · 2019-01-20, 0.7 months of lapse` (or `before expiry`) for a deal at 1-based
/// `round`.
fn deal_date(dates: &CalendarDates, cal: &bargain_core::Calendar, round: u32) -> String {
    use crate::scenario::date::format_date;
    let r = round.saturating_sub(1);
    let day = dates.start + i64::from(cal.day(r));
    let lapse = cal.lapse_months(r);
    if lapse > 0.0 {
        format!("  · {} ({lapse:.1} months of lapse)", format_date(day))
    } else {
        format!("  · {} (before expiry)", format_date(day))
    }
}

/// `bargain replay`: one trial in plain words — the sampled inputs (negotiator types by
/// name), each party's limits, each offer with who made it and how it was answered, and
/// a last line saying why the trial ended (see [`crate::why`]).
#[must_use]
pub fn replay(scenario: &Scenario, trial: u64, model: Model, r: &Replay) -> String {
    use crate::why::{self, Names, amount};
    let n = &r.negotiation;
    let d = why::decimals(n.protocol.grid);
    let names = Names {
        payee: scenario.party_name(Side::Payee),
        payer: scenario.party_name(Side::Payer),
    };
    let who = |side: Side| format!("{} ({})", scenario.party_name(side), side.as_str());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — trial {trial}, model {model} (amounts in {})",
        scenario.title, scenario.unit
    );
    if !r.inputs.is_empty() {
        let _ = writeln!(out, "sampled inputs:");
        let labels: Vec<String> = scenario
            .input_names()
            .iter()
            .map(|name| format!("{} ({name})", scenario.field_label(name)))
            .collect();
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        for (j, (name, x)) in scenario.input_names().iter().zip(&r.inputs).enumerate() {
            let value = match name.rsplit('.').next() {
                Some("opening" | "reservation" | "ratification" | "outside_option") => {
                    amount(*x, d)
                }
                _ => scenario.input_value(j, *x),
            };
            let _ = writeln!(out, "  {:<width$}  {value}", labels[j]);
        }
    }
    let opt = |x: Option<f64>| x.map_or_else(|| "none".to_string(), |v| amount(v, d));
    let _ = writeln!(out, "parties:");
    for p in [&n.payee, &n.payer] {
        let _ = writeln!(
            out,
            "  {}: opens at {}, reservation {}, ratification limit {}, outside option {}, negotiator {}",
            who(p.side),
            amount(p.opening, d),
            amount(p.reservation, d),
            opt(p.ratification),
            opt(p.outside_option),
            why::strategy_name(&p.strategy)
        );
    }
    let _ = writeln!(
        out,
        "protocol: {} rounds, {} moves first, breakdown risk {:.4} per rejected offer",
        n.protocol.max_rounds,
        who(n.protocol.first_mover),
        n.protocol.breakdown_risk
    );
    out.push_str(&crate::events_report::EventsView::one_issue(scenario, r).lines());
    if let Some(play) = &r.attrition {
        out.push_str(&attrition_lines(play, n, &who));
    }
    let offers = &r.trace.offers;
    if !offers.is_empty() {
        let _ = writeln!(out, "offers (each in the round it was answered):");
        let rounds = crate::replay_json::answer_rounds(offers, &r.outcome);
        let estimates = crate::replay_json::learning_estimates(r);
        for (i, (o, round)) in offers.iter().zip(rounds).enumerate() {
            let other = who(o.by.other());
            let answer = if r.trace.vetoed.contains(&i) {
                format!("accepted by {other}, then vetoed by a principal; the talks went on")
            } else if i + 1 < offers.len() {
                format!(
                    "rejected by {}, who counters",
                    scenario.party_name(o.by.other())
                )
            } else {
                match r.outcome.kind {
                    OutcomeKind::Deal => format!("accepted by {other}"),
                    OutcomeKind::NotRatified => {
                        format!("accepted by {other}, then not ratified")
                    }
                    OutcomeKind::Breakdown => {
                        format!("rejected by {other}; the talks broke down")
                    }
                    OutcomeKind::Deadline => "no answer: the deadline passed".to_string(),
                    OutcomeKind::NoZone => "-".to_string(),
                }
            };
            let _ = writeln!(
                out,
                "  round {:>3}  {:<32} offers {:>10}  → {answer}",
                round,
                who(o.by),
                amount(o.amount, d),
            );
            if let Some((_, by, e)) = estimates.iter().find(|x| x.0 == i) {
                let _ = writeln!(
                    out,
                    "             {} estimates {}'s reservation at {} ± {} ({} offers seen)",
                    scenario.party_name(*by),
                    scenario.party_name(o.by),
                    amount(e.mean, d),
                    amount(e.sd, d),
                    e.observed
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "result: {}, amount {}, round {}",
        r.outcome.kind.as_str(),
        r.outcome
            .amount
            .map_or_else(|| "-".to_string(), |x| amount(x, d)),
        r.outcome.round
    );
    let w = why::why(n, model, &r.outcome, &r.trace, names);
    let _ = writeln!(out, "why: {}", w.text);
    out
}

/// The `attrition` lines of a replay: each side's obstinacy and type, its concession
/// time, and who conceded when.
fn attrition_lines(
    play: &bargain_core::attrition::AttritionPlay,
    n: &bargain_core::Negotiation,
    who: &dyn Fn(Side) -> String,
) -> String {
    use bargain_core::attrition::side_of;
    let mut out = String::new();
    let unit = if play.game.round_months.is_some() {
        "months"
    } else {
        "rounds"
    };
    let (Some(eq), Some(draw)) = (play.game.equilibrium, play.draw) else {
        let _ = writeln!(
            out,
            "war of attrition: none (the openings do not conflict; the first mover's opening is accepted at once)"
        );
        return out;
    };
    let end = if eq.end.is_finite() {
        format!("{:.3} {unit}", eq.end)
    } else {
        "never".to_string()
    };
    let _ = writeln!(
        out,
        "war of attrition (time in {unit} from the first round; both reputations reach one at {end}):"
    );
    for i in 0..2 {
        let side = side_of(i);
        let kind = if draw.obstinate[i] {
            "obstinate"
        } else {
            "rational"
        };
        let when = if draw.times[i].is_finite() {
            format!("would concede at {:.3} {unit}", draw.times[i])
        } else {
            "never concedes".to_string()
        };
        let _ = writeln!(
            out,
            "  {}: obstinacy {:.4}, {kind}; concession rate {:.4} before the expiry, {:.4} after, atom at the start {:.4}; {when}",
            who(side),
            n.protocol.obstinacy[i],
            eq.pre[i],
            eq.post[i],
            eq.atom[i],
        );
    }
    let _ = match draw.conceder {
        Some(i) => writeln!(
            out,
            "  {} concedes first, at {:.3} {unit}",
            who(side_of(i)),
            draw.time
        ),
        None => writeln!(out, "  nobody concedes: no deal"),
    };
    out
}
