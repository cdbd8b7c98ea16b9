//! Flat CSV views of the JSON results, for spreadsheets and data frames: `summary.csv`
//! (one row per model) beside `summary.json`, `compare.csv` (one row per model, and for
//! packages per model and issue) beside
//! `compare.json`. The JSON files stay the reference; these carry the headline numbers.

use std::fmt::Write as _;

use bargain_core::OutcomeKind;

use crate::analysis::compare::{Comparison, Difference, ModelStats};
use crate::summary::{QUANTILES, Summary};

/// A number as CSV text: Rust's shortest round-trip form; empty for `None`.
fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// `summary.csv`: one row per model (in `summary.json` order) with the agreement rate, the
/// share of trials of each outcome kind, the amount's mean, sd, min, max and quantiles
/// (empty without deals) and the mean round of deals.
#[must_use]
pub fn summary_csv(summary: &Summary) -> String {
    let mut out = String::from("model,trials,agreement_rate");
    for k in OutcomeKind::ALL {
        let _ = write!(out, ",share_{}", k.as_str());
    }
    out.push_str(",deals,amount_mean,amount_sd,amount_min,amount_max");
    for (q, _) in QUANTILES {
        let _ = write!(out, ",amount_{q}");
    }
    out.push_str(",round_mean\n");
    for (model, m) in &summary.models {
        let _ = write!(out, "{model},{},{}", m.trials, m.agreement_rate);
        for k in OutcomeKind::ALL {
            let count = m.outcomes.get(k.as_str()).copied().unwrap_or(0);
            let share = if m.trials > 0 {
                count as f64 / m.trials as f64
            } else {
                0.0
            };
            let _ = write!(out, ",{share}");
        }
        let a = m.amount.as_ref();
        let _ = write!(
            out,
            ",{},{},{},{},{}",
            a.map_or(0, |a| a.count),
            num(a.map(|a| a.mean)),
            num(a.map(|a| a.sd)),
            num(a.map(|a| a.min)),
            num(a.map(|a| a.max)),
        );
        for (q, _) in QUANTILES {
            let _ = write!(out, ",{}", num(a.and_then(|a| a.quantiles.get(q).copied())));
        }
        let _ = writeln!(out, ",{}", num(m.round.mean));
    }
    out
}

fn stats_cells(out: &mut String, s: &ModelStats) {
    let _ = write!(
        out,
        ",{},{},{},{},{},{},{}",
        s.trials,
        s.deals,
        s.agreement_rate,
        num(s.mean),
        num(s.sd),
        num(s.median),
        num(s.mean_round)
    );
}

fn difference_cells(out: &mut String, d: Option<&Difference>) {
    let _ = write!(
        out,
        ",{},{},{},{}",
        num(d.map(|d| d.estimate)),
        num(d.and_then(|d| d.se)),
        num(d.and_then(|d| d.lo)),
        num(d.and_then(|d| d.hi))
    );
}

/// `compare.csv`: one row per model present in both inputs: A's and B's statistics, the
/// differences B − A (estimate, standard error, interval) of the agreement rate, mean and
/// median, and the KS and Wasserstein distances; for packages then a row per model and
/// issue (per label for choice issues), see `issue_rows`.
#[must_use]
pub fn compare_csv(cmp: &Comparison) -> String {
    let mut out = String::from("model");
    for side in ["a", "b"] {
        for col in [
            "trials",
            "deals",
            "agreement_rate",
            "mean",
            "sd",
            "median",
            "mean_round",
        ] {
            let _ = write!(out, ",{side}_{col}");
        }
    }
    for stat in ["agreement_rate", "mean", "median"] {
        for col in ["diff", "se", "lo", "hi"] {
            let _ = write!(out, ",{stat}_{col}");
        }
    }
    out.push_str(",ks,wasserstein\n");
    for (model, m) in &cmp.models {
        out.push_str(model);
        stats_cells(&mut out, &m.a);
        stats_cells(&mut out, &m.b);
        difference_cells(&mut out, Some(&m.agreement_rate));
        difference_cells(&mut out, m.mean.as_ref());
        difference_cells(&mut out, m.median.as_ref());
        let _ = writeln!(out, ",{},{}", num(m.ks), num(m.wasserstein));
    }
    for (model, m) in &cmp.models {
        issue_rows(&mut out, model, m);
    }
    out
}

/// The rows of a package comparison's issues (after every model's row; none for one-issue
/// comparisons): per model and number or integer issue a row `<model>.<issue>` with both
/// sides' deals, mean, sd and median of the issue and the differences of means and
/// medians; per model, choice issue and label a row `<model>.<issue>=<label>` with the
/// label's share of each side's deals in the `mean` columns and the difference of shares
/// in the `mean_diff` columns. Agreement-rate differences, distances and rounds are left
/// empty (they are the model's row's).
fn issue_rows(out: &mut String, model: &str, m: &crate::analysis::compare::ModelComparison) {
    for (key, c) in &m.issues {
        if let (Some(a), Some(b)) = (&c.a_stats, &c.b_stats) {
            let _ = write!(out, "{model}.{key}");
            stats_cells(out, a);
            stats_cells(out, b);
            difference_cells(out, None);
            difference_cells(out, c.mean.as_ref());
            difference_cells(out, c.median.as_ref());
            out.push_str(",,\n");
        }
        for l in &c.shares {
            let _ = write!(out, "{model}.{key}={l}", l = l.label);
            for (side, share) in [(&m.a, l.a), (&m.b, l.b)] {
                let _ = write!(
                    out,
                    ",{},{},{},{share},,,",
                    side.trials, side.deals, side.agreement_rate
                );
            }
            difference_cells(out, None);
            difference_cells(out, Some(&l.difference));
            difference_cells(out, None);
            out.push_str(",,\n");
        }
    }
}
