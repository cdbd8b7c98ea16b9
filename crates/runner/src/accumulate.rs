//! Streaming, mergeable accumulators of outcomes.
//!
//! Every accumulator holds only integers: counts, histogram bins and exact sums of
//! quantized values. Merging is therefore associative and commutative bit for bit, so
//! the result does not depend on the thread count, the chunk schedule or the sharding.
//! Memory is fixed: it does not grow with the number of trials.

pub mod counted;
pub mod issues;

use bargain_core::{Negotiation, Outcome, OutcomeKind};
use serde::{Deserialize, Serialize};

pub use issues::IssueTally;

/// Number of fine histogram bins used for quantiles.
pub const FINE_BINS: usize = 4096;

/// Quantization of amounts: values are stored as `round((x − center) / span · 2^40)`.
const SCALE: f64 = (1u64 << 40) as f64;

/// The amount range shared by every accumulator of a run (fixed before the run starts).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AmountRange {
    /// Low end of the histogram.
    pub lo: f64,
    /// High end of the histogram (> lo).
    pub hi: f64,
    /// Reference value subtracted before quantizing amounts (the pilot's mean deal), so
    /// that sums of squares do not cancel: a constant amount has a standard deviation of
    /// exactly 0.
    pub center: f64,
    /// Smallest width the quantizers use (see [`AmountRange::with_bound`]); 0, and left
    /// out of JSON, when the range's own width keeps every quantized sum in range.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub floor: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Largest magnitude of any amount in `n`: openings, reservations, outside options,
/// ratification limits of both parties, plus the largest lapse cost the calendar can add.
/// Every deal and every reservation the accumulators see lies within it.
#[must_use]
pub fn value_bound(n: &Negotiation) -> f64 {
    let party = |p: &bargain_core::Party| {
        [
            Some(p.opening),
            Some(p.reservation),
            p.outside_option,
            p.ratification,
        ]
        .into_iter()
        .flatten()
        .map(f64::abs)
        .fold(0.0, f64::max)
    };
    let lapse = n.calendar.map_or(0.0, |c| {
        let last = c.total_rounds(n.protocol.max_rounds);
        (c.lapse_cost[0].abs() + c.lapse_cost[1].abs()) * c.lapse_months(last)
    });
    party(&n.payee).max(party(&n.payer)) + lapse
}

impl AmountRange {
    /// Width of the range.
    #[must_use]
    pub fn span(&self) -> f64 {
        self.hi - self.lo
    }

    /// Width of one fine bin: the error bound of the reported quantiles inside the range.
    #[must_use]
    pub fn bin_width(&self) -> f64 {
        self.span() / FINE_BINS as f64
    }

    /// This range with the quantizers' width raised, if needed, so that no quantized sum
    /// of `trials` values of magnitude at most `bound` (see [`value_bound`]) can overflow:
    /// each `|k|` stays below `K = √(2^126 / trials)`, so `Σk` and `Σk²` fit an `i128`.
    /// A range at least that wide is unchanged (`floor` stays 0).
    #[must_use]
    pub fn with_bound(self, bound: f64, trials: u64) -> Self {
        // |x − offset| ≤ 2·bound for amounts (the center lies within the bound) and for
        // surpluses; doubled again for rounding and grid points.
        let deviation = 4.0 * bound.abs().max(self.center.abs());
        let k_max = ((2f64.powi(126) / trials.max(1) as f64).sqrt() - 2.0).max(1.0);
        // One part in 2^20 of slack for the rounding of this product.
        let floor = deviation * SCALE / k_max * (1.0 + 1.0 / (1u64 << 20) as f64);
        Self {
            floor: if floor.is_finite() && floor > self.span() {
                floor
            } else {
                0.0
            },
            ..self
        }
    }

    /// The quantizers' width: the range's, or the floor when that is wider.
    fn quantum(&self) -> f64 {
        if self.floor.is_finite() && self.floor > self.span() {
            self.floor
        } else {
            self.span()
        }
    }

    /// The quantizer for amounts (centered on the pilot mean).
    #[must_use]
    pub fn amounts(&self) -> Quantizer {
        Quantizer {
            offset: self.center,
            span: self.quantum(),
        }
    }

    /// The quantizer for differences of amounts such as surpluses (centered on 0).
    #[must_use]
    pub fn deltas(&self) -> Quantizer {
        Quantizer {
            offset: 0.0,
            span: self.quantum(),
        }
    }

    /// Fine-bin index of `x`: 0 is underflow, `FINE_BINS + 1` overflow.
    fn bin(&self, x: f64) -> usize {
        if x < self.lo {
            0
        } else if x >= self.hi {
            if x == self.hi {
                FINE_BINS
            } else {
                FINE_BINS + 1
            }
        } else {
            1 + (((x - self.lo) / self.span() * FINE_BINS as f64) as usize).min(FINE_BINS - 1)
        }
    }
}

/// Maps values to integers `k = round((x − offset) / span · 2^40)`, a resolution of
/// `span · 2^-40` (about 1e-12 of the amount range, or of the floor that keeps sums in
/// range: [`AmountRange::with_bound`]); sums of `k` and `k²` are exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantizer {
    offset: f64,
    span: f64,
}

impl Quantizer {
    fn z(&self, x: f64) -> f64 {
        (x - self.offset) / self.span
    }
}

/// Round to the nearest integer, halves away from zero. Values that fit an `i64` take the
/// hardware conversion (no libm `round`, no software `f64 → i128`): this sits on the
/// per-trial path.
fn quantize(v: f64) -> i128 {
    if v.abs() < 9.0e18 {
        i128::from((v + 0.5f64.copysign(v)) as i64)
    } else {
        v.round() as i128
    }
}

/// Integer sums of the quantized values: exact and order-independent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExactSum {
    /// Sum of quantized values (as a decimal string in JSON: it may exceed 64 bits).
    #[serde(with = "i128_string")]
    pub sum: i128,
    /// Sum of the squares of the quantized values (exact integers).
    #[serde(with = "i128_string")]
    pub sum_sq: i128,
}

impl ExactSum {
    /// Add `x`, quantized by `q`, with checked arithmetic.
    ///
    /// # Panics
    /// If a sum overflows: impossible for the values of a run whose range went through
    /// [`AmountRange::with_bound`] (each `|k|` is below `√(2^126 / trials)`), and never a
    /// silent wrap.
    fn add(&mut self, q: Quantizer, x: f64) {
        let k = quantize(q.z(x) * SCALE);
        // The common case, |k| < 2^63: k² is one widening 64 × 64 → 128-bit multiply that
        // cannot overflow; only the two additions are checked.
        let square = match i64::try_from(k) {
            Ok(k64) => Some(i128::from(k64) * i128::from(k64)),
            Err(_) => k.checked_mul(k),
        };
        let next = square
            .and_then(|sq| self.sum_sq.checked_add(sq))
            .zip(self.sum.checked_add(k));
        let Some((sum_sq, sum)) = next else {
            panic!("an exact sum overflowed: {x} is beyond the bound its quantizer was built for");
        };
        self.sum = sum;
        self.sum_sq = sum_sq;
    }

    /// Add `other`'s sums, checked: the name `field` on overflow.
    ///
    /// # Errors
    /// `field` when a sum would overflow.
    pub fn try_merge(&mut self, field: &'static str, other: &ExactSum) -> Result<(), &'static str> {
        self.sum = self.sum.checked_add(other.sum).ok_or(field)?;
        self.sum_sq = self.sum_sq.checked_add(other.sum_sq).ok_or(field)?;
        Ok(())
    }

    /// Mean of `n` added values (`None` when `n` is 0).
    #[must_use]
    pub fn mean(&self, q: Quantizer, n: u64) -> Option<f64> {
        (n > 0).then(|| q.offset + (self.sum as f64 / SCALE / n as f64) * q.span)
    }

    /// Sample standard deviation of `n` added values (0 for fewer than 2).
    #[must_use]
    pub fn sd(&self, q: Quantizer, n: u64) -> f64 {
        if n < 2 {
            return 0.0;
        }
        let nf = n as f64;
        // n·Σk² − (Σk)² exactly in integers when it fits (so a constant gives exactly 0),
        // in floating point otherwise.
        let exact = i128::from(n)
            .checked_mul(self.sum_sq)
            .zip(self.sum.checked_mul(self.sum))
            .and_then(|(a, b)| a.checked_sub(b));
        let var = match exact {
            Some(d) => d.max(0) as f64 / (nf * (nf - 1.0)),
            None => {
                let m = self.sum as f64 / nf;
                let m2 = self.sum_sq as f64 / nf;
                (m2 - m * m).max(0.0) * nf / (nf - 1.0)
            }
        };
        var.sqrt() / SCALE * q.span
    }
}

mod i128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serializes the running min/max: infinite (nothing seen yet) as `null`.
mod extreme {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }

    /// `null` reads back as "nothing seen": callers only read min/max with deals > 0.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// Everything accumulated about one model's outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelAccumulator {
    /// Trials seen.
    pub trials: u64,
    /// Count of each outcome kind, indexed by [`OutcomeKind::index`].
    pub outcomes: [u64; 5],
    /// Sums of deal amounts.
    pub amount: ExactSum,
    /// Smallest deal amount (+inf if none; `null` in JSON).
    #[serde(with = "extreme")]
    pub min: f64,
    /// Largest deal amount (−inf if none; `null` in JSON).
    #[serde(with = "extreme")]
    pub max: f64,
    /// Fine histogram of deal amounts: `[underflow, bins.., overflow]`.
    pub bins: Vec<u64>,
    /// Deals per 1-based round (index 0 = round 1).
    pub rounds: Vec<u64>,
    /// Sum of deal rounds.
    pub round_sum: u64,
    /// Sums of the payee's surplus over deals.
    pub payee_surplus: ExactSum,
    /// Sums of the payer's surplus over deals.
    pub payer_surplus: ExactSum,
    /// With a calendar: `deal_days[d]` = deals struck `d` days after the first round.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deal_days: Vec<u64>,
    /// Package scenarios: deals per issue value, per combination of the other issues,
    /// and the parties' utilities (`None` for one-issue scenarios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issues: Option<IssueTally>,
    /// With `on_veto = "resume"`: deals refused by a principal, over all trials.
    #[serde(default, skip_serializing_if = "no_count")]
    pub vetoes: u64,
    /// With `on_veto = "resume"`: trials with at least one veto.
    #[serde(default, skip_serializing_if = "no_count")]
    pub vetoed_trials: u64,
}

fn no_count(x: &u64) -> bool {
    *x == 0
}

impl Default for ModelAccumulator {
    fn default() -> Self {
        Self {
            trials: 0,
            outcomes: [0; 5],
            amount: ExactSum::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            bins: vec![0; FINE_BINS + 2],
            rounds: Vec::new(),
            round_sum: 0,
            payee_surplus: ExactSum::default(),
            payer_surplus: ExactSum::default(),
            deal_days: Vec::new(),
            issues: None,
            vetoes: 0,
            vetoed_trials: 0,
        }
    }
}

impl ModelAccumulator {
    /// Record one trial's outcome.
    pub fn add(&mut self, range: &AmountRange, negotiation: &Negotiation, outcome: &Outcome) {
        self.trials += 1;
        self.outcomes[outcome.kind.index()] += 1;
        if outcome.kind != OutcomeKind::Deal {
            return;
        }
        let Some(x) = outcome.amount else { return };
        self.amount_and_round(range, x, outcome.round);
        self.payee_surplus
            .add(range.deltas(), negotiation.payee.surplus(x));
        self.payer_surplus
            .add(range.deltas(), negotiation.payer.surplus(x));
        if let Some(cal) = &negotiation.calendar {
            self.add_deal_day(cal.day(outcome.round.saturating_sub(1)));
        }
    }

    /// Count a deal struck `day` days after the calendar's first round (the `timing`
    /// block's [`ModelAccumulator::deal_days`]), one-issue and package runs alike.
    #[inline]
    pub fn add_deal_day(&mut self, day: u32) {
        let d = day as usize;
        if self.deal_days.len() <= d {
            // Grows to the latest deal day seen, then never again.
            self.deal_days.resize(d + 1, 0);
        }
        self.deal_days[d] += 1;
    }

    /// Record one trial of a package scenario: a deal (the value of its amount issue, if
    /// it has one, and its 1-based round), or the kind of its failure. Its issue values
    /// go to [`ModelAccumulator::issues`] separately.
    pub fn add_package(
        &mut self,
        range: &AmountRange,
        deal: Option<(Option<f64>, u32)>,
        failure: OutcomeKind,
    ) {
        self.trials += 1;
        let Some((amount, round)) = deal else {
            self.outcomes[failure.index()] += 1;
            return;
        };
        self.outcomes[OutcomeKind::Deal.index()] += 1;
        match amount {
            Some(x) => self.amount_and_round(range, x, round),
            None => self.round(round),
        }
    }

    /// A deal's amount (sums, extremes, fine bin) and round.
    fn amount_and_round(&mut self, range: &AmountRange, x: f64, round: u32) {
        self.amount.add(range.amounts(), x);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        self.bins[range.bin(x)] += 1;
        self.round(round);
    }

    /// A deal's 1-based round.
    fn round(&mut self, round: u32) {
        let r = round.max(1) as usize;
        if self.rounds.len() < r {
            self.rounds.resize(r, 0);
        }
        self.rounds[r - 1] += 1;
        self.round_sum += u64::from(round);
    }

    /// Record the vetoes of one trial (after [`ModelAccumulator::add`]).
    #[inline]
    pub fn add_vetoes(&mut self, vetoes: u32) {
        if vetoes > 0 {
            self.vetoes += u64::from(vetoes);
            self.vetoed_trials += 1;
        }
    }

    /// Merge another accumulator into this one (exact; order does not matter).
    ///
    /// # Panics
    /// Never for accumulators the engine builds: their counts are bounded by the number
    /// of trials (a `u64`) and their sums by it times the quantization scale. Inputs read
    /// from files go through [`ModelAccumulator::try_merge`].
    pub fn merge(&mut self, other: &ModelAccumulator) {
        if let Err(field) = self.try_merge(other) {
            panic!("accumulator field `{field}` overflowed in a merge of engine results");
        }
    }

    /// [`ModelAccumulator::merge`] with checked arithmetic: the one merge, used by the
    /// engine and by `bargain merge` alike. On overflow it returns the field's name; `self`
    /// is then partly merged and must be discarded.
    ///
    /// # Errors
    /// The name of a counter or sum that would overflow.
    pub fn try_merge(&mut self, other: &ModelAccumulator) -> Result<(), &'static str> {
        fn add(field: &'static str, a: &mut u64, b: u64) -> Result<(), &'static str> {
            *a = a.checked_add(b).ok_or(field)?;
            Ok(())
        }
        fn add_all(field: &'static str, a: &mut Vec<u64>, b: &[u64]) -> Result<(), &'static str> {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, &y) in a.iter_mut().zip(b) {
                add(field, x, y)?;
            }
            Ok(())
        }
        add("trials", &mut self.trials, other.trials)?;
        for (a, &b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            add("outcomes", a, b)?;
        }
        self.amount.try_merge("amount", &other.amount)?;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        add_all("bins", &mut self.bins, &other.bins)?;
        add_all("rounds", &mut self.rounds, &other.rounds)?;
        add("round_sum", &mut self.round_sum, other.round_sum)?;
        self.payee_surplus
            .try_merge("payee_surplus", &other.payee_surplus)?;
        self.payer_surplus
            .try_merge("payer_surplus", &other.payer_surplus)?;
        add("vetoes", &mut self.vetoes, other.vetoes)?;
        add(
            "vetoed_trials",
            &mut self.vetoed_trials,
            other.vetoed_trials,
        )?;
        add_all("deal_days", &mut self.deal_days, &other.deal_days)?;
        match (&mut self.issues, &other.issues) {
            (Some(a), Some(b)) => a.try_merge(b),
            (None, None) => Ok(()),
            // An empty accumulator (no trials before this merge) takes the package's tally.
            (None, Some(b)) if self.trials == other.trials => {
                self.issues = Some(b.clone());
                Ok(())
            }
            _ => Err("issues"),
        }
    }

    /// Number of deals.
    #[must_use]
    pub fn deals(&self) -> u64 {
        self.outcomes[OutcomeKind::Deal.index()]
    }

    /// The amount at cumulative probability `p` among deals, interpolated inside the fine
    /// bin that holds it; `None` without deals. Error at most one bin width when the
    /// quantile falls inside the range; clamped to the exact min/max outside it.
    #[must_use]
    pub fn quantile(&self, range: &AmountRange, p: f64) -> Option<f64> {
        let n = self.deals();
        if n == 0 {
            return None;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        let mut cum = 0.0;
        for (i, &c) in self.bins.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let next = cum + c as f64;
            if next >= target {
                let (lo, hi) = self.bin_bounds(range, i);
                let frac = if c > 0 {
                    (target - cum) / c as f64
                } else {
                    0.0
                };
                let x = lo + frac.clamp(0.0, 1.0) * (hi - lo);
                return Some(x.clamp(self.min, self.max));
            }
            cum = next;
        }
        Some(self.max)
    }

    /// Share of deals with an amount at or below `x` (interpolated within its bin).
    #[must_use]
    pub fn cdf(&self, range: &AmountRange, x: f64) -> Option<f64> {
        let n = self.deals();
        if n == 0 {
            return None;
        }
        if x < self.min {
            return Some(0.0);
        }
        if x >= self.max {
            return Some(1.0);
        }
        let mut cum = 0.0;
        for (i, &c) in self.bins.iter().enumerate() {
            let (lo, hi) = self.bin_bounds(range, i);
            if x >= hi {
                cum += c as f64;
            } else {
                if x > lo && hi > lo {
                    cum += c as f64 * (x - lo) / (hi - lo);
                }
                break;
            }
        }
        Some((cum / n as f64).clamp(0.0, 1.0))
    }

    /// Amount bounds of fine bin `i` (underflow and overflow bins use the exact min/max).
    fn bin_bounds(&self, range: &AmountRange, i: usize) -> (f64, f64) {
        let w = range.bin_width();
        if i == 0 {
            (self.min, range.lo)
        } else if i > FINE_BINS {
            (range.hi, self.max)
        } else {
            let lo = range.lo + (i - 1) as f64 * w;
            (
                lo.max(self.min),
                (lo + w).min(self.max).max(lo.max(self.min)),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_merge_adds_every_field_and_names_an_overflow() {
        let mut a = ModelAccumulator {
            trials: 3,
            rounds: vec![1, 2],
            deal_days: vec![0, 1],
            ..ModelAccumulator::default()
        };
        let b = ModelAccumulator {
            trials: 4,
            rounds: vec![0, 0, 5],
            deal_days: vec![2],
            round_sum: 7,
            vetoes: 5,
            vetoed_trials: 2,
            ..ModelAccumulator::default()
        };
        a.add_vetoes(3);
        a.add_vetoes(0);
        a.try_merge(&b).expect("no overflow");
        assert_eq!((a.trials, a.round_sum), (7, 7));
        assert_eq!((a.vetoes, a.vetoed_trials), (8, 3));
        assert_eq!(a.rounds, [1, 2, 5]);
        assert_eq!(a.deal_days, [2, 1]);

        let full = ModelAccumulator {
            round_sum: u64::MAX,
            ..ModelAccumulator::default()
        };
        assert_eq!(a.clone().try_merge(&full), Err("round_sum"));
        let mut sums = ModelAccumulator::default();
        sums.payer_surplus.sum_sq = i128::MAX;
        assert_eq!(sums.clone().try_merge(&sums), Err("payer_surplus"));
    }
}
