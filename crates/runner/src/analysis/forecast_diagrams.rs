//! The backtest's two calibration diagrams (issue #24 item 3), as numbers for the terminal
//! and the plot (`report::forecast_plot`):
//!
//! - the **PIT histogram**: each model's PIT values of the observed amounts in
//!   [`PIT_BINS`] equal bins of [0, 1] (a calibrated model gives a flat histogram; a
//!   pile-up at the right means the observed amounts were above the model's deals);
//! - the **reliability diagram** of "deal before the expiry": each model's forecast
//!   probabilities (`timing.before_expiry`) in [`RELIABILITY_BINS`] equal bins of [0, 1],
//!   each bin with the mean forecast and the share of its cases whose deal came on or before
//!   the expiry (a calibrated model lies on the diagonal).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::analysis::backtest::{Backtest, ordered};

/// Bins of the PIT histogram.
pub const PIT_BINS: usize = 5;
/// Bins of the reliability diagram.
pub const RELIABILITY_BINS: usize = 5;

/// The bin of `x` in [0, 1] among `bins` equal bins (1 goes into the last).
fn bin(x: f64, bins: usize) -> usize {
    ((x.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1)
}

/// Counts of `pits` in `bins` equal bins of [0, 1].
#[must_use]
pub fn pit_histogram(pits: &[f64], bins: usize) -> Vec<u64> {
    let mut out = vec![0; bins.max(1)];
    for &p in pits {
        out[bin(p, bins.max(1))] += 1;
    }
    out
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the bin.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Cases whose forecast falls in the bin.
    pub cases: u64,
    /// Their mean forecast probability.
    pub mean_forecast: f64,
    /// The share of them where the event happened.
    pub observed: f64,
}

/// The non-empty bins of a reliability diagram of `(forecast probability, happened)`.
#[must_use]
pub fn reliability(points: &[(f64, bool)], bins: usize) -> Vec<ReliabilityBin> {
    let bins = bins.max(1);
    let mut acc = vec![(0u64, 0.0f64, 0u64); bins];
    for &(p, hit) in points {
        let a = &mut acc[bin(p, bins)];
        a.0 += 1;
        a.1 += p;
        a.2 += u64::from(hit);
    }
    acc.iter()
        .enumerate()
        .filter(|(_, a)| a.0 > 0)
        .map(|(i, &(n, sum, hits))| ReliabilityBin {
            lo: i as f64 / bins as f64,
            hi: (i + 1) as f64 / bins as f64,
            cases: n,
            mean_forecast: sum / n as f64,
            observed: hits as f64 / n as f64,
        })
        .collect()
}

/// Each model's `(P(deal before expiry), it happened)` over the scenarios with timing
/// scores, in report order.
#[must_use]
pub fn before_expiry_points(b: &Backtest) -> Vec<(String, Vec<(f64, bool)>)> {
    let names = ordered(
        b.scenarios
            .iter()
            .flat_map(|s| s.models.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>(),
    );
    names
        .into_iter()
        .filter_map(|name| {
            let pts: Vec<(f64, bool)> = b
                .scenarios
                .iter()
                .filter_map(|s| {
                    let t = s.models.get(&name)?.timing.as_ref()?;
                    Some((t.before_expiry, t.observed_before_expiry))
                })
                .collect();
            (!pts.is_empty()).then_some((name, pts))
        })
        .collect()
}

/// The two diagrams as text for the terminal (nothing without scored scenarios).
#[must_use]
pub fn diagrams_text(b: &Backtest) -> String {
    let mut out = String::new();
    let names = ordered(b.models.keys().cloned());
    if names.iter().all(|n| b.models[n].pit.is_empty()) {
        return out;
    }
    let edges: Vec<String> = (0..PIT_BINS)
        .map(|i| {
            format!(
                "{:.1}-{:.1}",
                i as f64 / PIT_BINS as f64,
                (i + 1) as f64 / PIT_BINS as f64
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\nPIT histogram: observed amounts per PIT bin (calibrated: flat; right-heavy: the outcomes were above the deals)"
    );
    let _ = write!(out, "  {:<18}", "model");
    for e in &edges {
        let _ = write!(out, " {e:<8}");
    }
    let _ = writeln!(out);
    for name in &names {
        let h = pit_histogram(&b.models[name].pit, PIT_BINS);
        let _ = write!(out, "  {name:<18}");
        for c in h {
            let bar = "#".repeat(c as usize);
            let _ = write!(out, " {:<8}", format!("{c} {bar}"));
        }
        let _ = writeln!(out);
    }
    let points = before_expiry_points(b);
    if points.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nreliability of P(deal before expiry): per forecast bin, the mean forecast and the observed share (calibrated: equal)"
    );
    let _ = writeln!(
        out,
        "  {:<18} {:>9} {:>6} {:>14} {:>9}",
        "model", "bin", "cases", "mean forecast", "observed"
    );
    for (name, pts) in &points {
        for (i, r) in reliability(pts, RELIABILITY_BINS).iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:<18} {:>9} {:>6} {:>13.0}% {:>8.0}%",
                if i == 0 { name.as_str() } else { "" },
                format!("{:.1}-{:.1}", r.lo, r.hi),
                r.cases,
                100.0 * r.mean_forecast,
                100.0 * r.observed
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_reliability() {
        assert_eq!(
            pit_histogram(&[0.0, 0.19, 0.2, 0.99, 1.0], 5),
            vec![2, 1, 0, 0, 2]
        );
        let r = reliability(&[(0.1, false), (0.15, true), (0.9, true), (1.0, true)], 5);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].cases, 2);
        assert!((r[0].mean_forecast - 0.125).abs() < 1e-12);
        assert!((r[0].observed - 0.5).abs() < 1e-12);
        assert!((r[1].observed - 1.0).abs() < 1e-12);
    }
}
