//! Monte Carlo standard errors of the agreement rate, for tables and pages.

/// The standard error of a share `p` estimated from `trials` independent trials:
/// `√(p (1 − p) / trials)` (0 for no trials).
#[must_use]
pub fn rate_se(p: f64, trials: u64) -> f64 {
    if trials == 0 || !p.is_finite() {
        return 0.0;
    }
    (p * (1.0 - p) / trials as f64).sqrt()
}

/// `75.1% ± 0.14`: the rate in percent and its standard error in percentage points, each
/// with enough decimals to show the error's first significant digit (at most 3).
#[must_use]
pub fn rate_with_se(p: f64, trials: u64) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    let se = 100.0 * rate_se(p, trials);
    let d = if se <= 0.0 {
        1
    } else {
        ((-se.log10()).ceil().max(0.0) as usize + 1).min(3)
    };
    format!("{:.d$}% ± {:.d$}", 100.0 * p, se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_standard_error() {
        assert!((rate_se(0.5, 10_000) - 0.005).abs() < 1e-15);
        assert_eq!(rate_se(1.0, 100), 0.0);
        assert_eq!(rate_se(0.3, 0), 0.0);
        assert_eq!(rate_with_se(0.5, 10_000), "50.00% ± 0.50");
        assert_eq!(rate_with_se(0.751, 100_000), "75.10% ± 0.14");
        assert_eq!(rate_with_se(1.0, 100), "100.0% ± 0.0");
    }
}
