//! Helpers shared by the theory test files.

/// Tolerance for closed forms.
pub const TOL: f64 = 1e-9;

/// Assert `actual` is within `tol` of `expected`.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "expected {expected}, got {actual} (tolerance {tol})"
    );
}
