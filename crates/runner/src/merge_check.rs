//! The invariants `bargain merge` checks on every `partial.json` before trusting it, and
//! the checked merge of the accumulators.
//!
//! A partial report is an input like any other: it may be edited, truncated or written by
//! another version. Everything that can be verified is: outcome counts sum to the trials
//! of the shard, the histogram holds exactly the deals, the round counts hold exactly the
//! deals and sum to the recorded round total, the extremes agree with the histogram, the
//! mean lies between them, models are matched by name, and every sum is added with
//! checked arithmetic (no silent wrap-around near `u64::MAX`).

use bargain_core::{Model, OutcomeKind};

use crate::accumulate::{AmountRange, ExactSum, FINE_BINS, ModelAccumulator};
use crate::ensemble::{Accumulated, Shard};
use crate::pipeline::Partial;

/// A violated invariant: the field (a path inside `partial.json`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field, such as `accumulated.models[agents].outcomes`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn violation(field: impl Into<String>, message: impl Into<String>) -> Violation {
    Violation {
        field: field.into(),
        message: message.into(),
    }
}

fn sum(field: &str, xs: &[u64]) -> Result<u64, Violation> {
    xs.iter().try_fold(0u64, |a, &b| {
        a.checked_add(b)
            .ok_or_else(|| violation(field, "counts overflow 64 bits"))
    })
}

/// Check the shard header and the histogram range of one partial report.
///
/// # Errors
/// The first violated invariant.
pub fn check_header(p: &Partial) -> Result<(), Violation> {
    let [index, count] = p.shard;
    if count == 0 || index >= count {
        return Err(violation(
            "shard",
            format!("expected [index, count] with index < count, found [{index}, {count}]"),
        ));
    }
    if p.trials == 0 || p.trials > 1_000_000_000_000 {
        return Err(violation(
            "trials",
            format!("expected 1..=10^12, found {}", p.trials),
        ));
    }
    check_range(&p.accumulated.range)
}

fn check_range(r: &AmountRange) -> Result<(), Violation> {
    if !(r.lo.is_finite() && r.hi.is_finite() && r.center.is_finite() && r.lo < r.hi) {
        return Err(violation(
            "accumulated.range",
            format!(
                "expected finite lo < hi and a finite center, found lo {}, hi {}, center {}",
                r.lo, r.hi, r.center
            ),
        ));
    }
    if !(r.hi - r.lo).is_finite() {
        return Err(violation("accumulated.range", "the range is too wide"));
    }
    Ok(())
}

/// Check one model's accumulator of a shard that ran `trials` trials.
///
/// # Errors
/// The first violated invariant, its field under `accumulated.models[NAME]`.
pub fn check_model(
    name: &str,
    a: &ModelAccumulator,
    range: &AmountRange,
    trials: u64,
) -> Result<(), Violation> {
    let f = |x: &str| format!("accumulated.models[{name}].{x}");
    if a.trials != trials {
        return Err(violation(
            f("trials"),
            format!("expected the shard's {trials} trials, found {}", a.trials),
        ));
    }
    let outcomes = sum(&f("outcomes"), &a.outcomes)?;
    if outcomes != a.trials {
        return Err(violation(
            f("outcomes"),
            format!(
                "the counts sum to {outcomes}, not to the {} trials",
                a.trials
            ),
        ));
    }
    let deals = a.outcomes[OutcomeKind::Deal.index()];
    if a.bins.len() != FINE_BINS + 2 {
        return Err(violation(
            f("bins"),
            format!(
                "expected {} histogram bins, found {}",
                FINE_BINS + 2,
                a.bins.len()
            ),
        ));
    }
    let binned = sum(&f("bins"), &a.bins)?;
    if binned != deals {
        return Err(violation(
            f("bins"),
            format!("the histogram holds {binned} deals, the outcomes {deals}"),
        ));
    }
    let rounds = sum(&f("rounds"), &a.rounds)?;
    if rounds != deals {
        return Err(violation(
            f("rounds"),
            format!("the round counts hold {rounds} deals, the outcomes {deals}"),
        ));
    }
    if a.rounds.last() == Some(&0) {
        return Err(violation(f("rounds"), "ends with an empty round"));
    }
    // With a calendar every deal has its day; without one there are no day counts.
    let dated = sum(&f("deal_days"), &a.deal_days)?;
    if !a.deal_days.is_empty() && dated != deals {
        return Err(violation(
            f("deal_days"),
            format!("the day counts hold {dated} deals, the outcomes {deals}"),
        ));
    }
    if a.deal_days.last() == Some(&0) {
        return Err(violation(f("deal_days"), "ends with an empty day"));
    }
    let mut round_sum = 0u64;
    for (i, &c) in a.rounds.iter().enumerate() {
        round_sum = (i as u64 + 1)
            .checked_mul(c)
            .and_then(|x| round_sum.checked_add(x))
            .ok_or_else(|| violation(f("rounds"), "round total overflows 64 bits"))?;
    }
    if round_sum != a.round_sum {
        return Err(violation(
            f("round_sum"),
            format!(
                "expected {round_sum} (the sum of the round counts), found {}",
                a.round_sum
            ),
        ));
    }
    for (field, s) in [
        ("amount", &a.amount),
        ("payee_surplus", &a.payee_surplus),
        ("payer_surplus", &a.payer_surplus),
    ] {
        check_sums(&f(field), s, deals)?;
    }
    if deals == 0 {
        // Nothing seen: `null` in JSON (read as NaN) or the empty extremes ±∞.
        let empty = |x: f64| x.is_nan() || x.is_infinite();
        if !(empty(a.min) && empty(a.max)) {
            return Err(violation(
                f("min"),
                format!("expected null without deals, found {} and {}", a.min, a.max),
            ));
        }
        return Ok(());
    }
    if !(a.min.is_finite() && a.max.is_finite() && a.min <= a.max) {
        return Err(violation(
            f("min"),
            format!(
                "expected finite min <= max with deals, found {} and {}",
                a.min, a.max
            ),
        ));
    }
    let under = a.bins[0] > 0;
    let over = a.bins[FINE_BINS + 1] > 0;
    if under != (a.min < range.lo) {
        return Err(violation(
            f("min"),
            format!(
                "{} is {} the histogram's low end {} but the underflow bin holds {}",
                a.min,
                if a.min < range.lo {
                    "below"
                } else {
                    "not below"
                },
                range.lo,
                a.bins[0]
            ),
        ));
    }
    if over != (a.max > range.hi) {
        return Err(violation(
            f("max"),
            format!(
                "{} is {} the histogram's high end {} but the overflow bin holds {}",
                a.max,
                if a.max > range.hi {
                    "above"
                } else {
                    "not above"
                },
                range.hi,
                a.bins[FINE_BINS + 1]
            ),
        ));
    }
    if let Some(mean) = a.amount.mean(range.amounts(), deals) {
        let slack = range.span() * 1e-9;
        if !(mean >= a.min - slack && mean <= a.max + slack) {
            return Err(violation(
                f("amount"),
                format!(
                    "the mean deal {mean} lies outside [min, max] = [{}, {}]",
                    a.min, a.max
                ),
            ));
        }
    }
    Ok(())
}

/// Sums of `n` quantized values: `Σk² ≥ 0`, zero without values, and `n·Σk² ≥ (Σk)²`.
fn check_sums(field: &str, s: &ExactSum, n: u64) -> Result<(), Violation> {
    if s.sum_sq < 0 {
        return Err(violation(field, "a negative sum of squares"));
    }
    if n == 0 && (s.sum != 0 || s.sum_sq != 0) {
        return Err(violation(field, "non-zero sums without deals"));
    }
    if let (Some(a), Some(b)) = (
        i128::from(n).checked_mul(s.sum_sq),
        s.sum.checked_mul(s.sum),
    ) && a < b
    {
        return Err(violation(
            field,
            "the sums contradict each other (n·Σk² < (Σk)²)",
        ));
    }
    Ok(())
}

/// Check every model of a shard against the scenario's models (matched by name, each
/// once) and return the accumulators in the scenario's order.
///
/// # Errors
/// The first violated invariant.
pub fn check_partial(p: &Partial, models: &[Model]) -> Result<Accumulated, Violation> {
    check_header(p)?;
    let shard = Shard {
        index: p.shard[0],
        count: p.shard[1],
    };
    let (start, end) = shard.bounds(p.trials);
    let range = p.accumulated.range;
    let mut ordered = Vec::with_capacity(models.len());
    for m in models {
        let mut found = p.accumulated.models.iter().filter(|(x, _)| x == m);
        let Some((_, a)) = found.next() else {
            return Err(violation(
                "accumulated.models",
                format!("model `{}` of the scenario is missing", m.as_str()),
            ));
        };
        if found.next().is_some() {
            return Err(violation(
                "accumulated.models",
                format!("model `{}` appears twice", m.as_str()),
            ));
        }
        check_model(m.as_str(), a, &range, end - start)?;
        ordered.push((*m, a.clone()));
    }
    if let Some((m, _)) = p
        .accumulated
        .models
        .iter()
        .find(|(x, _)| !models.contains(x))
    {
        return Err(violation(
            "accumulated.models",
            format!("model `{}` is not a model of the scenario", m.as_str()),
        ));
    }
    Ok(Accumulated {
        range,
        models: ordered,
    })
}

/// Check the deal days of every model against the scenario's calendar: without a
/// calendar there are none; with one, every deal has its day and no day lies past
/// `last_day` (days from the first round), the calendar's last possible deal day.
///
/// # Errors
/// The first violated invariant, its field `accumulated.models[NAME].deal_days`.
pub fn check_deal_days(acc: &Accumulated, last_day: Option<u64>) -> Result<(), Violation> {
    for (m, a) in &acc.models {
        let f = format!("accumulated.models[{}].deal_days", m.as_str());
        let deals = a.outcomes[OutcomeKind::Deal.index()];
        match last_day {
            None if !a.deal_days.is_empty() => {
                return Err(violation(
                    f,
                    "day counts, but the scenario has no [calendar]",
                ));
            }
            None => {}
            Some(_) if deals > 0 && a.deal_days.is_empty() => {
                return Err(violation(
                    f,
                    format!("missing: the scenario has a [calendar] and there are {deals} deals"),
                ));
            }
            Some(last) => {
                let days = a.deal_days.len() as u64;
                if days > last.saturating_add(1) {
                    return Err(violation(
                        f,
                        format!(
                            "a deal on day {} after the first round, past the calendar's last day of talks (day {last})",
                            days - 1
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Merge `other` into `total` (both checked, models in the same order) with checked
/// arithmetic: the same result as [`Accumulated::merge`], or an overflow violation.
///
/// # Errors
/// A counter or sum that would overflow.
pub fn checked_merge(total: &mut Accumulated, other: &Accumulated) -> Result<(), Violation> {
    for ((m, a), (_, b)) in total.models.iter_mut().zip(&other.models) {
        a.try_merge(b).map_err(|field| {
            violation(
                format!("accumulated.models[{}].{field}", m.as_str()),
                "counts or sums overflow when merged",
            )
        })?;
    }
    Ok(())
}
