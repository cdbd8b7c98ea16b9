//! The Nash (1950) and Kalai–Smorodinsky (1975) solutions on a general decreasing
//! frontier, solved numerically: the reference the `nash` and `kalai-smorodinsky` models'
//! closed forms on a linear pie are checked against.

/// Interval width at which the numerical solvers stop.
const TOL: f64 = 1e-12;

/// Iteration cap for the numerical solvers (far more than `TOL` needs).
const MAX_ITER: usize = 400;

/// The largest `u ∈ [lo, hi]` with `frontier(u) ≥ level`, for a decreasing frontier with
/// `frontier(lo) ≥ level`, by bisection.
fn last_at_or_above(frontier: &impl Fn(f64) -> f64, lo: f64, hi: f64, level: f64) -> f64 {
    if frontier(hi) >= level {
        return hi;
    }
    let (mut lo, mut hi) = (lo, hi);
    for _ in 0..MAX_ITER {
        let mid = 0.5 * (lo + hi);
        if hi - lo <= TOL || mid <= lo || mid >= hi {
            break;
        }
        if frontier(mid) >= level {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The utilities A can get without pushing B below `d_B`: `[d_A, I_A]`, or `None` when no
/// frontier point weakly dominates the disagreement point.
fn feasible_range(frontier: &impl Fn(f64) -> f64, u_a_max: f64, d: (f64, f64)) -> Option<f64> {
    let (d_a, d_b) = d;
    // Written so that a NaN anywhere means "infeasible".
    if !(u_a_max >= d_a && frontier(d_a) >= d_b) {
        return None;
    }
    Some(last_at_or_above(frontier, d_a, u_a_max, d_b))
}

/// The generalized Nash solution on a frontier: the point `(u_A, frontier(u_A))` with
/// `u_A ∈ [d_A, u_a_max]` that maximizes `(u_A − d_A)^α · (u_B − d_B)^(1−α)`.
///
/// `frontier` gives B's best utility for each utility of A; it must be decreasing and
/// concave on `[d_A, u_a_max]` (then the logarithm of the objective is concave and the
/// maximum is unique). Solved by golden-section search on the log objective over the points
/// that give B at least `d_B`, to an interval of 1e-12. `alpha` is clamped to `[0, 1]`:
/// `α = 1` gives A's ideal point and `α = 0` gives B's.
///
/// If no frontier point gives both at least their disagreement payoffs, there is nothing to
/// bargain over and the function returns the disagreement point `d` itself.
#[must_use]
pub fn nash_on_frontier(
    frontier: impl Fn(f64) -> f64,
    u_a_max: f64,
    d: (f64, f64),
    alpha: f64,
) -> (f64, f64) {
    let (d_a, d_b) = d;
    let alpha = alpha.clamp(0.0, 1.0);
    let Some(ideal_a) = feasible_range(&frontier, u_a_max, d) else {
        return d;
    };
    if alpha >= 1.0 {
        return (ideal_a, frontier(ideal_a));
    }
    if alpha <= 0.0 {
        return (d_a, frontier(d_a));
    }
    let log_objective = |u: f64| {
        let (ga, gb) = (u - d_a, frontier(u) - d_b);
        if ga > 0.0 && gb > 0.0 {
            alpha * ga.ln() + (1.0 - alpha) * gb.ln()
        } else {
            f64::NEG_INFINITY
        }
    };
    let u = golden_section_max(log_objective, d_a, ideal_a);
    (u, frontier(u))
}

/// The maximizer of a unimodal function on `[lo, hi]` by golden-section search.
fn golden_section_max(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let inv_phi = (5.0_f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (lo, hi);
    let mut c = b - inv_phi * (b - a);
    let mut e = a + inv_phi * (b - a);
    let (mut fc, mut fe) = (f(c), f(e));
    for _ in 0..MAX_ITER {
        if b - a <= TOL {
            break;
        }
        if fc >= fe {
            b = e;
            e = c;
            fe = fc;
            c = b - inv_phi * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = e;
            fc = fe;
            e = a + inv_phi * (b - a);
            fe = f(e);
        }
    }
    0.5 * (a + b)
}

/// The Kalai–Smorodinsky solution on a frontier: the frontier point on the segment from the
/// disagreement point `d` to the ideal point `I`.
///
/// `frontier` gives B's best utility for each utility of A on `[d_A, u_a_max]` and must be
/// decreasing there. The ideal point is `I_A` = the largest `u_A ≤ u_a_max` with
/// `frontier(u_A) ≥ d_B` and `I_B = frontier(d_A)`. The solution solves
/// `(u_A − d_A)/(I_A − d_A) = (u_B − d_B)/(I_B − d_B)` with `u_B = frontier(u_A)`, by bisection
/// to 1e-12 along the segment.
///
/// If no frontier point gives both at least their disagreement payoffs, the function returns
/// the disagreement point `d` itself.
#[must_use]
pub fn kalai_smorodinsky(frontier: impl Fn(f64) -> f64, u_a_max: f64, d: (f64, f64)) -> (f64, f64) {
    let (d_a, d_b) = d;
    let Some(ideal_a) = feasible_range(&frontier, u_a_max, d) else {
        return d;
    };
    let (span_a, span_b) = (ideal_a - d_a, frontier(d_a) - d_b);
    // g(t) = frontier(d_A + t·span_A) − d_B − t·span_B falls from span_B ≥ 0 at t = 0 to
    // frontier(I_A) − I_B ≤ 0 at t = 1.
    let g = |t: f64| frontier(d_a + t * span_a) - d_b - t * span_b;
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..MAX_ITER {
        let mid = 0.5 * (lo + hi);
        if hi - lo <= TOL * 1e-3 || mid <= lo || mid >= hi {
            break;
        }
        if g(mid) >= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let u_a = d_a + 0.5 * (lo + hi) * span_a;
    (u_a, frontier(u_a))
}
